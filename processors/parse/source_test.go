package parse

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/parsers/golden"
	"github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/parsers/vllm"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// TestSourceMemo checks that the per-batch memo of source state gives what the map gives: a
// line no parser recognises inherits the dataset of its own source's last line, whichever
// source the previous event came from, and a source forgotten while a memo holds it is
// remembered afresh, not in the forgotten entry.
func TestSourceMemo(t *testing.T) {
	t.Parallel()
	p := newProc(t, nil)
	a, b := srcKey{input: "in", where: "/a.log"}, srcKey{input: "in", where: "/b.log"}
	sm := sourceMemo{now: t0}
	step := func(src srcKey, parsedDataset string) string {
		t.Helper()
		ev := event.NewMessage("x", t0)
		if parsedDataset != "" {
			ev.SetString(event.FieldDataset, parsedDataset)
		}
		p.complete(ev, src, nil, parsedDataset != "", &sm)
		ds, _ := ev.GetString(event.FieldDataset)
		return ds
	}
	step(a, "vllm.server")
	step(b, "gpu_operator.log")
	tests := []struct {
		src  srcKey
		want string
	}{{a, "vllm.server"}, {a, "vllm.server"}, {b, "gpu_operator.log"}, {a, "vllm.server"}}
	for i, tc := range tests {
		if got := step(tc.src, ""); got != tc.want {
			t.Errorf("step %d (%s): dataset %q, want %q", i, tc.src.where, got, tc.want)
		}
	}
	// Forget a (held by the memo now) and b: a's next line has no dataset to inherit, and what
	// it learns goes into the map, where the next batch finds it.
	p.forgetIdle(t0.Add(p.cfg.IdleTimeout + time.Second))
	if got := step(a, ""); got != p.cfg.FallbackDataset {
		t.Errorf("after forgetting: dataset %q, want the fallback %q", got, p.cfg.FallbackDataset)
	}
	step(a, "kserve.server")
	next := sourceMemo{now: t0}
	sm = next
	if got := step(a, ""); got != "kserve.server" {
		t.Errorf("next batch: dataset %q, want kserve.server", got)
	}
	// An access line's dataset is not inherited: the unrecognised line after it (a traceback
	// from the other stream, which the access line overtook) keeps the server's.
	step(a, "vllm.server")
	step(a, "vllm.access")
	if got := step(a, ""); got != "vllm.server" {
		t.Errorf("after an access line: dataset %q, want vllm.server", got)
	}
}

// TestClaimedSources checks that _parse_failure marks only lines a claimed source (a rule, a
// GPU-stack container) failed to read: from an unknown application a line no parser reads keeps
// the fallback dataset without the tag, and from a vLLM pod the dataset of its last line.
func TestClaimedSources(t *testing.T) {
	t.Parallel()
	p := newProc(t, func(c *Config) {
		c.Sources = []SourceRule{{Container: "vllm", Parsers: []string{"vllm"}}}
	})
	parse := func(line, container, path string) *event.Event {
		ev := event.NewMessage(line, t0)
		if container != "" {
			ev.SetString("kubernetes.container.name", container)
		}
		ev.SetString("log.file.path", path)
		p.ParseEvent(ev)
		return ev
	}
	const hello = "listening on :8080, have a nice day"
	ev := parse(hello, "", "/var/log/containers/web_default_app-0123.log")
	if ds, _ := ev.GetString(event.FieldDataset); ev.HasTag(event.TagParseFailure) || ds != p.cfg.FallbackDataset {
		t.Errorf("unknown application: %s", ev.AppendJSON(nil))
	}
	ev = parse("Special tokens have been added in the vocabulary", "", "/var/log/containers/llm-0_default_vllm-openai-0123.log")
	if ds, _ := ev.GetString(event.FieldDataset); ev.HasTag(event.TagParseFailure) || ds != "vllm.server" {
		t.Errorf("first line of a vLLM container: %s", ev.AppendJSON(nil))
	}
	if ev := parse(hello, "vllm", "/a.log"); !ev.HasTag(event.TagParseFailure) {
		t.Errorf("pinned source: not tagged: %s", ev.AppendJSON(nil))
	}
	src := "/var/log/containers/llm_default_server-0123.log"
	parse("INFO 06-30 09:10:11 [core.py:69] Initializing a V1 LLM engine", "", src)
	ev = parse("Special tokens have been added in the vocabulary", "", src)
	if ds, _ := ev.GetString(event.FieldDataset); ev.HasTag(event.TagParseFailure) || ds != "vllm.server" {
		t.Errorf("stray line of a vLLM pod: %s", ev.AppendJSON(nil))
	}
}

// TestLibraryLinesDataset: torch's and NCCL's lines are vLLM's in a vLLM container (or a pod
// whose lines were vLLM's), and a training job's own elsewhere.
func TestLibraryLinesDataset(t *testing.T) {
	t.Parallel()
	const warn = "kp-ddp-worker-0:3468:3905 [4] ib_plugin.c:1615 NCCL WARN NET/IB : Got completion from peer 10.216.210.236<54862> with status=12 opcode=0 len=0 vendor err 129 (Recv)"
	const watchdog = "[E ProcessGroupNCCL.cpp:458] [Rank 0] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=96117, OpType=ALLREDUCE, Timeout(ms)=1800000) ran for 25625613 milliseconds before timing out."
	const vllmLine = "INFO 12-01 09:00:00 [api_server.py:1] vLLM API server version 0.11.0"
	const nixlWarn = "W0904 10:52:53.047694     512 ucx_utils.cpp:62] Unexpected UCX error: Request canceled"
	const nixlError = "E0717 07:30:06.719655  994396 nixl_agent.cpp:359] createBackend: backend 'UCX' encountered error during intra-agent transfer setup with status NIXL_ERR_BACKEND"
	cases := []struct {
		pod, container string
		lines          []string
		want           string // the last line's dataset
	}{
		{"train-0", "pytorch", []string{warn}, "generic.nccl"},
		{"train-0", "pytorch", []string{watchdog}, "generic.torch"},
		{"vllm-0", "vllm", []string{warn}, "vllm.server"},
		{"llm-0", "kserve-container", []string{vllmLine, watchdog}, "vllm.server"},
		{"llm-1", "kserve-container", []string{watchdog}, "generic.torch"},
		// verl's trainer actor under Ray's prefix in a training job's container (verl-project/verl
		// issue #597), and vLLM's engine core's under its own in a container of another name
		{"verl-grpo-raycluster-head-p8q2n", "pytorch", []string{"(WorkerDict pid=231421) [rank1]:[E314 14:33:45.172185860 ProcessGroupNCCL.cpp:607] [Rank 1] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=1, OpType=ALLREDUCE, NumelIn=1, NumelOut=1, Timeout(ms)=600000) ran for 600009 milliseconds before timing out."}, "generic.torch"},
		{"llm-2", "main", []string{"(EngineCore_DP0 pid=72) " + warn}, "vllm.server"},
		// NIXL's glog line in a decode pod (llm-d/llm-d issue #187) and in SGLang's (sgl-project/
		// sglang pull request #27894): the KV transfer's failure class as on the program's own lines
		{"ms-pd-decode-84c7f9b6d5-x2k4p", "vllm", []string{vllmLine, nixlWarn}, "vllm.server"},
		{"sglang-decode-0", "sglang", []string{nixlError}, "sglang.server"},
	}
	for _, c := range cases {
		out := runInPod(t, c.pod, c.container, c.lines)
		last := out[len(out)-1]
		if ds, _ := last.GetString("event.dataset"); ds != c.want {
			t.Errorf("%s/%s %q: dataset %q, want %q", c.pod, c.container, last.Message(), ds, c.want)
		}
		// the failure class: vLLM's field on vLLM's lines, gpu.error.kind on a training job's
		kind, code := last.Has("vllm.error.kind"), last.Has("gpu.error.kind")
		if vllmLine := c.want == "vllm.server"; kind != vllmLine || code == vllmLine {
			t.Errorf("%s/%s %q: vllm.error.kind %v, gpu.error.kind %v: %s", c.pod, c.container, last.Message(), kind, code, last.AppendJSON(nil))
		}
	}
}

// TestPythonLibraryLinesInVLLMPod: a library's Python logging in a vLLM container (vllm-project/
// vllm issue #16521, on TPU: the root logger's warning at start-up) is the server's, not
// generic.python; in another program's container it stays generic.python.
func TestPythonLibraryLinesInVLLMPod(t *testing.T) {
	t.Parallel()
	const line = "WARNING:root:libtpu.so and TPU device found. Setting PJRT_DEVICE=TPU."
	for container, want := range map[string]string{"vllm": "vllm.server", "trainer": "generic.python"} {
		out := runInPod(t, container+"-0", container, []string{line})
		if ds, _ := out[0].GetString("event.dataset"); ds != want {
			t.Errorf("%s: dataset %q, want %q", container, ds, want)
		}
		if lv, _ := out[0].GetString("log.level"); lv != "warning" {
			t.Errorf("%s: level %q", container, lv)
		}
	}
}

// TestNativeLibraryLinesDataset: a C++ library's glog, Abseil or TensorFlow line in a vLLM pod
// (vllm-project/vllm issue #12693: TensorFlow's and XLA's factory registrations printed at
// start-up; the Mooncake transfer engine's, issue #5635 of vllm-ascend) is the pod's program's,
// its number after the time the writing thread; the same header from a Go program's container
// keeps generic.klog and its pid.
func TestNativeLibraryLinesDataset(t *testing.T) {
	t.Parallel()
	const absl = "E0000 00:00:1739333374.492434    8279 cuda_dnn.cc:8310] Unable to register cuDNN factory: Attempting to register factory for plugin cuDNN when one has already been registered"
	const tf = "2025-02-12 04:09:34.519900: I tensorflow/core/platform/cpu_feature_guard.cc:210] This TensorFlow binary is optimized to use available CPU instructions in performance-critical operations."
	const glog = "E20260106 06:43:02.966156  5793 ascend_direct_transport.cpp:820] Failed to connect to target: 172.17.0.16:25482, status: 103900"
	const klogLine = "I0819 07:02:54.756486       1 main.go:235] \"Starting controller\""
	cases := []struct {
		container, line, dataset string
		thread                   bool // the number after the time is a thread's
	}{
		{"vllm", absl, "vllm.server", true},
		{"vllm", tf, "vllm.server", false},
		{"vllm", glog, "vllm.server", true},
		{"vllm-openai", klogLine, "vllm.server", true},
		{"controller", klogLine, "generic.klog", false},
		{"app", absl, "generic.klog", true}, // Abseil's own header names a thread anywhere
	}
	for _, c := range cases {
		ev := runInPod(t, "p-0", c.container, []string{c.line})[0]
		if ds, _ := ev.GetString(event.FieldDataset); ds != c.dataset {
			t.Errorf("%s %q: dataset %q, want %q", c.container, c.line, ds, c.dataset)
		}
		if lv, _ := ev.GetString(event.FieldLogLevel); lv == "" {
			t.Errorf("%s %q: no level: %s", c.container, c.line, ev.AppendJSON(nil))
		}
		_, thread := ev.Get("process.thread.id")
		_, pid := ev.Get(event.FieldProcessPID)
		if c.line != tf && (thread != c.thread || pid == c.thread) {
			t.Errorf("%s %q: thread %v, pid %v, want the thread %v: %s", c.container, c.line, thread, pid, c.thread, ev.AppendJSON(nil))
		}
	}
}

// TestUvicornServerLineDataset: uvicorn's own error line is vLLM's in a container named for vLLM
// or whose lines were vLLM's, and its program's in any other (a FastAPI agent's, deer-flow's
// "backend", from a public repository's code).
func TestUvicornServerLineDataset(t *testing.T) {
	t.Parallel()
	const asgi = "ERROR:    Exception in ASGI application"
	const warning = "2025-09-02 13:01:55,500 - root - WARNING - Checkpoint saver is disabled, message not processed"
	const vllmLine = "INFO 12-01 09:00:00 [api_server.py:1] vLLM API server version 0.11.0"
	const access = `INFO:     127.0.0.1:58563 - "POST /v1/chat/completions HTTP/1.1" 500 Internal Server Error`
	const started = "INFO:     Started server process [1]"
	const bareAccess = `127.0.0.1:57122 - "POST /v1/chat/completions HTTP/1.1" 500 Internal Server Error`
	cases := []struct {
		container string
		lines     []string
		want      string
	}{
		{"backend", []string{warning, asgi}, "generic.python"},
		{"backend", []string{asgi}, "generic"},
		{"vllm", []string{asgi}, "vllm.server"},
		{"kserve-container", []string{vllmLine, asgi}, "vllm.server"},
		// uvicorn's access line for an OpenAI route (a 500: an error too) is vLLM's in a
		// container named for vLLM, or whose earlier lines were vLLM's, or when nothing but
		// access lines came (a source remembered again after an idle time); after another
		// program's start-up lines in a container of another name (a router's, FastChat's API
		// server) it is uvicorn.access
		{"routellm", []string{started, access}, "uvicorn.access"},
		{"routellm", []string{access}, "vllm.access"},
		{"inference", []string{vllmLine, started, access}, "vllm.access"},
		{"vllm", []string{started, access}, "vllm.access"},
		// in the container of another server of vLLM's routes (lmdeploy#1422), that server's
		{"lmdeploy", []string{access}, "lmdeploy.access"},
		{"trtllm-serve", []string{started, access}, "trtllm.access"},
		// the line without its "INFO:     " (vllm-project/vllm-metal issue #112, written after
		// vLLM's EngineDeadError): vLLM's in its container, uvicorn's (gunicorn's
		// UvicornWorker) in another program's
		{"vllm", []string{bareAccess}, "vllm.access"},
		{"backend", []string{bareAccess}, "uvicorn.access"},
	}
	for _, c := range cases {
		out := runInPod(t, "p-0", c.container, c.lines)
		last := out[len(out)-1]
		if ds, _ := last.GetString(event.FieldDataset); ds != c.want {
			t.Errorf("%s %q: dataset %q, want %q", c.container, c.lines, ds, c.want)
		}
		if lv, _ := last.GetString(event.FieldLogLevel); lv != "error" {
			t.Errorf("%s: level %q, want error", c.container, lv)
		}
	}
}

// TestRouterContainerNamedForVLLM: production-stack's router in a container named "vllm-router"
// is the router, not the engine: what it prints before its first recognised line (vLLM's Rust
// router's println! lines, vllm-project/router pull request #130) is vllm_router.server, as
// its lines in "router-container" are.
func TestRouterContainerNamedForVLLM(t *testing.T) {
	t.Parallel()
	lines := []string{"DEBUG: Tokio runtime created successfully", "DEBUG: Starting server startup function"}
	for _, container := range []string{"vllm-router", "router-container"} {
		for _, ev := range runInPod(t, "vllm-router-pd-7d4b9f6c8-w5n8j", container, lines) {
			if ds, _ := ev.GetString(event.FieldDataset); ds != "vllm_router.server" {
				t.Errorf("%s: %q dataset %q, want vllm_router.server", container, ev.Message(), ds)
			}
		}
	}
	// the engine's own container keeps its lines
	if ds, _ := runInPod(t, "vllm-0", "vllm", lines[:1])[0].GetString(event.FieldDataset); ds != "vllm.server" {
		t.Errorf("vllm: dataset %q, want vllm.server", ds)
	}
}

// TestSourceDatasetLessons: what a parsed line teaches its source's later unrecognised lines. In
// a vLLM container a bare "WARNING: " line (absl's, pip's) is vLLM's and teaches nothing else; a
// GPU failure that a phrase attributed (nvidia-smi's in the pod) is gpu.driver, the lines after it
// still vLLM's; an ingress-nginx access line is not passed on.
func TestSourceDatasetLessons(t *testing.T) {
	t.Parallel()
	cases := []struct {
		container string
		lines     []string
		want      []string
	}{
		{"vllm", []string{
			"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR",
			"some stray print of a library",
		}, []string{"vllm.server", "vllm.server"}},
		{"vllm", []string{
			"INFO 12-01 09:00:00 [api_server.py:1] vLLM API server version 0.11.0",
			"Unable to determine the device handle for GPU0000:01:00.0: Unknown Error",
			"some stray print of a library",
		}, []string{"vllm.server", "gpu.driver", "vllm.server"}},
		{"controller", []string{
			`108.162.227.25 - - [08/Mar/2023:16:02:45 +0000] "GET / HTTP/1.1" 504 562 "-" "curl/8.5.0" 1100 14.998 [ns-svc-80] [] 10.0.0.1:80 0 5.000 504 a7c98d98ac870f64981a997cd2f373a1`,
			"stack traceback:",
		}, []string{"nginx.ingress_controller", "generic"}},
		// the GPUs nvidia-smi -L lists at a job's start, then the job's own lines (gpu-burn's,
		// wilicc/gpu-burn #123): not nvidia-smi's
		{"gpu-burn", []string{
			"GPU 0: Tesla V100-SXM2-32GB (UUID: GPU-e9f1360a-e941-dde5-d54a-9ba14c23644a)",
			"Initialized device 0 with 32510 MB of memory (31686 MB available, using 28517 MB of it), using FLOATS",
			"No clients are alive!  Aborting",
		}, []string{"generic.nvidia_smi", "generic", "generic"}},
		// vLLM's line as a trainer imports it, then the trainer's banner (Unsloth's, which
		// imports vLLM for its rollout): the trainer's lines are not vLLM's
		{"trainer", []string{
			"INFO 07-29 22:28:57 [__init__.py:235] Automatically detected platform cuda.",
			"==((====))==  Unsloth 2025.7.11: Fast Llama patching. Transformers: 4.54.1. vLLM: 0.10.1.dev174+ga33ea28b1.",
		}, []string{"vllm.server", "generic"}},
		// llguidance's panic inside vLLM's structured outputs (guidance-ai/llguidance issue #174):
		// the server's
		{"vllm", []string{
			"thread '<unnamed>' panicked at toktrie/src/toktree.rs:1101:13:",
			"assertion failed: num_parents < 0xff",
		}, []string{"vllm.server"}},
		// verl's driver actor dumping its config under Ray's prefix in KubeRay's head container
		// (verl-project/verl issue #2593): Ray's, not vLLM's
		{"ray-head", []string{
			"(TaskRunner pid=4617)             'rollout_n': 8,",
		}, []string{"ray.core"}},
		// Triton in a container named triton-server (triton-inference-server/tensorrtllm_backend
		// issue #550's deployment): its crash report is Triton's
		{"triton-server", []string{
			"Signal (11) received.",
		}, []string{"triton.server"}},
		// Istio's sidecar beside a model server (kserve/kserve issue #1311): pilot-agent's own
		// line, its zap layout
		{"istio-proxy", []string{
			"2021-01-20T05:48:26.095115Z\twarn\twatching /etc/certs encountered an error no such file or directory ",
		}, []string{"istio.proxy"}},
		// and a Ray task, a function (PeterGriffinJin/Search-R1 issue #55): wandb's line under
		// verl's main_task is the job's
		{"ray-head", []string{
			"(main_task pid=65427) wandb: Tracking run with wandb version 0.19.9",
		}, []string{"ray.core"}},
		// verl's actor named for the vLLM it runs (verl-project/verl issue #1642): the engine
		// core's death under it is vLLM's
		{"ray-head", []string{
			"(AsyncvLLMServer pid=5222) Process EngineCore_0:",
			"(AsyncvLLMServer pid=5222) Traceback (most recent call last):",
			`(AsyncvLLMServer pid=5222)   File "/miniconda3/envs/verl/lib/python3.10/site-packages/vllm/v1/engine/core.py", line 387, in run_engine_core`,
			"(AsyncvLLMServer pid=5222)     engine_core = EngineCoreProc(*args, **kwargs)",
		}, []string{"vllm.server"}},
	}
	for _, c := range cases {
		out := runInPod(t, "pod-0", c.container, c.lines)
		for i, ev := range out {
			if ds, _ := ev.GetString("event.dataset"); i < len(c.want) && ds != c.want[i] {
				t.Errorf("%s: %q: dataset %q, want %q", c.container, ev.Message(), ds, c.want[i])
			}
		}
	}
}

// runInPod runs lines of one container through a new processor, and what it held at the end.
func runInPod(t *testing.T, pod, container string, lines []string) []*event.Event {
	t.Helper()
	p := newProc(t, nil)
	var evs []*event.Event
	for _, l := range lines {
		ev := event.NewMessage(l, t0)
		ev.SetString("kubernetes.pod.name", pod)
		ev.SetString("kubernetes.container.name", container)
		evs = append(evs, ev)
	}
	out := processAll(t, p, evs) // (the held lines: an error line waits for a traceback)
	return out
}

// Where a group must end: a dated record whose message is left open ("Last error:") does not
// take the next record; a Rust tracing line after a traceback is a line of its own; loguru's
// "> File" marker stays inside its traceback.
func TestGroupEndsAtRecords(t *testing.T) {
	t.Parallel()
	cases := []struct {
		lines []string
		want  int // events
	}{
		{[]string{
			"2024-05-12 08:01:39,123 - app - ERROR - NCCL error in: ../x.cpp:1, unhandled system error, Last error:",
			"2024-05-12 08:01:40,123 - app - INFO - next record",
		}, 2},
		{[]string{
			"Traceback (most recent call last):",
			`  File "/app/main.py", line 10, in main`,
			"RuntimeError: boom",
			"2024-06-13T16:11:51.600000Z  INFO text_generation_launcher: Shutting down shards",
		}, 2},
		{[]string{
			"Traceback (most recent call last):",
			`> File "/app/main.py", line 10, in main`,
			"    1 / 0",
			"ZeroDivisionError: division by zero",
		}, 1},
	}
	for _, c := range cases {
		if out := runInPod(t, "pod-0", "app", c.lines); len(out) != c.want {
			var msgs []string
			for _, ev := range out {
				msgs = append(msgs, ev.Message())
			}
			t.Errorf("%d events, want %d: %q", len(out), c.want, msgs)
		}
	}
}

// TestStackComponentDatasets: a line of the stack around vLLM that no parser gives a program's
// dataset gets its component's, by container; one that states its own keeps it, and another
// container's stays generic.
func TestStackComponentDatasets(t *testing.T) {
	t.Parallel()
	p := newProc(t, nil)
	for _, c := range []struct{ container, line, want string }{
		// Filebeat 9.4's JSON line (ECS, no dataset of its own)
		{"filebeat", `{"log.level":"error","@timestamp":"2026-08-10T12:38:16.012Z","message":"Exiting: Failed to start crawler","service.name":"filebeat","ecs.version":"1.6.0"}`, "filebeat.log"},
		// Elastic Agent from Elastic's manifests (its Fleet-managed DaemonSet's container; a 2024
		// log of its metricbeat component), and ECK's Fleet Server
		{"elastic-agent", `{"log.level":"error","@timestamp":"2024-08-20T21:30:33.973Z","message":"Failed to connect to backoff(elasticsearch(http://172.31.23.214:9200)): Get \"http://172.31.23.214:9200\": EOF","component":{"binary":"metricbeat","dataset":"elastic_agent.metricbeat","id":"system/metrics-default","type":"system/metrics"},"log.logger":"publisher_pipeline_output","service.name":"metricbeat","ecs.version":"1.6.0"}`, "elastic_agent.log"},
		{"elastic-agent-standalone", "a line no parser reads", "elastic_agent.log"},
		{"fleet-server-agent-7d9f8c6b5-x2k4p/agent", "a line no parser reads", "elastic_agent.log"},
		// Grafana's logfmt, Kibana's console layout, CoreDNS's tagged line, a plain line
		{"grafana", `logger=settings t=2025-11-25T08:02:13.519Z level=info msg="Starting Grafana" version=12.3.0`, "grafana.log"},
		{"kibana", `[2025-06-02T07:41:10.457+00:00][INFO ][plugins-service] Plugin "cloudChat" is disabled.`, "kibana.log"},
		{"coredns", `[ERROR] plugin/errors: 2 example.com. A: read udp 10.244.0.3:41234->8.8.8.8:53: i/o timeout`, "coredns.log"},
		{"prometheus", "a line no parser reads", "prometheus.log"},
		// kube-prometheus-stack's operator and exporters, the OpenTelemetry Collector (zap's
		// console encoding, its exporter failing)
		{"kube-prometheus-stack", `level=error ts=2024-05-02T11:20:31.123Z caller=klog.go:116 component=k8s_client_runtime func=ErrorDepth msg="Sync "monitoring/kube-prometheus-stack-prometheus" failed: creating config failed"`, "prometheus.operator"},
		{"rdma-shared-dp", "2024/01/10 08:52:05 error creating new device: \"missing RDMA device spec for device 0000:41:00.0, RDMA device \\\"issm\\\" not found\"", "network_operator.rdma_device_plugin"},
		// the same plugins by their names in the Network Operator's and the upstream manifests
		{"k8s-rdma-shared-dp-ds", "2024/01/29 02:36:25 Starting K8s RDMA Shared Device Plugin version= master", "network_operator.rdma_device_plugin"},
		{"kube-sriovdp", "I0408 19:30:32.222481    9355 manager.go:70] Using Kubelet Plugin Registry Mode", "network_operator.sriov_device_plugin"},
		{"kube-state-metrics", `I0502 11:20:31.123456       1 main.go:199] "Starting kube-state-metrics"`, "kubernetes.state_metrics"},
		{"opentelemetry-collector", "2024-03-15T17:10:37.980Z\terror\texporterhelper/queue_sender.go:97\tExporting failed. Dropping data.\t{\"kind\": \"exporter\", \"data_type\": \"logs\"}", "otel.collector"},
		// Elasticsearch states its own
		{"elasticsearch", `{"@timestamp":"2025-01-01T00:00:00.000Z","log.level":"INFO","message":"started","ecs.version":"1.2.0","service.name":"ES_ECS","event.dataset":"elasticsearch.server","process.thread.name":"main","log.logger":"org.elasticsearch.node.Node"}`, "elasticsearch.server"},
		{"web", "a line no parser reads", p.cfg.FallbackDataset},
		// why a GPU pod stays Pending: the scheduler, the autoscaler (its chart names the
		// container for the cloud), Karpenter and Kueue by their pods' names
		{"kube-scheduler", `I1220 04:51:22.347134       1 schedule_one.go:1055] "Unable to schedule pod; no fit; waiting" pod="default/vllm-0" err="0/4 nodes are available: 4 Insufficient nvidia.com/gpu."`, "kubernetes.scheduler"},
		{"aws-cluster-autoscaler", `I0405 17:44:49.931928       1 filter_out_daemon_sets.go:47] Filtered out 0 daemon set pods, 1 unschedulable pods left`, "kubernetes.cluster_autoscaler"},
		{"karpenter-7d8f9b6c5-abcde/controller", `{"level":"ERROR","time":"2024-07-18T04:12:31.208Z","logger":"controller.provisioner","message":"Could not schedule pod","pod":"vllm-0"}`, "karpenter.controller"},
		// the NIM Operator installed as NVIDIA documents it (helm install nim-operator ...:
		// NVIDIA/k8s-nim-operator issue #710)
		{"nim-operator-k8s-nim-operator-6b9f8c7d5-x2k4p/manager", "a line no parser reads", "nim.operator"},
		{"kueue-controller-manager-5f8d7c6b9-q4wzt/manager", `{"level":"info","ts":"2024-01-11T14:21:03.8Z","logger":"events","msg":"Admitted by ClusterQueue q","type":"Normal","object":{"kind":"Workload","namespace":"ml","name":"job-a"},"reason":"Admitted"}`, "kueue.controller"},
		// the controllers that make a training job's pods: JobSet's (kubernetes-sigs/jobset
		// issue #1094), Kubeflow Trainer's (kubeflow/trainer issue #2363), the training
		// operator's (kubeflow/trainer issue #1693)
		{"jobset-controller-manager-58555b47c7-z684f/manager", "2025-11-24T12:19:10Z\tERROR\tsuspending jobset\t{\"controller\": \"jobset\", \"controllerKind\": \"JobSet\", \"JobSet\": {\"name\":\"job-set\",\"namespace\":\"e2e-sz66n\"}, \"error\": \"Operation cannot be fulfilled on jobs.batch\"}", "jobset.controller"},
		{"kubeflow-trainer-controller-manager-6b7d9c8f5-x2lqp/manager", `{"level":"info","ts":"2024-12-29T11:17:12.817732114Z","logger":"KubeAPIWarningLogger","caller":"log/warning_handler.go:65","msg":"unknown field \"spec.replicatedJobs[0].template.metadata.creationTimestamp\""}`, "kubeflow.trainer"},
		{"training-operator", "I1122 03:15:14.029800       1 request.go:601] Waited for 1.049849815s due to client-side throttling, not priority and fairness, request: GET:https://10.96.0.1:443/apis/messaging.knative.dev/v1?timeout=32s", "kubeflow.training_operator"},
		{"myapp-5f8d7c6b9-q4wzt/manager", "a line no parser reads", p.cfg.FallbackDataset},
		// llm-d's scheduler and routing sidecar as KServe's LLMInferenceService deploys them
		// (llm-d/llm-d-router issue #1581, llm-d/llm-d-routing-sidecar issue #37); its model
		// server's container is "main" too
		{"gpt-oss-120b-kserve-router-scheduler-6d8f7c9b5-x2k4p/main", `{"level":"error","ts":1781099812.4359953,"caller":"kvevents/pool.go:245","msg":"Failed to get request key for parent block"}`, "inference_gateway.epp"},
		{"qwen3-8b-kserve-66b9cfb85-gdwxj/main", "a line no parser reads", p.cfg.FallbackDataset},
		{"opt-125m-kserve-6b9c8d7f5-h4k2n/llm-d-routing-sidecar", `I0703 09:55:12.898331       1 chat_completions.go:334] "warning: missing 'remote_block_ids' field in prefiller response" logger="proxy server"`, "llm_d.routing_proxy"},
		// the node's network agents and the add-ons beside them: Cilium (cilium/cilium issue
		// #20529), Calico's Felix (projectcalico/calico issue #4605) and its CNI installer, named as
		// istio-cni's is (projectcalico/calico issue #5410), the Amazon VPC CNI (amazon-vpc-cni-k8s
		// issue #1930), kube-flannel (flannel-io/flannel issue #2220), the EBS CSI driver and a CSI
		// sidecar (aws-ebs-csi-driver pull request #1370, issue #2100), cert-manager
		// (cert-manager/cert-manager issue #3897), metrics-server (kubernetes-sigs/metrics-server
		// issue #1571), NodeLocal DNSCache (coredns/coredns issue #4066)
		{"cilium-h4c8m/cilium-agent", `level=fatal msg="Unable to list local IPv4 addresses" error="message too long" subsys=daemon`, "cilium.agent"},
		{"calico-node-8k2tm/calico-node", `2021-05-12 08:53:53.213 [WARNING][53] felix/health.go 184: Reporter is not live. name="int_dataplane"`, "calico.node"},
		{"calico-node-bjlw6/install-cni", `time="2022-01-11T21:25:11Z" level=info msg="Running as a Kubernetes pod" source="install.go:141"`, "calico.cni"},
		{"istio-cni-node-x2k4p/install-cni", `time="2022-01-11T21:25:11Z" level=info msg="Running as a Kubernetes pod" source="install.go:141"`, "istio.cni"},
		{"aws-node-p24gz/aws-node", `{"level":"info","ts":"2022-03-16T07:55:09.739Z","caller":"entrypoint.sh","msg":"Retrying waiting for IPAM-D"}`, "aws.vpc_cni"},
		{"kube-flannel-ds-6s9xx/kube-flannel", `W0404 08:02:26.323314       1 client_config.go:618] Neither --kubeconfig nor --master was specified.  Using the inClusterConfig.  This might not work.`, "flannel.log"},
		{"ebs-csi-node-l7h5q/ebs-plugin", `W0831 23:36:08.416398       1 metadata.go:88] ec2 metadata is not available`, "aws.ebs_csi_driver"},
		{"ebs-csi-node-windows-b7tgm/liveness-probe", `W0730 08:48:49.736097    6692 connection.go:234] Still connecting to unix:/csi/csi.sock`, "kubernetes.csi_sidecar"},
		{"cert-manager-6d47b6c444-s4h8p/cert-manager-controller", `E0614 08:25:43.390885       1 controller.go:158] cert-manager/controller/certificates-key-manager "msg"="re-queuing item due to error processing" "error"="Operation cannot be fulfilled on certificates.cert-manager.io \"example-com\": the object has been modified; please apply your changes to the latest version and try again" "key"="default/example-com"`, "cert_manager.controller"},
		{"metrics-server-67c658944b-2lrs5/metrics-server", `E0410 22:04:01.247686       1 scraper.go:149] "Failed to scrape node" err="Get \"https://10.124.4.238:10250/metrics/resource\": tls: failed to verify certificate: x509: certificate is valid for 127.0.0.1, not 10.124.4.238" node="fargate-ip-10-124-4-238.ap-southeast-1.compute.internal"`, "kubernetes.metrics_server"},
		{"node-local-dns-6xq2v/node-cache", `[INFO] x.x.x.x:56799 - 51264 "A IN example.com.ec2.internal. udp 52 false 512" NXDOMAIN qr,rd,ra 52 0.001029851s`, "coredns.log"},
		// the NIM Operator's NIMService, its container named for the service (k8s-nim-operator's
		// "<name>-ctr"): NIM's download failure in vLLM's header layout (NVIDIA-AI-Blueprints/rag's
		// troubleshooting doc, 2026), NIM's; a GPU operator container of the same shape stays its own
		{"rag-llm-7c9d8b6f5-x2k4p/rag-llm-ctr", `ERROR 2026-02-02 12:52:13.083 nim_sdk.py:338] Download failed after 1 attempts. Last exception: I/O error Permission denied (os error 13)`, "nim.server"},
		{"gpu-feature-discovery-x2k4p/gpu-feature-discovery-ctr", "a line no parser reads", "gpu.feature_discovery"},
		// the AMD GPU operator's device plugin, metrics exporter and controller (ROCm/gpu-operator
		// issues #66, #227 and #256)
		{"test-deviceconfig-device-plugin-p8v7n/device-plugin", "I0311 09:54:20.038987 1 plugin.go:136] Found 0 AMDGPUs", "amd.device_plugin"},
		{"amd-gpu-metrics-exporter-bv869/metrics-exporter-container", "a line no parser reads", "amd.metrics_exporter"},
		{"amd-gpu-operator-gpu-operator-charts-controller-manager-7d9f8-x2k4p/manager", `E0709 16:15:22.567458       1 cmdutils.go:43] "problem running manager" err="failed to wait for DriverAndPluginReconciler caches to sync kind source: *v1beta1.NodeModulesConfig: timed out waiting for cache to be synced for Kind *v1beta1.NodeModulesConfig" logger="amd-gpu.setup"`, "amd.gpu_operator"},
		// KServe's controller
		{"kserve-controller-manager-7d8c9f6b4-x5vzt/manager", `{"level":"info","ts":"2026-04-23T07:39:58Z","logger":"v1beta1Controllers.InferenceService","msg":"Reconciling inference service","apiVersion":"serving.kserve.io/v1beta1","isvc":"llama-vllm-single"}`, "kserve.controller"},
		// Volcano's scheduler and controllers, KAI's pod grouper
		{"volcano-scheduler", `I0612 15:30:41.949051       1 allocate.go:551] Binding Task <mltraining-dev/test-default0-0> to node <ip-10-4-16-2.us-west-2.compute.internal>`, "volcano.scheduler"},
		{"volcano-controllers", `I0224 06:16:06.953772       1 queue_controller.go:224] Finished syncing queue default (13.940321ms).`, "volcano.controller"},
		{"pod-grouper", "2025-10-30T19:17:18.009Z	DEBUG	Reconciling pod	{\"controller\": \"pod\"}", "kai.podgrouper"},
		// GPU sharing: Volcano's admission webhook and device plugin, HAMi's device plugin pod
		// (volcano-sh/volcano #2048 and #3160, Project-HAMi/HAMi #169 and #1940), KAI's binder (kai-scheduler #522)
		{"volcano-admission-5bd5756f79-xk2lz/admission", `E0303 17:35:12.635039       1 util.go:78] Failed to register validating admission webhook (/jobs/validate): the server could not find the requested resource`, "volcano.admission"},
		{"volcano-device-plugin", `I1018 08:42:42.317422       1 main.go:91] Starting FS watcher.`, "volcano.device_plugin"},
		{"hami-device-plugin-7x8kq/device-plugin", `I0104 12:19:38.562116  383532 register.go:149] MemoryScaling= 1 registeredmem= 4096`, "hami.device_plugin"},
		{"hami-device-plugin-7x8kq/vgpu-monitor", `I0610 01:25:20.126994  653907 flags.go:27] FLAG: --add_dir_header="false"`, "hami.vgpu_monitor"},
		// the autoscalers that scale vLLM on its metrics (llm-d's workload variant autoscaler)
		{"workload-variant-autoscaler-controller-manager-6d9f8b7c5-x2k4p/manager", `{"level":"info","ts":"2025-09-10T12:00:00Z","msg":"Starting workers","controller":"variantautoscaling"}`, "llm_d.variant_autoscaler"},
		// its chart installed as release "vgpu" (k8s-vgpu-scheduler's days), not AMD's plugin
		{"vgpu-device-plugin-7bq2d/device-plugin", `I0104 12:19:38.562116  383532 register.go:149] MemoryScaling= 1 registeredmem= 4096`, "hami.device_plugin"},
		{"vgpu-device-plugin-7bq2d/vgpu-monitor", `I0610 01:25:20.126994  653907 flags.go:27] FLAG: --add_dir_header="false"`, "hami.vgpu_monitor"},
		{"binder-6d5b8c9f7-2mzkp/binder", "2025-09-19T07:41:24.712Z	INFO	setup	starting manager", "kai.binder"},
		// uvicorn's access line with a line stamper's "[date] " in a container named for vLLM
		// (vllm-project/vllm issue #19477): vLLM's, not SGLang's, whose format writes the same
		{"vllm-7d9f8b6c5-x29k/vllm", `[2025-06-11 15:02:55] INFO:     10.1.4.196:60344 - "POST /v1/chat/completions HTTP/1.1" 500 Internal Server Error`, "vllm.access"},
		{"sglang-7d9f8b6c5-x29k/sglang", `[2025-06-11 15:02:55] INFO:     10.1.4.196:60344 - "POST /v1/chat/completions HTTP/1.1" 500 Internal Server Error`, "sglang.access"},
		// an NVIDIA failure a program with its own dataset reports (volcano-sh/volcano issue
		// #3160): the program's line, not the GPU driver's
		{"volcano-device-plugin", "I1030 05:12:02.805419       1 main.go:79] Failed to initialize NVML: could not load NVML library.", "volcano.device_plugin"},
		{"myapp-5f8d7c6b9-q4wzt/app", "I1030 05:12:02.805419       1 main.go:79] Failed to initialize NVML: could not load NVML library.", "gpu.driver"},
		// a C++ abort in a GPU-stack program's container (dcgm-exporter 2.1's embedded host
		// engine, NVIDIA/gpu-monitoring-tools issue #134): the program's, not torch's
		{"dcgm-exporter-d7dcb/dcgm-exporter", "terminate called after throwing an instance of 'std::logic_error'", "gpu.dcgm_exporter"},
		// HAMi-core inside another server's container, before the server's first line
		// (Project-HAMi/HAMi-core issue #74): the server's, as in vLLM's; alone, HAMi-core's
		{"lmdeploy-qwen-5c7f9d8b6-k2p9s/lmdeploy", "[HAMI-core Msg(145:139885289045440:libvgpu.c:856)]: Initialized", "lmdeploy.server"},
		{"tgi-5c7f9d8b6-k2p9s/tgi", "[HAMI-core Msg(145:139885289045440:libvgpu.c:856)]: Initialized", "tgi.server"},
		{"myapp-5f8d7c6b9-q4wzt/app", "[HAMI-core Msg(145:139885289045440:libvgpu.c:856)]: Initialized", "hami.core"},
		{"myapp-5f8d7c6b9-q4wzt/device-plugin", "a line no parser reads", p.cfg.FallbackDataset},
		// the servers the HPA asks for vLLM's queue metrics (kedacore/keda issue #6201)
		{"keda-operator-metrics-apiserver", `E0930 08:05:49.220586       1 provider.go:91] keda_metrics_adapter/provider "msg"="timeout" "error"="timeout while waiting to establish gRPC connection to KEDA Metrics Service server" "server"="keda-operator.keda.svc.cluster.local:9666"`, "keda.metrics_apiserver"},
		{"prometheus-adapter", "a line no parser reads", "prometheus.adapter"},
		// Ollama's slog lines (ollama/ollama #12027), llama.cpp's server's plain ones (ggml-org/llama.cpp #20431)
		{"ollama", `time=2025-08-24T08:31:04.384Z level=INFO source=server.go:659 msg="loading model" "model layers"=49 requested=-1`, "ollama.server"},
		{"llama-server", "load_tensors: offloaded 49/49 layers to GPU", "llama_cpp.server"},
		// NVIDIA NIM for LLMs (NVIDIA's NIM documentation: its header with the year)
		{"nim-llm", "INFO 2026-03-03 12:00:10.079 start_server.py:42] Server starting on port 8000", "nim.server"},
		// Traefik (elastic/integrations' Traefik fixtures; traefik/traefik issues): its common
		// access layout is its own, not nginx's, and its own lines are traefik.log
		{"traefik", `192.168.33.1 - - [02/Oct/2017:20:22:07 +0000] "GET /ui/favicons/favicon-16x16.png HTTP/1.1" 304 0 "http://example.com/login" "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/61.0.3163.100 Safari/537.36" 262 "Host-host-1"`, "traefik.access"},
		{"traefik", `time="2018-07-17T03:57:54Z" level=debug msg="'502 Bad Gateway' caused by: EOF"`, "traefik.log"},
		// AWS's accelerator device plugins (aws-samples/aws-efa-eks pull request #22)
		{"aws-efa-k8s-device-plugin", "2024/03/13 22:16:00 Fetching EFA devices.", "aws.efa_device_plugin"},
		// Karpenter before v0.33 with its container named manager (aws/karpenter-provider-aws
		// pull request #363), kgateway's controller (kgateway-dev/kgateway issue #12451)
		{"karpenter-7fc58bdcf9-sjvtp/manager", "2021-04-14T23:03:30.919Z\tDEBUG\tSuccessfully discovered 392 EC2 instance types", "karpenter.controller"},
		{"kgateway", `{"level":"info","ts":"2025-09-30T06:16:44Z","logger":"kgateway","msg":"watching gvk as gateway child","version":"v2.0.4","gvk":"/v1, Kind=Service"}`, "kgateway.controller"},
		// AMD's device plugin and the AMD GPU operator's node labeller (ROCm/k8s-device-plugin
		// issue #40, ROCm/gpu-operator issue #183)
		// Fluent Bit shipping a node's logs (fluent/fluent-bit issue #3866)
		{"fluent-bit", "[2021/07/27 12:32:18] [engine] caught signal (SIGSEGV)", "fluentbit.log"},
		// NVIDIA NIM 1.0's header, vLLM's without the year (NVIDIA/nim-deploy issue #60): NIM's
		{"nim-llm", "INFO 07-31 06:02:40.11 ngc_injector.py:174] Selected profile: 5d32170c5db4f5df4ed38a91179afda2396797c1a6e62474318e1df405ea53ce (vllm-fp16-tp1)", "nim.server"},
		// its uvicorn access lines, in its text and JSON forms (NIM for LLMs 1.0 on GKE, kubectl
		// logs in a public codelab, 2026): NIM's, with the access fields
		{"nim-llm", `INFO 02-20 21:55:06.801 httptools_impl.py:481] 10.28.1.1:49414 - "GET /v1/health/live HTTP/1.1" 200`, "nim.access"},
		{"nim-llm", `{"level": "INFO", "time": "02-20 21:55:06.804", "file_path": "/usr/local/lib/python3.10/dist-packages/uvicorn/protocols/http/httptools_impl.py", "line_number": "481", "message": "10.28.1.1:49420 - \"GET /v1/health/ready HTTP/1.1\" 200", "exc_info": "None", "stack_info": "None"}`, "nim.access"},
		// TensorRT-LLM's OpenAI server (NVIDIA/TensorRT-LLM issue #4708)
		{"trtllm-serve", "[05/27/2025-21:12:36] [TRT-LLM] [I] Autotuner Cache size after warmup 112", "trtllm.server"},
		// NVSentinel's node drainer (NVIDIA/NVSentinel pull request #714)
		// Lepton's gpud as a DaemonSet (leptonai/gpud, v0.0.4's start)
		{"gpud", `{"level":"info","ts":"2024-10-08T12:50:03Z","caller":"command/run.go:84","msg":"starting gpud v0.0.4"}`, "gpud.log"},
		{"node-drainer", `{"time":"2026-02-18T08:38:44.392740016Z","level":"INFO","msg":"Evaluated action for node","module":"node-drainer","version":"dev","node":"aks-gpu-12493808-vmss00000l","action":"EvictImmediate"}`, "nvsentinel.node_drainer"},
		{"amdgpu-dp-cntr", "I0724 03:19:09.793051       1 main.go:305] AMD GPU device plugin for Kubernetes", "amd.device_plugin"},
		{"node-labeller-container", `{"level":"error","ts":"2025-05-08T18:14:04Z","logger":"amdgpu-node-labeller","msg":"/sys/class/drm/card0/device/product_name","error":"open /sys/class/drm/card0/device/product_name: no such file or directory"}`, "amd.node_labeller"},
		// vLLM through the JSON formatter its logging example configures, which writes the
		// message alone (examples/others/logging_configuration.md)
		{"vllm", `{"message": "Starting to load model ibm-granite/granite-3.0-3b-a800m-instruct..."}`, "vllm.server"},
		// KServe's model agent beside a predictor (kserve/kserve #4512), the inference gateway's
		// endpoint picker (llm-d/llm-d-router #926)
		{"combinedmodel-predictor-7fc66dfb66-9vg5g/agent", `{"severity":"INFO","timestamp":"2025-06-08T19:40:18.657596141Z","caller":"logging/config.go:80","message":"Unable to read vcs.revision from binary"}`, "kserve.agent"},
		{"myapp-7fc66dfb66-9vg5g/agent", "a line no parser reads", p.cfg.FallbackDataset},
		// KubeRay's autoscaler sidecar (ray-project/ray #60860): its Python-layout copy of a record
		{"test-autoscaler-fix-head-x2k4q/autoscaler", "2026-03-03 23:42:11,446 - INFO - Calculating hashes for file mounts and ray commands.", "ray.core"},
		// and in a head pod named for its cluster alone (ray-project/kuberay pull request #3700)
		{"ray-cluster-head/autoscaler", "2025-05-27 13:47:10,090 - INFO - Fetched pod data at resource version 14704.", "ray.core"},
		{"gaie-inference-scheduling-epp-5d8c7b6f9-w3e7r/epp", "a line no parser reads", "inference_gateway.epp"},
		// KAI's scheduler (kai-scheduler/KAI-Scheduler #1863)
		{"kai-scheduler-default-8448f8fc7-bf8x4/scheduler", `I0708 10:34:03.306203       1 leaderelection.go:258] "Attempting to acquire leader lease..."`, "kai.scheduler"},
		// Envoy AI Gateway's external processor beside the proxy (envoyproxy/ai-gateway #494)
		{"envoy-default-envoy-ai-gateway-basic-21a9f8f2-6b8d7c9f4d-x7k2p/ai-gateway-extproc", `time=2025-03-14T05:16:30.216Z level=INFO msg="Selected backend" backend=envoy-ai-gateway-openai-kserve.default`, "envoy_ai_gateway.extproc"},
		// vLLM Semantic Router's zap JSON (vllm-project/semantic-router #375)
		{"semantic-router-6d9b7f5c4-xv2lq/semantic-router", `{"level":"info","ts":"2025-10-10T14:39:04.714093105Z","caller":"observability/logging.go:140","msg":"Successfully initialized MCP category classifier"}`, "semantic_router.server"},
		// the LLM-serving operators (vllm-project/aibrix #264 and #781, ome-projects/ome #140)
		{"aibrix-controller-manager-5c6d8b7f4-x2k9p/manager", `I0303 08:15:02.123456       1 modelrouter_controller.go:164] "Reconciling ModelRouter"`, "aibrix.controller"},
		{"aibrix-gateway-plugins-7d9f8c6b5-m8t2w/gateway-plugin", `E0303 08:40:11.664209       1 gateway.go:502] "error to unmarshal response" err="invalid character 'u' looking for beginning of value" requestID="d1d5b0a0-1f7e-4b0e-9c43-4a1e5f0e7c11"`, "aibrix.gateway"},
		{"ome-model-agent-daemonset-8hkw2/model-agent", "a line no parser reads", "ome.model_agent"},
		{"eks-node-monitoring-agent", "a line no parser reads", "aws.node_monitoring_agent"},
		// KServe's init container downloading the model: a Hugging Face bar before any KServe line
		{"storage-initializer", "LICENSE: 100%|████████████████████████████████████| 11.3k/11.3k [00:00<00:00, 28.6MB/s]", "kserve.server"},
		// and its Python logging's basicConfig lines before KServe's own layout (kserve/kserve #213)
		{"storage-initializer", "INFO:root:Copying contents of s3://platform-test/mnist/export to local", "kserve.server"},
	} {
		ev := event.NewMessage(c.line, t0)
		if pod, container, ok := strings.Cut(c.container, "/"); ok {
			ev.SetString("kubernetes.pod.name", pod)
			c.container = container
		}
		ev.SetString("kubernetes.container.name", c.container)
		p.ParseEvent(ev)
		if ds, _ := ev.GetString(event.FieldDataset); ds != c.want {
			t.Errorf("%s: dataset %q, want %q: %s", c.container, ds, c.want, ev.AppendJSON(nil))
		}
	}
}

// TestHostProgramDatasets: a model server run as a host service is known by the name its syslog
// frame gives it (Ollama's unit in a Chinese locale's journal, ollama/ollama issue #9247;
// llama-server's router in an RFC 3339 syslog, anomalyco/opencode issue #38801).
func TestHostProgramDatasets(t *testing.T) {
	t.Parallel()
	p := newProc(t, nil)
	for line, want := range map[string]string{
		// Filebeat 8.5 as a systemd service failing to reach Elasticsearch (a public notes file)
		`Nov 02 15:08:21 vagrant filebeat[16279]: {"log.level":"error","@timestamp":"2022-11-02T15:08:21.089Z","log.logger":"publisher_pipeline_output","log.origin":{"file.name":"pipeline/client_worker.go","file.line":150},"message":"Failed to connect to backoff(elasticsearch(https://172.29.36.151:9200)): Connection marked as failed because the onConnect callback failed: Elasticsearch is too old. Please upgrade the instance. If you would like to connect to older instances set output.elasticsearch.allow_older_versions to true. ES=8.4.3, Beat=8.5.0","service.name":"filebeat","ecs.version":"1.6.0"}`: "filebeat.log",
		`2月 21 08:55:22 GBITDeepSeek ollama[698750]: time=2025-02-21T08:55:22.849+08:00 level=INFO source=runner.go:941 msg="starting go runner"`:                                         "ollama.server",
		`2026-07-28T20:08:36.626065-04:00 t0 llama-server[1686919]: 1621.16.348.559 I srv  proxy_reques: proxying request to model sai/gemma4-26b-a4b_moe-q5_k_m-128k-q8_0 on port 42751`: "llama_cpp.server",
		// Promtail as a service (grafana/loki issue #1199), Loki refusing its batch
		`Oct 24 17:22:47 loki.local promtail[24373]: level=error ts=2019-10-24T22:22:47.41979532Z caller=client.go:206 component=client host=127.0.0.1:3100 msg="final error sending batch" status=429 error="server returned HTTP status 429 Too Many Requests (429): ingestion rate limit (4194304) exceeded while adding 2 lines"`: "promtail.log",
		// Alertmanager as a service under rsyslog's ISO frame (prometheus/alertmanager issue #1683)
		// Lepton's gpud as a service, its zap JSON in the journal (a line of leptonai/gpud pull request #138 under a syslog frame)
		`Dec  5 10:00:40 gpu-node-1 gpud[1877]: {"level":"error","ts":"2024-10-26T11:43:35Z","caller":"log/log.go:60","msg":"failed to invoke component state","operation":"GetStates","component":"accelerator-nvidia-error-xid","error":"no data collected yet in the poller","stacktrace":"github.com/leptonai/gpud/log.(*LeptonLogger).Errorw\n\t/root/leptonai/gpud/log/log.go:60\ngithub.com/leptonai/gpud/internal/session.(*Session).getStates\n\t/root/leptonai/gpud/internal/session/serve.go:250\ngithub.com/leptonai/gpud/internal/session.(*Session).serve\n\t/root/leptonai/gpud/internal/session/serve.go:67"}`: "gpud.log",
		// kube-scheduler as a node's service, a pod it cannot place (a public notes file's syslog)
		`May 21 20:52:25 example-server kube-scheduler[91664]: I0521 20:52:25.471604   91664 factory.go:338] "Unable to schedule pod; no fit; waiting" pod="default/hello-world" err="0/1  nodes are available: 1 node(s) had taint {node.kubernetes.io/not-ready: }, that the pod didn't tolerate."`: "kubernetes.scheduler",
		// node-problem-detector as AKS runs it, a service started by its script (an AKS node's syslog)
		`Mar  7 18:50:52 aks-nodepool1-14317786-vmss000000 node-problem-detector-startup.sh[8082]: I0307 18:50:52.257659    8082 problem_detector.go:77] Problem detector started`: "kubernetes.node_problem_detector",
		// RHEL 7's Docker running OpenShift 3's kubelet, its eviction manager's lines (fusor/catasb pull request #201)
		`Jan 10 09:41:08 speed3 dockerd-current[21270]: W0110 14:41:08.646423   23589 eviction_manager.go:332] eviction manager: attempting to reclaim imagefs`: "docker.daemon",
		// node_exporter 1.9 as a systemd unit (a public note's /var/log/messages)
		`Mar 25 17:42:18 redhat node_exporter[2690]: time=2025-03-25T17:42:18.293Z level=INFO source=node_exporter.go:141 msg=time`:                                                                       "prometheus.node_exporter",
		`2018-12-23T10:14:50.817745+00:00 prometheus1 alertmanager: level=error ts=2018-12-23T10:14:50.817560618Z caller=notify.go:332 component=dispatcher msg="Error on notify" err="context canceled"`: "prometheus.alertmanager",
	} {
		ev := event.NewMessage(line, t0)
		ev.SetString(event.FieldLogFilePath, "/var/log/syslog")
		p.ParseEvent(ev)
		if ds, _ := ev.GetString(event.FieldDataset); ds != want {
			t.Errorf("%s: dataset %q, want %q", line, ds, want)
		}
	}
}

// TestNVRMRecordLines: an NVRM message's further lines with the record's own time are one event
// with it (rsyslog's kern.log form), but a line of the same microsecond that starts a message of
// its own (an Xid, a GPU's identity or state) is not taken.
func TestNVRMRecordLines(t *testing.T) {
	t.Parallel()
	line := func(body string) *vllm.Line { return &vllm.Line{Text: body, Body: body} }
	const stamp = "[ 8957.099615]"
	for _, c := range []struct {
		body string
		want bool
	}{
		{"[ 8957.099615] NVRM: this kernel module has the version 570.148.06.  Please", true},
		{"               NVRM: fallen off the bus and is not responding to commands.", true},
		{"[ 8957.099616] NVRM: this kernel module has the version 570.148.06.  Please", false},
		{"[ 8957.099615] NVRM: Xid (PCI:0000:3b:00): 79, pid=1234, name=python3, GPU has fallen off the bus.", false},
		{"[ 8957.099615] NVRM: GPU at PCI:0000:3b:00: GPU-551720f0-caf0-22b7-f525-2a51a6ab478d", false},
		{"[ 8957.099615] NVRM: GPU 0000:91:00.0: GPU serial number is 1653723052734.", false},
		{"[ 8957.099615] nvidia-nvswitch0: SXid (PCI:0000:05:00.0): 20034, Fatal, Link 63 LTSSM Fault Up", false},
	} {
		if got := nvrmAccept(line(c.body), stamp); got != c.want {
			t.Errorf("%q after a record of %s: taken %v, want %v", c.body, stamp, got, c.want)
		}
	}
}

// TestDockerContainerProgramDataset: in a Docker host's container, whose name its path does not
// give, the lines of dcgm-exporter (NVIDIA/dcgm-exporter issue #250, NVIDIA/gpu-monitoring-tools
// issue #134, run with docker) in a generic format, and the C++ abort that a container of unknown
// name would give vLLM, are the exporter's once its own lines were read.
func TestDockerContainerProgramDataset(t *testing.T) {
	t.Parallel()
	p := newProc(t, nil)
	const id = "3f4e5d6c7b8a9f0e1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e9d0c1b2a3f4e"
	path := "/var/lib/docker/containers/" + id + "/" + id + "-json.log"
	lines := []string{
		`time="2024-04-30T22:16:32Z" level=info msg="Starting dcgm-exporter"`,
		`time="2024-04-30T22:16:33Z" level=info msg="Collecting DCP Metrics"`,
		"terminate called after throwing an instance of 'std::logic_error'",
		"  what():  basic_string::_S_construct null not valid",
	}
	var out []*event.Event
	for _, l := range lines {
		ev := event.NewMessage(l, t0)
		ev.SetString("log.file.path", path)
		b := event.NewBatch([]*event.Event{ev}, nil)
		b.Key = "docker"
		if err := p.Process(context.Background(), b); err != nil {
			t.Fatal(err)
		}
		out = append(out, b.Events...)
	}
	if fb := p.Flush(context.Background(), t0, true); fb != nil {
		out = append(out, fb.Events...)
	}
	if len(out) != 3 {
		t.Fatalf("%d events, want 3 (the abort and its what() one)", len(out))
	}
	for _, ev := range out {
		if ds, _ := ev.GetString(event.FieldDataset); ds != "gpu.dcgm_exporter" {
			t.Errorf("%q: dataset %q, want gpu.dcgm_exporter", ev.Message(), ds)
		}
	}
	// the same abort in a Docker container whose program is not known stays vLLM's, as the
	// vllm parser reads a C++ abort in a container of unknown name
	other := "/var/lib/docker/containers/" + id[1:] + "0/" + id[1:] + "0-json.log"
	ev := event.NewMessage(lines[2], t0)
	ev.SetString("log.file.path", other)
	b := event.NewBatch([]*event.Event{ev}, nil)
	b.Key = "docker2"
	if err := p.Process(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	evs := b.Events
	if fb := p.Flush(context.Background(), t0, true); fb != nil {
		evs = append(evs, fb.Events...)
	}
	if ds, _ := evs[0].GetString(event.FieldDataset); ds != "vllm.server" {
		t.Errorf("unknown program's abort: dataset %q, want vllm.server", ds)
	}
}

// TestDockerMetadataContainerName: an event of a Docker container outside Kubernetes, named as
// Filebeat's add_docker_metadata names it (container.name), is its program's by that name as a
// pod's container is by its own.
func TestDockerMetadataContainerName(t *testing.T) {
	t.Parallel()
	p := newProc(t, nil)
	for name, want := range map[string]string{"vllm-openai": "vllm.server", "web": p.cfg.FallbackDataset} {
		ev := event.NewMessage("Special tokens have been added in the vocabulary, make sure the associated word embeddings are fine-tuned or trained.", t0)
		ev.SetString("container.name", name)
		ev.SetString("container.id", strings.Repeat("ab", 32))
		p.ParseEvent(ev)
		if ds, _ := ev.GetString(event.FieldDataset); ds != want {
			t.Errorf("container %s: dataset %q, want %q", name, ds, want)
		}
	}
}

// TestHostFileProcessesApart: in a host file two processes of one program (vLLM run by a
// systemd unit through bash: a worker's traceback, then the main process's, vllm-project/vllm
// issue #12474) write records that are never one, though the tag is the same.
func TestHostFileProcessesApart(t *testing.T) {
	t.Parallel()
	p := newProc(t, nil)
	lines := []string{
		`Jan 28 10:40:03 localhost bash[367450]:   File "/opt/vllm/lib/python3.12/site-packages/vllm/worker/worker.py", line 148, in init_device`,
		`Jan 28 10:40:03 localhost bash[367450]:     init_worker_distributed_environment(self.vllm_config, self.rank,`,
		`Jan 28 10:40:07 localhost bash[367371]:   File "/opt/vllm/bin/vllm", line 8, in <module>`,
		`Jan 28 10:40:07 localhost bash[367371]:     sys.exit(main())`,
	}
	evs := make([]*event.Event, len(lines))
	for i, l := range lines {
		evs[i] = event.NewMessage(l, t0)
		evs[i].SetString("log.file.path", "/var/log/syslog")
	}
	out := processAll(t, p, evs)
	if len(out) != 2 {
		t.Fatalf("%d events, want 2 (one for each process)", len(out))
	}
	for i, pid := range []int64{367450, 367371} {
		if v, _ := out[i].Get(event.FieldProcessPID); v.Int() != pid || strings.Count(out[i].Message(), "\n") != 1 {
			t.Errorf("event %d: pid %v, message %q; want pid %d with its two lines", i, v, out[i].Message(), pid)
		}
	}
}

// TestNVRMWrapped: in a kernel log without the time since boot, an NVRM line goes on with the
// sentence the line before left open (the API mismatch's four lines), but a function's message,
// a dump's row, or a line after an Xid or a full stop is a message of its own.
func TestNVRMWrapped(t *testing.T) {
	t.Parallel()
	line := func(body string) *vllm.Line { return &vllm.Line{Text: body, Body: body} }
	for _, c := range []struct {
		prev, body string
		want       bool
	}{
		{"NVRM: API mismatch: the client has the version 555.58.02, but", "NVRM: this kernel module has the version 560.35.03.  Please", true},
		{"NVRM: this kernel module has the version 560.35.03.  Please", "NVRM: make sure that this kernel module and all NVIDIA driver", true},
		{"NVRM: components have the same version.", "NVRM: this kernel module has the version 560.35.03.  Please", false},
		{"NVRM: Xid (PCI:0000:cb:00): 109, pid=1797828, name=pt_main_thread, Ch 00000008", "NVRM: rpcRmApiAlloc_GSP: GspRmAlloc failed", false},
		{"NVRM: free_os_event: failed to find OS event:", "NVRM: free_os_event:    hParent: 0xc1d775c9", false},
		{"NVRM: GPU 0000:01:00.0: RmInitAdapter failed! (0x22:0x56:884)", "NVRM:         0x0000000001b4acb0", false},
		{"NVRM: API mismatch: the client has the version 555.58.02, but", "NVRM: Xid (PCI:0000:3b:00): 79, GPU has fallen off the bus.", false},
	} {
		if got := nvrmWrapped(line(c.body), c.prev); got != c.want {
			t.Errorf("%q after %q: taken %v, want %v", c.body, c.prev, got, c.want)
		}
	}
}

// TestLlamaCppImageDataset: llama.cpp's own server image (ghcr.io/ggml-org/llama.cpp:server-cuda,
// whose repository names a Docker container's program: "llama.cpp") is llama.cpp's server, as
// the images named llama-server are (ggml-org/llama.cpp issue #17060's slot lines).
func TestLlamaCppImageDataset(t *testing.T) {
	t.Parallel()
	const slot = "slot launch_slot_: id  2 | task 1950 | processing task"
	for _, c := range []string{"llama.cpp", "llama-server"} {
		ev := runInPod(t, "p-0", c, []string{slot})[0]
		if ds, _ := ev.GetString(event.FieldDataset); ds != "llama_cpp.server" {
			t.Errorf("%s: dataset %q, want llama_cpp.server", c, ds)
		}
	}
}

// TestNVSentinelPreflightDataset: NVSentinel's preflight checks, init containers of a GPU pod
// (NVIDIA/NVSentinel pull request #772, 2026), are NVSentinel's modules, and a check's "gpu" names
// the GPU it is about.
func TestNVSentinelPreflightDataset(t *testing.T) {
	t.Parallel()
	const line = "{\"event\": \"Test warn\", \"level\": \"warning\", \"gpu\": \"GPU-64c6592e-0317-762b-fb32-0d561ed649ae\", \"test\": \"software\", \"error_code\": 29, \"detail\": \"Persistence Mode: Persistence mode for GPU 0 is disabled. Enable persistence mode by running \\\"nvidia-smi -i <gpuId> -pm 1 \\\" as root.\", \"timestamp\": \"2026-02-04T05:19:40.606906Z\", \"module\": \"preflight-dcgm-diag\", \"version\": \"dev\"}"
	ev := runInPod(t, "nginx-with-gpu-gxxsk", "preflight-dcgm-diag", []string{line})[0]
	if ds, _ := ev.GetString(event.FieldDataset); ds != "nvsentinel.preflight_dcgm_diag" {
		t.Errorf("dataset %q, want nvsentinel.preflight_dcgm_diag", ds)
	}
	if g, _ := ev.GetString("gpu.uuid"); g != "GPU-64c6592e-0317-762b-fb32-0d561ed649ae" {
		t.Errorf("gpu.uuid %q", g)
	}
}

// llm-d's routing sidecar logs each request it sends on with its JSON body (llm-d-deployer's
// notes on NIXL and the EPP, May 2025): the user's prompt, replaced in the message and in
// log.fields.body as the prompts option says of vLLM's request lines; kept under keep.
func TestRoutingSidecarBody(t *testing.T) {
	t.Parallel()
	const line = `I0509 19:43:44.077593       1 chat_completions.go:172] "sending request to prefiller" logger="proxy server" url="http://10.128.13.52:8000" body="{\"do_remote_decode\":true,\"max_tokens\":500,\"model\":\"Llama-3.2-3B-Instruct\",\"prompt\":\"I am working on learning to run benchmarks in my openshift cluster. I was wondering if you could provide me a list of best practices when collecting metrics on the k8s platform, and furthermore, any OCP specific optimizations that are applicable here. Finally please help me construct a plan to support testing metrics collection for testing and dev environments such as minikube or kind.\",\"stream\":false,\"temperature\":0}"`
	for _, mode := range []string{"hash", "keep", "drop"} {
		p := newProc(t, func(c *Config) { c.Prompts = mode })
		ev := event.NewMessage(line, t0)
		ev.SetString("kubernetes.pod.name", "llama-3-2-3b-instruct-decode-7c9d8b6f5-x2k4p")
		ev.SetString("kubernetes.container.name", "routing-proxy")
		out := processAll(t, p, []*event.Event{ev})
		got := out[0]
		body, _ := got.GetString("log.fields.body")
		switch {
		case mode == "keep" && (got.Message() != line || !strings.HasPrefix(body, `{"do_remote_decode":true`)):
			t.Errorf("keep: message %q, body %q", got.Message(), body)
		case mode != "keep" && (strings.Contains(got.Message(), "I am working on") || strings.Contains(body, "I am working on")):
			t.Errorf("%s: the prompt is kept: %s", mode, got.AppendJSON(nil))
		case mode == "hash" && (!strings.HasPrefix(body, "<request body: 505 chars, sha256:") ||
			!strings.HasSuffix(got.Message(), `body="`+body+`"`)):
			t.Errorf("hash: message %q, body %q", got.Message(), body)
		case mode == "drop" && body != "<request body dropped: 505 chars>":
			t.Errorf("drop: body %q", body)
		}
		if ds, _ := got.GetString("event.dataset"); ds != "llm_d.routing_proxy" {
			t.Errorf("%s: dataset %q", mode, ds)
		}
	}
}

// A Python warning and a progress bar under another program's Ray actor (DeepSpeed on Ray Serve
// on Gaudi, ray-project/ray's serve/tutorials/intel-gaudi-inference.md output, 2025-11-17) are
// not vLLM's: vLLM's process prefix is Ray's actor prefix too, but the actor's class names
// another program; under vLLM's own actor in the same container they are vLLM's.
func TestWarningUnderOtherActor(t *testing.T) {
	t.Parallel()
	warn := []string{
		"(DeepSpeedInferenceWorker pid=20001) /usr/local/lib/python3.12/dist-packages/torch/distributed/distributed_c10d.py:4631: UserWarning: No device id is provided via `init_process_group` or `barrier `. Using the current device set by the user.",
		"(DeepSpeedInferenceWorker pid=20001)   warnings.warn(  # warn only once",
	}
	out := runInPod(t, "ray-serve-gaudi-0", "ray-serve", warn)
	if ds, _ := out[0].GetString("event.dataset"); ds == "vllm.server" || len(out) != 1 {
		t.Errorf("%d events, dataset %q: %s", len(out), ds, out[0].AppendJSON(nil))
	}
	vllmActor := []string{strings.Replace(warn[0], "DeepSpeedInferenceWorker", "RayWorkerWrapper", 1),
		strings.Replace(warn[1], "DeepSpeedInferenceWorker", "RayWorkerWrapper", 1)}
	out = runInPod(t, "ray-serve-gaudi-0", "ray-serve", vllmActor)
	if ds, _ := out[0].GetString("event.dataset"); ds != "vllm.server" {
		t.Errorf("under vLLM's actor: dataset %q", ds)
	}
}

// TestDockerProgramDatasets checks that a Docker container outside Kubernetes, named by its
// image, takes the dataset of the same program run as a host's service (rancher/k3s in
// docker-compose: its kubelet's lines, k3s-io/k3s issue #888), and that a pod's container of
// that name does not.
func TestDockerProgramDatasets(t *testing.T) {
	t.Parallel()
	outside := map[string]string{"k3s": "kubernetes.kubelet", "containerd": "containerd.log", "my-app": ""}
	for container, want := range outside {
		if got := componentDataset("", container); got != want {
			t.Errorf("Docker container %q: dataset %q, want %q", container, got, want)
		}
	}
	if got := componentDataset("k3s-agent-7d9f8c6b5-x2k4p", "k3s"); got != "" {
		t.Errorf("a pod's container named k3s: dataset %q, want none", got)
	}
}

// TestJSONLinesTeachNoDataset: an unknown program's JSON lines (a RunPod serverless worker's SDK
// on stdout, as a public LoRA pipeline's worker log of 2026 shows it) do not make its plain
// lines generic.json.
func TestJSONLinesTeachNoDataset(t *testing.T) {
	t.Parallel()
	out := runInPod(t, "worker-0", "worker", []string{
		`{"requestId": null, "message": "Jobs in queue: 1", "level": "INFO"}`,
		"handler.py          :193  2026-01-03 07:17:09,281 RunPod Handler: New job received",
	})
	if ds, _ := out[0].GetString("event.dataset"); ds != "generic.json" {
		t.Errorf("the JSON line: dataset %q", ds)
	}
	if ds, _ := out[1].GetString("event.dataset"); ds != "generic" {
		t.Errorf("the plain line after it: dataset %q, want generic", ds)
	}
}

// A driver build that failed is one error in the driver container (NVIDIA/gpu-operator issue
// #18): make's failing level, then each level above it echoing the failure and its wait for the
// other jobs; error.message is the failing level's line. The top level's line ends the build.
func TestMakeFailureIsOneError(t *testing.T) {
	t.Parallel()
	lines := golden.Lines(t, "testdata/make-failure-levels/input.log")
	out := runInPod(t, "nvidia-driver-daemonset-5.15.0-1041-azure-ubuntu22.04-r7c4d", "nvidia-driver-ctr", lines)
	var errs []string
	for _, ev := range out {
		if lv, _ := ev.GetString(event.FieldLogLevel); lv == "error" {
			m, _ := ev.GetString(event.FieldErrorMsg)
			errs = append(errs, m)
		}
	}
	want := []string{"make[2]: *** [cc_version_check] Error 1", lines[5]}
	if !slices.Equal(errs, want) {
		t.Errorf("errors %q, want %q", errs, want)
	}
}

// Another engine's failure is a GPU workload's class (gpu.error.kind), not vLLM's: SGLang's
// overlap thread out of memory, its frames through vLLM's utilities that SGLang 0.4 imports
// (sgl-project/sglang issue #4547); an SGLang rollout's illegal memory access under a Ray actor
// in a Ray head's container (verl-project/verl issue #1611).
func TestOtherEngineFailureClass(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		pod, container, want string
		lines                []string
	}{
		{"sglang-1p5b-0", "sglang", "cuda_oom", []string{
			`Traceback (most recent call last):`,
			`  File "/mnt/dolphinfs/hdd_pool/docker/user/hadoop-aipnlp/INS/ruanjunhao04/env/rjh/lib/python3.12/site-packages/sglang/srt/managers/tp_worker_overlap_thread.py", line 111, in forward_thread_func`,
			`    with torch.get_device_module(self.device).stream(self.forward_stream):`,
			`         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^`,
			`  File "/mnt/dolphinfs/hdd_pool/docker/user/hadoop-aipnlp/INS/ruanjunhao04/env/rjh/lib/python3.12/site-packages/torch/cuda/__init__.py", line 595, in __exit__`,
			`    torch.cuda.set_stream(self.src_prev_stream)  # type: ignore[arg-type]`,
			`    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^`,
			`  File "/mnt/dolphinfs/hdd_pool/docker/user/hadoop-aipnlp/INS/ruanjunhao04/env/rjh/lib/python3.12/site-packages/vllm/utils.py", line 928, in _patched_set_stream`,
			`    prev_set_stream(stream)`,
			`  File "/mnt/dolphinfs/hdd_pool/docker/user/hadoop-aipnlp/INS/ruanjunhao04/env/rjh/lib/python3.12/site-packages/torch/cuda/__init__.py", line 636, in set_stream`,
			`    _set_stream_by_id(`,
			`  File "/mnt/dolphinfs/hdd_pool/docker/user/hadoop-aipnlp/INS/ruanjunhao04/env/rjh/lib/python3.12/site-packages/torch/cuda/__init__.py", line 618, in _set_stream_by_id`,
			`    torch._C._cuda_setStream(`,
			`RuntimeError: CUDA error: out of memory`,
		}},
		{"verl-ray-head-0", "ray-head", "cuda_error", []string{
			`(WorkerDict pid=859188)     model_worker_batch = batch.get_model_worker_batch()`,
			`(WorkerDict pid=859188)                          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^`,
			`(WorkerDict pid=859188)   File "/opt/ac2/lib/python3.12/site-packages/sglang/srt/managers/schedule_batch.py", line 1602, in get_model_worker_batch`,
			`(WorkerDict pid=859188)     seq_lens_cpu = self.seq_lens.cpu()`,
			`(WorkerDict pid=859188)                    ^^^^^^^^^^^^^^^^^^^`,
			`(WorkerDict pid=859188) RuntimeError: CUDA error: an illegal memory access was encountered`,
		}},
	} {
		var got *event.Event
		for _, ev := range runInPod(t, c.pod, c.container, c.lines) {
			if ev.Has(event.FieldErrorType) {
				got = ev
			}
		}
		if got == nil {
			t.Fatalf("%s: no event with the exception", c.container)
		}
		if k, _ := got.GetString(parseutil.FieldGPUErrorKind); k != c.want || got.Has(vllm.FieldErrorKind) {
			v, _ := got.GetString(vllm.FieldErrorKind)
			t.Errorf("%s: gpu.error.kind %q, vllm.error.kind %q; want gpu.error.kind %q alone", c.container, k, v, c.want)
		}
	}
}

// SGLang's last words at error, which its format prints without the level, in its container:
// the allocator's out-of-memory record with what it wanted and had under it, one event
// (sgl-project/sglang-jax issue #622), and a scheduler process that ended (Moore Threads' SGLang
// FAQ). Each is an error with its words as error.message.
func TestSGLangErrorRecords(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		lines    []string
		want     string
		newlines int
	}{
		{[]string{"[2026-01-05 06:12:41] Decode out of memory. Try to lower your batch size.", "Try to allocate 168 tokens.",
			"Available tokens: 3200 (available_size=3200 + evictable_size=0)"}, "Decode out of memory. Try to lower your batch size.", 2},
		{[]string{"[2026-05-27 18:34:22] Scheduler or DataParallelController 1880936 terminated with -3"},
			"Scheduler or DataParallelController 1880936 terminated with -3", 0},
	} {
		out := runInPod(t, "sglang-0", "sglang", c.lines)
		if len(out) != 1 {
			t.Fatalf("%q: %d events, want 1", c.lines[0], len(out))
		}
		lv, _ := out[0].GetString(event.FieldLogLevel)
		msg, _ := out[0].GetString(event.FieldErrorMsg)
		if lv != "error" || msg != c.want || strings.Count(out[0].Message(), "\n") != c.newlines {
			t.Errorf("%q: level %q, error.message %q, %d lines; want error, %q, %d", c.lines[0], lv, msg,
				strings.Count(out[0].Message(), "\n")+1, c.want, c.newlines+1)
		}
	}
}

// Istio's pilot-agent line as a copy collapsed its tabs to single spaces, in a KServe predictor's
// istio-proxy (its failed readiness probe of the model server,
// redhat-ai-services/podman-ai-lab-to-rhoai issue #6): error, its words error.message. Outside istio-proxy the same words are
// not read so.
func TestIstioCollapsedTabs(t *testing.T) {
	t.Parallel()
	line := `2025-05-19T11:57:44.105377Z error Request to probe app failed: Get "http://10.129.0.24:8012/": context deadline exceeded (Client.Timeout exceeded while awaiting headers), original URL path = /app-health/queue-proxy/readyz`
	ev := runInPod(t, "llm-predictor-0", "istio-proxy", []string{line})[0]
	if lv, _ := ev.GetString(event.FieldLogLevel); lv != "error" || !strings.HasPrefix(errorMessage(ev), "Request to probe app failed: ") {
		t.Errorf("istio-proxy: level %q, error.message %q", lv, errorMessage(ev))
	}
	ev = runInPod(t, "app-0", "app", []string{line})[0]
	if lv, _ := ev.GetString(event.FieldLogLevel); lv == "error" {
		t.Errorf("another container's line was read as pilot-agent's: %q", lv)
	}
}

func errorMessage(ev *event.Event) string {
	m, _ := ev.GetString(event.FieldErrorMsg)
	return m
}
