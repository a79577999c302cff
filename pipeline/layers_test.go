package pipeline_test

import (
	"bufio"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// under reports whether pkg (a path inside the module) is dir or a package below it.
func under(pkg, dir string) bool { return pkg == dir || strings.HasPrefix(pkg, dir+"/") }

// underAny reports whether pkg is at or under one of dirs.
func underAny(pkg string, dirs ...string) bool {
	for _, d := range dirs {
		if under(pkg, d) {
			return true
		}
	}
	return false
}

// layerRule forbids some imports to some packages. Paths are inside the module ("pipeline/event");
// an import from outside the module is passed with its full path and std set for the standard
// library.
type layerRule struct {
	name    string
	applies func(pkg string) bool
	forbids func(imp string, inModule, std bool) bool
}

// layers are the directions imports must keep (CONVENTIONS.md, "Layout"): one way down, from
// cmd through the components to the contracts and the event model. Each rule says why.
var layers = []layerRule{
	{
		// pipeline/ holds the contracts, the event model, the runtime and the inputs and
		// outputs. Parsers and processors build on it; if it imported them, every input would
		// pull in every log format (kafka imported parsers/json for one helper), and a cycle
		// would be one edit away. What both need lives in pipeline (eventjson, field names).
		name:    "pipeline/ imports no parsers/, processors/, cmd/ or benchmarks/",
		applies: func(pkg string) bool { return under(pkg, "pipeline") },
		forbids: func(imp string, in, _ bool) bool {
			return in && underAny(imp, "parsers", "processors", "cmd", "benchmarks")
		},
	},
	{
		// The inputs and outputs get their parsers nowhere but through the parse processor the
		// config names; an input that parsed lines itself would do it whatever the config says.
		// (The rule above covers it; it is kept on its own so that its reason stays written.)
		name: "pipeline/input and pipeline/output import no parsers/",
		applies: func(pkg string) bool {
			return underAny(pkg, "pipeline/input", "pipeline/output")
		},
		forbids: func(imp string, in, _ bool) bool { return in && under(imp, "parsers") },
	},
	{
		// Inputs and outputs do not reach into each other or into the runtime: the runtime
		// calls them through the contracts in pipeline/, and an input that imported an output
		// (or the runtime) could not be built, tested or replaced on its own.
		name:    "pipeline/input/* import no output and not the runtime",
		applies: func(pkg string) bool { return under(pkg, "pipeline/input") },
		forbids: func(imp string, in, _ bool) bool {
			return in && underAny(imp, "pipeline/output", "pipeline/runtime")
		},
	},
	{
		// The same, from the other end.
		name:    "pipeline/output/* import no input and not the runtime",
		applies: func(pkg string) bool { return under(pkg, "pipeline/output") },
		forbids: func(imp string, in, _ bool) bool {
			return in && underAny(imp, "pipeline/input", "pipeline/runtime")
		},
	},
	{
		// The event model is the leaf every package shares and the hot path's data structure:
		// it imports only the standard library, so that nothing it depends on can import it
		// back, and its cost is all in sight.
		name:    "pipeline/event imports only the standard library",
		applies: func(pkg string) bool { return pkg == "pipeline/event" },
		forbids: func(_ string, _, std bool) bool { return !std },
	},
	{
		// The event's helper packages (eventjson) sit just above it: they may use libraries
		// (gjson) but no sluice package but the event, so any component can use them.
		name:    "pipeline/event/* import no sluice package outside pipeline/event",
		applies: func(pkg string) bool { return strings.HasPrefix(pkg, "pipeline/event/") },
		forbids: func(imp string, in, _ bool) bool { return in && !under(imp, "pipeline/event") },
	},
	{
		// A parser turns one line into fields: it needs the event and nothing of the runtime,
		// config or components, so that it runs the same in the parse processor, in `sluice
		// parse` and in a benchmark.
		name:    "parsers/ import from pipeline/ only pipeline/event",
		applies: func(pkg string) bool { return under(pkg, "parsers") },
		forbids: func(imp string, in, _ bool) bool {
			return in && under(imp, "pipeline") && !under(imp, "pipeline/event")
		},
	},
	{
		// Parsers are the libraries the parse processor runs; a parser that imported a processor
		// would tie the format to one way of running it.
		name:    "parsers/ import no processors/ or cmd/",
		applies: func(pkg string) bool { return under(pkg, "parsers") },
		forbids: func(imp string, in, _ bool) bool { return in && underAny(imp, "processors", "cmd") },
	},
	{
		// Only cmd assembles a build: components.go is the one list of components, and the
		// parsers' list (parsers/builtin) is handed down from there like every other factory.
		// A component importing the list would fix which parsers every build has.
		name:    "only cmd/ imports parsers/builtin",
		applies: func(pkg string) bool { return !under(pkg, "cmd") && !under(pkg, "parsers/builtin") },
		forbids: func(imp string, in, _ bool) bool { return in && under(imp, "parsers/builtin") },
	},
	{
		// cmd is the top: the CLI and the component list. Nothing below it may import it, or
		// a component would depend on the binary that lists it.
		name:    "nothing outside cmd/ imports cmd/",
		applies: func(pkg string) bool { return !under(pkg, "cmd") },
		forbids: func(imp string, in, _ bool) bool { return in && under(imp, "cmd") },
	},
}

// TestLayers reads the imports of every non-test Go file of the module with go/parser (no go
// tool, no build) and checks them against layers.
func TestLayers(t *testing.T) {
	t.Parallel()
	root, module := moduleRoot(t)
	imports := moduleImports(t, root)
	if len(imports) < 50 {
		t.Fatalf("read the imports of %d packages under %s: the walk is broken", len(imports), root)
	}
	pkgs := make([]string, 0, len(imports))
	for p := range imports {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	for _, r := range layers {
		for _, pkg := range pkgs {
			if !r.applies(pkg) {
				continue
			}
			for imp, file := range imports[pkg] {
				rel, in := strings.CutPrefix(imp, module+"/")
				if imp == module {
					rel, in = "", true
				}
				if !in {
					rel = imp
				}
				if r.forbids(rel, in, isStd(imp)) {
					t.Errorf("%s: imports %s, but %s", file, imp, r.name)
				}
			}
		}
	}
}

// moduleRoot finds go.mod above the test's directory and returns its directory and module path.
func moduleRoot(t *testing.T) (string, string) {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		f, err := os.Open(filepath.Join(dir, "go.mod"))
		if err == nil {
			defer f.Close()
			sc := bufio.NewScanner(f)
			for sc.Scan() {
				if m, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "module "); ok {
					return dir, strings.Trim(strings.TrimSpace(m), `"`)
				}
			}
			t.Fatalf("%s/go.mod: no module line", dir)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
}

// moduleImports returns, by package directory inside the module, each import path of its
// non-test files with one file that imports it. Directories Go ignores (testdata, _ and .
// prefixes) and nested modules are skipped.
func moduleImports(t *testing.T, root string) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".") ||
				strings.HasPrefix(name, "_") || fileExists(filepath.Join(path, "go.mod"))) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		pkg := filepath.ToSlash(filepath.Dir(rel))
		if out[pkg] == nil {
			out[pkg] = map[string]string{}
		}
		for _, s := range f.Imports {
			imp, err := strconv.Unquote(s.Path.Value)
			if err != nil {
				return err
			}
			out[pkg][imp] = filepath.ToSlash(rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// isStd reports whether imp is in the standard library: its first element has no dot, as
// every module path outside it has.
func isStd(imp string) bool {
	first, _, _ := strings.Cut(imp, "/")
	return !strings.Contains(first, ".")
}
