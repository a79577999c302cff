package kv

import (
	"testing"

	"github.com/sluice-dev/sluice/processors/internal/proctest"
)

func BenchmarkProcessor(b *testing.B) {
	p := proctest.New(b, Factory, func(c *Config) { c.Format = "logfmt" })
	ev := proctest.Sample()
	ev.SetMessage(`level=info ts=2026-11-27T12:00:00Z caller=health.go:42 msg="device health ok" gpu=3 temp=61 power=280.5`)
	proctest.Bench(b, p, ev)
}
