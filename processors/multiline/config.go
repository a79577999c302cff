package multiline

import (
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/sluice-dev/sluice/processors/internal/proc"
)

// Config follows Filebeat's multiline settings, so a Filebeat config carries over.
type Config struct {
	proc.Common `mapstructure:",squash"`
	// Field holds the line (message).
	Field string `mapstructure:"field"`
	// Pattern is the regular expression lines are tested with (Go RE2 syntax).
	Pattern string `mapstructure:"pattern"`
	// Negate inverts the test.
	Negate bool `mapstructure:"negate"`
	// Match is after (a matching line belongs to the line before it: tracebacks) or before (a
	// matching line belongs to the line after it: continuation markers at line end).
	Match string `mapstructure:"match"`
	// MaxLines and MaxBytes bound one event; a longer group is cut into several events of the
	// same group (same error.id, event.sequence from 1), the later ones tagged _group_continued.
	MaxLines int `mapstructure:"max_lines"`
	MaxBytes int `mapstructure:"max_bytes"`
	// MaxContinuations bounds the continuation events of one group; past the last, the group's
	// lines are counted (log.omitted_lines and the tag _multiline_omitted on its last event),
	// not sent one event a line.
	MaxContinuations int `mapstructure:"max_continuations"`
	// KeyFields are added to the source (Meta.Input and Meta.Source) to tell streams apart,
	// for inputs whose source mixes several: a Kafka partition carries the lines of many pods,
	// so key_fields: [kubernetes.pod.uid, kubernetes.container.name] keeps their tracebacks apart.
	KeyFields []string `mapstructure:"key_fields"`
	// Timeout sends a group on when its source has been quiet this long.
	Timeout time.Duration `mapstructure:"timeout"`
}

// NewConfig returns Filebeat's defaults: match after, 500 lines, 10 MiB, 5 s; and 9
// continuation events.
func NewConfig() *Config {
	return &Config{Field: "message", Match: "after", MaxLines: 500, MaxBytes: 10 << 20, Timeout: 5 * time.Second,
		MaxContinuations: proc.DefaultMaxContinuations}
}

// Validate compiles the pattern and checks the limits.
func (c *Config) Validate() error {
	errs := []error{c.Common.Validate()}
	if c.Field == "" {
		errs = append(errs, errors.New("field: required"))
	}
	if c.Pattern == "" {
		errs = append(errs, errors.New("pattern: required"))
	} else if _, err := regexp.Compile(c.Pattern); err != nil {
		errs = append(errs, fmt.Errorf("pattern: %w", err))
	}
	if c.Match != "after" && c.Match != "before" {
		errs = append(errs, fmt.Errorf("match: %q is not after or before", c.Match))
	}
	if c.MaxLines < 1 || c.MaxBytes < 1 {
		errs = append(errs, fmt.Errorf("max_lines %d and max_bytes %d must be at least 1", c.MaxLines, c.MaxBytes))
	}
	if c.MaxContinuations < 0 {
		errs = append(errs, fmt.Errorf("max_continuations: %d is negative", c.MaxContinuations))
	}
	if c.Timeout <= 0 {
		errs = append(errs, fmt.Errorf("timeout: %v must be positive", c.Timeout))
	}
	return errors.Join(errs...)
}
