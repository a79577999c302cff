package parse

import (
	"strings"

	pu "github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/parsers/tracing"
	"github.com/sluice-dev/sluice/parsers/vllm"
)

// A Go program that logs a value as indented JSON through the std log writes it over lines of
// their own, after a message that ends in "{" (JuiceFS's mount pod: "2025/09/01 05:46:38.554311
// juicefs[7] <INFO>: Volume is formatted as {", the volume's settings, then "} [format.go:484]"),
// and so does a Rust program that logs a value's pretty Debug after tracing's time.

// stdLogJSONStart reports whether a line is a std-log or tracing line whose message opens such a
// value.
func stdLogJSONStart(l *vllm.Line) bool {
	b := strings.TrimRight(l.Body, " ")
	if l.Header != "" || len(b) < 12 || (b[len(b)-1] != '{' && b[len(b)-1] != '[') {
		return false
	}
	if _, _, ok := pu.StdLog(b); ok {
		return true
	}
	// Rust's pretty Debug of a value after tracing's time, which Split reads as a stamp: TGI's
	// launcher logs its whole configuration at start, "2025-09-16T20:43:44.746110Z  INFO
	// text_generation_launcher: Args {"
	return !l.Stamp.IsZero() && strings.HasSuffix(b, " {")
}

// stdLogMessageStart reports whether a line is a std-log line with no text: a message that
// starts with a line break, its lines under it (GFD and the device plugin before their klog
// builds: log.Printf("\nRunning with config:\n%s", ...) and the configuration's JSON).
func stdLogMessageStart(l *vllm.Line) bool {
	b := strings.TrimRight(l.Body, " ")
	if l.Header != "" || l.Proc != "" {
		return false
	}
	_, n, ok := pu.StdLog(b)
	return ok && n == len(b)
}

// stdLogMessageAccept reports whether l goes on with such a message: any line but another
// std-log line (or a line of another format's header).
func stdLogMessageAccept(l *vllm.Line) bool {
	if l.Header != "" || l.Proc != "" {
		return false
	}
	_, _, ok := pu.StdLog(l.Body)
	return !ok
}

// stdLogJSONAccept reports whether l goes on with the value, and whether it closes it: its
// members indented, then its closing brace, with what the line adds after it.
func stdLogJSONAccept(l *vllm.Line) (ok, done bool) {
	b := l.Body
	switch {
	case l.Header != "" || l.Proc != "":
		return false, false
	case strings.HasPrefix(b, "}") || strings.HasPrefix(b, "]"):
		return true, true
	case strings.HasPrefix(b, "  "):
		return true, false
	}
	return false, false
}

// envoyHeadersStart reports whether b is an Envoy line in its default layout
// ("[2025-12-29 19:02:40.770][399][debug][router] [source/common/router/router.cc:809] [Tags:
// ...] router decoding headers:") whose headers follow on lines of their own: the router's
// request, and the connection manager's "request headers complete (end_stream=false):" and
// "encoding headers via codec (end_stream=false):", the response with its :status.
func envoyHeadersStart(b string) bool {
	return len(b) > 40 && b[0] == '[' && b[1] == '2' && strings.Contains(b[:40], "][") &&
		(strings.HasSuffix(b, " headers:") || strings.HasSuffix(b, " trailers via codec:") ||
			strings.HasSuffix(b, "(end_stream=false):") || strings.HasSuffix(b, "(end_stream=true):"))
}

// envoyHeaderLine reads a header of such a dump: "':method', 'POST'".
func envoyHeaderLine(b string) bool {
	return len(b) > 4 && b[0] == '\'' && b[len(b)-1] == '\'' && strings.Contains(b, "', '")
}

// Text-generation-inference's launcher logs what its shard and download processes print as one
// tracing event each, whose message holds their line breaks: "ERROR shard-manager:
// text_generation_launcher: Shard complete standard error output:", then the shard's stderr
// (a c10d warning, a traceback), the span's " rank=0" after its last line; "Method Warmup
// encountered an error.", then the traceback the shard's logger.exception wrote; the runtime
// environment under --env; a router's request span whose Input holds the prompt's lines.
// Everything in the launcher's and router's output is a tracing line, so a line without
// tracing's time goes on with the message before it.

// tgiTracingStart reports whether a line is a tracing line of TGI's (its time read as the
// line's stamp), and whether it is an error's.
func tgiTracingStart(l *vllm.Line) (ok, failed bool) {
	if l.Stamp.IsZero() || l.Header != "" || l.Proc != "" {
		return false, false
	}
	level, tgi := tracing.Line(l.Body)
	if !tgi && level != "" && strings.HasSuffix(strings.TrimRight(l.Body, " "), ":") {
		// a record whose message opens with a line break (vllm.rs's error!("\n\n{e:?}"): an
		// empty line, the error, its backtrace's numbered frames): its lines up to the next
		tgi = true
	}
	return tgi, level == pu.Error
}

// tgiTracingAccept reports whether l goes on with a TGI tracing line's message: any line but
// another tracing line. Only an error's message holds a traceback (the shard's stderr, an
// exception it logged): one under another line is a cut excerpt's, an event of its own.
func tgiTracingAccept(l *vllm.Line, failed bool) bool {
	if !l.Stamp.IsZero() {
		level, _ := tracing.Line(l.Body)
		return level == ""
	}
	if strings.HasPrefix(l.Body, "Error: ") {
		return false // the launcher's exit, what its main returned ("Error: WebserverFailed"): a line of its own
	}
	return failed || l.Body != vllm.TracebackHeader && !vllm.IsFrameLine(l.Body)
}

// panicAccept reports whether l goes on with a Rust panic report in mode (modePanicMsg while
// its message may go on, modePanic after it), and the mode after l: the message's lines, then
// the note that ends it ("note: run with `RUST_BACKTRACE=1` ...") or the backtrace and the
// note under it.
func panicAccept(l *vllm.Line, mode, parts int) (bool, int) {
	b := l.Body
	switch {
	case l.Header != "" || l.Proc != "" || !l.Stamp.IsZero() && stampedRecord(b):
		return false, mode // (a tracing record after it: "2025-10-10T22:10:40.903545Z ERROR ...")
	case strings.HasPrefix(b, "thread '"):
		if ok, _ := tracing.PanicStart(b); ok {
			return false, mode // another thread's panic (a panic in a destructor during cleanup panics twice)
		}
	}
	switch {
	case strings.HasPrefix(b, "note: "):
		return true, modeDone
	case b == "stack backtrace:":
		return true, modePanic
	case mode == modePanic:
		return tracing.PanicLine(b), mode
	}
	return parts < maxMessageLines && !otherRecord(b), mode // the message, Rust 1.73's layout
}
