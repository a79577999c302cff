package beats

import (
	"strconv"

	"github.com/sluice-dev/sluice/parsers/parseutil"
)

// A one-pass JSON reader for the decoder. gjson (which the tests use as the reference) needs a
// validating pass and then one more pass per level of nesting, because every nested object is
// scanned to its end before it is walked; Filebeat documents are mostly nested (kubernetes.*,
// agent.*, log.*), so that cost about half the input's CPU. Here the document is checked and
// walked in the same pass, and strings without escapes are slices of the document.

// maxNesting bounds the depth of arrays and objects kept as raw JSON, so that a frame of a
// million '[' cannot grow the stack.
const maxNesting = 512

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

// parseString reads the string whose opening quote is s[i]: its value (a slice of s when it
// has no escapes), the index after the closing quote, and whether it was valid.
func parseString(s string, i int) (string, int, bool) {
	i++
	start := i
	for i < len(s) && plainByte[s[i]] {
		i++
	}
	if i < len(s) && s[i] == '"' {
		return s[start:i], i + 1, true
	}
	if i >= len(s) || s[i] != '\\' {
		return "", 0, false // end of input or a control character
	}
	return parseutil.UnescapeJSONString(s, start, i)
}

// skipString checks the string at s[i] without building its value.
func skipString(s string, i int) (int, bool) {
	i++
	for i < len(s) {
		c := s[i]
		switch {
		case c == '"':
			return i + 1, true
		case c < 0x20:
			return 0, false
		case c == '\\':
			if i+1 >= len(s) {
				return 0, false
			}
			switch s[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if _, ok := parseutil.Hex4(s, i+2); !ok {
					return 0, false
				}
				i += 6
			default:
				return 0, false
			}
		default:
			i++
		}
	}
	return 0, false
}

// scanNumber checks the JSON number at s[i]; it returns the index after it and whether it has
// a fraction or exponent.
func scanNumber(s string, i int) (end int, float bool, ok bool) {
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		i = digits(s, i)
	default:
		return 0, false, false
	}
	if i < len(s) && s[i] == '.' {
		j := digits(s, i+1)
		if j == i+1 {
			return 0, false, false
		}
		i, float = j, true
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := digits(s, i)
		if j == i {
			return 0, false, false
		}
		i, float = j, true
	}
	return i, float, true
}

func digits(s string, i int) int {
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
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

// skipValue checks the value at s[i] (after whitespace) and returns the index after it.
func skipValue(s string, i, depth int) (int, bool) {
	if i >= len(s) {
		return 0, false
	}
	switch c := s[i]; {
	case c == '"':
		return skipString(s, i)
	case c == '{' || c == '[':
		if depth >= maxNesting {
			return 0, false
		}
		return skipContainer(s, i, depth)
	case c == 't':
		return literal(s, i, "true")
	case c == 'f':
		return literal(s, i, "false")
	case c == 'n':
		return literal(s, i, "null")
	}
	end, _, ok := scanNumber(s, i)
	return end, ok
}

func skipContainer(s string, i, depth int) (int, bool) {
	obj := s[i] == '{'
	closer := byte(']')
	if obj {
		closer = '}'
	}
	i = skipSpace(s, i+1)
	if i < len(s) && s[i] == closer {
		return i + 1, true
	}
	for {
		var ok bool
		if obj {
			if i >= len(s) || s[i] != '"' {
				return 0, false
			}
			if i, ok = skipString(s, i); !ok {
				return 0, false
			}
			i = skipSpace(s, i)
			if i >= len(s) || s[i] != ':' {
				return 0, false
			}
			i = skipSpace(s, i+1)
		}
		if i, ok = skipValue(s, i, depth+1); !ok {
			return 0, false
		}
		i = skipSpace(s, i)
		switch {
		case i < len(s) && s[i] == ',':
			i = skipSpace(s, i+1)
		case i < len(s) && s[i] == closer:
			return i + 1, true
		default:
			return 0, false
		}
	}
}

func literal(s string, i int, lit string) (int, bool) {
	if len(s)-i >= len(lit) && s[i:i+len(lit)] == lit {
		return i + len(lit), true
	}
	return 0, false
}
