package parseutil

import (
	"github.com/sluice-dev/sluice/parsers"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// shared documents the fields several parsers set, so each declares them the same way.
var shared = []parsers.Field{
	{Name: event.FieldTimestamp, Type: "date", Description: "When the line was written: the time in the line, else the container runtime's, else when sluice received it."},
	{Name: event.FieldDataset, Type: "keyword", Description: "Which log source the line comes from (gpu.device_plugin, generic.klog, ...)."},
	{Name: event.FieldLogLevel, Type: "keyword", Description: "Level in lowercase: debug, info, warning, error or critical."},
	{Name: FieldGPUErrorKind, Type: "keyword", Description: "Class of NVIDIA user-space failure the line reports: driver_library_mismatch, nvml_init, nvml_missing, driver_not_loaded, container_cli (the toolkit's CLI, runtime or prestart hook failed to set a GPU container up), no_device (CUDA's no CUDA-capable device, nvidia-smi's No devices were found), runtime_not_configured, cdi_unresolvable, gpu_unreachable (NVML cannot reach a GPU it lists), driver_too_old (the image's CUDA needs a newer driver: CUDA's and PyTorch's words), fabric_not_ready (CUDA's error 802, system not yet initialized: an NVSwitch node's Fabric Manager not running or not done); on a torch or NCCL line outside vLLM (a training job's), its failure class as vllm.error.kind names it for vLLM: nccl, nccl_timeout (torch's watchdog caught a collective that timed out: a hang, where vLLM's lines say nccl), cuda_error, cuda_oom, unsupported_arch, npu_oom, tpu_oom, xpu_oom, hpu_oom, neuron_oom (another accelerator's memory exhausted), kv_transfer (a prefill/decode split's KV cache that did not cross: another engine's NIXL or Mooncake transfer), disk_full (a disk or /dev/shm that filled), compile_failed (torch.compile could not compile the job's model); also on such a job's traceback, and on another inference or embedding server's failure (SGLang, TGI, TEI, Infinity, Triton, Ollama, llama.cpp)."},
	{Name: FieldLogMessage, Type: "match_only_text", Description: "The log message proper, without timestamp, level and fields (message keeps the whole line)."},
	{Name: event.FieldLogLogger, Type: "keyword", Description: "Name of the logger (zap logger, slog/logrus component)."},
	{Name: event.FieldOriginFile, Type: "keyword", Description: "Source file that wrote the line."},
	{Name: event.FieldOriginLine, Type: "long", Description: "Line in the source file."},
	{Name: FieldOriginFunc, Type: "keyword", Description: "Function that wrote the line."},
	{Name: FieldLogFields, Type: "flattened", Description: "The line's own key/value fields that have no ECS name (klog, logfmt, zap, JSON)."},
	{Name: event.FieldErrorMsg, Type: "match_only_text", Description: "Error text the line carries (err=, error=, \"error\":)."},
	{Name: event.FieldErrorStack, Type: "wildcard", Description: "Stack trace the line carries (zap stacktrace, slog stacktrace=)."},
	{Name: event.FieldProcessPID, Type: "long", Description: "Process id (klog header, Xid pid=)."},
	{Name: event.FieldProcessName, Type: "keyword", Description: "Process name (Xid name=)."},
	{Name: FieldOrchNamespace, Type: "keyword", Description: "Namespace of the Kubernetes object a line is about: a Kubernetes event's, the pod of a kubelet line's pod=."},
	{Name: FieldOrchResourceType, Type: "keyword", Description: "Kind of that object, in lower case (pod, node)."},
	{Name: FieldOrchResourceName, Type: "keyword", Description: "Name of that object."},
	{Name: FieldHTTPRequestID, Type: "keyword", Description: "Id of the HTTP request a line is about, as the serving program (Ray Serve, a router) names it."},
	{Name: FieldThread, Type: "long", Description: "Thread id (DCGM's [pid:tid], Fabric Manager's [tid N], NCCL's host:pid:tid, Abseil's header before InitializeLog)."},
	{Name: event.FieldHostHostname, Type: "keyword", Description: "Host name from a syslog or journal prefix."},
	{Name: event.FieldEventAction, Type: "keyword", Description: "Kind of line within a dataset (for gpu.xid: xid, sxid, gpu-fallen-off-bus, gpu-identified, nvrm)."},
	{Name: FieldEventDuration, Type: "long", Description: "How long the request took, in nanoseconds: nginx's $request_time, Envoy's %DURATION%, a Ray Serve request line's time, text-generation-inference's total_time."},
	{Name: FieldEventReason, Type: "keyword", Description: "Reason of a Kubernetes event (BackOff, FailedScheduling, Unhealthy), or why the kubelet failed a pod's container (CrashLoopBackOff, ErrImagePull)."},
	{Name: FieldUserAgent, Type: "keyword", Description: "User-Agent header of the request (nginx's and Envoy's access lines)."},
	{Name: FieldURLDomain, Type: "keyword", Description: "Host the request named: nginx error_log's host, Envoy's :authority."},
	{Name: FieldVLLMRequestID, Type: "keyword", Description: "vLLM request id (chatcmpl-..., cmpl-...) of every line about a request: lifecycle, failures, warnings and errors that name one, the KV-transfer connectors' and the scheduler's lines about one (NIXL, P2P NCCL, LMCache); a list for 'Aborted request(s)'. Always the id the client got: the engine's internal id of recent vLLM (the client's plus '-' and 8 random hex digits) is read without its suffix, a completion's or embedding's without its prompt's index (cmpl-<id>-0; on the lines that name a prompt, Received, Added, Finished, Aborted and failed, also when <id> is the client's own X-Request-Id: cmpl-test-0 is cmpl-test), and a parallel-sampling child's without its index (13_chatcmpl-<id> is chatcmpl-<id>)."},
}

// ECS fields of the Kubernetes object a line is about, which is not the pod that wrote it (a
// Kubernetes event's object, the pod a kubelet line names).
const (
	FieldOrchNamespace    = "orchestrator.namespace"
	FieldOrchResourceType = "orchestrator.resource.type"
	FieldOrchResourceName = "orchestrator.resource.name"
)

// FieldHTTPRequestID is ECS's id of an HTTP request.
const FieldHTTPRequestID = "http.request.id"

// ECS fields that several parsers set: a request's duration, host and user agent, an event's
// reason.
const (
	FieldEventDuration = "event.duration"
	FieldEventReason   = "event.reason"
	FieldURLDomain     = "url.domain"
	FieldUserAgent     = "user_agent.original"
)

// FieldThread is the id of the thread that wrote the line.
const FieldThread = "process.thread.id"

// FieldVLLMRequestID is the id of the vLLM request a line is about, set by the vllm parser and
// by pylog for the libraries that log inside vLLM's processes.
const FieldVLLMRequestID = "vllm.request.id"

// Fields returns the shared declarations of the named fields plus the three every parsed event
// has (@timestamp, event.dataset, log.level) and gpu.error.kind, which Finish may set, for a
// parser's Info.Fields. An unknown name is a programming error and panics at start-up.
func Fields(names ...string) []parsers.Field {
	out := []parsers.Field{shared[0], shared[1], shared[2], shared[3]}
	for _, n := range names {
		found := false
		for _, f := range shared {
			if f.Name == n {
				out = append(out, f)
				found = true
				break
			}
		}
		if !found {
			panic("parseutil: no shared field " + n)
		}
	}
	return out
}

// StructuredFields are the fields of the structured formats (zap, JSON, logfmt).
var StructuredFields = Fields(FieldLogMessage, event.FieldLogLogger, event.FieldOriginFile, event.FieldOriginLine,
	FieldOriginFunc, FieldLogFields, event.FieldErrorMsg, event.FieldErrorStack)

// SetField stores one free key/value pair of a structured line: the ones ECS names get their
// ECS field, the others go under log.fields.
func SetField(ev *event.Event, key string, v event.Value) {
	switch key {
	case "err", "error":
		if s := v.Str(); s == "<nil>" || s == "nil" || s == "null" {
			return // Go's nil error printed ("sub-process exited" error="<nil>", Argo's): no error
		}
		ev.Set(event.FieldErrorMsg, v)
	case "stacktrace", "stack":
		ev.Set(event.FieldErrorStack, v)
	case "logger", "component":
		ev.Set(event.FieldLogLogger, v)
	case "subsys":
		// Cilium's subsystem (logrus's subsys=daemon, subsys=k8s-watcher), when nothing named
		// the logger
		if ev.Has(event.FieldLogLogger) {
			ev.Set(FieldLogFields+"."+key, v)
		} else {
			ev.Set(event.FieldLogLogger, v)
		}
	case "func":
		ev.Set(FieldOriginFunc, v)
	default:
		ev.Set(FieldLogFields+"."+key, v)
	}
}

// Field returns the shared declaration of one field, for a parser that declares its fields
// itself. An unknown name panics at start-up, as in Fields.
func Field(name string) parsers.Field {
	for _, f := range shared {
		if f.Name == name {
			return f
		}
	}
	panic("parseutil: no shared field " + name)
}
