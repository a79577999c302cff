package fingerprint

import (
	"testing"

	"github.com/sluice-dev/sluice/processors/internal/proctest"
)

func BenchmarkProcessor(b *testing.B) {
	p := proctest.New(b, Factory, func(c *Config) {})
	proctest.Bench(b, p, proctest.Sample())
}
