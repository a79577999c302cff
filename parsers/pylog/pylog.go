// Package pylog parses the Python logging formats that LLM-serving and training containers
// write besides vLLM's own: the standard library's default and basicConfig formats, KServe's
// model server, Ray (core, Serve and the C++ core worker) and DeepSpeed:
//
//	2024-05-12 08:01:39,123 - vllm.engine - INFO - Starting engine
//	WARNING:root:Something happened
//	2025-04-07 08:49:41.625 408300 kserve INFO [model_server.py:register_model():398] Registering model: model
//	2024-06-13 16:11:50,396 INFO worker.py:1752 -- Started a local Ray instance.
//	INFO 2024-11-18 01:46:34,210 default_VLLMDeployment ujj4diu5 replica.py:893 - Started initializing replica.
//	[2024-06-13 16:11:51,588 E 13261 13261] core_worker.cc:228: Failed to register worker
//	[2023-08-21 19:29:05,206] [INFO] [comm.py:662:init_distributed] Initializing TorchBackend
//
// Level, time, logger, origin and message come out of each, read by position without regular
// expressions. The dataset comes from the format or the logger's name (vllm.* loggers are
// vllm.server), else from a GPU-stack container, else generic.python.
package pylog

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/sluice-dev/sluice/parsers"
	pu "github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/parsers/uvicorn"
	"github.com/sluice-dev/sluice/parsers/vllm"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// Datasets of the formats this parser tells apart.
const (
	DatasetGeneric = "generic.python"
	DatasetVLLM    = "vllm.server"
	DatasetRouter  = "vllm_router.server"
	DatasetKServe  = "kserve.server"
	// DatasetKServeAccess is the KServe model server's uvicorn access lines.
	DatasetKServeAccess = "kserve.access"
	DatasetRayCore      = "ray.core"
	DatasetRayServe     = "ray.serve"
	DatasetDeepSpeed    = "deepspeed"
	DatasetSGLang       = "sglang.server"
	DatasetLiteLLM      = "litellm.server"
)

// Info registers the parser.
var Info = parsers.Info{
	Name:        "pylog",
	Description: "Python logging formats: stdlib default and basicConfig, KServe, Ray core and Serve, DeepSpeed",
	New:         func(o parsers.Options) parsers.Parser { return NewWith(o) },
	Fields: append(append(pu.Fields(pu.FieldLogMessage, event.FieldLogLogger, event.FieldOriginFile, event.FieldOriginLine,
		pu.FieldOriginFunc, event.FieldProcessPID, event.FieldProcessName, event.FieldHostHostname, pu.FieldLogFields,
		pu.FieldVLLMRequestID, event.FieldErrorMsg, event.FieldErrorStack, pu.FieldThread),
		parsers.Field{Name: event.FieldErrorType, Type: "keyword", Description: "Exception class of the traceback a record carries (logger.exception)."},
		parsers.Field{Name: vllm.FieldErrorKind, Type: "keyword", Description: "Failure class an error record or its traceback names (vllm's classes: cuda_oom, engine_init_failed, ...)."},
		pu.Field(FieldHTTPRequestID),
		pu.Field(pu.FieldEventDuration), pu.Field(event.FieldEventAction)),
		append(append(append(SGLangFields, uvicorn.Fields...), vllm.ProcessFields...), statsFields()...)...),
}

// statsFields are vLLM's engine-stats fields, which a stats record relayed through another
// program's logging gives (Dynamo's vLLM workers).
func statsFields() []parsers.Field {
	var out []parsers.Field
	for _, f := range vllm.Fields {
		if strings.HasPrefix(f.Name, "vllm.stats.") || f.Name == vllm.FieldEngine {
			out = append(out, f)
		}
	}
	return out
}

// Parser parses Python logging lines. It is stateless and safe for concurrent use.
type Parser struct {
	vllm *vllm.Parser // reads vLLM's request lines that a Python layout carries, prompts as the options say
}

// New returns the parser with the default options.
func New() *Parser { return NewWith(parsers.Options{}) }

// NewWith returns the parser with the options of the chain it runs in.
func NewWith(o parsers.Options) *Parser {
	return &Parser{vllm: vllm.Info.New(o).(*vllm.Parser)}
}

// rec is one line taken apart.
type rec struct {
	level, logger, file, fn, msg, dataset string
	line, pid, thread                     int64
	deployment, replica, proc, host       string
	requestID, route                      string     // a Ray Serve request's id and route
	rayKeys                               string     // the context Ray's text encoding appends: "name=... job_id=... timestamp_ns=..."
	prefix                                *vllm.Line // the process prefix before the record, nil without one
	component                             string     // BentoML's component ("runner:llm-llama-runner:1")
	t                                     time.Time
	zoned                                 bool // t carries its zone: it beats the runtime's time
	plain                                 bool // "[date] msg": SGLang's main process in its container
	access                                *uvicorn.Access
	// tracing is Rust tracing's layout ("<RFC 3339 UTC>  WARN target: msg") in which NVIDIA
	// Dynamo writes its Python records, their target "%(module)s.%(funcName)s": no logger
	tracing bool
	nodeIP  string // the node a Ray daemon's forwarded line came from ("(raylet, ip=...)")
	// located says the format ends a record with its location (LMCache's, the router's:
	// trailingOrigin), on the last line of a message of several
	located bool
}

// Parse recognises one of the formats by its first byte and sets the fields. A terminal's
// escapes (uvicorn's colours on a tty: true pod, LMCache's always) are left out of message, as
// the vllm parser leaves them out: a search for "POST" finds the line.
func (p *Parser) Parse(ev *event.Event) bool {
	msg := ev.Message()
	if !p.parse(ev, msg) {
		return false
	}
	if strings.IndexByte(msg, 0x1b) >= 0 && ev.Message() == msg {
		ev.SetMessage(vllm.StripANSI(msg))
	}
	return true
}

func (p *Parser) parse(ev *event.Event, msg string) bool {
	first, rest, _ := strings.Cut(msg, "\n") // rest: what the parse processor joined (a traceback)
	// LMCache colours its records whether or not a terminal reads them (lmcache/logging.py):
	// what a terminal would not show is not read
	s := vllm.StripPastedColour(vllm.StripANSI(strings.TrimSuffix(strings.TrimLeft(first, "\x00"), "\r")))
	if b, ok := vllm.AfterBar(s); ok {
		s = b // a record on the line of a progress bar that left no line break
	}
	if len(s) < 8 {
		return false
	}
	var r rec
	if s[0] == '(' {
		if s = r.actor(s); len(s) < 8 {
			return false
		}
	}
	ok := false
	switch c := s[0]; {
	case (c == '[' || c == ' ') && len(s) > 29 && (s[19] == ' ' || s[21] == ' ') && RichStart(s):
		// Rich's handler with its time column ("[11/17/25 13:46:54] ERROR    HTTP request
		// failed ...   remote_conversation.py:61"), or that column blank for a repeated time
		trace, _ := r.rich(s, rest)
		ok, rest = true, trace
	case c == '[':
		ok = r.bracketed(s)
		if end := strings.IndexByte(s[:min(len(s), 24)], ']'); !ok && end > 1 && end+3 < len(s) && s[end+1] == ' ' &&
			s[end+2] >= '1' && s[end+2] <= '2' && pu.LowerWord(s[1:end]) {
			// a program's tag before the standard library's default layout ("[cosmos] 2026-05-14
			// 05:28:06,261 - cosmos - ERROR - Process 1 failed with return code 1")
			ok = r.dated(s[end+2:])
		}
	case c == 'w' && strings.HasPrefix(s, "wandb: "):
		// Weights & Biases' terminal lines in a training job (wandb/errors/term.py): its
		// termwarn and termerror put the level after the prefix ("wandb: WARNING Symlinked 3
		// files into the W&B run directory, ..."); its termlog states none
		w, msg, _ := strings.Cut(s[len("wandb: "):], " ")
		switch w {
		case "WARNING":
			r.level, r.msg = pu.Warning, msg
		case "ERROR":
			r.level, r.msg = pu.Error, msg
		default:
			r.msg = s[len("wandb: "):]
		}
		r.logger, ok = "wandb", true
	case (strings.HasPrefix(s, "stderr: ") || strings.HasPrefix(s, "stdout: ")) && len(s) > 9 && s[8] >= 'A' && s[8] <= 'Z' && r.levelFirst(s[8:]):
		// accelerate launch's stream before torchrun's basicConfig records ("stderr:
		// ERROR:torch.distributed.elastic.multiprocessing.api:failed (exitcode: 1) ...")
		ok = true
	case c >= 'a' && c <= 'z' && strings.Contains(s[:min(len(s), 80)], ": ["):
		ok = r.launcher(s)
	case c >= 'a' && c <= 'z' && r.nameLevel(s):
		ok = true
	case c >= '0' && c <= '9':
		// (pdsh's prefix is the host as the hostfile names it, often its address: "10.0.0.5: [...")
		ok = r.dated(s) || r.litellm(s) || r.mmengine(s) || strings.Contains(s[:min(len(s), 80)], ": [") && r.launcher(s) ||
			// a time of day before the layout below ("04:50:55 opentelemetry.exporter.otlp.proto.
			// http.trace_exporter ERROR   Failed to export span batch ...")
			len(s) > 9 && s[2] == ':' && s[5] == ':' && s[8] == ' ' && pu.AllDigits(s[:2]) && pu.AllDigits(s[3:5]) && pu.AllDigits(s[6:8]) &&
				s[9] >= 'a' && s[9] <= 'z' && r.nameLevel(s[9:])
		if !ok && strings.Contains(s[:min(len(s), 64)], `:`) && strings.Contains(s[:min(len(s), 72)], ` - "`) {
			// uvicorn's access line without its "INFO:     ": gunicorn's UvicornWorker hands
			// uvicorn.access to gunicorn's access handlers, whose format is the message alone
			// (`77.239.239.99:0 - "GET /api/v1/users HTTP/1.1" 500`: LiteLLM's --run_gunicorn)
			if a, isAccess := uvicorn.Split(s); isAccess && a.Port >= 0 {
				r.access, r.level, r.msg, r.logger, ok = &a, uvicorn.StatusLevel(a.Status), s, "uvicorn.access", true
			}
		}
	case c >= 'A' && c <= 'Z':
		if trace, isRich := r.rich(s, rest); isRich {
			ok, rest = true, trace // the rows are the message; a traceback in it is read below
		} else {
			ok = r.levelFirst(s) || r.litellmEarly(s) || strings.HasPrefix(s, "LMCache ") && r.lmcacheDateless(s)
			if !ok && vllm.RayCreationTaskError(s) {
				// Ray's report of an actor whose constructor raised, as the actor's worker-*.err
				// and a driver re-raising it print it, without the actor's prefix: an error
				r.level, r.msg, r.dataset, ok = pu.Error, s, DatasetRayCore, true
			}
		}
	}
	if !ok && (r.proc == "raylet" || r.proc == "gcs_server") && s[0] >= 'A' && s[0] <= 'Z' {
		// the raylet's own text forwarded to the driver: "(raylet) A worker died or was killed
		// while executing a task by an unexpected system error. ..." (no level stated)
		r.msg, r.dataset, ok = s, DatasetRayCore, true
	} else if !ok && (r.proc == "raylet" || r.proc == "gcs_server") && s[0] == '/' && strings.Contains(s, "(+0x") && strings.Contains(s, ") [0x") {
		// and the stack it dumps as it dies (a RAY_CHECK that failed, a fatal signal), one
		// frame a line, read without the report above it: "(raylet) /usr/local/.../ray/raylet
		// (+0xd1b178) [0xaaaaeafbb178] ray::operator<<()": the daemon's crash
		r.msg, r.dataset, r.level, ok = s, DatasetRayCore, pu.Critical, true
		ev.SetString(event.FieldErrorStack, strings.TrimRight(s+"\n"+rest, "\n"))
	}
	if !ok && r.proc == "autoscaler" {
		// the autoscaler's messages to the driver, "(autoscaler +34s) Error: No available node
		// types can fulfill resource request ...": why a placement group (vLLM's tensor-parallel
		// workers, a Serve replica) never starts; its warnings say "Warning: "
		r.msg, r.dataset, ok = s, DatasetRayCore, true
		switch {
		case strings.HasPrefix(s, "Error: "):
			r.level = pu.Error
		case strings.HasPrefix(s, "Warning: "):
			r.level = pu.Warning
		}
	}
	if !ok {
		return false
	}
	if r.located && r.file == "" && rest != "" && EndsWithOrigin(rest) {
		// a message of several lines, its location after the last (NamedRecordOpen)
		r.msg += "\n" + strings.TrimRight(rest, " \r")
		rest = ""
		r.trailingOrigin()
	}
	if r.access == nil && (strings.HasPrefix(r.logger, "uvicorn") || strings.HasPrefix(r.msg, "INFO:     ") && strings.Contains(r.msg, " HTTP/") ||
		// its message alone through a format with no logger ("%(levelname)-8s %(message)s":
		// "INFO     172.16.0.7:44832 - \"POST /mcp HTTP/1.1\" 401")
		r.logger == "" && r.level == pu.Info && strings.Contains(r.msg, ` - "`) && strings.Contains(r.msg, " HTTP/")) {
		// uvicorn's access logger through another format (KServe's: "2025-04-23 08:50:43.544
		// uvicorn.access INFO:     10.244.0.27:38464 1 - "POST /v1/models/m:predict HTTP/1.1" 200 OK"),
		// or its whole line relayed as another logger's message (FastChat's stdout logger: "... |
		// INFO | stdout | INFO:     10.0.0.7:45492 - "POST /v1/chat/completions HTTP/1.1" 500 ...")
		if a, ok := uvicorn.Split(strings.TrimLeft(strings.TrimPrefix(r.msg, "INFO:     "), " ")); ok {
			r.access, r.level = &a, uvicorn.StatusLevel(a.Status)
		}
	}
	if r.access == nil && (strings.HasPrefix(r.msg, "Request ") || r.logger == llamaSwapLogger) {
		m := r.msg
		if r.logger == llamaSwapLogger {
			// its early layout: the time between the client and the request line
			client, after, _ := strings.Cut(m, " [")
			_, after, _ = strings.Cut(after, "] ")
			m = "Request " + client + " " + after
		}
		if a, dur, ok := llamaSwapRequest(m); ok {
			// llama-swap's proxy (in front of llama-server or vLLM): its request line, a 502 when
			// the backend it started did not answer
			r.access, r.level = &a, uvicorn.StatusLevel(a.Status)
			ev.Set(pu.FieldEventDuration, event.Int(int64(dur)))
		}
	}
	if r.logger == "stderr" && rest != "" && vllm.FastChatStderr(s) > 0 {
		// FastChat's stderr logger, a line a record: the lines joined under the first (a
		// traceback's) are read without the prefix each repeats
		rest = unprefixed(rest)
		if rank, n := vllm.RankPrefix(r.msg); n > 0 {
			// a rank's uncaught exception through it, each line "[rank0]: ..."
			ev.Set(vllm.FieldRank, event.Int(rank))
			r.msg = r.msg[n:]
		}
		if vllm.IsFrameLine(r.msg) {
			rest = r.msg + "\n" + rest // an excerpt that begins at a frame: the frame is the stack's
		}
	}
	traceOpen := strings.HasSuffix(r.msg, ": "+vllm.TracebackHeader) || r.msg == vllm.TracebackHeader // its frames under it
	if r.level == "" && traceOpen {
		// a format that states no level (SGLang's) reporting an uncaught exception, its
		// traceback under it: "Scheduler hit an exception: Traceback (most recent call last):"
		// (or cut off after it: a rotation, a process killed mid-write); SGLang 0.3's
		// scheduler printed the traceback itself under its prefix ("[19:16:21 TP5] Traceback ...")
		r.level = pu.Error
	}
	if strings.TrimSpace(r.msg) == "" && rest != "" && !strings.Contains(rest, vllm.TracebackHeader) {
		// a message that opens with a line break (LiteLLM's "LiteLLM: ... utils.py:3748 - " with
		// "LiteLLM completion() model= ...; provider = ..." under it): its text is the lines under it
		r.msg = strings.TrimSpace(rest)
	}
	if r.tracing && r.dataset == "" && moduleFunc(r.logger) && (strings.Contains(rest, "/vllm/") || vllm.RelayedTarget(r.logger)) {
		// vLLM's own record in a Dynamo worker's tracing layout ("ERROR core.run_engine_core:
		// EngineCore failed to start.", its module and function): its traceback runs through
		// vLLM's files, or its module and function are vLLM's ("INFO
		// engine._handle_process_request: Added request 9d04...", the request's lifecycle read)
		r.dataset = DatasetVLLM
		if rest == "" {
			vllm.Lifecycle(ev, r.msg)
		}
	}
	if r.file == "" && r.thread == 0 && len(r.msg) > 8 && r.msg[0] == '[' {
		r.msg = threadAndSource(&r, r.msg)
	}
	r.set(ev)
	if rest == "" {
		p.vllmMessage(ev, r.msg, r.level)
	}
	if rest == "" && (strings.Contains(r.msg, "RequestOutput(request_id=") || strings.Contains(r.msg, "GenerateReqInput(")) {
		// vLLM's RequestOutput printed by the program around the engine (FastChat's worker
		// through its stdout logger), and SGLang's request as its --log-requests prints it
		// ("Receive: obj=GenerateReqInput(text='...', input_ids=[...], ...)"): its prompt,
		// outputs and token ids are user data as in vLLM's lines
		repr := p.vllm.RequestOutput
		if !strings.Contains(r.msg, "RequestOutput(request_id=") {
			repr = p.vllm.SGLangRequest
		}
		if m, ok := repr(ev, r.msg); ok && m != r.msg {
			line := ev.Message()
			if i := strings.LastIndex(line, r.msg); i >= 0 {
				ev.SetMessage(line[:i] + m + line[i+len(r.msg):])
			}
			ev.SetString(pu.FieldLogMessage, m)
		}
	}
	if r.dataset == DatasetSGLang && rest == "" && r.level == pu.Error {
		if typ, m, ok := vllm.SplitException(r.msg, true); ok && m != "" && vllm.IsBareException(r.msg) {
			ev.SetString(event.FieldErrorType, typ)
			ev.SetString(event.FieldErrorMsg, m)
		}
	}
	if m, ok := strings.CutSuffix(r.msg, ": "+vllm.TracebackHeader); ok && rest == "" && r.level == pu.Error {
		ev.SetString(event.FieldErrorMsg, m) // what failed, its traceback cut off after the header
	}
	if strings.Contains(rest, "\n    "+vllm.TracebackHeader) || strings.HasPrefix(rest, "    "+vllm.TracebackHeader) {
		// tornado's LogFormatter (Jupyter's) indents the exception under the record by four
		rest = dedent(rest, "    ")
	}
	if strings.Contains(rest, vllm.TracebackHeader) || vllm.IsFrameLine(rest) || traceOpen && rest != "" {
		// logger.exception's traceback under the record, or the remote traceback of a Ray
		// task's error in its message ("Unhandled error ...: ray::X() (pid=...)", then frames);
		// under a header that opens one, whatever its first line (a paste's "  ..." for frames
		// left out, Python 3.13's "    ...<3 lines>...")
		if traceOpen {
			rest = vllm.TracebackHeader + "\n" + rest
		}
		vllm.SetTraceback(ev, rest)
		if r.level == "" && (strings.HasPrefix(rest, vllm.TracebackHeader) || vllm.AsyncioReport(r.msg)) {
			// a layout without a level (SGLang's "[18:19:57 TP2] Exception in run_tp_server:", a
			// Celery worker's "[date] Task ... raised unexpected: ...") over the traceback
			// logger.exception wrote: an error, as a bare traceback is; so is asyncio's report
			// of a task's exception nobody retrieved, which its default handler logs at error
			// ("[2025-04-14 03:56:40] Task exception was never retrieved", "future: <Task ...>")
			ev.SetString(event.FieldLogLevel, pu.Error)
		}
	}
	if r.dataset == DatasetLiteLLM && !ev.Has(event.FieldErrorType) {
		if typ, msg := LiteLLMException(r.msg); typ != "" {
			// LiteLLM's router logs a deployment's failure at INFO ("litellm.acompletion(model=...)
			// Exception litellm.RateLimitError: ..."): its class is what to filter on
			ev.SetString(event.FieldErrorType, typ)
			ev.SetString(event.FieldErrorMsg, msg)
		}
	}
	if v := hclogValue(rest); v != "" && (r.level == pu.Error || r.level == pu.Critical || r.level == pu.Warning) &&
		!ev.Has(event.FieldErrorStack) { // (an exception group's drawing is no hclog value: its "  | " lines are the traceback's)
		// hclog's multi-line value under the record (Vault agent's "error=" and its "  | " lines):
		// what failed, the message only introduced it
		ev.SetString(event.FieldErrorMsg, v)
	}
	if strings.HasSuffix(r.msg, " of RPC that terminated with:") && (r.level == pu.Error || r.level == pu.Critical) &&
		rest != "" && !ev.Has(event.FieldErrorMsg) {
		// a gRPC call's error the message quotes (f"rpc error: {e}"): its status, details and
		// the peer's error are on the lines under it, up to grpc's closing ">"
		repr := rest
		if i := strings.Index(repr, "\n>"); i >= 0 {
			repr = repr[:i+2]
		}
		ev.SetString(event.FieldErrorMsg, r.msg+"\n"+repr)
	}
	if m, ok := strings.CutPrefix(r.msg, "HTTP Request: "); ok && r.access == nil {
		clientRequest(ev, m)
	}
	if r.level == "" && !ev.Has(vllm.FieldErrorKind) && strings.Contains(r.msg, "CUDA out of memory") {
		// a format that states no level (SGLang's) reporting the GPU out of memory ("[... TP1]
		// Failed to initialize lk_moe: CUDA out of memory. Tried to allocate ..."): its class
		ev.SetString(vllm.FieldErrorKind, "cuda_oom")
	}
	if (r.level == pu.Error || r.level == pu.Critical) && r.msg != "" && r.access == nil && !ev.Has(event.FieldHTTPStatus) &&
		!tracebackPiece(r.msg) {
		// the record's own words: KServe's "Failed to start model server: Engine core
		// initialization failed." names the failure when the traceback's end does not (a
		// request line an error by its 5xx status names none)
		if !ev.Has(event.FieldErrorMsg) {
			// (without Dynamo's padding, nor the header of the traceback the record announces,
			// which error.stack_trace holds: "Scheduler hit an exception: Traceback (most recent
			// call last):", its exception cut off)
			em := strings.TrimSuffix(strings.TrimRight(r.msg, " \t"), ": "+vllm.TracebackHeader)
			if strings.Contains(em, "NCCL error") {
				// torch's NCCL failure in the record's words, NCCL's "Last error:" and its cause
				// under it (a trainer's "Error during training: NCCL error in: ..."): the cause
				// goes with it, as under the exception's traceback
				if c := vllm.LastError("\n" + rest); c != "" {
					em += " Last error: " + c
				}
			}
			ev.SetString(event.FieldErrorMsg, em)
		}
		if k := vllm.Classify(r.msg); k != "" {
			// the record's own cause over the engine's fate its traceback's frames tell
			// ("NIXL_ERR_BACKEND" over a V0 engine's constructor: kv_transfer, not
			// engine_init_failed)
			if cur, _ := ev.GetString(vllm.FieldErrorKind); cur == "" || cur != k && (cur == vllm.KindEngineInit || cur == vllm.KindEngineDead) {
				ev.SetString(vllm.FieldErrorKind, k)
			}
		}
	}
	if m, _ := ev.GetString(event.FieldErrorMsg); m == "{" {
		// a message that is a JSON object over lines (torch elastic's error handler's error
		// file): the message it holds ("RendezvousConnectionError: ...")
		if inner := pu.JSONMessage(ev.Message()); inner != "" {
			ev.SetString(event.FieldErrorMsg, inner)
		}
	}
	return true
}

// clientRequest reads httpx's record of a request it sent (the openai client's, LangChain's,
// LiteLLM's calls to vLLM): `POST http://vllm:8000/v1/chat/completions "HTTP/1.1 400 Bad
// Request"`: the method, the URL and the status vLLM answered. The level stays the record's.
func clientRequest(ev *event.Event, s string) {
	method, rest, ok := strings.Cut(s, " ")
	url, status, ok2 := strings.Cut(rest, ` "`)
	if !ok || !ok2 || method == "" || strings.ToUpper(method) != method || url == "" || strings.IndexByte(url, ' ') >= 0 {
		return
	}
	st := status // httpx before 0.24: "500 Internal Server Error", no protocol
	if v, ok := strings.CutPrefix(status, "HTTP/"); ok {
		_, st, _ = strings.Cut(v, " ")
	}
	code, ok := pu.Atoi(st[:min(len(st), 3)])
	if !ok || code < 100 || code > 599 {
		return
	}
	ev.SetString(uvicorn.FieldMethod, method)
	ev.SetString(uvicorn.FieldURLOrig, url)
	ev.Set(event.FieldHTTPStatus, event.Int(code))
}

// kserveTiming reads KServe's timing of a request its REST server answered ("kserve.io.kserve.
// protocol.rest.v1_endpoints.predict: 0.8487 ['http_status:200', 'http_method:POST',
// 'time:wall']", its timing decorator's; older releases under root: "... predict 0.0017,
// ['http_status:500', ...]"): the status and method, the wall time as event.duration, and it
// returns the level of its status ("" when the line is not one).
func kserveTiming(ev *event.Event, msg string) string {
	i := strings.LastIndex(msg, " ['http_status:")
	if i < 0 || !strings.HasSuffix(msg, "']") || i+len(" ['") > len(msg)-len("']") {
		return "" // (the caller's test found the tags at the message's start, with no space before)
	}
	head, tags := strings.TrimSuffix(msg[:i], ","), msg[i+len(" ['"):len(msg)-len("']")]
	var status int64
	method, wall := "", false
	for t := range strings.SplitSeq(tags, "', '") {
		k, v, _ := strings.Cut(t, ":")
		switch k {
		case "http_status":
			status, _ = pu.Atoi(v)
		case "http_method":
			method = v
		case "time":
			wall = v == "wall"
		}
	}
	if status < 100 || status > 599 {
		return ""
	}
	ev.Set(event.FieldHTTPStatus, event.Int(status))
	if method != "" && len(method) <= 16 {
		ev.SetString(uvicorn.FieldMethod, method)
	}
	if sp := strings.LastIndexByte(head, ' '); sp > 0 && wall {
		if sec, err := strconv.ParseFloat(head[sp+1:], 64); err == nil && sec >= 0 && sec < 1e6 {
			ev.Set(pu.FieldEventDuration, event.Int(int64(sec*1e9)))
		}
	}
	return uvicorn.StatusLevel(status)
}

// threadAndSource reads the thread and the C++ source location that yalantinglibs' easylog
// (Mooncake's RPC, coro_rpc) writes after its level: "2025-04-17 19:46:42.566927 ERROR    [975]
// [coro_rpc_client.hpp:978] read rpc body failed, ...". It returns the message after them, msg
// itself when it does not open so.
func threadAndSource(r *rec, msg string) string {
	tid, rest, ok := strings.Cut(msg[1:], "] [")
	n, isNum := pu.Atoi(tid)
	if !ok || !isNum || n <= 0 || len(tid) > 10 {
		return msg
	}
	loc, after, ok := strings.Cut(rest, "] ")
	file, lineText, found := strings.Cut(loc, ":")
	line, isLine := pu.Atoi(lineText)
	if !ok || !found || !isLine || line <= 0 || strings.ContainsAny(file, " []") ||
		!(strings.HasSuffix(file, ".hpp") || strings.HasSuffix(file, ".cpp") || strings.HasSuffix(file, ".h") ||
			strings.HasSuffix(file, ".cc") || strings.HasSuffix(file, ".c")) {
		return msg
	}
	r.thread, r.file, r.line = n, file, line
	return after
}

func (r *rec) set(ev *event.Event) {
	if r.logger != "" {
		ev.SetString(event.FieldLogLogger, r.logger)
	}
	if r.file != "" {
		ev.SetString(event.FieldOriginFile, r.file)
	}
	if r.line > 0 {
		ev.Set(event.FieldOriginLine, event.Int(r.line)) // loguru's names its module, not its file
	}
	if r.fn != "" {
		ev.SetString(pu.FieldOriginFunc, r.fn)
	}
	if r.nodeIP != "" && uvicorn.IsIP(r.nodeIP) {
		ev.SetString(vllm.FieldHostIP, r.nodeIP)
	}
	if r.prefix != nil {
		vllm.SetProcess(ev, r.prefix) // its name and pid, a Ray actor's ip, vLLM's ranks
	}
	exact := false // the record's time from Ray's timestamp_ns
	for kv := r.rayKeys; kv != ""; {
		var pair string
		pair, kv, _ = strings.Cut(kv, " ")
		k, v, _ := strings.Cut(pair, "=")
		switch k {
		case "name":
			if r.logger == "" {
				r.logger = v
				ev.SetString(event.FieldLogLogger, v)
			}
		case "timestamp_ns":
			if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
				pu.SetTime(ev, time.Unix(0, n).UTC())
				exact = true
			}
		default:
			pu.SetField(ev, k, event.String(v))
		}
	}
	if r.thread > 0 {
		ev.Set(pu.FieldThread, event.Int(r.thread)) // Ray C++'s writing thread
	}
	if r.pid > 0 {
		ev.Set(event.FieldProcessPID, event.Int(r.pid))
	}
	if r.proc != "" {
		ev.SetString(event.FieldProcessName, r.proc)
	}
	if r.host != "" {
		ev.SetString(event.FieldHostHostname, r.host)
	}
	if r.component != "" {
		ev.SetString(pu.FieldLogFields+".component", r.component)
	}
	if r.deployment != "" {
		ev.SetString(pu.FieldLogFields+".component", r.deployment)
		if r.replica != "" {
			ev.SetString(pu.FieldLogFields+".component_id", r.replica)
		}
		if r.requestID != "" {
			ev.SetString(FieldHTTPRequestID, r.requestID)
		}
		if r.route != "" {
			ev.SetString(uvicorn.FieldURLPath, r.route)
		}
		if lv := ServeRequest(ev, r.msg); lv != "" {
			r.level = lv
		}
	}
	if r.prefix != nil || r.proc != "" {
		// under a Ray actor's prefix: the count Ray's deduplication appends is no part of it
		r.msg = vllm.Unrepeated(r.msg)
	}
	ev.SetString(pu.FieldLogMessage, strings.TrimRight(r.msg, " ")) // (Dynamo's formatter pads its Python records)
	switch {
	case r.t.IsZero() || exact: // basicConfig's format has no time; Ray's exact one was set
	case r.zoned:
		pu.SetTime(ev, r.t)
	default:
		pu.SetDatedLocalTime(ev, r.t) // (a stamp without its year has the receipt's, as the frame's)
	}
	if r.access != nil {
		r.access.Set(ev)
	}
	ds := r.dataset
	if ds == DatasetDeepSpeed && vllmProcess(r.proc) {
		ds = DatasetVLLM // DeepSpeed's logger in a vLLM worker (vLLM on Intel GPUs, ipex-llm's): the worker's line
	}
	if ds == "" && !(r.tracing && moduleFunc(r.logger)) {
		// (a Dynamo module named vllm.py is no vLLM logger: "WARN vllm.get_kv_cache_size_from_dynamo_log: ...")
		ds = LoggerDataset(r.logger)
	}
	if ds == "" && vllmProcess(r.proc) {
		ds = DatasetVLLM // a library's line in a vLLM process (FlashInfer's autotuner, LMCache)
	}
	if ds == "" || ds == DatasetGeneric {
		ds = pu.DatasetOr(ev, containerDataset(ev))
	}
	comp := "" // the serving component (not vLLM) whose container wrote the line, read once
	if ds == DatasetGeneric || r.access != nil && strings.HasSuffix(ds, ".server") {
		comp = pu.ServingComponent(ev)
	}
	if ds == DatasetGeneric && comp != "" {
		ds = comp + ".server" // a serving component's own Python logging (Open WebUI's loguru)
	}
	if r.access != nil {
		switch {
		case ds == DatasetGeneric && r.plain && vllm.ServerContainer(pu.Container(ev)):
			// the same layout in a container named for vLLM: a line stamper's "[date] " before
			// uvicorn's own line (vllm-project/vllm issue #19477), vLLM's API's answer
			ds = vllm.DatasetAccess
		case ds == DatasetSGLang, ds == DatasetGeneric && r.plain:
			// "[2025-09-17 16:23:13] INFO:     10.10.11.1:41698 - "POST ..." 200 OK": uvicorn's
			// line in SGLang's format, whichever container runs it (OME's ome-container)
			ds = DatasetSGLangAccess
		case ds == DatasetGeneric && vllm.ServerContainer(pu.Container(ev)):
			// the same line without its "INFO:     " in a container named for vLLM (a copy
			// that lost the prefix, a handler that writes the message alone): vLLM's API
			// answered it, as the prefixed line's is (a 500 there is the server's failure)
			ds = vllm.DatasetAccess
		case ds == DatasetGeneric:
			ds = "uvicorn.access"
		case ds == DatasetKServe:
			// KServe's model server (vLLM inside its huggingfaceserver): its API's requests
			ds = DatasetKServeAccess
		case comp != "" && strings.HasSuffix(ds, ".server") && ds[:len(ds)-len(".server")] == comp:
			ds = comp + ".access" // open_webui.access, litellm.access
		}
	}
	if (ds == DatasetGeneric || ds == "generic.tracing") && (r.logger == "loggers.log" || r.logger == "metrics.log") && vllm.ParseStats(ev, r.msg) {
		// vLLM's stats record through another program's logging (Dynamo's vLLM workers, whose
		// Python logger writes tracing's layout): the engine's, its fields read (V1's
		// loggers.py, V0's metrics.py)
		ds = DatasetVLLM
	}
	if ds == DatasetVLLM && !vllmProcess(r.proc) {
		if c := pu.ServingComponent(ev); c != "" {
			ds = c + ".server" // LMCache's own server, not a vLLM process's connector
		}
	}
	if ds == DatasetRouter && strings.HasPrefix(r.msg, "Routing request ") {
		// vLLM production-stack's router names a request by its X-Request-Id (a uuid it makes
		// when there is none), which it sends on to the engine: "Routing request <id> to
		// http://10.0.0.5:8000 at ..." ties the backend it chose to the request
		if id, _, ok := strings.Cut(r.msg[len("Routing request "):], " "); ok && id != "" && len(id) <= 128 {
			ev.SetString(FieldHTTPRequestID, id)
		}
	}
	if r.logger == "kserve.trace" {
		// KServe's latency line names the request by its x-request-id: "requestId: <id>,
		// preprocess_ms: ..." (kserve/model.py), as the ingress and the sidecars log it
		if id, ok := strings.CutPrefix(strings.TrimLeft(r.msg, " "), "requestId: "); ok {
			if id, _, _ = strings.Cut(id, ","); id != "" && id != "N.A." && len(id) <= 128 {
				ev.SetString(FieldHTTPRequestID, id)
			}
		}
	}
	if strings.HasSuffix(r.msg, "']") && strings.Contains(r.msg, "['http_status:") {
		if lv := kserveTiming(ev, r.msg); lv != "" && (r.level == "" || r.level == pu.Info) {
			ev.SetString(event.FieldLogLevel, lv)
			r.level = lv
		}
	}
	if r.plain && ds != DatasetSGLang && sglangOwn(r.msg) {
		// SGLang's own words in its "[date] " layout, a single GPU's server writing no "TP0"
		// (since late 2025), in a container not named for it (OME's ome-container, KServe's
		// kserve-container, an LWS "main"): SGLang's, as its access lines there are
		ds = DatasetSGLang
	}
	if ds == DatasetSGLang {
		// SGLang's prefix names it ("[2025-06-25 06:57:59 TP0] "), or its container does (a
		// single GPU's "[2026-04-05 20:02:51] ")
		if !sglangBatch(ev, r.msg) && (strings.Contains(r.msg, "rid=") || strings.HasPrefix(r.msg, "Request ") || strings.HasPrefix(r.msg, "KV checksum mismatch req=")) {
			sglangRequest(ev, r.msg)
		}
		if r.level == "" && (strings.HasPrefix(r.msg, "Watchdog timeout (") || strings.HasPrefix(r.msg, "Scheduler watchdog timeout (") ||
			strings.HasPrefix(r.msg, "Received sigquit from a child proces") || sglangSchedulerDead(r.msg) ||
			// 0.5.23's running server when a child died ("SIGQUIT received. signum=3, frame=...
			// It usually means one child failed."), and its subprocess watchdog's word on which
			// ("Subprocess detokenizer (pid=231) crashed with exit code -9. Triggering SIGQUIT
			// for cleanup..."): the server goes down
			strings.HasPrefix(r.msg, "SIGQUIT received. ") && strings.Contains(r.msg, "It usually means one child failed") ||
			strings.HasPrefix(r.msg, "Subprocess ") && strings.Contains(r.msg, ") crashed with exit code ") ||
			// the engine's and the data-parallel controller's word on a scheduler process that
			// ended ("Scheduler or DataParallelController 1880936 terminated with -3")
			strings.HasPrefix(r.msg, "Scheduler or DataParallelController ") && strings.Contains(r.msg, " terminated with ") ||
			// the decode side's check of a transferred KV cache ("KV checksum mismatch
			// req=<rid> ..."), and a request too long for a disaggregated server
			strings.HasPrefix(r.msg, "KV checksum mismatch") ||
			// the KV cache allocator out of room for a prefill (mem_cache/allocation.py: "Prefill
			// out of memory. Try to lower your batch size.", what it wanted and had on the lines
			// under it), and the HTTP server's health check with no answer from the engine; not
			// the scheduler's notice of requests it retracted to free the KV cache ("Decode out
			// of memory happened. #retracted_reqs: 1, ...", logger.info: they run again)
			strings.HasPrefix(r.msg, "Prefill out of memory") ||
			strings.HasPrefix(r.msg, "Decode out of memory") && !strings.HasPrefix(r.msg, "Decode out of memory happened") ||
			strings.HasPrefix(r.msg, "Health check failed. ") ||
			// a tool call's parser failing on the streamed text (function_call's base detector:
			// the client gets a 200 whose tool call is broken)
			strings.HasPrefix(r.msg, "Error in parse_streaming_increment: ") ||
			strings.HasPrefix(r.msg, "Request ") && strings.Contains(r.msg, " exceeds the maximum number of tokens: ") ||
			// the tokenizer manager's logger.error of output for a request it no longer holds
			// (its client gone, the scheduler still decoding it)
			strings.HasPrefix(r.msg, "Received output for rid=") && strings.HasSuffix(r.msg, " but the state was deleted in TokenizerManager.")) {
			// its last words (logger.error, which the format does not print): the scheduler
			// hung past its watchdog, or a child died and the server goes down (early 2025
			// releases wrote "child proces."), or a scheduler died while the server started
			// ("Rank 0 scheduler is dead. Please check if there are relevant logs.", then its
			// "Exit code: 1")
			ev.SetString(event.FieldLogLevel, pu.Error)
			if !ev.Has(event.FieldErrorMsg) {
				first, _, _ := strings.Cut(r.msg, "\n")
				ev.SetString(event.FieldErrorMsg, strings.TrimSpace(first)) // its words, as every error line's
			}
		}
	}
	if strings.HasPrefix(r.logger, "lmcache") {
		if id := lmcacheRequest(r.msg); id != "" {
			if ext, ok := vllm.ExternalID(id); ok {
				id = ext // the engine's id for a request the client knows without its suffix
			}
			ev.SetString(pu.FieldVLLMRequestID, id)
		}
	}
	pu.Finish(ev, ds, r.level)
}

// vllmMessage reads a vLLM logger's message that a Python layout carries as vLLM's own layout's
// is read: the engine's stats and the request lifecycle ("... - vllm.engine.async_llm_engine -
// INFO - Added request <id>."), and the request logger's lines ("... - vllm.entrypoints.logger -
// INFO - Received request <id>: prompt: '...'"), their prompt or output kept, hashed or dropped
// as the options say, in the message too.
func (p *Parser) vllmMessage(ev *event.Event, msg, level string) {
	if ds, _ := ev.GetString(event.FieldDataset); ds != DatasetVLLM || ev.Has(event.FieldEventAction) || vllm.Lifecycle(ev, msg) {
		return
	}
	if !strings.HasPrefix(msg, "Received request ") && !strings.HasPrefix(msg, "Generated response ") && !strings.HasPrefix(msg, "Request ") {
		return
	}
	line := ev.Message()
	p.vllm.ParseMessage(ev, msg, level)
	m := ev.Message()
	if m == line {
		return
	}
	if i := strings.LastIndex(line, msg); i >= 0 {
		ev.SetMessage(line[:i] + m + line[i+len(msg):])
	}
	ev.SetString(pu.FieldLogMessage, m)
}

// containerDataset attributes a line of an unknown logger by the serving container that wrote
// it: KServe's model containers are named kserve-container.
func containerDataset(ev *event.Event) string {
	switch c := pu.Container(ev); {
	case strings.HasPrefix(c, "kserve"):
		return DatasetKServe
	case strings.Contains(c, "sglang"):
		return DatasetSGLang
	}
	return DatasetGeneric
}

// DatasetSGLangAccess is the dataset of uvicorn's access lines in SGLang's container.
const DatasetSGLangAccess = "sglang.access"

// DatasetSGLangRouter is the dataset of SGLang's router (sgl-router, the model gateway): the
// lines its Python launcher relays under routerRelay, and its container's.
const DatasetSGLangRouter = "sglang_router.server"

const routerRelay = "[Router (Rust)] "

// routerLauncher is the prefix of the router launcher's own Python lines ("[Router (Python)]
// 2025-05-17 01:10:45 - INFO - Launching DP server process 0 on port 31000 -
// launch_server.py:175"), in the same layout as what it relays.
const routerLauncher = "[Router (Python)] "

// LoggerDataset attributes a line by its logger's top-level package, "" for a logger it
// does not know.
func LoggerDataset(logger string) string {
	top, _, _ := strings.Cut(logger, ".")
	switch top {
	case "vllm", "lmcache": // LMCache logs as vLLM's KV cache connector (its server: ServingComponent)
		return DatasetVLLM
	case "vllm_ascend", "vllm_gaudi", "vllm_neuron", "vllm_spyre", "vllm_tpu", "tpu_inference":
		// vLLM's hardware plugins, which run inside its processes and log as vLLM does
		return DatasetVLLM
	case "vllm_router": // vLLM production-stack's router
		return DatasetRouter
	case "kserve", "huggingfaceserver":
		return DatasetKServe
	case "ray":
		if strings.HasPrefix(logger, "ray.serve") {
			return DatasetRayServe
		}
		return DatasetRayCore
	case "deepspeed", "DeepSpeed":
		return DatasetDeepSpeed
	case "infinity_emb": // Infinity, the embedding and reranking server beside vLLM
		return DatasetInfinity
	case "litellm_proxy_extras", "litellm":
		// LiteLLM's own packages (its proxy's database migrations, which the Helm chart runs in
		// a Job's "prisma-migrations" container before the proxy starts)
		return DatasetLiteLLM
	}
	return ""
}

// DatasetInfinity is the dataset of Infinity's own logger (infinity_emb).
const DatasetInfinity = "infinity.server"

// ECS fields of the Ray Serve request lines beside uvicorn's.
const (
	FieldHTTPRequestID = pu.FieldHTTPRequestID
	FieldDuration      = pu.FieldEventDuration
)

// ServeRequest reads what a Ray Serve replica logs of each request after its "-- ": an HTTP
// request's method, route, status and time ("GET /{wildcard} 422 3.7ms") or a handle call's
// ("CALL llm_config OK 2.7ms"), and returns the level it gives the line: by status as for an
// access line, error for a failed call; "" for any other message. The json parser reads Serve's
// JSON encoding of the same line with it.
func ServeRequest(ev *event.Event, msg string) string {
	f := strings.Fields(msg)
	if len(f) == 3 && strings.HasSuffix(f[2], "ms") && (f[1] == "OK" || f[1] == "ERROR" || len(f[1]) == 3) {
		// Serve 2.6 to 2.8, the route before the message: "GET 200 8.9ms", "__CALL__ OK 0.2ms"
		if f[0] == "__CALL__" {
			f[0] = "CALL"
		}
		f = []string{f[0], "", f[1], f[2]}
	}
	if len(f) != 4 || !strings.HasSuffix(f[3], "ms") {
		return ""
	}
	ms, err := strconv.ParseFloat(f[3][:len(f[3])-2], 64)
	if err != nil || ms < 0 {
		return ""
	}
	if f[0] == "CALL" {
		if f[2] != "OK" && f[2] != "ERROR" {
			return ""
		}
		ev.Set(FieldDuration, event.Int(int64(math.Round(ms*1e6))))
		if f[2] == "ERROR" {
			return pu.Error
		}
		return ""
	}
	status, ok := pu.Atoi(f[2])
	if !ok || status < 100 || status > 599 || strings.ToUpper(f[0]) != f[0] {
		return ""
	}
	ev.SetString(uvicorn.FieldMethod, f[0])
	if f[1] != "" {
		ev.SetString(uvicorn.FieldURLPath, f[1])
	}
	ev.Set(event.FieldHTTPStatus, event.Int(status))
	ev.Set(FieldDuration, event.Int(int64(math.Round(ms*1e6))))
	return uvicorn.StatusLevel(status)
}

// slurmRecord reads what follows the time of a line of Slurm's log file (src/common/log.c:
// "[%M] " then slurmstepd's "[<job>.<step>] ", then the level word): "error: ...", "[321.0]
// error: pyxis: ...", a plugin's info line with no word ("gpu/nvml: _get_system_gpu_list_nvml: 4
// GPU system device(s) detected", level ""), a plugin's "WARNING: " after its prefix (before
// 25.x: "gres/gpu: _merge_system_gres_conf: WARNING: The following autodetected GPUs are being
// ignored:"). ok is false for a line that is none of these.
func slurmRecord(s string) (level, msg string, ok bool) {
	step := false
	if len(s) > 4 && s[0] == '[' {
		// "[6333.extern] ", "[321.0] ", "[8.batch] "
		end := strings.IndexByte(s[:min(len(s), 32)], ']')
		job, stepID, dot := strings.Cut(s[1:max(end, 1)], ".")
		if end < 0 || !dot || !pu.AllDigits(job) || stepID == "" || end+1 >= len(s) || s[end+1] != ' ' {
			return "", "", false
		}
		s, step = s[end+2:], true
	}
	if lv, m, ok := pu.SlurmLevel(s); ok {
		return lv, m, true
	}
	plugin, _, found := strings.Cut(s[:min(len(s), 48)], ": ")
	kind, name, slash := strings.Cut(plugin, "/")
	if !found || !slash || kind == "" || name == "" || strings.ContainsAny(plugin, " [") {
		if step {
			return "", s, true // a step's info line ("[6333.0] starting 1 tasks"), no word
		}
		return "", "", false
	}
	// a plugin's line: "gres/gpu: ...", "task/cgroup: ...", "select/cons_tres: ..."
	rest := s[len(plugin)+2:]
	if fn, _, ok := strings.Cut(rest[:min(len(rest), 64)], ": "); ok && strings.IndexByte(fn, ' ') < 0 {
		if lv, _, ok := pu.SlurmLevel(rest[len(fn)+2:]); ok && lv == pu.Warning {
			return lv, s, true
		}
	}
	return "", s, true
}

// sglangSchedulerDead reports whether msg is what SGLang's launcher logs when a scheduler died
// before it was ready: "Rank 0 scheduler is dead. Please check if there are relevant logs.", and
// the process's "Exit code: 1" after it.
func sglangSchedulerDead(msg string) bool {
	if code, ok := strings.CutPrefix(msg, "Exit code: "); ok {
		_, num := pu.Atoi(strings.TrimPrefix(code, "-"))
		return num
	}
	rank, ok := strings.CutPrefix(msg, "Rank ")
	if !ok {
		return false
	}
	n, after, ok := strings.Cut(rank, " ")
	_, num := pu.Atoi(n)
	return ok && num && strings.HasPrefix(after, "scheduler is dead.")
}

// llamaSwapTag opens llama-swap's access line of its early releases (2025-01): `[llama-swap]
// 192.168.16.7 [2025-01-30 18:37:14] "POST /v1/chat/completions HTTP/1.1" 200 2927
// "Python/3.11 aiohttp/3.11.8" 520.776271ms`, the client, the time, then as its later "Request"
// line (llamaSwapRequest).
const llamaSwapTag, llamaSwapLogger = "[llama-swap] ", "llama-swap"

// llamaSwapAccess reads that line after its tag: its time (the proxy's local time) and its
// message, which the access fields are read from as the later line's.
func (r *rec) llamaSwapAccess(s string) bool {
	client, after, ok := strings.Cut(s, " [")
	if !ok || !uvicorn.IsIP(client) {
		return false
	}
	stamp, tail, ok := strings.Cut(after, "] ")
	t, n, okT := pu.RFC3339(stamp)
	if !ok || !okT || n != len(stamp) || !strings.HasPrefix(tail, `"`) {
		return false
	}
	r.t, r.zoned, r.logger, r.msg = t, pu.Zoned(stamp), llamaSwapLogger, s
	return true
}

// llamaSwapRequest reads llama-swap's line for each request it proxied, its proxy logger's
// `Request 127.0.0.1 "POST /v1/chat/completions HTTP/1.1" 502 58 "OpenAI4/JS 4.89.0" 15.2721239s`:
// the client, the request line, the status, the bytes, the user agent and the duration.
func llamaSwapRequest(msg string) (a uvicorn.Access, dur time.Duration, ok bool) {
	rest, _ := strings.CutPrefix(msg, "Request ")
	client, rest, ok := strings.Cut(rest, ` "`)
	if !ok || !uvicorn.IsIP(client) {
		return a, 0, false
	}
	reqLine, tail, ok := strings.Cut(rest, `" `)
	f := strings.Fields(reqLine)
	t := strings.Fields(tail)
	if !ok || len(f) != 3 || !strings.HasPrefix(f[2], "HTTP/") || len(t) < 3 {
		return a, 0, false
	}
	status, isNum := pu.Atoi(t[0])
	d, err := time.ParseDuration(t[len(t)-1])
	if !isNum || status < 100 || status > 599 || err != nil {
		return a, 0, false
	}
	a = uvicorn.Access{IP: client, Port: -1, Method: f[0], Target: f[1], Version: f[2][len("HTTP/"):], Status: status}
	a.Path, a.Query, _ = strings.Cut(f[1], "?")
	return a, d, true
}

// lmcacheRequest returns the vLLM request id an LMCache line names, "" when it names none:
// "Reqid: chatcmpl-d971..., Total tokens 265, LMCache hit tokens: 264, need to load: 264" and
// "Storing KV cache for 256 out of 256 tokens (skip_leading_tokens=0) for request chatcmpl-dd6e...".
func lmcacheRequest(msg string) string {
	var id string
	if rest, ok := strings.CutPrefix(msg, "Reqid: "); ok {
		id, _, _ = strings.Cut(rest, ",")
	} else if _, rest, ok := strings.Cut(msg, " for request "); ok {
		id, _, _ = strings.Cut(rest, " ")
		id = strings.TrimRight(id, "!.,;:") // the sentence's: "... for the first time for request chatcmpl-9a71...!"
	} else if rest, ok := strings.CutPrefix(msg, "[req_id="); ok {
		// 0.5's cache engine: "[req_id=chatcmpl-...] Stored 6144 out of total 6212 tokens. ..."
		id, _, _ = strings.Cut(rest, "]")
	} else if _, rest, ok := strings.Cut(msg, "request_id="); ok {
		// 0.5's multi-process adapter: "Something went wrong when processing the retrieve
		// request for request_id=chatcmpl-..., result=False"
		id, _, _ = strings.Cut(rest, " ")
		id = strings.TrimRight(id, ",.;:")
	} else if rest, ok := strings.CutPrefix(msg, "Lookup "); ok {
		// its storage manager's hits for a request ("Lookup chatcmpl-...-b422e768: Backend
		// LocalCPUBackend hit 2 chunks out of 97, 512 tokens"), the engine's id
		id, _, ok = strings.Cut(rest, ": ")
		if !ok {
			return ""
		}
	} else if _, rest, ok := strings.Cut(msg, " failed for "); ok {
		// 0.5's vLLM adapter: "Bidirectional NIXL cache probe failed for chatcmpl-...: ..."
		id, _, ok = strings.Cut(rest, ": ")
		if !ok {
			return ""
		}
	} else {
		return ""
	}
	if id == "" || len(id) > 256 || strings.ContainsAny(id, " \t'\"") {
		return ""
	}
	return id
}

// vllmProcess reports whether name is one of the processes vLLM names in its line prefix
// ("(EngineCore_DP0 pid=181642)", "(VllmWorker rank=4 pid=31778)", "(APIServer pid=1)"), and its
// Ray actors' names (vllm's executor's RayWorkerWrapper, the data-parallel DPEngineCoreActor).
func vllmProcess(name string) bool {
	for _, p := range [...]string{"EngineCore", "VllmWorker", "APIServer", "Worker_", "RayWorkerWrapper", "DPEngineCoreActor", "RayWorkerVllm"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return name == "Worker"
}

// litellm reads LiteLLM's text format, "%(asctime)s - %(name)s:%(levelname)s: %(filename)s:%(lineno)s
// - %(message)s" with the time of day alone ("10:09:50 - LiteLLM Proxy:ERROR: common_request_processing.py:876
// - ..."): the line keeps the runtime's time, which has the date. Its logger names have spaces
// ("LiteLLM Router").
func (r *rec) litellm(s string) bool {
	rc, ok := LiteLLMRecord(s)
	if !ok {
		return false
	}
	r.logger, r.level, r.msg = rc.Logger, rc.Level, rc.Msg
	if strings.HasPrefix(rc.Logger, "LiteLLM") {
		r.dataset = DatasetLiteLLM // else the program's that took the layout (OpenDevin)
	}
	return rc.Origin == "" || r.origin(rc.Origin) // (the layout without the file names none)
}

// litellmEarly reads the layout LiteLLM's loggers had until early 2024, "%(name)s -
// %(levelname)s: %(message)s" ("LiteLLM Router - INFO: get_available_deployment for model:
// azure/gpt-4-fast, No deployment available"), without a time.
func (r *rec) litellmEarly(s string) bool {
	name, rest, ok := strings.Cut(s, " - ")
	if !ok || !strings.HasPrefix(name, "LiteLLM") || !loggerWords(name) {
		return false
	}
	lv, msg, ok := strings.Cut(rest, ": ")
	level := pyLevel(lv, false)
	if !ok || level == "" {
		return false
	}
	r.logger, r.level, r.msg, r.dataset = name, level, msg, DatasetLiteLLM
	return true
}

// LiteLLMException reads the exception a LiteLLM record names: " Exception
// litellm.APIConnectionError: Cannot connect to host localhost:11434 ...", its class and what
// follows it, in its text layout or its JSON_LOGS records' messages.
func LiteLLMException(msg string) (typ, text string) {
	i, n := strings.Index(msg, "Exception litellm."), len("Exception ")
	if j := strings.Index(msg, "Exception occured - litellm."); j >= 0 {
		// the proxy's own word on each failed request: "proxy_server.async_data_generator():
		// Exception occured - litellm.InternalServerError: litellm.InternalServerError: ..."
		i, n = j, len("Exception occured - ")
	} else if j := strings.Index(msg, " - litellm."); i < 0 && j >= 0 {
		// the router's last word on a request no deployment could serve: "litellm.router.py::
		// async_function_with_fallbacks() - Error occurred while trying to do fallbacks -
		// litellm.APIConnectionError: ...", a class in capitals after the dash
		i, n = j+len(" - "), 0
	}
	if i < 0 || i > 0 && msg[i-1] != ' ' {
		return "", ""
	}
	cls, after, ok := strings.Cut(msg[i+n:], ":")
	if !ok || !IsLoggerName(cls) {
		return "", ""
	}
	if n == 0 {
		if k := strings.LastIndexByte(cls, '.'); k < 0 || k+1 >= len(cls) || cls[k+1] < 'A' || cls[k+1] > 'Z' {
			return "", ""
		}
	}
	return cls, strings.TrimSpace(after)
}

// LiteLLM is one record of LiteLLM's text format (LiteLLMRecord).
type LiteLLM struct{ Logger, Level, Origin, Msg string }

// IsLiteLLMRecord reports whether s opens a LiteLLM text record.
func IsLiteLLMRecord(s string) bool {
	_, ok := LiteLLMRecord(s)
	return ok
}

// LiteLLMRecord reads the header of a LiteLLM text record, "10:09:50 - LiteLLM Proxy:ERROR:
// file.py:876 - message".
func LiteLLMRecord(s string) (LiteLLM, bool) {
	if len(s) < 24 || s[2] != ':' || s[5] != ':' || s[8:11] != " - " || !pu.AllDigits(s[:2]) || !pu.AllDigits(s[3:5]) || !pu.AllDigits(s[6:8]) {
		return LiteLLM{}, false
	}
	if head, msg, ok := strings.Cut(s[11:], " - "); ok {
		named, loc, ok := strings.Cut(head, ": ")
		if c := strings.LastIndexByte(named, ':'); ok && c > 0 && loggerWords(named[:c]) && strings.Contains(loc, ".py:") {
			if level := pyLevel(named[c+1:], false); level != "" {
				return LiteLLM{Logger: named[:c], Level: level, Origin: loc, Msg: msg}, true
			}
		}
	}
	// the layout of late 2023 to early 2024, "%(asctime)s - %(name)s:%(levelname)s: %(message)s"
	// without the file ("11:05:44 - LiteLLM Router:INFO: litellm.acompletion(...) Exception ...")
	rest := s[11:]
	i := strings.Index(rest[:min(len(rest), 64)], ": ")
	if i <= 0 {
		return LiteLLM{}, false
	}
	named := rest[:i]
	c := strings.LastIndexByte(named, ':')
	if c <= 0 || !strings.HasPrefix(named, "LiteLLM") || !loggerWords(named[:c]) {
		return LiteLLM{}, false
	}
	level := pyLevel(named[c+1:], false)
	if level == "" {
		return LiteLLM{}, false
	}
	return LiteLLM{Logger: named[:c], Level: level, Msg: rest[i+2:]}, true
}

// tracebackPiece reports whether a record's message is a line of a traceback that a relay logged
// as a record of its own (FastChat's "| ERROR | stderr |   File \"...\", line 257, in wrap"):
// a frame, a frame's source or caret line, the header; none names what failed.
func tracebackPiece(msg string) bool {
	return vllm.IsFrameLine(msg) || strings.HasPrefix(msg, "    ") || msg == vllm.TracebackHeader ||
		vllm.ChainMarker(msg) // ("The above exception was the direct cause of the following exception:", a stderr relay's line)
}

// loggerWords reports whether s can be a logger's name in LiteLLM's layout, which names have
// spaces in ("LiteLLM Router"); other programs took the layout (OpenDevin's "opendevin").
func loggerWords(s string) bool {
	if s == "" || len(s) > 64 || s[0] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == ' ' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// pyLevel maps Python's upper-case level names (and the one-letter glog levels of Ray's C++
// core when single is set) to ECS levels.
func pyLevel(s string, single bool) string {
	if len(s) == 1 && !single {
		return ""
	}
	switch s {
	case "DEBUG", "D":
		return pu.Debug
	case "INFO", "I", "NOTICE", "SUCC":
		// SUCC: Ray's CLI logger's level for a step done ("SUCC scripts.py:903 -- Ray runtime started.")
		return pu.Info
	case "WARNING", "WARN", "W":
		return pu.Warning
	case "ERROR", "E":
		return pu.Error
	case "CRITICAL", "FATAL", "F", "C":
		return pu.Critical
	case "TRACE":
		return pu.Debug
	}
	return ""
}

// RayCoreLevel returns the ECS level of a record of Ray's C++ core ("[2025-04-02 15:02:00,117 E
// 135782 135782] ..."), "" when s opens none. Such a record's message may go on over lines of
// its own, without the header (the raylet's OOM report, and its advice under it).
func RayCoreLevel(s string) string {
	if len(s) < 24 || s[0] != '[' {
		return ""
	}
	_, n, ok := pu.RFC3339(s[1:])
	if !ok {
		return ""
	}
	level, _, _, _ := rayCoreHeader(s[1+n:])
	return level
}

// rayCoreHeader reads what follows the date of Ray's C++ header, " E 13261 13261] ": the level,
// the pid, and where the message starts.
func rayCoreHeader(rest string) (level string, pid int64, body int, ok bool) {
	if len(rest) < 4 || rest[0] != ' ' || rest[2] != ' ' {
		return "", 0, 0, false
	}
	if level = pyLevel(rest[1:2], true); level == "" {
		return "", 0, 0, false
	}
	end := strings.IndexByte(rest, ']')
	if end < 0 {
		return "", 0, 0, false
	}
	ids, _, _ := strings.Cut(rest[3:end], " ")
	if pid, ok = pu.Atoi(ids); !ok {
		return "", 0, 0, false
	}
	return level, pid, end + 1, true
}

// bracketed reads DeepSpeed's "[date] [LEVEL] [file.py:N:func] msg" and Ray's C++ core
// "[date L pid tid] file.cc:N: msg".
// kfpExecutor reads what follows "[KFP Executor " in the lines Kubeflow Pipelines v2's executor
// writes around a step's code ("[KFP Executor %(asctime)s %(levelname)s]: %(message)s"):
// "2024-05-10 23:54:28,909 INFO]: Looking for component `add` in --component_module_path ...",
// the writer's local time.
func (r *rec) kfpExecutor(s string) bool {
	t, n, ok := pu.RFC3339(s)
	if !ok || n >= len(s) || s[n] != ' ' {
		return false
	}
	lv, msg, ok := strings.Cut(s[n+1:], "]: ")
	if r.level = pyLevel(lv, false); !ok || r.level == "" {
		return false
	}
	r.t, r.zoned, r.logger, r.msg = t, pu.Zoned(s[:n]), "KFP Executor", msg
	return true
}

// spdlog reads what follows the time and the level in the Run:ai model streamer's layout, which
// vLLM's runai_streamer load format writes in its container: "[2025-06-05 01:31:37.965] [SPAM   ]
// [99 99] [streamer/impl/streamer/streamer.cc: 42 @ request     ] Requested to read ...": the
// process and thread ids, the source file and line, the function. SPAM, its level below DEBUG,
// is debug.
func (r *rec) spdlog(level, after string) bool {
	ids, rest, ok := strings.Cut(after[1:], "] [")
	pid, tid, ok2 := strings.Cut(ids, " ")
	if !ok || !ok2 || !pu.AllDigits(pid) || !pu.AllDigits(tid) {
		return false
	}
	loc, msg, ok := strings.Cut(rest, "] ")
	where, fn, ok2 := strings.Cut(loc, " @ ")
	colon := strings.LastIndexByte(where, ':') // "file.cc: 42" or "file.cc:117"
	if !ok || !ok2 || colon <= 0 {
		return false
	}
	file := where[:colon]
	line, isNum := pu.Atoi(strings.TrimSpace(where[colon+1:]))
	if !isNum {
		return false
	}
	switch lv := strings.TrimSpace(level); lv {
	case "SPAM", "TRACE":
		r.level = pu.Debug
	default:
		if r.level = pyLevel(lv, false); r.level == "" {
			return false
		}
	}
	r.pid, _ = pu.Atoi(pid)
	r.file, r.line, r.fn, r.msg = file, line, strings.TrimSpace(fn), msg
	return true
}

func (r *rec) bracketed(s string) bool {
	if r.structlog(s) {
		return true // structlog's console record without a timestamp
	}
	launcher := strings.HasPrefix(s, routerLauncher)
	if launcher {
		s = routerRelay + s[len(routerLauncher):]
	}
	if rest, ok := strings.CutPrefix(s, routerRelay); ok {
		// SGLang's router launcher relaying its Rust core's lines (2025): "[Router (Rust)]
		// 2025-03-08 02:33:09 - INFO - Worker http://0.0.0.0:31000 health check is pending ..."
		if !r.dated(rest) {
			return false
		}
		if i := strings.LastIndex(r.msg, " - "); launcher && i > 0 && strings.Contains(r.msg[i+3:], ".py:") && r.origin(r.msg[i+3:]) {
			r.msg = r.msg[:i] // its own lines end with "%(filename)s:%(lineno)d"
		}
		r.dataset = DatasetSGLangRouter
		return true
	}
	if rest, ok := strings.CutPrefix(s, "[KFP Executor "); ok {
		return r.kfpExecutor(rest)
	}
	if rest, ok := strings.CutPrefix(s, llamaSwapTag); ok {
		return r.llamaSwapAccess(rest)
	}
	if len(s) > 8 && s[1] >= 'A' && s[1] <= 'Z' {
		return r.levelBracket(s)
	}
	if len(s) > 14 && s[3] == ':' && s[6] == ':' && s[9] == ' ' {
		// SGLang before 2025 (datefmt "%H:%M:%S"): "[04:40:55 TP0] Decode batch. ...", the time
		// of day alone, so the runtime's time stays
		if _, _, _, _, n, ok := pu.Clock(s[1:]); ok && n == 8 {
			return r.sglang(s[9:])
		}
	}
	if len(s) > 17 && s[3] == '-' && s[6] == ' ' && s[9] == ':' && s[12] == ':' && (s[15] == ']' || s[15] == ' ') {
		// SGLang Diffusion's "[07-01 15:20:44] msg" (datefmt "%m-%d %H:%M:%S"): no year, so
		// the runtime's time stays
		if _, _, _, _, n, ok := pu.Clock(s[7:]); ok && n == 8 && pu.AllDigits(s[1:3]) && pu.AllDigits(s[4:6]) {
			return r.sglang(s[15:])
		}
	}
	if len(s) < 24 {
		return false
	}
	t, n, ok := pu.RFC3339(s[1:])
	if !ok {
		return false
	}
	rest := s[1+n:]
	if strings.HasPrefix(rest, "] [") {
		if lv, after, ok := strings.Cut(rest[3:], "] "); ok && strings.HasPrefix(after, "[") && r.spdlog(lv, after) {
			r.t = t
			return true
		}
		if s[11] == 'T' {
			if lv, msg, ok := slurmRecord(rest[2:]); ok {
				// slurmstepd's lines in Slurm's log file: "[2019-09-24T10:10:06.901] [321.0]
				// error: pyxis: ...", the job's step before the level word
				r.t, r.level, r.msg, r.dataset = t, lv, msg, pu.DatasetSlurm
				return true
			}
		}
		// DeepSpeed
		lv, after, ok := strings.Cut(rest[3:], "] ")
		if r.level = pyLevel(strings.TrimSpace(lv), false); !ok || r.level == "" {
			return false
		}
		if len(after) > 0 && after[0] == '[' {
			if end := strings.IndexByte(after, ']'); end > 0 && strings.IndexByte(after[:end], ' ') < 0 {
				loc := after[1:end]
				file, rest, _ := strings.Cut(loc, ":")
				ln, fn, _ := strings.Cut(rest, ":")
				r.file, r.fn = file, fn
				r.line, _ = pu.Atoi(ln)
				after = strings.TrimPrefix(after[end+1:], " ")
				r.dataset = DatasetDeepSpeed // its location is what tells DeepSpeed's layout
			}
		}
		if r.dataset == "" {
			// the same brackets without DeepSpeed's location: another program's (OPEA's
			// GenAIComps' "[2024-07-26 16:54:01,879] [    INFO] - CORS is enabled.", a Node
			// CLI's "[2026-09-14T09:44:12.844Z] [ERROR] ..."), its container's dataset
			after = strings.TrimPrefix(after, "- ")
		}
		r.msg, r.t = after, t
		return true
	}
	if strings.HasPrefix(rest, "] ") {
		if _, _, ok := uvicornLevel(rest[2:]); !ok && r.named(rest[2:]) {
			r.t = t
			return true
		}
		if r.elastic(rest[2:]) || r.wordLevel(rest[2:]) || r.locust(rest[2:]) {
			r.t = t
			return true
		}
		if s[11] == 'T' {
			if lv, msg, ok := slurmRecord(rest[2:]); ok {
				// Slurm's log file ("[2020-08-13T10:20:03.698] error: Setting node ... state to
				// DRAIN"), slurmstepd's lines in a job's output: local time, its level word
				r.t, r.level, r.msg, r.dataset = t, lv, msg, pu.DatasetSlurm
				return true
			}
		}
	}
	if r.sglang(rest) {
		r.t = t
		return true
	}
	// Ray C++: " E 13261 13261] file.cc:N: msg", " I 173 173] (raylet) node_manager.cc:610: msg"
	level, pid, at, ok := rayCoreHeader(rest)
	if !ok {
		return false
	}
	r.level, r.pid = level, pid
	if _, tid, ok := strings.Cut(strings.TrimSpace(rest[3:at-1]), " "); ok {
		r.thread, _ = pu.Atoi(tid) // "[... E 13261 13261]": the pid, then the thread
	}
	body := strings.TrimPrefix(rest[at:], " ")
	if c, after, ok := strings.Cut(body, ") "); ok && len(c) > 1 && c[0] == '(' && strings.IndexByte(c, ' ') < 0 {
		// the component since Ray 2.x: "(raylet) node_manager.cc:610: ...", "(gcs_server) ..."
		r.proc, body = c[1:], after
	}
	if loc, msg, ok := strings.Cut(body, ": "); ok && strings.IndexByte(loc, ' ') < 0 && strings.IndexByte(loc, ':') > 0 {
		r.origin(loc)
		body = msg
	}
	r.msg, r.dataset, r.t = vllm.Unrepeated(body), DatasetRayCore, t
	return true
}

// nameLevel reads a logger's dotted name, then the level in capitals, then the message, after
// spaces or " - " ("%(name)s %(levelname)s - %(message)s", the OpenTelemetry SDK's exporters as an
// application configures them: "opentelemetry.exporter.otlp.proto.http._log_exporter ERROR -
// Failed to export logs batch code: 400, ..."). The name has a dot: a word and a level alone
// are too common in text to be a record.
func (r *rec) nameLevel(s string) bool {
	name, rest, ok := strings.Cut(s[:min(len(s), 200)], " ")
	if !ok || strings.IndexByte(name, '.') <= 0 || !DottedName(name) || strings.HasSuffix(name, ".") {
		return false
	}
	sep := ""
	if strings.HasPrefix(rest, "- ") {
		sep, rest = "- ", rest[2:] // "%(name)s - %(levelname)s - %(message)s"
	}
	w, _, ok := strings.Cut(rest, " ")
	level := pyLevel(w, false)
	if !ok || level == "" || w != strings.ToUpper(w) {
		return false
	}
	msg := strings.TrimLeft(s[len(name)+1+len(sep)+len(w):], " ")
	msg = strings.TrimPrefix(msg, "- ")
	if msg == "" {
		return false
	}
	r.logger, r.level, r.msg = name, level, msg
	return true
}

// locust reads Locust's layout after its time ("[%(asctime)s] %(hostname)s/%(levelname)s/
// %(name)s: %(message)s", a load test's master and workers: "[2021-04-14 14:29:47,188]
// loadtest-master-flp44/ERROR/root: Uncaught exception in event handler:").
func (r *rec) locust(s string) bool {
	host, after, ok := strings.Cut(s[:min(len(s), 160)], "/")
	if !ok || host == "" || strings.IndexByte(host, ' ') >= 0 {
		return false
	}
	lv, after, ok := strings.Cut(after, "/")
	level := pyLevel(lv, false)
	if !ok || level == "" {
		return false
	}
	name, _, ok := strings.Cut(after, ": ")
	if !ok || name == "" || strings.IndexByte(name, ' ') >= 0 {
		return false
	}
	r.host, r.level, r.logger, r.msg = host, level, name, s[len(host)+1+len(lv)+1+len(name)+2:]
	return true
}

// hclogValue returns the value hclog writes under a record, one "  | " line each after the
// key's "  error=" line, without those marks; "" when rest is not such a value.
func hclogValue(rest string) string {
	if !strings.Contains(rest, "\n  | ") && !strings.HasPrefix(rest, "  | ") {
		return ""
	}
	var sb strings.Builder
	for line := range strings.SplitSeq(rest, "\n") {
		v, ok := strings.CutPrefix(line, "  | ")
		if !ok {
			v, ok = strings.CutPrefix(line, "  |")
		}
		if !ok || strings.TrimSpace(v) == "" {
			continue
		}
		if sb.Len() > 0 {
			sb.WriteByte('\n')
		}
		sb.WriteString(v)
	}
	return sb.String()
}

// dedent removes indent from the start of each of text's lines that has it.
func dedent(text, indent string) string {
	var sb strings.Builder
	sb.Grow(len(text))
	for line := range strings.SplitSeq(text, "\n") {
		if sb.Len() > 0 {
			sb.WriteByte('\n')
		}
		sb.WriteString(strings.TrimPrefix(line, indent))
	}
	return sb.String()
}

// elastic reads what follows the date of torchrun's own logger in torch 2.2 and 2.3
// (torch/distributed/elastic/utils/logging.py: "[%(asctime)s] %(name)s: [%(levelname)s]
// %(message)s"): "[2024-05-08 08:47:31,877] torch.distributed.elastic.multiprocessing.api:
// [ERROR] failed (exitcode: 1) local_rank: 2 (pid: 5939) of binary: ...", the line that says a
// rank died.
func (r *rec) elastic(s string) bool {
	name, _, ok := strings.Cut(s[:min(len(s), 128)], ": [")
	if !ok || !IsLoggerName(name) || strings.IndexByte(name, '.') < 0 {
		return false
	}
	lv, msg, ok := strings.Cut(s[len(name)+3:], "] ")
	if r.level = pyLevel(lv, false); !ok || r.level == "" {
		return false
	}
	r.logger, r.msg = name, msg
	return true
}

// wordLevel reads what follows the zoned time of code-server's logger (the VS Code server in a
// notebook or dev pod): "info  Using config file ...", the level in lower case padded to five,
// then the message.
func (r *rec) wordLevel(s string) bool {
	w, msg, ok := strings.Cut(s[:min(len(s), 8)], " ")
	switch {
	case !ok:
		return false
	case w == "trace" || w == "debug" || w == "info" || w == "warn" || w == "error":
		r.level, _ = pu.Level(w)
		r.msg = strings.TrimLeft(s[len(w):], " ")
		return msg != "" || len(s) > len(w)+1
	}
	return false
}

// sglang reads what follows the date of SGLang's "[%(asctime)s{prefix}] %(message)s", whose
// prefix names the scheduler process by its parallel ranks: "[2025-05-27 04:36:06 DP1 TP4]
// Scheduler hit an exception: ...". The format states no level. Its main process's lines have no
// prefix ("[2025-01-29 08:52:44] msg"); they are SGLang's in a container named for it.
func (r *rec) sglang(rest string) bool {
	end := strings.Index(rest[:min(len(rest), 40)], "] ")
	if end < 0 {
		return false
	}
	prefix := rest[:end]
	if prefix == "" {
		r.msg, r.dataset, r.plain = rest[2:], "", true
		// uvicorn's lines through SGLang's format: "[2025-08-11 21:13:51] INFO:     10.0.0.2:55254 - "POST ..." 200 OK"
		if lv, body, ok := uvicornLevel(r.msg); ok {
			r.level, r.msg = lv, body
			if a, ok := uvicorn.Split(body); ok {
				r.access = &a
				r.level = uvicorn.StatusLevel(int64(a.Status))
			}
		} else if a, ok := uvicorn.SplitAiohttp(r.msg); ok {
			// the PD bootstrap server's aiohttp access line through SGLang's logger
			r.access = &a
			r.level = uvicorn.StatusLevel(a.Status)
		} else {
			r.plainLevel()
		}
		return true
	}
	if prefix[0] != ' ' {
		return false
	}
	for w := range strings.FieldsSeq(prefix) {
		if !sglangRank(w) {
			return false
		}
	}
	r.proc, r.msg, r.dataset = prefix[1:], rest[end+2:], DatasetSGLang
	if vllm.IsBareException(r.msg) {
		// an exception's line a scheduler printed under its prefix, its traceback's last line
		// ("[2026-06-17 06:48:31 TP4] RuntimeError: [...gloo/transport/tcp/pair.cc:538] Read
		// error ...", each rank's): an error, as a bare traceback is
		r.level = pu.Error
	}
	return true
}

// sglangRank reports whether w is a rank of SGLang's prefix: "DP1", "TP4", "PP0", "EP2", "CP0",
// two capitals and a number.
func sglangRank(w string) bool {
	// two or more capitals, then the number: "TP0", "DP1", "EP5", "PP0"; 0.5.23's attention
	// context-parallel and MoE data-parallel ranks with an underscore, "ATTN_CP1", "MOE_DP1"
	i := 0
	for i < len(w) && i < 12 && (w[i] >= 'A' && w[i] <= 'Z' || w[i] == '_' && i > 0) {
		i++
	}
	return i >= 2 && i < len(w) && w[i-1] != '_' && pu.AllDigits(w[i:])
}

// plainLevel reads the level other "[%(asctime)s] ..." formats put after the date: Flask's
// "ERROR in app: Exception on /api/cards [GET]" and Airflow's "{taskinstance.py:1234} ERROR - msg".
func (r *rec) plainLevel() {
	m := r.msg
	if strings.HasPrefix(m, "{") {
		end := strings.IndexByte(m[:min(len(m), 80)], '}')
		if end < 0 || !strings.HasPrefix(m[end+1:], " ") {
			return
		}
		loc, rest := m[1:end], m[end+2:]
		w, _, ok := strings.Cut(rest[:min(len(rest), 12)], " - ")
		if lv := levelWord(w); ok && lv != "" && strings.IndexByte(loc, ':') > 0 {
			r.origin(loc)
			r.level, r.msg = lv, rest[len(w)+3:]
		}
		return
	}
	w, _, ok := strings.Cut(m[:min(len(m), 12)], " in ")
	if lv := levelWord(w); ok && lv != "" {
		mod, msg, ok := strings.Cut(m[len(w)+4:], ": ")
		if ok && mod != "" && strings.IndexByte(mod, ' ') < 0 {
			r.level, r.logger, r.msg = lv, mod, msg
		}
	}
}

// uvicornLevel reads uvicorn's padded level name ("INFO:     ", "WARNING:  ", "ERROR:    ").
func uvicornLevel(s string) (level, body string, ok bool) {
	w, rest, found := strings.Cut(s[:min(len(s), 10)], ":")
	if !found || len(w)+1+len(rest) != 10 || strings.TrimLeft(rest, " ") != "" {
		return "", "", false
	}
	if level, ok = pu.Level(w); !ok || w != strings.ToUpper(w) {
		return "", "", false
	}
	return level, s[10:], true
}

// named reads what follows the date of LMCache's "[date] LMCache INFO: msg (file.py:N:logger)":
// a name, the level (its colon sometimes right against the message), the message, and the
// location at its end.
func (r *rec) named(s string) bool {
	name, rest, ok := strings.Cut(s, " ")
	if !ok || name == "" || name[0] < 'A' || name[0] > 'Z' {
		return false
	}
	if lv, found := strings.CutSuffix(name, ":"); found {
		// "[date] INFO: msg (request.py:238:vllm_router...)": the vLLM production-stack
		// router's format, LMCache's without the name
		if r.level = pyLevel(lv, false); r.level == "" {
			return false
		}
		r.msg, r.located = rest, true
		r.trailingOrigin()
		return true
	}
	if strings.ContainsAny(name, ":[") {
		return false
	}
	if r.level = pyLevel(name, false); r.level != "" {
		// "[date] INFO rms.py:325: msg" (a vLLM hardware plugin's format)
		loc, msg, found := strings.Cut(rest, ": ")
		if !found || !strings.Contains(loc, ".py:") || !r.origin(loc) {
			r.level = ""
			return false
		}
		r.msg = msg
		return true
	}
	lv, msg, ok := strings.Cut(rest, ":")
	if r.level = pyLevel(lv, false); !ok || r.level == "" {
		return false
	}
	r.msg = strings.TrimPrefix(msg, " ")
	r.logger, r.located = name, true
	r.trailingOrigin()
	return true
}

// unprefixed returns the lines of s, each without the FastChat stderr prefix it holds and a
// rank's "[rank0]: " after it.
func unprefixed(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	first := true
	for line := range strings.SplitSeq(s, "\n") {
		if !first {
			b.WriteByte('\n')
		}
		first = false
		line = line[vllm.FastChatStderr(line):]
		_, n := vllm.RankPrefix(line)
		b.WriteString(line[n:])
	}
	return b.String()
}

// lmcacheDateless reads LMCache's record without its date, "LMCache ERROR: Error handling
// heartbeat request: ... (controller_manager.py:467)" (a handler whose format leaves the time out,
// a paste that cut it): only with the location that ends LMCache's records, so that a sentence
// that opens with the word is not one.
func (r *rec) lmcacheDateless(s string) bool {
	saved := *r
	if !r.named(s) || r.file == "" {
		*r = saved
		return false
	}
	return true
}

// NamedRecordOpen reports whether s is a record in LMCache's format ("[2025-07-03 12:45:27,563]
// LMCache WARNING: msg (cache_engine.py:200:lmcache.v1.cache_engine)") without the location that
// ends it: its message goes on over the lines under it, the last of them ending with the
// location. (The production-stack router's "[date] INFO: msg (file.py:N:logger)" would do the
// same, but a format without the location, "[%(asctime)s] %(levelname)s: %(message)s", looks
// like it and has no such end.)
func NamedRecordOpen(s string) bool {
	n := datedBracket(s)
	if n == 0 || !strings.HasPrefix(s[n:], "LMCache ") {
		return false
	}
	var r rec
	return r.named(s[n:]) && r.file == "" && r.msg != "" && r.msg[0] != ' ' && !EndsWithOrigin(r.msg)
}

// DatedBracket reports whether s opens with a date in brackets ("[2025-07-03 12:45:27,563] "),
// as the formats NamedRecordOpen reads and many others do: another record.
func DatedBracket(s string) bool { return datedBracket(s) > 0 }

// datedBracket returns the length of the "[date] " s opens with, 0 without one.
func datedBracket(s string) int {
	if len(s) < 24 || s[0] != '[' || s[1] < '1' || s[1] > '2' {
		return 0
	}
	_, n, ok := pu.RFC3339(s[1:])
	if !ok || !strings.HasPrefix(s[1+n:], "] ") {
		return 0
	}
	return 1 + n + 2
}

// EndsWithOrigin reports whether a line ends with the " (file.py:N:logger)" location of the
// format NamedRecordOpen reads.
func EndsWithOrigin(line string) bool {
	var r rec
	r.msg = strings.TrimRight(line, " ")
	r.trailingOrigin()
	return r.file != ""
}

// trailingOrigin takes the " (file.py:N:logger)" at the end of the message off into the origin
// and logger.
func (r *rec) trailingOrigin() {
	end := len(r.msg) - 1
	if end <= 0 || r.msg[end] != ')' {
		return
	}
	open := strings.LastIndex(r.msg, " (")
	if open <= 0 {
		return
	}
	loc := r.msg[open+2 : end]
	if file, after, ok := strings.Cut(loc, ":"); ok && strings.HasSuffix(file, ".py") {
		ln, logger, _ := strings.Cut(after, ":")
		if n, ok := pu.Atoi(ln); ok {
			r.file, r.line, r.msg = file, n, r.msg[:open]
			if IsLoggerName(logger) || logger == "__main__" { // LMCache's server's main module
				r.logger = logger
			}
		}
	}
}

// actor removes the prefix Ray or vLLM puts before the lines of a process it forwards
// ("(ServeReplica:default:VLLMDeployment pid=1234) ", "(pid=5085, ip=10.0.0.5) ", "(VllmWorker
// rank=1 pid=421) ", a relaying process's and the writer's "(EngineCore_DP0 pid=1642)
// (RayWorkerWrapper pid=270, ip=172.30.7.195) ") and keeps it; s is returned unchanged without
// one.
func (r *rec) actor(s string) string {
	l, n := vllm.ProcessPrefix(s)
	if n == 0 || n >= len(s) || s[n-1] == ')' && s[n] != '[' {
		return s // vLLM's prefix sometimes runs into a bracketed line: "(VllmWorker rank=4 pid=31778)[2025-..."
	}
	if l.Daemon != "" {
		// a Ray daemon's output forwarded under its name alone: "(raylet) [2025-...] ...", with
		// its node's address when another node's ("(raylet, ip=192.168.1.153) ...")
		r.proc, r.nodeIP = l.Daemon, l.IP
		return s[n:]
	}
	r.proc, r.pid, r.prefix = l.ProcName, l.PID, &l
	return s[n:]
}

// launcher reads the host prefix a multi-node launcher puts before each worker's DeepSpeed line:
// pdsh's "worker-1: [2023-...] [INFO] ...", and accelerate's "stdout: g0003: [...]" (or its
// stream alone, "stdout: [...]").
func (r *rec) launcher(s string) bool {
	rest := s
	for i := 0; i < 2; i++ {
		w, after, ok := strings.Cut(rest, ": ")
		if !ok || w == "" || strings.ContainsAny(w, " [") {
			return false
		}
		if w != "stdout" && w != "stderr" {
			r.host = w
		}
		rest = after
		if len(rest) > 0 && rest[0] == '[' {
			// a host, or the stream alone before DeepSpeed's own line (accelerate's "stdout: ")
			return r.bracketed(rest) && (r.host != "" || r.dataset == DatasetDeepSpeed)
		}
	}
	return false
}

// origin sets file and line from "file.py:123". SGLang's rank prefix may come before it, where
// a logging config (SGLANG_LOGGING_CONFIG_PATH) puts its {prefix} in the same brackets: "[DP3
// TP3 EP3 scheduler_metrics_mixin.py:222]", " DP15 TP15 EP15 ..." padded; the ranks go where
// SGLang's own layout puts them.
func (r *rec) origin(loc string) bool {
	if sp := strings.LastIndexByte(loc, ' '); sp >= 0 {
		ranks := strings.TrimSpace(loc[:sp])
		for w := range strings.FieldsSeq(ranks) {
			if !sglangRank(w) {
				return false
			}
		}
		if ranks != "" && r.proc == "" {
			r.proc, r.dataset = ranks, DatasetSGLang
		}
		loc = loc[sp+1:]
	}
	file, n, ok := pu.FileLine(loc)
	if ok {
		r.file, r.line = file, n
	}
	return ok
}

// levelBracket reads the formats that open with the level in brackets, which fine-tuning jobs
// on GPU nodes write:
//
//	[INFO|trainer.py:2407] 2025-03-06 03:59:14,014 >> ***** Running training *****
//	[INFO:swift] last_model_checkpoint: /output/v0-20250910/checkpoint-100
//
// the first transformers' explicit format (utils/logging.py, enable_explicit_format:
// "[%(levelname)s|%(filename)s:%(lineno)s] %(asctime)s >> %(message)s", LLaMA-Factory's and
// TRL's scripts turn it on), the second ms-swift's ("[%(levelname)s:%(name)s] %(message)s").
func (r *rec) levelBracket(s string) bool {
	end := strings.IndexByte(s[:min(len(s), 120)], ']')
	if end < 0 || end+1 >= len(s) || s[end+1] != ' ' {
		return false
	}
	tag, rest := s[1:end], s[end+2:]
	if strings.HasSuffix(tag, " ") && len(rest) > 26 && rest[4] == '-' {
		// Logstash's console layout outside its own log4j2 settings, "[%-5level] %d{yyyy-MM-dd
		// HH:mm:ss.SSS} [%t] %c{1} - %msg": "[INFO ] 2023-01-22 18:33:04.009
		// [[pfelk]-pipeline-manager] javapipeline - Pipeline started ..."
		if lv := pyLevel(strings.TrimRight(tag, " "), false); lv != "" {
			t, n, ok := pu.RFC3339(rest)
			if ok && strings.HasPrefix(rest[n:], " [") {
				if close := pu.Closing(rest[n+1:], '[', ']'); close > 0 && strings.HasPrefix(rest[n+1+close:], "] ") {
					logger, msg, found := strings.Cut(rest[n+1+close+2:], " - ")
					if found && logger != "" && strings.IndexByte(logger, ' ') < 0 {
						r.level, r.t, r.logger, r.msg = lv, t, logger, msg
						return true
					}
				}
			}
		}
	}
	if lv, loc, ok := strings.Cut(tag, "|"); ok {
		level := pyLevel(lv, false)
		if t, n, okT := pu.RFC3339(loc); okT && n == len(loc) && level != "" {
			// LLaMA-Factory's "[%(levelname)s|%(asctime)s] %(name)s:%(lineno)s >> %(message)s":
			// "[WARNING|2024-11-23 13:17:06] llamafactory.hparams.parser:162 >> ..."
			where, msg, found := strings.Cut(rest, " >> ")
			c := strings.LastIndexByte(where, ':')
			if !found || c <= 0 || !IsLoggerName(where[:c]) {
				return false
			}
			line, okLine := pu.Atoi(where[c+1:])
			if !okLine {
				return false
			}
			r.level, r.t, r.logger, r.line, r.msg = level, t, where[:c], line, msg
			return true
		}
		colon := strings.LastIndexByte(loc, ':')
		if level == "" || colon <= 0 || !strings.HasSuffix(loc[:colon], ".py") {
			return false
		}
		line, ok := pu.Atoi(loc[colon+1:])
		stamp, msg, found := strings.Cut(rest, " >> ")
		if !ok || !found {
			return false
		}
		t, n, ok := pu.RFC3339(stamp)
		if !ok || n != len(stamp) {
			return false
		}
		r.level, r.file, r.line, r.msg, r.t = level, loc[:colon], line, msg, t
		return true
	}
	if r.letterDated(tag) {
		r.msg = rest
		return true
	}
	lv, name, ok := strings.Cut(tag, ":")
	level := pyLevel(lv, false)
	if !ok || level == "" || name == "" || strings.IndexByte(name, ' ') >= 0 {
		return false
	}
	r.level, r.logger, r.msg = level, name, rest
	return true
}

// letterDated reads a bracket that holds the level's letter, the time, and where the record
// came from, tornado's LogFormatter as Jupyter and NeMo configure it: Jupyter Server's and
// JupyterHub's "[I 2024-01-01 10:00:00.123 ServerApp]", "[E 2018-08-10 14:36:20.791 JupyterHub
// user:427]" (the application, then the module and line), the classic notebook's time of day
// alone "[W 10:00:00.123 NotebookApp]" (the runtime's date stays), and NeMo's "[NeMo W
// 2025-03-03 13:21:53 nemo_logger:173]" (BaseNeMoFormatter: the module and line). The time is
// the writer's local time.
func (r *rec) letterDated(tag string) bool {
	t, nemo := strings.CutPrefix(tag, "NeMo ")
	if len(t) < 16 || t[1] != ' ' {
		return false
	}
	level := pyLevel(t[:1], true)
	if level == "" {
		return false
	}
	rest := t[2:]
	var when time.Time
	if at, n, ok := pu.RFC3339(rest); ok && n < len(rest) && rest[n] == ' ' && rest[4] == '-' {
		when, rest = at, rest[n+1:]
	} else if _, _, _, _, n, ok := pu.Clock(rest); ok && n > 8 && n < len(rest) && rest[n] == ' ' && !nemo {
		rest = rest[n+1:] // a time of day: the date is the runtime's
	} else {
		return false
	}
	name, loc, hasLoc := strings.Cut(rest, " ")
	if nemo {
		name, loc, hasLoc = "", rest, true
	}
	if hasLoc {
		mod, line, found := strings.Cut(loc, ":")
		ln, num := pu.Atoi(line)
		if !found || !num || mod == "" || strings.IndexByte(mod, ' ') >= 0 {
			return false
		}
		r.file, r.line = mod, ln
	}
	if name != "" {
		// the application's class name: "ServerApp", "JupyterHub", "SingleUserLabApp"
		if name[0] < 'A' || name[0] > 'Z' || len(name) > 1 && !IsLoggerName("a"+name[1:2]) || strings.ContainsAny(name, "[]():/") {
			return false
		}
		r.logger = name
	}
	r.level, r.t = level, when
	return true
}
