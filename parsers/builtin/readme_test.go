package builtin

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
)

// The -update flag rewrites golden files (parsers/golden defines it where it is imported) and
// the generated README sections alike; it is defined here when nothing else did.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite expected files and generated README sections")
	}
}

func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

const (
	readmePath  = "../README.md"
	beginMarker = "<!-- BEGIN GENERATED: go test ./parsers/builtin -update -->"
	endMarker   = "<!-- END GENERATED -->"
)

// TestReadmeFields keeps the field table of parsers/README.md equal to what the registry
// declares, since the Elasticsearch mapping is generated from the same declarations: a field a
// parser sets but the README does not list fails here.
func TestReadmeFields(t *testing.T) {
	b, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatalf("read %s: %v", readmePath, err)
	}
	doc := string(b)
	i, j := strings.Index(doc, beginMarker), strings.Index(doc, endMarker)
	if i < 0 || j < i {
		t.Fatalf("%s lacks the generated-section markers", readmePath)
	}
	want := doc[:i+len(beginMarker)] + "\n" + generated() + doc[j:]
	if updating() {
		if err := os.WriteFile(readmePath, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if doc != want {
		t.Fatalf("%s is stale: run go test ./parsers/builtin -run TestReadmeFields -update", readmePath)
	}
}

func TestFieldTypesAgree(t *testing.T) {
	reg := Registry()
	types := map[string]string{}
	for _, n := range reg.Names() {
		info, _ := reg.Lookup(n)
		for _, f := range info.Fields {
			if f.Type == "" || f.Description == "" {
				t.Errorf("%s: field %s has no type or description", n, f.Name)
			}
			if prev, ok := types[f.Name]; ok && prev != f.Type {
				t.Errorf("field %s declared as %s and %s: the mapping can hold one type", f.Name, prev, f.Type)
			}
			types[f.Name] = f.Type
		}
	}
}

func generated() string {
	reg := Registry()
	var buf bytes.Buffer
	buf.WriteString("\n### Parsers, in default-chain order\n\n| Parser | Framing | What it reads |\n|---|---|---|\n")
	chain := map[string]bool{}
	for _, n := range reg.DefaultChain() {
		chain[n] = true
	}
	for _, n := range reg.Names() {
		info, _ := reg.Lookup(n)
		framing := ""
		if info.Framing {
			framing = "yes"
		}
		name := "`" + n + "`"
		if !chain[n] {
			name += " (not in the default chain)"
		}
		fmt.Fprintf(&buf, "| %s | %s | %s |\n", name, framing, cell(info.Description))
	}
	by := map[string][]string{}
	for _, n := range reg.Names() {
		info, _ := reg.Lookup(n)
		for _, f := range info.Fields {
			by[f.Name] = append(by[f.Name], n)
		}
	}
	buf.WriteString("\n### Fields\n\n| Field | Type | Set by | Description |\n|---|---|---|---|\n")
	for _, f := range reg.Fields() {
		set := by[f.Name]
		sort.Strings(set)
		fmt.Fprintf(&buf, "| `%s` | %s | %s | %s |\n", f.Name, f.Type, strings.Join(set, ", "), cell(f.Description))
	}
	buf.WriteString("\n")
	return buf.String()
}

func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
