package parse

import (
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// TestSourceMemo checks that the per-batch memo of source state gives what the map gives: a
// line no parser recognises inherits the dataset of its own source's last line, whichever
// source the previous event came from, and a source forgotten while a memo holds it is
// remembered afresh, not in the forgotten entry.
func TestSourceMemo(t *testing.T) {
	t.Parallel()
	p := newProc(t, nil)
	a, b := srcKey{input: "in", where: "/a.log"}, srcKey{input: "in", where: "/b.log"}
	sm := sourceMemo{now: t0}
	step := func(src srcKey, parsedDataset string) string {
		t.Helper()
		ev := event.NewMessage("x", t0)
		if parsedDataset != "" {
			ev.SetString(event.FieldDataset, parsedDataset)
		}
		p.complete(ev, src, nil, parsedDataset != "", &sm)
		ds, _ := ev.GetString(event.FieldDataset)
		return ds
	}
	step(a, "vllm.server")
	step(b, "gpu_operator.log")
	tests := []struct {
		src  srcKey
		want string
	}{{a, "vllm.server"}, {a, "vllm.server"}, {b, "gpu_operator.log"}, {a, "vllm.server"}}
	for i, tc := range tests {
		if got := step(tc.src, ""); got != tc.want {
			t.Errorf("step %d (%s): dataset %q, want %q", i, tc.src.where, got, tc.want)
		}
	}
	// Forget a (held by the memo now) and b: a's next line has no dataset to inherit, and what
	// it learns goes into the map, where the next batch finds it.
	p.forgetIdle(t0.Add(p.cfg.IdleTimeout + time.Second))
	if got := step(a, ""); got != p.cfg.FallbackDataset {
		t.Errorf("after forgetting: dataset %q, want the fallback %q", got, p.cfg.FallbackDataset)
	}
	step(a, "vllm.access")
	next := sourceMemo{now: t0}
	sm = next
	if got := step(a, ""); got != "vllm.access" {
		t.Errorf("next batch: dataset %q, want vllm.access", got)
	}
}
