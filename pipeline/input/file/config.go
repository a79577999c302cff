package file

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/sluice-dev/sluice/pipeline"
)

// Reading modes.
const (
	// ModeRead reads every matching file once, to its end, and then Run returns: for batch
	// jobs, `sluice parse` and the sample run.
	ModeRead = "read"
	// ModeFollow keeps reading as files grow, like tail -F: it follows appends, notices
	// rotation (a new inode at the path) and truncation, and picks up new files.
	ModeFollow = "follow"
)

// Where to start reading a file that has no saved state.
const (
	StartBeginning = "beginning"
	StartEnd       = "end"
)

// Config configures the file input.
type Config struct {
	// Paths are files or glob patterns (filepath.Match syntax). In follow mode they are globbed
	// again every ScanInterval so that new files are found.
	Paths []string `mapstructure:"paths"`
	// Exclude are patterns of files not to read, matched against the full path and against the
	// base name. The default skips compressed rotations ("app.log.1.gz"), which a glob such as
	// "app.log*" also matches.
	Exclude []string `mapstructure:"exclude"`
	// Mode is "read" (read once, then stop) or "follow" (tail -F).
	Mode string `mapstructure:"mode"`
	// StartAt is where files found at startup without saved state are read from: "beginning"
	// or "end" (follow mode only). Files that appear while sluice runs are always read from the
	// beginning, since everything in them is new.
	StartAt string `mapstructure:"start_at"`
	// StateFile, when set, remembers how far each file has been delivered, so that a restart
	// resumes there: acknowledged lines are not sent again, unacknowledged ones are re-read.
	StateFile string `mapstructure:"state_file"`
	// StateInterval is how often the state file is written when offsets have moved.
	StateInterval time.Duration `mapstructure:"state_interval"`
	// MaxLineBytes bounds a line; longer lines are split into pieces tagged _line_split.
	MaxLineBytes pipeline.ByteSize `mapstructure:"max_line_bytes"`
	// BatchSize is the most lines handed over in one batch.
	BatchSize int `mapstructure:"batch_size"`
	// ScanInterval is how often the paths are globbed again (follow mode).
	ScanInterval time.Duration `mapstructure:"scan_interval"`
	// PollInterval is how often an idle file is checked for new data, rotation and truncation.
	PollInterval time.Duration `mapstructure:"poll_interval"`
	// PartialLineTimeout is how long a last line without newline waits for the rest before it
	// is sent as it is (follow mode; in read mode it is sent at the end of the file).
	PartialLineTimeout time.Duration `mapstructure:"partial_line_timeout"`
	// RetryBackoff is how long follow mode waits before re-reading data whose delivery ended
	// with a retry status (the pipeline gave up on it).
	RetryBackoff time.Duration `mapstructure:"retry_backoff"`
}

// NewConfig returns the defaults.
func NewConfig() *Config {
	return &Config{
		Exclude:            []string{"*.gz", "*.bz2", "*.xz", "*.zst", "*.zip"},
		Mode:               ModeFollow,
		StartAt:            StartBeginning,
		StateInterval:      time.Second,
		MaxLineBytes:       1 << 20,
		BatchSize:          1024,
		ScanInterval:       10 * time.Second,
		PollInterval:       250 * time.Millisecond,
		PartialLineTimeout: 2 * time.Second,
		RetryBackoff:       5 * time.Second,
	}
}

// Validate reports every problem in the config.
func (c *Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if len(c.Paths) == 0 {
		bad("paths: at least one file or pattern is required")
	}
	for i, p := range c.Paths {
		if p == "" {
			bad("paths[%d]: empty", i)
		} else if _, err := filepath.Match(p, ""); err != nil {
			bad("paths[%d]: bad pattern %q: %v", i, p, err)
		} else if strings.Contains(p, "**") {
			bad("paths[%d]: %q: ** is not supported; use one * per directory level", i, p)
		}
	}
	for i, p := range c.Exclude {
		if _, err := filepath.Match(p, ""); err != nil || p == "" {
			bad("exclude[%d]: bad pattern %q", i, p)
		}
	}
	switch c.Mode {
	case ModeRead, ModeFollow:
	default:
		bad("mode: %q is not %q or %q", c.Mode, ModeRead, ModeFollow)
	}
	switch c.StartAt {
	case StartBeginning:
	case StartEnd:
		if c.Mode == ModeRead {
			bad("start_at: %q reads nothing in mode %q", c.StartAt, ModeRead)
		}
	default:
		bad("start_at: %q is not %q or %q", c.StartAt, StartBeginning, StartEnd)
	}
	if c.MaxLineBytes < 1 || c.MaxLineBytes > 64<<20 {
		bad("max_line_bytes: %v is not between 1 and 64MiB", c.MaxLineBytes)
	}
	if c.BatchSize < 1 {
		bad("batch_size: must be at least 1, got %d", c.BatchSize)
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{
		{"state_interval", c.StateInterval}, {"scan_interval", c.ScanInterval},
		{"poll_interval", c.PollInterval}, {"partial_line_timeout", c.PartialLineTimeout},
		{"retry_backoff", c.RetryBackoff},
	} {
		if d.v <= 0 {
			bad("%s: must be positive, got %v", d.name, d.v)
		}
	}
	return errors.Join(errs...)
}
