package dissect

import (
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/processors/internal/proctest"
)

func TestDissect(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, pattern, line string
		want                map[string]string
		fail                bool
	}{
		{
			name:    "vllm line",
			pattern: "%{log.level} %{+ts} %{+ts} %{log.origin.file.name}:%{log.origin.file.line|int}] %{msg}",
			line:    "INFO 11-27 12:00:01 metrics.py:351] Avg prompt throughput: 0.0 tokens/s",
			want:    map[string]string{"log.level": "INFO", "ts": "11-27 12:00:01", "log.origin.file.name": "metrics.py", "log.origin.file.line": "351", "msg": "Avg prompt throughput: 0.0 tokens/s"},
		},
		{
			name:    "padding",
			pattern: "%{ts->} %{level} %{msg}",
			line:    "12:00:00     WARN disk",
			want:    map[string]string{"ts": "12:00:00", "level": "WARN", "msg": "disk"},
		},
		{
			name:    "skip and prefix",
			pattern: "[%{?ignored}] %{} %{user}",
			line:    "[x] y bob",
			want:    map[string]string{"user": "bob", "ignored": "<missing>"},
		},
		{
			name:    "append order",
			pattern: "%{+name/2} %{+name/1}",
			line:    "world hello",
			want:    map[string]string{"name": "hello world"},
		},
		{
			name:    "reference keys",
			pattern: "%{*k}=%{&k} %{*j}=%{&j}",
			line:    "gpu=0 pid=4242",
			want:    map[string]string{"gpu": "0", "pid": "4242"},
		},
		{
			name:    "no match keeps line",
			pattern: "%{a} [%{b}]",
			line:    "no brackets here",
			want:    map[string]string{"a": "<missing>", "message": "no brackets here"},
			fail:    true,
		},
		{
			name:    "bad type",
			pattern: "%{code|int} %{rest}",
			line:    "abc def",
			fail:    true,
			want:    map[string]string{"code": "abc"},
		},
		{
			name:    "empty value",
			pattern: "%{a},%{b},%{c}",
			line:    ",,z",
			want:    map[string]string{"a": "", "b": "", "c": "z"},
		},
	}
	for _, tc := range cases {
		p := proctest.New(t, Factory, func(c *Config) { c.Pattern = tc.pattern })
		out := proctest.One(t, p, proctest.Lines(tc.line)[0])
		for k, want := range tc.want {
			if got := proctest.Str(out, k); got != want {
				t.Errorf("%s: %s = %q, want %q", tc.name, k, got, want)
			}
		}
		if out.HasTag("_dissect_failure") != tc.fail {
			t.Errorf("%s: tags %v", tc.name, out.Tags())
		}
	}
}

func TestTypedAndPrefix(t *testing.T) {
	t.Parallel()
	p := proctest.New(t, Factory, func(c *Config) {
		c.Pattern, c.TargetPrefix = "%{gpu|int} %{util|float} %{ok|bool}", "nvidia"
	})
	out := proctest.One(t, p, proctest.Lines("3 97.5 true")[0])
	for k, want := range map[string]event.Value{"nvidia.gpu": event.Int(3), "nvidia.util": event.Float(97.5), "nvidia.ok": event.Bool(true)} {
		if got, _ := out.Get(k); !got.Equal(want) {
			t.Errorf("%s = %v, want %v", k, got.Any(), want.Any())
		}
	}
}

func TestCompileErrors(t *testing.T) {
	t.Parallel()
	for _, p := range []string{"", "no keys", "%{a}%{b}", "%{a", "%{+}", "%{a|ip}", "%{+a/x}"} {
		if _, err := Compile(p); err == nil {
			t.Errorf("%q: expected an error", p)
		}
	}
}

func FuzzDissect(f *testing.F) {
	for _, s := range proctest.Seeds(f) {
		f.Add("%{a} %{+b} %{+b} [%{c}:%{d|int}] %{e}", s)
	}
	f.Add("%{a} %{b}", "x y")
	f.Add("%{ts->} %{+m/2} %{+m/1}", "1   2 3")
	f.Add("%{*k}=%{&k}", "a=b")
	f.Add("[%{?x}] %{y|int}", "[q] 12")
	f.Fuzz(func(t *testing.T, pattern, line string) {
		p, err := Compile(pattern)
		if err != nil {
			return
		}
		ev := event.NewMessage(line, event.New().Meta.Received)
		_ = p.Apply(ev, line, "", " ")
		if ev.Message() != line {
			t.Fatalf("message changed")
		}
	})
}

const benchLine = "INFO 11-27 12:00:01 metrics.py:351] Avg prompt throughput: 0.0 tokens/s, Running: 3 reqs"

// BenchPattern is shared with the grok benchmark so both parse the same thing.
const BenchPattern = "%{log.level} %{+ts} %{+ts} %{file}:%{line}] %{msg}"

func BenchmarkDissect(b *testing.B) {
	p, err := Compile(BenchPattern)
	if err != nil {
		b.Fatal(err)
	}
	ev := event.NewMessage(benchLine, event.New().Meta.Received)
	b.ReportAllocs()
	for b.Loop() {
		if err := p.Apply(ev, benchLine, "", " "); err != nil {
			b.Fatal(err)
		}
	}
	if !strings.HasPrefix(proctest.Str(ev, "msg"), "Avg") {
		b.Fatal("bad parse")
	}
}
