package copy

import "github.com/sluice-dev/sluice/processors/internal/proc"

// Config lists the fields to copy, in order ({from, to} objects), and whether a missing source
// field is an error (ignore_missing: false).
type Config struct {
	proc.MoveConfig `mapstructure:",squash"`
}

// NewConfig returns the defaults: missing fields are ignored.
func NewConfig() *Config { return &Config{proc.MoveConfig{IgnoreMissing: true}} }
