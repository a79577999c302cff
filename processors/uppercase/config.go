package uppercase

import "github.com/sluice-dev/sluice/processors/internal/proc"

// Config lists the string fields to change.
type Config struct {
	proc.FieldsConfig `mapstructure:",squash"`
}

// NewConfig returns the defaults: no fields (one is required).
func NewConfig() *Config { return &Config{} }
