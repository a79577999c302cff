// Package truncate is the processor that cuts long string fields (a 2 MB prompt echoed into a
// log line) to a byte limit on a UTF-8 boundary, and tags the event, so that Elasticsearch
// indexes it instead of rejecting it.
package truncate

import (
	"unicode/utf8"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/processors/internal/proc"
)

// Factory creates truncate processors.
var Factory = proc.NewFactory("truncate", NewConfig, build)

func build(_ pipeline.Settings, c *Config) (proc.EventFunc, error) {
	fields, limit, tag := c.Fields, c.MaxBytes, c.Tag
	return func(ev *event.Event) (proc.Result, error) {
		for _, f := range fields {
			v, ok := ev.Get(f)
			if !ok || v.Kind() != event.KindString || len(v.Str()) <= limit {
				continue
			}
			ev.SetString(f, Cut(v.Str(), limit))
			if tag != "" {
				ev.AddTag(tag)
			}
		}
		return proc.Keep, nil
	}, nil
}

// Cut returns the longest prefix of s of at most n bytes that does not split a UTF-8 sequence.
func Cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && i > n-utf8.UTFMax && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i]
}
