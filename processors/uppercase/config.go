package uppercase

import (
	"errors"

	"github.com/sluice-dev/sluice/processors/internal/proc"
)

// Config lists the string fields to change.
type Config struct {
	proc.Common `mapstructure:",squash"`
	Fields      []string `mapstructure:"fields"`
}

// NewConfig returns the defaults: no fields.
func NewConfig() *Config { return &Config{} }

// Validate checks the field list.
func (c *Config) Validate() error {
	return errors.Join(c.Common.Validate(), proc.ValidateNames("fields", c.Fields))
}
