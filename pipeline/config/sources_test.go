package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func noEnv(string) (string, bool) { return "", false }

// errorLines loads sources and returns the lines of the error, which must be *Errors.
func errorLines(t *testing.T, srcs ...Source) []string {
	t.Helper()
	_, err := loadAll(srcs, testComponents(), noEnv)
	var errs *Errors
	if !errors.As(err, &errs) {
		t.Fatalf("error %v (%T), want *Errors", err, err)
	}
	return strings.Split(err.Error(), "\n")
}

func wantLines(t *testing.T, got []string, want ...string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func src(name, data string) Source { return Source{Name: name, Data: []byte(data)} }

// A config split over files is read as one: components, pipelines and settings of every file.
func TestLoadAllMerges(t *testing.T) {
	t.Parallel()
	cfg, err := loadAll([]Source{
		src("10-inputs.yaml", "inputs: {file/vllm: {paths: [/a.log]}}\nruntime: {batch_size: 512}\n"),
		src("20-outputs.yaml", "outputs: {stdout: {}}\nruntime: {batch_size: 512, workers: 3}\n"),
		src("-e", "pipelines: {main: {inputs: [file/vllm], outputs: [stdout]}}\nlog: {level: debug}\n"),
	}, testComponents(), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := cfg.Inputs["file/vllm"]; !ok {
		t.Errorf("inputs %v", cfg.Inputs)
	}
	if _, ok := cfg.Outputs["stdout"]; !ok {
		t.Errorf("outputs %v", cfg.Outputs)
	}
	if cfg.Runtime.BatchSize != 512 || cfg.Runtime.Workers != 3 || cfg.Log.Level != "debug" {
		t.Errorf("runtime %+v log %+v", cfg.Runtime, cfg.Log)
	}
}

// The same component, pipeline or setting in two files is an error naming both files and the
// key path; nothing silently wins by the order of file names.
func TestLoadAllConflicts(t *testing.T) {
	t.Parallel()
	got := errorLines(t,
		src("a.yaml", "inputs: {stdin: {}}\nruntime: {batch_size: 512}\npipelines: {main: {inputs: [stdin], outputs: [stdout]}}\n"),
		src("b.yaml", "inputs: {stdin: {}}\nruntime: {batch_size: 1024}\noutputs: {stdout: {}}\n"+
			"pipelines: {Main: {inputs: [stdin], outputs: [stdout]}}\n"))
	wantLines(t, got,
		`inputs.stdin: declared in both a.yaml and b.yaml`,
		`pipelines.main: declared in both a.yaml and b.yaml`,
		`runtime.batch_size: set to 512 in a.yaml and to 1024 in b.yaml`)
}

// Every other problem names the file it is in: the one declaring the component or pipeline.
func TestLoadAllNamesTheFile(t *testing.T) {
	t.Parallel()
	got := errorLines(t,
		src("in.yaml", "inputs: {file: {}}\nlog: {level: loud}\n"),
		src("out.yaml", "outputs: {elasticsearch: {hosts: [x]}}\npipelines: {main: {inputs: [file, nope], outputs: [elasticsearch]}}\n"),
		src("bad.yaml", "runtime: [\n"))
	wantLines(t, got,
		`bad.yaml: not valid YAML: yaml: line 1: did not find expected node content`)
	got = errorLines(t,
		src("in.yaml", "inputs: {file: {}}\nlog: {level: loud}\n"),
		src("out.yaml", "outputs: {elasticsearch: {hosts: [x]}}\npipelines: {main: {inputs: [file, nope], outputs: [elasticsearch]}}\n"))
	wantLines(t, got,
		`in.yaml: inputs.file.paths: at least one path is required`,
		`in.yaml: log.level: unknown level "loud" (want debug, info, warn or error)`,
		`out.yaml: outputs.elasticsearch.hosts[0]: not a URL: "x"`,
		`out.yaml: pipelines.main.inputs[1]: unknown input "nope" (declared: file)`)
}

// A directory is its *.yaml and *.yml files in name order; tests files, hidden files and
// subdirectories are not config.
func TestReadPathDirectory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files := map[string]string{
		"20-out.yml":         "outputs: {stdout: {}}\n",
		"10-in.yaml":         "inputs: {stdin: {}}\n",
		"30-main.yaml":       "pipelines: {main: {inputs: [stdin], outputs: [stdout]}}\n",
		"30-main.tests.yaml": "tests: []\nconfig: 30-main.yaml\n",
		".10-in.yaml.swp":    "not yaml: [",
		".hidden.yaml":       "not yaml: [",
		"README.md":          "# notes",
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "sub.yaml"), 0o700); err != nil {
		t.Fatal(err)
	}
	srcs, err := ReadPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range srcs {
		names = append(names, filepath.Base(s.Name))
	}
	if got := strings.Join(names, " "); got != "10-in.yaml 20-out.yml 30-main.yaml" {
		t.Errorf("files %s", got)
	}
	if _, err := Load(dir, testComponents()); err != nil {
		t.Errorf("load directory: %v", err)
	}
	if _, err := ReadPath(t.TempDir()); err == nil || !strings.Contains(err.Error(), "no *.yaml or *.yml file") {
		t.Errorf("empty directory: %v", err)
	}
}

// Test cases of several files are all kept.
func TestLoadAllKeepsEveryFilesTests(t *testing.T) {
	t.Parallel()
	m := merger{tree: map[string]any{}, from: map[string]string{}}
	var p problems
	for _, s := range []Source{src("a", "tests: [{name: one}]\n"), src("b", "tests: [{name: two}]\n")} {
		raw, _ := readTree(s.Data, noEnv)
		m.add(raw, s.Name, &p)
	}
	if tests, _ := m.tree["tests"].([]any); len(tests) != 2 || len(p) != 0 {
		t.Errorf("tests %v, problems %v", m.tree["tests"], p)
	}
}

// Every setting of the fixed sections has its line in `sluice config defaults`: a setting added
// without one fails here.
func TestFixedSectionsDescribeEverySetting(t *testing.T) {
	d := Defaults()
	for _, sec := range []any{&d.Runtime, &d.HTTP, &d.DeadLetter, &d.Log, &d.Reload} {
		docs := sec.(SettingDocs).SettingDocs()
		typ := reflect.TypeOf(sec).Elem()
		for i := range typ.NumField() {
			key := typ.Field(i).Tag.Get("mapstructure")
			if key != "" && docs[key] == "" {
				t.Errorf("%s.%s has no description in SettingDocs", typ.Name(), key)
			}
		}
	}
}
