package requests

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/sluice-dev/sluice/parsers/pylog"
	"github.com/sluice-dev/sluice/parsers/uvicorn"
	"github.com/sluice-dev/sluice/parsers/vllm"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// accessLine is an access line of pod as uvicorn writes it (no time of its own: the collector's,
// here t0 + at).
func accessLine(t *testing.T, pod, client, request string, status int, at time.Duration) *event.Event {
	t.Helper()
	ev := lines(t, pod, `(APIServer pid=1) INFO:     `+client+` - "`+request+` HTTP/1.1" `+strconv.Itoa(status)+` OK`)[0]
	ev.SetTimestamp(t0.Add(at))
	return ev
}

// TestAccessTied: a streaming request's access line (written when the response starts) and a
// non-streaming one's (written at its end) are tied to their requests; the non-streaming
// summary waits for its access line and carries status and client.
func TestAccessTied(t *testing.T) {
	t.Parallel()
	p, clk := newProc(t, nil)
	metrics := accessLine(t, "vllm-0", "10.0.0.9:9000", "GET /metrics", 200, 500*time.Millisecond)
	in := append(lines(t, "vllm-0",
		`INFO 11-27 12:00:01 async_llm_engine.py:529] Received request cmpl-s: prompt: 'hi', sampling_params: SamplingParams(n=1, max_tokens=16), prompt_token_ids: [1], lora_request: None.`),
		metrics, accessLine(t, "vllm-0", "10.0.0.1:5000", "POST /v1/completions", 200, 1300*time.Millisecond))
	in = append(in, lines(t, "vllm-0",
		`INFO 11-27 12:00:02 async_llm_engine.py:529] Received request cmpl-n: prompt: 'hi', sampling_params: SamplingParams(n=1, max_tokens=16), prompt_token_ids: [1], lora_request: None.`,
		`INFO 11-27 12:00:04 async_llm_engine.py:120] Finished request cmpl-n.`)...)
	kept, sums := run(t, p, in...)
	if len(sums) != 0 {
		t.Fatalf("the summary of cmpl-n did not wait for its access line: %v", sums)
	}
	if str(kept[2], vllm.FieldRequestID) != "cmpl-s" || kept[1].Has(vllm.FieldRequestID) {
		t.Errorf("streaming access line: %v; metrics line: %v", kept[2], kept[1])
	}
	access := accessLine(t, "vllm-0", "10.0.0.2:5001", "POST /v1/completions", 200, 4100*time.Millisecond)
	clk.t = t0.Add(time.Second)
	kept, sums = run(t, p, append([]*event.Event{access}, lines(t, "vllm-0",
		`INFO 11-27 12:00:06 async_llm_engine.py:120] Finished request cmpl-s.`)...)...)
	if str(kept[0], vllm.FieldRequestID) != "cmpl-n" || len(sums) != 2 {
		t.Fatalf("access line %v, %d summaries", kept[0], len(sums))
	}
	for i, want := range []struct {
		id, ip string
		port   int64
	}{{"cmpl-n", "10.0.0.2", 5001}, {"cmpl-s", "10.0.0.1", 5000}} {
		s := sums[i]
		if str(s, vllm.FieldRequestID) != want.id || num(s, event.FieldHTTPStatus) != 200 ||
			str(s, uvicorn.FieldSourceIP) != want.ip || num(s, uvicorn.FieldSourcePort) != want.port || num(s, FieldLines) != 3 {
			t.Errorf("summary %d: %v", i, s)
		}
	}
}

// TestAccessAmbiguous: two requests of the same endpoint that ended as close to an access line
// tie nothing (counted); their summaries go out without status once access_window has passed
// on the wall clock; an access line with no request near counts as no_request.
func TestAccessAmbiguous(t *testing.T) {
	t.Parallel()
	p, clk := newProc(t, nil)
	in := append(lines(t, "vllm-0", `(APIServer pid=1) INFO 11-27 12:00:07 [async_llm.py:270] Added request chatcmpl-a.`),
		accessLine(t, "vllm-0", "10.0.0.9:9000", "GET /health", 200, 7*time.Second))
	in = append(in, lines(t, "vllm-0",
		`(APIServer pid=1) INFO 11-27 12:00:07 [async_llm.py:270] Added request chatcmpl-b.`,
		`(APIServer pid=1) INFO 11-27 12:00:09 [logger.py:98] Generated response chatcmpl-a: output: 'ok', finish_reason: stop`,
		`(APIServer pid=1) INFO 11-27 12:00:09 [logger.py:98] Generated response chatcmpl-b: output: 'ok', finish_reason: stop`)...)
	_, sums := run(t, p, in...)
	if len(sums) != 0 {
		t.Fatalf("%d summaries sent at once", len(sums))
	}
	// The pod wrote an access line before they ended: their summaries wait.
	kept, _ := run(t, p, accessLine(t, "vllm-0", "10.0.0.1:5000", "POST /v1/chat/completions", 200, 9500*time.Millisecond),
		accessLine(t, "vllm-0", "10.0.0.1:5000", "POST /v1/completions", 200, 9500*time.Millisecond))
	if kept[0].Has(vllm.FieldRequestID) || kept[1].Has(vllm.FieldRequestID) {
		t.Errorf("an access line tied although ambiguous or without a request: %v", kept)
	}
	if got := testutil.ToFloat64(p.untied.WithLabelValues(UntiedAmbiguous)); got != 1 {
		t.Errorf("ambiguous %v", got)
	}
	if got := testutil.ToFloat64(p.untied.WithLabelValues(UntiedNone)); got != 1 {
		t.Errorf("no_request %v", got)
	}
	if b := p.Flush(context.Background(), clk.t.Add(4*time.Second), false); b != nil {
		t.Fatalf("released before access_window: %v", b.Events)
	}
	b := p.Flush(context.Background(), clk.t.Add(5*time.Second), false)
	if b == nil || len(b.Events) != 2 || b.Events[0].Has(event.FieldHTTPStatus) || str(b.Events[1], vllm.FieldRequestID) != "chatcmpl-b" {
		t.Fatalf("released: %v", b)
	}
}

// TestAccessOffSendsAtOnce: with access_window 0 nothing waits and no line is tied.
func TestAccessOffSendsAtOnce(t *testing.T) {
	t.Parallel()
	p, _ := newProc(t, func(c *Config) { c.AccessWindow = 0 })
	in := append([]*event.Event{accessLine(t, "vllm-0", "10.0.0.9:9000", "GET /health", 200, 0)}, lines(t, "vllm-0",
		`INFO 11-27 12:00:01 async_llm_engine.py:120] Finished request cmpl-1.`)...)
	in = append(in, accessLine(t, "vllm-0", "10.0.0.1:5000", "POST /v1/completions", 200, 1100*time.Millisecond))
	kept, sums := run(t, p, in...)
	if len(sums) != 1 || kept[2].Has(vllm.FieldRequestID) {
		t.Fatalf("summaries %v, access line %v", sums, kept[2])
	}
}

// A summary waiting for its access line is sent, not lost, when its request is forgotten to make
// room (max_open 1: each new request forgets the last ended one), and at shutdown.
func TestHeldSummaryNeverLost(t *testing.T) {
	t.Parallel()
	p, clk := newProc(t, func(c *Config) { c.MaxOpen = 1 })
	in := append(lines(t, "vllm-0", `(APIServer pid=1) INFO 11-27 12:00:01 [async_llm.py:270] Added request chatcmpl-1.`),
		accessLine(t, "vllm-0", "10.0.0.9:9000", "GET /health", 200, 1100*time.Millisecond))
	in = append(in, lines(t, "vllm-0",
		`(APIServer pid=1) INFO 11-27 12:00:02 [logger.py:98] Generated response chatcmpl-1: output: 'ok', finish_reason: stop`,
		`(APIServer pid=1) INFO 11-27 12:00:03 [async_llm.py:270] Added request chatcmpl-2.`,
		`(APIServer pid=1) INFO 11-27 12:00:04 [logger.py:98] Generated response chatcmpl-2: output: 'ok', finish_reason: stop`,
		`(APIServer pid=1) INFO 11-27 12:00:05 [async_llm.py:270] Added request chatcmpl-3.`)...)
	_, sums := run(t, p, in...)
	if len(sums) != 2 || str(sums[0], vllm.FieldRequestID) != "chatcmpl-1" || str(sums[1], vllm.FieldRequestID) != "chatcmpl-2" {
		t.Fatalf("summaries when making room: %v", sums)
	}
	b := p.Flush(context.Background(), clk.t, true)
	if b == nil || len(b.Events) != 1 || str(b.Events[0], vllm.FieldRequestID) != "chatcmpl-3" || str(b.Events[0], FieldEndReason) != EndShutdown {
		t.Fatalf("final flush: %v", b)
	}
}

// TestHandover: a request open when the config is reloaded gets one summary, from the new
// processor, with the lines of both; the old processor's final flush ends nothing it released,
// and a smaller max_open of the new one evicts at its first flush.
func TestHandover(t *testing.T) {
	t.Parallel()
	old, clk := newProc(t, nil)
	run(t, old, lines(t, "vllm-0",
		`INFO 11-27 12:00:01 async_llm_engine.py:529] Received request cmpl-1: prompt: 'hi', sampling_params: SamplingParams(n=1, max_tokens=16), prompt_token_ids: [1], lora_request: None.`,
		`INFO 11-27 12:00:01 async_llm_engine.py:529] Received request cmpl-2: prompt: 'hi', sampling_params: SamplingParams(n=1, max_tokens=16), prompt_token_ids: [1], lora_request: None.`,
		`INFO 11-27 12:00:02 async_llm_engine.py:120] Finished request cmpl-0.`)...)
	state := old.Release()
	if b := old.Flush(context.Background(), clk.t, true); b != nil {
		t.Fatalf("the released processor ended %d requests", len(b.Events))
	}
	next, _ := newProc(t, func(c *Config) { c.MaxOpen = 1 })
	next.Adopt(state)
	b := next.Flush(context.Background(), clk.t, false)
	if b == nil || len(b.Events) != 1 || str(b.Events[0], vllm.FieldRequestID) != "cmpl-1" || str(b.Events[0], FieldEndReason) != EndEvicted {
		t.Fatalf("first flush under max_open 1: %v", b)
	}
	_, sums := run(t, next, lines(t, "vllm-0",
		`INFO 11-27 12:00:03 async_llm_engine.py:120] Finished request cmpl-2.`,
		`INFO 11-27 12:00:03 async_llm_engine.py:120] Finished request cmpl-0.`)...)
	if len(sums) != 1 || str(sums[0], vllm.FieldRequestID) != "cmpl-2" || num(sums[0], FieldLines) != 2 || num(sums[0], vllm.FieldMaxTokens) != 16 {
		t.Fatalf("summaries after the reload: %v (cmpl-0 ended before it: its late line makes none)", sums)
	}
	if next.Open() != 0 {
		t.Fatalf("%d open", next.Open())
	}
}

// An open request quiet for longer than access_window stops being scanned for access lines
// (V1 ends no successful request on a line of its own: every open one would be scanned) and is
// a candidate again with its next line.
func TestQuietRequestLeavesTheCandidates(t *testing.T) {
	t.Parallel()
	p, _ := newProc(t, nil)
	run(t, p, lines(t, "vllm-0", `(APIServer pid=1) INFO 11-27 12:00:00 [async_llm.py:270] Added request chatcmpl-q.`)...)
	kept, _ := run(t, p, accessLine(t, "vllm-0", "10.0.0.1:5000", "POST /v1/chat/completions", 200, 20*time.Second))
	if kept[0].Has(vllm.FieldRequestID) || p.pods["vllm-0"].nCands() != 0 {
		t.Fatalf("a request quiet for 20 s tied or still scanned: %v", kept[0])
	}
	in := append(lines(t, "vllm-0", `(APIServer pid=1) INFO 11-27 12:00:21 [logger.py:98] Generated response chatcmpl-q (streaming delta): output: 'o', output_token_ids: [1], finish_reason: None`),
		accessLine(t, "vllm-0", "10.0.0.1:5000", "POST /v1/chat/completions", 200, 21100*time.Millisecond))
	kept, _ = run(t, p, in...)
	if str(kept[1], vllm.FieldRequestID) != "chatcmpl-q" {
		t.Fatalf("not tied after its next line: %v", kept[1])
	}
}

// TestAccessTiedChatV06: vLLM 0.6.0 to 0.6.3 named chat requests "chat-<uuid>"; their 500 is tied
// to the request the engine aborted. V0 logs "Aborted request" for a request an exception ended
// too: the summary waits access_window for its access line, and its 500 makes it a failure
// (vllm-project/vllm issue #10002's order: the abort, then the access line).
func TestAccessTiedChatV06(t *testing.T) {
	t.Parallel()
	p, clk := newProc(t, nil)
	id := "chat-4656e70d011f4049913ba3b1ab64a702"
	in := append(lines(t, "vllm-0",
		`INFO 11-27 12:00:01 async_llm_engine.py:208] Added request `+id+`.`,
		`INFO 11-27 12:00:04 async_llm_engine.py:180] Aborted request `+id+`.`),
		accessLine(t, "vllm-0", "172.16.80.73:61206", "POST /v1/chat/completions", 500, 5*time.Second))
	kept, sums := settled(t, p, clk, in...)
	if str(kept[2], vllm.FieldRequestID) != id {
		t.Errorf("access line not tied to %s: %v", id, kept[2])
	}
	if len(sums) != 1 || str(sums[0], vllm.FieldRequestID) != id {
		t.Fatalf("summaries %v", sums)
	}
	if s := sums[0]; num(s, event.FieldHTTPStatus) != 500 || str(s, FieldOutcome) != OutcomeFailure || str(s, event.FieldLogLevel) != "error" {
		t.Errorf("summary: status %d, outcome %s, level %s; want 500, failure, error", num(s, event.FieldHTTPStatus),
			str(s, FieldOutcome), str(s, event.FieldLogLevel))
	}
	// vLLM made the id itself (a version 4 uuid: no X-Request-Id came), so no gateway logged it
	if sums[0].Has("http.request.id") {
		t.Errorf("summary's http.request.id %q from vLLM's own uuid", str(sums[0], "http.request.id"))
	}
}

// TestAbortAfterEngineFailure: V0's abort of a request the dead engine ended reaches the
// processor before the engine's error, which is stamped earlier (the parse processor held its
// traceback): the abort's summary waits, and becomes the engine failure's. An abort with no
// failure near it stays an abort.
func TestAbortAfterEngineFailure(t *testing.T) {
	t.Parallel()
	p, clk := newProc(t, nil)
	in := lines(t, "vllm-0",
		`INFO 12-05 09:57:01 async_llm_engine.py:208] Added request chat-dead.`,
		`INFO 12-05 09:57:01 async_llm_engine.py:208] Added request chat-left.`,
		`INFO 12-05 09:57:02 async_llm_engine.py:180] Aborted request chat-left.`,
		`INFO 12-05 09:57:05 async_llm_engine.py:180] Aborted request chat-dead.`)
	if _, sums := run(t, p, in...); len(sums) != 0 {
		t.Fatalf("an abort's summary did not wait: %v", sums)
	}
	dead := lines(t, "vllm-0", `ERROR 12-05 09:57:05 async_llm_engine.py:65] Engine background task failed`)[0]
	dead.SetString(event.FieldErrorType, "vllm.engine.async_llm_engine.AsyncEngineDeadError")
	dead.SetString(event.FieldErrorMsg, "Task finished unexpectedly.")
	dead.SetString(vllm.FieldErrorKind, vllm.KindEngineDead)
	dead.SetTimestamp(in[3].Timestamp().Add(-7 * time.Millisecond))
	_, sums := settled(t, p, clk, dead)
	if len(sums) != 2 {
		t.Fatalf("%d summaries, want 2", len(sums))
	}
	got := map[string]*event.Event{}
	for _, s := range sums {
		got[str(s, vllm.FieldRequestID)] = s
	}
	if s := got["chat-dead"]; s == nil || str(s, FieldOutcome) != OutcomeFailure || str(s, FieldEndReason) != EndEngine ||
		str(s, vllm.FieldErrorKind) != vllm.KindEngineDead || str(s, event.FieldLogLevel) != "error" {
		t.Errorf("the dead engine's request: %v", s)
	}
	if s := got["chat-left"]; s == nil || str(s, FieldOutcome) != OutcomeAborted {
		t.Errorf("the client's abort three seconds before: %v", s)
	}
}

// TestAccessBeforeFirstRequest: a server whose first access line comes before its first request
// (the client's GET /v1/models, vllm-project/vllm's 0.6.3 docs), and comes back after its requests
// were forgotten, still has its summaries wait for their access lines: the status reaches them.
// Each summary is the request the client knows (cmpl-a), not its prompt's id (cmpl-a-0).
func TestAccessBeforeFirstRequest(t *testing.T) {
	t.Parallel()
	p, clk := newProc(t, nil)
	request := func(id string, at time.Duration) []*event.Event {
		in := lines(t, "vllm-0",
			`INFO 11-27 12:00:01 logger.py:36] Received request `+id+`-0: prompt: 'Summer is', params: SamplingParams(n=1, max_tokens=16), prompt_token_ids: [33560, 318], lora_request: None.`,
			`INFO 11-27 12:00:01 async_llm_engine.py:173] Finished request `+id+`-0.`)
		for _, ev := range in {
			ev.SetTimestamp(t0.Add(at))
		}
		return append(in, accessLine(t, "vllm-0", "10.0.0.1:34014", "POST /v1/completions", 500, at+3*time.Millisecond))
	}
	in := append([]*event.Event{accessLine(t, "vllm-0", "10.0.0.1:36536", "GET /v1/models", 200, 0)}, request("cmpl-a", time.Second)...)
	_, sums := run(t, p, in...)
	if len(sums) != 1 || str(sums[0], vllm.FieldRequestID) != "cmpl-a" || num(sums[0], event.FieldHTTPStatus) != 500 {
		t.Fatalf("summaries %v, want cmpl-a's with status 500", sums)
	}
	// Long after: cmpl-a is forgotten (linger), and its server with it; the next request's
	// summary still waits for its access line.
	clk.t = t0.Add(time.Hour)
	p.Flush(context.Background(), clk.t, false)
	if n := len(p.pods); n != 0 {
		t.Fatalf("%d servers still known after linger", n)
	}
	_, sums = run(t, p, request("cmpl-b", time.Hour)...)
	if len(sums) != 1 || str(sums[0], vllm.FieldRequestID) != "cmpl-b" || num(sums[0], event.FieldHTTPStatus) != 500 {
		t.Fatalf("summaries %v, want cmpl-b's with status 500", sums)
	}
}

// TestAccessTiedKServe: vLLM inside KServe's model server (huggingfaceserver) logs its requests,
// and KServe's uvicorn logs the access line through its own format under /openai (kserve/kserve
// issue #3848): kserve.access, tied to the request like vLLM's own access line.
func TestAccessTiedKServe(t *testing.T) {
	t.Parallel()
	p, _ := newProc(t, nil)
	id := "chatcmpl-47e9114ab2e640f19aee75ba784fd102"
	access := event.NewMessage(`2024-08-08 14:28:29.602 uvicorn.access INFO:     10.21.192.22:0 1 - "POST /openai/v1/chat/completions HTTP/1.1" 200 OK`, t0)
	access.SetString(event.FieldK8sPodName, "vllm-0")
	access.SetString(event.FieldK8sContainer, "kserve-container")
	access.SetString(event.FieldK8sNodeName, "node-vllm-0")
	if !pylog.New().Parse(access) {
		t.Fatal("KServe's access line not parsed")
	}
	if ds, _ := access.GetString(event.FieldDataset); ds != pylog.DatasetKServeAccess {
		t.Fatalf("dataset %q, want %s", ds, pylog.DatasetKServeAccess)
	}
	access.SetTimestamp(t0.Add(3 * time.Second))
	in := append(lines(t, "vllm-0",
		`INFO 11-27 12:00:01 [logger.py:40] Received request `+id+`: prompt: 'hi', params: SamplingParams(n=1, max_tokens=16), prompt_token_ids: None, lora_request: None.`,
		`INFO 11-27 12:00:03 [async_llm.py:261] Added request `+id+`.`), access)
	kept, _ := run(t, p, in...)
	if str(kept[2], vllm.FieldRequestID) != id {
		t.Errorf("KServe's access line not tied to %s: %v", id, kept[2])
	}
}

// TestFailureWaitsForItsCause: the API server's "failed with an internal error during
// generation" says only that the engine failed the request; the engine core's line that says
// why (a grammar that rejected a token, vllm-project/vllm issue #51693) was written first but
// reaches the processor after it and after the 500, as the parse processor holds a lone error
// line for a traceback. The summary waits access_window and names the cause, from its time.
func TestFailureWaitsForItsCause(t *testing.T) {
	t.Parallel()
	p, clk := newProc(t, nil)
	id := "chatcmpl-8da6fc665494abe1"
	in := lines(t, "vllm-0",
		`(APIServer pid=9419) INFO 11-27 12:00:01 [logger.py:40] Received request `+id+`: prompt: 'hi', params: SamplingParams(n=1, max_tokens=16), prompt_token_ids: None, lora_request: None.`,
		`(APIServer pid=9419) ERROR 11-27 12:00:03 [serving.py:175] Request `+id+` failed with an internal error during generation`)
	in = append(in, accessLine(t, "vllm-0", "127.0.0.1:37932", "POST /v1/chat/completions", 500, 3100*time.Millisecond))
	if _, sums := run(t, p, in...); len(sums) != 0 {
		t.Fatalf("the failure's summary did not wait for its cause: %v", sums)
	}
	cause := lines(t, "vllm-0",
		`(EngineCore pid=10458) ERROR 11-27 12:00:02 [scheduler.py:1841] Unexpected: grammar rejected tokens [200028] for request `+id+`-b5b27872. Terminating request.`)
	if _, sums := run(t, p, cause...); len(sums) != 0 {
		t.Fatalf("summary sent before access_window: %v", sums)
	}
	b := p.Flush(context.Background(), clk.t.Add(6*time.Second), false)
	if b == nil || len(b.Events) != 1 {
		t.Fatalf("flush after access_window: %v", b)
	}
	s := b.Events[0]
	if msg := str(s, event.FieldErrorMsg); !strings.Contains(msg, "grammar rejected tokens") || num(s, event.FieldHTTPStatus) != 500 {
		t.Errorf("summary: error.message %q, status %d; want the grammar's rejection and 500", msg, num(s, event.FieldHTTPStatus))
	}
	if why := str(s, vllm.FieldFailureReason); why != "grammar rejected tokens" {
		t.Errorf("summary: failure reason %q, want the engine's (grammar rejected tokens) over the API server's", why)
	}
}

// TestEngineDeadPointsToItsCause: the API server's EngineDeadError says only "See stack trace
// (above) for the root cause"; the engine core's error, stamped before it but held by the parse
// processor for its traceback, comes after the 500 is tied: the summary waits access_window and
// names the engine core's error (vllm-project/vllm-ascend issue #4175's order).
func TestEngineDeadPointsToItsCause(t *testing.T) {
	t.Parallel()
	p, clk := newProc(t, nil)
	id := "chatcmpl-5f0c9a3e2b8d4e71a6c3f2d1e0b9a8c7"
	in := lines(t, "vllm-0",
		`(APIServer pid=7225) INFO 11-27 12:00:01 [async_llm.py:341] Added request `+id+`.`,
		`(APIServer pid=7225) ERROR 11-27 12:00:03 [async_llm.py:480] vllm.v1.engine.exceptions.EngineDeadError: EngineCore encountered an issue. See stack trace (above) for the root cause.`,
		`(APIServer pid=7225) INFO 11-27 12:00:03 [async_llm.py:431] Request `+id+` failed (engine dead).`)
	in = append(in, accessLine(t, "vllm-0", "127.0.0.1:51906", "POST /v1/chat/completions", 500, 3100*time.Millisecond))
	if _, sums := run(t, p, in...); len(sums) != 0 {
		t.Fatalf("the summary did not wait for the engine's cause: %v", sums)
	}
	cause := lines(t, "vllm-0", `(EngineCore_DP0 pid=7497) ERROR 11-27 12:00:03 [core.py:710] ValueError: No valid structured output parameter found`)[0]
	cause.SetString(vllm.FieldErrorKind, vllm.KindEngineDead) // as the grouped "EngineCore encountered a fatal error." gives it
	cause.SetTimestamp(in[1].Timestamp().Add(-50 * time.Millisecond))
	_, sums := settled(t, p, clk, cause)
	if len(sums) != 1 {
		t.Fatalf("%d summaries, want 1", len(sums))
	}
	if s := sums[0]; str(s, event.FieldErrorType) != "ValueError" || str(s, event.FieldErrorMsg) != "No valid structured output parameter found" ||
		num(s, event.FieldHTTPStatus) != 500 || str(s, FieldOutcome) != OutcomeFailure {
		t.Errorf("summary: %s", s.AppendJSON(nil))
	}
}

// The engine's death on another accelerator is its cause too: an Ascend NPU out of memory
// (vllm-project/vllm-ascend issue #3357, vLLM 0.11 on NPUs) replaces the pointer the request's
// failure gives, as a CUDA out of memory does.
func TestEngineDeadOfNPUOutOfMemory(t *testing.T) {
	t.Parallel()
	p, clk := newProc(t, nil)
	id := "cmpl-173d0918ce964319b0d52f4d621dc548"
	in := lines(t, "vllm-0",
		`(APIServer pid=7225) INFO 10-10 11:32:40 [async_llm.py:341] Added request `+id+`.`,
		`(APIServer pid=7225) ERROR 10-10 11:32:52 [async_llm.py:480] vllm.v1.engine.exceptions.EngineDeadError: EngineCore encountered an issue. See stack trace (above) for the root cause.`,
		`(APIServer pid=7225) INFO 10-10 11:32:52 [async_llm.py:431] Request `+id+` failed (engine dead).`)
	if _, sums := run(t, p, in...); len(sums) != 0 {
		t.Fatalf("the summary did not wait for the engine's cause: %v", sums)
	}
	cause := lines(t, "vllm-0", `(EngineCore_DP0 pid=1020) ERROR 10-10 11:32:51 [core.py:710] RuntimeError: Worker failed with error 'NPU out of memory. Tried to allocate 11.50 GiB (NPU 0; 60.97 GiB total capacity; 54.10 GiB already allocated; 54.10 GiB current active; 4.64 GiB free; 54.27 GiB reserved in total by PyTorch) If reserved memory is >> allocated memory try setting max_split_size_mb to avoid fragmentation.', please check the stack trace above for the root cause`)[0]
	cause.SetTimestamp(in[1].Timestamp().Add(-900 * time.Millisecond))
	if k, _ := cause.GetString(vllm.FieldErrorKind); k != vllm.KindNPUOOM {
		t.Fatalf("cause's kind %q", k)
	}
	_, sums := settled(t, p, clk, cause)
	if len(sums) != 1 || !strings.HasPrefix(str(sums[0], event.FieldErrorMsg), "Worker failed with error 'NPU out of memory.") {
		t.Fatalf("summaries: %v", sums)
	}
}

// A transcription's access line is tied to its request: vLLM names it trsc-<id> (its
// transcription endpoint), the only one open on the server just before the access line.
func TestAccessTiedTranscription(t *testing.T) {
	t.Parallel()
	p, clk := newProc(t, nil)
	id := "trsc-991982a8a3c34c8a9d6d7f1e0b2c4a55"
	in := append(lines(t, "vllm-0",
		`(APIServer pid=1) INFO 11-27 12:00:01 [async_llm.py:270] Added request `+id+`.`,
		`(APIServer pid=1) INFO 11-27 12:00:01 [async_llm.py:431] Request `+id+` failed (bad request): audio too long.`),
		accessLine(t, "vllm-0", "10.0.0.4:41000", "POST /v1/audio/transcriptions", 400, 1400*time.Millisecond))
	kept, sums := settled(t, p, clk, in...)
	if str(kept[2], vllm.FieldRequestID) != id {
		t.Errorf("access line not tied: %v", kept[2])
	}
	if len(sums) != 1 || num(sums[0], event.FieldHTTPStatus) != 400 {
		t.Fatalf("summaries %v, want one with status 400", sums)
	}
}

// vLLM 0.34 says why a request failed in the line that ends it: AsyncLLM's admission control's
// refusal (a full queue), the exception its generate() task died of (a CUDA error), the
// scheduler's failing the requests whose KV cache did not load: each request's summary is a
// failure with that reason, or that error's class and kind.
func TestFailuresOfV034(t *testing.T) {
	t.Parallel()
	p, clk := newProc(t, nil)
	full, died, kv := "chatcmpl-0d6f1c2b3a4e5f60", "chatcmpl-9a8b7c6d5e4f3a21", "chatcmpl-77aa01b2c3d4e5f6"
	_, sums := settled(t, p, clk, lines(t, "vllm-0",
		`(APIServer pid=1) DEBUG 12-03 09:41:17 [async_llm.py:374] Request queue full - rejecting request `+full+` (current=256, n=1, max=256).`,
		`(APIServer pid=1) INFO 12-03 09:41:18 [async_llm.py:601] Added request `+died+`-5e3f9a1c.`,
		`(APIServer pid=1) INFO 12-03 09:41:18 [async_llm.py:601] Added request `+kv+`-0b1c2d3e.`,
		`(APIServer pid=1) INFO 12-03 09:41:19 [async_llm.py:864] Request `+died+` failed due to RuntimeError: CUDA error: device-side assert triggered.`,
		`(EngineCore_DP0 pid=212) ERROR 12-03 09:41:20 [scheduler.py:3915] Failing 1 request(s) due to KV load failure (failure_policy=fail, 512 tokens affected). Request IDs: {'`+kv+`-0b1c2d3e'}`)...)
	if len(sums) != 3 {
		t.Fatalf("summaries %v, want three", sums)
	}
	byID := map[string]*event.Event{}
	for _, s := range sums {
		byID[str(s, vllm.FieldRequestID)] = s
	}
	if s := byID[full]; s == nil || str(s, vllm.FieldFailureReason) != "queue full" || str(s, FieldOutcome) != OutcomeFailure {
		t.Errorf("refused request's summary: %v", s)
	}
	if s := byID[died]; s == nil || str(s, vllm.FieldErrorKind) != vllm.KindCUDA || str(s, event.FieldErrorType) != "RuntimeError" {
		t.Errorf("failed request's summary: %v", s)
	}
	if s := byID[kv]; s == nil || str(s, vllm.FieldFailureReason) != vllm.FailureKVLoad || str(s, vllm.FieldErrorKind) != vllm.KindKVTransfer {
		t.Errorf("summary of the request whose KV cache did not load: %v", s)
	}
}

// A refusal vLLM logs before it answers (0.34's full queue) is a failure of its request, whose
// summary waits for its access line as a failure's does: it carries the 503 the client got.
func TestRefusalWaitsForItsStatus(t *testing.T) {
	t.Parallel()
	p, clk := newProc(t, nil)
	id := "chatcmpl-5d1e2f3a4b5c6d7e"
	refusal := lines(t, "vllm-0",
		`(APIServer pid=1) DEBUG 11-27 12:00:01 [async_llm.py:374] Request queue full - rejecting request `+id+` (current=256, n=1, max=256).`)
	if _, sums := run(t, p, refusal...); len(sums) != 0 {
		t.Fatalf("the refusal's summary did not wait for its access line: %v", sums)
	}
	_, sums := settled(t, p, clk, accessLine(t, "vllm-0", "10.0.0.4:41000", "POST /v1/chat/completions", 503, 1010*time.Millisecond))
	if len(sums) != 1 || str(sums[0], vllm.FieldFailureReason) != "queue full" || num(sums[0], event.FieldHTTPStatus) != 503 {
		t.Fatalf("summaries %v, want one, queue full, status 503", sums)
	}
}
