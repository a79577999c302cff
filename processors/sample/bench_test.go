package sample

import (
	"testing"

	"github.com/sluice-dev/sluice/processors/internal/proctest"
)

func BenchmarkProcessor(b *testing.B) {
	p := proctest.New(b, Factory, func(c *Config) { c.KeepIf, c.Rate = `log.level == "error"`, 0.1 })
	proctest.Bench(b, p, proctest.Sample())
}
