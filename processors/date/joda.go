package date

import (
	"fmt"
	"strings"
)

// joda translates a Java/Joda-Time pattern (the syntax of Logstash's date filter and of
// Elasticsearch's date formats) into a Go layout. It reports whether the pattern has a year;
// year-less timestamps get one from the reference time.
func joda(p string) (layout string, hasYear bool, err error) {
	var b strings.Builder
	for i := 0; i < len(p); {
		c := p[i]
		if c == '\'' { // quoted literal; '' is a quote
			j := strings.IndexByte(p[i+1:], '\'')
			if j < 0 {
				return "", false, fmt.Errorf("unterminated quote in %q", p)
			}
			if j == 0 {
				b.WriteByte('\'')
			} else {
				b.WriteString(p[i+1 : i+1+j])
			}
			i += j + 2
			continue
		}
		if !isLetter(c) {
			b.WriteByte(c)
			i++
			continue
		}
		n := 1
		for i+n < len(p) && p[i+n] == c {
			n++
		}
		tok, ok := token(c, n)
		if !ok {
			return "", false, fmt.Errorf("pattern letter %q (x%d) is not supported", c, n)
		}
		if c == 'y' || c == 'Y' || c == 'u' {
			hasYear = true
		}
		b.WriteString(tok)
		i += n
	}
	return b.String(), hasYear, nil
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func token(c byte, n int) (string, bool) {
	switch c {
	case 'y', 'Y', 'u':
		if n == 2 {
			return "06", true
		}
		return "2006", true
	case 'M':
		switch {
		case n >= 4:
			return "January", true
		case n == 3:
			return "Jan", true
		case n == 2:
			return "01", true
		}
		return "1", true
	case 'd':
		return pick(n, "2", "02")
	case 'D':
		return "002", true
	case 'H':
		return "15", true
	case 'h':
		return pick(n, "3", "03")
	case 'm':
		return pick(n, "4", "04")
	case 's':
		return pick(n, "5", "05")
	case 'S':
		return strings.Repeat("0", min(n, 9)), true
	case 'a':
		return "PM", true
	case 'E':
		if n >= 4 {
			return "Monday", true
		}
		return "Mon", true
	case 'Z':
		if n == 2 {
			return "-07:00", true
		}
		if n == 1 {
			return "-0700", true
		}
	case 'X':
		switch n {
		case 1:
			return "Z07", true
		case 2:
			return "Z0700", true
		}
		return "Z07:00", true
	case 'z':
		return "MST", true
	}
	return "", false
}

func pick(n int, one, two string) (string, bool) {
	if n == 1 {
		return one, true
	}
	return two, true
}
