package deadletter

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
)

type line struct {
	Time      time.Time      `json:"time"`
	Component string         `json:"component"`
	Reason    string         `json:"reason"`
	Input     string         `json:"input"`
	Source    string         `json:"source"`
	Offset    int64          `json:"offset"`
	Event     map[string]any `json:"event"`
}

func readLines(t *testing.T, dir string) []line {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, prefix+"*"+suffix))
	var out []line
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			var l line
			if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
				t.Fatalf("%s: bad line %q: %v", f, sc.Text(), err)
			}
			out = append(out, l)
		}
		fh.Close()
	}
	return out
}

func testEvent(msg string) *event.Event {
	e := event.NewMessage(msg, time.Now())
	e.SetString("kubernetes.pod.name", "vllm-0")
	e.Meta.Input, e.Meta.Source, e.Meta.Offset = "beats", "10.0.0.1:5044", 42
	return e
}

func TestWriteLine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	reg := prometheus.NewRegistry()
	d, err := Open(dir, 1<<20, pipelinetest.Logger(t), reg)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Write(context.Background(), testEvent("bad \"line\"\n"), "elasticsearch", "mapper_parsing_exception"); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	ls := readLines(t, dir)
	if len(ls) != 1 {
		t.Fatalf("%d lines", len(ls))
	}
	l := ls[0]
	if l.Component != "elasticsearch" || l.Reason != "mapper_parsing_exception" || l.Source != "10.0.0.1:5044" ||
		l.Offset != 42 || l.Input != "beats" || time.Since(l.Time) > time.Minute {
		t.Errorf("line %+v", l)
	}
	if l.Event["message"] != "bad \"line\"\n" {
		t.Errorf("event %v", l.Event)
	}
	pod := l.Event["kubernetes"].(map[string]any)["pod"].(map[string]any)["name"]
	if pod != "vllm-0" {
		t.Errorf("nested field %v", pod)
	}
	if got := testutil.ToFloat64(d.written.WithLabelValues("elasticsearch")); got != 1 {
		t.Errorf("written metric %v", got)
	}
}

// Segments rotate; at the bound writes are refused and counted, and deleting old segments makes
// room again. What earlier runs left counts against the bound.
func TestBound(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	d, err := Open(dir, 1000, pipelinetest.Logger(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ok := 0
	var full error
	for i := 0; i < 20; i++ {
		if err := d.Write(ctx, testEvent(fmt.Sprint("line ", i)), "parse", "x"); err != nil {
			full = err
			break
		}
		ok++
	}
	if !errors.Is(full, ErrFull) || ok < 3 {
		t.Fatalf("after %d writes: %v, want ErrFull", ok, full)
	}
	if got := testutil.ToFloat64(d.dropped.WithLabelValues("parse")); got != 1 {
		t.Errorf("dropped %v", got)
	}
	segs, _ := d.segments()
	if len(segs) < 2 {
		t.Fatalf("%d segments, want rotation", len(segs))
	}
	var total int64
	for _, s := range segs {
		total += s.size
	}
	if total > 1000 {
		t.Fatalf("%d bytes on disk, bound 1000", total)
	}
	if err := os.Remove(filepath.Join(dir, fmt.Sprintf("%s%06d%s", prefix, segs[0].seq, suffix))); err != nil {
		t.Fatal(err)
	}
	if err := d.Write(ctx, testEvent("after cleanup"), "parse", "x"); err != nil {
		t.Fatalf("write after deleting a segment: %v", err)
	}
	d.Close()

	again, err := Open(dir, 1000, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if again.total == 0 || again.seq != d.seq {
		t.Errorf("reopen: total %d seq %d, want >0 and %d", again.total, again.seq, d.seq)
	}
}

func TestConcurrent(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	d, err := Open(dir, 64<<20, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				if err := d.Write(context.Background(), testEvent(fmt.Sprint(g, "-", i)), "c", "r"); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	d.Close()
	if n := len(readLines(t, dir)); n != 400 {
		t.Fatalf("%d lines, want 400", n)
	}
}

// The expected components' counters are exported at zero before anything is written, so the
// first dead-lettered event is an increase Prometheus can see (a new series is not).
func TestExpectExportsZeroCounters(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	d, err := Open(t.TempDir(), 1<<20, nil, reg)
	if err != nil {
		t.Fatal(err)
	}
	d.Expect("elasticsearch/logs", "parse")
	for _, name := range []string{"sluice_dead_letter_events_total", "sluice_dead_letter_dropped_total"} {
		if n, err := testutil.GatherAndCount(reg, name); err != nil || n != 2 {
			t.Errorf("%s: %d series (%v), want one per expected component", name, n, err)
		}
	}
}
