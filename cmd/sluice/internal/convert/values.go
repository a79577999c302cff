package convert

import (
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/sluice-dev/sluice/cmd/sluice/internal/logstash"
)

func scalar(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

// node turns a Go value into a YAML node: strings, ints, bools, string lists, nodes.
func node(v any) *yaml.Node {
	switch v := v.(type) {
	case *yaml.Node:
		return v
	case string:
		return scalar(v)
	case int:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(v)}
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(v)}
	case []string:
		return flow(v)
	}
	panic("convert: no YAML for value")
}

// mapping builds a mapping from key, value pairs in order.
func mapping(kv ...any) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for i := 0; i+1 < len(kv); i += 2 {
		set(m, kv[i].(string), kv[i+1])
	}
	return m
}

// set adds key: value to a mapping.
func set(m *yaml.Node, key string, v any) {
	m.Content = append(m.Content, scalar(key), node(v))
}

func seq(items ...*yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: items}
}

func flow(items []string) *yaml.Node {
	s := seq()
	s.Style = yaml.FlowStyle
	for _, it := range items {
		s.Content = append(s.Content, scalar(it))
	}
	return s
}

// literal turns a Logstash scalar into a YAML node of the same type: numbers stay numbers,
// true and false booleans.
func literal(v logstash.Value) *yaml.Node {
	switch v := v.(type) {
	case *logstash.Number:
		tag := "!!int"
		if strings.Contains(v.Text, ".") {
			tag = "!!float"
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: v.Text}
	case *logstash.Bare:
		if v.Text == "true" || v.Text == "false" {
			return node(v.Text == "true")
		}
	}
	s, _ := str(v)
	return scalar(s)
}

// str returns the text of a scalar value.
func str(v logstash.Value) (string, bool) {
	switch v := v.(type) {
	case *logstash.String:
		return v.Text, true
	case *logstash.Number:
		return v.Text, true
	case *logstash.Bare:
		return v.Text, true
	}
	return "", false
}

// strs returns a list of scalars, or one scalar as a list of one (Logstash accepts both).
func strs(v logstash.Value) ([]string, bool) {
	if a, ok := v.(*logstash.Array); ok {
		out := make([]string, 0, len(a.Items))
		for _, it := range a.Items {
			s, ok := str(it)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	}
	s, ok := str(v)
	return []string{s}, ok
}

// boolean reads true/false, bare or quoted.
func boolean(v logstash.Value) (bool, bool) {
	s, ok := str(v)
	if !ok || (s != "true" && s != "false") {
		return false, false
	}
	return s == "true", true
}

// pair is one key => value of a hash, or of the older array form ["k", "v", "k2", "v2"].
type pair struct {
	key string
	val logstash.Value
}

func pairs(v logstash.Value) ([]pair, bool) {
	var out []pair
	switch v := v.(type) {
	case *logstash.Hash:
		for _, e := range v.Entries {
			k, ok := str(e.Key)
			if !ok {
				return nil, false
			}
			out = append(out, pair{k, e.Value})
		}
	case *logstash.Array:
		if len(v.Items)%2 != 0 {
			return nil, false
		}
		for i := 0; i < len(v.Items); i += 2 {
			k, ok := str(v.Items[i])
			if !ok {
				return nil, false
			}
			out = append(out, pair{k, v.Items[i+1]})
		}
	default:
		return nil, false
	}
	return out, true
}

// fieldName turns a Logstash field reference ([a][b], or a plain name) into sluice's dotted name.
func fieldName(ref string) string {
	ref = strings.TrimSpace(ref)
	if !strings.HasPrefix(ref, "[") || !strings.HasSuffix(ref, "]") {
		return ref
	}
	return strings.Join(strings.Split(ref[1:len(ref)-1], "]["), ".")
}

var sprintfRef = regexp.MustCompile(`%\{([^}]*)\}`)

// onlyRef reports whether s is exactly one sprintf reference %{field}, and returns the field.
func onlyRef(s string) (string, bool) {
	m := sprintfRef.FindStringSubmatchIndex(s)
	if m == nil || m[0] != 0 || m[1] != len(s) || strings.HasPrefix(s[m[2]:m[3]], "+") {
		return "", false
	}
	return fieldName(s[m[2]:m[3]]), true
}

// hasRef reports whether s holds a sprintf reference.
func hasRef(s string) bool { return sprintfRef.MatchString(s) }
