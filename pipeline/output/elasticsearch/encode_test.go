package elasticsearch

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/sluice-dev/sluice/benchmarks/corpus"
	"github.com/sluice-dev/sluice/pipeline/event"
)

func encodeOne(t *testing.T, tweak func(*Config), ev *event.Event) (action, doc gjson.Result) {
	t.Helper()
	cfg := NewConfig()
	if tweak != nil {
		tweak(cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	enc, err := newEncoder(cfg)
	if err != nil {
		t.Fatal(err)
	}
	enc.now = func() time.Time { return time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC) }
	out := enc.appendItem(nil, nil, ev)
	lines := strings.Split(string(out), "\n")
	if len(lines) != 3 || lines[2] != "" {
		t.Fatalf("want two lines ending in newline, got %q", out)
	}
	for _, l := range lines[:2] {
		if !json.Valid([]byte(l)) {
			t.Fatalf("invalid JSON line %q", l)
		}
	}
	return gjson.Parse(lines[0]), gjson.Parse(lines[1])
}

func sample() *event.Event {
	ev := event.NewMessage("INFO 01-02 03:04:05 engine.py:1] hi", time.Date(2024, 11, 14, 1, 2, 3, 0, time.UTC))
	ev.Meta.Input, ev.Meta.Source, ev.Meta.Offset = "beats", "/var/log/pods/a.log", 42
	ev.SetString("event.dataset", "vllm.engine")
	ev.SetString("kubernetes.namespace", "ML-Serving")
	ev.Set("vllm.request.prompt_tokens", event.Int(12))
	return ev
}

func TestIndexNames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		tweak func(*Config)
		edit  func(*event.Event)
		want  string
	}{
		{"data stream", nil, nil, "logs-vllm.engine-default"},
		{"dataset sanitised", nil, func(e *event.Event) { e.SetString("event.dataset", "GPU-Operator XID") }, "logs-gpu_operator_xid-default"},
		{"no dataset", nil, func(e *event.Event) { e.Delete("event.dataset") }, "logs-sluice-default"},
		{"namespace", func(c *Config) { c.DataStream.Namespace = "prod" }, nil, "logs-vllm.engine-prod"},
		{"dated index", func(c *Config) { c.Target = TargetIndex; c.Index = "sluice-%{+yyyy.MM.dd}" }, nil, "sluice-2024.11.14"},
		{"field in pattern", func(c *Config) { c.Target = TargetIndex; c.Index = "vllm-%{[kubernetes.namespace]}-%{+yyyy.MM}" }, nil, "vllm-ml-serving-2024.11"},
		{"missing field in pattern", func(c *Config) { c.Target = TargetIndex; c.Index = "x-%{[nope]}" }, nil, "x-unknown"},
		{"index from field", func(c *Config) { c.Target = TargetField; c.IndexField = "kubernetes.namespace" }, nil, "ml-serving"},
		{"field fallback", func(c *Config) { c.Target = TargetField; c.IndexField = "nope"; c.Index = "fallback" }, nil, "fallback"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ev := sample()
			if tc.edit != nil {
				tc.edit(ev)
			}
			action, _ := encodeOne(t, tc.tweak, ev)
			if got := action.Get("create._index").Str; got != tc.want {
				t.Errorf("index %q, want %q", got, tc.want)
			}
		})
	}
}

func TestDocument(t *testing.T) {
	t.Parallel()
	ev := sample()
	action, doc := encodeOne(t, nil, ev)
	if !action.Get("create").Exists() {
		t.Errorf("action %s: want create", action.Raw)
	}
	// No @timestamp on the event: the receipt time is written, the event is left alone.
	if got := doc.Get("@timestamp").Str; got != "2024-11-14T01:02:03Z" {
		t.Errorf("@timestamp %q", got)
	}
	if ev.Has("@timestamp") {
		t.Error("encoding changed the shared event")
	}
	if doc.Get("vllm.request.prompt_tokens").Type != gjson.Number {
		t.Errorf("prompt_tokens not a number: %s", doc.Raw)
	}
	if doc.Get("kubernetes.namespace").Str != "ML-Serving" {
		t.Errorf("nested field lost: %s", doc.Raw)
	}
	ev.SetTimestamp(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC))
	if _, doc := encodeOne(t, nil, ev); doc.Get("@timestamp").Str != "2020-01-01T00:00:00Z" {
		t.Errorf("event timestamp not kept: %s", doc.Raw)
	}
	empty := event.New()
	if _, doc := encodeOne(t, nil, empty); doc.Raw != `{"@timestamp":"2025-01-02T03:04:05Z"}` {
		t.Errorf("empty event: %s", doc.Raw)
	}
	// Auto ids: plain index op, no _id, for dated indices.
	action, _ = encodeOne(t, func(c *Config) { c.ID = IDAuto; c.Target = TargetIndex }, sample())
	if !action.Get("index").Exists() || action.Get("index._id").Exists() {
		t.Errorf("auto id action %s", action.Raw)
	}
}

func TestDeterministicIDs(t *testing.T) {
	t.Parallel()
	id := func(edit func(*event.Event)) string {
		ev := sample()
		if edit != nil {
			edit(ev)
		}
		a, _ := encodeOne(t, nil, ev)
		return a.Get("create._id").Str
	}
	base := id(nil)
	if len(base) < 20 {
		t.Fatalf("id %q too short", base)
	}
	cases := []struct {
		name string
		edit func(*event.Event)
		same bool
	}{
		{"same position, other content", func(e *event.Event) { e.SetMessage("changed") }, true},
		{"other offset", func(e *event.Event) { e.Meta.Offset = 43 }, false},
		{"other source", func(e *event.Event) { e.Meta.Source = "/other" }, false},
		{"other input", func(e *event.Event) { e.Meta.Input = "kafka" }, false},
	}
	for _, c := range cases {
		if got := id(c.edit); (got == base) != c.same {
			t.Errorf("%s: id %q vs %q, same=%v wanted", c.name, got, base, c.same)
		}
	}
	if got := id(func(e *event.Event) { e.Meta.ID = "fp-1" }); got != "fp-1" {
		t.Errorf("Meta.ID ignored: %q", got)
	}
	// Unknown position: the content decides.
	noPos := func(msg string) string {
		return id(func(e *event.Event) { e.Meta.Offset = -1; e.SetMessage(msg) })
	}
	//lint:ignore SA4000 two calls: the id must be the same each time
	if noPos("a") != noPos("a") || noPos("a") == noPos("b") {
		t.Error("content ids not stable or not distinct")
	}
}

func TestParsePattern(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"", "x-%{", "x-%{+yyyy-QQ}", "x-%{[ bad]}"} {
		if _, err := parsePattern(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// BenchmarkEncode measures the bulk body encoding of a typical parsed vLLM event.
func BenchmarkEncode(b *testing.B) {
	ev := sample()
	ev.SetString("log.level", "INFO")
	ev.SetString("vllm.request.id", "cmpl-5f0a6c1e2d8b4a3f9e7d6c5b4a392817")
	ev.Set("vllm.request.generation_tokens", event.Int(256))
	ev.Set("vllm.request.e2e_seconds", event.Float(1.234))
	ev.SetString("kubernetes.pod.name", "vllm-llama-3-8b-7d9f8c6b5-x2k4q")
	ev.SetString("kubernetes.container.name", "vllm")
	ev.SetString("host.name", "gpu-node-17")
	ev.SetTimestamp(time.Now())
	enc, _ := newEncoder(NewConfig())
	var dst []byte
	w := new(itemBuf)
	b.ReportAllocs()
	for b.Loop() {
		dst = enc.appendItem(dst[:0], w, ev)
	}
	b.SetBytes(int64(len(dst)))
}

// BenchmarkEncodeFilebeat encodes events as the Beats input makes them from the benchmark
// corpus: Filebeat's subtrees (agent, ecs, host, input, kubernetes, container) repeat from
// event to event, the message, offset and timestamp do not. 4096 events are cycled, each with
// its own strings, as decoded events have, and the position the Beats input gives them (its
// agent and file as the source, the line's offset), which the document id is hashed from.
func BenchmarkEncodeFilebeat(b *testing.B) {
	gen := corpus.New(1)
	evs := make([]*event.Event, 4096)
	sources := map[string]string{}
	for i := range evs {
		ev := event.New()
		corpus.Flatten(ev, gen.Event())
		path, _ := ev.GetString("log.file.path")
		if sources[path] == "" {
			sources[path] = "b1f0e9d8-c7b6-4a5f-9e8d-7c6b5a4f3e2d:" + path
		}
		ev.Meta.Input, ev.Meta.Source = "beats", sources[path]
		ev.Meta.Offset = int64(i) * 160
		evs[i] = ev
	}
	enc, _ := newEncoder(NewConfig())
	var dst []byte
	w := new(itemBuf)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		dst = enc.appendItem(dst[:0], w, evs[n%len(evs)])
		n++
	}
	b.SetBytes(int64(len(dst)))
}
