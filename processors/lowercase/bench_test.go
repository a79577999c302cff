package lowercase

import (
	"testing"

	"github.com/sluice-dev/sluice/processors/internal/proctest"
)

func BenchmarkLowercase(b *testing.B) {
	p := proctest.New(b, Factory, func(c *Config) { c.Fields = []string{"log.level"} })
	proctest.Bench(b, p, proctest.Sample())
}
