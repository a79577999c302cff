package event

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"
)

// benchFields are the fields of a parsed vLLM access-log line shipped by Filebeat from a
// Kubernetes pod: about 1 KB of JSON once encoded.
var benchFields = []struct {
	key string
	val Value
}{
	{"@timestamp", Time(time.Date(2026, 11, 27, 10, 15, 9, 402001937, time.UTC))},
	{"message", String(`INFO 11-27 10:15:09 [logger.py:43] Received request chatcmpl-9f1c2d7e8a: prompt: '<|begin_of_text|>You are a helpful assistant.', params: SamplingParams(n=1, temperature=0.7, top_p=0.95, max_tokens=512), lora_request: None.`)},
	{"event.dataset", String("vllm.engine")},
	{"event.original", String("2026-11-27T10:15:09.402001937Z stderr F INFO 11-27 10:15:09 [logger.py:43] Received request")},
	{"log.level", String("info")},
	{"log.logger", String("logger.py")},
	{"log.origin.file.line", Int(43)},
	{"log.file.path", String("/var/log/pods/llm_vllm-llama-3-70b-7d9f8c6b5-x2k9q_1b2c3d4e/vllm/0.log")},
	{"log.offset", Int(918273)},
	{"stream", String("stderr")},
	{"kubernetes.namespace", String("llm")},
	{"kubernetes.pod.name", String("vllm-llama-3-70b-7d9f8c6b5-x2k9q")},
	{"kubernetes.pod.uid", String("1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901")},
	{"kubernetes.container.name", String("vllm")},
	{"kubernetes.node.name", String("gpu-node-a100-07")},
	{"kubernetes.labels.app", String("vllm")},
	{"host.name", String("gpu-node-a100-07")},
	{"vllm.request_id", String("chatcmpl-9f1c2d7e8a")},
	{"vllm.sampling.temperature", Float(0.7)},
	{"vllm.sampling.top_p", Float(0.95)},
	{"vllm.sampling.max_tokens", Int(512)},
	{"vllm.lora", Raw("null")},
	{"agent.type", String("filebeat")},
	{"agent.version", String("7.17.18")},
	{"ecs.version", String("8.11.0")},
}

func benchEvent() *Event {
	e := New()
	for _, f := range benchFields {
		e.Set(f.key, f.val)
	}
	e.AddTag("vllm")
	return e
}

func BenchmarkEventGet(b *testing.B) {
	e := benchEvent()
	keys := []string{"message", "kubernetes.pod.name", "log.level", "vllm.request_id", "missing.field"}
	b.ReportAllocs()
	for b.Loop() {
		for _, k := range keys {
			if _, ok := e.Get(k); !ok && k != "missing.field" {
				b.Fatal(k)
			}
		}
	}
}

func BenchmarkEventSetExisting(b *testing.B) {
	e := benchEvent()
	v := String("error")
	b.ReportAllocs()
	for b.Loop() {
		e.Set("log.level", v)
	}
}

// BenchmarkEventBuild is what a decoder and parser do per line: a fresh event and 25 fields
// set in arrival (unsorted) order.
func BenchmarkEventBuild(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		e := New()
		for _, f := range benchFields {
			e.Set(f.key, f.val)
		}
	}
}

// BenchmarkEventBuildReset reuses events, as a pooled decoder would.
func BenchmarkEventBuildReset(b *testing.B) {
	e := New()
	b.ReportAllocs()
	for b.Loop() {
		e.Reset()
		for _, f := range benchFields {
			e.Set(f.key, f.val)
		}
	}
}

func BenchmarkAppendJSON(b *testing.B) {
	e := benchEvent()
	buf := e.AppendJSON(nil)
	if len(buf) < 900 || !strings.HasPrefix(string(buf), `{"@timestamp":"2026-11-27T10:15:09.402001937Z"`) {
		b.Fatalf("unexpected encoding (%d bytes): %s", len(buf), buf)
	}
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		buf = e.AppendJSON(buf[:0])
	}
}

// BenchmarkParsedShared is the beats input and the parse processor on one event of the
// benchmark corpus: Filebeat's six repeated objects held shared, four fields of its own, then
// the lookups and sets of parsing a vLLM access line.
func BenchmarkParsedShared(b *testing.B) {
	obj := func(name string, kv ...string) *Shared {
		s, ok := NewShared(name, len(kv)/2, func(i int) (string, Value) { return kv[2*i], String(kv[2*i+1]) })
		if !ok {
			b.Fatal(name)
		}
		return s
	}
	set, ok := NewSharedSet(
		obj("input", "input.type", "log"),
		obj("ecs", "ecs.version", "1.12.0"),
		obj("host", "host.name", "gpu-node-01"),
		obj("agent", "agent.type", "filebeat", "agent.version", "7.17.0", "agent.name", "gpu-node-01"),
		obj("kubernetes", "kubernetes.pod.name", "llama-70b-7d9f8-x2k4p", "kubernetes.namespace", "inference",
			"kubernetes.container.name", "vllm", "kubernetes.node.name", "gpu-node-01"),
		obj("container", "container.id", "55c03b2195", "container.runtime", "containerd"))
	if !ok {
		b.Fatal("set")
	}
	line := `INFO:     10.138.172.157:45335 - "POST /v1/chat/completions HTTP/1.1" 200 OK`
	framed := "2026-11-27T10:00:00.000442Z stdout F " + line
	ts := Time(time.Date(2026, 11, 27, 10, 0, 0, 442000, time.UTC))
	gets := []string{"message", "log.file.path", "kubernetes.pod.name", "kubernetes.container.name",
		"stream", "event.dataset", "log.level", "container.id"}
	sets := []struct {
		key string
		val Value
	}{
		{"stream", String("stdout")}, {"@timestamp", ts}, {"event.original", String(line)},
		{"message", String(line)}, {"source.ip", String("10.138.172.157")}, {"source.port", Int(45335)},
		{"http.request.method", String("POST")}, {"url.path", String("/v1/chat/completions")},
		{"http.version", String("1.1")}, {"http.response.status_code", Int(200)},
		{"log.level", String("info")}, {"event.dataset", String("vllm.server")},
		{"service.type", String("vllm")}, {"log.logger", String("uvicorn.access")},
	}
	e := New()
	b.ReportAllocs()
	for b.Loop() {
		e.Reset()
		e.AddSharedSet(set)
		e.SetInOrder("@timestamp", ts)
		e.SetInOrder("log.file.path", String("/var/log/containers/llama-70b.log"))
		e.SetInOrder("log.offset", Int(114))
		e.SetInOrder("message", String(framed))
		for _, k := range gets[:5] {
			e.Get(k)
		}
		for _, f := range sets {
			e.Set(f.key, f.val)
		}
		for _, k := range gets[5:] {
			e.Get(k)
		}
	}
}

// BenchmarkAppendJSONMemoParsed writes parsed vLLM lines through one memo, as the
// Elasticsearch output does: access lines and engine lines alternate, each with the same names
// as the last of its kind and values of its own (offset, time, client, request id).
func BenchmarkAppendJSONMemoParsed(b *testing.B) {
	evs := make([]*Event, 256)
	for i := range evs {
		e := New()
		e.Set("@timestamp", Time(time.Date(2026, 11, 27, 10, 0, 0, i*1000, time.UTC)))
		e.Set("event.created", Time(time.Date(2026, 11, 27, 10, 0, 0, i*1000, time.UTC)))
		e.SetString("log.file.path", "/var/log/containers/llama-70b-7d9f8-x2k4p_inference_vllm-55c03b2195.log")
		e.Set("log.offset", Int(int64(i*114)))
		e.SetString("stream", "stdout")
		// The parser sets parts of the input's message, as the CRI framing and the vLLM parser
		// do. An engine line needs no escaping, and the input says so (SafeString); an access
		// line holds quotes.
		if i%2 == 0 {
			line := `2026-11-27T10:00:00.000442Z stdout F INFO:     10.138.172.` + strconv.Itoa(i%250) +
				`:45335 - "POST /v1/chat/completions HTTP/1.1" 200 OK`
			e.Set("message", String(line))
			e.SetString("message", line[37:])
			e.SetString("event.dataset", "vllm.access")
			e.SetString("log.level", "info")
			e.SetString("http.request.method", "POST")
			e.Set("http.response.status_code", Int(200+int64(i%3)))
			e.SetString("http.version", "1.1")
			e.SetString("source.ip", line[47:strings.LastIndexByte(line, ':')])
			e.Set("source.port", Int(int64(40000+i)))
			e.SetString("url.original", "/v1/chat/completions")
			e.SetString("url.path", "/v1/chat/completions")
		} else {
			line := "2026-11-27T10:00:00.000442Z stderr F (APIServer pid=1) INFO 11-27 10:00:00 logger.py:39] Finished request chatcmpl-" + strconv.Itoa(i)
			e.Set("message", SafeString(line))
			e.SetString("message", line[37:])
			e.SetString("event.dataset", "vllm.server")
			e.SetString("log.level", "info")
			e.Set("log.origin.file.line", Int(39))
			e.SetString("log.origin.file.name", "logger.py")
			e.SetString("process.name", "APIServer")
			e.Set("process.pid", Int(1))
			e.SetString("vllm.request.id", "chatcmpl-"+strconv.Itoa(i))
		}
		evs[i] = e
	}
	var m JSONMemo
	var buf []byte
	for _, e := range evs { // each event written once through the memo, as the loop does
		if buf = e.AppendJSONMemo(buf[:0], &m); string(buf) != string(e.AppendJSON(nil)) || !json.Valid(buf) {
			b.Fatalf("memo wrote %s", buf)
		}
	}
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		buf = evs[n%len(evs)].AppendJSONMemo(buf[:0], &m)
		n++
	}
}
