// Package pipeline is the pipeline input: it receives, at an address, the events that pipeline
// outputs of other pipelines in the same sluice process send there (Logstash's
// pipeline-to-pipeline). The runtime connects the two ends directly; see README.md.
package pipeline

import (
	"context"
	"fmt"

	sluice "github.com/sluice-dev/sluice/pipeline"
)

// Factory declares the pipeline input, so that its config is decoded and checked like any
// other. The runtime does not run what Create makes: it connects the address to its senders
// itself (config.PipelineReceiver).
var Factory = sluice.NewInputFactory("pipeline", NewConfig, func(_ sluice.Settings, c *Config) (*Input, error) {
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("pipeline input: %w", err)
	}
	return &Input{address: c.Address}, nil
})

// Input is what the factory makes: outside a runtime there is nobody to receive from.
type Input struct{ address string }

// Run fails at once: only a running sluice connects an address to the outputs sending to it.
func (in *Input) Run(context.Context, sluice.Consumer) error {
	return fmt.Errorf("pipeline input: address %q: receives only inside a running sluice, which connects it to the pipeline outputs sending there", in.address)
}
