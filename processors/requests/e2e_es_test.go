package requests

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/sluice-dev/sluice/internal/testsvc"
	"github.com/sluice-dev/sluice/parsers/builtin"
	"github.com/sluice-dev/sluice/parsers/klog"
	"github.com/sluice-dev/sluice/parsers/nvidia_xid"
	"github.com/sluice-dev/sluice/parsers/vllm"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/output/elasticsearch"
	"github.com/sluice-dev/sluice/pipeline/output/elasticsearch/setup"
)

// TestThreeQuestionsOnElasticsearch runs interleaved logs of three vLLM pods (concurrent
// requests, a CUDA out-of-memory that kills one engine, an aborted request, a GPU Xid on another
// node) through the parsers and this processor into the real Elasticsearch, routed as the example
// config does (every event to its stream, errors also to the -errors stream), and checks that the
// one documented query of each question, on its data view, returns exactly the expected documents.
func TestThreeQuestionsOnElasticsearch(t *testing.T) {
	t.Parallel()
	base := testsvc.Elasticsearch(t)
	run := fmt.Sprintf("e2e%x", time.Now().UnixNano())
	installTemplates(t, base, run)

	evs := e2eEvents(t)
	wantErrors := 0
	for _, ev := range evs {
		if lv, _ := ev.GetString(event.FieldLogLevel); lv == "error" || lv == "critical" {
			wantErrors++
		}
	}
	indexEvents(t, base, run, evs)

	t.Logf("%d events indexed, %d of them errors (also in the errors streams)", len(evs), wantErrors)
	logs, errs, reqs := setup.ViewPatterns("logs-*")
	// Why did inference fail: the failed and aborted requests, each once, with their cause.
	got := search(t, base, reqs, setup.QueryFailedRequests, run)
	ids := hitValues(got, "vllm.request.id")
	if want := []string{"chatcmpl-a3", "chatcmpl-a4", "chatcmpl-a5", "cmpl-b4"}; !slices.Equal(ids, want) {
		t.Errorf("failed requests: %v, want %v", ids, want)
	}
	for _, h := range got {
		if h.Get("vllm.request.outcome").Str == "failure" && (h.Get("vllm.error.kind").Str != "cuda_oom" ||
			h.Get("kubernetes.node.name").Str != "node-1" || h.Get("gpu.uuid").Str != "GPU-a") {
			t.Errorf("failed request without its cause or place: %s", h.Raw)
		}
	}
	// What happened to the GPU: the Xid, once (its copy in the errors stream is not in the view).
	got = search(t, base, logs, setup.QueryGPU, run)
	if len(got) != 1 || got[0].Get("gpu.xid.code").Int() != 79 {
		t.Errorf("GPU question: %d hits %v", len(got), got)
	}
	// Why is a pod not running: what the scheduler and the kubelet said about it, found by the
	// pod's name although neither wrote it.
	got = search(t, base, logs, setup.QueryPods, run)
	if pods := hitValues(got, "orchestrator.resource.name"); !slices.Equal(slices.Sorted(slices.Values(pods)), []string{"vllm-a", "vllm-c"}) {
		t.Errorf("pods question: %v, want [vllm-a vllm-c]", pods)
	}
	// All errors in the last hour: every error once.
	got = search(t, base, errs, setup.QueryAllErrors, run)
	if len(got) != wantErrors || wantErrors < 8 {
		t.Errorf("all errors: %d hits, want %d", len(got), wantErrors)
	}
	if n := len(search(t, base, logs, setup.QueryAllErrors, run)); n != wantErrors {
		t.Errorf("the logs view counts %d errors, the errors view %d: a double count", n, wantErrors)
	}
}

// e2eEvents parses the generated lines of three pods, interleaved, through the processor, and
// returns what it passes on (lines and summaries) after its final flush.
func e2eEvents(t *testing.T) []*event.Event {
	now := time.Now().UTC().Add(-20 * time.Minute).Truncate(time.Second)
	at := func(s int) string { return now.Add(time.Duration(s) * time.Second).Format("01-02 15:04:05") }
	type line struct{ pod, text string }
	var ls []line
	for i := 1; i <= 5; i++ { // pod a (V1) and b (V0) take requests at the same time
		ls = append(ls,
			line{"a", fmt.Sprintf("(APIServer pid=1) INFO %s [async_llm.py:270] Added request chatcmpl-a%d.", at(i), i)},
			line{"b", fmt.Sprintf("INFO %s async_llm_engine.py:529] Received request cmpl-b%d: prompt: 'hi', sampling_params: SamplingParams(n=1, temperature=0.7, max_tokens=64), prompt_token_ids: [1, 2], lora_request: None.", at(i), i)})
	}
	ls = append(ls,
		line{"a", fmt.Sprintf("(APIServer pid=1) INFO %s [logger.py:98] Generated response chatcmpl-a1: output: 'ok', output_token_ids: [1, 2], finish_reason: stop", at(7))},
		line{"a", fmt.Sprintf("(APIServer pid=1) INFO %s [logger.py:98] Generated response chatcmpl-a2: output: 'ok', output_token_ids: [1], finish_reason: length", at(8))},
		line{"b", fmt.Sprintf("INFO %s async_llm_engine.py:120] Finished request cmpl-b1.", at(8))},
		line{"b", fmt.Sprintf("INFO %s async_llm_engine.py:133] Aborted request cmpl-b4.", at(9))},
		line{"node", "NVRM: Xid (PCI:0000:3b:00): 79, pid='<unknown>', name=<unknown>, GPU has fallen off the bus."},
		// a fourth pod that never ran, and the kubelet about pod a
		line{"scheduler", "I" + now.Add(9*time.Second).Format("0102 15:04:05.000000") + `       1 schedule_one.go:1055] "Unable to schedule pod; no fit; waiting" pod="inference/vllm-c" err="0/4 nodes are available: 4 Insufficient nvidia.com/gpu."`},
		line{"kubelet", "I" + now.Add(9*time.Second).Format("0102 15:04:05.000000") + `    2187 prober.go:107] "Probe failed" probeType="Readiness" pod="inference/vllm-a" podUID="0f3c" containerName="vllm" probeResult="failure" output="HTTP probe failed with statuscode: 503"`},
		line{"a", fmt.Sprintf("(EngineCore pid=112) ERROR %s [core.py:1131] torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 50.00 MiB.", at(10))},
		line{"a", fmt.Sprintf("(APIServer pid=1) ERROR %s [async_llm.py:699] vllm.v1.engine.exceptions.EngineDeadError: EngineCore encountered an issue. See stack trace (above) for the root cause.", at(10))},
	)
	for i := 3; i <= 5; i++ {
		ls = append(ls,
			line{"a", fmt.Sprintf("(APIServer pid=1) INFO %s [async_llm.py:342] Request chatcmpl-a%d failed (engine dead).", at(11), i)},
			line{"a", `(APIServer pid=1) INFO:     10.0.0.7:4100` + fmt.Sprint(i) + ` - "POST /v1/chat/completions HTTP/1.1" 500 Internal Server Error`})
	}
	for _, i := range []int{2, 3, 5} {
		ls = append(ls, line{"b", fmt.Sprintf("INFO %s async_llm_engine.py:120] Finished request cmpl-b%d.", at(12), i)})
	}
	p, _ := newProc(t, nil)
	vp, xp, kp := vllm.New(vllm.Options{}), nvidia_xid.New(), klog.New()
	var out []*event.Event
	for _, l := range ls {
		ev := event.NewMessage(l.text, now.Add(30*time.Second))
		switch l.pod {
		case "scheduler", "kubelet":
			ev.SetString(event.FieldK8sPodName, l.pod)
			if !kp.Parse(ev) {
				t.Fatalf("not a klog line: %s", l.text)
			}
		case "node":
			ev.SetString(event.FieldHostName, "node-2")
			if !xp.Parse(ev) {
				t.Fatalf("not an Xid line: %s", l.text)
			}
		default:
			ev.SetString(event.FieldK8sPodName, "vllm-"+l.pod)
			ev.SetString(event.FieldK8sNodeName, map[string]string{"a": "node-1", "b": "node-2"}[l.pod])
			ev.SetString("gpu.uuid", "GPU-"+l.pod)
			if !vp.Parse(ev) {
				t.Fatalf("not a vLLM line: %s", l.text)
			}
		}
		kept, sums := run(t, p, ev)
		out = append(append(out, kept...), sums...)
	}
	if b := p.Flush(context.Background(), p.now(), true); b != nil {
		out = append(out, b.Events...)
	}
	return out
}

func installTemplates(t *testing.T, base, ns string) {
	t.Helper()
	fields := append(builtin.Registry().Fields(), Fields...)
	for _, c := range []struct {
		ns       string
		priority int
	}{{ns, 300}, {"errors", 149}} {
		cfg := elasticsearch.NewConfig()
		cfg.Hosts = []string{base}
		cfg.DataStream.Namespace = c.ns
		cfg.Setup.TemplateName = "sluice-e2e-" + c.ns
		cfg.Setup.TemplatePriority = c.priority
		cfg.Setup.ILM.Enabled = false
		client, err := elasticsearch.NewClient(cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := setup.Templates(context.Background(), client.Perform, cfg, fields); err != nil {
			t.Fatal(err)
		}
	}
}

// search runs a dashboard's KQL, in the Lucene form Elasticsearch reads (the same clauses:
// ":" terms, "or", "*" for exists), on a data view's title, limited to this run and the last hour.
func search(t *testing.T, base, view, kql, run string) []gjson.Result {
	t.Helper()
	return searchSince(t, base, view, kql, run, "now-1h")
}

// searchSince is search over the time picker's range from since (Elasticsearch date math or an
// RFC 3339 time) to now.
func searchSince(t *testing.T, base, view, kql, run, since string) []gjson.Result {
	t.Helper()
	q := strings.NewReplacer(" or ", " OR ", " and ", " AND ").Replace(kql)
	body, _ := json.Marshal(map[string]any{"size": 10000, "sort": []any{map[string]any{"vllm.request.id": map[string]any{"order": "asc", "unmapped_type": "keyword"}}},
		"query": map[string]any{"bool": map[string]any{"filter": []any{
			map[string]any{"query_string": map[string]any{"query": q}},
			map[string]any{"term": map[string]any{"labels.e2e_run": run}},
			map[string]any{"range": map[string]any{"@timestamp": map[string]any{"gte": since}}},
		}}}})
	res := post(t, base+"/"+url.PathEscape(view)+"/_search?ignore_unavailable=true&allow_no_indices=true", body)
	hits := gjson.GetBytes(res, "hits.hits.#._source").Array()
	if !gjson.GetBytes(res, "hits").Exists() {
		t.Fatalf("search %s on %s: %s", q, view, res)
	}
	return hits
}

// hitValues returns a source's field of each hit (the documents are nested JSON).
func hitValues(hits []gjson.Result, name string) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.Get(name).Str)
	}
	return out
}

func post(t *testing.T, u string, body []byte) []byte {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-ndjson")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return b
}
