package uppercase

import (
	"testing"

	"github.com/sluice-dev/sluice/processors/internal/proctest"
)

func BenchmarkUppercase(b *testing.B) {
	p := proctest.New(b, Factory, func(c *Config) { c.Fields = []string{"kubernetes.pod.name"} })
	proctest.Bench(b, p, proctest.Sample())
}
