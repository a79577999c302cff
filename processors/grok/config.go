package grok

import (
	"errors"
	"fmt"

	"github.com/sluice-dev/sluice/processors/internal/proc"
)

// Definition is a custom pattern: a name usable as %{NAME} and its regular expression. Configs
// list them as objects because viper lowercases map keys, and pattern names are upper case.
type Definition struct {
	Name    string `mapstructure:"name"`
	Pattern string `mapstructure:"pattern"`
}

// Config is the field to match, the patterns to try, and the pattern library.
type Config struct {
	proc.Common `mapstructure:",squash"`
	// Field holds the text.
	Field string `mapstructure:"field"`
	// Patterns are tried in order; the first that matches wins.
	Patterns []string `mapstructure:"patterns"`
	// PatternDefinitions add or replace named patterns.
	PatternDefinitions []Definition `mapstructure:"pattern_definitions"`
	// PatternSet is ecs (the default: captures of the built-in patterns use ECS field names, as in
	// Logstash 8 with ECS compatibility) or legacy (the pre-ECS names: clientip, verb, response...).
	PatternSet string `mapstructure:"pattern_set"`
	// Target is the prefix captures are written under ("" writes them as named).
	Target string `mapstructure:"target"`
	// Overwrite lets captures replace fields the event already has. When a capture replaces the
	// message, the original line is kept in event.original first.
	Overwrite bool `mapstructure:"overwrite"`
}

// NewConfig returns the defaults: match message, ECS pattern set, overwrite.
func NewConfig() *Config { return &Config{Field: "message", PatternSet: "ecs", Overwrite: true} }

// Validate compiles every pattern, so a typo in a pattern name fails at load.
func (c *Config) Validate() error {
	errs := []error{c.Common.Validate()}
	if c.Field == "" {
		errs = append(errs, errors.New("field: required"))
	}
	if len(c.Patterns) == 0 {
		errs = append(errs, errors.New("patterns: at least one pattern is required"))
	}
	if c.PatternSet != "ecs" && c.PatternSet != "legacy" {
		errs = append(errs, fmt.Errorf("pattern_set: %q is not ecs or legacy", c.PatternSet))
	}
	for i, d := range c.PatternDefinitions {
		if d.Name == "" || d.Pattern == "" {
			errs = append(errs, fmt.Errorf("pattern_definitions[%d]: name and pattern are required", i))
		}
	}
	if len(errs) == 1 && errs[0] == nil {
		if _, err := compileAll(c); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
