package check

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pipeline/config"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
)

// TestBadFiles loads every testdata/*.bad.yaml and wants the error its first line names,
// prefixed with the file's name.
func TestBadFiles(t *testing.T) {
	t.Parallel()
	pipelinetest.BadFiles(t, func(path string) error {
		_, err := Load(path)
		if err != nil && !strings.HasPrefix(err.Error(), path+": ") {
			t.Errorf("error does not name the file: %v", err)
		}
		return err
	})
}

func TestParseFillsDefaultsAndEnvironment(t *testing.T) {
	t.Parallel()
	lookup := func(k string) (string, bool) { return map[string]string{"BROKER": "kafka:9092"}[k], k == "BROKER" }
	f, err := Parse([]byte(`
timeout: 3s
checks:
  - name: broker
    kind: tcp
    address: ${BROKER}
  - name: slow
    kind: tcp
    section: Kafka
    address: kafka:9093
    timeout: 30s
    severity: warn
    depends_on: [broker]
`), lookup)
	if err != nil {
		t.Fatal(err)
	}
	a, b := f.Checks[0], f.Checks[1]
	if a.Probe.(*TCP).Address != "kafka:9092" || a.Timeout != 3*time.Second || a.Section != "Network" || a.Warn {
		t.Errorf("first check: %+v %+v", a, a.Probe)
	}
	if b.Timeout != 30*time.Second || b.Section != "Kafka" || !b.Warn || b.DependsOn[0] != "broker" {
		t.Errorf("second check: %+v", b)
	}
}

// TestShippedFiles keeps the checks files in configs/ loadable.
func TestShippedFiles(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob("../../../../configs/checks/*.yaml")
	if len(files) == 0 {
		t.Fatal("no configs/checks/*.yaml")
	}
	for _, f := range files {
		if _, err := Load(f); err != nil {
			t.Errorf("%v", err)
		}
	}
}

// TestReadmeExamples loads every YAML block of the README: what it shows is what sluice takes.
func TestReadmeExamples(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllSubmatch(readme, -1)
	if len(blocks) < 2 {
		t.Fatalf("%d YAML blocks in README.md", len(blocks))
	}
	env := func(k string) (string, bool) { return "meta-llama/Llama-3.1-8B-Instruct", k == "VLLM_MODEL" }
	for i, b := range blocks {
		if _, err := Parse(b[1], env); err != nil {
			t.Errorf("README block %d: %v", i+1, err)
		}
	}
}

// Several checks files are one list: a check may depend on one of an earlier file, a name is
// declared once in all of them, and every problem names its file.
func TestLoadAllFiles(t *testing.T) {
	t.Parallel()
	a := config.Source{Name: "10-net.yaml", Data: []byte("timeout: 3s\nchecks:\n  - {name: broker, kind: tcp, address: 'kafka:9092'}\n")}
	b := config.Source{Name: "20-kafka.yaml", Data: []byte("checks:\n  - {name: slow, kind: tcp, address: 'kafka:9093', depends_on: [broker]}\n")}
	f, err := LoadAll([]config.Source{a, b})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Checks) != 2 || f.Checks[0].Timeout != 3*time.Second || f.Checks[1].Timeout != DefaultTimeout ||
		f.Checks[1].File != "20-kafka.yaml" {
		t.Errorf("checks %+v", f.Checks)
	}
	dup := config.Source{Name: "30-dup.yaml", Data: []byte("checks:\n  - {name: broker, kind: tcp, address: 'kafka:9092', depends_on: [nope]}\n")}
	_, err = LoadAll([]config.Source{a, dup})
	want := "30-dup.yaml: checks[0].name: \"broker\" is declared twice (first in 10-net.yaml)\n" +
		"30-dup.yaml: checks[0].depends_on[0]: no check \"nope\" declared above this one"
	if err == nil || err.Error() != want {
		t.Errorf("error:\n%v\nwant:\n%s", err, want)
	}
}
