package rename

import (
	"testing"

	"github.com/sluice-dev/sluice/processors/internal/proc"
	"github.com/sluice-dev/sluice/processors/internal/proctest"
)

func BenchmarkRename(b *testing.B) {
	p := proctest.New(b, Factory, func(c *Config) {
		c.Fields = []proc.FromTo{{From: "vllm.ts", To: "vllm.timestamp"}, {From: "agent", To: "shipper"}}
	})
	proctest.Bench(b, p, proctest.Sample())
}
