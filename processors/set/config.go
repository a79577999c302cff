package set

import (
	"errors"
	"fmt"

	"github.com/sluice-dev/sluice/processors/internal/proc"
)

// Field is one field to set. Value is a string, number or bool; Override false keeps a value
// the event already has.
type Field struct {
	Field    string `mapstructure:"field"`
	Value    any    `mapstructure:"value"`
	Override *bool  `mapstructure:"override"`
}

// Config lists the fields to set.
type Config struct {
	proc.Common `mapstructure:",squash"`
	Fields      []Field `mapstructure:"fields"`
}

// NewConfig returns the defaults: nothing to set.
func NewConfig() *Config { return &Config{} }

// Validate checks every field has a name and a value of a supported type.
func (c *Config) Validate() error {
	errs := []error{c.Common.Validate()}
	if len(c.Fields) == 0 {
		errs = append(errs, errors.New("fields: at least one field is required"))
	}
	for i, f := range c.Fields {
		if f.Field == "" {
			errs = append(errs, fmt.Errorf("fields[%d].field: required", i))
		}
		if _, err := proc.ValueOf(f.Value); err != nil {
			errs = append(errs, fmt.Errorf("fields[%d].value: %w", i, err))
		}
	}
	return errors.Join(errs...)
}
