package runtime

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
)

const fanOut = `
inputs: {in/a: {}}
processors: {proc/upper: {}}
outputs: {out/x: {}, out/y: {}}
pipelines:
  main: {inputs: [in/a], processors: [proc/upper], outputs: [out/x, out/y]}
runtime: {batch_size: 8, flush_interval: 1h, workers: 3, max_events_in_flight: 64}
http: {address: ""}
`

// Every output gets every event; each source ack resolves Delivered once both did; the runtime
// ends when its only input finishes.
func TestFanOutAndFinish(t *testing.T) {
	t.Parallel()
	e := newEnv()
	feed := newFeed()
	x, y := pipelinetest.NewSink(), pipelinetest.NewSink()
	e.inputs["in/a"], e.outputs["out/x"], e.outputs["out/y"] = feed, x, y
	e.procs["proc/upper"] = procFunc(func(b *event.Batch) error {
		for _, ev := range b.Events {
			ev.SetString("seen", "yes")
		}
		return nil
	})
	r, _, wait := e.start(t, fanOut)
	var recs []*pipelinetest.AckRecorder
	for i := 0; i < 20; i++ {
		b, rec := lines(fmt.Sprintf("k%d", i%4), i, 3)
		feed.batches <- b
		recs = append(recs, rec)
	}
	finish(t, feed, wait)
	for i, rec := range recs {
		if s, ok := rec.Status(); !ok || s != event.Delivered || rec.Calls() != 1 {
			t.Fatalf("ack %d: %v %v calls %d", i, s, ok, rec.Calls())
		}
	}
	for _, s := range []*pipelinetest.Sink{x, y} {
		evs := s.Events()
		if len(evs) != 60 {
			t.Fatalf("sink got %d events, want 60", len(evs))
		}
		if v, _ := evs[0].GetString("seen"); v != "yes" {
			t.Fatal("processor did not run")
		}
		if !s.Closed() {
			t.Fatal("output not closed")
		}
	}
	select {
	case <-feed.closed:
	default:
		t.Fatal("input not closed")
	}
	if got := counter(t, r, "received", "in/a"); got != 60 {
		t.Errorf("input received %v", got)
	}
	if got := counter(t, r, "sent", "out/x"); got != 60 {
		t.Errorf("output sent %v", got)
	}
	if r.Ready() {
		t.Error("ready after stop")
	}
}

// Small batches of one key are coalesced while a backlog exists, never beyond batch_size, and
// stay in order; the rest goes out at drain.
func TestCoalesceInOrder(t *testing.T) {
	t.Parallel()
	e := newEnv()
	feed, sink := e.oneToOne()
	_, _, wait := e.start(t, `
inputs: {in/a: {}}
outputs: {out/x: {}}
pipelines: {main: {inputs: [in/a], outputs: [out/x]}}
runtime: {batch_size: 10, flush_interval: 1h, workers: 4, max_events_in_flight: 100}
http: {address: ""}
`)
	for i := 0; i < 25; i++ {
		b, _ := lines("f", i, 1)
		feed.batches <- b
	}
	finish(t, feed, wait)
	total := 0
	for _, b := range sink.Batches() {
		if b.Len() > 10 {
			t.Errorf("batch of %d events, above batch_size 10", b.Len())
		}
		total += b.Len()
	}
	if total != 25 {
		t.Errorf("%d events delivered, want 25", total)
	}
	for i, ev := range sink.Events() {
		if ev.Meta.Offset != int64(i) {
			t.Fatalf("event %d has offset %d: order lost", i, ev.Meta.Offset)
		}
	}
}

// A small batch with nothing queued behind it goes out at once instead of waiting for the flush
// interval: its source (a Filebeat connection) sends nothing more until it is acknowledged.
func TestLoneBatchIsNotHeldForTheInterval(t *testing.T) {
	t.Parallel()
	e := newEnv()
	feed, sink := e.oneToOne()
	_, _, wait := e.start(t, `
inputs: {in/a: {}}
outputs: {out/x: {}}
pipelines: {main: {inputs: [in/a], outputs: [out/x]}}
runtime: {batch_size: 50, flush_interval: 1h, workers: 2, max_events_in_flight: 100}
http: {address: ""}
`)
	b, rec := lines("f", 0, 3)
	feed.batches <- b
	if st := rec.Wait(t); st != event.Delivered { // Wait fails the test after pipelinetest.Timeout
		t.Fatalf("ack %v", st)
	}
	if n := len(sink.Events()); n != 3 {
		t.Fatalf("sink has %d events", n)
	}
	finish(t, feed, wait)
}

// Batches of one key keep their order across workers, whatever the other keys do.
func TestOrderPerKey(t *testing.T) {
	t.Parallel()
	e := newEnv()
	feed, sink := e.oneToOne()
	_, _, wait := e.start(t, `
inputs: {in/a: {}}
outputs: {out/x: {}}
pipelines: {main: {inputs: [in/a], outputs: [out/x]}}
runtime: {batch_size: 4, flush_interval: 1ms, workers: 4, max_events_in_flight: 64}
http: {address: ""}
`)
	next := map[string]int{}
	for i := 0; i < 200; i++ {
		k := fmt.Sprintf("k%d", i%7)
		n := 1 + i%3
		b, _ := lines(k, next[k], n)
		next[k] += n
		feed.batches <- b
	}
	finish(t, feed, wait)
	seen := map[string]int64{}
	for _, ev := range sink.Events() {
		if ev.Meta.Offset != seen[ev.Meta.Source] {
			t.Fatalf("key %s: offset %d, want %d", ev.Meta.Source, ev.Meta.Offset, seen[ev.Meta.Source])
		}
		seen[ev.Meta.Source]++
	}
}

// Events a processor removes are counted as dropped and their ack still resolves Delivered.
func TestDropCounted(t *testing.T) {
	t.Parallel()
	e := newEnv()
	feed, sink := e.oneToOne()
	e.procs["proc/odd"] = procFunc(func(b *event.Batch) error {
		kept := b.Events[:0]
		for _, ev := range b.Events {
			if ev.Meta.Offset%2 == 0 {
				kept = append(kept, ev)
			}
		}
		b.Events = kept
		return nil
	})
	r, _, wait := e.start(t, `
inputs: {in/a: {}}
processors: {proc/odd: {}}
outputs: {out/x: {}}
pipelines: {main: {inputs: [in/a], processors: [proc/odd], outputs: [out/x]}}
http: {address: ""}
`)
	b, rec := lines("f", 0, 10)
	feed.batches <- b
	b2, rec2 := lines("g", 1, 1) // one odd event: the batch empties
	feed.batches <- b2
	finish(t, feed, wait)
	if rec.Wait(t) != event.Delivered || rec2.Wait(t) != event.Delivered {
		t.Fatal("acks not delivered")
	}
	if got := counter(t, r, "dropped", "proc/odd"); got != 6 {
		t.Errorf("dropped %v, want 6", got)
	}
	if len(sink.Events()) != 5 {
		t.Errorf("delivered %d, want 5", len(sink.Events()))
	}
}

// Routed events reach only the outputs they name; a route to no output of the pipeline sends
// the event to the dead letter instead of losing it.
func TestRoutes(t *testing.T) {
	t.Parallel()
	e := newEnv()
	feed, x, y := newFeed(), pipelinetest.NewSink(), pipelinetest.NewSink()
	e.inputs["in/a"], e.outputs["out/x"], e.outputs["out/y"] = feed, x, y
	_, _, wait := e.start(t, `
inputs: {in/a: {}}
outputs: {out/x: {}, out/y: {}}
pipelines: {main: {inputs: [in/a], outputs: [out/x, out/y]}}
http: {address: ""}
`)
	b, rec := lines("f", 0, 5)
	b.Events[1].Meta.Routes = []string{"out/y"}
	b.Events[2].Meta.Routes = []string{"out/nowhere"}
	b.Events[4].Meta.Routes = []string{"out/default"} // as a route processor's default sets it
	feed.batches <- b
	finish(t, feed, wait)
	if s := rec.Wait(t); s != event.Delivered {
		t.Fatalf("ack %v", s)
	}
	if got := x.Messages(); fmt.Sprint(got) != "[f-0 f-3]" {
		t.Errorf("x got %v", got)
	}
	if got := y.Messages(); fmt.Sprint(got) != "[f-0 f-1 f-3]" {
		t.Errorf("y got %v", got)
	}
	dl := e.dlq.Entries()
	if len(dl) != 2 || dl[0].Event.Message() != "f-2" || dl[0].Component != "pipeline/main" {
		t.Fatalf("dead letter %+v", dl)
	}
	// Each event's reason names its own routes, not those of the first lost event.
	for i, want := range []string{"[out/nowhere]", "[out/default]"} {
		if !strings.Contains(dl[i].Reason, want) {
			t.Errorf("dead letter %d reason %q, want it to name %s", i, dl[i].Reason, want)
		}
	}
}

// A permanent processor error dead-letters the batch (finished); another error asks the source
// to resend; a failing dead letter rejects.
func TestProcessorErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		err    error
		dlqErr error
		want   event.Status
		dead   int
	}{
		{"permanent", pipeline.Permanent(errors.New("bad")), nil, event.Delivered, 3},
		{"retryable", errors.New("lookup timed out"), nil, event.Retry, 0},
		{"dead letter fails", pipeline.Permanent(errors.New("bad")), errors.New("disk full"), event.Rejected, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv()
			e.dlq.SetErr(c.dlqErr)
			feed, sink := e.oneToOne()
			e.procs["proc/f"] = procFunc(func(*event.Batch) error { return c.err })
			r, _, wait := e.start(t, `
inputs: {in/a: {}}
processors: {proc/f: {}}
outputs: {out/x: {}}
pipelines: {main: {inputs: [in/a], processors: [proc/f], outputs: [out/x]}}
runtime: {flush_interval: 1ms}
http: {address: ""}
`)
			b, rec := lines("f", 0, 3)
			feed.batches <- b
			if s := rec.Wait(t); s != c.want {
				t.Errorf("ack %v, want %v", s, c.want)
			}
			finish(t, feed, wait)
			if n := len(e.dlq.Entries()); n != c.dead {
				t.Errorf("dead-lettered %d, want %d", n, c.dead)
			}
			if got := counter(t, r, "failed", "proc/f"); got != 3 {
				t.Errorf("failed %v", got)
			}
			if len(sink.Events()) != 0 {
				t.Error("failed batch delivered")
			}
		})
	}
}

// A processor that holds events is flushed at drain; the held acks resolve only then.
func TestFinalFlush(t *testing.T) {
	t.Parallel()
	e := newEnv()
	feed, sink := e.oneToOne()
	e.procs["proc/hold"] = &holder{}
	var order []string
	e.procs["proc/after"] = procFunc(func(b *event.Batch) error {
		for _, ev := range b.Events {
			order = append(order, ev.Message())
		}
		return nil
	})
	_, _, wait := e.start(t, `
inputs: {in/a: {}}
processors: {proc/hold: {}, proc/after: {}}
outputs: {out/x: {}}
pipelines: {main: {inputs: [in/a], processors: [proc/hold, proc/after], outputs: [out/x]}}
runtime: {flush_interval: 1h, workers: 1}
http: {address: ""}
`)
	b, rec := lines("f", 0, 3)
	feed.batches <- b
	finish(t, feed, wait)
	if s := rec.Wait(t); s != event.Delivered {
		t.Fatalf("ack %v", s)
	}
	sort.Strings(order)
	if fmt.Sprint(sink.Messages()) != "[f-0 f-1 f-2]" || fmt.Sprint(order) != "[f-0 f-1 f-2]" {
		t.Errorf("delivered %v, after saw %v", sink.Messages(), order)
	}
}

// Events a processor holds and sends on later are not dropped: received 3, sent 3, dropped 0
// (the runtime counted the held ones as dropped, so a traceback looked like lost lines).
func TestHeldEventsAreNotDropped(t *testing.T) {
	t.Parallel()
	e := newEnv()
	feed, sink := e.oneToOne()
	e.procs["proc/hold"] = &holder{absorb: true}
	r, _, wait := e.start(t, `
inputs: {in/a: {}}
processors: {proc/hold: {}}
outputs: {out/x: {}}
pipelines: {main: {inputs: [in/a], processors: [proc/hold], outputs: [out/x]}}
runtime: {flush_interval: 1h, workers: 1}
http: {address: ""}
`)
	b, rec := lines("f", 0, 3)
	feed.batches <- b
	finish(t, feed, wait)
	if s := rec.Wait(t); s != event.Delivered || len(sink.Events()) != 3 {
		t.Fatalf("ack %v, delivered %d", s, len(sink.Events()))
	}
	for name, want := range map[string]float64{"received": 3, "sent": 3, "dropped": 0} {
		if got := counter(t, r, name, "proc/hold"); got != want {
			t.Errorf("%s %v, want %v", name, got, want)
		}
	}
}

// An input that fails stops the runtime with an error naming it.
func TestInputFailure(t *testing.T) {
	t.Parallel()
	e := newEnv()
	feed := newFeed()
	feed.err = errors.New("bind: address in use")
	e.inputs["in/a"], e.outputs["out/x"] = feed, pipelinetest.NewSink()
	_, _, wait := e.start(t, `
inputs: {in/a: {}}
outputs: {out/x: {}}
pipelines: {main: {inputs: [in/a], outputs: [out/x]}}
http: {address: ""}
`)
	close(feed.batches)
	err := wait()
	if err == nil || err.Error() != "runtime: input in/a: bind: address in use" {
		t.Fatalf("err %v", err)
	}
}

// A partial batch leaves after flush_interval without waiting for more events or a drain, and
// a processor that holds events is flushed on the same tick.
func TestFlushInterval(t *testing.T) {
	t.Parallel()
	e := newEnv()
	feed, sink := e.oneToOne()
	e.procs["proc/hold"] = &holder{}
	r, _, wait := e.start(t, `
inputs: {in/a: {}}
processors: {proc/hold: {}}
outputs: {out/x: {}}
pipelines: {main: {inputs: [in/a], processors: [proc/hold], outputs: [out/x]}}
runtime: {batch_size: 1000, flush_interval: 5ms}
http: {address: ""}
`)
	b, rec := lines("f", 0, 3)
	feed.batches <- b
	sink.WaitEvents(t, 3)
	if s := rec.Wait(t); s != event.Delivered {
		t.Fatalf("ack %v", s)
	}
	empty, erec := lines("f", 3, 0)
	feed.batches <- empty
	if s := erec.Wait(t); s != event.Delivered {
		t.Fatalf("empty batch ack %v", s)
	}
	finish(t, feed, wait)
	if got := testutil.CollectAndCount(r.metrics.latency); got != 1 {
		t.Errorf("latency series %d", got)
	}
	if got := testutil.ToFloat64(r.metrics.acks.WithLabelValues("main", "delivered")); got != 1 {
		t.Errorf("acks delivered %v, want 1 (the empty batch never entered)", got)
	}
}

// A processor that panics on a batch dead-letters it; the pipeline goes on with the next.
func TestProcessorPanic(t *testing.T) {
	t.Parallel()
	e := newEnv()
	feed, sink := e.oneToOne()
	e.procs["proc/p"] = procFunc(func(b *event.Batch) error {
		if b.Events[0].Message() == "boom-0" {
			var m map[string]int
			m["x"]++ //lint:ignore SA5000 a nil map write: the bug under test
		}
		return nil
	})
	_, _, wait := e.start(t, oneProcessor)
	bad, badRec := lines("boom", 0, 1)
	good, goodRec := lines("fine", 0, 1)
	feed.batches <- bad
	feed.batches <- good
	finish(t, feed, wait)
	if badRec.Wait(t) != event.Delivered || goodRec.Wait(t) != event.Delivered {
		t.Fatal("acks")
	}
	dl := e.dlq.Entries()
	if len(dl) != 1 || dl[0].Event.Message() != "boom-0" || !strings.Contains(dl[0].Reason, "panic") {
		t.Fatalf("dead letter %+v", dl)
	}
	if fmt.Sprint(sink.Messages()) != "[fine-0]" {
		t.Fatalf("delivered %v", sink.Messages())
	}
}
