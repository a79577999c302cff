package file

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sluice-dev/sluice/pipeline"
)

// Sync policies.
const (
	// SyncBatch fsyncs the file before a batch is acknowledged: a Delivered batch survives a
	// power loss.
	SyncBatch = "batch"
	// SyncNone leaves writing back to the kernel: a Delivered batch survives a crash of sluice,
	// not of the machine. Faster when the file is only a debugging copy.
	SyncNone = "none"
)

// Config configures the file output.
type Config struct {
	// Path is the file to write. It may hold a date pattern expanded with the current UTC time
	// when a batch is written: %Y (year), %m (month), %d (day), %H (hour), %% (a percent sign),
	// so that "/var/log/sluice/events-%Y-%m-%d.ndjson" starts a file each day.
	Path string `mapstructure:"path"`
	// MaxBytes rotates the file when a write would make it larger: path becomes path.1,
	// path.1 becomes path.2 and so on. 0 turns size rotation off.
	MaxBytes pipeline.ByteSize `mapstructure:"max_bytes"`
	// MaxFiles is how many rotated files are kept beside the current one.
	MaxFiles int `mapstructure:"max_files"`
	// Sync is when the file is fsynced: "batch" (before each batch is acknowledged) or "none".
	Sync string `mapstructure:"sync"`
	// BufferBytes is the size of the write buffer; a batch is always written out before it is
	// acknowledged.
	BufferBytes pipeline.ByteSize `mapstructure:"buffer_bytes"`
	// MaxRetries is how often a failed write is tried again before the batch is handed back
	// with a retry status.
	MaxRetries int `mapstructure:"max_retries"`
	// RetryBackoff is the wait before the first retry; it doubles with each one.
	RetryBackoff time.Duration `mapstructure:"retry_backoff"`
}

// NewConfig returns the defaults.
func NewConfig() *Config {
	return &Config{
		MaxBytes:     256 << 20,
		MaxFiles:     5,
		Sync:         SyncBatch,
		BufferBytes:  256 << 10,
		MaxRetries:   3,
		RetryBackoff: 200 * time.Millisecond,
	}
}

// Validate reports every problem in the config.
func (c *Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if c.Path == "" {
		bad("path: required")
	} else if err := checkPattern(c.Path); err != nil {
		bad("path: %v", err)
	}
	if c.MaxBytes < 0 {
		bad("max_bytes: must not be negative, got %v", c.MaxBytes)
	}
	if c.MaxBytes > 0 && c.MaxFiles < 1 {
		bad("max_files: must be at least 1 when max_bytes rotates, got %d", c.MaxFiles)
	}
	if c.Sync != SyncBatch && c.Sync != SyncNone {
		bad("sync: %q is not %q or %q", c.Sync, SyncBatch, SyncNone)
	}
	if c.BufferBytes < 512 || c.BufferBytes > 64<<20 {
		bad("buffer_bytes: %v is not between 512 and 64MiB", c.BufferBytes)
	}
	if c.MaxRetries < 0 {
		bad("max_retries: must not be negative, got %d", c.MaxRetries)
	}
	if c.RetryBackoff <= 0 {
		bad("retry_backoff: must be positive, got %v", c.RetryBackoff)
	}
	return errors.Join(errs...)
}

// checkPattern rejects a % that starts no known pattern, so a typo fails at startup.
func checkPattern(p string) error {
	for i := 0; i < len(p); i++ {
		if p[i] != '%' {
			continue
		}
		if i+1 == len(p) || !strings.ContainsRune("YmdH%", rune(p[i+1])) {
			return fmt.Errorf("unknown date pattern at %q (known: %%Y %%m %%d %%H %%%%)", p[i:])
		}
		i++
	}
	return nil
}

// expand fills the date patterns of p with t.
func expand(p string, t time.Time) string {
	if !strings.ContainsRune(p, '%') {
		return p
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] != '%' || i+1 == len(p) {
			b.WriteByte(p[i])
			continue
		}
		i++
		switch p[i] {
		case 'Y':
			fmt.Fprintf(&b, "%04d", t.Year())
		case 'm':
			fmt.Fprintf(&b, "%02d", int(t.Month()))
		case 'd':
			fmt.Fprintf(&b, "%02d", t.Day())
		case 'H':
			fmt.Fprintf(&b, "%02d", t.Hour())
		default:
			b.WriteByte(p[i])
		}
	}
	return b.String()
}
