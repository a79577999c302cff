package remove

import (
	"testing"

	"github.com/sluice-dev/sluice/processors/internal/proctest"
)

func BenchmarkRemove(b *testing.B) {
	p := proctest.New(b, Factory, func(c *Config) { c.Fields = []string{"agent", "vllm.ts"} })
	proctest.Bench(b, p, proctest.Sample())
}
