package date

import (
	"testing"

	"github.com/sluice-dev/sluice/processors/internal/proctest"
)

// BenchmarkProcessor reads vLLM's year-less timestamp.
func BenchmarkProcessor(b *testing.B) {
	p := proctest.New(b, Factory, func(c *Config) { c.Field, c.Formats = "vllm.ts", []string{"MM-dd HH:mm:ss"} })
	proctest.Bench(b, p, proctest.Sample())
}
