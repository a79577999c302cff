package runtime

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
)

// setField is a processor that sets one field on every event, as a downstream pipeline's own
// processors change its copy.
func setField(key, value string) procFunc {
	return func(b *event.Batch) error {
		for _, e := range b.Events {
			e.SetString(key, value)
		}
		return nil
	}
}

// wantList fails the test when got, printed as a list, is not want.
func wantList(t *testing.T, what string, got []string, want string) {
	t.Helper()
	if fmt.Sprint(got) != want {
		t.Errorf("%s: %v, want %s", what, got, want)
	}
}

func fieldOf(evs []*event.Event, key string) []string {
	var out []string
	for _, e := range evs {
		v, _ := e.GetString(key)
		out = append(out, v)
	}
	return out
}

// Distributor: one input, a route by condition to two pipelines with their own processors.
// Each event reaches the pipeline it was routed to only, changed by that pipeline alone.
func TestLinkDistributor(t *testing.T) {
	t.Parallel()
	e := newEnv()
	feed, errs, rest := newFeed(), pipelinetest.NewSink(), pipelinetest.NewSink()
	e.inputs["in/a"], e.outputs["out/errors"], e.outputs["out/rest"] = feed, errs, rest
	e.procs["proc/route"] = procFunc(func(b *event.Batch) error {
		for _, ev := range b.Events {
			if strings.HasPrefix(ev.Message(), "err") {
				ev.Meta.Routes = []string{"pipeline/errors"}
			} else {
				ev.Meta.Routes = []string{"pipeline/rest"}
			}
		}
		return nil
	})
	e.procs["proc/e"], e.procs["proc/r"] = setField("lane", "errors"), setField("lane", "rest")
	r, _, wait := e.start(t, `
inputs: {in/a: {}, pipeline/errors: {address: errors}, pipeline/rest: {address: rest}}
processors: {proc/route: {}, proc/e: {}, proc/r: {}}
outputs:
  pipeline/errors: {send_to: [errors]}
  pipeline/rest: {send_to: [rest]}
  out/errors: {}
  out/rest: {}
pipelines:
  distributor: {inputs: [in/a], processors: [proc/route], outputs: [pipeline/errors, pipeline/rest]}
  errors: {inputs: [pipeline/errors], processors: [proc/e], outputs: [out/errors]}
  rest: {inputs: [pipeline/rest], processors: [proc/r], outputs: [out/rest]}
http: {address: ""}
`)
	b, rec := pipelinetest.Batch("err-1", "ok-2", "err-3", "ok-4")
	feed.batches <- b
	finish(t, feed, wait)
	if s := rec.Wait(t); s != event.Delivered {
		t.Fatalf("source ack %v", s)
	}
	wantList(t, "errors pipeline got", errs.Messages(), "[err-1 err-3]")
	wantList(t, "rest pipeline got", rest.Messages(), "[ok-2 ok-4]")
	wantList(t, "errors lane", fieldOf(errs.Events(), "lane"), "[errors errors]")
	if len(e.dlq.Entries()) != 0 {
		t.Errorf("dead letter %+v: routes of the upstream pipeline leaked downstream", e.dlq.Entries())
	}
	// The source's events count once, however many pipelines they crossed.
	if o := r.Outcome(); o.Taken != 4 || o.Delivered != 4 {
		t.Errorf("outcome %+v", o)
	}
	m := r.metrics
	if got := testutil.ToFloat64(m.received.WithLabelValues("pipeline/errors", "input")); got != 2 {
		t.Errorf("pipeline input received %v, want 2", got)
	}
	if got := testutil.ToFloat64(m.sent.WithLabelValues("pipeline/rest", "output")); got != 2 {
		t.Errorf("pipeline output sent %v, want 2", got)
	}
}

// An output sending to two addresses gives each pipeline its own copy, and the source is
// acknowledged only once both pipelines have delivered; the sending pipeline's other outputs see
// the events unchanged.
func TestLinkFanOutCopiesAndWaitsForEveryReceiver(t *testing.T) {
	t.Parallel()
	e := newEnv()
	feed, x, y, up := newFeed(), pipelinetest.NewSink(), pipelinetest.NewSink(), pipelinetest.NewSink()
	e.inputs["in/a"], e.outputs["out/x"], e.outputs["out/y"], e.outputs["out/up"] = feed, x, y, up
	e.procs["proc/x"], e.procs["proc/y"] = setField("lane", "x"), setField("lane", "y")
	y.Block()
	_, _, wait := e.start(t, `
inputs: {in/a: {}, pipeline/x: {address: x}, pipeline/y: {address: y}}
processors: {proc/x: {}, proc/y: {}}
outputs: {pipeline/both: {send_to: [x, y]}, out/x: {}, out/y: {}, out/up: {}}
pipelines:
  up: {inputs: [in/a], outputs: [pipeline/both, out/up]}
  x: {inputs: [pipeline/x], processors: [proc/x], outputs: [out/x]}
  y: {inputs: [pipeline/y], processors: [proc/y], outputs: [out/y]}
http: {address: ""}
`)
	b, rec := pipelinetest.Batch("a", "b")
	feed.batches <- b
	x.WaitEvents(t, 2)
	y.WaitBlocked(t, 1)
	if rec.Calls() != 0 {
		t.Fatal("source acknowledged while pipeline y still holds its copy")
	}
	y.Unblock()
	finish(t, feed, wait)
	if s := rec.Wait(t); s != event.Delivered {
		t.Fatalf("source ack %v", s)
	}
	wantList(t, "x lane", fieldOf(x.Events(), "lane"), "[x x]")
	wantList(t, "y lane", fieldOf(y.Events(), "lane"), "[y y]")
	wantList(t, "the sending pipeline's own output saw lane", fieldOf(up.Events(), "lane"), "[ ]")
}

// Collector: two pipelines send into one; every event arrives and each source is acknowledged.
// Each sending pipeline has the pipeline output alone, so the events are handed on uncopied.
func TestLinkCollector(t *testing.T) {
	t.Parallel()
	e := newEnv()
	fa, fb, sink := newFeed(), newFeed(), pipelinetest.NewSink()
	e.inputs["in/a"], e.inputs["in/b"], e.outputs["out/x"] = fa, fb, sink
	r, _, wait := e.start(t, `
inputs: {in/a: {}, in/b: {}, pipeline/collect: {address: collect}}
outputs: {pipeline/collect: {send_to: [collect]}, out/x: {}}
pipelines:
  a: {inputs: [in/a], outputs: [pipeline/collect]}
  b: {inputs: [in/b], outputs: [pipeline/collect]}
  collect: {inputs: [pipeline/collect], outputs: [out/x]}
runtime: {batch_size: 5, workers: 2}
http: {address: ""}
`)
	var recs []*pipelinetest.AckRecorder
	for i := range 10 {
		ba, ra := lines("a", i*5, 5)
		bb, rb := lines("b", i*5, 5)
		ba.Events[0].Meta.Routes = []string{"pipeline/collect"} // as a route processor sets it
		fa.batches <- ba
		fb.batches <- bb
		recs = append(recs, ra, rb)
	}
	close(fa.batches)
	finish(t, fb, wait)
	for i, rec := range recs {
		if s := rec.Wait(t); s != event.Delivered {
			t.Fatalf("batch %d ack %v", i, s)
		}
	}
	if n := len(sink.Events()); n != 100 {
		t.Errorf("collector delivered %d events, want 100", n)
	}
	if len(e.dlq.Entries()) != 0 {
		t.Errorf("dead letter %+v: routes of the sending pipeline leaked into the collector", e.dlq.Entries())
	}
	if o := r.Outcome(); o.Taken != 100 || o.Delivered != 100 {
		t.Errorf("outcome %+v", o)
	}
}

// linked is one input feeding pipeline "up", which sends everything to pipeline "down" and its
// output out/x.
const linked = `
inputs: {in/a: {}, pipeline/down: {address: down}}
outputs: {pipeline/down: {send_to: [down]}, out/x: {}}
pipelines:
  up: {inputs: [in/a], outputs: [pipeline/down]}
  down: {inputs: [pipeline/down], outputs: [out/x]}
http: {address: ""}
`

// A downstream output that cannot deliver holds the upstream source's ack: nothing is
// acknowledged while it is stuck, the source hears Retry when it gives up, and Delivered once it
// recovers.
func TestLinkAckWaitsForDownstreamDelivery(t *testing.T) {
	t.Parallel()
	e := newEnv()
	feed, sink := e.oneToOne()
	sink.Block() // a destination that is down: the output keeps the batch
	_, _, wait := e.start(t, linked)
	b1, rec1 := lines("f", 0, 3)
	feed.batches <- b1
	sink.WaitBlocked(t, 1)
	if rec1.Calls() != 0 {
		t.Fatal("source acknowledged while the downstream output holds its events")
	}
	sink.Fail(event.Retry, errors.New("destination refused"))
	sink.Unblock()
	if s := rec1.Wait(t); s != event.Retry {
		t.Fatalf("source ack %v after the downstream output failed, want retry", s)
	}
	sink.Fail(event.Delivered, nil) // the destination recovers
	b2, rec2 := lines("f", 0, 3)    // the source sends again
	feed.batches <- b2
	finish(t, feed, wait)
	if s := rec2.Wait(t); s != event.Delivered {
		t.Fatalf("source ack %v after recovery", s)
	}
	wantList(t, "delivered", sink.Messages(), "[f-0 f-1 f-2]")
}

// A stuck downstream pipeline stops the upstream input: the upstream events stay counted in
// flight until the downstream delivers them, so the input blocks at max_events_in_flight (no
// unbounded queue between pipelines). A copy takes no share of the limit again: with the limit
// full of upstream events, taking one would wait forever.
func TestLinkBackpressure(t *testing.T) {
	t.Parallel()
	e := newEnv()
	feed, sink := e.oneToOne()
	sink.Block()
	r, _, wait := e.start(t, linked+"runtime: {batch_size: 5, flush_interval: 1ms, workers: 1, max_events_in_flight: 10}\n")
	blockedInput(t, r, feed, sink, wait)
}

// finalHolder keeps every event until the final flush of a drain, as a multiline processor
// keeps an unfinished traceback.
type finalHolder struct{ holder }

func (h *finalHolder) Flush(ctx context.Context, now time.Time, final bool) *event.Batch {
	if !final {
		return nil
	}
	return h.holder.Flush(ctx, now, final)
}

func (h *finalHolder) held() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.evs)
}

// Shutdown drains the sending pipeline into the receiving one before the receiver stops: the
// events an upstream processor holds until its final flush are delivered downstream, and every
// source is acknowledged Delivered. Before, every pipeline stopped taking data at once and the
// final flush's events were sent back for retry.
func TestLinkShutdownOrder(t *testing.T) {
	t.Parallel()
	e := newEnv()
	feed, sink := e.oneToOne()
	hold := &finalHolder{holder{absorb: true}}
	e.procs["proc/hold"] = hold
	_, cancel, wait := e.start(t, `
inputs: {in/a: {}, pipeline/down: {address: down}}
processors: {proc/hold: {}}
outputs: {pipeline/down: {send_to: [down]}, out/x: {}}
pipelines:
  # "a" sorts before "up": the drain order must come from the links, not the names.
  a: {inputs: [pipeline/down], outputs: [out/x]}
  up: {inputs: [in/a], processors: [proc/hold], outputs: [pipeline/down]}
runtime: {batch_size: 2, flush_interval: 1ms, workers: 1, shutdown_timeout: 1m}
http: {address: ""}
`)
	var recs []*pipelinetest.AckRecorder
	for i := range 5 {
		b, rec := lines("f", i*2, 2)
		feed.batches <- b
		recs = append(recs, rec)
	}
	pipelinetest.Eventually(t, "every event held upstream", func() bool { return hold.held() == 10 })
	cancel()
	if err := wait(); err != nil {
		t.Fatalf("run: %v", err)
	}
	for i, rec := range recs {
		if s := rec.Wait(t); s != event.Delivered {
			t.Fatalf("batch %d ack %v: lost between pipelines at shutdown", i, s)
		}
	}
	wantList(t, "delivered", slices.Sorted(slices.Values(sink.Messages())), "[f-0 f-1 f-2 f-3 f-4 f-5 f-6 f-7 f-8 f-9]")
}

// Events a downstream pipeline dead-letters are finished: the upstream source is acknowledged
// Delivered. When the dead letter refuses them too, the source hears Rejected.
func TestLinkDeadLetteredDownstreamIsFinished(t *testing.T) {
	t.Parallel()
	e := newEnv()
	feed, sink := e.oneToOne()
	e.procs["proc/bad"] = procFunc(func(*event.Batch) error { return pipeline.Permanent(errors.New("cannot parse")) })
	_, _, wait := e.start(t, `
inputs: {in/a: {}, pipeline/down: {address: down}}
processors: {proc/bad: {}}
outputs: {pipeline/down: {send_to: [down]}, out/x: {}}
pipelines:
  up: {inputs: [in/a], outputs: [pipeline/down]}
  down: {inputs: [pipeline/down], processors: [proc/bad], outputs: [out/x]}
http: {address: ""}
`)
	b1, rec1 := lines("f", 0, 2)
	feed.batches <- b1
	if s := rec1.Wait(t); s != event.Delivered {
		t.Fatalf("source ack %v, want delivered (the dead letter holds the events)", s)
	}
	e.dlq.SetErr(errors.New("disk full"))
	b2, rec2 := lines("f", 2, 2)
	feed.batches <- b2
	finish(t, feed, wait)
	if s := rec2.Wait(t); s != event.Rejected {
		t.Fatalf("source ack %v, want rejected", s)
	}
	if n := len(e.dlq.Entries()); n != 2 || len(sink.Events()) != 0 {
		t.Errorf("dead letter holds %d events, output %d", n, len(sink.Events()))
	}
}
