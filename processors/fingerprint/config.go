package fingerprint

import (
	"errors"

	"github.com/sluice-dev/sluice/processors/internal/proc"
)

// Config chooses what the fingerprint covers and where it goes.
type Config struct {
	proc.Common `mapstructure:",squash"`
	// Fields are hashed in the order given; a missing field counts as missing, so two events
	// differing only there still differ.
	Fields []string `mapstructure:"fields"`
	// IncludeSource adds the event's input, source and offset (file path and byte offset, Kafka
	// topic/partition and offset), so that two identical lines at different places stay two
	// documents while a replay of the same place maps onto the same one.
	IncludeSource bool `mapstructure:"include_source"`
	// FirstLine hashes only the first line of each field's value: the first line of a record
	// the parse processor grouped (a traceback) is the same whether the record is read whole
	// or, read again after a restart, in pieces, so both get the same id and the second is a
	// replay.
	FirstLine bool `mapstructure:"first_line"`
	// Target is a field to write the fingerprint to ("" writes none).
	Target string `mapstructure:"target"`
	// MetaID sets the document id outputs use (Elasticsearch _id).
	MetaID bool `mapstructure:"meta_id"`
}

// NewConfig returns the defaults: the message and its source, into the document id.
func NewConfig() *Config {
	return &Config{Fields: []string{"message"}, IncludeSource: true, MetaID: true}
}

// Validate checks there is something to hash and somewhere to put it.
func (c *Config) Validate() error {
	errs := []error{c.Common.Validate()}
	if len(c.Fields) == 0 && !c.IncludeSource {
		errs = append(errs, errors.New("fields: required unless include_source is true"))
	}
	if c.Target == "" && !c.MetaID {
		errs = append(errs, errors.New("target: required unless meta_id is true"))
	}
	return errors.Join(errs...)
}
