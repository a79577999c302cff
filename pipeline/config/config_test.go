package config

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBadConfigs checks the exact errors each file in configs/testdata gives: every problem,
// each with its key path, sorted by path.
func TestBadConfigs(t *testing.T) {
	t.Parallel()
	cases := map[string][]string{
		"bad_name.bad.yaml": {
			`inputs.stdin/my input: bad name "my input": want letters, digits, '_' or '-' after the type`,
			`pipelines.main.inputs[0]: unknown input "stdin" (declared: none)`,
		},
		"bad_url.bad.yaml": {`outputs.elasticsearch.hosts[1]: not a URL: "es 9200"`},
		"case_clash.bad.yaml": {
			`inputs.file/a: "file/a" and "FILE/A" differ only in case and would merge (keys are case-insensitive): rename one`,
			`pipelines.main: "main" and "Main" differ only in case and would merge (keys are case-insensitive): rename one`,
		},
		"condition_type.bad.yaml": {
			`processors.route.if: condition "1 + 1": gives int, not true or false: compare it (lower(message) contains "cuda")`,
			`processors.route.routes[0].if: condition "message": message is text, not true or false: test it (message contains "CUDA error")`,
		},
		"component_key.bad.yaml": {`inputs.file/vllm.mdoe: unknown key`},
		"duration_unit.bad.yaml": {`runtime.flush_interval: duration 5 needs a unit (e.g. 5s, 500ms)`},
		"env_unset.bad.yaml": {
			`outputs.elasticsearch.hosts[0]: environment variable SLUICE_TEST_UNSET_ES_URL is not set`,
			`outputs.elasticsearch.hosts[0]: not a URL: "${SLUICE_TEST_UNSET_ES_URL}"`,
		},
		"many.bad.yaml": {
			`http.address: not host:port: "9600"`,
			`inputs.file.paths: at least one path is required`,
			`log.format: unknown format "xml" (want json or text)`,
			`log.level: unknown level "loud" (want debug, info, warn or error)`,
			`outputs.elasticsearch.hosts[0]: not a URL: "::"`,
			`pipelines.main.inputs[1]: unknown input "beats" (declared: file)`,
			`pipelines.main.outputs: at least one output is required`,
			`pipelines.main.processors[0]: unknown processor "parse" (declared: none)`,
			`pipelines.main.processors[1]: unknown processor "nope" (declared: none)`,
			`runtime.batch_size: must be between 1 and 1000000, got 0`,
			`runtime.workers: want an integer, got "lots"`,
		},
		"no_pipelines.bad.yaml": {`pipelines: at least one pipeline is required`},
		"not_integer.bad.yaml":  {`runtime.batch_size: want an integer, got 1.5`},
		"not_yaml.bad.yaml":     {`not valid YAML: yaml: line 3: did not find expected node content`},
		"pipelines_list.bad.yaml": {
			`http.pprof: want true or false, got a list [a]`,
			`pipelines: want a map (key: value), got a list [main]`,
		},
		"pipeline_address.bad.yaml": {
			`inputs.pipeline/a.address: required: the name pipeline outputs send to`,
			`outputs.pipeline/out.send_to[1]: "b c" contains white space`,
			`outputs.pipeline/out.send_to[2]: "a" listed twice`,
		},
		"pipeline_loop.bad.yaml": {
			`pipelines: pipelines form a loop through pipeline outputs: a -> b -> a (events would circle forever)`,
		},
		"pipeline_no_receiver.bad.yaml": {
			`outputs.pipeline/out.send_to[1]: no pipeline input receives address "eror" (pipeline "main" sends there; addresses received: errors)`,
		},
		"pipeline_two_receivers.bad.yaml": {
			`inputs.pipeline/b.address: address "shared" is already received by input "pipeline/a" of pipeline "a" (pipeline "b"): one receiver per address`,
		},
		"route_output.bad.yaml": {
			`processors.route.default[0]: output "stdout/logs" is not an output of pipeline "main" (its outputs: stdout)`,
			`processors.route.routes[0].outputs[1]: output "elasticsearch/errors" is not an output of pipeline "main" (its outputs: stdout)`,
		},
		"runtime_bounds.bad.yaml": {
			`runtime.batch_size: must be between 1 and 1000000, got 2000000`,
			`runtime.flush_interval: must be at least 1ms (shorter only wakes the flusher for nothing), got 1ns`,
			`runtime.max_events_in_flight: must be between batch_size (2000000) and 10000000 (it bounds memory), got 99999999999999`,
			`runtime.memory_limit: must be at least 16MiB (or off), got "1MiB"`,
			`runtime.workers: must be between 1 and 1024 (each worker holds memory even idle), got 100000`,
		},
		"memory_limit.bad.yaml": {`runtime.memory_limit: must be auto, off or a size such as 200MiB, got "lots"`},
		"shapes.bad.yaml": {
			`outputs.stdout: want a map of settings (key: value), got a list`,
			`pipelines.main.extra: unknown key`,
			`processors.route.routes: want a list (- item per line, or [a, b]), got a map (key: value)`,
		},
		"shared_input.bad.yaml": {
			`pipelines.b.inputs[0]: input "stdin" already feeds pipeline "a"; declare a second input`,
		},
		"unknown_input.bad.yaml": {`pipelines.main.inputs[0]: unknown input "x" (declared: stdin)`},
		"unknown_key.bad.yaml":   {`runtime.batch_sise: unknown key`},
		"unknown_section.bad.yaml": {
			`pipeline: unknown key`,
			`pipelines: at least one pipeline is required`,
		},
		"unknown_type.bad.yaml": {`inputs.kafak/orders: unknown input type "kafak" (known: file, pipeline, stdin)`},
	}
	files, err := filepath.Glob("../../configs/testdata/*.bad.yaml")
	if err != nil || len(files) != len(cases) {
		t.Fatalf("found %d bad configs, %d cases (%v): every file needs a case", len(files), len(cases), err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		want, ok := cases[name]
		if !ok {
			t.Errorf("%s: no expected errors", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := Load(f, testComponents())
			var errs *Errors
			if !errors.As(err, &errs) {
				t.Fatalf("error %v (%T), want *Errors", err, err)
			}
			var got []string
			for _, e := range errs.List {
				got = append(got, e.Error())
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			if !strings.HasPrefix(err.Error(), f+": ") {
				t.Errorf("message %q does not name the file", err)
			}
		})
	}
}

const good = `
inputs:
  FILE/vllm:
    paths: [/var/log/a.log]
  stdin: {}
processors:
  parse: {}
outputs:
  elasticsearch:
    hosts: ["${ES_URL}"]
    index: "${ES_INDEX:-logs-vllm}"
  stdout:
pipelines:
  main:
    inputs: [file/vllm, stdin]
    processors: [parse]
    outputs: [elasticsearch, stdout]
runtime:
  batch_size: ${BATCH}
  flush_interval: 250ms
dead_letter:
  max_bytes: 64MiB
`

func TestParseGood(t *testing.T) {
	t.Parallel()
	env := map[string]string{"ES_URL": "http://127.0.0.1:9200", "BATCH": "512"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	cfg, err := parseWith([]byte(good), testComponents(), lookup)
	if err != nil {
		t.Fatal(err)
	}
	in, ok := cfg.Inputs["file/vllm"]
	if !ok || in.Type != "file" {
		t.Fatalf("inputs %+v: keys are lowercased", cfg.Inputs)
	}
	if fc := in.Config.(*fileInConfig); fc.Mode != "tail" || fc.Paths[0] != "/var/log/a.log" {
		t.Errorf("file config %+v: want defaults kept and values set", fc)
	}
	es := cfg.Outputs["elasticsearch"].Config.(*esConfig)
	if es.Hosts[0] != "http://127.0.0.1:9200" || es.Index != "logs-vllm" {
		t.Errorf("es config %+v: env not expanded", es)
	}
	r := cfg.Runtime
	if r.BatchSize != 512 || r.FlushInterval != 250*time.Millisecond || r.ShutdownTimeout != 30*time.Second ||
		r.MaxEventsInFlight != 32768 || r.Workers < 1 {
		t.Errorf("runtime %+v", r)
	}
	if cfg.DeadLetter.MaxBytes != 64<<20 || cfg.DeadLetter.Path != "./data/dead_letter/" {
		t.Errorf("dead letter %+v", cfg.DeadLetter)
	}
	if cfg.HTTP.Address != ":9600" || cfg.Log.Format != "json" {
		t.Errorf("http %+v log %+v", cfg.HTTP, cfg.Log)
	}
	if _, ok := cfg.Outputs["stdout"]; !ok {
		t.Error("a component without settings must be kept")
	}
	if u := cfg.Unused(); len(u) != 0 {
		t.Errorf("unused %v", u)
	}
	delete(cfg.Pipelines, "main")
	if u := fmt.Sprint(cfg.Unused()); u != "[inputs.file/vllm inputs.stdin outputs.elasticsearch outputs.stdout processors.parse]" {
		t.Errorf("unused %s", u)
	}
}

// A config may carry its own test cases under tests:, for `sluice test`; loading ignores them.
func TestInlineTestsKeyIsAccepted(t *testing.T) {
	t.Parallel()
	env := map[string]string{"ES_URL": "http://127.0.0.1:9200", "BATCH": "512"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	withTests := good + "\ntests:\n  - name: one\n    input: [\"a line\"]\n"
	if _, err := parseWith([]byte(withTests), testComponents(), lookup); err != nil {
		t.Fatalf("config with inline tests: %v", err)
	}
	// Field names in test cases are case-sensitive map keys: not a clash of config keys.
	caseful := good + "\ntests:\n  - expect: [{fields: {Level: a, level: b}}]\n"
	if _, err := parseWith([]byte(caseful), testComponents(), lookup); err != nil {
		t.Fatalf("tests with field names differing in case: %v", err)
	}
	if _, err := parseWith([]byte(good+"\ntestz: []\n"), testComponents(), lookup); err == nil {
		t.Fatal("an unknown top-level key must still be refused")
	}
}

// One string where a list of strings is meant is a list of one: "paths: x" is the usual slip.
func TestSingleStringIsAList(t *testing.T) {
	t.Parallel()
	cfg, err := Parse([]byte(`
inputs: {file: {paths: /var/log/a.log}}
outputs: {stdout: {}}
pipelines: {main: {inputs: file, outputs: stdout}}
`), testComponents())
	if err != nil {
		t.Fatal(err)
	}
	if p := cfg.Inputs["file"].Config.(*fileInConfig).Paths; fmt.Sprint(p) != "[/var/log/a.log]" {
		t.Errorf("paths %q", p)
	}
	if pl := cfg.Pipelines["main"]; fmt.Sprint(pl.Inputs, pl.Outputs) != "[file] [stdout]" {
		t.Errorf("pipeline %+v", pl)
	}
}

func TestExpand(t *testing.T) {
	t.Parallel()
	env := map[string]string{"A": "x", "EMPTY": ""}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	cases := []struct{ in, want, err string }{
		{in: "plain", want: "plain"},
		{in: "^a.*$", want: "^a.*$"},
		{in: "$1 and $$", want: "$1 and $"},
		{in: "${A}/${A}", want: "x/x"},
		{in: "${B:-def}", want: "def"},
		{in: "${EMPTY:-def}", want: "def"},
		{in: "${EMPTY}", want: ""},
		{in: "${B}", err: "environment variable B is not set"},
		{in: "${A", err: "unterminated"},
	}
	for _, c := range cases {
		got, err := Expand(c.in, lookup)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("Expand(%q) error %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("Expand(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}
