package event

import (
	"strings"
	"unicode/utf8"
	"unsafe"
)

// AppendJSON appends the event as one JSON object: dotted names become nested objects
// ("kubernetes.pod.name" is written as {"kubernetes":{"pod":{"name":...}}}), tags become the
// "tags" array, and metadata is left out. It uses no reflection and allocates nothing beyond
// growing dst. When a name is both a value and a parent ("a" and "a.b"), the children are written
// with dotted names beside it, which Elasticsearch also accepts, so the output never holds a
// key twice.
func (e *Event) AppendJSON(dst []byte) []byte { return e.appendJSON(dst, nil) }

// AppendJSONMemo is AppendJSON, reusing what m remembers of the events written before: a
// top-level object whose fields (names and values) are those of one written lately is copied
// as it was written instead of being written again. The output is the same byte for byte.
//
// Filebeat repeats whole subtrees in every event (agent, ecs, host, input, and kubernetes and
// container for every line of one pod): comparing their fields is a few pointer and length
// checks, writing them is quoting and nesting every name and value. m belongs to one goroutine.
func (e *Event) AppendJSONMemo(dst []byte, m *JSONMemo) []byte { return e.appendJSON(dst, m) }

func (e *Event) appendJSON(dst []byte, m *JSONMemo) []byte {
	dst = append(dst, '{')
	comma := false
	sh := e.shared
	for j := 0; j < len(e.order); {
		end := j + 1
		k := e.fields[e.order[j]].key
		for len(sh) > 0 && sh[0].prefix < k {
			dst = appendShared(dst, sh[0], comma)
			comma, sh = true, sh[1:]
		}
		if dot := indexByte(k, '.'); dot > 0 && !e.leafBefore(j, k[:dot]) {
			// Every name under k[:dot] sorts here, together: one top-level object.
			prefix := k[:dot+1]
			for end < len(e.order) && hasPrefix(e.fields[e.order[end]].key, prefix) {
				end++
			}
			if m != nil {
				dst = m.appendObject(dst, e, k[:dot], j, end, comma)
				comma, j = true, end
				continue
			}
		}
		dst = e.appendRange(dst, j, end, comma, nil)
		comma, j = true, end
	}
	for _, s := range sh {
		dst = appendShared(dst, s, comma)
		comma = true
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

func appendShared(dst []byte, s *Shared, comma bool) []byte {
	if comma {
		dst = append(dst, ',')
	}
	return append(dst, s.json...)
}

// appendRange writes the fields at positions [j0, j1) of e.order as members of the root object,
// nesting dotted names. The range starts and ends at the root: it is one top-level object's
// names, or one name without a dot.
//
// With vals, the offsets in dst where each field's value starts and ends are appended to it.
func (e *Event) appendRange(dst []byte, j0, j1 int, comma bool, vals *[]uint32) []byte {
	open := "" // dotted path of the objects currently open, "" at the root
	for j := j0; j < j1; j++ {
		f := &e.fields[e.order[j]]
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
		if vals != nil {
			*vals = append(*vals, uint32(len(dst)))
			dst = e.appendValue(dst, f.val)
			*vals = append(*vals, uint32(len(dst)))
		} else {
			dst = e.appendValue(dst, f.val)
		}
		comma = true
	}
	for open != "" {
		dst = append(dst, '}')
		open = parentOf(open)
	}
	return dst
}

func hasPrefix(s, prefix string) bool { return len(s) >= len(prefix) && s[:len(prefix)] == prefix }

// JSONMemo remembers the top-level objects of the last events AppendJSONMemo wrote, as fields
// and as the JSON written for them: for each of up to memoNames top-level names, its last
// memoWays objects of at most memoFields fields. Its zero value is ready. It keeps the strings of
// what it remembers alive until they are replaced.
//
// An object with the names and values of a remembered one is copied as it was written. One
// with only the same names (the parsers' objects: the same fields, other values, line after
// line) is written from the remembered text between the values: the names, quoted and nested,
// are not written again. An object whose names change from event to event is written without
// looking for a while (Cooling).
type JSONMemo struct {
	names [memoNames]memoName
	next  int // the record a new name takes over, round robin
}

// memoNames has room for Filebeat's objects (agent, container, ecs, host, input, kubernetes,
// cloud, log) and the parsers' (event, http, process, url, vllm, ...); memoWays for the
// kubernetes and container objects of two pods whose lines interleave, or the two shapes of
// one parser's object on two kinds of line.
const (
	memoNames  = 24
	memoWays   = 2
	memoFields = 64
)

// memoName is what is remembered of one top-level name.
type memoName struct {
	name  string
	ways  [memoWays]memoObject
	older uint8 // the way the next miss replaces
	cool  Cooling
}

type memoObject struct {
	fields []field
	json   []byte   // the members as written, without a leading comma
	vals   []uint32 // where in json the value of each field starts and ends: two per field
}

// appendObject writes the top-level object name at positions [j0, j1) of e.order, from m when
// it remembers it, and remembers it otherwise.
func (m *JSONMemo) appendObject(dst []byte, e *Event, name string, j0, j1 int, comma bool) []byte {
	n := j1 - j0
	st := m.name(name)
	if n > memoFields || !st.cool.Look() {
		return e.appendRange(dst, j0, j1, comma, nil)
	}
	shape := -1
	for w := range st.ways {
		o := &st.ways[w]
		if len(o.fields) != n {
			continue
		}
		names, values := e.same(o.fields, j0)
		if !names {
			continue
		}
		if values {
			st.cool.Hit()
			st.older = uint8(1 - w)
			if comma {
				dst = append(dst, ',')
			}
			return append(dst, o.json...)
		}
		if shape < 0 {
			shape = w
		}
	}
	mark := len(dst)
	if comma {
		dst = append(dst, ',')
		mark++
	}
	if shape >= 0 {
		st.cool.Hit()
		st.older = uint8(1 - shape)
		return st.ways[shape].rewrite(dst, mark, e, j0)
	}
	st.cool.Miss()
	o := &st.ways[st.older]
	st.older = 1 - st.older
	o.vals = o.vals[:0]
	dst = e.appendRange(dst, j0, j1, false, &o.vals)
	for i := range o.vals {
		o.vals[i] -= uint32(mark)
	}
	clear(o.fields)
	o.fields = o.fields[:0]
	for j := j0; j < j1; j++ {
		o.fields = append(o.fields, e.fields[e.order[j]])
	}
	o.json = append(o.json[:0], dst[mark:]...)
	return dst
}

// rewrite writes at mark in dst the object at position j0 of e.order, whose names are those
// of o: the text between o's values, then each of the event's values. o then remembers it.
func (o *memoObject) rewrite(dst []byte, mark int, e *Event, j0 int) []byte {
	prev := uint32(0)
	for i := range o.fields {
		v := e.fields[e.order[j0+i]].val
		start, end := o.vals[2*i], o.vals[2*i+1]
		dst = append(dst, o.json[prev:start]...)
		o.vals[2*i] = uint32(len(dst) - mark)
		dst = e.appendValue(dst, v)
		o.vals[2*i+1] = uint32(len(dst) - mark)
		o.fields[i].val = v
		prev = end
	}
	dst = append(dst, o.json[prev:]...)
	o.json = append(o.json[:0], dst[mark:]...)
	return dst
}

// name returns the record of a top-level name, taking over the oldest when it is new.
func (m *JSONMemo) name(name string) *memoName {
	for i := range m.names {
		if m.names[i].name == name {
			return &m.names[i]
		}
	}
	st := &m.names[m.next]
	m.next = (m.next + 1) % len(m.names)
	for w := range st.ways {
		clear(st.ways[w].fields)
		st.ways[w].fields = st.ways[w].fields[:0]
		st.ways[w].json = st.ways[w].json[:0]
		st.ways[w].vals = st.ways[w].vals[:0]
	}
	st.name, st.older, st.cool = strings.Clone(name), 0, Cooling{}
	return st
}

// same reports whether the fields from position j0 of e.order have the names of fs, and
// whether they also have its values. Equal values write the same JSON: a value's text depends
// only on its kind, number and string; and the text around the values depends on the names
// alone.
func (e *Event) same(fs []field, j0 int) (names, values bool) {
	values = true
	for i := range fs {
		f := &e.fields[e.order[j0+i]]
		if f.key != fs[i].key {
			return false, false
		}
		values = values && f.val == fs[i].val
	}
	return true, values
}

// keepSafe remembers v when it is the longest string set yet that needs no escaping.
func (e *Event) keepSafe(v Value) {
	if v.num == jsonSafe && v.kind == KindString && len(v.str) > len(e.safe) {
		e.safe = v.str
	}
}

// appendValue is v.AppendJSON, writing as it is a string whose text lies inside e.safe: a part
// of a text that needs no escaping needs none either.
func (e *Event) appendValue(dst []byte, v Value) []byte {
	if v.kind == KindString && v.num != jsonSafe && len(v.str) > 0 && len(e.safe) > 0 {
		p, base := uintptr(unsafe.Pointer(unsafe.StringData(v.str))), uintptr(unsafe.Pointer(unsafe.StringData(e.safe)))
		if len(v.str) <= len(e.safe) && p >= base && p-base <= uintptr(len(e.safe)-len(v.str)) {
			v.num = jsonSafe
		}
	}
	return v.AppendJSON(dst)
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

// plainWord reports that none of the eight bytes of x (a word of a string, see word) is a
// control byte, '"', '\\' or a byte of a multi-byte character; false may also mean a borrow
// from such a byte, so a caller that sees false reads the word byte by byte.
func plainWord(x uint64) bool {
	return ((x-lsb*0x20)|((x^(lsb*'"'))-lsb)|((x^(lsb*'\\'))-lsb)|x)&msb == 0
}

// word reads the eight bytes of s from i as a little-endian number (one load once compiled).
func word(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// PlainASCIIFrom returns the index of the first byte of s from i on that AppendString would not
// copy as it is (a control byte, '"', '\\', or a byte of 0x80 and above), or len(s). A decoder
// uses it to find the JSON strings that need no escaping (SafeString) in one scan.
func PlainASCIIFrom(s string, i int) int {
	for i+8 <= len(s) && plainWord(word(s, i)) {
		i += 8
	}
	for i < len(s) && s[i] < utf8.RuneSelf && safeASCII[s[i]] {
		i++
	}
	return i
}

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
		for i+8 <= len(s) && plainWord(word(s, i)) {
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
