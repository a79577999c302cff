package requests

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/tidwall/gjson"

	"github.com/sluice-dev/sluice/internal/testsvc"
	"github.com/sluice-dev/sluice/parsers/nvidia_xid"
	"github.com/sluice-dev/sluice/parsers/vllm"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/output/elasticsearch/setup"
)

// TestThreeQuestionsOnADay sends a generated day (genDay: four pods, bursts of concurrent
// requests, aborts, failures, a CUDA out-of-memory, an Xid) through the parsers and this
// processor into the real Elasticsearch, routed as the example config does, and checks that the
// documented query of each question, on its data view and over the dashboard's time range,
// returns exactly the documents the generator says it must: no more, no fewer, none twice.
func TestThreeQuestionsOnADay(t *testing.T) {
	t.Parallel()
	base := testsvc.Elasticsearch(t)
	run := fmt.Sprintf("day%x", time.Now().UnixNano())
	installTemplates(t, base, run)
	day := genDay(time.Now().UTC().Truncate(time.Second))
	evs := dayEvents(t, day)
	indexEvents(t, base, run, evs)
	logs, errs, reqs := setup.ViewPatterns("logs-*")
	rfc := func(t time.Time) string { return t.Format(time.RFC3339) }

	// Why did inference fail, over the day: every failed and aborted request once, with its cause.
	got := searchSince(t, base, reqs, setup.QueryFailedRequests, run, rfc(day.start))
	var want []string
	for id := range day.failed {
		want = append(want, id)
	}
	slices.Sort(want)
	if ids := hitValues(got, "vllm.request.id"); !slices.Equal(ids, want) {
		t.Errorf("failed requests: %d hits, want %d; first differences: %v", len(ids), len(want), firstDiff(ids, want))
	}
	causes := map[string]int{}
	for _, h := range got {
		truth := day.failed[h.Get("vllm.request.id").Str]
		causes[truth.cause]++
		checkCause(t, h, truth)
	}
	t.Logf("%d lines, %d events indexed; failed requests by cause: %v", len(day.lines), len(evs), causes)
	for _, c := range []string{"aborted", "bad_request", "cuda_oom", "gpu_xid"} {
		if causes[c] == 0 {
			t.Errorf("the day has no request ended by %s", c)
		}
	}

	// What happened to the GPU: the Xid, once.
	got = searchSince(t, base, logs, setup.QueryGPU, run, rfc(day.start))
	if len(got) != 1 || got[0].Get("labels.e2e_seq").Str != strconv.Itoa(day.xid) {
		t.Errorf("GPU question: %d hits, want the Xid line %d", len(got), day.xid)
	}

	// All errors in the last hour: the crash, its 500s and its failed requests, once each.
	cutoff := day.now.Add(-time.Hour)
	got = searchSince(t, base, errs, setup.QueryAllErrors, run, rfc(cutoff))
	keys, wantKeys := errorKeys(got), day.errorsSince(cutoff)
	if !slices.Equal(keys, wantKeys) || len(wantKeys) < 100 {
		t.Errorf("all errors: %d hits, want %d; first differences: %v", len(keys), len(wantKeys), firstDiff(keys, wantKeys))
	}
	if n := len(searchSince(t, base, logs, setup.QueryAllErrors, run, rfc(cutoff))); n != len(got) {
		t.Errorf("the logs view counts %d errors, the errors view %d: a double count", n, len(got))
	}
}

// dayEvents parses the day's lines as Filebeat and the kubernetes processor would have them
// (pod, namespace, node and GPU on the pods' lines; the Xid's GPU pods on the node's), runs them
// through the processor in batches, and returns what it passes on after its final flush.
func dayEvents(t *testing.T, day *dayTruth) []*event.Event {
	t.Helper()
	p, _ := newProc(t, nil)
	vp, xp := vllm.New(vllm.Options{}), nvidia_xid.New()
	nodes := map[string][2]string{"vllm-a": {"node-1", "GPU-a"}, "vllm-b": {"node-1", "GPU-b"}, "vllm-c": {"node-2", "GPU-c"}, "vllm-d": {"node-3", "GPU-d"}}
	var out, batch []*event.Event
	for i, l := range day.lines {
		ev := event.NewMessage(l.text, l.at.Add(time.Second))
		if l.access || l.pod == "" {
			ev.SetTimestamp(l.at)
		}
		ok := false
		if l.pod == "" {
			ev.SetString(event.FieldHostName, "node-3")
			ev.Set(fieldGPUPods, event.Raw(`["inference/vllm-d"]`))
			ok = xp.Parse(ev)
		} else {
			ev.SetString(event.FieldK8sPodName, l.pod)
			ev.SetString(event.FieldK8sNamespace, "inference")
			ev.SetString(event.FieldK8sNodeName, nodes[l.pod][0])
			ev.SetString("gpu.uuid", nodes[l.pod][1])
			ok = vp.Parse(ev)
		}
		if !ok {
			t.Fatalf("line %d not parsed: %s", i, l.text)
		}
		ev.SetString("labels.e2e_seq", strconv.Itoa(i))
		if batch = append(batch, ev); len(batch) == 256 || i == len(day.lines)-1 {
			kept, sums := run(t, p, batch...)
			out = append(append(out, kept...), sums...)
			batch = nil
		}
	}
	if b := p.Flush(context.Background(), p.now(), true); b != nil {
		out = append(out, b.Events...)
	}
	tied := map[string]int{}
	for _, ev := range out {
		id, ok := ev.GetString(vllm.FieldRequestID)
		if ds, _ := ev.GetString(event.FieldDataset); ds != vllm.DatasetAccess || !ok {
			continue
		}
		pod, _ := ev.GetString(event.FieldK8sPodName)
		tied[pod]++
		seq, _ := ev.GetString("labels.e2e_seq")
		if i, _ := strconv.Atoi(seq); day.lines[i].req != id {
			t.Errorf("access line %d (of %s) tied to %s", i, day.lines[i].req, id)
		}
	}
	t.Logf("access lines tied (a, c: runtime times; b, d: vLLM's, to the second): %v; untied: %v ambiguous, %v without a request near", tied,
		testutil.ToFloat64(p.untied.WithLabelValues(UntiedAmbiguous)), testutil.ToFloat64(p.untied.WithLabelValues(UntiedNone)))
	return out
}

// indexEvents sends evs to their data streams, errors also to the -errors streams, as the
// example config routes them, in bulks of 5,000 documents.
func indexEvents(t *testing.T, base, run string, evs []*event.Event) {
	t.Helper()
	for from := 0; from < len(evs); from += 5000 {
		var bulk bytes.Buffer
		for _, ev := range evs[from:min(from+5000, len(evs))] {
			ev.SetString("labels.e2e_run", run)
			ds, _ := ev.GetString(event.FieldDataset)
			doc := ev.AppendJSON(nil)
			fmt.Fprintf(&bulk, `{"create":{"_index":"logs-%s-%s"}}`+"\n%s\n", ds, run, doc)
			if lv, _ := ev.GetString(event.FieldLogLevel); lv == "error" || lv == "critical" {
				fmt.Fprintf(&bulk, `{"create":{"_index":"logs-%s-errors"}}`+"\n%s\n", ds, doc)
			}
		}
		res := post(t, base+"/_bulk?refresh=true", bulk.Bytes())
		if gjson.GetBytes(res, "errors").Bool() {
			t.Fatalf("bulk: %s", res[:min(len(res), 2000)])
		}
	}
}

// checkCause checks that a failed request's summary says why and where, as the generator made it.
func checkCause(t *testing.T, h gjson.Result, truth dayEnd) {
	t.Helper()
	outcome, kind := h.Get("vllm.request.outcome").Str, h.Get("vllm.error.kind").Str
	end, _ := time.Parse(time.RFC3339Nano, h.Get("event.end").Str)
	ok := end.Equal(truth.end)
	switch truth.cause {
	case "aborted":
		ok = ok && outcome == OutcomeAborted
	case "bad_request":
		ok = ok && outcome == OutcomeFailure && h.Get("vllm.request.failure_reason").Str == "bad request"
	case "cuda_oom":
		ok = ok && outcome == OutcomeFailure && kind == vllm.KindCUDAOOM && h.Get("kubernetes.node.name").Str == "node-1" && h.Get("gpu.uuid").Str == "GPU-b"
	case "gpu_xid":
		ok = ok && outcome == OutcomeFailure && kind == KindGPUXid && h.Get("kubernetes.node.name").Str == "node-3" && h.Get("gpu.uuid").Str == "GPU-d"
	}
	if !ok {
		t.Errorf("summary of a request ended by %s at %v: %s", truth.cause, truth.end, h.Raw)
	}
}

// errorsSince is what the errors question must return from cutoff on: the error lines (by
// their place in the day) and the summaries of the requests that failed (by id; aborted ones
// are warnings), sorted.
func (d *dayTruth) errorsSince(cutoff time.Time) []string {
	var keys []string
	for i, l := range d.lines {
		if l.err && !l.at.Before(cutoff) {
			keys = append(keys, "line "+strconv.Itoa(i))
		}
	}
	for id, e := range d.failed {
		if e.cause != "aborted" && !e.end.Before(cutoff) {
			keys = append(keys, "request "+id)
		}
	}
	slices.Sort(keys)
	return keys
}

// errorKeys names the hits as errorsSince does.
func errorKeys(hits []gjson.Result) []string {
	var keys []string
	for _, h := range hits {
		if h.Get("event.dataset").Str == Dataset {
			keys = append(keys, "request "+h.Get("vllm.request.id").Str)
		} else {
			keys = append(keys, "line "+h.Get("labels.e2e_seq").Str)
		}
	}
	slices.Sort(keys)
	return keys
}

// firstDiff returns up to five keys in one sorted list and not the other, for the failure message.
func firstDiff(got, want []string) []string {
	var d []string
	for _, k := range got {
		if _, found := slices.BinarySearch(want, k); !found && len(d) < 5 {
			d = append(d, "extra "+k)
		}
	}
	for _, k := range want {
		if _, found := slices.BinarySearch(got, k); !found && len(d) < 10 {
			d = append(d, "missing "+k)
		}
	}
	return d
}
