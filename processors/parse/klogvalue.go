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
	if l.Header != "" || len(b) < 24 || !strings.HasSuffix(b, "=<") {
		return false
	}
	switch b[0] {
	case 'I', 'W', 'E', 'F':
	default:
		return false
	}
	return b[1] >= '0' && b[1] <= '9' && b[5] == ' ' && strings.IndexByte(b, ']') > 0
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
