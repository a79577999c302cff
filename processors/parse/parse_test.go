package parse

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sluice-dev/sluice/parsers/builtin"
	"github.com/sluice-dev/sluice/parsers/compose"
	"github.com/sluice-dev/sluice/parsers/cri"
	"github.com/sluice-dev/sluice/parsers/docker"
	"github.com/sluice-dev/sluice/parsers/golden"
	"github.com/sluice-dev/sluice/parsers/syslog"
	"github.com/sluice-dev/sluice/parsers/vllm"
	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
)

var t0 = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func newProc(t testing.TB, mod func(*Config)) *Processor {
	t.Helper()
	cfg := NewConfig(builtin.Registry())
	if mod != nil {
		mod(cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	p, err := New(pipeline.Settings{ID: "parse"}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	p.now = func() time.Time { return t0 }
	return p
}

func events(src string, lines []string) []*event.Event {
	evs := make([]*event.Event, len(lines))
	for i, l := range lines {
		evs[i] = event.NewMessage(l, golden.Received)
		evs[i].Meta.Input, evs[i].Meta.Source = "test", src
	}
	return evs
}

// processAll sends evs through p as one batch, then flushes, and returns what came out (the
// held lines too).
func processAll(t testing.TB, p *Processor, evs []*event.Event) []*event.Event {
	t.Helper()
	b := event.NewBatch(evs, nil)
	if err := p.Process(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	out := b.Events
	if fb := p.Flush(context.Background(), t0, true); fb != nil {
		out = append(out, fb.Events...)
	}
	return out
}

// run sends lines through p in batches of size n, then flushes, and returns what came out.
func run(t testing.TB, p *Processor, src string, lines []string, n int) []*event.Event {
	t.Helper()
	var out []*event.Event
	evs := events(src, lines)
	for i := 0; i < len(evs); i += n {
		b := event.NewBatch(evs[i:min(i+n, len(evs))], nil)
		b.Key = src
		if err := p.Process(context.Background(), b); err != nil {
			t.Fatal(err)
		}
		out = append(out, b.Events...)
	}
	if fb := p.Flush(context.Background(), t0, true); fb != nil {
		out = append(out, fb.Events...)
	}
	if len(p.groups)+len(p.daemons)+len(p.partials) != 0 {
		// a final flush sends everything: nothing held, and no index left to grow
		t.Errorf("after the final flush: %d groups, %d daemon records, %d partial lines held", len(p.groups), len(p.daemons), len(p.partials))
	}
	return out
}

func TestGolden(t *testing.T) {
	t.Parallel()
	golden.Golden(t, "testdata", func(t *testing.T, lines []string) []*event.Event {
		return run(t, newProc(t, nil), "case", lines, 4)
	})
}

// Batch boundaries must not change the result: one line a batch, or all in one.
func TestGoldenBatchSizesAgree(t *testing.T) {
	t.Parallel()
	for _, c := range golden.Cases(t, "testdata") {
		lines := golden.Lines(t, c+"/input.log")
		var want []byte
		for i, n := range []int{1, 3, len(lines)} {
			var got []byte
			for _, ev := range run(t, newProc(t, nil), "case", lines, n) {
				got = ev.AppendJSON(got)
				got = append(got, '\n')
			}
			if i == 0 {
				want = got
			} else if string(got) != string(want) {
				t.Errorf("%s: batches of %d give another result than batches of 1", c, n)
			}
		}
	}
}

func keepPrompts(c *Config) { c.Prompts = "keep" }

func TestNothingLost(t *testing.T) {
	t.Parallel()
	for _, c := range golden.Cases(t, "testdata") {
		lines := golden.Lines(t, c+"/input.log")
		for _, n := range []int{1, 5} {
			checkNothingLost(t, lines, run(t, newProc(t, keepPrompts), "case", lines, n))
		}
	}
}

func TestHeldLinesHoldTheirAcks(t *testing.T) {
	t.Parallel()
	p := newProc(t, nil)
	lines := []string{
		"(EngineCore_DP0 pid=281) Traceback (most recent call last):",
		`(EngineCore_DP0 pid=281)   File "core.py", line 1, in run`,
	}
	var done1 []event.Status
	var mu sync.Mutex
	ack1 := event.NewAck(func(s event.Status) { mu.Lock(); done1 = append(done1, s); mu.Unlock() })
	b1 := event.NewBatch(events("s", lines), ack1)
	b1.Key = "s"
	if err := p.Process(context.Background(), b1); err != nil {
		t.Fatal(err)
	}
	if len(b1.Events) != 0 || p.Held() != 1 {
		t.Fatalf("batch 1 sent %d events, held %d; want 0 and 1", len(b1.Events), p.Held())
	}
	if n := b1.TakeAbsorbed(); n != 2 {
		t.Fatalf("batch 1 absorbed %d, want 2: held lines are not dropped", n)
	}
	b1.Resolve(event.Delivered)
	if len(done1) != 0 {
		t.Fatal("ack of batch 1 finished while its lines are held")
	}
	// Inside a traceback the group waits the full timeout, not the end timeout.
	if fb := p.Flush(context.Background(), t0.Add(2*DefaultEndTimeout), false); fb != nil {
		t.Fatal("a group inside a traceback was sent after the end timeout")
	}

	ack2 := event.NewAck(nil)
	b2 := event.NewBatch(events("s", []string{"(EngineCore_DP0 pid=281) RuntimeError: boom", "(APIServer pid=1) INFO:     Shutting down"}), ack2)
	b2.Key = "s"
	_ = p.Process(context.Background(), b2)
	if len(b2.Events) != 1 || p.Held() != 1 {
		t.Fatalf("batch 2 sent %d, held %d; want the shutdown line sent and the group still open", len(b2.Events), p.Held())
	}
	if n := b2.TakeAbsorbed(); n != 1 {
		t.Fatalf("batch 2 absorbed %d, want 1", n)
	}
	b2.Resolve(event.Delivered)
	if ack2.Pending() == 0 {
		t.Fatal("ack of batch 2 finished while its exception line is held")
	}
	// After its exception line the group may be complete: no line for longer than the end
	// timeout, and Flush sends it with both batches' acks.
	if fb := p.Flush(context.Background(), t0.Add(DefaultEndTimeout/2), false); fb != nil {
		t.Fatal("flushed before the timeout")
	}
	fb := p.Flush(context.Background(), t0.Add(DefaultEndTimeout), false)
	if fb == nil || len(fb.Events) != 1 {
		t.Fatalf("flush = %v", fb)
	}
	ev := fb.Events[0]
	if typ, _ := ev.GetString("error.type"); typ != "RuntimeError" {
		t.Errorf("error.type = %q in %s", typ, ev.AppendJSON(nil))
	}
	if n := strings.Count(ev.Message(), "\n"); n != 2 {
		t.Errorf("message has %d newlines: %q", n, ev.Message())
	}
	fb.Resolve(event.Retry)
	if len(done1) != 1 || done1[0] != event.Retry || ack2.Pending() != 0 {
		t.Fatalf("acks after resolving the flushed batch: batch1 %v, batch2 pending %d", done1, ack2.Pending())
	}
}

func TestPinnedSources(t *testing.T) {
	t.Parallel()
	p := newProc(t, func(c *Config) {
		c.Sources = []SourceRule{
			{Container: "sidecar", Dataset: "sidecar.logs"},
			{Path: "/var/log/pods/gpu-operator_*/*/*.log", Parsers: []string{"klog"}},
		}
	})
	ev := event.NewMessage("INFO 05-06 12:00:00 [a.py:1] looks like vllm", t0)
	ev.SetString("log.file.path", "/var/log/pods/gpu-operator_dp-x_uid/nvidia-device-plugin-ctr/0.log")
	if p.ParseEvent(ev) {
		t.Errorf("pinned to klog, but parsed: %s", ev.AppendJSON(nil))
	}
	if c, _ := ev.GetString("kubernetes.container.name"); c != "nvidia-device-plugin-ctr" {
		t.Errorf("container from path = %q", c)
	}
	ev2 := event.NewMessage("hello from a sidecar", t0)
	ev2.SetString("kubernetes.container.name", "sidecar")
	p.ParseEvent(ev2)
	if ds, _ := ev2.GetString(event.FieldDataset); ds != "sidecar.logs" {
		t.Errorf("dataset = %q", ds)
	}
}

func TestConcurrentSources(t *testing.T) {
	t.Parallel()
	p := newProc(t, nil)
	lines := golden.Lines(t, "testdata/v1-oom-interleaved/input.log")
	var wg sync.WaitGroup
	counts := make([]int, 8)
	for w := range counts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			src := fmt.Sprintf("src-%d", w)
			for i := 0; i < len(lines); i += 2 {
				b := event.NewBatch(events(src, lines[i:min(i+2, len(lines))]), nil)
				b.Key = src
				_ = p.Process(context.Background(), b)
				counts[w] += len(b.Events)
			}
		}()
	}
	wg.Wait()
	fb := p.Flush(context.Background(), t0, true)
	total := 0
	for _, c := range counts {
		total += c
	}
	if fb != nil {
		total += len(fb.Events)
	}
	// Each source gives the same events as the golden case.
	want := len(run(t, newProc(t, nil), "x", lines, 2)) * len(counts)
	if total != want {
		t.Fatalf("got %d events from 8 concurrent sources, want %d", total, want)
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		mod  func(*Config)
		want string
	}{
		{"unknown parser", func(c *Config) { c.Parsers = []string{"nope"} }, `parsers[0]: unknown parser "nope"`},
		{"prompts", func(c *Config) { c.Prompts = "show" }, `prompts: "show" is not one of`},
		{"multiline", func(c *Config) { c.Multiline.MaxLines = 1 }, "multiline:"},
		{"rule without match", func(c *Config) { c.Sources = []SourceRule{{Dataset: "x"}} }, "sources[0]: set at least one of path"},
		{"rule bad glob", func(c *Config) { c.Sources = []SourceRule{{Path: "[", Dataset: "x"}} }, "sources[0].path"},
		{"rule unknown parser", func(c *Config) { c.Sources = []SourceRule{{Container: "c", Parsers: []string{"x"}}} }, `sources[0].parsers[0]: unknown parser "x"`},
		{"rule does nothing", func(c *Config) { c.Sources = []SourceRule{{Container: "c"}} }, "sources[0]: set parsers or dataset"},
	}
	for _, tc := range tests {
		c := NewConfig(builtin.Registry())
		tc.mod(c)
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
	}
	if err := NewConfig(builtin.Registry()).Validate(); err != nil {
		t.Errorf("defaults: %v", err)
	}
}

// A config built without the factory has no parsers to name: an error, not a nil dereference.
func TestNoRegistry(t *testing.T) {
	t.Parallel()
	if err := (&Config{}).Validate(); err == nil || !strings.Contains(err.Error(), "registry") {
		t.Errorf("Validate = %v, want the missing registry", err)
	}
	if _, err := New(pipeline.Settings{ID: "parse"}, &Config{}); err == nil {
		t.Error("New accepted a config without a registry")
	}
}

func FuzzParse(f *testing.F) {
	golden.Seed(f, "testdata")
	f.Fuzz(func(t *testing.T, text string) {
		lines := strings.Split(text, "\n")
		if len(lines) > 64 {
			lines = lines[:64]
		}
		p := newProc(t, keepPrompts)
		done := make(chan event.Status, 1)
		ack := event.NewAck(func(s event.Status) { done <- s })
		b := event.NewBatch(events("f", lines), ack)
		_ = p.Process(context.Background(), b)
		fb := p.Flush(context.Background(), t0, true)
		n := len(b.Events)
		b.Resolve(event.Delivered)
		if fb != nil {
			n += len(fb.Events)
			fb.Resolve(event.Delivered)
		}
		checkNothingLost(t, lines, append(b.Events, batchEvents(fb)...))
		if n == 0 || p.Held() != 0 {
			t.Fatalf("%d lines gave %d events, %d held", len(lines), n, p.Held())
		}
		select {
		case <-done:
		default:
			t.Fatal("ack never finished")
		}
	})
}

func BenchmarkProcess(b *testing.B) {
	lines := golden.Lines(b, "testdata/v1-oom-interleaved/input.log")
	p := newProc(b, nil)
	evs := make([]*event.Event, len(lines))
	in := make([]*event.Event, 0, len(lines))
	golden.BenchCPU(b, func() {
		for i, l := range lines {
			if evs[i] == nil {
				evs[i] = event.New()
			}
			evs[i].Reset()
			evs[i].Meta.Input, evs[i].Meta.Source, evs[i].Meta.Received = "test", "bench", t0
			evs[i].SetMessage(l)
		}
		bt := event.NewBatch(append(in[:0], evs...), nil)
		_ = p.Process(context.Background(), bt)
		p.Flush(context.Background(), t0, true)
	})
	b.ReportMetric(float64(len(lines)), "lines/op")
}

func batchEvents(b *event.Batch) []*event.Event {
	if b == nil {
		return nil
	}
	return b.Events
}

// checkNothingLost fails when the text of an input line (after framing, colours and the vLLM
// prefixes) is in no output message. Run it with prompts: keep, since hiding them is the point.
func checkNothingLost(t testing.TB, lines []string, out []*event.Event) {
	t.Helper()
	var all strings.Builder
	for _, ev := range out {
		all.WriteString(ev.Message())
		all.WriteByte('\n')
	}
	text := all.String()
	for _, l := range lines {
		ev := event.NewMessage(l, t0)
		for _, f := range []interface{ Parse(*event.Event) bool }{cri.Parser{}, docker.Parser{}} {
			if f.Parse(ev) {
				break
			}
		}
		// The inner frames are removed the same way: what remains must be in the output.
		for _, f := range []interface{ Parse(*event.Event) bool }{compose.Parser{}, syslog.Parser{}} {
			if f.Parse(ev) {
				break
			}
		}
		body := vllm.Split(ev.Message()).Body
		if !strings.Contains(text, body) && !strings.Contains(text, ev.Message()) {
			t.Fatalf("line lost: %q", l)
		}
	}
}

func TestMetricsRegisterTwice(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	for i := 0; i < 2; i++ {
		if _, err := New(pipeline.Settings{ID: "parse", Registerer: reg}, NewConfig(builtin.Registry())); err != nil {
			t.Fatalf("create %d: %v", i, err)
		}
	}
	mfs, err := reg.Gather()
	if err != nil || len(mfs) != 2 || mfs[0].GetName() != "sluice_parse_held_events" || mfs[1].GetName() != "sluice_parse_lines_omitted_total" {
		t.Fatalf("gathered %v, %v", mfs, err)
	}
}

// Every field the golden cases produce is declared in the parser registry, from which the field
// table and the Elasticsearch mapping are generated.
func TestEveryFieldRegistered(t *testing.T) {
	t.Parallel()
	known := map[string]bool{event.FieldMessage: true}
	var open []string // flattened and object fields hold keys of their own
	for _, f := range builtin.Registry().Fields() {
		known[f.Name] = true
		if f.Type == "flattened" || f.Type == "object" {
			open = append(open, f.Name+".")
		}
	}
	declared := func(k string) bool {
		for _, o := range open {
			if strings.HasPrefix(k, o) {
				return true
			}
		}
		return known[k]
	}
	cases := append(golden.Cases(t, "testdata"), golden.Cases(t, "../../parsers/vllm/testdata")...)
	cases = append(cases, golden.Cases(t, "../../parsers/docker/testdata")...)
	for _, c := range cases {
		lines := golden.Lines(t, c+"/input.log")
		for _, mode := range []string{"hash", "keep", "truncate"} {
			p := newProc(t, func(cfg *Config) { cfg.Prompts = mode })
			for _, ev := range run(t, p, "case", lines, 3) {
				ev.Range(func(k string, _ event.Value) bool {
					if !declared(k) {
						t.Errorf("%s: field %s is not declared by any parser", c, k)
					}
					return true
				})
			}
		}
	}
}

func TestMultilineDisabled(t *testing.T) {
	t.Parallel()
	lines := golden.Lines(t, "testdata/v1-oom-interleaved/input.log")
	out := run(t, newProc(t, func(c *Config) { c.Multiline.Disabled = true }), "case", lines, 5)
	if len(out) != len(lines) {
		t.Fatalf("%d lines gave %d events with grouping off", len(lines), len(out))
	}
	for i, ev := range out {
		if strings.Contains(ev.Message(), "\n") || ev.Has("log.flags") {
			t.Errorf("event %d grouped: %q", i, ev.Message())
		}
	}
}

// TestTrainingJobFailureClasses: a training job's failures (its pod's container named for it,
// not vLLM) are classed in gpu.error.kind, a watchdog's timeout as nccl_timeout, and a rank's
// traceback names its rank; the same traceback in a vLLM container stays vLLM's.
func TestTrainingJobFailureClasses(t *testing.T) {
	t.Parallel()
	const watchdog = "[rank0]:[E321 02:07:08.408271257 ProcessGroupNCCL.cpp:607] [Rank 0] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=1580, OpType=ALLREDUCE, NumelIn=466119168, NumelOut=466119168, Timeout(ms)=600000) ran for 600060 milliseconds before timing out."
	oom := []string{
		"[rank2]: Traceback (most recent call last):",
		`[rank2]:   File "/app/train.py", line 12, in <module>`,
		"[rank2]:     loss.backward()",
		"[rank2]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 2 has a total capacity of 39.38 GiB of which 1.12 GiB is free.",
		"I0320 01:57:20.295000 2699931 torch/distributed/elastic/agent/server/api.py:900] done",
	}
	for _, c := range []struct {
		container, vllmKind, gpuKind string
		lines                        []string
	}{
		{"pytorch", "", "nccl_timeout", []string{watchdog}},
		// the line after it in the same incident (NVIDIA/nccl issue #1504)
		{"pytorch", "", "nccl_timeout", []string{"[rank0]:[E ProcessGroupNCCL.cpp:1537] [PG 0 Rank 0] Timeout at NCCL work: 1, last enqueued NCCL work: 1, last completed NCCL work: 0."}},
		{"pytorch", "", "cuda_oom", oom},
		{"vllm", "cuda_oom", "", oom},
		// a notebook's /dev/shm that filled (logicalclocks/hopsworks issue #1557, its traceback's
		// last frames): the job's, not vLLM's
		{"jupyter", "", "disk_full", []string{
			"Traceback (most recent call last):",
			`  File "/srv/hops/anaconda/envs/hopsworks_environment/lib/python3.10/site-packages/torch/multiprocessing/reductions.py", line 618, in reduce_storage`,
			"    fd, size = storage._share_fd_cpu_()",
			`  File "/srv/hops/anaconda/envs/hopsworks_environment/lib/python3.10/site-packages/torch/storage.py", line 526, in _share_fd_cpu_`,
			"    return super()._share_fd_cpu_(*args, **kwargs)",
			"RuntimeError: unable to write to file </torch_739_144252761_4>: No space left on device (28)",
		}},
		// SGLang's prefill/decode split losing a KV transfer (its NIXL connector's
		// logger.exception, 2026): the class is the engine's, not vLLM's
		{"sglang", "", "kv_transfer", []string{
			"[2026-07-21 08:06:26 TP1 EP1] Unexpected transfer worker error for room 5839938415251080346",
			"Traceback (most recent call last):",
			`  File "/sgl-workspace/sglang/python/sglang/srt/disaggregation/nixl/conn.py", line 568, in transfer_worker`,
			"    kv_xfer_handle = self.send_kvcache(",
			"nixl_cu13._bindings.nixlNotFoundError: NIXL_ERR_NOT_FOUND",
		}},
	} {
		evs := events("pod/"+c.container, c.lines)
		for _, ev := range evs {
			ev.SetString("kubernetes.container.name", c.container)
		}
		p := newProc(t, nil)
		b := event.NewBatch(evs, nil)
		b.Key = "pod/" + c.container
		if err := p.Process(context.Background(), b); err != nil {
			t.Fatal(err)
		}
		out := b.Events
		if fb := p.Flush(context.Background(), t0, true); fb != nil {
			out = append(out, fb.Events...)
		}
		var ev *event.Event
		for _, e := range out {
			if strings.HasPrefix(e.Message(), c.lines[0]) {
				ev = e
			}
		}
		if ev == nil {
			t.Fatalf("%s: no event starts with %q", c.container, c.lines[0])
		}
		vk, _ := ev.GetString("vllm.error.kind")
		gk, _ := ev.GetString("gpu.error.kind")
		if vk != c.vllmKind || gk != c.gpuKind {
			t.Errorf("%s %q: vllm.error.kind %q, gpu.error.kind %q; want %q, %q", c.container, c.lines[0], vk, gk, c.vllmKind, c.gpuKind)
		}
		if strings.HasPrefix(c.lines[0], "[rank") && len(c.lines) > 1 {
			if r, ok := ev.Get("vllm.process.rank"); !ok || r.Int() != 2 {
				t.Errorf("%s: the rank's traceback has rank %v", c.container, r)
			}
		}
	}
}

// TestWarningMessageLine: under a Python warning, indented prose and "key: value" lines go on
// with its message; the source line (a call, a block, a lone name) ends it.
func TestWarningMessageLine(t *testing.T) {
	t.Parallel()
	for line, want := range map[string]bool{
		"  Overriding a previously registered kernel for the same operator and the same dispatch key": true,
		"  operator: flash_attn::_flash_attn_backward(Tensor dout, Tensor q) -> Tensor":               true,
		"  dispatch key: ADInplaceOrView": true,
		"       new kernel: registered at /usr/local/lib/python3.12/dist-packages/torch/_library/x.py:155": true,
		"  self.m.impl(":                               false,
		"  warnings.warn(":                             false,
		"  InsecurePlatformWarning":                    false,
		"  InsecureRequestWarning)":                    false,
		"  return torch._C._cuda_getDeviceCount() > 0": false,
		"  x = load(path)":                             false,
		"  for batch in loader:":                       false,
	} {
		if got := warningMessageLine(line); got != want {
			t.Errorf("warningMessageLine(%q) = %v, want %v", line, got, want)
		}
	}
}

// A GPU node's health agent run as a host service writes its own file: Lepton's gpud
// (leptonai/gpud, its zap JSON log), its dataset by the file's name.
func TestHostAgentFile(t *testing.T) {
	t.Parallel()
	p := newProc(t, nil)
	ev := event.NewMessage(`{"level":"warn","ts":"2024-08-30T15:38:16Z","caller":"diagnose/scan.go:145","msg":"known xid","xid":13}`, t0)
	ev.SetString("log.file.path", "/var/log/gpud.log")
	p.ParseEvent(ev)
	if ds, _ := ev.GetString(event.FieldDataset); ds != "gpud.log" {
		t.Errorf("dataset = %q: %s", ds, ev.AppendJSON(nil))
	}
	if lv, _ := ev.GetString(event.FieldLogLevel); lv != "warning" {
		t.Errorf("level = %q", lv)
	}
}

// The Amazon VPC CNI's files on an EKS node (amazon-vpc-cni-k8s issues #871 and #1935): its
// CNI plugin's seelog lines and ipamd's zap JSON are the VPC CNI's, not generic.python or
// generic.json; flanneld's file as a service (kubernetes/kubernetes issue #8176) is Flannel's.
func TestNetworkAgentFiles(t *testing.T) {
	t.Parallel()
	p := newProc(t, nil)
	for _, c := range []struct{ path, line, want string }{
		{"/var/log/aws-routed-eni/plugin.log", "2020-03-16T15:02:38.124Z [ERROR] Failed to assign an IP address to pod nginx-deployment-5556888458-68h5d, namespace default container 6f3b5c9b79788c5178591af04a7af05fc26965e8eaf13d3d6010e944e15d1168", "aws.vpc_cni"},
		{"/var/log/aws-routed-eni/ipamd.log", `{"level":"info","ts":"2022-03-20T17:48:56.541Z","caller":"aws-k8s-agent/main.go:42","msg":"Testing communication with server"}`, "aws.vpc_cni"},
		{"/var/log/flanneld.log", "E0513 15:01:06.825805 05843 main.go:171] Failed to create SubnetManager: 100: Key not found (/coreos.com) [14]", "flannel.log"},
		{"/var/log/plugin.log", "2020-03-16T15:02:38.124Z [ERROR] Failed to assign an IP address to pod nginx-deployment-5556888458-68h5d, namespace default container 6f3b5c9b79788c5178591af04a7af05fc26965e8eaf13d3d6010e944e15d1168", "generic.python"},
	} {
		ev := event.NewMessage(c.line, t0)
		ev.SetString("log.file.path", c.path)
		p.ParseEvent(ev)
		if ds, _ := ev.GetString(event.FieldDataset); ds != c.want {
			t.Errorf("%s: dataset = %q, want %q: %s", c.path, ds, c.want, ev.AppendJSON(nil))
		}
	}
}

// A host program's rotated files are its own as its newest is: the kubelet's eviction lines
// from before the last rotation (kubelet.log.1, logrotate's dated and compressed forms) and the
// container toolkit's older log keep their program's dataset; so does containerd's own file.
func TestRotatedHostFiles(t *testing.T) {
	t.Parallel()
	p := newProc(t, nil)
	for path, c := range map[string]struct{ line, want string }{
		"/var/log/kubelet.log.1":                  {`E0701 10:00:00.123456    1234 eviction_manager.go:616] "Eviction manager: pod failed to evict" err="timeout" pod="llm/vllm-0"`, "kubernetes.kubelet"},
		"/var/log/kubelet.log-20230701":           {`W0701 10:00:00.123456    1234 eviction_manager.go:349] "Eviction manager: attempting to reclaim" resourceName="ephemeral-storage"`, "kubernetes.kubelet"},
		"/var/log/kubelet.log.4.gz":               {`I0701 10:00:00.123456    1234 kubelet.go:2400] "SyncLoop DELETE" source="api" pods=["llm/vllm-0"]`, "kubernetes.kubelet"},
		"/var/log/nvidia-container-toolkit.log.1": {`I0701 10:00:00.123456    1234 main.go:100] Starting nvidia-toolkit`, "gpu.container_toolkit"},
		// containerd's own file where k3s runs it (containerd/containerd issue #11836's line)
		"/var/lib/rancher/k3s/agent/containerd/containerd.log": {`time="2025-05-12T06:18:36.852558301+08:00" level=info msg="TaskExit event in podsandbox handler container_id:\"e28786a1b2069e77762bb83efe638e000effc88ec196d7aec1749607e938264c\"  id:\"b91276d1e3ddc165d517311b17ada8e5b29f2bd4d5424b9a2f17a584ca6590e8\"  pid:477946  exited_at:{seconds:1747001916  nanos:852280084}"`, "containerd.log"},
	} {
		ev := event.NewMessage(c.line, t0)
		ev.SetString("log.file.path", path)
		p.ParseEvent(ev)
		if ds, _ := ev.GetString(event.FieldDataset); ds != c.want {
			t.Errorf("%s: dataset = %q, want %q: %s", path, ds, c.want, ev.AppendJSON(nil))
		}
	}
}

// TestRecordCutByRotation: logrotate cut a vLLM worker's record between syslog.1 and syslog
// (read in that order, as sluice parse reads a node's files): the two parts are one event, and a
// record held at the older file's end is not sent after the newer file's lines.
func TestRecordCutByRotation(t *testing.T) {
	t.Parallel()
	p := newProc(t, nil)
	var evs []*event.Event
	for _, l := range []struct{ path, line string }{
		{"/var/log/syslog.1", "Apr 17 09:00:33 node-3 python3[14289]: (RayWorkerVllm pid=14289) ERROR 04-17 09:00:33 ray_utils.py:44] Error executing method init_device. This might cause deadlock in distributed execution."},
		{"/var/log/syslog.1", "Apr 17 09:00:33 node-3 python3[14289]: (RayWorkerVllm pid=14289) ERROR 04-17 09:00:33 ray_utils.py:44] Traceback (most recent call last):"},
		{"/var/log/syslog", `Apr 17 09:00:33 node-3 python3[14289]: (RayWorkerVllm pid=14289) ERROR 04-17 09:00:33 ray_utils.py:44]   File "/usr/local/lib/python3.10/dist-packages/vllm/engine/ray_utils.py", line 37, in execute_method`},
		{"/var/log/syslog", "Apr 17 09:00:40 node-3 python3[14289]: (RayWorkerVllm pid=14289) INFO 04-17 09:00:40 worker.py:1] ready"},
	} {
		ev := event.NewMessage(l.line, t0)
		ev.SetString("log.file.path", l.path)
		evs = append(evs, ev)
	}
	out := processAll(t, p, evs)
	if len(out) != 2 || strings.Count(out[0].Message(), "\n") != 2 || !strings.Contains(out[1].Message(), "ready") {
		for _, ev := range out {
			t.Logf("%q", ev.Message())
		}
		t.Fatalf("%d events; want the cut record whole, then the INFO line", len(out))
	}
}

// LMDeploy's Ray workers are RayWorkerWrapper actors, as vLLM's are: in its container their
// lines, and what the source then learns, are LMDeploy's.
func TestOtherEngineRayWorker(t *testing.T) {
	t.Parallel()
	p := newProc(t, nil)
	path := "/var/log/pods/inference_lmdeploy-qwen-0_8d2c1e4f-1111-2222-3333-444455556666/lmdeploy/0.log"
	for _, line := range []string{
		"(RayWorkerWrapper pid=297851) [Gloo] Rank 0 is connected to 31 peer ranks. Expected number of connected peer ranks is : 31",
		"some unrecognised line of the same container",
	} {
		ev := event.NewMessage(line, t0)
		ev.SetString("log.file.path", path)
		p.ParseEvent(ev)
		if ds, _ := ev.GetString(event.FieldDataset); ds != "lmdeploy.server" {
			t.Errorf("%q: dataset = %q, want lmdeploy.server", line, ds)
		}
	}
}

// uvicorn's access lines in LMDeploy's container are its api_server's, its own routes' too
// (InternLM/lmdeploy issue #569's "POST /generate"), not another FastAPI service's.
func TestOtherEngineOwnRoutesAccess(t *testing.T) {
	t.Parallel()
	p := newProc(t, nil)
	path := "/var/log/pods/inference_lmdeploy-qwen-0_8d2c1e4f-1111-2222-3333-444455556666/lmdeploy/0.log"
	for _, line := range []string{
		`INFO:     127.0.0.1:51066 - "GET / HTTP/1.1" 200 OK`,
		`INFO:     127.0.0.1:51186 - "POST /generate HTTP/1.1" 200 OK`,
		`INFO:     127.0.0.1:51190 - "POST /v1/chat/completions HTTP/1.1" 500 Internal Server Error`,
	} {
		ev := event.NewMessage(line, t0)
		ev.SetString("log.file.path", path)
		p.ParseEvent(ev)
		if ds, _ := ev.GetString(event.FieldDataset); ds != "lmdeploy.access" {
			t.Errorf("%q: dataset = %q, want lmdeploy.access", line, ds)
		}
	}
}

// Filebeat cuts a batch wherever its queue stands, inside a traceback too, and sends the rest
// up to a second later when other connections of its are free: a group at a batch's end that is
// surely not whole (a traceback before its exception's line) waits for it (rest_timeout), past
// its own timeout and past the pipeline going idle, while its source can send more; once the
// source waits for the acknowledgement, it is sent at idle. One that most likely is whole (a
// traceback after its exception's line, a lone error line) does not wait: it keeps its latency.
func TestGroupWaitsForTheRestWhileItsSourceCanSend(t *testing.T) {
	t.Parallel()
	p := newProc(t, nil)
	var waits atomic.Bool
	send := func(ack *event.Ack, lines ...string) []*event.Event {
		t.Helper()
		b := event.NewBatch(events("s", lines), ack)
		b.Key = "s"
		if err := p.Process(context.Background(), b); err != nil {
			t.Fatal(err)
		}
		b.Resolve(event.Delivered) // what was sent is delivered; the held lines keep the ack
		return b.Events
	}
	ack1 := event.NewAck(nil)
	ack1.SetWaits(waits.Load)
	head := []string{"ERROR 11-27 10:30:00 [core.py:935] EngineCore encountered a fatal error.",
		"ERROR 11-27 10:30:00 [core.py:935] Traceback (most recent call last):",
		`ERROR 11-27 10:30:00 [core.py:935]   File "core.py", line 926, in run_engine_core`}
	if out := send(ack1, append([]string{"INFO 11-27 10:30:00 [loggers.py:123] Engine 000: step done."}, head...)...); len(out) != 1 || p.Held() != 1 {
		t.Fatalf("batch 1 sent %d events and holds %d; want the INFO line sent and the traceback held", len(out), p.Held())
	}
	if fb := p.FlushIdle(context.Background(), t0); fb != nil {
		t.Fatalf("sent at idle while its source can send the rest: %q", fb.Events[0].Message())
	}
	if fb := p.Flush(context.Background(), t0.Add(2*DefaultMultilineTimeout), false); fb != nil {
		t.Fatalf("sent after its own timeout while its source can send the rest: %q", fb.Events[0].Message())
	}
	ack2 := event.NewAck(nil)
	ack2.SetWaits(waits.Load)
	rest := []string{"ERROR 11-27 10:30:00 [core.py:935]     raise RuntimeError(msg)",
		"ERROR 11-27 10:30:00 [core.py:935] RuntimeError: CUDA error: an illegal memory access was encountered"}
	if out := send(ack2, rest...); len(out) != 0 {
		t.Fatalf("batch 2 sent %d events; want its lines joined to the held traceback", len(out))
	}
	// whole now (its exception's line came): sent at idle though the source could send more
	fb := p.FlushIdle(context.Background(), t0)
	if fb == nil || len(fb.Events) != 1 {
		t.Fatalf("idle flush of the whole traceback = %v, want it", fb)
	}
	if !strings.Contains(fb.Events[0].Message(), "encountered a fatal error.") || !strings.Contains(fb.Events[0].Message(), "RuntimeError: CUDA error") {
		t.Errorf("message = %q, want the record with its traceback", fb.Events[0].Message())
	}
	fb.Resolve(event.Delivered)
	if ack1.Pending() != 0 || ack2.Pending() != 0 {
		t.Errorf("acks pending after delivery: %d, %d", ack1.Pending(), ack2.Pending())
	}

	// a source that waits for the acknowledgement: the unfinished traceback is sent at idle
	ack3 := event.NewAck(nil)
	ack3.SetWaits(waits.Load)
	send(ack3, head...)
	waits.Store(true)
	if fb := p.FlushIdle(context.Background(), t0); fb == nil || len(fb.Events) != 1 {
		t.Fatalf("idle flush with the source waiting = %v, want the traceback as it stands", fb)
	}

	// rest_timeout bounds the wait even while the source could send.
	waits.Store(false)
	ack4 := event.NewAck(nil)
	ack4.SetWaits(waits.Load)
	send(ack4, head...)
	if fb := p.Flush(context.Background(), t0.Add(DefaultRestTimeout-time.Millisecond), false); fb != nil {
		t.Fatal("sent before rest_timeout")
	}
	if fb := p.Flush(context.Background(), t0.Add(DefaultRestTimeout), false); fb == nil || len(fb.Events) != 1 {
		t.Fatalf("flush at rest_timeout = %v, want the traceback as it stands", fb)
	}

	// a lone error line most likely is whole: sent at idle, its source free or not
	ack5 := event.NewAck(nil)
	ack5.SetWaits(waits.Load)
	send(ack5, head[0])
	if fb := p.FlushIdle(context.Background(), t0); fb == nil || fb.Events[0].Message() != head[0] {
		t.Fatalf("idle flush of a lone error line = %v, want it", fb)
	}
}

// TestMPSFiles: MPS's own files on the host (Bottlerocket's nvidia-cuda-mps-server's server.log
// in /var/log/nvidia-mps, bottlerocket-os/bottlerocket-kernel-kit pull request #415, 2026-04)
// are read as in the device plugin's MPS container: each line's time, the server's pid and
// logger, its text; and the control daemon's report of a server's fatal exception, which states
// no level, is critical (NVIDIA/k8s-device-plugin issues #762, #685).
func TestMPSFiles(t *testing.T) {
	t.Parallel()
	p := newProc(t, nil)
	for _, l := range []string{`[2026-04-28 18:20:41.704 Other 4428] Startup`, `[2026-04-28 18:20:41.704 Other 4428] Connecting to control daemon on socket: /run/nvidia/mps/nvidia.com/gpu.shared/pipe/control`, `[2026-04-28 18:20:41.704 Other 4428] Initializing server process`, `[2026-04-28 18:20:41.855 Server 4428] Creating server context on device 0 (Tesla T4)`} {
		ev := event.NewMessage(l, t0)
		ev.SetString("log.file.path", "/var/log/nvidia-mps/server.log")
		p.ParseEvent(ev)
		if ds, _ := ev.GetString(event.FieldDataset); ds != "gpu.device_plugin" || logStr(ev, event.FieldLogLogger) != "nvidia-cuda-mps-server" ||
			ev.Timestamp().Year() != 2026 || !ev.Has(event.FieldProcessPID) {
			t.Errorf("%s: %s", l, ev.AppendJSON(nil))
		}
	}
	ev := event.NewMessage(`[2024-12-10 06:38:01.158 Control    64] Server encountered a fatal exception. Shutting down`, t0)
	ev.SetString("kubernetes.pod.name", "nvidia-device-plugin-mps-control-daemon-hl8vd")
	ev.SetString("kubernetes.container.name", "mps-control-daemon-ctr")
	p.ParseEvent(ev)
	if lv := logStr(ev, event.FieldLogLevel); lv != "critical" || logStr(ev, event.FieldErrorMsg) != "Server encountered a fatal exception. Shutting down" {
		t.Errorf("fatal exception: %s", ev.AppendJSON(nil))
	}
}

func logStr(ev *event.Event, k string) string {
	s, _ := ev.GetString(k)
	return s
}

// TestDaemonRecordEndedByItsBareLine: a Ray daemon's record whose bare further line ends it (the
// GCS's node-dead report, its second cause on the line under it) leaves no open daemon record
// behind in the stream's index.
func TestDaemonRecordEndedByItsBareLine(t *testing.T) {
	t.Parallel()
	p := newProc(t, nil)
	evs := events("pod/ray-head", []string{`(raylet) The node with node id: 0f219779261fab027e79667e6451e061ded81c76f07d05584652d818 and address: 10.0.0.51 and node name: 10.0.0.51 has been marked dead because the detector has missed too many heartbeats from it. This can happen when a 	(1) raylet crashes unexpectedly (OOM, preempted node, etc.) `, `	(2) raylet has lagging heartbeats due to slow network or busy workload.`})
	b := event.NewBatch(evs, nil)
	b.Key = "pod/ray-head"
	if err := p.Process(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	if n := len(b.Events); n != 1 || strings.Count(b.Events[0].Message(), "\n") != 1 {
		t.Fatalf("%d events: %v", n, b.Events)
	}
	if len(p.daemons) != 0 || len(p.groups) != 0 {
		t.Errorf("held after the record ended: %d daemon records, %d groups", len(p.daemons), len(p.groups))
	}
}

// A klog multi-line value in /var/log/syslog as Debian's and Ubuntu's rsyslog writes it, each
// line's tab as "#011": the probe's output is one event with its record, as when journalctl
// prints the tab (the liveness probe's traceback: why the kubelet restarted vLLM).
func TestRsyslogEscapedValueJoined(t *testing.T) {
	t.Parallel()
	const pre = "2025-05-01T12:05:10.441100+00:00 gpu-node-a100-01 kubelet[1873]: "
	lines := []string{
		pre + `I0501 12:05:10.440960    1873 prober.go:107] "Probe failed" probeType="Liveness" pod="llm/vllm-mistral-5c6d7-fghij" containerName="vllm" probeResult="failure" output=<`,
		pre + `#011Traceback (most recent call last):`,
		pre + `#011  File "/usr/lib/python3.12/urllib/request.py", line 1344, in do_open`,
		pre + `#011ConnectionRefusedError: [Errno 111] Connection refused`,
		pre + `#011`,
		pre + `#011urllib.error.URLError: <urlopen error [Errno 111] Connection refused>`,
		pre + ` >`,
		pre + `I0501 12:05:10.441860    1873 kubelet.go:2542] "SyncLoop (probe)" probe="liveness" status="unhealthy" pod="llm/vllm-mistral-5c6d7-fghij"`,
	}
	out := run(t, newProc(t, nil), "/var/log/syslog", lines, 3)
	checkNothingLost(t, lines, out)
	if len(out) != 2 {
		t.Fatalf("%d events, want the probe's and the sync loop's", len(out))
	}
	want := "Traceback (most recent call last):\n  File \"/usr/lib/python3.12/urllib/request.py\", line 1344, in do_open\n" +
		"ConnectionRefusedError: [Errno 111] Connection refused\n\nurllib.error.URLError: <urlopen error [Errno 111] Connection refused>"
	if got := logStr(out[0], "log.fields.output"); got != want {
		t.Errorf("output %q, want %q: %s", got, want, out[0].AppendJSON(nil))
	}
}

// A bare traceback an excerpt or a cut log opens at a frame's markers, its frames under them
// (QwenLM/Qwen3-VL's offline demo on Python 3.13), is Python's in a pod of no known program, as
// one that opens at a frame is.
func TestTracebackFromMarkersIsPython(t *testing.T) {
	t.Parallel()
	path := "/var/log/pods/jobs_qwen3-vl-demo-job-8w2k_0f1e2d3c-1111-2222-3333-444455556666/demo/0.log"
	lines := []string{
		"                      ~~~~~~~~~~~~~~~~~~~~~~~~~~^",
		`  File "/usr/local/lib/python3.13/site-packages/vllm/entrypoints/llm.py", line 282, in __init__`,
		"    self.llm_engine = LLMEngine.from_engine_args(",
	}
	evs := events(path, lines)
	for _, ev := range evs {
		ev.SetString("log.file.path", path)
	}
	out := processAll(t, newProc(t, nil), evs)
	if len(out) != 1 {
		t.Fatalf("%d events, want the traceback as one", len(out))
	}
	if ds, _ := out[0].GetString(event.FieldDataset); ds != "generic.python" {
		t.Errorf("dataset %q, want generic.python", ds)
	}
}

// vLLM's import-time lines in a trainer that imports it (unslothai/unsloth issue #3293: the
// platform it detected, fa_utils.py's attention backend check) say nothing of the pod serving
// with vLLM: the trainer's own line after them is not vLLM's.
func TestVLLMImportLinesTeachNothing(t *testing.T) {
	t.Parallel()
	path := "/var/log/pods/ml-training_unsloth-import-0_0f1e2d3c-1111-2222-3333-444455556666/trainer/0.log"
	lines := []string{
		"🦥 Unsloth: Will patch your computer to enable 2x faster free finetuning.",
		"INFO 09-10 06:37:29 [__init__.py:241] Automatically detected platform cuda.",
		"ERROR 09-10 06:37:31 [fa_utils.py:57] Cannot use FA version 2 is not supported due to FA2 is only supported on devices with compute capability >= 8",
		"🦥 Unsloth Zoo will now patch everything to make training faster!",
	}
	evs := events(path, lines)
	for _, ev := range evs {
		ev.SetString("log.file.path", path)
	}
	out := processAll(t, newProc(t, nil), evs)
	if ds, _ := out[len(out)-1].GetString(event.FieldDataset); ds == "vllm.server" {
		t.Errorf("the trainer's own line after vLLM's import-time lines: dataset %q", ds)
	}
}

// A rank's uncaught exception's line read alone under torch's "[rank3]: " is Python's in a pod of
// no known program, as without the prefix (a DeepSpeed PPO worker's CUDA out of memory).
func TestRankExceptionAloneIsPython(t *testing.T) {
	t.Parallel()
	path := "/var/log/pods/rlhf_ppo-zero3-worker-0_0f1e2d3c-1111-2222-3333-444455556666/worker/0.log"
	evs := events(path, []string{"[rank3]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 86.00 MiB. GPU 3 has a total capacity of 79.10 GiB of which 12.88 MiB is free."})
	evs[0].SetString("log.file.path", path)
	out := processAll(t, newProc(t, nil), evs)
	if ds, _ := out[0].GetString(event.FieldDataset); ds != "generic.python" {
		t.Errorf("dataset %q, want generic.python", ds)
	}
}
