package main

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/benchmarks/corpus"
	"github.com/sluice-dev/sluice/pipeline/config"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// corpusBatch returns n events of the benchmark corpus (Filebeat documents of vLLM and GPU
// operator lines from Kubernetes pods) after the built-in parse processor, as the summary
// sees them.
func corpusBatch(tb testing.TB, n int) []*event.Event {
	tb.Helper()
	proc, err := parseProcessor(&configFlags{}, "", io.Discard)
	if err != nil {
		tb.Fatal(err)
	}
	gen := corpus.New(1)
	evs := make([]*event.Event, n)
	for i := range evs {
		ev := event.New()
		corpus.Flatten(ev, gen.Event())
		ev.Meta.Input, ev.Meta.Source, ev.Meta.Received = "beats", "10.0.0.7:40122", time.Now()
		evs[i] = ev
	}
	b := event.NewBatch(evs, nil)
	if err := proc.Process(context.Background(), b); err != nil {
		tb.Fatal(err)
	}
	return b.Events
}

// TestSummaryCounts: the summary counts datasets, parse failures and error lines of batches of
// events of many shapes (its lookups remember positions from event to event) as one lookup
// per event does, and counts nothing for a pipeline that only forwards.
func TestSummaryCounts(t *testing.T) {
	t.Parallel()
	evs := corpusBatch(t, 3000)
	odd := event.New() // no dataset, an error level among other names
	odd.SetString("log.level", "critical")
	odd.SetString("a", "x")
	odd.AddTag(event.TagParseFailure)
	bare := event.New()
	bare.SetString("event.dataset", "x.y")
	evs = append(evs[:1500:1500], append([]*event.Event{odd, bare}, evs[1500:]...)...)

	cfg := &config.Config{Pipelines: map[string]config.Pipeline{}}
	s := newSummary(cfg)
	for i := 0; i < len(evs); i += 700 {
		s.observe("main", event.NewBatch(evs[i:min(i+700, len(evs))], nil))
	}
	datasets, errSets := map[string]int{}, map[string]int{}
	failures, errs := 0, 0
	for _, e := range evs {
		ds, ok := e.GetString(event.FieldDataset)
		if !ok {
			ds = "(none)"
		}
		datasets[ds]++
		if e.HasTag(event.TagParseFailure) {
			failures++
		}
		if lvl, _ := e.GetString(event.FieldLogLevel); isErrorLevel(lvl) {
			errs++
			errSets[ds]++
		}
	}
	if s.events != len(evs) || s.failures != failures || s.errors != errs {
		t.Errorf("summary: %d events, %d failures, %d errors; want %d, %d, %d",
			s.events, s.failures, s.errors, len(evs), failures, errs)
	}
	if len(datasets) < 5 || errs == 0 {
		t.Fatalf("the corpus should give several datasets and some errors: %v, %d", datasets, errs)
	}
	for ds, n := range datasets {
		if s.datasets[ds] != n || s.errorSets[ds] != errSets[ds] {
			t.Errorf("%s: %d events, %d errors; want %d, %d", ds, s.datasets[ds], s.errorSets[ds], n, errSets[ds])
		}
	}
	if len(s.datasets) != len(datasets) {
		t.Errorf("datasets %v, want %v", s.datasets, datasets)
	}
}

// BenchmarkSummaryObserve measures what the summary costs per event: it reads the dataset and
// level of every event of a batch after the batch's processors, 4,096 corpus events in
// batches of 2,048 (the default batch_size), which are out of the CPU's caches by then.
func BenchmarkSummaryObserve(b *testing.B) {
	evs := corpusBatch(b, 4096)
	s := newSummary(&config.Config{Pipelines: map[string]config.Pipeline{}})
	n := 0
	for b.Loop() {
		i := n % 2 * 2048
		s.observe("main", event.NewBatch(evs[i:i+2048], nil))
		n++
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n*2048), "ns/event")
}
