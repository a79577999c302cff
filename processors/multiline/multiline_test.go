package multiline

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/processors/internal/proctest"
)

var traceback = []string{
	"ERROR 11-27 12:00:01 engine.py:160] Engine failed",
	"Traceback (most recent call last):",
	`  File "/usr/lib/python3/vllm/engine.py", line 158, in run`,
	"    raise RuntimeError(\"CUDA error: out of memory\")",
	"RuntimeError: CUDA error: out of memory",
	"INFO 11-27 12:00:02 api_server.py:600] Shutting down",
}

func newProc(t *testing.T, mod func(*Config)) (*Processor, *time.Time) {
	t.Helper()
	c := NewConfig()
	c.Pattern, c.Negate = `^(DEBUG|INFO|WARNING|ERROR|CRITICAL) `, true
	if mod != nil {
		mod(c)
	}
	set, _, _ := proctest.Settings(t, "multiline")
	p, err := New(set, c)
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	p.now = func() time.Time { return clock }
	return p, &clock
}

func lines(source string, ls ...string) []*event.Event {
	evs := proctest.Lines(ls...)
	for i, ev := range evs {
		ev.Meta.Source, ev.Meta.Offset = source, int64(i)
	}
	return evs
}

func messages(evs []*event.Event) []string {
	var out []string
	for _, ev := range evs {
		out = append(out, ev.Message())
	}
	return out
}

type ackProbe struct {
	done   atomic.Bool
	status atomic.Uint32
}

func (a *ackProbe) ack() *event.Ack {
	return event.NewAck(func(s event.Status) { a.status.Store(uint32(s)); a.done.Store(true) })
}

func TestJoinAcrossBatchesKeepsAcks(t *testing.T) {
	t.Parallel()
	p, _ := newProc(t, nil)
	ctx := context.Background()
	var a1, a2 ackProbe
	b1 := event.NewBatch(lines("pod-a", traceback[:3]...), a1.ack())
	if err := p.Process(ctx, b1); err != nil {
		t.Fatal(err)
	}
	if len(b1.Events) != 0 || p.Pending() != 1 {
		t.Fatalf("first batch: %d events out, %d pending", len(b1.Events), p.Pending())
	}
	if n := b1.TakeAbsorbed(); n != 3 {
		t.Fatalf("first batch absorbed %d, want 3: held lines are not dropped", n)
	}
	b1.Resolve(event.Delivered) // the runtime finishes the now empty batch
	if a1.done.Load() {
		t.Fatal("source acknowledged while its lines are still held")
	}
	b2 := event.NewBatch(lines("pod-a", traceback[3:]...), a2.ack())
	_ = p.Process(ctx, b2)
	got := messages(b2.Events)
	if len(got) != 1 || got[0] != strings.Join(traceback[:5], "\n") {
		t.Fatalf("joined: %q", got)
	}
	if v, _ := b2.Events[0].Get("log.flags"); v.Str() != `["multiline"]` {
		t.Errorf("log.flags = %q", v.Str())
	}
	if p.Pending() != 1 {
		t.Fatalf("the INFO line should be pending")
	}
	b2.Resolve(event.Delivered)
	if !a1.done.Load() {
		t.Fatal("first source not acknowledged after its joined event was delivered")
	}
	if a2.done.Load() {
		t.Fatal("second source acknowledged while the INFO line is held")
	}
	fb := p.Flush(ctx, time.Time{}, true)
	if fb == nil || len(fb.Events) != 1 || fb.Events[0].Message() != traceback[5] {
		t.Fatalf("final flush: %+v", fb)
	}
	fb.Resolve(event.Retry)
	if !a2.done.Load() || event.Status(a2.status.Load()) != event.Retry {
		t.Fatal("held ack not resolved with the flushed batch's status")
	}
}

func TestSourcesAreSeparate(t *testing.T) {
	t.Parallel()
	p, _ := newProc(t, nil)
	a := lines("a", "INFO one", "  a-cont", "INFO two")
	b := lines("b", "ERROR x", "  b-cont")
	mixed := []*event.Event{a[0], b[0], a[1], b[1], a[2]}
	out := proctest.Run(t, p, mixed...)
	if got := messages(out); len(got) != 1 || got[0] != "INFO one\n  a-cont" {
		t.Fatalf("got %q", got)
	}
	fb := p.Flush(context.Background(), time.Time{}, true)
	got := messages(fb.Events)
	if strings.Join(got, "|") != "ERROR x\n  b-cont|INFO two" { // oldest group first
		t.Fatalf("flushed %q", got)
	}
}

func TestKeyFields(t *testing.T) {
	t.Parallel()
	p, _ := newProc(t, func(c *Config) { c.KeyFields = []string{"kubernetes.pod.name"} })
	evs := lines("topic/0", "ERROR a", "ERROR b", "  a-cont", "  b-cont")
	for i, pod := range []string{"a", "b", "a", "b"} {
		evs[i].SetString("kubernetes.pod.name", pod)
	}
	out := proctest.Run(t, p, evs...)
	out = append(out, p.Flush(context.Background(), time.Time{}, true).Events...)
	got := messages(out)
	if len(got) != 2 || !contains(got, "ERROR a\n  a-cont") || !contains(got, "ERROR b\n  b-cont") {
		t.Fatalf("pods mixed in one partition were not kept apart: %q", got)
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func TestPendingGauge(t *testing.T) {
	t.Parallel()
	set, reg, _ := proctest.Settings(t, "multiline")
	c := NewConfig()
	c.Pattern, c.Negate = `^INFO`, true
	p, err := New(set, c)
	if err != nil {
		t.Fatal(err)
	}
	proctest.Run(t, p, lines("a", "INFO x", "  y")...)
	proctest.Run(t, p, lines("b", "INFO z")...)
	if got := gaugeValue(t, reg); got != 2 {
		t.Errorf("sluice_multiline_pending_groups = %v, want 2", got)
	}
}

func gaugeValue(t *testing.T, reg *prometheus.Registry) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == "sluice_multiline_pending_groups" {
			return mf.GetMetric()[0].GetGauge().GetValue()
		}
	}
	t.Fatal("gauge not registered")
	return 0
}

func TestTimeoutFlush(t *testing.T) {
	t.Parallel()
	p, clock := newProc(t, func(c *Config) { c.Timeout = 5 * time.Second })
	proctest.Run(t, p, lines("a", "INFO start", "  more")...)
	if b := p.Flush(context.Background(), clock.Add(4*time.Second), false); b != nil {
		t.Fatalf("flushed before the timeout: %q", messages(b.Events))
	}
	b := p.Flush(context.Background(), clock.Add(5*time.Second), false)
	if b == nil || messages(b.Events)[0] != "INFO start\n  more" || p.Pending() != 0 {
		t.Fatal("not flushed after the timeout")
	}
}

func TestMaxLinesSplitsWithoutLoss(t *testing.T) {
	t.Parallel()
	p, _ := newProc(t, func(c *Config) { c.MaxLines = 2 })
	out := proctest.Run(t, p, lines("a", "INFO x", "  1", "  2", "  3", "INFO y")...)
	out = append(out, p.Flush(context.Background(), time.Time{}, true).Events...)
	got := messages(out)
	want := []string{"INFO x\n  1", "  2\n  3", "INFO y"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("got %q, want %q", got, want)
	}
	if !out[1].HasTag(TagContinued) || out[0].HasTag(TagContinued) {
		t.Errorf("continued tag: %v %v", out[0].Tags(), out[1].Tags())
	}
}

func TestMatchBefore(t *testing.T) {
	t.Parallel()
	p, _ := newProc(t, func(c *Config) { c.Pattern, c.Negate, c.Match = `\\$`, false, "before" })
	out := proctest.Run(t, p, lines("a", `cmd --a \`, `  --b \`, `  --c`, `next`)...)
	if got := messages(out); strings.Join(got, "|") != "cmd --a \\\n  --b \\\n  --c|next" {
		t.Fatalf("got %q", got)
	}
	if p.Pending() != 0 {
		t.Fatal("nothing should be pending")
	}
}

func TestBadConfig(t *testing.T) {
	t.Parallel()
	for i, f := range []func(*Config){
		func(c *Config) {},
		func(c *Config) { c.Pattern = "(" },
		func(c *Config) { c.Pattern, c.Match = "x", "around" },
		func(c *Config) { c.Pattern, c.Timeout = "x", 0 },
	} {
		c := NewConfig()
		f(c)
		if err := c.Validate(); err == nil {
			t.Errorf("case %d: expected an error", i)
		}
	}
}

func BenchmarkMultiline(b *testing.B) {
	c := NewConfig()
	c.Pattern, c.Negate = `^(DEBUG|INFO|WARNING|ERROR|CRITICAL) `, true
	set, _, _ := proctest.Settings(b, "multiline")
	p, _ := New(set, c)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		batch := event.NewBatch(lines("a", traceback...), nil)
		_ = p.Process(ctx, batch)
	}
}

// Batches of different sources reach the processor from several workers at once.
func TestConcurrentSources(t *testing.T) {
	t.Parallel()
	p, _ := newProc(t, nil)
	ctx := context.Background()
	var wg sync.WaitGroup
	outs := make([][]*event.Event, 4)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			src := string(rune('a' + w))
			for range 50 {
				b := event.NewBatch(lines(src, "INFO start "+src, "  cont "+src), nil)
				_ = p.Process(ctx, b)
				outs[w] = append(outs[w], b.Events...)
			}
		}()
	}
	wg.Wait()
	fb := p.Flush(ctx, time.Time{}, true)
	total := len(fb.Events)
	for w, out := range outs {
		total += len(out)
		for _, ev := range out {
			if src := string(rune('a' + w)); ev.Message() != "INFO start "+src+"\n  cont "+src {
				t.Fatalf("worker %d: %q", w, ev.Message())
			}
		}
	}
	if total != 200 {
		t.Fatalf("%d events out of 200 groups", total)
	}
}

// Events the condition does not select pass through untouched and are never held.
func TestConditionSkips(t *testing.T) {
	t.Parallel()
	p, _ := newProc(t, func(c *Config) { c.If = `kubernetes.namespace == "inference"` })
	evs := lines("a", "INFO x", "  y")
	other := lines("b", "  not joined")[0]
	other.SetString("kubernetes.namespace", "default")
	for _, ev := range evs {
		ev.SetString("kubernetes.namespace", "inference")
	}
	out := proctest.Run(t, p, evs[0], other, evs[1])
	if len(out) != 1 || out[0] != other || p.Pending() != 1 {
		t.Fatalf("got %q, %d pending", messages(out), p.Pending())
	}
}

// FuzzNoLineLost: whatever the lines and however they are grouped, cut and flushed, the output
// of one source holds every input line once, in order, but for the lines past a group's last
// continuation, which are counted on its event (log.omitted_lines) instead.
func FuzzNoLineLost(f *testing.F) {
	for _, s := range proctest.Seeds(f) {
		f.Add(s, uint8(2), uint8(1))
	}
	f.Add(strings.Join(traceback, "\n"), uint8(3), uint8(2))
	f.Add("INFO a\n  b\n\n  c\nERROR d", uint8(1), uint8(1))
	f.Fuzz(func(t *testing.T, text string, maxLines, split uint8) {
		p, _ := newProc(t, func(c *Config) { c.MaxLines = int(maxLines%8) + 1 })
		ls := strings.Split(text, "\n")
		evs := lines("s", ls...)
		cut := int(split) % (len(evs) + 1)
		ctx := context.Background()
		var out []*event.Event
		for _, part := range [][]*event.Event{evs[:cut], evs[cut:]} {
			b := event.NewBatch(part, nil)
			_ = p.Process(ctx, b)
			out = append(out, b.Events...)
		}
		if fb := p.Flush(ctx, time.Time{}, true); fb != nil {
			out = append(out, fb.Events...)
		}
		omitted := 0
		for _, ev := range out {
			if v, ok := ev.Get(event.FieldOmittedLines); ok {
				omitted += int(v.Int())
			}
		}
		got := strings.Split(strings.Join(messages(out), "\n"), "\n")
		if omitted == 0 {
			if strings.Join(got, "\n") != text {
				t.Fatalf("lines lost or reordered:\n got %q\nwant %q", strings.Join(got, "\n"), text)
			}
			return
		}
		// the lines sent are the input's in order, and with the ones counted they are all of it
		i := 0
		for _, l := range ls {
			if i < len(got) && got[i] == l {
				i++
			}
		}
		if i != len(got) || len(got)+omitted != len(ls) {
			t.Fatalf("%d lines sent and %d counted of %d, or out of order:\n got %q\nwant %q", len(got), omitted, len(ls), got, ls)
		}
	})
}

// A group far past max_lines becomes at most max_continuations+1 events of the same group, the
// rest counted; it became one event every max_lines lines, without end.
func TestOverlongGroupBounded(t *testing.T) {
	t.Parallel()
	p, _ := newProc(t, func(c *Config) { c.MaxLines, c.MaxContinuations = 10, 3 })
	ls := []string{"ERROR 11-27 12:00:01 engine.py:160] Engine failed"}
	for len(ls) < 5000 {
		ls = append(ls, fmt.Sprintf("  frame %d", len(ls)))
	}
	ls = append(ls, "INFO 11-27 12:00:02 api_server.py:600] next")
	var a ackProbe
	b := event.NewBatch(lines("a", ls...), a.ack())
	if err := p.Process(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	out := b.Events
	if len(out) != 4 || p.Pending() != 1 {
		t.Fatalf("%d events out, %d pending; want the 4 parts and the next line held", len(out), p.Pending())
	}
	if n := b.TakeAbsorbed(); n != len(ls)-4 {
		t.Errorf("absorbed %d, want %d", n, len(ls)-4)
	}
	id, _ := out[0].GetString(event.FieldErrorID)
	for i, ev := range out {
		seq, _ := ev.Get(event.FieldSequence)
		if got, _ := ev.GetString(event.FieldErrorID); got != id || id == "" || seq.Int() != int64(i+1) ||
			(i > 0) != ev.HasTag(TagContinued) {
			t.Errorf("part %d: error.id %q (want %q), sequence %v, tags %v", i+1, got, id, seq.Any(), ev.Tags())
		}
	}
	omitted, _ := out[3].Get(event.FieldOmittedLines)
	if !out[3].HasTag(event.TagMultilineOmitted) || omitted.Int() != int64(len(ls)-1-40) {
		t.Errorf("last part: tags %v, omitted %v, want %d", out[3].Tags(), omitted.Any(), len(ls)-1-40)
	}
	if got := testutil.ToFloat64(p.omitted); got != float64(len(ls)-1-40) {
		t.Errorf("sluice_multiline_lines_omitted_total %v", got)
	}
	b.Resolve(event.Delivered)
	if a.done.Load() {
		t.Fatal("ack done while the next line is held")
	}
	p.Flush(context.Background(), time.Time{}, true).Resolve(event.Delivered)
	if !a.done.Load() {
		t.Error("ack held after every line was sent or counted")
	}
}
