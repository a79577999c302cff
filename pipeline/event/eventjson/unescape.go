package eventjson

import (
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// UnescapeString finishes a JSON string that has escapes: s[start:i] is its plain beginning,
// which the caller has scanned (it is copied as it is), and s[i] its first backslash. It returns the value, the index after the closing quote, and
// whether the string was valid JSON (control characters and unknown escapes are not). A lone
// surrogate becomes U+FFFD, as encoding/json does. Inputs and parsers that scan JSON by hand
// (beats, docker) share it.
func UnescapeString(s string, start, i int) (string, int, bool) {
	// The value is never longer than its escaped text: size the buffer once, up to the closing
	// quote, and hand the buffer itself out as the string.
	end := i
	for end < len(s) && s[end] != '"' {
		if s[end] == '\\' {
			end++
		}
		end++
	}
	buf := make([]byte, 0, min(end, len(s))-start)
	buf = append(buf, s[start:i]...)
	for i < len(s) {
		c := s[i]
		switch {
		case c == '"':
			// buf is never written again: its bytes can be the string's, as strings.Builder does.
			return unsafe.String(unsafe.SliceData(buf), len(buf)), i + 1, true
		case c < 0x20:
			return "", 0, false
		case c != '\\':
			buf = append(buf, c)
			i++
			continue
		}
		if i+1 >= len(s) {
			return "", 0, false
		}
		switch e := s[i+1]; e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, n, ok := unicodeEscape(s, i)
			if !ok {
				return "", 0, false
			}
			buf = utf8.AppendRune(buf, r)
			i += n
			continue
		default:
			return "", 0, false
		}
		i += 2
	}
	return "", 0, false
}

// unicodeEscape decodes \uXXXX at s[i], and a following low surrogate when it makes a pair.
// A lone surrogate becomes U+FFFD, as encoding/json does.
func unicodeEscape(s string, i int) (rune, int, bool) {
	r, ok := hex4(s, i+2)
	if !ok {
		return 0, 0, false
	}
	if !utf16.IsSurrogate(r) {
		return r, 6, true
	}
	if i+12 <= len(s) && s[i+6] == '\\' && s[i+7] == 'u' {
		if r2, ok := hex4(s, i+8); ok {
			if p := utf16.DecodeRune(r, r2); p != utf8.RuneError {
				return p, 12, true
			}
		}
	}
	return utf8.RuneError, 6, true
}

// hex4 reads the four hex digits at s[i:i+4] as a rune.
func hex4(s string, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	var r rune
	for _, c := range []byte(s[i : i+4]) {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}
