package truncate

import (
	"errors"
	"fmt"

	"github.com/sluice-dev/sluice/processors/internal/proc"
)

// Config lists the string fields to cut and the limit.
type Config struct {
	proc.Common `mapstructure:",squash"`
	Fields      []string `mapstructure:"fields"`
	// MaxBytes is the most bytes a field keeps, cut on a UTF-8 boundary. The default, 32766, is
	// the longest term Elasticsearch indexes; a longer keyword value fails the whole document.
	MaxBytes int `mapstructure:"max_bytes"`
	// Tag is added to events that had a field cut ("" adds none).
	Tag string `mapstructure:"tag"`
}

// NewConfig returns the defaults: message, 32766 bytes, tag "truncated".
func NewConfig() *Config {
	return &Config{Fields: []string{"message"}, MaxBytes: 32766, Tag: "truncated"}
}

// Validate checks the fields and the limit.
func (c *Config) Validate() error {
	errs := []error{c.Common.Validate(), proc.ValidateNames("fields", c.Fields)}
	if c.MaxBytes < 1 {
		errs = append(errs, fmt.Errorf("max_bytes: %d must be at least 1", c.MaxBytes))
	}
	return errors.Join(errs...)
}
