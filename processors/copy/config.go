package copy

import (
	"errors"

	"github.com/sluice-dev/sluice/processors/internal/proc"
)

// Config lists the fields to copy, in order.
type Config struct {
	proc.Common `mapstructure:",squash"`
	Fields      []proc.FromTo `mapstructure:"fields"`
	// IgnoreMissing treats a missing source field as nothing to do; false makes it an error.
	IgnoreMissing bool `mapstructure:"ignore_missing"`
}

// NewConfig returns the defaults: missing fields are ignored.
func NewConfig() *Config { return &Config{IgnoreMissing: true} }

// Validate checks the field list.
func (c *Config) Validate() error {
	return errors.Join(c.Common.Validate(), proc.ValidateFromTo("fields", c.Fields))
}
