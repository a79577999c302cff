package dissect

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// maxKeys bounds the keys of one pattern, so that matching can keep values on the stack.
const maxKeys = 64

type kind uint8

const (
	kindNormal kind = iota
	kindSkip        // %{} or %{?name}
	kindAppend      // %{+name} or %{+name/N}
	kindRefKey      // %{*name}: the value is a key name
	kindRefVal      // %{&name}: the value of the key named by %{*name}
)

type key struct {
	name    string
	kind    kind
	order   int    // /N of an append key
	pad     bool   // name-> : skip repeated delimiters after the value
	typ     string // |int, |float, |bool
	delim   string // literal after this key ("" for the last key: take the rest)
	groupAt int    // for append keys: index of the first key of the same name
	parts   []int  // on the first key of an append group: the group's keys in /N order
}

// Pattern is a compiled dissect pattern. It is immutable and safe for concurrent use.
type Pattern struct {
	prefix string
	keys   []key
}

// Compile parses a dissect pattern.
func Compile(p string) (*Pattern, error) {
	if p == "" {
		return nil, errors.New("empty pattern")
	}
	out := &Pattern{}
	rest := p
	i := strings.Index(rest, "%{")
	if i < 0 {
		return nil, errors.New("no %{key} in pattern")
	}
	out.prefix, rest = rest[:i], rest[i:]
	for rest != "" {
		if !strings.HasPrefix(rest, "%{") {
			return nil, fmt.Errorf("expected %%{ at %q", rest)
		}
		end := strings.IndexByte(rest, '}')
		if end < 0 {
			return nil, fmt.Errorf("unterminated %%{ at %q", rest)
		}
		k, err := parseKey(rest[2:end])
		if err != nil {
			return nil, err
		}
		rest = rest[end+1:]
		next := strings.Index(rest, "%{")
		if next < 0 {
			next = len(rest)
		}
		k.delim, rest = rest[:next], rest[next:]
		if k.delim == "" && rest != "" {
			return nil, fmt.Errorf("keys %%{%s} and the next one have no delimiter between them", k.name)
		}
		out.keys = append(out.keys, k)
	}
	if len(out.keys) > maxKeys {
		return nil, fmt.Errorf("%d keys: at most %d", len(out.keys), maxKeys)
	}
	out.linkAppends()
	return out, nil
}

func parseKey(s string) (key, error) {
	var k key
	if t := strings.IndexByte(s, '|'); t >= 0 {
		s, k.typ = s[:t], s[t+1:]
		if _, ok := converters[k.typ]; !ok {
			return k, fmt.Errorf("%%{%s|%s}: unknown type (int, float, bool)", s, k.typ)
		}
	}
	if strings.HasSuffix(s, "->") {
		s, k.pad = strings.TrimSuffix(s, "->"), true
	}
	switch {
	case s == "" || s[0] == '?':
		k.kind = kindSkip
	case s[0] == '+':
		k.kind, s = kindAppend, s[1:]
		if j := strings.LastIndexByte(s, '/'); j >= 0 {
			n, err := strconv.Atoi(s[j+1:])
			if err != nil {
				return k, fmt.Errorf("%%{+%s}: bad append order", s)
			}
			s, k.order = s[:j], n
		}
	case s[0] == '*':
		k.kind, s = kindRefKey, s[1:]
	case s[0] == '&':
		k.kind, s = kindRefVal, s[1:]
	}
	k.name = s
	if k.kind != kindSkip && k.name == "" {
		return k, errors.New("a key modifier without a name")
	}
	return k, nil
}

func (p *Pattern) linkAppends() {
	first := map[string]int{}
	for i := range p.keys {
		k := &p.keys[i]
		k.groupAt = i
		if k.kind == kindAppend || k.kind == kindNormal {
			if j, ok := first[k.name]; ok {
				k.groupAt = j
				k.kind = kindAppend
				p.keys[j].kind = kindAppend
			} else {
				first[k.name] = i
			}
		}
	}
	for i := range p.keys {
		k := &p.keys[i]
		if k.kind != kindAppend || k.groupAt != i {
			continue
		}
		for j := i; j < len(p.keys); j++ {
			if p.keys[j].kind == kindAppend && p.keys[j].groupAt == i {
				k.parts = append(k.parts, j)
			}
		}
		sort.SliceStable(k.parts, func(a, b int) bool { return p.keys[k.parts[a]].order < p.keys[k.parts[b]].order })
	}
}

// split cuts s into one value per key; it reports false when s does not fit the pattern.
func (p *Pattern) split(s string, vals *[maxKeys]string) bool {
	if !strings.HasPrefix(s, p.prefix) {
		return false
	}
	rest := s[len(p.prefix):]
	for i := range p.keys {
		k := &p.keys[i]
		if k.delim == "" {
			vals[i], rest = rest, ""
			break
		}
		j := strings.Index(rest, k.delim)
		if j < 0 {
			return false
		}
		vals[i], rest = rest[:j], rest[j+len(k.delim):]
		if k.pad {
			for strings.HasPrefix(rest, k.delim) {
				rest = rest[len(k.delim):]
			}
		}
	}
	return true
}

// Apply splits s and writes the keys to ev under prefix. It writes nothing when s does not fit.
func (p *Pattern) Apply(ev *event.Event, s, prefix, sep string) error {
	var vals [maxKeys]string
	if !p.split(s, &vals) {
		return errors.New("pattern did not match")
	}
	for i := range p.keys {
		k := &p.keys[i]
		switch k.kind {
		case kindSkip, kindRefKey:
			continue
		case kindAppend:
			if k.groupAt == i {
				ev.SetString(name(prefix, k.name), p.joined(i, &vals, sep))
			}
			continue
		case kindRefVal:
			if ref := p.refKey(k.name, &vals); ref != "" {
				ev.SetString(name(prefix, ref), vals[i])
			}
			continue
		}
		if err := set(ev, name(prefix, k.name), vals[i], k.typ); err != nil {
			return err
		}
	}
	return nil
}

// joined concatenates the parts of the append group starting at key first, in /N order.
func (p *Pattern) joined(first int, vals *[maxKeys]string, sep string) string {
	parts := p.keys[first].parts
	n := len(sep) * (len(parts) - 1)
	for _, i := range parts {
		n += len(vals[i])
	}
	var sb strings.Builder
	sb.Grow(n)
	for j, i := range parts {
		if j > 0 {
			sb.WriteString(sep)
		}
		sb.WriteString(vals[i])
	}
	return sb.String()
}

func (p *Pattern) refKey(n string, vals *[maxKeys]string) string {
	for i := range p.keys {
		if p.keys[i].kind == kindRefKey && p.keys[i].name == n {
			return vals[i]
		}
	}
	return ""
}

func name(prefix, n string) string {
	if prefix == "" {
		return n
	}
	return prefix + "." + n
}

var converters = map[string]func(string) (event.Value, error){
	"int": parseInt, "integer": parseInt, "long": parseInt,
	"float": parseFloat, "double": parseFloat,
	"bool": parseBool, "boolean": parseBool,
	"string": func(s string) (event.Value, error) { return event.String(s), nil },
}

func parseInt(s string) (event.Value, error) {
	i, err := strconv.ParseInt(s, 10, 64)
	return event.Int(i), err
}

func parseFloat(s string) (event.Value, error) {
	f, err := strconv.ParseFloat(s, 64)
	return event.Float(f), err
}

func parseBool(s string) (event.Value, error) {
	b, err := strconv.ParseBool(s)
	return event.Bool(b), err
}

func set(ev *event.Event, k, v, typ string) error {
	if typ == "" {
		ev.SetString(k, v)
		return nil
	}
	val, err := converters[typ](v)
	if err != nil {
		ev.SetString(k, v)
		return fmt.Errorf("%s: %q is not %s", k, v, typ)
	}
	ev.Set(k, val)
	return nil
}
