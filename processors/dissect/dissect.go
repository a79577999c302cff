// Package dissect is the processor that splits text at literal delimiters, the Logstash and
// Elasticsearch dissect syntax: %{key}, %{} and %{?key} to skip, %{+key} and %{+key/N} to append,
// %{key->} to skip repeated delimiters (padding), %{*key}/%{&key} for key-value pairs, and a
// Beats-style type suffix %{key|int}. It uses no regular expressions: for fixed formats it is
// the fast path, several times faster than grok. A line that does not fit is left unchanged and
// goes to the error policy.
package dissect

import (
	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/processors/internal/proc"
)

// Factory creates dissect processors.
var Factory = proc.NewFactory("dissect", NewConfig, build)

func build(_ pipeline.Settings, c *Config) (proc.EventFunc, error) {
	pat, err := Compile(c.Pattern)
	if err != nil {
		return nil, err
	}
	field, prefix, sep := c.Field, c.TargetPrefix, c.AppendSeparator
	return func(ev *event.Event) (proc.Result, error) {
		v, ok := ev.Get(field)
		if !ok {
			return proc.Keep, errMissing(field)
		}
		return proc.Keep, pat.Apply(ev, v.String(), prefix, sep)
	}, nil
}

type errMissing string

func (e errMissing) Error() string { return "field " + string(e) + " not found" }
