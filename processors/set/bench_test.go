package set

import (
	"testing"

	"github.com/sluice-dev/sluice/processors/internal/proctest"
)

func BenchmarkSet(b *testing.B) {
	p := proctest.New(b, Factory, func(c *Config) {
		c.Fields = []Field{{Field: "orchestrator.cluster.name", Value: "gpu-prod"}, {Field: "orchestrator.type", Value: "kubernetes"}}
	})
	proctest.Bench(b, p, proctest.Sample())
}
