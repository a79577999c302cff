package requests

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/parsers/golden"
	"github.com/sluice-dev/sluice/parsers/vllm"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
)

// benchLines are a request's life in V1 with request logging: received, added, generated,
// finished, as parsed events of one pod, for 4096 distinct requests.
func benchLines(b *testing.B, n int) []*event.Event {
	b.Helper()
	parser := vllm.New(vllm.Options{})
	var evs []*event.Event
	for i := range n {
		for _, l := range []string{
			fmt.Sprintf(`(APIServer pid=1) INFO 11-03 09:12:44 [logger.py:49] Received request chatcmpl-%032x: params: SamplingParams(n=1, temperature=0.6, top_p=0.95, max_tokens=1024), lora_request: None.`, i),
			fmt.Sprintf(`(APIServer pid=1) INFO 11-03 09:12:44 [async_llm.py:270] Added request chatcmpl-%032x.`, i),
			fmt.Sprintf(`(APIServer pid=1) INFO 11-03 09:12:45 [logger.py:98] Generated response chatcmpl-%032x: output: 'Hello!', output_token_ids: [9707, 0], finish_reason: stop`, i),
		} {
			ev := event.NewMessage(l, t0)
			ev.SetString(event.FieldK8sPodName, "vllm-0")
			ev.SetString(event.FieldK8sNodeName, "gpu-node-3")
			parser.Parse(ev)
			evs = append(evs, ev)
		}
	}
	return evs
}

// BenchmarkRequests is the CPU per line: lines of whole request lives, in batches of 256, the
// summaries included (one per three lines).
func BenchmarkRequests(b *testing.B) {
	src := benchLines(b, 4096)
	bench(b, src, true)
}

// bench processes b.N lines cycled from src in batches of 256; with flush set, the ended
// requests are forgotten each time round, since the same ids come again.
func bench(b *testing.B, src []*event.Event, flush bool) {
	p, err := New(pipelinetest.Settings(b, "requests"), NewConfig())
	if err != nil {
		b.Fatal(err)
	}
	batch := event.NewBatch(nil, nil)
	buf := make([]*event.Event, 0, 512)
	// On a shared machine the wall time counts the waits for a core; the thread's CPU time does
	// not (the garbage collector's background work is not in it).
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ReportAllocs()
	b.ResetTimer()
	cpu := golden.ThreadCPU()
	defer func() { b.ReportMetric(float64(golden.ThreadCPU()-cpu)/float64(b.N), "cpu-ns/op") }()
	for i := 0; i < b.N; i += 256 {
		buf = buf[:0]
		for j := i; j < min(i+256, b.N); j++ {
			buf = append(buf, src[j%len(src)])
		}
		batch.Events = buf
		if err := p.Process(context.Background(), batch); err != nil {
			b.Fatal(err)
		}
		if flush && i%len(src) == 0 {
			p.Flush(context.Background(), p.now(), true)
		}
	}
}

// BenchmarkRequestsLine is the CPU per line that ends nothing (the common case: a request's
// received, added, preempted lines): lookup, update, tag decision.
func BenchmarkRequestsLine(b *testing.B) {
	var src []*event.Event
	for _, ev := range benchLines(b, 4096) {
		if a, _ := ev.GetString(event.FieldEventAction); a == vllm.ActionAdded {
			src = append(src, ev)
		}
	}
	bench(b, src, false)
}

// BenchmarkOpenRequestBytes reports the heap held per open request (received and added, not
// ended): the state max_open bounds.
func BenchmarkOpenRequestBytes(b *testing.B) {
	const n = 20000
	var evs []*event.Event
	for _, ev := range benchLines(b, n) {
		if a, _ := ev.GetString(event.FieldEventAction); a != vllm.ActionResponse {
			evs = append(evs, ev)
		}
	}
	b.ResetTimer()
	for range b.N {
		p, err := New(pipelinetest.Settings(b, "requests"), NewConfig())
		if err != nil {
			b.Fatal(err)
		}
		before := heap()
		for i := 0; i < len(evs); i += 256 {
			p.Process(context.Background(), event.NewBatch(evs[i:min(i+256, len(evs))], nil))
		}
		after := heap()
		if p.Open() != n {
			b.Fatalf("%d open", p.Open())
		}
		b.ReportMetric(float64(after-before)/n, "B/open-request")
		runtime.KeepAlive(p)
	}
}

func heap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkRequestsAccess is the CPU per line with access lines: V1 lives (added, generated)
// each followed by its access line, with the container runtime's times, a request every 10 ms
// lasting a second. At that rate another request is always within 250 ms of an access line,
// which then ties nothing: the cost is that of the scan over the requests of the last
// access_window (about 500) and of the summaries waiting for their access lines. Every event is
// used once (a tied access line carries the request id after).
func BenchmarkRequestsAccess(b *testing.B) {
	parser := vllm.New(vllm.Options{})
	var src []*event.Event
	for i := range b.N/3 + 1 {
		at := t0.Add(time.Duration(i) * 10 * time.Millisecond)
		end := at.Add(time.Second)
		for j, l := range []string{
			fmt.Sprintf(`(APIServer pid=1) INFO %s [async_llm.py:270] Added request chatcmpl-%032x.`, stamp(at), i),
			fmt.Sprintf(`(APIServer pid=1) INFO %s [logger.py:98] Generated response chatcmpl-%032x: output: 'Hello!', output_token_ids: [9707, 0], finish_reason: stop`, stamp(end), i),
			`(APIServer pid=1) INFO:     10.0.0.7:41000 - "POST /v1/chat/completions HTTP/1.1" 200 OK`,
		} {
			ev := event.NewMessage(l, at)
			ev.SetTimestamp([]time.Time{at, end, end.Add(20 * time.Millisecond)}[j])
			ev.SetString(event.FieldK8sPodName, "vllm-0")
			parser.Parse(ev)
			src = append(src, ev)
		}
	}
	bench(b, src, true)
}
