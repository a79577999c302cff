package parse

import (
	"bytes"
	"context"
	"encoding/json"
	"runtime"
	"sort"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/benchmarks/corpus"
	"github.com/sluice-dev/sluice/parsers/golden"
	"github.com/sluice-dev/sluice/pipeline/event"
)

type kv struct {
	key string
	val event.Value
}

// corpusFields returns n Filebeat events of the benchmark corpus as sorted dotted fields, the
// way the beats input decodes them.
func corpusFields(tb testing.TB, n int) [][]kv {
	tb.Helper()
	g := corpus.New(1)
	out := make([][]kv, n)
	for i := range out {
		d := json.NewDecoder(bytes.NewReader(g.Event()))
		d.UseNumber()
		var m map[string]any
		if err := d.Decode(&m); err != nil {
			tb.Fatal(err)
		}
		var fs []kv
		var flat func(prefix string, m map[string]any)
		flat = func(prefix string, m map[string]any) {
			for k, v := range m {
				switch v := v.(type) {
				case map[string]any:
					flat(prefix+k+".", v)
				case string:
					fs = append(fs, kv{prefix + k, event.String(v)})
				case json.Number:
					x, _ := v.Int64()
					fs = append(fs, kv{prefix + k, event.Int(x)})
				}
			}
		}
		delete(m, "@metadata")
		flat("", m)
		sort.Slice(fs, func(a, b int) bool { return fs[a].key < fs[b].key })
		out[i] = fs
	}
	return out
}

// BenchmarkProcessCorpus runs the processor on batches of the end-to-end benchmark's events
// (CRI-framed vLLM and GPU-operator lines with Filebeat's Kubernetes metadata). cpu-ns/event
// counts the CPU time of Process only, not of rebuilding the events.
func BenchmarkProcessCorpus(b *testing.B) {
	const batch = 2048
	fields := corpusFields(b, batch)
	p := newProc(b, nil)
	evs := make([]*event.Event, batch)
	in := make([]*event.Event, 0, batch)
	recv := time.Date(2026, 11, 27, 10, 0, 1, 0, time.UTC)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ReportAllocs()
	var used time.Duration
	n := 0
	for b.Loop() {
		b.StopTimer()
		for i, fs := range fields {
			if evs[i] == nil {
				evs[i] = event.NewSized(len(fs))
			}
			ev := evs[i]
			ev.Reset()
			ev.Meta.Input, ev.Meta.Source, ev.Meta.Received = "beats", "127.0.0.1:5044", recv
			for _, f := range fs {
				ev.SetInOrder(f.key, f.val)
			}
		}
		bt := event.NewBatch(append(in[:0], evs...), nil)
		b.StartTimer()
		start := golden.ThreadCPU()
		_ = p.Process(context.Background(), bt)
		p.Flush(context.Background(), recv, true) // nothing held refers to the reused events
		used += golden.ThreadCPU() - start
		n += batch
	}
	if n > 0 && used > 0 {
		b.ReportMetric(float64(used.Nanoseconds())/float64(n), "cpu-ns/event")
	}
}

// BenchmarkFrameCorpus measures frame alone on the corpus events: after the first round every
// field it sets is there already, so it counts the lookups and replacements, not inserts.
func BenchmarkFrameCorpus(b *testing.B) {
	const batch = 2048
	fields := corpusFields(b, batch)
	p := newProc(b, nil)
	evs := make([]*event.Event, batch)
	msgs := make([]string, batch)
	for i, fs := range fields {
		evs[i] = event.NewSized(len(fs))
		for _, f := range fs {
			evs[i].SetInOrder(f.key, f.val)
		}
		msgs[i] = evs[i].Message()
	}
	lines := make([]line, batch)
	golden.BenchCPU(b, func() {
		var memo frameMemo
		for i, ev := range evs {
			ev.SetMessage(msgs[i])
			p.frame(&lines[i], ev, "k", &memo)
		}
	})
	b.ReportMetric(batch, "events/op")
}
