package dissect

import (
	"testing"

	"github.com/sluice-dev/sluice/processors/internal/proctest"
)

// BenchmarkProcessor splits the same vLLM line as grok's BenchmarkProcessor.
func BenchmarkProcessor(b *testing.B) {
	p := proctest.New(b, Factory, func(c *Config) { c.Pattern = "%{log.level} %{+ts} %{+ts} [%{file}:%{line|int}] %{msg}" })
	proctest.Bench(b, p, proctest.Sample())
}
