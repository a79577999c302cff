package json

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/parsers"
	"github.com/sluice-dev/sluice/parsers/parseutil/putest"
	"github.com/sluice-dev/sluice/parsers/vllm"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/event/eventjson"
)

func TestGolden(t *testing.T) { putest.Golden(t, Info) }

func FuzzParse(f *testing.F) { putest.FuzzParse(f, New()) }

func BenchmarkParse(b *testing.B) {
	putest.Bench(b, New(), []string{
		`{"time":"2023-08-04T16:09:05.123456789-04:00","level":"INFO","msg":"hello","count":3}`,
		`{"level":"warning","msg":"DCGM is not responding","time":"2024-05-24T08:48:21Z"}`,
	})
}

// A line nested 100,000 levels comes out at most event.MaxDepth levels deep below log.fields, the
// rest kept as a string; the old parser wrote the deep part as raw JSON, 100k levels deep,
// which Elasticsearch refuses.
func TestDeepLineBounded(t *testing.T) {
	t.Parallel()
	const n = 100_000
	deepObj := strings.Repeat(`{"b":`, n) + "1" + strings.Repeat("}", n)
	deepArr := strings.Repeat("[", n) + strings.Repeat("]", n)
	line := `{"msg":"deep","a":` + deepObj + `,"arr":` + deepArr + `,"error":` + deepObj + `}`
	ev := event.NewMessage(line, time.Time{})
	if !New().Parse(ev) {
		t.Fatal("not recognised")
	}
	doc := string(ev.AppendJSON(nil))
	// The document, log and fields, then event.MaxDepth levels of the line.
	if got := event.Nesting(doc, 1000); got > 3+event.MaxDepth {
		t.Errorf("document nests %d levels, want at most %d", got, 3+event.MaxDepth)
	}
	if v, _ := ev.Get("log.fields.arr"); v.Kind() != event.KindString || v.Str() != deepArr {
		t.Errorf("deep array kept as %v, want its text as a string", v.Kind())
	}
	if v, _ := ev.Get(event.FieldErrorMsg); v.Kind() != event.KindString {
		t.Errorf("deep error kept as %v", v.Kind())
	}
	if ev.Message() != line {
		t.Error("message changed")
	}
}

// A vLLM request line that a JSON formatter carried keeps the promise of the text layout: its
// prompt is replaced as the options say (a hash by default), in the line itself, and the rest
// of the line stays as it was. The message is vLLM's (logger.py's "Received request" line, as
// the vllm parser's golden cases hold it), the members those of vLLM's JSON formatter.
func TestPromptInJSONReplaced(t *testing.T) {
	t.Parallel()
	// the prompt as vLLM's %r writes it (line breaks as \n), JSON-encoded
	const prompt = `<|im_start|>user\\nWhat is 2+2? Answer, briefly: \"4\".<|im_end|>\\n<|im_start|>assistant\\n`
	line := `  {"asctime": "2026-05-12 08:01:39,123", "levelname": "INFO", "name": "vllm.entrypoints.logger", ` +
		`"message": "Received request chatcmpl-8f2c1e9a4b7d4c0e9d1a2b3c4d5e6f70: prompt: '` + prompt +
		`', params: SamplingParams(n=1, temperature=0.7, top_p=0.8, max_tokens=64), prompt_token_ids: [151644, 872], lora_request: None.", ` +
		`"vllm_process_name": "APIServer"}`
	for _, c := range []struct {
		prompts string
		kept    bool
	}{{"", false}, {"keep", true}, {"drop", false}} {
		ev := event.NewMessage(line, time.Time{})
		p := Info.New(parsers.Options{Prompts: c.prompts})
		if !p.Parse(ev) {
			t.Fatalf("%q: not recognised", c.prompts)
		}
		msg := ev.Message()
		if got := strings.Contains(msg, "What is 2+2"); got != c.kept {
			t.Errorf("prompts %q: prompt in the message %v, want %v:\n%s", c.prompts, got, c.kept, msg)
		}
		if !eventjson.Valid(strings.TrimSpace(msg)) || !strings.HasPrefix(msg, `  {"asctime": "2026-05-12 08:01:39,123"`) ||
			!strings.HasSuffix(msg, `, "vllm_process_name": "APIServer"}`) {
			t.Errorf("prompts %q: the line around the message changed:\n%s", c.prompts, msg)
		}
		if id, _ := ev.GetString(vllm.FieldRequestID); id != "chatcmpl-8f2c1e9a4b7d4c0e9d1a2b3c4d5e6f70" {
			t.Errorf("prompts %q: request id %q", c.prompts, id)
		}
		if lm, _ := ev.GetString("log.message"); strings.Contains(lm, "What is 2+2") != c.kept {
			t.Errorf("prompts %q: log.message %q", c.prompts, lm)
		}
	}
}

// The kubelet with --logging-format=json writes the same calls as its text form, so they say the
// same: an event its recorder logs (client-go's "Event occurred", the object as klog.KRef writes
// it in JSON) names the pod and its reason, a Warning at warning; the pod sync error names the
// container and CrashLoopBackOff. A Normal event stays at info; a line that is no event is
// left as it was.
func TestKubeletJSONAsItsText(t *testing.T) {
	t.Parallel()
	const ev1 = `{"ts":1746090991900.9583,"caller":"record/event.go:389","msg":"Event occurred","v":3,"object":{"name":"vllm-0","namespace":"inference"},"fieldPath":"spec.containers{vllm}","kind":"Pod","apiVersion":"v1","type":"%s","reason":"%s","message":"Back-off restarting failed container vllm in pod vllm-0_inference(77aa88bb-99cc-4dde-8eff-001122334455)"}`
	for _, c := range []struct{ line, level, reason, ns, name, container string }{
		{fmt.Sprintf(ev1, "Warning", "BackOff"), "warning", "BackOff", "inference", "vllm-0", ""},
		{fmt.Sprintf(ev1, "Normal", "Killing"), "info", "Killing", "inference", "vllm-0", ""},
		{`{"ts":1746090991899.9583,"caller":"kubelet/pod_workers.go:1301","msg":"Error syncing pod, skipping","err":"failed to \"StartContainer\" for \"vllm\" with CrashLoopBackOff: \"back-off 40s restarting failed container=vllm pod=vllm-0_inference(77aa88bb-99cc-4dde-8eff-001122334455)\"","pod":{"name":"vllm-0","namespace":"inference"},"podUID":"77aa88bb-99cc-4dde-8eff-001122334455"}`, "error", "CrashLoopBackOff", "inference", "vllm-0", "vllm"},
		{`{"ts":1746090920120.9583,"caller":"kubelet/kubelet.go:2542","msg":"SyncLoop (probe)","v":1,"probe":"liveness","status":"unhealthy","pod":{"name":"vllm-0","namespace":"inference"}}`, "info", "", "inference", "vllm-0", ""},
		{`{"ts":1746090920120.9583,"caller":"record/event.go:389","msg":"Event occurred","v":3,"object":{"name":"worker-node01"},"kind":"Node","apiVersion":"v1","type":"Normal","reason":"Shutdown","message":"Shutting down node"}`, "info", "Shutdown", "", "worker-node01", ""},
	} {
		ev := event.NewMessage(c.line, time.Time{})
		if !New().Parse(ev) {
			t.Fatalf("not recognised: %s", c.line)
		}
		got := func(k string) string { s, _ := ev.GetString(k); return s }
		if got(event.FieldLogLevel) != c.level || got(FieldEventReason) != c.reason || got("orchestrator.namespace") != c.ns ||
			got("orchestrator.resource.name") != c.name || got("log.fields.containerName") != c.container {
			t.Errorf("%.60s...: %s", c.line, ev.AppendJSON(nil))
		}
	}
}

// uvicorn's access record through a JSON formatter is vLLM's when the route is vLLM's or the
// container is vLLM's, and another FastAPI service's (uvicorn.access) for its own route in a
// container not named for vLLM, as uvicorn's text line is: that service's 5xx are not vLLM's.
func TestUvicornJSONAccessOfAnotherService(t *testing.T) {
	t.Parallel()
	rec := func(path string) string {
		return `{"asctime": "2026-01-15 15:24:08,131", "levelname": "INFO", "name": "uvicorn.access", ` +
			`"message": "10.2.66.141:47584 - \"POST ` + path + ` HTTP/1.1\" 500"}`
	}
	for _, c := range []struct{ container, path, want string }{
		{"agent-server", "/api/conversations", vllm.DatasetUvicornAccess},
		{"agent-server", "/v1/chat/completions", vllm.DatasetAccess},
		{"vllm", "/api/conversations", vllm.DatasetAccess},
	} {
		ev := event.NewMessage(rec(c.path), time.Time{})
		ev.SetString(event.FieldK8sContainer, c.container)
		if !New().Parse(ev) {
			t.Fatalf("%s %s: not recognised", c.container, c.path)
		}
		if ds, _ := ev.GetString(event.FieldDataset); ds != c.want {
			t.Errorf("%s %s: dataset %q, want %q", c.container, c.path, ds, c.want)
		}
		if st, _ := ev.Get(event.FieldHTTPStatus); st.Int() != 500 {
			t.Errorf("%s %s: status %v", c.container, c.path, st)
		}
	}
}
