package parse

import (
	"strings"

	"github.com/sluice-dev/sluice/parsers/vllm"
)

// torch's Python logging (TORCH_LOGS, its warnings) writes glog's header, a Python file for the
// location, and repeats the header on every line of a record of several lines:
//
//	W0110 12:27:06.332000 158 torch/_dynamo/convert_frame.py:1551] [2/8] torch._dynamo hit config.recompile_limit (8)
//	W0110 12:27:06.332000 158 torch/_dynamo/convert_frame.py:1551] [2/8]    function: 'f' (/app/m.py:621)
//
// (under a process group's "[rank0]:" too): the further lines with the same header that go on
// with it (torchRecordAccept) are one record.

// torchRecordHeader returns the header of such a line through its "] ", "" for another line.
func torchRecordHeader(b string) string {
	s := strings.TrimPrefix(b, "[rank")
	if len(s) != len(b) {
		end := strings.Index(s[:min(len(s), 8)], "]:")
		if end <= 0 {
			return ""
		}
		s = s[end+2:]
	}
	if len(s) < 30 || strings.IndexByte("IWEFV", s[0]) < 0 || s[5] != ' ' || s[8] != ':' {
		return ""
	}
	end := strings.Index(s[:min(len(s), 200)], "] ")
	if end < 0 && len(s) <= 200 && strings.HasSuffix(s, "]") {
		// a header with nothing after it whose trailing space a paste or a runtime dropped
		// (torchrun's OMP_NUM_THREADS banner opens with a line break): the header is the line
		end = len(s) - 1
		if loc := s[strings.LastIndexByte(s[:end], ' ')+1 : end]; !strings.Contains(loc, ".py:") {
			return ""
		}
		return b
	}
	if end < 0 {
		return ""
	}
	// the location, the last word before "] ", is a Python file's (a Go program's klog line
	// has the same header with a .go file)
	if loc := s[strings.LastIndexByte(s[:end], ' ')+1 : end]; !strings.Contains(loc, ".py:") {
		return ""
	}
	return b[:len(b)-len(s)+end+2]
}

// torchRecordAccept reports whether rest, what follows the record's header on a line with the
// same header, goes on with the record, given whether an indented line of it came already, and
// whether rest is indented. The header's time is to the millisecond, so records of one
// millisecond share it ("Sending process 4090 closing signal SIGTERM", one a worker): a further
// line of a record is indented or empty after the trace id ("[2/8]    function: ..."), or comes
// after such lines ("To log all recompilation reasons ...").
func torchRecordAccept(rest string, afterIndented bool) (ok, indented bool) {
	for strings.HasPrefix(rest, "[") { // the trace id and the artifact: "[0/7] [__recompiles_verbose] "
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			break
		}
		rest = strings.TrimPrefix(rest[end+1:], " ")
	}
	if rest == "" || rest[0] == ' ' || rest[0] == '\t' {
		return true, true
	}
	if rest == vllm.TracebackHeader {
		// logger.exception's traceback under its message (torchelastic's agent: "Error waiting
		// on exit barrier. Elapsed: ... seconds", then the store's DistNetworkError)
		return true, true
	}
	return afterIndented, false
}
