// Package proctest holds helpers for processor tests: build a processor from a factory and a
// config, and run lines or events through it.
package proctest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// DeadLetters records what was dead-lettered; Err makes Write fail.
type DeadLetters struct {
	mu      sync.Mutex
	Err     error
	Reasons []string
	Events  []*event.Event
}

// Write records the event.
func (d *DeadLetters) Write(_ context.Context, e *event.Event, _, reason string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.Err != nil {
		return d.Err
	}
	d.Reasons = append(d.Reasons, reason)
	d.Events = append(d.Events, e.Clone())
	return nil
}

// Settings returns settings with a fresh registry and dead-letter recorder.
func Settings(id string) (pipeline.Settings, *prometheus.Registry, *DeadLetters) {
	reg := prometheus.NewRegistry()
	dl := &DeadLetters{}
	set := pipeline.Settings{
		ID:         id,
		Metrics:    pipeline.NewComponentMetrics(),
		Registerer: prometheus.WrapRegistererWith(prometheus.Labels{"component": id}, reg),
		DeadLetter: dl,
	}
	return set, reg, dl
}

// New creates a processor; configure fills the factory's default config.
func New[C pipeline.Config](t testing.TB, f pipeline.ProcessorFactory, configure func(C)) pipeline.Processor {
	t.Helper()
	p, err := Create(f, configure)
	if err != nil {
		t.Fatalf("create %s: %v", f.Type, err)
	}
	return p
}

// Create is New that returns the error, for tests of bad configs.
func Create[C pipeline.Config](f pipeline.ProcessorFactory, configure func(C)) (pipeline.Processor, error) {
	cfg := f.NewConfig()
	if configure != nil {
		configure(cfg.(C))
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	set, _, _ := Settings(f.Type)
	return f.Create(set, cfg)
}

// Lines makes events from lines, as an input would.
func Lines(lines ...string) []*event.Event {
	evs := make([]*event.Event, len(lines))
	for i, l := range lines {
		evs[i] = event.NewMessage(l, time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC))
	}
	return evs
}

// Run processes the events as one batch and returns what is left of it.
func Run(t testing.TB, p pipeline.Processor, evs ...*event.Event) []*event.Event {
	t.Helper()
	b := event.NewBatch(evs, nil)
	if err := p.Process(context.Background(), b); err != nil {
		t.Fatalf("process: %v", err)
	}
	return b.Events
}

// One runs a single event and fails the test unless exactly one comes out.
func One(t testing.TB, p pipeline.Processor, ev *event.Event) *event.Event {
	t.Helper()
	out := Run(t, p, ev)
	if len(out) != 1 {
		t.Fatalf("got %d events, want 1", len(out))
	}
	return out[0]
}

// Str returns a field as text, or "<missing>".
func Str(ev *event.Event, key string) string {
	if s, ok := ev.GetString(key); ok {
		return s
	}
	return "<missing>"
}
