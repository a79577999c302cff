package json

import (
	"errors"
	"fmt"

	"github.com/sluice-dev/sluice/processors/internal/proc"
)

// Config is the field holding JSON text and where its members go.
type Config struct {
	proc.Common `mapstructure:",squash"`
	// Field holds the JSON object text.
	Field string `mapstructure:"field"`
	// Target is the prefix members are written under ("" writes them at the top level).
	Target string `mapstructure:"target"`
	// MaxDepth is how deep objects are flattened into dotted fields; deeper objects, and all
	// arrays, are kept as raw JSON values.
	MaxDepth int `mapstructure:"max_depth"`
	// Overwrite lets members replace fields the event already has.
	Overwrite bool `mapstructure:"overwrite"`
	// RemoveField deletes Field after a successful decode (never the message: sluice keeps the
	// original line).
	RemoveField bool `mapstructure:"remove_field"`
}

// NewConfig returns the defaults: decode message at the top level, 10 levels, overwrite.
func NewConfig() *Config { return &Config{Field: "message", MaxDepth: 10, Overwrite: true} }

// Validate checks the options.
func (c *Config) Validate() error {
	errs := []error{c.Common.Validate()}
	if c.Field == "" {
		errs = append(errs, errors.New("field: required"))
	}
	if c.MaxDepth < 1 {
		errs = append(errs, fmt.Errorf("max_depth: %d must be at least 1", c.MaxDepth))
	}
	return errors.Join(errs...)
}
