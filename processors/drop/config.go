package drop

import (
	"errors"

	"github.com/sluice-dev/sluice/processors/internal/proc"
)

// Config is the condition of the events to drop.
type Config struct {
	proc.Common `mapstructure:",squash"`
}

// NewConfig returns the defaults (an if: is still required).
func NewConfig() *Config { return &Config{} }

// Validate requires a condition: a drop without one would discard every line, which is never
// what a config means.
func (c *Config) Validate() error {
	if c.If == "" {
		return errors.Join(c.Common.Validate(), errors.New("if: required (drop without a condition would discard every event)"))
	}
	return c.Common.Validate()
}
