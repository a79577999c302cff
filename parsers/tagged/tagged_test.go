package tagged

import (
	"testing"

	"github.com/sluice-dev/sluice/parsers/parseutil/putest"
)

func TestGolden(t *testing.T) { putest.Golden(t, Info) }

func TestRejects(t *testing.T) {
	t.Parallel()
	putest.Rejects(t, New(),
		"", "[INFO]", "[Info] mixed case is a word, not a tag", "[Error] nor spdlog's",
		"[GIN-debug] [WARNING] not a level tag after the first",
		"[2024-06-16T01:32:08.557][ERROR][x] no zone: not Kibana's",
		"[a name with spaces][ERROR] message", "[TensorRT-LLM][ERROR]",
		"[2025-07-05 12:59:32.936][1][warning][misc] Envoy's",
		"ERROR:    uvicorn's own, the vllm parser's", "WARNING:root:Python's default format", "ERROR: ", "ERROR:    ", "some program: error: ", "a sentence with an error: error: here",
		"E:/C_Learn/main.c:6:23: error: initializer element is not constant", "2024-01-01T00:00:00Z: error: boom",
		"INFO: task python3:12345 blocked for more than 122 seconds.", "INFO: rcu_sched self-detected stall on CPU",
		"WARNING: CPU: 12 PID: 1234 at drivers/gpu/nvidia.c:1 x+0x1/0x2 [nvidia]",
	)
}

func FuzzParse(f *testing.F) { putest.FuzzParse(f, New()) }

var benchLines = []string{
	`[ERROR] plugin/errors: 2 2880157511810145385.1418540156305842520. HINFO: read udp 10.100.1.240:44086->10.0.0.1:53: i/o timeout`,
	`[2024-06-16T01:32:09.680-05:00][INFO ][plugins.screenshotting.chromium] Browser executable: /usr/share/kibana/headless_shell`,
	`INFO 05-12 08:01:39 [loggers.py:271] Engine 000: Avg prompt throughput: 0.0 tokens/s`,
}

func BenchmarkParse(b *testing.B) { putest.Bench(b, New(), benchLines) }

// TestSignalReportPadded: Triton's signal handler's line, also with a terminal's padding after
// it (triton-inference-server/server issue #6506).
func TestSignalReportPadded(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"Signal (11) received.":                           true,
		"Signal (11) received.                          ": true,
		"Signal (x) received.":                            false,
		"Signal (11) received. Exiting":                   false,
	} {
		if got := SignalReport(s); got != want {
			t.Errorf("SignalReport(%q) = %v, want %v", s, got, want)
		}
	}
}

// glibc's backtrace_symbols frames under a ggml abort, with or without the space newer glibc
// writes before the address (ggml-org/llama.cpp issue #24324: "libggml-base.so.0(+0x18665)
// [0x7fbfdb553665]"), are the abort's lines; text that only looks alike is not.
func TestGGMLAbortBacktrace(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"/app/build/bin/libggml-base.so(ggml_abort+0x15e)[0x7f5e1b6a3c4e]":                                        true,
		"/home/llamacpp/llama.cpp-b9568/build/bin/libggml-base.so.0(+0x18665) [0x7fbfdb553665]":                   true,
		"/home/llamacpp/llama.cpp-b9568/build/bin/libggml-base.so.0(ggml_print_backtrace+0x1df) [0x7fbfdb553a3f]": true,
		"see the docs (section 2) [link]": false,
	} {
		if got := GGMLAbortLine(s); got != want {
			t.Errorf("GGMLAbortLine(%q) = %v, want %v", s, got, want)
		}
	}
}
