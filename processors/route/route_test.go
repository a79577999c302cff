package route

import (
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/processors/internal/proctest"
)

func TestRoute(t *testing.T) {
	t.Parallel()
	routes := []Route{
		{If: `log.level == "error"`, Outputs: []string{"elasticsearch/errors"}},
		{If: `kubernetes.namespace == "gpu-operator"`, Outputs: []string{"elasticsearch/gpu", "kafka/oncall"}},
	}
	cases := []struct {
		mode, level, ns string
		want            string
	}{
		{"first", "error", "gpu-operator", "elasticsearch/errors"},
		{"all", "error", "gpu-operator", "elasticsearch/errors,elasticsearch/gpu,kafka/oncall"},
		{"first", "info", "gpu-operator", "elasticsearch/gpu,kafka/oncall"},
		{"first", "info", "inference", "elasticsearch/logs"},
		{"all", "info", "inference", "elasticsearch/logs"},
	}
	for _, tc := range cases {
		p := proctest.New(t, Factory, func(c *Config) {
			c.Routes = append([]Route(nil), routes...)
			c.Mode, c.Default = tc.mode, []string{"elasticsearch/logs"}
		})
		ev := proctest.Lines("m")[0]
		ev.SetString("log.level", tc.level)
		ev.SetString("kubernetes.namespace", tc.ns)
		out := proctest.One(t, p, ev)
		if got := strings.Join(out.Meta.Routes, ","); got != tc.want {
			t.Errorf("%+v: routes %s", tc, got)
		}
	}
}

// Output ids are keys, and keys are case-insensitive: a route written in capitals still matches.
func TestRouteOutputsIgnoreCase(t *testing.T) {
	t.Parallel()
	p := proctest.New(t, Factory, func(c *Config) {
		c.Routes = []Route{{If: `log.level == "error"`, Outputs: []string{"Elasticsearch/Errors"}}}
		c.Default = []string{"STDOUT"}
	})
	evs := proctest.Lines("a", "b")
	evs[0].SetString("log.level", "error")
	for i, want := range []string{"elasticsearch/errors", "stdout"} {
		if got := strings.Join(proctest.One(t, p, evs[i]).Meta.Routes, ","); got != want {
			t.Errorf("event %d: routes %s, want %s", i, got, want)
		}
	}
}

func TestRouteBadConfig(t *testing.T) {
	t.Parallel()
	bad := []func(*Config){
		func(c *Config) {},
		func(c *Config) { c.Routes = []Route{{If: `a ==`, Outputs: []string{"x"}}} },
		func(c *Config) { c.Routes = []Route{{If: `a == 1`}} },
		func(c *Config) { c.Routes = []Route{{If: `a == 1`, Outputs: []string{"x"}}}; c.Mode = "any" },
	}
	for i, f := range bad {
		if _, err := proctest.Create(t, Factory, f); err == nil {
			t.Errorf("case %d: expected an error", i)
		}
	}
}
