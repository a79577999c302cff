package dissect

import (
	"errors"
	"fmt"

	"github.com/sluice-dev/sluice/processors/internal/proc"
)

// Config is the field to split and the dissect pattern.
type Config struct {
	proc.Common `mapstructure:",squash"`
	// Field is the text to split.
	Field string `mapstructure:"field"`
	// Pattern is a Logstash/Elasticsearch dissect pattern, e.g.
	// "%{log.level} %{+timestamp} %{+timestamp} %{source}:%{line}] %{msg}".
	Pattern string `mapstructure:"pattern"`
	// TargetPrefix is put before every key ("" writes them as named).
	TargetPrefix string `mapstructure:"target_prefix"`
	// AppendSeparator joins the parts of %{+key}.
	AppendSeparator string `mapstructure:"append_separator"`
}

// NewConfig returns the defaults: split message, append with a space.
func NewConfig() *Config { return &Config{Field: "message", AppendSeparator: " "} }

// Validate parses the pattern, so a bad one fails at load.
func (c *Config) Validate() error {
	errs := []error{c.Common.Validate()}
	if c.Field == "" {
		errs = append(errs, errors.New("field: required"))
	}
	if _, err := Compile(c.Pattern); err != nil {
		errs = append(errs, fmt.Errorf("pattern: %w", err))
	}
	return errors.Join(errs...)
}
