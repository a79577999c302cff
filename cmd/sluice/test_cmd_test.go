package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/config"
)

// The example configs' own test cases pass.
func TestExampleConfigTests(t *testing.T) {
	t.Parallel()
	for _, f := range []string{"../../configs/vllm-gpu-k8s.yaml", "../../configs/kafka-indexer.yaml", "../../configs/distributor.yaml"} {
		code, out, errs := runCLI(t, "", "test", "-c", f)
		if code != 0 || strings.Contains(out, "FAIL") || !strings.Contains(out, "0 failed") {
			t.Errorf("%s: exit %d\n%s\n%s", f, code, out, errs)
		}
	}
}

const miniConfig = `
inputs:
  stdin: {}
processors:
  kv: {}
  drop:
    if: 'level == "debug"'
  convert:
    fields: [{field: code, type: integer}]
    on_error: dead_letter
outputs:
  stdout: {}
pipelines:
  main:
    inputs: [stdin]
    processors: [kv, drop, convert]
    outputs: [stdout]
`

func write(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestTestCommand(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, config, tests string
		code                int
		want                []string
	}{
		{"inline tests pass", miniConfig + `
tests:
  - name: kv pairs
    input: ["level=info code=200 msg=ok"]
    expect:
      - fields: {level: info, code: 200, msg: {matches: "^o"}, missing: null, message: {contains: "code=200"},
                 other: {exists: false}}
  - name: debug dropped
    input: ["level=debug code=1"]
    expect_dropped: true
  - name: bad code dead-lettered
    input: ["level=info code=abc"]
    expect: []
    expect_dead_lettered: 1
`, "", 0, []string{"PASS kv pairs", "PASS debug dropped", "PASS bad code dead-lettered", "3 passed, 0 failed"}},
		{"beside file with a failure", miniConfig, `
tests:
  - name: wrong
    input: ["level=info code=200"]
    expect:
      - fields: {level: warn, code: "200", message: {contains: nope}, msg: {exists: true}}
        tags: [x]
`, 1, []string{"FAIL wrong", `level: want "warn", got "info" (string)`, `code: want "200", got 200 (int)`,
			`message: want contains "nope", got "level=info code=200" (string)`, "msg: want exists true, got false",
			`tags: want "x"`, "got event 1: {", "0 passed, 1 failed"}},
		{"outputs checked", miniConfig, `
tests:
  - name: delivered to stdout
    input: ["level=info"]
    expect: [{outputs: [stdout]}]
  - name: wrong output
    input: ["level=info"]
    expect: [{outputs: [file/x]}]
`, 1, []string{"PASS delivered to stdout", "FAIL wrong output", `outputs: want ["file/x"], got ["stdout"]`}},
		{"count mismatch", miniConfig, `
tests:
  - input: ["level=info", "level=info"]
    expect: [{fields: {level: info}}]
`, 1, []string{"FAIL case 1", "want 1 event(s), got 2"}},
		{"unknown key in tests", miniConfig, "tests:\n  - name: x\n    inputs: [a]\n", 1, []string{"field inputs not found"}},
		{"no tests", miniConfig, "", 1, []string{"no tests"}},
	}
	for _, tc := range cases {
		dir := t.TempDir()
		cfg := write(t, dir, "p.yaml", tc.config)
		if tc.tests != "" {
			write(t, dir, "p.tests.yaml", tc.tests)
		}
		code, out, errs := runCLI(t, "", "test", "-c", cfg)
		all := out + errs
		if code != tc.code {
			t.Errorf("%s: exit %d, want %d\n%s", tc.name, code, tc.code, all)
		}
		for _, w := range tc.want {
			if !strings.Contains(all, w) {
				t.Errorf("%s: output lacks %q\n%s", tc.name, w, all)
			}
		}
	}
}

// A pattern or expression that does not compile fails at load, naming its key.
func TestTestCommandBadProcessorConfig(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := write(t, dir, "p.yaml", strings.Replace(miniConfig, `if: 'level == "debug"'`, `if: 'level =='`, 1)+
		"tests:\n  - input: [a]\n    expect_dropped: true\n")
	code, _, errs := runCLI(t, "", "test", "-c", cfg)
	if code != 1 || !strings.Contains(errs, "processors.drop") {
		t.Errorf("exit %d\n%s", code, errs)
	}
}

// Every processor README's sample config loads, validates and creates its processor.
func TestProcessorReadmeSamples(t *testing.T) {
	t.Parallel()
	readmes, _ := filepath.Glob("../../processors/*/README.md")
	tested := 0
	for _, f := range readmes {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		_, rest, ok := strings.Cut(string(data), "```yaml\n")
		if !ok {
			continue
		}
		sample, _, _ := strings.Cut(rest, "```")
		if !strings.HasPrefix(sample, "processors:") {
			continue
		}
		tested++
		var ids []string
		for _, l := range strings.Split(sample, "\n") {
			if strings.HasPrefix(l, "  ") && !strings.HasPrefix(l, "   ") && strings.HasSuffix(l, ":") {
				ids = append(ids, strings.TrimSuffix(strings.TrimSpace(l), ":"))
			}
		}
		cfgText := "inputs:\n  stdin: {}\noutputs:\n  stdout: {}\n  elasticsearch/logs: {}\n  elasticsearch/errors: {}\n  elasticsearch/gpu: {}\n" +
			sample + "\npipelines:\n  main:\n    inputs: [stdin]\n    processors: [" + strings.Join(ids, ", ") +
			"]\n    outputs: [stdout, elasticsearch/logs, elasticsearch/errors, elasticsearch/gpu]\n"
		c, _ := withStandIns(components(), []config.Source{{Name: f, Data: []byte(cfgText)}})
		cfg, err := config.Parse([]byte(cfgText), c)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		for _, id := range ids {
			comp := cfg.Processors[id]
			if _, err := c.Processors[comp.Type].Create(pipeline.Settings{ID: id}, comp.Config); err != nil {
				t.Errorf("%s: create %s: %v", f, id, err)
			}
		}
	}
	if tested < 19 {
		t.Errorf("only %d README samples tested", tested)
	}
}

// sluice validate compiles every pattern and expression of the processors: a mistake fails at
// load, naming the processor, never later on the first event.
func TestValidateCompilesProcessors(t *testing.T) {
	t.Parallel()
	bad := map[string]string{
		"grok":      "patterns: ['%{NO_SUCH_PATTERN:x}']",
		"dissect":   "pattern: '%{a}%{b}'",
		"date":      "formats: ['yyyy-qq']",
		"redact":    "patterns: [{name: x, regex: '(('}]",
		"route":     "routes: [{if: 'level ==', outputs: [stdout]}]",
		"multiline": "pattern: '['",
		"sample":    "keep_if: 'a &&'",
		"kv":        "if: 'message matches \"(\"'",
	}
	for typ, body := range bad {
		dir := t.TempDir()
		cfg := write(t, dir, "p.yaml", "inputs:\n  stdin: {}\noutputs:\n  stdout: {}\nprocessors:\n  "+typ+"/x:\n    "+body+
			"\npipelines:\n  main:\n    inputs: [stdin]\n    processors: ["+typ+"/x]\n    outputs: [stdout]\n")
		code, _, errs := runCLI(t, "", "validate", "-c", cfg)
		if code != 1 || !strings.Contains(errs, "processors."+typ+"/x") {
			t.Errorf("%s: exit %d\n%s", typ, code, errs)
		}
	}
}
