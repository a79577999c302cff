package copy

import (
	"testing"

	"github.com/sluice-dev/sluice/processors/internal/proc"
	"github.com/sluice-dev/sluice/processors/internal/proctest"
)

func TestCopy(t *testing.T) {
	t.Parallel()
	p := proctest.New(t, Factory, func(c *Config) {
		c.Fields = []proc.FromTo{{From: "message", To: "event.original"}, {From: "gpu", To: "host.gpu"}}
	})
	ev := proctest.Lines("raw line")[0]
	ev.SetString("gpu.uuid", "GPU-1")
	out := proctest.One(t, p, ev)
	for k, want := range map[string]string{"message": "raw line", "event.original": "raw line", "gpu.uuid": "GPU-1", "host.gpu.uuid": "GPU-1"} {
		if got := proctest.Str(out, k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	strict := proctest.New(t, Factory, func(c *Config) {
		c.Fields, c.IgnoreMissing = []proc.FromTo{{From: "nope", To: "x"}}, false
	})
	if out := proctest.One(t, strict, proctest.Lines("m")[0]); !out.HasTag("_copy_failure") {
		t.Errorf("missing source must fail when ignore_missing is false")
	}
	if _, err := proctest.Create(t, Factory, func(c *Config) { c.Fields = []proc.FromTo{{From: "a"}} }); err == nil {
		t.Errorf("a copy without a target must not validate")
	}
}
