package pylog

import (
	"testing"

	"github.com/sluice-dev/sluice/parsers/golden"
	"github.com/sluice-dev/sluice/parsers/parseutil/putest"
	"github.com/sluice-dev/sluice/pipeline/event"
)

func TestGolden(t *testing.T) { putest.Golden(t, Info) }

func TestRejects(t *testing.T) {
	t.Parallel()
	putest.Rejects(t, New(),
		"", "INFO:     10.0.0.1:5555 - \"GET /health HTTP/1.1\" 200 OK", "ERROR: Unable to load the kernel module 'nvidia.ko'.",
		"I0607 06:13:05.123456    1234 kubelet.go:123] x", "2024-01-01 12:00:00 a b c d e ERROR", "[2024-01-01 12:00:00,1] [NOPE] x",
		"INFO 05-12 08:01:39 [loggers.py:271] hi",
	)
}

func FuzzParse(f *testing.F) { putest.FuzzParse(f, New()) }

// benchLines are one line of each format.
var benchLines = []string{
	"2024-05-12 08:01:39,123 - vllm.engine.async_llm_engine - ERROR - Engine background task failed",
	"[2023-08-21 19:29:05,206] [INFO] [comm.py:662:init_distributed] Initializing TorchBackend in DeepSpeed with backend nccl",
	"2025-04-07 08:49:41.625 408300 kserve INFO [model_server.py:register_model():398] Registering model: model",
	"INFO 2024-11-18 01:46:34,210 default_VLLMDeployment ujj4diu5 replica.py:893 - Started initializing replica.",
	"2024-06-13 16:11:50,396 INFO worker.py:1752 -- Started a local Ray instance.",
}

func BenchmarkParse(b *testing.B) { putest.Bench(b, New(), benchLines) }

// BenchmarkParseCPU reports the CPU time per line, which a busy machine distorts less than the
// wall time.
func BenchmarkParseCPU(b *testing.B) {
	p, ev, i := New(), event.New(), 0
	golden.BenchCPU(b, func() {
		ev.Reset()
		ev.Meta.Received = golden.Received
		ev.SetMessage(benchLines[i%len(benchLines)])
		i++
		p.Parse(ev)
	})
}

func TestSGLangRID(t *testing.T) {
	for msg, want := range map[string]string{
		"Prefill bootstrap failed for request rank=0 req.rid='be001b94' req.bootstrap_room=2 with exception x": "be001b94",
		"Receive: obj=GenerateReqInput(rid='abc', text='hi')":                                                  "abc",
		"Decode transfer failed for request rank=0 rid=9f0e bootstrap_room=3":                                  "9f0e",
		"Abort request rid=None":  "",
		"grid=4 blocks":           "",
		"no id grid=4, rid='x1'":  "x1",
		"rid='unterminated":       "",
		"Finish: obj=X(rid=7f2a)": "7f2a",
	} {
		if got := sglangRID(msg); got != want {
			t.Errorf("sglangRID(%q) = %q, want %q", msg, got, want)
		}
	}
}

func TestSelfNamedException(t *testing.T) {
	for s, want := range map[string][2]string{
		"KVTransferError(bootstrap_room=12): Failed to get kvcache": {"KVTransferError", "Failed to get kvcache"},
		"NIXL KVReceiver Exception":                                 {"", ""},
		"RuntimeError(boom)":                                        {"RuntimeError", ""},
		"Thing(x): y":                                               {"", ""},
	} {
		typ, text, ok := selfNamed(s)
		if ok != (want[0] != "") || typ != want[0] || text != want[1] {
			t.Errorf("selfNamed(%q) = %q, %q, %v; want %q, %q", s, typ, text, ok, want[0], want[1])
		}
	}
}

// TestSGLangLastWords: SGLang's format prints no level, but its server's last words are errors,
// in both spellings its releases wrote (sgl-project/sglang issues #12421 and #3460), and so is its
// launcher's word on a scheduler that died while it started, and the tokenizer manager's
// logger.error of a request it no longer holds.
func TestSGLangLastWords(t *testing.T) {
	t.Parallel()
	p := New()
	for _, line := range []string{
		"[2025-10-31 02:16:22] Received sigquit from a child process. It usually means the child failed.",
		"[2025-02-09 21:23:00] Received sigquit from a child proces. It usually means the child failed.",
		"[2025-07-11 17:40:16 DP0 TP0] Watchdog timeout (self.watchdog_timeout=300)",
		// a scheduler dead before it was ready (kvcache-ai/ktransformers issue #1804), and in
		// SGLang Diffusion's year-less layout with the exit code after it (sgl-project/sglang
		// issue #29833)
		"[2026-01-23 09:10:40] Rank 0 scheduler is dead. Please check if there are relevant logs.",
		"[07-01 15:20:44] Rank 0 scheduler is dead. Please check if there are relevant logs.",
		"[07-01 15:20:46] Exit code: 1",
		// the tokenizer manager's output for a request its client left (sgl-project/sglang pull request #35255)
		"[2026-08-24 06:49:47] Received output for rid='e71f27aa5f7b44dd8283c751e2c15842' but the state was deleted in TokenizerManager.",
		// a streamed tool call its parser could not read (sgl-project/sglang pull request #7479)
		"[2025-06-23 07:22:00] Error in parse_streaming_increment: Expecting value: line 1 column 1 (char 0)",
	} {
		ev := event.New()
		ev.SetMessage(line)
		ev.SetString(event.FieldK8sContainer, "sglang")
		if !p.Parse(ev) {
			t.Fatalf("%q: not parsed", line)
		}
		if lv, _ := ev.GetString(event.FieldLogLevel); lv != "error" {
			t.Errorf("%q: level %q, want error", line, lv)
		}
		if ds, _ := ev.GetString(event.FieldDataset); ds != DatasetSGLang {
			t.Errorf("%q: dataset %q, want %s", line, ds, DatasetSGLang)
		}
	}
}

// TestRichTimeColumn: Rich's default layout opens a record with its time column, or with that
// column blank where the time repeats: a record of its own, not a further row of the one
// before; a row is indented past both columns.
func TestRichTimeColumn(t *testing.T) {
	t.Parallel()
	const blank = "                    "     // the time column left blank
	for b, want := range map[string][2]bool{ // RichStart, RichRow
		"[11/17/25 13:46:54] ERROR    HTTP request failed (422 Unprocessable Entity):           remote_conversation.py:61": {true, false},
		blank + "INFO     Conversation started                                      remote_conversation.py:12":             {true, false},
		blank + "         {'detail': [{'type': 'extra_forbidden', 'loc': ['body',":                                         {false, true},
		"ERROR    2024-11-28 13:24:44,248 infinity_emb ERROR: CUDA   batch_handler.py:574":                                 {true, false},
		"         out of memory. Tried to allocate 3.88 GiB. GPU 0":                                                        {false, true},
		"[11/17/25 13:46:54] something else entirely":                                                                      {false, false},
	} {
		if got := [2]bool{RichStart(b), RichRow(b)}; got != want {
			t.Errorf("%q: RichStart, RichRow = %v, want %v", b, got, want)
		}
	}
}
