package main

import (
	"flag"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

var updateMetricNames = flag.Bool("update-metric-names", false, "rewrite deploy/test/testdata/sluice-metrics.txt")

// metricNamesFile is the list of every metric sluice can export. The deploy checks
// (deploy/test) read it to prove that each alert rule and Grafana panel names a real metric;
// this test keeps it current.
const metricNamesFile = "../../deploy/test/testdata/sluice-metrics.txt"

// TestMetricNamesCurrent finds every Prometheus metric the code declares and compares the list
// with the committed one. It reads the source rather than a running registry because a labelled
// metric (a Vec) is only exported once a label value is used, so a scrape misses some; every
// declaration is a prometheus.*Opts literal whose name parts are literals, constants, or
// parameters of a helper called with literals.
func TestMetricNamesCurrent(t *testing.T) {
	t.Parallel()
	names := declaredMetricNames(t, "../..")
	for _, must := range []string{"sluice_output_up", "sluice_events_in_flight", "sluice_beats_connections", "sluice_kafka_lag"} {
		if !slices.Contains(names, must) {
			t.Fatalf("%s not found: the source scan misses a way metrics are declared", must)
		}
	}
	got := strings.Join(names, "\n") + "\n"
	if *updateMetricNames {
		if err := os.WriteFile(metricNamesFile, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(metricNamesFile)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != got {
		t.Fatalf("%s is out of date: go test ./cmd/sluice -run TestMetricNamesCurrent -update-metric-names", metricNamesFile)
	}
}

// declaredMetricNames scans the module's non-test Go files, outside the test services and
// benchmarks, for metric declarations.
func declaredMetricNames(t *testing.T, root string) []string {
	t.Helper()
	seen := map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch filepath.ToSlash(strings.TrimPrefix(path, root+"/")) {
			case ".git", ".cache", "internal/testsvc", "benchmarks", "deploy":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return err
		}
		for _, n := range metricNamesInFile(f) {
			seen[n] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// metricNamesInFile returns the full names of the prometheus.*Opts literals in f.
func metricNamesInFile(f *ast.File) []string {
	consts := stringConsts(f)
	var names []string
	var stack []ast.Node
	ast.Inspect(f, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		stack = append(stack, n)
		lit, ok := n.(*ast.CompositeLit)
		if !ok || !isOptsType(lit.Type) {
			return true
		}
		parts := map[string][]string{"Namespace": {""}, "Subsystem": {""}, "Name": {""}}
		for _, e := range lit.Elts {
			kv, ok := e.(*ast.KeyValueExpr)
			key, _ := kv.Key.(*ast.Ident)
			if !ok || key == nil {
				continue
			}
			if _, want := parts[key.Name]; want {
				parts[key.Name] = resolve(f, stack, consts, kv.Value)
			}
		}
		for _, ns := range parts["Namespace"] {
			for _, sub := range parts["Subsystem"] {
				for _, name := range parts["Name"] {
					// Every exported metric is sluice_*; others are unregistered stand-ins
					// (pipeline.NewComponentMetrics).
					if fq := prometheus.BuildFQName(ns, sub, name); strings.HasPrefix(fq, "sluice_") {
						names = append(names, fq)
					}
				}
			}
		}
		return true
	})
	return names
}

func isOptsType(e ast.Expr) bool {
	sel, ok := e.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	pkg, ok := sel.X.(*ast.Ident)
	return ok && pkg.Name == "prometheus" && strings.HasSuffix(sel.Sel.Name, "Opts")
}

// stringConsts maps the names of f's constants and variables that are string literals.
func stringConsts(f *ast.File) map[string]string {
	m := map[string]string{}
	ast.Inspect(f, func(n ast.Node) bool {
		if vs, ok := n.(*ast.ValueSpec); ok {
			for i, id := range vs.Names {
				if i < len(vs.Values) {
					if s, ok := stringLit(vs.Values[i]); ok {
						m[id.Name] = s
					}
				}
			}
		}
		return true
	})
	return m
}

func stringLit(e ast.Expr) (string, bool) {
	bl, ok := e.(*ast.BasicLit)
	if !ok || bl.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(bl.Value)
	return s, err == nil
}

// resolve returns the values e can take: a literal, a constant, or the literal arguments of
// every call to the enclosing helper when e is one of its parameters.
func resolve(f *ast.File, stack []ast.Node, consts map[string]string, e ast.Expr) []string {
	if s, ok := stringLit(e); ok {
		return []string{s}
	}
	id, ok := e.(*ast.Ident)
	if !ok {
		return nil
	}
	for i := len(stack) - 1; i >= 0; i-- {
		helper, idx := helperParam(stack, i, id.Name)
		if helper != "" {
			return callArgs(f, helper, idx)
		}
	}
	if s, ok := consts[id.Name]; ok {
		return []string{s}
	}
	return nil
}

// helperParam reports, when stack[i] is a function with parameter param, the name the
// function is called by and the parameter's position.
func helperParam(stack []ast.Node, i int, param string) (string, int) {
	var ft *ast.FuncType
	var name string
	switch fn := stack[i].(type) {
	case *ast.FuncDecl:
		ft, name = fn.Type, fn.Name.Name
	case *ast.FuncLit:
		ft = fn.Type
		if i > 0 {
			if as, ok := stack[i-1].(*ast.AssignStmt); ok && len(as.Lhs) == 1 {
				if lhs, ok := as.Lhs[0].(*ast.Ident); ok {
					name = lhs.Name
				}
			}
		}
	default:
		return "", 0
	}
	pos := 0
	for _, field := range ft.Params.List {
		for _, n := range field.Names {
			if n.Name == param {
				return name, pos
			}
			pos++
		}
	}
	return "", 0
}

// callArgs returns the string literals passed at position idx in the calls to fn in f.
func callArgs(f *ast.File, fn string, idx int) []string {
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || idx >= len(call.Args) {
			return true
		}
		if id, ok := call.Fun.(*ast.Ident); ok && id.Name == fn {
			if s, ok := stringLit(call.Args[idx]); ok {
				out = append(out, s)
			}
		}
		return true
	})
	return out
}
