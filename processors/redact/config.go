package redact

import (
	"errors"
	"fmt"
	"regexp"
	"sort"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/processors/internal/proc"
)

// Pattern is a built-in pattern by name, or a named custom regular expression (Go RE2 syntax).
type Pattern struct {
	Builtin string `mapstructure:"builtin"`
	Name    string `mapstructure:"name"`
	Regex   string `mapstructure:"regex"`
}

// Config chooses what to hide and how.
type Config struct {
	proc.Common `mapstructure:",squash"`
	// Fields are replaced as a whole (an Authorization header, a user's e-mail field).
	Fields []string `mapstructure:"fields"`
	// Patterns are searched in every field of ApplyTo and each match replaced.
	Patterns []Pattern `mapstructure:"patterns"`
	// ApplyTo names the fields patterns are searched in.
	ApplyTo []string `mapstructure:"apply_to"`
	// Mode is mask (write "[REDACTED:<name>]") or hash (write "<name>:" and 12 hex digits of a
	// SHA-256, so the same secret still correlates across lines without being readable).
	Mode string `mapstructure:"mode"`

	everywhere bool // search every text field, not ApplyTo (TapConfig); not in the file
}

// NewConfig returns the defaults: patterns apply to message and to the fields the parsers copy
// its text into (log.message, error.message, error.stack_trace), mode mask.
func NewConfig() *Config {
	return &Config{ApplyTo: []string{"message", "log.message", "error.message", "error.stack_trace"}, Mode: "mask"}
}

// TapConfig is the config of the instance a tap upstream of this processor applies
// (pipeline.Redacting): the same patterns and fields, with no condition, the patterns searched in
// every text field, since the processors in between may move the text or set what the condition
// reads.
func (c *Config) TapConfig() pipeline.Config {
	t := *c
	t.If = ""
	t.everywhere = true
	return &t
}

var _ pipeline.Redacting = (*Config)(nil)

// Validate compiles every pattern.
func (c *Config) Validate() error {
	errs := []error{c.Common.Validate()}
	if len(c.Fields) == 0 && len(c.Patterns) == 0 {
		errs = append(errs, errors.New("fields or patterns: at least one is required"))
	}
	if c.Mode != "mask" && c.Mode != "hash" {
		errs = append(errs, fmt.Errorf("mode: %q is not mask or hash", c.Mode))
	}
	if _, err := c.compile(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

type compiled struct {
	name    string
	re      *regexp.Regexp
	hints   []string // folded; see hints.go
	builtin bool
}

func (c *compiled) isSecretKV() bool { return c.builtin && c.name == "secret_kv" }

func (c *Config) compile() ([]compiled, error) {
	var out []compiled
	var errs []error
	for i, p := range c.Patterns {
		switch {
		case p.Builtin != "" && p.Regex != "":
			errs = append(errs, fmt.Errorf("patterns[%d]: builtin and regex are exclusive", i))
		case p.Builtin != "":
			re, ok := builtins[p.Builtin]
			if !ok {
				errs = append(errs, fmt.Errorf("patterns[%d].builtin: unknown %q (known: %v)", i, p.Builtin, BuiltinNames()))
				continue
			}
			out = append(out, compiled{name: p.Builtin, re: re, hints: hints[p.Builtin], builtin: true})
		case p.Regex != "":
			re, err := regexp.Compile(p.Regex)
			if err != nil {
				errs = append(errs, fmt.Errorf("patterns[%d].regex: %w", i, err))
				continue
			}
			name := p.Name
			if name == "" {
				name = "custom"
			}
			c := compiled{name: name, re: re}
			if prefix, _ := re.LiteralPrefix(); prefix != "" {
				c.hints = []string{fold(prefix)} // every match starts with it
			}
			out = append(out, c)
		default:
			errs = append(errs, fmt.Errorf("patterns[%d]: builtin or regex is required", i))
		}
	}
	return out, errors.Join(errs...)
}

// BuiltinNames lists the built-in patterns.
func BuiltinNames() []string {
	names := make([]string, 0, len(builtins))
	for n := range builtins {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
