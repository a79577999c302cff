package parse

import (
	"strings"

	"github.com/sluice-dev/sluice/parsers/nvidia_xid"
	"github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/parsers/vllm"
)

// nvidia-installer, which the GPU operator's driver container runs, wraps a long message under
// its text:
//
//	ERROR: Unable to load the kernel module 'nvidia.ko'.  This happens most
//	       frequently when this kernel module was built against the wrong or
//	       improperly configured kernel sources, ...
//
// One event keeps the reason with the error, at the error's level.

// wrappedStart returns the "ERROR: " or "WARNING: " that opens such a message, or "".
func wrappedStart(body string) string {
	for _, p := range [...]string{"ERROR: ", "WARNING: "} {
		if strings.HasPrefix(body, p) && len(body) > len(p) && body[len(p)] != ' ' {
			return p
		}
	}
	return ""
}

// wrappedAccept reports whether body goes on with a message whose text starts at column indent
// (wrapIndent); prev is the line before it, first the message's first line.
func wrappedAccept(body, prev, first string, indent int) bool {
	if strings.TrimLeft(body, " ") == "" {
		// a paragraph break (nvidia-installer's, before "Please see the log entries ..."): the
		// indent alone, or a blank line after a wrapped text or the installer's failure to load
		// its module printed unwrapped; one, after the message's text
		return strings.TrimLeft(prev, " ") != "" && (len(body) == indent || prev != first || strings.Contains(first, "Unable to load the kernel module"))
	}
	if strings.TrimLeft(prev, " ") == "" && strings.HasPrefix(body, "Please see the log entries ") {
		return true // the installer's last paragraph at the margin: its message printed unwrapped
	}
	return wrapIndent(body, indent)
}

// wrapIndent reports whether body is a wrapped line of a message whose text starts at column
// indent: indented by as many spaces, or by a few more (a build that indents its wrap past
// "ERROR: ", "         /var/log/nvidia-installer.log for details."; DKMS's output quoted
// under "ERROR: Failed to run '/usr/sbin/dkms build ...':"), text after the spaces.
func wrapIndent(body string, indent int) bool {
	n := len(body) - len(strings.TrimLeft(body, " "))
	return n >= indent && n <= indent+6 && n < len(body)
}

// bootstrapCheck reports whether b is one of the failures Elasticsearch lists under "ERROR: [1]
// bootstrap checks failed": "[1]: max virtual memory areas vm.max_map_count [65530] is too low,
// ...", 8.x's "bootstrap check failure [1] of [1]: ...", and its last lines ("ERROR:
// Elasticsearch did not exit normally" is a record of its own).
func bootstrapCheck(b string) bool {
	if strings.HasPrefix(b, "bootstrap check failure [") {
		return true
	}
	end := strings.Index(b[:min(len(b), 8)], "]: ")
	if end < 2 || b[0] != '[' {
		return false
	}
	for _, c := range b[1:end] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// Fabric Manager (and the IMEX daemon) write a record's further lines without a header: an
// inband message's payload, and the "key : value" lines of a GPU's NVLink fatal error on a
// GB200 rack:
//
//	[Oct 13 2025 18:14:38] [ERROR] [tid 202] Fabric Manager detected GPU NVL Fatal error on :
//	moduleId : 3
//	gpuGuid : 0xED0A8727AFC3C6F9
//
// A blank line ends a record.

func fabricStart(body string) bool {
	_, _, _, _, ok := nvidia_xid.FabricHeader(body)
	return ok
}

// otherRecord reports whether b opens a record of another format that shares the stream (the DRA
// driver's ComputeDomain daemon prints IMEX's records and its own klog lines): a klog header, or
// a line that starts with a date.
func otherRecord(b string) bool {
	if klogHeader(b) {
		return true
	}
	if _, _, ok := parseutil.RFC3339(b); ok {
		return true
	}
	_, _, ok := parseutil.StdLog(b)
	return ok
}

// fabricAccept reports whether l goes on with the record before it, and whether it ends it.
func fabricAccept(l *vllm.Line) (ok, done bool) {
	if l.Header != "" || l.Proc != "" || fabricStart(l.Body) || otherRecord(l.Body) {
		return false, false
	}
	if strings.TrimSpace(l.Body) == "" {
		return true, true
	}
	return true, false
}
