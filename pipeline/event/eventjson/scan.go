package eventjson

// A JSON checker that does not recurse. gjson.Valid (and a recursive descent) takes a stack
// frame per level of nesting: a 10 MB line of '[' would need gigabytes of stack, and running out
// of stack kills the process, which no recover catches. Here the open containers are one byte
// each on a slice, so any line is checked in linear time and constant stack.

// Valid reports whether s is exactly one JSON value, with whitespace around it allowed.
func Valid(s string) bool {
	end, _, ok := Skip(s, skipSpace(s, 0))
	return ok && skipSpace(s, end) == len(s)
}

// Skip checks the JSON value at s[i]: it returns the index after it, how many levels of
// arrays and objects it holds (0 for a scalar), and whether it is valid.
func Skip(s string, i int) (end, nesting int, ok bool) {
	var room [64]byte // on the stack: most values are far shallower, and a check allocates nothing
	open := room[:0]  // the containers open around i: '{' or '['
	for {
		if open, nesting, i, ok = skipOpen(s, i, open, nesting); !ok {
			return 0, 0, false
		}
		if i, ok = skipScalar(s, i); !ok {
			return 0, 0, false
		}
		for { // after a value: close containers, or go on after a comma
			if len(open) == 0 {
				return i, nesting, true
			}
			i = skipSpace(s, i)
			if i >= len(s) {
				return 0, 0, false
			}
			top := open[len(open)-1]
			if s[i] == closerOf(top) {
				open = open[:len(open)-1]
				i++
				continue
			}
			if s[i] != ',' {
				return 0, 0, false
			}
			if i, ok = skipMember(s, i+1, top); !ok {
				return 0, 0, false
			}
			break
		}
	}
}

// skipOpen enters the containers that start at s[i] (and their first member names), up to the
// first scalar or empty container. An empty container counts as a scalar: skipScalar takes it.
func skipOpen(s string, i int, open []byte, nesting int) ([]byte, int, int, bool) {
	for {
		i = skipSpace(s, i)
		if i >= len(s) || (s[i] != '{' && s[i] != '[') {
			return open, nesting, i, true
		}
		j := skipSpace(s, i+1)
		if j < len(s) && s[j] == closerOf(s[i]) {
			return open, max(nesting, len(open)+1), i, true // empty: skipScalar reads it
		}
		open = append(open, s[i])
		nesting = max(nesting, len(open))
		var ok bool
		if i, ok = skipMember(s, i+1, s[i]); !ok {
			return open, 0, 0, false
		}
	}
}

// skipMember skips whitespace and, inside an object, the member name and colon.
func skipMember(s string, i int, container byte) (int, bool) {
	i = skipSpace(s, i)
	if container != '{' {
		return i, true
	}
	if i >= len(s) || s[i] != '"' {
		return 0, false
	}
	i, ok := skipString(s, i)
	if !ok {
		return 0, false
	}
	i = skipSpace(s, i)
	if i >= len(s) || s[i] != ':' {
		return 0, false
	}
	return i + 1, true
}

// skipScalar checks a string, number, literal or empty container at s[i] (after whitespace).
func skipScalar(s string, i int) (int, bool) {
	i = skipSpace(s, i)
	if i >= len(s) {
		return 0, false
	}
	switch c := s[i]; c {
	case '"':
		return skipString(s, i)
	case '{', '[':
		return skipSpace(s, i+1) + 1, true // skipOpen saw it is empty
	case 't':
		return Literal(s, i, "true")
	case 'f':
		return Literal(s, i, "false")
	case 'n':
		return Literal(s, i, "null")
	}
	end, _, ok := ScanNumber(s, i)
	return end, ok
}

func closerOf(open byte) byte {
	if open == '{' {
		return '}'
	}
	return ']'
}

// skipSpace returns the index of the first byte at or after i that is not JSON whitespace.
func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t') {
		i++
	}
	return i
}

// skipString checks the string whose opening quote is s[i] without building its value and
// returns the index after its closing quote.
func skipString(s string, i int) (int, bool) {
	for i++; i < len(s); {
		switch c := s[i]; {
		case c == '"':
			return i + 1, true
		case c < 0x20:
			return 0, false
		case c != '\\':
			i++
		case i+1 >= len(s):
			return 0, false
		case s[i+1] == 'u':
			if _, ok := hex4(s, i+2); !ok {
				return 0, false
			}
			i += 6
		default:
			switch s[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			default:
				return 0, false
			}
		}
	}
	return 0, false
}

// ScanNumber checks the JSON number at s[i]; it returns the index after it and whether it
// has a fraction or exponent.
func ScanNumber(s string, i int) (end int, float bool, ok bool) {
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

// Literal checks the literal lit (true, false or null) at s[i] and returns the index after it.
func Literal(s string, i int, lit string) (int, bool) {
	if len(s)-i >= len(lit) && s[i:i+len(lit)] == lit {
		return i + len(lit), true
	}
	return 0, false
}
