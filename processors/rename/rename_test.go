package rename

import (
	"testing"

	"github.com/sluice-dev/sluice/processors/internal/proc"
	"github.com/sluice-dev/sluice/processors/internal/proctest"
)

func TestRename(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		ignore bool
		fields []proc.FromTo
		want   map[string]string
		tagged bool
	}{
		{"leaf", true, []proc.FromTo{{From: "lvl", To: "log.level"}}, map[string]string{"log.level": "INFO", "lvl": "<missing>"}, false},
		{"subtree", true, []proc.FromTo{{From: "k8s", To: "kubernetes"}}, map[string]string{"kubernetes.pod.name": "p", "kubernetes.namespace": "ns", "k8s.pod.name": "<missing>"}, false},
		{"missing ignored", true, []proc.FromTo{{From: "nope", To: "x"}}, map[string]string{"x": "<missing>"}, false},
		{"missing is an error", false, []proc.FromTo{{From: "nope", To: "x"}}, map[string]string{"lvl": "INFO"}, true},
		{"prefix is not a parent", true, []proc.FromTo{{From: "k8", To: "x"}}, map[string]string{"k8s.pod.name": "p"}, false},
	}
	for _, tc := range cases {
		p := proctest.New(t, Factory, func(c *Config) { c.Fields, c.IgnoreMissing = tc.fields, tc.ignore })
		ev := proctest.Lines("m")[0]
		ev.SetString("lvl", "INFO")
		ev.SetString("k8s.pod.name", "p")
		ev.SetString("k8s.namespace", "ns")
		out := proctest.One(t, p, ev)
		for k, want := range tc.want {
			if got := proctest.Str(out, k); got != want {
				t.Errorf("%s: %s = %q, want %q", tc.name, k, got, want)
			}
		}
		if out.HasTag("_rename_failure") != tc.tagged {
			t.Errorf("%s: tags %v", tc.name, out.Tags())
		}
	}
}
