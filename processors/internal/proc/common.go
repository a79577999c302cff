// Package proc is the shared frame every sluice processor runs in: the `if:` condition and the
// `on_error:` policy from config, the per-outcome metric, and a factory helper, so that each
// processor only writes what it does to one event. Processors that need the whole batch
// (multiline) use Runner's parts directly.
package proc

import (
	"errors"
	"fmt"

	"github.com/sluice-dev/sluice/processors/internal/condition"
)

// Error policies: what happens to an event a processor fails on. None of them loses the line
// silently: tag keeps it (the default), drop counts it, dead_letter hands it to the dead-letter
// sink with the reason (and tags it instead if that sink is missing or fails).
const (
	PolicyTag        = "tag"
	PolicyDrop       = "drop"
	PolicyDeadLetter = "dead_letter"
)

// Common holds the options every processor accepts. Processor configs embed it with
// `mapstructure:",squash"` so the keys sit beside their own.
type Common struct {
	// If is an expr condition over event fields; the processor skips events it does not match.
	If string `mapstructure:"if"`
	// OnError is tag, drop or dead_letter.
	OnError string `mapstructure:"on_error"`
	// TagOnFailure replaces the failure tag (_<type>_failure), for dashboards that look for
	// Logstash's names (_grokparsefailure, _dateparsefailure).
	TagOnFailure string `mapstructure:"tag_on_failure"`
}

// SettingDocs describes the common options for `sluice config defaults`.
func (*Common) SettingDocs() map[string]string {
	return map[string]string{
		"if":             `condition over event fields; events it does not match skip the processor ("" = all)`,
		"on_error":       `tag, drop or dead_letter ("" = tag): what happens to an event the processor fails on`,
		"tag_on_failure": `tag added on failure ("" = _<type>_failure)`,
	}
}

// Base returns the common options; it lets the factory helper reach them through any config.
func (c *Common) Base() *Common { return c }

// Validate compiles the condition (so a bad expression fails at load) and checks the policy. It
// keeps nothing: NewRunner compiles the condition it runs, so a config validated twice, or
// never, behaves the same.
func (c *Common) Validate() error {
	var errs []error
	if _, err := condition.Compile(c.If); err != nil {
		errs = append(errs, fmt.Errorf("if: %w", err))
	}
	switch c.OnError {
	case "", PolicyTag, PolicyDrop, PolicyDeadLetter:
	default:
		errs = append(errs, fmt.Errorf("on_error: %q is not one of tag, drop, dead_letter", c.OnError))
	}
	return errors.Join(errs...)
}

// Condition returns the if: condition, "" for every event; `sluice graph` shows it.
func (c *Common) Condition() string { return c.If }

// Policy returns the error policy, tag when unset.
func (c *Common) Policy() string {
	if c.OnError == "" {
		return PolicyTag
	}
	return c.OnError
}
