package requests

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"
)

// A generated day of interleaved logs for the end-to-end test: four vLLM pods (two V1 with
// --enable-log-outputs, two V0; one of each read with the container runtime's nanosecond
// timestamps, as the cri framing gives them, the others with vLLM's own, to the second) take bursts of concurrent requests (hundreds in flight across
// the pods) that succeed, are aborted or fail; the engine of vllm-b dies of a CUDA out-of-memory
// in the last hour, and the GPU of vllm-d falls off the bus (Xid 79, its pod known from the
// DCGM exporter) in the afternoon. The generator is deterministic (fixed seed) and knows the
// truth the three questions must return.

// dayLine is one line of the day: its pod ("" for the node's kernel log), time and text, and
// whether parsing must make it an error.
type dayLine struct {
	pod    string
	at     time.Time
	text   string
	err    bool
	access bool   // @timestamp is the container runtime's (access and kernel lines have no other)
	req    string // the request an access line served
}

// dayTruth is what the questions must answer: the requests that failed or were aborted, with
// their cause (aborted, bad_request, cuda_oom, gpu_xid) and end.
type dayTruth struct {
	start, now time.Time
	lines      []dayLine
	failed     map[string]dayEnd
	xid        int // index of the Xid line in lines
}

type dayEnd struct {
	cause string
	end   time.Time // of the line that ended it, to the second as vLLM writes it
}

// dayPod describes a pod of the day: its engine version, node and GPU, and when it dies (zero:
// never).
type dayPod struct {
	name, node, gpu string
	v1, runtimeTime bool
	crash, xid      time.Time
}

const dayBurst = 150 // requests per burst and pod

// genDay generates the day ending at now (a whole second).
func genDay(now time.Time) *dayTruth {
	d := &dayTruth{start: now.Add(-24 * time.Hour), now: now, failed: map[string]dayEnd{}}
	rng := rand.New(rand.NewPCG(16, 2026))
	bursts := []time.Duration{2 * time.Hour, 9 * time.Hour, 15 * time.Hour, 23*time.Hour + 30*time.Minute}
	pods := []*dayPod{
		{name: "vllm-a", node: "node-1", gpu: "GPU-a", v1: true, runtimeTime: true},
		{name: "vllm-b", node: "node-1", gpu: "GPU-b", v1: true, crash: d.start.Add(bursts[3] + 15*time.Second)},
		{name: "vllm-c", node: "node-2", gpu: "GPU-c", runtimeTime: true},
		{name: "vllm-d", node: "node-3", gpu: "GPU-d", xid: d.start.Add(bursts[2] + 10*time.Second)},
	}
	for _, pd := range pods {
		for b, at := range bursts {
			for i := range dayBurst {
				start := d.start.Add(at + time.Duration(rng.Int64N(int64(20*time.Second))))
				d.request(rng, pd, fmt.Sprintf("%03d%d", i, b), start, start.Add(time.Duration(2+rng.Int64N(38))*time.Second))
			}
		}
		for t := d.start; t.Before(now); t = t.Add(15 * time.Minute) {
			if pd.dead(t) {
				break
			}
			d.add(dayLine{pod: pd.name, at: t, access: true, text: `(APIServer pid=1) INFO:     10.0.9.9:9000 - "GET /metrics HTTP/1.1" 200 OK`})
		}
		d.death(pd)
	}
	for i, l := range d.lines {
		for _, pd := range pods {
			if pd.name == l.pod && pd.runtimeTime {
				d.lines[i].access = true
			}
		}
	}
	slices.SortStableFunc(d.lines, func(a, b dayLine) int { return a.at.Compare(b.at) })
	for i, l := range d.lines {
		if l.pod == "" {
			d.xid = i
		}
	}
	return d
}

func (pd *dayPod) dead(t time.Time) bool {
	return !pd.crash.IsZero() && !t.Before(pd.crash) || !pd.xid.IsZero() && !t.Before(pd.xid)
}

func (d *dayTruth) add(l dayLine) { d.lines = append(d.lines, l) }

// stamp is vLLM's time header.
func stamp(t time.Time) string { return t.Format("01-02 15:04:05") }

// request writes one request's lines: its start, an access line at the start when streaming or
// at the end when not, and its end unless its pod dies first (then the death writes it).
func (d *dayTruth) request(rng *rand.Rand, pd *dayPod, n string, start, end time.Time) {
	if pd.dead(start) {
		return // the pod is gone
	}
	id, path := "chatcmpl-"+pd.name[5:]+n, "/v1/chat/completions"
	first := fmt.Sprintf("(APIServer pid=1) INFO %s [async_llm.py:270] Added request %s.", stamp(start), id)
	if !pd.v1 {
		id, path = "cmpl-"+pd.name[5:]+n, "/v1/completions"
		first = fmt.Sprintf("INFO %s async_llm_engine.py:529] Received request %s: prompt: 'hi', sampling_params: SamplingParams(n=1, temperature=0.7, max_tokens=64), prompt_token_ids: [1, 2], lora_request: None.", stamp(start), id)
	}
	d.add(dayLine{pod: pd.name, at: start, text: first})
	client := fmt.Sprintf("10.0.%d.%d:%d", rng.IntN(200), rng.IntN(250)+1, 30000+rng.IntN(30000))
	streaming := rng.IntN(2) == 0
	accessAt := func(at time.Time, status int, reason string) {
		d.add(dayLine{pod: pd.name, at: at, access: true, err: status >= 500, req: id,
			text: fmt.Sprintf(`(APIServer pid=1) INFO:     %s - "POST %s HTTP/1.1" %d %s`, client, path, status, reason)})
	}
	if streaming {
		accessAt(start.Add(50*time.Millisecond), 200, "OK")
	}
	if pd.dead(end) {
		pd.inFlight(d, id, streaming, accessAt)
		return
	}
	var last string
	status, reason := 200, "OK"
	logged := end.Truncate(time.Second) // the end as the summary will say it
	if pd.runtimeTime {
		logged = end
	}
	switch r := rng.IntN(100); {
	case r < 6:
		last, reason = "aborted", ""
		d.failed[id] = dayEnd{"aborted", logged}
	case r < 11 && pd.v1:
		last, status, reason = "bad", 400, "Bad Request"
		d.failed[id] = dayEnd{"bad_request", logged}
	}
	d.add(dayLine{pod: pd.name, at: end, text: endLine(pd.v1, last, id, end)})
	if !streaming && reason != "" {
		accessAt(end.Add(20*time.Millisecond), status, reason)
	}
}

// endLine is the line that ends a request: success, "aborted" or "bad" (V1 only).
func endLine(v1 bool, how, id string, at time.Time) string {
	switch {
	case how == "aborted" && v1:
		return fmt.Sprintf("(APIServer pid=1) INFO %s [async_llm.py:411] Request %s aborted.", stamp(at), id)
	case how == "aborted":
		return fmt.Sprintf("INFO %s async_llm_engine.py:133] Aborted request %s.", stamp(at), id)
	case how == "bad":
		return fmt.Sprintf("(APIServer pid=1) INFO %s [async_llm.py:427] Request %s failed (bad request): The decoder prompt (length 9000) is longer than the maximum model length of 8192.", stamp(at), id)
	case v1:
		return fmt.Sprintf("(APIServer pid=1) INFO %s [logger.py:98] Generated response %s: output: 'ok', output_token_ids: [1, 2], finish_reason: stop", stamp(at), id)
	}
	return fmt.Sprintf("INFO %s async_llm_engine.py:120] Finished request %s.", stamp(at), id)
}

// inFlight records a request its pod's death ends: after a CUDA out-of-memory V1 logs that it
// failed and a non-streaming response is a 500; after an Xid nothing more is written.
func (pd *dayPod) inFlight(d *dayTruth, id string, streaming bool, accessAt func(time.Time, int, string)) {
	if pd.xid.IsZero() {
		at := pd.crash.Add(time.Second)
		d.failed[id] = dayEnd{"cuda_oom", pd.crash}
		d.add(dayLine{pod: pd.name, at: at, text: fmt.Sprintf("(APIServer pid=1) INFO %s [async_llm.py:342] Request %s failed (engine dead).", stamp(at), id)})
		if !streaming {
			accessAt(at.Add(10*time.Millisecond), 500, "Internal Server Error")
		}
		return
	}
	d.failed[id] = dayEnd{"gpu_xid", pd.xid.Truncate(time.Second)}
}

// death writes the lines of a pod's end: the engine's failure, or the node's Xid.
func (d *dayTruth) death(pd *dayPod) {
	switch {
	case !pd.crash.IsZero():
		d.add(dayLine{pod: pd.name, at: pd.crash, err: true, text: fmt.Sprintf("(EngineCore pid=112) ERROR %s [core.py:1131] torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 50.00 MiB.", stamp(pd.crash))})
		d.add(dayLine{pod: pd.name, at: pd.crash, err: true, text: fmt.Sprintf("(APIServer pid=1) ERROR %s [async_llm.py:699] vllm.v1.engine.exceptions.EngineDeadError: EngineCore encountered an issue. See stack trace (above) for the root cause.", stamp(pd.crash))})
	case !pd.xid.IsZero():
		d.add(dayLine{at: pd.xid, err: true, text: "NVRM: Xid (PCI:0000:3b:00): 79, pid='<unknown>', name=<unknown>, GPU has fallen off the bus."})
	}
}
