// Package pipeline is the pipeline output: it sends every event it gets to the pipelines whose
// pipeline inputs receive the addresses it names, in the same sluice process (Logstash's
// pipeline-to-pipeline). The runtime connects the two ends directly; see README.md.
package pipeline

import (
	"context"
	"fmt"

	sluice "github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// Factory declares the pipeline output, so that its config is decoded and checked like any
// other. The runtime does not use what Create makes: it connects the addresses to their
// receivers itself (config.PipelineSender).
var Factory = sluice.NewOutputFactory("pipeline", NewConfig, func(_ sluice.Settings, c *Config) (*Output, error) {
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("pipeline output: %w", err)
	}
	return &Output{to: c.SendTo}, nil
})

// Output is what the factory makes: outside a runtime (`sluice dlq replay` through it, for
// one) there is nobody to send to.
type Output struct{ to []string }

// Deliver refuses b (Retry, so that its source keeps it) with an error saying why.
func (o *Output) Deliver(_ context.Context, b *event.Batch) error {
	b.Resolve(event.Retry)
	return fmt.Errorf("pipeline output: send to %q: only a running sluice connects pipelines", o.to)
}
