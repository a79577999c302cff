package config

import (
	"fmt"
	"testing"
)

// Every loop is found once, written from where the walk entered it back to the same pipeline.
func TestLoops(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		next map[string][]string
		want string
	}{
		{map[string][]string{"a": {"b", "c"}, "b": {"c"}}, "[]"},
		{map[string][]string{"a": {"a"}}, "[[a a]]"},
		{map[string][]string{"a": {"b"}, "b": {"c"}, "c": {"a"}}, "[[a b c a]]"},
		{map[string][]string{"a": {"b"}, "b": {"a"}, "c": {"d"}, "d": {"c"}}, "[[a b a] [c d c]]"},
	} {
		got := loops([]string{"a", "b", "c", "d"}, c.next)
		if s := fmt.Sprint(got); s != c.want {
			t.Errorf("loops(%v) = %s, want %s", c.next, s, c.want)
		}
	}
}

// Downstream names, for each sending pipeline, the pipelines its pipeline outputs reach.
func TestDownstream(t *testing.T) {
	t.Parallel()
	cfg, err := Parse([]byte(`
inputs: {stdin: {}, pipeline/a: {address: a}, pipeline/b: {address: b}}
outputs: {pipeline/both: {send_to: [b, a]}, stdout: {}}
pipelines:
  main: {inputs: [stdin], outputs: [pipeline/both]}
  x: {inputs: [pipeline/a], outputs: [stdout]}
  y: {inputs: [pipeline/b], outputs: [stdout]}
`), testComponents())
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(cfg.Downstream()); got != "map[main:[x y]]" {
		t.Errorf("downstream %s", got)
	}
}
