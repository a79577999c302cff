package parse

import (
	"strings"

	pu "github.com/sluice-dev/sluice/parsers/parseutil"
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
// ...] router decoding headers:") whose headers follow on lines of their own.
func envoyHeadersStart(b string) bool {
	return len(b) > 40 && b[0] == '[' && b[1] == '2' && strings.HasSuffix(b, " headers:") && strings.Contains(b[:40], "][")
}

// envoyHeaderLine reads a header of such a dump: "':method', 'POST'".
func envoyHeaderLine(b string) bool {
	return len(b) > 4 && b[0] == '\'' && b[len(b)-1] == '\'' && strings.Contains(b, "', '")
}
