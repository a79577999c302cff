package set

import (
	"testing"

	"github.com/sluice-dev/sluice/processors/internal/proctest"
)

func TestSet(t *testing.T) {
	t.Parallel()
	no := false
	p := proctest.New(t, Factory, func(c *Config) {
		c.If = `kubernetes.namespace == "inference"`
		c.Fields = []Field{
			{Field: "event.dataset", Value: "vllm.engine"},
			{Field: "gpu.count", Value: 8},
			{Field: "service.name", Value: "other", Override: &no},
		}
	})
	in := proctest.Lines("a", "b")
	in[0].SetString("kubernetes.namespace", "inference")
	in[0].SetString("service.name", "vllm")
	out := proctest.Run(t, p, in...)
	if got := proctest.Str(out[0], "event.dataset") + "|" + proctest.Str(out[0], "gpu.count") + "|" + proctest.Str(out[0], "service.name"); got != "vllm.engine|8|vllm" {
		t.Errorf("matched event: %s", got)
	}
	if out[1].Has("event.dataset") {
		t.Errorf("event outside the condition was changed")
	}
}

func TestSetBadConfig(t *testing.T) {
	t.Parallel()
	for _, fields := range [][]Field{nil, {{Field: "", Value: "x"}}, {{Field: "a", Value: []int{1}}}} {
		if _, err := proctest.Create(t, Factory, func(c *Config) { c.Fields = fields }); err == nil {
			t.Errorf("%v: expected an error", fields)
		}
	}
}
