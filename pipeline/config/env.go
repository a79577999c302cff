package config

import (
	"fmt"
	"os"
	"strings"
)

// Expand replaces ${VAR} and ${VAR:-default} in s with environment values; $$ stands for a
// literal $. A lone $ (as in a regular expression) is left alone. It is an error to name a
// variable that is not set and has no default, so a missing secret fails at start-up.
func Expand(s string, lookup func(string) (string, bool)) (string, error) {
	if !strings.Contains(s, "$") {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '$' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		switch s[i+1] {
		case '$':
			b.WriteByte('$')
			i++
		case '{':
			end := strings.IndexByte(s[i+2:], '}')
			if end < 0 {
				return "", fmt.Errorf("unterminated ${ in %q", s)
			}
			val, err := lookupVar(s[i+2:i+2+end], lookup)
			if err != nil {
				return "", err
			}
			b.WriteString(val)
			i += 2 + end
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

func lookupVar(ref string, lookup func(string) (string, bool)) (string, error) {
	name, def, hasDef := strings.Cut(ref, ":-")
	if name == "" {
		return "", fmt.Errorf("empty variable name in ${%s}", ref)
	}
	if v, ok := lookup(name); ok && (v != "" || !hasDef) {
		return v, nil
	}
	if hasDef {
		return def, nil
	}
	return "", fmt.Errorf("environment variable %s is not set", name)
}

// expandTree expands variables in every string of a decoded YAML tree, in place. Results stay
// strings; decoding turns them into numbers or booleans where a field wants one, so
// "batch_size: ${BATCH}" works.
func expandTree(v any, path string, lookup func(string) (string, bool), p *problems) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			t[k] = expandTree(x, joinPath(path, k), lookup, p)
		}
	case []any:
		for i, x := range t {
			t[i] = expandTree(x, fmt.Sprintf("%s[%d]", path, i), lookup, p)
		}
	case string:
		out, err := Expand(t, lookup)
		if err != nil {
			p.add(path, "%v", err)
			return t
		}
		return out
	}
	return v
}

func osLookup(name string) (string, bool) { return os.LookupEnv(name) }

func sprintf(format string, args ...any) string {
	if len(args) == 0 {
		return format
	}
	return fmt.Sprintf(format, args...)
}
