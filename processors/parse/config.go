package parse

import (
	"errors"
	"fmt"
	"path"
	"time"

	"github.com/sluice-dev/sluice/parsers"
	"github.com/sluice-dev/sluice/parsers/vllm"
	"github.com/sluice-dev/sluice/processors/internal/proc"
)

// Config selects the parsers and how lines that belong together are joined.
type Config struct {
	// Parsers names the parsers to try in order; framing parsers run first whatever their
	// place. Empty means the default chain.
	Parsers []string `mapstructure:"parsers"`
	// Prompts says what happens to prompts in vLLM "Received request" lines: hash (default:
	// length and SHA-256 only), keep, truncate (first prompt_max_length characters) or drop.
	Prompts string `mapstructure:"prompts"`
	// PromptMaxLength is how many characters prompts: truncate keeps.
	PromptMaxLength int `mapstructure:"prompt_max_length"`
	// Multiline groups Python tracebacks into one event.
	Multiline MultilineConfig `mapstructure:"multiline"`
	// Partial joins lines a container runtime split (CRI "P", Docker chunks without "\n").
	Partial PartialConfig `mapstructure:"partial"`
	// Sources pins parsers (and a dataset for lines none of them recognises) to files,
	// namespaces or containers. The first rule that matches an event wins.
	Sources []SourceRule `mapstructure:"sources"`
	// FallbackDataset is the event.dataset of a line no parser recognised, when neither a
	// source rule nor an earlier line of the same source gives one.
	FallbackDataset string `mapstructure:"fallback_dataset"`
	// IdleTimeout is how long the state of a source (its last dataset) is kept without lines.
	IdleTimeout time.Duration `mapstructure:"idle_timeout"`
	// RestTimeout is how long an open group or a split line waits for its rest, past its own
	// timeout and past the pipeline going idle, while its source can send more without its
	// acknowledgement (a Filebeat with another connection free). Filebeat cuts its batches
	// wherever its queue stands, inside a traceback too, and sends the rest up to its queue's
	// flush timeout (1 s in Filebeat 7) later, or after its backoff at the end of a file (1 s)
	// when it read the file while the runtime was writing the record. 0 turns it off.
	RestTimeout time.Duration `mapstructure:"rest_timeout"`

	// registry holds the parsers the names refer to: the factory's, not part of the YAML.
	registry *parsers.Registry
}

// MultilineConfig bounds traceback grouping.
type MultilineConfig struct {
	// Disabled turns grouping off: every line is its own event.
	Disabled bool `mapstructure:"disabled"`
	// Timeout is how long an open group waits for its next line before it is sent as it is.
	Timeout time.Duration `mapstructure:"timeout"`
	// EndTimeout is the shorter wait of a group that may already be complete: after its
	// exception line (only a chained traceback would follow), or an error line that no
	// traceback has followed yet. Python writes a record and its traceback in one go, so what
	// continues such a group arrives at once; waiting longer only delays the acknowledgement.
	EndTimeout time.Duration `mapstructure:"end_timeout"`
	// MaxLines and MaxBytes bound one event of a group; a group that reaches either is sent,
	// tagged _multiline_limit, and goes on in a continuation event of the same group (same
	// error.id, the next event.sequence, tagged _group_continued).
	MaxLines int `mapstructure:"max_lines"`
	MaxBytes int `mapstructure:"max_bytes"`
	// MaxContinuations bounds the continuation events of one group. Once the last is full, the
	// group's remaining lines are counted (log.omitted_lines, tag _multiline_omitted on its
	// last event, sluice_parse_lines_omitted_total) instead of each becoming an event: a
	// runaway traceback must not turn into a flood of events that each look like a failure.
	MaxContinuations int `mapstructure:"max_continuations"`
}

// PartialConfig bounds the joining of split lines.
type PartialConfig struct {
	// Timeout is how long a partial line waits for its next piece.
	Timeout time.Duration `mapstructure:"timeout"`
	// MaxBytes bounds a joined line; past it the pieces so far are sent, tagged _partial_split.
	MaxBytes int `mapstructure:"max_bytes"`
}

// SourceRule pins a parser chain to events by where they came from. Every condition that is
// set must match; at least one must be set.
type SourceRule struct {
	// Path is a glob (path.Match) over log.file.path, or the input's source when that is unset.
	Path string `mapstructure:"path"`
	// Namespace and Container match kubernetes.namespace and kubernetes.container.name (set
	// by Filebeat, or read from the container log path).
	Namespace string `mapstructure:"namespace"`
	Container string `mapstructure:"container"`
	// Parsers replaces the chain for matching events; empty keeps the default chain.
	Parsers []string `mapstructure:"parsers"`
	// Dataset is the event.dataset of matching lines that no parser recognised.
	Dataset string `mapstructure:"dataset"`
}

// Defaults. The timeouts are short on purpose: a held line holds its batch's ack, and a source
// that waits for acks (Filebeat sends its next window only after the last is acknowledged)
// stalls meanwhile. A Python traceback or a split CRI line is written in one burst, so its lines
// arrive milliseconds apart; only a group cut by a window boundary ever waits the timeout out.
const (
	DefaultMultilineTimeout = 300 * time.Millisecond
	DefaultEndTimeout       = 50 * time.Millisecond
	DefaultMaxLines         = 1000
	DefaultMaxBytes         = 1 << 20
	DefaultPartialTimeout   = time.Second
	DefaultFallbackDataset  = "generic"
	DefaultIdleTimeout      = 30 * time.Minute
	DefaultRestTimeout      = 3 * time.Second
)

// NewConfig returns the defaults for the parsers of reg: its default chain, prompts hashed,
// tracebacks grouped.
func NewConfig(reg *parsers.Registry) *Config {
	return &Config{
		registry:        reg,
		Prompts:         string(vllm.PromptsHash),
		PromptMaxLength: vllm.DefaultPromptMaxLength,
		Multiline: MultilineConfig{Timeout: DefaultMultilineTimeout, EndTimeout: DefaultEndTimeout, MaxLines: DefaultMaxLines,
			MaxBytes: DefaultMaxBytes, MaxContinuations: proc.DefaultMaxContinuations},
		Partial:         PartialConfig{Timeout: DefaultPartialTimeout, MaxBytes: DefaultMaxBytes},
		FallbackDataset: DefaultFallbackDataset,
		IdleTimeout:     DefaultIdleTimeout,
		RestTimeout:     DefaultRestTimeout,
	}
}

// Validate reports every problem with its path.
func (c *Config) Validate() error {
	var errs []error
	if c.registry == nil { // a programming error, caught by any test
		return errors.New("parse: config made without a parser registry (use NewConfig)")
	}
	errs = append(errs, c.checkParsers("parsers", c.Parsers)...)
	if !vllm.PromptMode(c.Prompts).Valid() {
		errs = append(errs, fmt.Errorf("prompts: %q is not one of hash, keep, truncate, drop", c.Prompts))
	}
	if c.PromptMaxLength < 0 {
		errs = append(errs, fmt.Errorf("prompt_max_length: %d is negative", c.PromptMaxLength))
	}
	if !c.Multiline.Disabled && (c.Multiline.Timeout <= 0 || c.Multiline.EndTimeout <= 0 || c.Multiline.MaxLines < 2 || c.Multiline.MaxBytes < 1024) {
		errs = append(errs, fmt.Errorf("multiline: timeout must be > 0, max_lines >= 2, max_bytes >= 1024 (got %v, %d, %d)",
			c.Multiline.Timeout, c.Multiline.MaxLines, c.Multiline.MaxBytes))
	}
	if c.Multiline.MaxContinuations < 0 {
		errs = append(errs, fmt.Errorf("multiline.max_continuations: %d is negative", c.Multiline.MaxContinuations))
	}
	if c.Partial.Timeout <= 0 || c.Partial.MaxBytes < 1024 {
		errs = append(errs, fmt.Errorf("partial: timeout must be > 0 and max_bytes >= 1024 (got %v, %d)", c.Partial.Timeout, c.Partial.MaxBytes))
	}
	if c.RestTimeout < 0 {
		errs = append(errs, fmt.Errorf("rest_timeout: %v is negative", c.RestTimeout))
	}
	if c.IdleTimeout <= 0 {
		errs = append(errs, fmt.Errorf("idle_timeout: must be > 0"))
	}
	for i, r := range c.Sources {
		p := fmt.Sprintf("sources[%d]", i)
		if r.Path == "" && r.Namespace == "" && r.Container == "" {
			errs = append(errs, fmt.Errorf("%s: set at least one of path, namespace, container", p))
		}
		if r.Path != "" {
			if _, err := path.Match(r.Path, ""); err != nil {
				errs = append(errs, fmt.Errorf("%s.path: %q: %w", p, r.Path, err))
			}
		}
		if len(r.Parsers) == 0 && r.Dataset == "" {
			errs = append(errs, fmt.Errorf("%s: set parsers or dataset, or the rule does nothing", p))
		}
		errs = append(errs, c.checkParsers(p+".parsers", r.Parsers)...)
	}
	return errors.Join(errs...)
}

func (c *Config) checkParsers(where string, names []string) []error {
	var errs []error
	for i, n := range names {
		if _, ok := c.registry.Lookup(n); !ok {
			errs = append(errs, fmt.Errorf("%s[%d]: unknown parser %q (known: %v)", where, i, n, c.registry.Names()))
		}
	}
	return errs
}
