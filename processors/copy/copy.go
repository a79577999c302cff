// Package copy is the processor that copies fields, with their subfields, to other names: keep
// the raw value in event.original before a later processor rewrites the message, say.
package copy

import (
	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/processors/internal/proc"
)

// Factory creates copy processors.
var Factory = proc.NewFactory("copy", NewConfig, func(_ pipeline.Settings, c *Config) (proc.EventFunc, error) {
	return proc.MoveFunc(&c.MoveConfig, false), nil
})
