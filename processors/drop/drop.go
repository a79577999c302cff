// Package drop is the processor that discards events on purpose (health-check access lines,
// debug noise): every event its `if:` matches is removed from the batch, counted as dropped,
// and its ack finishes as delivered.
package drop

import (
	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/processors/internal/proc"
)

// Factory creates drop processors.
var Factory = proc.NewFactory("drop", NewConfig, func(pipeline.Settings, *Config) (proc.EventFunc, error) {
	return func(*event.Event) (proc.Result, error) { return proc.Drop, nil }, nil
})
