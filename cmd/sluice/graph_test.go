package main

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/cmd/sluice/internal/graph"
	"github.com/sluice-dev/sluice/parsers/golden"
	"github.com/sluice-dev/sluice/pipeline/config"
)

// TestGraphGolden draws every shipped config (configs/*.yaml) as text and dot and compares
// them with testdata/graph; -update rewrites them. A config added or changed in configs/ fails
// here until its graph is looked at, so the pictures stay current. The dot must be valid.
func TestGraphGolden(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob("../../configs/*.yaml")
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, ".tests.yaml") {
			continue
		}
		n++
		name := strings.TrimSuffix(filepath.Base(f), ".yaml")
		for _, format := range []string{"text", "dot"} {
			code, out, stderr := runCLI(t, "", "graph", "-c", f, "--format", format)
			if code != 0 {
				t.Fatalf("%s: exit %d: %s", f, code, stderr)
			}
			golden.File(t, filepath.Join("testdata/graph", name+map[string]string{"text": ".txt", "dot": ".dot"}[format]), []byte(out))
			if format == "dot" {
				checkDot(t, out)
			}
		}
	}
	if n < 3 {
		t.Fatalf("%d shipped configs", n)
	}
}

// graphConfig has every kind of edge: route branches and default, a processor that
// dead-letters, a condition with quotes and backslashes, and an output shared by two pipelines.
const graphConfig = `
inputs: {stdin: {}, file: {paths: [/a.log]}}
processors:
  drop: {if: 'message matches "\\d+ \"quoted\""'}
  json: {on_error: dead_letter}
  route:
    routes: [{if: 'log.level == "error"', outputs: [file/errors]}]
outputs: {stdout: {}, file/errors: {path: /tmp/e.ndjson}}
pipelines:
  a: {inputs: [stdin], processors: [drop, json, route], outputs: [stdout, file/errors]}
  b: {inputs: [file], outputs: [stdout]}
`

func TestGraphEdges(t *testing.T) {
	t.Parallel()
	cfg, err := config.Parse([]byte(graphConfig), components())
	if err != nil {
		t.Fatal(err)
	}
	g := graph.Build(cfg)
	var text, dot bytes.Buffer
	if err := g.Text(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"pipeline a\n  input stdin\n  -> drop  if: " + `message matches "\\d+ \"quoted\""` + "\n  -> json\n       failed -> dead letter\n",
		"  -> route (mode first)\n       route if log.level == \"error\" -> file/errors\n       no route matched -> stdout, file/errors\n  -> stdout, file/errors\n",
		"pipeline b\n  input file\n  -> stdout\n",
		"outputs\n  file/errors (file)\n    rejected -> dead letter\n  stdout\n    rejected -> dead letter\n",
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text lacks\n%s\nin\n%s", want, text.String())
		}
	}
	if err := g.Dot(&dot); err != nil {
		t.Fatal(err)
	}
	checkDot(t, dot.String())
	for _, want := range []string{
		`"a/processors/2" -> "outputs/file/errors" [color="#1f77b4", label="route if log.level == \"error\""];`,
		`"a/processors/1" -> "dead_letter" [color="#d62728", style=dashed, label="failed"];`,
		`"b/inputs/file" -> "outputs/stdout";`,
		`label="drop\nif: message matches \"\\\\d+ \\\"quoted\\\"\""`,
	} {
		if !strings.Contains(dot.String(), want) {
			t.Errorf("dot lacks %s in\n%s", want, dot.String())
		}
	}
	if code, _, stderr := runCLI(t, "", "graph", "-e", graphConfig, "--format", "svg"); code != 1 || !strings.Contains(stderr, "want text or dot") {
		t.Errorf("--format svg: exit %d, %s", code, stderr)
	}
}

// dotToken matches one token of Graphviz's language: a quoted string, an arrow, punctuation or
// an identifier (letters, digits, _, or a number).
var dotToken = regexp.MustCompile(`^(?:"(?:[^"\\\n]|\\.)*"|->|[{}\[\];,=]|[A-Za-z_][A-Za-z_0-9]*|-?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?))`)

// checkDot parses out with the grammar of Graphviz's language (the part of it that sluice
// writes: graph, subgraph, node, edge and attribute statements) and checks that every edge
// joins declared nodes, each declared once. No graphviz binary is needed.
func checkDot(t *testing.T, out string) {
	t.Helper()
	if err := dotError(out); err != nil {
		t.Fatalf("dot: %v\n%s", err, out)
	}
}

func dotError(out string) error {
	var toks []string
	for s := strings.TrimSpace(out); s != ""; s = strings.TrimSpace(s) {
		m := dotToken.FindString(s)
		if m == "" {
			return fmt.Errorf("bad token at %.40q", s)
		}
		toks = append(toks, m)
		s = s[len(m):]
	}
	p := &dotParser{toks: toks, nodes: map[string]bool{}}
	if err := p.graph(); err != nil {
		return err
	}
	for _, e := range p.edges {
		if !p.nodes[e] {
			return fmt.Errorf("edge to undeclared node %s", e)
		}
	}
	return nil
}

// The checker refuses what Graphviz would, and what would draw a node nobody declared.
func TestDotChecker(t *testing.T) {
	t.Parallel()
	good := `digraph g { rankdir=LR; node [shape=box]; subgraph "c" { "a" [label="x\"y"]; } "b"; "a" -> "b" [label="z"]; }`
	if err := dotError(good); err != nil {
		t.Fatalf("good graph: %v", err)
	}
	for _, bad := range []string{
		`digraph g { "a" [label="unterminated]; }`,
		`digraph g { "a"; "a" -> "b"; }`,
		`digraph g { "a"; "a"; }`,
		`digraph g { "a" [label=]; }`,
		`digraph g { "a" -> ; }`,
		`digraph g { "a";`,
		`graph g { "a"; }`,
		"digraph g { \"a\nb\"; }",
	} {
		if dotError(bad) == nil {
			t.Errorf("accepted %s", bad)
		}
	}
}

type dotParser struct {
	toks  []string
	i     int
	nodes map[string]bool
	edges []string
}

func (p *dotParser) peek() string {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return ""
}

func (p *dotParser) next() string { s := p.peek(); p.i++; return s }

func (p *dotParser) expect(tok string) error {
	if got := p.next(); got != tok {
		return fmt.Errorf("token %d: want %q, got %q", p.i, tok, got)
	}
	return nil
}

func isID(s string) bool {
	return s != "" && s != "->" && !strings.ContainsAny(s[:1], "{}[];,=")
}

func (p *dotParser) graph() error {
	if err := p.expect("digraph"); err != nil {
		return err
	}
	if isID(p.peek()) {
		p.next()
	}
	if err := p.block(); err != nil {
		return err
	}
	if p.i != len(p.toks) {
		return fmt.Errorf("tokens after the graph: %q", p.toks[p.i:])
	}
	return nil
}

// block is '{' stmt* '}'.
func (p *dotParser) block() error {
	if err := p.expect("{"); err != nil {
		return err
	}
	for p.peek() != "}" {
		if p.peek() == "" {
			return fmt.Errorf("unclosed {")
		}
		if err := p.stmt(); err != nil {
			return err
		}
		if p.peek() == ";" {
			p.next()
		}
	}
	p.next()
	return nil
}

func (p *dotParser) stmt() error {
	first := p.next()
	switch {
	case first == "subgraph":
		if isID(p.peek()) {
			p.next()
		}
		return p.block()
	case first == "graph" || first == "node" || first == "edge":
		return p.attrs()
	case !isID(first):
		return fmt.Errorf("token %d: want a statement, got %q", p.i, first)
	case p.peek() == "=":
		p.next()
		if !isID(p.next()) {
			return fmt.Errorf("token %d: want a value", p.i)
		}
		return nil
	case p.peek() == "->":
		p.edges = append(p.edges, first)
		for p.peek() == "->" {
			p.next()
			to := p.next()
			if !isID(to) {
				return fmt.Errorf("token %d: want a node after ->, got %q", p.i, to)
			}
			p.edges = append(p.edges, to)
		}
	default:
		if p.nodes[first] {
			return fmt.Errorf("node %s declared twice", first)
		}
		p.nodes[first] = true
	}
	if p.peek() == "[" {
		return p.attrs()
	}
	return nil
}

// attrs is '[' (ID '=' ID [,;])* ']'.
func (p *dotParser) attrs() error {
	if err := p.expect("["); err != nil {
		return err
	}
	for p.peek() != "]" {
		if !isID(p.next()) || p.next() != "=" || !isID(p.next()) {
			return fmt.Errorf("token %d: want key=value", p.i)
		}
		if p.peek() == "," || p.peek() == ";" {
			p.next()
		}
	}
	p.next()
	return nil
}
