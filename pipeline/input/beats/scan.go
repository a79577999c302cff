package beats

import (
	"strconv"

	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/event/eventjson"
)

// A one-pass JSON reader for the decoder. gjson (which the tests use as the reference) needs a
// validating pass and then one more pass per level of nesting, because every nested object is
// scanned to its end before it is walked; Filebeat documents are mostly nested (kubernetes.*,
// agent.*, log.*), so that cost about half the input's CPU. Here the document is checked and
// walked in the same pass, and strings without escapes are slices of the document.

// isSpace reports JSON whitespace.
func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\t' }

func skipSpace(s string, i int) int {
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	return i
}

// plainByte marks the bytes a JSON string may hold without special handling.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < 256; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// parseValue reads a string like parseString, and also reports whether its value is plain
// ASCII that needs no escaping (event.SafeString): most of a Filebeat document is.
func parseValue(s string, i int) (v string, end int, ok, safe bool) {
	start := i + 1
	j := event.PlainASCIIFrom(s, start)
	if j < len(s) && s[j] == '"' {
		return s[start:j], j + 1, true, true
	}
	v, end, ok = stringFrom(s, start, j)
	return v, end, ok, false
}

// parseString reads the string whose opening quote is s[i]: its value (a slice of s when it
// has no escapes), the index after the closing quote, and whether it was valid.
func parseString(s string, i int) (string, int, bool) {
	return stringFrom(s, i+1, i+1)
}

// stringFrom is parseString of the string whose value starts at start, the bytes before i
// known to need no handling.
func stringFrom(s string, start, i int) (string, int, bool) {
	for i < len(s) && plainByte[s[i]] {
		i++
	}
	if i < len(s) && s[i] == '"' {
		return s[start:i], i + 1, true
	}
	if i >= len(s) || s[i] != '\\' {
		return "", 0, false // end of input or a control character
	}
	return eventjson.UnescapeString(s, start, i)
}

// numberValue converts a checked JSON number: integers that fit stay integers.
func numberValue(raw string, float bool) (v numberResult) {
	if !float {
		if n, err := strconv.ParseInt(raw, 10, 64); err == nil {
			return numberResult{i: n, isInt: true}
		}
	}
	f, _ := strconv.ParseFloat(raw, 64) // checked syntax: only range errors, which give ±Inf
	return numberResult{f: f}
}

type numberResult struct {
	i     int64
	f     float64
	isInt bool
}
