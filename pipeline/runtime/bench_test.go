package runtime

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// discard resolves every batch at once: the runtime's own cost, with no output work.
type discard struct{}

func (discard) Deliver(_ context.Context, b *event.Batch) error {
	b.Resolve(event.Delivered)
	return nil
}

// BenchmarkRuntimeThroughput measures events through input -> coalescing -> one processor ->
// one output, with acks, per event. The input hands batches of size events with 8 keys.
func BenchmarkRuntimeThroughput(b *testing.B) { throughput(b, touchConfig) }

// BenchmarkLinkedThroughput is BenchmarkRuntimeThroughput with the processor and output in a
// second pipeline fed by a pipeline output: the cost of a hand-over between pipelines (a copy
// of every event, a second queue and worker pool).
func BenchmarkLinkedThroughput(b *testing.B) {
	throughput(b, `
inputs: {in/a: {}, pipeline/down: {address: down}}
processors: {proc/touch: {}}
outputs: {pipeline/down: {send_to: [down]}, out/x: {}}
pipelines:
  up: {inputs: [in/a], outputs: [pipeline/down]}
  down: {inputs: [pipeline/down], processors: [proc/touch], outputs: [out/x]}
runtime: {batch_size: 2048, flush_interval: 5ms, max_events_in_flight: 32768}
http: {address: ""}
`)
}

func throughput(b *testing.B, yaml string) {
	for _, size := range []int{16, 256} {
		b.Run(fmt.Sprintf("batch=%d", size), func(b *testing.B) { benchThroughput(b, size, yaml, nil) })
	}
}

// touchConfig is the config of BenchmarkRuntimeThroughput.
const touchConfig = `
inputs: {in/a: {}}
processors: {proc/touch: {}}
outputs: {out/x: {}}
pipelines: {main: {inputs: [in/a], processors: [proc/touch], outputs: [out/x]}}
runtime: {batch_size: 2048, flush_interval: 5ms, max_events_in_flight: 32768}
http: {address: ""}
`

// BenchmarkRuntimeThroughputTapped is BenchmarkRuntimeThroughput with a tap on the processor
// whose reader never reads: the cost of an attached tap at its default rate, nearly all of it
// dropping.
func BenchmarkRuntimeThroughputTapped(b *testing.B) {
	b.Run("batch=256", func(b *testing.B) {
		benchThroughput(b, 256, touchConfig, func(r *Runtime) {
			if _, err := r.Tap("proc/touch", TapOptions{}); err != nil {
				b.Fatal(err)
			}
		})
	})
}

// benchThroughput feeds batches of size events through the config in yaml, after attach (when
// set) has been given the running runtime.
func benchThroughput(b *testing.B, size int, yaml string, attach func(*Runtime)) {
	e := newEnv()
	feed := newFeed()
	e.inputs["in/a"], e.outputs["out/x"] = feed, discard{}
	e.procs["proc/touch"] = procFunc(func(b *event.Batch) error {
		for _, ev := range b.Events {
			_, _ = ev.Get(event.FieldMessage)
		}
		return nil
	})
	proto := event.NewMessage("2026-11-27T10:15:09.402001937Z stderr F INFO 11-27 10:15:09 [logger.py:43] Received request", time.Now())
	evs := make([]*event.Event, size)
	for i := range evs {
		evs[i] = proto
	}
	r, cancel, wait := e.startB(b, yaml)
	defer cancel()
	if attach != nil {
		attach(r)
	}
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for i := 0; n < b.N; i++ {
		bt := event.NewBatch(append([]*event.Event(nil), evs...), event.NewAck(nil))
		bt.Key = keys[i%len(keys)]
		feed.batches <- bt
		n += size
	}
	close(feed.batches)
	if err := wait(); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
}

var keys = []string{"a", "b", "c", "d", "e", "f", "g", "h"}
