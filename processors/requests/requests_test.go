package requests

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/sluice-dev/sluice/parsers/nvidia_xid"
	"github.com/sluice-dev/sluice/parsers/vllm"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/processors/internal/proctest"
)

var t0 = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// clock is the fake wall clock the processor reads.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newProc(t *testing.T, configure func(*Config)) (*Processor, *clock) {
	t.Helper()
	c := NewConfig()
	if configure != nil {
		configure(c)
	}
	set, _, _ := proctest.Settings(t, "requests")
	p, err := New(set, c)
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{t0}
	p.now = clk.now
	return p, clk
}

// lines parses vLLM lines as if from pod (its name, uid and node set as Filebeat does).
func lines(t *testing.T, pod string, ls ...string) []*event.Event {
	t.Helper()
	parser := vllm.New(vllm.Options{})
	evs := make([]*event.Event, len(ls))
	for i, l := range ls {
		ev := event.NewMessage(l, t0)
		ev.SetString(event.FieldK8sPodName, pod)
		ev.SetString(event.FieldK8sNodeName, "node-"+pod)
		ev.SetString("gpu.uuid", "GPU-"+pod)
		if !parser.Parse(ev) {
			t.Fatalf("not a vLLM line: %s", l)
		}
		evs[i] = ev
	}
	return evs
}

// settled is run, then a flush past access_window: the summaries of failed and aborted requests
// wait that long for their access lines and for the lines that say why.
func settled(t *testing.T, p *Processor, clk *clock, evs ...*event.Event) (kept, summaries []*event.Event) {
	t.Helper()
	kept, summaries = run(t, p, evs...)
	clk.t = clk.t.Add(p.cfg.AccessWindow + time.Second)
	if b := p.Flush(context.Background(), clk.t, false); b != nil {
		summaries = append(summaries, b.Events...)
	}
	return kept, summaries
}

func run(t *testing.T, p *Processor, evs ...*event.Event) (kept, summaries []*event.Event) {
	t.Helper()
	b := event.NewBatch(evs, nil)
	if err := p.Process(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	return b.Events[:len(evs)], b.Events[len(evs):]
}

func str(ev *event.Event, k string) string { return proctest.Str(ev, k) }

func num(ev *event.Event, k string) int64 {
	v, ok := ev.Get(k)
	if !ok {
		return -1
	}
	return v.Int()
}

func TestSuccessSummary(t *testing.T) {
	t.Parallel()
	p, _ := newProc(t, nil)
	in := lines(t, "vllm-0",
		`INFO 11-27 12:00:01 async_llm_engine.py:529] Received request cmpl-1: prompt: "hi", sampling_params: SamplingParams(n=1, temperature=0.7, top_p=0.9, max_tokens=16), prompt_token_ids: [1, 2, 3], lora_request: None.`,
		`INFO 11-27 12:00:03 async_llm_engine.py:120] Finished request cmpl-1.`)
	kept, sums := run(t, p, in...)
	if len(kept) != 2 || len(sums) != 1 {
		t.Fatalf("%d lines, %d summaries", len(kept), len(sums))
	}
	s := sums[0]
	for k, want := range map[string]string{
		event.FieldDataset: Dataset, FieldOutcome: OutcomeSuccess, vllm.FieldRequestID: "cmpl-1", event.FieldLogLevel: "info",
		event.FieldK8sPodName: "vllm-0", event.FieldK8sNodeName: "node-vllm-0", "gpu.uuid": "GPU-vllm-0",
		FieldECSOutcome: "success", event.FieldMessage: "request cmpl-1 success after 2.00s",
	} {
		if got := str(s, k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if d := num(s, FieldDuration); d != int64(2*time.Second) {
		t.Errorf("duration %d", d)
	}
	if num(s, vllm.FieldPromptTokens) != 3 || num(s, vllm.FieldMaxTokens) != 16 || num(s, FieldLines) != 2 {
		t.Errorf("numbers: %v", s)
	}
	if p.Open() != 0 {
		t.Errorf("%d open", p.Open())
	}
	if kept[0].HasTag(TagSampled) {
		t.Errorf("lines tagged although every summary is sent")
	}
}

// TestEngineFailure: an out-of-memory in the engine fails every request in flight on that pod,
// and only there; the "failed (engine dead)" lines after it start no second summary.
func TestEngineFailure(t *testing.T) {
	t.Parallel()
	p, clk := newProc(t, func(c *Config) { c.SuccessRate = 0.5 })
	in := append(lines(t, "vllm-a",
		`(APIServer pid=1) INFO 11-27 12:00:01 [async_llm.py:270] Added request chatcmpl-a1.`,
		`(APIServer pid=1) INFO 11-27 12:00:02 [async_llm.py:270] Added request chatcmpl-a2.`),
		lines(t, "vllm-b", `(APIServer pid=1) INFO 11-27 12:00:02 [async_llm.py:270] Added request chatcmpl-b1.`)...)
	in = append(in, lines(t, "vllm-a",
		`(EngineCore pid=112) ERROR 11-27 12:00:05 [core.py:1131] torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 50.00 MiB.`,
		`(APIServer pid=1) INFO 11-27 12:00:05 [async_llm.py:342] Request chatcmpl-a1 failed (engine dead).`)...)
	kept, sums := settled(t, p, clk, in...)
	if len(sums) != 2 {
		t.Fatalf("%d summaries, want 2", len(sums))
	}
	for i, id := range []string{"chatcmpl-a1", "chatcmpl-a2"} {
		s := sums[i]
		if str(s, vllm.FieldRequestID) != id || str(s, FieldOutcome) != OutcomeFailure || str(s, vllm.FieldErrorKind) != vllm.KindCUDAOOM ||
			str(s, event.FieldErrorType) != "torch.OutOfMemoryError" || str(s, FieldEndReason) != EndEngine || str(s, event.FieldLogLevel) != "error" {
			t.Errorf("summary %d: %v", i, s)
		}
	}
	if !kept[4].HasTag(TagSampled) {
		t.Errorf("late line of a failed request not tagged")
	}
	if p.Open() != 1 {
		t.Errorf("%d open, want vllm-b's one", p.Open())
	}
}

// A server stopped by SIGTERM (vLLM's handler raises KeyboardInterrupt("terminated")) ends the
// requests in flight on it: each is a failure of kind terminated, not left open until its TTL.
func TestTerminationFailsRequestsInFlight(t *testing.T) {
	t.Parallel()
	p, clk := newProc(t, nil)
	in := lines(t, "vllm-a",
		`(APIServer pid=1) INFO 11-27 12:00:01 [async_llm.py:270] Added request chatcmpl-a1.`,
		`(APIServer pid=1) ERROR 11-27 12:00:05 [launcher.py:101] KeyboardInterrupt: terminated`)
	if k := str(in[1], vllm.FieldErrorKind); k != vllm.KindTerminated {
		t.Fatalf("kind %q, want %q", k, vllm.KindTerminated)
	}
	_, sums := settled(t, p, clk, in...)
	if len(sums) != 1 || str(sums[0], vllm.FieldRequestID) != "chatcmpl-a1" || str(sums[0], FieldOutcome) != OutcomeFailure ||
		str(sums[0], vllm.FieldErrorKind) != vllm.KindTerminated || str(sums[0], FieldEndReason) != EndEngine {
		t.Fatalf("summaries: %v", sums)
	}
}

func TestAbortedList(t *testing.T) {
	t.Parallel()
	p, clk := newProc(t, nil)
	_, sums := settled(t, p, clk, lines(t, "vllm-0",
		`(APIServer pid=1) INFO 07-29 06:22:20 [async_llm.py:270] Added request chatcmpl-x.`,
		`(APIServer pid=1) INFO 07-29 06:22:30 [async_llm.py:420] Aborted request(s) chatcmpl-x, chatcmpl-y.`)...)
	if len(sums) != 2 || str(sums[0], FieldOutcome) != OutcomeAborted || str(sums[1], vllm.FieldRequestID) != "chatcmpl-y" {
		t.Fatalf("summaries: %v", sums)
	}
}

// TestEngineSuffixTwins: V1's abort names a request by its internal id, the client's id with
// the engine's suffix, and the output handler by the client's, an id from an X-Request-Id the
// parser keeps as the line gives it (vllm v0.22 in Docker, 2026): one request, one summary under
// the client's id, in either order.
func TestEngineSuffixTwins(t *testing.T) {
	t.Parallel()
	for _, ls := range [][]string{{
		`(APIServer pid=53) INFO 09-04 03:10:43 [v1/engine/async_llm.py:721] Aborted request(s) chatcmpl-req-a1f76d7a-124a-4c27-a79d-2610a261-a44df1a4.`,
		`(APIServer pid=53) INFO 09-04 03:10:43 [v1/engine/async_llm.py:595] Request chatcmpl-req-a1f76d7a-124a-4c27-a79d-2610a261 aborted.`,
	}, {
		`(APIServer pid=53) INFO 09-04 03:10:43 [v1/engine/async_llm.py:595] Request chatcmpl-req-a1f76d7a-124a-4c27-a79d-2610a261 aborted.`,
		`(APIServer pid=53) INFO 09-04 03:10:43 [v1/engine/async_llm.py:721] Aborted request(s) chatcmpl-req-a1f76d7a-124a-4c27-a79d-2610a261-a44df1a4.`,
	}} {
		p, clk := newProc(t, nil)
		_, sums := settled(t, p, clk, lines(t, "vllm-0", ls...)...)
		if len(sums) != 1 || str(sums[0], vllm.FieldRequestID) != "chatcmpl-req-a1f76d7a-124a-4c27-a79d-2610a261" ||
			str(sums[0], FieldOutcome) != OutcomeAborted || num(sums[0], FieldLines) != 2 {
			t.Errorf("%d summaries: %v", len(sums), sums)
		}
		p.Flush(context.Background(), clk.t.Add(24*time.Hour), true)
		for _, pd := range p.pods {
			if len(pd.twins) != 0 {
				t.Errorf("twins left after the linger: %v", pd.twins)
			}
		}
	}
}

func TestTTLAndShutdown(t *testing.T) {
	t.Parallel()
	p, clk := newProc(t, func(c *Config) { c.TTL = time.Minute })
	run(t, p, lines(t, "vllm-0", `(APIServer pid=1) INFO 07-29 06:22:20 [async_llm.py:270] Added request r1.`)...)
	clk.t = t0.Add(30 * time.Second)
	run(t, p, lines(t, "vllm-0", `(APIServer pid=1) INFO 07-29 06:22:50 [async_llm.py:270] Added request r2.`)...)
	if b := p.Flush(context.Background(), t0.Add(59*time.Second), false); b != nil {
		t.Fatalf("flushed before ttl: %v", b.Events)
	}
	b := p.Flush(context.Background(), t0.Add(61*time.Second), false)
	if b == nil || len(b.Events) != 1 || str(b.Events[0], FieldEndReason) != EndTTL || str(b.Events[0], FieldOutcome) != OutcomeUnknown {
		t.Fatalf("ttl flush: %v", b)
	}
	b = p.Flush(context.Background(), t0.Add(62*time.Second), true)
	if b == nil || len(b.Events) != 1 || str(b.Events[0], FieldEndReason) != EndShutdown {
		t.Fatalf("final flush: %v", b)
	}
	if p.Open() != 0 || len(p.pods) != 0 {
		t.Errorf("state left: %d open, %d pods", p.Open(), len(p.pods))
	}
}

func TestMaxOpenEvicts(t *testing.T) {
	t.Parallel()
	p, _ := newProc(t, func(c *Config) { c.MaxOpen = 2 })
	_, sums := run(t, p, lines(t, "vllm-0",
		`(APIServer pid=1) INFO 07-29 06:22:20 [async_llm.py:270] Added request r1.`,
		`(APIServer pid=1) INFO 07-29 06:22:21 [async_llm.py:270] Added request r2.`,
		`(APIServer pid=1) INFO 07-29 06:22:22 [async_llm.py:270] Added request r3.`)...)
	if len(sums) != 1 || str(sums[0], vllm.FieldRequestID) != "r1" || str(sums[0], FieldEndReason) != EndEvicted {
		t.Fatalf("summaries: %v", sums)
	}
	if got := testutil.ToFloat64(p.evicted); got != 1 {
		t.Errorf("evicted %v", got)
	}
	if p.Open() != 2 {
		t.Errorf("%d open", p.Open())
	}
}

func TestSamplingKeepsFailures(t *testing.T) {
	t.Parallel()
	p, clk := newProc(t, func(c *Config) { c.SuccessRate = 0 })
	kept, sums := settled(t, p, clk, lines(t, "vllm-0",
		`INFO 11-27 12:00:01 async_llm_engine.py:120] Finished request ok-1.`,
		`(APIServer pid=1) INFO 11-27 12:00:04 [async_llm.py:427] Request bad-1 failed (bad request): prompt too long.`,
		`INFO 11-27 12:00:01 async_llm_engine.py:133] Aborted request gone-1.`)...)
	if len(sums) != 2 || str(sums[0], vllm.FieldRequestID) != "bad-1" || str(sums[0], event.FieldErrorMsg) != "prompt too long" ||
		str(sums[0], vllm.FieldFailureReason) != "bad request" || str(sums[1], FieldOutcome) != OutcomeAborted {
		t.Fatalf("summaries: %v", sums)
	}
	if kept[0].HasTag(TagSampled) || !kept[1].HasTag(TagSampled) || !kept[2].HasTag(TagSampled) {
		t.Errorf("tags: %v %v %v", kept[0].Tags(), kept[1].Tags(), kept[2].Tags())
	}
}

func TestIdleEngineEndsRequests(t *testing.T) {
	t.Parallel()
	p, _ := newProc(t, nil)
	_, sums := run(t, p, lines(t, "vllm-0",
		`(APIServer pid=1) INFO 05-12 08:01:30 [async_llm.py:270] Added request chatcmpl-q.`,
		`(APIServer pid=1) INFO 05-12 08:01:38 [async_llm.py:270] Added request chatcmpl-just-now.`,
		`(APIServer pid=1) INFO 05-12 08:01:39 [loggers.py:271] Engine 000: Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: 0.0 tokens/s, Running: 0 reqs, Waiting: 0 reqs, GPU KV cache usage: 0.0%, Prefix cache hit rate: 0.0%`)...)
	if len(sums) != 1 || str(sums[0], FieldOutcome) != OutcomeSuccess || str(sums[0], FieldEndReason) != "engine_idle" ||
		str(sums[0], vllm.FieldRequestID) != "chatcmpl-q" {
		t.Fatalf("summaries: %v (a request added a second before the stats is not ended by them)", sums)
	}
}

func TestBadConfig(t *testing.T) {
	t.Parallel()
	for name, f := range map[string]func(*Config){
		"ttl": func(c *Config) { c.TTL = 0 }, "max_open": func(c *Config) { c.MaxOpen = 0 },
		"success_rate": func(c *Config) { c.SuccessRate = 1.5 }, "pod_fields": func(c *Config) { c.PodFields = []string{""} },
		"slow": func(c *Config) { c.Slow = -1 }, "linger": func(c *Config) { c.Linger = -1 },
		"access_window": func(c *Config) { c.AccessWindow = -time.Second },
	} {
		c := NewConfig()
		f(c)
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: error %v", name, err)
		}
	}
}

// TestSchedulerDumpIsALineNotTheCause: the dump of the crashing batch names its requests; the
// failure that follows is their cause, not the dump's text.
func TestSchedulerDumpIsALineNotTheCause(t *testing.T) {
	t.Parallel()
	p, clk := newProc(t, nil)
	_, sums := settled(t, p, clk, lines(t, "vllm-0",
		`(APIServer pid=1) INFO 11-25 12:06:10 [async_llm.py:270] Added request chatcmpl-9d2.`,
		`(APIServer pid=1) INFO 11-25 12:06:11 [async_llm.py:270] Added request chatcmpl-9d3.`,
		`(EngineCore_DP0 pid=16899) ERROR 11-25 12:06:16 [dump_input.py:76] Dumping scheduler output for model execution: SchedulerOutput(scheduled_new_reqs=[], scheduled_cached_reqs=CachedRequestData(req_ids=['chatcmpl-9d2', 'chatcmpl-9d3'], resumed_from_preemption=[false, false]), total_num_scheduled_tokens=2)`,
		`(EngineCore_DP0 pid=16899) ERROR 11-25 12:06:16 [core.py:711] RuntimeError: CUDA error: an illegal memory access was encountered`)...)
	if len(sums) != 2 {
		t.Fatalf("%d summaries", len(sums))
	}
	for _, s := range sums {
		if str(s, vllm.FieldErrorKind) != vllm.KindCUDA || str(s, event.FieldErrorType) != "RuntimeError" || num(s, FieldLines) != 2 {
			t.Errorf("summary: %v", s)
		}
	}
}

// An NCCL or memory warning does not fail the requests in flight; only an error does.
func TestWarningIsNoEngineFailure(t *testing.T) {
	t.Parallel()
	p, _ := newProc(t, nil)
	_, sums := run(t, p, lines(t, "vllm-0",
		`(APIServer pid=1) INFO 11-27 12:00:01 [async_llm.py:270] Added request chatcmpl-w.`,
		`(VllmWorker rank=3 pid=4107) WARNING 11-27 12:00:02 [multiproc_executor.py:527] RuntimeError: NCCL error: unhandled cuda error`)...)
	if len(sums) != 0 || p.Open() != 1 {
		t.Fatalf("a warning ended requests: %v", sums)
	}
}

// Making room for a new request may forget the last ended request of the same pod; the pod must
// stay known, or the new request is orphaned and its next line starts a second one.
func TestMakeRoomKeepsThePod(t *testing.T) {
	t.Parallel()
	p, _ := newProc(t, func(c *Config) { c.MaxOpen = 1 })
	_, sums := run(t, p, lines(t, "vllm-0",
		`INFO 11-27 12:00:01 async_llm_engine.py:120] Finished request r1.`,
		`(APIServer pid=1) INFO 11-27 12:00:02 [async_llm.py:270] Added request r2.`,
		`INFO 11-27 12:00:03 async_llm_engine.py:120] Finished request r2.`)...)
	if len(sums) != 2 || str(sums[1], vllm.FieldRequestID) != "r2" || num(sums[1], FieldLines) != 2 {
		t.Fatalf("summaries: %v", sums)
	}
	if p.Open() != 0 {
		t.Errorf("%d open: an orphaned request", p.Open())
	}
}

// TestXidFailsRequestsOnItsGPU: an Xid that the kubernetes processor tied to the pods on its
// GPU fails the requests in flight there, and only there; a warning-level Xid fails nothing.
func TestXidFailsRequestsOnItsGPU(t *testing.T) {
	t.Parallel()
	p, clk := newProc(t, nil)
	in := append(lines(t, "vllm-a",
		`(APIServer pid=1) INFO 11-27 12:00:01 [async_llm.py:270] Added request chatcmpl-a1.`),
		lines(t, "vllm-b", `(APIServer pid=1) INFO 11-27 12:00:02 [async_llm.py:270] Added request chatcmpl-b1.`)...)
	for _, ev := range in {
		ev.SetString(event.FieldK8sNamespace, "inference")
	}
	xid := func(level string) *event.Event {
		ev := event.NewMessage("NVRM: Xid (PCI:0000:3b:00): 79, pid=1234, GPU has fallen off the bus.", t0.Add(5*time.Second))
		ev.Set(nvidia_xid.FieldCode, event.Int(79))
		ev.SetString(nvidia_xid.FieldDescription, "GPU has fallen off the bus")
		ev.SetString(event.FieldLogLevel, level)
		ev.Set(fieldGPUPods, event.Raw(`["inference/vllm-a","monitoring/dcgm-exporter-x"]`))
		return ev
	}
	_, sums := run(t, p, append(in, xid("warning"))...)
	if len(sums) != 0 {
		t.Fatalf("a warning-level Xid ended %d requests", len(sums))
	}
	_, sums = settled(t, p, clk, xid("critical"))
	if len(sums) != 1 {
		t.Fatalf("%d summaries, want vllm-a's one", len(sums))
	}
	s := sums[0]
	if str(s, vllm.FieldRequestID) != "chatcmpl-a1" || str(s, FieldOutcome) != OutcomeFailure ||
		str(s, vllm.FieldErrorKind) != KindGPUXid || str(s, event.FieldErrorType) != "Xid 79" ||
		str(s, event.FieldErrorMsg) != "GPU has fallen off the bus" || str(s, FieldEndReason) != EndGPU {
		t.Errorf("summary: %v", s)
	}
	if p.Open() != 1 {
		t.Errorf("%d open, want vllm-b's one", p.Open())
	}
}

// A pooling request's line states no sampling parameters (PoolingParams): its summary makes up
// no temperature or top_p; a chat request's 0.9 is 0.9, not float32's 0.8999999761581421.
func TestSummaryStatesOnlyTheParamsSeen(t *testing.T) {
	t.Parallel()
	p, _ := newProc(t, nil)
	_, sums := run(t, p, lines(t, "vllm-0",
		`INFO 11-27 12:00:01 logger.py:39] Received request embd-1: prompt: 'hi', params: PoolingParams(dimensions=None, additional_metadata=None), prompt_token_ids: [1], lora_request: None.`,
		`INFO 11-27 12:00:01 async_llm_engine.py:173] Finished request embd-1.`,
		`INFO 11-27 12:00:02 logger.py:39] Received request chatcmpl-2: prompt: 'hi', params: SamplingParams(n=1, temperature=0.9, top_p=0.9, max_tokens=16), prompt_token_ids: [1], lora_request: None.`,
		`INFO 11-27 12:00:03 async_llm_engine.py:173] Finished request chatcmpl-2.`)...)
	if len(sums) != 2 {
		t.Fatalf("%d summaries", len(sums))
	}
	if sums[0].Has(vllm.FieldTemperature) || sums[0].Has(vllm.FieldTopP) {
		t.Errorf("pooling request's summary has sampling parameters: %s", sums[0].AppendJSON(nil))
	}
	if v, _ := sums[1].Get(vllm.FieldTemperature); v.Float() != 0.9 {
		t.Errorf("temperature %v, want 0.9", v.Float())
	}
}
