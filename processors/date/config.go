package date

import (
	"errors"
	"fmt"
	"time"
	_ "time/tzdata" // time zones by name work in minimal containers without /usr/share/zoneinfo

	"github.com/sluice-dev/sluice/processors/internal/proc"
)

// Config is the field to read, the formats to try in order, and the time zone of timestamps
// that carry none.
type Config struct {
	proc.Common `mapstructure:",squash"`
	// Field holds the timestamp text (or a number, for the UNIX formats).
	Field string `mapstructure:"field"`
	// Target receives the parsed time.
	Target string `mapstructure:"target"`
	// Formats are tried in order. Each is a Java/Joda pattern as in Logstash's date filter
	// ("yyyy-MM-dd HH:mm:ss,SSS", "MMM dd HH:mm:ss"), one of ISO8601, RFC3339, UNIX, UNIX_MS,
	// UNIX_US, UNIX_NS, or a Go layout prefixed with "go:" ("go:02/01/2006 15:04").
	Formats []string `mapstructure:"formats"`
	// Timezone applies to timestamps without an offset: an IANA name ("Europe/Berlin"), "UTC"
	// or "Local".
	Timezone string `mapstructure:"timezone"`
	// RemoveField deletes Field after a successful parse.
	RemoveField bool `mapstructure:"remove_field"`
}

// NewConfig returns the defaults: ISO 8601 in field timestamp into @timestamp, UTC.
func NewConfig() *Config {
	return &Config{Field: "timestamp", Target: "@timestamp", Formats: []string{"ISO8601"}, Timezone: "UTC"}
}

// Validate compiles every format and loads the time zone.
func (c *Config) Validate() error {
	errs := []error{c.Common.Validate()}
	if c.Field == "" || c.Target == "" {
		errs = append(errs, errors.New("field and target: required"))
	}
	if len(c.Formats) == 0 {
		errs = append(errs, errors.New("formats: at least one format is required"))
	}
	for i, f := range c.Formats {
		if _, err := compileFormat(f); err != nil {
			errs = append(errs, fmt.Errorf("formats[%d]: %w", i, err))
		}
	}
	if _, err := time.LoadLocation(c.Timezone); err != nil {
		errs = append(errs, fmt.Errorf("timezone: %w", err))
	}
	return errors.Join(errs...)
}
