// Package cri removes the framing that CRI container runtimes (containerd, CRI-O) put around
// every line they write to /var/log/pods: "<RFC 3339 time> <stream> <tag> <text>". The tag is
// F for a full line and P for a piece of a line longer than the runtime's buffer (16 KiB in
// containerd); the pieces of one line follow each other on the same stream and end with an F.
// Joining them needs state across events, so the parse processor does it; this parser only
// reports which piece is partial.
package cri

import (
	"time"

	"github.com/sluice-dev/sluice/parsers"
	"github.com/sluice-dev/sluice/parsers/k8spath"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// Field names. The stream goes to "stream", the name Filebeat's container input and the Elastic
// Kubernetes integration use, so dashboards work whether Filebeat or sluice removed the framing.
// The runtime's timestamp becomes @timestamp and is also kept in event.created, since a content
// parser may later replace @timestamp with the application's own (less precise) time.
const (
	FieldStream  = "stream"
	FieldCreated = "event.created"
)

// Fields lists what framing parsers set; the Docker parser shares it.
var Fields = []parsers.Field{
	{Name: event.FieldTimestamp, Type: "date", Description: "When the line was written: the container runtime's time, or the application's own when a content parser found one."},
	{Name: event.FieldMessage, Type: "match_only_text", Description: "The log line without container-runtime framing and without a terminal's escapes (colours: the parse processor leaves them out); pieces of a split line are joined."},
	{Name: FieldStream, Type: "keyword", Description: "The container stream the line was written to: stdout or stderr."},
	{Name: FieldCreated, Type: "date", Description: "The container runtime's timestamp of the line (nanosecond precision)."},
	{Name: event.FieldLogFlags, Type: "keyword", Description: "multiline when the parse processor joined several lines (a traceback) into the event, as Filebeat marks it."},
	{Name: event.FieldErrorID, Type: "keyword", Description: "Id shared by the events of one group of lines (a traceback) that the parse or multiline processor cut at its limit."},
	{Name: event.FieldSequence, Type: "long", Description: "Number of the event within such a cut group, from 1; the later events are tagged _group_continued."},
	{Name: event.FieldOmittedLines, Type: "long", Description: "Lines of the group left out after its last continuation event filled (tag _multiline_omitted)."},
	{Name: event.FieldK8sPodName, Type: "keyword", Description: "Pod name, from Filebeat's metadata or else from the container log path."},
	{Name: event.FieldK8sNamespace, Type: "keyword", Description: "Namespace, from Filebeat's metadata or else from the container log path."},
	{Name: event.FieldK8sContainer, Type: "keyword", Description: "Container name, from Filebeat's metadata or else from the container log path."},
	{Name: event.FieldK8sPodUID, Type: "keyword", Description: "Pod UID, from the /var/log/pods path."},
	{Name: k8spath.FieldID, Type: "keyword", Description: "Container id, from the /var/log/containers path."},
}

// Info registers the parser.
var Info = parsers.Info{
	Name:        "cri",
	Description: "CRI container log framing (containerd, CRI-O): <time> stdout|stderr F|P <line>",
	New:         func(parsers.Options) parsers.Parser { return Parser{} },
	Framing:     true,
	Fields:      Fields,
}

// Parser unwraps CRI-framed lines. It is stateless and safe for concurrent use.
type Parser struct{}

// Parse replaces a CRI-framed message with its text and sets the stream and timestamp.
func (Parser) Parse(ev *event.Event) bool {
	ok, _ := Parser{}.ParseFrame(ev)
	return ok
}

// ParseFrame is Parse that also reports whether the text is a partial piece (tag P) that the
// next piece on the same stream continues.
func (p Parser) ParseFrame(ev *event.Event) (ok, partial bool) {
	f, ok := p.FrameMessage(ev, ev.Message())
	return ok, f.Partial
}

// FrameMessage is ParseFrame for a caller that has read the message already (msg is
// ev.Message()) and wants the frame back: its Text is the event's message afterwards and its
// Stream the stream field, so the caller need not look either up again.
func (Parser) FrameMessage(ev *event.Event, msg string) (Frame, bool) {
	f, ok := Split(msg)
	if !ok {
		return f, false
	}
	ev.SetMessage(f.Text)
	ev.SetString(FieldStream, f.Stream)
	ev.SetTimestamp(f.Time)
	ev.Set(FieldCreated, event.Time(f.Time))
	return f, true
}

// Frame is one CRI line taken apart.
type Frame struct {
	Time    time.Time
	Stream  string // "stdout" or "stderr"
	Partial bool
	Text    string
	Attrs   string // a Docker json-file line's attrs object, as written; "" when none
}

// Split takes a CRI line apart by its structure: a timestamp field that parses as RFC 3339,
// a stream of stdout or stderr, and a tag whose first flag is F or P (the tag may carry more
// flags after ':'). A line that is not so framed is left alone (ok false).
func Split(line string) (f Frame, ok bool) {
	sp := indexSpace(line, 40)
	if sp < len("2006-01-02T15:04:05Z") || line[4] != '-' || line[10] != 'T' {
		return f, false
	}
	t, err := event.ParseTime(line[:sp])
	if err != nil {
		return f, false
	}
	rest := line[sp+1:]
	switch {
	case len(rest) >= 7 && rest[:7] == "stdout ":
		f.Stream = "stdout"
	case len(rest) >= 7 && rest[:7] == "stderr ":
		f.Stream = "stderr"
	default:
		return f, false
	}
	rest = rest[7:]
	tag := indexSpace(rest, 64)
	if tag < 0 {
		// "... stdout F" with nothing after it: an empty line.
		tag = len(rest)
	}
	if tag == 0 || (rest[0] != 'F' && rest[0] != 'P') || (tag > 1 && rest[1] != ':') {
		return f, false
	}
	f.Partial = rest[0] == 'P'
	if tag < len(rest) {
		f.Text = rest[tag+1:]
	}
	f.Time = t.UTC()
	return f, true
}

// indexSpace returns the index of the first ' ' within the first limit bytes, or -1.
func indexSpace(s string, limit int) int {
	for i := 0; i < len(s) && i < limit; i++ {
		if s[i] == ' ' {
			return i
		}
	}
	return -1
}
