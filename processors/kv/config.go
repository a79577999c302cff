package kv

import (
	"errors"
	"fmt"

	"github.com/sluice-dev/sluice/processors/internal/proc"
)

// Config is the field to read pairs from and how they are written.
type Config struct {
	proc.Common `mapstructure:",squash"`
	// Field holds the text.
	Field string `mapstructure:"field"`
	// Target is the prefix keys are written under ("" writes them at the top level).
	Target string `mapstructure:"target"`
	// Format is kv (words without a value separator are skipped) or logfmt (a bare key is
	// true, as in the logfmt convention).
	Format string `mapstructure:"format"`
	// FieldSplit separates pairs; ValueSplit separates a key from its value.
	FieldSplit string `mapstructure:"field_split"`
	ValueSplit string `mapstructure:"value_split"`
	// IncludeKeys, when set, keeps only these keys; ExcludeKeys drops these.
	IncludeKeys []string `mapstructure:"include_keys"`
	ExcludeKeys []string `mapstructure:"exclude_keys"`
	// GuessTypes writes integers, floats and true/false with their kinds instead of as text.
	GuessTypes bool `mapstructure:"guess_types"`
}

// NewConfig returns the defaults: kv pairs "a=b c=d" in message, at the top level.
func NewConfig() *Config {
	return &Config{Field: "message", Format: "kv", FieldSplit: " ", ValueSplit: "="}
}

// Validate checks the options.
func (c *Config) Validate() error {
	errs := []error{c.Common.Validate()}
	if c.Field == "" {
		errs = append(errs, errors.New("field: required"))
	}
	if c.Format != "kv" && c.Format != "logfmt" {
		errs = append(errs, fmt.Errorf("format: %q is not kv or logfmt", c.Format))
	}
	if c.FieldSplit == "" || c.ValueSplit == "" || c.FieldSplit == c.ValueSplit {
		errs = append(errs, fmt.Errorf("field_split %q and value_split %q must be set and differ", c.FieldSplit, c.ValueSplit))
	}
	if len(c.IncludeKeys) > 0 && len(c.ExcludeKeys) > 0 {
		errs = append(errs, errors.New("include_keys and exclude_keys are exclusive"))
	}
	return errors.Join(errs...)
}
