package parse

import (
	"strings"

	"github.com/sluice-dev/sluice/parsers/vllm"
)

// A Rust program that returns an anyhow error from main (mount-s3, the Mountpoint CSI driver's
// mounter; text-generation-launcher) prints its chain of causes under it, the root cause last:
//
//	Error: Failed to create S3 client
//
//	Caused by:
//	    0: initial ListObjectsV2 failed for bucket ... in region us-east-1
//	    1: Client error
//
// and, with RUST_BACKTRACE set, "Stack backtrace:" and its indented frames. One report, one event.

// anyhowStart reports whether a line opens such a report.
func anyhowStart(l *vllm.Line) bool {
	return l.Header == "" && l.Proc == "" && strings.HasPrefix(l.Body, "Error: ") && len(l.Body) > len("Error: ")
}

// anyhowAccept reports whether l goes on with the report, given how many lines it has after
// its first: the empty line under the error, "Caused by:" or "Stack backtrace:", the indented
// causes and frames.
func anyhowAccept(l *vllm.Line, parts int) bool {
	if l.Header != "" || l.Proc != "" {
		return false
	}
	b := l.Body
	switch {
	case b == "":
		return parts < maxMessageLines
	case b == "Caused by:" || b == "Stack backtrace:":
		return true
	case strings.HasPrefix(b, "   "): // the causes under "Caused by:" (four spaces), backtrace frames (three and more)
		return parts > 0 && parts < maxMessageLines
	}
	return false
}
