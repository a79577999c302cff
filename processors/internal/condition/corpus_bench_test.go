package condition_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/sluice-dev/sluice/benchmarks/corpus"
	"github.com/sluice-dev/sluice/parsers/builtin"
	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/processors/internal/condition"
	"github.com/sluice-dev/sluice/processors/parse"
)

// BenchmarkMatchCorpus evaluates the conditions of the shipped config (configs/vllm-gpu-k8s.yaml:
// the probe drop, the CUDA-error level, the error route) on the benchmark corpus's events after
// the parse processor, 4,096 of them in two batches that alternate, as a processor meets them:
// out of the CPU's caches.
func BenchmarkMatchCorpus(b *testing.B) {
	f := parse.NewFactory(builtin.Registry())
	proc, err := f.Create(pipeline.Settings{ID: "parse", Logger: slog.New(slog.DiscardHandler)}, f.NewConfig())
	if err != nil {
		b.Fatal(err)
	}
	gen := corpus.New(1)
	evs := make([]*event.Event, 4096)
	for i := range evs {
		evs[i] = event.New()
		corpus.Flatten(evs[i], gen.Event())
	}
	bt := event.NewBatch(evs, nil)
	if err := proc.Process(context.Background(), bt); err != nil {
		b.Fatal(err)
	}
	evs = bt.Events
	conds := []*condition.Condition{
		condition.MustCompile(`event.dataset == "vllm.access" && url.path in ["/health", "/metrics", "/ping", "/v1/models"] && http.response.status_code < 400`),
		condition.MustCompile(`log.level == nil && message matches "(?i)cuda (error|out of memory)|Xid"`),
		condition.MustCompile(`log.level in ["error", "critical", "fatal"] || "_parse_failure" in tags || http.response.status_code >= 500`),
	}
	n, matched := 0, 0
	half := len(evs) / 2
	for b.Loop() {
		i := n % 2 * half
		for _, c := range conds {
			for _, ev := range evs[i : i+half] {
				if c.Match(ev) {
					matched++
				}
			}
		}
		n++
	}
	if matched == 0 {
		b.Fatal("no event matched: the corpus should hold probes, errors and CUDA lines")
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n*half), "ns/event")
}
