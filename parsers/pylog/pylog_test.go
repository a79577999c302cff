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
