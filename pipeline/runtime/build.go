package runtime

import (
	"errors"
	"fmt"
	"log/slog"
	"sort"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/config"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// Options are what the caller provides besides the config.
type Options struct {
	// Logger receives the runtime's logs; components get it with their id attached.
	Logger *slog.Logger
	// DeadLetter keeps events that cannot be processed or routed, and is handed to components.
	// Without one, such events are rejected (logged and acknowledged as failed).
	DeadLetter pipeline.DeadLetter
	// Registry, when set, is where metrics are registered; otherwise the runtime makes its own.
	Registry *prometheus.Registry
	// Carry, when set, hands the state of processors that implement pipeline.Handover from the
	// runtime of one config to the next one's on a reload (see Carry).
	Carry *Carry
	// Observe, when set, sees every batch after the processors and before the outputs (on a
	// worker goroutine; it must be quick, safe for concurrent use, and must not change or keep
	// the batch). The CLI uses it for its end-of-run summary.
	Observe func(pipeline string, b *event.Batch)
}

type inputNode struct {
	id  string
	in  pipeline.Input
	m   counters
	tap *tapPoint
}

type procNode struct {
	id, typ  string
	p        pipeline.Processor
	flusher  pipeline.Flusher
	idler    pipeline.IdleFlusher
	handover pipeline.Handover
	m        counters
	tap      *tapPoint
	// shadow, set for processors that hide data (pipeline.Redacting), creates an instance of
	// the processor for a tap's copies of events, with metrics nobody reads.
	shadow func() (pipeline.Processor, error)
}

type outputNode struct {
	id  string
	o   pipeline.Output
	m   counters
	tap *tapPoint
}

// build creates every component the pipelines use. Inputs and outputs are created once;
// processors once per pipeline that lists them, so that state they hold (multiline, partial
// lines) never mixes flows. Pipeline inputs and outputs are connected, not created (link.go).
func (r *Runtime) build(cfg *config.Config, comps config.Components) error {
	var errs []error
	outputs := map[string]*outputNode{}
	for _, name := range sortedNames(cfg.Pipelines) {
		pc := cfg.Pipelines[name]
		p := newPipe(r, name)
		for _, id := range pc.Inputs {
			if err := r.addInput(p, id, cfg.Inputs[id], comps); err != nil {
				errs = append(errs, fmt.Errorf("inputs.%s: %w", id, err))
			}
		}
		for _, id := range pc.Processors {
			c := cfg.Processors[id]
			set := r.settings(id, kindProcessor, prometheus.Labels{"pipeline": name})
			proc, err := comps.Processors[c.Type].Create(set, c.Config)
			if err != nil {
				errs = append(errs, fmt.Errorf("processors.%s: %w", id, err))
				continue
			}
			n := procNode{id: id, typ: c.Type, p: proc, m: r.metrics.component(id, kindProcessor), tap: &tapPoint{}}
			n.flusher, _ = proc.(pipeline.Flusher)
			n.idler, _ = proc.(pipeline.IdleFlusher)
			n.handover, _ = proc.(pipeline.Handover)
			if rc, ok := c.Config.(pipeline.Redacting); ok {
				n.shadow = shadowOf(id, comps.Processors[c.Type], rc.TapConfig())
			}
			p.procs = append(p.procs, n)
		}
		for _, id := range pc.Outputs {
			o, ok := outputs[id]
			if !ok {
				out, err := r.newOutput(id, cfg.Outputs[id], comps)
				if err != nil {
					errs = append(errs, fmt.Errorf("outputs.%s: %w", id, err))
					continue
				}
				o = &outputNode{id: id, o: out, m: r.metrics.component(id, kindOutput), tap: &tapPoint{}}
				outputs[id] = o
				r.outputs = append(r.outputs, o)
			}
			p.outputs = append(p.outputs, o)
		}
		r.pipes = append(r.pipes, p)
	}
	r.drainOrder(cfg.Downstream())
	return errors.Join(append(errs, r.connect())...)
}

// addInput creates an input of p; a pipeline input is connected instead (see link.go).
func (r *Runtime) addInput(p *pipe, id string, c config.Component, comps config.Components) error {
	if rc, ok := c.Config.(config.PipelineReceiver); ok {
		r.newReceiver(p, id, rc)
		return nil
	}
	in, err := comps.Inputs[c.Type].Create(r.settings(id, kindInput, nil), c.Config)
	if err != nil {
		return err
	}
	p.inputs = append(p.inputs, &inputNode{id: id, in: in, m: r.metrics.component(id, kindInput), tap: &tapPoint{}})
	return nil
}

// newOutput creates an output; a pipeline output is the runtime's own (see link.go).
func (r *Runtime) newOutput(id string, c config.Component, comps config.Components) (pipeline.Output, error) {
	if s, ok := c.Config.(config.PipelineSender); ok {
		return &sender{to: s.PipelineAddresses()}, nil
	}
	return comps.Outputs[c.Type].Create(r.settings(id, kindOutput, nil), c.Config)
}

// shadowOf returns what creates a redacting processor for a tap, from its TapConfig, with its
// own metrics registry and no logs or dead letter, so that a tap changes no series.
func shadowOf(id string, f pipeline.ProcessorFactory, c pipeline.Config) func() (pipeline.Processor, error) {
	return func() (pipeline.Processor, error) {
		return f.Create(pipeline.Settings{ID: id, Logger: slog.New(slog.DiscardHandler),
			Registerer: prometheus.NewRegistry(), DeadLetter: pipeline.NoDeadLetter{}}, c)
	}
}

// settings are what a component is created with.
func (r *Runtime) settings(id string, k kind, extra prometheus.Labels) pipeline.Settings {
	labels := prometheus.Labels{"component": id, "kind": k.String()}
	for name, v := range extra {
		labels[name] = v
	}
	return pipeline.Settings{
		ID:         id,
		Logger:     r.log.With("component", id),
		Metrics:    r.metrics.forComponent(id, k),
		Registerer: prometheus.WrapRegistererWith(labels, r.reg),
		DeadLetter: r.dlq,
	}
}

func sortedNames[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
