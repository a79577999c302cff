package copy

import (
	"testing"

	"github.com/sluice-dev/sluice/processors/internal/proc"
	"github.com/sluice-dev/sluice/processors/internal/proctest"
)

func BenchmarkCopy(b *testing.B) {
	p := proctest.New(b, Factory, func(c *Config) { c.Fields = []proc.FromTo{{From: "message", To: "event.original"}} })
	proctest.Bench(b, p, proctest.Sample())
}
