package runtime

import (
	"context"
	"fmt"
	goruntime "runtime"
	"strings"
	"sync"
	"testing"

	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
)

// slowOutput delivers one batch per token; without a token it waits until its context ends and
// then resolves the batch Retry, as a real output does when cut off.
type slowOutput struct {
	tokens    chan struct{}
	mu        sync.Mutex
	delivered map[string]bool
}

func (o *slowOutput) Deliver(ctx context.Context, b *event.Batch) error {
	select {
	case <-o.tokens:
		o.mu.Lock()
		for _, e := range b.Events {
			o.delivered[e.Message()] = true
		}
		o.mu.Unlock()
		b.Resolve(event.Delivered)
		return nil
	case <-ctx.Done():
		b.Resolve(event.Retry)
		return ctx.Err()
	}
}

func (o *slowOutput) count() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.delivered)
}

// Cancelling mid-run with a slow output: every source ack resolves, none says Delivered for an
// event the output did not get, and no goroutine is left behind. Not parallel: it counts
// goroutines.
func TestShutdownSlowOutput(t *testing.T) {
	base := goruntime.NumGoroutine()
	e := newEnv()
	feed := newFeed()
	out := &slowOutput{tokens: make(chan struct{}), delivered: map[string]bool{}}
	e.inputs["in/a"], e.outputs["out/x"] = feed, out
	r, cancel, wait := e.start(t, `
inputs: {in/a: {}}
outputs: {out/x: {}}
pipelines: {main: {inputs: [in/a], outputs: [out/x]}}
runtime: {batch_size: 5, flush_interval: 1ms, workers: 2, max_events_in_flight: 40, shutdown_timeout: 200ms}
http: {address: ""}
`)
	type sent struct {
		b   []string
		rec *pipelinetest.AckRecorder
	}
	var handed []sent
	stop := make(chan struct{})
	fed := make(chan struct{})
	go func() {
		defer close(fed)
		for i := 0; i < 100; i++ {
			b, rec := lines(fmt.Sprintf("k%d", i%3), i*5, 5)
			msgs := make([]string, 5)
			for j, ev := range b.Events {
				msgs[j] = ev.Message()
			}
			select {
			case feed.batches <- b:
				handed = append(handed, sent{msgs, rec})
			case <-stop:
				return
			}
		}
	}()
	for i := 0; i < 4; i++ {
		out.tokens <- struct{}{}
	}
	pipelinetest.Eventually(t, "in-flight limit reached", func() bool { return r.gate.InUse() == 40 })
	cancel()
	close(stop)
	<-fed
	if err := wait(); err != nil {
		t.Logf("run: %v", err)
	}
	if len(handed) == 100 || len(handed) < 8 {
		t.Fatalf("%d batches handed over: the cancel was not mid-run", len(handed))
	}
	delivered, retried := 0, 0
	for i, h := range handed {
		s := h.rec.Wait(t)
		if s != event.Delivered {
			retried++
			continue
		}
		delivered++
		for _, m := range h.b {
			if !out.delivered[m] {
				t.Fatalf("batch %d acked Delivered but %s never reached the output", i, m)
			}
		}
	}
	if delivered == 0 || retried == 0 || out.count() != delivered*5 {
		t.Errorf("delivered %d, retried %d batches, output got %d events", delivered, retried, out.count())
	}
	if r.gate.InUse() != 0 {
		t.Errorf("%d events still counted in flight", r.gate.InUse())
	}
	pipelinetest.Eventually(t, "goroutines back to baseline", func() bool { return goruntime.NumGoroutine() <= base })
}

// A full pipeline blocks its inputs: Consume waits on the in-flight limit until the output
// takes batches again.
func TestBackpressure(t *testing.T) {
	t.Parallel()
	e := newEnv()
	feed, sink := newFeed(), pipelinetest.NewSink()
	sink.Block()
	e.inputs["in/a"], e.outputs["out/x"] = feed, sink
	r, _, wait := e.start(t, `
inputs: {in/a: {}}
outputs: {out/x: {}}
pipelines: {main: {inputs: [in/a], outputs: [out/x]}}
runtime: {batch_size: 5, flush_interval: 1ms, workers: 1, max_events_in_flight: 10}
http: {address: ""}
`)
	blockedInput(t, r, feed, sink, wait)
}

// blockedInput checks that with the sink blocked the feed's input blocks once 10 events (the
// runtime's max_events_in_flight) are in flight, and that everything is delivered once the sink
// unblocks.
func blockedInput(t *testing.T, r *Runtime, feed *feedInput, sink *pipelinetest.Sink, wait func() error) {
	t.Helper()
	var recs []*pipelinetest.AckRecorder
	for i := 0; i < 3; i++ {
		b, rec := lines("f", i*5, 5)
		feed.batches <- b
		recs = append(recs, rec)
	}
	pipelinetest.Eventually(t, "third batch waits on the limit", func() bool {
		return r.gate.Waiting() == 1 && r.gate.InUse() == 10
	})
	b, rec := lines("f", 15, 5)
	select {
	case feed.batches <- b:
		t.Fatal("input took a batch while blocked in Consume")
	default:
	}
	sink.Unblock()
	feed.batches <- b
	recs = append(recs, rec)
	finish(t, feed, wait)
	for _, rec := range recs {
		if rec.Wait(t) != event.Delivered {
			t.Fatal("not delivered")
		}
	}
	if n := len(sink.Events()); n != 20 {
		t.Fatalf("delivered %d", n)
	}
}

// closeFailingOutput delivers everything but reports, on Close, that it dead-lettered some
// events, as the elasticsearch output does when its cluster stayed unreachable.
type closeFailingOutput struct{ *pipelinetest.Sink }

func (closeFailingOutput) Close(context.Context) error {
	return fmt.Errorf("out: close: 3 documents undelivered at shutdown")
}

// An output's Close error fails the run: a run that left events in the dead letter must not
// end like a clean one. Before, the error was only logged.
func TestOutputCloseErrorFailsRun(t *testing.T) {
	t.Parallel()
	e := newEnv()
	feed := newFeed()
	e.inputs["in/a"], e.outputs["out/x"] = feed, closeFailingOutput{pipelinetest.NewSink()}
	_, _, wait := e.start(t, `
inputs: {in/a: {}}
outputs: {out/x: {}}
pipelines: {main: {inputs: [in/a], outputs: [out/x]}}
runtime: {batch_size: 5, flush_interval: 1ms, workers: 1}
http: {address: ""}
`)
	b, rec := lines("f", 0, 5)
	feed.batches <- b
	close(feed.batches)
	err := wait()
	if err == nil || !strings.Contains(err.Error(), "3 documents undelivered at shutdown") {
		t.Fatalf("run: %v, want the output's close error", err)
	}
	if rec.Wait(t) != event.Delivered {
		t.Fatal("not delivered")
	}
}

// closingProc passes batches on and records when the runtime closes it.
type closingProc struct {
	mu     sync.Mutex
	seen   int
	closed int
	after  bool // a batch arrived after Close
}

func (c *closingProc) Process(_ context.Context, b *event.Batch) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seen += b.Len()
	c.after = c.after || c.closed > 0
	return nil
}

func (c *closingProc) Close(context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed++
	return nil
}

// A processor that holds resources (the kubernetes processor's watches) is closed once at
// shutdown, after the last batch has passed it, so that a reload does not leak them.
func TestProcessorsClosedAfterDrain(t *testing.T) {
	t.Parallel()
	e := newEnv()
	feed, sink := e.oneToOne()
	proc := &closingProc{}
	e.procs["proc/p"] = proc
	_, _, wait := e.start(t, oneProcessor)
	b, rec := lines("x", 0, 3)
	feed.batches <- b
	finish(t, feed, wait)
	if rec.Wait(t) != event.Delivered || len(sink.Messages()) != 3 {
		t.Fatalf("delivered %v", sink.Messages())
	}
	proc.mu.Lock()
	defer proc.mu.Unlock()
	if proc.closed != 1 || proc.after || proc.seen != 3 {
		t.Errorf("closed %d times, batch after close %v, saw %d events", proc.closed, proc.after, proc.seen)
	}
}
