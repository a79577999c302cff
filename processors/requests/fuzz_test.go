package requests

import (
	"context"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/parsers/vllm"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
)

// FuzzRequests feeds parsed lines of any text (several per input, split at '\n', the pod from
// the first byte) to a small processor: it never panics, passes every line on, and keeps no
// more than max_open requests open, and holds nothing after the final flush (summaries waiting
// for their access lines included).
func FuzzRequests(f *testing.F) {
	for _, s := range []string{
		"a(APIServer pid=1) INFO 07-29 06:22:20 [async_llm.py:270] Added request r1.\nb(EngineCore pid=1) ERROR 07-29 06:22:21 [core.py:1] torch.OutOfMemoryError: CUDA out of memory.",
		"aINFO 07-29 06:22:30 [async_llm.py:420] Aborted request(s) x, y, z.\naINFO 05-02 10:11:13 async_llm_engine.py:120] Finished request x.",
		"a(APIServer pid=1) INFO 10-14 08:12:04 [async_llm.py:427] Request r failed (bad request): too long.",
		"a(APIServer pid=1) INFO 11-27 12:00:01 [async_llm.py:270] Added request chatcmpl-1.\na(APIServer pid=1) INFO:     10.0.0.1:5000 - \"GET /metrics HTTP/1.1\" 200 OK\na(APIServer pid=1) INFO 11-27 12:00:02 [logger.py:98] Generated response chatcmpl-1: output: 'ok', finish_reason: stop\na(APIServer pid=1) INFO:     10.0.0.1:5000 - \"POST /v1/chat/completions HTTP/1.1\" 200 OK",
		"aERROR 11-25 12:06:16 [dump_input.py:76] Dumping scheduler output for model execution: SchedulerOutput(scheduled_cached_reqs=CachedRequestData(req_ids=['a', 'b']))",
	} {
		f.Add(s)
	}
	parser := vllm.New(vllm.Options{})
	f.Fuzz(func(t *testing.T, s string) {
		c := NewConfig()
		c.MaxOpen = 3
		p, err := New(pipelinetest.Settings(t, "requests"), c)
		if err != nil {
			t.Fatal(err)
		}
		var evs []*event.Event
		for _, l := range strings.Split(s, "\n") {
			if l == "" {
				continue
			}
			ev := event.NewMessage(l[1:], t0)
			ev.SetString(event.FieldK8sPodName, l[:1])
			parser.Parse(ev)
			evs = append(evs, ev)
		}
		b := event.NewBatch(append([]*event.Event(nil), evs...), nil)
		if err := p.Process(context.Background(), b); err != nil {
			t.Fatal(err)
		}
		if len(b.Events) < len(evs) || p.Open() > c.MaxOpen {
			t.Fatalf("%d events out of %d in, %d open", len(b.Events), len(evs), p.Open())
		}
		p.Flush(context.Background(), t0, true)
		if p.Open() != 0 || len(p.pods) != 0 || p.nClosed != 0 || len(p.held) != 0 {
			t.Fatalf("%d open, %d pods, %d ended, %d waiting kept after the final flush", p.Open(), len(p.pods), p.nClosed, len(p.held))
		}
	})
}
