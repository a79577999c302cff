package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	inputsPart    = "inputs:\n  file:\n    paths: [/var/log/containers/*.log]\n"
	outputsPart   = "outputs:\n  stdout: {}\n"
	pipelinesPart = "pipelines:\n  main:\n    inputs: [file]\n    outputs: [stdout]\n"
)

// Every command that reads a config takes it from several files, a directory, standard input
// or -e, merged into one.
func TestConfigFromAnywhere(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := write(t, dir, "in.yaml", inputsPart)
	out := write(t, dir, "out.yaml", outputsPart)
	confd := filepath.Join(dir, "conf.d")
	if err := os.Mkdir(confd, 0o700); err != nil {
		t.Fatal(err)
	}
	write(t, confd, "10-in.yaml", inputsPart)
	write(t, confd, "20-out.yml", outputsPart)
	write(t, confd, "30-main.yaml", pipelinesPart)
	cases := []struct {
		name, stdin string
		args        []string
	}{
		{name: "files", args: []string{"-c", in, "-c", out, "-c", write(t, dir, "p.yaml", pipelinesPart)}},
		{name: "directory", args: []string{"-c", confd}},
		{name: "stdin", stdin: inputsPart + outputsPart + pipelinesPart, args: []string{"-c", "-"}},
		{name: "inline", args: []string{"-e", inputsPart + outputsPart + pipelinesPart}},
		{name: "mixed", stdin: outputsPart, args: []string{"-c", in, "-c", "-", "-e", pipelinesPart}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runCLI(t, c.stdin, append([]string{"validate"}, c.args...)...)
			if code != 0 || !strings.Contains(stdout, "pipeline main: [file] -> [] -> [stdout]") {
				t.Errorf("validate %q: exit %d\n%s%s", c.args, code, stdout, stderr)
			}
		})
	}
	if code, _, stderr := runCLI(t, "", "validate"); code != 1 || !strings.Contains(stderr, "no config") {
		t.Errorf("no config: exit %d, %s", code, stderr)
	}
}

// A conflict between two files names both files and the key path; any other problem names the
// file it is in.
func TestConfigConflictNamesBothFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := write(t, dir, "a.yaml", inputsPart+outputsPart+pipelinesPart+"runtime: {batch_size: 100}\n")
	b := write(t, dir, "b.yaml", "outputs:\n  stdout: {}\nruntime: {batch_size: 200}\n")
	code, _, stderr := runCLI(t, "", "validate", "-c", a, "-c", b)
	for _, want := range []string{
		fmt.Sprintf("outputs.stdout: declared in both %s and %s", a, b),
		fmt.Sprintf("runtime.batch_size: set to 100 in %s and to 200 in %s", a, b),
	} {
		if code != 1 || !strings.Contains(stderr, want) {
			t.Errorf("exit %d, want %q in:\n%s", code, want, stderr)
		}
	}
	code, _, stderr = runCLI(t, "", "validate", "-c", a, "-e", "log: {level: loud}")
	if want := `-e: log.level: unknown level "loud"`; code != 1 || !strings.Contains(stderr, want) {
		t.Errorf("exit %d, want %q in:\n%s", code, want, stderr)
	}
}

// A config read from standard input leaves none for a stdin input, nor for parse's log lines.
func TestConfigFromStdinLeavesNoEvents(t *testing.T) {
	t.Parallel()
	cfg := "inputs: {stdin: {}}\n" + outputsPart + "pipelines: {main: {inputs: [stdin], outputs: [stdout]}}\n"
	code, _, stderr := runCLI(t, cfg, "run", "-c", "-")
	if code != 1 || !strings.Contains(stderr, "a stdin input would read nothing") {
		t.Errorf("run: exit %d, %s", code, stderr)
	}
	code, _, stderr = runCLI(t, "processors: {parse: {}}\n", "parse", "-c", "-")
	if code != 1 || !strings.Contains(stderr, "name the log files") {
		t.Errorf("parse: exit %d, %s", code, stderr)
	}
}

// sluice test runs the tests of every piece: a directory's *.tests.yaml files, and tests: keys.
func TestTestDirectory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write(t, dir, "10-in.yaml", "inputs:\n  stdin: {}\n")
	write(t, dir, "20-main.yaml", "processors:\n  drop:\n    if: 'message contains \"debug\"'\n"+outputsPart+
		"pipelines:\n  main:\n    inputs: [stdin]\n    processors: [drop]\n    outputs: [stdout]\n")
	write(t, dir, "20-main.tests.yaml", "tests:\n  - name: debug lines are dropped\n    input: [a debug line]\n    expect_dropped: true\n")
	write(t, dir, "30-more.yaml", "tests:\n  - name: others pass\n    input: [an info line]\n    expect: [{fields: {message: an info line}}]\n")
	code, stdout, stderr := runCLI(t, "", "test", "-c", dir)
	if code != 0 || !strings.Contains(stdout, "PASS others pass") {
		t.Errorf("inline tests: exit %d\n%s%s", code, stdout, stderr)
	}
	write(t, dir, "30-more.yaml", "log: {level: info}\n")
	code, stdout, stderr = runCLI(t, "", "test", "-c", dir)
	if code != 0 || !strings.Contains(stdout, "PASS debug lines are dropped") {
		t.Errorf("tests beside: exit %d\n%s%s", code, stdout, stderr)
	}
}

// A directory's tests files run against the whole directory, even one whose config: key names
// its own piece; beside several -c files, a missing tests file is no error.
func TestTestSeveralPieces(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := write(t, dir, "in.yaml", "inputs:\n  stdin: {}\n")
	main := write(t, dir, "main.yaml", outputsPart+"pipelines:\n  main:\n    inputs: [stdin]\n    outputs: [stdout]\n")
	write(t, dir, "main.tests.yaml", "config: main.yaml\ntests:\n  - name: lines pass\n    input: [a line]\n    expect: [{fields: {message: a line}}]\n")
	for _, args := range [][]string{{"-c", dir}, {"-c", in, "-c", main}} {
		code, stdout, stderr := runCLI(t, "", append([]string{"test"}, args...)...)
		if code != 0 || !strings.Contains(stdout, "PASS lines pass") {
			t.Errorf("test %q: exit %d\n%s%s", args, code, stdout, stderr)
		}
	}
}

// The sum a reload compares changes when a file is added to a -c directory.
func TestSumSeesAddedFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write(t, dir, "a.yaml", inputsPart)
	f := paths(dir)
	before, err := f.sum()
	if err != nil {
		t.Fatal(err)
	}
	write(t, dir, "b.yaml", "")
	if after, _ := f.sum(); after == before {
		t.Error("an added empty file left the sum unchanged")
	}
}

// A warning about a merged config names the file that declares the component.
func TestConfigWarningNamesTheFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := write(t, dir, "a.yaml", inputsPart+outputsPart+pipelinesPart)
	b := write(t, dir, "b.yaml", "inputs:\n  stdin: {}\n")
	code, _, stderr := runCLI(t, "", "validate", "-c", a, "-c", b)
	if want := b + ": inputs.stdin: warning: declared but used by no pipeline"; code != 0 || !strings.Contains(stderr, want) {
		t.Errorf("exit %d, want %q in:\n%s", code, want, stderr)
	}
}
