package graph

import (
	"fmt"
	"io"
	"strings"
)

// edgeLabels say what an edge of each kind carries, in both renderings; a kind without an
// entry (Flow) needs no words.
var edgeLabels = map[EdgeKind]func(Edge) string{
	Route:        func(e Edge) string { return "route if " + e.Label },
	RouteDefault: func(Edge) string { return "no route matched" },
	Failed:       func(e Edge) string { return e.Label },
	Link:         func(e Edge) string { return "to pipeline address " + e.Label },
}

// Text writes the graph for a terminal: each pipeline's steps in order, one per line, with the
// edges that are not the plain flow under the node they leave.
func (g *Graph) Text(w io.Writer) error {
	var b strings.Builder
	for _, p := range g.Pipelines {
		fmt.Fprintf(&b, "pipeline %s\n", p.Name)
		for i, n := range p.Inputs {
			fmt.Fprintf(&b, "  %s %s\n", map[bool]string{true: "input", false: "     "}[i == 0], title(n))
		}
		for _, n := range p.Processors {
			fmt.Fprintf(&b, "  -> %s", title(n))
			if n.If != "" {
				fmt.Fprintf(&b, "  if: %s", n.If)
			}
			b.WriteByte('\n')
			g.textEdges(&b, "       ", n.Key)
		}
		fmt.Fprintf(&b, "  -> %s\n\n", strings.Join(idsOf(p.Outputs), ", "))
	}
	if len(g.Outputs) > 0 {
		b.WriteString("outputs\n")
		for _, n := range g.Outputs {
			fmt.Fprintf(&b, "  %s\n", title(n))
			g.textEdges(&b, "    ", n.Key)
		}
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "dead letter %s\n", strings.Join(g.DeadLetter.Notes, ", "))
	_, err := io.WriteString(w, b.String())
	return err
}

// textEdges writes the labelled edges leaving key, one line per label with all its targets.
func (g *Graph) textEdges(b *strings.Builder, indent, key string) {
	var order []string
	targets := map[string][]string{}
	for _, e := range g.from(key) {
		label, ok := edgeLabels[e.Kind]
		if !ok {
			continue
		}
		l := label(e)
		if _, seen := targets[l]; !seen {
			order = append(order, l)
		}
		targets[l] = append(targets[l], g.byKey[e.To].ID)
	}
	for _, l := range order {
		fmt.Fprintf(b, "%s%s -> %s\n", indent, l, strings.Join(targets[l], ", "))
	}
}

// title names a node: its id, with its type and notes when they add something.
func title(n Node) string {
	var extra []string
	if n.Type != "" && n.Type != n.ID {
		extra = append(extra, n.Type)
	}
	extra = append(extra, n.Notes...)
	if len(extra) == 0 || n.Kind == DeadLetter {
		return n.ID
	}
	return n.ID + " (" + strings.Join(extra, ", ") + ")"
}
