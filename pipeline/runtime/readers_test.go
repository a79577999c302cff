package runtime

import (
	"context"
	"sync"
	"testing"

	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
)

// releaser is an output that, as the Elasticsearch output does, is done with each event once it
// has read its message (Event.DoneReading).
type releaser struct {
	mu       sync.Mutex
	messages []string
	events   []*event.Event
}

func (o *releaser) Deliver(_ context.Context, b *event.Batch) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, e := range b.Events {
		o.messages = append(o.messages, e.Message())
		o.events = append(o.events, e)
		e.DoneReading()
	}
	b.Resolve(event.Delivered)
	return nil
}

// seen returns the messages the output read, and how many of its events are released now.
func (o *releaser) seen() ([]string, int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	n := 0
	for _, e := range o.events {
		if e.Released() {
			n++
		}
	}
	return append([]string(nil), o.messages...), n
}

// twoOutputs is a pipeline of input in/a and outputs out/x and out/y.
const twoOutputs = `
inputs: {in/a: {}}
outputs: {out/x: {}, out/y: {}}
pipelines: {main: {inputs: [in/a], outputs: [out/x, out/y]}}
http: {address: ""}
`

// TestEventReaders: the runtime counts the outputs that read each event, so that the last one to
// be done with it frees it, and no output finds an event emptied under it: with one output,
// with two, with routes, beside and behind a pipeline output, and never while an output that
// does not say it is done (a sink) still holds it.
func TestEventReaders(t *testing.T) {
	t.Parallel()
	run := func(t *testing.T, e *env, yaml string, feed *feedInput, lines ...string) {
		t.Helper()
		_, _, wait := e.start(t, yaml)
		b, rec := pipelinetest.Batch(lines...)
		feed.batches <- b
		if s := rec.Wait(t); s != event.Delivered {
			t.Fatalf("status %v", s)
		}
		finish(t, feed, wait)
	}
	check := func(t *testing.T, name string, o *releaser, want string, released int) {
		t.Helper()
		msgs, n := o.seen()
		wantList(t, name+" messages", msgs, want)
		if n != released {
			t.Errorf("%s: %d of its events released, want %d", name, n, released)
		}
	}
	t.Run("one output", func(t *testing.T) {
		t.Parallel()
		e, feed, out := newEnv(), newFeed(), &releaser{}
		e.inputs["in/a"], e.outputs["out/x"] = feed, out
		run(t, e, `
inputs: {in/a: {}}
outputs: {out/x: {}}
pipelines: {main: {inputs: [in/a], outputs: [out/x]}}
http: {address: ""}
`, feed, "a", "b")
		check(t, "out/x", out, "[a b]", 2)
	})
	t.Run("two outputs", func(t *testing.T) {
		t.Parallel()
		e, feed, x, y := newEnv(), newFeed(), &releaser{}, &releaser{}
		e.inputs["in/a"], e.outputs["out/x"], e.outputs["out/y"] = feed, x, y
		run(t, e, twoOutputs, feed, "a", "b")
		check(t, "out/x", x, "[a b]", 2) // neither read an event the other had freed
		check(t, "out/y", y, "[a b]", 2)
	})
	t.Run("beside a sink", func(t *testing.T) {
		t.Parallel()
		e, feed, x, sink := newEnv(), newFeed(), &releaser{}, pipelinetest.NewSink()
		e.inputs["in/a"], e.outputs["out/x"], e.outputs["out/y"] = feed, x, sink
		run(t, e, twoOutputs, feed, "a", "b")
		check(t, "out/x", x, "[a b]", 0)
		wantList(t, "sink messages", sink.Messages(), "[a b]")
	})
	t.Run("routed", func(t *testing.T) {
		t.Parallel()
		e, feed, x, y := newEnv(), newFeed(), &releaser{}, &releaser{}
		e.inputs["in/a"], e.outputs["out/x"], e.outputs["out/y"] = feed, x, y
		e.procs["proc/route"] = procFunc(func(b *event.Batch) error {
			for _, ev := range b.Events {
				switch ev.Message() {
				case "to-x":
					ev.Meta.Routes = []string{"out/x"}
				case "to-y":
					ev.Meta.Routes = []string{"out/y"}
				case "to-both":
					ev.Meta.Routes = []string{"out/x", "out/y"}
				}
			}
			return nil
		})
		run(t, e, `
inputs: {in/a: {}}
processors: {proc/route: {}}
outputs: {out/x: {}, out/y: {}}
pipelines: {main: {inputs: [in/a], processors: [proc/route], outputs: [out/x, out/y]}}
http: {address: ""}
`, feed, "to-x", "to-both", "to-y", "to-all")
		check(t, "out/x", x, "[to-x to-both to-all]", 3)
		check(t, "out/y", y, "[to-both to-y to-all]", 3)
	})
	t.Run("beside a pipeline output", func(t *testing.T) {
		t.Parallel()
		e, feed, x, y := newEnv(), newFeed(), &releaser{}, &releaser{}
		e.inputs["in/a"], e.outputs["out/x"], e.outputs["out/y"] = feed, x, y
		run(t, e, `
inputs: {in/a: {}, pipeline/down: {address: down}}
outputs: {pipeline/down: {send_to: [down]}, out/x: {}, out/y: {}}
pipelines:
  up: {inputs: [in/a], outputs: [pipeline/down, out/x]}
  down: {inputs: [pipeline/down], outputs: [out/y]}
http: {address: ""}
`, feed, "a", "b")
		check(t, "out/x", x, "[a b]", 2) // the pipeline output is done once it has copied them
		check(t, "out/y", y, "[a b]", 2)
	})
	t.Run("pipeline output", func(t *testing.T) {
		t.Parallel()
		e, feed, out := newEnv(), newFeed(), &releaser{}
		e.inputs["in/a"], e.outputs["out/x"] = feed, out
		var downMu sync.Mutex
		var down []string
		e.procs["proc/down"] = procFunc(func(b *event.Batch) error {
			downMu.Lock()
			defer downMu.Unlock()
			for _, ev := range b.Events { // reads the events after the upstream output
				down = append(down, ev.Message())
			}
			return nil
		})
		run(t, e, `
inputs: {in/a: {}, pipeline/down: {address: down}}
processors: {proc/down: {}}
outputs: {pipeline/down: {send_to: [down]}, out/x: {}}
pipelines:
  up: {inputs: [in/a], outputs: [pipeline/down]}
  down: {inputs: [pipeline/down], processors: [proc/down], outputs: [out/x]}
http: {address: ""}
`, feed, "a", "b")
		downMu.Lock()
		wantList(t, "downstream processor", down, "[a b]")
		downMu.Unlock()
		check(t, "out/x", out, "[a b]", 2)
	})
}
