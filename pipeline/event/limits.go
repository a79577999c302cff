package event

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// Limits that keep one hostile or broken line from making a document Elasticsearch refuses or
// that costs far more than the line. They are written once here so that every component that
// turns text into fields (the parsers, the json processor, the beats and kafka inputs) applies
// the same rule.
const (
	// MaxDepth is how many levels of objects and arrays a decoded JSON value may bring into an
	// event, counted from the document it came from. Elasticsearch refuses documents deeper
	// than its mapping depth limit (20 by default); 8 leaves room for the prefixes sluice adds
	// (log.fields.*) and for the fields around it. Whatever lies deeper is kept as a string
	// holding its JSON text: searchable, never lost, never deep.
	MaxDepth = 8

	// MaxDerivedLen bounds a string field copied out of the message (error.message,
	// error.stack_trace, log.message, a log.fields member). The message keeps the whole text;
	// a 1 MiB line must not be stored two or three times over.
	MaxDerivedLen = 64 << 10

	// TagFieldTruncated marks an event one of whose derived fields was cut to MaxDerivedLen.
	TagFieldTruncated = "_field_truncated"
)

// Fields and tags of a group of lines (a traceback) cut into several events at its limit: the
// events share an error.id and are numbered by event.sequence from 1; the later ones are tagged
// TagGroupContinued. Past the last continuation event the group's lines are counted, not sent:
// the last event carries the count and TagMultilineOmitted.
const (
	FieldErrorID        = "error.id"
	FieldSequence       = "event.sequence"
	FieldOmittedLines   = "log.omitted_lines"
	TagGroupContinued   = "_group_continued"
	TagMultilineOmitted = "_multiline_omitted"
)

// FitsDepth reports whether a JSON value with nesting levels of its own (0 for a scalar, 1 for
// {} or [1,2]), found under depth enclosing levels, stays within limit (MaxDepth, or less where
// a user chose so).
func FitsDepth(depth, nesting, limit int) bool { return depth+nesting <= limit }

// Nesting returns how many levels of arrays and objects the JSON text raw holds, reading it
// once without recursion, so any depth is safe. It counts at most stop levels (pass a limit:
// nothing beyond it matters to the caller). raw must be valid JSON.
func Nesting(raw string, stop int) int {
	depth, most := 0, 0
	for i := 0; i < len(raw); i++ {
		switch raw[i] {
		case '"':
			i = stringEnd(raw, i)
		case '{', '[':
			depth++
			if depth > most {
				if most = depth; most >= stop {
					return most
				}
			}
		case '}', ']':
			depth--
		}
	}
	return most
}

// stringEnd returns the index of the closing quote of the JSON string whose opening quote is
// s[i].
func stringEnd(s string, i int) int {
	for i++; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return len(s)
}

// JSONWithin returns the JSON text raw (an object or an array) as a Raw value when it fits
// within limit levels under depth enclosing ones, and as a String of its text when it does not.
func JSONWithin(raw string, depth, limit int) Value {
	if strings.ContainsAny(raw, "\r\n") {
		// a value printed over lines (a pretty-printed object a group joined, a Kafka record's):
		// written out as it came it would break the one-line-a-document format of the outputs
		// (a bulk request's NDJSON), so its whitespace goes
		var b bytes.Buffer
		if json.Compact(&b, []byte(raw)) == nil {
			raw = b.String()
		}
	}
	if FitsDepth(depth, Nesting(raw, limit-depth+1), limit) {
		return Raw(raw)
	}
	return String(raw)
}

// CapDerived cuts every string field except the message and event.original to MaxDerivedLen
// bytes (at a character boundary) and tags the event TagFieldTruncated when it cut one. It
// returns how many it cut. Only a message longer than MaxDerivedLen can give such fields, so a
// caller checks the message length first and pays nothing for ordinary lines.
func (e *Event) CapDerived() int {
	for i := len(e.shared) - 1; i >= 0; i-- {
		for _, f := range e.shared[i].fields {
			if f.val.kind == KindString && len(f.val.str) > MaxDerivedLen {
				e.unshare(i)
				break
			}
		}
	}
	n := 0
	for i := range e.fields {
		f := &e.fields[i]
		if f.val.kind != KindString || len(f.val.str) <= MaxDerivedLen || f.key == FieldMessage || f.key == FieldOriginal {
			continue
		}
		f.val.str = cutUTF8(f.val.str, MaxDerivedLen)
		n++
	}
	if n > 0 {
		e.AddTag(TagFieldTruncated)
	}
	return n
}

// cutUTF8 returns at most n bytes of s, not splitting a character.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for i := n; i > n-utf8.UTFMax && i > 0; i-- {
		if utf8.RuneStart(s[i]) {
			return s[:i]
		}
	}
	return s[:n]
}
