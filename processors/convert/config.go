package convert

import (
	"errors"
	"fmt"

	"github.com/sluice-dev/sluice/processors/internal/proc"
)

// Field names a field and the type to give it: string, integer (int, long), float (double),
// boolean (bool).
type Field struct {
	Field string `mapstructure:"field"`
	Type  string `mapstructure:"type"`
}

// Config lists the conversions.
type Config struct {
	proc.Common `mapstructure:",squash"`
	Fields      []Field `mapstructure:"fields"`
	// IgnoreMissing treats a missing field as nothing to do; false makes it an error.
	IgnoreMissing bool `mapstructure:"ignore_missing"`
}

// NewConfig returns the defaults: missing fields are ignored.
func NewConfig() *Config { return &Config{IgnoreMissing: true} }

// Validate checks every field has a name and a known type.
func (c *Config) Validate() error {
	errs := []error{c.Common.Validate()}
	if len(c.Fields) == 0 {
		errs = append(errs, errors.New("fields: at least one field is required"))
	}
	for i, f := range c.Fields {
		if f.Field == "" {
			errs = append(errs, fmt.Errorf("fields[%d].field: required", i))
		}
		if _, ok := converters[f.Type]; !ok {
			errs = append(errs, fmt.Errorf("fields[%d].type: %q is not one of string, integer, float, boolean", i, f.Type))
		}
	}
	return errors.Join(errs...)
}
