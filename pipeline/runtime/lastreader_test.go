package runtime

import (
	"context"
	"sync"
	"testing"

	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
)

// releaser is an output that, as the Elasticsearch output does, releases the events of a batch
// it is the last reader of, after reading their messages.
type releaser struct {
	mu       sync.Mutex
	messages []string
	marked   []bool
}

func (o *releaser) Deliver(_ context.Context, b *event.Batch) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.marked = append(o.marked, b.LastReader())
	for _, e := range b.Events {
		o.messages = append(o.messages, e.Message())
		if b.LastReader() {
			e.Release()
		}
	}
	b.Resolve(event.Delivered)
	return nil
}

func (o *releaser) seen() ([]string, []bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.messages...), append([]bool(nil), o.marked...)
}

// TestLastReader: the one output of a pipeline is told it reads the events last; outputs that
// share a batch are not, so one releasing its events never empties them under the other. Behind
// a pipeline output, the next pipeline's processors read the events whole and its one output
// is their last reader.
func TestLastReader(t *testing.T) {
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
		msgs, marked := out.seen()
		wantList(t, "messages", msgs, "[a b]")
		wantList(t, "marked", boolsText(marked), "[true]")
	})
	t.Run("two outputs", func(t *testing.T) {
		t.Parallel()
		e, feed, x, y := newEnv(), newFeed(), &releaser{}, &releaser{}
		e.inputs["in/a"], e.outputs["out/x"], e.outputs["out/y"] = feed, x, y
		run(t, e, `
inputs: {in/a: {}}
outputs: {out/x: {}, out/y: {}}
pipelines: {main: {inputs: [in/a], outputs: [out/x, out/y]}}
http: {address: ""}
`, feed, "a", "b")
		for _, o := range []*releaser{x, y} {
			msgs, marked := o.seen()
			wantList(t, "messages", msgs, "[a b]") // neither saw them emptied by the other
			wantList(t, "marked", boolsText(marked), "[false]")
		}
	})
	t.Run("pipeline output", func(t *testing.T) {
		t.Parallel()
		e, feed, out := newEnv(), newFeed(), &releaser{}
		e.inputs["in/a"], e.outputs["out/x"] = feed, out
		e.procs["proc/down"] = procFunc(func(b *event.Batch) error {
			for _, ev := range b.Events { // reads the events after the upstream output
				ev.SetString("lane", ev.Message())
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
		msgs, marked := out.seen()
		wantList(t, "messages", msgs, "[a b]")
		wantList(t, "marked", boolsText(marked), "[true]")
	})
}

func boolsText(bs []bool) []string {
	out := make([]string, len(bs))
	for i, b := range bs {
		out[i] = map[bool]string{true: "true", false: "false"}[b]
	}
	return out
}
