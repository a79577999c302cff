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

// anyhowStart reports whether a line opens such a report: "Error: ...", or a tracing error
// whose message ends in the error formatted with {:?}, its chain under it (NVIDIA Dynamo's
// runtime: "ERROR dynamo_runtime::worker: Application shutdown with error: Failed to connect to
// etcd server ...", then "Caused by:" and the refused connection).
func anyhowStart(l *vllm.Line) bool {
	if l.Header != "" || l.Proc != "" {
		return false
	}
	if strings.HasPrefix(l.Body, "Error: ") && len(l.Body) > len("Error: ") {
		return true
	}
	target, msg, ok := strings.Cut(strings.TrimPrefix(l.Body, "ERROR "), ": ")
	return ok && len(target) < len(l.Body) && strings.HasPrefix(l.Body, "ERROR ") && strings.Contains(target, "::") &&
		strings.IndexByte(target, ' ') < 0 && strings.Contains(msg, "error: ")
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
