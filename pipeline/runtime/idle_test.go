package runtime

import (
	"context"
	"sync"
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

// clockHolder records, for each Flush, the time the runtime passed and the wall time.
type clockHolder struct {
	mu    sync.Mutex
	lag   time.Duration // the most the passed time was behind the wall time
	calls int
}

func (c *clockHolder) Process(context.Context, *event.Batch) error { return nil }

func (c *clockHolder) Flush(_ context.Context, now time.Time, final bool) *event.Batch {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !final {
		c.calls++
		c.lag = max(c.lag, time.Since(now))
	}
	return nil
}

func (c *clockHolder) maxLag() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lag
}

// A processor's timeouts count from when a held line came in. While a batch taken in earlier is
// still on its way to the processors (stuck here in a slow processor before them, as batches
// are in a backlog), the next line of a traceback may be in it: the processors' Flush gets the
// time that batch came in, not the wall time, so that the traceback is not sent without it.
func TestProcessorClockWaitsForBatchesOnTheirWay(t *testing.T) {
	t.Parallel()
	e := newEnv()
	feed, sink := e.oneToOne()
	release := make(chan struct{})
	entered := make(chan struct{}, 1)
	e.procs["proc/slow"] = procFunc(func(b *event.Batch) error {
		if b.Key == "stuck" {
			entered <- struct{}{}
			<-release
		}
		return nil
	})
	clock := &clockHolder{}
	e.procs["proc/clock"] = clock
	r, _, wait := e.start(t, `
inputs: {in/a: {}}
processors: {proc/slow: {}, proc/clock: {}}
outputs: {out/x: {}}
pipelines: {main: {inputs: [in/a], processors: [proc/slow, proc/clock], outputs: [out/x]}}
runtime: {flush_interval: 1h}
http: {address: ""}
`)
	b, rec := lines("stuck", 0, 1)
	feed.batches <- b
	<-entered
	// Flushes keep coming every processorFlushEvery; their time stays at the stuck batch's.
	pipelinetest.Eventually(t, "a flush whose time is the stuck batch's, 100ms behind", func() bool {
		return clock.maxLag() >= 100*time.Millisecond
	})
	close(release)
	if s := rec.Wait(t); s != event.Delivered || len(sink.Events()) != 1 {
		t.Fatalf("ack %v, delivered %d", s, len(sink.Events()))
	}
	if _, ok := r.pipes[0].waiting.oldest(); ok {
		t.Error("a batch through the processors is still counted as on its way: the clock would stay behind")
	}
	finish(t, feed, wait)
}

// Batches coalesced into one came in when the first of them did; a batch the processors are
// through with no longer holds the clock back.
func TestArrivalsFollowMergedBatches(t *testing.T) {
	t.Parallel()
	var a arrivals
	t0 := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	b1, _ := lines("k", 0, 1)
	b2, _ := lines("k", 1, 1)
	b3, _ := lines("other", 0, 1)
	a.add(b1, t0)
	a.add(b2, t0.Add(time.Second))
	a.add(b3, t0.Add(2*time.Second))
	m := mergeAll([]*event.Batch{b1, b2})
	a.merged([]*event.Batch{b1, b2}, m)
	if got, _ := a.oldest(); !got.Equal(t0) {
		t.Fatalf("oldest after the merge = %v, want the first batch's %v", got, t0)
	}
	a.done(m)
	if got, _ := a.oldest(); !got.Equal(t0.Add(2 * time.Second)) {
		t.Fatalf("oldest after the merged batch = %v, want the other batch's", got)
	}
	a.done(b3)
	if _, ok := a.oldest(); ok {
		t.Fatal("nothing on its way, yet an oldest arrival")
	}
	m.Resolve(event.Delivered)
	b3.Resolve(event.Delivered)
}

// A processor holding a batch back asks whether its source waits for it: the input's own ack
// answers, not the references the runtime adds to every batch for its counts. A source that says
// it can send more is not taken to wait; one that says nothing is.
func TestHeldBatchAsksItsSourceNotTheRuntime(t *testing.T) {
	t.Parallel()
	e := newEnv()
	feed, sink := e.oneToOne()
	waits := make(chan bool, 2)
	e.procs["proc/ask"] = procFunc(func(b *event.Batch) error {
		h := b.Hold()
		waits <- h.SourceWaits()
		h.Resolve(event.Delivered)
		return nil
	})
	_, _, wait := e.start(t, `
inputs: {in/a: {}}
processors: {proc/ask: {}}
outputs: {out/x: {}}
pipelines: {main: {inputs: [in/a], processors: [proc/ask], outputs: [out/x]}}
http: {address: ""}
`)
	freeAck, recFree := pipelinetest.NewAck()
	freeAck.SetWaits(func() bool { return false })
	free := event.NewBatch([]*event.Event{event.NewMessage("free-0", time.Now())}, freeAck)
	free.Key = "free"
	ack, recSilent := pipelinetest.NewAck()
	feed.batches <- free
	if <-waits {
		t.Error("a source that can send more is taken to wait: the runtime's own references answered for it")
	}
	silent := event.NewBatch([]*event.Event{event.NewMessage("silent-0", time.Now())}, ack)
	silent.Key = "silent"
	feed.batches <- silent
	if !<-waits {
		t.Error("a source that says nothing is taken not to wait")
	}
	recFree.Wait(t)
	recSilent.Wait(t)
	if n := len(sink.Events()); n != 2 {
		t.Errorf("%d events delivered, want 2", n)
	}
	finish(t, feed, wait)
}
