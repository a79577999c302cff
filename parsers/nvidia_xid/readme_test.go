package nvidia_xid

import (
	"flag"
	"fmt"
	"os"
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

// TestReadmeCatalog keeps the catalog table of README.md equal to the catalog in code.
func TestReadmeCatalog(t *testing.T) {
	const begin, end = "<!-- BEGIN GENERATED: go test ./parsers/nvidia_xid -update -->", "<!-- END GENERATED -->"
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	i, j := strings.Index(doc, begin), strings.Index(doc, end)
	if i < 0 || j < i {
		t.Fatal("README.md lacks the generated-section markers")
	}
	var tb strings.Builder
	tb.WriteString("\n| Xid | Name | Cause | Level | What it means | First action |\n|---|---|---|---|---|---|\n")
	for _, e := range Catalog() {
		fmt.Fprintf(&tb, "| %d | %s | %s | %s | %s | %s |\n", e.Code, e.Name, e.Cause, e.Level, e.Description, e.Action)
	}
	tb.WriteString("\n")
	want := doc[:i+len(begin)] + "\n" + tb.String() + doc[j:]
	if updating() {
		if err := os.WriteFile("README.md", []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if doc != want {
		t.Fatal("README.md catalog is stale: go test ./parsers/nvidia_xid -run TestReadmeCatalog -update")
	}
}
