package main

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runConfig writes lines to dir/in.log and a config whose pipeline reads them once (read mode)
// through processors to outputs; it returns the config's path.
func runConfig(t *testing.T, dir string, lines []string, processors, outputs string) string {
	t.Helper()
	writeFile(t, filepath.Join(dir, "in.log"), strings.Join(lines, "\n")+"\n")
	cfg := filepath.Join(dir, "sluice.yaml")
	writeFile(t, cfg, fmt.Sprintf(`
inputs: {file: {paths: [%q], mode: read}}
%s
%s
runtime: {batch_size: 64, flush_interval: 10ms, shutdown_timeout: 2s}
http: {address: ""}
dead_letter: {path: %q}
`, filepath.Join(dir, "in.log"), processors, outputs, filepath.Join(dir, "dlq")))
	return cfg
}

// deadLettered counts the events in the dead-letter files under dir.
func deadLettered(t *testing.T, dir string) int {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "dlq", "*"))
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		n += strings.Count(string(b), "\n")
	}
	return n
}

// Events a processor hands to the dead letter on purpose are safe but not delivered: the run
// says so in its summary and exits 3.
func TestRunExitDeadLettered(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := runConfig(t, dir, []string{`{"a":1}`, `not json`, `{"a":2}`},
		`processors: {json: {field: message, on_error: dead_letter}}`,
		fmt.Sprintf(`outputs: {file/out: {path: %q}}
pipelines: {main: {inputs: [file], processors: [json], outputs: [file/out]}}`, filepath.Join(dir, "out.ndjson")))
	code, stdout, stderr := runCLI(t, "", "run", "-c", cfg)
	if code != exitDeadLettered {
		t.Fatalf("exit %d, want %d\n%s", code, exitDeadLettered, stderr)
	}
	if !strings.Contains(stderr, "3 input records delivered, 0 not delivered; 1 events dead-lettered") {
		t.Errorf("summary does not count the dead-lettered event:\n%s", stderr)
	}
	if n := deadLettered(t, dir); n != 1 {
		t.Errorf("%d events in the dead letter, want 1", n)
	}
	if stdout != "" {
		t.Errorf("stdout: %q", stdout)
	}
}

// An output that cannot deliver (Elasticsearch unreachable) must not end a read-mode run with
// exit 0 and "events from input records" as if all were well: after shutdown_timeout every
// event is in the dead letter, with the reason, and the exit status says so.
func TestRunExitUndeliverable(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now: every request is refused
	dir := t.TempDir()
	cfg := runConfig(t, dir, []string{"one", "two", "three", "four"}, "",
		fmt.Sprintf(`outputs: {elasticsearch: {hosts: ["http://elastic:s3cret@%s"]}}
pipelines: {main: {inputs: [file], outputs: [elasticsearch]}}`, addr))
	code, _, stderr := runCLI(t, "", "run", "-c", cfg)
	// The output dead-letters what it could not deliver by shutdown_timeout, with the reason.
	if code != exitDeadLettered {
		t.Fatalf("exit %d, want %d\n%s", code, exitDeadLettered, stderr)
	}
	if !strings.Contains(stderr, "4 input records delivered, 0 not delivered; 4 events dead-lettered") {
		t.Errorf("summary:\n%s", stderr)
	}
	if n := deadLettered(t, dir); n != 4 {
		t.Errorf("%d events in the dead letter, want 4", n)
	}
	if strings.Contains(stderr, "s3cret") {
		t.Errorf("the password in the host URL reached the logs:\n%s", stderr)
	}
}
