package json

import (
	"strings"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/processors/internal/proctest"
)

func TestJSON(t *testing.T) {
	t.Parallel()
	line := `{"level":"error","msg":"CUDA out of memory","request":{"id":"cmpl-1","tokens":512,"latency":0.25,"stream":false},"gpus":[0,1],"extra":null,"big":12345678901234567890}`
	cases := []struct {
		name   string
		target string
		depth  int
		want   map[string]event.Value
		absent []string
	}{
		{"root", "", 8, map[string]event.Value{
			"level": event.String("error"), "request.id": event.String("cmpl-1"), "request.tokens": event.Int(512),
			"request.latency": event.Float(0.25), "request.stream": event.Bool(false), "gpus": event.Raw("[0,1]"),
			"big": event.Float(12345678901234567890), "message": event.String(line),
		}, []string{"extra"}},
		{"target", "vllm", 8, map[string]event.Value{"vllm.level": event.String("error"), "vllm.request.tokens": event.Int(512)}, []string{"level"}},
		{"depth", "j", 1, map[string]event.Value{"j.request": event.String(`{"id":"cmpl-1","tokens":512,"latency":0.25,"stream":false}`)}, []string{"j.request.id"}},
		{"depth 2", "j", 2, map[string]event.Value{"j.request.id": event.String("cmpl-1"), "j.gpus": event.Raw("[0,1]")}, nil},
	}
	for _, tc := range cases {
		p := proctest.New(t, Factory, func(c *Config) { c.Target, c.MaxDepth = tc.target, tc.depth })
		out := proctest.One(t, p, proctest.Lines(line)[0])
		for k, want := range tc.want {
			if got, _ := out.Get(k); !got.Equal(want) {
				t.Errorf("%s: %s = %v (kind %d), want %v", tc.name, k, got.Any(), got.Kind(), want.Any())
			}
		}
		for _, k := range tc.absent {
			if out.Has(k) {
				t.Errorf("%s: %s should be absent", tc.name, k)
			}
		}
	}
}

func TestJSONFailures(t *testing.T) {
	t.Parallel()
	p := proctest.New[*Config](t, Factory, nil)
	for _, line := range []string{`INFO plain text`, `{"truncated": `, `[1,2]`, `"str"`} {
		out := proctest.One(t, p, proctest.Lines(line)[0])
		if !out.HasTag("_json_failure") || out.Message() != line {
			t.Errorf("%q: tags %v message %q", line, out.Tags(), out.Message())
		}
	}
}

func TestOverwriteAndRemove(t *testing.T) {
	t.Parallel()
	p := proctest.New(t, Factory, func(c *Config) { c.Field, c.Overwrite, c.RemoveField = "payload", false, true })
	ev := proctest.Lines("m")[0]
	ev.SetString("payload", `{"a":"new","b":"x"}`)
	ev.SetString("a", "old")
	out := proctest.One(t, p, ev)
	if proctest.Str(out, "a") != "old" || proctest.Str(out, "b") != "x" || out.Has("payload") {
		t.Errorf("a=%q b=%q payload present=%v", proctest.Str(out, "a"), proctest.Str(out, "b"), out.Has("payload"))
	}
}

func FuzzJSON(f *testing.F) {
	for _, s := range proctest.Seeds(f) {
		f.Add(s)
	}
	f.Add(`{"a":{"b":[1,{"c":2}]},"d":"e"}`)
	f.Add(`{"":1,"x.y":true}`)
	f.Add(`{"a":1e400}`)
	p := proctest.New[*Config](f, Factory, nil)
	f.Fuzz(func(t *testing.T, line string) {
		out := proctest.Run(t, p, proctest.Lines(line)...)
		if len(out) != 1 {
			t.Fatalf("lost the line")
		}
		// The message changes only to an object's own "message" member (an envelope).
		if m := out[0].Message(); m != line && m != gjson.Get(line, "message").String() {
			t.Fatalf("message changed to %q", m)
		}
	})
}

func BenchmarkProcessor(b *testing.B) {
	p := proctest.New(b, Factory, func(c *Config) { c.Field = "payload" })
	ev := proctest.Sample()
	ev.SetString("payload", `{"level":"info","ts":"2026-11-27T12:00:00Z","msg":"request done","request":{"id":"cmpl-1","prompt_tokens":512,"output_tokens":128,"latency_ms":250.5},"model":"llama-3-70b"}`)
	proctest.Bench(b, p, ev)
}

// A line nested 100,000 levels comes out max_depth levels deep at most, the rest a string; it
// came out as raw JSON 100k levels deep, which Elasticsearch refuses. max_depth past the limit
// is a config error.
func TestDeepLineBounded(t *testing.T) {
	t.Parallel()
	const n = 100_000
	deepArr := strings.Repeat("[", n) + strings.Repeat("]", n)
	line := `{"a":` + strings.Repeat(`{"b":`, n) + "1" + strings.Repeat("}", n) + `,"arr":` + deepArr + `}`
	out := proctest.One(t, proctest.New[*Config](t, Factory, nil), proctest.Lines(line)[0])
	out.Delete(event.FieldMessage)
	if got := event.Nesting(string(out.AppendJSON(nil)), 1000); got > event.MaxDepth {
		t.Errorf("document nests %d levels, want at most %d", got, event.MaxDepth)
	}
	if v, _ := out.Get("arr"); v.Kind() != event.KindString || v.Str() != deepArr {
		t.Errorf("deep array kept as %v, want its text as a string", v.Kind())
	}
	for _, d := range []int{0, event.MaxDepth + 1} {
		c := NewConfig()
		c.MaxDepth = d
		if c.Validate() == nil {
			t.Errorf("max_depth %d accepted", d)
		}
	}
}
