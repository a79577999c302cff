package vllm

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/parsers/golden"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// parseBoth parses msg with Parse and with ParseSplit and fails when the events differ.
func parseBoth(t *testing.T, p *Parser, msg string) {
	t.Helper()
	want := event.NewMessage(msg, golden.Received)
	wantOK := p.Parse(want)
	got := event.NewMessage(msg, golden.Received)
	first, _, _ := strings.Cut(msg, "\n")
	l := Split(first)
	before := l
	gotOK := p.ParseSplit(got, msg, &l)
	if gotOK != wantOK {
		t.Fatalf("%q: ParseSplit = %v, Parse = %v", msg, gotOK, wantOK)
	}
	if g, w := string(got.AppendJSON(nil)), string(want.AppendJSON(nil)); g != w {
		t.Fatalf("%q:\nParseSplit: %s\nParse:      %s", msg, g, w)
	}
	if l != before {
		t.Fatalf("%q: ParseSplit changed the line it was given", msg)
	}
}

// TestParseSplitMatchesParse runs every golden line, and every case's lines joined as the parse
// processor joins a traceback, through both entry points, in every prompt mode.
func TestParseSplitMatchesParse(t *testing.T) {
	t.Parallel()
	for _, dir := range golden.Cases(t, "testdata") {
		lines := golden.Lines(t, filepath.Join(dir, "input.log"))
		for _, mode := range []PromptMode{PromptsHash, PromptsTruncate, PromptsKeep, PromptsDrop} {
			p := New(Options{Prompts: mode})
			for _, l := range lines {
				parseBoth(t, p, l)
			}
			for i := 0; i+3 <= len(lines); i += 3 {
				parseBoth(t, p, strings.Join(lines[i:i+3], "\n"))
			}
		}
	}
}

func FuzzParseSplit(f *testing.F) {
	golden.Seed(f, "testdata")
	f.Add(receivedLine)
	f.Add("ERROR 05-01 14:39:06 [core.py:1131] x\r\nTraceback (most recent call last):\n  File \"a.py\"")
	f.Fuzz(func(t *testing.T, msg string) {
		parseBoth(t, New(Options{}), msg)
	})
}

func TestSHA256Hex(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		// 1,000,000 'a': crosses the 512-byte buffer many times and ends mid-buffer.
		{strings.Repeat("a", 1000000), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
	}
	for _, tc := range tests {
		if got := sha256Hex(tc.in); got != tc.want {
			t.Errorf("sha256Hex(%d bytes) = %s, want %s", len(tc.in), got, tc.want)
		}
	}
}

// A traceback's header in a copy whose lines end in a space is still the header, and what
// follows a tqdm bar on its line is the line's body.
func TestSplitBody(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"ERROR 06-03 14:54:23 engine.py:400] Traceback (most recent call last): ":                                                                                       TracebackHeader,
		"Capturing CUDA graph shapes:  30%|███       | 16/53 [00:00<00:00, 48.52it/s]DEBUG 09-09 15:33:36 [cuda_piecewise_backend.py:151] Warming up 1/1 for shape 272": "Warming up 1/1 for shape 272",
		"Capturing CUDA graph shapes: 100%|██████████| 53/53 [00:01<00:00, 48.52it/s]":                                                                                  "Capturing CUDA graph shapes: 100%|██████████| 53/53 [00:01<00:00, 48.52it/s]",
	} {
		if got := Split(in).Body; got != want {
			t.Errorf("Split(%q).Body = %q, want %q", in, got, want)
		}
	}
}

// TestSplitLauncherLabels: torchrun's label before a local rank's teed line ("[default3]:",
// "[trainer0|0]:", NVIDIA/nccl issue #1837) and srun's padded task number are read past, each
// label a stream of its own; a number alone ("[1]: ", Elasticsearch's list of failed checks),
// torch's "[rankN]:" and a backtrace's numbered frames are not such a label.
func TestSplitLauncherLabels(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]struct{ body, service string }{
		"[default3]:node-1:1958:1958 [3] NCCL INFO NCCL_SOCKET_IFNAME set to eth2": {"node-1:1958:1958 [3] NCCL INFO NCCL_SOCKET_IFNAME set to eth2", "[default3]"},
		"[trainer0|0]:ncclInternalError: Internal check failed.":                   {"ncclInternalError: Internal check failed.", "[trainer0|0]"},
		"[1]: max virtual memory areas vm.max_map_count [65530] is too low":        {"[1]: max virtual memory areas vm.max_map_count [65530] is too low", ""},
		"[rank2]: RuntimeError: boom":                                              {"RuntimeError: boom", ""},
		// srun --label's task number padded to the job's widest (ai-dynamo/dynamo pull request
		// #1690); a backtrace's frame numbers are padded so too, and are no label
		" 0: [06/27/2025-15:55:56] [TRT-LLM] [RANK 0] [E] Traceback (most recent call last):": {"[06/27/2025-15:55:56] [TRT-LLM] [RANK 0] [E] Traceback (most recent call last):", "0"},
		" 0:     worker.submit(req)":                                     {"    worker.submit(req)", "0"},
		"   0: std::backtrace_rs::backtrace::libunwind::trace":           {"   0: std::backtrace_rs::backtrace::libunwind::trace", ""},
		"   0:     0x5628b57586fc - std::backtrace_rs::backtrace::trace": {"   0:     0x5628b57586fc - std::backtrace_rs::backtrace::trace", ""},
		"    1: 0x1010cb5e5 node::Abort() [/usr/local/bin/node]":         {"    1: 0x1010cb5e5 node::Abort() [/usr/local/bin/node]", ""},
	} {
		if l := Split(in); l.Body != want.body || l.Service != want.service {
			t.Errorf("Split(%q): body %q, service %q; want %q, %q", in, l.Body, l.Service, want.body, want.service)
		}
	}
}

// TestSplitDoubledRank: a launcher's label the same as torch's rank prefix before it
// ("[rank0]:[rank0]:   File ...", pytorch/torchtitan issue #55) is one rank's prefix; two
// different ones, or torch's C++ line after the prefix, are not read so.
func TestSplitDoubledRank(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]struct {
		body string
		rank int64
	}{
		`[rank0]:[rank0]:   File "/x/symbolic_convert.py", line 793, in run`: {`  File "/x/symbolic_convert.py", line 793, in run`, 0},
		`[rank3]:[rank3]: RuntimeError: boom`:                                {"RuntimeError: boom", 3},
		`[rank0]: Traceback (most recent call last):`:                        {TracebackHeader, 0},
	} {
		l := Split(in)
		if l.Body != want.body || l.Rank != want.rank {
			t.Errorf("Split(%q): body %q, rank %d; want %q, %d", in, l.Body, l.Rank, want.body, want.rank)
		}
	}
	if l := Split("[rank0]:[rank1]: x"); l.Rank == 0 && l.Body == "x" {
		t.Errorf("two ranks' prefixes read as one: %+v", l)
	}
}

// TestSplitRelayedDaemon: a Ray daemon's line an engine core relays (vllm-project/vllm, a
// KubeRay worker that died) keeps the engine core as its process, the daemon named.
func TestSplitRelayedDaemon(t *testing.T) {
	t.Parallel()
	l := Split("(EngineCore_DP0 pid=1879) (raylet) A worker died or was killed while executing a task by an unexpected system error.")
	if l.ProcName != "EngineCore_DP0" || l.PID != 1879 || l.Daemon != "raylet" || l.Proc != "(EngineCore_DP0 pid=1879) (raylet)" ||
		l.Body != "A worker died or was killed while executing a task by an unexpected system error." || l.Parallel[0] != 0 {
		t.Errorf("Split: %+v", l)
	}
}
