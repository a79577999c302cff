package setup

import (
	"fmt"
	"sort"
	"strings"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// coreFields are set by sluice itself rather than by a parser; the parsers' table adds the rest.
var coreFields = []event.FieldInfo{
	{Name: event.FieldTimestamp, Type: "date"},
	{Name: event.FieldMessage, Type: "match_only_text"},
	{Name: event.FieldTags, Type: "keyword"},
	{Name: event.FieldDataset, Type: "keyword"},
	{Name: event.FieldLogLevel, Type: "keyword"},
	{Name: event.FieldErrorMsg, Type: "match_only_text"},
	{Name: event.FieldOriginal, Type: "keyword"},
	{Name: event.FieldHostName, Type: "keyword"},
	{Name: event.FieldK8sNodeName, Type: "keyword"},
}

// fallbacks are the types a cluster may lack (they come from modules and x-pack plugins that
// small distributions leave out) and what to map instead. Install downgrades a type only when the
// cluster answers "no handler for type".
var fallbacks = map[string]string{
	"match_only_text":  "text",
	"wildcard":         "keyword",
	"scaled_float":     "float",
	"flattened":        "object",
	"constant_keyword": "keyword",
}

// Mappings builds the "properties" tree of an index mapping from a field table: numbers as
// numbers, ids and names as keywords, messages as text. downgrade maps types the cluster lacks to
// their fallback. A field that is both a value and a parent ("a" and "a.b") cannot be mapped
// both ways; the parent wins and the conflict is returned as a note.
func Mappings(fields []event.FieldInfo, downgrade map[string]string) (map[string]any, []string) {
	all := append(append([]event.FieldInfo(nil), coreFields...), fields...)
	sort.SliceStable(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	props := map[string]any{}
	var notes []string
	seen := map[string]bool{}
	for _, f := range all {
		if seen[f.Name] {
			continue
		}
		seen[f.Name] = true
		if err := place(props, strings.Split(f.Name, "."), property(f, downgrade)); err != nil {
			notes = append(notes, fmt.Sprintf("field %s not mapped: %v", f.Name, err))
		}
	}
	return map[string]any{
		"dynamic_templates": []any{
			map[string]any{"strings_as_keyword": map[string]any{
				"match_mapping_type": "string",
				"mapping":            map[string]any{"type": "keyword", "ignore_above": 1024},
			}},
		},
		"properties": props,
	}, notes
}

func property(f event.FieldInfo, downgrade map[string]string) map[string]any {
	t := f.Type
	if d, ok := downgrade[t]; ok {
		t = d
	}
	switch {
	case f.Name == event.FieldOriginal:
		// Kept for reading and re-parsing, not searched: no index, no doc values.
		return map[string]any{"type": "keyword", "index": false, "doc_values": false}
	case t == "keyword":
		return map[string]any{"type": "keyword", "ignore_above": 1024}
	case t == "scaled_float":
		return map[string]any{"type": "scaled_float", "scaling_factor": 10000}
	case t == "object" && f.Type == "flattened":
		// Without flattened, keep the keys in _source only: mapping them would let arbitrary
		// log keys grow the mapping without bound.
		return map[string]any{"type": "object", "enabled": false}
	case t == "":
		return map[string]any{"type": "keyword", "ignore_above": 1024}
	}
	return map[string]any{"type": t}
}

// place puts p at the dotted path inside props, creating objects on the way.
func place(props map[string]any, path []string, p map[string]any) error {
	for i, name := range path[:len(path)-1] {
		child, ok := props[name].(map[string]any)
		if !ok {
			child = map[string]any{"properties": map[string]any{}}
			props[name] = child
		}
		sub, ok := child["properties"].(map[string]any)
		if !ok {
			return fmt.Errorf("%s is mapped as %v, not an object", strings.Join(path[:i+1], "."), child["type"])
		}
		props = sub
	}
	leaf := path[len(path)-1]
	if _, exists := props[leaf]; exists {
		return fmt.Errorf("%s is already an object", strings.Join(path, "."))
	}
	props[leaf] = p
	return nil
}
