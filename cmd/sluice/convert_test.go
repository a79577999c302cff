package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/parsers/golden"
	"github.com/sluice-dev/sluice/pipeline/config"
)

// TestConvertGolden converts every Logstash pipeline under testdata/convert (real pipelines,
// each with a SOURCE.md), compares the YAML and the notes with the expected files, and loads
// the YAML with the real config loader: a conversion must always validate. -update rewrites
// the expected files.
func TestConvertGolden(t *testing.T) {
	t.Setenv("ES_PASSWORD", "x") // referenced by some pipelines as ${ES_PASSWORD}
	dirs, _ := filepath.Glob("testdata/convert/*")
	if len(dirs) == 0 {
		t.Fatal("no test cases")
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			if _, err := os.Stat(filepath.Join(dir, "SOURCE.md")); err != nil {
				t.Errorf("case %s says nowhere where its pipeline came from (SOURCE.md)", dir)
			}
			res, err := convertFiles([]string{dir}, nil)
			if err != nil {
				t.Fatal(err)
			}
			var notes bytes.Buffer
			for _, n := range res.Notes {
				notes.WriteString(strings.TrimPrefix(n.String(), dir+"/") + "\n")
			}
			golden.File(t, filepath.Join(dir, "expected.yaml"), bytes.ReplaceAll(res.YAML, []byte(dir+"/"), nil))
			golden.File(t, filepath.Join(dir, "expected.notes"), notes.Bytes())
			if _, err := config.Parse(res.YAML, components()); err != nil {
				t.Fatalf("converted config does not validate:\n%v\n%s", err, res.YAML)
			}
		})
	}
}

// TestConvertCLI checks the command: syntax errors name file, line and column and exit 1;
// notes go to stderr and make exit status 2; -o writes the file.
func TestConvertCLI(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.conf")
	os.WriteFile(bad, []byte("input {\n  beats { port => }\n}\n"), 0o644)
	var out, errb bytes.Buffer
	if code := run([]string{"convert", bad}, nil, &out, &errb); code != 1 || !strings.Contains(errb.String(), "bad.conf:2:19: expected a value") {
		t.Fatalf("code %d, stderr %q", code, errb.String())
	}
	good := filepath.Join(dir, "good.conf")
	os.WriteFile(good, []byte("input { stdin {} }\nfilter { if [a] { geoip { source => \"ip\" } } }\noutput { stdout {} }\n"), 0o644)
	yml := filepath.Join(dir, "out.yaml")
	out.Reset()
	errb.Reset()
	if code := run([]string{"convert", good, "-o", yml}, nil, &out, &errb); code != 2 || !strings.Contains(errb.String(), "good.conf:2:19: geoip: not translated") {
		t.Fatalf("code %d, stderr %q", code, errb.String())
	}
	out.Reset()
	src := "input { stdin { } } output { stdout { } }"
	if code := run([]string{"convert", "-"}, strings.NewReader(src), &out, &errb); code != 0 || !strings.Contains(out.String(), "stdin/line1: {}") {
		t.Fatalf("stdin: code %d, out %q", code, out.String())
	}
	b, err := os.ReadFile(yml)
	if err != nil || !strings.Contains(string(b), "#   geoip {") {
		t.Fatalf("output %q, %v", b, err)
	}
	if code := run([]string{"validate", "-c", yml}, nil, &out, &errb); code != 0 {
		t.Fatalf("validate: %s", errb.String())
	}
}

// TestConvertRoutes checks outputs under conditions: a route sends each event to the outputs
// whose conditions hold, and events that match none are dropped, as Logstash sends them nowhere
// (sluice would otherwise send them to every output).
func TestConvertRoutes(t *testing.T) {
	src := `input { stdin { } }
output {
  if "x" in [tags] { stdout { } } else { file { path => "/tmp/o.ndjson" } }
  if [a] == 1 { elasticsearch { hosts => "es:9200" } }
}`
	var out, errb bytes.Buffer
	if code := run([]string{"convert", "-"}, strings.NewReader(src), &out, &errb); code != 0 {
		t.Fatalf("code %d: %s", code, errb.String())
	}
	for _, want := range []string{
		`if: '!(("x" in tags) || (!("x" in tags)) || (field("a") == 1))'`,
		"- if: '!(\"x\" in tags)'\n        outputs: [file/line3]",
		"processors: [drop/unrouted, route/outputs]",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("missing %q in\n%s", want, out.String())
		}
	}
	if _, err := config.Parse(out.Bytes(), components()); err != nil {
		t.Fatal(err)
	}
}

// A pipeline output converted without the pipeline that receives its address is reported and
// kept as a commented block, so the result still validates; a pipeline input is translated.
func TestConvertPipelineOutputAlone(t *testing.T) {
	src := "input { pipeline { address => in } }\noutput {\n  pipeline { send_to => [elsewhere] }\n  stdout { }\n}\n"
	var out, errb bytes.Buffer
	if code := run([]string{"convert", "-"}, strings.NewReader(src), &out, &errb); code != 2 {
		t.Fatalf("code %d: %s", code, errb.String())
	}
	if want := `<stdin>:3:3: pipeline: not translated: no pipeline converted with it receives "elsewhere"`; !strings.Contains(errb.String(), want) {
		t.Errorf("stderr %q, want %q", errb.String(), want)
	}
	for _, want := range []string{"pipeline/line1:\n    address: in", "#   pipeline { send_to => [elsewhere] }", "outputs: [stdout/line4]"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("missing %q in\n%s", want, out.String())
		}
	}
	if _, err := config.Parse(out.Bytes(), components()); err != nil {
		t.Fatal(err)
	}
}

// A pipelines.yml with path.config (a file, and a glob, relative to its directory) becomes one
// sluice pipeline per entry; per-pipeline settings are reported at their line.
func TestConvertPipelinesPathConfig(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "intake.conf", "input { stdin { } }\noutput { pipeline { send_to => [main] } }\n")
	os.Mkdir(filepath.Join(dir, "main.d"), 0o755)
	write(t, dir, "main.d/10-in.conf", "input { pipeline { address => main } }\n")
	write(t, dir, "main.d/20-out.conf", "output { stdout { } }\n")
	write(t, dir, "pipelines.yml", "- pipeline.id: intake\n  path.config: intake.conf\n- pipeline.id: main\n  pipeline.workers: 4\n  path.config: \"main.d/*.conf\"\n")
	var out, errb bytes.Buffer
	if code := run([]string{"convert", dir}, nil, &out, &errb); code != 2 {
		t.Fatalf("code %d: %s", code, errb.String())
	}
	if want := "pipelines.yml:4:3: pipeline.workers: not translated"; !strings.Contains(errb.String(), want) {
		t.Errorf("stderr %q, want %q", errb.String(), want)
	}
	for _, want := range []string{
		"intake:\n    inputs: [stdin/intake-line1]\n    processors: []\n    outputs: [pipeline/intake-line2]",
		"main:\n    inputs: [pipeline/10-in-line1]\n    processors: []\n    outputs: [stdout/20-out-line1]",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("missing %q in\n%s", want, out.String())
		}
	}
	if _, err := config.Parse(out.Bytes(), components()); err != nil {
		t.Fatal(err)
	}
}

// convert --samples adds tests: whose expected events are what the converted pipeline makes of
// the sample lines; `sluice test` then passes on the result as it is, and fails once the
// pipeline is changed to parse differently.
func TestConvertSamplesMakeTests(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "app.conf")
	os.WriteFile(conf, []byte(`input { stdin {} }
filter {
  grok { match => { "message" => "%{IP:client} %{WORD:method} %{URIPATHPARAM:path} %{NUMBER:status:int}" } }
  mutate { lowercase => ["method"] }
}
output { stdout {} }
`), 0o644)
	samples := filepath.Join(dir, "samples.log")
	os.WriteFile(samples, []byte("10.0.0.1 GET /v1/models 200\n10.0.0.2 POST /v1/completions 500\nnot an access line\n"), 0o644)
	out := filepath.Join(dir, "sluice.yaml")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"convert", conf, "--samples", samples, "-o", out}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("convert: exit %d\n%s", code, stderr.String())
	}
	yml, _ := os.ReadFile(out)
	for _, want := range []string{"tests:", "10.0.0.2 POST /v1/completions 500", "method: post", "status: 500", "_grokparsefailure"} {
		if !bytes.Contains(yml, []byte(want)) {
			t.Errorf("converted config lacks %q:\n%s", want, yml)
		}
	}
	stdout.Reset()
	if code := run([]string{"test", "-c", out}, nil, &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), "1 passed, 0 failed") {
		t.Fatalf("sluice test on the result: exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
	// The tests hold the pipeline to what it did: a changed pattern fails them.
	os.WriteFile(out, bytes.Replace(yml, []byte("%{WORD:method}"), []byte("%{WORD:verb}"), 1), 0o644)
	stdout.Reset()
	if code := run([]string{"test", "-c", out}, nil, &stdout, &stderr); code != 1 || !strings.Contains(stdout.String(), "method") {
		t.Fatalf("sluice test after changing the pattern: exit %d\n%s", code, stdout.String())
	}
}
