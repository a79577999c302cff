package parse

import (
	"strings"

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
	case b == " >" || b == ">":
		return true, true
	case len(b) > 0 && b[0] == '\t':
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
	return (strings.IndexByte(b, ']') == len(b)-1 || last == '{' || last == '[') && klogHeader(b)
}

// klogMessageAccept reports whether l goes on with such a message: any line but another klog
// header (or a line of another format's header).
func klogMessageAccept(l *vllm.Line) bool {
	return l.Header == "" && l.Proc == "" && !klogHeader(l.Body)
}

// klogHeader reports whether b starts with klog's "I1205 08:11:20.947962     221 file.go:363]".
func klogHeader(b string) bool {
	if len(b) < 22 {
		return false
	}
	switch b[0] {
	case 'I', 'W', 'E', 'F':
	default:
		return false
	}
	return b[1] >= '0' && b[1] <= '9' && b[5] == ' ' && b[8] == ':' && strings.IndexByte(b[:min(len(b), 120)], ']') > 0
}

// mount-utils (the kubelet's and the CSI drivers' mounter) reports a failed mount as one
// message of several lines: "mount failed: exit status 32", "Mounting command: mount",
// "Mounting arguments: -t lustre ...", "Output: <what mount printed>", the output's further
// lines. The kubelet and the CSI drivers log it in a klog line, or inside the gRPC error that
// wraps it, so that the cause (the output) comes on lines of their own.

// mountFailureStart reports whether a line is a klog line reporting a failed mount.
func mountFailureStart(l *vllm.Line) bool {
	return l.Header == "" && klogHeader(l.Body) &&
		(strings.Contains(l.Body, "ount failed") || strings.Contains(l.Body, "Could not mount"))
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
