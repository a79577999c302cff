package parse

import (
	"errors"
	"fmt"

	"github.com/sluice-dev/sluice/parsers/builtin"
)

// Config selects the parsers to try, in order. An empty list means the default chain.
type Config struct {
	// Parsers names the parsers to try in order; framing parsers run first whatever their place.
	Parsers []string `mapstructure:"parsers"`
}

// NewConfig returns the defaults: the built-in chain.
func NewConfig() *Config { return &Config{} }

// Validate checks that every named parser exists.
func (c *Config) Validate() error {
	reg := builtin.Registry()
	var errs []error
	for i, n := range c.Parsers {
		if _, ok := reg.Lookup(n); !ok {
			errs = append(errs, fmt.Errorf("parsers[%d]: unknown parser %q (known: %v)", i, n, reg.Names()))
		}
	}
	return errors.Join(errs...)
}
