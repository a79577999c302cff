// Package parse is the processor that runs a chain of log-format parsers over each event:
// framing first (CRI, Docker), then the first content parser that recognises the line. A line no
// parser recognises keeps its message and is tagged _parse_failure; it is never dropped.
package parse

import (
	"context"
	"fmt"

	"github.com/sluice-dev/sluice/parsers"
	"github.com/sluice-dev/sluice/parsers/builtin"
	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// Factory creates parse processors.
var Factory = pipeline.ProcessorFactory{
	Type:      "parse",
	NewConfig: func() pipeline.Config { return NewConfig() },
	Create: func(set pipeline.Settings, cfg pipeline.Config) (pipeline.Processor, error) {
		return New(set, cfg.(*Config))
	},
}

// Processor runs the parser chain.
type Processor struct {
	framing []parsers.Parser
	content []parsers.Parser
	metrics *pipeline.ComponentMetrics
}

// New builds the chain named in cfg (or the default chain).
func New(set pipeline.Settings, cfg *Config) (*Processor, error) {
	names := cfg.Parsers
	if len(names) == 0 {
		names = builtin.DefaultChain()
	}
	reg := builtin.Registry()
	p := &Processor{metrics: set.Metrics}
	if p.metrics == nil {
		p.metrics = pipeline.NewComponentMetrics()
	}
	for _, n := range names {
		info, ok := reg.Lookup(n)
		if !ok {
			return nil, fmt.Errorf("parse: unknown parser %q", n)
		}
		if info.Framing {
			p.framing = append(p.framing, info.New())
		} else {
			p.content = append(p.content, info.New())
		}
	}
	return p, nil
}

// Process parses every event of the batch in place.
func (p *Processor) Process(_ context.Context, b *event.Batch) error {
	for _, ev := range b.Events {
		p.metrics.Received.Inc()
		if !p.ParseEvent(ev) {
			ev.AddTag(event.TagParseFailure)
			p.metrics.Failed.Inc()
		}
		p.metrics.Sent.Inc()
	}
	return nil
}

// ParseEvent runs the chain on one event and reports whether a content parser recognised it.
func (p *Processor) ParseEvent(ev *event.Event) bool {
	for _, f := range p.framing {
		if f.Parse(ev) {
			break
		}
	}
	for _, c := range p.content {
		if c.Parse(ev) {
			return true
		}
	}
	return false
}
