package logstash

import (
	"fmt"
	"strings"
)

type kind int

const (
	tEOF kind = iota
	tLBrace
	tRBrace
	tLBracket
	tRBracket
	tLParen
	tRParen
	tComma
	tArrow
	tString
	tNumber
	tBare
	tSelector // one [name] element; adjacent ones make a path
	tRegex
	tOp // == != < > <= >= =~ !~ !
)

type token struct {
	kind  kind
	text  string
	pos   Pos
	off   int // byte offset of the token's start
	end   int // byte offset just past it
	glued bool
}

// lexer turns source into tokens on demand. A regex literal is read only right after =~ or !~,
// where Logstash's grammar allows one, so that "/" elsewhere stays an error with a position.
type lexer struct {
	src       string
	file      string
	off       int
	line, col int
	last      token
}

// Error is a syntax error with the file and position it was found at.
type Error struct {
	File string
	Pos  Pos
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("%s:%s: %s", e.File, e.Pos, e.Msg) }

func (l *lexer) errorf(p Pos, format string, args ...any) error {
	return &Error{File: l.file, Pos: p, Msg: fmt.Sprintf(format, args...)}
}

func (l *lexer) advance(n int) {
	for i := 0; i < n && l.off < len(l.src); i++ {
		if l.src[l.off] == '\n' {
			l.line++
			l.col = 1
		} else {
			l.col++
		}
		l.off++
	}
}

// skip passes whitespace and # comments and reports whether any was there.
func (l *lexer) skip() bool {
	start := l.off
	for l.off < len(l.src) {
		switch c := l.src[l.off]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			l.advance(1)
		case c == '#':
			for l.off < len(l.src) && l.src[l.off] != '\n' {
				l.advance(1)
			}
		default:
			return l.off > start
		}
	}
	return l.off > start
}

func (l *lexer) next() (token, error) {
	spaced := l.skip()
	t := token{pos: Pos{l.line, l.col}, off: l.off, glued: !spaced}
	k, n, err := l.scan(t.pos)
	if err != nil {
		return t, err
	}
	t.kind, t.end = k, l.off+n
	t.text = l.src[l.off:t.end]
	l.advance(n)
	l.last = t
	return t, nil
}

// scan finds the kind and length of the token at the current offset.
func (l *lexer) scan(p Pos) (kind, int, error) {
	s := l.src[l.off:]
	if s == "" {
		return tEOF, 0, nil
	}
	switch c := s[0]; {
	case c == '{':
		return tLBrace, 1, nil
	case c == '}':
		return tRBrace, 1, nil
	case c == '(':
		return tLParen, 1, nil
	case c == ')':
		return tRParen, 1, nil
	case c == ',':
		return tComma, 1, nil
	case c == ']':
		return tRBracket, 1, nil
	case c == '[':
		if n := selectorLen(s); n > 0 {
			return tSelector, n, nil
		}
		return tLBracket, 1, nil
	case c == '"' || c == '\'':
		return l.quoted(s, p, c, tString)
	case c == '/' && l.last.kind == tOp && (l.last.text == "=~" || l.last.text == "!~"):
		return l.quoted(s, p, '/', tRegex)
	case (c == '-' || isDigit(c)) && numberLen(s) > 0:
		return tNumber, numberLen(s), nil
	case isWordStart(c):
		n := 1
		for n < len(s) && isWordByte(s[n]) {
			n++
		}
		return tBare, n, nil
	}
	for _, op := range []string{"=>", "==", "!=", "<=", ">=", "=~", "!~", "<", ">", "!"} {
		if strings.HasPrefix(s, op) {
			if op == "=>" {
				return tArrow, 2, nil
			}
			return tOp, len(op), nil
		}
	}
	return tEOF, 0, l.errorf(p, "unexpected character %q", s[0])
}

// quoted reads a literal closed by q; a backslash escapes the next byte.
func (l *lexer) quoted(s string, p Pos, q byte, k kind) (kind, int, error) {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case q:
			return k, i + 1, nil
		}
	}
	what := "string"
	if k == tRegex {
		what = "regular expression"
	}
	return tEOF, 0, l.errorf(p, "unterminated %s", what)
}

// selectorLen returns the length of "[name]" at the start of s, or 0 when s starts an array.
// Logstash's selector element is `[` then anything but `]` and `,` then `]`; quotes and
// whitespace are excluded too, so that `[ "a" ]` and `[1, 2]` stay arrays.
func selectorLen(s string) int {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case ']':
			if i == 1 {
				return 0
			}
			return i + 1
		case ',', '"', '\'', '[', ' ', '\t', '\n', '\r':
			return 0
		}
	}
	return 0
}

func numberLen(s string) int {
	n := 0
	if s[0] == '-' {
		n++
	}
	for n < len(s) && isDigit(s[n]) {
		n++
	}
	if n+1 < len(s) && s[n] == '.' && isDigit(s[n+1]) {
		n++
		for n < len(s) && isDigit(s[n]) {
			n++
		}
	}
	if n == 1 && s[0] == '-' {
		return 0
	}
	return n
}

func isDigit(c byte) bool     { return c >= '0' && c <= '9' }
func isWordStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isWordByte(c byte) bool  { return isWordStart(c) || isDigit(c) }
