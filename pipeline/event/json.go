package event

import (
	"unicode/utf8"
)

// AppendJSON appends the event as one JSON object: dotted names become nested objects
// ("kubernetes.pod.name" is written as {"kubernetes":{"pod":{"name":...}}}), tags become the
// "tags" array, and metadata is left out. It uses no reflection and allocates nothing beyond
// growing dst. When a name is both a value and a parent ("a" and "a.b"), the children are written
// with dotted names beside it, which Elasticsearch also accepts, so the output never holds a
// key twice.
func (e *Event) AppendJSON(dst []byte) []byte {
	dst = append(dst, '{')
	open := "" // dotted path of the objects currently open, "" at the root
	comma := false
	for j, i := range e.order {
		f := &e.fields[i]
		k := f.key
		for open != "" && !childOf(k, open) {
			dst = append(dst, '}')
			open = parentOf(open)
			comma = true
		}
		rest := k
		if open != "" {
			rest = k[len(open)+1:]
		}
		for {
			dot := indexByte(rest, '.')
			if dot <= 0 || dot == len(rest)-1 {
				break
			}
			path := k[:len(k)-len(rest)+dot]
			if e.leafBefore(j, path) {
				break // a field holds this very name: keep the rest dotted
			}
			if comma {
				dst = append(dst, ',')
			}
			dst = appendString(dst, rest[:dot])
			dst = append(dst, ':', '{')
			open = path
			rest = rest[dot+1:]
			comma = false
		}
		if comma {
			dst = append(dst, ',')
		}
		dst = appendString(dst, rest)
		dst = append(dst, ':')
		dst = f.val.AppendJSON(dst)
		comma = true
	}
	for open != "" {
		dst = append(dst, '}')
		open = parentOf(open)
	}
	if len(e.tags) > 0 {
		if comma {
			dst = append(dst, ',')
		}
		dst = append(dst, `"tags":[`...)
		for i, t := range e.tags {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendString(dst, t)
		}
		dst = append(dst, ']')
	}
	return append(dst, '}')
}

// AppendJSON appends the value as JSON: strings quoted and escaped, NaN and infinities as null,
// times as RFC 3339 strings, raw JSON verbatim.
func (v Value) AppendJSON(dst []byte) []byte {
	switch v.kind {
	case KindString:
		if v.num == jsonSafe {
			dst = append(dst, '"')
			dst = append(dst, v.str...)
			return append(dst, '"')
		}
		return appendString(dst, v.str)
	case KindRaw:
		if v.str == "" {
			return append(dst, "null"...)
		}
		return append(dst, v.str...)
	case KindFloat:
		f := v.Float()
		if f != f || f > maxFloat || f < -maxFloat {
			return append(dst, "null"...)
		}
		return v.appendText(dst)
	case KindTime:
		dst = append(dst, '"')
		dst = v.appendText(dst)
		return append(dst, '"')
	case KindNone:
		return append(dst, "null"...)
	}
	return v.appendText(dst)
}

const maxFloat = 1.7976931348623157e308

// leafBefore reports whether a field named path sorts before position j of e.order. Such a
// field sorts before every name that extends path; only names that extend it with a byte up to
// '.' ("a-b", "a.b" after "a") can sit between, so the walk back usually stops at once.
func (e *Event) leafBefore(j int, path string) bool {
	for i := j - 1; i >= 0; i-- {
		k := e.fields[e.order[i]].key
		if k == path {
			return true
		}
		if len(k) <= len(path) || k[:len(path)] != path || k[len(path)] > '.' {
			return false
		}
	}
	return false
}

// childOf reports whether key is nested under the dotted path parent.
func childOf(key, parent string) bool {
	return len(key) > len(parent) && key[len(parent)] == '.' && key[:len(parent)] == parent
}

func parentOf(path string) string {
	for i := len(path) - 1; i >= 0; i-- {
		if path[i] == '.' {
			return path[:i]
		}
	}
	return ""
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

const hexDigits = "0123456789abcdef"

// lsb and msb have the lowest and the highest bit of every byte of a word set. A byte b of x is
// below n when (b - n) borrows into its high bit; (x - lsb*n) & msb finds such bytes, and x ^
// lsb*c turns bytes equal to c into zeros that the same test finds. Bytes >= 0x80 show through
// x & msb. False positives only make the caller look at the bytes one by one.
const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// safeASCII marks the ASCII bytes that need no escaping inside a JSON string.
var safeASCII = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// AppendString appends s as a quoted JSON string. Invalid UTF-8 becomes U+FFFD so the output is
// always valid JSON, whatever bytes a log line held.
func AppendString(dst []byte, s string) []byte { return appendString(dst, s) }

func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		// Eight bytes at a time while none needs attention (a control byte, '"', '\\' or
		// a byte of a multi-byte character): most of a log line is plain ASCII.
		for i+8 <= len(s) {
			x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
				uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
			quote, backslash := x^(lsb*'"'), x^(lsb*'\\')
			if ((x-lsb*0x20)|(quote-lsb)|(backslash-lsb)|x)&msb != 0 {
				break
			}
			i += 8
		}
		if i >= len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if safeASCII[c] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
