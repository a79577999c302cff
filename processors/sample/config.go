package sample

import (
	"errors"
	"fmt"

	"github.com/sluice-dev/sluice/processors/internal/condition"
	"github.com/sluice-dev/sluice/processors/internal/proc"
)

// Config says which events are always kept and what fraction of the rest.
type Config struct {
	proc.Common `mapstructure:",squash"`
	// KeepIf selects events that are always kept (every failure, every warning).
	KeepIf string `mapstructure:"keep_if"`
	// Rate is the fraction of the other events kept, from 0 to 1.
	Rate float64 `mapstructure:"rate"`
	// Key lists the fields hashed to decide; the same values always get the same decision, so
	// a replay keeps the same events and every copy of a line is kept or dropped together.
	Key []string `mapstructure:"key"`
}

// NewConfig returns the defaults: keep 10 % of events, decided on the message.
func NewConfig() *Config { return &Config{Rate: 0.1, Key: []string{"message"}} }

// Validate compiles keep_if and checks the rate. It keeps nothing: build compiles its own.
func (c *Config) Validate() error {
	errs := []error{c.Common.Validate(), proc.ValidateNames("key", c.Key)}
	if _, err := c.keepIf(); err != nil {
		errs = append(errs, err)
	}
	if c.Rate < 0 || c.Rate > 1 {
		errs = append(errs, fmt.Errorf("rate: %v is not between 0 and 1", c.Rate))
	}
	return errors.Join(errs...)
}

// keepIf compiles keep_if (nil when unset).
func (c *Config) keepIf() (*condition.Condition, error) {
	keep, err := condition.Compile(c.KeepIf)
	if err != nil {
		return nil, fmt.Errorf("keep_if: %w", err)
	}
	return keep, nil
}
