package parse

import (
	"strings"

	"github.com/sluice-dev/sluice/parsers/java"
	"github.com/sluice-dev/sluice/parsers/tagged"
)

// A Java service (a Kafka broker) logs an exception as its record's further lines: the
// exception's class and message, its "\tat ..." frames, and a "Caused by: ..." chain with
// "\t... 12 more". Each line as an event would bury the failure under its frames; these rules
// keep the record and its exception one event. A record at warning or worse opens such a group,
// and so does a JVM's own "Exception in thread "main" java.lang...." on stderr. Tagged lines
// (parsers/tagged) go on the same way: Kibana's with the tab-indented lines of its message
// ("\tRoot causes:"), TensorRT-LLM's errors with their numbered native frames
// ("1       0x7f2d2e81e045 /opt/tritonserver/backends/tensorrtllm/libtriton_tensorrtllm.so(+0x36045) [0x...]").

// jsonBody is a Java or tagged group's state (group.msg) inside a pretty-printed JSON object
// its record's message goes on with, up to the "}" that closes it at the start of a line.
const jsonBody = 1

// javaRecordStart reports whether body is a log4j record at warning or worse (java.Record's
// layouts), or the JVM's report of an uncaught exception.
func javaRecordStart(body string) bool {
	if strings.HasPrefix(body, `Exception in thread "`) || javaException(body) || strings.HasPrefix(body, java.ESUncaught) && strings.HasSuffix(body, "]") {
		return true
	}
	if len(body) > 40 && body[0] == 'E' && strings.Contains(body[:min(len(body), 512)], "[TensorRT-LLM][ERROR]") {
		return true // Triton's glog error quoting TensorRT-LLM's, its numbered native frames under it
	}
	if len(body) > 8 && body[0] == '[' {
		head := body[:min(len(body), 48)]
		if strings.Contains(head, "][ERROR]") || strings.Contains(head, "][WARN") || strings.Contains(head, "][FATAL]") ||
			strings.Contains(head, "] [error] ") || strings.Contains(head, "] [ warn] ") { // Fluent Bit's
			var t tagged.Line
			return tagged.Read(body, &t) && (t.Level == "warning" || t.Level == "error" || t.Level == "critical")
		}
	}
	if len(body) < 30 || (body[0] != '[' && (body[0] < '1' || body[0] > '2')) {
		return false
	}
	head := body[:min(len(body), 32)]
	if !strings.Contains(head, " WARN ") && !strings.Contains(head, " ERROR ") && !strings.Contains(head, " FATAL ") {
		return false
	}
	r, ok := java.Record(body)
	return ok && r.Level != "info" && r.Level != "debug"
}

// javaException reports whether body is a Java exception's first line printed alone (a
// program's own print of an uncaught exception: Elasticsearch's launcher, a Kafka broker's
// CompletionException): a class of a Java package, not a Python module's.
func javaException(body string) bool {
	if len(body) < 12 || body[0] < 'a' || body[0] > 'z' {
		return false
	}
	typ, _, ok := java.ExceptionLine(body)
	if !ok {
		return false
	}
	for _, p := range [...]string{"java.", "javax.", "jakarta.", "org.", "io.", "com.", "kafka.", "scala."} {
		if strings.HasPrefix(typ, p) {
			return true
		}
	}
	return false
}

// javaStackAccept reports whether body continues a Java record's exception: the exception's
// first line (only right after the record), a frame, a cause, a suppressed exception, or a
// line indented by a tab (a multi-line message's).
func javaStackAccept(body string, first bool) bool {
	switch {
	case body == "":
		return false
	case body[0] == '\t', strings.HasPrefix(body, "    at "):
		return true
	case body[0] == ' ' && strings.HasPrefix(strings.TrimLeft(body, " "), "at "):
		return true // "        at scala.Predef$.require(...)": a JVM's frames indented by spaces
	case strings.HasPrefix(body, "Caused by: "), strings.HasPrefix(body, "Suppressed: "),
		strings.HasPrefix(body, "Likely root cause: "): // Elasticsearch's launcher's
		return true
	case body[0] >= '0' && body[0] <= '9':
		return numberedFrame(body)
	}
	if first {
		if i := strings.IndexByte(body, '['); i > 0 && strings.HasSuffix(body[:i], "Exception") && !strings.Contains(body[:i], " ") {
			return true // Elasticsearch's form of its exception, "ElasticsearchException[failed to bind service]; nested: ..."
		}
		_, _, ok := java.ExceptionLine(body)
		return ok
	}
	return false
}

// fluentdRecordStart reports whether body is a Fluentd warning or error ("2022-01-26 20:11:14
// +0100 [warn]: #0 failed to flush the buffer. ... error_class=... error=\"...\""), under which
// Fluentd prints the error's Ruby backtrace, each line indented by two spaces and repeating the
// record's time and level ("  2022-01-26 20:11:14 +0100 [warn]: #0 /path/output.rb:1179:in
// `try_flush'").
func fluentdRecordStart(body string) bool {
	const stamp = len("2022-01-26 20:11:14 +0100")
	if len(body) < stamp+10 || body[0] != '2' || body[4] != '-' || body[10] != ' ' || body[19] != ' ' ||
		(body[20] != '+' && body[20] != '-') {
		return false
	}
	rest := body[stamp:]
	return strings.HasPrefix(rest, " [warn]: ") || strings.HasPrefix(rest, " [error]: ") || strings.HasPrefix(rest, " [fatal]: ")
}

// numberedFrame reports whether body is one of the numbered native frames TensorRT-LLM prints
// under its errors: "1       0x7f2d2e81e045 /opt/.../libtriton_tensorrtllm.so(+0x36045) [0x...]".
func numberedFrame(body string) bool {
	n := strings.IndexByte(body, ' ')
	return n > 0 && n < 4 && body[0] >= '0' && body[0] <= '9' && strings.HasPrefix(strings.TrimLeft(body[n:], " "), "0x")
}
