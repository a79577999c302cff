package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
)

// A read-mode run whose Elasticsearch is unreachable writes every line to the dead letter with
// the reason once runtime.shutdown_timeout passes, and exits non-zero. Before, it logged
// "unfinished documents left for resend", exited 0 and the dead letter stayed empty.
func TestRunUnreachableOutputDeadLetters(t *testing.T) {
	t.Parallel()
	addr := pipelinetest.RefusedAddr(t)
	dir := t.TempDir()
	var lines []string
	for i := range 20 {
		lines = append(lines, fmt.Sprintf("2026-11-27T10:15:02.118436512Z stdout F line %d", i))
	}
	writeFile(t, filepath.Join(dir, "a.log"), strings.Join(lines, "\n")+"\n")
	dlq := filepath.Join(dir, "dlq")
	cfg := filepath.Join(dir, "sluice.yaml")
	writeFile(t, cfg, fmt.Sprintf(`
inputs: {file: {paths: [%q], mode: read}}
outputs: {elasticsearch: {hosts: ["http://%s"], retry: {initial_backoff: 10ms, max_backoff: 50ms}}}
pipelines: {main: {inputs: [file], outputs: [elasticsearch]}}
runtime: {flush_interval: 10ms, shutdown_timeout: 1s}
http: {address: ""}
dead_letter: {path: %q}
`, filepath.Join(dir, "*.log"), addr, dlq))
	code, _, stderr := runCLI(t, "", "run", "-c", cfg)
	if code == 0 {
		t.Errorf("exit 0 with every event undelivered\n%s", stderr)
	}
	if !strings.Contains(stderr, "20 documents undelivered at shutdown") {
		t.Errorf("the error does not count the undelivered documents:\n%s", stderr)
	}
	var got []byte
	files, _ := filepath.Glob(filepath.Join(dlq, "*"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, b...)
	}
	if n := bytes.Count(got, []byte("undelivered at shutdown: elasticsearch unreachable")); n != 20 {
		t.Errorf("%d dead-lettered events with the reason, want 20 (files %v):\n%.2000s", n, files, got)
	}
}
