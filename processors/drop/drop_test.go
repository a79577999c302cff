package drop

import (
	"testing"

	"github.com/sluice-dev/sluice/processors/internal/proctest"
)

func TestDrop(t *testing.T) {
	t.Parallel()
	p := proctest.New(t, Factory, func(c *Config) { c.If = `message contains "GET /health"` })
	out := proctest.Run(t, p, proctest.Lines(`"GET /health HTTP/1.1" 200`, `"POST /v1/completions HTTP/1.1" 200`)...)
	if len(out) != 1 || out[0].Message() != `"POST /v1/completions HTTP/1.1" 200` {
		t.Fatalf("got %d events", len(out))
	}
	if _, err := proctest.Create(t, Factory, func(*Config) {}); err == nil {
		t.Errorf("drop without if must not validate")
	}
}
