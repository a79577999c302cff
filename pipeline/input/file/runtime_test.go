package file_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/config"
	fileinput "github.com/sluice-dev/sluice/pipeline/input/file"
	fileoutput "github.com/sluice-dev/sluice/pipeline/output/file"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
	"github.com/sluice-dev/sluice/pipeline/runtime"
)

// runOnce runs a file → file pipeline in read mode through the real runtime until it drains.
func runOnce(t *testing.T, dir, out string) {
	t.Helper()
	comps, err := config.NewComponents([]pipeline.InputFactory{fileinput.Factory}, nil,
		[]pipeline.OutputFactory{fileoutput.Factory})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse(fmt.Appendf(nil, `
inputs:
  file:
    paths: [%q]
    mode: read
    batch_size: 64
    state_file: %q
outputs:
  file:
    path: %q
    max_retries: 1
    retry_backoff: 1ms
pipelines:
  main: {inputs: [file], outputs: [file]}
runtime:
  shutdown_timeout: 5s
`, filepath.Join(dir, "*.log"), filepath.Join(dir, "state", "file.json"), out), comps)
	if err != nil {
		t.Fatal(err)
	}
	rt, err := runtime.New(cfg, comps, runtime.Options{Logger: pipelinetest.Logger(t)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), pipelinetest.Timeout)
	defer cancel()
	// The error reports a failed output at shutdown; the test looks at what was written.
	_ = rt.Run(ctx)
}

func countLines(t *testing.T, path string) map[string]int {
	t.Helper()
	seen := map[string]int{}
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return seen
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		seen[sc.Text()[strings.Index(sc.Text(), `"message":`):]]++
	}
	return seen
}

// TestThroughRuntime: file input → runtime → file output, run three times. Acknowledgements
// flow back to the input's state file: a second run sends only what was appended, and a run
// whose output failed commits nothing, so the next run sends those lines.
func TestThroughRuntime(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	log := filepath.Join(dir, "app.log")
	out := filepath.Join(dir, "out", "events.ndjson")
	var sb strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&sb, "line %d\n", i)
	}
	if err := os.WriteFile(log, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	runOnce(t, dir, out)
	if got := countLines(t, out); len(got) != 1000 {
		t.Fatalf("first run wrote %d distinct lines, want 1000", len(got))
	}

	f, err := os.OpenFile(log, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1000; i < 1010; i++ {
		fmt.Fprintf(f, "line %d\n", i)
	}
	f.Close()
	// Make the output fail: its directory becomes a file.
	if err := os.Rename(filepath.Dir(out), filepath.Join(dir, "out.done")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Dir(out), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	runOnce(t, dir, out)
	// Repair it: the appended lines were not delivered, so they come now, and only they.
	if err := os.Remove(filepath.Dir(out)); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(dir, "out.done"), filepath.Dir(out)); err != nil {
		t.Fatal(err)
	}
	runOnce(t, dir, out)
	got := countLines(t, out)
	if len(got) != 1010 {
		t.Fatalf("after the failed and the repaired run: %d distinct lines, want 1010", len(got))
	}
	for l, n := range got {
		if n != 1 {
			t.Errorf("%s written %d times", l, n)
		}
	}
}
