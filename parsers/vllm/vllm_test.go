package vllm

import (
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/parsers/golden"
	"github.com/sluice-dev/sluice/pipeline/event"
)

func TestGolden(t *testing.T) {
	t.Parallel()
	golden.Golden(t, "testdata", func(t *testing.T, lines []string) []*event.Event {
		return golden.ParseEach(New(Options{}), lines)
	})
}

func TestYearFromReference(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		line     string
		received time.Time
		runtime  time.Time // framing's @timestamp, zero for none
		want     time.Time
	}{
		{"same year", "INFO 06-01 11:59:58 [a.py:1] x", time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC), time.Time{},
			time.Date(2025, 6, 1, 11, 59, 58, 0, time.UTC)},
		{"december line received in january", "INFO 12-31 23:59:59 [a.py:1] x", time.Date(2026, 1, 1, 0, 0, 3, 0, time.UTC), time.Time{},
			time.Date(2025, 12, 31, 23, 59, 59, 0, time.UTC)},
		{"january line, clock behind", "INFO 01-01 00:00:01 [a.py:1] x", time.Date(2025, 12, 31, 23, 59, 59, 0, time.UTC), time.Time{},
			time.Date(2026, 1, 1, 0, 0, 1, 0, time.UTC)},
		{"runtime time kept when same instant", "INFO 12-31 23:59:59 [a.py:1] x", time.Date(2026, 1, 1, 0, 5, 0, 0, time.UTC),
			time.Date(2025, 12, 31, 23, 59, 59, 912345678, time.UTC), time.Date(2025, 12, 31, 23, 59, 59, 912345678, time.UTC)},
		{"runtime time kept across a zone offset", "INFO 06-01 14:00:00 [a.py:1] x", time.Date(2025, 6, 1, 12, 0, 9, 0, time.UTC),
			time.Date(2025, 6, 1, 12, 0, 0, 500, time.UTC), time.Date(2025, 6, 1, 12, 0, 0, 500, time.UTC)},
		{"line time wins when far from runtime time", "INFO 06-01 10:17:03 [a.py:1] x", time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC),
			time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC), time.Date(2025, 6, 1, 10, 17, 3, 0, time.UTC)},
		// a datefmt without seconds (vllm-project/vllm issue #28028): the runtime's stamp in
		// that minute is kept, in the line's zone too; one outside it is not
		{"runtime time kept in the minute of a header without seconds", "ERROR 11-03 23:14 [serving_chat.py:1145] x", time.Date(2025, 11, 3, 23, 15, 0, 0, time.UTC),
			time.Date(2025, 11, 3, 23, 14, 22, 123, time.UTC), time.Date(2025, 11, 3, 23, 14, 22, 123, time.UTC)},
		{"runtime time kept in the minute of a header without seconds, zone offset", "ERROR 11-04 07:14 [serving_chat.py:1145] x", time.Date(2025, 11, 3, 23, 15, 0, 0, time.UTC),
			time.Date(2025, 11, 3, 23, 14, 22, 123, time.UTC), time.Date(2025, 11, 3, 23, 14, 22, 123, time.UTC)},
		{"minute's start when the runtime's time is another minute", "ERROR 11-03 23:14 [serving_chat.py:1145] x", time.Date(2025, 11, 3, 23, 20, 0, 0, time.UTC),
			time.Date(2025, 11, 3, 23, 17, 5, 0, time.UTC), time.Date(2025, 11, 3, 23, 14, 0, 0, time.UTC)},
		// a syslog frame's whole second and torch's nanoseconds (vllm-project/vllm issue #12474)
		{"line's fraction under a frame of whole seconds", "[W128 10:40:03.598159139 socket.cpp:752] [c10d] x", time.Date(2026, 1, 28, 11, 0, 0, 0, time.UTC),
			time.Date(2026, 1, 28, 10, 40, 3, 0, time.UTC), time.Date(2026, 1, 28, 10, 40, 3, 598159139, time.UTC)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ev := event.NewMessage(tc.line, tc.received)
			if !tc.runtime.IsZero() {
				ev.SetTimestamp(tc.runtime)
			}
			if !New(Options{}).Parse(ev) {
				t.Fatal("not parsed")
			}
			if got := ev.Timestamp(); !got.Equal(tc.want) {
				t.Errorf("@timestamp = %v, want %v", got, tc.want)
			}
		})
	}
}

const receivedLine = `(APIServer pid=1) INFO 07-29 06:22:20 [logger.py:41] Received request r1: prompt: 'secret, "quoted"\nprompt', params: SamplingParams(n=1, max_tokens=5), prompt_token_ids: [1, 2, 3], lora_request: None, prompt_adapter_request: None.`

func TestPromptModes(t *testing.T) {
	t.Parallel()
	const text = "secret, \"quoted\"\nprompt"
	tests := []struct {
		mode        PromptMode
		msgHas      []string
		msgHasNot   []string
		prompt      string
		wantHash    bool
		wantTokens  int64
		wantMsgSame bool
	}{
		{PromptsHash, []string{"<prompt: 23 chars, sha256:", "<3 token ids>", "max_tokens=5"}, []string{"secret", "[1, 2, 3]"}, "", true, 3, false},
		{PromptsKeep, nil, nil, text, true, 3, true},
		{PromptsTruncate, []string{`"secret"... <23 chars`}, []string{"prompt'", "[1, 2, 3]"}, "secret", true, 3, false},
		{PromptsDrop, []string{"<prompt dropped: 23 chars>"}, []string{"secret", "sha256"}, "", false, 3, false},
	}
	for _, tc := range tests {
		t.Run(string(tc.mode), func(t *testing.T) {
			t.Parallel()
			ev := event.NewMessage(receivedLine, golden.Received)
			if !New(Options{Prompts: tc.mode, PromptMaxLength: 6}).Parse(ev) {
				t.Fatal("not parsed")
			}
			msg := ev.Message()
			if tc.wantMsgSame != (msg == receivedLine) {
				t.Errorf("message = %q", msg)
			}
			for _, s := range tc.msgHas {
				if !strings.Contains(msg, s) {
					t.Errorf("message %q lacks %q", msg, s)
				}
			}
			for _, s := range tc.msgHasNot {
				if strings.Contains(msg, s) {
					t.Errorf("message %q still has %q", msg, s)
				}
			}
			if got, _ := ev.GetString(FieldPrompt); got != tc.prompt {
				t.Errorf("prompt field = %q, want %q", got, tc.prompt)
			}
			if h, _ := ev.GetString(FieldPromptSHA256); (h != "") != tc.wantHash || (h != "" && h != sha256Hex(text)) {
				t.Errorf("sha256 = %q", h)
			}
			if v, _ := ev.Get(FieldPromptLength); v.Int() != 23 {
				t.Errorf("prompt_length = %v", v.Int())
			}
			if v, _ := ev.Get(FieldPromptTokens); v.Int() != tc.wantTokens {
				t.Errorf("prompt_tokens = %v", v.Int())
			}
			if id, _ := ev.GetString(FieldRequestID); id != "r1" {
				t.Errorf("request id = %q", id)
			}
		})
	}
}

func TestTracebackGrouped(t *testing.T) {
	t.Parallel()
	msg := "(EngineCore_DP0 pid=281) ERROR 05-01 14:39:06 [core.py:1131] EngineCore encountered a fatal error.\n" +
		"Traceback (most recent call last):\n" +
		"  File \"/usr/local/lib/python3.12/dist-packages/vllm/v1/engine/core.py\", line 1129, in run_engine_core\n" +
		"    engine_core.run_busy_loop()\n" +
		"torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 50.00 MiB.\n" +
		"\n" +
		"The above exception was the direct cause of the following exception:\n" +
		"\n" +
		"Traceback (most recent call last):\n" +
		"  File \"x.py\", line 1, in <module>\n" +
		"vllm.v1.engine.exceptions.EngineDeadError: EngineCore encountered an issue."
	ev := event.NewMessage(msg, golden.Received)
	if !New(Options{}).Parse(ev) {
		t.Fatal("not parsed")
	}
	want := map[string]string{
		event.FieldErrorType:   "vllm.v1.engine.exceptions.EngineDeadError",
		event.FieldErrorMsg:    "EngineCore encountered an issue.",
		FieldErrorKind:         KindCUDAOOM,
		event.FieldLogLevel:    "error",
		event.FieldProcessName: "EngineCore_DP0",
		event.FieldDataset:     DatasetServer,
	}
	for k, v := range want {
		if got, _ := ev.GetString(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if st, _ := ev.GetString(event.FieldErrorStack); !strings.HasPrefix(st, TracebackHeader) || !strings.HasSuffix(st, "issue.") {
		t.Errorf("stack = %q", st)
	}
	if ev.Message() != msg {
		t.Error("message changed")
	}

	upstream := event.NewMessage("(EngineCore pid=7) Traceback (most recent call last):\n(EngineCore pid=7)   File \"a.py\", line 1\n(EngineCore pid=7) torch.OutOfMemoryError: CUDA out of memory.", golden.Received)
	if !New(Options{}).Parse(upstream) {
		t.Fatal("traceback grouped upstream not parsed")
	}
	if typ, _ := upstream.GetString(event.FieldErrorType); typ != "torch.OutOfMemoryError" {
		t.Errorf("upstream-grouped type = %q", typ)
	}

	bare := event.NewMessage("Traceback (most recent call last):\n  File \"a.py\", line 1\nKeyError: 'x'", golden.Received)
	if !New(Options{}).Parse(bare) {
		t.Fatal("bare traceback not parsed")
	}
	if typ, _ := bare.GetString(event.FieldErrorType); typ != "KeyError" {
		t.Errorf("bare type = %q", typ)
	}
	if bare.Has(event.FieldDataset) {
		t.Error("bare traceback got a dataset; it has no sign of vLLM")
	}
}

func FuzzParse(f *testing.F) {
	golden.Seed(f, "testdata")
	f.Add(receivedLine)
	f.Fuzz(func(t *testing.T, line string) {
		for _, mode := range []PromptMode{PromptsHash, PromptsTruncate} {
			ev := event.NewMessage(line, golden.Received)
			ok := New(Options{Prompts: mode}).Parse(ev)
			msg, has := ev.GetString(event.FieldMessage)
			if !has {
				t.Fatalf("message lost: %q", line)
			}
			if !ok && msg != line {
				t.Fatalf("unrecognised line changed: %q -> %q", line, msg)
			}
			if ok && msg != line && !redactable(line) && msg != firstLineJoin(line) {
				t.Fatalf("message changed beyond colours and prompts: %q -> %q", line, msg)
			}
			if lv, has := ev.GetString(event.FieldLogLevel); has && lv == "" {
				t.Fatalf("empty log.level: %q", line)
			}
		}
	})
}

func firstLineJoin(line string) string {
	first, rest, ok := strings.Cut(line, "\n")
	if !ok {
		return StripANSI(strings.TrimSuffix(line, "\r"))
	}
	return StripANSI(strings.TrimSuffix(first, "\r")) + "\n" + StripANSI(rest)
}

var benchLines = map[string]string{
	"stats_v1": "(APIServer pid=3646) INFO 05-19 10:13:11 [loggers.py:271] Engine 000: Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: 1055.3 tokens/s, Running: 18 reqs, Waiting: 43 reqs, GPU KV cache usage: 95.9%, Prefix cache hit rate: 0.0%",
	"stats_v0": "INFO 01-22 18:27:20 metrics.py:449] Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: 41.7 tokens/s, Running: 1 reqs, Swapped: 0 reqs, Pending: 0 reqs, GPU KV cache usage: 2.0%, CPU KV cache usage: 0.0%.",
	"access":   `(APIServer pid=1) INFO:     172.31.0.1:37016 - "POST /v1/chat/completions HTTP/1.1" 200 OK`,
	"added":    "(APIServer pid=1) INFO 07-29 06:22:20 [async_llm.py:270] Added request chatcmpl-8f2c1e9a4b7d4c0e9d1a2b3c4d5e6f70.",
	"warning":  "(APIServer pid=1) WARNING 12-11 20:29:59 [protocol.py:112] The following fields were present in the request but ignored: {'strict'}",
	"received": receivedLine,
	"not_vllm": `time="2025-05-06T12:00:00Z" level=info msg="Starting OS watcher."`,
}

func BenchmarkParse(b *testing.B) {
	p := New(Options{})
	for name, line := range benchLines {
		b.Run(name, func(b *testing.B) {
			ev := event.New()
			golden.BenchCPU(b, func() {
				ev.Reset()
				ev.Meta.Received = golden.Received
				ev.SetMessage(line)
				p.Parse(ev)
			})
		})
	}
}

// Split runs on every line the parse processor groups, vLLM's or not.
func BenchmarkSplit(b *testing.B) {
	for name, line := range benchLines {
		b.Run(name, func(b *testing.B) {
			golden.BenchCPU(b, func() {
				l := Split(line)
				_ = l
			})
		})
	}
}

// redactable reports whether a line may be a request-logger line, whose user data the parser
// replaces.
func redactable(line string) bool {
	line = StripANSI(line)
	return strings.Contains(line, "Request") || strings.Contains(line, "request") || strings.Contains(line, "Generated response") ||
		strings.Contains(line, "token_ids=") || // a scheduler dump's token ids (dump.go)
		strings.Contains(line, "response_body=") ||
		strings.Contains(line, "_tool_parser.py") // a tool parser's output (toolParserText)
}

// The token ids of a scheduler dump are replaced in every prompt mode but keep, which leaves the
// line as it is; a cut dump (unbalanced brackets) is left as it is too.
func TestSchedulerDumpTokensByMode(t *testing.T) {
	t.Parallel()
	const line = `ERROR 05-30 17:44:20 [dump_input.py:79] SchedulerOutput(scheduled_new_reqs=[], scheduled_cached_reqs=[CachedRequestData(req_id='cmpl-e9', resumed_from_preemption=false, new_token_ids=[26547, 11], new_block_ids=[[86]], num_computed_tokens=256)], total_num_scheduled_tokens=1)`
	for _, tc := range []struct {
		mode PromptMode
		line string
		want string
	}{
		{PromptsHash, line, "new_token_ids=<2 token ids>, new_block_ids"},
		{PromptsDrop, line, "new_token_ids=<2 token ids>, new_block_ids"},
		{PromptsKeep, line, "new_token_ids=[26547, 11], new_block_ids"},
		{PromptsHash, line[:strings.Index(line, ", 11]")], "new_token_ids=[26547"},
	} {
		ev := event.NewMessage(tc.line, time.Now())
		if !New(Options{Prompts: tc.mode}).Parse(ev) {
			t.Fatalf("%s: not parsed", tc.mode)
		}
		msg, _ := ev.GetString(event.FieldErrorMsg)
		if !strings.Contains(ev.Message(), tc.want) || !strings.Contains(msg, tc.want) {
			t.Errorf("%s: message %q, error.message %q, want %q in both", tc.mode, ev.Message(), msg, tc.want)
		}
	}
}

// The production-stack router, LMCache's server and LiteLLM's proxy run uvicorn as vLLM does: their lines are
// theirs, by their container, and the engine's stay vllm.*. Lines from vllm-project/
// production-stack issue #448 and LMCache/LMCache issue #4094.
func TestServingComponentUvicorn(t *testing.T) {
	t.Parallel()
	tests := []containerCase{
		{"router-container", `INFO:     127.0.0.1:42496 - "POST /v1/chat/completions HTTP/1.0" 200 OK`, "vllm_router.access"},
		{"router-container", "INFO:     Waiting for application shutdown.", "vllm_router.server"},
		{"lmcache-server", "INFO:     Started server process [1902]", "lmcache.server"},
		// LiteLLM's proxy in front of vLLM, in its Helm chart's container (BerriAI/litellm issues
		// #17173 and #13485): a 500 there is the proxy's
		{"litellm-helm", `INFO:     127.0.0.1:38734 - "GET /v1/models/my-gpt-4o HTTP/1.1" 500 Internal Server Error`, "litellm.access"},
		{"litellm", `INFO:     127.0.0.1:49187 - "GET /metrics HTTP/1.1" 404 Not Found`, "litellm.access"},
		{"litellm-helm", "ERROR:    Exception in ASGI application", "litellm.server"},
		{"vllm", `INFO:     127.0.0.1:42496 - "POST /v1/chat/completions HTTP/1.0" 200 OK`, DatasetAccess},
		{"vllm", "INFO:     Started server process [1902]", DatasetServer},
		{"", "INFO:     Started server process [1902]", DatasetServer},
	}
	checkDatasets(t, tests)
}

// A FastAPI service that is not vLLM (a tokenizer API, himkt/konoha pull request #198) writes
// uvicorn's access lines too: in a container not named for vLLM, a path none of vLLM's routes is
// uvicorn.access; vLLM's routes stay vllm.access whatever the container's name.
func TestOtherUvicornService(t *testing.T) {
	t.Parallel()
	tests := []containerCase{
		{"konoha", `INFO:     127.0.0.1:62229 - "POST /api/v1/tokenize HTTP/1.1" 200 OK`, DatasetUvicornAccess},
		{"konoha", `INFO:     127.0.0.1:62229 - "POST /v1/chat/completions HTTP/1.1" 200 OK`, DatasetAccess},
		{"model-server", `INFO:     10.0.0.1:5000 - "GET /health HTTP/1.1" 200 OK`, DatasetAccess},
		{"vllm-engine", `INFO:     127.0.0.1:62229 - "POST /api/v1/tokenize HTTP/1.1" 200 OK`, DatasetAccess},
		{"", `INFO:     127.0.0.1:62229 - "POST /api/v1/tokenize HTTP/1.1" 200 OK`, DatasetAccess},
	}
	checkDatasets(t, tests)
}

// A Ray task's plain print under its "(pid=N, ip=...)" prefix is vLLM's only in a container named
// for vLLM: in KubeRay's ray-head (a JAX job's actor, ray-project/ray issue #16965) it is left to
// the source's program; vLLM's own records under the same prefix stay vLLM's anywhere.
func TestRayTaskPrintByContainer(t *testing.T) {
	t.Parallel()
	checkDatasets(t, []containerCase{
		{"ray-head", "(pid=9454, ip=10.164.0.9) jax runtime initialization starting", ""},
		{"vllm", "(pid=9454, ip=10.164.0.9) jax runtime initialization starting", DatasetServer},
		{"ray-head", "(pid=5085) INFO 02-28 21:48:18 [worker.py:42] Loading model weights took 4.2 GB", DatasetServer},
		// Ray 1.x's Serve proxy starting uvicorn (ray-project/ray issue #18432)
		{"ray-head", "(pid=125020) INFO:     Started server process [125020]", ""},
		{"vllm", "(pid=125020) INFO:     Started server process [125020]", DatasetServer},
	})
}

// containerCase is a line from a container and the dataset it must get.
type containerCase struct{ container, line, want string }

func checkDatasets(t *testing.T, tests []containerCase) {
	t.Helper()
	p := New(Options{})
	for _, tc := range tests {
		ev := event.NewMessage(tc.line, time.Date(2025, 5, 21, 11, 44, 45, 0, time.UTC))
		if tc.container != "" {
			ev.SetString(event.FieldK8sContainer, tc.container)
		}
		if !p.Parse(ev) {
			t.Fatalf("%s: %q not parsed", tc.container, tc.line)
		}
		if ds, _ := ev.GetString(event.FieldDataset); ds != tc.want {
			t.Errorf("%s: %q: dataset %q, want %q", tc.container, tc.line, ds, tc.want)
		}
	}
}

// production-stack's router 0.1.0 wrote its routing decision behind uvicorn's "INFO:     "
// (vllm-project/production-stack issue #228): the request's id is http.request.id, as in its
// later format, so that the backend a request went to is found by it.
func TestRouterRoutingRequestUvicorn(t *testing.T) {
	t.Parallel()
	ev := event.NewMessage("INFO:     Routing request ad0e49f0-3764-42c3-b1de-80605d2c2008 to http://192.168.53.47:8000 at 1741189937.2574031, process time = 0.0003", golden.Received)
	ev.SetString(event.FieldK8sContainer, "router-container")
	if !New(Options{}).Parse(ev) {
		t.Fatal("not parsed")
	}
	if id, _ := ev.GetString("http.request.id"); id != "ad0e49f0-3764-42c3-b1de-80605d2c2008" {
		t.Errorf("http.request.id %q: %s", id, ev.AppendJSON(nil))
	}
	if ds, _ := ev.GetString(event.FieldDataset); ds != "vllm_router.server" {
		t.Errorf("dataset %q", ds)
	}
}
