package file

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// BenchmarkReadMode reads a file of vLLM-sized lines in read mode, every batch acknowledged at
// once, and reports lines per second.
func BenchmarkReadMode(b *testing.B) {
	const n = 100_000
	dir := b.TempDir()
	line := "INFO 11-27 10:00:01 [engine.py:267] Added request cmpl-8f3a2c1e9b7d4e5f. prompt_tokens=512 " +
		strings.Repeat("x", 60) + "\n"
	if err := os.WriteFile(filepath.Join(dir, "a.log"), []byte(strings.Repeat(line, n)), 0o644); err != nil {
		b.Fatal(err)
	}
	cfg := NewConfig()
	cfg.Paths, cfg.Mode = []string{filepath.Join(dir, "*.log")}, ModeRead
	sink := pipeline.ConsumerFunc(func(_ context.Context, bt *event.Batch) error {
		bt.Resolve(event.Delivered)
		return nil
	})
	b.SetBytes(int64(n * len(line)))
	b.ReportAllocs()
	for b.Loop() {
		in, err := New(pipeline.Settings{ID: "file"}, cfg)
		if err != nil {
			b.Fatal(err)
		}
		if err := in.Run(context.Background(), sink); err != nil {
			b.Fatal(err)
		}
		if err := in.Close(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "lines/s")
}
