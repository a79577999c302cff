package runtime

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/config"
	"github.com/sluice-dev/sluice/pipeline/event"
	pipelineinput "github.com/sluice-dev/sluice/pipeline/input/pipeline"
	pipelineoutput "github.com/sluice-dev/sluice/pipeline/output/pipeline"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
)

// feedInput hands over the batches sent on its channel, returns when the channel is closed
// (a finite input, like the file input in read mode), and records Close.
type feedInput struct {
	batches chan *event.Batch
	closed  chan struct{}
	once    sync.Once
	err     error // returned from Run once the channel is closed
}

func newFeed() *feedInput {
	return &feedInput{batches: make(chan *event.Batch), closed: make(chan struct{})}
}

func (f *feedInput) Run(ctx context.Context, next pipeline.Consumer) error {
	for {
		select {
		case b, ok := <-f.batches:
			if !ok {
				return f.err
			}
			if err := next.Consume(ctx, b); err != nil {
				return err
			}
		case <-ctx.Done():
			return nil
		}
	}
}

func (f *feedInput) Close(context.Context) error {
	f.once.Do(func() { close(f.closed) })
	return nil
}

// procFunc is a processor made of a function.
type procFunc func(b *event.Batch) error

func (f procFunc) Process(_ context.Context, b *event.Batch) error { return f(b) }

// holder keeps every event it sees until Flush, as a multiline processor keeps a traceback.
// With absorb set it tells the runtime that the events it keeps are held, not dropped.
type holder struct {
	absorb bool
	mu     sync.Mutex
	evs    []*event.Event
	holds  event.Holds
}

func (h *holder) Process(_ context.Context, b *event.Batch) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.evs = append(h.evs, b.Events...)
	h.holds = append(h.holds, b.Hold()...)
	if h.absorb {
		b.Absorb(len(b.Events))
	}
	b.Events = b.Events[:0]
	return nil
}

func (h *holder) Flush(_ context.Context, _ time.Time, _ bool) *event.Batch {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.evs) == 0 {
		return nil
	}
	b := event.NewBatch(h.evs, nil)
	b.Adopt(h.holds)
	h.evs, h.holds = nil, nil
	return b
}

type env struct {
	inputs  map[string]pipeline.Input
	procs   map[string]pipeline.Processor
	outputs map[string]pipeline.Output
	dlq     *pipelinetest.RecordingDeadLetter
}

func newEnv() *env {
	return &env{inputs: map[string]pipeline.Input{}, procs: map[string]pipeline.Processor{},
		outputs: map[string]pipeline.Output{}, dlq: &pipelinetest.RecordingDeadLetter{}}
}

func emptyConfig() pipeline.Config { return &pipelinetest.EmptyConfig{} }

// start builds a runtime from YAML whose component ids are looked up in the env's maps (type
// "test" for all) and runs it; the returned wait gives Run's error.
func (e *env) start(t *testing.T, yaml string) (*Runtime, context.CancelFunc, func() error) {
	t.Helper()
	return e.startB(t, yaml)
}

// startB is start for tests and benchmarks.
func (e *env) startB(t testing.TB, yaml string) (*Runtime, context.CancelFunc, func() error) {
	t.Helper()
	return e.startWith(t, yaml)
}

// startWith is startB with more processor types besides "proc".
func (e *env) startWith(t testing.TB, yaml string, procs ...pipeline.ProcessorFactory) (*Runtime, context.CancelFunc, func() error) {
	t.Helper()
	comps, err := config.NewComponents(
		[]pipeline.InputFactory{{Type: "in", NewConfig: emptyConfig,
			Create: func(s pipeline.Settings, _ pipeline.Config) (pipeline.Input, error) { return e.inputs[s.ID], nil }},
			pipelineinput.Factory},
		append([]pipeline.ProcessorFactory{{Type: "proc", NewConfig: emptyConfig,
			Create: func(s pipeline.Settings, _ pipeline.Config) (pipeline.Processor, error) { return e.procs[s.ID], nil }}}, procs...),
		[]pipeline.OutputFactory{{Type: "out", NewConfig: emptyConfig,
			Create: func(s pipeline.Settings, _ pipeline.Config) (pipeline.Output, error) { return e.outputs[s.ID], nil }},
			pipelineoutput.Factory},
	)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse([]byte(yaml), comps)
	if err != nil {
		t.Fatal(err)
	}
	r, err := New(cfg, comps, Options{Logger: pipelinetest.Logger(t), DeadLetter: e.dlq})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- r.Run(ctx) }()
	wait := func() error {
		t.Helper()
		select {
		case err := <-errc:
			return err
		case <-time.After(pipelinetest.Timeout):
			t.Fatal("runtime did not stop")
			return nil
		}
	}
	t.Cleanup(cancel)
	return r, cancel, wait
}

// lines makes a batch of n events with the given key, offsets from first, and a recorded ack.
func lines(key string, first, n int) (*event.Batch, *pipelinetest.AckRecorder) {
	ack, rec := pipelinetest.NewAck()
	evs := make([]*event.Event, n)
	for i := range evs {
		evs[i] = event.NewMessage(fmt.Sprintf("%s-%d", key, first+i), time.Now())
		evs[i].Meta.Source, evs[i].Meta.Offset = key, int64(first+i)
	}
	b := event.NewBatch(evs, ack)
	b.Key = key
	return b, rec
}

func counter(t *testing.T, r *Runtime, name, component string) float64 {
	t.Helper()
	k := map[string]kind{"in": kindInput, "proc": kindProcessor, "out": kindOutput}[strings.Split(component, "/")[0]]
	m := r.metrics.component(component, k)
	c := map[string]prometheus.Counter{"received": m.received, "sent": m.sent, "dropped": m.dropped, "failed": m.failed}
	return testutil.ToFloat64(c[name])
}

// oneToOne wires input in/a to output out/x through a fresh feed and sink.
func (e *env) oneToOne() (*feedInput, *pipelinetest.Sink) {
	feed, sink := newFeed(), pipelinetest.NewSink()
	e.inputs["in/a"], e.outputs["out/x"] = feed, sink
	return feed, sink
}

// finish ends the input (as a file in read mode ends) and waits for a clean stop.
func finish(t *testing.T, feed *feedInput, wait func() error) {
	t.Helper()
	close(feed.batches)
	if err := wait(); err != nil {
		t.Fatal(err)
	}
}

// oneProcessor is the config of one input, one processor (proc/p) and one output, a batch per
// event, no HTTP server.
const oneProcessor = `
inputs: {in/a: {}}
processors: {proc/p: {}}
outputs: {out/x: {}}
pipelines: {main: {inputs: [in/a], processors: [proc/p], outputs: [out/x]}}
runtime: {batch_size: 1}
http: {address: ""}
`
