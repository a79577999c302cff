package vllm

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// pyUnquote decodes a Python str repr ('text' or "text", as %r prints it) into the text, so
// that a prompt's length and hash are those of the prompt and not of its escaped form. "None"
// and anything that is not a complete repr give ok false.
func pyUnquote(s string) (string, bool) {
	if len(s) < 2 || (s[0] != '\'' && s[0] != '"') || s[len(s)-1] != s[0] {
		return "", false
	}
	s = s[1 : len(s)-1]
	if strings.IndexByte(s, '\\') < 0 {
		return s, true
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b = append(b, c)
			continue
		}
		i++
		switch s[i] {
		case 'n':
			b = append(b, '\n')
		case 't':
			b = append(b, '\t')
		case 'r':
			b = append(b, '\r')
		case '\\', '\'', '"':
			b = append(b, s[i])
		case 'x', 'u', 'U':
			n := 2
			if s[i] == 'u' {
				n = 4
			} else if s[i] == 'U' {
				n = 8
			}
			r, ok := hexRune(s[i+1:], n)
			if !ok {
				b = append(b, '\\', s[i])
				continue
			}
			b = utf8.AppendRune(b, r)
			i += n
		default:
			b = append(b, '\\', s[i])
		}
	}
	return string(b), true
}

func hexRune(s string, n int) (rune, bool) {
	if len(s) < n {
		return 0, false
	}
	v, err := strconv.ParseUint(s[:n], 16, 32)
	if err != nil || v > utf8.MaxRune {
		return 0, false
	}
	return rune(v), true
}
