// Package klog parses the Kubernetes klog/glog format that the NVIDIA device plugin, GPU feature
// discovery, node feature discovery and most Kubernetes components write:
//
//	I0819 07:02:54.756486       1 main.go:235] "Starting NVIDIA Device Plugin" version="0.17.3"
//	W0819 07:02:54.757556       1 rm.go:109] NVML not detected: could not load NVML library
//
// Abseil's header before InitializeLog (month and day 0000, a Unix time) and TensorFlow's own
// (a dated local time, then the level letter) are read too.
//
// The header is read by position, without regular expressions; a structured message (quoted,
// then key=value pairs) is split into log.message and log.fields. The dataset is the writing
// container's when it is part of the GPU stack, else generic.klog.
package klog

import (
	"strings"
	"time"

	"github.com/sluice-dev/sluice/parsers"
	pjson "github.com/sluice-dev/sluice/parsers/json"
	"github.com/sluice-dev/sluice/parsers/nvidia_xid"
	pu "github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/parsers/vllm"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// Dataset is the dataset of klog lines from containers outside the GPU stack.
const Dataset = "generic.klog"

// Info registers the parser.
var Info = parsers.Info{
	Name:        "klog",
	Description: "Kubernetes klog/glog lines (device plugin, feature discovery, controllers), Abseil and TensorFlow C++ lines",
	New:         func(parsers.Options) parsers.Parser { return New() },
	Fields: parsers.Union(pu.Fields(pu.FieldLogMessage, event.FieldOriginFile, event.FieldOriginLine, pu.FieldLogFields,
		event.FieldErrorMsg, event.FieldErrorStack, event.FieldLogLogger, pu.FieldOriginFunc, event.FieldProcessPID, pu.FieldThread,
		pu.FieldOrchNamespace, pu.FieldOrchResourceType, pu.FieldOrchResourceName, event.FieldProcessName, pu.FieldEventReason,
		pu.FieldHTTPRequestID),
		nvidia_xid.CatalogFields, []parsers.Field{{Name: nvidia_xid.FieldUUID, Type: "keyword", Description: "GPU UUID (GPU-...)."},
			{Name: nvidia_xid.FieldPCIBusID, Type: "keyword", Description: "PCI address of the GPU a line names beside its UUID, as domain:bus:device, lowercase, without function (0000:3b:00)."},
			{Name: event.FieldErrorType, Type: "keyword", Description: "Class of the Python exception a Triton line quotes from its Python backend (AttributeError)."}},
		vllm.ProcessFields),
}

// Parser parses klog lines. It is stateless and safe for concurrent use.
type Parser struct{}

// New returns the parser.
func New() *Parser { return &Parser{} }

// Parse recognises "Lmmdd hh:mm:ss.uuuuuu threadid file:line] msg", and glog's form with the
// year since glog 0.7 ("E20260106 06:43:02.966156 5793 transfer_engine.cpp:820] msg", the
// Mooncake transfer engine's).
func (p *Parser) Parse(ev *event.Event) bool {
	if !p.parse(ev) {
		return false
	}
	nixl(ev)
	pu.StartFailed(ev)
	nativeGPUFailure(ev)
	return true
}

// nativeGPUFailure classes a C++ program's glog error about the GPU (TensorRT's allocator in a
// Triton or NIM container: "[defaultAllocator.cpp::allocateAsync::44] Error Code 1: Cuda Runtime
// (out of memory)"): gpu.error.kind, as for the same failure's Python lines. A Go program's
// klog line (a .go file) is not a GPU workload's.
func nativeGPUFailure(ev *event.Event) {
	lv, _ := ev.GetString(event.FieldLogLevel)
	file, _ := ev.GetString(event.FieldOriginFile)
	if lv != pu.Error && lv != pu.Critical || ev.Has(pu.FieldGPUErrorKind) || ev.Has(vllm.FieldErrorKind) ||
		!strings.HasSuffix(file, ".cc") && !strings.HasSuffix(file, ".cpp") && !strings.HasSuffix(file, ".cu") {
		return
	}
	m, _ := ev.GetString(pu.FieldLogMessage)
	switch k := vllm.Classify(m); k {
	case vllm.KindCUDAOOM, vllm.KindCUDA, vllm.KindNCCL, vllm.KindUnsupportedArch,
		// the TPU runtime's allocation that failed ("TpuClient::AllocateBuffer returning error
		// ...: RESOURCE_EXHAUSTED: ..."), as its exception's words are classed
		vllm.KindTPUOOM:
		ev.SetString(pu.FieldGPUErrorKind, vllm.WorkloadKind(k, m))
	}
}

func (p *Parser) parse(ev *event.Event) bool {
	s := ev.Message()
	if len(s) < 22 {
		return false
	}
	if n := pu.GluedRecord(s); n > 0 {
		s = s[n:] // a native library's message before the record, its line break missing
	}
	if s[0] == '(' {
		// a C++ library's line in a Ray worker or daemon, forwarded under its prefix:
		// "(raylet) E0515 20:38:54.180297000 4592651776 fork_posix.cc:76] ...", "(pid=11300)
		// 2025-10-30 02:25:47.513945: E external/local_xla/...] ..."
		l, n := vllm.ProcessPrefix(s)
		if n == 0 || n >= len(s) || s[n-1] != ' ' || !parseRecord(ev, s[n:]) {
			return false
		}
		if m, ok := ev.GetString(pu.FieldLogMessage); ok && strings.HasSuffix(m, "x across cluster]") {
			// Ray's log deduplicator's count after a line the workers wrote alike (" [repeated
			// 15x across cluster]"): not the message's
			ev.SetString(pu.FieldLogMessage, vllm.Unrepeated(m))
		}
		ev.Rename(event.FieldProcessPID, pu.FieldThread) // a C++ program's: the header's number is the thread's
		if l.Daemon != "" {
			ev.SetString(event.FieldProcessName, l.Daemon)
		} else {
			vllm.SetProcess(ev, &l)
		}
		return true
	}
	if (s[0] == ' ' || s[0] == 'W' || s[0] == 'N' || s[0] >= '0' && s[0] <= '9' || s[0] == '<' || s[0] >= 'a' && s[0] <= 'z') &&
		strings.Contains(s[:min(len(s), 64)], "  ") && eventRow(ev, s) { // (a namespace first: get events -A)
		return true // a row of kubectl's event tables
	}
	if (s[0] == ' ' || s[0] >= '0' && s[0] <= '9') && strings.Contains(s[:min(len(s), 24)], "\t\t") && tabbedEventRow(ev, s) {
		return true // kubectl describe's before 1.10, its columns apart by tabs
	}
	return parseRecord(ev, s)
}

// nixl names NIXL's glog lines (its agent's, its UCX backend's: "W0904 10:52:53.047694 512
// ucx_utils.cpp:62] Unexpected UCX error: Request canceled", "E0717 ... nixl_agent.cpp:359]
// createBackend: backend 'UCX' encountered error ... with status NIXL_ERR_BACKEND"), the KV-cache
// transfer library of a prefill/decode split, by their source file: its logger, and a failed
// transfer's kind on its errors and on its warnings of an error (a decode pod's only sign of a
// prefill it cannot reach), as on vLLM's own lines that quote NIXL.
//
// Mooncake's (its transfer engine's and store's, a KV connector's backend: "E0606 09:39:00.285573
// 382 store_py.cpp:372] Put operation failed with error: RPC_FAIL", "E0904 ... tcp_transport.cpp:
// 172] Session::readBody failed. ...") are read alike, logger mooncake.
func nixl(ev *event.Event) {
	f, ok := ev.GetString(event.FieldOriginFile)
	if !ok || !strings.HasSuffix(f, ".cpp") {
		return
	}
	logger := "nixl"
	if mooncakeFiles[f] || f == "client.cpp" && mooncakeClient(ev) {
		logger = "mooncake"
	} else if !strings.HasPrefix(f, "nixl_") && !strings.HasPrefix(f, "ucx_") && !strings.HasPrefix(f, "libfabric_") {
		return
	}
	ev.SetString(event.FieldLogLogger, logger)
	lv, _ := ev.GetString(event.FieldLogLevel)
	m, _ := ev.GetString(pu.FieldLogMessage)
	if lv == pu.Error || lv == pu.Critical || lv == pu.Warning &&
		(strings.Contains(m, "error") || strings.Contains(m, "NIXL_ERR_") || strings.Contains(m, "fail") ||
			strings.Contains(m, "Fail")) {
		if !ev.Has(pu.FieldGPUErrorKind) {
			ev.SetString(pu.FieldGPUErrorKind, vllm.KindKVTransfer)
		}
	}
}

// mooncakeFiles are the source files of Mooncake's transfer engine and store whose glog lines a
// vLLM or SGLang pod with its KV connector writes.
var mooncakeFiles = map[string]bool{
	"store_py.cpp": true, "master_client.cpp": true, "master_service.cpp": true, "transfer_engine.cpp": true,
	"transfer_metadata.cpp": true, "transfer_task.cpp": true, "rdma_context.cpp": true, "rdma_endpoint.cpp": true,
	"rdma_transport.cpp": true, "tcp_transport.cpp": true, "ascend_direct_transport.cpp": true,
	"client_service.cpp": true, "transfer_metadata_plugin.cpp": true, "transfer_engine_py.cpp": true,
	"transfer_engine_impl.cpp": true, "multi_transport.cpp": true, "endpoint_store.cpp": true,
	"nvlink_transport.cpp": true,
}

// mooncakeClient reports whether a line of a client.cpp, a name too common to go by alone, is
// Mooncake store's client's: its transfers ("Transfer failed for task1", "Transfer incomplete,
// retrying... (attempt 1/3)").
func mooncakeClient(ev *event.Event) bool {
	m, _ := ev.GetString(pu.FieldLogMessage)
	return strings.HasPrefix(m, "Transfer failed for ") || strings.HasPrefix(m, "Transfer incomplete")
}

// parseRecord parses a record: one line, or one whose message or stack goes on over the lines
// the parse processor joined to it.
func parseRecord(ev *event.Event, s string) bool {
	status := "" // XLA_CHECK_OK's status under its "Non-OK-status: status": what failed
	if first, rest, ok := strings.Cut(s, "\n"); ok && strings.HasPrefix(rest, "Status: ") {
		status, rest, _ = strings.Cut(rest, "\n")
		status = strings.TrimPrefix(status, "Status: ")
		s = first + "\n" + rest
	}
	if first, rest, ok := strings.Cut(s, "\n"); ok && len(first) > 0 && first[0] == 'F' && strings.Contains(rest, "goroutine ") {
		// a Go program's klog.Fatalf whose message goes on over lines, every goroutine's stack
		// under it: the message's lines, then the stack from the first goroutine's header
		if i := strings.Index("\n"+rest, "\ngoroutine "); i >= 0 && parseLine(ev, first) {
			more, stack := strings.TrimRight(rest[:max(i-1, 0)], "\n"), rest[i:]
			ev.SetString(event.FieldErrorStack, stack)
			m, _ := ev.GetString(pu.FieldLogMessage)
			if more != "" {
				m += "\n" + more
			}
			ev.SetString(event.FieldErrorMsg, m)
			return true
		}
	}
	if first, stack, ok := strings.Cut(s, "\n"); ok && (strings.HasPrefix(stack, "*** Check failure stack trace: ***") ||
		// apimachinery's HandleCrash: "Observed a panic: ...", then the goroutine's stack
		strings.HasPrefix(stack, "goroutine ") && strings.Contains(first, "] Observed a panic: ") ||
		strings.HasPrefix(stack, "*** Begin stack trace ***") || strings.HasPrefix(stack, "1       0x") && strings.Contains(first, "[TensorRT-LLM][ERROR]") ||
		// a C++ program's error quoting a torch error, c10's stack under it (Triton's PyTorch
		// backend failing to load a model: "Exception raised from ... (most recent call first):")
		strings.HasPrefix(stack, "Exception raised from ") && (first[0] == 'E' || first[0] == 'F')) {
		// a fatal record or an XLA internal error with the stack its handler printed under it,
		// which the parse processor joined
		if !parseLine(ev, first) {
			return false
		}
		ev.SetString(event.FieldErrorStack, stack)
		if m, ok := ev.GetString(pu.FieldLogMessage); ok && !ev.Has(event.FieldErrorMsg) {
			ev.SetString(event.FieldErrorMsg, m)
		}
		if status != "" {
			// "Non-OK-status: status", then "INTERNAL: Error preparing computation: Out of memory ..."
			m, _ := ev.GetString(event.FieldErrorMsg)
			ev.SetString(event.FieldErrorMsg, strings.TrimPrefix(m+"\n"+status, "\n"))
			if k := vllm.Classify(status); k != "" && !ev.Has(pu.FieldGPUErrorKind) {
				ev.SetString(pu.FieldGPUErrorKind, vllm.WorkloadKind(k, status))
			}
		}
		if strings.Contains(first, "[TensorRT-LLM][ERROR]") && !ev.Has(pu.FieldGPUErrorKind) {
			// Triton failing to load a TensorRT-LLM model with its native frames under it: a CUDA
			// out of memory is the engine's, as on TensorRT-LLM's own line
			switch k := vllm.Classify(first); k {
			case "cuda_oom", "cuda_error", "nccl":
				ev.SetString(pu.FieldGPUErrorKind, vllm.WorkloadKind(k, first))
			}
		}
		return true
	}
	return parseLine(ev, s)
}

// timeless reads glog's header without its time, thread and pid, as NIXL writes it in its
// default build ("E nixl_agent.cpp:921] createXferReq: no specified or potential backend had
// the required registrations ..."): the level's letter, the source file and line. The runtime's
// time stays.
func timeless(ev *event.Event, s string) bool {
	end := strings.Index(s[:min(len(s), 96)], "] ")
	if end < 2 {
		return false
	}
	loc, msg := s[2:end], s[end+2:]
	if strings.IndexByte(loc, ' ') >= 0 || !pu.SourceLocation(loc) {
		return false
	}
	level, _ := levelOf(s[0])
	pu.SetOrigin(ev, loc)
	ev.SetString(pu.FieldLogMessage, msg)
	if level == pu.Error || level == pu.Critical {
		first, _, _ := strings.Cut(msg, "\n")
		ev.SetString(event.FieldErrorMsg, first)
	}
	pu.Finish(ev, pu.DatasetOr(ev, Dataset), level)
	return true
}

// parseLine parses one line (or a record whose message goes on over further lines, s).
func parseLine(ev *event.Event, s string) bool {
	if len(s) < 22 {
		return false
	}
	if s[0] >= '0' && s[0] <= '9' {
		return tensorflow(ev, s) || tritonISO(ev, s)
	}
	if s[1] == ' ' && (s[0] == 'I' || s[0] == 'W' || s[0] == 'E' || s[0] == 'F') {
		return timeless(ev, s)
	}
	level, ok := levelOf(s[0])
	debugOnly := false // gcsfuse's D, which klog has not: only in its header without thread and location
	if !ok && s[0] == 'D' {
		level, debugOnly = pu.Debug, true
	} else if !ok {
		return false
	}
	t, hdr, exact := abslEpoch(s)
	year, d := -1, 1 // where the month starts
	if !exact {
		if s[5] != ' ' {
			if len(s) < 26 || s[9] != ' ' {
				return false
			}
			year, d = pu.Digits2(s, 1)*100+pu.Digits2(s, 3), 5
		}
		mon, day := pu.Digits2(s, d), pu.Digits2(s, d+2)
		hh, mm, ss, ns, n, ok := pu.Clock(s[d+5:])
		if !ok || mon < 0 || day < 0 {
			return false
		}
		if year < 0 {
			t, ok = pu.WithoutYear(mon, day, hh, mm, ss, ns, pu.Reference(ev))
		} else {
			t = time.Date(year, time.Month(mon), day, hh, mm, ss, ns, time.UTC)
			ok = year >= 2000 && t.Month() == time.Month(mon) && t.Day() == day // a real date, not normalised
		}
		if !ok {
			return false
		}
		hdr = d + 5 + n
	}
	setTime := pu.SetLocalTime
	if exact {
		setTime = pu.SetTime // a Unix time: the line's own, whatever the frame's
	}
	rest := strings.TrimLeft(s[hdr:], " ")
	sp := strings.IndexByte(rest, ' ')
	pid, ok := int64(0), sp > 0
	if ok {
		pid, ok = pu.Atoi(rest[:sp])
	}
	end := -1
	if ok {
		rest = rest[sp+1:]
		end = strings.IndexByte(rest, ']')
	}
	if end <= 0 || strings.IndexByte(rest[:end], ' ') >= 0 || debugOnly {
		// glog's header without thread and location, which gcsfuse writes:
		// "E1201 07:46:18.467745 fuse: *fuseops.CreateFileOp error: permission denied", and its
		// debug lines "D0118 10:35:12.981651 debug_fs: OpenFile(1642): <nil>"; only with klog's
		// microseconds, so that another format's line is not taken
		msg := s[min(len(s), hdr+1):]
		if year >= 0 || exact || hdr-d-5 != len("07:46:18.467745") || s[hdr] != ' ' || msg == "" || msg[0] == ' ' ||
			msg[0] >= '0' && msg[0] <= '9' || !debugOnly && strings.IndexByte(msg[:min(len(msg), 64)], ']') >= 0 {
			return false // a klog line whose header is broken: its pid or location is not there
		}
		pu.SetLocalTime(ev, t)
		ev.SetString(pu.FieldLogMessage, msg)
		pu.Finish(ev, pu.DatasetOr(ev, Dataset), level)
		return true
	}
	setTime(ev, t)
	// gRPC core's own logger (gpr_log) writes glog's header with nanoseconds and the location
	// padded to a column: "E0518 11:58:19.406614241  152858 fork_posix.cc:76]           Other ..."
	grpc := !exact && year < 0 && hdr-d-5 == len("11:58:19.406614241")
	if exact || grpc {
		ev.Set(pu.FieldThread, event.Int(pid)) // Abseil and gRPC write the thread's id
	} else {
		ev.Set(event.FieldProcessPID, event.Int(pid))
	}
	b := strings.TrimPrefix(rest[end+1:], " ")
	if grpc {
		b = strings.TrimLeft(b, " ")
	}
	finishGlog(ev, rest[:end], b, level)
	return true
}

// finishGlog reads what follows a glog header, the location loc and the body b, into the event
// and completes it at level.
func finishGlog(ev *event.Event, loc, b, level string) {
	pu.SetOrigin(ev, loc)
	level, k8sEvent := body(ev, b, level)
	ds := pu.DatasetOr(ev, Dataset)
	if ds == Dataset && tritonSource(loc) || ds == DatasetTriton {
		ds = DatasetTriton // Triton's own glog lines, whatever its container is named (KServe's kserve-container)
		if m, ok := ev.GetString(pu.FieldLogMessage); ok {
			b = m // Triton 2.4x quotes its message as klog's structured form does: read unquoted
		}
		tritonPythonError(ev, b)
	}
	if k8sEvent {
		ds = pu.DatasetOr(ev, pjson.DatasetK8sEvent) // eventrouter's glog sink
	}
	if strings.HasPrefix(ds, "gpu.") && (strings.Contains(b, "GPU-") || strings.Contains(b, "MIG-")) {
		nvidia_xid.OneGPU(ev, b) // the GPU a device plugin's or DRA driver's line is about
	}
	if (level == pu.Error || level == pu.Critical) && !ev.Has(event.FieldErrorMsg) {
		// an error line without an err value: its text is the error's (GFD's "error creating
		// labeler: ...: Unknown Error")
		if m, ok := ev.GetString(pu.FieldLogMessage); ok {
			first, rest, _ := strings.Cut(m, "\n")
			if next, _, _ := strings.Cut(rest, "\n"); strings.HasSuffix(first, ": ") && strings.TrimSpace(next) != "" {
				// a message that ends in ": " before what it quotes under it (Triton's "...
				// load failed for libtorch model -> 'm': ", then TorchScript's "Unknown type
				// name '...':"): its first line is the cause
				first += strings.TrimSpace(next)
			}
			ev.SetString(event.FieldErrorMsg, strings.TrimRight(first, " "))
		}
	}
	pu.Finish(ev, ds, level)
}

// tritonISO reads Triton's glog layout under --log-format ISO8601: "2024-05-20T20:03:26Z I 3415
// model_lifecycle.cc:441] msg" (its first form without the Z, local time), the time with its
// year, the level's letter, the pid, the location.
func tritonISO(ev *event.Event, s string) bool {
	t, n, ok := pu.RFC3339(s)
	if !ok || n+4 >= len(s) || s[n] != ' ' || s[n+2] != ' ' {
		return false
	}
	level, ok := levelOf(s[n+1])
	if !ok {
		return false
	}
	rest := s[n+3:]
	sp := strings.IndexByte(rest, ' ')
	if sp <= 0 {
		return false
	}
	pid, ok := pu.Atoi(rest[:sp])
	end := strings.Index(rest, "] ")
	if !ok || end <= sp+1 || strings.IndexByte(rest[sp+1:end], ' ') >= 0 || !strings.Contains(rest[sp+1:end], ".") {
		return false
	}
	if pu.Zoned(s[:n]) {
		pu.SetTime(ev, t)
	} else {
		pu.SetLocalTime(ev, t)
	}
	ev.Set(event.FieldProcessPID, event.Int(pid))
	finishGlog(ev, rest[sp+1:end], rest[end+2:], level)
	return true
}

// tritonPythonError reads the Python exception a Triton line quotes from its Python backend
// ("Failed to create instance: ValueError: Tokenizer class ... does not exist", "failed to load
// 'preprocessing' version 1: Internal: ValueError: ..."), and the frames its stub prints under
// it ("At:", then "  model.py(66): initialize"): why a model did not load.
func tritonPythonError(ev *event.Event, b string) {
	first, rest, _ := strings.Cut(b, "\n")
	for off := 0; off < len(first); {
		i := strings.Index(first[off:], ": ")
		if i < 0 {
			break
		}
		i += off
		off = i + 2
		name, msg, ok := strings.Cut(first[i+2:], ": ")
		if !ok || name == "" || name[0] < 'A' || name[0] > 'Z' || strings.ContainsAny(name, " ,'\"") ||
			!(strings.HasSuffix(name, "Error") || strings.HasSuffix(name, "Exception")) {
			continue
		}
		if !ev.Has(event.FieldErrorType) {
			ev.SetString(event.FieldErrorType, name)
			ev.SetString(event.FieldErrorMsg, msg)
		}
		break
	}
	if _, frames, ok := strings.Cut(rest, "At:\n"); ok && !ev.Has(event.FieldErrorStack) {
		ev.SetString(event.FieldErrorStack, "At:\n"+strings.TrimRight(frames, "\n "))
	}
}

// DatasetTriton is the dataset of NVIDIA Triton Inference Server's own lines.
const DatasetTriton = "triton.server"

// tritonSource reports whether a glog location ("model_lifecycle.cc:473") is one of Triton's own
// source files: its server core, its frontends and its backends' (Python, TensorRT, PyTorch).
func tritonSource(loc string) bool {
	file, _, _ := strings.Cut(loc, ":")
	switch file {
	case "server.cc", "model_lifecycle.cc", "model_repository_manager.cc", "backend_model.cc",
		"backend_model_instance.cc", "backend_manager.cc", "pinned_memory_manager.cc", "cuda_memory_manager.cc",
		"grpc_server.cc", "http_server.cc", "python_be.cc", "stub_launcher.cc", "model_config_utils.cc",
		"tritonserver.cc", "infer_request.cc", "backend_config.cc", "repo_agent.cc", "sagemaker_server.cc",
		"tensorrt.cc", "libtorch.cc", "model_state.cc", "instance_state.cc", "pb_stub.cc",
		"metrics.cc", "shared_library.cc", "python.cc", "libtensorrtllm.cc", "model.cc":
		return true
	}
	return false
}

// tensorflow reads the header TensorFlow's own C++ logging writes (tsl's default LogMessage):
// local time to the microsecond, a colon, the level letter, the source path and line:
//
//	2020-08-18 17:09:07.327819: I tensorflow/core/platform/cpu_feature_guard.cc:142] Your CPU supports ...
//
// The time has no zone, so the container runtime's time wins, as for klog.
func tensorflow(ev *event.Event, s string) bool {
	t, n, ok := pu.RFC3339(s)
	if !ok || n != len("2020-08-18 17:09:07.327819") || s[10] != ' ' || len(s) < n+5 || s[n] != ':' || s[n+1] != ' ' ||
		s[n+3] != ' ' {
		return false
	}
	level, ok := levelOf(s[n+2])
	if !ok {
		return false
	}
	rest := s[n+4:]
	end := strings.IndexByte(rest[:min(len(rest), 256)], ']')
	if end <= 0 || strings.IndexByte(rest[:end], ' ') >= 0 || strings.IndexByte(rest[:end], ':') < 0 {
		return false
	}
	pu.SetLocalTime(ev, t)
	pu.SetOrigin(ev, rest[:end])
	level, _ = body(ev, strings.TrimPrefix(rest[end+1:], " "), level)
	pu.Finish(ev, pu.DatasetOr(ev, Dataset), level)
	return true
}

// abslEpoch reads the header Abseil's logging writes before absl::InitializeLog, when it knows
// no time zone: month and day 0000, then 00:00: and the Unix time in seconds and microseconds
// ("E0000 00:00:1741608001.123456     123 cuda_dnn.cc:8310] ..."; TensorFlow, JAX, gRPC in
// Python processes). It returns the time and where it ends in s.
func abslEpoch(s string) (time.Time, int, bool) {
	const head = "0000 00:00:"
	if len(s) < 1+len(head)+len("1741608001.123456") || s[1:1+len(head)] != head {
		return time.Time{}, 0, false
	}
	i := 1 + len(head)
	dot := strings.IndexByte(s[i:min(len(s), i+12)], '.')
	if dot < 9 || len(s) < i+dot+7 {
		return time.Time{}, 0, false
	}
	sec, ok := pu.Atoi(s[i : i+dot])
	us, ok2 := pu.Atoi(s[i+dot+1 : i+dot+7])
	if !ok || !ok2 || sec < 946684800 { // before 2000: no real time
		return time.Time{}, 0, false
	}
	return time.Unix(sec, us*1000).UTC(), i + dot + 7, true
}

func levelOf(c byte) (string, bool) {
	lv := pu.KlogLevel(c)
	return lv, lv != ""
}

// body sets log.message, and for klog's structured form ("msg" k=v ...) the pairs too. It returns
// the line's level, level unless the line reports an Xid (the device plugin's health check) or
// a Warning event, and whether the line is a Kubernetes event as JSON.
func body(ev *event.Event, b, level string) (string, bool) {
	if b == "" {
		return level, false
	}
	if lv, ok := nvidia_xid.DevicePluginXid(ev, b); ok {
		ev.SetString(pu.FieldLogMessage, b)
		return lv, false
	}
	if b[0] == '{' {
		// eventrouter's glog sink: the Kubernetes event as JSON, {"verb":"ADDED","event":{...}}
		if lv, ok := pjson.KubernetesEvent(ev, b); ok {
			return eventLevel(level, lv), true
		}
	}
	nvidia_xid.DevicePluginUnhealthy(ev, b)
	if strings.HasSuffix(b, "GPU is lost; Marking all devices as unhealthy") && (level == pu.Info || level == pu.Debug) {
		// the device plugin's health check losing a GPU to NVML (logged at info): every GPU of
		// the node leaves the allocatable count, an error as its Xid lines are warnings
		ev.SetString(event.FieldErrorMsg, b)
		return pu.Error, false
	}
	first, more, multi := strings.Cut(b, "\n")
	if klogrLine(ev, first) {
		return level, false
	}
	if msg, rest, ok := pu.Quoted(first); ok {
		ev.SetString(pu.FieldLogMessage, msg)
		if rest != "" {
			kv := pu.NewKlogKV(rest)
			var podName, podNS string // pod="name" namespace="ns" (HAMi's scheduler)
			eventObject := ""
			var node, nodeEvent string // the kubelet's "Recording event message for node" node= event=
			containerMsg := ""         // the kubelet's "Message for Container of pod" containerMessage=
			for {
				k, v, ok := kv.Next()
				if !ok {
					break
				}
				if v == "<" {
					if !multi {
						continue // a value whose lines were not delivered with it
					}
					// the value spans the lines the parse processor grouped after it; the pairs
					// after its " >" go on (kube-proxy's ` > ipFamily="IPv6"`)
					val, tail := valueLines(more)
					v, multi = multilineValue(val), false
					if tail != "" {
						kv = pu.NewKlogKV(tail)
					}
				}
				switch k {
				case "requestID", "requestId", "request_id", "x-request-id":
					// a gateway's request (AIBrix's gateway plugin: "request start"
					// requestID="b14f..." requestPath="/v1/chat/completions" ...): one query by it
					// finds the request's lines across the gateway and the engine
					// (a short number is a server's counter, the DRA driver's gRPC requestID="944")
					if len(v) >= 8 && len(v) <= 128 && strings.IndexByte(v, ' ') < 0 {
						ev.SetString(pu.FieldHTTPRequestID, v)
					}
				case "reason":
					if msg == "Pod admission denied" && v != "" && strings.IndexByte(v, ' ') < 0 {
						// the kubelet refusing a pod (its canAdmitPod: reason=
						// "UnexpectedAdmissionError" when the device manager could not allocate
						// its GPUs, "OutOfnvidia.com/gpu"): the reason its Warning event gives
						ev.SetString(FieldEventReason, v)
					}
				case "err":
					pu.SyncFailure(ev, v)
				case "panic":
					if msg == "Observed a panic" && v != "" {
						// apimachinery's HandleCrash in a controller (panic="runtime error:
						// invalid memory address or nil pointer dereference", its stack in
						// stacktrace=<...>): what panicked is the error
						ev.SetString(event.FieldErrorMsg, v)
					}
				case "pod":
					if !kubeletPod(ev, v) {
						podName = v
					}
				case "namespace", "namespaces": // HAMi 2.4 and before: namespaces="ns"
					podNS = v
				case "podName": // the kubelet's topology manager: podNamespace="ns" podName="name"
					podName = v
				case "podNamespace":
					podNS = v
				case "node":
					node = v
				case "event":
					nodeEvent = v
				case "containerMessage":
					containerMsg = v
				case "object":
					// the kubelet's events since Kubernetes 1.27: "Event occurred"
					// object="worker-node01" kind="Node" reason="Shutdown" (a preempted node's
					// graceful shutdown)
					eventObject = v
				case "HPA":
					// the horizontal pod autoscaler controller's "Successfully rescaled" and its
					// failures: HPA="namespace/name"
					if ns, name, ok := strings.Cut(v, "/"); ok && name != "" && !ev.Has(pu.FieldOrchResourceName) {
						pu.SetObject(ev, "horizontalpodautoscaler", ns, name)
					}
				case "pods":
					// SyncLoop ADD/UPDATE/DELETE of one pod: pods=["namespace/name"], unquoted
					// before Kubernetes 1.28: pods=[namespace/name]
					if p, ok := strings.CutPrefix(v, "["); ok && strings.HasSuffix(p, "]") && !strings.ContainsAny(p, ", ") {
						kubeletPod(ev, strings.Trim(p[:len(p)-1], `"`))
					}
				}
				pu.SetField(ev, k, event.String(v))
			}
			if kv.Cut() {
				ev.AddTag(TagCut) // its last value is what there was of it
			}
			if podName != "" && podNS != "" && !strings.ContainsRune(podName, '/') {
				pu.SetObject(ev, "pod", podNS, podName)
			}
			controllerObject(ev)
			if eventObject != "" && !ev.Has(pu.FieldOrchResourceName) {
				level = eventLevel(level, loggedEventObject(ev, eventObject))
			}
			level = evictionLine(ev, msg, level, node, nodeEvent)
			level = probeLine(ev, msg, level, containerMsg)
		}
		return level, false
	}
	if typ, ok := loggedEvent(ev, b); ok {
		return eventLevel(level, typ), false
	}
	volumePod(ev, b)
	if !ev.Has(pu.FieldOrchResourceName) {
		legacyPod(ev, b)
	}
	if !ev.Has(pu.FieldOrchResourceName) {
		cniPod(ev, b)
	}
	if !ev.Has(pu.FieldOrchResourceName) {
		schedulingObject(ev, first)
	}
	// (a header alone with the message on the lines under it, klog.Infof("\nRunning with
	// config:\n%s"): the message starts on its first line)
	ev.SetString(pu.FieldLogMessage, strings.TrimLeft(b, "\n"))
	return level, false
}

// evictionLine gives the kubelet's own lines of a node under pressure what the events it records
// for them carry, since at its default verbosity the recorder's "Event occurred" lines are not
// written: the eviction manager's "pod is evicted successfully" and its refusal of a new pod
// ("Failed to admit pod to node" ... nodeCondition=[DiskPressure]) are the Warning event whose
// reason is Evicted, and "Recording event message for node" node="n" event="NodeHasDiskPressure"
// is the node's event of that reason.
func evictionLine(ev *event.Event, msg, level, node, nodeEvent string) string {
	switch msg {
	case "Eviction manager: pod is evicted successfully", "Failed to admit pod to node":
		if ev.Has(pu.FieldOrchResourceName) {
			ev.SetString(FieldEventReason, "Evicted")
			return eventLevel(level, "Warning")
		}
	case "Recording event message for node":
		if node != "" && nodeEvent != "" && !strings.ContainsAny(node, " /") && !strings.ContainsAny(nodeEvent, " /") {
			pu.SetObject(ev, "node", "", node)
			ev.SetString(FieldEventReason, nodeEvent)
		}
	}
	return level
}

// probeLine gives the kubelet's own lines about a container's probes what the events it records
// for them carry (the recorder's lines are not written at its default verbosity): its prober's
// "Probe failed" and "Probe errored" (probeType="Liveness" ...) are the Warning event whose
// reason is Unhealthy, and "Message for Container of pod" with containerMessage="Container vllm
// failed liveness probe, will be restarted" is why it restarts the container, the Normal event
// whose reason is Killing: that message is the line's.
func probeLine(ev *event.Event, msg, level, containerMsg string) string {
	switch {
	case msg == "Probe failed" || msg == "Probe errored":
		if ev.Has(pu.FieldOrchResourceName) {
			ev.SetString(FieldEventReason, "Unhealthy")
			return eventLevel(level, "Warning")
		}
	case msg == "Message for Container of pod" && containerMsg != "":
		ev.SetString(pu.FieldLogMessage, containerMsg)
		if strings.Contains(containerMsg, " probe, will be restarted") {
			ev.SetString(FieldEventReason, "Killing")
		}
	}
	return level
}

// eventLevel is the level of a line that logs a Kubernetes event: a Warning event (a failed
// image pull, a pod no node can take) is a warning, although the recorder logs every event at
// klog's info level; any other level the line states stays.
func eventLevel(level, typ string) string {
	if level == pu.Info && (typ == "Warning" || typ == pu.Warning) {
		return pu.Warning
	}
	return level
}

// klogrLine reads klogr's serialized form (logr over klog before klog 2.80 made it structured
// like the rest, still in KEDA's metrics adapter): a logger name, then quoted keys and values,
// `keda_metrics_adapter/provider "msg"="timeout" "error"="timeout while waiting ..."
// "server"="keda-operator.keda.svc.cluster.local:9666"`: the logger, the message, the error, the
// other pairs in log.fields. It reports false, setting nothing, on another line.
func klogrLine(ev *event.Event, b string) bool {
	at, start := strings.Index(b, ` "`), 0
	switch {
	case strings.HasPrefix(b, `"`) && strings.Contains(b, `"msg"=`):
		// no name before the pairs, the logger among them (OpenShift's router: `"msg"="router
		// reloaded" "logger"="template" "mode"="sidecar"`)
		at = 0
	case at <= 0 || strings.IndexByte(b[:at], '"') >= 0 || !strings.Contains(b[at:], `"msg"=`):
		return false
	default:
		start = at + 1
	}
	var pairs [16][2]string
	n, msg := 0, false
	for rest := b[start:]; rest != ""; rest = strings.TrimPrefix(rest, " ") {
		k, r, ok := pu.Quoted(rest)
		if !ok || !strings.HasPrefix(r, "=") || n == len(pairs) {
			return false
		}
		v, r := "", r[1:]
		if strings.HasPrefix(r, `"`) {
			if v, r, ok = pu.Quoted(r); !ok {
				return false
			}
		} else {
			v, r, _ = strings.Cut(r, " ")
			r = " " + r
		}
		if r != "" && r[0] != ' ' {
			return false
		}
		pairs[n] = [2]string{k, v}
		n++
		msg = msg || k == "msg"
		rest = r
	}
	if !msg {
		return false
	}
	if at > 0 {
		ev.SetString(event.FieldLogLogger, b[:at])
	}
	for _, p := range pairs[:n] {
		switch p[0] {
		case "msg":
			ev.SetString(pu.FieldLogMessage, p[1])
		case "logger":
			ev.SetString(event.FieldLogLogger, p[1])
		case "error":
			ev.SetString(event.FieldErrorMsg, p[1])
		default:
			pu.SetField(ev, p[0], event.String(p[1]))
		}
	}
	controllerObject(ev)
	return true
}

// controllerObject reads into orchestrator.* the object controller-runtime's line is about, as
// its JSON layout gives it: the kind its "controllerKind" names, the object under that kind's
// key, klog's "namespace/name" (klog.KObj) or klogr's JSON ({"name":...,"namespace":...}), or
// the request's "name" and "namespace" beside it (AIBrix's `"msg"="Reconciler error"
// "RoleSet"={"name":"llm-xpyd-roleset-fkh4v","namespace":"default"} "controllerKind"="RoleSet"
// ... "name"="llm-xpyd-roleset-fkh4v" "namespace"="default"`).
func controllerObject(ev *event.Event) {
	get := func(k string) string {
		s, _ := ev.GetString(pu.FieldLogFields + "." + k)
		return s
	}
	kind := get("controllerKind")
	if kind == "" || strings.ContainsAny(kind, ". /") || ev.Has(pu.FieldOrchResourceName) {
		return
	}
	ns, name := get("namespace"), get("name")
	if v := get(kind); v != "" && v[0] != '{' {
		if n, m, ok := strings.Cut(v, "/"); ok && m != "" && !strings.Contains(m, "/") {
			ns, name = n, m
		} else if !ok {
			ns, name = "", v // a cluster-scoped object's name alone
		}
	}
	if name != "" && !strings.ContainsAny(name, " /") {
		pu.SetObject(ev, kind, ns, name)
	}
}

// schedulingObject reads the pod or job an unstructured line about scheduling names, the way
// the components that decide whether a GPU pod runs write it: the cluster autoscaler's "Pod
// ns/name is unschedulable", "Looking for place for ns/name" and "... cannot put ns/name on <node template> ...", Volcano's
// scheduler's "Binding Task <ns/name> to node <node>", "Predicates failed for task <ns/name> on
// node <node>: ..." and "... of Job <ns/name>" (the job's pod
// group) and its controller's "<Queue: , Job: ns/name, Task:, ...>".
func schedulingObject(ev *event.Event, b string) {
	if rest, ok := strings.CutPrefix(b, "Pod "); ok {
		ref, tail, ok := strings.Cut(rest, " ")
		switch {
		case ok && (strings.HasPrefix(tail, "is unschedulable") || strings.HasPrefix(tail, "can be moved to ")):
			// (the autoscaler's simulation finds it room on a node it has: "Pod ns/name can be
			// moved to <node>")
			setRef(ev, "pod", ref)
		case ok && strings.HasPrefix(tail, "can't be scheduled on ") && ref != "" && !strings.ContainsRune(ref, '/'):
			// the cluster autoscaler's node group that would not fit it names the pod alone,
			// and with its namespace in the predicate's reason: "... cannot put default/x on ..."
			if _, put, ok := strings.Cut(tail, " cannot put "); ok {
				if r, _, ok := strings.Cut(put, " on "); ok && strings.HasSuffix(r, "/"+ref) && setRef(ev, "pod", r) {
					return
				}
			}
			pu.SetObject(ev, "pod", "", ref)
		}
		return
	}
	if name := autoscalerNode(b); name != "" {
		// the cluster autoscaler's scale-down of a node: "node <name> has unready GPU",
		// "Node <name> - nvidia.com/gpu utilization 0.000000", "<name> is unneeded since ...",
		// "<name> was unneeded for ...": a fresh GPU node deleted because its GPU never came up
		pu.SetObject(ev, "node", "", name)
		return
	}
	if ref, ok := strings.CutPrefix(b, "Looking for place for "); ok && strings.IndexByte(ref, ' ') < 0 {
		setRef(ev, "pod", ref) // the cluster autoscaler's scale-up simulation of a pending pod
		return
	}
	if rest, ok := strings.CutPrefix(b, "failed to find place for "); ok {
		// its hinting simulator's "failed to find place for ns/name: cannot put pod ... on any node"
		if ref, _, ok := strings.Cut(rest, ": "); ok {
			setRef(ev, "pod", ref)
		}
		return
	}
	if _, rest, ok := strings.Cut(b, " cannot put "); ok {
		if ref, _, ok := strings.Cut(rest, " on "); ok {
			setRef(ev, "pod", ref)
		}
		return
	}
	for _, f := range [...]struct{ marker, kind, end string }{
		// "Predicates failed for task <ns/name> on node <node>: ...", why it stays Pending
		{"Task <", "pod", ">"}, {"task <", "pod", ">"}, {"Job <", "podgroup", ">"}, {"Job: ", "job", ","},
	} {
		if _, rest, ok := strings.Cut(b, f.marker); ok {
			if ref, _, ok := strings.Cut(rest, f.end); ok && setRef(ev, f.kind, ref) {
				return
			}
		}
	}
}

// autoscalerNode returns the node a cluster autoscaler's scale-down line names, "" for another
// line.
func autoscalerNode(b string) string {
	var name, tail string
	if rest, ok := strings.CutPrefix(b, "node "); ok {
		name, tail, _ = strings.Cut(rest, " ")
		if tail != "has unready GPU" {
			return ""
		}
	} else if rest, ok := strings.CutPrefix(b, "Node "); ok {
		name, tail, _ = strings.Cut(rest, " ")
		if !strings.HasPrefix(tail, "- ") || !strings.Contains(tail, " utilization ") {
			return ""
		}
	} else {
		name, tail, _ = strings.Cut(b, " ")
		if !strings.HasPrefix(tail, "is unneeded since ") && !strings.HasPrefix(tail, "was unneeded for ") {
			return ""
		}
	}
	if name == "" || strings.ContainsAny(name, "/:\"") {
		return ""
	}
	return name
}

// setRef sets orchestrator.* to an object named "namespace/name" and reports whether ref was one.
func setRef(ev *event.Event, kind, ref string) bool {
	ns, name, ok := strings.Cut(ref, "/")
	if !ok || ns == "" || name == "" || strings.ContainsAny(name, "/ ") || strings.IndexByte(ns, ' ') >= 0 {
		return false
	}
	pu.SetObject(ev, kind, ns, name)
	return true
}

// loggedEventObject reads the object of an event the kubelet logs in klog's structured form
// ("Event occurred" object="ns/name" kind="Pod" reason="...") into orchestrator.* and its
// reason into event.reason, as loggedEvent does for client-go's older text, and returns its type.
func loggedEventObject(ev *event.Event, object string) string {
	ns, name, ok := strings.Cut(object, "/")
	if !ok {
		ns, name = "", object
	}
	if kind, _ := ev.GetString(pu.FieldLogFields + ".kind"); kind != "" {
		pu.SetObject(ev, kind, ns, name)
	} else if name != "" && !strings.ContainsAny(name, " /") {
		// HAMi's scheduler names no kind: object="default/gpu-pod"
		ev.SetString(pu.FieldOrchResourceName, name)
		if ns != "" {
			ev.SetString(pu.FieldOrchNamespace, ns)
		}
	}
	if r, _ := ev.GetString(pu.FieldLogFields + ".reason"); r != "" {
		ev.SetString(pu.FieldEventReason, r)
	}
	if m, _ := ev.GetString(pu.FieldLogFields + ".message"); m != "" {
		// the event's own text is what the line says ("Event occurred" says nothing), as in
		// the older Event(v1.ObjectReference{...}) form; the pair stays in log.fields
		ev.SetString(pu.FieldLogMessage, m)
	}
	typ, _ := ev.GetString(pu.FieldLogFields + ".type")
	return typ
}

// volumePod reads the pod the kubelet's unstructured volume messages name, `pod "name" (UID:
// "...")` ("MountVolume.SetUp failed for volume "model-cache" (UniqueName: ...) pod "vllm-0"
// (UID: "...") : ..."), into orchestrator.* without a namespace, which they do not give.
func volumePod(ev *event.Event, b string) {
	i := strings.Index(b, ` pod "`)
	if i < 0 {
		return
	}
	name, rest, ok := strings.Cut(b[i+len(` pod "`):], `"`)
	if !ok || name == "" || !strings.HasPrefix(rest, " (UID: ") || strings.ContainsAny(name, " /") {
		return
	}
	pu.SetObject(ev, "pod", "", name)
}

// legacyPod reads the pod the kubelet's unstructured lines name by format.Pod, "name_namespace(uid)"
// (before its structured logging, 1.20, and in some messages since): "Error syncing pod <uid>
// (\"nvidia-driver-daemonset-6d97v_gpu-operator-resources(<uid>)\"), skipping: failed to
// \"StartContainer\" for \"nvidia-driver-ctr\" with CrashLoopBackOff: ...", "Failed to admit pod
// kindnet-z7vcs_kube-system(<uid>) - node has conditions: [DiskPressure]". The sync error's
// container and reason are read as from its structured err=.
func legacyPod(ev *event.Event, b string) {
	if t, ok := strings.CutPrefix(b, "Error syncing pod "); ok && len(t) > 39 && pu.IsUUID(t[:36]) && strings.HasPrefix(t[36:], ` ("`) {
		// the pod's uid, then its name: read even when a pager cut the line inside the second uid
		ref, _, _ := strings.Cut(t[39:], "(")
		if name, ns, ok := cutLast(ref, '_'); ok && name != "" && ns != "" && !strings.ContainsAny(ref, ` "/`) {
			pu.SetObject(ev, "pod", ns, name)
			if _, after, ok := strings.Cut(t, "skipping: "); ok {
				pu.SyncFailure(ev, after)
			}
			return
		}
	}
	name, ns, i := podRef(b, 0)
	if i < 0 {
		return
	}
	if n2, ns2, j := podRef(b, i+1); j >= 0 && (n2 != name || ns2 != ns) {
		// a list of pods (the eviction manager's "pods ranked for eviction: a_ns(uid), b_ns(uid),
		// ..."): the line is about none of them alone, the first being the pod it may keep
		return
	}
	pu.SetObject(ev, "pod", ns, name)
	if _, after, ok := strings.Cut(b[i:], "skipping: "); ok {
		pu.SyncFailure(ev, after)
	}
	if strings.HasPrefix(b, "Failed to admit pod ") && strings.Contains(b[i:], " - node has conditions: ") {
		// the eviction manager refusing a pod before the kubelet's structured logging: the
		// Evicted event its "Failed to admit pod to node" gives since (evictionLine)
		ev.SetString(FieldEventReason, "Evicted")
	}
}

// podRef finds the first "name_namespace(uid)" in b from off: the pod's name and namespace and
// the index of its "(", or -1.
func podRef(b string, off int) (name, ns string, at int) {
	for off < len(b) {
		i := strings.IndexByte(b[off:], '(')
		if i < 0 {
			return "", "", -1
		}
		i += off
		off = i + 1
		switch {
		case len(b) >= i+38 && b[i+37] == ')' && pu.IsUUID(b[i+1:i+37]):
		case len(b) >= i+34 && b[i+33] == ')' && hex32(b[i+1:i+33]):
			// a static pod's uid, the hash of its manifest: the prober's "Liveness probe for
			// \"etcd-node_kube-system(6fa4cda81596c9975ede8b7394cc2d87):etcd\" failed"
		default:
			continue
		}
		// (after a key: "Back-off 5m0s restarting failed container=busybox pod=name_ns(uid)")
		start := strings.LastIndexAny(b[:i], " \"'=") + 1
		name, ns, ok := cutLast(b[start:i], '_')
		if !ok || name == "" || ns == "" || strings.ContainsAny(name, "/(") || strings.ContainsAny(ns, "/(") {
			continue
		}
		return name, ns, i
	}
	return "", "", -1
}

// cniPod reads the pod a CNI plugin's failure names inside the runtime's error that the kubelet
// logs ("RunPodSandbox from runtime service failed: ... Multus: [default/centos-runtimeconfig]:
// error adding container to network ...", Multus 4's "[ns/name/uid:network]"; dockershim's
// "NetworkPlugin cni failed to set up pod \"nginx-whjjm_default\" network: ..."): why a
// multi-node job's pod stays in ContainerCreating.
func cniPod(ev *event.Event, b string) {
	if _, t, ok := strings.Cut(b, "Multus: ["); ok {
		ref, _, ok := strings.Cut(t, "]")
		ns, name, ok2 := strings.Cut(ref, "/")
		if name, _, _ = strings.Cut(name, "/"); ok && ok2 && ns != "" && name != "" && !strings.ContainsAny(ref, " :\"") {
			pu.SetObject(ev, "pod", ns, name)
		}
		return
	}
	if _, t, ok := strings.Cut(b, `NetworkPlugin cni failed to set up pod "`); ok {
		ref, _, _ := strings.Cut(t, `"`)
		if name, ns, ok := cutLast(ref, '_'); ok && name != "" && ns != "" && !strings.ContainsAny(ref, " /") {
			pu.SetObject(ev, "pod", ns, name)
		}
	}
}

// hex32 reports whether s is 32 lower-case hexadecimal digits.
func hex32(s string) bool {
	if len(s) != 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// cutLast cuts s around the last sep.
func cutLast(s string, sep byte) (before, after string, ok bool) {
	i := strings.LastIndexByte(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+1:], true
}

// loggedEvent reads an event client-go's recorder logs as it sends it (the cluster autoscaler's
// TriggeredScaleUp, the scheduler's, a controller's): Event(v1.ObjectReference{Kind:"Pod",
// Namespace:"ns", Name:"name", ...}): type: 'Normal' reason: 'TriggeredScaleUp' <note>. Its
// object goes to orchestrator.*, its reason to event.reason, and its note is log.message; it
// returns the event's type.
func loggedEvent(ev *event.Event, b string) (string, bool) {
	ref, ok := strings.CutPrefix(b, "Event(v1.ObjectReference{")
	if !ok {
		// Kubernetes before 1.6 named the type by its internal package
		// ("Event(api.ObjectReference{Kind:\"Pod\", ...}): type: 'Warning' reason: 'FailedSync' ...")
		if ref, ok = strings.CutPrefix(b, "Event(api.ObjectReference{"); !ok {
			return "", false
		}
	}
	ref, rest, ok := strings.Cut(ref, "}): type: '")
	if !ok {
		return "", false
	}
	typ, rest, ok := strings.Cut(rest, "' reason: '")
	if !ok {
		return "", false
	}
	reason, note, ok := strings.Cut(rest, "'")
	member := func(name string) string {
		k := strings.Index(ref, name+`:"`)
		if k < 0 || k > 0 && ref[k-1] != ' ' {
			return ""
		}
		v, _, _ := strings.Cut(ref[k+len(name)+2:], `"`)
		return v
	}
	kind, name := member("Kind"), member("Name")
	if !ok || kind == "" || name == "" || reason == "" {
		return "", false
	}
	pu.SetObject(ev, kind, member("Namespace"), name)
	ev.SetString(pu.FieldEventReason, reason)
	ev.SetString(pu.FieldLogMessage, strings.TrimPrefix(note, " "))
	return typ, true
}

// kubeletPod reads the kubelet's pod="namespace/name", the pod its line is about, into the
// orchestrator.* fields a Kubernetes event's object goes to (the kubelet that wrote the line is
// not that pod), so that a probe failure, an eviction or a GPU allocation is found with the pod.
// It reports false, setting nothing, when v is not "namespace/name".
func kubeletPod(ev *event.Event, v string) bool { return setRef(ev, "pod", v) }

// FieldEventReason is the reason of a container's failure the kubelet names (CrashLoopBackOff,
// ErrImagePull), as a Kubernetes event's reason is.
const FieldEventReason = pu.FieldEventReason

// valueLines splits what follows a "key=<" into the value's lines, up to the line that closes it
// (" >"), and the pairs klog writes after the close on that line (" > ipFamily=\"IPv4\"").
func valueLines(s string) (value, tail string) {
	for i := 0; i < len(s); {
		end := strings.IndexByte(s[i:], '\n')
		line := s[i:]
		if end >= 0 {
			line = s[i : i+end]
		}
		if after, ok := strings.CutPrefix(line, " > "); ok {
			return s[:i], after
		}
		if end < 0 {
			break
		}
		i += end + 1
	}
	return s, ""
}

// multilineValue reads klog's multi-line value: lines indented with a tab, closed by " >" (a
// copy that expanded the tab: the first line's spaces off every line).
func multilineValue(s string) string {
	s = strings.TrimSuffix(strings.TrimRight(s, " \n"), ">")
	indent := "\t"
	if !strings.HasPrefix(s, "\t") {
		indent = s[:len(s)-len(strings.TrimLeft(s, " "))]
	}
	var sb strings.Builder
	sb.Grow(len(s))
	for s != "" {
		line, rest, _ := strings.Cut(s, "\n")
		sb.WriteString(strings.TrimPrefix(line, indent))
		if rest != "" {
			sb.WriteByte('\n')
		}
		s = rest
	}
	return strings.TrimRight(sb.String(), " \n")
}

// TagCut marks a structured line whose last quoted value was cut short (journalctl's width, a
// pager's): what there was of it is read.
const TagCut = "_klog_cut"
