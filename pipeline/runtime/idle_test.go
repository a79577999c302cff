package runtime

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
)

// idleHolder holds every event until the final flush, as an unfinished traceback waits for
// its next line, and gives them up when the pipeline is idle (pipeline.IdleFlusher).
type idleHolder struct {
	finalHolder
	idle atomic.Int64 // FlushIdle calls that returned events
}

func (h *idleHolder) FlushIdle(ctx context.Context, now time.Time) *event.Batch {
	b := h.holder.Flush(ctx, now, true)
	if b != nil {
		h.idle.Add(1)
	}
	return b
}

// A source that waits for its acknowledgement (Filebeat with its windows out) sends nothing
// more while a processor holds part of its batch for lines that would come only after it: an
// idle pipeline gives the held events up after runtime.idle_flush, so the batch is acknowledged
// without waiting for the group's timeout (here: never, before a drain).
func TestIdleFlushReleasesHeldEvents(t *testing.T) {
	t.Parallel()
	r, feed, sink, hold, wait := startIdleHolder(t, "20ms")
	b, rec := lines("f", 0, 3)
	feed.batches <- b
	if s := rec.Wait(t); s != event.Delivered || len(sink.Events()) != 3 {
		t.Fatalf("ack %v, delivered %d", s, len(sink.Events()))
	}
	if hold.idle.Load() != 1 {
		t.Fatalf("FlushIdle gave events %d times, want 1", hold.idle.Load())
	}
	if got := testutil.ToFloat64(r.metrics.idleFlushes.WithLabelValues("main", "proc/hold")); got != 1 {
		t.Errorf("sluice_processor_idle_flushes_total = %v, want 1", got)
	}
	finish(t, feed, wait)
}

// With idle_flush 0 nothing is given up for idleness: the held events leave at the drain.
func TestIdleFlushOff(t *testing.T) {
	t.Parallel()
	_, feed, sink, hold, wait := startIdleHolder(t, "0s")
	b, rec := lines("f", 0, 3)
	feed.batches <- b
	pipelinetest.Eventually(t, "the processor to hold the batch", func() bool { return hold.held() == 3 })
	finish(t, feed, wait)
	if s := rec.Wait(t); s != event.Delivered || len(sink.Events()) != 3 || hold.idle.Load() != 0 {
		t.Fatalf("ack %v, delivered %d, idle flushes %d", s, len(sink.Events()), hold.idle.Load())
	}
}

// startIdleHolder runs in/a -> idleHolder -> out/x with the given runtime.idle_flush and no
// flush by interval.
func startIdleHolder(t *testing.T, idleFlush string) (*Runtime, *feedInput, *pipelinetest.Sink, *idleHolder, func() error) {
	e := newEnv()
	feed, sink := e.oneToOne()
	hold := &idleHolder{finalHolder: finalHolder{holder{absorb: true}}}
	e.procs["proc/hold"] = hold
	r, _, wait := e.start(t, `
inputs: {in/a: {}}
processors: {proc/hold: {}}
outputs: {out/x: {}}
pipelines: {main: {inputs: [in/a], processors: [proc/hold], outputs: [out/x]}}
runtime: {flush_interval: 1h, idle_flush: `+idleFlush+`}
http: {address: ""}
`)
	return r, feed, sink, hold, wait
}
