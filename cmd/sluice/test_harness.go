package main

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/config"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// testType is the component type of the test input and of the output stand-ins.
const testType = "sluice_test"

// harness feeds one test case into the runtime and records what comes out: the events in the
// order the processors passed them on, and the outputs each reached.
type harness struct {
	in  []*event.Event
	dl  *testDeadLetter
	ack *event.Ack

	mu      sync.Mutex
	order   []*event.Event
	reached map[*event.Event][]string
	status  event.Status
	acked   bool
}

func newHarness(in []*event.Event) *harness {
	h := &harness{in: in, dl: &testDeadLetter{}, reached: map[*event.Event][]string{}}
	h.ack = event.NewAck(func(s event.Status) {
		h.mu.Lock()
		h.status, h.acked = s, true
		h.mu.Unlock()
	})
	return h
}

// config returns a copy of cfg that runs pipeline name alone, fed by the test input, with its
// outputs (same ids, so routes resolve) replaced by stand-ins. One worker keeps the order.
func (h *harness) config(cfg *config.Config, name string) *config.Config {
	c := *cfg
	pl := cfg.Pipelines[name]
	c.Pipelines = map[string]config.Pipeline{name: {Inputs: []string{testType}, Processors: pl.Processors, Outputs: pl.Outputs}}
	c.Inputs = map[string]config.Component{testType: {ID: testType, Type: testType, Config: &standInConfig{}}}
	c.Outputs = map[string]config.Component{}
	for _, id := range pl.Outputs {
		c.Outputs[id] = config.Component{ID: id, Type: testType, Config: &standInConfig{}}
	}
	c.Runtime.Workers = 1
	c.Runtime.BatchSize = max(len(h.in), 1)
	c.Runtime.MaxEventsInFlight = max(len(h.in), c.Runtime.MaxEventsInFlight)
	c.Runtime.ShutdownTimeout = 30 * time.Second
	return &c
}

// components adds the test input and output to comps (in new maps).
func (h *harness) components(comps config.Components) config.Components {
	out := config.Components{Inputs: map[string]pipeline.InputFactory{}, Processors: comps.Processors,
		Outputs: map[string]pipeline.OutputFactory{}}
	newConfig := func() pipeline.Config { return &standInConfig{} }
	out.Inputs[testType] = pipeline.InputFactory{Type: testType, NewConfig: newConfig,
		Create: func(pipeline.Settings, pipeline.Config) (pipeline.Input, error) { return h, nil }}
	out.Outputs[testType] = pipeline.OutputFactory{Type: testType, NewConfig: newConfig,
		Create: func(set pipeline.Settings, _ pipeline.Config) (pipeline.Output, error) {
			return testOutput{h: h, id: set.ID}, nil
		}}
	return out
}

// Run hands the case's events over as one batch and finishes.
func (h *harness) Run(ctx context.Context, next pipeline.Consumer) error {
	return next.Consume(ctx, event.NewBatch(h.in, h.ack))
}

func (h *harness) observe(_ string, b *event.Batch) {
	h.mu.Lock()
	h.order = append(h.order, b.Events...)
	h.mu.Unlock()
}

func (h *harness) events() []*event.Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.order)
}

func (h *harness) ackStatus() event.Status {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.acked {
		return event.Retry
	}
	return h.status
}

// checkOutputs compares the outputs event i reached with want (nil: not checked).
func (h *harness) checkOutputs(i int, ev *event.Event, want []string) []string {
	if want == nil {
		return nil
	}
	h.mu.Lock()
	got := slices.Sorted(slices.Values(h.reached[ev]))
	h.mu.Unlock()
	want = slices.Sorted(slices.Values(want))
	if slices.Equal(got, want) {
		return nil
	}
	return []string{fmt.Sprintf("event %d: outputs: want %q, got %q", i+1, want, got)}
}

// testOutput records which events reach it and acknowledges them.
type testOutput struct {
	h  *harness
	id string
}

func (o testOutput) Deliver(_ context.Context, b *event.Batch) error {
	o.h.mu.Lock()
	for _, ev := range b.Events {
		o.h.reached[ev] = append(o.h.reached[ev], o.id)
	}
	o.h.mu.Unlock()
	b.Resolve(event.Delivered)
	return nil
}
