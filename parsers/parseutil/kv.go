package parseutil

import (
	"iter"
	"strconv"
	"strings"
)

// KV scans logfmt text (key=value key="quoted value" key= "quoted key"=value) as logrus, slog,
// go-kit and klog's structured mode write it. It does not allocate unless a quoted value holds escapes.
type KV struct {
	s      string
	err    bool
	loose  bool
	spaced bool
	cut    bool
}

// NewKV starts scanning s.
func NewKV(s string) KV { return KV{s: s} }

// NewLooseKV starts scanning s as logrus writes it with DisableQuote (the GPU operator's
// k8s-driver-manager does): an unquoted value runs on over spaces until a word that starts a
// new pair (key=...), so that msg=Starting driver uninstallation process is one value.
func NewLooseKV(s string) KV { return KV{s: s, loose: true} }

// NewKlogKV starts scanning s as klog writes a structured record's pairs: a key as the program
// gave it, spaces included (HAMi's scheduler's "device index=0", "device id=..."); a key of up to
// three plain words, the '=' right after the last.
func NewKlogKV(s string) KV { return KV{s: s, spaced: true} }

// spacedKey returns the length of a key of words that s opens (the first word's end at i), or
// i when s opens no such key.
func spacedKey(s string, i int) int {
	for words := 1; words < 3 && i < len(s) && s[i] == ' '; words++ {
		j := i + 1
		for j < len(s) && (s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] >= '0' && s[j] <= '9' || s[j] == '_' || s[j] == '-' || s[j] == '.') {
			j++
		}
		if j == i+1 || j == len(s) {
			return i
		}
		if s[j] == '=' {
			return j
		}
		i = j
	}
	return i
}

// Next returns the next pair; ok is false at the end or when the text stops being logfmt, which
// Bad then reports.
func (k *KV) Next() (key, val string, ok bool) {
	s := strings.TrimLeft(k.s, " \t")
	if s == "" {
		k.s = ""
		return "", "", false
	}
	i := 0
	if s[0] == '"' {
		// a key slog's TextHandler quoted because it needs it (Ollama's "model layers"=49)
		i = quotedEnd(s) + 1
		if i <= 2 || i == len(s) || s[i] != '=' || strings.IndexByte(s[:i], '\\') >= 0 {
			k.err, k.s = true, ""
			return "", "", false
		}
		key, s = s[1:i-1], s[i+1:]
	} else {
		for i < len(s) && s[i] != '=' && s[i] != ' ' && s[i] != '"' && s[i] != '\t' {
			i++
		}
		if k.spaced && i > 0 && i < len(s) && s[i] == ' ' {
			i = spacedKey(s, i)
		}
		if i == 0 || i == len(s) || s[i] != '=' {
			k.err, k.s = true, ""
			return "", "", false
		}
		key, s = s[:i], s[i+1:]
	}
	if s != "" && s[0] == '"' {
		end := quotedEnd(s)
		if end < 0 && k.spaced && len(s) > 1 {
			// klog's last value cut short (journalctl's width, its pager's ">" where it chopped
			// the line: err="failed t>"): what there is of it, the scan marked Cut
			k.cut, k.s = true, ""
			return key, strings.TrimSuffix(s[1:], ">"), true
		}
		if end < 0 {
			k.err, k.s = true, ""
			return "", "", false
		}
		val = s[1:end]
		if strings.IndexByte(val, '\\') >= 0 {
			if u, err := strconv.Unquote(s[:end+1]); err == nil {
				val = u
			}
		}
		k.s = s[end+1:]
		if k.s != "" && k.s[0] != ' ' && k.s[0] != '\t' && !(k.spaced && startsPair(k.s)) {
			// (klog's pairs may follow a quoted value without their space: the kubelet's
			// service="podresources"qps=100)
			k.err, k.s = true, ""
			return "", "", false
		}
		return key, val, true
	}
	if len(s) > 1 && (s[0] == '{' || s[0] == '&' && s[1] == '{') {
		// a Go value printed with %+v, unquoted, spaces inside its braces (the kubelet's PLEG
		// event=&{ID:... Type:ContainerDied Data:...}): the value runs to its closing brace
		open := strings.IndexByte(s[:2], '{')
		if end := Closing(s[open:], '{', '}') + open + 1; end > open+1 && (end == len(s) || s[end] == ' ' || s[end] == '\t') {
			k.s = s[end:]
			return key, s[:end], true
		}
	}
	if len(s) > 1 && s[0] == '[' {
		// a Go slice printed with %v, its elements spaced (klog before 1.28 printing the
		// eviction manager's ranking, pods=[kube-system/weave-net-zxchk default/vllm-0]): the
		// value runs to its closing bracket
		if end := Closing(s, '[', ']') + 1; end > 1 && (end == len(s) || s[end] == ' ' || s[end] == '\t') {
			k.s = s[end:]
			return key, s[:end], true
		}
	}
	j := wordEnd(s, 0)
	for k.loose && j < len(s) {
		w := j
		for w < len(s) && (s[w] == ' ' || s[w] == '\t') {
			w++
		}
		if w == len(s) || startsPair(s[w:]) {
			break
		}
		j = wordEnd(s, w)
	}
	k.s = s[j:]
	return key, s[:j], true
}

// Cut reports whether the scan ended in a quoted value cut short (klog's form only).
func (k *KV) Cut() bool { return k.cut }

// Closing returns the index of the close byte that closes the open byte at s[0], past nested
// pairs, or -1.
func Closing(s string, open, close byte) int {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case open:
			depth++
		case close:
			if depth--; depth == 0 {
				return i
			}
		}
	}
	return -1
}

func wordEnd(s string, i int) int {
	for i < len(s) && s[i] != ' ' && s[i] != '\t' {
		i++
	}
	return i
}

// startsPair reports whether s starts with key= where key is a plain identifier.
func startsPair(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '=':
			return i > 0
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '.', c == '-':
		default:
			return false
		}
	}
	return false
}

// All yields the pairs Next returns, for a range loop; Bad tells afterwards whether it stopped on
// text that is not logfmt.
func (k *KV) All() iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		for {
			key, val, ok := k.Next()
			if !ok || !yield(key, val) {
				return
			}
		}
	}
}

// Bad reports whether scanning stopped on text that is not logfmt.
func (k *KV) Bad() bool { return k.err }

// quotedEnd returns the index of the closing quote of the Go-quoted string starting at s[0].
func quotedEnd(s string) int {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}

// ValidKV reports whether all of s scans as logfmt pairs.
func ValidKV(s string) bool { return valid(NewKV(s)) }

// ValidLooseKV reports whether all of s scans as pairs with NewLooseKV.
func ValidLooseKV(s string) bool { return valid(NewLooseKV(s)) }

func valid(kv KV) bool {
	n := 0
	for {
		if _, _, ok := kv.Next(); !ok {
			return n > 0 && !kv.Bad()
		}
		n++
	}
}

// Unquote returns a Go-quoted string's content, or s unchanged if it is not quoted.
func Unquote(s string) string {
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return s
	}
	if strings.IndexByte(s, '\\') < 0 {
		return s[1 : len(s)-1]
	}
	if u, err := strconv.Unquote(s); err == nil {
		return u
	}
	return s[1 : len(s)-1]
}

// Quoted reads the Go-quoted string at the start of s and returns its content and what follows.
func Quoted(s string) (val, rest string, ok bool) {
	if s == "" || s[0] != '"' {
		return "", s, false
	}
	end := quotedEnd(s)
	if end < 0 {
		return "", s, false
	}
	return Unquote(s[:end+1]), s[end+1:], true
}

// JSONMessage returns the first "message" member with a string value in a JSON object printed over
// lines (torch elastic's error file: {"message": {"message": "RendezvousConnectionError: ...",
// ...}}), "" when there is none. The object may be cut off: it is scanned, not decoded.
func JSONMessage(s string) string {
	const key = `"message": "`
	i := strings.Index(s, key)
	if i < 0 {
		return ""
	}
	v := s[i+len(key):]
	for j := 0; j < len(v); j++ {
		switch v[j] {
		case '\\':
			j++
		case '"':
			return v[:j]
		case '\n':
			return ""
		}
	}
	return ""
}
