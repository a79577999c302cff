package graph

import (
	"fmt"
	"io"
	"strings"
)

// nodeStyles and edgeStyles are the Graphviz attributes of each kind.
var (
	nodeStyles = map[Kind]string{
		Input:      `shape=cds`,
		Processor:  `shape=box, style=rounded`,
		Output:     `shape=box3d`,
		DeadLetter: `shape=folder, color="#d62728"`,
	}
	edgeStyles = map[EdgeKind]string{
		Flow:         ``,
		Route:        `color="#1f77b4"`,
		RouteDefault: `color="#1f77b4", style=dashed`,
		Failed:       `color="#d62728", style=dashed`,
		Link:         `color="#2ca02c", penwidth=2`,
	}
)

// Dot writes the graph in Graphviz's language: one cluster per pipeline holding its inputs and
// processors, the outputs (which pipelines may share) and the dead letter outside them.
// `sluice graph --format dot | dot -Tsvg > graph.svg` draws it.
func (g *Graph) Dot(w io.Writer) error {
	var b strings.Builder
	b.WriteString("digraph sluice {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=9];\n")
	for _, p := range g.Pipelines {
		fmt.Fprintf(&b, "  subgraph %s {\n    label=%s;\n", quote("cluster_"+p.Name), quote("pipeline "+p.Name))
		for _, n := range p.Inputs {
			dotNode(&b, "    ", n)
		}
		for _, n := range p.Processors {
			dotNode(&b, "    ", n)
		}
		b.WriteString("  }\n")
	}
	for _, n := range g.Outputs {
		dotNode(&b, "  ", n)
	}
	dotNode(&b, "  ", g.DeadLetter)
	for _, e := range g.Edges {
		var attrs []string
		if s := edgeStyles[e.Kind]; s != "" {
			attrs = append(attrs, s)
		}
		if label, ok := edgeLabels[e.Kind]; ok {
			attrs = append(attrs, "label="+quote(label(e)))
		}
		fmt.Fprintf(&b, "  %s -> %s", quote(e.From), quote(e.To))
		if len(attrs) > 0 {
			fmt.Fprintf(&b, " [%s]", strings.Join(attrs, ", "))
		}
		b.WriteString(";\n")
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func dotNode(b *strings.Builder, indent string, n Node) {
	label := title(n)
	if n.Kind == DeadLetter {
		label = n.ID + "\n" + strings.Join(n.Notes, "\n")
	}
	if n.If != "" {
		label += "\nif: " + n.If
	}
	fmt.Fprintf(b, "%s%s [label=%s, %s];\n", indent, quote(n.Key), quote(label), nodeStyles[n.Kind])
}

// quote writes s as a Graphviz quoted string: quotes and backslashes escaped (a regular
// expression in a condition keeps its backslashes), line breaks as \n.
func quote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}
