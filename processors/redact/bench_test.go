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
