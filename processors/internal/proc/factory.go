package proc

import (
	"fmt"

	"github.com/sluice-dev/sluice/pipeline"
)

// Configured is a processor config that embeds Common.
type Configured interface {
	pipeline.Config
	Base() *Common
}

// NewFactory makes the factory of a per-event processor: build turns a validated config into
// the EventFunc, compiling every pattern it holds, and the Runner adds condition and policy.
func NewFactory[C any, P interface {
	*C
	Configured
}](typ string, defaults func() P, build func(set pipeline.Settings, cfg P) (EventFunc, error)) pipeline.ProcessorFactory {
	return pipeline.NewProcessorFactory(typ, defaults, func(set pipeline.Settings, c P) (*Runner, error) {
		if err := c.Validate(); err != nil {
			return nil, fmt.Errorf("%s: %w", typ, err)
		}
		fn, err := build(set, c)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", typ, err)
		}
		return NewRunner(typ, set, c.Base(), fn)
	})
}

// NewBatchRunner validates c and returns the frame of a processor that runs whole batches
// itself (multiline, requests): the runner for its condition and outcome counters. Events in
// and out are the runtime's to count.
func NewBatchRunner(typ string, set pipeline.Settings, c Configured) (*Runner, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return NewRunner(typ, set, c.Base(), nil)
}
