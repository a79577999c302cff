package main

import "time"

// scenario is one benchmark run: a sluice config and a workload.
type scenario struct {
	Name string
	// What the scenario shows, printed with the results.
	Desc string
	// Processors is the YAML of the processors section; Chain lists them in order.
	Processors string
	Chain      []string
	Gzip       bool
	// Flush is the runtime flush interval and the output's flush interval.
	Flush time.Duration
	// Workload: throughput (as fast as acks allow), latency (fixed rate), stalled (sink
	// held), idle (connected clients sending nothing).
	Workload string
	Rate     float64
	// Env is added to sluice's environment (GOGC).
	Env []string
	// MemoryLimit is runtime.memory_limit (default auto).
	MemoryLimit string
	// SplitGroups ends every window inside a vLLM traceback (loadgen.Config.SplitGroups).
	SplitGroups bool
	// Pushback workloads: the sink tracks every id; Reject is the share of items it answers
	// 429 at random; Outage, when set, answers every bulk request 503 for that long, starting
	// OutageAt into the run; Length overrides the run's duration.
	Reject   float64
	OutageAt time.Duration
	Outage   time.Duration
	Length   time.Duration
	// Errors adds a second output, elasticsearch/errors, into the same sink (the shipped
	// config's route).
	Errors bool
	// Peer runs the peer (Vector, -peer) on the main workload instead of sluice.
	Peer bool
	// Cluster serves a Kubernetes API (kubeAPI) to the kubernetes processor, which the chain
	// names, configured as the shipped config configures it.
	Cluster bool
}

const parseProcessors = `
  parse: {}
`

// requestsProcessors is the main path with the requests processor after parse, as the shipped
// vllm-gpu-k8s config has it (every summary sent, access lines tied).
const requestsProcessors = `
  parse: {}
  requests: {success_rate: 1}
`

// shippedProcessors are the processors of configs/vllm-gpu-k8s.yaml, but kubernetes (it needs
// an API server: the cluster scenario adds it), in its order, with its route sending error lines
// to a second output as well.
const shippedProcessors = `
  parse: {}
  drop/probes:
    if: 'event.dataset == "vllm.access" && url.path in ["/health", "/metrics", "/ping", "/v1/models"] && http.response.status_code < 400'
  redact:
    patterns:
      - builtin: email
      - builtin: bearer_token
      - builtin: api_key
      - builtin: secret_kv
    apply_to: [message, error.message]
  set/cluster:
    fields:
      - {field: orchestrator.cluster.name, value: gpu-prod}
      - {field: orchestrator.type, value: kubernetes}
  requests:
    ttl: 10m
    max_open: 100000
    access_window: 5s
  set/cuda-error:
    if: 'log.level == nil && message matches "(?i)cuda (error|out of memory)|Xid"'
    fields:
      - {field: log.level, value: error}
  fingerprint:
    fields: [message]
    include_source: true
  route:
    mode: all
    routes:
      - if: 'log.level in ["error", "critical", "fatal"] || "_parse_failure" in tags || http.response.status_code >= 500'
        outputs: [elasticsearch, elasticsearch/errors]
    default: [elasticsearch]
`

// grokProcessors does with grok patterns what the built-in parsers do natively for the two
// commonest vLLM lines: the framing, then the uvicorn access line or the vLLM prefix.
const grokProcessors = `
  dissect/cri:
    field: message
    pattern: "%{runtime_ts} %{stream} %{flag} %{line}"
  grok:
    field: line
    patterns:
      - '^INFO:%{SPACE}%{IP:source.ip}:%{INT:source.port} - "%{WORD:http.request.method} %{NOTSPACE:url.path} HTTP/%{NUMBER:http.version}" %{INT:http.response.status_code}'
      - '^(?:\(%{DATA:vllm.process} pid=%{INT:process.pid}\) )?%{LOGLEVEL:log.level} %{DATA:vllm.time} %{DATA:log.origin.file.name}:%{INT:log.origin.file.line}\] %{GREEDYDATA:vllm.msg}'
`

func scenarios() []scenario {
	return []scenario{
		{Name: "main", Desc: "Beats -> parse -> bulk, as fast as acks allow",
			Processors: parseProcessors, Chain: []string{"parse"}, Gzip: false, Flush: time.Second, Workload: "throughput"},
		{Name: "main-memlimit", Desc: "the main path with a soft memory limit, runtime.memory_limit: 96MiB",
			Processors: parseProcessors, Chain: []string{"parse"}, Gzip: false, Flush: time.Second, Workload: "throughput",
			MemoryLimit: "96MiB"},
		{Name: "main-split", Desc: "the main path, every window ending inside a traceback whose other lines open the next",
			Processors: parseProcessors, Chain: []string{"parse"}, Gzip: false, Flush: time.Second, Workload: "throughput",
			SplitGroups: true},
		{Name: "main-requests", Desc: "the main path with the requests processor (one summary per vLLM request)",
			Processors: requestsProcessors, Chain: []string{"parse", "requests"}, Gzip: false, Flush: time.Second, Workload: "throughput"},
		{Name: "shipped", Desc: "the main path through the shipped config's processors (but kubernetes), errors routed to a second output",
			Processors: shippedProcessors, Chain: []string{"parse", "drop/probes", "redact", "set/cluster", "requests",
				"set/cuda-error", "fingerprint", "route"}, Gzip: false, Flush: time.Second, Workload: "throughput", Errors: true},
		{Name: "cluster", Desc: "shipped with its kubernetes processor, against an API server of the corpus's pods and nodes",
			Processors: shippedProcessors, Chain: []string{"parse", "drop/probes", "redact", "set/cluster", "kubernetes", "requests",
				"set/cuda-error", "fingerprint", "route"}, Gzip: false, Flush: time.Second, Workload: "throughput", Errors: true,
			Cluster: true},
		{Name: "main-gzip", Desc: "the main path with gzip-compressed bulk requests (the output's default)",
			Processors: parseProcessors, Chain: []string{"parse"}, Gzip: true, Flush: time.Second, Workload: "throughput"},
		{Name: "grok", Desc: "dissect + grok patterns instead of the built-in parsers",
			Processors: grokProcessors, Chain: []string{"dissect/cri", "grok"}, Gzip: true, Flush: time.Second, Workload: "throughput"},
		{Name: "latency", Desc: "fixed 20,000 events/s, default flush settings: receipt-to-ack latency",
			Processors: parseProcessors, Chain: []string{"parse"}, Gzip: true, Flush: time.Second, Workload: "latency", Rate: 20000},
		{Name: "stalled", Desc: "sink holds every bulk request: memory under backpressure",
			Processors: parseProcessors, Chain: []string{"parse"}, Gzip: true, Flush: time.Second, Workload: "stalled"},
		{Name: "tracked", Desc: "the main path with fresh events and a sink that checks every id (the pushback baseline)",
			Processors: parseProcessors, Chain: []string{"parse"}, Flush: time.Second, Workload: "pushback"},
		{Name: "reject30", Desc: "the sink refuses 30% of items with 429 at random: throughput, and every line stored once",
			Processors: parseProcessors, Chain: []string{"parse"}, Flush: time.Second, Workload: "pushback", Reject: 0.3},
		{Name: "outage503", Desc: "the sink answers 503 for 15 s: time back to full speed after it returns",
			Processors: parseProcessors, Chain: []string{"parse"}, Flush: time.Second, Workload: "pushback",
			OutageAt: 4 * time.Second, Outage: 15 * time.Second, Length: 27 * time.Second},
		{Name: "peer", Desc: "Vector on the main workload (Beats -> VRL parse -> bulk), for the ratios against main",
			Chain: []string{"vector remap"}, Flush: time.Second, Workload: "throughput", Peer: true},
		{Name: "idle", Desc: "50 connected Filebeat clients sending nothing",
			Processors: parseProcessors, Chain: []string{"parse"}, Gzip: true, Flush: time.Second, Workload: "idle"},
	}
}
