// Package java parses the log4j layouts of the Java services beside a GPU cluster's serving
// stack (Kafka brokers, which the Kafka input reads from, and their controllers), and the Java
// exception a record carries on its further lines:
//
//	[2024-05-25 15:54:03,255] WARN [RaftManager id=0] Error connecting to node kafka-1:9093 (org.apache.kafka.clients.NetworkClient)
//	2024-05-02 15:05:46,464 ERROR Encountered fatal fault: Error starting LogManager (org.apache.kafka.server.fault.ProcessTerminatingFaultHandler) [kafka-0-metadata-loader-event-handler]
//
// The first is Apache Kafka's (and Bitnami's image's) log4j pattern "[%d] %p %m (%c)%n", the
// second Strimzi's "%d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %m (%c) [%t]%n". The parse processor joins
// the exception and its "\tat ..." frames to the record (a "Caused by: ..." chain too); this
// parser reads the first exception's class and message and keeps the rest as the stack trace.
package java

import (
	"strconv"
	"strings"
	"time"

	"github.com/sluice-dev/sluice/parsers"
	pu "github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// Datasets: Kafka's loggers' lines, and other log4j lines.
const (
	DatasetKafka = "kafka.log"
	Dataset      = "generic.java"
)

// FieldThread is the thread Strimzi's and Spring Boot's layouts name.
const FieldThread = "process.thread.name"

// FieldService is the application Spring Boot's layout names (spring.application.name).
const FieldService = "service.name"

// Info registers the parser.
var Info = parsers.Info{
	Name:        "java",
	Description: "log4j layouts of Java services (Apache Kafka's [%d] %p %m (%c), Strimzi's %d %p %m (%c) [%t], its operator's %d %p %c{1}:%L - %m), Spring Boot's default console layout, java.util.logging's default two-line records, and the Java exceptions under their records or alone",
	New:         func(parsers.Options) parsers.Parser { return New() },
	Fields: append(pu.Fields(pu.FieldLogMessage, event.FieldLogLogger, event.FieldErrorMsg, event.FieldErrorStack, event.FieldOriginLine, pu.FieldOriginFunc, event.FieldProcessPID),
		parsers.Field{Name: event.FieldErrorType, Type: "keyword", Description: "Class of the Java exception a record carries (java.net.UnknownHostException)."},
		parsers.Field{Name: FieldThread, Type: "keyword", Description: "Thread that wrote the record (Strimzi's [%t], Spring Boot's)."},
		parsers.Field{Name: FieldService, Type: "keyword", Description: "Application that wrote the record (Spring Boot 3.2's [spring.application.name])."},
		parsers.Field{Name: pu.FieldTraceID, Type: "keyword", Description: "Trace of the request the record was written in (Spring Boot 3.2's correlation ids, with Micrometer Tracing)."},
		parsers.Field{Name: pu.FieldSpanID, Type: "keyword", Description: "Span of that trace."},
	),
}

// Parser parses log4j lines. It is stateless and safe for concurrent use.
type Parser struct{}

// New returns the parser.
func New() *Parser { return &Parser{} }

// Parse recognises a log4j record, with the lines the processor joined to it.
func (p *Parser) Parse(ev *event.Event) bool {
	msg := ev.Message()
	first, rest, _ := strings.Cut(msg, "\n")
	if first != "" && first[0] >= 'A' && first[0] <= 'Z' && julRecord(ev, first, rest) {
		return true
	}
	r, ok := Record(first)
	if !ok {
		return uncaught(ev, first, rest)
	}
	if r.Zoned {
		pu.SetTime(ev, r.Time)
	} else {
		pu.SetDatedLocalTime(ev, r.Time)
	}
	if r.PID > 0 {
		ev.Set(event.FieldProcessPID, event.Int(r.PID))
	}
	if r.App != "" {
		ev.SetString(FieldService, r.App)
	}
	if r.Trace != "" {
		ev.SetString(pu.FieldTraceID, r.Trace)
		ev.SetString(pu.FieldSpanID, r.Span)
	}
	if r.Logger != "" {
		ev.SetString(event.FieldLogLogger, r.Logger)
	}
	if r.Thread != "" {
		ev.SetString(FieldThread, r.Thread)
	}
	if r.Line > 0 {
		ev.Set(event.FieldOriginLine, event.Int(r.Line))
	}
	if rest = strings.Trim(rest, "\n"); r.Msg == "" && rest != "" {
		// a record whose text is on the lines under it (Spring Boot's failure analysis): no
		// exception, the text is the message
		r.Msg, rest = failureAnalysis(rest), ""
	}
	ev.SetString(pu.FieldLogMessage, r.Msg)
	if rest != "" {
		exception(ev, rest)
	}
	if (r.Level == pu.Error || r.Level == pu.Critical) && !ev.Has(event.FieldErrorMsg) && r.Msg != "" {
		// an error record with no exception under it (Kafka's controller: "[Controller 0]
		// commitWALObject: unable to start processing because of NotControllerException."): its
		// text is the error's, as every parser's error line gives it
		ev.SetString(event.FieldErrorMsg, r.Msg)
	}
	ds := Dataset
	if strings.HasPrefix(r.Logger, "kafka.") || strings.HasPrefix(r.Logger, "org.apache.kafka.") || r.Logger == "state.change.logger" ||
		pu.Container(ev) == "kafka" { // Strimzi's and Bitnami's brokers and controllers, whose simple class names say nothing
		ds = DatasetKafka
	}
	pu.Finish(ev, pu.DatasetOr(ev, ds), r.Level)
	return true
}

// ESUncaught opens Elasticsearch 7's launcher's report of the exception that stopped it, on
// stderr: its exception, "Likely root cause: ..." and the frames follow.
const ESUncaught = "uncaught exception in thread ["

// uncaught reads an exception printed with no record around it, as the parse processor joins it
// with its frames: the JVM's "Exception in thread "main" java.lang.X: ..." on stderr, a Java
// program's own print of one (Elasticsearch's launcher: "java.lang.IllegalStateException: failed
// to obtain node locks, ..." then "Likely root cause: ..." and the frames). Only an exception
// with frames under it is taken: a dotted class ending in Error is also Python's.
func uncaught(ev *event.Event, first, rest string) bool {
	line := first
	if after, ok := strings.CutPrefix(first, `Exception in thread "`); ok {
		_, line, ok = strings.Cut(after, `" `)
		if !ok {
			return false
		}
	}
	more := rest // the lines after the exception's
	typ, m, ok := ExceptionLine(line)
	if !ok && strings.HasPrefix(first, ESUncaught) {
		// Elasticsearch 7's launcher: "uncaught exception in thread [main]", then its
		// exception in Elasticsearch's own form ("ElasticsearchException[failed to bind
		// service]; nested: AccessDeniedException[...];") and "Likely root cause: ..."
		line, more, _ = strings.Cut(rest, "\n")
		if i := strings.IndexByte(line, '['); i > 0 && strings.HasSuffix(line[:i], "Exception") && className("x."+line[:i]) {
			typ, m, ok = line[:i], line, true
		}
	}
	if !ok || !hasFrame(rest) && !closedBody(line, rest) {
		return false
	}
	ev.SetString(event.FieldErrorType, typ)
	if n := messageLines(more); more != "" && n > 0 {
		m = bodyMessage(m, more[:n])
	}
	if m != "" {
		ev.SetString(event.FieldErrorMsg, m)
	}
	ev.SetString(pu.FieldLogMessage, first)
	ev.SetString(event.FieldErrorStack, line+"\n"+rest)
	pu.Finish(ev, pu.DatasetOr(ev, Dataset), pu.Error)
	return true
}

// failureAnalysis returns what Spring Boot's report of a failed start says went wrong (the text
// under "Description:"; the report's first line otherwise), the report being the lines under an
// error record with no message of its own (LoggingFailureAnalysisReporter's):
//
//	***************************
//	APPLICATION FAILED TO START
//	***************************
//
//	Description:
//
//	Web server failed to start. Port 8080 was already in use.
func failureAnalysis(report string) string {
	if _, after, ok := strings.Cut(report, "\nDescription:\n"); ok {
		text, _, _ := strings.Cut(after, "\nAction:\n")
		return strings.Join(strings.Fields(text), " ")
	}
	for report != "" {
		var l string
		l, report, _ = strings.Cut(report, "\n")
		if l = strings.TrimSpace(strings.Trim(l, "*")); l != "" {
			return l
		}
	}
	return ""
}

// hasFrame reports whether s holds a Java frame line ("\tat java.base/...", "        at ...").
func hasFrame(s string) bool {
	for s != "" {
		var l string
		l, s, _ = strings.Cut(s, "\n")
		if strings.HasPrefix(strings.TrimLeft(l, " \t"), "at ") && (l[0] == '\t' || l[0] == ' ') {
			return true
		}
	}
	return false
}

// exception reads the exception under a record: its first line "java.net.UnknownHostException:
// kafka-1" gives error.type and error.message; all the lines are error.stack_trace.
func exception(ev *event.Event, rest string) {
	line, more, _ := strings.Cut(rest, "\n")
	if typ, m, ok := ExceptionLine(line); ok {
		ev.SetString(event.FieldErrorType, typ)
		if n := messageLines(more); n > 0 {
			// a message of several lines (a model server's JSON error body under Spring AI's
			// "NonTransientAiException: 400 - {"), up to the frames
			m = bodyMessage(m, more[:n])
		}
		if m != "" {
			ev.SetString(event.FieldErrorMsg, m)
		}
	}
	ev.SetString(event.FieldErrorStack, rest)
}

// messageLines returns the length of the lines at the start of s that go on an exception's
// message: those before its first frame, cause or suppressed exception (all of them when none
// follows).
func messageLines(s string) int {
	n := 0
	for rest := s; rest != ""; {
		l, after, _ := strings.Cut(rest, "\n")
		if l != "" && (l[0] == '\t' || strings.HasPrefix(strings.TrimLeft(l, " "), "at ") ||
			strings.HasPrefix(l, "Caused by: ") || strings.HasPrefix(l, "Suppressed: ") || strings.HasPrefix(l, "Likely root cause: ")) {
			return max(n-1, 0)
		}
		n += len(l) + 1
		rest = after
	}
	return len(s)
}

// bodyMessage returns an exception's message whose first line m goes on with the lines more: a
// JSON body whole, an HTML page by its title ("404 - <!DOCTYPE html>" and the page's
// "<title>Not Found</title>": "404 - Not Found").
func bodyMessage(m, more string) string {
	if OpensBody(m) == BodyHTML {
		page := strings.TrimSuffix(strings.TrimSuffix(m, "<!DOCTYPE html>"), "<html>")
		if _, t, found := strings.Cut(more, "<title>"); found {
			if t, _, found = strings.Cut(t, "</title>"); found {
				return page + strings.TrimSpace(t)
			}
		}
		return m
	}
	return m + "\n" + more
}

// The bodies an exception's first line may open, its message going on with them over the lines
// under it (a model server's error response under Spring AI's "NonTransientAiException: 400 -
// {", a proxy's 404 page under "... 404 - <!DOCTYPE html>").
const (
	BodyJSON = 1 + iota
	BodyHTML
)

// OpensBody returns the body line opens (BodyJSON, BodyHTML), 0 for none.
func OpensBody(line string) int {
	switch {
	case strings.HasSuffix(line, "{"):
		return BodyJSON
	case strings.HasSuffix(line, "<!DOCTYPE html>"), strings.HasSuffix(line, "<html>"):
		return BodyHTML
	}
	return 0
}

// closedBody reports whether an exception's message ends the JSON object or the HTML page that
// its first line opened (a model server's error body, printed with no frames under it).
func closedBody(first, rest string) bool {
	rest = strings.TrimRight(rest, "\n ")
	switch OpensBody(first) {
	case BodyJSON:
		return strings.HasSuffix(rest, "\n}")
	case BodyHTML:
		return strings.HasSuffix(rest, "</html>")
	}
	return false
}

// Rec is what a record's first line says.
type Rec struct {
	Time                       time.Time
	Level, Msg, Logger, Thread string
	Line                       int64 // the source line, in the Strimzi operator's layout
	// Spring Boot's layout names more: the pid, the application, the trace and span of a
	// traced request; and its time may have a zone
	PID              int64
	App, Trace, Span string
	Zoned            bool
}

// Record reads the first line of a log4j record in Kafka's or Strimzi's layout, or the Strimzi
// cluster operator's.
func Record(s string) (Rec, bool) {
	var r Rec
	if len(s) < 30 {
		return r, false
	}
	bracket := s[0] == '['
	if bracket {
		s = s[1:]
	}
	if !bracket && s[2] == '/' && s[17] == ' ' {
		return sparkRecord(s)
	}
	if !bracket && s[19] == '.' {
		return springRecord(s)
	}
	if !bracket && (s[19] == ' ' || s[19] == ',') {
		if r, ok := operatorRecord(s); ok || s[19] == ' ' {
			return r, ok
		}
	}
	t, ok := stamp(s)
	if !ok {
		return r, false
	}
	r.Time, s = t, s[len("2006-01-02 15:04:05,000"):]
	if bracket {
		if !strings.HasPrefix(s, "] ") {
			return r, false
		}
		s = s[2:]
	} else if !strings.HasPrefix(s, " ") {
		return r, false
	}
	s = strings.TrimLeft(s, " ")
	word, after, ok := strings.Cut(s, " ")
	if !ok {
		return r, false
	}
	if r.Level = level(word); r.Level == "" {
		return r, false
	}
	s = strings.TrimLeft(after, " ")
	// the logger in parentheses at the end; Strimzi's thread in brackets after it
	if !bracket && strings.HasSuffix(s, "]") {
		if open := strings.LastIndex(s, ") ["); open > 0 {
			r.Thread, s = s[open+3:len(s)-1], s[:open+1]
		}
	}
	if strings.HasSuffix(s, ")") {
		if open := strings.LastIndex(s, " ("); open >= 0 {
			logger := s[open+2 : len(s)-1]
			if c := strings.LastIndexByte(logger, ':'); c > 0 {
				// Kafka Connect's layout names the line too, "(%c:%L)":
				// "(org.apache.kafka.connect.runtime.Worker:874)"
				if n, isNum := pu.Atoi(logger[c+1:]); isNum && className(logger[:c]) {
					logger, r.Line = logger[:c], n
				}
			}
			if className(logger) {
				r.Logger, s = logger, s[:open]
			}
		}
	}
	if r.Logger == "" {
		return r, false // the logger is what tells log4j's layouts from others with a date and a level
	}
	r.Msg = s
	return r, true
}

// operatorRecord reads the Strimzi cluster operator's log4j2 layout, "%d{yyyy-MM-dd HH:mm:ss}
// %-5p %c{1}:%L - %m%n" (its log4j2.properties): the time to the second, the level, the class's
// simple name and the source line, then the message:
//
//	2025-03-21 05:33:01 ERROR AbstractOperator:285 - Reconciliation #1(watch) Kafka(kafka/kafka-nonprod-logs): createOrUpdate failed
func operatorRecord(s string) (Rec, bool) {
	var r Rec
	t, n, ok := pu.RFC3339(s[:19])
	if !ok || n != 19 || s[10] != ' ' {
		return r, false
	}
	s = s[19:]
	if len(s) > 2 && s[0] == ',' {
		// a fraction after a comma, however many digits ("2023-12-14 22:54:53,27309": the topic
		// operator's)
		i := 1
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if frac, err := strconv.ParseFloat("0."+s[1:i], 64); err == nil && i > 1 {
			t = t.Add(time.Duration(frac * float64(time.Second)))
		}
		s = s[i:]
	}
	word, after, ok := strings.Cut(strings.TrimLeft(s, " "), " ")
	if !ok {
		return r, false
	}
	if r.Level = level(word); r.Level == "" {
		return r, false
	}
	rest := strings.TrimLeft(after, " ")
	if strings.HasPrefix(rest, "[") {
		// Strimzi's log4j2 layout for Kafka 4 brokers and the topic operator names the thread
		// first: "[kafka-scheduler-3] LogSegment:801 - Deleted log ..."
		if end := strings.Index(rest, "] "); end > 1 {
			r.Thread, rest = rest[1:end], rest[end+2:]
		}
	}
	loc, msg, ok := strings.Cut(rest, " - ")
	class, line, ok2 := strings.Cut(loc, ":")
	n2, ok3 := pu.Atoi(line)
	if !ok || !ok2 || !ok3 || class == "" || class[0] < 'A' || class[0] > 'Z' || !className("x."+class) {
		return r, false
	}
	r.Time, r.Logger, r.Line, r.Msg = t, class, n2, msg
	return r, true
}

// sparkRecord reads Spark's default log4j layout ("%d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n"), its
// drivers' and executors' lines on a GPU cluster (RAPIDS's among them): the writer's local time
// to the second, the level, the class's simple name, then the message:
//
//	24/01/15 10:21:34 ERROR CoarseGrainedExecutorBackend: RECEIVED SIGNAL TERM
func sparkRecord(s string) (Rec, bool) {
	var r Rec
	t, err := time.Parse("06/01/02 15:04:05", s[:17])
	if err != nil {
		return r, false
	}
	word, after, ok := strings.Cut(strings.TrimLeft(s[17:], " "), " ")
	if !ok {
		return r, false
	}
	if r.Level = level(word); r.Level == "" {
		return r, false
	}
	class, msg, ok := strings.Cut(strings.TrimLeft(after, " "), ": ")
	if !ok || class == "" || !className("x."+class) {
		return r, false
	}
	r.Time, r.Logger, r.Msg = t, class, msg
	return r, true
}

// springRecord reads Spring Boot's default console layout (its Logback and Log4j2 defaults): the
// time to the millisecond (since 3.0 with a T and the zone), the level right-aligned in five, the
// pid, "---", since 3.2 the application's name in brackets, the thread in brackets (right-aligned
// in 15, cut to its last 15), since 3.2 the trace and span ids in brackets when tracing is on
// (blank when the record has none), the logger (cut to its last 40, padded), " : " and the
// message:
//
//	2019-03-05 10:57:51.112  INFO 45469 --- [           main] org.apache.catalina.core.StandardEngine  : Starting Servlet Engine: Apache Tomcat/7.0.52
//	2026-02-19T12:22:37.451Z  INFO 128443 --- [myapp] [           main] o.s.b.d.f.logexample.MyApplication       : No active profile set
//
// The "---" between the pid and the brackets is what tells it from other dated lines.
func springRecord(s string) (Rec, bool) {
	var r Rec
	t, n, ok := pu.RFC3339(s)
	if !ok || n >= len(s) || s[n] != ' ' {
		return r, false
	}
	r.Time, r.Zoned = t, pu.Zoned(s[:n])
	word, rest, ok := strings.Cut(strings.TrimLeft(s[n:], " "), " ")
	if !ok {
		return r, false
	}
	if r.Level = level(word); r.Level == "" {
		return r, false
	}
	rest = strings.TrimLeft(rest, " ")
	pid, after, _ := strings.Cut(rest, " ")
	if pid != "---" { // (no pid known: Spring writes a space for it)
		if r.PID, ok = pu.Atoi(pid); !ok {
			return r, false
		}
		rest = after
	}
	rest, ok = strings.CutPrefix(strings.TrimLeft(rest, " "), "--- ")
	if !ok || rest == "" || rest[0] != '[' {
		return r, false
	}
	// the bracketed parts before the logger: [app] [thread] [trace-span], the thread the one
	// padded to 15 when there are several
	var parts [3]string
	k := 0
	for k < len(parts) && rest != "" && rest[0] == '[' {
		end := strings.Index(rest, "] ")
		if end < 0 {
			return r, false
		}
		parts[k], rest = rest[1:end], rest[end+2:]
		k++
	}
	thread := 0
	switch {
	case k == 0:
		return r, false
	case k == 3, k == 2 && correlation(parts[1]) == "" && strings.TrimSpace(parts[1]) != "":
		thread = 1 // [app] [thread], the ids after them or not
	}
	r.Thread = strings.TrimLeft(parts[thread], " ")
	if thread == 1 {
		r.App = parts[0]
	}
	if thread+1 < k {
		if c := correlation(parts[thread+1]); c != "" {
			r.Trace, r.Span, _ = strings.Cut(c, "-")
		}
	}
	logger, msg, ok := strings.Cut(rest, " : ")
	if !ok {
		// a message that is empty ("... LoggingFailureAnalysisReporter   : ", its report on the
		// lines under it) keeps no space after the colon once trimmed
		if logger, ok = strings.CutSuffix(strings.TrimRight(rest, " "), " :"); !ok {
			return r, false
		}
	}
	if r.Logger = strings.TrimRight(logger, " "); r.Logger == "" || strings.IndexByte(r.Logger, ' ') >= 0 {
		return r, false
	}
	r.Msg = msg
	return r, true
}

// Spring reads a record's first line in Spring Boot's layout (springRecord).
func Spring(s string) (Rec, bool) {
	if len(s) < 40 || s[19] != '.' || !strings.Contains(s[:min(len(s), 64)], " --- ") {
		return Rec{}, false
	}
	return springRecord(s)
}

// correlation returns Spring Boot's correlation ids ("0123...-0123...", trace and span in hex)
// from its bracket, "" for anything else (a blank one too).
func correlation(s string) string {
	s = strings.TrimSpace(s)
	if len(s) < 3 || strings.Count(s, "-") != 1 {
		return ""
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c == '-') {
			return ""
		}
	}
	return s
}

// stamp reads log4j's "2024-05-25 15:54:03,184" (ISO8601 with a comma), zone-less.
func stamp(s string) (time.Time, bool) {
	const layout = "2006-01-02 15:04:05,000"
	if len(s) < len(layout) || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[19] != ',' {
		return time.Time{}, false
	}
	t, n, ok := pu.RFC3339(s[:19] + "." + s[20:23])
	if !ok || n != len(layout) {
		return time.Time{}, false
	}
	return t, true
}

// level maps log4j's level names (TRACE, DEBUG, INFO, WARN, ERROR, FATAL), in capitals only.
func level(w string) string {
	switch w {
	case "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL":
		lv, _ := pu.Level(w)
		return lv
	}
	return ""
}

// className reports whether s is a dotted Java class or logger name ("org.apache.kafka.clients.NetworkClient",
// "kafka.server.KafkaServer", "state.change.logger").
func className(s string) bool {
	if len(s) < 3 || strings.IndexByte(s, '.') < 0 || s[0] == '.' || s[len(s)-1] == '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '$') {
			return false
		}
	}
	return true
}

// ExceptionLine reads a Java exception's first line, "java.net.UnknownHostException: kafka-1" or
// "org.apache.kafka.common.errors.TimeoutException" alone, and "Caused by: ..." lines: its class
// (a dotted name whose last part ends in Exception, Error or Throwable) and message.
func ExceptionLine(s string) (typ, msg string, ok bool) {
	s = strings.TrimPrefix(s, "Caused by: ")
	typ, msg, _ = strings.Cut(s, ": ")
	if !className(typ) {
		return "", "", false
	}
	last := typ[strings.LastIndexByte(typ, '.')+1:]
	if i := strings.IndexByte(last, '$'); i > 0 {
		last = last[:i] // a nested class: WebClientResponseException$BadRequest
	}
	if !strings.HasSuffix(last, "Exception") && !strings.HasSuffix(last, "Error") && last != "Throwable" &&
		!strings.HasSuffix(last, "OOM") && // RAPIDS's GpuRetryOOM, GpuSplitAndRetryOOM
		!strings.Contains(typ, ".exceptions.") { // JRuby's Ruby exceptions (Logstash's org.jruby.exceptions.SystemExit)
		return "", "", false
	}
	return typ, msg, true
}

// JULHeader reads the first line of a java.util.logging record in SimpleFormatter's default
// format ("%1$tb %1$td, %1$tY %1$tl:%1$tM:%1$tS %1$Tp %2$s%n%4$s: %5$s%6$s%n"): "Nov 15, 2023
// 11:41:47 AM sun.util.locale.provider.LocaleProviderAdapter <clinit>", the local time, the
// class and the method; its level and message are on the next line.
func JULHeader(s string) (t time.Time, class, method string, ok bool) {
	f := strings.Fields(s)
	if len(f) != 7 || len(f[1]) != 3 || f[1][2] != ',' || f[4] != "AM" && f[4] != "PM" || !className(f[5]) {
		return t, "", "", false
	}
	t, err := time.Parse("Jan 02, 2006 3:04:05 PM", strings.Join(f[:5], " "))
	if err != nil {
		return t, "", "", false
	}
	return t, f[5], f[6], true
}

// julLevels are java.util.logging's levels as SimpleFormatter writes them.
var julLevels = map[string]string{"SEVERE": pu.Error, "WARNING": pu.Warning, "INFO": pu.Info, "CONFIG": pu.Info,
	"FINE": pu.Debug, "FINER": pu.Debug, "FINEST": pu.Debug}

// JULLevel returns the level a java.util.logging record's second line states ("WARNING: ..."),
// and the message after it.
func JULLevel(s string) (level, msg string, ok bool) {
	w, m, found := strings.Cut(s, ": ")
	level, ok = julLevels[w]
	return level, m, found && ok
}

// julRecord reads a java.util.logging record the parse processor joined (the JVM's own, an
// OpenTelemetry Java SDK's exporter, Elasticsearch's at its start): its time, class (the
// logger), method, level and message, the throwable's lines after it as the stack.
func julRecord(ev *event.Event, first, rest string) bool {
	t, class, method, ok := JULHeader(first)
	if !ok {
		return false
	}
	second, more, _ := strings.Cut(rest, "\n")
	lv, msg, ok := JULLevel(second)
	if !ok {
		return false
	}
	pu.SetDatedLocalTime(ev, t)
	ev.SetString(event.FieldLogLogger, class)
	ev.SetString(pu.FieldOriginFunc, method)
	ev.SetString(pu.FieldLogMessage, msg)
	if lv == pu.Error || lv == pu.Critical {
		ev.SetString(event.FieldErrorMsg, msg) // (a WARNING without a throwable is no error: the JVM's notices at start)
	}
	if more != "" {
		exception(ev, more)
	}
	pu.Finish(ev, pu.DatasetOr(ev, Dataset), lv)
	return true
}
