package event

import (
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
