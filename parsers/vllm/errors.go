package vllm

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// Markers of Python tracebacks and of chained exceptions.
const (
	TracebackHeader = "Traceback (most recent call last):"
	causeMarker     = "The above exception was the direct cause of the following exception:"
	contextMarker   = "During handling of the above exception, another exception occurred:"
)

// isTraceStart reports whether a grouped message (first line body, then the rest) is a
// traceback: it starts with the header, or with a line that announces one followed by it.
func isTraceStart(body, rest string) bool {
	return strings.HasPrefix(body, TracebackHeader) || IsGroupTraceStart(body) || RichTraceStart(body) ||
		strings.HasPrefix(body, fatalPrefix) || body == SegfaultBanner || FaultThreadHeader(body) || strings.HasSuffix(body, ": "+TracebackHeader) || strings.HasSuffix(body, ", "+TracebackHeader) ||
		(TraceAnnouncement(body) && (strings.HasPrefix(rest, TracebackHeader) || IsFrameLine(rest) || IsGroupTraceStart(firstLine(rest)))) ||
		// a Ray task error's message where an excerpt begins, its remote frames under it
		(RayTaskMessage(body) || RayUnhandledError(body) || rayTaskErrorLine(body)) && strings.HasPrefix(rest, "  File \"") ||
		// a chained traceback's words where an excerpt begins, the next traceback under them
		ChainMarker(body) && strings.Contains(rest, TracebackHeader) ||
		// a worker's traceback between triple quotes under concurrent.futures'
		// "..._RemoteTraceback: ", the local one it caused after it
		strings.HasSuffix(strings.TrimRight(body, " "), "RemoteTraceback:") && strings.HasPrefix(rest, `"""`+"\n"+TracebackHeader)
}

// RichTraceStart reports whether b is the top edge of the box Rich draws a traceback in
// (rich.traceback.install, which transformers', typer's and accelerate's programs print):
// "╭───── Traceback (most recent call last) ─────╮", the frames in rows that open with "│",
// the bottom edge "╰───╯", then the exception's line as Python's.
func RichTraceStart(b string) bool {
	return strings.HasPrefix(b, "╭") && strings.Contains(b[:min(len(b), 512)], " Traceback (most recent call last) ")
}

// TraceAnnouncement reports whether a line is what Python prints above a traceback it reports
// without raising: multiprocessing's "Process EngineCore_0:" before a child's, threading's
// excepthook ("Exception in thread Thread-3 (send_async):"), and the unraisable hook
// ("Exception ignored in: <function LLM.__del__ at 0x7fef2c991090>", "Exception ignored in
// atexit callback: <func>", whose frames follow without the Traceback line; a terminal's echoed
// "^C" may precede it).
func TraceAnnouncement(b string) bool {
	b = strings.TrimPrefix(b, "^C")
	if len(b) > 12 && b[0] == '[' && b[3] == ':' {
		// SGLang 0.2's "[18:19:57 TP2] Exception in run_tp_server:", the traceback under it
		// (logger.error("Exception in run_tp_server:\n" + get_exception_traceback()))
		if end := strings.Index(b[:min(len(b), 32)], "] "); end > 8 {
			m := b[end+2:]
			return strings.HasPrefix(m, "Exception in ") && strings.HasSuffix(m, ":") && strings.Count(m, " ") == 2
		}
	}
	return strings.HasPrefix(b, "Process ") && strings.HasSuffix(b, ":") && strings.Count(b, " ") == 1 ||
		strings.HasPrefix(b, "Exception in thread ") && strings.HasSuffix(b, ":") ||
		strings.HasPrefix(b, "Exception ignored in: ") || strings.HasPrefix(b, "Exception ignored in atexit callback")
}

// ChainMarker reports whether b opens the words Python prints between a chained exception's
// tracebacks ("During handling of the above exception, another exception occurred:", "The above
// exception was the direct cause of the following exception:"), or the start of them.
func ChainMarker(b string) bool {
	return strings.HasPrefix(b, "During handling of the above exception") || strings.HasPrefix(b, "The above exception was the direct cause")
}

// beforeChain returns the lines of rest before a chain's marker (the next exception's
// traceback after "The above exception was the direct cause ...": not this one's message).
func beforeChain(rest string) string {
	for off := 0; ; {
		line, _, more := strings.Cut(rest[off:], "\n")
		if ChainMarker(line) {
			return strings.TrimSuffix(rest[:off], "\n")
		}
		if !more {
			return rest
		}
		off += len(line) + 1
	}
}

// ExceptionWithMessage reports whether line is an exception's line with a message ("Type:
// message"), not a record, a header or a chain's marker that ends in a colon.
func ExceptionWithMessage(line string) bool {
	typ, msg, ok := SplitException(line, true)
	return ok && typ != "" && msg != ""
}

// ChainedAfter reports whether more, the lines after an exception's line, go on with a chained
// traceback: a chain's marker (after the blank line Python prints before it), then the traceback.
func ChainedAfter(more string) bool {
	m := strings.TrimLeft(more, "\n\r ")
	return ChainMarker(m) && strings.Contains(m, "\n"+TracebackHeader)
}

// RayTaskMessage reports whether b is a Ray task error's message ("ray::ServeReplica:llms:
// LLMDeployment.initialize() (pid=40568, ip=...)"), which the task's traceback follows.
func RayTaskMessage(b string) bool {
	return strings.HasPrefix(b, "ray::") && strings.Contains(b, "() (pid=")
}

// rayTaskErrorLine reports whether b is the line of Ray's task error where an excerpt begins,
// its class naming its cause's and its message the task ("ray.exceptions.RayTaskError(
// ActorDiedError): ray::TaskRunner.run() (pid=18948, ...)"): the remote frames and the cause's
// line follow.
func rayTaskErrorLine(b string) bool {
	typ, msg, ok := SplitException(b, false)
	return ok && strings.Contains(typ, "RayTaskError(") && RayTaskMessage(StripPastedColour(msg))
}

// rayUnhandled opens what Ray's driver prints for a task's error no one retrieved, the task's
// error after it ("Unhandled error (suppress with 'RAY_IGNORE_UNHANDLED_ERRORS=1'):
// ray::RayWorkerWrapper.execute_method() (pid=22065, ip=...)"), its traceback under it.
const rayUnhandled = "Unhandled error (suppress with 'RAY_IGNORE_UNHANDLED_ERRORS=1'): "

// RayUnhandledError reports whether b is Ray's report of an unhandled task error, which the task's
// traceback follows.
func RayUnhandledError(b string) bool {
	m, ok := strings.CutPrefix(b, rayUnhandled)
	return ok && RayTaskMessage(m)
}

// CaretRow reports whether b is the row of markers Python 3.11+ prints under a frame's source
// line ("           ^^^^^^^^^^^^^^", "    ~~~~^^^^^").
func CaretRow(b string) bool {
	t := strings.TrimLeft(b, " ")
	// (Python 3.11's "~~~~~^" under a call marks the call with a single caret)
	return len(b)-len(t) >= 4 && len(t) >= 2 && strings.Contains(t, "^") && (strings.Contains(t, "^^") || strings.Contains(t, "~")) &&
		strings.Trim(t, "^~") == ""
}

// MarkerRow reports whether b holds only the markers Python 3.11 and later print under a frame's
// source line ("^^^^^^", "~~~~^^^"), however indented: a paste may have trimmed them.
func MarkerRow(b string) bool {
	t := strings.TrimSpace(b)
	return len(t) >= 2 && strings.Contains(t, "^") && strings.Trim(t, "^~") == ""
}

// ElisionRow reports whether b is the line Python 3.13 writes in a frame for source lines it left
// out: "    ...<3 lines>...".
func ElisionRow(b string) bool {
	t := strings.TrimLeft(b, " ")
	return len(b)-len(t) >= 4 && strings.HasPrefix(t, "...<") && (strings.HasSuffix(t, " lines>...") || strings.HasSuffix(t, " line>..."))
}

// PasteElision reports whether b stands for lines a paste or a document left out ("...", "…",
// "[...]"): never an exception's line.
func PasteElision(b string) bool {
	switch strings.TrimSpace(b) {
	case "...", "…", "[...]", "(...)", "....":
		return true
	}
	return false
}

// frameCodeFirst reports whether a grouped record is a traceback read from a frame's source line
// (a paste, a file read from the middle, a rotation's cut): the line indented as Python indents
// a frame's code, and a frame under it.
func frameCodeFirst(body, rest string) bool {
	if !strings.HasPrefix(body, "    ") {
		return false
	}
	if strings.Contains(rest, "  File \"") {
		return true
	}
	// the frame's source line, then the exception: "    raise X(...) from None", "openai.RateLimitError: ..."
	// (Python 3.11's markers may come between, and Python 3.13 shows a statement over lines
	// whole: "    raise RuntimeError(", "    ...<3 lines>...", "    )")
	first, after, _ := strings.Cut(rest, "\n")
	opens := OpensStatement(body)
	for n := 0; n < maxStatementRows && (CaretRow(first) || opens && StatementRow(first)); n++ {
		first, after, _ = strings.Cut(after, "\n")
	}
	// (an assert without a message ends in the class alone: "AssertionError")
	return IsBareException(first) || builtinExceptions[strings.TrimRight(first, " \r")]
}

// maxStatementRows bounds the lines of one statement a frame shows whole.
const maxStatementRows = 32

// OpensStatement reports whether a frame's source line opens a statement that goes on over the
// lines under it: it ends in "(", "[", "{" or ",".
func OpensStatement(b string) bool {
	b = strings.TrimRight(b, " ")
	return b != "" && strings.ContainsAny(b[len(b)-1:], "([{,")
}

// StatementRow reports whether b is a line of a statement Python 3.13 shows whole under a frame:
// a line of it indented deeper than the frame's source, the closing bracket at the source's
// indent ("    )  # type: ignore"), a marker row ("        ^^^^", "    ^"), an elision.
func StatementRow(b string) bool {
	t := strings.TrimLeft(b, " ")
	indent := len(b) - len(t)
	switch {
	case indent < 4 || t == "":
		return false
	case CaretRow(b) || ElisionRow(b) || strings.Trim(t, "^~") == "":
		return true
	case t[0] == ')' || t[0] == ']' || t[0] == '}':
		return true
	}
	return indent >= 8 && !IsFrameLine(b)
}

// IsGroupTraceStart reports whether a line opens the traceback of an exception group, at the top
// ("  + Exception Group Traceback (most recent call last):") or nested in another group's
// drawing ("    | Exception Group Traceback ...", where an excerpt may begin).
func IsGroupTraceStart(b string) bool {
	t := strings.TrimLeft(b, " ")
	if len(t) < 2 || (t[0] != '+' && t[0] != '|') {
		return false
	}
	return strings.HasPrefix(strings.TrimLeft(t[1:], " "), "Exception Group Traceback")
}

// SegfaultBanner opens the report of apache-tvm-ffi's SIGSEGV handler (loaded with xgrammar
// and FlashInfer in vLLM's and SGLang's processes): the banner, then the native and Python
// frames as "  File ..., line N, in fn" lines, written at once before the handler raises the
// signal again and the process dies.
const SegfaultBanner = "!!!!!!! Segfault encountered !!!!!!!"

// fatalPrefix opens the dump of Python's faulthandler: a crash (SIGSEGV, SIGABRT, SIGFPE) of
// the interpreter or of native code under it, with every thread's stack.
const fatalPrefix = "Fatal Python error: "

// setFatal sets error.* from a faulthandler dump: the fatal error's text as the message, the
// dump as the stack, critical.
// FaultThreadHeader reports whether b opens a thread's stack in faulthandler's dump ("Thread
// 0x00007fdff95fd640 (most recent call first):", "Current thread 0x... (most recent call
// first):"): where a dump read from its middle begins (a rotated file, an excerpt), its "Fatal
// Python error" line before it lost.
func FaultThreadHeader(b string) bool {
	return (strings.HasPrefix(b, "Thread 0x") || strings.HasPrefix(b, "Current thread 0x")) &&
		strings.HasSuffix(strings.TrimRight(b, " \r"), "(most recent call first):")
}

// faultDump reports whether stack is a part of a faulthandler dump: it opens at a thread's
// header, or its frames are faulthandler's ("  File "x.py", line 81 in _worker", no comma
// before "in", unlike a traceback's).
func faultDump(stack string) bool {
	first, _, _ := strings.Cut(stack, "\n")
	if FaultThreadHeader(first) {
		return true
	}
	return IsFrameLine(first) && !strings.Contains(first, ", in ") && strings.Contains(first, " in ")
}

func setFatal(ev *event.Event, text, msg string) {
	first, _, _ := strings.Cut(msg, "\n")
	ev.SetString(event.FieldErrorMsg, strings.TrimSpace(first))
	setDump(ev, text)
}

// setDump sets what a faulthandler dump says, whole or read from its middle: its text the
// stack, critical (the process died of a signal), and the failure class its frames name.
func setDump(ev *event.Event, text string) {
	ev.SetString(event.FieldErrorStack, strings.TrimRight(text, " \n\r\t"))
	ev.SetString(event.FieldLogLevel, "critical")
	if k := Classify(text); k != "" {
		ev.SetString(FieldErrorKind, k)
	}
}

// IsGroupFrameLine reports whether a line is a frame line inside an exception group's drawing
// ("    |   File \"x.py\", line 3, in f"), where an excerpt or a rotated file may begin.
func IsGroupFrameLine(b string) bool {
	t := strings.TrimLeft(b, " ")
	return len(t) < len(b) && strings.HasPrefix(t, "| ") && IsFrameLine(t[2:])
}

// IsGroupCodeLine reports whether b is a frame's source line inside an exception group's drawing
// ("    |     raise LocalProtocolError(...)"), where an excerpt may begin as at the frame's line.
func IsGroupCodeLine(b string) bool {
	t := strings.TrimLeft(b, " ")
	return len(t) < len(b) && len(t) > 6 && strings.HasPrefix(t, "|     ") && t[6] != ' '
}

// IsGroupFrameLine's sibling for the exception line inside the drawing ("    |
// fastapi.exceptions.HTTPException: 500: Prefill bootstrap failed ..."), where an excerpt may
// begin: a strict "Type: message", whose type ends in Error or Exception.
func IsGroupExceptionLine(b string) bool {
	t := strings.TrimLeft(b, " ")
	if len(t) == len(b) || !strings.HasPrefix(t, "| ") || len(t) < 4 || t[2] == ' ' {
		return false
	}
	_, _, ok := SplitException(t[2:], true)
	return ok
}

// IsCutFrameLine reports whether b is a frame line cut after its ", in", before the function's
// name (the name wrapped to the next line, or a "<lambda>" a Markdown page took for a tag).
func IsCutFrameLine(b string) bool {
	return strings.HasSuffix(b, ", in") && IsFrameLine(b+" f")
}

// IsFrameLine reports whether a line is a traceback's frame line ("  File \"x.py\", line 3, in
// f"), which opens a traceback fragment when the header came earlier.
func IsFrameLine(b string) bool {
	if strings.HasPrefix(b, `> File "`) {
		return strings.Contains(b, `", line `) // loguru's mark on the frame that raised
	}
	t := strings.TrimLeft(b, " ")
	if !strings.HasPrefix(t, `File "`) || !strings.Contains(t, `", line `) {
		return false
	}
	// Python indents a frame by two spaces. At another indent the line must name its function
	// too: a paste or a shipper that trimmed it ("File "...", line 161, in validate"), a syslog
	// file written from the journal one space short (rsyslog adds no space after the tag when
	// the message starts with one, the syslog reader takes one off), a traceback quoted deeper
	// inside another program's text (a Ray job's status: "            File \"/tmp/ray/session_
	// .../llm_engine.py\", line 273, in __init__")
	return len(b)-len(t) == 2 || strings.Contains(t, `, in `)
}

// SetTraceback sets error.* from a grouped traceback: the stack from the (first) header to the
// end, and the type and message of the last exception, the one that was finally raised. A
// fragment without its header (a frame line, a rank's code line) is its own stack. The parsers
// of other Python formats call it for the traceback under a record (KServe's logger.exception).
func SetTraceback(ev *event.Event, text string) {
	if msg, ok := strings.CutPrefix(text, fatalPrefix); ok {
		setFatal(ev, text, msg)
		return
	}
	if frames, ok := strings.CutPrefix(text, SegfaultBanner); ok {
		ev.SetString(event.FieldErrorMsg, "Segfault encountered")
		setDump(ev, strings.TrimLeft(frames, "\r\n"))
		return
	}
	if faultDump(text) {
		setDump(ev, text) // without its "Fatal Python error" line: its threads' headers name no error
		return
	}
	i := strings.Index(text, TracebackHeader)
	if first := text[:strings.IndexByte(text+"\n", '\n')]; i < 0 || IsGroupExceptionLine(first) || IsFrameLine(first) || IsGroupFrameLine(first) ||
		IsGroupCodeLine(first) ||
		strings.HasPrefix(first, "    ") && strings.TrimSpace(first) != "" && strings.TrimLeft(first, " ")[0] != '|' {
		// a fragment whose header came earlier (one that opens inside a group's drawing too, or
		// at a frame or a frame's source line, a chained traceback after it): all of it is the
		// stack, the exception it ends in before the chain the fragment's
		i = 0
	} else if j := strings.LastIndexByte(text[:i], '\n') + 1; IsGroupTraceStart(text[j:]) {
		i = j // "  + Exception Group Traceback (most recent call last):" starts the stack whole
	} else if t, _, ok := SplitException(text[j:i]+"x", false); ok && t != "" {
		// an exception whose message is a traceback (Ray Serve's "RuntimeError: Traceback (most
		// recent call last):", a replica's traceback.format_exc() re-raised): its line is the
		// stack's, so that it names the error when the traceback under it is cut off
		i = j
	}
	stack := strings.TrimRight(text[i:], " \n\r\t")
	ev.SetString(event.FieldErrorStack, stack)
	typ, msg := lastException(stack)
	if typ == "" && msg == "" && i > 0 {
		// a chained traceback cut before its exception, under the exception it was raised while
		// handling ("urllib3.exceptions.MaxRetryError: ... (Caused by ConnectTimeoutError(...))",
		// then "During handling of the above exception, ..."): that one is the last shown
		if first, _, _ := strings.Cut(text, "\n"); first != TracebackHeader {
			if t, m, ok := SplitException(first, true); ok {
				typ, msg = t, m
			}
		}
	}
	if typ != "" || msg != "" {
		if typ != "" {
			ev.SetString(event.FieldErrorType, typ)
		}
		msg = Unrepeated(msg)
		whole := msg // with the lines that go on with the message (the Hub's reason)
		if i := strings.LastIndex(stack, typ+": "+msg); i >= 0 && typ != "" && msg != "" {
			whole = stack[i+len(typ)+2:]
		} else if i := strings.LastIndex(stack, msg); i >= 0 && msg != "" {
			whole = stack[i:]
		}
		if strings.HasSuffix(msg, " {") {
			msg = whole // a Rust error's Debug form (NVIDIA NIM's): its fields say what failed
		}
		msg = hubReason(validationDetail(msg, whole), whole)
		if strings.HasSuffix(typ, "exceptions.OutOfMemoryError") && strings.HasPrefix(msg, "Task was killed due to the node running low on memory") {
			// Ray's memory monitor: which node, how full, which task it killed, on the next line
			if i := strings.Index(whole, "\nMemory on the node (IP: "); i >= 0 {
				why, _, _ := strings.Cut(whole[i+1:], "\n")
				msg += " " + strings.TrimSpace(why)
			}
		}
		msg = withCause(typ, msg, whole)
		if msg != "" {
			ev.SetString(event.FieldErrorMsg, msg)
		}
		setHTTPFailure(ev, typ, whole)
		if k, _ := parseutil.GPUFailure(typ + ": " + msg); k != "" {
			// NVML or the driver failing under the program (pynvml's NVMLError_DriverNotLoaded)
			ev.SetString(parseutil.FieldGPUErrorKind, k)
		}
	}
	if k := Classify(text); k != "" {
		ev.SetString(FieldErrorKind, k)
	}
}

// LastError returns the cause NCCL gives under "Last error:" in whole (on the line under it), or
// "".
func LastError(whole string) string {
	i := strings.Index(whole, "\nLast error:")
	if i < 0 {
		return ""
	}
	// (a paste's lines may end in a space: "Last error: ")
	if rest := strings.TrimLeft(whole[i+len("\nLast error:"):], " \r"); rest != "" && rest[0] == '\n' {
		cause, _, _ := strings.Cut(rest[1:], "\n")
		return strings.TrimSpace(cause)
	}
	return ""
}

// withCause returns an exception's message msg with what the lines under it (whole, the message
// and what follows it) say of its cause: NCCL's "Last error:", why a Ray actor died, the
// message's advice on its next line.
func withCause(typ, msg, whole string) string {
	if strings.HasPrefix(msg, "NCCL error") {
		// torch's DistBackendError names NCCL's result, then "Last error:" over the cause
		// on the line under it (which peer, which NIC: "NET/OFI Request ... completed with
		// error ... (UNDELIVERABLE)", "socketProgressOpt: Call to recv from ... failed :
		// Connection reset by peer"): the cause goes with the first line
		// (a paste's lines may end in a space: "Last error: "); NCCL 2.29.7 writes its NVLS
		// warning without "Last error:" over it
		if cause := LastError(whole); cause != "" {
			msg += " Last error: " + cause
		} else if i := strings.Index(whole, "\n"+nvlsBindFailed); i >= 0 {
			cause, _, _ := strings.Cut(whole[i+1:], "\n")
			msg += " " + strings.TrimSpace(cause)
		}
	}
	if strings.HasSuffix(typ, "ActorDiedError") || strings.HasSuffix(typ, "RayActorError") {
		// Ray's message names the actor on tab-indented lines, then why its worker died
		// ("The actor is dead because its worker process has died. Worker exit type:
		// NODE_OUT_OF_MEMORY Worker exit detail: Task was killed due to the node running low
		// on memory."): the cause goes with the first line
		if i := strings.Index(whole, "\nThe actor is dead because "); i >= 0 {
			why, _, _ := strings.Cut(whole[i+1:], "\n")
			msg += " " + strings.TrimSpace(why)
		}
	}
	if advice, ok := strings.CutPrefix(whole[min(len(whole), len(msg)):], "\nPlease "); ok && strings.HasPrefix(whole, msg) {
		// the message's advice on its next line: what to do about it
		advice, _, _ = strings.Cut(advice, "\n")
		msg += "\nPlease " + advice
	}
	return msg
}

// richExceptions returns what follows the last box of a Rich traceback (its exception's line,
// and any after it), "" for a box cut before its bottom edge: the rows in the box are source
// lines, never the exception. Another stack is returned as it is.
func richExceptions(stack string) string {
	if !RichTraceStart(stack) {
		return stack
	}
	j := strings.LastIndex(stack, "\n╰")
	if j < 0 {
		return ""
	}
	_, after, _ := strings.Cut(stack[j+1:], "\n")
	return after
}

// validationDetail returns the message of a pydantic ValidationError with what failed: "1
// validation error for ParallelConfig" names only the model, the lines under it the reason
// ("  Value error, Tensor parallel size (2) cannot be larger than the number of available GPUs
// (1). [type=value_error, ...]", and a field's name over its error), which vLLM's every refused
// engine argument shows. whole is msg with the lines that follow it; other messages are kept.
func validationDetail(msg, whole string) string {
	head, rest, ok := strings.Cut(whole, "\n")
	if !ok || head != msg || !strings.Contains(msg, " validation error") || !strings.Contains(msg, " for ") ||
		msg[0] < '1' || msg[0] > '9' {
		return msg
	}
	var parts []string
	field := "" // a field's location, on a line of its own over its error
	for line := range strings.SplitSeq(rest, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "For further information visit ") {
			continue
		}
		if line[0] != ' ' && line[0] != '\t' {
			field = t
			continue
		}
		if i := strings.Index(t, " [type="); i > 0 {
			t = t[:i]
		}
		if field != "" {
			t, field = field+": "+t, ""
		}
		parts = append(parts, t)
		if len(parts) == 8 {
			break
		}
	}
	if len(parts) == 0 {
		return msg
	}
	return msg + ": " + strings.Join(parts, "; ")
}

// hubReason returns msg, Hugging Face Hub's HTTP error ("401 Client Error. (Request ID:
// Root=1-...)"), with the reason the Hub gave on the lines under it in whole (the message and
// what follows it): "Cannot access gated repo for url ...", "Access to model ... is restricted.
// You must be authenticated to access it.", "Repository Not Found for url: ...", "Invalid
// username or password.". The status and the request id alone do not say what failed. Another
// message comes back as it is.
func hubReason(msg, whole string) string {
	head, rest, ok := strings.Cut(whole, "\n")
	if !ok || head != msg || !strings.Contains(msg, " Error. (Request ID: ") || msg[0] < '1' || msg[0] > '5' {
		return msg
	}
	var parts []string
	for line := range strings.SplitSeq(rest, "\n") {
		t := strings.TrimRight(line, " \r")
		if t == "" {
			if len(parts) > 0 {
				break
			}
			continue
		}
		if t[0] == ' ' || t[0] == '\t' || t == TracebackHeader || t == causeMarker || t == contextMarker {
			break
		}
		if parts = append(parts, t); len(parts) == 3 {
			break
		}
	}
	if len(parts) == 0 {
		return msg
	}
	return msg + ": " + strings.Join(parts, " ")
}

// nvlsBindFailed opens NCCL's warning that NVLS could not bind its multicast memory (an
// NVSwitch system's Fabric Manager or its configuration), the cause under a DistBackendError.
const nvlsBindFailed = "Failed to bind NVLink SHARP (NVLS) Multicast memory"

// messageContinuations start the lines that go on with an exception's message rather than
// being lines of their own: those torch puts under "CUDA error: ...", and NCCL's under a
// DistBackendError's "NCCL error in: ...".
var messageContinuations = [...]string{
	ptxasStderr, // Triton's PTXASError quoting ptxas
	"Search for `cuda", "CUDA kernel errors might be asynchronously reported",
	// torch._dynamo's note under its exceptions, after an empty line
	"Set TORCHDYNAMO_VERBOSE=1 for the internal stack trace",
	"For debugging consider passing CUDA_LAUNCH_BLOCKING=1", "Compile with `TORCH_USE_CUDA_DSA`",
	"Device-side assertion tracking was not enabled", "Device-side assertions were explicitly omitted",
	// the same explanations under a HIP error (torch on ROCm, AMD GPUs)
	"Search for `hip", "HIP kernel errors might be asynchronously reported", "For debugging consider passing AMD_SERIALIZE_KERNEL=",
	"Compile with `TORCH_USE_HIP_DSA`",
	// and under "NCCL error in: ..." of a DistBackendError: the NCCL result's explanation, then
	// "Last error:" over the cause
	"ncclInvalidUsage: ", "ncclUnhandledCudaError: ", "ncclSystemError: ", "ncclInternalError: ",
	"ncclRemoteError: ", "ncclInvalidArgument: ", "Last error:",
	// and vLLM's list of what a model argument must be, under its invalid repository's error
	requirementsIntro,
	// and the second line of vLLM's custom op error (0.4 to 0.6, _custom_ops: "Error in calling
	// custom op cutlass_scaled_mm: ...", then why)
	"Not implemented or built, mostly likely because",
	// and the advice NCCL's NVLS warning, which may be that last error, gives on lines of its
	// own ("Failed to bind NVLink SHARP (NVLS) Multicast memory of size 2097152 : CUDA error
	// 401 ...", then these two; its transport/nvls.cc), the warning itself also without "Last
	// error:" over it (NCCL 2.29.7)
	nvlsBindFailed,
	"This is usually caused by a system or configuration error in the Fabric Manager or NVSwitches",
	"Disable NVLS (NCCL_NVLS_ENABLE=0)",
	// and under torch_npu's (Ascend, vllm-ascend) "RuntimeError: The Inner error is reported as
	// above...": what it says of asynchronous operators
	"Since the operator is called asynchronously", "Note: ASCEND_LAUNCH_BLOCKING=1",
	// and under a Hugging Face Hub error (huggingface_hub's HfHubHTTPError, transformers'
	// OSError around it): why the model could not be fetched, after an empty line
	"Cannot access gated repo for url ", "Access to model ", "Make sure to have access to it at ",
	"Repo model ",                     // (an older huggingface_hub's words for "Access to model ")
	"Make sure to request access at ", // (transformers before 4.36's words for the same)
	"Repository Not Found for url: ", "Entry Not Found for url: ", "Revision Not Found for url: ",
	"Invalid rev id: ", "Please make sure you specified the correct `repo_id`",
	"If you are trying to access a private or gated repo", "Invalid username or password.",
	"Invalid credentials in Authorization header", "Checkout your internet connection",
	// and under XLA's RESOURCE_EXHAUSTED (JAX's XlaRuntimeError): what the allocation held
	"BufferAssignment OOM Debugging.", "BufferAssignment stats:",
	// and what LiteLLM's router adds to an exception it re-raises: the model group that failed
	// and whether its retries ran out
	". Received Model Group=", "Available Model Group Fallbacks=",
	// and the advice a library's message ends in on a line of its own (vLLM's "RuntimeError:
	// DeepGEMM backend is not available or outdated.", then "Please install or update the
	// `deep_gemm` to a newer version to enable FP8 kernels.")
	"Please install ", "Please upgrade ", "Please update ",
	// and Ray's words under its OutOfMemoryError and ObjectStoreFullError: which node, how
	// much memory, which task; what filled the object store
	"Memory on the node (IP: ", "The local object store is full of objects",
	// and the cause and remedy of V1's memory profiling assertion ("AssertionError: Error in
	// memory profiling. Initial free memory ..."), one string in vLLM that a report wraps at
	// its sentences: another process on a shared GPU (HAMi, MPS, time-slicing) released memory
	"This happens when other processes sharing the same container release GPU memory",
	"To fix this, ensure consistent GPU memory allocation or isolate vLLM",
	// and the line httpx's HTTPStatusError adds after its status and URL
	"For more information check: https://developer.mozilla.org/", "For more information check: https://httpstatuses.com/",
	// and the cause Ray's ActorDiedError gives after the dead actor's fields: "The actor is
	// dead because its worker process has died. Worker exit type: SYSTEM_ERROR ..."
	"The actor is dead because ",
	// and what logging prints for logger.exception outside an except block, under the record
	// (V0's MQLLMEngineClient: "RuntimeError('Engine process (pid 76) died.')", then it)
	"NoneType: None",
	// and torch's DeferredCudaCallError (CUDA initialised lazily, in a forked worker): the stack
	// of the call that first touched CUDA, after an empty line
	"CUDA call was originally invoked at:",
	// and where Triton looked for the driver's library, under "AssertionError: libcuda.so cannot
	// found!" (its libcuda_dirs' one message: "Possible files are located at ['/lib64/libcuda.so.1'].
	// Please create a symlink of libcuda.so to any of the file.")
	"Possible files are located at ",
	// and LangChain's link under its errors' messages ("GraphRecursionError: Recursion limit of
	// 25 reached ...", then "For troubleshooting, visit: https://python.langchain.com/docs/
	// troubleshooting/errors/GRAPH_RECURSION_LIMIT"), and the note LangGraph adds to an
	// exception a graph's node raised: which node ("During task with name 'researcher' and id
	// '52c1115d-...'")
	"For troubleshooting, visit: https://", "During task with name '",
}

// continuationFirst has the first bytes of messageContinuations, for a quick refusal.
var continuationFirst = func() (t [256]bool) {
	for _, p := range messageContinuations {
		t[p[0]] = true
	}
	t['['] = true // cannError
	t['E'] = true // cannCode
	t['I'] = true // CANN's named inner error
	return t
}()

// hubStatusLine reports whether body is the status line huggingface_hub puts in its error's
// message under transformers' OSError: "401 Client Error. (Request ID: ...)".
func hubStatusLine(body string) bool {
	return len(body) > 16 && body[0] >= '4' && body[0] <= '5' && body[3] == ' ' &&
		(strings.HasPrefix(body[4:], "Client Error") || strings.HasPrefix(body[4:], "Server Error"))
}

// cannError reports whether body is CANN's error line that torch_npu puts at the end of its
// exception's message: "[ERROR] 2025-10-28-10:45:49 (PID:3859350, Device:0, RankID:-1) ERR00100
// PTA call acl api failed."
//
// Then torch_npu's advice ("[Error]: The internal ACL of the system is incorrect.", its remedy
// indented under it) and CANN's error manager's report: "EH9999: Inner Error!", "EH9999: [PID:
// 1439] ... init runtime platform info failed, SocVersion = Ascend910B2[FUNC:...][FILE:...]
// [LINE:145]", with its own indented "TraceBack (most recent call last):" and frames.
func cannError(body string) bool {
	if strings.HasPrefix(body, "[Error]: ") {
		return true
	}
	return len(body) > 30 && strings.HasPrefix(body, "[ERROR] 20") && body[12] == '-' && body[15] == '-' &&
		strings.HasPrefix(body[min(len(body), 28):], "(PID:")
}

// CANNPrefix reads the time and context torch_npu puts before a CANN error after its bracketed
// level ("2025-06-09-06:57:54 (PID:92380, Device:0, RankID:-1) ERR99999 UNKNOWN applicaiton
// exception"): the pid and the error's code and text; ok is false for another text.
func CANNPrefix(s string) (pid int64, msg string, ok bool) {
	if len(s) < 30 || s[0] != '2' || s[4] != '-' || s[10] != '-' || s[13] != ':' || !strings.HasPrefix(s[19:], " (PID:") {
		return 0, "", false
	}
	ctx, msg, ok := strings.Cut(s[len("2025-06-09-06:57:54 (PID:"):], ") ")
	if !ok || msg == "" {
		return 0, "", false
	}
	n, _, _ := strings.Cut(ctx, ",")
	pid, ok = parseutil.Atoi(n)
	return pid, msg, ok
}

// cannNamedError reports whether line is CANN's report in its named form under torch_npu's
// error ("Inner_Error_Device_Subprocess_Startup_Timeout(E39007): Starting a subprocess on the
// device timed out."), its details indented under it.
func cannNamedError(line string) bool {
	return strings.HasPrefix(line, "Inner_Error_") && strings.Contains(line[:min(len(line), 80)], "(E")
}

// CANNReportLine reports whether body is an unindented line of CANN's report ("[Error]: ...",
// "EL0004: [PID: 3132] ... Failed to allocate memory.").
func CANNReportLine(body string) bool {
	return len(body) > 8 && (strings.HasPrefix(body, "[Error]: ") || body[0] == 'E' && cannCode(body))
}

// cannCode reports whether body opens with an error code of CANN's error manager, two capitals
// (E, then the component's letter) and four digits: "EH9999: ", "EZ9999: ", "EE1001: ".
func cannCode(body string) bool {
	if len(body) < 8 || body[0] != 'E' || body[1] < 'A' || body[1] > 'Z' || body[6] != ':' || body[7] != ' ' {
		return false
	}
	for _, c := range body[2:6] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// cannReportGoesOn reports whether line goes on with CANN's report: an indented line, torch_npu's
// advice, or another line of the error manager's ("EH9999: ...", "EH9999[PID: 285] ...").
func cannReportGoesOn(line string) bool {
	if line == "" {
		return false
	}
	if line[0] == ' ' || line[0] == '\t' {
		return strings.TrimSpace(line) != ""
	}
	return cannError(line) || cannCode(line) || len(line) > 8 && line[6] == '[' && cannCode(line[:6]+": ") || cannPIDReport(line)
}

// cannPIDReport reports whether line is CANN 8's named report of an error ("[PID: 210907]
// 2026-04-09-21:56:40.384.694 Memory_Allocation_Failure(EL0004): Failed to allocate memory
// requested by GE module."), its cause and solution indented under it.
func cannPIDReport(line string) bool {
	if !strings.HasPrefix(line, "[PID: ") {
		return false
	}
	i := strings.Index(line[:min(len(line), 160)], "): ")
	return i > 8 && line[i-7] == '(' && cannCode(line[i-6:i]+": ")
}

// The wrapper vLLM's engine raises a worker's failure in, around the worker's message, which
// may have several lines: "RuntimeError: Worker failed with error 'The Inner error ...",
// further lines, "', please check the stack trace above for the root cause".
const (
	workerFailedOpen  = "Worker failed with error '"
	workerFailedClose = "', please check the stack trace above"
)

// States of an exception's message after one of its lines, for MessageState.
const (
	MessageClosed       = iota // the message is complete
	MessageQuoted              // inside vLLM's worker-failure wrapper, until its closing quote
	MessageOneMore             // after NCCL's "Last error:": the cause is the next line
	MessageRemote              // a Ray task's error: the remote traceback, up to the remote exception's line
	MessageBraced              // a message that opens a brace at its end (a Rust error's Debug form), up to its "}"
	MessageFrameOpen           // torchrun's ChildFailedError: its report, framed in "=" lines, comes next
	MessageFramed              // inside that report, up to its closing "=" line
	MessagePydantic            // a pydantic ValidationError's: each field's location, then its error indented
	MessageMemoryReport        // TensorRT-LLM's report of the GPU memory its executor's components took
	MessageSystemInfo          // NVIDIA NIM's "SYSTEM INFO" block under a profile it could not run: the GPUs it found
	MessagePtxas               // Triton's PTXASError: ptxas's stderr, up to its "Repro command: " line
	MessageOpen                // a record that names a failure's class and a colon (ClassColonEnd): every line under its header
	MessageList                // vLLM's "Please verify the following requirements:": its numbered items and their indented lines
	MessageAngled              // grpc's error text ("<_InactiveRpcError of RPC that terminated with:"): its fields indented, up to its ">"
	MessageBelow               // an exception whose message opens with a line break ("ImportError: ", then its lines at the margin)
	MessageCANN                // CANN's report under torch_npu's error: its indented lines and its further codes' lines
)

// requirementsIntro opens the list vLLM's config loader puts under "ValueError: Invalid
// repository ID or local directory specified: '<model>'." (a misspelt model, the Hub out of
// reach, offline mode): what the model argument must be.
const requirementsIntro = "Please verify the following requirements:"

// listItem reports whether line goes on with such a list: "1. Provide a valid Hugging Face
// repository ID.", an item's indented lines ("   - For Mistral models: ...").
func listItem(line string) bool {
	if strings.HasPrefix(line, "   ") && strings.TrimSpace(line) != "" {
		return true
	}
	n := 0
	for n < len(line) && n < 3 && line[n] >= '0' && line[n] <= '9' {
		n++
	}
	return n > 0 && strings.HasPrefix(line[n:], ". ")
}

// ClassColonEnd reports whether a record's line ends in an exception's class and a colon, the
// exception's text on the lines under it ("ACLgraph sizes capture fail: RuntimeError:",
// vllm-ascend's logger.error(f"...: {type(e).__name__}:\n{e}")).
func ClassColonEnd(line string) bool {
	t, ok := strings.CutSuffix(strings.TrimRight(line, " "), ":")
	if !ok {
		return false
	}
	word := t[strings.LastIndexByte(t, ' ')+1:]
	return len(word) < len(t) && (strings.HasSuffix(word, "Error") || strings.HasSuffix(word, "Exception")) && identifier(word[strings.LastIndexByte(word, '.')+1:])
}

// ptxasStderr opens the part of Triton's PTXASError that quotes ptxas (make_cubin:
// "...\n`ptxas` stderr:\n<ptxas's output>\nRepro command: <the command>\n"): why the kernel did
// not compile ("ptxas fatal   : Value 'sm_121a' is not defined for option 'gpu-name'").
const ptxasStderr = "`ptxas` stderr:"

// noRunnableProfile is NVIDIA NIM's error when no profile of the model fits the GPUs it found,
// the GPUs listed under it in one record ("SYSTEM INFO", "- Free GPUs: <None>", "- Non-free
// GPUs:", "  -  [2684:10de] (0) NVIDIA GeForce RTX 4090 [current utilization: 7%]"), the lines
// without the record's header.
const noRunnableProfile = "Could not find a profile that is currently runnable"

// systemInfoLine reports whether line goes on with NIM's SYSTEM INFO block.
func systemInfoLine(line string) bool {
	return line == "SYSTEM INFO" || strings.HasPrefix(line, "- ") || strings.HasPrefix(line, "  ")
}

// childFailed is the exception torchrun (torch.distributed.elastic) raises when a worker
// fails: its message is a report on the lines under it, from one line of "=" to the next, that
// names every failed rank and first the root cause (time, host, rank, exit code or signal).
const childFailed = "ChildFailedError:"

// unframed returns torchrun's report without the "=" borders around it.
func unframed(msg string) string {
	if first, rest, ok := strings.Cut(msg, "\n"); ok && isBorder(first) {
		msg = rest
	}
	if i := strings.LastIndexByte(msg, '\n'); i >= 0 && isBorder(msg[i+1:]) {
		msg = msg[:i]
	}
	return msg
}

// cannTraceBack opens the stack Ascend's CANN runtime prints under its error report ("EH9999:
// Inner Error!"), indented, inside torch_npu's exception message.
const cannTraceBack = "TraceBack (most recent call last):"

// isBorder reports whether line is the "=" border of torchrun's failure report.
func isBorder(line string) bool {
	return len(line) >= 20 && strings.Trim(line, "=") == ""
}

// MessageState returns whether an exception's message goes on after line (its body), given its
// state before it: open lines are the message's, whatever they say.
func MessageState(line string, state int) int {
	switch {
	case state == MessageOpen:
		return MessageOpen
	case state == MessageList:
		if listItem(line) {
			return MessageList
		}
		return MessageClosed
	case strings.HasPrefix(line, requirementsIntro):
		return MessageList
	case state == MessageFrameOpen:
		if isBorder(line) {
			return MessageFramed
		}
		return MessageClosed
	case state == MessageFramed:
		if isBorder(line) {
			return MessageClosed
		}
		return MessageFramed
	case state == MessagePydantic && pydanticDetail(line):
		return MessagePydantic
	case state == MessageMemoryReport && memoryReportLine(line):
		return MessageMemoryReport
	case state == MessagePtxas:
		if strings.HasPrefix(line, "Repro command: ") {
			return MessageClosed
		}
		return MessagePtxas
	case line == ptxasStderr:
		return MessagePtxas
	case state == MessageSystemInfo && systemInfoLine(line), strings.Contains(line, noRunnableProfile):
		return MessageSystemInfo
	case strings.Contains(line, "Executor creation failed due to insufficient GPU memory") ||
		strings.Contains(line, "Executor creation failed with an error which might indicate insufficient GPU memory"):
		// TensorRT-LLM's PyExecutor: the component it could not create, the GPU's memory, and
		// each component created before with the free memory before and after it
		return MessageMemoryReport
	case strings.HasSuffix(strings.TrimRight(line, " "), childFailed):
		return MessageFrameOpen
	case state == MessageCANN && cannReportGoesOn(line), state == MessageClosed && (cannError(line) || cannCode(line)):
		// torch_npu's advice ("[Error]: The aicore execution times out.", its remedy indented
		// under it) and CANN's error manager's report ("EH9999: Inner Error!", its reason
		// indented, "EH9999[PID: 285] ... runtime result = 507014", "TraceBack (most recent
		// call last):" and frames indented): one report
		return MessageCANN
	case state == MessageQuoted:
		if strings.Contains(line, workerFailedClose) {
			return MessageClosed
		}
		return MessageQuoted
	case strings.Contains(line, workerFailedOpen) && !strings.Contains(line, workerFailedClose) &&
		!(strings.HasSuffix(strings.TrimRight(line, " "), "'") && strings.Count(line[strings.Index(line, workerFailedOpen):], "'") >= 2):
		// (the quote closed on the line, the form without the advice: "Worker failed with error
		// 'expected scalar type Long but found Int'", the next line another exception)
		return MessageQuoted
	case state == MessageRemote:
		if line == "" || line[0] == ' ' || line[0] == '\t' {
			return MessageRemote
		}
		return MessageClosed // "TypeError: ...", the remote exception's line
	case state == MessageBraced:
		if line == "}" || line == ")" {
			return MessageClosed
		}
		return MessageBraced
	case state == MessageBelow:
		return MessageBelow
	case emptyMessage(line):
		// raise ImportError(f"""\n[sgl_kernel] CRITICAL: Could not load ...""") (sgl_kernel's
		// load_utils): "ImportError: ", the message on the lines under it
		return MessageBelow
	case state == MessageAngled:
		if line == ">" {
			return MessageClosed
		}
		return MessageAngled
	case strings.HasSuffix(line, " of RPC that terminated with:"):
		// grpc's RpcError as str() writes it (_channel.py's "<{} of RPC that terminated
		// with:\n\tstatus = {}\n\tdetails = \"{}\"\n\tdebug_error_string = \"{}\"\n>"): the
		// status, the details and the peer's error, then ">" alone
		return MessageAngled
	case strings.HasSuffix(strings.TrimRight(line, " "), "Last error:"):
		return MessageOneMore
	case strings.HasSuffix(line, "' raised:") && strings.Contains(line, "BackendCompilerFailed"):
		// torch._dynamo's "BackendCompilerFailed: backend='inductor' raised:", the compiler's
		// exception on the next line (its __str__): the root cause, a triton or CUDA failure
		return MessageOneMore
	case strings.HasSuffix(line, "(look up to see its traceback):"):
		// transformers' lazy module: "Failed to import transformers.models.x because of the
		// following error (look up to see its traceback):", the import's error on the next line
		return MessageOneMore
	case strings.HasSuffix(line, ": Error {"):
		// NVIDIA NIM's "Exception: Error {", a Rust error printed with {:#?}: its fields
		// indented, then "}" at the start of a line
		return MessageBraced
	case pydanticHead(line):
		// "1 validation error for BaseLitellmParams" at the end of an exception's or a
		// record's message (logger.exception("...: %s", e)): str(ValidationError) goes on over
		// lines, each failed field's location, then its error and pydantic's link indented
		return MessagePydantic
	case line == "CUDA call was originally invoked at:":
		return MessageRemote // the frames of that call follow, indented, after an empty line
	case strings.TrimLeft(line, " ") == cannTraceBack:
		return MessageRemote // its frames, indented, up to the next exception or traceback
	case cannNamedError(line):
		return MessageRemote // CANN's named inner error: its details under it, indented
	case strings.Contains(line, "ray::") && (strings.Contains(line, "() (pid=") || strings.Contains(StripPastedColour(line), "() (pid=")):
		// RayTaskError's message (and Ray's "Unhandled error ...: ray::RayWorkerWrapper.
		// execute_method() (pid=13214, ...)"): the task, then the traceback it raised in its
		// worker and that exception's line (ray/exceptions.py)
		return MessageRemote
	}
	return MessageClosed
}

// TakesMessageLine reports whether line may go on with an exception's message in state (as
// MessageState returned it): a Ray task's error ends only at an exception's line.
func TakesMessageLine(line string, state int) bool {
	if state == MessageFrameOpen {
		return isBorder(line) // the report opens with its border, or there is none
	}
	if state == MessagePydantic {
		return pydanticDetail(line)
	}
	if state == MessageMemoryReport {
		return memoryReportLine(line)
	}
	if state == MessageSystemInfo {
		return systemInfoLine(line)
	}
	if state == MessagePtxas {
		return true
	}
	if state == MessageList {
		return listItem(line)
	}
	if state == MessageBelow {
		return line != TracebackHeader && !ChainMarker(line)
	}
	if state == MessageAngled {
		return line == ">" || strings.HasPrefix(line, "\t") || strings.HasPrefix(line, "  ")
	}
	if state == MessageCANN {
		return cannReportGoesOn(line)
	}
	if state != MessageRemote || line == "" || line[0] == ' ' || line[0] == '\t' {
		return true
	}
	_, _, ok := SplitException(line, true)
	return ok
}

// memoryReportLine reports whether a line goes on with TensorRT-LLM's memory report (its parts
// apart by empty lines): "The
// following component could not be created: ...", "Total GPU memory (GiB): 95.00", "Previously
// created components and free GPU memory before/after creation (GiB):", "Model: 94.30 / 47.83".
func memoryReportLine(line string) bool {
	if line == "" || strings.HasPrefix(line, "The following component could not be created: ") || strings.Contains(line, "(GiB):") {
		return true
	}
	name, val, ok := strings.Cut(line, ": ")
	if !ok || name == "" || len(name) > 120 || strings.HasPrefix(name, " ") {
		return false
	}
	a, b, two := strings.Cut(val, " / ")
	isNum := func(s string) bool { _, err := strconv.ParseFloat(s, 64); return err == nil }
	return isNum(a) && (!two || isNum(b))
}

// pydanticHead reports whether a message line ends in the head of a pydantic ValidationError's
// text, "N validation error(s) for <Model>".
func pydanticHead(line string) bool {
	line = strings.TrimRight(line, " ")
	i := strings.LastIndex(line, " validation error")
	if i <= 0 {
		return false
	}
	rest, ok := strings.CutPrefix(line[i+len(" validation error"):], " for ")
	if !ok {
		rest, ok = strings.CutPrefix(line[i+len(" validation error"):], "s for ")
	}
	j := strings.LastIndexByte(line[:i], ' ') + 1
	return ok && rest != "" && !strings.ContainsAny(rest, " :") && parseutil.AllDigits(line[j:i])
}

// pydanticDetail reports whether a line goes on with a ValidationError's text: a field's error
// and pydantic's link, indented (or not, where a paste lost the indent), or a field's location
// ("on_violation", "messages.0.content", pydantic 1's "body -> messages").
func pydanticDetail(line string) bool {
	switch {
	case line == "" || len(line) > 300:
		return false
	case line[0] == ' ' || line[0] == '\t',
		strings.HasPrefix(line, "For further information visit https://errors.pydantic.dev/"),
		strings.Contains(line, " [type=") && strings.HasSuffix(line, "]"):
		return true
	}
	loc := strings.ReplaceAll(line, " -> ", ".")
	if strings.ContainsAny(loc, " :") || line == TracebackHeader {
		return false
	}
	return true
}

// pydanticErrorAlone reads a pydantic error line, indented under its field or not as a paste
// left it: "Value error, Tensor parallel size (2) cannot be larger than the number of available
// GPUs (1). [type=value_error, input_value=..., input_type=...]" (Assertion failed too). It
// returns the error's words, without the type and input pydantic adds.
func pydanticErrorAlone(b string) (string, bool) {
	t := strings.TrimLeft(b, " ")
	if len(t) < 20 || t[0] != 'V' && t[0] != 'A' { // (asked of every plain line: the cheap test first)
		return "", false
	}
	i := strings.LastIndex(t, " [type=")
	if i < 0 || !strings.HasSuffix(strings.TrimRight(t, " "), "]") {
		return "", false
	}
	for _, p := range [...]string{"Value error, ", "Assertion failed, "} {
		if d, ok := strings.CutPrefix(t[:i], p); ok && d != "" {
			return d, true
		}
	}
	return "", false
}

// IsMessageContinuation reports whether a line's body (its header removed) continues the
// message of the exception line before it rather than being a line of its own: a search for
// errors must find one CUDA failure, not five.
func IsMessageContinuation(body string) bool {
	if len(body) > 40 && body[0] == ' ' && strings.TrimLeft(body, " ") == cannTraceBack {
		return true // CANN's own stack under its report, in torch_npu's exception message
	}
	if len(body) < 11 || !continuationFirst[body[0]] && (body[0] < '4' || body[0] > '5') {
		return false
	}
	switch {
	case body[0] == '[':
		return cannError(body)
	case body[0] == 'E' && cannCode(body):
		return true
	case body[0] == 'I' && cannNamedError(body):
		return true
	case body[0] >= '4' && body[0] <= '5':
		return hubStatusLine(body)
	}
	for _, p := range messageContinuations {
		if strings.HasPrefix(body, p) {
			return true
		}
	}
	return false
}

// OriginalTraceback opens the worker's traceback torch's ExceptionWrapper puts in the message of
// the exception it re-raises ("Caught AcceleratorError in replica 1 on device 1.", then this).
const OriginalTraceback = "Original Traceback (most recent call last):"

// lastException finds the last line of the traceback that is not indented, not a marker, not
// the header and not a continuation of the exception's message: the "Type: message" line
// Python prints last.
func lastException(stack string) (typ, msg string) {
	if RichTraceStart(stack) {
		// Rich's box: the rows are source lines; the exception's line is under its bottom edge
		typ, msg, _ = exceptionAfter(stack, richExceptions(stack))
		return typ, msg
	}
	if g := strings.LastIndex(stack, "+ Exception Group Traceback"); g >= 0 && g > strings.LastIndex(stack, "\n  File \"") {
		// a chain that ends in an exception group ("During handling of the above exception,
		// another exception occurred:", then a TaskGroup's): the group's is the exception
		// raised, not the one it was handling
		if t, m := groupException(stack[g:]); t != "" {
			return t, m
		}
	}
	if t, m, ok := finalException(stack); ok {
		return t, m
	}
	rayTask := "" // a Ray task's header over a remote traceback cut before its exception
	for s, last := stack, true; s != ""; {
		j := strings.LastIndexByte(s, '\n')
		line := s[j+1:]
		if j < 0 {
			s = ""
		} else {
			s = s[:j]
		}
		if strings.HasPrefix(line, "(") || strings.Contains(line, "] ") {
			line = Split(line).Body // lines grouped upstream (Filebeat multiline) keep their prefixes
		}
		if last && len(line) > 2 && line[0] == ' ' && line[1] != ' ' {
			// the exception's line of a paste that shifted every line by one (" openai_harmony.
			// HarmonyError: Unexpected token 200012 ...", its frames' "   File" under it)
			if t, m, ok := SplitException(line[1:], false); ok && strings.Contains(t, "Error") {
				return t, m
			}
		}
		if line != "" {
			last = false
		}
		if line == "" || line[0] == ' ' || line[0] == '\t' || line[0] == '|' || line[0] == '+' || line == TracebackHeader || line == `"""` ||
			line == OriginalTraceback ||
			line == causeMarker || line == contextMarker || IsMessageContinuation(line) || IsFrameLine(line) || PasteElision(line) ||
			// c10's C++ stack under the exception line whose message holds it
			// (torch.distributed.DistBackendError's "Exception raised from recvBytes at ...",
			// "frame #0: ..."): its lines are the message's, not an exception's
			NativeStackStart(line) || strings.HasPrefix(line, "frame #") ||
			// Python 3.11's markers under a source line, their indentation trimmed by a paste
			MarkerRow(line) ||
			// multiprocessing's announcement the dying process wrote into its own record
			strings.HasPrefix(line, "Process ") && TraceAnnouncement(line) ||
			// a frame line cut before its function's name (a wrap, a "<lambda>" a page ate)
			IsCutFrameLine(line) {
			// (a frame's line a paste left unindented is no exception's)
			continue
		}
		if RayTaskMessage(line) && rayTask == "" {
			// "ray::LLMRayActor.__init__() (pid=12488, ip=...)": Ray's header in place of
			// "Traceback (most recent call last):", naming the task, not an exception; the
			// exception shown before it (the one being handled) is the last one known
			rayTask = line
			continue
		}
		if t, m, ok := SplitException(line, false); ok {
			return t, m
		}
		prev := s[strings.LastIndexByte(s, '\n')+1:]
		if strings.HasPrefix(prev, `File "`) && (IsFrameLine(prev) || IsCutFrameLine(prev)) {
			// the source line under a frame a paste left unindented ("File \"x.py\", line 240,
			// in __init__", then "self.tp_worker = TpWorkerClass("): code, no exception
			continue
		}
		if MessageState(prev, MessageClosed) == MessageOneMore || strings.HasSuffix(prev, ":") && ExceptionWithMessage(prev) {
			// the cause an exception's message announces on its next line (transformers' "Failed
			// to import ... because of the following error (look up to see its traceback):",
			// then the import's error): that exception, its message both lines
			if t, m, ok := SplitException(prev, false); ok {
				return t, m + "\n" + line
			}
		}
		return "", line
	}
	if rayTask != "" {
		return "", rayTask
	}
	return groupException(stack)
}

// finalException reads the exception line that follows the last frame of a traceback (its
// "  File ..." line, then the frame's source and caret lines, indented): the final exception,
// whatever lines its message goes on over (a pydantic ValidationError's field and detail lines,
// vLLM's worker-failure wrapper around a worker's several-line message). ok is false when the
// stack has no frame, or what follows it is not "Type: message".
func finalException(stack string) (typ, msg string, ok bool) {
	i := strings.LastIndex(stack, "\n  File \"")
	if i < 0 && (strings.HasPrefix(stack, "  File \"") || strings.HasPrefix(stack, "    ")) {
		i = -1 // a fragment whose only frame opens it, or a frame's source line
	} else if i < 0 {
		return "", "", false
	}
	frame, rest, _ := strings.Cut(stack[i+1:], "\n") // past the frame line
	if fn, after, ok := strings.Cut(rest, "\n"); ok && strings.HasSuffix(strings.TrimRight(frame, " \r"), ", in") && identifier(strings.TrimRight(fn, " \r")) {
		rest = after // the function's name, where a terminal wrapped the frame line (a paste's)
	}
	return exceptionAfter(stack, rest)
}

// messageTails open the lines a library's exception message always ends with, which str(e)
// holds: httpx's HTTPStatusError ("For more information check: https://developer.mozilla.org/...")
// and LiteLLM's router's re-raised error ("Available Model Group Fallbacks=None").
var messageTails = [...]string{"For more information check: https://developer.mozilla.org/", "For more information check: https://httpstatuses.com/",
	"Available Model Group Fallbacks=",
	"Received Model Group="}

// withTails returns msg with the tail lines of rest (the lines after its exception line) that
// messageTails opens.
func withTails(msg, rest string) string {
	if q, ok := strings.CutPrefix(rest, ptxasStderr); ok {
		// Triton's PTXASError: ptxas's own words, the cause, up to its repro command
		q, _, _ = strings.Cut(q, "\nRepro command: ")
		return strings.TrimRight(msg+"\n"+ptxasStderr+q, "\n \r")
	}
	for rest != "" {
		line, after, _ := strings.Cut(rest, "\n")
		tail := false
		for _, p := range messageTails {
			if strings.HasPrefix(line, p) {
				tail = true
				break
			}
		}
		if !tail {
			break
		}
		msg, rest = msg+"\n"+strings.TrimRight(line, " \r"), after
	}
	return msg
}

// exceptionAfter reads the exception's line in rest, the lines of stack after its last frame
// line (its source and carets first), and the message that goes on under it.
func exceptionAfter(stack, rest string) (typ, msg string, ok bool) {
	for rest != "" {
		var line string
		line, rest, _ = strings.Cut(rest, "\n")
		if line == "" || line[0] == ' ' || line[0] == '\t' || PasteElision(line) {
			continue // the frame's source and carets; a paste's "..." for lines it left out
		}
		if t := strings.TrimRight(line, " "); strings.HasSuffix(t, ":") && rest != "" {
			// "...ChildFailedError: " and its message on the lines under it (torchrun's report)
			typ, m, ok := SplitException(t[:len(t)-1], true)
			if !ok {
				// a class of a package's exceptions module named without "Error" (torch._dynamo's
				// "BackendCompilerFailed: backend='inductor' raised:", the compiler's exception under it)
				typ, m, ok = moduleException(t[:len(t)-1])
			}
			if ok {
				below := unframed(strings.TrimSpace(beforeChain(rest)))
				if m != "" {
					// "RuntimeError: Error building extension 'sampling':", the build's output
					// under it: the line's own words first
					below = m + ":\n" + below
				}
				return typ, below, true
			}
		}
		if strings.HasPrefix(line, "Message: ") && (rest == "" || strings.HasPrefix(rest, "Arguments: ")) {
			// logging's handleError ("--- Logging error ---"): the record it could not emit,
			// under the call stack; the exception is the one before "Call stack:", none in a
			// fragment that lost it
			if c := strings.LastIndex(stack, "\nCall stack:\n"); c > 0 {
				return finalException(stack[:c])
			}
			return "", "", true
		}
		typ, msg, ok = SplitException(line, false)
		if ok {
			msg = withTails(msg, rest)
		}
		return typ, msg, ok
	}
	return "", "", false
}

// groupException finds, in an exception group's traceback (every line inside the group drawn
// with "|"), the last exception line of its sub-exceptions: "    | RuntimeError: ...", the
// error the group was raised for, rather than the group itself.
func groupException(stack string) (typ, msg string) {
	var gt, gm string
	for s := stack; s != ""; {
		var line string
		line, s, _ = strings.Cut(s, "\n")
		t := strings.TrimLeft(line, " ")
		if !strings.HasPrefix(t, "| ") || len(t) < 3 || t[2] == ' ' {
			continue // not inside a group, or indented (a frame, source, carets)
		}
		// Inside the drawing, an unindented "Name: message" line is an exception line.
		if ty, m, ok := SplitException(t[2:], false); ok {
			if strings.HasSuffix(ty, "ExceptionGroup") {
				gt, gm = ty, m
			} else {
				typ, msg = ty, m
			}
		}
	}
	if typ == "" {
		return gt, gm
	}
	return typ, msg
}

// SplitException reads "pkg.module.TypeName: message" (or a bare "TypeName"). With strict set
// the type's last part must end in Error, Exception, Exit, Interrupt or Warning, so that an
// ordinary "Name: value" message is not taken for an exception.
func SplitException(line string, strict bool) (typ, msg string, ok bool) {
	typ, msg, found := strings.Cut(line, ": ")
	if !found && strings.HasSuffix(line, ":") && hasAnySuffix(line[:len(line)-1], "Error", "Exception", "Exit", "Interrupt") {
		typ = line[:len(line)-1] // an exception without a message: "SystemExit:" (raise SystemExit())
	}
	if typ == "" || len(typ) > 200 || level(typ) != "" {
		// (a logger's level before its line, "ERROR:    ...", uvicorn's format, is no exception)
		return "", "", false
	}
	name := typ
	if open := strings.IndexByte(typ, '('); open > 0 && typ[len(typ)-1] == ')' {
		// Ray's error for a task's or actor's failure names the cause's class in its own:
		// "ray.exceptions.RayTaskError(ActorDiedError): ray::TaskRunner.run() (pid=18948, ...)"
		name = typ[:open]
		if !hasAnySuffix(name, "Error", "Exception") || !identifier(typ[open+1:len(typ)-1]) {
			return "", "", false
		}
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '.' || (i > 0 && c >= '0' && c <= '9')) {
			return "", "", false
		}
	}
	if strict {
		last := name[strings.LastIndexByte(name, '.')+1:]
		if !hasAnySuffix(last, "Error", "Exception", "Exit", "Interrupt", "Warning", "ExceptionGroup") {
			return "", "", false // (an exception group: anyio's TaskGroup's "ExceptionGroup: unhandled errors ...")
		}
	}
	return typ, msg, true
}

// Identifier reports whether s is a Python name: letters, digits and '_', not opening with a
// digit.
func Identifier(s string) bool { return identifier(s) }

// identifier reports whether s is a Python class name: letters, digits and '_', not opening
// with a digit.
func identifier(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || (i > 0 && c >= '0' && c <= '9')) {
			return false
		}
	}
	return s != ""
}

// IsBareException reports whether b is a Python exception line standing alone, its traceback
// not printed or not pasted (the exception line is what a bug report keeps): a GPU failure's
// (IsGPUException), or any exception whose class is named with its module
// ("huggingface_hub.errors.GatedRepoError: 403 Client Error.", "pydantic_core._pydantic_core.
// ValidationError: 1 validation error for ParallelConfig") or is one of Python's own
// ("RuntimeError: Engine core initialization failed."). A Java exception's class
// ("java.net.ConnectException") is the java parser's.
func IsBareException(b string) bool {
	if len(b) < 12 || b[0] < 'A' || b[0] > 'z' {
		return false
	}
	typ, msg, ok := SplitException(b, true)
	if ok && msg == "" && (strings.HasSuffix(typ, ".ChildFailedError") || typ == "ChildFailedError") { // (Rich prints the class alone)
		return true // torchrun's, its failure report on the lines under it (read without its traceback)
	}
	if !ok {
		// a class from a package's exceptions module whose name says no "Error"
		// ("torch._dynamo.exc.FailOnRecompileLimitHit: recompile_limit reached with fullgraph=True ...")
		if _, _, okM := moduleException(b); okM {
			return true
		}
	}
	if ok && msg != "" && strings.HasPrefix(typ, "RayTaskError(") && strings.Contains(msg, "ray::") {
		// Ray's task error printed bare, the remote traceback under it: "RayTaskError(TypeError):
		// ray::run_inference_one_model() (pid=718457, ip=...)"
		return true
	}
	if ok && msg == "" && strings.HasSuffix(strings.TrimRight(b, " "), ":") && (builtinExceptions[typ] || strings.IndexByte(typ, '.') > 0) {
		// a message that opens with a line break (bitsandbytes' "RuntimeError: ", then
		// "        CUDA Setup failed despite GPU being available. ..." indented under it): Python
		// prints the class, ": " and the message's empty first line
		return true
	}
	if ok && typ == "KeyboardInterrupt" && msg == "terminated" {
		// vLLM's SIGTERM handler raises KeyboardInterrupt("terminated"): a server killed while
		// it started (a probe's kill), its traceback cut off or in another event
		return true
	}
	if ok && msg != "" && (typ == "ExceptionGroup" || typ == "BaseExceptionGroup" || typ == "exceptiongroup.ExceptionGroup") {
		// an exception group's line alone (anyio's TaskGroup under a server: "ExceptionGroup:
		// unhandled errors in a TaskGroup (1 sub-exception)"), its drawing cut off or elsewhere
		return true
	}
	if !ok || msg == "" || !hasAnySuffix(strings.TrimSuffix(typ, ")"), "Error", "Exception") {
		return false // (Ray's "RayTaskError(ActorDiedError)": its cause's class)
	}
	if dot := strings.IndexByte(typ, '.'); dot > 0 {
		switch typ[:dot] {
		case "java", "javax", "jdk", "sun", "org", "com", "io", "net", "kotlin", "scala", "akka",
			"dev", "reactor", "software", "okhttp3", "feign": // (LangChain4j's dev.langchain4j, Project Reactor's, the AWS SDK's)
			return Classify(b) != ""
		}
		return true
	}
	return builtinExceptions[typ] || Classify(b) != ""
}

// exceptionModule reports whether typ is a class in a package's module of exceptions
// ("torch._dynamo.exc.FailOnRecompileLimitHit", "vllm.v1.engine.exceptions.EngineGenerateError"):
// a dotted path whose module is exc, exceptions or errors, the class capitalised.
// moduleException splits b as an exception line whose class comes from a package's exceptions
// module, whatever its name says ("torch._dynamo.exc.FailOnRecompileLimitHit: ..."); ok is
// false for another line and for one without a message.
func moduleException(b string) (typ, msg string, ok bool) {
	typ, msg, ok = SplitException(b, false)
	return typ, msg, ok && msg != "" && exceptionModule(typ)
}

func exceptionModule(typ string) bool {
	dot := strings.LastIndexByte(typ, '.')
	if dot <= 0 || dot+1 >= len(typ) || typ[dot+1] < 'A' || typ[dot+1] > 'Z' {
		return false
	}
	mod := typ[:dot]
	mod = mod[strings.LastIndexByte(mod, '.')+1:]
	return mod == "exc" || mod == "exceptions" || mod == "errors" ||
		// the openai client before 1.0: "openai.error.Timeout: Request timed out: ..."
		mod == "error" && strings.HasPrefix(typ, "openai.error.") ||
		// huggingface_hub's, wherever its version keeps them: "huggingface_hub.utils._http.
		// OfflineModeIsEnabled: Cannot reach https://huggingface.co/api/models/...: offline
		// mode is enabled. ..." (HF_HUB_OFFLINE=1 and a model not in the cache)
		strings.HasPrefix(typ, "huggingface_hub.")
}

// nvidiaFailure reports whether an exception line reports an NVIDIA user-space failure (driver
// too old, NVML, library mismatch) of a part of the GPU stack, which the parsers of the GPU
// stack's datasets read; a CUDA error of the program's own (no stack part at fault: "all
// CUDA-capable devices are busy or unavailable") stays an exception line.
func nvidiaFailure(b string) bool {
	k, ds := parseutil.GPUFailure(b)
	return k != "" && ds != ""
}

// builtinExceptions are Python's own exception classes that a program's failure ends in.
var builtinExceptions = map[string]bool{
	"Exception": true, "RuntimeError": true, "ValueError": true, "TypeError": true, "KeyError": true, "IndexError": true,
	"AttributeError": true, "AssertionError": true, "ImportError": true, "ModuleNotFoundError": true,
	"OSError": true, "FileNotFoundError": true, "PermissionError": true, "ConnectionError": true,
	"ConnectionRefusedError": true, "ConnectionResetError": true, "TimeoutError": true,
	"NotImplementedError": true, "MemoryError": true, "RecursionError": true, "ZeroDivisionError": true,
	"UnicodeDecodeError": true, "JSONDecodeError": true, "SystemError": true, "EOFError": true,
	"BrokenPipeError": true, "IsADirectoryError": true, "NotADirectoryError": true, "OverflowError": true,
	// huggingface_hub's, which a model downloader prints by its class's name alone
	// (f"{type(e).__name__}: {e}": "GatedRepoError: 401 Client Error. ..."): why the weights
	// did not come, the commonest end of an init container that fetches a model
	"GatedRepoError": true, "RepositoryNotFoundError": true, "RevisionNotFoundError": true,
	"EntryNotFoundError": true, "LocalEntryNotFoundError": true, "HfHubHTTPError": true,
	// gsutil's (a model copied from Cloud Storage): the error it ends a failed command with
	// ("AccessDeniedException: 403 sa@p.iam.gserviceaccount.com does not have
	// storage.objects.list access ...", "CommandException: 1 file/object could not be
	// transferred.")
	"AccessDeniedException": true, "ServiceException": true, "CommandException": true, "NotFoundException": true,
	"BadRequestException": true, "ResumableDownloadException": true, "ResumableUploadException": true,
}

// IsGPUException reports whether b is a Python exception line of a GPU failure, standing alone
// ("torch.OutOfMemoryError: CUDA out of memory. Tried to allocate ...", "RuntimeError: CUDA
// error: uncorrectable ECC error encountered", "torch.distributed.DistBackendError: NCCL error
// in: ..."): a class ending in Error or Exception and a text Classify names.
func IsGPUException(b string) bool {
	if len(b) < 12 || b[0] < 'A' || b[0] > 'z' {
		return false
	}
	typ, _, ok := SplitException(b, true)
	if !ok || !strings.HasSuffix(typ, "Error") && !strings.HasSuffix(typ, "Exception") {
		return false
	}
	k := Classify(b)
	return k != "" && k != KindLoRA && modelLoadKind(b) != k // (a model or adapter that did not load is no GPU's failure)
}

func hasAnySuffix(s string, sufs ...string) bool {
	for _, x := range sufs {
		if strings.HasSuffix(s, x) {
			return true
		}
	}
	return false
}

// Unrepeated returns msg without the count Ray's log deduplication appends to a line that
// several actors wrote ("... [repeated 3x across cluster]", the first time with its note "(Ray
// deduplicates logs by default. ...)" after it), so that one error has one message.
func Unrepeated(msg string) string {
	i := strings.LastIndex(msg, " [repeated ")
	if i < 0 {
		return msg
	}
	rest := msg[i+len(" [repeated "):]
	if k := strings.Index(rest, "x across cluster]"); k <= 0 || strings.TrimLeft(rest[:k], "0123456789") != "" {
		return msg
	}
	return msg[:i]
}

// setErrorLine sets error.* for a one-line warning or error: the exception's type and message
// when the line is "Type: message", else (for errors) the text as the message. more is the
// lines that go on with the exception's message, "" for none.
func setErrorLine(ev *event.Event, body, more, level string) {
	if resp, ok := strings.CutPrefix(body, "Error with model "); ok {
		if typ, msg, code, ok := errorResponse(resp); ok {
			// the error response a serving handler returns and logs ("Error with model
			// error=ErrorInfo(message='The model `x` does not exist.', type='NotFoundError',
			// param=None, code=404)", before 2026 "object='error' message='...' type='...'
			// param=None code=404"): what the client got, its status
			ev.SetString(event.FieldErrorType, typ)
			ev.SetString(event.FieldErrorMsg, msg)
			if code >= 400 && code < 600 {
				ev.Set(event.FieldHTTPStatus, event.Int(code))
			}
			if k := Classify(msg); k != "" {
				ev.SetString(FieldErrorKind, k)
			}
			return
		}
	}
	if body == "" || body[0] == ' ' || body[0] == '\t' || IsMessageContinuation(body) || MarkerRow(body) {
		// A line of a traceback whose header was not read (source code, carets, a frame; the
		// carets at the margin where a paste trimmed them) or
		// the rest of an exception's message: it names no error of its own; but torch's hint
		// under a CUDA or HIP error names the error's class ("Search for `cudaErrorAssert' in
		// ..."), a record's rest after a rotation or a restart
		if (strings.HasPrefix(body, "Search for `cuda") || strings.HasPrefix(body, "Search for `hip")) && !ev.Has(FieldErrorKind) {
			ev.SetString(FieldErrorKind, KindCUDA)
		}
		if strings.HasPrefix(body, "nccl") && !ev.Has(FieldErrorKind) {
			// NCCL's result and its last error printed without torch's exception over them
			// ("ncclInternalError: Internal check failed.", "Last error:", "ncclSocketInit:
			// ..."): NCCL's failure, the cause its message
			msg := strings.TrimRight(body, " \r")
			if cause := LastError(body + "\n" + more); cause != "" {
				msg += " Last error: " + cause
			}
			ev.SetString(event.FieldErrorMsg, msg)
			ev.SetString(FieldErrorKind, KindNCCL)
		}
		return
	}
	typ, msg, ok := SplitException(body, true)
	if !ok {
		typ, msg, ok = moduleException(body) // torch._dynamo.exc.FailOnRecompileLimitHit
	}
	if !ok {
		typ, msg, ok = reprException(body) // logger.exception(repr(e)): "OutOfMemoryError('CUDA out of memory. ...')"
	}
	if ok && !(typ == "Warning" && level == "warning") && typ != "Error" {
		// (a warning that says "Warning: ..." names no class: Hugging Face Hub's; nor does a
		// tool's "Error: ..." in a record's text, hipcc's "Error: Please provide architecture")
		ev.SetString(event.FieldErrorType, typ)
		if msg = strings.TrimRight(Unrepeated(msg), " \t\r"); msg == "" && more != "" {
			// "...ChildFailedError: " and torchrun's failure report under it: the report is the
			// message, as under its traceback
			ev.SetString(event.FieldErrorMsg, unframed(strings.TrimSpace(more)))
		} else if msg != "" {
			if next, _, _ := strings.Cut(more, "\n"); next != "" && MessageState(body, MessageClosed) == MessageOneMore {
				// the cause the message announces on its next line (BackendCompilerFailed's
				// "backend='inductor' raised:", then the compiler's error), as under its traceback
				msg += "\n" + strings.TrimRight(next, " \t\r")
			} else if strings.HasPrefix(more, ptxasStderr) {
				msg = withTails(msg, more) // PTXASError's ptxas words, as under its traceback
			} else if more != "" {
				// a ValidationError's field errors on the lines under it, as under its traceback;
				// NCCL's last error under torch's DistBackendError printed alone
				whole := msg + "\n" + more
				msg = withCause(typ, hubReason(validationDetail(msg, whole), whole), whole)
			}
			ev.SetString(event.FieldErrorMsg, msg)
		}
		if more != "" {
			msg += "\n" + more
		}
		setHTTPFailure(ev, typ, msg)
	} else if level != "warning" && body != "" && utf8.ValidString(body) {
		msg := strings.TrimRight(Unrepeated(body), " \t\r") // (without a terminal's padding)
		if strings.HasSuffix(body, ": ") && more != "" {
			// a message that announces its lines ("Failed to find a kernel that can implement
			// the WNA16 linear layer. Reasons: ", one kernel's reason a line, then the
			// traceback): they are its text
			if list, _, _ := strings.Cut(more, TracebackHeader); strings.TrimSpace(list) != "" && utf8.ValidString(list) {
				msg += "\n" + strings.TrimRight(list, " \t\r\n")
			}
		}
		ev.SetString(event.FieldErrorMsg, msg)
	}
	k := Classify(body)
	if k == "" && more != "" {
		k = Classify(more) // the record's text under its first line (the exception's, after "...: RuntimeError:")
	}
	if k != "" {
		ev.SetString(FieldErrorKind, k)
	}
	if k, _ := parseutil.GPUFailure(body); k != "" {
		ev.SetString(parseutil.FieldGPUErrorKind, k) // NVML or driver trouble seen from vLLM
	}
}

// errorResponse reads the repr of vLLM's OpenAI ErrorResponse: its message, type and code.
func errorResponse(s string) (typ, msg string, code int64, ok bool) {
	_, after, found := strings.Cut(s, "message='")
	if !found {
		return "", "", 0, false
	}
	// the message ends at the quote before ", type='" (the message may hold quotes of its own)
	end := strings.Index(after, "', type='")
	sep := "', type='"
	if end < 0 {
		end, sep = strings.Index(after, "' type='"), "' type='"
	}
	if end < 0 {
		return "", "", 0, false
	}
	msg = after[:end]
	typ, tail, found := strings.Cut(after[end+len(sep):], "'")
	if !found || !identifier(typ) {
		return "", "", 0, false
	}
	if _, c, found := strings.Cut(tail, "code="); found {
		n := 0
		for n < len(c) && c[n] >= '0' && c[n] <= '9' {
			n++
		}
		code, _ = parseutil.Atoi(c[:n])
	}
	return typ, msg, code, msg != ""
}

// reprException reads an exception's repr, which V0's engine process logs as its error's
// message (logger.exception(repr(e)), 0.6): "OutOfMemoryError('CUDA out of memory. Tried to
// allocate 138.00 MiB. ...')", its class and its message.
func reprException(b string) (typ, msg string, ok bool) {
	open := strings.IndexByte(b, '(')
	if open <= 0 || len(b) < open+4 || b[len(b)-1] != ')' {
		return "", "", false
	}
	q := b[open+1]
	if (q != '\'' && q != '"') || b[len(b)-2] != q {
		return "", "", false
	}
	typ, _, ok = SplitException(b[:open], true)
	if !ok || strings.ContainsAny(typ, " :") {
		return "", "", false
	}
	return typ, b[open+2 : len(b)-2], true
}

// acceleratorOOM returns the class of another accelerator's memory exhausted, "" for another
// text: an Intel GPU's (torch-xpu's "XPU out of memory", Level Zero's
// UR_RESULT_ERROR_OUT_OF_DEVICE_MEMORY), an Intel Gaudi's (the PyTorch bridge's "FATAL ERROR ::
// MODULE:PT_DEVMEM Allocation failed for size::..."), an AWS Neuron device's (the runtime's
// "nrt_load_collectives status=4 message="Allocation Failure""). Not a GPU's: cuda_oom's advice
// (PYTORCH_CUDA_ALLOC_CONF, another pod on the GPU) is not theirs.
func acceleratorOOM(text string) string {
	switch {
	case strings.Contains(text, "XPU out of memory") || strings.Contains(text, "UR_RESULT_ERROR_OUT_OF_DEVICE_MEMORY"):
		return KindXPUOOM
	case strings.Contains(text, "MODULE:PT_DEVMEM") && strings.Contains(text, "Allocation failed"):
		return KindHPUOOM
	case strings.Contains(text, "nrt_") && strings.Contains(text, "Allocation Failure"):
		return KindNeuronOOM
	}
	return ""
}

// Classify names the failure an error text shows: a CUDA out-of-memory, a dead engine, or an
// NCCL (collective communication) failure; "" for anything else. The root causes come first: a
// traceback that ends in EngineDeadError because of an out-of-memory is cuda_oom.
func Classify(text string) string {
	if strings.Contains(text, "Communicator is not available") || strings.Contains(text, "To suppress this warning set VLLM_") {
		// an all-reduce backend vLLM turns off when the hardware lacks it, then starts with
		// another ("SymmMemCommunicator: symmetric memory initialization failed: CUDA driver
		// error: operation not supported Communicator is not available. ..."): no failure
		return ""
	}
	if strings.Contains(text, "Cannot auto-fit max_model_len") {
		// 0.34's --max-model-len auto with not even one token's KV cache left ("Cannot
		// auto-fit max_model_len: not enough GPU memory available to serve even a single
		// token. Try increasing `gpu_memory_utilization` ...")
		return KindKVCache
	}
	if strings.Contains(text, "KV cache") || strings.Contains(text, "cache blocks") {
		if strings.Contains(text, "No available memory for the cache blocks") ||
			strings.Contains(text, "than the maximum number of tokens that can be stored in KV cache") ||
			strings.Contains(text, "KV cache is needed, which is larger than the available KV cache memory") || // V1
			strings.Contains(text, "No available memory for the KV cache") ||
			// a hardware plugin's check of the blocks it needs (vllm-rbln's "Not enough memory
			// for 24 blocks of KV cache.")
			strings.Contains(text, "Not enough memory for ") && strings.Contains(text, " blocks of KV cache") {
			return KindKVCache
		}
	}
	if strings.Contains(text, "RESOURCE_EXHAUSTED") && (strings.Contains(text, "TpuClient") || strings.Contains(text, "XLA:TPU") ||
		// a TPU's own memory spaces in XLA's words, jax 0.6 and later without "XLA:TPU"
		// ("jaxlib._jax.XlaRuntimeError: RESOURCE_EXHAUSTED: Ran out of memory in memory space
		// vmem", tpu-inference): vmem and smem are a TensorCore's, hbm the chip's
		strings.Contains(text, "in memory space vmem") || strings.Contains(text, "in memory space smem") ||
		strings.Contains(text, "in memory space hbm") ||
		// the TPU runtime's HBM by name ("...; (0x0x0_HBM0)"), and a program it could not load
		// into HBM ("Error loading program 'jit__multi_slice': Attempting to reserve 6.14G at the
		// bottom of memory. That was not possible.")
		strings.Contains(text, "_HBM") || strings.Contains(text, "at the bottom of memory")) {
		// the TPU runtime's allocation that failed, without XLA's words for memory: "E0118 ...
		// tpu_pjrt_client.cc:1889] TpuClient::AllocateBuffer returning error after 1 attempt(s):
		// RESOURCE_EXHAUSTED: Error allocating device buffer: Attempting to allocate 1.96G."
		return KindTPUOOM
	}
	if k := acceleratorOOM(text); k != "" {
		return k
	}
	if strings.Contains(text, "EL0004") && strings.Contains(text, "Failed to allocate memory") {
		// CANN's error manager on an Ascend NPU's device memory exhausted ("EL0004: [PID: 3132]
		// ... Failed to allocate memory.", "Possible Cause: Available memory is insufficient.")
		return KindNPUOOM
	}
	if (strings.Contains(text, "out of memory") || strings.Contains(text, "OutOfMemory") ||
		strings.Contains(text, "CUDA_ERROR_OUT_OF_MEMORY") ||
		// V1's check at start: another process (a previous pod's, a second server) holds the
		// GPU's memory: "Free memory on device (3.22/4.0 GiB) on startup is less than desired
		// GPU memory utilization (0.9, 3.6 GiB)"
		strings.Contains(text, "is less than desired GPU memory utilization") ||
		// its 0.34 siblings for weights another process holds (--load-format ipc_cache):
		// "Free memory on device cuda:0 (9.84/79.19 GiB) on startup is less than the engine's
		// budget after excluding external process's weights (0.9, 57.04 GiB).", "Externally
		// held weights on device ... exceed the desired GPU memory utilization"
		strings.Contains(text, "on startup is less than the engine's budget") ||
		strings.Contains(text, "Externally held weights on device") && strings.Contains(text, "exceed the desired GPU memory utilization") ||
		// TensorRT-LLM's executor that could not create a component (its KV cache) in what the
		// GPU had left: "Executor creation failed due to insufficient GPU memory."
		strings.Contains(text, "failed due to insufficient GPU memory") ||
		// its later wording ("Executor creation failed with an error which might indicate
		// insufficient GPU memory."), the same report under it
		strings.Contains(text, "which might indicate insufficient GPU memory") ||
		// NCCL's allocation of device memory that failed (its alloc.h: "Failed to CUDA calloc
		// 4194304 bytes", after its "Cuda failure 'out of memory'" WARN)
		strings.Contains(text, "Failed to CUDA calloc ") || strings.Contains(text, "Failed to CUDA malloc ")) && !hostOOM(text) {
		if strings.Contains(text, "NPU out of memory") {
			return KindNPUOOM
		}
		if strings.Contains(text, "XLA:TPU") || strings.Contains(text, "RESOURCE_EXHAUSTED") && strings.Contains(text, "TPU") {
			// XLA's "RESOURCE_EXHAUSTED: XLA:TPU compile permanent error. Ran out of memory in
			// memory space vmem": a TPU's memory, not a GPU's
			return KindTPUOOM
		}
		return KindCUDAOOM
	}
	if strings.Contains(text, "RayTaskError(DistBackendError)") {
		// Ray's task error naming its cause's class, its remote traceback cut before the cause's
		// line (torch.distributed.DistBackendError: NCCL's communicator failed in the worker)
		return KindNCCL
	}
	if strings.Contains(text, "NCCL") || strings.Contains(text, "nccl") {
		if containsAny(text, "NCCL error", "NCCL Error", "ncclInternalError", "ncclUnhandledCudaError", "ncclSystemError",
			"ncclRemoteError", "ncclInvalidUsage", "DistBackendError", "WorkNCCL",
			// Horovod's and others' communicator that did not start ("ncclCommInitRank failed:
			// unhandled cuda error")
			"ncclCommInitRank failed",
			// vLLM's pynccl that found no NCCL to load: no tensor-parallel group can start
			"Failed to load NCCL library") {
			return KindNCCL
		}
	}
	if strings.Contains(text, "NIXL") || strings.Contains(text, "Mooncake") || strings.Contains(text, "KV") {
		if containsAny(text, "NIXL transfer failure", "NIXL_ERR_", "Mooncake transfer failed",
			"Failed to transfer KV cache", "Failed to receive all KVs", "Releasing expired KV blocks",
			// a decode worker that read blocks the prefill no longer tracked (expired, maybe
			// reused: its output may be wrong, its status 200)
			"Potentially invalid KV blocks for unrecognized request",
			// V1's scheduler failing or rescheduling the requests whose KV cache did not load
			"KV load failure",
			// a decode worker's NIXL handshake with the prefill side that failed (its side
			// channel unset: "RuntimeError: Remote NIXL agent engine ID mismatch. Expected ...")
			"Remote NIXL agent engine ID mismatch", "NIXL handshake failed",
			// the NIXL connector before 0.14 (PR 32031 renamed it "NIXL transfer failure:
			// transfer_setup_failed"): "NIXL transfer setup/initiation failed for request <id>.
			// Marking blocks as invalid."
			"NIXL transfer setup/initiation failed") {
			// a prefill/decode split's KV cache that did not cross (NIXL's handshake or transfer,
			// its backend's error, Mooncake's transfer engine or store), or a prefill's blocks
			// that no decode instance read in time: the decode side recomputes the prompt or the
			// request fails; look at the network between the two pods
			return KindKVTransfer
		}
	}
	if containsAny(text,
		// Mooncake's connector (0.34): a prefill's blocks no decode instance pulled in time,
		// or that it never sent ("KV lease of request <id> expired before the decoder pulled
		// it.", "Request <id> timed out after 480 seconds without being sent. Freeing its
		// blocks on the producer side.", "Request <id> expired before sending on P side."),
		// and its store's put that failed
		"expired before the decoder pulled it", "seconds without being sent. Freeing its blocks",
		"expired before sending on P side", "Boundary-state put failed for request",
		// MoRIIO's (AMD's RDMA connector): "RDMA transfer failed for request <id>: ...",
		// "Deferred write task for request <id> timed out after 30.0s waiting for remote blocks"
		"RDMA transfer failed for request ", "Deferred write task for request ",
		// the NIXL push connector's registration that no push completed
		"without a push completion",
		// the offloading connector's load that failed ("KV offload load job 17 failed; request
		// <id> will not load from the offloaded cache again.") and LMCache's multi-process
		// adapter's ("Something went wrong when processing the retrieve request for
		// request_id=<id>, result=[...]")
		"KV offload load job ", "when processing the retrieve request for request_id=",
		"when processing the store request for request_id=",
		// Mooncake's own vLLM connector (mooncake.mooncake_connector_v1, loaded through
		// kv_connector_module_path): the prefill's failed write ("Error processing Mooncake xfer
		// request: Error in batch_transfer_sync_write: -1"), and the decode's wait that got no
		// KV cache ("Error happens during transferring kvcache for ['<id>', ...], see logs in
		// prefiller.", "MooncakeAgentMetadata transfer failed for [...]: ...")
		"Error processing Mooncake xfer request", "Error happens during transferring kvcache for ",
		"MooncakeAgentMetadata transfer failed") {
		// a KV connector's transfer or load that failed for a request, in the words of the
		// connectors other than NIXL: the decode side recomputes the prompt or the request fails
		return KindKVTransfer
	}
	if strings.HasPrefix(text, "Handshake failed for request ") ||
		// vllm-ascend's Mooncake store backend's put that the store refused, its codes per key
		// ("Failed to put key ['<key>', ...],res:[0, 0, -800, 0]", -800 a transfer that failed)
		strings.HasPrefix(text, "Failed to put key [") && strings.Contains(text, "],res:[") ||
		// and its logger.exception when the handshake with a remote engine failed, before the
		// request's ("Handshake with c00824be-... failed", MoRIIO's alike)
		strings.HasPrefix(text, "Handshake with ") && strings.HasSuffix(firstLine(text), " failed") {
		// the NIXL connector's record of the request whose handshake failed (nixl_connector.py:
		// "Handshake failed for request chatcmpl-..."): the decode side recomputes its prompt
		return KindKVTransfer
	}
	if strings.Contains(text, "retrieved tokens is less than the expected number of tokens") ||
		strings.Contains(text, " failed to load ") && strings.Contains(text, " tokens across ") ||
		// and the counts it logs as a second error ("Num retrieved tokens: 0, num expected
		// tokens: 130")
		strings.HasPrefix(text, "Num retrieved tokens: ") && strings.Contains(text, ", num expected tokens: ") {
		// LMCache's connector when its backend returned fewer tokens than it had promised
		// ("Request <id>The number of retrieved tokens is less than the expected number of
		// tokens! This should not happen!", "Request <id> failed to load 256 tokens across 16
		// blocks"): the scheduler reschedules or fails the request, as for any connector's load
		return KindKVTransfer
	}
	if strings.Contains(text, "oneCCL: ") && strings.Contains(text, "EXCEPTION") || strings.Contains(text, "HCCL function error") ||
		// torch_npu's process group watchdog on Ascend, its collective timed out as NCCL's does:
		// "Watchdog caught collective operation timeout: WorkHCCL(SeqNum=196, OpType=ALLREDUCE, ...)"
		strings.Contains(text, "WorkHCCL(") ||
		// and its watchdog thread dying of the error it caught: "[Rank 4] HCCL watchdog thread
		// terminated with exception:", CANN's report under it
		strings.Contains(text, "HCCL watchdog thread terminated with exception") ||
		// CANN's code for a failed HCCL call ("ERR02200 DIST call hccl api failed.")
		strings.Contains(text, "DIST call hccl api failed") ||
		// torch_npu's report of the operator that failed, an HCCL collective's ("The Inner error
		// is reported as above. ... the current working operator name is HcclAllreduce."), the
		// HCCL socket timeout (EI0006) or transport error CANN names above it
		strings.Contains(text, "the current working operator name is Hccl") {
		// the collective libraries of the other accelerators: Intel XPU's oneCCL ("RuntimeError:
		// oneCCL: ze_fd_manager.cpp:214 fill_device_fds: EXCEPTION: open failed ..."), Ascend's
		// HCCL: a tensor-parallel group that could not start or broke, as NCCL's
		return KindNCCL
	}
	if k := modelLoadKind(text); k != "" {
		return k
	}
	if k := loraKind(text); k != "" {
		return k
	}
	if strings.Contains(text, "KeyboardInterrupt: terminated") {
		// vLLM's SIGTERM handler (its API server's, its engine core's): stopped from outside,
		// which a failure under it (an engine core that did not finish starting) does not outrank
		return KindTerminated
	}
	if strings.Contains(text, "WorkerProc initialization failed") || strings.Contains(text, "WorkerProc failed to start") ||
		// 0.34's front end (an --api-server-count server) that died while the engine started:
		// "Frontend process failed during engine core initialization. See root cause above."
		strings.Contains(text, "Frontend process failed during engine core initialization") ||
		// vllm-omni's stage process gone before its handshake ("RuntimeError: StageDiffusionProc
		// died during handshake (exit code 1)"): the server does not start
		strings.Contains(text, "Proc died during handshake") ||
		// 0.5 and 0.6's API server when the RPC server's engine process died while it started
		// ("RPCServer process died before responding to readiness probe"): the same as 0.6's
		// later "Engine process failed to start"
		strings.Contains(text, "RPCServer process died before responding to readiness probe") {
		// V1's multiprocessing executor when a worker did not start (its cause in the worker's
		// events before it), and the worker's own record of it (worker_main, under its TP
		// rank's prefix): the engine does not start
		return KindEngineInit
	}
	if strings.Contains(text, "Engine") || strings.Contains(text, "errored already") {
		if strings.Contains(text, "Engine core initialization failed") || strings.Contains(text, "EngineCore failed to start.") ||
			// V0's API server when its MQLLMEngine process did not start (0.6 to 0.10)
			strings.Contains(text, "Engine process failed to start") {
			// every failed V1 start ends with it (the API server's), and the engine core's own
			// record of it holds the cause's traceback
			return KindEngineInit
		}
		if containsAny(text, "EngineDeadError", "Engine loop has died", "EngineCore encountered an issue",
			"Background loop has errored already", "MQLLMEngine is already dead", "Engine process (pid",
			"died unexpectedly",
			// V0's AsyncLLMEngine when its loop hangs or its task ends (0.4, 0.5): every request fails after it
			"Engine iteration timed out", "Engine background task failed") {
			return KindEngineDead
		}
	}
	// A worker's death takes its engine down: "Worker proc VllmWorker-0 died unexpectedly,
	// shutting down executor." (vllm-ascend's copy: "..., shutting down"; 2026: "died
	// unexpectedly (exit code: None), shutting down executor.")
	if strings.Contains(text, "Worker proc ") && strings.Contains(text, " died unexpectedly") ||
		// Ray's executor V2 (0.34): "RayWorkerProc rank=[3] died unexpectedly, shutting down
		// executor."
		strings.Contains(text, "WorkerProc ") && strings.Contains(text, " died unexpectedly, shutting down executor") ||
		// the worker's own record of the exception that ended its busy loop (0.34's
		// MultiprocExecutor: "WorkerProc failed.", its traceback under it): it tells the
		// executor, which shuts the engine down
		strings.Contains(text, "WorkerProc failed.") ||
		// the API server's client when the engine core's process is gone without a word (0.34:
		// "[shutdown] MPClient: engine core exited unexpectedly; starting cleanup", the kernel's
		// OOM killer's SIGKILL, a segfault): every request in flight fails
		strings.Contains(text, "engine core exited unexpectedly") ||
		// the API server's loop that pulls the engine's outputs (V1's AsyncLLM: a detokenizer's
		// IndexError, a lost engine): it marks the engine errored, every later request
		// EngineDeadError
		strings.Contains(text, "AsyncLLM output_handler failed") ||
		// the launcher of several API servers (--api-server-count) when one of its processes
		// died ("Exception occurred while running API servers: Process ApiServer_0 (PID: 359)
		// died with exit code 1"): it shuts the whole server down
		strings.Contains(text, "Exception occurred while running API servers") ||
		// V0's multiprocessing executor: "Worker VllmWorkerProcess pid 1234 died, exit code: -15"
		strings.Contains(text, "Worker VllmWorkerProcess pid ") && strings.Contains(text, " died, exit code: ") ||
		strings.Contains(text, "ot fatal signal from worker processes") || // 0.8's MultiprocExecutor, V1's core client
		// Ray's executor: its worker's actor (RayWorkerWrapper) died, its node or process gone
		strings.Contains(text, "ActorDiedError: The actor died unexpectedly") && strings.Contains(text, "RayWorkerWrapper") {
		return KindEngineDead
	}
	if strings.Contains(text, "no kernel image is available for execution on the device") ||
		// FlashAttention 2 on a GPU before Ampere (a T4, a V100): another attention backend
		strings.Contains(text, "FlashAttention only supports Ampere GPUs or newer") ||
		// vLLM's config refusing a quantization the GPU's capability cannot run ("The
		// quantization method mxfp4 is not supported for the current GPU. Minimum capability:
		// 100. Current capability: 86.": gpt-oss's MXFP4 on an RTX 3090)
		strings.Contains(text, "is not supported for the current GPU. Minimum capability: ") ||
		// an AMD kernel built for another gfx target (AITER's "mla_gluon requires gfx950
		// (CDNA4), got gfx942": an MI355X's kernel on an MI300)
		strings.Contains(text, " requires gfx") && strings.Contains(text, ", got gfx") ||
		// vLLM's CUTLASS kernels built for other capabilities ("No compiled cutlass_scaled_mm for
		// CUDA device capability: 120. Required capability: 90 or 100": an RTX 50 or RTX PRO
		// 6000; 0.4 to 0.9 wrote "No compiled cutlass_scaled_mm for a compute capability less
		// than CUDA device capability: 75", a Turing's, a Jetson Orin's), FlashInfer's and
		// DeepGEMM's refusal of the GPU ("Error in function 'TllmGenFmhaRunner' at ...:
		// Unsupported architecture", "Assertion error (.../attention.hpp:219): Unsupported
		// architecture")
		strings.Contains(text, "No compiled cutlass_") && strings.Contains(text, "CUDA device capability") ||
		strings.Contains(text, "): Unsupported architecture") || strings.Contains(text, ": Unsupported architecture") && strings.Contains(text, "Error in function '") ||
		strings.Contains(text, "HIP error: invalid device function") || strings.Contains(text, "ROCm error: invalid device function") || // (ggml-cuda built for HIP)
		strings.Contains(text, "hipErrorNoBinaryForGpu") || // the HIP runtime finding no code object for the GPU's gfx target
		strings.Contains(text, "OpError: expects arch to be one of [") ||
		// the ptxas Triton bundles that does not know the GPU ("ptxas fatal   : Value 'sm_121a'
		// is not defined for option 'gpu-name'": a GB10 under an older Triton)
		strings.Contains(text, "is not defined for option 'gpu-name'") {
		// the kernel has no code for this GPU's architecture (cudaErrorNoKernelImageForDevice, a
		// wheel or image built without sm_100 or sm_120; hipErrorInvalidDeviceFunction, a gfx
		// target not built; a CUTLASS DSL kernel's admissible archs): another image or backend
		return KindUnsupportedArch
	}
	if cudaErrorWords(text) || strings.Contains(text, "CUBLAS_STATUS_") || strings.Contains(text, "Cuda failure ") ||
		strings.Contains(text, "Cuda error ") || // vLLM's custom all-reduce's CUDACHECK: "Failed: Cuda error <file>:<line> '<error>'"
		strings.Contains(text, "Failed: ") && strings.Contains(text, "custom_all_reduce.cu") || // (before 2024: "Failed: <file>:<line> '<error>'")
		strings.HasPrefix(text, "CUDA Error: ") || // flashinfer's check: "CUDA Error: an illegal memory access was encountered (CUDA Error: 700...)"
		strings.Contains(text, "CUDA_ERROR_") || // the driver API's names (gpu-burn's "Error: CUDA_ERROR_UNKNOWN")
		strings.Contains(text, "CUDA driver error") || strings.Contains(text, "Triton Error [CUDA]") ||
		strings.Contains(text, "CUDA runtime error") || // TensorRT-LLM's check of a runtime API call
		strings.Contains(text, "Error Code 1: Cuda Runtime (") || // TensorRT's ("[TRT] [E] ... Error Code 1: Cuda Runtime (an illegal memory access was encountered)")
		// FlashInfer's kernels naming CUDA's error in their own words ("TopPSamplingFromProbs
		// failed with error code an illegal memory access was encountered")
		strings.Contains(text, " failed with error code an illegal memory access") ||
		// the same failures on AMD GPUs: torch's HIP errors, the ROCm runtime's memory fault
		strings.Contains(text, "HIP error: ") || strings.Contains(text, "ROCm error: ") || strings.Contains(text, "Memory access fault by GPU node") ||
		strings.Contains(text, "HW Exception by GPU node") || strings.Contains(text, "aborting with error : HSA_STATUS_ERROR") ||
		// and on Intel's: an XPU's Level Zero runtime ("level_zero backend failed with error: 20
		// (UR_RESULT_ERROR_DEVICE_LOST)"; its memory's is xpu_oom, above), a Gaudi's Synapse
		// ("synStatus=26 [Generic failure] Device acquire failed.")
		strings.Contains(text, "level_zero backend failed with error: ") || strings.Contains(text, "UR_RESULT_ERROR_DEVICE_LOST") ||
		strings.Contains(text, "synStatus=") && strings.Contains(text, "Device acquire failed") || strings.Contains(text, synapseCritical) ||
		// and on an Ascend NPU's: the ACL runtime's failed stream or device synchronize, the
		// device's error code after it ("ACL stream synchronize failed, error code:507035",
		// "NPU function error: AclrtSynchronizeDeviceWithTimeout, error code is 507013")
		strings.Contains(text, "ACL stream synchronize failed") || strings.Contains(text, "NPU function error: AclrtSynchronizeDevice") {
		// illegal memory access, launch failure, ECC: look for an Xid on the node (NCCL writes
		// "Cuda failure 3 'initialization error'")
		return KindCUDA
	}
	if strings.Contains(text, "maximum context length is") || strings.Contains(text, "'max_tokens' or 'max_completion_tokens' is too large") ||
		strings.Contains(text, "is longer than the maximum model length of") || strings.Contains(text, "tokens) is too long and exceeds limit of") {
		// a request the server refused for its length (the OpenAI-style 400 "This model's
		// maximum context length is 8192 tokens ...", V1's "The decoder prompt (length 9000) is
		// longer than the maximum model length of 8192", V0's scheduler's "Input prompt (2715
		// tokens) is too long and exceeds limit of 2560"): the client's, not the server's
		return KindContextLength
	}
	if strings.Contains(text, "in `--limit-mm-per-prompt`, but passed ") ||
		// 0.7's words for the same limit ("You set image=2 (or defaulted to 1) in
		// `--limit-mm-per-prompt`, but passed 3 image items in the same prompt.")
		strings.HasPrefix(text, "At most ") && (strings.Contains(text, "(s) may be provided in one prompt") || strings.Contains(text, "(s) may be provided in one request")) ||
		strings.Contains(text, "exceeds the pre-allocated encoder cache size") ||
		strings.Contains(text, ": At most ") && strings.Contains(text, "(s) may be provided in one ") {
		// a multimodal request over the server's limits (multimodal/processing: "At most 1
		// image(s) may be provided in one prompt." (before 2025, "... in one request."); the
		// input processor's "... with 2401 embedding tokens, which exceeds the pre-allocated
		// encoder cache size 2048"): refused with a 400, the client's (or the limit's)
		return KindMMLimit
	}
	if containsAny(text, "torch._dynamo.exc.", "torch._inductor.exc.", "BackendCompilerFailed", "triton.compiler.errors.") {
		// torch.compile's failure, by its exception's class: Dynamo's or Inductor's, Triton's
		// compiler's: the model's graph did not compile (at start, or at a shape's first
		// request); --enforce-eager runs without it. A known cause under it (CUDA's memory or
		// errors) wins above; the engine that did not start after it is this class. (Not a
		// traceback through vLLM's compilation package alone: every compiled forward's is.)
		return KindCompile
	}
	if (strings.Contains(text, "EngineCore hit an exception") || strings.HasPrefix(text, "Process EngineCore") ||
		strings.Contains(text, "\nProcess EngineCore")) && strings.Contains(text, "engine_core = ") &&
		strings.Contains(text, "EngineCoreProc(") {
		// 0.8's record of the exception, or multiprocessing's "Process EngineCore:" over the
		// uncaught one, whose frame under run_engine_core is the engine's constructor
		// ("engine_core = EngineCoreProc(*args, **kwargs)", DPEngineCoreProc's): it never
		// started, its busy loop did not die
		return KindEngineInit
	}
	if strings.Contains(text, "in run_engine_core") && strings.Contains(text, "engine_core = ") && strings.Contains(text, "EngineCoreProc(") {
		// V1's engine core process read without its "Process EngineCore:" line (a traceback
		// from its middle): its frame under run_engine_core is the engine's constructor, as V0's
		// below
		return KindEngineInit
	}
	if strings.Contains(text, "in run_engine_core") && strings.Contains(text, "engine_core.run_busy_loop()") {
		// V1's engine core read from the middle of its traceback, through its busy loop
		// (run_engine_core's frame, then "engine_core.run_busy_loop()"): what the loop raised
		// (a step's exception, the executor's "TimeoutError: RPC call to execute_model timed
		// out." when a worker hangs) ended the engine, whose record was cut off
		return KindEngineDead
	}
	if strings.Contains(text, "in run_mp_engine") && strings.Contains(text, "engine = MQLLMEngine.from_") {
		// V0's engine process (0.6 to 0.9) logging what its constructor raised
		// ("engine = MQLLMEngine.from_vllm_config(" or ".from_engine_args(" under
		// run_mp_engine's frame): the engine never started
		return KindEngineInit
	}
	if strings.Contains(text, "EngineCore encountered a fatal error") || strings.Contains(text, "EngineCore hit an exception") ||
		// multiprocessing's "Process EngineCore_0:" over the exception that ended the engine
		// core's busy loop (its frames through run_busy_loop): the engine died running
		(strings.HasPrefix(text, "Process EngineCore") || strings.Contains(text, "\nProcess EngineCore")) &&
			strings.Contains(text, "run_busy_loop") {
		// the engine core's own record of the exception that kills it (V1's, 0.8's), with the
		// traceback: the engine is dead after it, whatever the exception (a known cause's class
		// wins above)
		return KindEngineDead
	}
	if strings.Contains(text, "c10::DistBackendError") {
		// c10d's error of the process group's backend, NCCL's on a GPU, which kills the process
		// when nothing catches it: "terminate called after throwing an instance of
		// 'c10::DistBackendError'", its what() not always kept (a CUDA error it carries wins above)
		return KindNCCL
	}
	return requestOutputKind(text)
}

// requestOutputKind classes a failure of a request's output that no cause above names: its
// grammar backend's (a traceback through vLLM's structured-output or V0's guided-decoding
// modules, xgrammar's refusal of a token) or its tool-call parser's.
func requestOutputKind(text string) string {
	switch {
	case strings.Contains(text, "Failed to advance FSM for request") || strings.Contains(text, "grammar rejected tokens") ||
		strings.Contains(text, "/structured_output/") || strings.Contains(text, "/guided_decoding/"):
		return KindStructuredOutput
	case strings.Contains(text, "Error in extracting tool call") || strings.Contains(text, "Error trying to handle streaming tool call") ||
		strings.Contains(text, "HarmonyError") ||
		// a traceback through a tool parser's reading of the model's output, whatever words
		// its parser logs it under (GLM-4.5's "Failed to extract tool call spec")
		strings.Contains(text, "_tool_parser.py\", line ") && strings.Contains(text, ", in extract_tool_calls"):
		return KindToolParse
	}
	return ""
}

// hsaFault reports whether b is the ROCm runtime's report of a GPU fault that aborts the process,
// printed bare on stderr: "Memory access fault by GPU node-5 (Agent handle: 0x460e3a50) on address
// 0x7ec4dfe0e000. Reason: Write access to a read-only page.", "HW Exception by GPU node-1 (Agent
// handle: 0x5b522e50) reason :GPU Hang" (an AMD GPU's illegal memory access or hang).
//
// So too an Intel Gaudi's Synapse runtime before it kills the process: "Synapse detected a device
// critical error that requires a restart. Killing process in 5 seconds (hl: 6) 10:29:11 [No
// progress error]" (one line per device).
func hsaFault(b string) bool {
	return strings.HasPrefix(b, "Memory access fault by GPU node") || strings.HasPrefix(b, "HW Exception by GPU node") ||
		HSAQueueAbort(b) || strings.HasPrefix(b, synapseCritical)
}

const synapseCritical = "Synapse detected a device critical error"

// HSAQueueAbort reports whether b is ROCclr's report of a queue the ROCm runtime aborted for a
// GPU fault (":0:rocdevice.cpp            :3675: 2139490044663 us:  Callback: Queue 0x7ee7b4200000
// aborting with error : HSA_STATUS_ERROR_MEMORY_APERTURE_VIOLATION: ..."), which the kernel's
// name and its dispatch's lines follow.
func HSAQueueAbort(b string) bool {
	return strings.Contains(b, " aborting with error : HSA_STATUS_ERROR")
}

// hostOOM reports whether an out-of-memory text is the host's, not a GPU's: Ray's task killed
// as the node ran low, a JVM's heap, Python's MemoryError.
func hostOOM(text string) bool {
	return strings.Contains(text, "ray.exceptions.OutOfMemoryError") || strings.Contains(text, "java.lang.OutOfMemoryError") ||
		strings.HasPrefix(text, "MemoryError") || strings.Contains(text, "node running low on memory") ||
		// Ray 2.0's memory monitor killing a task for the node's RAM: "System memory low at node
		// with IP 172.17.0.2. Used memory (23.63GB) / total capacity (33.28GB) ... to avoid
		// running out of memory."
		strings.Contains(text, "System memory low at node")
}

func containsAny(s string, subs ...string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

// firstLine is s up to its first line break.
func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// cudaErrorWords reports whether text names a CUDA error ("CUDA error: an illegal memory access
// was encountered"), not only warns of some ("... may lead to incorrect model outputs or CUDA
// errors": vLLM refusing a max_model_len above the model's).
func cudaErrorWords(text string) bool {
	for i := 0; ; {
		j := strings.Index(text[i:], "CUDA error")
		if j < 0 {
			return false
		}
		i += j + len("CUDA error")
		if i == len(text) || text[i] != 's' {
			return true
		}
	}
}

// emptyMessage reports whether line is an exception's line whose message is empty on it, a
// class and its colon ("ImportError: ", "sgl_kernel.load_utils.LoadError:").
func emptyMessage(line string) bool {
	t, ok := strings.CutSuffix(strings.TrimRight(line, " "), ":")
	if !ok || t == "" || strings.IndexByte(t, ' ') >= 0 {
		return false
	}
	word := t[strings.LastIndexByte(t, '.')+1:]
	return (strings.HasSuffix(word, "Error") || strings.HasSuffix(word, "Exception")) && identifier(word)
}
