package kv

import (
	"testing"

	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/processors/internal/proctest"
)

func TestKV(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		cfg  func(*Config)
		line string
		want map[string]event.Value
		fail bool
	}{
		{"logfmt", func(c *Config) { c.Format = "logfmt" },
			`level=error gpu=3 msg="Xid 79: GPU has \"fallen\" off the bus" retry`,
			map[string]event.Value{"level": event.String("error"), "gpu": event.String("3"),
				"msg": event.String(`Xid 79: GPU has "fallen" off the bus`), "retry": event.Bool(true)}, false},
		{"kv skips words", nil, `NVRM: Xid (PCI:0000:3b:00): 79, pid=1234, name=python3`,
			map[string]event.Value{"pid": event.String("1234,"), "name": event.String("python3"), "NVRM:": {}}, false},
		{"custom splits and prefix", func(c *Config) { c.FieldSplit, c.ValueSplit, c.Target = "&", ":", "q" },
			`a:1&b:two&&c:`, map[string]event.Value{"q.a": event.String("1"), "q.b": event.String("two"), "q.c": event.String("")}, false},
		{"guess types", func(c *Config) { c.GuessTypes = true }, `n=3 f=0.5 ok=true s=x`,
			map[string]event.Value{"n": event.Int(3), "f": event.Float(0.5), "ok": event.Bool(true), "s": event.String("x")}, false},
		{"include", func(c *Config) { c.IncludeKeys = []string{"b"} }, `a=1 b=2`,
			map[string]event.Value{"a": {}, "b": event.String("2")}, false},
		{"exclude", func(c *Config) { c.ExcludeKeys = []string{"b"} }, `a=1 b=2`,
			map[string]event.Value{"a": event.String("1"), "b": {}}, false},
		{"single quotes", nil, `user='a b' x=1`, map[string]event.Value{"user": event.String("a b"), "x": event.String("1")}, false},
		{"unterminated quote", nil, `a="open x=1`, map[string]event.Value{"a": event.String(`"open x=1`)}, false},
		{"nothing", nil, `plain text line`, map[string]event.Value{}, true},
	}
	for _, tc := range cases {
		p := proctest.New(t, Factory, tc.cfg)
		out := proctest.One(t, p, proctest.Lines(tc.line)[0])
		for k, want := range tc.want {
			if got, _ := out.Get(k); !got.Equal(want) {
				t.Errorf("%s: %s = %#v, want %#v", tc.name, k, got.Any(), want.Any())
			}
		}
		if out.HasTag("_kv_failure") != tc.fail || out.Message() != tc.line {
			t.Errorf("%s: tags %v", tc.name, out.Tags())
		}
	}
}

func TestBadConfig(t *testing.T) {
	t.Parallel()
	for i, f := range []func(*Config){
		func(c *Config) { c.Format = "csv" },
		func(c *Config) { c.FieldSplit = "=" },
		func(c *Config) { c.IncludeKeys, c.ExcludeKeys = []string{"a"}, []string{"b"} },
	} {
		if _, err := proctest.Create(t, Factory, f); err == nil {
			t.Errorf("case %d: expected an error", i)
		}
	}
}

func FuzzPairs(f *testing.F) {
	for _, s := range proctest.Seeds(f) {
		f.Add(s, " ", "=")
	}
	f.Add(`a=1 b="x \" y" c`, " ", "=")
	f.Add(`a:1&&b:'q'`, "&", ":")
	f.Fuzz(func(t *testing.T, s, fs, vs string) {
		if fs == "" || vs == "" || fs == vs {
			return
		}
		Pairs(s, fs, vs, func(k, v string, bare bool) {
			if k == "" {
				t.Fatalf("empty key from %q", s)
			}
		})
	})
}

func BenchmarkKV(b *testing.B) {
	line := `level=info ts=2026-11-27T12:00:00Z caller=gpu.go:42 msg="device health ok" gpu=3 temp=61 power=280.5`
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		Pairs(line, " ", "=", func(k, v string, bare bool) { n++ })
	}
}
