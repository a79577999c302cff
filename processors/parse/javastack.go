package parse

import (
	"strings"

	"github.com/sluice-dev/sluice/parsers/java"
	"github.com/sluice-dev/sluice/parsers/tagged"
	"github.com/sluice-dev/sluice/parsers/vllm"
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

// exceptionJSON is a Java group's state inside the pretty-printed JSON an exception's message
// goes on with (Spring AI's "NonTransientAiException: 400 - {" and the model server's error
// body under it), up to its "}" at the start of a line, after which the frames follow.
const exceptionJSON = 2

// exceptionHTML is the same inside an HTML page an exception's message goes on with (a proxy's
// or another server's 404 page under "NonTransientAiException: 404 - <!DOCTYPE html>": the
// application calls a wrong URL), up to its "</html>".
const exceptionHTML = 3

// javaAccept reports whether body goes on a Java group (its record or exception's lines).
func javaAccept(g *group, l *vllm.Line) bool {
	body := l.Body
	switch g.msg {
	case exceptionJSON:
		if body == "}" {
			g.msg = 0
		}
		return len(g.parts) < 4*maxMessageLines
	case exceptionHTML:
		if strings.TrimSpace(body) == "</html>" {
			g.msg = 0
		}
		return len(g.parts) < 4*maxMessageLines
	}
	if len(g.parts) == 0 && javaException(g.firstLine()) {
		if g.msg = exceptionBody(g.firstLine()); g.msg != 0 {
			return javaAccept(g, l) // the group opened with the exception
		}
	}
	var ok bool
	if g.spring != 0 {
		ok = springAccept(g, body, l.Text)
	} else {
		ok = javaStackAccept(body, len(g.parts) == 0)
	}
	if ok && body != "" && body[0] != '\t' && body[0] != ' ' {
		if _, _, exc := java.ExceptionLine(body); exc {
			g.msg = exceptionBody(body)
		}
	}
	return ok
}

// exceptionBody returns the state of a Java group whose exception line opens a JSON object or
// an HTML page that its message goes on with (java.OpensBody), 0 for another line.
func exceptionBody(line string) int {
	switch java.OpensBody(line) {
	case java.BodyJSON:
		return exceptionJSON
	case java.BodyHTML:
		return exceptionHTML
	}
	return 0
}

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

// springRecordStart reports whether text is a Spring Boot record at warning or worse.
func springRecordStart(text string) bool {
	r, ok := java.Spring(text)
	return ok && r.Level != "info" && r.Level != "debug"
}

// A Java group's Spring Boot record (group.spring): one with its message on its line, or an
// error whose message is empty, its text (the failure analysis) on the lines under it.
const (
	springRecord = 1 + iota
	springAnalysis
)

// springKind returns what a Java group's first line, text, is of Spring Boot's records, 0 when it
// is none.
func springKind(text string) int {
	r, ok := java.Spring(text)
	switch {
	case !ok:
		return 0
	case r.Msg == "":
		return springAnalysis
	}
	return springRecord
}

// springAccept reports whether body goes on a Spring Boot record at warning or worse. Its layout
// writes an empty line before the record's exception and one after the exception's frames; a
// record whose message is empty has its text on the lines under it (the failure analysis that
// ends an application's start: "***************************", "APPLICATION FAILED TO START",
// its "Description:" and "Action:"), up to the next record.
func springAccept(g *group, body, text string) bool {
	first := len(g.parts) == 0
	if !first && g.parts[0] == "" && g.spring == springAnalysis {
		_, next := java.Spring(text) // (its zoned time read as a stamp before the body)
		return len(g.parts) < maxMessageLines && !next
	}
	if body == "" {
		// the empty line before the exception, or the one after its last frame
		return first || len(g.parts) > 1 && g.parts[0] == "" && g.lastPart() != "" && javaStackAccept(g.lastPart(), false)
	}
	return javaStackAccept(body, first || len(g.parts) == 1 && g.parts[0] == "")
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
	for _, p := range [...]string{"java.", "javax.", "jakarta.", "org.", "io.", "com.", "kafka.", "scala.",
		"dev.", "reactor.", "net.", "software.", "okhttp3.", "feign."} { // (LangChain4j's dev.langchain4j, the AWS SDK's, ...)
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
	case body == "Error has been observed at the following site(s):", body == "Original Stack Trace:",
		strings.HasPrefix(body, "Assembly trace from producer ["), strings.HasPrefix(body, "Assembly site of producer ["):
		// Project Reactor's account of where an error went through a reactive chain (Spring's
		// WebClient: its checkpoints, tab-indented, under these headers at the margin)
		return !first
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
