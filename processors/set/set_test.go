package set

import (
	"fmt"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/processors/internal/proc"
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

// TestSetSharedLikeOwn: fields set as one shared object read and encode as the same fields set
// one by one, whatever the event has under their name already, and later changes under the
// name apply.
func TestSetSharedLikeOwn(t *testing.T) {
	t.Parallel()
	no := false
	fields := []Field{
		{Field: "orchestrator.cluster.name", Value: "gpu-prod"},
		{Field: "orchestrator.type", Value: "kubernetes"},
		{Field: "service.name", Value: "vllm"},
		{Field: "cloud.region", Value: "eu-west-1"},
		{Field: "cloud.provider", Value: "gcp", Override: &no},
	}
	p := proctest.New(t, Factory, func(c *Config) { c.Fields = fields })
	other, ok := event.NewShared("orchestrator", 2, func(i int) (string, event.Value) {
		return []string{"orchestrator.namespace", "orchestrator.type"}[i], event.String([]string{"ns", "nomad"}[i])
	})
	if !ok {
		t.Fatal("NewShared refused the fields")
	}
	starts := map[string]func(*event.Event){
		"empty":              func(*event.Event) {},
		"own under the name": func(e *event.Event) { e.SetString("orchestrator.namespace", "ns") },
		"own field replaced": func(e *event.Event) { e.SetString("orchestrator.type", "nomad") },
		"shared of the name": func(e *event.Event) { e.AddShared(other) },
		"own name as value":  func(e *event.Event) { e.SetString("orchestrator", "flat") },
		"kept provider":      func(e *event.Event) { e.SetString("cloud.provider", "aws") },
	}
	for name, start := range starts {
		got, want := event.NewMessage("line", time.Unix(1700000000, 0)), event.NewMessage("line", time.Unix(1700000000, 0))
		start(got)
		start(want)
		for _, f := range fields { // what the processor does, one Set at a time
			if f.Override == nil || *f.Override || !want.Has(f.Field) {
				v, _ := proc.ValueOf(f.Value)
				want.Set(f.Field, v)
			}
		}
		out := proctest.Run(t, p, got)
		if g, w := string(out[0].AppendJSON(nil)), string(want.AppendJSON(nil)); g != w {
			t.Errorf("%s: processor writes\n%s\nset one by one\n%s", name, g, w)
		}
		for _, k := range []string{"orchestrator.cluster.name", "orchestrator.type", "orchestrator.namespace", "orchestrator"} {
			g, gok := out[0].Get(k)
			w, wok := want.Get(k)
			if gok != wok || !g.Equal(w) {
				t.Errorf("%s: %s = %v (%v), want %v (%v)", name, k, g.Any(), gok, w.Any(), wok)
			}
		}
		out[0].SetString("orchestrator.type", "changed")
		if v, _ := out[0].GetString("orchestrator.type"); v != "changed" {
			t.Errorf("%s: a later set under the name reads %q", name, v)
		}
	}
}

// TestGroup: fields that replace and share a top-level name no other field of the processor
// uses otherwise become one shared object; the rest are set one by one.
func TestGroup(t *testing.T) {
	t.Parallel()
	s := func(k string) assign { return assign{key: k, val: event.String("v"), override: true} }
	keep := func(k string) assign { return assign{key: k, val: event.String("v")} }
	own, shared := group([]assign{s("orchestrator.cluster.name"), s("service.name"), s("orchestrator.type"),
		s("cloud.region"), keep("cloud.provider"), s("host"), s("host.name"), s("plain")})
	var names []string
	for _, sh := range shared {
		names = append(names, sh.Name())
	}
	var keys []string
	for _, a := range own {
		keys = append(keys, a.key)
	}
	if fmt.Sprint(names) != "[orchestrator service]" || fmt.Sprint(keys) != "[cloud.region cloud.provider host host.name plain]" {
		t.Errorf("shared %v, one by one %v", names, keys)
	}
}
