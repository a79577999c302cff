// Package tagged parses lines whose level is a bracketed tag at their start, as several programs
// beside the serving stack write them:
//
//	[ERROR] plugin/errors: 2 2880157511810145385.1418540156305842520. HINFO: read udp 10.100.1.240:44086->10.0.0.1:53: i/o timeout
//	[TensorRT-LLM][ERROR] Encountered an error in forward function: ...
//	[2024-06-16T01:32:08.557-05:00][ERROR][elasticsearch-service] Unable to retrieve version information ...
//
// CoreDNS's log plugin ("[LEVEL] plugin/<name>: message"), TensorRT-LLM's logger
// ("[TensorRT-LLM][LEVEL] message") and Kibana's default console layout
// ("[%date][%level][%logger] %message"); Calico's felix ("date [LEVEL][pid] file.go line: msg");
// the node's log shippers' own lines (Logstash's "[%d][%-5p][%c][pipeline] %m", Fluent Bit's
// "[date] [ level] [component] %m", Fluentd's "date zone [level]: %m"); and a launcher's
// "ERROR: message" (Elasticsearch's).
// The dataset is the writing container's when it is part
// of the GPU stack, else generic.tagged.
package tagged

import (
	"strconv"
	"strings"
	"time"

	"github.com/sluice-dev/sluice/parsers"
	"github.com/sluice-dev/sluice/parsers/java"
	"github.com/sluice-dev/sluice/parsers/nvidia_xid"
	pu "github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/parsers/tracing"
	"github.com/sluice-dev/sluice/parsers/uvicorn"
	"github.com/sluice-dev/sluice/parsers/vllm"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// Dataset is the dataset of tagged lines outside the GPU stack.
const Dataset = "generic.tagged"

// FieldElasticsearchNode is the node an Elasticsearch plain-layout line names, where its ECS
// JSON layout writes it.
const FieldElasticsearchNode = "elasticsearch.node.name"

// DatasetElasticsearch is the dataset of Elasticsearch's plain-layout lines, the one its ECS
// JSON layout names.
const DatasetElasticsearch = "elasticsearch.server"

// DatasetTRTLLM is the dataset of TensorRT-LLM's Python logger's lines (trtllm-serve, its LLM
// API), whatever the container.
const DatasetTRTLLM = "trtllm.server"

// DatasetHAMiCore is the dataset of HAMi-core's lines (the library HAMi puts into every
// container that shares a GPU) in a container whose program has none of its own.
const DatasetHAMiCore = "hami.core"

// Info registers the parser.
var Info = parsers.Info{
	Name:        "tagged",
	Description: "lines that open with a bracketed level tag: CoreDNS ([ERROR] plugin/errors: ...), TensorRT-LLM ([TensorRT-LLM][ERROR] ...), Kibana's console layout ([date][LEVEL][logger] ...), Logstash's, Fluent Bit's and Fluentd's own lines, HAMi-core's ([HAMI-core ERROR (pid:N ...)]: ...), gunicorn's and Celery's",
	New:         func(parsers.Options) parsers.Parser { return New() },
	Fields: append(pu.Fields(pu.FieldLogMessage, event.FieldLogLogger, event.FieldErrorMsg, event.FieldErrorStack,
		event.FieldProcessPID, event.FieldProcessName, pu.FieldThread, event.FieldOriginFile, event.FieldOriginLine, pu.FieldOriginFunc, pu.FieldLogFields,
		event.FieldHostHostname),
		parsers.Field{Name: event.FieldErrorType, Type: "keyword", Description: "Class of the error a line names (Fluentd's error_class=, the C++ exception TensorRT-LLM names before its what())."},
		parsers.Field{Name: event.FieldHTTPStatus, Type: "long", Description: "Status an AWS CLI error names (\"An error occurred (403) when calling the HeadObject operation\"), or llama-server's request line."},
		uvicorn.Field(uvicorn.FieldMethod), uvicorn.Field(uvicorn.FieldURLPath), uvicorn.Field(uvicorn.FieldURLQuery),
		uvicorn.Field(uvicorn.FieldSourceIP), uvicorn.Field(uvicorn.FieldSourceAddr),
		parsers.Field{Name: vllm.FieldErrorKind, Type: "keyword", Description: "Failure class of a vLLM record UCM's layout carries (vllm-ascend's KV connector patching vLLM's logging: engine_init_failed, cuda_oom, ...), as the vllm parser classes it."},
		parsers.Field{Name: nvidia_xid.FieldPCIBusID, Type: "keyword", Description: "PCI address of the GPU nvidia-smi warns of in any pod (WARNING: infoROM is corrupted at gpu 0000:00:05.0), as 0000:00:05."},
		parsers.Field{Name: FieldElasticsearchNode, Type: "keyword", Description: "Node an Elasticsearch or OpenSearch line names: its ECS JSON's elasticsearch.node.name, the plain layout's [node] ([o.e.n.Node] [es-master-0] started)."}),
}

// Parser parses tagged lines. It is stateless and safe for concurrent use.
type Parser struct{}

// New returns the parser.
func New() *Parser { return &Parser{} }

// Parse recognises a tagged line (with the lines the processor joined to it).
func (p *Parser) Parse(ev *event.Event) bool {
	msg := ev.Message()
	first, rest, _ := strings.Cut(msg, "\n")
	if strings.HasPrefix(first, vllm.NumpyABIBanner) {
		// NumPy 2 refusing a module built against 1.x, its stack under it: the import fails
		vllm.NumpyABIError(ev, msg)
		pu.Finish(ev, pu.DatasetOr(ev, Dataset), pu.Error)
		return true
	}
	if n, _ := vllm.LabelLen(first); n > 0 && n < len(first) {
		// a launcher's label before the rank's line (srun's padded " 0: ", Open MPI's
		// "[1,0]<stderr>:", torchrun's "[default3]:"): the line is read past it
		first = first[n:]
	}
	if len(first) < 7 {
		return false
	}
	if strings.HasPrefix(first, "\t[ERROR ") || strings.HasPrefix(first, "\t[WARNING ") {
		first = first[1:] // kubeadm indents its preflight check's failures by a tab
	} else if first[0] == ' ' {
		// a native library's eprintln! indented under the Go program's own lines (vLLM Semantic
		// Router's candle binding: "  ERROR: Failed to initialize Traditional BERT token
		// classifier: ..."): its stated level
		if t := strings.TrimLeft(first, " "); len(first)-len(t) <= 4 && (strings.HasPrefix(t, "ERROR: ") || strings.HasPrefix(t, "WARNING: ")) {
			first = t
		}
	}
	if b, bar := vllm.AfterBar(first); bar && (strings.HasPrefix(b, "ERROR: ") || strings.HasPrefix(b, "WARNING: ")) {
		// a bare record written on a progress bar's line: torch's DataLoader reporting a
		// worker's bus error (its SIGBUS handler's "ERROR: Unexpected bus error encountered in
		// worker. ...") after the training loop's tqdm bar
		first = b
	}
	if first == vllm.LoggingErrorBanner && rest != "" {
		// Python logging's report of a record it could not emit (Handler.handleError, on
		// stderr): the program's bug, and its record lost
		vllm.LoggingError(ev, rest)
		pu.Finish(ev, pu.DatasetOr(ev, Dataset), pu.Error)
		return true
	}
	if first[0] >= 0x80 && !(len(first) > 2 && first[0] == 0xe2 && (first[1] == 0x94 || first[1] == 0x95)) {
		// a symbol before the level ("ℹ️  INFO: Using static URL mode ...", vLLM's Rust router's
		// eprintln!, "⚠️  WARNING: ..."): the level's line after it (not a box's edge, "│",
		// whose rows quote text)
		i := 0
		for i < len(first) && i < 16 && first[i] >= 0x80 {
			i++
		}
		j := i
		for j < len(first) && first[j] == ' ' {
			j++
		}
		var probe Line
		if j > i && levelColon(first[j:], &probe) && probe.Level != "" {
			first = first[j:]
		}
	}
	if m, ok := strings.CutPrefix(first, "[aiter] failed jit build ["); ok && strings.HasSuffix(strings.TrimRight(m, " "), "↓") {
		// AITER's failed JIT build, one logger.error record (the parse processor joined it up to
		// its "↑↑↑" line): the module it could not build, the build's tracebacks and the
		// compiler's output under it; the error a vLLM engine on ROCm dies of at its start
		m = "failed jit build [" + strings.TrimRight(m, " ↓")
		ev.SetString(event.FieldLogLogger, "aiter")
		ev.SetString(pu.FieldLogMessage, m)
		ev.SetString(event.FieldErrorMsg, m)
		if rest = strings.TrimSpace(rest); rest != "" {
			ev.SetString(event.FieldErrorStack, rest)
		}
		pu.Finish(ev, pu.DatasetOr(ev, Dataset), pu.Error)
		return true
	}
	if m, ok := strings.CutPrefix(first, "[aiter] "); ok && m != "" {
		// AITER's logger ("[%(name)s] %(message)s": "[aiter] LoadKernel: ... hsaco: ...", ROCm's
		// kernels under vLLM, hundreds of lines at its start): its name, no level
		ev.SetString(event.FieldLogLogger, "aiter")
		ev.SetString(pu.FieldLogMessage, m)
		pu.Finish(ev, pu.DatasetOr(ev, Dataset), "")
		return true
	}
	if strings.HasPrefix(first, "usage: ") && rest != "" {
		// argparse's usage and, last, what was wrong with the command line (the parse
		// processor joined them): the record is the error's
		if last := rest[strings.LastIndexByte(rest, '\n')+1:]; ArgparseError(last) {
			first, rest = last, ""
		}
	}
	if run, text, ok := langChainError(first); ok {
		// LangChain's console callbacks (LangChain.js's and Python's verbose tracer): "[llm/error]
		// [1:llm:openai] [271ms] LLM run errored with error: "Request failed with status code
		// 404"", the run that failed and why
		ev.SetString(event.FieldLogLogger, "langchain")
		ev.SetString(pu.FieldLogFields+".run", run)
		ev.SetString(pu.FieldLogMessage, first)
		ev.SetString(event.FieldErrorMsg, text)
		pu.Finish(ev, pu.DatasetOr(ev, Dataset), pu.Error)
		return true
	}
	if lv, m, ok := systemdStatus(first); ok {
		// systemd's status on the console as a node boots (/var/log/boot.log, a cloud console):
		// "[FAILED] Failed to start NVIDIA MIG manager service.", "[DEPEND] Dependency failed
		// for Kubernetes Kubelet.", "[  OK  ] Started ..." (coloured on a terminal,
		// "[\x1b[0;1;31mFAILED\x1b[0m] ...": read without the codes, as the message is written)
		ev.SetString(event.FieldLogLogger, "systemd")
		ev.SetString(pu.FieldLogMessage, m)
		if lv == pu.Error {
			ev.SetString(event.FieldErrorMsg, m)
		}
		ds := pu.DatasetOr(ev, Dataset)
		if pu.Container(ev) == "" {
			// a host's console: the GPU-stack unit the status names (its MIG manager's), else
			// systemd's own, not the program's whose line came before
			if ds = pu.GPUUnit(m); ds == "" {
				ds = Dataset
			}
		}
		pu.Finish(ev, ds, lv)
		return true
	}
	if m, ok := strings.CutPrefix(first, "CQE ERROR "); ok && strings.Contains(m, "status=") {
		// an RDMA completion with an error status as UCCL's transport prints it under vLLM's
		// expert parallelism ("CQE ERROR wr_id=3 status=12(transport retry counter exceeded)
		// opcode=1 ... vendor_err=0xa qp_num=0x2c10": the peer unreachable over IB or RoCE)
		ev.SetString(pu.FieldLogMessage, first)
		ev.SetString(event.FieldErrorMsg, m)
		pu.Finish(ev, pu.DatasetOr(ev, Dataset), pu.Error)
		return true
	}
	if ib := first[:min(len(first), len("ibpanic"))]; (ib == "ibpanic" || ib == "iberror") && strings.HasPrefix(first[len(ib):], ": [") {
		m := first[len(ib)+len(": ["):]
		// infiniband-diags' (ibstat, ibstatus, ibnetdiscover in a node's health check) fatal
		// and error prints, "ibpanic: [8371] main: stat of IB device 'mlx5_an0' failed: No such
		// file or directory" (IBPANIC: the tool exits), its pid and function before the text
		// (ibwarn's are also its debug traces: no level)
		if pid, after, ok := strings.Cut(m, "] "); ok {
			fn, text, ok := strings.Cut(after, ": ")
			if n, num := pu.Atoi(pid); num && ok && fn != "" && strings.IndexByte(fn, ' ') < 0 {
				ev.SetString(event.FieldLogLogger, "infiniband-diags")
				ev.Set(event.FieldProcessPID, event.Int(n))
				ev.SetString(pu.FieldOriginFunc, fn)
				ev.SetString(pu.FieldLogMessage, text)
				ev.SetString(event.FieldErrorMsg, text)
				lv := pu.Error
				if ib == "ibpanic" {
					lv = pu.Critical
				}
				pu.Finish(ev, pu.DatasetOr(ev, Dataset), lv)
				return true
			}
		}
	}
	if prog, m, ok := strings.Cut(first, ": error while loading shared libraries: "); ok && prog != "" && m != "" &&
		strings.IndexByte(prog, ' ') < 0 {
		// the dynamic loader refusing a program a library it needs (the process exits 127,
		// often the container's only line): "/sd-cli: error while loading shared libraries:
		// libcuda.so.1: cannot open shared object file: No such file or directory", a GPU image
		// started without the driver's libraries (no GPU runtime)
		ev.SetString(event.FieldLogLogger, prog[strings.LastIndexByte(prog, '/')+1:])
		ev.SetString(pu.FieldLogMessage, first)
		ev.SetString(event.FieldErrorMsg, m)
		pu.Finish(ev, pu.DatasetOr(ev, Dataset), pu.Error)
		return true
	}
	var r Line
	ds := Dataset
	if id, ok := rayJobFailed(first); ok {
		// what `ray job submit` and `ray job logs` print when the job fails (Ray's cli_logger.error;
		// KubeRay's ray-job-submitter container), the status message on the next line
		ev.SetString(pu.FieldLogMessage, first)
		ev.SetString(event.FieldErrorMsg, first)
		ev.SetString(pu.FieldLogFields+".ray_job_id", id)
		pu.Finish(ev, pu.DatasetOr(ev, ds), pu.Error)
		return true
	}
	if (first[0] == 'S' || first[0] == '+' || first[0] == '|') && dcgmiDiag(ev, msg, first) {
		return true
	}
	if first[0] == ':' && rocclrLine(ev, first) {
		return true
	}
	if first[0] == '2' && oneCCLLine(ev, first) {
		if next, _, _ := strings.Cut(rest, "\n"); next != "" && OneCCLConditionFailed(first) {
			// the failed check's message under it (the parse processor's group): what it saw
			if m, ok := ev.GetString(event.FieldErrorMsg); ok {
				ev.SetString(event.FieldErrorMsg, m+": "+strings.TrimRight(next, " \r"))
			}
		}
		return true
	}
	if first[0] == '(' {
		// under vLLM's or Ray's process prefix: "(WrapperWithLoadBit pid=35347) 2024:09:13-11:21:50:
		// (35347) |CCL_ERROR| ..." (vLLM on Intel GPUs)
		if l := vllm.Split(first); l.ProcName != "" && l.Header == "" && l.Body != "" && l.Body[0] == '2' && oneCCLLine(ev, l.Body) {
			ev.SetString(event.FieldProcessName, l.ProcName)
			return true
		}
	}
	if lv, ok := llamaRequest(ev, first); ok {
		ev.SetString(pu.FieldLogMessage, first)
		pu.Finish(ev, pu.DatasetOr(ev, DatasetLlamaCpp), lv)
		return true
	}
	if first[0] == '[' && len(first) > 24 && first[3] == '-' {
		// NIM's Rust SDK alone: "[11-26 10:19:17.953 ERROR  nim_sdk::hub::repo  rust/nim-sdk/src/hub/repo.rs:128] ..."
		if lv, stamp := NIMLine(ev, first); lv != "" {
			if t, ok := nimTime(stamp, pu.Reference(ev)); ok {
				pu.SetLocalTime(ev, t)
			}
			pu.Finish(ev, pu.DatasetOr(ev, ds), lv)
			return true
		}
	}
	if llamaSendError(ev, first) {
		ev.SetString(pu.FieldLogMessage, first)
		pu.Finish(ev, pu.DatasetOr(ev, DatasetLlamaCpp), pu.Error)
		return true
	}
	if first[0] == '-' && OpenMPIRule(first) && rest != "" {
		return mpiHelp(ev, rest, ds)
	}
	if first[0] == '[' || first[0] == '2' {
		if pre := OpenMPISignal(first); pre != "" {
			return mpiSignal(ev, pre, ev.Message(), pu.DatasetOr(ev, ds))
		}
	}
	if file, line, msg, ok := cudaCheck(first); ok {
		// a CUDA sample's failed call before it exits: its CUDA error (gpu.error.kind, as
		// Finish reads it), where in the sample
		ev.SetString(event.FieldOriginFile, file)
		ev.Set(event.FieldOriginLine, event.Int(line))
		ev.SetString(event.FieldErrorMsg, msg)
		pu.Finish(ev, pu.DatasetOr(ev, ds), pu.Error)
		return true
	}
	if first[0] == ' ' && cufile(first, &r) {
		// GPUDirect Storage's library: why a model's weights load slowly or not at all
		// ("nvidia-fs.ko driver not loaded", "cuFile running in compatible mode")
		pu.SetLocalTime(ev, r.Time)
		r.setWriter(ev)
		ev.SetString(pu.FieldLogMessage, r.Msg)
		if r.Level == pu.Error {
			ev.SetString(event.FieldErrorMsg, r.Msg)
		}
		pu.Finish(ev, pu.DatasetOr(ev, ds), r.Level)
		return true
	}
	if first[0] == ' ' && kibanaLegacy(first, &r) {
		// the time of day alone: the runtime's time stays
		ev.SetString(event.FieldLogLogger, r.Logger)
		if r.Level == pu.Error || r.Level == pu.Critical {
			ev.SetString(event.FieldErrorMsg, r.Msg)
		}
		ev.SetString(pu.FieldLogMessage, r.Msg)
		pu.Finish(ev, pu.DatasetOr(ev, DatasetKibana), r.Level)
		return true
	}
	callerFile, callerLine, afterCaller := goCaller(first)
	if m, ok := strings.CutPrefix(afterCaller, "Exiting: "); ok && m != "" {
		// a Beat's last words on stderr before it exits with status 1 (libbeat's cmd: "Exiting:
		// couldn't connect to any of the configured Elasticsearch hosts. ..."): why the
		// DaemonSet's pod crash-loops; Beats 6 wrote its caller first ("beat.go:635: Exiting:
		// Could not start registrar: ...")
		if callerFile != "" {
			ev.SetString(event.FieldOriginFile, callerFile)
			ev.Set(event.FieldOriginLine, event.Int(callerLine))
		}
		ev.SetString(pu.FieldLogMessage, m)
		ev.SetString(event.FieldErrorMsg, m)
		pu.Finish(ev, pu.DatasetOr(ev, ds), pu.Critical)
		return true
	}
	if w, ok := strings.CutPrefix(strings.TrimLeft(first, " "), "what():  "); ok && len(w) > 7 && w[0] == '[' {
		// std::terminate's report of an uncaught exception, its what() alone (the line before
		// it cut off): TensorRT-LLM's "[TensorRT-LLM][ERROR] Assertion failed: ..."
		first = w
	}
	neuron, proc := first, ""
	if _, bar := vllm.AfterBar(first); first[0] == '(' || bar {
		// under vLLM's process prefix: "(EngineCore_DP0 pid=272) 2025-12-22 19:08:35.000109:  272
		// [INFO]: ..." (vllm-neuron's engine core compiling)
		if l := vllm.Split(first); (l.ProcName != "" || l.Proc != "") && l.Header == "" && len(l.Body) < len(first) {
			neuron, proc = l.Body, l.ProcName
			var probe Line
			if l.Body != "" && l.Body[0] == '[' && (Read(l.Body, &probe) && probe.Level != "" || hamiCore(l.Body, &probe)) {
				// a library's tagged line in vLLM's engine core: "(EngineCore_DP0 pid=2112)
				// [kvcached][WARNING][2025-10-25 11:17:27][kv_cache_manager.py:164] ...", also
				// written onto a progress bar's line; HAMi-core's in a Ray worker ("(pid=257,
				// ip=10.233.76.215) [HAMi-core Msg(...)]: ...")
				first = l.Body
				if proc != "" {
					ev.SetString(event.FieldProcessName, proc)
				}
				if l.PID > 0 {
					ev.Set(event.FieldProcessPID, event.Int(l.PID))
				}
			}
		}
	}
	if neuron != "" && neuron[0] == '2' && neuronRuntime(neuron, &r) {
		if proc != "" {
			ev.SetString(event.FieldProcessName, proc)
		}
		pu.SetDatedLocalTime(ev, r.Time)
		r.Time = time.Time{}
		ev.Set(event.FieldProcessPID, event.Int(r.pid))
		if r.thread > 0 {
			ev.Set(pu.FieldThread, event.Int(r.thread))
		}
		if r.file != "" {
			ev.SetString(pu.FieldOriginFunc, r.file)
			r.file = ""
		}
	} else if first[0] == '2' && multus(first, &r) {
		// its time has its zone: r.Time
	} else if (first[0] == '2' || first[0] == ' ') && fluentd(strings.TrimLeft(first, " "), &r) {
		// its time has its zone: r.Time (a backtrace's lines repeat the header, indented)
	} else if first[0] == '2' && felix(first, &r) {
		pu.SetDatedLocalTime(ev, r.Time) // its year, over a syslog frame's guess (containerd's journal relays the CNI plugin's)
		ev.Set(event.FieldProcessPID, event.Int(r.pid))
		ev.SetString(event.FieldOriginFile, r.file)
		ev.Set(event.FieldOriginLine, event.Int(r.line))
		r.Time = time.Time{}
	} else if cloudInit(first, &r) {
		ev.SetString(event.FieldOriginFile, r.file)
		r.file = ""
	} else if first[0] == 'l' && libfabric(first, &r) {
		ev.Set(event.FieldProcessPID, event.Int(r.pid))
	} else if first[0] == ':' && hipLog(first, &r) {
		ev.Set(event.FieldProcessPID, event.Int(r.pid))
		ev.SetString(event.FieldOriginFile, r.file)
		ev.Set(event.FieldOriginLine, event.Int(r.line))
		r.file = ""
	} else if first[0] == '[' && mindIELine(first, &r) {
		r.setWriter(ev)
		r.file = ""
	} else if (first[0] == '[' || first[0] == '2') && s3fsLine(first, &r) {
		ev.SetString(event.FieldOriginFile, r.file)
		ev.Set(event.FieldOriginLine, event.Int(r.line))
		ev.SetString(pu.FieldOriginFunc, r.fn)
		r.file, r.fn = "", ""
	} else if lv, m, ok := JuiceFSLine(ev, first); ok {
		r.Level, r.Msg = lv, m
	} else if first[0] == '%' && rdkafka(first, &r) {
		// its facility in log.fields, its client the logger
	} else if first[0] == 'A' && mpiAbort(first, &r) {
		// the rank's death, its MPI error stack under it
	} else if first[0] == '<' && networkManager(first, &r) {
		// its time is an epoch with a fraction: r.Time
	} else if (first[0] == '[' || first[0] == ' ') && hamiCore(strings.TrimLeft(first, " "), &r) { // (also indented, as a paste shows it)
		ds = DatasetHAMiCore
		if r.pid > 0 { // (not in the older error's location alone)
			ev.Set(event.FieldProcessPID, event.Int(r.pid))
			ev.Set(pu.FieldThread, event.Int(r.thread))
		}
		ev.SetString(event.FieldOriginFile, r.file)
		ev.Set(event.FieldOriginLine, event.Int(r.line))
		if r.Level == pu.Error && (strings.HasPrefix(r.Msg, "Device ") && strings.Contains(r.Msg, " OOM ") ||
			// the older library's words ("device OOM encountered: usage=... limit=..."), and the
			// driver's allocation that failed for memory (cuMemoryAllocate's res=2 is
			// CUDA_ERROR_OUT_OF_MEMORY)
			strings.HasPrefix(r.Msg, "device OOM encountered") || strings.HasSuffix(r.Msg, " failed res=2")) {
			ev.SetString(pu.FieldGPUErrorKind, "cuda_oom") // the allocation over the share, refused
		}
	} else if lv, m, ok := ggmlAbort(first); ok {
		// ggml's abort (llama.cpp, Ollama's runner): its backtrace under it, joined; ggml-cuda's
		// report of a failed call ends in the abort
		r.Level, r.Msg = lv, m
		if strings.Contains(rest, "GGML_ASSERT") || ggmlAborted(rest) {
			r.Level = pu.Critical
		}
		if GGMLBackendAbortLine(m) || strings.HasPrefix(m, "ggml_cuda_compute_forward: ") {
			// llama-server since 2025: the abort first, ggml-cuda's report of the call after it
			// (its log thread writes later than the abort's stderr): the report names the error
			for s := rest; s != ""; {
				var line string
				line, s, _ = strings.Cut(s, "\n")
				if GGMLCallError(line) {
					r.Msg = line
					break
				}
			}
		}
	} else if (first[0] == 'L' || first[0] == '[' || len(first) > 40 && first[3] == ' ' && first[7] == ' ') && blobfuse(ev, first, &r) {
		ev.SetString(event.FieldOriginFile, r.file)
		ev.Set(event.FieldOriginLine, event.Int(r.line))
	} else if first[0] == 'S' && SignalReport(first) {
		// a C++ server's signal handler (Triton's): the crash, its stack under it; SIGINT and
		// SIGTERM take its graceful handler (a pod's deletion, a rollout), which states no level
		r.Msg = first
		if first != "Signal (15) received." && first != "Signal (2) received." {
			r.Level = pu.Critical
		}
	} else if first[0] == 'h' && TokenizersFork(first) {
		// a notice the tokenizers library prints itself, "this warning" in its own words
		r.Level, r.Logger, r.Msg = pu.Warning, "huggingface/tokenizers", first[len("huggingface/tokenizers: "):]
		rest = "" // the two ways out under it: the message's
	} else if m, ok := strings.CutPrefix(first, "libibverbs: Warning: "); ok && m != "" {
		// rdma-core's verbs library (every NCCL pod over InfiniBand or RoCE): "libibverbs:
		// Warning: couldn't open config directory '/etc/libibverbs.d'.", its PFX and word
		r.Level, r.Logger, r.Msg = pu.Warning, "libibverbs", m
	} else if m, ok := strings.CutPrefix(first, "OpenBLAS WARNING - "); ok && m != "" {
		// OpenBLAS's own notice (numpy's and torch's BLAS on a CPU or ARM node: "OpenBLAS WARNING
		// - could not determine the L2 cache size on this system, assuming 256k")
		r.Level, r.Logger, r.Msg = pu.Warning, "OpenBLAS", m
	} else if first[0] == 'W' && BracketWarning(first) {
		// "WARNING[XFORMERS]: xFormers can't load C++/CUDA extensions. ...", what it was built
		// for indented under it
		tag, msg, _ := strings.Cut(first[len("WARNING["):], "]: ")
		r.Level, r.Logger, r.Msg = pu.Warning, tag, msg
		rest = ""
	} else if first[0] >= '0' && first[0] <= '2' && agentConsole(first, &r) {
		// the time of day only: the runtime's time stays
	} else if first[0] >= '0' && first[0] <= '9' && redis(first, &r) {
		ev.Set(event.FieldProcessPID, event.Int(r.pid))
	} else if first[0] >= '1' && first[0] <= '2' && postgres(first, &r) {
		if r.pid > 0 {
			ev.Set(event.FieldProcessPID, event.Int(r.pid))
		}
	} else if first[0] == '[' && spdlogFull(first, &r) {
		if r.file != "" {
			ev.SetString(event.FieldOriginFile, r.file)
			ev.Set(event.FieldOriginLine, event.Int(r.line))
			r.file = ""
		}
	} else if first[0] == '[' && ucmLine(first, &r) {
		// its time stands as other zone-less writers' do
		if r.file != "" {
			r.setWriter(ev)
			r.file = ""
		}
	} else if first[0] == '[' && synapseLog(first, &r) {
		ev.Set(pu.FieldThread, event.Int(r.thread))
	} else if first[0] == '[' && torchNPU(first, &r) {
		ev.Set(event.FieldProcessPID, event.Int(r.pid))
		ev.Set(pu.FieldThread, event.Int(r.thread))
	} else if first[0] == '[' && pingcap(first, &r) {
		ev.SetString(event.FieldOriginFile, r.file)
		ev.Set(event.FieldOriginLine, event.Int(r.line))
		if r.errMsg != "" && (r.Level == pu.Error || r.Level == pu.Critical || r.Level == pu.Warning) {
			ev.SetString(event.FieldErrorMsg, r.errMsg)
		}
		r.errMsg = ""
	} else if first[0] >= '0' && first[0] <= '9' && clockNameLevel(first, &r) {
		// its time of day: the runtime's date and time stay
	} else if first[0] >= '0' && first[0] <= '9' && llamaCpp(first, &r) || first[0] == '[' && llamaInstance(first, &r) {
		// llama.cpp's time since start is no time of day: the runtime's time stays
	} else if first[0] >= 'A' && first[0] <= 'Z' && llamaServerLog(first, &r) {
		ev.SetString(pu.FieldOriginFunc, r.file)
		r.file = ""
	} else if loc, e, ok := strings.Cut(first, ": ERROR: CUDA kernel "); ok && strings.Contains(e, " has no device code compatible with CUDA arch ") {
		// ggml-cuda's NO_DEVICE_CODE, printed from the GPU ("//ml/backend/ggml/ggml/src/ggml-cuda/
		// fattn-wmma-f16.cu:437: ERROR: CUDA kernel flash_attn_ext_f16 has no device code
		// compatible with CUDA arch 720. ..."): the build has no kernels for this GPU, the cause
		// of the launch failure that follows
		pu.SetOrigin(ev, strings.TrimLeft(loc, "/"))
		r.Level, r.Msg = pu.Error, "CUDA kernel "+e
		ev.SetString(pu.FieldGPUErrorKind, "cuda_error")
	} else if m, ok := strings.CutPrefix(first, "ggml_cuda_init: failed to initialize CUDA: "); ok && m != "" {
		// ggml-cuda finding no usable GPU (GGML_LOG_ERROR, llama.cpp's and Ollama's runner):
		// "ggml_cuda_init: failed to initialize CUDA: unknown error", then the model runs on
		// the CPU; CUDA's own words name the cause
		r.Level, r.Msg = pu.Error, first
		kind := "cuda_error"
		if strings.Contains(m, "no CUDA-capable device") {
			kind = pu.KindNoDevice
		}
		ev.SetString(pu.FieldGPUErrorKind, kind)
	} else if m, ok := strings.CutPrefix(first, "[AITER] "); ok && strings.Contains(m, " ---> [HIP error](") {
		// AITER's HIP check on ROCm ("[AITER] .../asm_fmha_fwd_v3_gfx942.cpp:141 fail to call
		// hipModuleLaunchKernel(...) ---> [HIP error](invalid resource handle)"): the kernel call
		// that failed, HIP's error
		r.Level, r.Logger, r.Msg = pu.Error, "aiter", m
		if loc, call, ok := strings.Cut(m, " "); ok && pu.SourceLocation(loc) {
			pu.SetOrigin(ev, loc[strings.LastIndexByte(loc, '/')+1:])
			r.Msg = call
		}
		ev.SetString(event.FieldErrorMsg, r.Msg)
		ev.SetString(pu.FieldGPUErrorKind, "cuda_error")
	} else if m, ok := strings.CutPrefix(first, "Call returned HSA_STATUS_ERROR"); ok && m != "" {
		// the ROCm runtime failing a call (rocminfo's, a HIP program's at start: "Call returned
		// HSA_STATUS_ERROR_OUT_OF_RESOURCES: The runtime failed to allocate the necessary
		// resources. ..."): the node's AMD GPUs cannot be opened
		r.Level, r.Msg = pu.Error, first
		ev.SetString(event.FieldErrorMsg, strings.TrimPrefix(first, "Call returned "))
	} else if m, ok := llamaLoadError(first); ok && rest == "" {
		// llama.cpp's model loader giving up (LLAMA_LOG_ERROR, in llama-server's and Ollama's
		// runner's plain output): "llama_model_load: error loading model: error loading model
		// architecture: unknown model architecture: 'smollm3'", then "llama_model_load_from_
		// file_impl: failed to load model"; an architecture this build does not know is the
		// cause an upgrade fixes
		r.Level, r.Msg = pu.Error, first
		ev.SetString(event.FieldErrorMsg, m)
		if strings.Contains(m, "unknown model architecture: ") {
			ev.SetString(pu.FieldGPUErrorKind, vllm.KindUnsupportedModel)
		} else if b, ok := strings.CutPrefix(m, "unable to allocate "); ok && strings.HasSuffix(b, " buffer") &&
			(strings.HasPrefix(b, "CUDA") || strings.HasPrefix(b, "ROCm") || strings.HasPrefix(b, "Vulkan")) {
			ev.SetString(pu.FieldGPUErrorKind, "cuda_oom") // "unable to allocate CUDA0 buffer": the GPU's memory
		}
	} else if m, ok := strings.CutPrefix(first, "ggml_vulkan: "); ok && (strings.HasSuffix(m, "ErrorOutOfDeviceMemory") || strings.HasPrefix(m, "Device memory allocation of size ") && strings.HasSuffix(m, " failed.")) {
		// ggml's Vulkan backend out of GPU memory ("ggml_vulkan: Device memory allocation of size
		// 369827840 failed.", "ggml_vulkan: vk::Device::allocateMemory: ErrorOutOfDeviceMemory"),
		// as ggml-cuda's cudaMalloc
		r.Level, r.Msg = pu.Error, first
		ev.SetString(event.FieldErrorMsg, m)
		ev.SetString(pu.FieldGPUErrorKind, "cuda_oom")
	} else if a, ok := glibcAssert(first); ok && rest == "" {
		// glibc's assert() failing in a C or C++ program, which aborts it ("llama-server:
		// /var/tmp/.../llama-sampler.cpp:1094: void llama_sampler_dist_apply(...): Assertion
		// `found' failed."): the process dies of it
		r.Level, r.Msg = pu.Critical, first
		ev.SetString(event.FieldErrorMsg, a)
	} else if strings.Contains(first, ": cudaMalloc failed: out of memory") && rest == "" {
		// ggml-cuda's allocation that failed, in llama.cpp's plain output, which states no level
		// ("ggml_backend_cuda_buffer_type_alloc_buffer: allocating 144817.04 MiB on device 0:
		// cudaMalloc failed: out of memory"): the kind names it, as on its prefixed form's
		ev.SetString(pu.FieldGPUErrorKind, "cuda_oom")
		r.Msg = first
	} else if f, ok := strings.CutPrefix(strings.TrimPrefix(first, " "), "FATAL  "); ok && len(f) > 0 && f[0] != ' ' {
		// Kibana's CLI on the error that kills the server (a failed saved-object migration, a
		// refused setting): " FATAL  Error: Unable to complete saved object migrations ..."
		// (its space a paste may trim); a message that ends in a colon goes on with the
		// tab-indented line under it ("Mapper for [x] conflicts with existing mapper:", then
		// "\tCannot update parameter [normalizer] from [null] to [lowercase],")
		r.Level, r.Msg = pu.Critical, strings.TrimPrefix(f, "Error: ")
		if next, _, _ := strings.Cut(rest, "\n"); strings.HasSuffix(r.Msg, ":") && strings.HasPrefix(next, "\t") {
			r.Msg += " " + strings.TrimRight(strings.TrimSpace(next), ",")
		}
	} else if first[0] != '[' {
		// "ERROR: Elasticsearch did not exit normally - check the logs at ...": a launcher
		// script's stated level. A GPU-stack container's such lines are nvidia_shell's.
		if !levelColon(first, &r) && !kmod(first, &r) && !argparseError(first, &r) && !pflagError(first, &r) && !slurmDebug(first, &r) && !nhc(first, &r) &&
			!gpuTestFailure(first, &r) && !slurmThreadID(first, &r, pu.Reference(ev)) || pu.GPUDataset(ev) != "" {
			return false
		}
		if r.Logger != "" && nvidiaModule(r.Msg) {
			ds = pu.DatasetDriver // the NVIDIA driver's module that did not load or unload
		}
		if r.host != "" {
			ev.SetString(event.FieldHostHostname, r.host)
		}
		if r.pid > 0 {
			ev.Set(event.FieldProcessPID, event.Int(r.pid))
		}
		if r.kind != "" {
			ev.SetString(pu.FieldGPUErrorKind, r.kind)
		}
		if strings.HasPrefix(r.Msg, "infoROM is corrupted at gpu ") {
			// nvidia-smi's warning of a GPU whose infoROM it cannot trust, in whatever pod ran it
			// (a user's check): the GPU's bus id, as in the GPU stack's containers
			if id := nvidia_xid.BusID(r.Msg); id != "" {
				ev.SetString(nvidia_xid.FieldPCIBusID, id)
			}
		}
		if name, _ := ev.GetString(event.FieldProcessName); r.slurm || pu.SlurmProgram(name) {
			ds = pu.DatasetSlurm // (a Slurm daemon's syslog line: the frame named it)
		}
		// the message wrapped under its text (the driver installer's) goes on
		for line := range strings.SplitSeq(rest, "\n") {
			if t := strings.TrimSpace(line); t != "" {
				r.Msg += " " + t
			}
		}
		rest = ""
	} else if first[0] == '[' && otelCpp(first, &r) {
		ev.SetString(event.FieldOriginFile, r.file)
		ev.Set(event.FieldOriginLine, event.Int(r.line))
		r.file = ""
	} else if first[0] == '[' && nhc(first, &r) {
		// its time is an epoch: r.Time
	} else if first[0] == '[' && openMPIError(first, &r) {
		ev.SetString(event.FieldHostHostname, r.file)
		ev.Set(event.FieldProcessPID, event.Int(r.pid))
		r.file = ""
	} else if first[0] == '[' && gunicorn(first, &r) {
		ev.Set(event.FieldProcessPID, event.Int(r.pid))
	} else if first[0] == '[' && celery(first, &r) {
		ev.SetString(event.FieldProcessName, r.file)
		r.file = ""
	} else if first[0] == '[' && tornado(first, &r) {
		ev.SetString(event.FieldOriginFile, r.file)
		ev.Set(event.FieldOriginLine, event.Int(r.line))
	} else if !Read(first, &r) {
		return false
	} else if r.origin != "" {
		ev.SetString(event.FieldOriginFile, r.origin)
		ev.Set(event.FieldOriginLine, event.Int(r.line))
		if r.pid > 0 {
			ev.Set(event.FieldProcessPID, event.Int(r.pid)) // CANN's plog
		}
	} else if r.Logger == "" {
		// a tracing subscriber's text under the level (mount-s3's syslog lines): its target
		if spans, target, msg, ok := tracing.Target(r.Msg); ok {
			r.Logger, r.Msg = target, msg
			if spans != "" {
				ev.SetString(tracing.FieldSpans, spans)
			}
		}
	}
	switch {
	case r.Time.IsZero():
	case r.Local:
		pu.SetLocalTime(ev, r.Time)
	default:
		pu.SetTime(ev, r.Time)
	}
	if r.Logger != "" {
		ev.SetString(event.FieldLogLogger, r.Logger)
	}
	if pid, m, ok := vllm.CANNPrefix(r.Msg); ok && r.Logger == "" {
		// torch_npu's CANN error on Ascend ("[ERROR] 2025-06-09-06:57:54 (PID:92380, Device:0,
		// RankID:-1) ERR99999 UNKNOWN applicaiton exception"): its code and text, the pid
		r.Msg = m
		ev.Set(event.FieldProcessPID, event.Int(pid))
	}
	ev.SetString(pu.FieldLogMessage, r.Msg)
	if lv, ok := llamaRequest(ev, r.Msg); ok {
		r.Level = lv // llama-server's, under its prefix: its status, not the prefix's I
	}
	for _, f := range r.fields {
		ev.SetString(pu.FieldLogFields+"."+f[0], f[1])
	}
	if r.node != "" {
		ev.SetString(FieldElasticsearchNode, r.node)
		if strings.HasPrefix(r.Logger, "o.e.") {
			ds = DatasetElasticsearch
		}
	}
	if (r.Logger == "TRT-LLM" || r.Logger == trtAutoDeploy) && ds == Dataset {
		// TensorRT-LLM's Python logger names its program in any container (trtllm-serve ships
		// in Triton's *-trtllm-python-py3 images, its container often named triton)
		ds = DatasetTRTLLM
	}
	if r.errType != "" {
		ev.SetString(event.FieldErrorType, r.errType)
	}
	if r.errMsg != "" {
		ev.SetString(event.FieldErrorMsg, r.errMsg)
	}
	if r.es && rest != "" && (r.Level == pu.Warning || r.Level == pu.Error || r.Level == pu.Critical) && !ev.Has(event.FieldErrorType) {
		// Elasticsearch's plain layout with the exception printed under the record (its
		// console at start: "uncaught exception in thread [main]", then
		// "org.elasticsearch.bootstrap.StartupException: ..." and its tab-indented frames): the
		// exception's class and message, as its JSON layout's stacktrace gives them
		first, _, _ := strings.Cut(rest, "\n")
		if typ, msg, ok := java.ExceptionLine(strings.TrimRight(first, " \r")); !ok && strings.HasPrefix(first, "\tat ") {
			// Elasticsearch 8's and 9's console, the exception on the record's line ("fatal
			// exception while booting Elasticsearch java.lang.IllegalArgumentException: unknown
			// setting [...]"), its frames under it
			for i := strings.IndexByte(r.Msg, ' '); i > 0 && !ev.Has(event.FieldErrorType); {
				if typ, msg, ok := java.ExceptionLine(r.Msg[i+1:]); ok && strings.IndexByte(typ, '.') > 0 {
					ev.SetString(event.FieldErrorType, typ)
					ev.SetString(event.FieldErrorMsg, msg)
					ev.SetString(event.FieldErrorStack, r.Msg[i+1:]+"\n"+strings.TrimRight(rest, "\n "))
				}
				j := strings.IndexByte(r.Msg[i+1:], ' ')
				if j < 0 {
					break
				}
				i += j + 1
			}
		} else if ok {
			ev.SetString(event.FieldErrorType, typ)
			if msg != "" {
				ev.SetString(event.FieldErrorMsg, msg)
			}
			ev.SetString(event.FieldErrorStack, strings.TrimRight(rest, "\n "))
		}
	}
	if r.es && rest != "" && strings.Contains(rest, "bootstrap check") && !ev.Has(event.FieldErrorMsg) {
		// "node validation exception" and the checks that failed under it: the checks are the
		// failure (vm.max_map_count too low)
		ev.SetString(event.FieldErrorMsg, r.Msg+"\n"+strings.TrimRight(rest, "\n "))
	}
	if (r.Level == pu.Error || r.Level == pu.Critical) && !ev.Has(event.FieldErrorMsg) {
		if strings.HasSuffix(r.Msg, "(") && rest != "" && rest[0] == ' ' && strings.Contains(rest, "\n)") {
			// a module's repr the message quotes over lines, the message going on after it
			// ("Error executing load_single_module with args (..., Linear(", its children, then
			// ")): CUDA out of memory. ..."): the message is all of it, no stack
			r.Msg, rest = r.Msg+"\n"+rest, ""
		}
		ev.SetString(event.FieldErrorMsg, r.Msg)
		if c, ok := strings.CutPrefix(r.Msg, "An error occurred ("); ok && len(c) > 4 && c[3] == ')' {
			// botocore's ClientError (the AWS CLI's "fatal error: An error occurred (403) when
			// calling the HeadObject operation: Forbidden"): the status S3 answered
			if code, ok := pu.Atoi(c[:3]); ok && code >= 100 {
				ev.Set(event.FieldHTTPStatus, event.Int(code))
			}
		}
		if k := vllm.Classify(r.Msg); vllm.AcceleratorKind(k) && !ev.Has(pu.FieldGPUErrorKind) {
			// TensorRT-LLM's CUDA out of memory, as vLLM's; a build without kernels for the GPU
			// ("no kernel image is available"); torch_npu's allocator's "NPU out of memory"
			ev.SetString(pu.FieldGPUErrorKind, vllm.WorkloadKind(k, r.Msg))
		}
		if strings.HasSuffix(r.Msg, vllm.TracebackHeader) && rest != "" {
			// "Internal server error:  Traceback (most recent call last):", the frames under it
			vllm.SetTraceback(ev, vllm.TracebackHeader+"\n"+rest)
		} else if strings.Contains(rest, vllm.TracebackHeader) {
			// the traceback logger.exception put under the record (gunicorn's "Exception in
			// worker process", a Celery task's failure): the exception that was raised
			vllm.SetTraceback(ev, rest)
		} else if rest != "" {
			ev.SetString(event.FieldErrorStack, rest) // TensorRT-LLM's native frames
		}
		if r.Logger == "UC" {
			// UCM formats vLLM's own records too ("EngineCore failed to start.", its traceback)
			if k := vllm.Classify(r.Msg + "\n" + rest); k != "" {
				ev.SetString(vllm.FieldErrorKind, k)
			}
		}
		if r.Logger == "TensorRT-LLM" && r.errType == "" {
			// a C++ exception's what() after its class: "tensorrt_llm::common::TllmException:
			// [TensorRT-LLM][ERROR] Assertion failed: ..."
			cls, what, ok := strings.Cut(r.Msg, ": [TensorRT-LLM][")
			if _, m, found := strings.Cut(what, "] "); ok && found && strings.Contains(cls, "::") && strings.IndexByte(cls, ' ') < 0 {
				ev.SetString(event.FieldErrorType, cls)
				ev.SetString(event.FieldErrorMsg, m)
			}
		}
	}
	pu.Finish(ev, pu.DatasetOr(ev, ds), r.Level)
	return true
}

// Line is what a tagged line says.
type Line struct {
	Time               time.Time
	Local              bool // Time is the writer's local time, without its zone
	Level, Logger, Msg string
	pid, line          int64 // Calico's, HAMi-core's
	thread             int64 // HAMi-core's
	file               string
	origin             string      // the source file Read found (kvcached's), with line
	fn                 string      // the function the line names (UCM's)
	fields             [][2]string // Logstash's pipeline and plugin, Fluentd's worker: log.fields
	errType, errMsg    string      // Fluentd's error_class= and error=
	node               string      // Elasticsearch's node name
	es                 bool        // Elasticsearch's (or OpenSearch's) plain layout
	host, kind         string      // a GPU test's host and failure class (nccl-tests')
	slurm              bool        // a Slurm program's line
}

// setWriter sets where the line was written, as the formats that name it all give it: the
// process and thread, the source file and line, the function when the format names one.
func (r *Line) setWriter(ev *event.Event) {
	ev.Set(event.FieldProcessPID, event.Int(r.pid))
	ev.Set(pu.FieldThread, event.Int(r.thread))
	ev.SetString(event.FieldOriginFile, r.file)
	ev.Set(event.FieldOriginLine, event.Int(r.line))
	if r.fn != "" {
		ev.SetString(pu.FieldOriginFunc, r.fn)
	}
}

// felix reads Calico's (felix, calico-node) "2024-03-15 00:46:36.131 [INFO][68]
// felix/int_dataplane.go 1837: msg": its time (no zone), level, pid, file and line.
func felix(s string, r *Line) bool {
	if len(s) < 40 || s[4] != '-' || s[10] != ' ' || s[23] != ' ' || s[24] != '[' {
		return false
	}
	t, n, ok := pu.RFC3339(s[:23])
	if !ok || n != 23 {
		return false
	}
	lvTag, rest, ok := next(s[24:])
	if !ok {
		return false
	}
	lv, ok := level(lvTag)
	if !ok {
		return false
	}
	pidTag, rest, ok := next(rest)
	pid, okPid := pu.Atoi(pidTag)
	if !ok || !okPid || !strings.HasPrefix(rest, " ") {
		return false
	}
	loc, msg, ok := strings.Cut(rest[1:], ": ")
	file, lineText, ok2 := strings.Cut(loc, " ")
	line, ok3 := pu.Atoi(lineText)
	if !ok || !ok2 || !ok3 || strings.IndexByte(file, '.') < 0 {
		return false
	}
	r.Time, r.Level, r.Msg, r.pid, r.file, r.line = t, lv, msg, pid, file, line
	return true
}

// closeTag cuts s, the rest of a bracketed tag, at the bracket that closes it: the tag's text and
// the message after it (none when the line ends with the tag).
func closeTag(s string) (tag, msg string, ok bool) {
	if tag, msg, ok = strings.Cut(s, "] "); ok {
		return tag, msg, true
	}
	tag, ok = strings.CutSuffix(s, "]")
	return tag, "", ok
}

// blobfuse reads blobfuse2's lines (the FUSE driver behind Azure Blob CSI volumes), in syslog
// "LOG_ERR [libfuse2_handler.go (178)]: Libfuse::initFuse : failed to mount fuse", the level
// (LOG_CRIT, but its start banner's is info, LOG_ERR, LOG_WARNING, LOG_INFO, LOG_TRACE, LOG_DEBUG), the
// source file and line; in its own log file after its time and process: "Tue Mar 14 14:49:09 GMT
// 2023 : blobfuse2[1429] : LOG_CRIT [mount.go (384)]: Starting Blobfuse2 Mount : 2.0.2 ...".
func blobfuse(ev *event.Event, s string, r *Line) bool {
	if mount, rest, ok := strings.Cut(s, "] LOG_"); ok && len(mount) > 2 && mount[0] == '[' && mount[1] == '/' &&
		strings.IndexByte(mount, ' ') < 0 {
		// since 2.4 the mount's path before the level: "[/mnt/models] LOG_ERR [file_cache.go
		// (1167)]: FileCache::ReadInBuffer : error [couldn't find fd in handle] ..."
		s = "LOG_" + rest
	}
	if !strings.HasPrefix(s, "LOG_") {
		// its own file: "<date> : blobfuse2[pid] : LOG_..."
		stamp, _, ok := strings.Cut(s[:min(len(s), 96)], " : ")
		t, err := time.Parse("Mon Jan _2 15:04:05 MST 2006", stamp)
		if !ok || err != nil {
			return false
		}
		proc, rest, ok := strings.Cut(s[len(stamp)+3:], " : ")
		name, pidText, found := strings.Cut(strings.TrimSuffix(proc, "]"), "[")
		pid, num := pu.Atoi(pidText)
		if !ok || !found || !num || !strings.HasPrefix(rest, "LOG_") || !blobfuse(ev, rest, r) {
			return false
		}
		ev.SetString(event.FieldProcessName, name)
		ev.Set(event.FieldProcessPID, event.Int(pid))
		r.Time = t
		return true
	}
	word, rest, ok := strings.Cut(s[len("LOG_"):], " [")
	loc, msg, found := strings.Cut(rest, ")]: ")
	if !found {
		loc, found = strings.CutSuffix(rest, ")]:")
	}
	file, lineText, sep := strings.Cut(loc, " (")
	line, num := pu.Atoi(lineText)
	if !ok || !found || !sep || !num || strings.IndexByte(file, '.') <= 0 {
		return false
	}
	switch word {
	case "CRIT":
		r.Level = pu.Critical
		if strings.HasPrefix(msg, "Starting Blobfuse2 Mount") || strings.HasPrefix(msg, "Logging level set to") {
			r.Level = pu.Info // its banner, at CRIT so that every level prints it
		}
	case "ERR":
		r.Level = pu.Error
	case "WARNING":
		r.Level = pu.Warning
	case "INFO":
		r.Level = pu.Info
	case "TRACE", "DEBUG":
		r.Level = pu.Debug
	default:
		return false
	}
	r.Msg, r.file, r.line = msg, file, line
	return true
}

// gunicorn reads gunicorn's error log (glogging's default: "[%Y-%m-%d %H:%M:%S %z] [pid]
// [LEVEL] message"), which uvicorn's workers under it and hypercorn write too, in the pods of
// the APIs and RAG services in front of vLLM: "[2024-01-09 13:24:39 +0000] [1637] [CRITICAL]
// WORKER TIMEOUT (pid:7214)", "[2024-11-05 09:26:00 +0000] [16] [ERROR] Worker (pid:17) was sent
// SIGKILL! Perhaps out of memory?". The time has its zone.
func gunicorn(s string, r *Line) bool {
	if len(s) < 40 || s[5] != '-' || s[11] != ' ' || s[20] != ' ' || s[26] != ']' || s[27] != ' ' {
		return false
	}
	t, err := time.Parse("2006-01-02 15:04:05 -0700", s[1:26])
	if err != nil {
		return false
	}
	pidTag, rest, ok := next(s[28:])
	pid, num := pu.Atoi(pidTag)
	if !ok || !num || !strings.HasPrefix(rest, " ") {
		return false
	}
	lvTag, rest, ok := next(rest[1:])
	lv, known := level(lvTag)
	if !ok || !known || !strings.HasPrefix(rest, " ") {
		return false
	}
	r.Time, r.Level, r.pid, r.Msg = t, lv, pid, rest[1:]
	return true
}

// celery reads the lines of Celery's workers (the default worker_log_format, "[%(asctime)s:
// %(levelname)s/%(processName)s] %(message)s"), the task queues beside LLM services: "[2024-08-30
// 14:24:33,351: ERROR/MainProcess] Process 'ForkPoolWorker-8' pid:16 exited with 'signal 9
// (SIGKILL)'". The time is the worker's local time; the process name goes to process.name.
func celery(s string, r *Line) bool {
	if len(s) < 36 || s[5] != '-' || s[11] != ' ' || s[20] != ',' || s[24] != ':' || s[25] != ' ' {
		return false
	}
	t, err := time.Parse("2006-01-02 15:04:05,000", s[1:24])
	if err != nil {
		return false
	}
	head, msg, ok := closeTag(s[26:])
	lvText, proc, found := strings.Cut(head, "/")
	lv, known := level(lvText)
	if !ok || !found || !known || proc == "" || strings.ContainsAny(proc, " []") {
		return false
	}
	r.Time, r.Local, r.Level, r.file, r.Msg = t, true, lv, proc, msg
	return true
}

// tornado reads the layout of tornado's LogFormatter, which KFServing's and early KServe's
// storage initializer (the init container that downloads the model) and model servers log with:
// "[I 200528 13:20:57 storage:35] Copying contents of s3://kubeflow/flowers to local", the
// level's letter, the writer's local time (%y%m%d %H:%M:%S), the module and line.
func tornado(s string, r *Line) bool {
	if len(s) < 26 || s[2] != ' ' || s[9] != ' ' || s[12] != ':' || s[15] != ':' || s[18] != ' ' {
		return false
	}
	lv, ok := pu.Level(s[1:2]) // D, I, W, E, C
	if !ok || s[1] < 'A' || s[1] > 'Z' {
		return false
	}
	t, err := time.Parse("060102 15:04:05", s[3:18])
	if err != nil {
		return false
	}
	loc, msg, ok := closeTag(s[19:])
	module, lineText, found := strings.Cut(loc, ":")
	line, num := pu.Atoi(lineText)
	if !ok || !found || !num || module == "" || strings.IndexByte(module, ' ') >= 0 {
		return false
	}
	r.Time, r.Local, r.Level, r.Msg, r.file, r.line = t, true, lv, msg, module, line
	return true
}

// hamiCore reads the lines of HAMi-core (libvgpu.so, which HAMi and Volcano's vGPU device plugin
// put into every container that shares a GPU, to hold it to its share of memory and compute):
// "[HAMI-core Msg(30:140387636202368:libvgpu.c:836)]: Initializing.....", the level (Debug,
// Info, Warn, Msg: its banner, info), then pid, thread, file and line; its errors, always
// printed, "[HAMI-core ERROR (pid:30 thread=140382094939712 allocator.c:53)]: Device 0 OOM
// 3171158016 / 3145728000" (the container hit its share of GPU memory: the CUDA out of memory
// the workload reports next).
func hamiCore(s string, r *Line) bool {
	t, ok := strings.CutPrefix(s, "[HAMI-core ")
	if !ok {
		t, ok = strings.CutPrefix(s, "[HAMi-core ") // (a build that spells the project's name)
	}
	logger := "HAMI-core"
	if !ok {
		// the same library's tag before the project was named HAMi (k8s-vgpu-scheduler's
		// images): "[4pdvGPU Warn(28:140476096096064:util.c:135)]: NVML error at line 135: 1"
		if t, ok = strings.CutPrefix(s, "[4pdvGPU "); !ok {
			return false
		}
		logger = "4pdvGPU"
	}
	head, msg, ok := strings.Cut(t, ")]: ")
	if !ok {
		head, ok = strings.CutSuffix(t, ")]:")
	}
	open := strings.IndexByte(head, '(')
	if !ok || open <= 0 {
		return false
	}
	var pid, thread, loc string
	if w := strings.TrimSpace(head[:open]); w == "ERROR" {
		// "pid:30 thread=140382094939712 allocator.c:53"
		r.Level = pu.Error
		f := strings.Fields(head[open+1:])
		switch len(f) {
		case 3:
			pid, _ = strings.CutPrefix(f[0], "pid:")
			thread, _ = strings.CutPrefix(f[1], "thread=")
			loc = f[2]
		case 1:
			// older builds' "[HAMI-core ERROR (utils.c:160)]: host pid is error!": the
			// location alone
			pid, thread, loc = "0", "0", f[0]
		default:
			return false
		}
	} else {
		switch w {
		case "Debug":
			r.Level = pu.Debug
		case "Info", "Msg":
			r.Level = pu.Info
		case "Warn":
			r.Level = pu.Warning
		default:
			return false
		}
		// "30:140387636202368:libvgpu.c:836"
		var rest string
		pid, rest, _ = strings.Cut(head[open+1:], ":")
		thread, loc, _ = strings.Cut(rest, ":")
	}
	file, lineText, _ := strings.Cut(loc, ":")
	var okPid, okThread, okLine bool
	r.pid, okPid = pu.Atoi(pid)
	r.thread, okThread = pu.Atoi(thread)
	r.line, okLine = pu.Atoi(lineText)
	if !okPid || !okThread || !okLine || strings.IndexByte(file, '.') <= 0 {
		return false
	}
	r.file, r.Logger, r.Msg = file, logger, msg
	return true
}

// ggmlAborted reports whether rest, the lines under a ggml report's first, holds the abort
// after ggml-cuda's report ("...ggml-cuda.cu:75: CUDA error").
func ggmlAborted(rest string) bool {
	for s := rest; s != ""; {
		var line string
		line, s, _ = strings.Cut(s, "\n")
		if GGMLBackendAbortLine(line) {
			return true
		}
	}
	return false
}

// MPIAbortStart reports whether s is MPICH's report of a rank it aborts (mpiAbort), whose error
// stack the parse processor joins under it.
func MPIAbortStart(s string) bool {
	var r Line
	return mpiAbort(s, &r)
}

// mpiAbort reads MPICH's (and Intel MPI's) report of a rank it aborts: "Abort(1091215) on node 5
// (rank 5 in comm 0): Fatal error in PMPI_Init: Other MPI error, error stack:", then the stack's
// "MPIR_Init_thread(138)........:" lines. The rank is gone and the job with it: critical, the
// error what follows "Fatal error in ".
func mpiAbort(s string, r *Line) bool {
	code, rest, ok := strings.Cut(s, ") on node ")
	if !ok || !strings.HasPrefix(code, "Abort(") || !pu.AllDigits(code[len("Abort("):]) {
		return false
	}
	_, what, ok := strings.Cut(rest, ": Fatal error in ")
	if !ok || what == "" {
		return false
	}
	r.Level, r.Logger, r.Msg, r.errMsg = pu.Critical, "mpi", s, strings.TrimSuffix(strings.TrimSuffix(what, ", error stack:"), ":")
	return true
}

// rdkafka reads librdkafka's log line, as a Kafka client built on it writes it by default (the
// Python, .NET and Go confluent clients, snuba's consumers): "%3|1685762390.999|FAIL|rdkafka#
// consumer-1| [thrd:GroupCoordinator]: GroupCoordinator: 127.0.0.1:9092: Connect to ... failed:
// Connection refused", the syslog severity, the time since the epoch, the facility, the client.
func rdkafka(s string, r *Line) bool {
	if len(s) < 20 || s[0] != '%' || s[2] != '|' || s[1] < '0' || s[1] > '7' {
		return false
	}
	stamp, rest, ok := strings.Cut(s[3:], "|")
	if !ok || len(stamp) < 10 || strings.Trim(stamp, "0123456789.") != "" {
		return false
	}
	fac, rest, ok := strings.Cut(rest, "|")
	if !ok || fac == "" || strings.ToUpper(fac) != fac || strings.IndexByte(fac, ' ') >= 0 {
		return false
	}
	client, msg, ok := strings.Cut(rest, "| ")
	if !ok || client == "" || strings.IndexByte(client, ' ') >= 0 {
		return false
	}
	if end := strings.Index(msg, "]: "); strings.HasPrefix(msg, "[thrd:") && end > 0 {
		msg = msg[end+3:]
	}
	sec, frac, _ := strings.Cut(stamp, ".")
	n, ok := pu.Atoi(sec)
	if !ok || msg == "" {
		return false
	}
	ns, _ := pu.Atoi((frac + "000000000")[:9])
	r.Time = time.Unix(n, ns).UTC()
	r.Level = [...]string{pu.Critical, pu.Critical, pu.Critical, pu.Error, pu.Warning, pu.Info, pu.Info, pu.Debug}[s[1]-'0']
	r.Logger, r.Msg = client, msg
	r.fields = append(r.fields, [2]string{"facility", fac})
	return true
}

// Read reads a tagged line's tags into r.
func Read(s string, r *Line) bool {
	tag, rest, ok := next(s)
	if !ok {
		return false
	}
	if haproxyLine(tag, rest, r) {
		return true
	}
	if w, who, ok := strings.Cut(tag, " "); ok && strings.HasPrefix(strings.TrimLeft(who, " "), "tini (") && strings.HasSuffix(who, ")") {
		// tini, the init process of many images (docker run --init): "[FATAL tini (7)] exec
		// /app/entrypoint.sh failed: No such file or directory" (the container's only words
		// when its entrypoint cannot start), "[WARN  tini (7)] Tini is not running as PID 1 ..."
		if lv, known := level(w); known {
			pid, _ := pu.Atoi(strings.TrimSuffix(strings.TrimPrefix(strings.TrimLeft(who, " "), "tini ("), ")"))
			r.Level, r.Logger, r.Msg, r.pid = lv, "tini", strings.TrimPrefix(rest, " "), pid
			return true
		}
	}
	if w, check, ok := strings.Cut(tag, " "); ok && (w == "ERROR" || w == "WARNING") && check != "" &&
		strings.IndexByte(check, ' ') < 0 && strings.HasPrefix(rest, ": ") {
		// kubeadm's preflight checks: "[ERROR ImagePull]: failed to pull image ...",
		// "[WARNING Swap]: swap is supported for cgroup v2 only ..."
		r.Level, _ = level(w)
		r.Logger, r.Msg = check, rest[2:]
		return true
	}
	lv, ok := level(tag)
	if !ok {
		// spdlog's level name in a "[%l] %v" pattern (vineyard's client in a vLLM pod: "[info]
		// Connection to RPC socket failed ...")
		lv, ok = spdlogLevels[tag]
	}
	if !ok && tag == "EVENT" && strings.Contains(rest[:min(len(rest), 48)], "):20") {
		// CANN's plog's event level (its profiling's and TDT's progress: "[EVENT]
		// PROFILING(946748,main):2025-05-19-15:59:07.740.922 [msprof_callback_impl.cpp:79] ..."),
		// logged whatever the level set: info
		lv, ok = pu.Info, true
	}
	if ok {
		// CoreDNS: "[ERROR] plugin/errors: ..."; a colon after the tag too (verl's "[WARNING]:
		// ...")
		r.Level = lv
		rest = strings.TrimPrefix(rest, ":")
		if !strings.HasPrefix(rest, " ") || len(rest) < 2 {
			return false
		}
		r.Msg = rest[1:]
		if name, _, ok := strings.Cut(r.Msg, ": "); ok && strings.HasPrefix(name, "plugin/") && strings.IndexByte(name, ' ') < 0 {
			r.Logger = name
		}
		levelAsctime(r)
		cannPlog(r)
		return true
	}
	if len(tag) == 19 && tag[2] == '/' && tag[5] == '/' && tag[10] == '-' {
		return trtLogger(tag, rest, r)
	}
	if len(tag) > 24 && tag[4] == '-' && tag[10] == 'T' && envLogger(tag, rest, r) {
		return true
	}
	if len(tag) >= 19 && tag[4] == '/' && tag[7] == '/' && tag[10] == ' ' {
		return fluentBit(tag, rest, r) // (Fluent Bit 5 stamps milliseconds too)
	}
	if t, n, ok := pu.RFC3339(tag); ok && n == len(tag) {
		// Kibana's "[date][LEVEL][logger] message" (its time zoned), Logstash's (its ISO8601
		// time with a comma, no zone)
		if zoned := pu.Zoned(tag); zoned || strings.IndexByte(tag, ',') > 0 {
			return dateLevelLogger(t, !zoned, rest, r)
		}
	}
	// TensorRT-LLM: "[TensorRT-LLM][ERROR] message"
	if tag == "" || strings.IndexByte(tag, ' ') >= 0 || len(tag) > 32 {
		return false
	}
	lvTag, rest, ok := next(rest)
	if !ok {
		return false
	}
	if lv, ok = level(lvTag); !ok {
		return false
	}
	if stamp, after, isTag := next(rest); isTag {
		// kvcached's "[kvcached][WARNING][2025-10-12 21:14:09][interfaces.py:84] msg": its time
		// without a zone, and where the record was logged
		if t, n, isTime := pu.RFC3339(stamp); isTime && n == len(stamp) {
			r.Time, r.Local, rest = t, true, after
		}
		if loc, after, isTag := next(rest); isTag && strings.HasPrefix(after, " ") {
			file, ln, found := strings.Cut(loc, ":")
			if n, num := pu.Atoi(ln); found && num && strings.HasSuffix(file, ".py") {
				r.origin, r.line, rest = file, n, after
			}
		}
	}
	if !strings.HasPrefix(rest, " ") {
		return false
	}
	r.Level, r.Logger, r.Msg = lv, tag, rest[1:]
	return true
}

// spdlogLevels are spdlog's level names (its default "[%l]").
var spdlogLevels = map[string]string{"trace": pu.Debug, "debug": pu.Debug, "info": pu.Info, "warning": pu.Warning,
	"error": pu.Error, "critical": pu.Critical}

// levelAsctime reads Python's asctime and the module after a level tag, in r.Msg:
// torch.distributed.elastic's "[%(levelname)s] %(asctime)s %(module)s: %(message)s" before torch
// 1.11 ("[INFO] 2021-12-08 12:28:26,050 run: Using nproc_per_node=auto."), the writer's local time.
func levelAsctime(r *Line) {
	m := r.Msg
	if len(m) < 25 || m[4] != '-' || m[10] != ' ' || m[19] != ',' {
		return
	}
	t, n, ok := pu.RFC3339(m)
	if !ok || n >= len(m) || m[n] != ' ' || pu.Zoned(m[:n]) {
		return
	}
	r.Time, r.Local, r.Msg = t, true, m[n+1:]
	name, msg, ok := strings.Cut(r.Msg, ": ")
	if !ok || name == "" || len(name) > 48 {
		return
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.') {
			return
		}
	}
	r.Logger, r.Msg = name, msg
}

// cannPlog reads the rest of a line of CANN's process log on Ascend NPUs (plog, the log of HCCL,
// the runtime and the other modules under a vLLM worker): "[ERROR] HCCL(60570,python3):2025-12-04-
// 14:46:07.911.312 [hccl_socket.cc:106] [60570][HcclSocket][Listen] socket type[0], listen on
// ... fail.": the module as the logger, the pid, the local time to the microsecond, the source
// file and line.
func cannPlog(r *Line) {
	m := r.Msg
	open := strings.IndexByte(m[:min(len(m), 24)], '(')
	if open < 2 {
		return
	}
	ctx, rest, ok := strings.Cut(m[open+1:], "):")
	if !ok || len(rest) < 32 || rest[10] != '-' || rest[19] != '.' || rest[23] != '.' || rest[27] != ' ' || rest[28] != '[' {
		return
	}
	pid, _, _ := strings.Cut(ctx, ",")
	n, isNum := pu.Atoi(pid)
	// "2025-12-04-14:46:07.911.312": the date, a hyphen, the time, milliseconds, microseconds
	t, err := time.Parse("2006-01-02-15:04:05.000", rest[:23])
	us, usOK := pu.Atoi(rest[24:27])
	loc, msg, locOK := strings.Cut(rest[29:], "]") // (HCCP's without a space after it: "[rs_socket.c:2930]tid:60570,...")
	msg = strings.TrimPrefix(msg, " ")
	if !isNum || err != nil || !usOK || !locOK {
		return
	}
	file, line, ok := pu.FileLine(loc)
	if !ok || strings.IndexByte(file, ' ') >= 0 {
		return
	}
	r.Logger, r.pid, r.Time, r.Local = m[:open], n, t.Add(time.Duration(us)*time.Microsecond), true
	r.origin, r.line, r.Msg = file, line, msg
}

// envLogger reads the layout of Rust's env_logger ("[%Y-%m-%dT%H:%M:%SZ LEVEL target] message",
// Qdrant before 1.6 and other Rust services): the time with its zone, the level padded to five,
// the target (a module path) as the logger.
func envLogger(tag, rest string, r *Line) bool {
	stamp, after, ok := strings.Cut(tag, " ")
	t, n, okT := pu.RFC3339(stamp)
	if !ok || !okT || n != len(stamp) || !pu.Zoned(stamp) || !strings.HasPrefix(rest, " ") {
		return false
	}
	w, target, ok := strings.Cut(after, " ")
	lv, known := level(w)
	target = strings.TrimLeft(target, " ")
	if !ok || !known || target == "" || strings.IndexByte(target, ' ') >= 0 {
		return false
	}
	r.Time, r.Level, r.Logger, r.Msg = t, lv, target, rest[1:]
	return true
}

// EnvLoggerError reports whether s is env_logger's error line ("[2023-09-21T10:17:59.228Z ERROR
// qdrant::startup] Panic backtrace: "), which the backtrace it reports may follow, indented.
func EnvLoggerError(s string) bool {
	if len(s) < 30 || s[0] != '[' || s[5] != '-' || s[11] != 'T' {
		return false
	}
	sp := strings.IndexByte(s[:min(len(s), 40)], ' ')
	return sp > 0 && strings.HasPrefix(s[sp:], " ERROR ")
}

// clockNameLevel reads winston's layout as configurable-http-proxy writes it (JupyterHub's
// proxy): "18:11:11.231 [ConfigProxy] error: 503 GET /hub/user/mc/api/terminals socket hang up",
// a time of day, the logger in brackets, the level in lower case.
func clockNameLevel(s string, r *Line) bool {
	_, _, _, _, n, ok := pu.Clock(s)
	if !ok || n+4 > len(s) || s[n] != ' ' || s[n+1] != '[' {
		return false
	}
	name, rest, ok := strings.Cut(s[n+2:], "] ")
	if !ok || name == "" || strings.IndexByte(name, ' ') >= 0 {
		return false
	}
	w, msg, ok := strings.Cut(rest, ": ")
	if !ok {
		return false
	}
	switch w {
	case "debug", "info", "warn", "error":
	default:
		return false
	}
	r.Level, _ = pu.Level(w)
	r.Logger, r.Msg = name, msg
	return true
}

// fluentBit reads Fluent Bit's own lines (src/flb_log.c): "[2024/04/23 09:22:48] [ warn]
// [engine] failed to flush chunk ...": the writer's local time, the level in lower case padded to
// five, the component ("engine", "output:es:es.0", "filter:kubernetes:kubernetes.0") as the logger.
func fluentBit(stamp, rest string, r *Line) bool {
	t, n, ok := pu.StdLog(stamp)
	if !ok || n != len(stamp) || !strings.HasPrefix(rest, " [") {
		return false
	}
	lvTag, rest, ok := next(rest[1:])
	if !ok {
		return false
	}
	if lvTag == "engine" && strings.HasPrefix(rest, " caught signal (") {
		// its crash handler before it dumps its stack and dies: "[engine] caught signal (SIGSEGV)"
		r.Time, r.Local, r.Level, r.Logger, r.Msg = t, true, pu.Critical, lvTag, rest[1:]
		return true
	}
	if r.Level = pu.LowerLevel(strings.TrimLeft(lvTag, " ")); r.Level == "" {
		return false
	}
	if comp, after, ok := next(strings.TrimPrefix(rest, " ")); ok && len(comp) <= 64 && comp != "" && comp[0] != ' ' {
		r.Logger, rest = comp, after // "[output:es:es.1]", "[out flush]"
	}
	r.Time, r.Local, r.Msg = t, true, strings.TrimPrefix(rest, " ")
	return true
}

// ConsoleRecord reads a line in the "[date][LEVEL][logger] message" layouts (Kibana's console
// layout, Logstash's default one) as this parser does, for a parser of what such a record's
// message holds (the nodejs parser's JavaScript error, its stack under it); stamp is the time as
// written.
func ConsoleRecord(s string) (r Line, stamp string, ok bool) {
	tag, rest, ok := next(s)
	if !ok {
		return Line{}, "", false
	}
	t, n, ok := pu.RFC3339(tag)
	if !ok || n != len(tag) {
		return Line{}, "", false
	}
	zoned := pu.Zoned(tag)
	if !zoned && strings.IndexByte(tag, ',') < 0 || !dateLevelLogger(t, !zoned, rest, &r) {
		return Line{}, "", false
	}
	return r, tag, true
}

// dateLevelLogger reads what follows the time of "[date][LEVEL][logger] message": Kibana's
// console layout, and Logstash's default layout (config/log4j2.properties:
// "[%d{ISO8601}][%-5p][%-25c]%notEmpty{[%X{pipeline.id}]}%notEmpty{[%X{plugin.id}]} %m"):
// "[2024-06-21T22:16:00,584][WARN ][logstash.outputs.elasticsearch][main] Could not index event
// ...", whose time has no zone (local), whose level and logger are padded, and whose pipeline and
// plugin ids go to log.fields.
func dateLevelLogger(t time.Time, local bool, rest string, r *Line) bool {
	lvTag, rest, ok := next(rest)
	if !ok {
		return false
	}
	lv, ok := level(strings.TrimRight(lvTag, " "))
	if !ok {
		return false
	}
	logger, rest, ok := next(rest)
	if logger = strings.TrimRight(logger, " "); !ok || logger == "" || strings.IndexByte(logger, ' ') >= 0 {
		return false
	}
	for _, key := range [...]string{"pipeline_id", "plugin_id"} {
		end := strings.IndexByte(rest[:min(len(rest), 160)], ']') // a plugin's id is a 64-digit hash or a name
		if len(rest) < 3 || rest[0] != '[' || end < 2 || strings.IndexByte(rest[1:end], ' ') >= 0 {
			break
		}
		r.fields = append(r.fields, [2]string{key, rest[1:end]})
		rest = rest[end+1:]
	}
	if !strings.HasPrefix(rest, " ") {
		return false
	}
	r.Time, r.Local, r.Level, r.Logger, r.Msg = t, local, lv, logger, rest[1:]
	if strings.HasPrefix(logger, "o.e.") || strings.HasPrefix(logger, "o.o.") || logger == "r.suppressed" {
		// (r.suppressed: where Elasticsearch 5 to 8 log a failed REST call, its exception under it)
		// Elasticsearch's (and OpenSearch's) plain layout names the node next:
		// "[%d{ISO8601}][%-5p][%-25c{1.}] [%node_name]%marker %m"
		r.es = true
		if node, msg, ok := next(r.Msg); ok && node != "" && strings.IndexByte(node, ' ') < 0 && strings.HasPrefix(msg, " ") {
			r.node, r.Msg = node, msg[1:]
		} else if m, ok := strings.CutPrefix(r.Msg, "[] "); ok {
			r.Msg = m // a node not named yet (Elasticsearch 5 at start)
		}
	}
	return true
}

// rayJobFailed reads Ray's job CLI's "Job 'raysubmit_zU9BFLQ4RxXdxY6j' failed" and returns the job.
func rayJobFailed(s string) (id string, ok bool) {
	rest, ok := strings.CutPrefix(s, "Job '")
	if !ok {
		return "", false
	}
	id, tail, ok := strings.Cut(rest, "' failed")
	if !ok || id == "" || strings.ContainsAny(id, " '") || strings.TrimSpace(tail) != "" {
		return "", false
	}
	return id, true
}

// haproxyLine reads HAProxy's own messages on its stderr: "[ALERT]    (168045) : config : Fatal
// errors found in configuration.", its level padded to ten, its pid, then what it is about
// (the logger) and the message. ALERT is what stops it (a configuration it cannot load).
func haproxyLine(tag, rest string, r *Line) bool {
	var lv string
	switch tag {
	case "ALERT", "EMERG":
		lv = pu.Error
	case "WARNING":
		lv = pu.Warning
	case "NOTICE":
		lv = pu.Info
	default:
		return false
	}
	t := strings.TrimLeft(rest, " ")
	if len(t) < 6 || t[0] != '(' {
		return false
	}
	pidText, after, ok := strings.Cut(t[1:], ") : ")
	pid, isNum := pu.Atoi(pidText)
	if !ok || !isNum {
		return false
	}
	r.Level, r.pid, r.Msg = lv, pid, after
	if section, msg, ok := strings.Cut(after, " : "); ok && section != "" && strings.IndexByte(section, ' ') < 0 {
		r.Logger, r.Msg = section, msg
	}
	return true
}

// fluentd reads Fluentd's own lines: "2022-01-26 20:11:14 +0100 [warn]: #0 failed to flush the
// buffer. retry_times=1 ... error_class=Fluent::Plugin::ForwardOutput::NoNodesAvailable error="no
// nodes are available"": the time with its zone, the level in lower case, the worker ("#0"), the
// message; error_class= and error= name the failure.
func fluentd(s string, r *Line) bool {
	_, n, ok := pu.RFC3339(s)
	if !ok || n != 19 || len(s) < 30 || s[19] != ' ' || (s[20] != '+' && s[20] != '-') {
		return false
	}
	z, _, ok := pu.RFC3339(s[:19] + s[20:25]) // the zone after a space: "+0100"
	if !ok {
		return false
	}
	rest := s[25:]
	if !strings.HasPrefix(rest, " [") {
		return false
	}
	end := strings.Index(rest, "]: ")
	if end < 0 || end > 10 {
		return false
	}
	if r.Level = pu.LowerLevel(rest[2:end]); r.Level == "" {
		return false
	}
	msg := rest[end+3:]
	if w, after, ok := strings.Cut(msg, " "); ok && len(w) > 1 && w[0] == '#' {
		if _, isNum := pu.Atoi(w[1:]); isNum {
			r.fields = append(r.fields, [2]string{"worker", w[1:]})
			msg = after
		}
	}
	if id, after, ok := next(msg); ok && id != "" && strings.IndexByte(id, ' ') < 0 && strings.HasPrefix(after, " ") {
		r.Logger, msg = id, after[1:] // the plugin's @id: "[elasticsearch] failed to flush the buffer."
	}
	if i := strings.Index(msg, " error_class="); i > 0 {
		cls, after, _ := strings.Cut(msg[i+len(" error_class="):], " ")
		r.errType = cls
		if e, ok := strings.CutPrefix(after, `error="`); ok {
			// Ruby's inspect: the quotes inside escaped ("({:host=>\"log-store\", ...})")
			for j := 0; j < len(e); j++ {
				if e[j] == '\\' {
					j++
				} else if e[j] == '"' {
					r.errMsg = strings.ReplaceAll(strings.ReplaceAll(e[:j], `\"`, `"`), `\\`, `\`)
					break
				}
			}
		}
	}
	r.Time, r.Msg = z, msg
	return true
}

// spdlogFull reads spdlog's default pattern (%+, "[%Y-%m-%d %H:%M:%S.%e] [%n] [%l] [%s:%#] %v":
// InfiniStore's, a KV store beside vLLM: "[2024-12-17 21:44:02.229] [infini] [error]
// [libinfinistore.cpp:496] Failed to exchange connection information, return code: -1"): the
// writer's local time to the millisecond, the logger's name when it has one, the level, the source
// location when the program logs with spdlog's macros.
func spdlogFull(s string, r *Line) bool {
	if len(s) < 34 || s[5] != '-' || s[11] != ' ' || s[14] != ':' || s[20] != '.' || s[24] != ']' || s[25] != ' ' || s[26] != '[' {
		return false
	}
	t, err := time.Parse("2006-01-02 15:04:05.000", s[1:24])
	if err != nil {
		return false
	}
	tag, rest, ok := closeTag(s[27:])
	lv, isLevel := spdlogLevels[tag]
	logger := ""
	if !isLevel {
		// the logger's name, then the level
		if !ok || tag == "" || len(tag) > 64 || !strings.HasPrefix(rest, "[") {
			return false
		}
		logger = tag
		tag, rest, ok = closeTag(rest[1:])
		if lv, isLevel = spdlogLevels[tag]; !isLevel {
			return false
		}
	}
	if !ok {
		return false
	}
	if strings.HasPrefix(rest, "[") {
		if loc, msg, ok := closeTag(rest[1:]); ok {
			file, lineText, found := strings.Cut(loc, ":")
			if n, isNum := pu.Atoi(lineText); found && isNum && strings.IndexByte(file, '.') > 0 && !strings.ContainsAny(file, " ") {
				r.file, r.line, rest = file, n, msg
			}
		}
	}
	r.Time, r.Local, r.Level, r.Logger, r.Msg = t, true, lv, logger, rest
	return true
}

// ucmLine reads the lines of UCM (unified-cache-management, vllm-ascend's KV cache connector),
// its loggers' and, with its patch on, vLLM's own records: "[2026-04-21 08:54:39.994223][UC][E]
// EngineCore failed to start.", the writer's local time to the microsecond, "UC", the level's
// letter (spdlog's short levels: T, D, I, W, E, C).
func ucmLine(s string, r *Line) bool {
	if len(s) < 34 || s[5] != '-' || s[11] != ' ' || s[14] != ':' || s[20] != '.' {
		return false
	}
	end := strings.IndexByte(s[:min(len(s), 32)], ']')
	if end < 22 || !strings.HasPrefix(s[end:], "][UC][") || len(s) < end+9 || s[end+7] != ']' {
		return false
	}
	t, err := time.Parse("2006-01-02 15:04:05.999999999", s[1:end])
	if err != nil {
		return false
	}
	lv := spdlogShortLevels[s[end+6]]
	if lv == "" {
		return false
	}
	r.Time, r.Local, r.Level, r.Logger, r.Msg = t, true, lv, "UC", strings.TrimPrefix(s[end+8:], " ")
	ucmTrailer(r)
	return true
}

// ucmTrailer takes the writer's place off a UCM line's end, spdlog's "[%P,%t][%s:%#,%!]":
// " [416204,434190][multiproc_executor.py:295,monitor_workers]", its pid, thread, file, line
// and function.
func ucmTrailer(r *Line) {
	m := r.Msg
	if len(m) < 12 || m[len(m)-1] != ']' {
		return
	}
	i := strings.LastIndex(m, " [")
	if i < 0 {
		return
	}
	ids, loc, ok := strings.Cut(m[i+2:len(m)-1], "][")
	pid, tid, ok2 := strings.Cut(ids, ",")
	p, okP := pu.Atoi(pid)
	t, okT := pu.Atoi(tid)
	fileLine, fn, ok3 := strings.Cut(loc, ",")
	file, line, ok4 := strings.Cut(fileLine, ":")
	n, okN := pu.Atoi(line)
	if !ok || !ok2 || !okP || !okT || !ok3 || !ok4 || !okN || file == "" || strings.ContainsAny(file, " ]") || strings.ContainsAny(fn, " ]") {
		return
	}
	r.Msg, r.pid, r.thread, r.file, r.line, r.fn = m[:i], p, t, file, n, fn
}

// spdlogShortLevels are spdlog's short level names (%L).
var spdlogShortLevels = map[byte]string{'T': pu.Debug, 'D': pu.Debug, 'I': pu.Info, 'W': pu.Warning, 'E': pu.Error, 'C': pu.Critical}

// synapseLog reads the Intel Gaudi software stack's own log lines (hl_logger's: Synapse, its graph
// compiler, the PyTorch bridge), as ENABLE_CONSOLE=true prints them in a vLLM or training pod:
// "[19:08:34.164951][GC                    ][error][tid:44F8A] Failed to load tpc kernel for
// node: TPC634, ...": the time of day alone (the runtime's time stays), the component padded, its
// level in lower case, the thread's id in hex.
func synapseLog(s string, r *Line) bool {
	if len(s) < 40 || s[3] != ':' || s[6] != ':' || s[9] != '.' || s[16] != ']' || s[17] != '[' || !pu.AllDigits(s[1:3]) {
		return false
	}
	comp, _, ok := strings.Cut(s[18:min(len(s), 80)], "][")
	if !ok || strings.TrimSpace(comp) == "" {
		return false
	}
	rest := s[18+len(comp)+2:]
	word, rest, ok := strings.Cut(rest, "][tid:")
	if !ok || len(word) > 8 {
		return false
	}
	tid, msg, ok := strings.Cut(rest, "] ")
	lv, known := spdlogLevels[word]
	n, err := strconv.ParseInt(tid, 16, 64)
	if !ok || !known || err != nil {
		return false
	}
	r.Level, r.Logger, r.Msg, r.thread = lv, strings.TrimSpace(comp), msg, n
	return true
}

// torchNPU reads torch_npu's C++ logger (Ascend NPUs, vllm-ascend): "[1028] [2026-05-08
// 03:20:32:683] torch.distributed: [ERROR] [1130] Find exception when ...": the pid, the writer's
// local time with its milliseconds after a colon, the logger, the level, the thread.
func torchNPU(s string, r *Line) bool {
	pid, rest, ok := strings.Cut(s[1:], "] [")
	n, isPID := pu.Atoi(pid)
	if !ok || !isPID || len(pid) > 10 || len(rest) < 25 || rest[4] != '-' || rest[10] != ' ' || rest[19] != ':' || rest[23] != ']' {
		return false
	}
	t, err := time.Parse("2006-01-02 15:04:05", rest[:19])
	ms, msOK := pu.Atoi(rest[20:23])
	if err != nil || !msOK || !strings.HasPrefix(rest[23:], "] ") {
		return false
	}
	logger, rest, ok := strings.Cut(rest[25:], ": [")
	if !ok || logger == "" || strings.ContainsAny(logger, " []") {
		return false
	}
	word, rest, ok := strings.Cut(rest, "] [")
	lv, isLevel := pu.Level(word)
	if !ok || !isLevel {
		return false
	}
	tid, msg, ok := strings.Cut(rest, "] ")
	thread, isTID := pu.Atoi(tid)
	if !ok || !isTID {
		return false
	}
	r.Time, r.Local = t.Add(time.Duration(ms)*time.Millisecond), true
	r.pid, r.thread, r.Logger, r.Level, r.Msg = n, thread, logger, lv, msg
	return true
}

// trtLogger reads the Python logger of TensorRT-LLM (trtllm-serve, its LLM API and PyTorch
// backend, engine builds) and TensorRT's: "[09/17/2025-21:24:19] [TRT-LLM] [RANK 2] [E] msg",
// "[08/11/2024-06:10:36] [TRT] [E] msg". stamp is the first tag, the writer's local time
// (tensorrt_llm/logger.py: time.strftime("%m/%d/%Y-%H:%M:%S")); the level is one letter.
func trtLogger(stamp, rest string, r *Line) bool {
	t, err := time.Parse("01/02/2006-15:04:05", stamp)
	if err != nil || !strings.HasPrefix(rest, " ") {
		return false
	}
	logger, rest, ok := next(rest[1:])
	if lv, isLevel := pu.Level(logger); ok && len(logger) == 1 && isLevel && len(rest) > 1 && rest[0] == ' ' {
		// TensorRT's samples' logger, trtexec's ("[05/21/2024-16:18:49] [E] Engine could not be
		// created from network"), its level first, TensorRT's own messages tagged after it
		// ("[I] [TRT] Loaded engine size: 77 MiB")
		r.Time, r.Local, r.Level, r.Logger, r.Msg = t, true, lv, "trtexec", rest[1:]
		if m, ok := strings.CutPrefix(r.Msg, "[TRT] "); ok {
			r.Logger, r.Msg = "TRT", m
		}
		return r.Msg != ""
	}
	if !ok || (logger != "TRT-LLM" && logger != "TRT" && logger != trtAutoDeploy) || !strings.HasPrefix(rest, " ") {
		return false
	}
	tag, rest, ok := next(rest[1:])
	if ok && strings.HasPrefix(tag, "RANK ") && strings.HasPrefix(rest, " ") {
		tag, rest, ok = next(rest[1:]) // the rank of a multi-GPU run
	}
	lv, isLevel := pu.Level(tag) // one letter: V, D, I, W, E, F
	if !ok || len(tag) != 1 || !isLevel || !strings.HasPrefix(rest, " ") {
		return false
	}
	r.Time, r.Local, r.Level, r.Logger, r.Msg = t, true, lv, logger, rest[1:]
	if len(r.Msg) > 10 && r.Msg[0] == '[' && r.Msg[9] == ']' {
		// the module's tag, padded to eight, that 2026's releases put first: "[serve   ] All
		// servers are ready", "[_torch  ] ..."
		if mod := strings.TrimRight(r.Msg[1:9], " "); mod != "" && strings.Trim(mod, "_abcdefghijklmnopqrstuvwxyz") == "" {
			r.fields = append(r.fields, [2]string{"module", mod})
			r.Msg = strings.TrimLeft(r.Msg[10:], " ")
		}
	}
	return true
}

// trtAutoDeploy is the prefix of TensorRT-LLM's AutoDeploy backend's logger (its
// auto_deploy/utils/logger.py: TensorRT-LLM's Logger with another prefix, the same layout).
const trtAutoDeploy = "TRT-LLM AUTO-DEPLOY"

// TRTRecord reports the level of a TensorRT-LLM Python logger's record ("[04/17/2026-08:21:45]
// [TRT-LLM] [E] Failed to parse the arguments ..."), "" for another line: the parse processor
// joins what an error or a warning prints under it (a pydantic error's indented lines, a
// traceback).
func TRTRecord(b string) string {
	if len(b) < 32 || b[0] != '[' || b[3] != '/' || b[6] != '/' || b[11] != '-' || b[20] != ']' {
		return ""
	}
	var r Line
	if !trtLogger(b[1:20], b[21:], &r) {
		return ""
	}
	return r.Level
}

// multus reads Multus CNI's log (/var/log/multus.log, or the kube-multus container's stderr):
// "2025-09-30T12:38:29Z [debug] LoadDelegateNetConf: ...", its zoned time and its level in
// lower case (pkg/logging: panic, error, verbose, debug; verbose is its info).
func multus(s string, r *Line) bool {
	t, n, ok := pu.RFC3339(s)
	if !ok || n+3 > len(s) || s[n] != ' ' || s[n+1] != '[' || !pu.Zoned(s[:n]) {
		return false
	}
	word, msg, ok := strings.Cut(s[n+2:], "] ")
	if !ok {
		return false
	}
	switch word {
	case "debug":
		r.Level = pu.Debug
	case "verbose":
		r.Level = pu.Info // the tier between error and debug, what info is elsewhere (whereabouts' GC, deleted pods)
	case "error":
		r.Level = pu.Error
	case "panic":
		r.Level = pu.Critical
	default:
		return false
	}
	r.Time, r.Msg = t, msg
	return true
}

// llamaCpp reads llama.cpp's log prefix with timestamps (llama-server --log-prefix
// --log-timestamps, common/log.cpp): "0.00.129.365 I msg", the minutes, seconds, milliseconds
// and microseconds since the start, then the level's letter.
func llamaCpp(s string, r *Line) bool {
	stamp, rest, ok := strings.Cut(s[:min(len(s), 24)], " ")
	if !ok || len(rest) < 2 || rest[1] != ' ' {
		return false
	}
	parts := strings.Split(stamp, ".")
	if len(parts) != 4 || len(parts[1]) != 2 || len(parts[2]) != 3 || len(parts[3]) != 3 {
		return false
	}
	for _, p := range parts {
		if _, ok := pu.Atoi(p); !ok {
			return false
		}
	}
	var isLevel bool
	if r.Level, isLevel = pu.Level(rest[:1]); !isLevel {
		return false
	}
	r.Msg = strings.TrimRight(s[len(stamp)+3:], " ") // (a message padded to a width: ggml-cuda's CUDA error)
	return true
}

// llamaServerLog reads the text form of the older llama.cpp server's log (examples/server's
// server_log, and ik_llama.cpp's still): "INFO [   launch_slot_with_task] slot is processing
// task | tid="1396..." timestamp=1747317449 id_slot=0 id_task=3", the level (ERR, WARN, INFO,
// VERB; ERROR and DEBUG in some forks), the function right-aligned in 25 columns, the message,
// and after " |" its fields: timestamp is the line's Unix time, the others go to log.fields.
func llamaServerLog(s string, r *Line) bool {
	word, _, ok := strings.Cut(s[:min(len(s), 8)], " [")
	if r.Level = llamaLevels[word]; !ok || r.Level == "" {
		return false
	}
	fn, rest, ok := strings.Cut(s[len(word)+2:], "] ")
	if fn = strings.TrimLeft(fn, " "); !ok || fn == "" || !cName(fn) {
		return false
	}
	msg, fields, ok := strings.Cut(rest, " |")
	if !ok {
		return false
	}
	kv := pu.NewKV(strings.TrimPrefix(fields, " "))
	for k, v, ok := kv.Next(); ok; k, v, ok = kv.Next() {
		if k == "timestamp" {
			if t, isTime := pu.Epoch(v); isTime && t.Year() >= 2000 {
				r.Time = t
				continue
			}
		}
		if k == "error" || k == "err" {
			r.errMsg = v
		}
		r.fields = append(r.fields, [2]string{k, v})
	}
	r.Msg, r.file = msg, fn
	return true
}

// llamaLevels are the levels of the older llama.cpp server's log, as its macros name them.
var llamaLevels = map[string]string{"ERR": pu.Error, "ERROR": pu.Error, "WARN": pu.Warning, "INFO": pu.Info,
	"VERB": pu.Debug, "DEBUG": pu.Debug}

// cName reports whether s is a C or C++ function name as __func__ gives it.
func cName(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == ':' || c == '~') {
			return false
		}
	}
	return true
}

// LlamaCppRecord returns the prefix of a llama.cpp record written with --log-prefix ("0.08.515.111 I
// srv  init: ..."), or relayed by llama-server's router from an instance ("[42027] 1.37.495.377 I
// slot print_timing: ..."): "" for the first, "[42027] " for the second; ok is false for another
// line. A message of several lines has the prefix on its first line only: the parse processor
// joins the lines without it (the router's under the same "[port] ").
func LlamaCppRecord(s string) (relay string, ok bool) {
	var r Line
	if len(s) > 12 && s[0] >= '0' && s[0] <= '9' && llamaCpp(s, &r) {
		return "", true
	}
	if len(s) > 12 && s[0] == '[' && llamaInstance(s, &r) {
		port, _, _ := strings.Cut(s, "] ")
		return port + "] ", true
	}
	return "", false
}

// llamaInstance reads a line llama-server's router relays from the model instance it started,
// under the instance's port ("[42751] 107.50.424.958 I srv  server_strea: ..."): the port to
// log.fields.port, the rest as llamaCpp reads it.
func llamaInstance(s string, r *Line) bool {
	port, rest, ok := strings.Cut(s[1:min(len(s), 12)], "] ")
	if !ok || port == "" {
		return false
	}
	if _, isNum := pu.Atoi(port); !isNum || len(rest) == 0 || rest[0] < '0' || rest[0] > '9' {
		return false
	}
	if !llamaCpp(s[len(port)+3:], r) {
		return false
	}
	r.fields = append(r.fields, [2]string{"port", port})
	return true
}

// llamaLoadError reads llama.cpp's model loader's error lines: "llama_model_load: error loading
// model: <why>", "llama_model_load_from_file_impl: failed to load model", "llama_load_model_from_
// file: failed to load model" (before 2025). It returns the message after the function's name.
func llamaLoadError(s string) (string, bool) {
	fn, _, ok := strings.Cut(s[:min(len(s), 64)], ": ")
	if !ok || !strings.HasPrefix(fn, "llama_") || strings.IndexByte(fn, ' ') >= 0 {
		return "", false
	}
	m := s[len(fn)+2:]
	if strings.HasPrefix(m, "error loading model: ") {
		return m[len("error loading model: "):], true
	}
	return m, m == "failed to load model"
}

// glibcAssert reads the line glibc's assert() prints before it aborts the program: "<program>:
// <file>:<line>: <function>: Assertion `<expr>' failed.". It returns the message from the
// assertion on.
func glibcAssert(s string) (string, bool) {
	i := strings.LastIndex(s, ": Assertion `")
	if i < 0 || !strings.HasSuffix(s, "' failed.") {
		return "", false
	}
	prog, loc, ok := strings.Cut(s[:i], ": ")
	if !ok || prog == "" || strings.IndexByte(prog, ' ') >= 0 {
		return "", false
	}
	loc, _, _ = strings.Cut(loc, ": ")
	if !pu.SourceLocation(loc) {
		return "", false
	}
	return s[i+2:], true
}

// systemdStatus reads the status systemd prints on the console for a unit as the node boots: a
// job that failed ("[FAILED] Failed to start ..."), a unit not started because one it needs
// failed ("[DEPEND] Dependency failed for ..."), a wait that timed out ("[ TIME ] Timed out
// waiting for device ..."), one that succeeded ("[  OK  ] Started ..."). It returns the level and
// the text after the status.
func systemdStatus(s string) (level, msg string, ok bool) {
	if len(s) > 1 && s[0] == '[' && s[1] == '\x1b' {
		s = vllm.StripANSI(s)
	}
	if len(s) < 10 || s[0] != '[' || s[7] != ']' || s[8] != ' ' {
		return "", "", false
	}
	switch s[1:7] {
	case "FAILED", "DEPEND", " TIME ":
		level = pu.Error
	case "  OK  ":
		level = pu.Info
	default:
		return "", "", false
	}
	return level, s[9:], true
}

// levelColon reads "ERROR: message" (one space after the colon; uvicorn's "INFO:     " and
// Python's "WARNING:root:" are other parsers').
func levelColon(s string, r *Line) bool {
	if i := strings.Index(s[:min(len(s), 64)], " VM warning: "); i > 0 && strings.HasSuffix(s[:i], "Server") || i > 0 && strings.HasSuffix(s[:i], "Client") {
		// the JVM's own warning (its warning(): "<VM name> warning: ", "OpenJDK 64-Bit Server VM
		// warning: Option UseConcMarkSweepGC was deprecated ..."), Elasticsearch's and
		// Logstash's at their start
		r.Level, r.Logger, r.Msg = pu.Warning, "jvm", s[i+len(" VM warning: "):]
		return r.Msg != ""
	}
	for _, lib := range [...]string{"rocblaslt", "rocblas", "hipblaslt"} {
		// ROCm's BLAS libraries on stderr, a line break before each message (hipBLASLt's
		// tensile_host.cpp: "\nrocblaslt error: Could not load .../TensileLibrary_lazy_gfx942.dat"):
		// the worker's cause of death on an AMD GPU
		if rest, ok := strings.CutPrefix(s, lib+" "); ok {
			if word, m, ok := strings.Cut(rest, ": "); ok && (word == "error" || word == "warning") && m != "" {
				r.Level, r.Logger, r.Msg = word, lib, m
				return true
			}
		}
	}
	if m, ok := strings.CutPrefix(s, "Error! "); ok && m != "" {
		// DKMS's error() ("Error! Bad return status for module build on kernel: 6.8.0-85-generic
		// (x86_64)", the NVIDIA module that did not build for the node's kernel; its make.log
		// named after it)
		r.Level, r.Logger, r.Msg = pu.Error, "dkms", m
		return true
	}
	if m, ok := strings.CutPrefix(s, "ERROR! "); ok && m != "" {
		// a program's own fatal check in capitals (Intel Extension for PyTorch's at import:
		// "ERROR! Intel® Extension for PyTorch* needs to work with PyTorch 2.2.*, but PyTorch
		// 2.1.0+cu121 is found. ...", then it exits; Ansible's "ERROR! ...")
		r.Level, r.Msg = pu.Error, m
		return true
	}
	for _, op := range [...]string{"download failed: ", "upload failed: ", "copy failed: ", "move failed: ", "delete failed: "} {
		if c, ok := strings.CutPrefix(s, op); ok && (strings.HasPrefix(c, "s3://") || strings.Contains(c, " to s3://")) {
			// the AWS CLI's s3 commands' failure of one object ("download failed: s3://bucket/key
			// to ./key An error occurred (SlowDown) when calling the GetObject operation ...:
			// Please reduce your request rate."): the error after the object's source and
			// destination
			e := c
			if i := strings.Index(c, " An error occurred ("); i >= 0 {
				e = c[i+1:]
			} else if i := strings.Index(c, " A client error ("); i >= 0 {
				e = c[i+1:] // (the AWS CLI 1.x's words)
			} else if i := strings.Index(c, " [Errno "); i >= 0 {
				e = c[i+1:]
			}
			r.Level, r.Msg, r.errMsg = pu.Error, s, e
			return true
		}
	}
	if c, ok := strings.CutPrefix(s, "Error downloading object: "); ok {
		// git-lfs's smudge of one object that failed ("Error downloading object: model.safetensors
		// (e886a96): Smudge error: Error downloading ... : expected OID e886a96..., got 974a61a7...
		// after 4850540707 bytes written"): the object, then why
		if _, e, ok := strings.Cut(c, "): "); ok && e != "" {
			r.Level, r.Msg, r.errMsg = pu.Error, s, e
			return true
		}
	}
	if c, ok := strings.CutPrefix(s, `ERROR "`); ok {
		// s5cmd's failed command, quoted, and its error (`ERROR "cp s3://bucket/key /models/key":
		// RequestError: send request failed ...`): all an init container prints when the weights
		// do not come
		cmd, e, ok := strings.Cut(c, `": `)
		if !ok || cmd == "" || e == "" {
			return false
		}
		r.Level, r.Msg, r.errMsg = pu.Error, s[len("ERROR "):], e
		return true
	}
	word, msg, ok := strings.Cut(s[:min(len(s), 14)], ": ")
	if !ok || len(msg) > 0 && msg[0] == ' ' {
		return false
	}
	at := len(word) + 2
	if w := strings.TrimRight(word, " "); w != word && w != "" && strings.IndexByte(w, ' ') < 0 {
		// "ERROR : Node Health Checks failed - ..." (az-hop's health check wrapper), the level
		// padded to its column ("ERROR     : dcgm_sampler dcgmConnect() failed ...", LDMS's ldmsd)
		word = w
	}
	lv, ok := level(word)
	switch word {
	case "VERBOSE", "TRACE":
		return false
	case "Error", "Warning":
		// a CLI's or a Rust main's last word ("Error: ShardCannotStart", cobra's "Error: unknown flag")
		lv, ok = strings.ToLower(word), true
	case "error":
		// tritonserver's last line when its models do not load ("error: creating server:
		// Internal - failed to load all models"), clap's and rustc's
		lv, ok = pu.Error, true
	case "fatal", "fatal error":
		// git's die() before it exits 128 ("fatal: model.safetensors: smudge filter lfs failed"),
		// the AWS CLI's aborted command ("fatal error: An error occurred (403) when calling the
		// HeadObject operation: Forbidden"; the Go runtime's, in lower case, is a Go crash)
		lv, ok = pu.Critical, true
	case "warning", "warn":
		// git's ("warning: Clone succeeded, but checkout failed."), llama.cpp's arguments
		// ("warn: LLAMA_ARG_HOST environment variable is set, but will be overwritten by ...")
		lv, ok = pu.Warning, true
	}
	if !ok {
		return false
	}
	r.Level, r.Msg = lv, s[at:]
	return r.Msg != "" && r.Msg[0] != ' ' && !kernelReport(s)
}

// kmod reads the module tools' own severity (libkmod's log: "modprobe: ERROR: could not insert
// 'nvidia_modeset': Invalid argument", "insmod: ERROR: ...", "rmmod: ERROR: Module nvidia is in
// use by: nvidia_modeset", "modprobe: FATAL: Module nvidia not found in directory ..."), as
// systemd-modules-load at boot or a driver script writes it: the tool is the logger.
func kmod(s string, r *Line) bool {
	tool, lv, msg, ok := pu.KmodLine(s)
	if !ok {
		return false
	}
	r.Level, r.Logger, r.Msg, r.errMsg = lv, tool, msg, msg
	return true
}

// nvidiaModule reports whether a module tool's message names one of the NVIDIA driver's
// modules ('nvidia', nvidia_uvm, nvidia_modeset, nvidia_drm, nvidia_peermem, nvidia-fs, and
// their .ko files).
func nvidiaModule(msg string) bool {
	return strings.Contains(msg, "'nvidia") || strings.Contains(msg, "Module nvidia") || strings.Contains(msg, "module nvidia") ||
		strings.Contains(msg, "/nvidia") && strings.Contains(msg, ".ko")
}

// NeuronError reports whether s is an error of the AWS Neuron runtime's (neuronRuntime's layout,
// ERROR or FATAL), under which the runtime may print a report indented by a tab: its device
// memory's use when an allocation failed ("... ERROR  TDRV:log_dev_mem  Failed to allocate
// 43.325MB (usage: dma rings) on ND 3:NC 0, current utilization:", then "\t* total: 15.972GB",
// "\t* tensors: 13.170GB", ...).
func NeuronError(s string) bool {
	if len(s) < 40 || s[0] != '2' || s[4] != '-' {
		return false
	}
	if head := s[:min(len(s), 64)]; !strings.Contains(head, " ERROR ") && !strings.Contains(head, " FATAL ") {
		return false
	}
	var r Line
	return neuronRuntime(s, &r) && (r.Level == pu.Error || r.Level == pu.Critical)
}

// neuronRuntime reads the AWS Neuron runtime's lines in a model server's container (vLLM's and
// Optimum Neuron's), and its compiler wrapper's:
//
//	2024-Jul-30 14:22:31.305961 65191:69012 ERROR   NRT:nrt_infodump      Failure: NRT_RESOURCE in nrt_load()
//	2024-03-19 22:27:23.000450:  1486537  INFO ||NEURON_CACHE||: Compile cache path: /var/tmp/neuron-compile-cache
//	2025-12-22 19:08:35.000109:  272  [INFO]: Compilation Successfully Completed for model.MODULE_...
//
// the local time, pid (and thread), level, module (the logger) and function (r.file).
func neuronRuntime(s string, r *Line) bool {
	if len(s) < 40 || s[4] != '-' {
		return false
	}
	var t time.Time
	var rest string
	if s[5] >= 'A' && s[5] <= 'Z' && s[8] == '-' && s[11] == ' ' {
		tt, err := time.Parse("2006-Jan-02 15:04:05.000000", s[:27])
		if err != nil {
			return false
		}
		t, rest = tt, s[27:]
	} else if s[7] == '-' && s[10] == ' ' && len(s) > 30 && s[26] == ':' {
		tt, n, ok := pu.RFC3339(s[:26])
		if !ok || n != 26 {
			return false
		}
		t, rest = tt, s[27:]
	} else {
		return false
	}
	ids, rest := word(strings.TrimLeft(rest, " "))
	p, th, _ := strings.Cut(ids, ":")
	pid, ok := pu.Atoi(p)
	if !ok {
		return false
	}
	if th != "" {
		if r.thread, ok = pu.Atoi(th); !ok {
			return false
		}
	}
	lvWord, rest := word(strings.TrimLeft(rest, " "))
	if w, ok := strings.CutPrefix(lvWord, "["); ok && strings.HasSuffix(w, "]:") {
		// the compiler's own lines: "2025-12-22 19:08:35.000109:  272  [INFO]: Compilation
		// Successfully Completed for model.MODULE_...hlo_module.pb", no module
		lv, ok := level(w[:len(w)-2])
		if !ok || rest == "" {
			return false
		}
		r.Time, r.Local, r.Level, r.Msg, r.pid = t, true, lv, strings.Trim(rest, " "), pid
		return true
	}
	lv, ok := level(lvWord)
	if !ok {
		return false
	}
	loc, msg := word(strings.TrimLeft(rest, " "))
	if m, ok := strings.CutPrefix(loc, "||"); ok {
		// the compiler wrapper's "||NEURON_CACHE||:"
		name, ok := strings.CutSuffix(m, "||:")
		if !ok || name == "" {
			return false
		}
		r.Logger = name
	} else {
		mod, fn, ok := strings.Cut(loc, ":")
		if !ok || mod == "" || strings.ToUpper(mod) != mod {
			return false
		}
		r.Logger, r.file = mod, fn
	}
	r.Time, r.Local, r.Level, r.Msg, r.pid = t, true, lv, strings.Trim(msg, " "), pid // (its columns padded with spaces)
	if r.Msg == "" {
		r.Msg = loc // "ERROR  TDRV:dmem_alloc_internal": the function that failed is all it says
	}
	return true
}

// dcgmiDiag reads the report `dcgmi diag` prints (a DCGM diagnostic Job's output), one event by
// the parse processor: "Successfully ran diagnostic for group.", then a table of each test's
// result ("| PCIe                      | Fail - All                                     |",
// "| Warning                   | GPU 0's NvLink link 0 is currently down ..."). A test that
// failed makes it an error naming the tests (error.message), a warning row a warning.
func dcgmiDiag(ev *event.Event, msg, first string) bool {
	if !pu.DCGMIDiagReport(msg, first) {
		return false
	}
	level := pu.Info
	var failed []string
	test := ""   // the test a row names: one with an empty first cell goes on with it (a result per GPU group)
	errRow := -1 // the failed entry an "Error" row's further lines go on
	for line := range strings.Lines(msg) {
		cells := strings.Split(strings.TrimRight(line, " \n"), "|")
		if len(cells) < 4 {
			continue
		}
		name, result := strings.TrimSpace(cells[1]), strings.TrimSpace(cells[2])
		if name == "" {
			if test == "Error" && errRow >= 0 && result != "" {
				failed[errRow] += " " + result // the wrapped text of DCGM's error
				continue
			}
			name = test
		} else {
			test = name
		}
		switch {
		case strings.HasPrefix(result, "Fail"):
			level = pu.Error
			failed = append(failed, name+": "+result)
		case name == "Error" && result != "":
			// DCGM 3.x's row for a check that could not pass ("GPU 3 has uncorrectable memory
			// errors and row remappings are pending", a deployment check): a failure, as Fail is
			level = pu.Error
			errRow = len(failed)
			failed = append(failed, name+": "+result)
		case name == "Warning" && level == pu.Info, strings.HasPrefix(result, "Warn") && level == pu.Info:
			level = pu.Warning
		}
	}
	if !strings.HasPrefix(first, "+-") && !strings.HasPrefix(first, "|-") {
		ev.SetString(pu.FieldLogMessage, first) // (not a border the excerpt opens with)
	}
	if len(failed) > 0 {
		ev.SetString(event.FieldErrorMsg, strings.Join(failed, "; "))
	}
	pu.Finish(ev, pu.DatasetOr(ev, pu.DatasetDCGM), level)
	return true
}

// cloudInit reads cloud-init's records ("%(filename)s[%(levelname)s]: %(message)s" after the
// syslog frame: "util.py[DEBUG]: Running command ['/var/lib/cloud/instance/scripts/part-001'] ...",
// "util.py[WARNING]: Failed running /var/lib/cloud/instance/scripts/part-001 [1]"): the module's
// file and the level.
func cloudInit(s string, r *Line) bool {
	open := strings.Index(s[:min(len(s), 64)], ".py[")
	if open <= 0 || strings.IndexByte(s[:open], ' ') >= 0 {
		return false
	}
	lv, msg, ok := strings.Cut(s[open+len(".py["):], "]: ")
	if !ok {
		return false
	}
	level, known := level(lv)
	if !known {
		return false
	}
	r.Level, r.file, r.Msg = level, s[:open+len(".py")], msg
	return true
}

// libfabric reads libfabric's log (FI_LOG_LEVEL; the EFA and other providers under aws-ofi-nccl,
// NCCL's network on EFA): "libfabric:85:1747438790::core:core:fi_getinfo_():1392<warn> fi_getinfo:
// provider efa output empty list", the pid, the time in seconds, the provider and subsystem, the
// function and line, the level in angle brackets.
func libfabric(s string, r *Line) bool {
	rest, ok := strings.CutPrefix(s, "libfabric:")
	if !ok {
		return false
	}
	p, rest, ok := strings.Cut(rest, ":")
	pid, okPID := pu.Atoi(p)
	if !ok || !okPID {
		return false
	}
	open := strings.IndexByte(rest, '<')
	if open < 0 || open > 200 {
		return false
	}
	word, msg, ok := strings.Cut(rest[open+1:], "> ")
	lv, known := pu.Level(word) // warn, info, debug, trace
	if !ok || !known {
		return false
	}
	r.Level, r.pid, r.Logger, r.Msg = lv, pid, "libfabric", msg
	if sec, rest2, ok := strings.Cut(rest, ":"); ok && rest2 != "" {
		if n, ok := pu.Atoi(sec); ok && n > 1e9 {
			r.Time = time.Unix(n, 0).UTC()
		}
	}
	return true
}

// hipLog reads the debug log of AMD's HIP runtime (CLR), which AMD_LOG_LEVEL turns on in a ROCm
// container: ":3:hip_module.cpp           :550 : 38724080984 us: [pid:92169 tid: 0x7fcd43d616c0]
// hipExtModuleLaunchKernel ( ... )": the level as a number (1 error, 2 warning, 3 info, 4 and
// more debug), the source file padded and its line, microseconds since the process started, the
// pid and thread.
func hipLog(s string, r *Line) bool {
	if len(s) < 40 || s[2] != ':' || s[1] < '1' || s[1] > '9' {
		return false
	}
	file, rest, ok := strings.Cut(s[3:], ":")
	file = strings.TrimRight(file, " ")
	if !ok || file == "" || strings.IndexByte(file, ' ') >= 0 || strings.IndexByte(file, '.') < 0 {
		return false
	}
	ln, rest, ok := strings.Cut(rest, " : ")
	line, okLine := pu.Atoi(strings.TrimSpace(ln))
	if !ok || !okLine {
		return false
	}
	_, rest, ok = strings.Cut(rest, " us: [pid:")
	if !ok {
		return false
	}
	p, rest, ok := strings.Cut(rest, " tid:")
	pid, okPID := pu.Atoi(p)
	if !ok || !okPID {
		return false
	}
	_, msg, ok := strings.Cut(rest, "] ")
	if !ok {
		return false
	}
	r.Level = pu.Debug
	if n := s[1] - '1'; n < 3 {
		r.Level = [...]string{pu.Error, pu.Warning, pu.Info}[n]
	}
	r.file, r.line, r.pid, r.Msg = file, line, pid, strings.Trim(msg, " ")
	return true
}

// word returns the text of s up to its first space, and what follows that space.
func word(s string) (w, rest string) {
	if i := strings.IndexByte(s, ' '); i >= 0 {
		return s[:i], s[i+1:]
	}
	return s, ""
}

// slurmDebug reads Slurm's debug levels at a line's start, as its daemons' syslog lines carry
// them ("slurmstepd[41666]: debug:  AcctGatherEnergy NONE plugin loaded").
func slurmDebug(s string, r *Line) bool {
	lv, msg, ok := pu.SlurmLevel(s)
	if !ok || lv != pu.Debug {
		return false
	}
	r.Level, r.Msg = lv, msg
	return true
}

// nhc reads the Node Health Check's lines (Azure's HPC health checks, LBNL NHC, which drains a
// node whose GPU fails a check): "[1705939176] - ERROR:  nhc:  Health check failed:  ...", the
// epoch its time ("[0]" before it has one), or without it "DEBUG:  Debugging activated ...".
func nhc(s string, r *Line) bool {
	rest := s
	var t time.Time
	if s[0] == '[' {
		ep, _, ok := strings.Cut(s[1:min(len(s), 16)], "] - ")
		n, isNum := pu.Atoi(ep)
		if !ok || !isNum {
			return false
		}
		if n > 1e9 {
			t = time.Unix(n, 0).UTC()
		}
		rest = s[1+len(ep)+len("] - "):]
	}
	word, _, ok := strings.Cut(rest[:min(len(rest), 12)], ":  ")
	if !ok {
		return false
	}
	lv, ok := level(word)
	msg := rest[len(word)+3:]
	if !ok || msg == "" || msg[0] == ' ' {
		return false
	}
	r.Level, r.Msg, r.Time = lv, msg, t
	return true
}

// gpuTestFailure reads the failures the GPU test programs of a node's preflight or health check
// print before they exit: nccl-tests' NCCLCHECK and CUDACHECK ("<host>: Test NCCL failure
// common.cu:1204 'unhandled cuda error ...'", then " .. <host> pid N: Test failure common.cu:915"),
// gpu-burn's ("Couldn't init a GPU test: Error: CUDA_ERROR_UNKNOWN") and nvbandwidth's ASSERT.
//
// Also the older and shorter forms: nccl-tests' checks before they named the test and the host
// ("NCCL failure common.cu:908 'unhandled cuda error'.", "Test CUDA failure common.cu:730
// 'unknown error'"), its result check with a space where "#" is now (" Out of bounds values : 2
// FAILED"); gpu-burn's error with a description ("Failure during compute: Error in \"SGEMM\":
// CUBLAS_STATUS_EXECUTION_FAILED", "Couldn't init a GPU test: Error in \"load module\": ") and
// its verdict of a GPU that computed wrong ("GPU 0: FAULTY", its only sign of it: it exits 0);
// cuda-samples' own check ("Cuda failure p2pBandwidthLatencyTest.cu:189: 'mapping of buffer
// object failed'").
func gpuTestFailure(s string, r *Line) bool {
	switch t := strings.TrimLeft(s, " \t"); {
	case strings.HasPrefix(s, "ASSERT in expression "):
		r.Level, r.Msg = pu.Critical, s // nvbandwidth aborts after it
		return true
	case strings.Contains(s, "Error: CUDA_ERROR_"):
		r.Level, r.Msg = pu.Error, s
		return true
	case strings.HasPrefix(s, "# Out of bounds values : ") && strings.HasSuffix(strings.TrimRight(s, " "), "FAILED"):
		// nccl-tests' check of the collectives' results ("# Out of bounds values : 12 FAILED",
		// its "OK" when none): the data a collective returned is wrong, the run's verdict
		r.Level, r.Msg, r.kind = pu.Error, s[len("# "):], "nccl"
		return true
	case strings.HasPrefix(s, " Out of bounds values : ") && strings.HasSuffix(strings.TrimRight(s, " "), "FAILED"):
		r.Level, r.Msg, r.kind = pu.Error, t, "nccl"
		return true
	case strings.HasPrefix(s, "NCCL failure ") && testCheck(s[len("NCCL failure "):]):
		r.Level, r.Msg, r.kind = pu.Error, s, "nccl"
		return true
	case strings.HasPrefix(s, "Test NCCL failure ") && testCheck(s[len("Test NCCL failure "):]):
		r.Level, r.Msg, r.kind = pu.Error, s, "nccl"
		return true
	case strings.HasPrefix(s, "Test CUDA failure ") && testCheck(s[len("Test CUDA failure "):]),
		strings.HasPrefix(s, "Cuda failure ") && testCheck(strings.Replace(s[len("Cuda failure "):], ": '", " '", 1)):
		r.Level, r.Msg = pu.Error, s
		return true
	case strings.HasPrefix(s, "Failure during compute: Error"), strings.HasPrefix(s, "Couldn't init a GPU test: Error"):
		r.Level, r.Msg = pu.Error, strings.TrimRight(s[strings.Index(s, ": ")+2:], " ")
		return true
	case strings.HasPrefix(t, "GPU ") && strings.HasSuffix(strings.TrimRight(t, " "), ": FAULTY"):
		if n := strings.TrimSuffix(strings.TrimRight(t, " "), ": FAULTY")[len("GPU "):]; pu.AllDigits(n) && n != "" {
			r.Level, r.Msg = pu.Error, strings.TrimRight(t, " ")
			return true
		}
	}
	i := strings.Index(s[:min(len(s), 160)], ": Test ")
	if i <= 0 {
		return false
	}
	host, test := strings.TrimPrefix(strings.TrimLeft(s[:i], " "), ".. "), s[i+2:]
	if !strings.HasPrefix(test, "Test NCCL failure ") && !strings.HasPrefix(test, "Test CUDA failure ") &&
		!strings.HasPrefix(test, "Test failure ") {
		return false
	}
	var pid int64
	if h, p, ok := strings.Cut(host, " pid "); ok {
		if n, ok := pu.Atoi(p); ok {
			host, pid = h, n
		}
	}
	if host == "" || strings.ContainsAny(host, " \t") {
		return false
	}
	if strings.HasPrefix(test, "Test NCCL failure ") {
		r.kind = "nccl"
	}
	r.Level, r.Msg, r.host, r.pid = pu.Error, test, host, pid
	return true
}

// GPUTestFailure reports whether s is a GPU test program's failure as gpuTestFailure reads it
// (nccl-tests' "<host>: Test CUDA failure common.cu:1030 'system not yet initialized'"), which
// the tagged parser takes whatever the failure it names.
func GPUTestFailure(s string) bool {
	var r Line
	return len(s) > 12 && gpuTestFailure(s, &r)
}

// testCheck reports whether s is what follows a GPU test's check that failed: a source file and
// line, then the error's text quoted ("common.cu:908 'unhandled cuda error'.").
func testCheck(s string) bool {
	loc, msg, ok := strings.Cut(s, " '")
	if !ok || msg == "" {
		return false
	}
	_, _, ok = pu.FileLine(loc)
	return ok && strings.Contains(loc, ".c")
}

// ArgparseError reports whether s is argparse's "prog: error: message", the line that ends a
// usage it printed (the parse processor joins the two).
func ArgparseError(s string) bool {
	_, rest, ok := programPrefix(s)
	return ok && strings.HasPrefix(rest, "error: ")
}

// programPrefix cuts the program's name off "prog: rest": argparse's "vllm: error: ...",
// Slurm's "slurmd: debug2: ...". A compiler's "main.c:6:23: error: ...", a URL or a stamp
// names no program.
func programPrefix(s string) (prog, rest string, ok bool) {
	prog, _, ok = strings.Cut(s[:min(len(s), 64)], ": ")
	if !ok || prog == "" || strings.ContainsAny(prog, "\t[]():") {
		return "", "", false
	}
	rest = s[len(prog)+2:]
	if strings.IndexByte(prog, ' ') >= 0 && (!strings.HasPrefix(rest, "error: ") || !subcommandProg(prog)) {
		// (a sub-command's parser names itself after its parent: "vllm serve: error: argument
		// --guided-decoding-backend: invalid choice: ...")
		return "", "", false
	}
	return prog, rest, true
}

// subcommandProg reports whether prog is the name argparse gives a sub-command's parser: two or
// three lower-case words ("vllm serve", "vllm bench serve").
func subcommandProg(prog string) bool {
	words := strings.Split(prog, " ")
	if len(words) > 3 {
		return false
	}
	for _, w := range words {
		if w == "" || w[0] < 'a' || w[0] > 'z' {
			return false
		}
		for i := 1; i < len(w); i++ {
			if c := w[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
				return false
			}
		}
	}
	return true
}

// goCaller cuts a Go caller's "file.go:N: " off s (libbeat 6's lines), returning its file and
// line; s itself, and no file, when it opens with none.
func goCaller(s string) (file string, line int64, rest string) {
	loc, _, ok := strings.Cut(s[:min(len(s), 48)], ": ")
	file, n, isNum := pu.FileLine(loc)
	if !ok || !isNum || len(file) <= len(".go") || !strings.HasSuffix(file, ".go") || strings.ContainsAny(file, " /:") {
		return "", 0, s
	}
	return file, n, s[len(loc)+2:]
}

// pflagError reads the error Go's pflag prints before its usage when a command line does not
// parse, a Go program's only words as its pod crash-loops on a wrong flag (llm-d's inference
// simulator: "unknown flag: --lora", then "Usage of llm-d-inference-sim flags:"): an error. So
// too the standard library's flag package's (a controller manager started with a flag its
// version lacks: "flag provided but not defined: -enable-runtime-sidecar", then "Usage of
// /manager:"; "invalid value \"x\" for flag -port: ...", "bad flag syntax: ---v").
func pflagError(s string, r *Line) bool {
	if !strings.HasPrefix(s, "unknown flag: -") && !strings.HasPrefix(s, "unknown shorthand flag: '") &&
		!strings.HasPrefix(s, "flag needs an argument: ") && !(strings.HasPrefix(s, "invalid argument \"") && strings.Contains(s, "\" flag: ")) &&
		!strings.HasPrefix(s, "flag provided but not defined: -") && !strings.HasPrefix(s, "bad flag syntax: ") &&
		!(strings.HasPrefix(s, "invalid value \"") && strings.Contains(s, "\" for flag -")) {
		return false
	}
	r.Level, r.Msg = pu.Error, s
	return true
}

// argparseError reads the last line Python's argparse prints before it exits with status 2:
// "vllm: error: unrecognized arguments: --omni" (the program, then its complaint), all a
// crash-looping pod with a wrong flag says.
func argparseError(s string, r *Line) bool {
	task := ""
	if n, _, ok := strings.Cut(s[:min(len(s), 8)], ": "); ok && n != "" && pu.AllDigits(n) {
		// srun --label's task number before each line of a task's output ("22: slurmstepd:
		// error: pyxis: container start failed with error code: 1"): a Slurm program's line
		if prog, _, ok := programPrefix(s[len(n)+2:]); ok && pu.SlurmProgram(prog) {
			task, s = n, s[len(n)+2:]
		}
	}
	prog, rest, ok := programPrefix(s)
	if !ok {
		return false
	}
	if task != "" {
		r.fields = append(r.fields, [2]string{"task", task})
	}
	// and Slurm's programs in the foreground (a Slinky pod's slurmd, srun and slurmstepd in a
	// job's output): "slurmctld: fatal: Can't find plugin for select/cons_res", "slurmd:
	// debug2: ...", "srun: error: node01: task 0: Exited with exit code 1"
	lv, msg, ok := pu.SlurmLevel(rest)
	if !ok || rest == "" || lv == pu.Warning {
		return false
	}
	r.Level, r.Logger, r.Msg = lv, prog, msg
	if pu.SlurmProgram(prog) {
		r.slurm = true
	}
	return true
}

// otelLevels are the OpenTelemetry C++ SDK's levels as its internal log writes them.
var otelLevels = map[string]string{"Error": pu.Error, "Warning": pu.Warning, "Info": pu.Info, "Debug": pu.Debug}

// otelCpp reads the OpenTelemetry C++ SDK's internal log (ingress-nginx's and Envoy's tracing,
// Triton's): "[Error] File: /tmp/build/.../otlp_grpc_exporter.cc:67[OTLP TRACE GRPC Exporter]
// Export() failed with status_code: \"UNAVAILABLE\" ...": its level in title case, the source
// file and line, the message (the component's tag kept).
func otelCpp(s string, r *Line) bool {
	lvTag, rest, ok := strings.Cut(s[1:], "] File: ")
	if !ok {
		return false
	}
	lv, ok := otelLevels[lvTag]
	if !ok {
		return false
	}
	colon := strings.IndexByte(rest, ':')
	if colon <= 0 {
		return false
	}
	n := colon + 1
	for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
		n++
	}
	line, okLine := pu.Atoi(rest[colon+1 : n])
	if !okLine || strings.ContainsAny(rest[:colon], " \t") {
		return false
	}
	r.Level, r.Logger, r.file, r.line = lv, "opentelemetry-cpp", rest[:colon], line
	r.Msg = strings.TrimLeft(rest[n:], " ")
	return r.Msg != ""
}

// slurmThreadID reads a Slurm program's line in its stderr layout with LogTimeFormat=thread_id
// (log.c's _set_idbuf: "May 20 07:32:44.587076 360746 slurmstepd   0x40000004af00: error: pyxis:
// container start failed with error code: 1"): the local time without a year, the pid, the
// program (the logger), the thread, then Slurm's level word.
func slurmThreadID(s string, r *Line, ref time.Time) bool {
	t, n, ok := pu.Syslog(s, ref)
	if !ok || n >= len(s) || s[n] != ' ' {
		return false
	}
	f := strings.Fields(s[n:min(len(s), n+80)])
	if len(f) < 3 || !pu.AllDigits(f[0]) || !pu.SlurmProgram(f[1]) || !strings.HasPrefix(f[2], "0x") || !strings.HasSuffix(f[2], ":") {
		return false
	}
	_, rest, _ := strings.Cut(s[n:], f[2])
	lv, msg, ok := pu.SlurmLevel(strings.TrimPrefix(rest, " "))
	if !ok {
		return false
	}
	r.pid, _ = pu.Atoi(f[0])
	r.Time, r.Local, r.Level, r.Logger, r.Msg, r.slurm = t, true, lv, f[1], msg, true
	return true
}

// kernelReport reports whether s opens a report the kernel writes with such a word (a hung task,
// an RCU stall, a WARN_ON), as the journal's kernel transport delivers it without a prefix: its
// level is not the word, and it is the kernel rules' to group and read.
func kernelReport(s string) bool {
	return strings.HasPrefix(s, "INFO: task ") || strings.HasPrefix(s, "INFO: rcu_") ||
		strings.HasPrefix(s, "WARNING: CPU: ") || strings.HasPrefix(s, "INFO: NMI handler")
}

// next returns the text of the bracketed tag s opens with, and what follows it.
func next(s string) (tag, rest string, ok bool) {
	if len(s) < 3 || s[0] != '[' {
		return "", "", false
	}
	// (Kibana's loggers run long: "[plugins.usageCollection.usage-collection.usage-counters-service]")
	end := strings.IndexByte(s[:min(len(s), 128)], ']')
	if end < 1 {
		return "", "", false
	}
	return s[1:end], s[end+1:], true
}

// agentConsole reads Elastic Agent's console layout for the Beats it runs ("00:02:15.612
// [elastic_agent.cloudbeat][error] failed to publish events: ..."): the time of day, the
// component's logger, its level in lower case.
func agentConsole(s string, r *Line) bool {
	_, _, _, _, n, ok := pu.Clock(s)
	if !ok || n+2 >= len(s) || s[n] != ' ' || s[n+1] != '[' {
		return false
	}
	logger, rest, ok := next(s[n+1:])
	if !ok || !strings.HasPrefix(logger, "elastic_agent") || strings.IndexByte(logger, ' ') >= 0 {
		return false
	}
	lvTag, rest, ok := next(rest)
	if !ok || !strings.HasPrefix(rest, " ") {
		return false
	}
	lv, ok := pu.Level(lvTag)
	if !ok {
		return false
	}
	r.Level, r.Logger, r.Msg = lv, logger, rest[1:]
	return true
}

// level maps the level words these programs write, in capitals only: "[Info]" or "[error]" in
// a line's text is not a level tag.
func level(w string) (string, bool) {
	switch w {
	case "TRACE", "DEBUG", "VERBOSE":
		return pu.Debug, true
	case "INFO":
		return pu.Info, true
	case "WARN", "WARNING":
		return pu.Warning, true
	case "ERROR":
		return pu.Error, true
	case "FATAL", "CRITICAL":
		return pu.Critical, true
	}
	return "", false
}

// networkManager reads NetworkManager's (and ModemManager's) own layout inside its journal or
// syslog line: "<warn>  [1753140395.4923] platform-linux: do-add-ip6-address[...]: failure 13
// (Permission denied)", the level in angle brackets, then the time as seconds since the epoch.
func networkManager(s string, r *Line) bool {
	end := strings.IndexByte(s[:min(len(s), 8)], '>')
	if end < 0 {
		return false
	}
	var lv string
	switch s[1:end] {
	case "trace", "debug":
		lv = pu.Debug
	case "info":
		lv = pu.Info
	case "warn":
		lv = pu.Warning
	case "error":
		lv = pu.Error
	default:
		return false
	}
	rest := strings.TrimLeft(s[end+1:], " ")
	stamp, msg, ok := strings.Cut(rest, "] ")
	if !ok || !strings.HasPrefix(stamp, "[") {
		return false
	}
	t, ok := pu.Epoch(stamp[1:])
	if !ok || t.Year() < 2000 {
		return false
	}
	r.Level, r.Msg, r.Time = lv, msg, t
	return true
}

// openMPIError reads Open MPI's runtime errors (PRRTE's, ORTE's, OPAL's, PMIx's), which
// mpirun prints when it cannot start or keep a job's ranks (TensorRT-LLM's executor workers, an
// MPIJob's): "[worker:15806] PRTE ERROR: Bad parameter in file base/odls_base_default_fns.c at
// line 962". The host goes to r.file, for the caller.
func openMPIError(s string, r *Line) bool {
	end := strings.Index(s[:min(len(s), 80)], "] ")
	if end < 3 {
		return false
	}
	host, pidText, ok := strings.Cut(s[1:end], ":")
	pid, okPID := pu.Atoi(pidText)
	if !ok || !okPID || host == "" || strings.IndexByte(host, ' ') >= 0 {
		return false
	}
	layer, msg, ok := strings.Cut(s[end+2:], " ERROR: ")
	switch layer {
	case "PRTE", "ORTE", "OPAL", "PMIX", "OMPI":
	default:
		return false
	}
	if !ok || msg == "" {
		return false
	}
	r.Level, r.Logger, r.Msg, r.pid, r.file = pu.Error, strings.ToLower(layer), msg, pid, host
	return true
}

// OpenMPISignal returns the "[host:pid] " prefix of Open MPI's report of a fatal signal
// ("[triton-...:00030] *** Process received signal ***"), whose lines (the signal, its code, the
// failing address, the frames) repeat the prefix up to "*** End of error message ***"; "" for
// another line. The parse processor joins the report.
func OpenMPISignal(b string) string {
	end := strings.Index(b[:min(len(b), 112)], "] *** Process received signal ***")
	if end < 3 {
		return ""
	}
	open := strings.IndexByte(b[:end], '[')
	if _, ok := jobStamp(b[:open]); open > 0 && !ok {
		return ""
	}
	host, pid, ok := strings.Cut(b[open+1:end], ":")
	if _, num := pu.Atoi(pid); !ok || !num || host == "" || strings.IndexByte(host, ' ') >= 0 {
		return ""
	}
	return b[:end+2]
}

// mpiSignal reads Open MPI's report of a fatal signal: critical (the process dies), the signal its
// error, the report its stack, the host and pid its prefix's.
func mpiSignal(ev *event.Event, prefix, text, ds string) bool {
	open := strings.IndexByte(prefix, '[')
	if t, ok := jobStamp(prefix[:open]); ok {
		pu.SetDatedLocalTime(ev, t) // the job's own time before each line
	}
	host, pid, _ := strings.Cut(prefix[open+1:len(prefix)-2], ":")
	n, _ := pu.Atoi(pid)
	ev.SetString(event.FieldHostHostname, host)
	ev.Set(event.FieldProcessPID, event.Int(n))
	msg := "Process received signal"
	for line := range strings.SplitSeq(text, "\n") {
		if sig, ok := strings.CutPrefix(strings.TrimPrefix(line, prefix), "Signal: "); ok {
			msg += ": " + sig
			break
		}
	}
	if strings.Contains(text, "\n") {
		ev.SetString(event.FieldErrorStack, text)
	}
	ev.SetString(event.FieldLogLogger, "opal")
	ev.SetString(pu.FieldLogMessage, msg)
	ev.SetString(event.FieldErrorMsg, msg)
	pu.Finish(ev, ds, pu.Critical)
	return true
}

// openMPIRule is the rule Open MPI's help messages (orte_show_help, PRRTE's) print above and below
// their text: 74 dashes.
const openMPIRule = "--------------------------------------------------------------------------"

// OpenMPIRule reports whether b is the rule around an Open MPI help message, which the parse
// processor joins with its text into one record.
func OpenMPIRule(b string) bool { return strings.TrimRight(b, " ") == openMPIRule }

// mpiHelp reads an Open MPI help message, the text between its rules ("mpirun detected that one
// or more processes exited with non-zero status, thus causing the job to be terminated. The first
// process to do so was: Process name: [[40526,1],0] Exit code: 1"): the last thing a multi-GPU
// Triton or TensorRT-LLM pod under mpirun prints. Its words say whether it is a failure: a rank
// that exited non-zero or on a signal, or an aborted job, is an error, a "WARNING:" a warning;
// the text, its lines joined, is the message.
func mpiHelp(ev *event.Event, rest, ds string) bool {
	var words []string
	for line := range strings.SplitSeq(rest, "\n") {
		if t := strings.TrimSpace(line); t != "" && !OpenMPIRule(t) {
			words = append(words, strings.Join(strings.Fields(t), " "))
		}
	}
	if len(words) == 0 {
		return false
	}
	text := strings.Join(words, " ")
	lower := strings.ToLower(text)
	level := ""
	switch {
	case strings.HasPrefix(text, "WARNING"):
		level = pu.Warning
	case strings.Contains(lower, "non-zero") || strings.Contains(lower, "aborted") || strings.Contains(lower, "error") ||
		strings.Contains(lower, "failed") || strings.Contains(lower, "terminated") || strings.Contains(lower, "exited on signal") ||
		// the job that never started or lost a node: ORTE's failed daemon launch, PRRTE's lost
		// daemon ("We cannot recover from this failure, and therefore will terminate the job.")
		strings.Contains(lower, "unable to reliably start") || strings.Contains(lower, "lost communication with a remote daemon"):
		level = pu.Error
	}
	finishLogged(ev, "mpirun", text, pu.DatasetOr(ev, ds), level)
	return true
}

// finishLogged completes a record a library's logger wrote: its logger, its message (also
// error.message on an error), its dataset and level.
func finishLogged(ev *event.Event, logger, msg, ds, level string) {
	ev.SetString(event.FieldLogLogger, logger)
	ev.SetString(pu.FieldLogMessage, msg)
	if level == pu.Error {
		ev.SetString(event.FieldErrorMsg, msg)
	}
	pu.Finish(ev, ds, level)
}

// DatasetKibana is Kibana's own log.
const DatasetKibana = "kibana.log"

// kibanaLegacy reads Kibana 7's legacy text layout (logging.json: false): "  log   [15:11:48.925]
// [error][eventLog][plugins] error writing bulk events: ...", the event's type padded, the time
// of day, its tags, the first of which is the level for a log event ("error" for an error
// event); the other tags are the logger, joined by dots.
func kibanaLegacy(s string, r *Line) bool {
	t := strings.TrimLeft(s, " ")
	typ, _, ok := strings.Cut(t[:min(len(t), 12)], " ")
	if !ok || typ != "log" && typ != "error" && typ != "warning" && typ != "ops" && typ != "response" && typ != "request" {
		return false
	}
	rest := strings.TrimLeft(t[len(typ):], " ")
	if len(rest) < 16 || rest[0] != '[' || rest[13] != ']' || rest[3] != ':' || rest[6] != ':' || rest[9] != '.' {
		return false
	}
	rest = strings.TrimLeft(rest[14:], " ")
	var tags []string
	for strings.HasPrefix(rest, "[") {
		end := strings.IndexByte(rest, ']')
		if end < 2 || strings.IndexByte(rest[1:end], ' ') >= 0 {
			break
		}
		tags = append(tags, rest[1:end])
		rest = rest[end+1:]
	}
	if len(tags) == 0 || !strings.HasPrefix(rest, " ") {
		return false
	}
	if lv, isLevel := pu.Level(tags[0]); isLevel && tags[0] == strings.ToLower(tags[0]) {
		r.Level, tags = lv, tags[1:]
	} else if typ == "error" {
		r.Level = pu.Error
	}
	r.Logger, r.Msg = strings.Join(tags, "."), rest[1:]
	return true
}

// jobStamp reads the time a job's launcher writes before each line of its processes' output
// ("2026-08-31 12:27:50 ", with or without a fraction), before Open MPI's "[host:pid] ": s is
// that time and the spaces after it.
func jobStamp(s string) (time.Time, bool) {
	t, n, ok := pu.RFC3339(s)
	return t, ok && n < len(s) && strings.TrimLeft(s[n:], " ") == ""
}

// langChainError reads LangChain's console tracer's line of a run that failed: "[llm/error]",
// "[chain/error]", "[tool/error]" or "[retriever/error]", the run's path ("[1:llm:openai]"),
// its time, then "... run errored with error: <why>". It returns the run's path and why (the
// quotes around it off).
func langChainError(s string) (run, text string, ok bool) {
	slash := strings.IndexByte(s[:min(len(s), len("[retriever/"))], '/')
	if slash < 0 || s[0] != '[' || !strings.HasPrefix(s[slash:], "/error] [") {
		return "", "", false
	}
	switch s[1:slash] {
	case "llm", "chain", "tool", "retriever":
	default:
		return "", "", false
	}
	rest := s[slash+len("/error] ["):]
	run, rest, ok = strings.Cut(rest, "] ")
	if !ok || run == "" {
		return "", "", false
	}
	if _, why, found := strings.Cut(rest, " errored with error:"); found {
		rest = strings.TrimSpace(why)
		if len(rest) > 1 && rest[0] == '"' && rest[len(rest)-1] == '"' {
			rest = rest[1 : len(rest)-1]
		}
	}
	return run, rest, true
}
