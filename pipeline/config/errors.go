package config

import (
	"cmp"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/go-viper/mapstructure/v2"
)

// Error is one problem in a config file, at a key path such as
// "outputs.elasticsearch.hosts[0]".
type Error struct {
	// File names the file the problem is in, when a config is merged from several; empty
	// means Errors.File, or no one file (a conflict between two files names both in Msg).
	File string
	Path string
	Msg  string
}

func (e *Error) Error() string {
	if e.Path == "" {
		return e.Msg
	}
	return e.Path + ": " + e.Msg
}

// Errors is every problem found in a config, sorted by path. Its message has one problem per
// line, prefixed by the name of the file it is in.
type Errors struct {
	File string
	List []*Error
}

func (e *Errors) Error() string {
	var b strings.Builder
	for i, x := range e.List {
		if i > 0 {
			b.WriteByte('\n')
		}
		if f := cmp.Or(x.File, e.File); f != "" {
			b.WriteString(f)
			b.WriteString(": ")
		}
		b.WriteString(x.Error())
	}
	return b.String()
}

// problems collects Errors while a file is checked.
type problems []*Error

// at reports whether a problem has been found at path.
func (p problems) at(path string) bool {
	for _, e := range p {
		if e.Path == path {
			return true
		}
	}
	return false
}

func (p *problems) add(path, format string, args ...any) {
	*p = append(*p, &Error{Path: path, Msg: sprintf(format, args...)})
}

// addErr adds every leaf of err (errors.Join trees are split), prefixing its path. A leaf that
// starts with its own path ("hosts[0]: not a URL", as component Validate methods write them)
// has it joined to prefix with a dot.
func (p *problems) addErr(prefix string, err error) {
	if err == nil {
		return
	}
	var de *mapstructure.DecodeError
	if errors.As(err, &de) && de == err {
		p.addDecode(prefix, de)
		return
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			p.addErr(prefix, e)
		}
		return
	}
	var ce *Error
	if errors.As(err, &ce) && ce == err {
		*p = append(*p, &Error{Path: joinPath(prefix, ce.Path), Msg: ce.Msg})
		return
	}
	msg := err.Error()
	if i := strings.Index(msg, ": "); i > 0 && isPath(msg[:i]) {
		*p = append(*p, &Error{Path: joinPath(prefix, msg[:i]), Msg: msg[i+2:]})
		return
	}
	*p = append(*p, &Error{Path: prefix, Msg: msg})
}

// addDecode turns a mapstructure error into one Error per problem: "has invalid keys: a, b"
// becomes "path.a: unknown key" and "path.b: unknown key".
func (p *problems) addDecode(prefix string, de *mapstructure.DecodeError) {
	path := joinPath(prefix, de.Name())
	inner := de.Unwrap()
	if j, ok := inner.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			p.addErr(path, e)
		}
		return
	}
	msg := inner.Error()
	var ut *mapstructure.UnconvertibleTypeError
	if errors.As(inner, &ut) {
		msg = fmt.Sprintf("want %s, got %s %v", kindWord(ut.Expected.Kind().String()),
			kindWord(reflect.ValueOf(ut.Value).Kind().String()), quoteValue(ut.Value))
	}
	msg = plainWords(msg)
	if keys, ok := strings.CutPrefix(msg, "has invalid keys: "); ok {
		for _, k := range strings.Split(keys, ", ") {
			p.add(joinPath(path, k), "unknown key")
		}
		return
	}
	*p = append(*p, &Error{Path: path, Msg: msg})
}

// kindWords names the decoder's kinds of YAML values the way a config is written.
var kindWords = map[string]string{"string": "text", "map": "a map (key: value)", "slice": "a list",
	"struct": "a map of settings (key: value)", "int": "a number", "int64": "a number",
	"uint64": "a number", "float64": "a number", "bool": "true or false"}

// plainWords rewrites the decoder's messages about the shape of a value in the user's terms:
// "source data must be an array or slice, got map" says nothing to someone writing YAML.
func plainWords(msg string) string {
	if kind, ok := strings.CutPrefix(msg, "source data must be an array or slice, got "); ok {
		return "want a list (- item per line, or [a, b]), got " + kindWord(kind)
	}
	if kind, ok := strings.CutPrefix(msg, "expected a map or struct, got "); ok {
		return "want a map of settings (key: value), got " + kindWord(strings.Trim(kind, `"`))
	}
	return msg
}

func kindWord(kind string) string {
	if w, ok := kindWords[kind]; ok {
		return w
	}
	return kind
}

func quoteValue(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	return fmt.Sprint(v)
}

// isPath reports whether s looks like a key path (no spaces, not empty).
func isPath(s string) bool {
	return s != "" && !strings.ContainsAny(s, " \t'\"")
}

// mapKey matches the decoder's "[key]" for an entry of a map (a list index is all digits).
var mapKey = regexp.MustCompile(`\[([^\]]*[^\]0-9][^\]]*)\]`)

// joinPath joins key paths, writing map entries dotted ("pipelines.main", not "pipelines[main]")
// so that every error names a key one way.
func joinPath(prefix, path string) string {
	path = mapKey.ReplaceAllString(path, ".$1")
	switch {
	case prefix == "":
		return path
	case path == "":
		return prefix
	case path[0] == '[':
		return prefix + path
	}
	return prefix + "." + path
}

func (p problems) sorted() []*Error {
	out := append([]*Error(nil), p...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}
