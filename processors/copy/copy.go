// Package copy is the processor that copies fields, with their subfields, to other names: keep
// the raw value in event.original before a later processor rewrites the message, say.
package copy

import (
	"fmt"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/processors/internal/proc"
	"github.com/sluice-dev/sluice/processors/rename"
)

// Factory creates copy processors.
var Factory = proc.NewFactory("copy", NewConfig, build)

func build(_ pipeline.Settings, c *Config) (proc.EventFunc, error) {
	fields, ignore := c.Fields, c.IgnoreMissing
	return func(ev *event.Event) (proc.Result, error) {
		for _, f := range fields {
			if !rename.Move(ev, f.From, f.To, false) && !ignore {
				return proc.Keep, fmt.Errorf("field %q not found", f.From)
			}
		}
		return proc.Keep, nil
	}, nil
}
