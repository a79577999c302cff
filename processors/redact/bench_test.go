package redact

import (
	"testing"

	"github.com/sluice-dev/sluice/processors/internal/proctest"
)

// BenchmarkProcessor runs the four patterns of the vllm-gpu-k8s example over message and
// error.message.
func BenchmarkProcessor(b *testing.B) {
	p := proctest.New(b, Factory, func(c *Config) {
		c.Patterns = []Pattern{{Builtin: "email"}, {Builtin: "bearer_token"}, {Builtin: "api_key"}, {Builtin: "secret_kv"}}
		c.ApplyTo = []string{"message", "error.message"}
	})
	proctest.Bench(b, p, proctest.Sample())
}

// BenchmarkProcessorClean is the usual case: a line with nothing to redact, which the literal
// hints let skip every regular expression.
func BenchmarkProcessorClean(b *testing.B) {
	p := proctest.New(b, Factory, func(c *Config) {
		c.Patterns = []Pattern{{Builtin: "email"}, {Builtin: "bearer_token"}, {Builtin: "api_key"}, {Builtin: "secret_kv"}}
		c.ApplyTo = []string{"message", "error.message"}
	})
	ev := proctest.Sample()
	ev.SetMessage("INFO 11-27 12:00:01 [metrics.py:351] Avg prompt throughput: 0.0 tokens/s, Running: 3 reqs")
	proctest.Bench(b, p, ev)
}

// BenchmarkHintScan compares the one-pass scan of the shipped config's four patterns with the
// search per hint (in a lower-cased copy, as before) on the lines of a busy vLLM server, which hold no secret.
func BenchmarkHintScan(b *testing.B) {
	lines := map[string]string{
		"stats":   "INFO 11-27 12:00:01 [metrics.py:351] Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: 512.3 tokens/s, Running: 3 reqs, Swapped: 0 reqs, Pending: 0 reqs, GPU KV cache usage: 12.5%, CPU KV cache usage: 0.0%.",
		"request": "INFO 11-27 12:00:01 [logger.py:39] Received request chatcmpl-5f1c: prompt: '<|user|>Summarise the ticket about the failing token refresh', params: SamplingParams(n=1, presence_penalty=0.0, frequency_penalty=0.0, repetition_penalty=1.0, temperature=0.7, top_p=0.95, top_k=-1, min_p=0.0, seed=None, stop=[], stop_token_ids=[], bad_words=[], include_stop_str_in_output=False, ignore_eos=False, max_tokens=512, min_tokens=0, logprobs=None, prompt_logprobs=None, skip_special_tokens=True, spaces_between_special_tokens=True, truncate_prompt_tokens=None), prompt_token_ids: None, lora_request: None, prompt_adapter_request: None.",
		"access":  `INFO:     10.0.0.7:51234 - "POST /v1/chat/completions HTTP/1.1" 200 OK`,
	}
	r := newRedactor(b, []Pattern{{Builtin: "email"}, {Builtin: "bearer_token"}, {Builtin: "api_key"}, {Builtin: "secret_kv"}})
	for _, name := range []string{"stats", "request", "access"} {
		line := lines[name]
		b.Run(name+"/one-pass", func(b *testing.B) {
			for b.Loop() {
				if r.hints.scan(line) != 0 {
					b.Fatal("hinted")
				}
			}
		})
		b.Run(name+"/per-hint", func(b *testing.B) {
			var lower []byte
			for b.Loop() {
				lower = append(lower[:0], line...)
				for i, c := range lower {
					lower[i] = lowerOf[c]
				}
				if scanByHint(r.patterns, lower) != 0 {
					b.Fatal("hinted")
				}
			}
		})
	}
}
