package route

import (
	"testing"

	"github.com/sluice-dev/sluice/processors/internal/proctest"
)

func BenchmarkRoute(b *testing.B) {
	p := proctest.New(b, Factory, func(c *Config) {
		c.Mode = "all"
		c.Routes = []Route{
			{If: `log.level in ["ERROR", "CRITICAL"]`, Outputs: []string{"elasticsearch/logs", "elasticsearch/errors"}},
			{If: `kubernetes.namespace == "gpu-operator"`, Outputs: []string{"elasticsearch/gpu"}},
		}
		c.Default = []string{"elasticsearch/logs"}
	})
	proctest.Bench(b, p, proctest.Sample())
}
