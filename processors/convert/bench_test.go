package convert

import (
	"testing"

	"github.com/sluice-dev/sluice/processors/internal/proctest"
)

func BenchmarkConvert(b *testing.B) {
	p := proctest.New(b, Factory, func(c *Config) { c.Fields = []Field{{Field: "code", Type: "integer"}} })
	proctest.Bench(b, p, proctest.Sample())
}
