// Package remove is the processor that deletes fields (and everything under them) and tags:
// Beats metadata nobody queries, a parsed field that duplicates another.
package remove

import (
	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/processors/internal/proc"
)

// Factory creates remove processors.
var Factory = proc.NewFactory("remove", NewConfig, build)

func build(_ pipeline.Settings, c *Config) (proc.EventFunc, error) {
	fields, tags := c.Fields, c.Tags
	return func(ev *event.Event) (proc.Result, error) {
		for _, f := range fields {
			ev.DeletePrefix(f)
		}
		for _, t := range tags {
			ev.RemoveTag(t)
		}
		return proc.Keep, nil
	}, nil
}
