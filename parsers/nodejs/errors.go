package nodejs

import (
	"strings"

	pu "github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// FrameLine reports whether b is a V8 stack frame as Error.stack writes it: "    at fn
// (file.js:10:5)", "    at async /app/server/endpoints/chat.js:62:9", "    at node:internal/...".
func FrameLine(b string) bool {
	return strings.HasPrefix(b, "    at ") && len(b) > 8 && b[7] != ' '
}

// ErrorStart reports whether b opens a JavaScript error the parse processor may find frames
// under: a line holding "TypeError: ...", "Error: ...", "AxiosError: ...", "Error [ERR_X]:
// ..." (alone, or after a logger's prefix: "[backend] error: TypeError: fetch failed",
// "2023-10-05 19:19:58 [ERROR]: [server]: Error: ..."), or util.inspect's " [TypeError: fetch
// failed] {".
func ErrorStart(b string) bool {
	if strings.IndexByte(b, 'E') < 0 && strings.IndexByte(b, '[') < 0 {
		return false
	}
	t := strings.TrimLeft(b, " ")
	if inspectStart(t) {
		return true
	}
	_, _, ok := embeddedError(t)
	return ok
}

// InspectStart reports whether b (trimmed) opens util.inspect's form of an error object: "[TypeError:
// fetch failed] {", "[UnhandledPromiseRejection: ...] {", whose properties follow, one a line,
// up to the closing brace.
func InspectStart(b string) bool { return inspectStart(strings.TrimLeft(b, " ")) }

func inspectStart(t string) bool {
	if len(t) < 6 || t[0] != '[' || !strings.HasSuffix(t, "] {") {
		return false
	}
	name, _, ok := strings.Cut(t[1:], ": ")
	return ok && identifier(name) && name[0] >= 'A' && name[0] <= 'Z'
}

// jsError is the error a Node.js report names.
type jsError struct {
	typ, msg, stack string
}

func (e jsError) set(ev *event.Event) {
	if e.typ != "" {
		ev.SetString(event.FieldErrorType, e.typ)
	}
	if m := strings.TrimRight(e.msg, " "); m != "" {
		ev.SetString(event.FieldErrorMsg, m)
		if code, ok := axiosStatus(m); ok {
			ev.Set(event.FieldHTTPStatus, event.Int(code))
		} else if code, ok := leadingStatus(m); ok && strings.HasSuffix(e.typ, "Error") {
			ev.Set(event.FieldHTTPStatus, event.Int(code))
		}
	}
	if e.stack != "" {
		ev.SetString(event.FieldErrorStack, strings.TrimRight(e.stack, " \n"))
	}
}

// FindError finds the error a Node.js report (a line and what was grouped under it) names: the
// one util.inspect printed with its cause, or the line right above the first stack frame.
func FindError(text string) (jsError, bool) {
	lines := strings.Split(text, "\n")
	for i, s := range lines {
		t := strings.TrimSpace(strings.TrimSuffix(s, "\r"))
		if !inspectStart(t) {
			continue
		}
		typ, msg, _ := strings.Cut(t[1:len(t)-len("] {")], ": ")
		return jsError{typ: typ, msg: msg + causes(lines[i+1:]), stack: strings.Join(lines[i:], "\n")}, true
	}
	for i, s := range lines {
		if !FrameLine(s) {
			continue
		}
		for j := i - 1; j >= 0; j-- {
			c := strings.TrimSpace(lines[j])
			if c == "" {
				continue
			}
			if typ, msg, ok := embeddedError(c); ok {
				// (an error with properties prints them in braces after its frames: its cause
				// among them, openai's APIConnectionError's fetch failure)
				return jsError{typ: typ, msg: msg + causes(lines[i:]), stack: strings.Join(lines[j:], "\n")}, true
			}
			return jsError{stack: strings.Join(lines[i:], "\n")}, true
		}
		return jsError{stack: strings.Join(lines[i:], "\n")}, true
	}
	return jsError{}, false
}

// causes returns the chain of causes util.inspect printed among an error's properties, as
// "; cause: ..." each: "  cause:  [Error: connect ECONNREFUSED 127.0.0.1:11434] {", and under
// it "    [cause]: Error: read ECONNRESET" (why fetch failed, why the connection did), at most
// three.
func causes(lines []string) string {
	var b strings.Builder
	for n, c := range lines {
		t := strings.TrimSpace(c)
		v, ok := strings.CutPrefix(t, "cause:")
		if !ok {
			v, ok = strings.CutPrefix(t, "[cause]:")
		}
		if !ok || n > 200 {
			continue
		}
		if v = strings.TrimSpace(v); strings.HasPrefix(v, "[") {
			v = strings.TrimSuffix(strings.TrimSuffix(v[1:], " {"), "]")
		} else {
			v = strings.TrimSuffix(v, " {")
		}
		if v != "" && v != "undefined" && v != "null" {
			b.WriteString("; cause: ")
			b.WriteString(v)
			if strings.Count(b.String(), "; cause: ") == 3 {
				break
			}
		}
	}
	return b.String()
}

// ErrorLine reads a line that is a JavaScript error's first line, "TypeError: fetch failed",
// "Error [ERR_STREAM_PREMATURE_CLOSE]: Premature close".
func ErrorLine(s string) (typ, msg string, ok bool) {
	if ctor, rest, found := strings.Cut(s[:min(len(s), 80)], " ["); found && identifier(ctor) {
		// util.inspect's "<constructor> [<name>]: message" when the two differ (a minified
		// bundle's class: "JP [ResponseError]: circuit_breaking_exception: ..."): the name
		if name, _, isErr := strings.Cut(rest, "]: "); isErr && identifier(name) && strings.HasSuffix(name, "Error") {
			return name, s[len(ctor)+2+len(name)+3:], true
		}
	}
	typ, msg, ok = embeddedError(s)
	if !ok || !strings.HasPrefix(s, typ) {
		return "", "", false
	}
	return typ, msg, true
}

// embeddedError finds a JavaScript error named in s, at its start or after a logger's words
// ("[server]: Error: Request failed with status code 400"): a name that ends in "Error" (Error,
// TypeError, AxiosError, FetchError), then an optional " [CODE]", then ": " and the message.
func embeddedError(s string) (typ, msg string, ok bool) {
	for off := 0; off < len(s); {
		i := strings.Index(s[off:], "Error")
		if i < 0 {
			return "", "", false
		}
		i += off
		end := i + len("Error")
		off = end
		start := i
		for start > 0 && identByte(s[start-1]) {
			start--
		}
		if start > 0 && s[start-1] != ' ' && s[start-1] != '[' && s[start-1] != ':' || s[start] < 'A' || s[start] > 'Z' {
			continue
		}
		rest := s[end:]
		if start > 0 && s[start-1] == '[' && strings.HasPrefix(rest, "]: ") {
			// util.inspect's "<constructor> [<name>]: message" when the two differ (a minified
			// bundle's class: "JP [ResponseError]: circuit_breaking_exception: ...")
			if ctor := strings.TrimSuffix(s[:start-1], " "); len(ctor) < start-1 && identifier(ctor[strings.LastIndexByte(ctor, ' ')+1:]) {
				return s[start:end], rest[3:], true
			}
		}
		if strings.HasPrefix(rest, " [") {
			// Node's coded errors: "Error [ERR_STREAM_PREMATURE_CLOSE]: Premature close"
			if j := strings.Index(rest, "]: "); j > 2 && j < 64 {
				return s[start:end], rest[j+3:], true
			}
		}
		if m, ok := strings.CutPrefix(rest, ": "); ok {
			return s[start:end], m, true
		}
		if rest == "" && start == 0 {
			return s[start:end], "", true
		}
	}
	return "", "", false
}

func identByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '$'
}

func identifier(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !identByte(s[i]) {
			return false
		}
	}
	return true
}

// leadingStatus reads the status the openai client's APIError puts before its message ("400
// This model's maximum context length is 4096 tokens. ...", "500 status code (no body)"), as
// its subclasses (BadRequestError, InternalServerError) and a plain Error's copy of it carry it.
func leadingStatus(msg string) (int64, bool) {
	if len(msg) < 5 || msg[3] != ' ' || msg[0] < '4' || msg[0] > '5' {
		return 0, false
	}
	code, ok := pu.Atoi(msg[:3])
	return code, ok
}

// axiosStatus reads the status axios' error names: "Request failed with status code 400".
func axiosStatus(msg string) (int64, bool) {
	_, after, ok := strings.Cut(msg, "Request failed with status code ")
	if !ok || len(after) < 3 {
		return 0, false
	}
	code, ok := pu.Atoi(after[:3])
	return code, ok && code >= 100 && code <= 599
}
