package grok

import (
	"testing"

	"github.com/sluice-dev/sluice/processors/internal/proctest"
)

// BenchmarkProcessor matches the same vLLM line and fields as dissect's BenchmarkProcessor.
func BenchmarkProcessor(b *testing.B) {
	p := proctest.New(b, Factory, func(c *Config) {
		c.Patterns = []string{`^%{LOGLEVEL:log.level} %{DATA:ts} \[%{NOTSPACE:file}:%{INT:line:int}\] %{GREEDYDATA:msg}$`}
	})
	proctest.Bench(b, p, proctest.Sample())
}
