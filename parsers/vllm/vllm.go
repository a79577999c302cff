// Package vllm parses the logs of the vLLM inference server, releases 0.4 to the newest: the
// logging header in its variants, the V1 process prefixes, periodic engine stats as numbers,
// request lifecycle lines (with the prompt kept out of the output by default), uvicorn access
// lines, and grouped Python tracebacks, with CUDA out-of-memory, dead-engine and NCCL failures
// recognised. It reads lines by their structure with hand-written scanning, no regular
// expressions, so that real lines of versions it has not seen still parse.
package vllm

import (
	"cmp"
	"strings"
	"time"

	"github.com/sluice-dev/sluice/parsers"
	"github.com/sluice-dev/sluice/parsers/cri"
	"github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/parsers/uvicorn"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// Info registers the parser; it takes the prompt options of the processor that runs it.
var Info = parsers.Info{
	Name:        "vllm",
	Description: "vLLM server logs (0.4 and later, V0 and V1), uvicorn access lines and Python tracebacks",
	New: func(o parsers.Options) parsers.Parser {
		return New(Options{Prompts: PromptMode(o.Prompts), PromptMaxLength: o.PromptMaxLength})
	},
	Fields: Fields,
}

// Parser parses vLLM lines. It holds only its options and is safe for concurrent use.
type Parser struct {
	opt Options
}

// New returns a parser; zero options mean prompts: hash.
func New(o Options) *Parser {
	if o.Prompts == "" {
		o.Prompts = PromptsHash
	}
	if o.PromptMaxLength <= 0 {
		o.PromptMaxLength = DefaultPromptMaxLength
	}
	return &Parser{opt: o}
}

// Parse recognises a vLLM line (or a traceback grouped by the parse processor) and sets its
// fields. The message loses ANSI colours, and the prompt of a "Received request" line is
// replaced as the options say; nothing else of it changes.
func (p *Parser) Parse(ev *event.Event) bool {
	msg := ev.Message()
	first, _, _ := strings.Cut(msg, "\n")
	l := Split(first)
	return unrepeated(ev, msg, l.Proc, p.parse(ev, msg, l))
}

// unrepeated leaves out of log.message the count Ray's log deduplication appends to a line several
// actors wrote under their prefixes ("cudaDriverVersion 12020 [repeated 4x across cluster] (Ray
// deduplicates logs by default. ...)"), as pylog does for Ray's own lines. It returns parsed.
func unrepeated(ev *event.Event, msg, proc string, parsed bool) bool {
	if !parsed || proc == "" || !strings.Contains(msg, "x across cluster]") {
		return parsed
	}
	if m, ok := ev.GetString(parseutil.FieldLogMessage); ok {
		if u := Unrepeated(m); len(u) < len(m) {
			ev.SetString(parseutil.FieldLogMessage, u)
		}
	}
	return parsed
}

// ParseSplit is Parse for a caller that has taken the first line apart already: msg must be
// ev.Message() and l Split of msg up to its first '\n'. The parse processor splits every line
// to group tracebacks; handing the result over saves splitting it and looking the message up
// again. l is not changed.
func (p *Parser) ParseSplit(ev *event.Event, msg string, l *Line) bool {
	return unrepeated(ev, msg, l.Proc, p.parse(ev, msg, *l))
}

func (p *Parser) parse(ev *event.Event, msg string, l Line) bool {
	if l.FastChat {
		return false // FastChat's stderr logger's record (a vLLM worker's traceback in it too): pylog reads it
	}
	first, rest, multi := strings.Cut(msg, "\n")
	if !l.Stamp.IsZero() && (!ev.Has(event.FieldTimestamp) || l.StampShown) {
		ev.SetTimestamp(l.Stamp) // the runtime's time, as the framing parsers would set it
	}
	if l.Header == "" && l.Proc == "" && multi && strings.HasPrefix(rest, "    at ") && len(rest) > 8 && rest[7] != ' ' {
		// a JavaScript error with its V8 frames under it ("TypeError: fetch failed", "    at
		// Object.fetch (node:internal/deps/undici/undici:11457:11)"), a class Python has too:
		// the nodejs parser reads it, its cause and stack
		return false
	}
	if l.Header == "" && p.library(ev, &l, msg, first, rest) {
		return true
	}
	if l.Header == "" && (maybeWarning(l.Body) && parsePyWarning(ev, &l) || !multi && parseProgress(ev, &l)) {
		setMessage(ev, msg, first, l.Text, rest)
		setProcess(ev, &l)
		if !ev.Has(event.FieldTimestamp) && !ev.Meta.Received.IsZero() {
			ev.SetTimestamp(ev.Meta.Received)
		}
		return true
	}
	if l.Header == "" && (!multi && (rayActor(l.ProcName) && !plainLine(l.Body) || libraryLogging(l.Body)) ||
		// Ray core's record with a task's traceback under it ("(EngineCore_0 pid=5) 2025-08-07
		// 04:48:56,523	ERROR worker.py:427 -- Unhandled error ...: ray::X() (pid=...)")
		l.Proc != "" && multi && libraryLogging(l.Body) && strings.Contains(l.Body[:min(len(l.Body), 80)], " -- ") ||
		// SGLang's scheduler crashing in a Ray actor ("(SGLangEngine pid=952, ip=...) [2025-11-06
		// 01:16:21 TP0] Scheduler hit an exception: Traceback ..."): pylog reads SGLang's prefix
		l.Proc != "" && multi && sglangRecord(l.Body) ||
		l.Proc != "" && serveRecord(l.Body) && (multi || !rayActor(l.ProcName)) ||
		multi && rayActor(l.ProcName) && serveRecord(l.Body) ||
		// logging.basicConfig's record with its traceback under a Ray actor's prefix
		// ("(ServeReplica:... pid=526) ERROR:__main__:Traceback (most recent call last):")
		l.Proc != "" && multi && strings.HasSuffix(l.Body, ":"+TracebackHeader) && basicConfig(l.Body) ||
		// or logger.exception's under it ("(APIServer pid=325350) ERROR:root:Background task
		// failed: ...", then its "Traceback (most recent call last):")
		l.Proc != "" && multi && basicConfig(l.Body) && strings.Contains(rest[:min(len(rest), 96)], TracebackHeader)) {
		// Ray Serve's own logger, or a library's Python logging under vLLM's process prefix
		// (FlashInfer, LMCache): pylog reads them, and Ray Serve's record with the traceback
		// under it ("ERROR 2025-06-11 13:15:51,444 controller 45327 -- Exception in Replica(...)")
		return false
	}
	if (l.Proc == "" || l.RankOnly) && l.Header == "" {
		if multi && (sglangRecord(l.Body) || strings.Contains(l.Body[:min(len(l.Body), 48)], "] [TRT-LLM] [")) {
			// TensorRT-LLM's Python logger's "[E] ... Traceback (most recent call last):": the
			// tagged parser reads its header and the traceback under it
			// (SGLang's "[2025-04-23 21:31:41 TP2] Scheduler hit an exception: Traceback ...":
			// pylog reads its prefix, the rank that failed)
			return false
		}
		if l.Body == SegfaultBanner && !multi {
			// tvm-ffi's banner alone (its frames cut off): the process dies of the signal
			return lineAlone(ev, msg, first, rest, &l, "critical", "Segfault encountered", "")
		}
		if f, ok := strings.CutPrefix(l.Body, fatalPrefix); ok && !multi && f != "" {
			// faulthandler's first line alone (its threads' stacks elsewhere or not written):
			// the interpreter dies of it
			return lineAlone(ev, msg, first, rest, &l, "critical", f, "")
		}
		if !multi && (AsyncioReport(l.Body) || childProcessLine(l.Body)) {
			// asyncio's default handler's report (logged at ERROR) seen without its context
			// and traceback, or multiprocessing's line over a child's uncaught exception
			// ("Process SpawnProcess-1:", BaseProcess._bootstrap) without its traceback: the
			// error stands, what it was about is not here
			return lineAlone(ev, msg, first, rest, &l, "error", l.Body, "")
		}
		if d, ok := pydanticErrorAlone(l.Body); ok && !multi {
			// a pydantic ValidationError's error line where an excerpt or a cut log has it
			// without the exception over it ("Value error, The quantization method mxfp4 is not
			// supported for the current GPU. ... [type=value_error, ...]", vLLM refusing its
			// config): the failure it says, as in the exception's message
			return lineAlone(ev, msg, first, rest, &l, "error", d, Classify(d))
		}
		if HubRefusal(l.Body) && (!multi || HubRefusal(strings.TrimRight(rest, "\n"))) {
			// the Hub's reason under its HTTP error ("Access to model meta-llama/... is
			// restricted. You must have access to it and be authenticated to access it. Please
			// log in."), where an excerpt or a cut log has it without the exception's line (the
			// file it wanted on the line above it, as the parse processor joins them): the
			// failure it says
			em := l.Body
			if multi {
				em += "\n" + strings.TrimRight(rest, "\n")
			}
			return lineAlone(ev, msg, first, rest, &l, "error", em, KindModelAccess)
		}
		if hsaFault(l.Body) || strings.HasPrefix(l.Body, "Failed: Cuda error ") || strings.HasPrefix(l.Body, "Failed: CUDA error ") ||
			customAllReduceCheck(l.Body) || strings.Contains(l.Body, "hipErrorNoBinaryForGpu: ") ||
			strings.HasPrefix(l.Body, "CUDA Error: ") ||
			strings.HasPrefix(l.Body, "Collective WorkNCCL(") && strings.Contains(l.Body, ") raised the following async exception: ") {
			// the ROCm runtime's last words before it aborts the process: an error of the GPU's,
			// whichever program ran on it (the dataset is the source's); so is the CUDACHECK of
			// vLLM's custom all-reduce kernels, printed before exit(1) ("Failed: Cuda error
			// /workspace/csrc/custom_all_reduce.cuh:594 'an illegal memory access was
			// encountered'"): a worker's, under the engine's EngineDeadError; DeepEP's CUDA_CHECK
			// the same in capitals ("Failed: CUDA error .../deep_ep.cpp:89 '...'"); and flashinfer's
			// "CUDA Error: an illegal memory access was encountered (CUDA Error: 700...) (<file>)";
			// and the error torch's NCCL process group found on a collective, its what() printed
			// alone ("Collective WorkNCCL(SeqNum=2, OpType=ALLREDUCE, ...) raised the following
			// async exception: NCCL error: unhandled system error ..."); and the HIP runtime's
			// on an AMD GPU its image has no code object for, before it aborts
			// ("hipErrorNoBinaryForGpu: Unable to find code object for all current devices!",
			// ROCclr's "hip_code_object.cpp:120: guarantee(false && \"hipErrorNoBinaryForGpu: ...\")")
			setMessage(ev, msg, first, l.Text, rest)
			ev.SetString(event.FieldLogLevel, "error")
			ev.SetString(event.FieldErrorMsg, l.Body)
			ev.SetString(FieldErrorKind, cmp.Or(Classify(l.Body), KindCUDA))
			setRanks(ev, &l)
			return true
		}
		if !multi && strings.HasPrefix(l.Body, " ") && strings.HasPrefix(strings.TrimLeft(l.Body, " "), "Received request ") {
			l.Body = strings.TrimLeft(l.Body, " ") // (a paste that cut the header before the space after it)
		}
		if !multi && strings.HasPrefix(l.Body, "Received request ") && strings.Contains(l.Body, ": prompt: ") &&
			(strings.Contains(l.Body, "SamplingParams(") || strings.Contains(l.Body, "PoolingParams(")) {
			// vLLM's request line without its logging header (a paste that kept the message
			// alone, a handler that writes it so: "Received request 6f70...: prompt: 'San
			// Francisco is a', sampling params: SamplingParams(...)", an embedding's "params:
			// PoolingParams(...)"): its prompt is user data, replaced as the options say, its
			// request read
			msg = setMessage(ev, msg, first, l.Text, rest)
			p.setTime(ev, &l)
			p.body(ev, l.Body, msg, len(l.Text))
			setLogMessage(ev, &l, msg)
			ev.SetString(event.FieldDataset, DatasetServer)
			return true
		}
		if strings.HasPrefix(l.Body, "DeepEP timeout check failed: ") {
			// DeepEP's kernel on an expert-parallel rank whose all-to-all over RDMA timed out
			// ("DeepEP timeout check failed: rank = 7, thread = 0, value = 1024)"): the server's
			// requests hang or fail after it
			setMessage(ev, msg, first, l.Text, rest)
			p.setTime(ev, &l)
			setProcess(ev, &l)
			ev.SetString(event.FieldLogLevel, "error")
			ev.SetString(event.FieldErrorMsg, l.Body)
			setRanks(ev, &l)
			ev.SetString(event.FieldDataset, LibraryDataset(ev, l.Proc != "" && !l.RankOnly, "generic"))
			return true
		}
		if (!multi || !isTraceStart(l.Body, rest)) && !IsFrameLine(l.Body) && !(multi && (IsGroupFrameLine(l.Body) || IsGroupCodeLine(l.Body))) &&
			!(multi && frameCodeFirst(l.Body, rest)) && !(l.RankOnly && multi) &&
			!(multi && AsyncioReport(l.Body) && strings.Contains(rest, TracebackHeader)) &&
			!(multi && ExceptionOpener(l.Body) && strings.HasPrefix(rest, TracebackHeader)) {
			if !IsBareException(l.Body) || !IsGPUException(l.Body) && nvidiaFailure(l.Body) {
				return false // an NVIDIA user-space failure's dataset is the GPU stack's
			}
			// "torch.OutOfMemoryError: CUDA out of memory. ..." with no traceback before it
			// (an excerpt, a program that prints only the exception), and the further lines of
			// its message: an error, whichever program wrote it (the dataset is the source's)
			setMessage(ev, msg, first, l.Text, rest)
			ev.SetString(event.FieldLogLevel, "error")
			if multi && ChainedAfter(rest) {
				// the cause of a chained traceback printed bare (an exception with no frames, one
				// a worker process sent back: "IndexError: ...", then "The above exception was
				// the direct cause of the following exception:"): the traceback after it ends
				// in the exception finally raised
				SetTraceback(ev, l.Body+"\n"+rest)
			} else {
				setErrorLine(ev, l.Body, rest, "error")
			}
			setRanks(ev, &l) // "[rank2]: torch.OutOfMemoryError: ..."
			return true
		}
		// A bare Python traceback, or a fragment of one whose header came earlier: no sign of
		// which program wrote it, so the dataset is left to the parse processor (from the
		// source).
		setMessage(ev, msg, first, l.Text, rest)
		ev.SetString(event.FieldLogLevel, "error")
		SetTraceback(ev, l.Body+"\n"+rest)
		setRanks(ev, &l) // a rank's uncaught exception under "[rank0]: ", torch 2.4 and later
		return true
	}
	msg = setMessage(ev, msg, first, l.Text, rest)
	p.setTime(ev, &l)
	setProcess(ev, &l)
	lv := l.Level // "" when the line states none: no level is made up (rules may set one)
	if lv == "" && strings.HasPrefix(l.Body, "Warning: ") {
		lv = "warning" // a library's own word under the prefix: Hugging Face Hub's "Warning: You are sending unauthenticated requests ..."
	}
	tagLen := 0 // a bracketed level's length, not the error's words
	if lv == "" && l.Header == "" && l.Proc != "" && len(l.Body) > 8 && l.Body[0] == '[' {
		// a library's bracketed level under the prefix (CANN's TBE compiler under a Ray worker:
		// "(RayWorkerWrapper pid=597889) [ERROR] TBE Subprocess[task_distribute] raise error[],
		// main process disappeared!"): the level it states
		if lv = bracketLevel(l.Body); lv != "" {
			tagLen = strings.IndexByte(l.Body, ']') + 2
			if strings.HasPrefix(l.Body[tagLen-1:], ": ") {
				tagLen++
			}
			if _, m, ok := CANNPrefix(l.Body[min(tagLen, len(l.Body)):]); ok {
				tagLen = len(l.Body) - len(m) // torch_npu's time and context before the CANN error's code
			}
		}
	}
	component, container := "", ""
	if l.Uvicorn {
		// another serving component's uvicorn (the production-stack router's), by its container
		container = parseutil.Container(ev) // its name (from the path, Filebeat), a Docker container's image
		component = parseutil.ServingComponentOf(container)
	}
	if l.Uvicorn && l.Level == "info" && !multi {
		if a, ok := uvicorn.Split(l.Body); ok {
			a.Set(ev)
			ds := datasetOf(component, DatasetAccess, ".access")
			if component == "" && otherService(container, a.Path) && !apiServer(l.ProcName) {
				// (under vLLM's API server's prefix the route is vLLM's, one it added or a
				// plugin's: "(APIServer pid=1) INFO: ... "POST /update_weights ...")
				ds = DatasetUvicornAccess
			}
			ev.SetString(event.FieldDataset, ds)
			ev.SetString(event.FieldLogLevel, uvicorn.StatusLevel(a.Status))
			return true
		}
	}
	if l.Header != "" && !multi && (l.File == "httptools_impl.py" || l.File == "h11_impl.py") {
		if a, ok := uvicorn.Split(l.Body); ok {
			// uvicorn's access logger through vLLM's formatter (NVIDIA NIM's: "INFO 02-20
			// 21:55:06.801 httptools_impl.py:481] 10.28.1.1:49414 - "GET /v1/health/live
			// HTTP/1.1" 200"): an access line, its level the status's
			a.Set(ev)
			ev.SetString(event.FieldDataset, datasetOf(component, DatasetAccess, ".access"))
			ev.SetString(event.FieldLogLevel, uvicorn.StatusLevel(a.Status))
			ev.SetString(event.FieldOriginFile, l.File)
			ev.Set(event.FieldOriginLine, event.Int(l.FileLine))
			return true
		}
	}
	ds := datasetOf(component, DatasetServer, ".server")
	if b, ok := strings.CutPrefix(l.Body, "Routing request "); ok && component == "vllm_router" {
		// production-stack's router before its own format (0.1.0, uvicorn's "INFO:     "):
		// "Routing request <id> to http://10.0.0.5:8000 at ...", the request's X-Request-Id
		if id, _, ok := strings.Cut(b, " "); ok && id != "" && len(id) <= 128 {
			ev.SetString(parseutil.FieldHTTPRequestID, id)
		}
	}
	if l.Header == "" && otherActor(ev, l.ProcName) {
		// another program's Ray actor printing plain text in a container not named for vLLM
		// (verl's "(TaskRunner pid=1419)" in KubeRay's ray-head): its, not vLLM's
		ds = "generic"
	}
	if (l.Header == "" || l.Uvicorn) && l.ProcName == "" && strings.HasPrefix(l.Proc, "(pid=") && !vllmContainer(ev) {
		// a Ray task's plain print ("(pid=9454, ip=10.164.0.9) jax runtime initialization
		// starting") in a container not named for vLLM: the source's program's (KubeRay's
		// ray-head: ray.core), as the parse processor gives it; so too uvicorn's line there
		// (Ray 1.x's Serve proxy: "(pid=125020) INFO:     Started server process [125020]")
		ds = ""
	}
	if RayServeControl(l.ProcName) || l.Header == "" && rayActor(l.ProcName) {
		// what Ray Serve's own actors print (a traceback under their prefix), and a replica's
		// plain text, its application's (vLLM's own lines have vLLM's header)
		ds = DatasetRayServe
	}
	if l.Uvicorn && component == "" && l.Proc == "" && container != "" && !ServerContainer(container) {
		// uvicorn's own line ("ERROR:    Exception in ASGI application") in a container not
		// named for vLLM: any FastAPI service writes it, so the source's dataset is its
		// program's (the parse processor's: vllm.server after vLLM's lines)
		ds = ""
	}
	if ds != "" {
		ev.SetString(event.FieldDataset, ds)
	}
	if l.File != "" {
		ev.SetString(event.FieldOriginFile, l.File)
		ev.Set(event.FieldOriginLine, event.Int(l.FileLine))
	}
	if multi && isTraceStart(l.Body, rest) || IsFrameLine(l.Body) || multi && (IsGroupFrameLine(l.Body) || IsGroupCodeLine(l.Body)) ||
		strings.Contains(rest, "Traceback (most recent call last):") ||
		multi && frameCodeFirst(l.Body, rest) || l.Body == TracebackHeader || multi && RayCreationTaskError(l.Body) ||
		RayUnhandledError(l.Body) {
		if l.Level == "" || l.Level == "info" || l.Level == "debug" && l.Header == "" {
			// (a record at DEBUG under its header is logger.debug(..., exc_info=True): a
			// fallback the program took on purpose, its traceback for the curious, at its level)
			lv = "error"
		}
		if strings.HasPrefix(l.Body, fatalPrefix) || l.Body == SegfaultBanner || faultDump(l.Body+"\n"+rest) {
			lv = "critical" // faulthandler's dump, whole or from a thread's stack on; tvm-ffi's
		}
		SetTraceback(ev, l.Body+"\n"+rest)
		em, hasMsg := ev.GetString(event.FieldErrorMsg)
		if !hasMsg && l.Header != "" && l.Body != TracebackHeader && !IsFrameLine(l.Body) &&
			!strings.Contains(l.Body, TracebackHeader) && !ChainMarker(l.Body) && !MarkerRow(l.Body) {
			if !ev.Has(event.FieldErrorType) {
				// "Error in preprocessing prompt inputs" over a traceback cut before its exception:
				// the record's own words say what failed (an exception line's, its class), and
				// the lines a message ending in ": " announces, up to the traceback
				more := ""
				if strings.HasSuffix(l.Body, ": ") {
					more = rest
				}
				setErrorLine(ev, l.Body, more, lv)
			} else if !strings.HasPrefix(l.Body, "  ") {
				// an exception without a message ("Engine background task failed" over V0's
				// asyncio.exceptions.CancelledError): the record's words are the message (not a
				// frame's source or carets, where a fragment read from its middle opens)
				ev.SetString(event.FieldErrorMsg, l.Body)
			}
			em, _ = ev.GetString(event.FieldErrorMsg)
		}
		if !ev.Has(FieldRequestID) {
			// the request the failure names: the record's words, or the exception's (the engine's
			// "KeyError: 'chatcmpl-2fdd...'" for the request it lost)
			if id := mentionedID(l.Body); id != "" {
				SetRequestID(ev, id)
			} else if id := mentionedID(em); id != "" {
				SetRequestID(ev, id)
			}
		}
	} else if l.Header == "" && lv == "" && multi && TritonPrint(l.Body) {
		// Triton's print of the kernel ptxas could not compile, before it raises PTXASError (the
		// parse processor joins its lines): the error, ptxas's own words its message
		lv = "error"
		msg := l.Body
		if _, q, ok := strings.Cut(rest, ptxasStderr+"\n"); ok {
			q, _, _ = strings.Cut(q, "\nRepro command: ")
			if q = strings.TrimSpace(q); q != "" {
				msg = q
			}
		}
		ev.SetString(event.FieldErrorMsg, msg)
		if k := Classify(msg); k != "" {
			ev.SetString(FieldErrorKind, k)
		}
	} else if l.Header == "" && lv == "" && RayCreationTaskError(l.Body) {
		lv = "error"
		ev.SetString(event.FieldErrorMsg, Unrepeated(l.Body[len(rayCreationTask):]))
	} else if (l.Header == "" || l.Level == "") && lv == "" && IsBareException(l.Body) && (IsGPUException(l.Body) || !nvidiaFailure(l.Body)) {
		// a traceback's exception line under a process prefix, its frames cut off or in an
		// event of their own ("(ServeReplica:default:LLMDeployment pid=14262)
		// vllm.v1.engine.exceptions.EngineDeadError: EngineCore encountered an issue. ..."), or
		// after the file a paste cut the header down to
		lv = "error"
		setErrorLine(ev, l.Body, rest, "error")
	} else if l.Header != "" && multi && NativeStackStart(l.Body) && (lv == "error" || lv == "critical") {
		// the C++ stack of a torch error the record's exception quotes, read from inside it
		// ("ERROR 03-20 09:26:31 [core.py:1008] frame #15: ..." and the frames after it): the
		// stack and the class its frames name, no message of its own
		stack := strings.TrimRight(l.Body+"\n"+rest, "\n ")
		ev.SetString(event.FieldErrorStack, stack)
		if k := Classify(stack); k != "" {
			ev.SetString(FieldErrorKind, k)
		}
	} else {
		b := p.body(ev, l.Body, msg, len(l.Text))
		if lv == "error" || lv == "critical" || lv == "warning" {
			more := ""
			if strings.Contains(b[:min(len(b), 48)], "Error: NCCL error") {
				// the record an excerpt or a rotation opens at the exception's line, torch's
				// NCCL failure (DistBackendError, RuntimeError before torch 2.2): NCCL's last
				// error on the lines under it, as under its traceback
				more = rest
			}
			setErrorLine(ev, b[min(tagLen, len(b)):], more, lv)
			if k := Classify(rest); rest != "" && k != "" && lv != "warning" && !ev.Has(FieldErrorKind) {
				// the record's text under its first line ("ACLgraph sizes capture fail:
				// RuntimeError:", the exception's text and CANN's report under the same header)
				ev.SetString(FieldErrorKind, k)
			}
			if !ev.Has(FieldRequestID) {
				if id := mentionedID(b); id != "" {
					SetRequestID(ev, id)
				}
			}
		} else if lv == "" && l.Level == "" && l.Header != "" && Classify(b) != "" {
			// a failure vLLM names under a header a paste cut down to its file (V0's
			// "scheduler.py:648] Input prompt (36893 tokens) is too long and exceeds limit of
			// 1000"): its class; its level went with the header (a rare line: classed twice)
			ev.SetString(FieldErrorKind, Classify(b))
		} else if lv == "" && l.Header == "" && l.Proc != "" && Classify(b) == KindEngineDead {
			// the engine's death in a layout without level or time, under its process's prefix
			// ("(EngineCore_DP0 pid=48) Worker proc VllmWorker-0 died unexpectedly, shutting down
			// executor."): its class, which fails the requests in flight; no level made up
			ev.SetString(FieldErrorKind, KindEngineDead)
		} else if kvTransferFile(l.File) && !ev.Has(FieldRequestID) {
			// the KV-transfer connectors' and the scheduler's lines about a request's KV cache,
			// which say what happened to it between prefill and decode
			if id := mentionedID(b); id != "" {
				setID(ev, id)
			}
		}
	}
	if lv == "" && !multi && l.Header == "" && childProcessLine(l.Body) {
		// the same line under the child's own prefix ("(EngineCore_DP0 pid=494) Process
		// EngineCore_DP0:"), its traceback cut off: the child died of it
		lv = "error"
		ev.SetString(event.FieldErrorMsg, l.Body)
	}
	if lv != "" {
		ev.SetString(event.FieldLogLevel, lv)
	}
	setLogMessage(ev, &l, msg)
	if m, ok := ev.GetString(parseutil.FieldLogMessage); ok && l.Header == "" && strings.HasPrefix(m, aiterTag) {
		// AITER's own logger under the process prefix ("[%(name)s] %(message)s": "(Worker_TP3_EP3
		// pid=891) [aiter] import [module_moe_sorting] under ..."), ROCm's kernels in vLLM
		ev.SetString(event.FieldLogLogger, "aiter")
		ev.SetString(parseutil.FieldLogMessage, m[len(aiterTag):])
	}
	return true
}

// aiterTag opens the lines of AITER's logger.
const aiterTag = "[aiter] "

// setLogMessage sets log.message, the record's message without vLLM's header and process
// prefix, as every parser does: the first line's body, as the event's message now has it (a
// prompt or a token dump replaced when the options say). When the message was rewritten and its
// header cannot be found in it as read, none is set rather than the unrewritten text.
func setLogMessage(ev *event.Event, l *Line, msg string) {
	m := ev.Message()
	first, _, _ := strings.Cut(m, "\n")
	var body string
	if off := len(l.Text) - len(l.Body); off >= 0 && off <= len(first) && l.Text[off:] == l.Body && first[:off] == l.Text[:off] {
		body = first[off:]
	} else if m == msg {
		body = l.Body
	}
	if body = strings.TrimRight(body, " "); body != "" {
		if fragmentStart(body) {
			body = fragmentMessage(ev, body)
		}
		ev.SetString(parseutil.FieldLogMessage, body)
	} else if _, rest, ok := strings.Cut(m, "\n"); ok && l.Body == "" {
		// a record whose message opens with a line break (vLLM's banner: its logo, the version
		// and the model beside it): its lines, their headers left out as the group has them
		if rest = strings.Trim(rest, "\n"); strings.TrimSpace(rest) != "" {
			ev.SetString(parseutil.FieldLogMessage, rest)
		}
	}
}

// lineAlone completes the event of a failure's line read without the lines around it (a cut
// log, an excerpt): its message, the level, what failed, its class when it names one, its
// ranks. It returns true, the line taken.
func lineAlone(ev *event.Event, msg, first, rest string, l *Line, level, errMsg, kind string) bool {
	setMessage(ev, msg, first, l.Text, rest)
	ev.SetString(event.FieldLogLevel, level)
	ev.SetString(event.FieldErrorMsg, errMsg)
	if kind != "" {
		ev.SetString(FieldErrorKind, kind)
	}
	setRanks(ev, l)
	return true
}

// fragmentMessage is the message of a traceback read from its middle (an excerpt, a file that
// starts there), its first line body a frame, a source line or carets: its exception, "Type:
// message", when the event names one; else body.
func fragmentMessage(ev *event.Event, body string) string {
	typ, ok := ev.GetString(event.FieldErrorType)
	if !ok {
		return body
	}
	em, _ := ev.GetString(event.FieldErrorMsg)
	em, _, _ = strings.Cut(em, "\n")
	return strings.TrimSuffix(typ+": "+em, ": ")
}

// fragmentStart reports whether b, a record's first line, is a traceback's inner line: a frame,
// a source line under one (indented), or the carets under that.
func fragmentStart(b string) bool {
	return IsFrameLine(b) || strings.HasPrefix(b, "    ") || strings.Trim(b, " ^~") == ""
}

// ExceptionOpener reports whether b is how a logger.exception call's message usually opens
// ("Error in chat completion stream generator.", "Exception in ASGI application", "Error trying
// to handle streaming tool call."): after an exception line, another record's first line rather
// than the exception's message going on; over a traceback without a logging header, the
// message of the record whose traceback it is.
func ExceptionOpener(b string) bool {
	switch strings.TrimRight(b, " ") {
	case "WorkerProc hit an exception.", "EngineCore encountered a fatal error.":
		// vLLM's own logger.exception messages, a worker's and the engine core's (a terminal's
		// padding after them)
		return true
	}
	return strings.HasPrefix(b, "Error in ") || strings.HasPrefix(b, "Exception in ") ||
		// (the OpenTelemetry SDK's batch processor: "Exception while exporting Span batch.")
		strings.HasPrefix(b, "Exception while ") ||
		strings.HasPrefix(b, "Error trying to ") || strings.HasPrefix(b, "Error while ") ||
		strings.HasPrefix(b, "Error during ") || strings.HasPrefix(b, "Error when ")
}

// AsyncioContext reports whether b is one of the lines asyncio's default exception handler
// writes under its message, one per item of the handler's context ("future: <Task finished
// name='Task-85' coro=<...> exception=TimedOut('Timed out')>", "handle: <Handle ...>"), before the
// traceback (Lib/asyncio/base_events.py): the record is one logger.error call.
func AsyncioContext(b string) bool {
	for _, k := range [...]string{"future: <", "task: <", "handle: <", "transport: <", "protocol: <", "socket: <", "asyncgen: <"} {
		if strings.HasPrefix(b, k) {
			return true
		}
	}
	return false
}

// AsyncioReport reports whether b opens the report asyncio's default exception handler logs
// (logger.error, printed bare without a logging configuration): "Exception in callback
// _raise_exception_on_finish(...) at .../engine.py:63", "Task exception was never retrieved",
// then its context ("handle: <Handle ...>", "future: <Task ...>") and the traceback.
func AsyncioReport(b string) bool {
	return strings.HasPrefix(b, "Exception in callback ") || b == "Task exception was never retrieved" ||
		b == "Future exception was never retrieved" || strings.HasPrefix(b, "Task was destroyed but it is pending!")
}

// customAllReduceCheck reports whether b is the CUDACHECK of vLLM's custom all-reduce in its
// form before 2024's "Cuda error" ("Failed: /workspace/csrc/custom_all_reduce.cuh:368 'invalid
// argument'"), printed before the worker exits.
func customAllReduceCheck(b string) bool {
	loc, ok := strings.CutPrefix(b, "Failed: ")
	if !ok {
		return false
	}
	loc, msg, ok := strings.Cut(loc, " '")
	return ok && strings.HasSuffix(msg, "'") && strings.Contains(loc, "custom_all_reduce") && strings.Contains(loc, ".cu")
}

// vllmContainer reports whether the event's container, if it names one, is named for vLLM.
func vllmContainer(ev *event.Event) bool {
	c := parseutil.Container(ev)
	return c == "" || ServerContainer(c)
}

// rayCreationTask opens what Ray prints for an actor whose constructor raised, under the actor's
// prefix, with the remote traceback under it: "(ServeReplica:default:LLMRouter pid=1829, ...)
// Exception raised in creation task: The actor died because of an error raised in its creation
// task, ray::SERVE_REPLICA::...".
const rayCreationTask = "Exception raised in creation task: "

// RayCreationTaskError reports whether b opens Ray's report of an actor's failed creation.
func RayCreationTaskError(b string) bool { return strings.HasPrefix(b, rayCreationTask) }

// rayActor reports whether a process prefix names one of Ray Serve's actors, whose lines
// without a vLLM header are Ray Serve's logger's ("(ServeReplica:default:VLLMDeployment
// pid=1234) INFO 2024-11-18 01:46:34,210 ...").
func rayActor(name string) bool {
	return strings.HasPrefix(name, "ServeReplica:") || RayServeControl(name)
}

// RayServeControl reports whether name is one of Ray Serve's own actors, which run no vLLM (a
// replica runs the deployment, vLLM's engine in Ray Serve LLM).
func RayServeControl(name string) bool {
	return name == "ServeController" || name == "ProxyActor" || name == "HTTPProxyActor"
}

// plainLine reports whether b, a line under a Ray actor's prefix, is plain text that no logging
// format frames ("Device set to use cuda:0"): it is read here, with the actor's prefix, rather
// than left for pylog, which takes only its formats.
func plainLine(b string) bool {
	if b == "" || libraryLogging(b) || strings.HasPrefix(b, "[") {
		return false
	}
	w, _, _ := strings.Cut(b[:min(len(b), 12)], " ")
	switch w {
	case "DEBUG", "INFO", "WARNING", "WARN", "ERROR", "CRITICAL":
		return false // a level first: Ray Serve's and other formats' records
	}
	return !(b[0] >= '0' && b[0] <= '9')
}

// serveRecord reports whether b opens a record of Ray Serve's logger: its level, then the date
// ("ERROR 2025-06-11 13:15:51,444 controller 45327 -- ...").
func serveRecord(b string) bool {
	w, rest, ok := strings.Cut(b[:min(len(b), 12)], " ")
	switch w {
	case "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL":
		return ok && rest != "" && rest[0] >= '1' && rest[0] <= '2'
	}
	return false
}

// DatasetRayServe is Ray Serve's dataset (pylog's, for its own format).
const DatasetRayServe = "ray.serve"

// libraryLogging reports whether b, a line under vLLM's process prefix without vLLM's header,
// starts with a date ("2026-02-02 18:25:03,837 - INFO - ...", "[2025-06-16 15:51:18,474] LMCache
// INFO: ...", oneCCL's), or is Python's basicConfig form ("WARNING:vllm_neuron.worker...:msg", a hardware
// plugin's): a library logging through its own format rather than vLLM's.
func libraryLogging(b string) bool {
	if basicConfig(b) {
		return true
	}
	if strings.HasPrefix(b, "[HAMI-core ") || strings.HasPrefix(b, "[HAMi-core ") || strings.HasPrefix(b, "[4pdvGPU ") {
		return true // HAMi-core's lines in a workload sharing a GPU (the tagged parser's)
	}
	if len(b) > 28 && b[4] == ':' && b[10] == '-' && b[19] == ':' && strings.Contains(b[19:min(len(b), 40)], ") |CCL_") {
		return true // Intel oneCCL's "2024:09:13-11:21:50:(35347) |CCL_ERROR| ..." (the tagged parser's)
	}
	if tag, rest, ok := strings.Cut(b[:min(len(b), 48)], "]["); ok && len(tag) > 1 && tag[0] == '[' && !strings.ContainsAny(tag, " ]") {
		// a library's "[name][LEVEL]" tags (kvcached's "[kvcached][WARNING][2025-10-25
		// 11:17:27][kv_cache_manager.py:164] ..."): the tagged parser's
		if lv, _, ok := strings.Cut(rest, "]"); ok && level(lv) != "" {
			return true
		}
	}
	b = strings.TrimPrefix(b, "[")
	return len(b) > 19 && b[4] == '-' && b[7] == '-' && b[10] == ' ' && b[13] == ':' &&
		num2(b) >= 0 && num2(b[2:]) >= 0 && num2(b[5:]) >= 0 && num2(b[8:]) >= 0
}

// basicConfig reports whether b is in Python's default logging format, "LEVEL:logger:message"
// (logging.BASIC_FORMAT): a level name, a colon, then a logger's name up to the next colon.
func basicConfig(b string) bool {
	lv, rest, ok := strings.Cut(b[:min(len(b), 128)], ":")
	if !ok || level(lv) == "" {
		return false
	}
	name, _, ok := strings.Cut(rest, ":")
	if !ok || name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// setMessage replaces the message msg (whose first line is first and what follows its '\n'
// rest) when removing colours or '\r' changed its first line, and returns the event's message.
func setMessage(ev *event.Event, msg, first, clean, rest string) string {
	if clean == first {
		return msg
	}
	if rest != "" || strings.HasPrefix(msg[len(first):], "\n") {
		msg = clean + "\n" + StripANSI(rest)
	} else {
		msg = clean
	}
	ev.SetMessage(msg)
	return msg
}

// SetProcess sets the fields of a line's process prefix: process.name and .pid, host.ip (a Ray
// actor's), vllm.process.rank and the parallel ranks.
func SetProcess(ev *event.Event, l *Line) { setProcess(ev, l) }

func setProcess(ev *event.Event, l *Line) {
	if l.Proc == "" {
		if l.PID > 0 {
			ev.Set(event.FieldProcessPID, event.Int(l.PID)) // a header that gives it (%(process)d)
		}
		return
	}
	if l.ProcName != "" {
		ev.SetString(event.FieldProcessName, l.ProcName)
	}
	if l.PID >= 0 {
		ev.Set(event.FieldProcessPID, event.Int(l.PID))
	}
	if l.IP != "" && uvicorn.IsIP(l.IP) {
		ev.SetString(FieldHostIP, l.IP) // an ip field refuses the document for anything else
	}
	setRanks(ev, l)
}

var parallelFields = [...]string{parDP: FieldDPRank, parPP: FieldPPRank, parTP: FieldTPRank, parEP: FieldEPRank}

func setRanks(ev *event.Event, l *Line) {
	if l.Rank >= 0 {
		ev.Set(FieldRank, event.Int(l.Rank))
	}
	if l.Parallel == noParallel {
		return
	}
	for i, r := range l.Parallel {
		if r >= 0 {
			ev.Set(parallelFields[i], event.Int(r))
		}
	}
}

// kvTransferFile reports whether file (a logging header's) is a KV-transfer connector's
// (NIXL, P2P NCCL, LMCache's, Mooncake's) or the scheduler's, whose info and debug lines name the
// request whose KV cache they move.
func kvTransferFile(file string) bool {
	return file != "" && (strings.Contains(file, "connector") || strings.Contains(file, "scheduler.py") ||
		strings.Contains(file, "p2p_nccl") || strings.Contains(file, "kv_transfer"))
}

// DatasetUvicornAccess is the dataset of the access lines of other uvicorn services.
const DatasetUvicornAccess = "uvicorn.access"

// otherService reports whether an access line is another FastAPI service's than vLLM's: its
// container is known and not named for vLLM, and the path is none of vLLM's API.
// OtherServiceAccess reports whether an access line for path, in the event's container, is
// another FastAPI service's (uvicorn.access) rather than vLLM's: a route vLLM does not serve,
// in a container not named for vLLM nor for another serving component.
func OtherServiceAccess(ev *event.Event, path string) bool {
	container := parseutil.Container(ev)
	return parseutil.ServingComponentOf(container) == "" && otherService(container, path)
}

func otherService(container, path string) bool {
	if container == "" || ServerContainer(container) {
		return false
	}
	return !vllmPath(path)
}

// apiServer reports whether a process prefix's name is vLLM's API server's ("APIServer", and
// "ApiServer_1" of a server run with --api-server-count).
func apiServer(name string) bool {
	return name == "APIServer" || strings.HasPrefix(name, "ApiServer_") || strings.HasPrefix(name, "APIServer_")
}

// vllmPath reports whether path is one of the routes vLLM's OpenAI-compatible server serves.
func vllmPath(path string) bool {
	if strings.HasPrefix(path, "/v1/") || strings.HasPrefix(path, "/v2/") {
		return true
	}
	switch path {
	case "/health", "/metrics", "/ping", "/version", "/tokenize", "/detokenize", "/invocations",
		"/pooling", "/classify", "/score", "/rerank", "/load", "/is_sleeping", "/sleep", "/wake_up",
		"/server_info", "/reset_prefix_cache", "/start_profile", "/stop_profile", "/collective_rpc",
		"/scale_elastic_ep", "/is_scaling_elastic_ep", "/get_tokenizer_info", "/openapi.json", "/docs",
		"/redoc", "/", "/favicon.ico":
		return true
	}
	return false
}

// datasetOf is vLLM's dataset, or a serving component's when its container wrote the line.
func datasetOf(component, vllmDataset, kind string) string {
	if component == "" {
		return vllmDataset
	}
	return component + kind
}

// body reads the message of a one-line record: stats, request lifecycle. Cheap checks on the
// first byte come before any scanning. It returns the body as error.message may show it: b,
// or b with its user data replaced (a scheduler dump's token ids).
func (p *Parser) body(ev *event.Event, b, msg string, lineLen int) string {
	if len(b) < 12 || lifecycle(ev, b) {
		return b
	}
	if t := componentTag(b); t > 0 {
		// vLLM's own lines behind a component's tag (vllm-omni's "[AsyncOmni] Request <id>
		// aborted.", "[Orchestrator] Aborted request(s) ['<id>']")
		if c := b[t:]; len(c) >= 12 && !lifecycle(ev, c) && c[0] == 'R' {
			p.requestLine(ev, c, msg, lineLen)
		}
		return b
	}
	switch {
	case strings.HasPrefix(b, "Loaded new LoRA adapter: name '"), strings.HasPrefix(b, "Removed LoRA adapter: name '"),
		strings.HasPrefix(b, "Resolved and loaded LoRA adapter '"):
		// the adapters loaded and unloaded at run time (/v1/load_lora_adapter, and a LoRA
		// resolver plugin's for a request naming one: "Resolved and loaded LoRA adapter
		// 'adapters/...' using FilesystemResolver"): which one came and went before a wave of 404s
		_, name, _ := strings.Cut(b, " '")
		if j := strings.IndexByte(name, '\''); j > 0 {
			ev.SetString(FieldLoRA, name[:j])
		}
	case strings.HasPrefix(b, "Loading new adapter: id="), strings.HasPrefix(b, "Adding new adapter: id="),
		strings.HasPrefix(b, "Evicting LRU adapter: id="):
		// vllm-omni's diffusion LoRA manager: "Loading new adapter: id=754895523639952378,
		// name=mia_lora"
		if _, name, ok := strings.Cut(b, ", name="); ok {
			if name, _, _ = strings.Cut(name, ","); name != "" && strings.IndexByte(name, ' ') < 0 {
				ev.SetString(FieldLoRA, name)
			}
		}
	case b[0] == 'R' || b[0] == 'G' || b[0] == 'D' && strings.HasPrefix(b, "Diffusion "):
		p.requestLine(ev, b, msg, lineLen)
	case strings.HasPrefix(b, "Dumping scheduler output for model execution: "), strings.HasPrefix(b, "SchedulerOutput("):
		return p.schedulerDump(ev, b, msg, lineLen)
	case strings.HasPrefix(b, "Dumping input data for V1 LLM engine "), strings.HasPrefix(b, "Dumping scheduler stats: "),
		strings.HasPrefix(b, "SchedulerStats("),
		// 0.9's batch as two records: this one, then "SchedulerOutput(...)"
		strings.TrimRight(b, " ") == "Dumping scheduler output for model execution:":
		// the other two records dump_engine_exception writes with the batch's at a failed
		// step: the engine's version and config, and the scheduler's counts (its KV cache
		// usage at the crash; 0.9 wrote them bare, as the batch); one search for the dump
		// finds the three
		ev.SetString(event.FieldEventAction, ActionSchedulerDump)
	case strings.HasPrefix(b, "response_body="):
		p.responseBody(ev, msg, lineLen, b[len("response_body="):])
	case b[0] == 'd' && strings.HasPrefix(b, "delta_text: "):
		p.toolParserText(ev, msg, lineLen, b[len("delta_text: "):])
	case b[0] == 'P' && strings.HasPrefix(b, "Parsed tool call "):
		p.toolParserText(ev, msg, lineLen, b[len("Parsed tool call "):])
	}
	return b
}

// toolParserText replaces the model's output a tool parser's debug lines quote (vllm's
// tool_parsers, hermes': "delta_text: %s", each streamed piece, and "Parsed tool call %s", the
// call's arguments so far) as the prompts option replaces the request logger's: the same
// requests that log their prompts (at DEBUG since 0.11.2) log these too. text ends the line.
func (p *Parser) toolParserText(ev *event.Event, msg string, lineLen int, text string) {
	if f, _ := ev.GetString(event.FieldOriginFile); !strings.HasSuffix(f, "_tool_parser.py") || text == "{}" || text == "None" {
		return // (no call parsed yet)
	}
	start := lineLen - len(text)
	if lineLen < len(msg) {
		// a piece with a line break in it, its rest on the lines the parse processor joined
		// (the header repeated on each): all of it is the output
		text = msg[start:]
	}
	if text == "" {
		return
	}
	if with, ok := p.opt.ReplaceBody(text, "output"); ok {
		ev.SetMessage(applyReplacements(msg, []replacement{{start, len(msg), with}}))
	}
}

// componentTag returns the length of a component's tag that opens b ("[AsyncOmni] "), 0 when
// there is none: a word in brackets and a space.
func componentTag(b string) int {
	if b[0] != '[' {
		return 0
	}
	for i := 1; i < len(b) && i <= 32; i++ {
		switch c := b[i]; {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c == '_', c == '-', i > 1 && c >= '0' && c <= '9':
		case c == ']' && i > 1 && i+1 < len(b) && b[i+1] == ' ':
			return i + 2
		default:
			return 0
		}
	}
	return 0
}

// lifecycle reads the messages that carry no user data: engine stats, and the request ids of
// the lines that add, finish, abort, preempt and resume requests. It reports whether b was one.
func lifecycle(ev *event.Event, b string) bool {
	switch b[0] {
	case 'E', 'A', 'P', 'S', 'K', 'D', 'I', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		if parseStats(ev, b) {
			return true
		}
	}
	switch {
	case strings.HasPrefix(b, "Resumed request "), strings.HasPrefix(b, "Preempted request "):
		resumed(ev, b)
	case strings.HasPrefix(b, "Added request "):
		requestIDs(ev, b[len("Added request "):], ActionAdded)
	case strings.HasPrefix(b, "Finished request "):
		requestIDs(ev, b[len("Finished request "):], ActionFinished)
	case strings.HasPrefix(b, "Aborted request(s) "):
		requestIDs(ev, b[len("Aborted request(s) "):], ActionAborted)
	case strings.HasPrefix(b, "Aborted request "):
		requestIDs(ev, b[len("Aborted request "):], ActionAborted)
	case strings.HasPrefix(b, "Sequence group "):
		preempted(ev, b)
	case strings.HasPrefix(b, "Engine ") && strings.Contains(b[:min(len(b), 48)], " - rejecting request "),
		strings.HasPrefix(b, "Request queue full - "), strings.HasPrefix(b, "Max queued tokens reached - "):
		return rejected(ev, b)
	case strings.HasPrefix(b, "Failing ") && strings.Contains(b, " due to KV load failure"):
		// V1's scheduler failing the requests whose KV cache a connector could not load
		// (--kv-load-failure-policy fail): "Failing 2 request(s) due to KV load failure
		// (failure_policy=fail, 4096 tokens affected). Request IDs: {'<id>', '<id>'}"
		_, ids, ok := strings.Cut(b, "Request IDs: ")
		if !ok {
			return false
		}
		requestIDs(ev, ids, ActionFailed)
		ev.SetString(FieldFailureReason, FailureKVLoad)
	case strings.HasPrefix(b, "Unexpected: grammar rejected tokens "):
		// V1's scheduler ending a structured-output request whose grammar refused the tokens
		// sampled for it (FINISHED_ERROR): "... for request <id>. Terminating request."
		_, rest, _ := strings.Cut(b, " for request ")
		id, _, ok := strings.Cut(rest, ". Terminating request")
		if !ok || !validID(id) {
			return false
		}
		ev.SetString(event.FieldEventAction, ActionFailed)
		ev.SetString(FieldFailureReason, "grammar rejected tokens")
		setPromptID(ev, id)
	default:
		return false
	}
	return true
}

// ParseMessage reads a vLLM logging record's message that another format carried (the
// "message" of a JSON formatter's line, vLLM's own --logging-config.formatter json or
// python-json-logger's) as the same message in vLLM's text layout: engine stats, the request
// lifecycle, a request's failure, an error line's exception. When the message carries user
// data (a request's prompt or body, a response's output), the event's message is set to msg
// with it replaced as the options say, for the caller to put back into its carrier.
func (p *Parser) ParseMessage(ev *event.Event, msg, level string) {
	first, more, _ := strings.Cut(msg, "\n")
	if len(first) < 12 {
		return
	}
	if first == TracebackHeader {
		// a message that is a traceback (logger.error(traceback.format_exc()), uvicorn's
		// lifespan cancelled at shutdown): the exception it ends in names the error
		SetTraceback(ev, msg)
		return
	}
	if strings.Contains(more, TracebackHeader) {
		// logger.exception: the traceback under the message. As in the text layout's record,
		// the exception names the error and the whole record its kind (a CUDA error under
		// "EngineCore encountered a fatal error." is cuda_error, a ValueError engine_dead), and
		// the message may name the request ("Engine Exception caught. Request id: ...")
		SetTraceback(ev, more)
		if k := Classify(msg); k != "" {
			ev.SetString(FieldErrorKind, k)
		}
		if !ev.Has(FieldRequestID) {
			if id := mentionedID(first); id != "" {
				SetRequestID(ev, id)
			}
		}
		return
	}
	b := p.body(ev, first, msg, len(first))
	if level == "" && exceptionCaught(b) {
		// the API server's handlers (--log-error-stack) through a formatter that writes the
		// message alone (the JSON one vLLM's example logging config sets up): logger.error and
		// logger.exception, the failed request named
		level = "error"
		ev.SetString(event.FieldLogLevel, level)
	}
	if level == "error" || level == "critical" || level == "warning" {
		setErrorLine(ev, b, more, level)
		if !ev.Has(FieldRequestID) {
			if id := mentionedID(b); id != "" {
				SetRequestID(ev, id)
			}
		}
	}
}

// childProcessLine reports whether b is multiprocessing's "Process <name>:" over a child's
// uncaught exception, the child a multiprocessing one ("SpawnProcess-1", "ForkProcess-2") or
// vLLM's ("EngineCore_DP0", "Worker_TP1", "APIServer").
func childProcessLine(b string) bool {
	name, ok := strings.CutPrefix(b, "Process ")
	if !ok {
		return false
	}
	if name, ok = strings.CutSuffix(name, ":"); !ok || name == "" || strings.IndexByte(name, ' ') >= 0 {
		return false
	}
	if i := strings.LastIndexByte(name, '-'); i > 0 && processIdentity(name[i+1:]) && strings.HasSuffix(name[:i], "Process") {
		return true
	}
	for _, p := range [...]string{"EngineCore", "Worker", "APIServer", "ApiServer", "VllmWorker"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// processIdentity reports whether s is a multiprocessing process's identity as its default name
// ends in it: its number, after its parent's for a child of a child ("SpawnProcess-1:3", vLLM
// 0.8's executor workers under the engine core).
func processIdentity(s string) bool {
	for {
		n, more, ok := strings.Cut(s, ":")
		if !parseutil.AllDigits(n) {
			return false
		}
		if !ok {
			return true
		}
		s = more
	}
}

// exceptionCaught reports whether b is one of the API server's exception handlers' records:
// "Exception caught. Request id: <id>", "HTTPException caught. ...", "Engine Exception caught. ...".
func exceptionCaught(b string) bool {
	return strings.HasPrefix(b, "Exception caught. Request id: ") || strings.HasPrefix(b, "HTTPException caught. Request id: ") ||
		strings.HasPrefix(b, "Engine Exception caught. Request id: ")
}

// setTime sets @timestamp from the header's time. The header has neither year nor zone: the
// year is the one that puts the line nearest before the reference time (the framing's
// @timestamp, else the receipt time), a day of slack allowed (parseutil.WithoutYear): a line
// dated later in the year than its receipt is last year's, a January line read on December 31st
// next year's. When the event already
// has a @timestamp (the container runtime's) that is the same instant, to the second or to a
// whole time-zone offset (vLLM writes local time), that more precise time is kept.
func (p *Parser) setTime(ev *event.Event, l *Line) {
	prev, has := ev.Get(event.FieldTimestamp)
	if l.Month == 0 {
		if !has && !ev.Meta.Received.IsZero() {
			ev.SetTimestamp(ev.Meta.Received)
		}
		return
	}
	ref := ev.Meta.Received
	if has && prev.Kind() == event.KindTime {
		ref = prev.Time()
	}
	if ref.IsZero() {
		ref = time.Now().UTC()
	}
	var w time.Time
	var ok bool
	if l.Year != 0 {
		w = time.Date(l.Year, time.Month(l.Month), l.Day, l.Hour, l.Min, l.Sec, l.Nano, time.UTC)
		ok = w.Day() == l.Day
	} else {
		w, ok = parseutil.WithoutYear(l.Month, l.Day, l.Hour, l.Min, l.Sec, l.Nano, ref)
	}
	if !ok {
		return
	}
	if l.NoSeconds && has && prev.Kind() == event.KindTime {
		// a time to the minute: the runtime's stamp in that minute (in the line's zone, read as
		// sameInstant reads it) is the same instant to the nanosecond, and keeps the order of
		// the minute's lines
		t := prev.Time()
		if sameInstant(w.Add(time.Duration(t.Second())*time.Second+time.Duration(t.Nanosecond())), t, ev.Has(cri.FieldCreated)) {
			return
		}
	}
	if has && prev.Kind() == event.KindTime && sameInstant(w, prev.Time(), ev.Has(cri.FieldCreated)) {
		// a frame of whole seconds (syslog's, journalctl's) and the line's own fraction (torch's
		// nanoseconds) are one clock: the fraction is kept, the lines of one second in order
		parseutil.SetLocalTime(ev, w)
		return
	}
	ev.SetTimestamp(w)
}

// sameInstant reports whether the wall time w (truncated to the second) and the exact time t
// differ by less than two seconds, or by a whole number of quarter hours up to 14 hours (a zone
// offset) give or take two seconds.
func sameInstant(w, t time.Time, runtime bool) bool {
	const slack = 2 * time.Second
	d := w.Sub(t)
	if d > -slack && d < slack {
		return true
	}
	if d < -14*time.Hour-5*time.Minute || d > 14*time.Hour+slack {
		return false
	}
	q := d.Round(15 * time.Minute)
	if d-q > -slack && d-q < slack {
		return true
	}
	// t the container runtime's stamp (event.created): it stamps a line when the process
	// writes it, which a buffered stdout delays after the record's own time; at a zone's whole
	// or half hour (UTC+8), a line up to five minutes late is still that instant (read as UTC it
	// would land hours away)
	if q = (d + 150*time.Second).Round(30 * time.Minute); !runtime || q > -time.Hour && q < time.Hour {
		return false
	}
	return d-q > -5*time.Minute && d-q < slack
}

// library recognises torch, NCCL and C++ runtime lines, with or without a process prefix; rest
// is what the parse processor grouped after the first line (a C++ stack).
func (p *Parser) library(ev *event.Event, l *Line, msg, first, rest string) bool {
	b := l.Body
	if len(b) < 8 && ShellSignal(b) == "" { // (the shell's "Killed", "Aborted" are shorter)
		return false
	}
	ok := false
	switch {
	case b[0] == '[' && b[1] == '1' && strings.Contains(b[:min(len(b), 200)], " UCX "):
		ok = parseUCX(ev, b, l) // "[1749803291.555759] [host:7053 :0] tcp_ep.c:1260 UCX  ERROR ..."
	case b[0] == '*' && AbslSignal(b):
		ok = parseAbslSignal(ev, b, rest, l) // "*** SIGSEGV received at time=1709021359 on cpu 44 ***"
	case b[0] == '[' && UCXSignal(b) > 0:
		ok = parseUCXSignal(ev, b, rest, l) // "[host:12796:1:13303] Caught signal 11 (Segmentation fault: ...)"
	case b[0] == '[' && UCXReport(b) != "":
		ok = parseUCXReport(ev, b, l) // "[host:27251:0:27251] ib_mlx5_log.c:143  Transport retry count exceeded on mlx5_0:1/IB ..."
	case b[0] == '=' && UCXBacktraceStart(b) && rest != "":
		ok = parseUCXBacktrace(ev, b, rest, l) // its backtrace, the signal's line in another stream or cut off
	case b[0] == 'N' && strings.HasPrefix(b, "NCCL WARN "):
		ok = parseNCCL(ev, b, l) // its line without "host:pid:tid [dev]"
	case b[0] == '[' && strings.Contains(b, " NCCL ") && (launcherTag(b) > 0 || b[5] == '-'):
		// "[1] node2:22555:22555 [0] NCCL INFO ...", "[0] NCCL INFO ... -> 6", and NCCL's own
		// time before its line: "[2026-04-14 21:28:19.007] host:pid:tid [0] ... NCCL WARN ..."
		ok = parseNCCL(ev, b, l)
	case b[0] == '[':
		ok = parseTorch(ev, b, l) || parseClockLine(ev, b, l)
		if ok && rest != "" && (l.Level == "error" || l.Level == "critical") {
			// the C++ stack under an error (a warning's further lines are its message's)
			ev.SetString(event.FieldErrorStack, rest)
			if k := Classify(rest); k != "" && !ev.Has(FieldErrorKind) {
				ev.SetString(FieldErrorKind, k)
			}
		}
	case b[0] == '/' && strings.Contains(b[:min(len(b), 200)], "nvshmem"):
		ok = parseNVSHMEMError(ev, b, l) // "/dvs/p4/build/.../main_nvshmem/src/host/init/init.cu:1049: non-zero status: 7 ..."
	case strings.HasPrefix(b, terminatePrefix):
		ok = parseTerminate(ev, b, rest, l)
	case strings.HasPrefix(b, whatPrefix) && (len(b) > len(whatPrefix) || rest != ""):
		// the C++ exception's what() read without the terminate line above it (a file read from
		// there, kubectl logs --tail): the process aborts of it all the same
		ok = parseWhat(ev, b, rest, l)
	case b[0] == 'N' && strings.HasPrefix(b, "NIXL ") && strings.Contains(b, " NIXL_ERR_"):
		// NIXL's own print of a transfer that failed, its status's name (nixlbench's and
		// NIXL's examples: "NIXL Xfer failed with status: NIXL_ERR_CANCELED"), after its UCX
		// backend's error
		l.Level = "error"
		ev.SetString(event.FieldLogLogger, "nixl")
		finishLibraryLine(ev, l, b, DatasetUCX)
		ok = true
	case b == nvshmemBeforeInit:
		// NVSHMEM's check of an API call before its init finished, its location printed apart
		// by another rank's write (DeepEP's decode ranks): the process exits after it
		l.Level = "error"
		ev.SetString(event.FieldLogLogger, loggerNVSHMEM)
		finishLibraryLine(ev, l, b, DatasetNCCL)
		ok = true
	case b == "terminate called without an active exception" || b == "pure virtual method called" ||
		b == "terminate called recursively":
		// libstdc++'s and libsupc++'s last words before abort() (a joinable std::thread
		// destroyed, a pure virtual call at shutdown): the process dies of SIGABRT (exit code -6)
		l.Level = "critical"
		finishLibraryLine(ev, l, b, DatasetTorch)
		ok = true
	case HeapCorruption(b):
		// glibc's (malloc_printerr's "double free or corruption (out)"), then abort(): the same
		l.Level = "critical"
		finishLibraryLine(ev, l, b, datasetGeneric)
		ok = true
	case ShellSignal(b) != "":
		// the shell's report of a child a signal killed: all a script-driven pod leaves of a
		// segfault that no handler printed (its exit code 139, 134, 137)
		l.Level = ShellSignal(b)
		finishLibraryLine(ev, l, b, datasetGeneric)
		ok = true
	case (b[0] == 'E' || b[0] == 'f') && NativeStackStart(b):
		ok = parseNativeStack(ev, b, rest, l)
	case strings.HasPrefix(b, "NCCL version ") && len(b) > 14 && b[13] >= '1' && b[13] <= '9':
		// the version banner NCCL prints alone with NCCL_DEBUG=VERSION: which NCCL the pod loaded
		// (its printf states no level)
		ev.SetString(event.FieldLogLogger, loggerNCCL)
		finishLibraryLine(ev, l, b, DatasetNCCL)
		ok = true
	case strings.HasPrefix(b, ncclCheckFailed):
		ok = parseNCCLCheck(ev, b, l)
	case strings.Contains(b, ": block: [") && strings.HasSuffix(strings.TrimRight(b, " \r"), "` failed."),
		strings.Contains(b, ": Device-side assertion `") && strings.HasSuffix(strings.TrimRight(b, " \r"), "' failed."):
		ok = parseDeviceAssert(ev, b, l)
	case strings.Contains(b, " NCCL "), strings.Contains(b, " NVSHMEM "): // "] NCCL INFO", "] file.cc:12 NCCL WARN", "] file.cpp:1 NVSHMEM WARN"
		ok = parseNCCL(ev, b, l)
	case b[0] == 'I' || b[0] == 'W' || b[0] == 'E' || b[0] == 'F' || b[0] == 'V':
		ok = parseTorchPython(ev, b, l)
		if ok && rest != "" && (l.Level == "error" || l.Level == "critical") {
			// logger.exception's record, its traceback on the lines after its message, each
			// under the header again (torchelastic's agent: "Error waiting on exit barrier.
			// Elapsed: ... seconds", then "... api.py:965] Traceback (most recent call last):")
			if tb := unheadered(rest, torchHeader(b)); strings.HasPrefix(tb, TracebackHeader) {
				SetTraceback(ev, tb)
			}
		}
	}
	if !ok {
		return false
	}
	setMessage(ev, msg, first, l.Text, rest)
	p.setTime(ev, l)
	setProcess(ev, l)
	if ds, _ := ev.GetString(event.FieldDataset); ds != DatasetServer {
		// a training job's or another server's torch or NCCL line: its failure class is a GPU
		// workload's, not a vLLM engine's (AdoptLibraryLine moves it back in a pod that turns
		// out to be vLLM's)
		if k, ok := ev.GetString(FieldErrorKind); ok {
			workloadKind(ev, k, msg)
		}
	}
	return true
}

const ncclCheckFailed = "Failed, NCCL error "

// parseNCCLCheck reads the line TensorRT-LLM's (and torch's older) NCCLCHECK prints before the
// process exits: "Failed, NCCL error /app/tensorrt_llm/cpp/tensorrt_llm/plugins/ncclPlugin/
// sendPlugin.cpp:129 'invalid usage (run with NCCL_DEBUG=WARN for details)'": an error, at the
// call's file and line, its message NCCL's.
func parseNCCLCheck(ev *event.Event, b string, l *Line) bool {
	loc, msg, ok := strings.Cut(b[len(ncclCheckFailed):], " '")
	if !ok || !strings.HasSuffix(msg, "'") {
		return false
	}
	if file, ln, ok := parseutil.FileLine(loc[strings.LastIndexByte(loc, '/')+1:]); ok && file != "" {
		l.File, l.FileLine = file, ln
	}
	l.Level = "error"
	ev.SetString(event.FieldErrorMsg, msg[:len(msg)-1])
	finishLibraryLine(ev, l, b, DatasetNCCL)
	return true
}

// parseDeviceAssert reads the line a CUDA kernel's assert() prints from each GPU thread that
// failed it, before the host sees "CUDA error: device-side assert triggered":
// "../aten/src/ATen/native/cuda/Indexing.cu:1284: indexSelectLargeIndex: block: [0,0,0], thread:
// [24,0,0] Assertion `srcIndex < srcSelectDimSize` failed." (an index out of range, a token id
// past the vocabulary): an error, a CUDA error, at the kernel's source line, its message the
// assertion. The kernel is the function.
//
// HIP's assert on AMD GPUs names no block or thread: "/app/vllm/.../csrc/rocm/skinny_gemms.hip:497:
// void wvSplitK_hf_sml_(const int, ...) [scalar_t = __hip_bfloat16, ...]: Device-side assertion
// `false' failed." (the kernel's signature, then the assertion).
func parseDeviceAssert(ev *event.Event, b string, l *Line) bool {
	b = strings.TrimRight(b, " \r")
	head, rest, ok := strings.Cut(b, ": block: [")
	if !ok {
		return parseHIPAssert(ev, b, l)
	}
	i := strings.Index(rest, "Assertion `")
	if i < 0 || !strings.Contains(rest[:i], "thread: [") {
		return false
	}
	loc, kernel, named := strings.Cut(head, ": ")
	if named && (kernel == "" || strings.IndexByte(kernel, ' ') >= 0) {
		return false
	}
	// (a build whose assert names no kernel, MSVC's on Windows: "C:/cb/.../work\c10/core/
	// DynamicCast.h:78: block: [34,0,0], thread: [110,0,0] Assertion `false` failed.")
	file, ln, ok := parseutil.FileLine(loc)
	if !ok {
		return false
	}
	l.File, l.FileLine = file[strings.LastIndexAny(file, "/\\")+1:], ln
	l.Level = "error"
	if named {
		ev.SetString(parseutil.FieldOriginFunc, kernel)
	}
	ev.SetString(event.FieldErrorMsg, rest[i:])
	finishLibraryLine(ev, l, b, DatasetTorch)
	ev.SetString(FieldErrorKind, KindCUDA)
	return true
}

// parseHIPAssert is parseDeviceAssert for HIP's form.
func parseHIPAssert(ev *event.Event, b string, l *Line) bool {
	const tag = ": Device-side assertion `"
	i := strings.Index(b, tag)
	if i < 0 || !strings.HasSuffix(b, "' failed.") {
		return false
	}
	loc, sig, ok := strings.Cut(b[:i], ": ")
	if !ok {
		return false
	}
	file, ln, ok := parseutil.FileLine(loc)
	if !ok || strings.IndexByte(file, ' ') >= 0 {
		return false
	}
	open := strings.IndexByte(sig, '(')
	if open <= 0 {
		return false
	}
	kernel := sig[strings.LastIndexByte(sig[:open], ' ')+1 : open]
	if kernel == "" {
		return false
	}
	l.File, l.FileLine = file[strings.LastIndexByte(file, '/')+1:], ln
	l.Level = "error"
	ev.SetString(parseutil.FieldOriginFunc, kernel)
	ev.SetString(event.FieldErrorMsg, b[i+2:])
	finishLibraryLine(ev, l, b, DatasetTorch)
	ev.SetString(FieldErrorKind, KindCUDA)
	return true
}

// workloadKind moves the failure class k from vllm.error.kind to gpu.error.kind (WorkloadKind's,
// of text), unless the line has one there already.
func workloadKind(ev *event.Event, k, text string) {
	ev.Delete(FieldErrorKind)
	if !ev.Has(parseutil.FieldGPUErrorKind) {
		ev.SetString(parseutil.FieldGPUErrorKind, WorkloadKind(k, text))
	}
}

// KindNCCLTimeout is a GPU workload's NCCL collective that timed out (torch's watchdog), in
// gpu.error.kind: a training job's hang, told apart from an NCCL error. vLLM's lines keep nccl.
const KindNCCLTimeout = "nccl_timeout"

// WorkloadKind is the gpu.error.kind of a failure class the vllm parser found on a line outside
// vLLM: the same, but a watchdog's timeout is nccl_timeout.
func WorkloadKind(k, text string) string {
	if k == KindNCCL && (strings.Contains(text, "Watchdog caught collective operation timeout") ||
		strings.Contains(text, "watchdog hang") || strings.Contains(text, "Watchdog timeout") ||
		strings.Contains(text, "Timeout at NCCL work")) {
		return KindNCCLTimeout
	}
	return k
}

// DisownErrorKind moves a failure class the vllm parser gave a line that turned out not to be
// vLLM's (a training job's uncaught CUDA out of memory under "[rank2]: ", whose dataset is its
// source's) to gpu.error.kind, as a library line's outside vLLM is.
func DisownErrorKind(ev *event.Event) {
	// only a GPU workload's classes (and a KV transfer's, which SGLang's prefill/decode split
	// has too; a disk that filled, /dev/shm in a notebook's pod; torch.compile failing in a
	// job): an engine's death or start failure is vLLM's whatever the source
	if k, ok := ev.GetString(FieldErrorKind); ok && (AcceleratorKind(k) || k == KindKVTransfer || k == KindDiskFull || k == KindCompile) {
		workloadKind(ev, k, ev.Message())
	}
}

// AcceleratorKind reports whether k is a failure class of the accelerator a workload runs on,
// whichever program ran it: CUDA's (its memory, an error, a build without the GPU's kernels),
// NCCL's, and the other accelerators' memory exhausted (an Ascend NPU's, a TPU's, a Gaudi's, a
// Neuron core's, an Intel GPU's).
func AcceleratorKind(k string) bool {
	switch k {
	case KindCUDAOOM, KindCUDA, KindNCCL, KindUnsupportedArch, KindNPUOOM, KindTPUOOM, KindXPUOOM, KindHPUOOM, KindNeuronOOM:
		return true
	}
	return false
}

// AdoptLibraryLine makes a torch or NCCL line vLLM's (DatasetServer), its failure class
// vllm.error.kind again: the parse processor's call for a pod whose lines were vLLM's before.
func AdoptLibraryLine(ev *event.Event) {
	ev.SetString(event.FieldDataset, DatasetServer)
	if k, ok := ev.GetString(parseutil.FieldGPUErrorKind); ok && !ev.Has(FieldErrorKind) {
		ev.Delete(parseutil.FieldGPUErrorKind)
		if k == KindNCCLTimeout {
			k = KindNCCL // vLLM's class for any NCCL failure
		}
		ev.SetString(FieldErrorKind, k)
	}
}

// sglangRecord reports whether b opens with SGLang's "[%(asctime)s{prefix}] ": the date and
// time, the ranks a scheduler's prefix names ("[2025-05-27 04:36:06 DP1 TP4] "), or none (its
// main process's "[2025-01-29 08:52:44] ").
func sglangRecord(b string) bool {
	if len(b) > 14 && b[0] == '[' && b[3] == ':' && b[6] == ':' && b[9] == ' ' && b[10] == 'T' && b[11] == 'P' {
		return true // 0.2's and 0.3's time of day and rank: "[18:19:57 TP2] Exception in run_tp_server:"
	}
	if len(b) < 22 || b[0] != '[' || b[5] != '-' || b[8] != '-' || b[11] != ' ' || b[14] != ':' || b[17] != ':' {
		return false
	}
	end := strings.Index(b[:min(len(b), 48)], "] ")
	return end >= 20
}

// bracketLevel returns the level a line opens with in brackets ("[ERROR] ", "[WARNING] ",
// "[INFO] "), "" for another line: a level's word (parseutil.Level's), not its letter.
func bracketLevel(b string) string {
	end := strings.IndexByte(b[:min(len(b), 12)], ']')
	if end < 5 || end+1 >= len(b) || b[end+1] != ' ' && !strings.HasPrefix(b[end+1:], ": ") {
		return "" // ("[WARNING]: ...", verl's under its Ray worker's prefix, too)
	}
	lv, _ := parseutil.Level(b[1:end])
	return lv
}

// TritonPrint reports whether b opens the error Triton's make_cubin prints before it raises
// PTXASError: "Internal Triton PTX codegen error" (ptxas exited 255), "`ptxas` raised SIGSEGV",
// "`ptxas` failed with error code N"; "`ptxas` stderr:", ptxas's words and the command to repeat
// it follow, then the PTX source and "please share the reproducer above with Triton project.".
func TritonPrint(b string) bool {
	return b == "Internal Triton PTX codegen error" || b == "`ptxas` raised SIGSEGV" || strings.HasPrefix(b, "`ptxas` failed with error code ")
}

// NumpyABIBanner opens what NumPy 2 prints when a module built against NumPy 1.x imports it,
// after an empty line: "A module that was compiled using NumPy 1.x cannot be run in\nNumPy 2.0.0
// as it may crash. ...", its advice, then the import's stack (format_stack's frames appended to
// "Traceback (most recent call last):" without a line break), the ImportError raised after it.
const NumpyABIBanner = "A module that was compiled using NumPy 1.x cannot be run in"

// NumpyABIError sets the fields of NumPy's banner (NumpyABIBanner) and the stack under it: its
// first paragraph, the incompatibility, in error.message; the stack in error.stack_trace.
func NumpyABIError(ev *event.Event, msg string) {
	banner, stack, _ := strings.Cut(msg, TracebackHeader)
	para, _, _ := strings.Cut(strings.TrimLeft(banner, "\n"), "\n\n")
	ev.SetString(event.FieldErrorMsg, strings.Join(strings.Fields(para), " "))
	if stack = strings.TrimRight(stack, "\n "); stack != "" {
		ev.SetString(event.FieldErrorStack, TracebackHeader+"\n"+strings.TrimLeft(stack, " "))
	}
}

// LoggingErrorBanner opens the report Python's logging prints on stderr for a record it could
// not emit (Handler.handleError): the traceback of the error (a format string and arguments
// that disagree), "Call stack:" and the frames of the logging call, then "Message: %r" and
// "Arguments: %r" of the record, which is lost.
const LoggingErrorBanner = "--- Logging error ---"

// LoggingError reads the rest of a logging error's report: the traceback's exception is the
// error, the lost record's message (its format string) log.message.
func LoggingError(ev *event.Event, rest string) {
	trace, after, _ := strings.Cut(rest, "\nCall stack:\n")
	if strings.HasPrefix(trace, TracebackHeader) {
		SetTraceback(ev, trace)
	}
	for line := range strings.SplitSeq(after, "\n") {
		if m, ok := strings.CutPrefix(line, "Message: "); ok {
			if len(m) > 1 && (m[0] == '\'' || m[0] == '"') && m[len(m)-1] == m[0] {
				m = m[1 : len(m)-1] // its repr
			}
			ev.SetString(parseutil.FieldLogMessage, m)
			break
		}
	}
}
