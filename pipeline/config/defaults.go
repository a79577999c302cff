package config

import (
	"encoding"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// FixedDefaults returns the fixed sections (runtime, http, dead_letter, log, reload) with their
// defaults, as a YAML mapping a config can start from.
func FixedDefaults() *yaml.Node {
	d := Defaults()
	m := &yaml.Node{Kind: yaml.MappingNode}
	for _, s := range []struct {
		key string
		v   any
	}{{"runtime", d.Runtime}, {"http", d.HTTP}, {"dead_letter", d.DeadLetter}, {"log", d.Log}, {"reload", d.Reload}} {
		addPair(m, s.key, SettingsNode(s.v), "")
	}
	return m
}

// SettingsNode renders a config struct (or a pointer to one) as a YAML mapping of every
// setting the strict decoder accepts, by its mapstructure key, each with its value and a
// comment saying what kind of value it takes. The YAML decodes back to the same struct: values
// are written the way a config writes them (durations "5s", sizes "512MiB"), and a setting
// without a value (a nil pointer or interface) is written as a comment, since null could mean
// something else to its component.
//
// Go doc comments are not in the binary, so the comment is derived from the type alone.
func SettingsNode(cfg any) *yaml.Node {
	v := reflect.ValueOf(cfg)
	for v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	m := &yaml.Node{Kind: yaml.MappingNode}
	if v.Kind() == reflect.Struct {
		addFields(m, v)
	}
	return m
}

// SettingDocs is a config section that describes its settings in a line each, for `sluice
// config defaults`: Go doc comments are not in the binary. Keys are the section's own
// mapstructure keys. Only standard types cross it: components need not import this package.
type SettingDocs interface {
	SettingDocs() map[string]string
}

var settingDocsType = reflect.TypeOf((*SettingDocs)(nil)).Elem()

// docsOf returns the descriptions a struct value gives of its settings, if any.
func docsOf(v reflect.Value) map[string]string {
	p := reflect.New(v.Type())
	p.Elem().Set(v)
	if p.Type().Implements(settingDocsType) {
		return p.Interface().(SettingDocs).SettingDocs()
	}
	return nil
}

// addFields adds a struct's settings to m; embedded structs are squashed, as the decoder does.
func addFields(m *yaml.Node, v reflect.Value) {
	docs := docsOf(v)
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("mapstructure"), ",")
		if name == "-" || strings.Contains(opts, "remain") {
			continue
		}
		fv := v.Field(i)
		if f.Anonymous && fv.Kind() == reflect.Struct || strings.Contains(opts, "squash") {
			addFields(m, fv)
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name) // what mapstructure matches without a tag
		}
		addSetting(m, name, fv, docs[name])
	}
}

// addSetting adds one key; a setting with no value becomes a comment on the next key.
func addSetting(m *yaml.Node, key string, v reflect.Value, doc string) {
	comment := describe(v.Type())
	if doc != "" {
		comment += ": " + doc
	}
	if (v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface) && v.IsNil() {
		m.FootComment = strings.TrimSpace(m.FootComment + "\n" + key + ": (not set) # " + comment)
		return
	}
	val := valueNode(v)
	if val.Kind == yaml.MappingNode && strings.HasPrefix(comment, "settings: ") {
		comment = doc // its settings carry their own comments
	}
	addPair(m, key, val, comment)
}

func addPair(m *yaml.Node, key string, val *yaml.Node, comment string) {
	k := &yaml.Node{Kind: yaml.ScalarNode, Value: key}
	if m.FootComment != "" {
		// A pending "not set" line belongs before this key.
		k.HeadComment, m.FootComment = m.FootComment, ""
	}
	if comment != "" {
		if val.Kind == yaml.ScalarNode || val.Style == yaml.FlowStyle {
			val.LineComment = comment
		} else {
			k.LineComment = comment
		}
	}
	m.Content = append(m.Content, k, val)
}

var (
	textUnmarshaler = reflect.TypeOf((*encoding.TextUnmarshaler)(nil)).Elem()
	stringer        = reflect.TypeOf((*fmt.Stringer)(nil)).Elem()
)

// valueNode renders a value as the config writes it.
func valueNode(v reflect.Value) *yaml.Node {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
		}
		v = v.Elem()
	}
	t := v.Type()
	switch {
	case t == durationType:
		return scalar("!!str", shortDuration(time.Duration(v.Int())))
	case t.Kind() != reflect.String && reflect.PointerTo(t).Implements(textUnmarshaler) && t.Implements(stringer):
		return scalar("!!str", v.Interface().(fmt.Stringer).String()) // a size: "1GiB"
	}
	switch t.Kind() {
	case reflect.Struct:
		m := &yaml.Node{Kind: yaml.MappingNode}
		addFields(m, v)
		return m
	case reflect.Slice, reflect.Array:
		return listNode(v)
	case reflect.Map:
		return mapNode(v)
	case reflect.String:
		return scalar("!!str", v.String())
	case reflect.Bool:
		return scalar("!!bool", strconv.FormatBool(v.Bool()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return scalar("!!int", strconv.FormatInt(v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return scalar("!!int", strconv.FormatUint(v.Uint(), 10))
	case reflect.Float32, reflect.Float64:
		f := strconv.FormatFloat(v.Float(), 'g', -1, 64)
		if !strings.ContainsAny(f, ".eEn") { // NaN and Inf have letters
			f += ".0"
		}
		return scalar("!!float", f)
	}
	return scalar("!!str", fmt.Sprint(v.Interface()))
}

func scalar(tag, s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: s} }

// listNode writes a list; a list of scalars on one line.
func listNode(v reflect.Value) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode}
	flow := true
	for i := range v.Len() {
		item := valueNode(v.Index(i))
		flow = flow && item.Kind == yaml.ScalarNode
		n.Content = append(n.Content, item)
	}
	if flow {
		n.Style = yaml.FlowStyle
	}
	return n
}

func mapNode(v reflect.Value) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode}
	keys := make([]string, 0, v.Len())
	byKey := map[string]reflect.Value{}
	for _, k := range v.MapKeys() {
		s := fmt.Sprint(k.Interface())
		keys = append(keys, s)
		byKey[s] = v.MapIndex(k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		n.Content = append(n.Content, scalar("!!str", k), valueNode(byKey[k]))
	}
	if len(keys) == 0 {
		n.Style = yaml.FlowStyle
	}
	return n
}

// shortDuration writes a duration without zero units: "1m", not "1m0s".
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// describe says in a few words what a setting takes, from its type.
func describe(t reflect.Type) string {
	switch {
	case t == durationType:
		return "duration (500ms, 5s, 1m)"
	case t.Kind() != reflect.String && reflect.PointerTo(t).Implements(textUnmarshaler) && t.Implements(stringer):
		return "size (512MiB, 1GB, or bytes)"
	}
	switch t.Kind() {
	case reflect.Pointer:
		return describe(t.Elem())
	case reflect.Interface:
		return "any value"
	case reflect.String:
		if t.Name() != "string" && t.Name() != "" {
			return "text (" + words(t.Name()) + ")"
		}
		return "text"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "integer"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer, 0 or more"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "list of " + plural(describe(t.Elem()))
	case reflect.Map:
		return "map of " + describe(t.Key()) + " to " + describe(t.Elem())
	case reflect.Struct:
		return "settings: " + strings.Join(fieldKeys(t), ", ")
	}
	return t.String()
}

func plural(s string) string {
	if strings.HasPrefix(s, "settings: ") {
		return "{" + strings.TrimPrefix(s, "settings: ") + "}"
	}
	return s
}

// fieldKeys lists the keys of a struct's settings, embedded ones squashed.
func fieldKeys(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("mapstructure"), ",")
		switch {
		case !f.IsExported() || name == "-" || strings.Contains(opts, "remain"):
		case f.Anonymous && f.Type.Kind() == reflect.Struct || strings.Contains(opts, "squash"):
			out = append(out, fieldKeys(f.Type)...)
		case name == "":
			out = append(out, strings.ToLower(f.Name))
		default:
			out = append(out, name)
		}
	}
	return out
}

// words turns a Go type name into words: "Secret" -> "secret", "LogLevel" -> "log level".
func words(name string) string {
	var b strings.Builder
	for i, r := range name {
		if i > 0 && r >= 'A' && r <= 'Z' {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return strings.ToLower(b.String())
}
