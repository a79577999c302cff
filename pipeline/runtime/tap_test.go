package runtime

import (
	"encoding/json"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
)

// maskConfig is the config of a processor that hides data, as redact's is. Its TapConfig also
// hides "hidden", so a test can tell which config an instance was made from.
type maskConfig struct{ tap bool }

func (*maskConfig) Validate() error            { return nil }
func (*maskConfig) TapConfig() pipeline.Config { return &maskConfig{tap: true} }

// maskFactory makes processors that replace "secret" in messages, counting the events each
// instance sees in calls.
func maskFactory(calls *atomic.Int64) pipeline.ProcessorFactory {
	return pipeline.ProcessorFactory{Type: "mask", NewConfig: func() pipeline.Config { return &maskConfig{} },
		Create: func(_ pipeline.Settings, c pipeline.Config) (pipeline.Processor, error) {
			words := []string{"secret"}
			if c.(*maskConfig).tap {
				words = append(words, "hidden")
			}
			return procFunc(func(b *event.Batch) error {
				for _, ev := range b.Events {
					calls.Add(1)
					msg, _ := ev.GetString(event.FieldMessage)
					for _, w := range words {
						msg = strings.ReplaceAll(msg, w, "[x]")
					}
					ev.SetString(event.FieldMessage, msg)
				}
				return nil
			}), nil
		}}
}

const tapConfig = `
inputs: {in/a: {}}
processors: {proc/p: {}, mask: {}}
outputs: {out/x: {}}
pipelines: {main: {inputs: [in/a], processors: [proc/p, mask], outputs: [out/x]}}
runtime: {batch_size: 1}
http: {address: ""}
`

// next reads one line from a tap, failing after a generous deadline.
func next(t *testing.T, tp *Tap) map[string]any {
	t.Helper()
	select {
	case line, ok := <-tp.C:
		if !ok {
			t.Fatal("tap closed")
		}
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatalf("tap line %q: %v", line, err)
		}
		return m
	case <-time.After(pipelinetest.Timeout):
		t.Fatal("no event on the tap")
		return nil
	}
}

// A tap shows the events as they leave its component, encoded as the Elasticsearch output
// encodes them; upstream of a redacting processor it applies an instance made from the
// processor's TapConfig to copies, and
// credentials in URLs never show. The pipeline's own events and counters are untouched.
func TestTapShowsRedactedEventsLeavingAComponent(t *testing.T) {
	t.Parallel()
	e := newEnv()
	feed, sink := e.oneToOne()
	e.procs["proc/p"] = procFunc(func(b *event.Batch) error {
		for _, ev := range b.Events {
			ev.SetString("seen", "yes")
		}
		return nil
	})
	var calls atomic.Int64
	r, _, wait := e.startWith(t, tapConfig, maskFactory(&calls))
	taps := map[string]*Tap{}
	for _, id := range []string{"in/a", "proc/p", "mask", "out/x"} {
		tp, err := r.Tap(id, TapOptions{})
		if err != nil {
			t.Fatal(err)
		}
		taps[id] = tp
	}
	msg := "a secret hidden from https://user:hunter2@es.example:9200/"
	feed.batches <- event.NewBatch([]*event.Event{event.NewMessage(msg, time.Now())}, nil)
	for id, tp := range taps {
		m := next(t, tp)
		want := "a [x] hidden from https://user:xxxxx@es.example:9200/" // as indexed
		if id == "in/a" || id == "proc/p" {
			want = "a [x] [x] from https://user:xxxxx@es.example:9200/" // by the mask's TapConfig
		}
		if m["message"] != want {
			t.Errorf("tap %s: message %q, want %q", id, m["message"], want)
		}
		if _, seen := m["seen"]; seen != (id != "in/a") {
			t.Errorf("tap %s shows %v: not the events as they leave it", id, m)
		}
	}
	finish(t, feed, wait)
	got := sink.Events()
	if len(got) != 1 {
		t.Fatalf("%d events delivered", len(got))
	}
	if m, _ := got[0].GetString(event.FieldMessage); m != "a [x] hidden from https://user:hunter2@es.example:9200/" {
		t.Errorf("delivered %v: a tap changed the pipeline's events", got)
	}
	if calls.Load() != 3 { // the pipeline's mask once, the taps on in/a and proc/p once each
		t.Errorf("mask ran on %d events, want 3", calls.Load())
	}
	if n := counter(t, r, "received", "proc/p"); n != 1 {
		t.Errorf("proc/p received %v", n)
	}
}

// A tap whose reader does not keep up, or whose rate is spent, drops events and counts them:
// the pipeline never waits for it. Stopping the runtime closes every tap.
func TestTapDropsRatherThanBlocks(t *testing.T) {
	t.Parallel()
	e := newEnv()
	feed, sink := e.oneToOne()
	e.procs["proc/p"] = procFunc(func(*event.Batch) error { return nil })
	r, _, wait := e.start(t, oneProcessor)
	slow, err := r.Tap("proc/p", TapOptions{Buffer: 1, Rate: 1e9})
	if err != nil {
		t.Fatal(err)
	}
	spent, err := r.Tap("out/x", TapOptions{Rate: 0.001}) // a burst of one, then nothing for 1000 s
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		b, _ := lines("k", i*100, 100)
		feed.batches <- b
	}
	finish(t, feed, wait)
	if n := len(sink.Events()); n != 1000 {
		t.Fatalf("%d events delivered, want 1000", n)
	}
	if slow.Dropped() != 999 || spent.Dropped() != 999 {
		t.Errorf("dropped %d (slow reader) and %d (rate), want 999 each", slow.Dropped(), spent.Dropped())
	}
	if n := testutil.ToFloat64(r.metrics.tapDropped.WithLabelValues("proc/p")); n != 999 {
		t.Errorf("sluice_tap_events_dropped_total{component=proc/p} = %v", n)
	}
	for _, tp := range []*Tap{slow, spent} {
		if n := drain(tp); n != 1 {
			t.Errorf("tap held %d events, want 1", n)
		}
	}
	if _, err := r.Tap("proc/p", TapOptions{}); err == nil {
		t.Error("a tap attached to a stopped runtime")
	}
}

// drain counts what is left on a tap until it is closed.
func drain(tp *Tap) int {
	n := 0
	for range tp.C {
		n++
	}
	return n
}

// A closed tap is detached: the point costs one nil load again, and it no longer counts
// against MaxTaps. Unknown ids and kinds are refused with the ids there are.
func TestTapCloseAndErrors(t *testing.T) {
	t.Parallel()
	e := newEnv()
	feed, _ := e.oneToOne()
	e.procs["proc/p"] = procFunc(func(*event.Batch) error { return nil })
	r, _, wait := e.start(t, oneProcessor)
	tp, err := r.Tap("in/a", TapOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tp.Close()
	tp.Close()
	if r.pipes[0].inputs[0].tap.subs.Load() != nil {
		t.Error("a closed tap is still attached")
	}
	var taps []*Tap
	for range MaxTaps {
		tp, err := r.Tap("in/a", TapOptions{})
		if err != nil {
			t.Fatal(err)
		}
		taps = append(taps, tp)
	}
	if _, err := r.Tap("out/x", TapOptions{}); !errors.Is(err, ErrTooManyTaps) {
		t.Errorf("tap %d: %v", MaxTaps+1, err)
	}
	taps[0].Close()
	if _, err := r.Tap("out/x", TapOptions{}); err != nil {
		t.Errorf("a closed tap still counts: %v", err)
	}
	for _, c := range []struct{ id, kind, want string }{
		{"nope", "", "components: in/a, out/x, proc/p"},
		{"in/a", "output", `no component "in/a" of kind "output"`},
	} {
		if _, err := r.Tap(c.id, TapOptions{Kind: c.kind}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Tap(%q, %q): %v, want %q", c.id, c.kind, err, c.want)
		}
	}
	finish(t, feed, wait)
}
