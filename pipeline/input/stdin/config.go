package stdin

import (
	"errors"
	"fmt"

	"github.com/sluice-dev/sluice/pipeline"
)

// Config configures the stdin input.
type Config struct {
	// MaxLineBytes bounds a line; longer lines are split into pieces tagged _line_split.
	MaxLineBytes pipeline.ByteSize `mapstructure:"max_line_bytes"`
	// BatchSize is the most lines handed over in one batch.
	BatchSize int `mapstructure:"batch_size"`
}

// NewConfig returns the defaults.
func NewConfig() *Config { return &Config{MaxLineBytes: 1 << 20, BatchSize: 1024} }

// Validate reports every problem in the config.
func (c *Config) Validate() error {
	var errs []error
	if c.MaxLineBytes < 1 || c.MaxLineBytes > 64<<20 {
		errs = append(errs, fmt.Errorf("max_line_bytes: %v is not between 1 and 64MiB", c.MaxLineBytes))
	}
	if c.BatchSize < 1 {
		errs = append(errs, fmt.Errorf("batch_size: must be at least 1, got %d", c.BatchSize))
	}
	return errors.Join(errs...)
}
