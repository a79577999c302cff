package config

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// caseClashes reports keys of one map that differ only in case ("main" and "Main", "file/a" and
// "FILE/A"). viper lowercases every key, so such keys would silently merge into one and a
// pipeline or component would disappear; the raw YAML still has both spellings.
func caseClashes(p *problems, data []byte) {
	var root yaml.Node
	if yaml.Unmarshal(data, &root) != nil {
		return // viper has already read it; a difference of parsers is not the user's problem
	}
	walkClashes(p, "", &root)
}

func walkClashes(p *problems, path string, n *yaml.Node) {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			walkClashes(p, path, c)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			walkClashes(p, fmt.Sprintf("%s[%d]", path, i), c)
		}
	case yaml.MappingNode:
		seen := map[string]string{} // lowercased key -> first spelling
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := n.Content[i].Value
			low := strings.ToLower(key)
			if first, ok := seen[low]; ok && first != key {
				p.add(joinPath(path, low), "%q and %q differ only in case and would merge (keys are case-insensitive): rename one",
					first, key)
			}
			seen[low] = key
			if path == "" && low == "tests" {
				continue // read by `sluice test` with its own decoder: field names may differ in case
			}
			walkClashes(p, joinPath(path, low), n.Content[i+1])
		}
	}
}
