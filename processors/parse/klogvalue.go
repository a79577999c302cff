package parse

import (
	"strings"

	"github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/parsers/vllm"
)

// klog writes a structured value that spans lines (a stack trace, a config dump) as
// `key=<` at the end of the line, then the value's lines each indented with a tab, then ` >`
// alone. One event per line of such a value would bury the message that carries it.

// klogValueStart reports whether a line is a klog line whose last value spans the next lines.
func klogValueStart(l *vllm.Line) bool {
	b := l.Body
	return l.Header == "" && len(b) >= 24 && strings.HasSuffix(b, "=<") && klogHeader(b)
}

// klogValueAccept reports whether l continues the value, and whether it closes it.
func klogValueAccept(l *vllm.Line) (ok, done bool) {
	b := l.Body
	switch {
	case l.Header != "":
		return false, false
	case b == " >" || b == ">" || strings.HasPrefix(b, " > "): // the pairs after the value go on: " > ipFamily=\"IPv6\""
		return true, true
	case len(b) > 0 && b[0] == '\t' || strings.HasPrefix(b, "  "):
		// (a copy that expanded the tab shows the lines under spaces)
		return true, false
	}
	return false, false
}

// klog.Infof("\nRunning with config:\n%s", ...) writes a header with no message and the message on
// the lines after it, unindented: the device plugin, GFD and the MPS control daemon dump their
// whole configuration as JSON at every start that way. The lines up to the next klog header
// are that message.

// klogMessageStart reports whether a line is a klog header whose message is empty, or one whose
// message opens a JSON object or array at its end and prints it indented under it (the SR-IOV
// device plugin's "raw ResourceList: {").
func klogMessageStart(l *vllm.Line) bool {
	b := strings.TrimRight(l.Body, " ")
	if l.Header != "" || len(b) <= 20 {
		return false
	}
	last := b[len(b)-1]
	// a header alone, a value opened, or a message that introduces what its lines hold (the GCS
	// FUSE sidecar's "gcsfuse config file content:" and the YAML under it)
	return (strings.IndexByte(b, ']') == len(b)-1 || last == '{' || last == '[' || last == ':' && strings.HasSuffix(b, " content:") ||
		strings.Contains(b, "&{") && openValue(b)) && klogHeader(b) ||
		// a C++ program's glog error whose message ends in ": " before what it quotes on the
		// lines under it (Triton's "failed to load 'm' version 1: Internal: load failed for
		// libtorch model -> 'm': ", then TorchScript's error over its source lines)
		strings.HasSuffix(l.Body, ": ") && glogNativeStart(l)
}

// openValue reports whether a Go value printed with %+v ("&{Source:... Conditions:[{...
// Message:Unable to determine the device handle for GPU0000:00:1B.0: Unknown Error") is left
// open at the line's end: a string inside it held a line break (node-problem-detector's
// "New status generated: &{...}" quoting NVML's error), and its lines go on to the brackets
// that close it.
func openValue(b string) bool {
	depth := 0
	for i := strings.Index(b, "&{"); i < len(b); i++ {
		switch b[i] {
		case '{', '[':
			depth++
		case '}', ']':
			depth--
		}
	}
	return depth > 0
}

// tritonConfigStart reports whether l is Triton's glog line over the model config it
// completed ("I0523 23:56:44.564507 1 model_config_utils.cc:645] Server side auto-completed
// config: name: \"m\""), its fields on the lines under it in protobuf's text form ("input {",
// "  name: \"INPUT__0\"", "}") up to a blank line.
func tritonConfigStart(l *vllm.Line) bool {
	return l.Header == "" && l.Proc == "" && strings.Contains(l.Body, "] Server side auto-completed config: ") && klogHeader(l.Body)
}

// glogNativeStart reports whether l is a C++ program's glog error (its location a .cc or .cpp
// file: Triton's) that may quote a torch error, whose c10 stack follows it without a header
// ("E0301 02:32:37.097455 25 model_repository_manager.cc:1215] failed to load 'm' version 1:
// Internal: ... CUDA error: unknown error", then "Exception raised from ... (most recent call
// first):" and its frames).
func glogNativeStart(l *vllm.Line) bool {
	b := l.Body
	if l.Header != "" || l.Proc != "" || len(b) <= 30 || (b[0] != 'E' && b[0] != 'F') || !klogHeader(b) ||
		strings.Contains(b, "[TensorRT-LLM]") { // (its numbered native frames: modeIndented's)
		return false
	}
	end := strings.IndexByte(b[:min(len(b), 120)], ']')
	if end < 0 {
		return false
	}
	loc := b[strings.LastIndexByte(b[:end], ' ')+1 : end]
	return strings.Contains(loc, ".cc:") || strings.Contains(loc, ".cpp:")
}

// klogMessageAccept reports whether l goes on with such a message: any line but another klog
// header (or a line of another format's header).
func klogMessageAccept(l *vllm.Line) bool {
	return l.Header == "" && l.Proc == "" && !klogHeader(l.Body)
}

// aws-sdk-go's errors print what caused them on lines of their own (awserr.SprintError:
// "%s\n\t%s" for the request's status and id, "%s\ncaused by: %s" for the cause), so a CSI
// driver's klog error about a failed AWS call (EFS, FSx, S3) ends with the reason on a line
// without a header: "caused by: context canceled".

// klogCauseStart reports whether a line is a Go program's klog error or warning, which such
// lines may follow; not under a vLLM process prefix (torch's C++ warnings).
func klogCauseStart(l *vllm.Line) bool {
	b := l.Body
	if l.Header != "" || l.Proc != "" || len(b) <= 22 || (b[0] != 'E' && b[0] != 'W') || !klogHeader(b) {
		return false
	}
	// a Go program's (the AWS SDK is Go's): its location is a .go file, where a C++ library's
	// glog line in a vLLM pod (Mooncake's transfer engine) names a .cpp one
	end := strings.IndexByte(b[:min(len(b), 120)], ']')
	return strings.Contains(b[strings.LastIndexByte(b[:end], ' ')+1:end], ".go:")
}

// klogCauseAccept reports whether l is a line of an AWS SDK error's cause or request status.
func klogCauseAccept(l *vllm.Line) bool {
	return l.Header == "" && l.Proc == "" &&
		(strings.HasPrefix(l.Body, "caused by: ") || strings.HasPrefix(l.Body, "\tstatus code: "))
}

// klogHeader reports whether b starts with klog's "I1205 08:11:20.947962     221 file.go:363]".
func klogHeader(b string) bool { return parseutil.KlogHeader(b) }

// mount-utils (the kubelet's and the CSI drivers' mounter) reports a failed mount as one
// message of several lines: "mount failed: exit status 32", "Mounting command: mount",
// "Mounting arguments: -t lustre ...", "Output: <what mount printed>", the output's further
// lines. The kubelet and the CSI drivers log it in a klog line, or inside the gRPC error that
// wraps it, so that the cause (the output) comes on lines of their own.

// mountFailureStart reports whether a line is a klog line reporting a failed mount.
func mountFailureStart(l *vllm.Line) bool {
	if l.Header != "" {
		return false
	}
	if klogHeader(l.Body) {
		return strings.Contains(l.Body, "ount failed") || strings.Contains(l.Body, "Could not mount")
	}
	// the kubelet's FailedMount event as kubectl prints it, the same lines under its row in
	// the event's note ("  Warning  FailedMount  102s  kubelet  MountVolume.SetUp failed for
	// volume \"nfs\" : mount failed: exit status 32", then "Mounting command: mount", ...)
	return strings.Contains(l.Body, "  FailedMount  ") && strings.Contains(l.Body, "ount failed: exit status ")
}

// mountFailureAccept reports whether l goes on with the mount's message, given whether its
// "Output: " line came already (output), whether it is that line now, and whether it ends the
// message: the empty line the output ends with.
func mountFailureAccept(l *vllm.Line, output bool) (ok, isOutput, done bool) {
	if l.Header != "" || l.Proc != "" {
		return false, false, false
	}
	b := l.Body
	switch {
	case strings.HasPrefix(b, "Mounting command: "), strings.HasPrefix(b, "Mounting arguments: "):
		return !output, false, false
	case strings.HasPrefix(b, "Output: "):
		return !output, true, false
	case output && b == "":
		return true, false, true
	}
	// the output's further lines, up to the next record
	return output && !klogHeader(b), false, false
}

// A fatal glog or Abseil record (LOG(FATAL), a failed CHECK: "F0912 11:59:01.941641 741969
// shape_tree.cc:54] Check failed: ...") is followed by the stack its failure handler prints,
// "*** Check failure stack trace: ***" then "    @     0x7f0e2365c1d4  symbol" per frame; XLA's
// internal errors (TensorFlow's header: "... E external/xla/xla/status_macros.cc:56] INTERNAL:
// RET_CHECK failure ...") print "*** Begin stack trace ***", the frames indented with a tab, and
// "*** End stack trace ***". The record and its stack are one event.

// glogStackStart reports whether b is a fatal glog record, or an XLA RET_CHECK failure, which a
// stack may follow.
func glogStackStart(b string) bool {
	if klogHeader(b) {
		return b[0] == 'F' || b[0] == 'E' && strings.Contains(b, "] INTERNAL: RET_CHECK failure")
	}
	// TensorFlow's own header: "2024-07-17 11:40:54.103908: E path:line] ..."
	return tfHeader(b) && (b[28] == 'F' || b[28] == 'E' && strings.Contains(b, "] INTERNAL: RET_CHECK failure"))
}

// glogStackAccept reports whether l goes on with such a record, and whether it closes it. phase
// is the group's state (group.msg), which it moves on: glogStart, up to the stack's header (an
// XLA_CHECK_OK's "Status: INTERNAL: ..." line comes first, its cause); glogXLA, inside XLA's
// "*** Begin stack trace ***" (frames indented by a tab, or by spaces where a copy expanded it);
// glogAfterXLA, after its "*** End stack trace ***", where the fatal record's last words ("Failed
// to await future from buffer to literal inTransferFromDevice") and absl's check-failure stack
// may follow; glogCheck, inside "*** Check failure stack trace: ***" ("    @     0x... symbol").
func glogStackAccept(l *vllm.Line, phase *int, fatal bool) (ok, done bool) {
	b := l.Body
	if l.Header != "" {
		return false, false
	}
	switch *phase {
	case glogStart:
		switch {
		case b == "*** Check failure stack trace: ***":
			*phase = glogCheck
			return true, false
		case b == "*** Begin stack trace ***":
			*phase = glogXLA
			return true, false
		}
		return strings.HasPrefix(b, "Status: ") && len(b) > len("Status: "), false
	case glogXLA:
		if b == "*** End stack trace ***" {
			*phase = glogAfterXLA
			return true, !fatal // an XLA internal error's record ends with its stack
		}
		return len(b) > 1 && (b[0] == '\t' || strings.HasPrefix(b, "        ")), false
	case glogAfterXLA, glogAfterXLA + 1:
		if b == "*** Check failure stack trace: ***" {
			*phase = glogCheck
			return true, false
		}
		if *phase == glogAfterXLA && b != "" && b[0] != ' ' && b[0] != '\t' && b[0] != '[' && !klogHeader(b) &&
			b != vllm.TracebackHeader {
			*phase++ // one line of the record's message, at most
			return true, false
		}
		return false, false
	}
	return strings.HasPrefix(b, "    @ ") || b == "    ..." || len(b) > 1 && b[0] == '\t', false
}

// glogFatal reports whether b, a glogStackStart line, is a fatal record (LOG(FATAL), a failed
// CHECK), after whose stack the process dies: its message may go on after XLA's stack.
func glogFatal(b string) bool {
	return klogHeader(b) && b[0] == 'F' || tfHeader(b) && b[28] == 'F'
}

// goFatalMessage reports whether b may be a line of a Go fatal record's message, between its
// header and the goroutines' stacks: text, not a stack's header, a frame or another record.
func goFatalMessage(b string) bool {
	return b != "" && b[0] != ' ' && b[0] != '\t' && b[0] != '*' && !goroutineHeader(b) && !klogHeader(b) &&
		!strings.HasPrefix(b, "panic: ")
}

// glogStackAccept's phases.
const (
	glogStart = iota
	glogXLA
	glogAfterXLA // and glogAfterXLA + 1 after a line of the record's message
	glogCheck    = glogAfterXLA + 2
)

// Two native records whose message goes on over lines without a header: the BFC allocator's
// statistics when an allocation fails (tsl's bfc_allocator.cc logs "Stats: " and, under it,
// "Limit:  89.77GiB", "InUse:  81.00GiB", ... one per line: what filled the GPU), and
// TensorFlow's CPU feature notice, whose second line says how to rebuild.

// nativeMessageStart reports whether b is such a record's first line.
func nativeMessageStart(b string) bool {
	if !klogHeader(b) && !tfHeader(b) {
		return false
	}
	return strings.HasSuffix(strings.TrimRight(b, " "), "] Stats:") ||
		strings.HasSuffix(b, "] This TensorFlow binary is optimized to use available CPU instructions in performance-critical operations.")
}

// nativeMessageAccept reports whether l goes on with such a record.
func nativeMessageAccept(l *vllm.Line) bool {
	b := l.Body
	if l.Header != "" || l.Proc != "" {
		return false
	}
	if strings.HasPrefix(b, "To enable the following instructions: ") {
		return true
	}
	// "Limit:                        89.77GiB": a statistic's name, a colon, spaces, its value
	name, value, ok := strings.Cut(b, ":")
	if !ok || name == "" || !strings.HasPrefix(value, " ") || strings.TrimLeft(value, " ") == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// tfHeader reports whether b starts with TensorFlow's own header, "2024-07-17 11:40:54.103908: E ".
func tfHeader(b string) bool {
	return len(b) > 30 && b[4] == '-' && b[7] == '-' && b[10] == ' ' && b[26] == ':' && b[27] == ' ' && b[29] == ' ' &&
		strings.IndexByte("IWEF", b[28]) >= 0
}
