package parse

import (
	"strings"

	"github.com/sluice-dev/sluice/parsers/vllm"
)

// The kernel reports a warning, oops, hung task or soft lockup with a register dump and a call
// trace, one line each (after a GPU fault, its frames name the nvidia module). Each line as an
// event would bury the report; these rules keep it one event. Lines may carry dmesg's time
// since boot ("[ 5873.238880] "), which the syslog framing leaves in place.

// kernelReportStart reports whether a kernel line opens such a report.
func kernelReportStart(l *vllm.Line) bool {
	if l.Header != "" {
		return false
	}
	t := sinceBoot(l.Body)
	return t == "Call Trace:" || strings.HasPrefix(t, "WARNING: CPU: ") || strings.HasPrefix(t, "BUG: ") ||
		strings.HasPrefix(t, "INFO: task ") && strings.Contains(t, " blocked for more than ") ||
		strings.HasPrefix(t, "Oops: ") || strings.HasPrefix(t, "general protection fault")
}

// kernelReportAccept reports whether l continues a kernel report.
func kernelReportAccept(l *vllm.Line) bool {
	if l.Header != "" {
		return false
	}
	t := sinceBoot(l.Body)
	if t == "" || t[0] == ' ' || t[0] == '\t' {
		return t != "" // frames are indented; a blank line ends the report
	}
	for _, p := range kernelReportLines {
		if strings.HasPrefix(t, p) {
			return true
		}
	}
	return false
}

// kernelReportLines start the unindented lines of a report after its first.
var kernelReportLines = [...]string{"Call Trace:", "<TASK>", "</TASK>", "<IRQ>", "</IRQ>", "RIP: ", "RSP: ",
	"RAX: ", "RDX: ", "RBP: ", "R10: ", "R13: ", "FS: ", "CS: ", "CR2: ", "Code: ", "Modules linked in:",
	"CPU: ", "Hardware name: ", "Workqueue: ", "---[ end trace", "\"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\""}

// sinceBoot returns s without dmesg's "[ 5873.238880] " in front.
func sinceBoot(s string) string {
	if len(s) < 4 || s[0] != '[' {
		return s
	}
	end := strings.IndexByte(s[:min(len(s), 24)], ']')
	if end < 3 || strings.IndexByte(s[1:end], '.') < 0 || strings.Trim(s[1:end], " +.0123456789") != "" {
		return s
	}
	return strings.TrimPrefix(s[end+1:], " ")
}
