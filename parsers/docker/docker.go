// Package docker removes the framing of Docker's json-file log driver, which writes each chunk a
// container printed as {"log":"<text>\n","stream":"stdout","time":"<RFC 3339>"}. A line longer
// than Docker's 16 KiB buffer is split into chunks; every chunk but the last lacks the trailing
// "\n". Joining them needs state across events, so the parse processor does it; this parser only
// reports which chunk is partial.
package docker

import (
	"encoding/json"
	"strings"

	"github.com/sluice-dev/sluice/parsers"
	"github.com/sluice-dev/sluice/parsers/cri"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/event/eventjson"
)

// Info registers the parser. It sets the same fields as the CRI parser.
var Info = parsers.Info{
	Name:        "docker",
	Description: `Docker json-file log framing: {"log":"...\n","stream":"stdout","time":"..."}`,
	New:         func(parsers.Options) parsers.Parser { return Parser{} },
	Framing:     true,
	Fields: append(cri.Fields[:len(cri.Fields):len(cri.Fields)],
		parsers.Field{Name: FieldAttrs, Type: "flattened", Description: "The attrs of a json-file line: the container labels and environment variables named in the log driver's labels and env options (as Filebeat's container input keeps them)."}),
}

// FieldAttrs holds a json-file line's attrs object.
const FieldAttrs = "docker.attrs"

// Parser unwraps json-file lines. It is stateless and safe for concurrent use.
type Parser struct{}

// Parse replaces a json-file message with its text and sets the stream and timestamp.
func (Parser) Parse(ev *event.Event) bool {
	ok, _ := Parser{}.ParseFrame(ev)
	return ok
}

// ParseFrame is Parse that also reports whether the chunk is partial (no trailing newline).
func (p Parser) ParseFrame(ev *event.Event) (ok, partial bool) {
	f, ok := p.FrameMessage(ev, ev.Message())
	return ok, f.Partial
}

// FrameMessage is ParseFrame for a caller that has read the message already (msg is
// ev.Message()) and wants the frame back: its Text is the event's message afterwards and its
// Stream the stream field, so the caller need not look either up again.
func (Parser) FrameMessage(ev *event.Event, msg string) (cri.Frame, bool) {
	f, ok := Split(msg)
	if !ok {
		return f, false
	}
	ev.SetMessage(f.Text)
	ev.SetString(cri.FieldStream, f.Stream)
	if f.Attrs != "" {
		ev.Set(FieldAttrs, event.Raw(f.Attrs))
	}
	if !f.Time.IsZero() {
		ev.SetTimestamp(f.Time)
		ev.Set(cri.FieldCreated, event.Time(f.Time))
	}
	return f, true
}

// Split decodes one json-file line: an object whose "log" member is a string, with optional
// "stream" and "time" strings and an "attrs" object; other members are skipped. The text loses its trailing
// "\n" (and a "\r" before it); without one the chunk is partial.
func Split(line string) (f cri.Frame, ok bool) {
	s := strings.TrimSpace(line)
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' || !strings.Contains(s, `"log"`) {
		return f, false
	}
	sc := scanner{s: s, i: 1}
	haveLog := false
	for {
		sc.skipSpace()
		if sc.peek() == '}' {
			break
		}
		key, ok := sc.str()
		if !ok || !sc.expect(':') {
			return f, false
		}
		sc.skipSpace()
		if sc.peek() != '"' {
			start := sc.i
			if !sc.skipValue() {
				return f, false
			}
			if key == "attrs" {
				f.Attrs = attrs(s[start:sc.i])
			}
		} else {
			val, ok := sc.str()
			if !ok {
				return f, false
			}
			switch key {
			case "log":
				f.Text, haveLog = val, true
			case "stream":
				f.Stream = val
			case "time":
				t, err := event.ParseTime(val)
				if err != nil {
					return f, false
				}
				f.Time = t.UTC()
			}
		}
		sc.skipSpace()
		if sc.peek() == ',' {
			sc.i++
			continue
		}
		if sc.peek() != '}' {
			return f, false
		}
		break
	}
	if !haveLog || sc.i != len(s)-1 {
		return f, false
	}
	if strings.HasSuffix(f.Text, "\n") {
		f.Text = strings.TrimSuffix(strings.TrimSuffix(f.Text, "\n"), "\r")
	} else {
		f.Partial = true
	}
	return f, true
}

// attrs returns the attrs member's text when it is a JSON object with members, "" otherwise.
// It goes into the document as it is, so it is checked whole; Docker writes it only when the
// log driver's labels or env options name something.
func attrs(v string) string {
	v = strings.TrimSpace(v)
	if len(v) < 3 || v[0] != '{' || !json.Valid([]byte(v)) {
		return ""
	}
	return v
}

type scanner struct {
	s string
	i int
}

func (sc *scanner) peek() byte {
	if sc.i < len(sc.s) {
		return sc.s[sc.i]
	}
	return 0
}

func (sc *scanner) skipSpace() {
	for sc.i < len(sc.s) && (sc.s[sc.i] == ' ' || sc.s[sc.i] == '\t' || sc.s[sc.i] == '\n' || sc.s[sc.i] == '\r') {
		sc.i++
	}
}

func (sc *scanner) expect(c byte) bool {
	sc.skipSpace()
	if sc.peek() != c {
		return false
	}
	sc.i++
	return true
}

// skipValue steps over a number, true, false, null, or a nested object or array.
func (sc *scanner) skipValue() bool {
	depth := 0
	start := sc.i
	for sc.i < len(sc.s) {
		switch c := sc.s[sc.i]; c {
		case '"':
			if _, ok := sc.str(); !ok {
				return false
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return sc.i > start
			}
			depth--
		case ',':
			if depth == 0 {
				return sc.i > start
			}
		}
		sc.i++
	}
	return false
}

// str reads a JSON string at sc.i. Without escapes it returns a substring of the line.
func (sc *scanner) str() (string, bool) {
	if sc.peek() != '"' {
		return "", false
	}
	start := sc.i + 1
	for j := start; j < len(sc.s); j++ {
		switch sc.s[j] {
		case '"':
			sc.i = j + 1
			return sc.s[start:j], true
		case '\\':
			return sc.escaped(start)
		}
	}
	return "", false
}

// escaped finishes a string whose first escape is at or after start.
func (sc *scanner) escaped(start int) (string, bool) {
	i := start
	for i < len(sc.s) && sc.s[i] != '\\' && sc.s[i] != '"' {
		i++
	}
	v, next, ok := eventjson.UnescapeString(sc.s, start, i)
	if ok {
		sc.i = next
	}
	return v, ok
}
