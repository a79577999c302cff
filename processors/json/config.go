package json

import (
	"errors"
	"fmt"

	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/processors/internal/proc"
)

// Config is the field holding JSON text and where its members go.
type Config struct {
	proc.Common `mapstructure:",squash"`
	// Field holds the JSON object text.
	Field string `mapstructure:"field"`
	// Target is the prefix members are written under ("" writes them at the top level).
	Target string `mapstructure:"target"`
	// MaxDepth is how many levels of the decoded JSON the event may hold (1 to event.MaxDepth):
	// objects within it become dotted fields and arrays within it raw JSON; whatever would
	// reach deeper is kept as a string of its JSON text, since Elasticsearch refuses documents
	// deeper than its mapping depth limit.
	MaxDepth int `mapstructure:"max_depth"`
	// Overwrite lets members replace fields the event already has.
	Overwrite bool `mapstructure:"overwrite"`
	// RemoveField deletes Field after a successful decode (never the message: sluice keeps the
	// original line).
	RemoveField bool `mapstructure:"remove_field"`
}

// NewConfig returns the defaults: decode message at the top level, event.MaxDepth levels,
// overwrite.
func NewConfig() *Config { return &Config{Field: "message", MaxDepth: event.MaxDepth, Overwrite: true} }

// Validate checks the options.
func (c *Config) Validate() error {
	errs := []error{c.Common.Validate()}
	if c.Field == "" {
		errs = append(errs, errors.New("field: required"))
	}
	if c.MaxDepth < 1 || c.MaxDepth > event.MaxDepth {
		errs = append(errs, fmt.Errorf("max_depth: %d is not between 1 and %d", c.MaxDepth, event.MaxDepth))
	}
	return errors.Join(errs...)
}
