package config

import (
	"fmt"
	"reflect"
	"strings"
)

// merger combines the trees of several sources into one, remembering which source set each
// component, pipeline and setting, so that a problem found later names the file to fix.
//
// Nothing is overridden: a config split over files (conf.d) is read as one, and a second value
// for the same key is far more often a copy left behind than an intended override, which would
// make the running config depend on the order of file names.
type merger struct {
	tree map[string]any
	// from maps a key path ("inputs.file/vllm", "runtime.batch_size") to the source that set it.
	from map[string]string
	// conflicts are the problems that name two sources in their message.
	conflicts map[*Error]bool
}

// entrySections hold entries by id; two sources may add entries but not give the same one.
var entrySections = map[string]bool{"inputs": true, "processors": true, "outputs": true, "pipelines": true}

// add merges one source's tree; it reports false when a value conflicts with an earlier source.
func (m *merger) add(raw map[string]any, name string, p *problems) bool {
	ok := true
	for _, k := range sortedKeys(raw) {
		switch {
		case entrySections[k]:
			ok = m.addEntries(k, raw[k], name, p) && ok
		case k == "tests":
			m.addTests(raw[k], name, p)
		default:
			ok = m.addValue(m.tree, k, k, raw[k], name, p) && ok
		}
	}
	return ok
}

// addEntries adds the components or pipelines of one section; an id given before is a conflict
// even with the same settings, since either copy could be the one edited next.
func (m *merger) addEntries(section string, v any, name string, p *problems) bool {
	entries, isMap := v.(map[string]any)
	dst, dstMap := m.tree[section].(map[string]any)
	_, seen := m.tree[section]
	if !isMap || (seen && !dstMap) {
		return m.addValue(m.tree, section, section, v, name, p) // a shape the decoder reports
	}
	if !seen {
		dst = map[string]any{}
		m.tree[section] = dst
		m.from[section] = name
	}
	ok := true
	for _, id := range sortedKeys(entries) {
		path := section + "." + id
		if _, dup := dst[id]; dup {
			m.conflict(p, path, "declared in both %s and %s", m.from[path], name)
			ok = false
			continue
		}
		dst[id] = entries[id]
		m.from[path] = name
	}
	return ok
}

// addValue merges a setting: maps key by key, any other value only where it is new or equal.
func (m *merger) addValue(dst map[string]any, key, path string, v any, name string, p *problems) bool {
	old, exists := dst[key]
	switch {
	case !exists || old == nil:
		dst[key] = v
		m.from[path] = name
		return true
	case v == nil || reflect.DeepEqual(old, v):
		return true
	}
	om, oldMap := old.(map[string]any)
	nm, newMap := v.(map[string]any)
	if !oldMap || !newMap {
		m.conflict(p, path, "set to %s in %s and to %s in %s", showValue(old), m.origin(path), showValue(v), name)
		return false
	}
	ok := true
	for _, k := range sortedKeys(nm) {
		ok = m.addValue(om, k, path+"."+k, nm[k], name, p) && ok
	}
	return ok
}

// addTests appends test cases: each source may carry its own.
func (m *merger) addTests(v any, name string, p *problems) {
	old, oldList := m.tree["tests"].([]any)
	cases, newList := v.([]any)
	if oldList && newList {
		m.tree["tests"] = append(old, cases...)
		return
	}
	m.addValue(m.tree, "tests", "tests", v, name, p)
}

func (m *merger) conflict(p *problems, path, format string, args ...any) {
	e := &Error{Path: path, Msg: fmt.Sprintf(format, args...)}
	*p = append(*p, e)
	if m.conflicts == nil {
		m.conflicts = map[*Error]bool{}
	}
	m.conflicts[e] = true
}

// origin returns the source that set path or the closest key above it.
func (m *merger) origin(path string) string {
	best, name := -1, ""
	for k, src := range m.from {
		if len(k) > best && (path == k || strings.HasPrefix(path, k+".") || strings.HasPrefix(path, k+"[")) {
			best, name = len(k), src
		}
	}
	return name
}

func showValue(v any) string {
	if v == nil {
		return "null"
	}
	return quoteValue(v)
}
