package parse

import (
	"strings"
	"time"

	"github.com/sluice-dev/sluice/parsers/dcgm"
	"github.com/sluice-dev/sluice/parsers/envoy"
	"github.com/sluice-dev/sluice/parsers/java"
	"github.com/sluice-dev/sluice/parsers/nodejs"
	"github.com/sluice-dev/sluice/parsers/nvidia_shell"
	"github.com/sluice-dev/sluice/parsers/nvidia_xid"
	"github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/parsers/pylog"
	"github.com/sluice-dev/sluice/parsers/syslog"
	"github.com/sluice-dev/sluice/parsers/tagged"
	"github.com/sluice-dev/sluice/parsers/tracing"
	"github.com/sluice-dev/sluice/parsers/vllm"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/processors/internal/proc"
)

// Tags of events assembled from pieces that did not all arrive.
const (
	TagPartialSplit   = "_partial_split"
	TagMultilineLimit = "_multiline_limit"
)

// pending is an event held back for lines that continue it: a split line waiting for its
// next piece, or a traceback group.
type pending struct {
	first    *event.Event
	src      srcKey
	parts    []string
	size     int
	last     time.Time
	seq      uint64
	holds    []event.Holds
	batchKey string
	live     bool
	touched  bool
	lead     bool // the record opens with an empty line (item.lead)
	cont     bool // the rest of a line sent in parts for its length (partial.max_bytes)
	framed   bool // pieces an inner framer read one by one (journal entries): joined as framed
	userData bool // ... whose head was a request's prompt or body: the rest is user data too
}

// Group modes: what the next line must be to continue the group.
const (
	modeMaybe           = iota // an error line that a traceback may follow
	modeProcess                // "Process EngineCore_0:", which a traceback follows
	modeTrace                  // inside a traceback
	modeAfter                  // after an exception line: only a chained traceback continues
	modeNative                 // a C++ error report: "Exception raised from", "frame #N", "  what():"
	modeWarning                // a Python warning: its further message lines, then its source line
	modeDone                   // complete: sent at once
	modeGoMaybe                // a zap console error line, which a Go stack may follow (gostack.go)
	modeGo                     // inside a Go panic, goroutine dump or stack
	modeKlogVal                // inside a klog multi-line value (klogvalue.go)
	modeKernel                 // inside a kernel warning, oops or hung-task report (kernelstack.go)
	modeNVRM                   // an NVIDIA driver message, which indented NVRM lines may go on (kernelstack.go)
	modeSXid                   // an NVSwitch SXid report: its further lines repeat the switch, bus and code (kernelstack.go)
	modeWrapped                // an installer's "ERROR: "/"WARNING: " message, wrapped under its text (installer.go)
	modeFabric                 // a Fabric Manager or IMEX record, whose further lines have no header (installer.go)
	modeAER                    // a PCIe AER report: its severity line, then the device's status and error lines (kernelstack.go)
	modeKlogMsg                // a klog header whose message is on the lines after it (klogvalue.go)
	modeEDAC                   // a hardware report whose lines share a header: EDAC's, GHES', an mlx5 health report (kernelstack.go)
	modeOOM                    // an OOM killer's report, up to the line naming the process it killed (kernelstack.go)
	modeJava                   // a Java record's exception: "java.net.X: ...", "\tat ..." frames, "Caused by: ..." (javastack.go)
	modeEnvoy                  // an Envoy message of several lines in Istio's layout, up to "\tthread=N" (envoyAccept)
	modeExiting                // a Beat's "Exiting: ..." on stderr, and the configuration it prints under it (exitingAccept)
	modeBlank                  // an empty line, which NCCL prints before each WARN (ncclWarn)
	modeRecord                 // a logging record whose message opens with a newline (vLLM's banner): its lines repeat the header
	modeMount                  // a klog line of a failed mount, and mount-utils' lines under it (klogvalue.go)
	modeRayCore                // a Ray daemon's C++ record forwarded under its name, whose message goes on without the header
	modeIndented               // torch's C++ warning, whose message goes on over indented lines (torchWarning)
	modeOpenRecord             // a LiteLLM record, whose message goes on over lines without its header (liteLLMAccept)
	modeGlogStack              // a fatal glog record or an XLA internal error, and the stack printed under it (klogvalue.go)
	modeNativeMsg              // the BFC allocator's statistics, TensorFlow's CPU notice: a message over lines (klogvalue.go)
	modeFluentd                // a Fluentd warning or error and its Ruby backtrace, whose lines repeat its time indented (javastack.go)
	modeKlogCause              // a klog error or warning, which the AWS SDK's "caused by: " lines of its error may go on (klogvalue.go)
	modeAnyhow                 // a Rust program's "Error: ..." and the causes anyhow prints under it (rusterror.go)
	modeStdLogJSON             // a std-log or tracing line whose message opens a value printed indented under it (dumps.go)
	modeStdLogMsg              // a std-log line without text, its message on the lines under it (dumps.go)
	modeGGML                   // ggml's abort (llama.cpp, Ollama's runner): its report and backtrace
	modeEnvoyHeaders           // an Envoy line in its default layout that dumps headers, one "'name', 'value'" a line (dumps.go)
	modeTorchRecord            // torch's Python logging record, whose lines repeat its glog header (torchlog.go)
	modeTorchOptions           // ProcessGroupNCCL's "initialized with following options:", one "NAME: value" a line (torchOption)
	modeMPIHelp                // an Open MPI help message between its rules of dashes (tagged.OpenMPIRule)
	modeLlamaRecord            // a llama.cpp record with --log-prefix, whose message goes on over lines without it (tagged.LlamaCppRecord)
	modeMPISignal              // Open MPI's report of a fatal signal, its lines under its "[host:pid] " (tagged.OpenMPISignal)
	modeNamedRecord            // an LMCache record whose message goes on up to the line with its location (pylog.NamedRecordOpen)
	modeTokenizers             // huggingface/tokenizers' notice of a fork, with the two ways out under it
	modeLogrusBreak            // a logrus terminal record whose message opens with a line break ("ERRO[0003]", its lines under it)
	modeGlogNative             // a C++ program's glog error quoting a torch error, c10's stack under it ("Exception raised from ...", "frame #N: ...")
	modeConfigDump             // Triton's model config it auto-completed, in protobuf's text form under its glog line, to a blank line
	modeMake                   // make's failure, and the lines of the make levels above it that echo it ("make[1]: *** ... Error 2")
	modeSMITable               // nvidia-smi's table (its time, then "+---+" and "| ... |" rows, the processes' table after a blank line)
	modeSMIQuery               // a part of nvidia-smi -q's report: its banner and the lines under it, or a GPU's section, its fields indented
	modeUsage                  // argparse's usage, its wrapped lines, and the "prog: error: ..." that follows it
	modePostgres               // a PostgreSQL message, its DETAIL, HINT, STATEMENT... lines under it
	modeSignal                 // a C++ server's signal handler's report (Triton's), its stack's frames under it
	modeTracingMsg             // a TGI tracing line, whose message may go on over lines of its own (dumps.go)
	modeTracingErr             // a TGI tracing error line, whose message may hold a traceback
	modePanicMsg               // a Rust panic whose message follows on the next lines (Rust 1.73 and later)
	modePanic                  // a Rust panic's note or backtrace (dumps.go)
	modeUCXSignal              // UCX's report of a fatal signal, its backtrace under it
	modeUCXReport              // UCX's report of an error no handler took, its lines under its "[host:pid:index:tid] " (vllm.UCXReport)
	modeRich                   // a record of Rich's logging handler, its further rows indented (pylog.RichStart)
	modeRichTrace              // Rich's traceback box (vllm.RichTraceStart), to its bottom edge; then modeTrace
	modeOpenMessage            // a Python warning or error whose message ends in a colon, what it announces under it
	modeAbslSignal             // Abseil's report of a fatal signal, the program counter and frames under it
	modeCodeFirst              // a frame's source line where a file or an excerpt begins: a frame line under it opens a traceback
	modeJSError                // a JavaScript error, its V8 frames and util.inspect's properties under it (nodestack.go)
	modeNodeUncaught           // Node's report of an uncaught exception: where, the source line, the error, its frames (nodestack.go)
	modeV8OOM                  // V8's report of a heap exhausted: the last GCs, the fatal error, the native frames (nodestack.go)
	modeTritonStub             // a Triton Python backend's glog line, "At:" and the Python frames under it (tritonstack.go)
	modeLua                    // an OpenResty error line from Lua code, its "stack traceback:" under it (nodestack.go)
	modeRemote                 // a worker's traceback between triple quotes under "..._RemoteTraceback: ", then its local one
	modeTorchWarn              // torch's C++ warning, which the stack c10 took for it may follow ("Exception raised from ...")
	modeBacktrace              // glibc's backtrace_symbols frames (Ray's terminate and signal handlers), after "Stack trace:" or alone
	modeTable                  // dcgmi diag's report: its bordered table's rows
	modeRecordIndented         // lines of one record's message indented under its header, the record's first line cut off
	modeCatalog                // a systemd message in journalctl -x's output, its catalog entry's "-- " (or "░░ ") lines under it
	modeSMIFailed              // nvidia-smi's failure to reach the driver (its advice) or NVML's version mismatch (the library's version), on the line under it
	modeShipperResponse        // Fluent Bit's failed HTTP request, the server's response under it up to a blank line
	modeHSAAbort               // ROCclr's aborted queue, the kernel's name and its dispatch under it (vllm.HSAQueueAbort)
	modeServeRecord            // a Ray Serve controller's or proxy's record, whose message goes on over lines under its prefix alone
	modeRecordBacktrace        // a Rust backtrace a Python logger wrote (llguidance's through vLLM's), its lines repeating the header
	modeNodeDead               // Ray's report of a node marked dead, its second cause on the line under it
	modeDiagBorder             // a table's top border, which dcgmi diag's report opens with (its header row next)
	modeDCGMRecord             // a DCGM log record whose message goes on over lines, up to its [file:line] [function]
	modeJSONSpread             // Elasticsearch 7's JSON record whose "stacktrace" array is printed one element a line
	modeHAProxy                // HAProxy's alert or warning, its further lines under "   | "
	modeMPIAbort               // MPICH's abort of a rank, its error stack's "FUNC(line)....: text" lines under it
	modeTokenOOM               // SGLang's KV cache allocator out of room, what it wanted and had on the lines under it
	modeAiterBuild             // AITER's failed JIT build, from its "↓↓↓" line to its "↑↑↑" line
	modeVersionCommit          // a klog line that prints a version string, its "commit: <sha>" on the next line
	modeKmsgDict               // a kernel record from /dev/kmsg or talosctl dmesg, its dictionary's " KEY=value" lines under it
	modeJUL                    // a java.util.logging record: its header line, then "LEVEL: message"
	modeJSONObject             // a JSON object printed over lines ("{", its members indented, "}"): journalctl -o json-pretty's, a program's pretty dump
	modeJournalVerbose         // a journalctl -o verbose entry: its time and cursor, its fields indented under it
	modeTritonPrint            // Triton's print of a kernel ptxas could not compile: its error, ptxas's words, the PTX, the closing words
	modeLoggingError           // Python logging's report of a record it could not emit: the traceback, the call stack, the record's message and arguments
	modeHabanaBanner           // Intel Gaudi's PyTorch bridge's configuration, its settings and the system's, up to its closing rule
	modeTracingPretty          // a record in tracing-subscriber's pretty format: its location and spans under it, up to the empty line
	modeCollectiveStack        // torch's flight recorder's "Stack trace of the failed collective:", its "#N f from file:line" frames under it
	modeCCLCondition           // oneCCL's "condition ... failed" error, the check's message on the line under it
	modeHookStderr             // a runtime's hook failure ending in the hook's stderr's first line, the rest of it under it
	modeHubRefusal             // the Hugging Face Hub's refusal of a gated repository's file, its reason on the line under it
)

// rayNodeDead reports whether b is the first line of Ray's report of a node the GCS marked dead,
// whose message goes on after a line break ("... This can happen when a \t(1) raylet crashes
// unexpectedly (OOM, preempted node, etc.) \n\t(2) raylet has lagging heartbeats ..."), as the
// driver logs or prints it; rayNodeDeadCause is that line.
func rayNodeDead(b string) bool {
	return strings.Contains(b, "(1) raylet crashes unexpectedly") && !strings.Contains(b, "(2) raylet")
}

func rayNodeDeadCause(b string) bool {
	return strings.HasPrefix(strings.TrimLeft(b, " \t"), "(2) raylet has lagging heartbeats")
}

// remoteTraceback reports whether b opens the report of an exception raised in a worker process
// of concurrent.futures or multiprocessing.pool: "concurrent.futures.process._RemoteTraceback: "
// (or multiprocessing's "multiprocessing.pool.RemoteTraceback: "), then the worker's traceback
// between lines of three double quotes, then the local traceback it caused.
func remoteTraceback(b string) bool {
	b = strings.TrimRight(b, " ")
	return strings.HasSuffix(b, "RemoteTraceback:") && strings.IndexByte(b, ' ') < 0
}

// torchWarning reports whether b is torch's C++ warning ("[W530 17:23:59.243033714
// OperatorEntry.cpp:154] Warning: Warning only once for all operators, ..."), whose message may go
// on over indented lines ("  Overriding a previously registered kernel ...", "  operator: ...").
func torchWarning(b string) bool {
	return strings.HasPrefix(b, "[W") && strings.Contains(b[:min(len(b), 96)], "] Warning: ")
}

// cannWarning reports whether b is torch_npu's warning that names CANN's error as its text
// ("[rank0]:[W904 09:50:12.024496247 compiler_depend.ts:57] Warning: EZ9999: Inner Error!").
func cannWarning(b string) bool {
	i := strings.Index(b[:min(len(b), 128)], "] Warning: ")
	return i > 0 && strings.Contains(b[:i], "[W") && vllm.CANNReportLine(b[i+len("] Warning: "):])
}

// torchOption reports whether b is a line of the options ProcessGroupNCCL lists under its record:
// "NCCL_ASYNC_ERROR_HANDLING: 1", "TIMEOUT(ms): 1800000", a name in capitals and its value.
func torchOption(b string) bool {
	name, _, ok := strings.Cut(b[:min(len(b), 64)], ": ")
	if !ok || name == "" || name[0] < 'A' || name[0] > 'Z' {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '(' || c == ')' || c >= 'a' && c <= 'z' && strings.IndexByte(name[:i], '(') >= 0) {
			return false
		}
	}
	return true
}

// maxMessageLines bounds the lines an exception's open message takes (a worker's message inside
// vLLM's wrapper, whose closing quote may never come).
const maxMessageLines = 64

// warningMessageLine reports whether an indented line under a Python warning goes on with its
// message rather than being the source line that ends it (warnings.formatwarning: the message,
// then "  " and the line of code): torch's "Overriding a previously registered kernel ..."
// writes its message's lines indented ("  operator: flash_attn::...(...) -> Tensor", "  dispatch
// key: ADInplaceOrView") before "  self.m.impl(". A line of code calls something, or assigns,
// or opens a block; a message line is prose or "key: value".
func warningMessageLine(b string) bool {
	t := strings.TrimSpace(b)
	if t == "" || strings.HasSuffix(t, "(") || strings.HasSuffix(t, ":") || strings.IndexByte(t, ' ') < 0 {
		return false // a call opened, a block, a lone name (Python 2's "  InsecurePlatformWarning)")
	}
	if strings.Contains(t, "  # ") || strings.HasPrefix(t, "import ") || strings.HasPrefix(t, "from ") && strings.Contains(t, " import ") ||
		strings.HasPrefix(t, "raise ") || strings.HasPrefix(t, "assert ") || strings.HasPrefix(t, "yield ") || strings.HasPrefix(t, "await ") {
		return false // code: "import pynvml  # type: ignore[import]" (torch's deprecation warning)
	}
	if strings.Count(t, ")") > strings.Count(t, "(") {
		// the last line of a call the statement opened above it (warnings.warn's own, as the
		// source line: "  \"update your install command.\", FutureWarning)")
		return false
	}
	if open := strings.IndexByte(t, '('); open > 0 {
		return strings.Contains(t[:open], ": ") // "operator: f(...)": a key's value
	}
	// (a line that opens with a parenthesis is prose: torch's "(8.0) - (12.0)", the compute
	// capabilities it supports)
	return !strings.Contains(t, " = ") && !strings.HasPrefix(t, "return ")
}

// maxWarningLines bounds the unindented message lines of a Python warning before its source line
// (torch's unsupported-GPU warning lists the compute capabilities it was built for over ten).
const maxWarningLines = 16

type group struct {
	pending
	header string // logging header of the lines, when every line repeats it
	hdr    bool
	// liteLLM: a LiteLLM error record opened the group, whose message goes on over lines without
	// its header before logger.exception's traceback
	liteLLM bool
	// banner: a record whose message opens with a line break opened the group (vLLM's banner),
	// which its next empty line ends; a record under a title goes on over empty lines
	banner bool
	// uvicorn is the "ERROR:" of a uvicorn-format "ERROR:    Traceback (most recent call
	// last):" that opened the group, whose frames may repeat it or not
	uvicorn string
	tag     string // the syslog or journal tag of the first line's frame (vllm.Line.Tag)
	// opening is the first line's body when every line repeats the header: the same record
	// logged again in the same second opens with it
	opening string
	mode    int
	level   string // the first line's level, which continuation events carry
	id      string // error.id, once the group is cut at its limit
	part    int    // which event of the group this is: 1 for the first
	omit    int    // lines counted, not sent, after the last continuation filled
	msg     int    // after a traceback's exception line: whether its message goes on (vllm.MessageState); an SXid report's parts, a GSP Xid's dump, a mount failure's output (their modes')
	msgAt   int    // len(parts) at the exception line, whose message's lines maxMessageLines bounds
	native  bool   // the first line opens a C++ error report (torch's), whose stack may follow a blank line
	bare    bool   // the first line is an exception line alone (a GPU one's explanations may follow, no traceback)
	pyRec   bool   // the first line is a Python format's error record without vLLM's header (pyRecordError)
	body    string // the first line's body, when it opens a traceback (modeTrace)
	rank    bool   // the lines come under torch's "[rankN]: " alone: one uncaught exception's printout
	sglang  bool   // SGLang's "[date TPn] Scheduler hit an exception: Traceback ...", one call's text up to its next record
	spring  int    // a Spring Boot record opened the Java group: springRecord, or springAnalysis when its message is on the lines under it
}

// lastBody returns the body of the group's last line: its last part, or the first line's body
// (without a prefix or frame) where the group keeps it.
func (g *group) lastBody() string {
	if n := len(g.parts); n > 0 {
		return g.parts[n-1]
	}
	return g.body
}

// lastPart returns the group's last line: its last part, or its first line's text.
// firstLine returns the first line of the group's first event.
func (g *group) firstLine() string {
	first, _, _ := strings.Cut(g.first.Message(), "\n")
	return first
}

func (g *group) lastPart() string {
	if n := len(g.parts); n > 0 {
		return g.parts[n-1]
	}
	first, _, _ := strings.Cut(g.first.Message(), "\n")
	return first
}

// assembly is the work of one Process call: what goes out, the acknowledgements the batch must
// now carry (of held lines sent with it), and the held lines it added to.
type assembly struct {
	b       *event.Batch
	now     time.Time
	out     []item
	holds   []event.Holds
	touched []*pending
}

// emit sends a held event, with the acknowledgements it held.
func (a *assembly) emit(pd *pending, ev *event.Event) {
	pd.live = false
	a.holds = append(a.holds, pd.holds...)
	a.out = append(a.out, item{ev: ev, src: pd.src, seq: pd.seq, lead: pd.lead})
}

// assemble joins split lines and groups tracebacks, returning the events to send in order
// (appended to out, empty with room for the batch) and the held acknowledgements that the batch
// must now carry. p.mu is held.
func (p *Processor) assemble(lines []line, out []item, b *event.Batch, now time.Time) ([]item, []event.Holds) {
	a := &assembly{b: b, now: now, out: out}
	for i := range lines {
		l := &lines[i]
		ev, ok := p.join(a, l)
		if !ok {
			continue
		}
		if p.cfg.Multiline.Disabled {
			p.seq++
			it := item{ev: ev, src: l.src, seq: p.seq}
			if ev == l.ev {
				it.msg, it.split = l.msg, &l.split
			}
			a.out = append(a.out, it)
			continue
		}
		p.group(a, l, ev)
	}
	// Every held event that took a line of this batch holds the batch's acknowledgement once.
	for _, pd := range a.touched {
		if pd.live && !pd.touched {
			pd.touched = true
			pd.holds = append(pd.holds, b.Hold())
		}
	}
	for _, pd := range a.touched {
		pd.touched = false
	}
	return a.out, a.holds
}

// join handles split lines: a partial piece is held (ok false); a full line that ends a held
// line comes back as the joined event.
func (p *Processor) join(a *assembly, l *line) (*event.Event, bool) {
	pk := streamKey{l.src, l.stream}
	pt := p.partials[pk]
	if l.partial {
		pt = p.addPiece(pt, pk, l, a)
		a.touched = append(a.touched, pt)
		return nil, false
	}
	if pt == nil {
		return l.ev, true
	}
	delete(p.partials, pk)
	last := l.ev.Message()
	if l.raw != "" && !pt.framed {
		last = l.raw // an inner framer read the piece alone: what it took off belongs to the line
	}
	pt.parts = append(pt.parts, last)
	pt.live = false
	a.holds = append(a.holds, pt.holds...)
	ev := pt.joined()
	if pt.cont {
		p.restOfCut(pt, ev)
		return ev, true
	}
	if !pt.framed {
		p.innerFrame(ev)
	}
	return ev, true
}

// restOfCut marks the rest of a line sent in parts for its length: tagged as its head is, and,
// when the head carried a prompt or a body, its text replaced as the prompts option says, since
// no parser can find the user's text in it.
func (p *Processor) restOfCut(pd *pending, ev *event.Event) {
	ev.AddTag(TagPartialSplit)
	if pd.userData {
		p.cutRest(ev)
	}
}

// cutRest replaces ev's message, the rest of a line whose head carried a user's text (a
// prompt, a body, an output), as the prompts option says, and reports whether it did.
func (p *Processor) cutRest(ev *event.Event) bool {
	with, ok := vllm.CutRest(ev.Message(), vllm.PromptMode(p.cfg.Prompts), p.cfg.PromptMaxLength)
	if ok {
		ev.SetMessage(with)
	}
	return ok
}

// innerFrame removes from a line joined from pieces the inner framing (compose, kubectl,
// syslog) that frame could not see on its pieces.
func (p *Processor) innerFrame(ev *event.Event) {
	for _, f := range p.framing {
		if _, ok := f.(framer); ok {
			continue
		}
		if f.Parse(ev) {
			return
		}
	}
}

// group adds ev to its process's open group, or sends that group and opens one, or sends ev.
// ev is l's event unless join made it from earlier pieces.
func (p *Processor) group(a *assembly, l *line, ev *event.Event) {
	msg, sl := l.msg, &l.split
	if ev != l.ev {
		msg = ev.Message()
		first, _, _ := strings.Cut(msg, "\n")
		joined := vllm.Split(first)
		sl = &joined
	}
	gk := groupKey{streamKey{l.src, l.stream}, sl.Proc, sl.Service}
	routed := false
	if sl.Proc == "" && sl.Service == "" {
		if sl.Daemon != "" {
			// what Ray's log monitor relays from a daemon of the node ("(raylet) ...", "(gcs_server)
			// ..."): another process's lines, which may fall inside the driver's own record (a
			// signal report's frames after the raylet's check failure) and are grouped apart
			gk.proc = "(" + sl.Daemon + ")"
			defer p.noteDaemon(gk)
		} else if len(p.daemons) == 0 {
			// (the common case: no daemon's record open anywhere, no look-up)
		} else if d, ok := p.daemons[gk.streamKey]; ok && p.groups[gk] == nil {
			// an unprefixed line while only a daemon's record is open: the monitor prefixes a
			// message's first line only, so the record's further lines come bare
			dk := gk
			dk.proc = d
			if p.groups[dk] != nil {
				gk, routed = dk, true
				defer p.noteDaemon(dk) // (the line may end the daemon's record)
			} else {
				delete(p.daemons, gk.streamKey)
			}
		}
	}
	lead := false
	if g := p.groups[gk]; g != nil && g.mode == modeBlank {
		delete(p.groups, gk)
		if ncclWarn(sl.Body) || strings.HasPrefix(sl.Body, "rocblaslt error: ") || rustPanicStart(sl) ||
			strings.HasPrefix(sl.Body, vllm.NumpyABIBanner) {
			// NCCL writes "\n" before each WARN's header (its debug.cc), hipBLASLt before its
			// error, Rust's panic hook before its report: the empty line is the record's, whose
			// event holds its acknowledgement and, once parsed, its text.
			g.live = false
			a.holds = append(a.holds, g.holds...)
			lead = true
		} else {
			a.emit(&g.pending, g.close())
		}
	} else if g != nil {
		if g.accept(sl) {
			p.extend(a, g, ev, sl)
			if g.mode == modeDone {
				delete(p.groups, gk)
				a.emit(&g.pending, g.close())
				return
			}
			g.last = a.now
			a.touched = append(a.touched, &g.pending)
			return
		}
		delete(p.groups, gk)
		a.emit(&g.pending, g.close())
	}
	if routed {
		// not the daemon's record's: a record of the stream's own, under its own key
		delete(p.daemons, gk.streamKey)
		gk.proc = ""
	}
	if mode, ok := startMode(sl); ok {
		g := &group{pending: p.newPending(ev, l.src, a.b.Key, a.now), header: sl.Header, mode: mode,
			hdr: sl.Header != "", level: sl.Level, part: 1, tag: sl.Tag, rank: sl.RankOnly}
		if sl.Uvicorn && mode == modeTrace {
			// uvicorn's "ERROR:    Traceback (most recent call last):": its frames under it
			// repeat no header, as a logger.exception record's do
			g.hdr, g.header, g.uvicorn = false, "", sl.Header
		}
		if g.hdr && mode == modeMaybe {
			g.opening = sl.Body // a record's message, not a frame (which a chained traceback repeats)
		}
		if mode == modeTrace {
			g.body = sl.Body
		}
		g.lead = lead
		switch mode {
		case modeSXid:
			g.header = sxidKey(sl.Body) // what the report's further lines repeat
			g.msg = sxidPart(sl.Body, g.header)
		case modeAER:
			g.header = aerDevice(sl.Body)
			if g.header == "" {
				g.header, g.msg = aerReceived(sl.Body), aerAwaitSeverity // the report's header: its severity line next
			}
		case modeEDAC:
			g.header = edacReport(sl.Body)
		case modeUCXSignal:
			g.header = vllm.UCXThread(sl.Body) // its backtrace's thread
		case modeUCXReport:
			g.header = vllm.UCXReport(sl.Body) // the prefix its lines repeat
		case modeMPISignal:
			g.header = tagged.OpenMPISignal(sl.Body) // the "[host:pid] " its lines repeat
		case modeLlamaRecord:
			g.header, _ = tagged.LlamaCppRecord(sl.Body) // the router's "[port] ", which its lines repeat
		case modeJava:
			g.spring = springKind(sl.Text)
		case modeJSError:
			if nodejs.InspectStart(sl.Body) {
				g.msg = 1 // util.inspect's properties up to the closing brace
			}
		case modeWrapped:
			g.header = wrappedStart(sl.Body) // its width is the further lines' indent
			if strings.Contains(sl.Body, "The NVIDIA Driver was not detected") {
				g.header = "   " // an NGC image's entrypoint indents its advice by three
			}
		case modeNVRM:
			g.header = bootStamp(sl.Body) // what a further line of the record repeats
			if gspXid(sl.Body) {
				g.msg = gspDump // the GSP's RPC history the driver dumps under it
			}
		case modeRayCore:
			g.header = sl.Daemon // the prefix its further lines carry
		case modeServeRecord, modeTritonPrint, modeLoggingError, modeNamedRecord:
			g.header = sl.Proc
		case modeFluentd:
			g.header = "  " + sl.Body[:len("2022-01-26 20:11:14 +0100")] // what its backtrace's lines repeat
		case modeTorchRecord:
			g.header = torchRecordHeader(sl.Body) // what its further lines repeat
			if strings.TrimRight(sl.Body[len(g.header):], " ") == "" {
				// a message that opens with a line break (torchrun's "\n*****...\nSetting
				// OMP_NUM_THREADS environment variable for each process to be 1 ...\n*****..."):
				// its lines are all the record's
				g.msg = 1
			}
		case modePostgres:
			g.header, _, _, _ = tagged.PostgresLine(sl.Body) // its detail lines' session and time
		case modeNative:
			// a what() read without its terminate line: its message ends in a blank line before
			// "Exception raised from", as under the terminate line
			// (and so does a stack read from its middle: the blank line after its last frame,
			// the next stack of the same message after it, "Exception raised from ...")
			g.native = strings.HasPrefix(sl.Body, "  what():  ") || sl.Header == "" && vllm.NativeStackStart(sl.Body)
		case modeRecord:
			g.banner = sl.Body == ""
		case modeMaybe:
			g.liteLLM = sl.Header == "" && liteLLMRecordError(sl.Body)
			g.msg = vllm.MessageState(sl.Body, vllm.MessageClosed)
			if g.msg == vllm.MessageClosed && sl.Header != "" && (vllm.ClassColonEnd(sl.Body) || strings.HasSuffix(sl.Body, ": ")) {
				// the exception's text under the same header, its lines all; or a message that
				// ends in a colon and the space its format put before what follows on the
				// lines under it (V0's run_mp_engine logging "Failed to find a kernel that can
				// implement the WNA16 linear layer. Reasons: " and one kernel's reason a line)
				g.msg = vllm.MessageOpen
			}
			g.native = sl.Header == "" && vllm.IsNativeErrorStart(sl.Body)
			g.bare = sl.Header == "" && vllm.IsBareException(sl.Body)
			g.pyRec = sl.Header == "" && pyRecordError(sl.Body)
		case modeAfter:
			g.msg = vllm.MessageState(sl.Body, vllm.MessageClosed)
			g.msgAt = -1      // the exception's line is the first, before any part
			g.level = "error" // as the vllm parser reads a bare exception line
		}
		if mode == modeTrace && sl.Header == "" && sglangFailure(sl.Body) && strings.HasSuffix(sl.Body, " hit an exception: "+vllm.TracebackHeader) {
			// SGLang's scheduler logs the whole traceback with one call, logger.error(f"Scheduler
			// hit an exception: {traceback}"): a message's lines that open nothing (a kernel
			// build's output under "RuntimeError: ninja exited with status 1") are the record's
			g.sglang = true
		}
		if (mode == modeTrace || mode == modeRemote || mode == modeRichTrace) && g.level == "" {
			g.level = "error" // as the vllm parser reads a bare traceback
			if fatalPython(sl.Body) || vllm.FaultThreadHeader(sl.Body) || sl.Body == vllm.SegfaultBanner {
				g.level = "critical"
			}
		}
		if _, lv, ok := goStart(sl); ok && g.level == "" {
			g.level = lv
		}
		p.groups[gk] = g
		a.touched = append(a.touched, &g.pending)
		return
	}
	p.seq++
	a.out = append(a.out, item{ev: ev, src: l.src, seq: p.seq, msg: msg, split: sl, lead: lead})
}

// haproxyMessageStart reports whether b is HAProxy's alert, warning or notice ("[WARNING]  (207)
// : config : ...", before 2.3 "[WARNING] 213/140024 (78) : ..."), whose message may go on over
// lines each opening with "   | ".
func haproxyMessageStart(b string) bool {
	if len(b) < 16 || b[0] != '[' {
		return false
	}
	if !strings.HasPrefix(b, "[WARNING]") && !strings.HasPrefix(b, "[ALERT]") && !strings.HasPrefix(b, "[NOTICE]") {
		return false
	}
	return strings.Contains(b[:min(len(b), 40)], ") : ")
}

// esSpreadStart reports whether b opens a record of Elasticsearch 7's JSON layout (ESJsonLayout)
// that goes on over lines: its members up to the exception's "stacktrace" array, which it prints
// one element a line ({"type": "server", "timestamp": ..., "message": "...", then
// "stacktrace": ["org.elasticsearch...Exception: ...", "at ...", ..., "... 6 more"] }).
func esSpreadStart(b string) bool {
	if !strings.HasPrefix(b, `{"type": "`) {
		return false
	}
	b = strings.TrimRight(b, " ")
	return strings.HasSuffix(b, ",") || strings.HasSuffix(b, `"stacktrace": [`)
}

// noteDaemon keeps p.daemons true after a line of a node daemon's (key gk) was grouped: the
// stream's open daemon record, or none.
func (p *Processor) noteDaemon(gk groupKey) {
	if p.groups[gk] != nil {
		p.daemons[gk.streamKey] = gk.proc
	} else if p.daemons[gk.streamKey] == gk.proc {
		delete(p.daemons, gk.streamKey)
	}
}

// restoreLead gives a parsed event the empty line its record opened with back at the start of
// its message: the message stays the lines as written, and the parsers read the line itself.
func (it *item) restoreLead() {
	if it.lead {
		it.ev.SetMessage("\n" + it.ev.Message())
	}
}

// extend adds a line that continues g: to its current event while that has room; else the
// event is sent (tagged _multiline_limit) and the line starts the group's next continuation
// event; past the last continuation the line is only counted. The line's acknowledgement stays
// held by the group either way, until the group's last event is sent.
func (p *Processor) extend(a *assembly, g *group, ev *event.Event, sl *vllm.Line) {
	c := &p.cfg.Multiline
	switch {
	case g.omit == 0 && g.size+len(sl.Body) <= c.MaxBytes && len(g.parts)+1 < c.MaxLines:
		g.parts = append(g.parts, sl.Body)
		g.size += len(sl.Body) + 1
	case g.omit == 0 && g.part <= c.MaxContinuations:
		if g.id == "" {
			g.id = proc.GroupID(g.first, g.first.Message())
			proc.MarkPart(g.first, g.id, g.part)
		}
		g.first.AddTag(TagMultilineLimit)
		a.emit(&g.pending, g.joined())
		g.pending = p.newPending(ev, g.src, a.b.Key, a.now)
		g.part++
		proc.MarkPart(ev, g.id, g.part)
		if g.level != "" {
			ev.SetString(event.FieldLogLevel, g.level)
		}
	default:
		if g.omit == 0 {
			g.first.AddTag(TagMultilineLimit)
		}
		g.omit++
		p.omitted.Inc()
	}
}

// close returns the group's last event, with the count of the lines left out.
func (g *group) close() *event.Event {
	ev := g.joined()
	proc.MarkOmitted(ev, g.omit)
	return ev
}

func (p *Processor) newPending(ev *event.Event, src srcKey, batchKey string, now time.Time) pending {
	p.seq++
	return pending{first: ev, src: src, size: len(ev.Message()), last: now, seq: p.seq, batchKey: batchKey, live: true}
}

// addPiece adds a partial piece to the stream's held line, sending the line so far first when
// the piece would make it longer than partial.max_bytes.
func (p *Processor) addPiece(pt *pending, pk streamKey, l *line, a *assembly) *pending {
	msg := l.ev.Message()
	cont, userData := false, false
	if pt != nil && pt.size+len(msg) > p.cfg.Partial.MaxBytes {
		delete(p.partials, pk)
		cont, userData = true, pt.userData || !pt.cont && vllm.CarriesUserData(pt.first.Message())
		ev := pt.joined()
		if pt.cont {
			p.restOfCut(pt, ev)
		} else {
			ev.AddTag(TagPartialSplit)
		}
		a.emit(pt, ev)
		pt = nil
	}
	if pt == nil {
		np := p.newPending(l.ev, l.src, a.b.Key, a.now)
		np.cont, np.userData, np.framed = cont, userData, l.framedPiece
		p.partials[pk] = &np
		return &np
	}
	pt.parts = append(pt.parts, msg)
	pt.size += len(msg)
	pt.last = a.now
	return pt
}

// joined returns the first event with the pieces appended to its message.
func (pd *pending) joined() *event.Event {
	if len(pd.parts) == 0 {
		return pd.first
	}
	var sb strings.Builder
	sb.Grow(pd.size)
	sb.WriteString(pd.first.Message())
	for _, s := range pd.parts {
		sb.WriteString(s)
	}
	pd.first.SetMessage(sb.String())
	pd.parts = nil
	return pd.first
}

// joined returns the group's first event with the continuation lines appended, one a line.
func (g *group) joined() *event.Event {
	if len(g.parts) == 0 {
		return g.first
	}
	var sb strings.Builder
	sb.Grow(g.size + len(g.parts))
	sb.WriteString(g.first.Message())
	for _, s := range g.parts {
		sb.WriteByte('\n')
		sb.WriteString(s)
	}
	g.first.SetMessage(sb.String())
	g.first.Set(event.FieldLogFlags, event.Raw(`["multiline"]`))
	g.parts = nil
	return g.first
}

// startMode reports whether a line opens a group, and how. A frame line ("  File ...") opens a
// traceback too: its header came earlier (in a rotated file, or before a timeout), and its
// fragments belong together rather than each becoming an event.
func startMode(l *vllm.Line) (int, bool) {
	rayLevel := "" // the level of a Ray daemon's C++ record, read once for the cases below
	if l.Header == "" {
		rayLevel = pylog.RayCoreLevel(l.Body)
	}
	switch {
	case l.Body == "" && l.Header == "":
		return modeBlank, true
	case l.Header == "" && springRecordStart(l.Text):
		// before the Python records' rules, which would take its time and level for one of
		// theirs (and Spring Boot 3's time with its zone for a stamp before the line): the
		// record is the whole text, its exception or failure analysis under it
		return modeJava, true
	case rayLevel == "" && rayNodeDead(l.Body):
		// (the GCS's own record, "[... W 42 42] (gcs_server) ...", is modeRayCore's)
		return modeNodeDead, true
	case l.Header == "" && strings.HasPrefix(l.Body, "usage: ") && l.Proc == "":
		// argparse refusing a command line ("vllm serve" with an argument it does not know):
		// print_usage's lines, then "vllm: error: unrecognized arguments: ...", one failure
		return modeUsage, true
	case l.Header == "" && l.Proc == "" && logrusBreakStart(l.Body):
		// mig-parted's "ERRO[0003]", then "The following GPUs could not be reset:" and a line
		// for each GPU: one record, its message the lines under it
		return modeLogrusBreak, true
	case l.Header == "" && l.Proc == "" && parseutil.HookStderrEnd(l.Body):
		// the CLI's error that says why on the lines under it, up to the runtime's ": unknown"
		return modeHookStderr, true
	case l.Header == "" && l.Proc == "" && len(l.Body) > 40 && strings.Contains(l.Body, " out of memory. Try to lower your batch size.") &&
		(strings.HasSuffix(l.Body, "Decode out of memory. Try to lower your batch size.") ||
			strings.HasSuffix(l.Body, "Prefill out of memory. Try to lower your batch size.")):
		// SGLang's allocator (mem_cache/allocation.py, one logger.error): "Try to allocate 168
		// tokens.", "Available tokens: 3200 (available_size=3200 + evictable_size=0)" under it
		return modeTokenOOM, true
	case l.Header == "" && strings.HasPrefix(l.Body, vllm.HubGatedRepo):
		// the message of huggingface_hub's GatedRepoError where an excerpt begins: its reason,
		// "Access to model ... is restricted. ...", on the line under it
		return modeHubRefusal, true
	case l.Header == "" && l.Proc == "" && len(l.Body) > 30 && l.Body[0] == 'A' && tagged.MPIAbortStart(l.Body):
		// MPICH's (Intel MPI's) "Abort(1091215) on node 5 (rank 5 in comm 0): Fatal error in
		// PMPI_Init: Other MPI error, error stack:", the stack's lines under it
		return modeMPIAbort, true
	case l.Header == "" && l.Proc == "" && haproxyMessageStart(l.Body):
		// HAProxy's "[WARNING]  (207) : config : missing timeouts for frontend 'https'.", the
		// message's further lines under it each opening with "   | "
		return modeHAProxy, true
	case l.Header == "" && l.Proc == "" && esSpreadStart(l.Body):
		// Elasticsearch 7's JSON layout with an exception: the record's members up to
		// "stacktrace", whose elements (the exception's lines) are a line each, to "] }"
		return modeJSONSpread, true
	case l.Header == "" && len(l.Body) > 40 && l.Body[0] == '[' && strings.Contains(l.Body, "] HTTP status=") &&
		strings.HasSuffix(strings.TrimRight(l.Body, " "), " response:"):
		// Fluent Bit's output that Elasticsearch refused ("[error] [output:es:es.1] HTTP
		// status=429 URI=/_bulk, response:"), the response's body on the lines under it
		return modeShipperResponse, true
	case l.Header != "" && len(l.Body) > 4 && l.Body[2] >= '0' && l.Body[2] <= '9' && tracing.PanicLine(l.Body):
		// a Rust backtrace in a record's message ("WARNING 05-19 03:24:49 [backend_guidance.py:128]
		//   17: llguidance::matcher::Matcher::with_inner::{{closure}}", "... at ./...rs:47:83"),
		// vLLM's formatter repeating the header on each of its lines
		return modeRecordBacktrace, true
	case l.Body == "" && l.Level != "":
		// a record's message that starts with a line break: vLLM's formatter writes the
		// header again on each of its lines, up to the empty one that ends its banner
		return modeRecord, true
	case l.Header != "" && l.Level == "info" && strings.HasPrefix(l.Body, "Memory profiling takes "):
		// V0's memory profile at start (0.6.5 to 0.8, a worker's each): one message of three
		// lines, "Memory profiling takes 17.59 seconds", "the current vLLM instance can use
		// total_gpu_memory ...", "model weights take ...; the rest of the memory reserved for
		// KV Cache is 1.57GiB.", the header repeated on each
		return modeRecord, true
	case l.Header != "" && strings.HasPrefix(l.Body, "Dumping scheduler output for model execution: "):
		// V1's dump of the batch that crashed the engine, one record whose repr goes on over
		// lines (a multimodal request's tensor), the header repeated on each
		return modeRecord, true
	case l.Header != "" && strings.HasPrefix(l.Body, "delta_text: ") && strings.Contains(l.Header, "_tool_parser.py:"):
		// a tool parser's piece of the model's output, which may hold a line break: its rest
		// on the lines under it, the header repeated (user data, replaced with the first line)
		return modeRecord, true
	case l.Header != "" && (l.Level == "info" || l.Level == "debug" || l.Level == "warning") && len(l.Body) > 1 &&
		// (a title in Markdown's bold, "**CUDAGraph Config Settings:**", vLLM's --cudagraph-metrics)
		strings.HasSuffix(strings.TrimRight(l.Body, " *"), ":") && !vllm.IsFrameLine(l.Body):
		// a record whose message introduces lines under it ("vLLM model structure:", then the
		// model's repr), the header repeated on each: the lines with the same header (its time
		// and location) are the same record's
		return modeRecord, true
	case l.Header != "" && l.Level != "" && l.Level != "info" && l.Level != "debug" && (strings.HasPrefix(l.Body, recordIndent) &&
		!vllm.CaretRow(strings.TrimRight(l.Body, " \r")) || vllm.CANNReportLine(l.Body)):
		// (or CANN's report in it, from its "[Error]: " or "EL0004: " line: a vllm-ascend
		// engine's exception whose text quotes it, read from there)
		// the indented lines of a record's message under its header, its first line cut off (a
		// worker's exception text that quotes CANN's report: "(RayWorkerWrapper pid=118835)
		// ERROR 02-26 09:45:37 worker_base.py:572]         rtSetDevice execute failed, ..."):
		// no traceback's line is indented so deep
		return modeRecordIndented, true
	case l.Header == "" && fabricStart(l.Body): // before the bracketed stamps of dmesg
		return modeFabric, true
	case l.Header == "" && l.Daemon != "" && rayReport(rayLevel):
		// "(raylet) [2025-04-02 15:02:00,117 E 135782 135782] (raylet) node_manager.cc:3069: 1
		// Workers ... killed due to memory pressure (OOM) ...", then "(raylet) " and "(raylet)
		// Refer to the documentation ...": one record of the raylet's log. Only a warning or an
		// error is read so: the driver prints messages of its own under the daemon's name too.
		return modeRayCore, true
	case l.Header == "" && l.Daemon == "" && l.Proc == "" && strings.HasPrefix(l.Body, "[20") &&
		(rayLevel == "warning" || rayLevel == "error") &&
		!strings.HasSuffix(strings.TrimRight(l.Body, " "), "Stack trace:"):
		// the same in the daemon's own file or container: "[2025-07-03 11:12:01,375 W 42 42]
		// (gcs_server) gcs_node_manager.cc:415: ... when a (1) raylet crashes unexpectedly (OOM,
		// etc.)", then " (2) raylet has lagging heartbeats ...": only the lines its message's
		// line breaks left led by one space go on with it
		return modeRayCore, true
	case l.Header == "" && strings.HasPrefix(l.Body, "Exiting: "):
		return modeExiting, true
	case l.Header == "" && envoy.IstioEnvoyLine(l.Body) && !strings.Contains(l.Body, "\tthread="):
		return modeEnvoy, true // a header dump: its lines, then the thread on a line of its own
	case l.Header != "" && (l.Level == "error" || l.Level == "critical") && (vllm.IsFrameLine(l.Body) || frameCode(l.Body) || trimmedCarets(l.Body)),
		l.Header != "" && l.Level != "" && vllm.IsFrameLine(l.Body):
		// (a record of another level seen from inside its traceback, logged with exc_info:
		// V0's "INFO ... async_llm_engine.py:65]" over the CancelledError of its shutdown; from
		// its first frame's line, a source line indented in an info record being no code)
		// logger.exception's record seen from inside its traceback (a paste, a file read
		// from the middle, a rotation's cut): every line repeats the header, the frames go on
		// under it; a frame's source line may come first
		return modeTrace, true
	case l.Header != "" && (l.Level == "error" || l.Level == "critical") && vllm.NativeStackStart(l.Body):
		// the same inside the C++ stack of a torch error the record's exception quotes
		// ("ERROR 03-20 09:26:31 [core.py:1008] frame #15: VLLM::Worker_TP1() [0x5551f6]")
		return modeTrace, true
	case l.Body == vllm.TracebackHeader, vllm.IsGroupTraceStart(l.Body),
		strings.HasSuffix(l.Body, ": "+vllm.TracebackHeader), // "EngineCore hit an exception: Traceback ..."
		// V0's worker before 0.6: "Exception in worker ...: NCCL error: ..., Traceback (most recent call last):"
		l.Header != "" && strings.HasSuffix(l.Body, ", "+vllm.TracebackHeader),
		// uvicorn's padded "ERROR:    Traceback ..." behind another prefix (SGLang's "[date] ")
		l.Header == "" && strings.Contains(l.Body, "ERROR:    "+vllm.TracebackHeader),
		// SGLang 0.3's scheduler before its traceback: "[19:16:21 TP5] Traceback (most recent call last):"
		l.Header == "" && sglangClockTrace(l.Body),
		l.Header == "" && (vllm.IsFrameLine(l.Body) || fatalPython(l.Body) || vllm.FaultThreadHeader(l.Body) || l.Body == vllm.SegfaultBanner ||
			vllm.IsGroupFrameLine(l.Body) || vllm.CaretRow(l.Body) || vllm.ElisionRow(l.Body) ||
			vllm.IsGroupExceptionLine(l.Body) || groupStatement(l.Body)),
		// a chained traceback's words where an excerpt begins: the next traceback follows
		l.Header == "" && vllm.ChainMarker(l.Body),
		l.RankOnly && l.Header == "": // only an exception is printed under "[rankN]: "
		return modeTrace, true
	case vllm.TraceAnnouncement(l.Body):
		// multiprocessing's "Process X:", threading's excepthook and the unraisable hook
		return modeProcess, true
	case l.Header == "" && l.Proc == "" && (l.Body == "Successfully ran diagnostic for group." || namedBorder(l.Body) ||
		len(l.Body) > 8 && l.Body[0] == '|' && parseutil.DCGMIDiagRow(l.Body)):
		// dcgmi diag's report (a DCGM diagnostic Job's output), or an excerpt of it that opens
		// at a section ("+-----  Integration  -------+----...+") or a test's row; nvidia-smi's
		// rows stay apart
		return modeTable, true
	case l.Header == "" && l.Proc == "" && dcgm.Header(l.Body) && !dcgm.Closed(l.Body):
		// a DCGM record whose message goes on over lines (nvvs quoting a child's JSON output,
		// the reason a test failed with its advice on the next line): its source blocks close it
		return modeDCGMRecord, true
	case l.Header == "" && l.Proc == "" && strings.HasPrefix(l.Body, "+---") && tableBorder(l.Body):
		// a table's top border: dcgmi diag's report when its header row follows (DCGM 4.x
		// prints a failing run's without "Successfully ran diagnostic for group."); any other
		// table's border goes alone
		return modeDiagBorder, true
	case rayLevel == "critical":
		// a Ray daemon's fatal check ("[... C 149 149] node_manager.cc:170: This node has beem
		// marked as dead."), its "*** StackTrace Information ***" and frames under it
		return modeBacktrace, true
	case l.Header == "" && signalReceived(l.Body):
		// a native runtime's handler of a signal, g3log's way: "Signal Received: 15
		// (Terminated)", "Signal Received from pid=11578", "*** BACKTRACE ***", then glibc's
		// frames
		return modeBacktrace, true
	case l.Header == "" && (nativeBacktraceFrame(l.Body) ||
		rayLevel != "" && (strings.HasSuffix(strings.TrimRight(l.Body, " "), "] Stack trace:") ||
			strings.HasSuffix(strings.TrimRight(l.Body, " "), ": Stack trace:"))):
		// Ray's C++ terminate handler: "[... E 2578148 2578148] (raylet) logging.cc:103: Stack
		// trace: ", then one frame a line; or the frames of such a dump read from its middle
		return modeBacktrace, true
	case l.Header == "" && strings.HasSuffix(strings.TrimRight(l.Body, " "), "] Stack trace of the failed collective:") && torchLogLine(l.Body):
		// ProcessGroupNCCL's one LOG(ERROR) of where the collective that timed out was called
		// (its WorkNCCL::printTraceback): the Python frames the flight recorder kept, one a line
		// ("#0 _verify_param_shape_across_processes from .../torch/distributed/utils.py:286"),
		// then a blank line
		return modeCollectiveStack, true
	case (torchLogLine(l.Body) && strings.Contains(l.Body[:min(len(l.Body), 16)], "[W") ||
		len(l.Body) > 6 && l.Body[0] == 'W' && parseutil.AllDigits(l.Body[1:5]) && l.Body[5] == ' ') && strings.Contains(l.Body, "] [c10d] "):
		// c10d's warning of a failed socket operation, which prints the stack of the error it
		// caught under it: "[W817 ... TCPStore.cpp:125] [c10d] recvValue failed on ...", then
		// "Exception raised from recvBytes at ..." and its frames (also in torch's glog form,
		// "W0701 13:41:43.421574  4776 TCPStore.cpp:182] [c10d] ...")
		return modeTorchWarn, true
	case l.Level == "error" || l.Level == "critical",
		l.Uvicorn && l.Level == "warning", // "WARNING:  Invalid HTTP request received." and its traceback
		// a warning quoting a CUDA error, torch's hints under it with the same header (V0's
		// "Failed to pickle inputs of failed execution: CUDA error: device-side assert
		// triggered", then "CUDA kernel errors might be asynchronously reported ...")
		l.Header != "" && l.Level == "warning" && (strings.Contains(l.Body, "CUDA error: ") || strings.Contains(l.Body, "HIP error: ")),
		l.Header == "" && pyRecordError(l.Body),
		// a logger.exception message whose format printed no header (a handler without one):
		// "Error trying to handle streaming tool call.", then its traceback
		l.Header == "" && vllm.ExceptionOpener(l.Body) && !strings.Contains(l.Body, ": ") && len(l.Body) < 200:
		return modeMaybe, true
	case l.Header == "" && l.Proc == "" && (strings.HasPrefix(l.Body, " FATAL  Error: ") || strings.HasPrefix(l.Body, "FATAL  Error: ")):
		// Kibana's CLI on the error that kills it, the error's further lines tab-indented under
		// it (a mapping conflict's "\tCannot update parameter [normalizer] ...")
		return modeIndented, true
	case l.Header == "" && letterRecordError(l.Body): // before torch's "[E ...": Jupyter's own
		return modeIndented, true // its exception indented under it
	case l.Header == "" && hclogValueStart(l): // and hclog's "[ERROR] ..." after its time
		return modeIndented, true
	case l.Header == "" && vllm.IsNativeErrorStart(l.Body):
		return modeMaybe, true
	case l.Header == "" && (torchWarning(l.Body) || tagged.BracketWarning(l.Body) || tagged.EnvLoggerError(l.Body) || tagged.NeuronError(l.Body)),
		l.Header == "" && strings.HasPrefix(l.Body, "[rank") && cannWarning(l.Body):
		// (torch_npu's warning that names CANN's error under torch's rank prefix:
		// "[rank0]:[W904 ...] Warning: EZ9999: Inner Error!", CANN's report under it)
		return modeIndented, true
	case l.Header == "" && l.Proc == "" && tagged.OpenMPIRule(l.Body):
		return modeMPIHelp, true
	case l.Header == "" && tagged.OneCCLConditionFailed(l.Body):
		// oneCCL's failed check (its CCL_THROW_IF_NOT): "... |CCL_ERROR| ze_fd_manager.cpp:214
		// fill_device_fds: condition fds[dev_idx] > 0 failed", then its message alone on the
		// next line ("open failed: fd: -1, errno: No such file or directory")
		return modeCCLCondition, true
	case l.Header == "" && len(l.Body) > 20 && (l.Body[0] == '[' || l.Body[0] == '2') && tagged.OpenMPISignal(l.Body) != "":
		return modeMPISignal, true
	case l.Header == "" && l.Proc == "" && len(l.Body) > 12 && (l.Body[0] == '[' || l.Body[0] >= '0' && l.Body[0] <= '9') && llamaRecord(l.Body):
		return modeLlamaRecord, true
	case l.Header == "" && torchLogLine(l.Body) && strings.HasSuffix(strings.TrimRight(l.Body, " "), " with following options:"):
		// "[I ProcessGroupNCCL.cpp:672] [Rank 0] ProcessGroupNCCL initialized with following
		// options:", then "NCCL_ASYNC_ERROR_HANDLING: 1", "TIMEOUT(ms): 1800000", ...: one record
		return modeTorchOptions, true
	case l.Header == "" && (l.Proc != "" && vllm.RayServeControl(l.ProcName) || l.Proc == "" && servePlainRecord(l.Body)) && serveRecordOpens(l.Body):
		// (without the prefix, only a warning: the controller's "... taken more than 30s to
		// initialize.", then "This may be caused by a slow __init__ or reconfigure method.")
		// "(ServeController pid=1739868) WARNING 2025-07-22 18:16:24,136 controller 1739868 --
		// Deployment 'LLMRouter' ... to initialize.", then "(ServeController pid=1739868) This may
		// be caused by a slow __init__ or reconfigure method.": Serve's own actors print nothing
		// but its records (an error's traceback is read as any logger.exception's)
		return modeServeRecord, true
	case l.Header == "" && vllm.HSAQueueAbort(l.Body):
		return modeHSAAbort, true
	case l.Header == "" && len(l.Body) > 30 && (l.Body[0] == 'I' || l.Body[0] == 'W') && strings.Contains(l.Body, "] Starting NVIDIA ") && klogHeader(l.Body):
		// the NVIDIA device plugin's and MPS control daemon's start (k8s-device-plugin's
		// info.GetVersionString: "<version>\ncommit: <sha>", one record over two lines)
		return modeVersionCommit, true
	case l.Header == "" && strings.HasPrefix(l.Body, "[aiter] failed jit build [") && strings.HasSuffix(strings.TrimRight(l.Body, " "), "↓"):
		// AITER (ROCm's kernels under vLLM) logging a failed JIT build in one record (its
		// jit/core.py: the tag and "↓↓↓", the build's chained tracebacks after "-->", the
		// compiler's output, then the tag and "↑↑↑"): its handler writes the name only before
		// the first line
		return modeAiterBuild, true
	case l.Header == "" && strings.HasSuffix(strings.TrimRight(l.Body, " "), "sampler params:"):
		// llama.cpp's sampler settings (llama-server's "slot launch_slot_: id  0 | task -1 |
		// sampler params: ", llama-cli's), one print over lines indented under it
		return modeIndented, true
	case l.Header == "" && l.Proc == "" && len(l.Body) > 30 && l.Body[0] >= 'A' && l.Body[0] <= 'Z' && l.Body[3] == ' ' && julHeader(l.Body):
		// java.util.logging's record (its SimpleFormatter's default: the time, the class and
		// the method, then "WARNING: message" on the next line): the JVM's own at
		// Elasticsearch's start, an OpenTelemetry Java exporter's
		return modeJUL, true
	case l.Header == "" && l.Body == vllm.LoggingErrorBanner:
		// Python logging's Handler.handleError: a record it could not format or write (a
		// program's format string and arguments that disagree), reported on stderr in one
		// block up to the record's "Arguments: ..." in place of the record
		return modeLoggingError, true
	case l.Header == "" && tracing.PrettyStart(l.Body):
		// hf-xet's records (huggingface_hub's Rust transfer client, in a model download), in
		// tracing-subscriber's pretty format: "  <time> WARN  <message>", "    at <file>:<line>",
		// an empty line
		return modeTracingPretty, true
	case l.Header == "" && l.Proc == "" && strings.HasPrefix(l.Body, "=====") && strings.Contains(l.Body, "= HABANA PT BRIDGE CONFIGURATION ="):
		// Intel Gaudi's PyTorch bridge at its start (every HPU worker of vLLM, Gaudi's fork and
		// plugin): its PT_HPU_* settings, then the system's, up to a rule of dashes; one print
		return modeHabanaBanner, true
	case l.Header == "" && vllm.TritonPrint(l.Body):
		// Triton's make_cubin printing the kernel ptxas failed on before it raises PTXASError
		// (one print: its error, "`ptxas` stderr:", ptxas's words, the repro command, the PTX
		// source, then "please share the reproducer above with Triton project."), under an
		// engine core's prefix
		return modeTritonPrint, true
	case l.Header == "" && l.Proc == "" && len(l.Body) > 60 && l.Body[len(l.Body)-1] == ']' && syslog.VerboseHeader(l.Body):
		// journalctl -o verbose's entry (a bug report's, a support bundle's): every field of
		// the entry on a line of its own under the time and cursor, read whole by the syslog
		// framing parser
		return modeJournalVerbose, true
	case l.Header == "" && l.Proc == "" && (l.Body == "{" || strings.HasSuffix(l.Body, "error_handler:{") || strings.HasSuffix(l.Body, "error_handler: {") ||
		textThenObject(l.Body)):
		// (and torch elastic's error handler's record whose message is its error file's JSON,
		// pretty-printed: "ERROR:torch.distributed.elastic.multiprocessing.errors.error_handler:{")
		// a JSON object printed over lines (journalctl -o json-pretty's entry, a program's
		// pretty-printed dump): its members, indented, up to the "}" at the line's start
		return modeJSONObject, true
	case l.Header == "" && strings.HasSuffix(strings.TrimRight(l.Body, " "), " is a virtual package provided by:"):
		// apt's answer for a package name that only others provide ("Package
		// nvidia-fabricmanager-580 is a virtual package provided by:", the providers indented
		// under it: the driver container's install that then fails, "E: Version ... was not found")
		return modeIndented, true
	case l.Header == "" && strings.HasPrefix(l.Body, "slot print_timing: ") && strings.HasSuffix(l.Body, "| "):
		// llama-server's timings, one print over four lines ("slot print_timing: id  0 | task 35
		// | ", then "prompt eval time =     182.78 ms / ...", "       eval time = ...", "
		// total time = ..."), the first unindented: its --log-prefix would be on the first only
		return modeIndented, true
	case l.Header == "" && tagged.TokenizersFork(l.Body):
		return modeTokenizers, true
	case l.Header == "" && vllm.NativeStackStart(l.Body):
		return modeNative, true // c10's stack, its message before it cut off (an excerpt, a rotation)
	case l.Header == "" && strings.HasPrefix(l.Body, "  what():  ") && (len(l.Body) > 12 || strings.TrimRight(l.Body, " ") == "  what():"):
		// the what() of a C++ abort whose terminate line was not read (a file read from there,
		// kubectl logs --tail): its hints and stack follow
		return modeNative, true
	case l.Header == "" && len(l.Body) > 32 && l.Body[0] == '[' && l.Body[3] == '/' && trtReport(l.Body):
		if traceHeaderEnd(l.Body) || strings.HasSuffix(l.Body, "] "+vllm.TracebackHeader) {
			// "[E] [serve   ] Internal server error:  Traceback (most recent call last):", and
			// logger.error(traceback.format_exc()) after the module's tag: "[TRT-LLM] [E]
			// [executor] Traceback (most recent call last):"
			return modeTrace, true
		}
		if vllm.MessageState(l.Body, vllm.MessageClosed) == vllm.MessageMemoryReport {
			// "[TRT-LLM] [RANK 1] [E] Failed to initialize executor on rank 1: Executor creation
			// failed due to insufficient GPU memory.", the exception's text after it: the
			// component that could not be created and the GPU's memory, over lines
			return modeMaybe, true
		}
		if strings.Contains(l.Body, "CUDA error: ") {
			// "[TRT-LLM] [RANK 1] [E] Encountered an error in forward function: CUDA error: an
			// illegal memory access was encountered": torch's hints under it, the error's own
			return modeMaybe, true
		}
		return modeIndented, true // a pydantic error's lines indented under it
	case l.Header == "" && l.Proc == "" && pylog.OpenMessage(l.Body):
		if strings.HasSuffix(l.Body, vllm.TracebackHeader) {
			// logger.error(traceback.format_exc()): the record's message is a traceback, as
			// long as a traceback is (chained ones are a hundred lines and more)
			return modeTrace, true
		}
		return modeOpenMessage, true
	case l.Header == "" && vllm.AsyncioReport(l.Body):
		return modeMaybe, true // its context's lines, then the traceback
	case l.Header == "" && basicConfigError(l.Body) != "":
		// logging.basicConfig's "ERROR:asyncio:Exception in callback ...", "ERROR:__main__:
		// Traceback (most recent call last):": the record's traceback (and asyncio's context
		// lines) under it
		if basicConfigError(l.Body) == vllm.TracebackHeader {
			return modeTrace, true
		}
		return modeMaybe, true
	case l.Header == "" && l.Proc == "" && strings.HasPrefix(l.Body, vllm.NumpyABIBanner):
		// NumPy 2 imported by a module built against 1.x: its banner, then the stack of the
		// import, written at once (numpy's _multiarray_umath), the ImportError after it
		return modeOpenMessage, true
	case l.Header == "" && l.Proc == "" && basicConfigEmpty(l.Body):
		// a record in basicConfig's format whose message opens with a line break
		// ("WARNING:torch.distributed.run:", then torchrun's OMP_NUM_THREADS banner): its
		// lines up to the next record
		return modeOpenMessage, true
	case l.Header == "" && l.Proc == "" && (basicConfigOpen(l.Body) || launchConfigs(l.Body)):
		// a record in basicConfig's format whose message announces lines under it, indented
		// ("INFO:torch.distributed.launcher.api:Starting elastic_operator with launch configs:",
		// then "  entrypoint       : ...", one logger.info; accelerate's "... had defaults used
		// instead:", then a tab before each)
		return modeIndented, true
	case l.Header == "" && vllm.RayCreationTaskError(l.Body):
		return modeTrace, true // the remote traceback follows, without its header
	case l.Header == "" && (vllm.RayTaskMessage(l.Body) || vllm.RayUnhandledError(l.Body)):
		// a Ray task error's message where an excerpt begins, "ray::ServeReplica:llms:
		// LLMDeployment:q.initialize_and_get_metadata() (pid=40568, ip=...)": the task's
		// traceback follows, without its header
		return modeTrace, true
	case l.Header == "" && remoteTraceback(l.Body):
		return modeRemote, true
	case l.Header == "" && pyStatement(l.Body):
		return modeCodeFirst, true
	case l.Header == "" && (vllm.UCXSignal(l.Body) > 0 || vllm.UCXBacktraceStart(l.Body)):
		return modeUCXSignal, true
	case l.Header == "" && vllm.UCXReport(l.Body) != "":
		return modeUCXReport, true
	case vllm.AbslSignal(l.Body):
		return modeAbslSignal, true
	case l.Header == "" && l.Proc == "" && pylog.RichStart(l.Body):
		return modeRich, true
	case l.Header == "" && vllm.RichTraceStart(l.Body):
		return modeRichTrace, true
	case l.Header == "" && (tagged.SignalReport(l.Body) || tagged.FluentBitCrash(l.Body) || strings.HasSuffix(strings.TrimRight(l.Body, " "), "] Stacktrace:")):
		// (a spdlog record of the handler's, "[infini] [error] [utils.cpp:99] Stacktrace:",
		// InfiniStore's, over the stack boost::stacktrace prints)
		return modeSignal, true
	case l.Header == "" && len(l.Body) > 30 && l.Body[4] == '-' && postgresRecord(l.Body):
		return modePostgres, true
	case l.Header == "" && vllm.IsBareException(l.Body):
		if vllm.IsGPUException(l.Body) {
			return modeMaybe, true // CUDA's explanations, or a traceback after it
		}
		// an exception line without its traceback (a bug report's excerpt): as after a
		// traceback's, the further lines of its message go with it (pydantic's indented
		// details, a Hugging Face error's reason after an empty line)
		return modeAfter, true
	case l.Header == "":
		if file, _, _, _, ok := vllm.PyWarning(l.Body); ok && strings.HasSuffix(file, ".py") {
			return modeWarning, true // its source line follows; sys:1 and frozen modules have none
		}
		if mode, _, ok := goStart(l); ok {
			return mode, true
		}
		if mountFailureStart(l) {
			return modeMount, true
		}
		if tritonStubStart(l) {
			return modeTritonStub, true
		}
		if glogStackStart(l.Body) {
			return modeGlogStack, true
		}
		if nativeMessageStart(l.Body) {
			return modeNativeMsg, true
		}
		if fluentdRecordStart(l.Body) {
			return modeFluentd, true
		}
		if klogValueStart(l) {
			return modeKlogVal, true
		}
		if klogMessageStart(l) && torchRecordHeader(l.Body) == "" {
			return modeKlogMsg, true
		}
		if tritonConfigStart(l) {
			return modeConfigDump, true
		}
		if glogNativeStart(l) {
			return modeGlogNative, true
		}
		if torchRecordHeader(l.Body) != "" {
			return modeTorchRecord, true
		}
		if klogCauseStart(l) {
			return modeKlogCause, true
		}
		if anyhowStart(l) {
			return modeAnyhow, true
		}
		if stdLogJSONStart(l) {
			return modeStdLogJSON, true
		}
		if ok, failed := tgiTracingStart(l); ok {
			if failed {
				return modeTracingErr, true
			}
			return modeTracingMsg, true
		}
		if l.Proc == "" && !l.Stamp.IsZero() && strings.HasPrefix(l.Body, "ERROR ") {
			// a record in tracing's layout after its time (NVIDIA Dynamo's Python logging:
			// "ERROR engine.run_mp_engine: NIXL_ERR_BACKEND"), which logger.exception's
			// traceback follows
			return modeMaybe, true
		}
		if ok, below := tracing.PanicStart(l.Body); ok && l.Proc == "" {
			if below {
				return modePanicMsg, true
			}
			return modePanic, true
		}
		if stdLogMessageStart(l) {
			return modeStdLogMsg, true
		}
		if l.Proc == "" && tagged.GGMLAbortStart(l.Body) {
			return modeGGML, true
		}
		if envoyHeadersStart(l.Body) {
			return modeEnvoyHeaders, true
		}
		if oomReportStart(l) {
			return modeOOM, true
		}
		if javaRecordStart(l.Body) {
			return modeJava, true
		}
		liteLLM := false
		if _, liteLLM = pylog.LiteLLMRecord(l.Body); liteLLM && strings.HasSuffix(l.Body, vllm.TracebackHeader) {
			// a record whose message ends in a traceback's header (LiteLLM's router logs
			// "Traceback" + traceback.format_exc(), OpenHands' "openhands:ERROR:
			// agent_controller.py:162 - Traceback (most recent call last):"), at any level: the
			// frames under it are its
			return modeTrace, true
		}
		if datedRecordError(l.Body) || liteLLMRecordError(l.Body) || sglangFailure(l.Body) {
			return modeMaybe, true
		}
		if liteLLM {
			return modeOpenRecord, true
		}
		if pylog.NamedRecordOpen(l.Body) {
			return modeNamedRecord, true
		}
		if kernelReportStart(l) {
			return modeKernel, true
		}
		if nvrmStart(l) {
			return modeNVRM, true
		}
		if sxidKey(l.Body) != "" {
			return modeSXid, true
		}
		if aerDevice(l.Body) != "" || aerReceived(l.Body) != "" {
			return modeAER, true
		}
		if edacReport(l.Body) != "" {
			return modeEDAC, true
		}
		if wrappedStart(l.Body) != "" {
			return modeWrapped, true
		}
	}
	if l.Header == "" && l.Proc == "" && len(l.Body) > 8 && l.Body[0] == 'm' && nvidia_shell.MakeError(l.Body) {
		// a build that failed (the driver container's kernel modules, an extension's): the
		// make levels above the failing one each report it again, and finish their jobs
		return modeMake, true
	}
	if l.Header == "" && l.Proc == "" && smiBanner(l.Body) {
		// the time nvidia-smi prints over its report (a driver container's after its install,
		// the validator's, an entrypoint's): its tables follow (modeDiagBorder)
		return modeSMITable, true
	}
	if l.Header == "" && l.Proc == "" && len(l.Body) > 15 && (l.Body[0] == 'G' || l.Body[0] == '=') && nvidia_shell.SMIQueryStart(l.Body) {
		// nvidia-smi -q's report (a driver container's, a pasted diagnosis): its banner, then
		// each GPU's section, one event each
		return modeSMIQuery, true
	}
	if l.Header == "" && (strings.HasPrefix(l.Body, "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver") ||
		strings.HasSuffix(l.Body, "Failed to initialize NVML: Driver/library version mismatch")) {
		return modeSMIFailed, true
	}
	if (l.Tag == "systemd" || strings.HasPrefix(l.Tag, "systemd[")) && l.Header == "" {
		// journalctl -x explains a systemd message under it from its catalog ("-- Subject: Unit
		// kubelet.service has finished shutting down", "-- Defined-By: systemd", ...)
		return modeCatalog, true
	}
	if mode, ok := nodeStart(l); ok {
		return mode, true
	}
	if luaStart(l) {
		return modeLua, true
	}
	if l.Header == "" && l.Proc == "" && len(l.Body) > 20 && nvidia_xid.KmsgRecord(l.Body) {
		// a kernel record no report above took, its dictionary on the lines under it ("
		// SUBSYSTEM=pci", " DEVICE=+pci:..."): the device a driver's error is about
		return modeKmsgDict, true
	}
	return 0, false
}

// recordIndent is how deep a record's message line is indented under its header at least to be
// one of an indented block's lines (a traceback's code is four spaces in; numpy prints an array's
// rows seven in, under vLLM's dump of a scheduler's batch).
const recordIndent = "      "

// rayWorkerDied opens the raylet's report of a worker that died, one line of its own.
const rayWorkerDied = "A worker died or was killed while executing a task"

// trtReport reports whether b is a TensorRT-LLM Python logger's error or warning, which what
// it logs may go on under.
func trtReport(b string) bool {
	lv := tagged.TRTRecord(b)
	return lv == "error" || lv == "critical" || lv == "warning"
}

// exceptionLine reports whether b is a Python exception's line ("RuntimeError: ..."), not a
// record's.
func exceptionLine(b string) bool {
	t, _, ok := vllm.SplitException(b, false)
	return ok && t != "" && (b[0] >= 'A' && b[0] <= 'Z' || b[0] >= 'a' && b[0] <= 'z' || b[0] == '_')
}

// traceHeaderEnd reports whether b ends in a traceback's header after a colon, however many
// spaces between ("Internal server error:  Traceback (most recent call last):").
func traceHeaderEnd(b string) bool {
	head, ok := strings.CutSuffix(b, vllm.TracebackHeader)
	return ok && strings.HasSuffix(strings.TrimRight(head, " "), ":")
}

// frameCode reports whether b is a traceback frame's source line (or its carets) as Python
// indents it under the frame: four spaces, then code.
func frameCode(b string) bool {
	return len(b) > 4 && strings.HasPrefix(b, "    ") && b[4] != ' ' && b[4] != '\t' ||
		strings.HasPrefix(strings.TrimLeft(b, " "), "^^^") && strings.HasPrefix(b, "    ") ||
		vllm.CaretRow(strings.TrimRight(b, " \r")) // Python 3.11's "~~~~~~^" under a call too
}

// maxTableLines bounds a table's rows in one event.
const maxTableLines = 128

// maxQueryLines bounds the lines of a GPU's section of nvidia-smi -q in one event (some 250 on
// an H100 with every field).
const maxQueryLines = 512

// tableBorder reports whether b is a border line of a text table: "+---------+-------+",
// "+===+===+", "+-----  Integration  -------+----------------+" (a section named in it),
// "|-----  Metadata  ----------+---------|" (dcgmi diag's section rows).
func tableBorder(b string) bool {
	b = strings.TrimRight(b, " ")
	if len(b) < 20 || (b[0] != '+' && b[0] != '|') || (b[len(b)-1] != '+' && b[len(b)-1] != '|') || !strings.HasPrefix(b[1:], "--") && !strings.HasPrefix(b[1:], "==") {
		return false
	}
	for i := 1; i < len(b)-1; i++ {
		if c := b[i]; !(c == '-' || c == '=' || c == '+' || c == ' ' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
			return false
		}
	}
	return true
}

// reprOpen reports whether the record's lines so far leave a bracket of a printed value open:
// more "(", "[" and "{" than closers, outside quotes. Only the message after the header counts;
// a long message is not counted (a dump's first line is bounded by what its printer wrote).
func reprOpen(g *group) bool {
	depth := 0
	count := func(s string) bool {
		var quote byte
		for i := 0; i < len(s); i++ {
			c := s[i]
			switch {
			case quote != 0:
				if c == '\\' {
					i++
				} else if c == quote {
					quote = 0
				}
			case c == '\'' || c == '"':
				quote = c
			case c == '(' || c == '[' || c == '{':
				depth++
			case c == ')' || c == ']' || c == '}':
				depth--
			}
		}
		return len(s) <= 1<<16
	}
	first := g.firstLine()
	if g.header != "" {
		if _, after, ok := strings.Cut(first, g.header); ok {
			first = after
		}
	}
	if !count(first) {
		return false
	}
	for _, p := range g.parts {
		if !count(p) {
			return false
		}
	}
	return depth > 0
}

// namedBorder reports whether b is a table border that names a section ("+-----  Integration
// -------+---+", dcgmi diag's).
func namedBorder(b string) bool {
	return tableBorder(b) && strings.Contains(b, "-  ") && strings.IndexFunc(b, func(r rune) bool { return r >= 'A' && r <= 'Z' }) > 0
}

// nativeBacktraceFrame reports whether b is a frame as glibc's backtrace_symbols prints it, which
// Ray's terminate and fatal-signal handlers write: "/usr/.../ray/_raylet.so(+0xf2e81a)
// [0x7f5abd7a081a] ray::operator<<()" (the demangled name after the address), a frame of the
// executable without a file: "ray::RayWorker.execute_method() [0x5ecd90]"; and glibc's own
// form, nothing after the address: "/lib64/libc.so.6(malloc+0x99)[0x7ff500459ce9]".
func nativeBacktraceFrame(b string) bool {
	b = strings.TrimLeft(b, " ")
	at, addr := strings.Index(b, " [0x"), 0
	if at > 0 {
		addr = at + 4
	} else if at = strings.Index(b, ")[0x"); at > 0 && strings.HasSuffix(b, "]") {
		at, addr = at+1, at+4
	} else {
		return false
	}
	end := strings.IndexByte(b[addr:], ']')
	if end < 1 || strings.Trim(b[addr:addr+end], "0123456789abcdef") != "" {
		return false
	}
	head := b[:at]
	return strings.HasSuffix(head, ")") && strings.IndexByte(head, '(') > 0 && strings.IndexByte(head, ' ') < 0 ||
		strings.HasSuffix(head, "()") && strings.IndexByte(head, ' ') < 0
}

// signalReceived reports whether b opens a signal handler's report as g3log's handler prints
// it: "Signal Received: 15 (Terminated)" (a number and the signal's name).
func signalReceived(b string) bool {
	t, ok := strings.CutPrefix(b, "Signal Received: ")
	if !ok {
		return false
	}
	n, name, ok := strings.Cut(t, " (")
	return ok && n != "" && strings.Trim(n, "0123456789") == "" && strings.HasSuffix(name, ")")
}

// pyStatement reports whether b is a frame's source line as a traceback prints it, indented by
// four: a statement that raises, returns, awaits or calls ("    raise output", "    await
// wrap_app_handling_exceptions(app, request)(scope, receive, send)", "    return
// self._call_impl(*args, **kwargs)").
func pyStatement(b string) bool {
	if !frameCode(b) || strings.HasPrefix(b, "    ^") {
		return false
	}
	t := b[4:]
	for _, kw := range [...]string{"raise ", "raise", "return ", "await ", "yield ", "self.", "import ", "from ",
		"assert ", "async for ", "async with ", "with ", "for ", "def ", "async def "} {
		if strings.HasPrefix(t, kw) && (kw != "raise" || t == kw) {
			return true
		}
	}
	// a call, or an assignment of one: "    next(self.gen)", "    worker.shutdown()", "    output
	// = executor(*args, **kwargs)", "    has_requests_in_progress = await asyncio.wait_for(",
	// "    hidden_states, residual = layer(", a tuple's
	if lhs, rhs, ok := strings.Cut(t, " = "); ok && assignable(strings.TrimSpace(lhs)) {
		t = strings.TrimPrefix(rhs, "await ")
	}
	i := strings.IndexByte(t, '(')
	return i > 0 && pylog.DottedName(t[:i])
}

// groupStatement reports whether b is a frame's source line inside an exception group's
// drawing ("    |     raise LocalProtocolError(...)"), where an excerpt or a rotated file may
// begin as at the drawing's frame line.
func groupStatement(b string) bool {
	t := strings.TrimLeft(b, " ")
	return len(t) < len(b) && strings.HasPrefix(t, "| ") && pyStatement(t[2:])
}

// openStatement reports whether a modeCodeFirst group's source line opened a statement that goes
// on over the next lines (it ends in "(", "[", "{" or ","), and every line the group took since is
// the statement's: a line of it, a marker row, an elision.
func openStatement(g *group) bool {
	first, _, _ := strings.Cut(g.first.Message(), "\n")
	first = strings.TrimRight(first, " ")
	if !vllm.OpensStatement(first) {
		return false
	}
	for _, p := range g.parts {
		if !vllm.StatementRow(p) {
			return false
		}
	}
	return true
}

// assignable reports whether s is what a Python assignment's left side names: a dotted name, or
// a tuple of them ("hidden_states, residual").
func assignable(s string) bool {
	for s != "" {
		var name string
		name, s, _ = strings.Cut(s, ", ")
		if !pylog.DottedName(name) {
			return false
		}
	}
	return true
}

// serveRecord returns the level word of a Ray Serve record in its own layout ("WARNING
// 2025-07-22 18:16:24,136 controller 1739868 -- ..."), "" for another line.
func serveRecord(b string) string {
	w, rest, ok := strings.Cut(b, " ")
	if !ok || rest == "" || rest[0] < '1' || rest[0] > '2' {
		return ""
	}
	switch w {
	case "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL":
		return w
	}
	return ""
}

// servePlainRecord reports whether b is a Ray Serve record as its own log files and the head's
// stderr hold it, without an actor's prefix: "WARNING 2026-01-12 05:53:33,039 controller 1004
// -- Deployment ...", its date in full (vLLM's header has none) and " -- " before the message.
func servePlainRecord(b string) bool {
	_, rest, _ := strings.Cut(b, " ")
	return serveRecord(b) == "WARNING" && len(rest) > 24 && rest[4] == '-' && rest[7] == '-' && rest[10] == ' ' &&
		strings.Contains(rest[:min(len(rest), 96)], " -- ")
}

// serveRecordOpens reports whether b is a Ray Serve record that may go on over lines: any but
// an error's (logger.exception's traceback takes those).
func serveRecordOpens(b string) bool {
	lv := serveRecord(b)
	return lv != "" && lv != "ERROR"
}

// ncclWarn reports whether b is an NCCL WARN line ("host:pid:tid [dev] file.cc:93 NCCL WARN
// ..."), which NCCL's logger opens with an empty line.
func ncclWarn(b string) bool {
	return strings.Contains(b[:min(len(b), 256)], " NCCL WARN ")
}

// recordStart reports whether b opens a record of its own (a dated line, a level-first Python
// record), which no open exception message takes.
func recordStart(b string) bool {
	return len(b) > 10 && b[0] == '2' && b[4] == '-' && b[7] == '-' || pyRecordError(b) || pylog.IsLiteLLMRecord(b) ||
		// UCX's record ("[1760048752.141287] proto_reconfig.c:60   UCX  ERROR ..."), NIXL's transport
		len(b) > 20 && b[0] == '[' && b[1] == '1' && strings.Contains(b[:min(len(b), 96)], "  UCX  ") ||
		torchLogLine(b) || vllm.AbslSignal(b) || remoteTraceback(b) || vllm.TraceAnnouncement(b) ||
		// bracketed: gunicorn's "[2024-01-09 13:24:39 +0000] [1637] [CRITICAL] ...", Celery's
		// "[2024-08-30 14:24:33,351: ERROR/MainProcess] ..."
		len(b) > 11 && b[0] == '[' && b[1] == '2' && b[5] == '-' && b[8] == '-'
}

// torchLogLine reports whether b is a record of torch's C++ logging, under its rank's prefix
// or not: "[rank0]:[W902 15:21:52.625339019 ProcessGroupNCCL.cpp:1479] Warning: ...", "[W
// CUDAGraph.cpp:145] ...": no exception's line.
func torchLogLine(b string) bool {
	b = b[vllm.TorchRankLen(b):]
	return len(b) > 4 && b[0] == '[' && (b[1] == 'I' || b[1] == 'W' || b[1] == 'E' || b[1] == 'F') &&
		(b[2] == ' ' || b[2] >= '0' && b[2] <= '9')
}

// tracingLevel reports whether b is what is left of a Rust tracing line once its time was read
// as a stamp: " INFO target: ..." (tracing pads the level to five), a record, not a traceback's
// indented line.
func tracingLevel(b string) bool {
	return strings.HasPrefix(b, " INFO ") || strings.HasPrefix(b, " WARN ")
}

// rayReport reports whether a Ray core record of level may go on over further lines: a warning
// or an error (the OOM killer's report, a crash's), not the info records of every start.
func rayReport(level string) bool {
	return level == "warning" || level == "error" || level == "critical"
}

// datedRecordError reports whether b is an error record of a Python format that starts with its
// date, bracketed or not (KServe's "2026-02-11 02:15:04.629 1 kserve ERROR [__main__.py:<module>():337]
// Failed to start model server: ...", "2024-05-02 12:00:00,123 - name - ERROR - ...", Airflow's and
// Flask's "[date] ..."), which logger.exception's traceback follows.
func datedRecordError(b string) bool {
	if t, ok := strings.CutPrefix(b, "[NeMo "); ok && len(t) > 3 && (t[0] == 'E' || t[0] == 'C') && t[1] == ' ' {
		return true // NeMo's "[NeMo E 2025-03-03 13:21:53 module:line] msg"
	}
	if structlogError(b) {
		return true
	}
	b = strings.TrimPrefix(b, "[") // Airflow's "[2026-04-05T20:57:13.914+0000] {taskinstance.py:2905} ERROR - ...", Flask's
	if len(b) < 30 || b[0] != '2' || b[4] != '-' || b[7] != '-' {
		return false
	}
	if wide := b[:min(len(b), 120)]; strings.Contains(wide, " - ERROR - ") || strings.Contains(wide, " - CRITICAL - ") {
		return true // a zoned time to the microsecond and a long logger: GPUStack's "... +08:00 - gpustack.worker.serve_manager - ERROR - ..."
	}
	head := b[:min(len(b), 72)]
	// Ray's Python logger puts a tab before the level: "2025-07-31 19:35:35,770\tERROR worker.py:423 -- ...";
	// others bracket it ("... [ERROR] asyncio - ...") or follow it with uvicorn's colon (KServe's
	// "... uvicorn.error ERROR:    Exception in ASGI application")
	return strings.Contains(head, " ERROR ") || strings.Contains(head, " CRITICAL ") ||
		strings.Contains(head, "\tERROR ") || strings.Contains(head, "\tCRITICAL ") ||
		strings.Contains(head, " [ERROR] ") || strings.Contains(head, " [CRITICAL] ") ||
		strings.Contains(head, " ERROR: ") || strings.Contains(head, " CRITICAL: ") ||
		// Celery's "[2024-08-30 14:24:33,389: ERROR/MainProcess] Task handler raised error: ...",
		// Locust's "[2021-04-14 14:29:47,188] <host>/ERROR/root: ..."
		strings.Contains(head, ": ERROR/") || strings.Contains(head, ": CRITICAL/") ||
		strings.Contains(b[:min(len(b), 160)], "/ERROR/") || strings.Contains(b[:min(len(b), 160)], "/CRITICAL/")
}

// structlogError reports whether b opens with the level of an error record of structlog's
// ConsoleRenderer, after its time or without one ("[error    ] request failed ..."), which
// log.exception's traceback follows.
func structlogError(b string) bool {
	if len(b) > 30 && b[0] == '2' {
		t, _, ok := strings.Cut(b[:min(len(b), 40)], " [")
		if !ok || len(t) < 19 {
			return false
		}
		b = b[len(t)+1:] // "2025-03-04 10:12:05 [error    ] ", "2025-03-04T10:12:05.123456Z [error    ] "
	}
	return strings.HasPrefix(b, "[error    ] ") || strings.HasPrefix(b, "[critical ] ") || strings.HasPrefix(b, "[exception] ")
}

// postgresRecord reports whether b is a PostgreSQL message (a severity, not a detail line), which
// its DETAIL, HINT, STATEMENT... lines may follow.
func postgresRecord(b string) bool {
	_, w, _, ok := tagged.PostgresLine(b)
	return ok && tagged.PostgresSeverity(w) && !tagged.PostgresDetailLabel(w)
}

// hclogValueStart reports whether b is a line of HashiCorp's hclog (Vault and its agent, the
// injector's sidecar that renders a model's token) whose message ends in a colon, its value on
// the indented lines under it: "2023-05-25T05:49:05.463Z [ERROR] agent.template.server: template
// server error:", then "  error=" and "  | Code: 403. Errors: ...".
func hclogValueStart(l *vllm.Line) bool {
	b := l.Body
	if l.Stamp.IsZero() || len(b) < 10 || b[0] != '[' {
		return false // (Split reads the line's time into Stamp)
	}
	lv, _, ok := strings.Cut(b[1:min(len(b), 8)], "] ")
	return ok && (lv == "ERROR" || lv == "WARN" || lv == "INFO" || lv == "DEBUG") && strings.HasSuffix(strings.TrimRight(b, " "), ":")
}

// letterRecordError reports whether b is an error record of tornado's LogFormatter as Jupyter
// configures it, the level's letter first: "[E 2024-01-05 10:00:00.123 ServerApp] Uncaught
// exception GET /api/...", the classic notebook's "[E 10:00:00.123 NotebookApp] ...". It indents
// the exception and its traceback under the record by four.
func letterRecordError(b string) bool {
	return len(b) > 16 && b[0] == '[' && (b[1] == 'E' || b[1] == 'C') && b[2] == ' ' && b[3] >= '0' && b[3] <= '9' &&
		(b[7] == '-' || b[5] == ':')
}

// envoyAccept reports whether l goes on with an Envoy message of several lines that Istio's
// layout ends with "\tthread=N", and whether it ends it; a record of its own ends it unread.
func envoyAccept(l *vllm.Line, parts int) (ok, done bool) {
	if l.Header != "" || parts >= maxMessageLines || otherRecord(l.Body) {
		return false, false
	}
	return true, strings.HasPrefix(strings.TrimLeft(l.Text, " "), "\tthread=")
}

// exitingAccept reports whether l goes on with a Beat's "Exiting: ..." line (Filebeat's, on
// stderr, after the same error as a JSON record), and whether it ends it: the configuration the
// error names, printed as indented JSON from "{" to "}".
func exitingAccept(l *vllm.Line, parts int) (ok, done bool) {
	b := l.Body
	switch {
	case l.Header != "" || parts >= maxMessageLines:
		return false, false
	case parts == 0: // the first line after "Exiting: ..."
		return b == "{", false
	case b == "}":
		return true, true
	}
	return len(b) > 1 && b[0] == ' ', false
}

// liteLLMRecordError reports whether b is a LiteLLM record that logger.exception's traceback may
// follow: a warning or worse, or one that names an exception (its router logs the failure of a
// call to a backend at info, "... Exception litellm.APIConnectionError: ...", with the traceback).
func liteLLMRecordError(b string) bool {
	rc, ok := pylog.LiteLLMRecord(b)
	return ok && (rc.Level == "warning" || rc.Level == "error" || rc.Level == "critical" ||
		strings.Contains(rc.Msg, "Exception"))
}

// liteLLMAccept reports whether l goes on with the message of the LiteLLM record before it:
// LiteLLM writes messages of several lines under one header, "LiteLLM completion() model= X;
// provider = Y" under "19:05:49 - LiteLLM:INFO: utils.py:3230 - ", the router's settings under
// "Intialized router with Routing strategy: ...", blank lines between them. A line with a header
// of its own (uvicorn's "INFO:", vLLM's), another LiteLLM record, a traceback or another
// format's record ends it.
func liteLLMAccept(l *vllm.Line) bool {
	if l.Header != "" || l.Proc != "" {
		return false
	}
	if _, ok := pylog.LiteLLMRecord(l.Body); ok {
		return false
	}
	return l.Body == "" || l.Body != vllm.TracebackHeader && !vllm.IsFrameLine(l.Body) && !otherRecord(l.Body)
}

// pyRecordError reports whether b is an error record of a Python logging format that starts
// with its level and date (Ray Serve's "ERROR 2025-06-11 13:15:51,444 controller 45327 --
// Exception in Replica(...)"), whose traceback logger.exception writes after it.
func pyRecordError(b string) bool {
	lv, rest, ok := strings.Cut(b[:min(len(b), 16)], " ")
	return ok && (lv == "ERROR" || lv == "CRITICAL") && len(rest) > 4 && rest[0] >= '1' && rest[0] <= '2' &&
		rest[4] == '-' ||
		// Alembic's layout ("%(levelname)-5.5s [%(name)s] %(message)s"): "ERROR
		// [open_webui.routers.openai] 503, ...", logger.exception's traceback under it
		ok && (lv == "ERROR" || lv == "CRITI") && len(rest) > 2 && rest[0] == '[' && strings.Contains(b[:min(len(b), 128)], "] ") ||
		// UCM's layout (vllm-ascend's KV connector, vLLM's records with its patch on):
		// "[2026-04-21 08:54:39.994223][UC][E] EngineCore failed to start.", exc_info under it
		len(b) > 34 && b[0] == '[' && (strings.Contains(b[20:min(len(b), 40)], "][UC][E] ") || strings.Contains(b[20:min(len(b), 40)], "][UC][C] "))
}

// accept reports whether l continues the group, and moves the group's mode on.
func (g *group) accept(l *vllm.Line) bool {
	if l.Tag != g.tag && l.Tag != "" && g.tag != "" {
		return false // another program's line in a host file (syslog, the journal)
	}
	if l.Header != "" && l.Proc == "" && !g.hdr && g.mode == modeTrace && len(g.parts) > 0 &&
		strings.HasPrefix(l.Text, "    ") && vllm.IsFrameLine(g.parts[len(g.parts)-1]) {
		// the source line Python prints indented under a frame, code that reads as a record
		// ("    INFO 12-08 13:24:26 [__init__.py:239] Automatically detected platform cuda."
		// pasted into a module: a SyntaxError's line): the traceback's, as written
		l.Body, l.Header, l.Level, l.Month = l.Text, "", "", 0
		return true
	}
	if l.Body == "" && l.Header != "" && l.Header == g.header && g.hdr && len(g.parts) < maxMessageLines {
		// an empty line of the record's message (one that ends in line breaks): the
		// formatter repeats the header on it as on every other line
		if g.mode == modeRecord && g.banner {
			g.mode = modeDone // the line that ends a banner
		}
		return true
	}
	switch g.mode {
	case modeJSError, modeNodeUncaught:
		return jsAccept(g, l)
	case modeV8OOM:
		return v8OOMAccept(l) && len(g.parts) < 4*maxMessageLines
	case modeLua:
		return luaAccept(g, l)
	case modeTritonStub:
		return tritonStubAccept(g, l)
	case modeCodeFirst:
		// "    raise output", then "  File ...": the traceback's first lines were cut off (a
		// rotation, kubectl logs --tail); anything else leaves the line alone. Python 3.11's
		// markers may come between ("                 ^^^^^^^^^^^^^^^^^").
		if l.Header == "" && len(g.parts) == 0 && vllm.CaretRow(l.Body) {
			return true
		}
		if l.Header == "" && len(g.parts) < maxMessageLines && openStatement(g) && vllm.StatementRow(l.Body) {
			// Python 3.13 shows a frame's statement whole, over its lines, its markers under
			// each: "    model, healthy = self._checks(", "~~~^", "        model=model,",
			// "        ^^^^^^^^^^^^", "    ...<3 lines>...", then the frame under it
			return true
		}
		first := len(g.parts) == 0 || len(g.parts) == 1 && vllm.CaretRow(g.parts[0]) || openStatement(g)
		if l.Header == "" && first && vllm.IsFrameLine(l.Body) {
			g.mode, g.level = modeTrace, "error"
			return true
		}
		if l.Header == "" && first && vllm.IsBareException(l.Body) {
			// the frame's line cut off too: "    raise self._make_status_error_from_response(err.response)
			// from None", then "openai.RateLimitError: Error code: 429 - ..."
			g.mode, g.level = modeAfter, "error"
			g.msg, g.msgAt = vllm.MessageState(l.Body, vllm.MessageClosed), len(g.parts)
			return true
		}
		return false
	case modeRemote:
		if l.Header != "" || len(g.parts) >= 4*maxMessageLines {
			return false
		}
		if l.Body == `"""` && len(g.parts) > 0 {
			// the worker's traceback ends: what its exception caused may follow, chained
			g.mode, g.msg, g.msgAt = modeAfter, vllm.MessageClosed, len(g.parts)
		}
		return true
	case modeKernel:
		if len(g.parts) == 0 && l.Header == "" && sinceBoot(l.Body) != "" && sinceBoot(g.firstLine()) == "------------[ cut here ]------------" {
			// WARN()'s message, which __warn_printk prints between the cut line and "WARNING:
			// CPU: ..." ("zero length flush remaining: start ..., end ...")
			return true
		}
		if kernelReportAccept(l) {
			return true
		}
		// another printk between a page fault's first line and its oops (a console taking over,
		// another CPU's line: elFarto/nvidia-vaapi-driver issue #380's "fbcon: Taking over
		// console" after "BUG: kernel NULL pointer dereference"): the report goes on after it
		return l.Header == "" && len(g.parts) < 3 && pageFaultOpen(g) && sinceBoot(l.Body) != "" && !kernelReportStart(l) &&
			sameBootSecond(l.Body, g.firstLine())
	case modeJava:
		if l.Header != "" {
			return false
		}
		if len(g.parts) == 0 && l.Body == "{" {
			g.msg = jsonBody // Kibana's "Authentication attempt failed:" and the error's JSON under it
			return true
		}
		if len(g.parts) == 0 && len(l.Body) > 1 && l.Body[0] == '{' && l.Body[len(l.Body)-1] == '}' {
			// the response on one line under Fluent Bit's "[error] [output:es:es.1] HTTP
			// status=413 URI=/_bulk, response:": why Elasticsearch refused the logs
			g.mode = modeDone
			return true
		}
		if g.msg == jsonBody {
			if l.Body == "}" {
				g.mode = modeDone
				return true
			}
			return len(l.Body) > 1 && l.Body[0] == ' ' && len(g.parts) < maxMessageLines
		}
		if len(g.parts) < maxMessageLines && strings.HasSuffix(strings.TrimRight(g.firstLine(), " "), "] node validation exception") &&
			(bootstrapCheck(l.Body) || strings.Contains(l.Body, "bootstrap checks failed")) {
			// Elasticsearch's plain record of the checks it failed at start ("node validation
			// exception", then "[1] bootstrap checks failed" and "[1]: max virtual memory areas
			// vm.max_map_count [65530] is too low, ..."): one record's lines, the cause in them
			return true
		}
		return javaAccept(g, l)
	case modeOOM:
		ok, done := oomReportAccept(l)
		if done {
			g.mode = modeDone
		}
		return ok
	case modeNVRM:
		return nvrmAccept(l, g.header) || g.msg == gspDump && len(g.parts) < maxMessageLines && gspDumpLine(l) ||
			len(g.parts) < maxMessageLines && (g.header == "" && nvrmWrapped(l, g.lastPart()) || g.header != "" && nvrmUnstamped(l, g.firstLine()) ||
				nvrmIndentedText(l, g.lastPart())) ||
			len(g.parts) < maxMessageLines && (nvrmFuncDetail(l, g.lastPart()) || nvrmICD(l, g.lastPart()))
	case modeSXid:
		// a part the report has already opens the next report of the same switch and code
		// (another link's, as a link fault logs for many links in a row)
		if l.Header != "" || sxidKey(l.Body) != g.header {
			return false
		}
		part := sxidPart(l.Body, g.header)
		if g.msg&part != 0 {
			return false
		}
		g.msg |= part
		return true
	case modeWrapped:
		return l.Header == "" && len(g.parts) < maxMessageLines && (wrappedAccept(l.Body, g.lastPart(), g.firstLine(), len(g.header)) || bootstrapCheck(l.Body))
	case modeAER:
		if g.msg == aerAwaitSeverity {
			dev := aerDevice(l.Body)
			// (only the port's own: a device's report under the port's header, a GPU's, stays
			// the device's event, as the GPU fields read it)
			if l.Header != "" || dev == "" || !strings.HasPrefix(dev, g.header) {
				return false
			}
			g.header, g.msg = dev, 0 // the device's prefix, which its status and error lines repeat
			return true
		}
		return l.Header == "" && aerAccept(l.Body, g.header)
	case modeKlogMsg:
		return klogMessageAccept(l)
	case modeGlogNative:
		if l.Header != "" || l.Proc != "" || len(g.parts) >= maxMessageLines || klogHeader(l.Body) {
			return false
		}
		if len(g.parts) == 0 {
			return vllm.NativeStackStart(l.Body) // the stack, right under the record; else the record alone
		}
		return vllm.IsNativeErrorLine(l.Body)
	case modeConfigDump:
		if !klogMessageAccept(l) || len(g.parts) >= maxTableLines {
			return false
		}
		if strings.TrimSpace(l.Body) == "" {
			g.mode = modeDone // the blank line the dump ends with
		}
		return true
	case modeTorchRecord:
		if l.Header != "" || !strings.HasPrefix(l.Body, g.header) || len(g.parts) >= maxMessageLines {
			return false
		}
		ok, indented := torchRecordAccept(l.Body[len(g.header):], g.msg == 1)
		if indented {
			g.msg = 1
		}
		return ok
	case modeEnvoyHeaders:
		return l.Header == "" && l.Proc == "" && envoyHeaderLine(l.Body) && len(g.parts) < maxMessageLines
	case modeSignal:
		return l.Header == "" && tagged.SignalFrame(l.Body) && len(g.parts) < maxMessageLines
	case modePostgres:
		if l.Header != "" || len(g.parts) >= maxMessageLines || l.Body == "" {
			return false
		}
		// its detail lines, and a statement's own lines, which carry no prefix
		return tagged.PostgresDetail(l.Body, g.header) || len(g.parts) > 0 && (l.Body[0] == '\t' || l.Body[0] == ' ')
	case modeMake:
		// (make's own lines, up to the top level's: "make: *** [modules] Error 2" ends the build)
		return l.Header == "" && l.Proc == "" && len(g.parts) < maxMessageLines && nvidia_shell.MakeLine(l.Body) &&
			!strings.HasPrefix(g.lastPart(), "make: ")
	case modeSMITable:
		if l.Header != "" || l.Proc != "" || len(g.parts) >= maxTableLines {
			return false
		}
		if len(g.parts) == 0 && smiBanner(g.firstLine()) {
			return strings.HasPrefix(l.Body, "+---") && tableBorder(l.Body) // the time, then the table; else the time alone
		}
		if len(g.parts) == 1 && smiBanner(g.firstLine()) {
			return smiHeader(l.Body) // a table under the time that is not nvidia-smi's goes apart
		}
		// its rows, and the blank line (spaces, as nvidia-smi pads it) between its two tables
		return tableRow(l.Body) || strings.TrimSpace(l.Body) == "" && len(g.parts) > 0 && tableRow(g.lastPart())
	case modeLogrusBreak:
		// the message's lines, blank ones too, up to the next record: logrus's own, a logfmt
		// or klog line, or one under a header
		return l.Header == "" && l.Proc == "" && len(g.parts) < maxMessageLines && !logrusTerminalStart(l.Body) &&
			!strings.HasPrefix(l.Body, "time=\"") && !strings.HasPrefix(l.Body, "level=") && !klogHeader(l.Body)
	case modeTokenizers:
		if l.Header != "" || len(g.parts) >= 3 {
			return false
		}
		return len(g.parts) == 0 && l.Body == "To disable this warning, you can either:" ||
			len(g.parts) > 0 && strings.HasPrefix(strings.TrimLeft(l.Body, " \t"), "- ") && (l.Body[0] == ' ' || l.Body[0] == '\t')
	case modeGGML:
		if l.Header == "" && l.Proc == "" && tagged.GGMLCallError(l.Body) && len(g.parts) == 0 &&
			strings.HasPrefix(g.first.Message(), "ggml_cuda_compute_forward: ") {
			return true // the report after the op that failed, as a log written at once has it
		}
		if l.Header == "" && l.Proc == "" && tagged.GGMLCallError(l.Body) && tagged.GGMLBackendAbortLine(g.first.Message()) &&
			(len(g.parts) == 0 || len(g.parts) == 1 && strings.HasPrefix(g.parts[0], "ggml_cuda_compute_forward: ")) {
			// (the op that failed may come between: "ggml_cuda_compute_forward: SCALE failed")
			return true // ggml-cuda's report after its abort (llama-server's log thread writes it later)
		}
		if l.Header != "" || l.Proc != "" || !tagged.GGMLAbortLine(l.Body) || len(g.parts) >= maxMessageLines {
			return false
		}
		if l.Body == "Aborted" || l.Body == "Aborted (core dumped)" {
			g.mode = modeDone // the shell's word on the process: the report's last line
		}
		return true
	case modeStdLogMsg:
		return stdLogMessageAccept(l) && len(g.parts) < maxMessageLines
	case modeStdLogJSON:
		ok, done := stdLogJSONAccept(l)
		if done {
			g.mode = modeDone
		}
		return ok && len(g.parts) < maxMessageLines
	case modeAnyhow:
		if len(g.parts) == 0 && l.Header == "" && nodejs.FrameLine(l.Body) {
			// "Error: socket hang up", then V8's frames: a JavaScript error, not a Rust main's
			g.mode, g.opening = modeJSError, "frames"
			return true
		}
		if anyhowAccept(l, len(g.parts)) {
			switch {
			case l.Body == "Caused by:" || l.Body == "Stack backtrace:":
				g.msg = 2 // anyhow's report: its causes and frames, nothing after them
			case l.Body == "" && g.msg == 0:
				g.msg = 1
			}
			return true
		}
		// after the empty line, a Go program's error text goes on (the GPU operator's
		// validator: fmt.Errorf("%w\n\n%s", err, hint), the remedy under the error)
		return g.msg == 1 && l.Header == "" && l.Proc == "" && l.Body != "" && len(g.parts) < maxMessageLines &&
			!recordStart(l.Body) && !otherRecord(l.Body) && !anyhowStart(l)
	case modeOpenMessage:
		// the lines it announced, up to the next record (a dated line, TurboMind's "[TM][...]",
		// uvicorn's); a traceback's too (logger.exception)
		b := l.Body
		if bannerClosed(g) {
			// torchrun's OMP_NUM_THREADS banner ends at its second rule of stars: what follows
			// is the next record ("WARNING:torch.distributed.launcher.api:config has no run_id,
			// ..."), or a traceback of its own, not the warning's
			return false
		}
		if (b == vllm.TracebackHeader || strings.HasPrefix(b, vllm.TracebackHeader+"  File \"")) && l.Header == "" && l.Proc == "" {
			// (NumPy's banner appends format_stack()'s frames to the header without a line
			// break: "Traceback (most recent call last):  File \"<string>\", line 1, in <module>")
			// logger.exception's traceback under a record ending in a colon (KServe's
			// "Exception:"): read as a traceback, as long as it runs, its last exception the error
			g.mode = modeTrace
			return true
		}
		return l.Header == "" && l.Proc == "" && len(g.parts) < maxMessageLines && !recordStart(b) && !otherRecord(b) &&
			!strings.HasPrefix(b, "[TM][")
	case modeRich:
		return l.Header == "" && l.Proc == "" && pylog.RichRow(l.Body) && len(g.parts) < maxMessageLines
	case modeRichTrace:
		// the box's rows (a frame's file and line, its source with the line marked), up to its
		// bottom edge; the exception's line under it ends it as a traceback's does
		if l.Header != g.header || len(g.parts) >= 4*maxMessageLines {
			return false
		}
		if strings.HasPrefix(l.Body, "╰") {
			g.mode = modeTrace
			return true
		}
		return strings.HasPrefix(l.Body, "│")
	case modeAbslSignal:
		// its lines carry the process prefix the first did ("(RayWorkerWrapper pid=24036)")
		return l.Header == g.header && len(g.parts) < maxMessageLines && vllm.AbslFrameLine(l.Body)
	case modeUCXSignal:
		if l.Header != "" || len(g.parts) >= maxMessageLines {
			return false
		}
		if g.header != "" && vllm.UCXBacktraceStart(l.Body) && vllm.UCXThread(l.Body) != g.header {
			return false // another thread's backtrace, after the signal lines of all
		}
		ok, done := vllm.UCXBacktraceLine(l.Body)
		if done {
			g.mode = modeDone
		}
		return ok
	case modeTracingMsg, modeTracingErr:
		return tgiTracingAccept(l, g.mode == modeTracingErr)
	case modePanicMsg, modePanic:
		ok, mode := panicAccept(l, g.mode, len(g.parts))
		g.mode = mode
		return ok
	case modeKlogCause:
		return klogCauseAccept(l) && len(g.parts) < maxMessageLines
	case modeFluentd:
		return l.Header == "" && strings.HasPrefix(l.Body, g.header) && len(g.parts) < maxMessageLines
	case modeNativeMsg:
		return nativeMessageAccept(l) && len(g.parts) < maxMessageLines
	case modeHAProxy:
		return l.Header == "" && l.Proc == "" && strings.HasPrefix(strings.TrimLeft(l.Body, " "), "| ") && len(g.parts) < maxMessageLines
	case modeMPIAbort:
		return l.Header == "" && l.Proc == "" && mpiStackLine(l.Body) && len(g.parts) < maxMessageLines
	case modeHookStderr:
		// the hook's stderr went on over lines ("nvidia-container-cli: mount error: ...", the
		// eBPF verifier's "processed 0 insns ..."), the runtime's ": unknown" after its last
		if l.Header != "" || l.Proc != "" || l.Body == "" || len(g.parts) >= 8 {
			return false
		}
		if b := strings.TrimRight(l.Body, " "); strings.HasSuffix(b, ": unknown") || strings.HasSuffix(b, ": unknown.") {
			g.mode = modeDone
		}
		return true
	case modeHubRefusal:
		return l.Header == "" && len(g.parts) == 0 && vllm.HubRefusal(l.Body)
	case modeTokenOOM:
		return l.Header == "" && l.Proc == "" && len(g.parts) < 4 &&
			(strings.HasPrefix(l.Body, "Try to allocate ") || strings.HasPrefix(l.Body, "Available tokens: "))
	case modeJSONSpread:
		// a member or an element of the array, each line ending in "," but the last ("... 6
		// more"] }"), which closes the record
		b := strings.TrimRight(l.Body, " ")
		if l.Header != "" || l.Proc != "" || !strings.HasPrefix(b, `"`) {
			return false
		}
		if strings.HasSuffix(b, "}") {
			g.mode = modeDone
			return true
		}
		return strings.HasSuffix(b, ",")
	case modeShipperResponse:
		if l.Header != "" || strings.HasPrefix(l.Body, "[20") || len(g.parts) >= maxMessageLines {
			return false
		}
		if l.Body == "" {
			g.mode = modeDone // the blank line Fluent Bit ends the response with
		}
		return true
	case modeSMIQuery:
		if l.Header != "" || l.Proc != "" || len(g.parts) >= maxQueryLines || nvidia_shell.SMIQueryStart(l.Body) {
			return false
		}
		if strings.HasPrefix(g.firstLine(), nvidia_shell.SMIQueryBanner) {
			// the banner's lines: blank ones, and the report's own fields ("Driver Version
			// : 535.161.08", "Attached GPUs : 8")
			return strings.TrimSpace(l.Body) == "" || l.Body[0] != ' ' && strings.Contains(l.Body, " : ")
		}
		// a GPU's fields, indented under its header, and the sections among them
		return strings.HasPrefix(l.Body, "    ") && strings.TrimSpace(l.Body) != ""
	case modeCCLCondition:
		// "open failed: fd: -1, errno: No such file or directory": what the check saw
		return l.Header == "" && l.Proc == "" && len(g.parts) == 0 && l.Body != "" && l.Body[0] != ' ' && !recordStart(l.Body) &&
			!otherRecord(l.Body)
	case modeSMIFailed:
		// "Make sure that the latest NVIDIA driver is installed and running."; under a version
		// mismatch, the library's version ("NVML library version: 570.195")
		return l.Header == "" && len(g.parts) == 0 && (strings.HasPrefix(l.Body, "Make sure that the latest NVIDIA driver is installed and running") ||
			strings.HasPrefix(l.Body, "NVML library version: "))
	case modeCatalog:
		// (journalctl's own separators end in " --": "-- Boot 5f9a... --", "-- Reboot --")
		// (systemd 246 and later mark them "░░ " instead of "-- ")
		return l.Tag == "" && l.Header == "" && (l.Body == "--" || strings.HasPrefix(l.Body, "-- ") && !strings.HasSuffix(l.Body, " --") ||
			strings.HasPrefix(l.Body, "░░")) &&
			len(g.parts) < maxMessageLines
	case modeDCGMRecord:
		if l.Header != "" || l.Proc != "" || dcgm.Header(l.Body) || len(g.parts) >= maxTableLines {
			return false
		}
		if dcgm.Closed(l.Body) {
			g.mode = modeDone
		}
		return true
	case modeDiagBorder:
		if l.Header == "" && l.Proc == "" && len(g.parts) == 0 && strings.HasPrefix(l.Body, "| Diagnostic ") && strings.Contains(l.Body, "| Result ") {
			g.mode = modeTable
			return true
		}
		if l.Header == "" && l.Proc == "" && len(g.parts) == 0 && smiHeader(l.Body) {
			g.mode = modeSMITable // nvidia-smi's report without its time
			return true
		}
		return false
	case modeTable:
		b := strings.TrimRight(l.Body, " ")
		return l.Header == "" && l.Proc == "" && len(g.parts) < maxTableLines &&
			(tableBorder(b) || len(b) > 2 && (b[0] == '|' && b[len(b)-1] == '|'))
	case modeBacktrace:
		// (the frames Ray's FATAL prints by name alone, indented: "    ray::RayLog::~RayLog()")
		return l.Header == "" && (nativeBacktraceFrame(l.Body) || l.Body == "*** StackTrace Information ***" ||
			len(g.parts) < 2 && (strings.HasPrefix(l.Body, "Signal Received from pid=") || l.Body == "*** BACKTRACE ***") && signalReceived(g.firstLine()) ||
			len(g.parts) > 0 && g.parts[0] == "*** StackTrace Information ***" && strings.HasPrefix(l.Body, "    ")) &&
			len(g.parts) < maxMessageLines
	case modeJUL:
		if l.Header != "" || len(g.parts) > 0 {
			return false
		}
		if _, _, ok := java.JULLevel(l.Body); ok {
			g.mode = modeJava // the throwable's lines, if any, as under a log4j record
			return true
		}
		return false
	case modeJSONObject:
		if l.Header != "" || l.Proc != "" || len(g.parts) >= 4*maxMessageLines {
			return false
		}
		if l.Body == "}" {
			g.mode = modeDone
			return true
		}
		return len(l.Body) > 1 && (l.Body[0] == ' ' || l.Body[0] == '\t')
	case modeLoggingError:
		return g.printedBlock(l, 4*maxMessageLines, vllm.LoggingErrorBanner, "Arguments: ")
	case modeHabanaBanner:
		return g.printedBlock(l, maxMessageLines, "", strings.Repeat("-", 40))
	case modeTracingPretty:
		if l.Header != "" || len(g.parts) >= maxMessageLines || !tracing.PrettyLine(l.Body) {
			return false
		}
		if strings.TrimSpace(l.Body) == "" {
			g.mode = modeDone // the empty line the format ends a record with
		}
		return true
	case modeTritonPrint:
		return g.printedBlock(l, 16*maxMessageLines, vllm.TracebackHeader, "please share the reproducer above with Triton")
	case modeJournalVerbose:
		return l.Header == "" && l.Proc == "" && len(g.parts) < 4*maxMessageLines && syslog.VerboseField(l.Body)
	case modeCollectiveStack:
		if l.Header != "" || l.Proc != "" || len(g.parts) >= maxMessageLines {
			return false
		}
		if l.Body == "" && len(g.parts) > 0 {
			g.mode = modeDone // the blank line that ends it
			return true
		}
		return collectiveFrame(l.Body)
	case modeTorchWarn:
		if l.Header == "" && strings.HasPrefix(l.Body, "Exception raised from ") && len(g.parts) == 0 {
			// (the blank line c10 ends the warning's text with is the warning's too)
			g.mode, g.native = modeNative, true
			return true
		}
		return false
	case modeGlogStack:
		if l.Header == "" && l.Proc == "" && (l.Body == "" && len(g.parts) == 0 ||
			goroutineHeader(l.Body) && (len(g.parts) == 0 || len(g.parts) == 1 && (g.parts[0] == "" || goFatalMessage(g.parts[0])))) {
			// Go's glog: Fatal prints every goroutine's stack under its record, after a blank
			// line, and aborts (the AMD device plugin's "F0106 ... amdgpu driver unavailable")
			if l.Body != "" {
				g.mode = modeGo
			}
			return true
		}
		first, _, _ := strings.Cut(g.first.Message(), "\n")
		fatal := glogFatal(vllm.Split(first).Body)
		if fatal && len(g.parts) == 0 && l.Header == "" && l.Proc == "" && goFatalMessage(l.Body) && strings.Contains(first, ".go:") {
			// a Go program's klog.Fatalf whose message goes on over a line ("Refer to the
			// troubleshooting guide for more information: ...", ingress-nginx's), every
			// goroutine's stack under it
			return true
		}
		ok, done := glogStackAccept(l, &g.msg, fatal)
		if done {
			g.mode = modeDone
		}
		return ok
	case modeEDAC:
		return l.Header == "" && edacAccept(l.Body, g.header)
	case modeFabric:
		ok, done := fabricAccept(l)
		if done {
			g.mode = modeDone
		}
		return ok
	case modeExiting:
		ok, done := exitingAccept(l, len(g.parts))
		if done {
			g.mode = modeDone
		}
		return ok
	case modeEnvoy:
		ok, done := envoyAccept(l, len(g.parts))
		if done {
			g.mode = modeDone
		}
		return ok
	case modeKlogVal:
		ok, done := klogValueAccept(l)
		if done {
			g.mode = modeDone
		}
		return ok
	case modeGo, modeGoMaybe:
		var ok bool
		g.mode, ok = goAccept(g.mode, l)
		return ok
	case modeOpenRecord:
		return liteLLMAccept(l) && len(g.parts) < maxMessageLines
	case modeNamedRecord:
		// (under the process prefix vLLM's workers put on every line: LMCache in an engine core)
		if l.Header != "" || l.Proc != g.header || len(g.parts) >= maxMessageLines || pylog.DatedBracket(l.Body) ||
			otherRecord(l.Body) || l.Body == vllm.TracebackHeader {
			return false
		}
		if pylog.EndsWithOrigin(l.Body) {
			g.mode = modeDone // the line with the record's location ends it
		}
		return true
	case modeServeRecord:
		return l.Header == "" && l.Proc == g.header && len(g.parts) < maxMessageLines && l.Body != "" &&
			serveRecord(l.Body) == "" && l.Body != vllm.TracebackHeader && !vllm.IsFrameLine(l.Body) && !recordStart(l.Body)
	case modeKmsgDict:
		return l.Header == "" && nvidia_xid.KmsgProperty(l.Body) && len(g.parts) < maxMessageLines
	case modeVersionCommit:
		c, ok := strings.CutPrefix(l.Body, "commit: ")
		if ok && l.Header == "" && len(c) >= 7 && strings.Trim(c, "0123456789abcdef") == "" {
			g.mode = modeDone
			return true
		}
		return false
	case modeAiterBuild:
		if l.Header != "" || len(g.parts) >= 8*maxMessageLines {
			return false
		}
		if strings.Contains(l.Body, "failed jit build [") && strings.HasSuffix(strings.TrimRight(l.Body, " "), "↑") {
			g.mode = modeDone // the record's closing line
		}
		return true
	case modeHSAAbort:
		// "Kernel Name: _ZN5aiter...", "VGPU=0x1305a780 SWq=...", then the dispatch's packet
		// indented by a tab
		return l.Header == "" && len(g.parts) < maxMessageLines && (strings.HasPrefix(l.Body, "Kernel Name: ") ||
			strings.HasPrefix(l.Body, "VGPU=") || strings.HasPrefix(l.Body, "\t"))
	case modeUsage:
		// (vLLM's usage lists every engine argument: 147 lines in 0.10, more since)
		if l.Header != "" || len(g.parts) >= 8*maxMessageLines {
			return false
		}
		if len(l.Body) > 1 && (l.Body[0] == ' ' || l.Body[0] == '\t') {
			return true // the usage wrapped under "usage: prog"
		}
		if tagged.ArgparseError(l.Body) {
			g.mode = modeDone // what was wrong: the usage's last line
			return true
		}
		return false
	case modeLlamaRecord:
		// the message's further lines, without the record's prefix (under the router's
		// "[port] " when it relays them); a line with it is the next record
		rest, ok := strings.CutPrefix(l.Body, g.header)
		if ok && l.Header == "" && l.Proc == "" && len(g.parts) < maxMessageLines && llamaContinuation(rest) {
			// llama.cpp writes each line of a message under its own prefix, the further ones
			// indented (ggml-cuda's report: "E CUDA error: ...", "E   current device: 0, in
			// function ...", "E   cudaMemset(...)"): one record
			return true
		}
		if !ok || l.Header != "" || l.Proc != "" || len(g.parts) >= maxMessageLines || llamaRecord(l.Body) ||
			g.header == "" && (recordStart(rest) || otherRecord(rest) || rest == vllm.TracebackHeader) {
			return false
		}
		return true
	case modeUCXReport:
		// the report's further lines under its prefix (the work request's dump), and the
		// backtrace UCX prints before it aborts
		if l.Header != "" || len(g.parts) >= maxMessageLines {
			return false
		}
		if strings.HasPrefix(l.Body, g.header) {
			return true
		}
		if vllm.UCXBacktraceStart(l.Body) {
			g.mode, g.header = modeUCXSignal, "" // its frames, up to the rule that ends them
			return true
		}
		return false
	case modeMPISignal:
		if l.Header != "" || len(g.parts) >= maxMessageLines {
			return false
		}
		rest, ok := strings.CutPrefix(l.Body, g.header)
		if ok && strings.HasPrefix(rest, "*** End of error message ***") {
			g.mode = modeDone
		}
		return ok
	case modeMPIHelp:
		// the message's lines up to the closing rule; a record of another kind ends a group that
		// opened at a closing rule (a file read from the middle of a message)
		if l.Header != "" || l.Proc != "" || len(g.parts) >= maxMessageLines || recordStart(l.Body) || otherRecord(l.Body) ||
			len(g.parts) == 1 && tagged.OpenMPIRule(l.Body) {
			return false
		}
		if tagged.OpenMPIRule(l.Body) {
			g.mode = modeDone
		}
		return true
	case modeTorchOptions:
		return l.Header == "" && l.Proc == "" && torchOption(l.Body) && len(g.parts) < maxMessageLines
	case modeNodeDead:
		if l.Header == "" && rayNodeDeadCause(l.Body) {
			g.mode = modeDone
			return true
		}
		return false
	case modeIndented:
		// (TensorRT-LLM's numbered native frames under its Python logger's error that quotes
		// the C++ exception: "1       0x7a2d00e89f0a /usr/.../libtensorrt_llm.so(+0x1b60f0a) ...")
		if l.Header == "" && len(g.parts) < maxMessageLines && len(l.Body) > 1 && l.Body[0] == ')' && len(g.parts) > 0 &&
			strings.HasSuffix(strings.TrimRight(g.first.Message(), " "), "(") {
			// the end of a module's repr the record's message quotes, and the rest of the message
			// after it ("... with args ('model.layers.8.mlp.down_proj', Linear(", its indented
			// children, then ")): CUDA out of memory. ..."): one logging call
			g.mode = modeDone
			return true
		}
		if len(g.parts) == 0 && l.Header == "" && strings.HasPrefix(l.Body, "prompt eval time = ") && strings.HasPrefix(g.first.Message(), "slot print_timing: ") {
			return true
		}
		if l.Header == "" && l.Body == "" && len(g.parts) > 0 && g.parts[len(g.parts)-1] != "" &&
			(basicConfigOpen(g.firstLine()) || launchConfigs(g.firstLine())) {
			// the line break a basicConfig record's message ends in (torch's launch configs')
			g.mode = modeDone
			return true
		}
		if l.Header == "" && l.Proc == "" && len(g.parts) < maxMessageLines && l.Body != "" && cannWarning(g.firstLine()) &&
			l.Body != vllm.TracebackHeader && !recordStart(l.Body) && !otherRecord(l.Body) && !torchWarning(l.Body) {
			// torch_npu's warning that names CANN's error ("[W904 ...] Warning: EZ9999: Inner
			// Error!"): CANN's report under it at the margin ("EZ9999: [PID: 838] ... The error
			// from device ...", "TraceBack (most recent call last):", "Kernel task happen error,
			// retCode=0x31, [vector core exception]. ...", " (function recordEvent)"), up to the
			// next record
			return true
		}
		if l.Header == "" && len(g.parts) < maxMessageLines && strings.HasSuffix(strings.TrimRight(g.firstLine(), " "), "[Error]:") &&
			vllm.IsMessageContinuation(l.Body) {
			// torch_npu's warning whose text is CANN's report ("Warning: NPU warning, error code
			// is 507013[Error]: ", then "[Error]: System Direct Memory Access (DMA) hardware
			// execution error.", "EH9999: Inner Error!", their indented lines)
			return true
		}
		return l.Header == "" && len(l.Body) > 1 && (l.Body[0] == ' ' || l.Body[0] == '\t' || numberedFrame(l.Body)) && len(g.parts) < maxMessageLines
	case modeWarning:
		if l.Header != "" {
			return false
		}
		if strings.TrimSpace(l.Body) == "" {
			// a blank line inside the message (formatwarning writes the message whole: torch's
			// unsupported-GPU warning, pydantic's protected namespace; torch 2.9's indents it, so
			// the line holds the indent alone): its source line follows
			if g.msg != 0 || len(g.parts) >= maxWarningLines {
				return false
			}
			g.msg, g.msgAt = 1, len(g.parts)+1
			return true
		}
		if g.msg != 0 && l.Body[0] != ' ' && l.Body[0] != '\t' &&
			(len(g.parts) > g.msgAt || !strings.HasSuffix(l.Body, ".")) {
			return false // after the blank line, one sentence of the message at most
		}
		if l.Body[0] == ' ' || l.Body[0] == '\t' {
			if warningMessageLine(l.Body) && len(g.parts) < maxMessageLines {
				return true // the message's own indented lines (torch's kernel override)
			}
			g.mode = modeDone // the source line ends the warning
			return true
		}
		if _, _, _, _, ok := vllm.PyWarning(l.Body); ok {
			return false // the next warning
		}
		if l.Body == vllm.TracebackHeader || torchWarning(l.Body) || otherRecord(l.Body) {
			return false // another program's line, or another record of this one's
		}
		return len(g.parts) < maxWarningLines
	case modeNative:
		// c10's what() is its message, the CUDA hints under it, a blank line and the stack; a
		// DistBackendError's from the watchdog holds the CUDA error's whole what() before its own
		if n := len(g.parts); strings.HasPrefix(l.Body, "  what():  ") && n > 0 && (strings.HasPrefix(g.parts[n-1], "frame #") ||
			n > 1 && g.parts[n-1] == "" && strings.HasPrefix(g.parts[n-2], "frame #")) {
			// another abort's what(), after this one's stack (and the blank line torch ends
			// it with: two ranks' reports one after the other)
			return false
		}
		if n := len(g.parts); n > 1 && g.parts[n-1] == "" && strings.HasPrefix(g.parts[n-2], "frame #") && !strings.HasPrefix(l.Body, "Exception raised from ") {
			// after a stack and its blank line only the next stack of the same message goes on
			// (the watchdog's "Exception raised from ncclCommWatchdog ..."); frames from "frame
			// #0" are another error's, read without its line
			return false
		}
		return l.Header == "" && (vllm.IsNativeErrorLine(l.Body) || vllm.IsMessageContinuation(l.Body) ||
			g.native && l.Body == "" && len(g.parts) < maxMessageLines || numberedFrame(l.Body) ||
			// torch's NCCL error text ends in "\nLast error:\n" and what ncclGetLastError() says
			// ("NET/IB : Got completion from peer 10.42.0.2<47534> with error 5, ..."): the peer
			// or the NIC that failed
			l.Body != "" && strings.TrimRight(g.lastPart(), " ") == "Last error:" ||
			// a what() whose text opens with a line break: its text
			l.Body != "" && strings.TrimRight(g.lastPart(), " ") == "  what():")
	case modeRecord:
		if l.Header == "" && l.Proc == "" && l.Body != "" && unrepeatedHeader(g.header) && len(g.parts) < maxMessageLines {
			// NIM's formatter (its milliseconds after the seconds, no "[" before the file) writes
			// the header once: a message's lines under it carry none ("Serving endpoints:", then
			// the routes), up to the next record
			return !recordStart(l.Body) && !otherRecord(l.Body) && l.Body != vllm.TracebackHeader
		}
		return l.Header == g.header && len(g.parts) < maxMessageLines
	case modeRecordIndented:
		if l.Header == g.header && len(g.parts) < maxMessageLines && (vllm.IsFrameLine(l.Body) || l.Body == vllm.TracebackHeader) {
			// the indented lines were a frame's source (Python 3.13 prints a call's lines
			// whole: "                     executor_fail_callback)"), a logger.exception's
			// traceback read from its middle: its frames follow under the same header
			g.mode, g.hdr = modeTrace, true
			return true
		}
		return l.Header == g.header && len(g.parts) < maxMessageLines && (strings.HasPrefix(l.Body, recordIndent) || vllm.CANNReportLine(l.Body))
	case modeRecordBacktrace:
		return l.Header == g.header && len(g.parts) < maxMessageLines && tracing.PanicLine(l.Body)
	case modeRayCore:
		if g.header == "" {
			if l.Header == "" && l.Daemon == "" && l.Proc == "" && len(g.parts) < 2 &&
				(l.Body == "" || strings.HasPrefix(l.Body, "Refer to the documentation on how to address the out of memory issue")) &&
				strings.Contains(g.firstLine(), "due to memory pressure (OOM)") {
				// the raylet's OOM-kill report as it writes it itself (its stderr under
				// RAY_LOG_TO_STDERR, raylet.out): a blank line, then its advice
				return true
			}
			return l.Header == "" && l.Daemon == "" && l.Proc == "" && len(g.parts) < maxMessageLines &&
				len(l.Body) > 2 && l.Body[0] == ' ' && l.Body[1] != ' '
		}
		// (the raylet's report of each dead worker, "(raylet) A worker died or was killed while
		// executing a task ...", is a record of its own, also right under a memory report)
		return l.Header == "" && l.Daemon == g.header && len(g.parts) < maxMessageLines &&
			pylog.RayCoreLevel(l.Body) == "" && !otherRecord(l.Body) && !strings.HasPrefix(l.Body, rayWorkerDied)
	case modeMount:
		ok, output, done := mountFailureAccept(l, g.msg == 1)
		if output {
			g.msg = 1
		}
		if ok && done {
			g.mode = modeDone
		}
		return ok && len(g.parts) < maxMessageLines
	case modeMaybe, modeProcess:
		if g.mode == modeMaybe && l.Header == "" && vllm.AsyncioContext(l.Body) && len(g.parts) < maxMessageLines {
			return true // "future: <Task ...>" under "Task exception was never retrieved"
		}
		if g.mode == modeMaybe && jsFramesUnder(g, l) {
			// a JavaScript error in a logger's error line ("[ERROR] TypeError: fetch failed")
			return jsAccept(g, l)
		}
		if g.mode == modeMaybe && l.Header == "" &&
			(strings.HasPrefix(l.Body, "Exception raised from ") || strings.HasPrefix(l.Body, "  what():  ")) {
			g.mode = modeNative
			return true
		}
		if g.native && l.Header == "" && l.Body == "" {
			return true // c10's message ends in a blank line before "Exception raised from"
		}
		if g.mode == modeMaybe && l.Header == g.header && len(g.parts) == 0 && vllm.RayTaskMessage(l.Body) &&
			strings.HasSuffix(strings.TrimRight(g.first.Message(), " "), ":") {
			// Ray Serve's "Request failed:" and the task error it prints under it: "ray::
			// ServeReplica:A:B.handle_request() (pid=23474, ip=...)", the replica's frames
			g.msg = vllm.MessageRemote
			return true
		}
		if g.mode == modeMaybe && (l.Header == g.header || g.msg == vllm.MessageSystemInfo && l.Header == "" && l.Proc == "") &&
			(g.msg != vllm.MessageClosed && len(g.parts) < maxMessageLines && !recordStart(l.Body) &&
				vllm.TakesMessageLine(l.Body, g.msg) || vllm.IsMessageContinuation(l.Body)) {
			g.msg = vllm.MessageState(l.Body, g.msg)
			return true // "Search for `cudaErrorIllegalAddress' ..." under "CUDA error: ..."
		}
		if g.mode == modeMaybe && g.liteLLM && liteLLMAccept(l) && len(g.parts) < maxMessageLines {
			// the record's message going on over lines (a provider's error body), up to the
			// traceback logger.exception put under it; its blank lines too (LiteLLM 1.110's
			// "\n\nLiteLLM: model group ... failed with the error above ...", the router's
			// "\nDebug Information:\nCooldown Deployments=...")
			return true
		}
		if g.mode == modeMaybe && l.Header != "" && l.Header == g.header && len(g.parts) < maxMessageLines && reprOpen(g) {
			// a repr the record's message prints over lines, each under the header again
			// (vLLM's dump of the batch that crashed its engine: "SchedulerOutput(...
			// 'pixel_values': tensor([[-1.7923, ...],", then the tensor's rows), up to its close
			return true
		}
		if g.mode == modeMaybe && l.Header != "" && l.Header == g.header && vllm.ChainMarker(l.Body) {
			// a logger.exception record read from inside its message (a CUDA error's hints): the
			// chained traceback goes on under the same header ("During handling of the above
			// exception, another exception occurred:")
			g.mode, g.hdr = modeTrace, true
			return true
		}
		if g.mode == modeProcess && l.Header == "" && len(g.parts) == 0 && vllm.IsFrameLine(l.Body) {
			// "Exception ignored in atexit callback: <func>": the frames follow without the
			// Traceback line
			g.mode = modeTrace
			return true
		}
		if g.pyRec && l.Header == "" && len(g.parts) == 0 && (vllm.IsFrameLine(l.Body) ||
			l.Body != "" && l.Body[0] == ' ' && strings.TrimLeft(l.Body, " ") == vllm.TracebackHeader) {
			// Ray Serve's error record with its traceback's frames under it, the "Traceback
			// (most recent call last):" line left out of an excerpt (ray-project/ray issue
			// #53267); or its traceback shifted right by a paste, every line under the record
			// (UCM's "[...][UC][E] EngineCore failed to start.", vllm-project/vllm-ascend #8529)
			g.mode = modeTrace
			return true
		}
		if g.bare && l.Header == "" && len(g.parts) == 0 && tgiRankSuffix(l.Body) {
			// text-generation-inference's launcher relaying a shard's last line: the event's
			// fields after the message's line break (" rank=0"), which shard failed
			g.mode = modeDone
			return true
		}
		if (l.Body != vllm.TracebackHeader && !vllm.IsGroupTraceStart(l.Body)) ||
			(l.Header != "" && (g.mode == modeProcess || l.Header != g.header)) || g.bare ||
			l.Header == "" && g.hdr && len(g.parts) > 0 && g.parts[len(g.parts)-1] == "" && recordException(g) {
			// (a bare exception line ends its own traceback: one after it is another's, the
			// next rank's)
			return false
		}
		g.mode, g.hdr, g.header = modeTrace, l.Header != "", l.Header
		return true
	}
	if g.hdr && g.mode == modeTrace && len(g.parts) == 0 && l.Header == "" && vllm.IsFrameLine(l.Body) {
		// a record that ends in the traceback's header whose frames follow without its header
		// (uvicorn's "ERROR:    Traceback (most recent call last):" under SGLang's "[date] ")
		g.hdr, g.header = false, ""
		return true
	}
	if g.uvicorn != "" && len(g.parts) == 0 && l.Uvicorn && l.Header == g.uvicorn && vllm.IsFrameLine(l.Body) {
		// a program that logs a traceback line by line through its logger in uvicorn's format
		// (tabbyAPI): every frame repeats "ERROR:"
		g.hdr, g.header = true, l.Header
		return true
	}
	if g.hdr {
		// logger.exception: every line of the record repeats the header, and so does the same
		// record logged again in the same second (every open stream's "Error in chat
		// completion stream generator." when the engine dies): its first line opens the next
		if l.Header == "" && g.mode == modeTrace && len(g.parts) > 0 && len(g.parts) < maxMessageLines && strings.HasPrefix(l.Body, "Process ") &&
			vllm.TraceAnnouncement(l.Body) && strings.HasPrefix(g.parts[len(g.parts)-1], "  ") {
			// (inside the record's traceback, a frame or its source line before it: after the
			// record's end the announcement opens the child's own uncaught traceback)
			// multiprocessing's "Process EngineCore_DP0:" the dying process writes into its
			// own record while logging flushes it line by line (xorbitsai/inference issue
			// #4926): the record goes on after it, under its header
			return true
		}
		if l.Header != g.header {
			return false
		}
		if g.mode == modeTrace && len(g.parts) > 0 && vllm.ExceptionOpener(l.Body) {
			// another record's message right after the exception line of a record cut before
			// its own ("Error in chat completion stream generator." under the EngineDeadError
			// the previous stream's traceback ended in)
			if _, _, ok := vllm.SplitException(g.parts[len(g.parts)-1], true); ok {
				return false
			}
		}
		return g.mode != modeTrace || g.opening == "" || l.Body != g.opening || len(g.parts) < 2
	}
	if l.Header != "" {
		return false
	}
	b := l.Body
	if g.mode == modeAfter && jsFramesUnder(g, l) {
		// "TypeError: fetch failed" is a Python exception's line as well as a JavaScript error's
		return jsAccept(g, l)
	}
	if b == vllm.SegfaultBanner {
		// tvm-ffi's report of a crash opens a report of its own, after another thread's frames
		// (a crash in two threads at once, or an excerpt that began in the one before)
		return false
	}
	if (g.mode == modeTrace || g.mode == modeAfter) && !l.Stamp.IsZero() && stampedRecord(b) {
		// a record of tracing's layout after its time ("2026-12-07T07:11:37.076561Z ERROR
		// engine_monitor._check_engine_health: ...", Dynamo's): the next record, after the blank
		// line a traceback the record before ended in (logger.error(traceback.format_exc()))
		return false
	}
	if g.mode == modeTrace && b != "" && b[0] != ' ' && b[0] != '\t' && !vllm.ChainMarker(b) && groupClosed(g.parts) {
		// an exception group's traceback ends in the rule that closes its drawing (CPython's
		// traceback module draws it once, under the innermost group's last exception): an
		// unindented line after it is not the group's exception but what comes next, another
		// report ("Traceback ...", "Task exception was never retrieved"); a chained one would
		// follow "During handling of the above exception ..."
		return false
	}
	cont := b == "" || (b[0] == ' ' || b[0] == '\t') && !tracingLevel(b) || b == vllm.TracebackHeader || faultHeader(b) ||
		vllm.ChainMarker(b) || strings.HasPrefix(b, `> File "`) ||
		// a paste's or a document's elision of frames ("Traceback (most recent call last):",
		// "...", then the last frames): no exception's line
		g.mode == modeTrace && vllm.PasteElision(b)
	switch {
	case g.mode == modeTrace && trimmedFrame(b), g.mode == modeTrace && trimmedFrame(g.lastBody()) && !recordStart(b) && !vllm.IsBareException(b) &&
		!vllm.IsFrameLine(b) && !otherRecord(b):
		// a traceback whose indentation a paste trimmed (vllm-project/vllm issue #31903:
		// "File \"/usr/local/bin/vllm\", line 10, in <module>", "sys.exit(main())"): its
		// frames, each frame's source line under it
		return true
	case g.mode == modeTrace && len(g.parts) > 0 && trimmedCarets(b) && !strings.HasPrefix(g.lastPart(), " ") &&
		(len(g.parts) > 1 && trimmedFrame(g.parts[len(g.parts)-2]) || len(g.parts) == 1 && trimmedFrame(g.body)):
		// and the markers under that source line, trimmed as well ("^^^^^^")
		return true
	case g.mode == modeTrace && wrappedFrame(g.lastPart()) && vllm.Identifier(b):
		// a frame line a terminal wrapped before its function's name, as a paste keeps it
		// ("  File \".../_snapshot_download.py\", line 270, in ", then "_inner_hf_hub_download")
		return true
	case g.mode == modeTrace && vllm.RichTraceStart(b):
		// Rich's box of the exception that caused this one, or that this one caused, after
		// "During handling of the above exception, another exception occurred:"
		g.mode = modeRichTrace
		return true
	case g.mode == modeAfter && b == vllm.OriginalTraceback:
		// torch's ExceptionWrapper re-raising a worker's exception (DataParallel's replica, a
		// DataLoader worker): "Caught AcceleratorError in replica 1 on device 1.", then the
		// worker's own traceback, the message's rest
		g.mode = modeTrace
		return true
	case g.mode == modeAfter && b == vllm.TracebackHeader:
		// a traceback right after an exception line, with no "During handling of the above
		// exception" or "The above exception was the direct cause" between: another one (the
		// next rank's, another worker's), not a chained one
		return false
	case (g.mode == modeTrace || g.mode == modeAfter) && b != "" && b[0] != ' ' && b[0] != '\t' && strings.HasSuffix(g.lastPart(), ":") &&
		vllm.ExceptionWithMessage(g.lastPart()) && vllm.MessageState(g.lastPart(), vllm.MessageClosed) == vllm.MessageClosed &&
		!recordStart(b) && !otherRecord(b) && !vllm.IsBareException(b) && !cont:
		// an exception whose message ends in a colon, the rest of it on the next line at the
		// margin (Ray Serve's "RuntimeError: Deployment echo is UNHEALTHY: Failed to update
		// deployment:", then the error that failed it)
		return true
	case cont:
		if b != "" && b[0] != ' ' && b[0] != '\t' {
			g.mode = modeTrace
		}
		return true
	case (g.mode == modeTrace || g.mode == modeAfter) && !recordStart(b) && traceHeaderEnd(b) && exceptionLine(b):
		// an exception whose message is a traceback (Ray Serve's replica re-raises its
		// constructor's failure as RuntimeError(traceback.format_exc()), under the RayTaskError
		// that carries it to the controller): the inner traceback's frames and exception follow
		g.mode = modeTrace
		return true
	case g.mode == modeTrace && !recordStart(b) && !pyWarningLine(b) && !pytestFailed(b): // a record's line ends a traceback cut short
		g.mode = modeAfter // the exception line
		g.msg = vllm.MessageState(b, vllm.MessageClosed)
		g.msgAt = len(g.parts)
		return true
	case g.rank && l.RankOnly && g.mode == modeAfter && len(g.parts)-g.msgAt < 4*maxMessageLines:
		// under "[rankN]: " torch prints one uncaught exception, whose message's lines go on
		// unindented (CheckpointError's "tensor at position 157:", "saved metadata: ..."): a
		// traceback's header opens the next (above)
		return true
	case g.sglang && g.mode == modeAfter && len(g.parts)-g.msgAt < 4*maxMessageLines && !recordStart(b) && !otherRecord(b):
		// SGLang's record goes on to its next one ("[2026-03-05 10:24:01 TP1] ..."): the
		// exception's message over lines, the hints SGLang adds after a chained one
		return true
	case g.mode == modeAfter && numberedFrame(b):
		// the native frames TensorRT-LLM's exception carries, under the Python exception that
		// quotes it ("RuntimeError: [TensorRT-LLM][ERROR] CUDA runtime error in ...")
		return true
	case g.mode == modeAfter && (g.msg != vllm.MessageClosed && len(g.parts)-g.msgAt < maxMessageLines &&
		vllm.TakesMessageLine(b, g.msg) && (g.msg != vllm.MessageBelow || !recordStart(b) && !otherRecord(b)) ||
		vllm.IsMessageContinuation(b)):
		// the exception's message goes on: CUDA's and NCCL's explanations, a worker's message
		// inside vLLM's wrapper
		g.msg = vllm.MessageState(b, g.msg)
		return true
	case g.mode == modeAfter && len(g.parts) > g.msgAt+1 && g.parts[len(g.parts)-1] == "" && len(g.parts)-g.msgAt < maxMessageLines &&
		messageParagraph(b):
		// the exception's message in paragraphs: transformers' "ValueError: The checkpoint you
		// are trying to load has model type ...", an empty line, "You can update Transformers
		// with the command ..."
		return true
	}
	return false
}

// pytestFailed reports whether b is a line of pytest's short test summary, "FAILED
// tests/test_x.py::test_y - AssertionError: ...": a test's result, not the exception's line of a
// traceback cut before it.
func pytestFailed(b string) bool {
	return strings.HasPrefix(b, "FAILED ") && strings.Contains(b, " - ")
}

// textThenObject reports whether b is a line of text that ends by opening a JSON object printed
// over the lines under it (the OpenAI Agents SDK's "[non-fatal] Tracing client error 401: {",
// then the server's error body, its members indented, up to the "}" at the line's start).
func textThenObject(b string) bool {
	return len(b) > 8 && strings.HasSuffix(b, ": {") && b[0] != ' ' && b[0] != '\t' && b[0] != '"' && b[0] != '{'
}

// recordException reports whether the record that opened g (under vLLM's header) is an
// exception's line itself ("ERROR 10-16 05:20:48 registry.py:264] ImportError: ..."): a
// traceback without the header after the record's end (its empty line) is another write, the
// process's own uncaught exception (vllm-project/vllm issue #9377), not the record's.
func recordException(g *group) bool {
	first, _, _ := strings.Cut(g.first.Message(), "\n")
	_, _, ok := vllm.SplitException(vllm.Split(first).Body, true)
	return ok
}

// llamaContinuation reports whether s is a line of llama.cpp's --log-prefix layout ("0.54.236.080
// E   current device: 0, ..."): its time, its level's letter, then a message indented under
// the record's first line.
func llamaContinuation(s string) bool {
	sp := strings.IndexByte(s[:min(len(s), 24)], ' ')
	if sp < 7 || sp+5 > len(s) || strings.Trim(s[:sp], "0123456789.") != "" || strings.Count(s[:sp], ".") != 3 {
		return false
	}
	return strings.IndexByte("DIWE", s[sp+1]) >= 0 && s[sp+2] == ' ' && strings.HasPrefix(s[sp+3:], "  ")
}

// trimmedFrame reports whether b is a traceback's frame line whose indentation a paste trimmed.
func trimmedFrame(b string) bool {
	return strings.HasPrefix(b, `File "`) && (vllm.IsFrameLine(b) || vllm.IsCutFrameLine(b))
}

// trimmedCarets reports whether b is the markers Python 3.11 and later print under a frame's
// source line, their indentation trimmed ("^^^^^^", "~~~~^^^").
func trimmedCarets(b string) bool { return len(b) > 0 && b[0] != ' ' && vllm.MarkerRow(b) }

// wrappedFrame reports whether b is a traceback's frame line cut before its function's name
// ("  File \"x.py\", line 270, in "): a terminal's wrap, whose next line is the name.
func wrappedFrame(b string) bool {
	return strings.HasSuffix(strings.TrimRight(b, " \r"), ", in") && vllm.IsFrameLine(b)
}

// llamaRecord reports whether b is a llama.cpp record with its --log-prefix (tagged.LlamaCppRecord).
func llamaRecord(b string) bool {
	_, ok := tagged.LlamaCppRecord(b)
	return ok
}

// basicConfigError returns the message of an error record in logging.basicConfig's format
// ("%(levelname)s:%(name)s:%(message)s": "ERROR:asyncio:Exception in callback ..."), "" for
// another line.
func basicConfigError(b string) string {
	rest, ok := strings.CutPrefix(b, "ERROR:")
	if !ok {
		if rest, ok = strings.CutPrefix(b, "CRITICAL:"); !ok {
			return ""
		}
	}
	name, msg, ok := strings.Cut(rest[:min(len(rest), 128)], ":")
	if !ok || name == "" || strings.ContainsAny(name, " \t") || msg == "" || msg[0] == ' ' {
		return ""
	}
	return rest[len(name)+1:]
}

// bannerClosed reports whether g is a record in basicConfig's format whose message opened with a
// line break and is a banner between two rules of stars, both read (torchrun's "WARNING:torch.
// distributed.run:", "*****", "Setting OMP_NUM_THREADS ...", "*****").
func bannerClosed(g *group) bool {
	if !basicConfigEmpty(g.firstLine()) {
		return false
	}
	rules := 0
	for _, p := range g.parts {
		if len(p) >= 5 && strings.Trim(p, "*") == "" {
			rules++
		}
	}
	return rules >= 2
}

// launchConfigs reports whether b is torch's elastic agent's record before the launch configs
// it lists under it, in a layout other than basicConfig's (torch before 1.11 through its own
// handler: "[INFO] 2021-12-08 12:28:26,098 api: Starting elastic_operator with launch configs:").
func launchConfigs(b string) bool {
	return strings.HasSuffix(strings.TrimRight(b, " "), " with launch configs:") && strings.HasPrefix(b, "[")
}

// basicConfigOpen reports whether b is a debug, info or warning record in logging.basicConfig's
// format whose message ends in a colon ("INFO:torch.distributed.elastic.agent.server.api:[default]
// Rendezvous complete for workers. Result:"); an error's is basicConfigError's.
func basicConfigOpen(b string) bool {
	if len(b) < 12 || !strings.HasSuffix(strings.TrimRight(b, " "), ":") { // (a line of spaces alone too)
		return false
	}
	var rest string
	var ok bool
	for _, lv := range [...]string{"INFO:", "WARNING:", "DEBUG:"} {
		if rest, ok = strings.CutPrefix(b, lv); ok {
			break
		}
	}
	if !ok {
		return false
	}
	name, msg, ok := strings.Cut(rest[:min(len(rest), 128)], ":")
	return ok && name != "" && !strings.ContainsAny(name, " \t") && msg != "" && msg[0] != ' '
}

// basicConfigEmpty reports whether b is a record in logging.basicConfig's format whose message
// is empty on its line ("WARNING:torch.distributed.run:").
func basicConfigEmpty(b string) bool {
	b = strings.TrimRight(b, " ")
	for _, lv := range [...]string{"WARNING:", "INFO:", "ERROR:", "CRITICAL:", "DEBUG:"} {
		if name, ok := strings.CutPrefix(b, lv); ok {
			name, ok = strings.CutSuffix(name, ":")
			return ok && name != "" && len(name) < 128 && !strings.ContainsAny(name, " \t:")
		}
	}
	return false
}

// messageParagraph reports whether b, after an empty line under an exception's line, goes on with
// its message: prose (a capital, then words), not a record, a traceback or another exception.
func messageParagraph(b string) bool {
	if len(b) < 8 || b[0] < 'A' || b[0] > 'Z' || strings.IndexByte(b, ' ') < 0 || b == vllm.TracebackHeader ||
		recordStart(b) || otherRecord(b) || vllm.ChainMarker(b) {
		return false
	}
	_, _, exc := vllm.SplitException(b, true)
	return !exc
}

// sglangFailure reports whether b is a record in SGLang's layout ("[2026-03-01 10:00:00 TP0]
// msg", no level) whose words report a failure: logger.exception's traceback may follow it
// without the prefix ("Unexpected transfer worker error for room ...", then "Traceback (most
// recent call last):"). Only such records wait for the line after them.
func sglangFailure(b string) bool {
	if len(b) < 24 || b[0] != '[' || b[5] != '-' || b[11] != ' ' || b[14] != ':' || b[17] != ':' || b[20] != ']' && b[20] != ' ' && !sglangMillis(b) {
		return false // (the seconds' end: LMCache's "[2025-07-03 12:45:27,563] LMCache ..." is another layout)
	}
	end := strings.Index(b[:min(len(b), 48)], "] ")
	if end < 20 {
		return false
	}
	m := b[end+2:]
	return strings.Contains(m, "rror") || strings.Contains(m, "xception") || strings.Contains(m, "ailed")
}

// sglangMillis reports whether b, SGLang's prefix from its date, has the milliseconds
// SGLANG_LOG_MS=1 adds after the seconds: "[2026-09-02 10:11:12.345 TP0] ...".
func sglangMillis(b string) bool {
	return len(b) > 25 && b[20] == '.' && b[21] >= '0' && b[21] <= '9' && b[22] >= '0' && b[22] <= '9' &&
		b[23] >= '0' && b[23] <= '9' && (b[24] == ']' || b[24] == ' ')
}

// sglangClockTrace reports whether b is a traceback's header under SGLang's prefix, the time of
// day (0.3) or the date and time (0.3.4 on), and the rank: "[19:16:21 TP5] Traceback (most
// recent call last):", "[2024-10-22 06:31:49 TP0] Traceback (most recent call last):"
// (logger.error(get_exception_traceback()), the frames under it without the prefix).
func sglangClockTrace(b string) bool {
	head, ok := strings.CutSuffix(b, "] "+vllm.TracebackHeader)
	if !ok || len(head) < 9 || head[0] != '[' {
		return false
	}
	if len(head) >= 20 && head[5] == '-' && head[8] == '-' && head[11] == ' ' && head[14] == ':' && head[17] == ':' {
		if sglangMillis(head + "]") {
			return len(head) == 24 || head[24] == ' '
		}
		return len(head) == 20 || head[20] == ' '
	}
	if head[3] != ':' || head[6] != ':' {
		return false
	}
	return len(head) == 9 || head[9] == ' '
}

// collectiveFrame reports whether b is a frame of the flight recorder's stack: "#3 <module> from
// /workspace/train.py:1647".
func collectiveFrame(b string) bool {
	num, rest, ok := strings.Cut(strings.TrimPrefix(b, "#"), " ")
	return ok && len(b) > len(num) && b[0] == '#' && num != "" && len(num) <= 4 && parseutil.AllDigits(num) && strings.Contains(rest, " from ")
}

// julHeader reports whether b is the first line of a java.util.logging record (java.JULHeader).
func julHeader(b string) bool {
	_, _, _, ok := java.JULHeader(b)
	return ok
}

// groupClosed reports whether the lines so far end in the rule that closes an exception group's
// drawing ("      +------------------------------------"), perhaps with a blank line after it.
func groupClosed(parts []string) bool {
	n := len(parts)
	if n > 1 && parts[n-1] == "" {
		n--
	}
	if n == 0 {
		return false
	}
	last := strings.TrimLeft(parts[n-1], " ")
	return len(last) == 37 && last[0] == '+' && strings.Trim(last[1:], "-") == ""
}

// printedBlock takes the next line of a block a program printed at once under its process's
// prefix (g.header), up to limit lines: a line with a logging header, another prefix or the
// opener of another block (next) is not the block's; one that starts with last ends it.
func (g *group) printedBlock(l *vllm.Line, limit int, next, last string) bool {
	if l.Header != "" || l.Proc != g.header || len(g.parts) >= limit || l.Body == next {
		return false
	}
	if strings.HasPrefix(l.Body, last) {
		g.mode = modeDone
	}
	return true
}

// stampedRecord reports whether b, what follows a line's time, opens a record with its level:
// tracing's "ERROR target: ...", " WARN target: ...", "INFO ...", "DEBUG ...", "TRACE ...".
func stampedRecord(b string) bool {
	b = strings.TrimPrefix(b, " ")
	for _, w := range [...]string{"ERROR ", "WARN ", "INFO ", "DEBUG ", "TRACE "} {
		if strings.HasPrefix(b, w) {
			return true
		}
	}
	return false
}

// rustPanicStart reports whether l opens a Rust panic's report.
func rustPanicStart(l *vllm.Line) bool {
	ok, _ := tracing.PanicStart(l.Body)
	return ok && l.Proc == "" && l.Header == ""
}

// pyWarningLine reports whether b is the first line of a Python warning, never an exception's
// line ("/usr/lib/python3/site-packages/torch/nn/modules/transformer.py:20: UserWarning: Failed
// to initialize NumPy: _ARRAY_API not found ...", after the stack NumPy 2 prints without an
// exception).
func pyWarningLine(b string) bool {
	_, _, _, _, ok := vllm.PyWarning(b)
	return ok
}

// unrepeatedHeader reports whether h is the header of a vLLM-shaped layout that does not repeat
// it on a message's further lines: NVIDIA NIM's "INFO 07-23 22:28:28.205 serving_chat.py:347]"
// (%(msecs)d after the seconds, the file without vLLM's "["), unlike vLLM's NewLineFormatter.
func unrepeatedHeader(h string) bool {
	i := strings.IndexByte(h, ':')
	return i > 0 && len(h) > i+7 && h[i+3] == ':' && h[i+6] == '.' && strings.HasSuffix(h, "]") && !strings.Contains(h, " [")
}

// logrusTerminalStart reports whether b opens a record of logrus's terminal form: its level's
// four letters and the seconds since start in brackets ("ERRO[0003]", "INFO[0000] msg").
func logrusTerminalStart(b string) bool {
	if len(b) < 7 || b[4] != '[' {
		return false
	}
	switch b[:4] {
	case "INFO", "WARN", "ERRO", "DEBU", "TRAC", "FATA", "PANI":
	default:
		return false
	}
	end := strings.IndexByte(b[:min(len(b), 40)], ']')
	return end > 5 && parseutil.AllDigits(b[5:end])
}

// logrusBreakStart reports whether b is such a record's first line with nothing after its
// bracket: a message that opens with a line break (mig-parted's "\nThe following GPUs could not
// be reset:\n  GPU 00000000:01:00.0: In use by another client\n...").
func logrusBreakStart(b string) bool {
	return logrusTerminalStart(b) && strings.TrimRight(b[strings.IndexByte(b, ']')+1:], " ") == ""
}

// tableRow reports whether b is a row or border of a text table (tableBorder's): from '|' or '+'
// to '|' or '+'.
func tableRow(b string) bool {
	b = strings.TrimRight(b, " ")
	return len(b) > 2 && (b[0] == '|' || b[0] == '+') && (b[len(b)-1] == '|' || b[len(b)-1] == '+')
}

// smiBanner reports whether b is the time nvidia-smi prints over its table, ctime's form alone
// ("Mon Jul  5 04:00:24 2021", padded with spaces).
func smiBanner(b string) bool {
	b = strings.TrimRight(b, " ")
	if len(b) != len("Mon Jul  5 04:00:24 2021") || b[3] != ' ' || b[7] != ' ' || b[10] != ' ' || b[13] != ':' || b[16] != ':' || b[19] != ' ' {
		return false
	}
	_, ok := parseutil.Ctime(b)
	return ok
}

// smiHeader reports whether b is the first row of nvidia-smi's table: "| NVIDIA-SMI 460.73.01
// Driver Version: 460.73.01    CUDA Version: 11.2     |".
func smiHeader(b string) bool { return strings.HasPrefix(b, "| NVIDIA-SMI ") }

// tgiRankSuffix reports whether b is the " rank=N" text-generation-inference's launcher writes
// after a shard's line that ended in a line break (its tracing event's field).
func tgiRankSuffix(b string) bool {
	n, ok := strings.CutPrefix(b, " rank=")
	return ok && n != "" && len(n) <= 4 && parseutil.AllDigits(n)
}

// mpiStackLine reports whether b is a line of MPICH's error stack: the function, its line in
// parentheses, dots to the column, a colon and the error ("MPIR_Init_thread(138)........:",
// "MPIDI_OFI_mpi_init_hook(1496): OFI get address vector map failed").
func mpiStackLine(b string) bool {
	open := strings.IndexByte(b[:min(len(b), 64)], '(')
	if open <= 0 || !vllm.Identifier(b[:open]) {
		return false
	}
	n, rest, ok := strings.Cut(b[open+1:], ")")
	return ok && n != "" && strings.Trim(n, "0123456789") == "" && strings.HasPrefix(strings.TrimLeft(rest, "."), ":")
}
