// Package proctest holds helpers for processor tests: build a processor from a factory and a
// config, and run lines or events through it.
package proctest

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
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
		Metrics:    pipelinetest.ComponentMetrics(reg, id),
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

// Bench measures p per event: b.N copies of ev are made before the timer starts and processed
// in batches of 256, as the runtime would hand them over, so ns/op and allocs/op are per event
// and include the processor's share of the per-batch work.
func Bench(b *testing.B, p pipeline.Processor, ev *event.Event) {
	b.Helper()
	evs := make([]*event.Event, b.N)
	for i := range evs {
		evs[i] = ev.Clone()
	}
	ctx := context.Background()
	batch := event.NewBatch(nil, nil)
	buf := make([]*event.Event, 0, 256)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i += 256 {
		buf = append(buf[:0], evs[i:min(i+256, b.N)]...)
		batch.Events = buf
		if err := p.Process(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
}

// Sample returns a typical parsed event: a vLLM error line from Kubernetes with Filebeat's
// metadata, about twenty fields.
func Sample() *event.Event {
	ev := event.NewMessage("ERROR 11-27 12:00:02 [engine.py:160] RuntimeError: CUDA error: out of memory (user bob@example.com)",
		time.Date(2026, 11, 27, 12, 0, 3, 0, time.UTC))
	ev.Meta.Input, ev.Meta.Source, ev.Meta.Offset = "beats", "/var/log/containers/vllm-0_inference_vllm-abc.log", 4096
	for k, v := range map[string]string{
		"log.level": "ERROR", "event.dataset": "vllm.server", "error.type": "RuntimeError",
		"error.message": "CUDA error: out of memory", "kubernetes.namespace": "inference",
		"kubernetes.pod.name": "vllm-0", "kubernetes.pod.uid": "9f1c2d", "kubernetes.container.name": "vllm",
		"kubernetes.node.name": "gpu-node-3", "agent.name": "filebeat-x7k2p", "agent.type": "filebeat",
		"agent.version": "7.17.29", "host.name": "gpu-node-3", "log.origin.file.name": "engine.py",
		"code": "503", "vllm.ts": "11-27 12:00:02",
	} {
		ev.SetString(k, v)
	}
	ev.Set("log.origin.file.line", event.Int(160))
	ev.Set("vllm.stats.gpu_kv_cache_usage.pct", event.Float(0.93))
	return ev
}

// Seeds reads testdata/seeds.txt (one seed per line; "\n" inside a line stands for a newline)
// and returns its lines for a fuzz test's corpus.
func Seeds(f *testing.F) []string {
	f.Helper()
	data, err := os.ReadFile("testdata/seeds.txt")
	if err != nil {
		f.Fatalf("seeds: %v", err)
	}
	var out []string
	for _, l := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
		out = append(out, strings.ReplaceAll(l, `\n`, "\n"))
	}
	return out
}
