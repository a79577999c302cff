package condition

import "strings"

// translate rewrites the Logstash conditional syntax a migrating user types into expr, outside
// string literals: field references [kubernetes][namespace] become field("kubernetes.namespace"),
// =~ becomes matches, !~ becomes not matches, and a /regexp/ literal after either becomes a raw
// string. A lone [name] in operand position is read as a field reference, not as an array
// literal holding one identifier.
func translate(src string) string {
	var b strings.Builder
	regexNext := false
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '"' || c == '\'' || c == '`':
			j := stringEnd(src, i)
			b.WriteString(src[i:j])
			i = j
			regexNext = false
		case c == '/' && regexNext:
			j := strings.IndexByte(src[i+1:], '/')
			if j < 0 || strings.Contains(src[i+1:i+1+j], "`") {
				b.WriteByte(c)
				i++
				continue
			}
			b.WriteString("`" + src[i+1:i+1+j] + "`")
			i += j + 2
			regexNext = false
		case (c == '=' || c == '!') && i+1 < len(src) && src[i+1] == '~':
			if c == '=' {
				b.WriteString(" matches ")
			} else {
				b.WriteString(" not matches ")
			}
			i += 2
			regexNext = true
		case c == '[' && operandPosition(b.String()):
			if ref, n := fieldRef(src[i:]); n > 0 {
				b.WriteString(`field("` + ref + `")`)
				i += n
				continue
			}
			b.WriteByte(c)
			i++
		default:
			if c != ' ' && c != '\t' {
				regexNext = false
			}
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}

// stringEnd returns the index just past the string literal starting at i.
func stringEnd(s string, i int) int {
	q := s[i]
	for j := i + 1; j < len(s); j++ {
		switch {
		case s[j] == '\\' && q != '`':
			j++
		case s[j] == q:
			return j + 1
		}
	}
	return len(s)
}

// operandPosition reports whether what was written so far ends where an operand may start
// (not after a name, a call or an index, where [ would be indexing).
func operandPosition(before string) bool {
	t := strings.TrimRight(before, " \t\n")
	if t == "" {
		return true
	}
	c := t[len(t)-1]
	return !(c == ')' || c == ']' || c == '_' || c == '"' || c == '\'' || c == '`' ||
		c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') || endsWithWord(t)
}

// endsWithWord reports whether t ends with an operator word (and, or, not, in), after which an
// operand starts.
func endsWithWord(t string) bool {
	for _, w := range []string{"and", "or", "not", "in", "matches", "contains"} {
		if strings.HasSuffix(t, w) && (len(t) == len(w) || !isWordByte(t[len(t)-len(w)-1])) {
			return true
		}
	}
	return false
}

func isWordByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// fieldRef reads a chain of [name] groups and returns the dotted name and the bytes it spans.
func fieldRef(s string) (string, int) {
	var parts []string
	n := 0
	for n < len(s) && s[n] == '[' {
		end := strings.IndexByte(s[n:], ']')
		if end < 0 {
			return "", 0
		}
		name := s[n+1 : n+end]
		if !validRefName(name) {
			return "", 0
		}
		parts = append(parts, name)
		n += end + 1
	}
	return strings.Join(parts, "."), n
}

func validRefName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isWordByte(c) || c == '@' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}
