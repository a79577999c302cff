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
	return pipeline.ProcessorFactory{
		Type:      typ,
		NewConfig: func() pipeline.Config { return defaults() },
		Create: func(set pipeline.Settings, cfg pipeline.Config) (pipeline.Processor, error) {
			c, ok := cfg.(P)
			if !ok {
				return nil, fmt.Errorf("%s: config of type %T", typ, cfg)
			}
			if err := c.Validate(); err != nil {
				return nil, fmt.Errorf("%s: %w", typ, err)
			}
			fn, err := build(set, c)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", typ, err)
			}
			return NewRunner(typ, set, c.Base(), fn)
		},
	}
}

// NewBatchRunner validates c and returns the frame of a processor that runs whole batches
// itself (multiline, requests): the runner for its condition and outcome counters, and the
// component metrics, standalone ones when the settings carry none.
func NewBatchRunner(typ string, set pipeline.Settings, c Configured) (*Runner, *pipeline.ComponentMetrics, error) {
	if err := c.Validate(); err != nil {
		return nil, nil, err
	}
	r, err := NewRunner(typ, set, c.Base(), nil)
	if err != nil {
		return nil, nil, err
	}
	m := set.Metrics
	if m == nil {
		m = pipeline.NewComponentMetrics()
	}
	return r, m, nil
}
