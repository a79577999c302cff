// Package nodejs parses what Node.js services in front of vLLM write (LibreChat, Flowise,
// AnythingLLM, n8n, the Next.js chat front ends) and what Node itself prints when they fail:
//
//	2024-07-26 08:57:28 error: [handleAbortError] AI response error; aborting request: Connection error.
//	2025-08-25T13:56:49.982Z info: RAG API is running and reachable at http://rag_api:8000.
//	2023-10-05 19:19:58 [ERROR]: [server]: Error: Request failed with status code 400
//	[backend] error: TypeError: fetch failed
//	2026-01-04T12:23:01.856Z | info  | Initializing n8n process {"file":"start.js","function":"init"}
//
// the winston layouts of LibreChat ("${timestamp} ${level}: ${message}"), Flowise
// ("${timestamp} [${LEVEL}]: ${message}"), AnythingLLM ("[${service}] ${level}: ${message}") and
// n8n ("${timestamp} | ${level} | ${message} ${metadata}"); and a JavaScript error with the V8
// stack frames the parse processor grouped under it ("    at fn (file.js:10:5)"), in util.inspect's
// form (" [TypeError: fetch failed] {", its cause and properties), Node's report of an uncaught
// exception or rejection ("node:internal/process/promises:288", the source line, the error) and
// V8's fatal out-of-memory report ("<--- Last few GCs --->", "FATAL ERROR: Reached heap limit
// ..."), and npm's "npm ERR!" lines.
package nodejs

import (
	"strings"

	"github.com/sluice-dev/sluice/parsers"
	pu "github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/parsers/tagged"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/tidwall/gjson"
)

// Dataset is the dataset of these lines from a container sluice does not name by program.
const Dataset = "generic.nodejs"

// Info registers the parser.
var Info = parsers.Info{
	Name:        "nodejs",
	Description: "Node.js services' winston layouts (LibreChat, Flowise, AnythingLLM, n8n), JavaScript errors with their V8 stack frames, Node's uncaught-exception and out-of-memory reports, npm's errors",
	New:         func(parsers.Options) parsers.Parser { return New() },
	Fields: append(pu.Fields(pu.FieldLogMessage, event.FieldLogLogger, event.FieldErrorMsg, event.FieldErrorStack,
		event.FieldOriginFile, pu.FieldOriginFunc),
		parsers.Field{Name: event.FieldErrorType, Type: "keyword", Description: "Class of the JavaScript error a Node.js line reports (TypeError, AxiosError)."},
		parsers.Field{Name: event.FieldHTTPStatus, Type: "long", Description: "Status an HTTP client's error names (axios' \"Request failed with status code 429\")."}),
}

// Parser parses Node.js services' lines. It is stateless and safe for concurrent use.
type Parser struct{}

// New returns the parser.
func New() *Parser { return &Parser{} }

// Parse recognises a winston line, or a JavaScript error report, with the lines the parse
// processor grouped under it.
func (p *Parser) Parse(ev *event.Event) bool {
	msg := ev.Message()
	first, rest, _ := strings.Cut(msg, "\n")
	first = strings.TrimSuffix(first, "\r")
	if len(first) < 4 {
		return false
	}
	var l line
	switch {
	case winston(first, &l):
	case report(first, rest, &l):
	default:
		return false
	}
	if l.stamp != "" {
		if t, _, ok := pu.RFC3339(l.stamp); ok {
			pu.SetStamp(ev, t, l.stamp)
		}
	}
	if l.logger != "" {
		ev.SetString(event.FieldLogLogger, l.logger)
	}
	if l.file != "" {
		ev.SetString(event.FieldOriginFile, l.file)
	}
	if l.fn != "" {
		ev.SetString(pu.FieldOriginFunc, l.fn)
	}
	ev.SetString(pu.FieldLogMessage, strings.TrimRight(l.msg, " "))
	text := l.msg
	if rest != "" {
		text += "\n" + rest
	}
	if e, ok := FindError(text); ok {
		e.set(ev)
		if l.level == "" || l.level == pu.Info || l.level == pu.Debug {
			if l.fatal {
				l.level = pu.Critical
			} else if e.stack != "" || l.uncaught {
				l.level = pu.Error // an error printed with its stack: console.error's, an uncaught one's
			}
		}
	} else if l.fatal && rest != "" {
		ev.SetString(event.FieldErrorStack, rest)
	} else if l.level == pu.Error || l.level == pu.Critical {
		// an error logged without its stack: "[server]: Error: Request failed with status code 400"
		if typ, m, ok := embeddedError(l.msg); ok {
			jsError{typ: typ, msg: m}.set(ev)
		}
	}
	if l.errMsg != "" && !ev.Has(event.FieldErrorMsg) {
		ev.SetString(event.FieldErrorMsg, l.errMsg)
	}
	pu.Finish(ev, pu.DatasetOr(ev, Dataset), l.level)
	return true
}

// line is what a Node.js line says.
type line struct {
	stamp, level, logger, msg string
	file, fn                  string
	errMsg                    string
	fatal                     bool // the process dies (V8 out of memory)
	uncaught                  bool // Node's report of an uncaught exception or rejection
}

// winston reads the winston layouts: a time then a lower-case level and a colon (LibreChat), a
// time then the level in brackets in capitals (Flowise), the service in brackets then the level
// (AnythingLLM), or a time, " | ", the level padded to five, " | " (n8n).
func winston(s string, l *line) bool {
	if s[0] == '[' {
		// AnythingLLM: "[backend] error: TypeError: fetch failed"
		svc, after, ok := strings.Cut(s[1:min(len(s), 40)]+s[min(len(s), 40):], "] ")
		if !ok || svc == "" || strings.ContainsAny(svc, " :[") {
			return false
		}
		lv, msg, ok := levelColon(after)
		if !ok {
			return false
		}
		l.logger, l.level, l.msg = svc, lv, msg
		return true
	}
	if len(s) > 16 && s[2] == ':' && s[5] == ':' && s[8] == '.' && s[12:15] == " - " {
		// configurable-http-proxy before 4.0 (JupyterHub's proxy): "13:03:59.080 - error:
		// [ConfigProxy] Proxy error:  Error: socket hang up", the time of day alone (the
		// runtime's time stays)
		lv, msg, ok := levelColon(s[15:])
		if !ok {
			return false
		}
		if name, after, found := strings.Cut(msg, "] "); found && len(msg) > 2 && msg[0] == '[' && identifier(name[1:]) {
			l.logger, msg = name[1:], after
		}
		l.level, l.msg = lv, msg
		return true
	}
	if s[0] < '1' || s[0] > '2' {
		return false
	}
	_, n, ok := pu.RFC3339(s)
	if !ok || n+4 > len(s) || s[n] != ' ' {
		return false
	}
	stamp, after := s[:n], s[n+1:]
	switch {
	case strings.HasPrefix(after, "| "):
		// n8n: "2026-01-04T12:23:01.856Z | info  | Initializing n8n process {"file":"start.js",...}"
		word, msg, ok := strings.Cut(after[2:], " | ")
		lv := pu.LowerLevel(strings.TrimRight(word, " "))
		if !ok || lv == "" {
			return false
		}
		l.level, l.msg = lv, msg
		if i := strings.LastIndex(msg, " {\""); i >= 0 && strings.HasSuffix(msg, "}") && gjson.Valid(msg[i+1:]) {
			meta := gjson.Parse(msg[i+1:])
			l.file, l.fn = meta.Get("file").String(), meta.Get("function").String()
			l.msg = msg[:i]
		}
	case after[0] == '[':
		// Flowise: "2023-10-05 19:19:58 [ERROR]: [server]: Error: Request failed ..."
		word, msg, ok := strings.Cut(after[1:], "]: ")
		lv, isLevel := pu.Level(word)
		if !ok || !isLevel || len(word) < 4 || word != strings.ToUpper(word) {
			return false
		}
		l.level, l.msg = lv, msg
	default:
		// LibreChat: "2024-07-26 08:57:28 error: ...", "2025-08-25T13:56:49.982Z info: ..."
		lv, msg, ok := levelColon(after)
		if !ok {
			return false
		}
		l.level, l.msg = lv, msg
	}
	l.stamp = stamp
	return true
}

// levelColon reads "level: message" with winston's lower-case level names.
func levelColon(s string) (level, msg string, ok bool) {
	word, _, ok := strings.Cut(s[:min(len(s), 12)], ": ")
	if !ok {
		return "", "", false
	}
	msg = s[len(word)+2:]
	switch word {
	case "error", "warn", "info", "debug":
		level, _ = pu.Level(word)
	case "http", "verbose", "silly":
		level = pu.Debug
	default:
		return "", "", false
	}
	return level, msg, true
}

// report reads a line that opens a Node.js report the parse processor grouped: a JavaScript
// error with frames under it, util.inspect's form of one, Node's uncaught-exception report, V8's
// out-of-memory report, npm's error lines.
func report(first, rest string, l *line) bool {
	t := strings.TrimLeft(first, " ")
	switch {
	case strings.HasPrefix(t, "npm ERR! "), t == "npm ERR!":
		l.level, l.logger, l.msg = pu.Error, "npm", strings.TrimPrefix(strings.TrimPrefix(t, "npm ERR!"), " ")
		return true
	case t == "<--- Last few GCs --->" || strings.HasPrefix(t, "FATAL ERROR: "):
		// V8's heap exhausted: the process aborts
		l.level, l.fatal, l.msg = pu.Critical, true, t
		for _, s := range strings.Split(first+"\n"+rest, "\n") {
			if m, ok := strings.CutPrefix(strings.TrimSpace(s), "FATAL ERROR: "); ok {
				l.errMsg = m
				break
			}
		}
		return true
	case UncaughtHeader(t) && rest != "":
		l.uncaught, l.level, l.msg = true, pu.Critical, t // Node exits
		return true
	case strings.HasPrefix(t, nextError), strings.HasPrefix(t, nextWarning):
		// Next.js's server output marks its errors and warnings (" ⨯ Connection error.", "
		// ⨯ TypeError: fetch failed" and its frames, " ⚠ Fast Refresh had to perform a full
		// reload ..."); a JavaScript error after the mark gives its class, cause and stack
		l.level, l.msg = pu.Warning, strings.TrimPrefix(t, nextWarning)
		if m, ok := strings.CutPrefix(t, nextError); ok {
			l.level, l.msg, l.errMsg = pu.Error, m, m
		}
		return l.msg != ""
	}
	if rest == "" || !strings.HasPrefix(rest, "    at ") && !inspectStart(t) {
		return false
	}
	// Kibana's console layout before the error: "[2023-11-21T17:30:53.638+00:00][ERROR]
	// [plugins.ruleRegistry] Error: Timeout: ...", its time, level and logger the record's
	rec, stamp, prefixed := tagged.ConsoleRecord(t)
	if prefixed {
		t = rec.Msg
	}
	if _, _, ok := embeddedError(t); !ok && !inspectStart(t) {
		return false
	}
	if prefixed {
		l.stamp, l.level, l.logger = stamp, rec.Level, rec.Logger
	}
	l.msg = t
	return true
}

// Next.js's marks before its server's error and warning lines.
const (
	nextError   = "⨯ "
	nextWarning = "⚠ "
)

// UncaughtHeader reports whether b opens Node's report of an uncaught exception: the place it was
// thrown, "node:internal/process/promises:288" or "/app/server/index.js:12", alone on its line.
func UncaughtHeader(b string) bool {
	colon := strings.LastIndexByte(b, ':')
	if colon < 2 || colon == len(b)-1 || strings.IndexByte(b, ' ') >= 0 {
		return false
	}
	for i := colon + 1; i < len(b); i++ {
		if b[i] < '0' || b[i] > '9' {
			return false
		}
	}
	file := b[:colon]
	return strings.HasPrefix(file, "node:internal/") || file == "undefined" || // JSON.parse's text: "undefined:1"
		(file[0] == '/' || len(file) > 2 && file[1] == ':') && (strings.HasSuffix(file, ".js") ||
			strings.HasSuffix(file, ".mjs") || strings.HasSuffix(file, ".cjs") || strings.HasSuffix(file, ".ts"))
}
