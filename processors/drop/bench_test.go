package drop

import (
	"testing"

	"github.com/sluice-dev/sluice/processors/internal/proctest"
)

// BenchmarkDrop measures the condition on events it keeps (the common case).
func BenchmarkDrop(b *testing.B) {
	p := proctest.New(b, Factory, func(c *Config) {
		c.If = `event.dataset == "vllm.access" && url.path in ["/health", "/metrics"]`
	})
	proctest.Bench(b, p, proctest.Sample())
}
