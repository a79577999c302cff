package remove

import (
	"errors"

	"github.com/sluice-dev/sluice/processors/internal/proc"
)

// Config lists the fields to remove; each takes its subfields with it.
type Config struct {
	proc.Common `mapstructure:",squash"`
	Fields      []string `mapstructure:"fields"`
	// Tags lists tags to remove.
	Tags []string `mapstructure:"tags"`
}

// NewConfig returns the defaults: nothing to remove.
func NewConfig() *Config { return &Config{} }

// Validate checks there is something to remove.
func (c *Config) Validate() error {
	if len(c.Tags) > 0 && len(c.Fields) == 0 {
		return c.Common.Validate()
	}
	return errors.Join(c.Common.Validate(), proc.ValidateNames("fields", c.Fields))
}
