package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestProgressLine(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	start := progressSample{at: t0, files: 4, bytes: 4 << 30}
	for _, c := range []struct {
		name string
		cur  progressSample
		want string
	}{
		{"at start", start, "read 0/4 files, 0 B of 4.0 GiB (0%), 0 events delivered"},
		{"a quarter in 10 s", progressSample{at: t0.Add(10 * time.Second), files: 4, filesDone: 1, bytes: 4 << 30,
			bytesDone: 1 << 30, events: 2e6},
			"read 1/4 files, 1.0 GiB of 4.0 GiB (25%), 2000000 events delivered, 102.4 MiB/s, 200000 events/s, 30s left"},
		{"files grew past the plan", progressSample{at: t0.Add(time.Minute), files: 4, filesDone: 4, bytes: 4 << 30,
			bytesDone: 5 << 30, events: 9e6},
			"read 4/4 files, 5.0 GiB of 4.0 GiB (100%), 9000000 events delivered, 85.3 MiB/s, 150000 events/s, done"},
		{"nothing read yet", progressSample{at: t0.Add(time.Second), files: 4, bytes: 4 << 30},
			"read 0/4 files, 0 B of 4.0 GiB (0%), 0 events delivered, 0 B/s, 0 events/s"},
		{"no files", progressSample{at: t0.Add(time.Second)}, "read 0/0 files, 0 B of 0 B (100%), 0 events delivered, 0 B/s, 0 events/s, done"},
	} {
		s := start
		if c.name == "no files" {
			s = progressSample{at: t0}
		}
		if got := progressLine(s, c.cur); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
	}
}

// readConfig writes a config that reads two files in mode read into a file output.
func readConfig(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	var lines []string
	for i := range 300 {
		lines = append(lines, fmt.Sprintf("line %d", i))
	}
	writeFile(t, filepath.Join(dir, "a.log"), strings.Join(lines[:200], "\n")+"\n")
	writeFile(t, filepath.Join(dir, "b.log"), strings.Join(lines[200:], "\n")+"\n")
	cfg := filepath.Join(dir, "sluice.yaml")
	writeFile(t, cfg, fmt.Sprintf(`
inputs: {file: {paths: [%q], mode: read}}
outputs: {file: {path: %q}}
pipelines: {main: {inputs: [file], outputs: [file]}}
runtime: {flush_interval: 10ms}
http: {address: ""}
dead_letter: {path: %q}
`, filepath.Join(dir, "*.log"), filepath.Join(dir, "out.ndjson"), filepath.Join(dir, "dlq")))
	return cfg
}

// Progress is for people at a terminal: with stderr not one (a log, CI) a run prints none
// unless asked, and then plain lines ending with the finished count.
func TestProgressQuietWhenNotATerminal(t *testing.T) {
	t.Parallel()
	cfg := readConfig(t)
	for _, c := range []struct {
		flags []string
		want  string // "" for no progress
	}{
		{nil, ""},
		{[]string{"--progress", "off"}, ""},
		{[]string{"--progress", "on"}, "read 2/2 files, 2.5 KiB of 2.5 KiB (100%), 300 events delivered"},
	} {
		code, _, stderr := runCLI(t, "", append([]string{"run", "-c", cfg}, c.flags...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d\n%s", c.flags, code, stderr)
		}
		if strings.Contains(stderr, "\r") || strings.Contains(stderr, "\x1b[") {
			t.Errorf("%v: terminal control characters on a non-terminal:\n%q", c.flags, stderr)
		}
		has := strings.Contains(stderr, "read 2/2 files")
		if c.want == "" && (has || strings.Contains(stderr, "files, ")) {
			t.Errorf("%v: progress on a non-terminal:\n%s", c.flags, stderr)
		}
		if c.want != "" && !strings.Contains(stderr, c.want) {
			t.Errorf("%v: no %q in\n%s", c.flags, c.want, stderr)
		}
	}
	if code, _, stderr := runCLI(t, "", "run", "-c", cfg, "--progress", "maybe"); code != 1 || !strings.Contains(stderr, "--progress: want auto, on or off") {
		t.Errorf("--progress maybe: exit %d\n%s", code, stderr)
	}
}

// On a terminal a log line clears the progress line and the progress line comes back after it.
func TestProgressKeepsLogsReadable(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	p := &progress{w: &b, tty: true}
	p.show("read 1/2 files", false)
	_, _ = p.Write([]byte(`{"msg":"input finished"}` + "\n"))
	p.show("read 2/2 files", true)
	_, _ = p.Write([]byte(`{"msg":"stopped"}` + "\n"))
	want := "\r\x1b[Kread 1/2 files" + "\r\x1b[K" + `{"msg":"input finished"}` + "\nread 1/2 files" +
		"\r\x1b[Kread 2/2 files\n" + `{"msg":"stopped"}` + "\n"
	if b.String() != want {
		t.Errorf("got  %q\nwant %q", b.String(), want)
	}
}
