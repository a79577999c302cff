package corpus

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// A source is one kind of container on a GPU node and the lines it writes.
type source struct {
	container string
	namespace string
	pod       string
	image     string
	weight    int
	lines     func(g *Generator, t time.Time) []string
}

// sources are the containers of the stack with rough shares of the log volume on a busy
// serving node: vLLM dominates (an access line and request lines per inference), the GPU
// operator stack is a trickle except when something breaks.
var sources = []source{
	{"vllm", "inference", "llama-70b-7d9f8-x2k4p", "vllm/vllm-openai:v0.8.5", 86, vllmLines},
	{"nvidia-device-plugin", "gpu-operator", "nvidia-device-plugin-daemonset-5xk2f", "nvcr.io/nvidia/k8s-device-plugin:v0.17.0", 3, devicePluginLines},
	{"nvidia-dcgm-exporter", "gpu-operator", "nvidia-dcgm-exporter-8qk2m", "nvcr.io/nvidia/k8s/dcgm-exporter:3.3.9-3.6.1-ubuntu22.04", 3, dcgmLines},
	{"gpu-operator", "gpu-operator", "gpu-operator-6b8d7c9f5-kq2lz", "nvcr.io/nvidia/gpu-operator:v24.9.0", 4, operatorLines},
	{"nvidia-driver-ctr", "gpu-operator", "nvidia-driver-daemonset-2ls9d", "nvcr.io/nvidia/driver:550.127.05-ubuntu22.04", 4, driverLines},
}

func vllmPrefix(g *Generator, t time.Time, level, file string, line int) string {
	return fmt.Sprintf("%s %s %s:%d] ", level, t.Format("01-02 15:04:05"), file, line)
}

func vllmLines(g *Generator, t time.Time) []string {
	r := g.rnd
	// Shares per 10,000 vLLM records: access lines and request lines dominate, an engine stats
	// line every few hundred requests, some warnings and request errors, and rarely an engine
	// crash with its traceback.
	switch n := r.IntN(10000); {
	case n < 4000:
		return []string{fmt.Sprintf(`INFO:     10.%d.%d.%d:%d - "POST /v1/chat/completions HTTP/1.1" %d %s`,
			r.IntN(255), r.IntN(255), r.IntN(255), 30000+r.IntN(30000), status(r), statusText(r))}
	case n < 7000:
		id := fmt.Sprintf("chatcmpl-%032x", r.Uint64())
		p := "(APIServer pid=1) " + vllmPrefix(g, t, "INFO", "logger.py", 39)
		return []string{p + fmt.Sprintf("Received request %s: prompt: '%s', params: SamplingParams(n=1, temperature=0.7, top_p=0.95, max_tokens=%d), prompt_token_ids: None, lora_request: None.",
			id, prompt(r), 64+r.IntN(1024)),
			"(APIServer pid=1) " + vllmPrefix(g, t, "INFO", "engine.py", 267) + "Added request " + id + "."}
	case n < 9000:
		return []string{"(APIServer pid=1) " + vllmPrefix(g, t, "INFO", "loggers.py", 123) + fmt.Sprintf(
			"Engine 000: Avg prompt throughput: %.1f tokens/s, Avg generation throughput: %.1f tokens/s, Running: %d reqs, Waiting: %d reqs, GPU KV cache usage: %.1f%%, Prefix cache hit rate: %.1f%%",
			r.Float64()*5000, r.Float64()*2000, r.IntN(64), r.IntN(8), r.Float64()*100, r.Float64()*100)}
	case n < 9900:
		return []string{"(APIServer pid=1) " + vllmPrefix(g, t, "WARNING", "serving_chat.py", 194) +
			"Request chatcmpl-" + fmt.Sprintf("%016x", r.Uint64()) + " exceeded max_model_len; truncating prompt."}
	case n < 9998:
		return []string{"(APIServer pid=1) " + vllmPrefix(g, t, "ERROR", "serving_chat.py", 221) +
			"Error in chat completion stream generator: request chatcmpl-" + fmt.Sprintf("%016x", r.Uint64()) + " was aborted by the client."}
	default:
		return engineCrash(g, t)
	}
}

// engineCrash is a fatal EngineCore error with its traceback: one event in Elasticsearch, made
// of seven lines that the parse processor holds together until the next line of the stream.
func engineCrash(g *Generator, t time.Time) []string {
	p := "(EngineCore_DP0 pid=312) "
	return []string{
		p + vllmPrefix(g, t, "ERROR", "core.py", 588) + "EngineCore encountered a fatal error.",
		p + "Traceback (most recent call last):",
		p + `  File "/usr/local/lib/python3.12/dist-packages/vllm/v1/engine/core.py", line 579, in run_engine_core`,
		p + "    engine_core.run_busy_loop()",
		p + `  File "/usr/local/lib/python3.12/dist-packages/vllm/v1/worker/gpu_model_runner.py", line 1204, in execute_model`,
		p + "    hidden_states = self.model(input_ids=input_ids, positions=positions)",
		p + "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.10 GiB of which 1.06 GiB is free.",
	}
}

func status(r *rand.Rand) int {
	if r.IntN(50) == 0 {
		return 500
	}
	return 200
}

func statusText(r *rand.Rand) string { return "OK" }

var words = strings.Fields("the quick GPU served a batch of tokens while the scheduler kept every cache block warm for the next request from the user")

func prompt(r *rand.Rand) string {
	n := 20 + r.IntN(60)
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[r.IntN(len(words))])
	}
	return b.String()
}

func devicePluginLines(g *Generator, t time.Time) []string {
	return []string{fmt.Sprintf("I%s %7d server.go:%d] Allocate request for device %s", t.Format("0102 15:04:05.000000"),
		1, 300+g.rnd.IntN(50), fmt.Sprintf("GPU-%08x-1b2c-4d5e-8f90-%012x", g.rnd.Uint32(), g.rnd.Uint64()&0xffffffffffff))}
}

func dcgmLines(g *Generator, t time.Time) []string {
	return []string{fmt.Sprintf(`time="%s" level=info msg="Collecting metrics for GPU %d"`, t.Format(time.RFC3339), g.rnd.IntN(8))}
}

func operatorLines(g *Generator, t time.Time) []string {
	return []string{fmt.Sprintf(`{"level":"info","ts":"%s","logger":"controllers.ClusterPolicy","msg":"Reconciliation completed","name":"cluster-policy","state":"ready"}`,
		t.Format(time.RFC3339Nano))}
}

func driverLines(g *Generator, t time.Time) []string {
	if g.rnd.IntN(4) == 0 {
		codes := []int{13, 31, 43, 48, 63, 79, 94}
		return []string{fmt.Sprintf("[%d.%06d] NVRM: Xid (PCI:0000:%02x:00): %d, pid=%d, name=python3, Ch %08x",
			100000+g.rnd.IntN(900000), g.rnd.IntN(1000000), 0x1b+g.rnd.IntN(8)*0x20, codes[g.rnd.IntN(len(codes))], 1000+g.rnd.IntN(60000), g.rnd.IntN(64))}
	}
	return []string{"Waiting for nvidia-persistenced to start...", "Done, now waiting for signal"}[g.rnd.IntN(2):][:1]
}
