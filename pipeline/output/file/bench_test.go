package file

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// BenchmarkDeliver writes batches of 500 parsed-looking events and reports events per second,
// for both sync policies.
func BenchmarkDeliver(b *testing.B) {
	for _, sync := range []string{SyncNone, SyncBatch} {
		b.Run("sync="+sync, func(b *testing.B) {
			cfg := NewConfig()
			cfg.Path, cfg.Sync, cfg.MaxBytes = filepath.Join(b.TempDir(), "out.ndjson"), sync, 64<<20
			o, err := New(pipeline.Settings{ID: "file"}, cfg)
			if err != nil {
				b.Fatal(err)
			}
			defer o.Close(context.Background())
			evs := make([]*event.Event, 500)
			for i := range evs {
				e := event.NewMessage("INFO 11-27 10:00:01 [engine.py:267] Added request cmpl-8f3a2c1e. "+strings.Repeat("x", 40), time.Now())
				e.SetString("log.level", "info")
				e.SetString("kubernetes.pod.name", "vllm-7d9f8c6b5-x2x4q")
				e.SetString("kubernetes.namespace", "llm")
				e.Set("vllm.prompt_tokens", event.Int(512))
				e.SetTimestamp(time.Now())
				evs[i] = e
			}
			b.ReportAllocs()
			for b.Loop() {
				if err := o.Deliver(context.Background(), event.NewBatch(evs, nil)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(evs)*b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}
