package redact

import (
	"testing"

	"github.com/sluice-dev/sluice/processors/internal/proctest"
)

// BenchmarkProcessor runs the four patterns of the vllm-gpu-k8s example over message and
// error.message.
func BenchmarkProcessor(b *testing.B) {
	p := proctest.New(b, Factory, func(c *Config) {
		c.Patterns = []Pattern{{Builtin: "email"}, {Builtin: "bearer_token"}, {Builtin: "api_key"}, {Builtin: "secret_kv"}}
		c.ApplyTo = []string{"message", "error.message"}
	})
	proctest.Bench(b, p, proctest.Sample())
}

// BenchmarkProcessorClean is the usual case: a line with nothing to redact, which the literal
// hints let skip every regular expression.
func BenchmarkProcessorClean(b *testing.B) {
	p := proctest.New(b, Factory, func(c *Config) {
		c.Patterns = []Pattern{{Builtin: "email"}, {Builtin: "bearer_token"}, {Builtin: "api_key"}, {Builtin: "secret_kv"}}
		c.ApplyTo = []string{"message", "error.message"}
	})
	ev := proctest.Sample()
	ev.SetMessage("INFO 11-27 12:00:01 [metrics.py:351] Avg prompt throughput: 0.0 tokens/s, Running: 3 reqs")
	proctest.Bench(b, p, ev)
}
