package truncate

import (
	"testing"

	"github.com/sluice-dev/sluice/processors/internal/proctest"
)

func BenchmarkTruncate(b *testing.B) {
	p := proctest.New(b, Factory, func(c *Config) { c.MaxBytes = 64 })
	proctest.Bench(b, p, proctest.Sample())
}
