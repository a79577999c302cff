package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
)

// distributor is a config that routes the lines of a file to two pipelines, errors (which sets
// lane: errors) and rest, both writing to one file.
func distributor(in, out, dlq string) string {
	return fmt.Sprintf(`
inputs:
  file: {paths: [%q], mode: read}
  pipeline/errors: {address: errors}
  pipeline/rest: {address: rest}
processors:
  route:
    routes:
      - {if: 'message contains "ERROR"', outputs: [pipeline/errors]}
    default: [pipeline/rest]
  set/e: {fields: [{field: lane, value: errors}]}
outputs:
  pipeline/errors: {send_to: [errors]}
  pipeline/rest: {send_to: [rest]}
  file: {path: %q}
pipelines:
  distributor: {inputs: [file], processors: [route], outputs: [pipeline/errors, pipeline/rest]}
  errors: {inputs: [pipeline/errors], processors: [set/e], outputs: [file]}
  rest: {inputs: [pipeline/rest], outputs: [file]}
http: {address: ""}
dead_letter: {path: %q}
`, in, out, dlq)
}

// A distributor's pipelines are tested one by one: the route to a pipeline output, and the
// receiving pipeline's processors.
func TestTestCommandPipelineToPipeline(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := write(t, dir, "sluice.yaml", distributor("a.log", "out.ndjson", "dlq")+`
tests:
  - name: routed
    pipeline: distributor
    input: ["a ERROR x", "b ok"]
    expect:
      - routes: [pipeline/errors]
      - routes: [pipeline/rest]
  - name: lane
    pipeline: errors
    input: ["a ERROR x"]
    expect:
      - fields: {lane: errors}
`)
	code, out, errs := runCLI(t, "", "test", "-c", cfg)
	if code != 0 || !strings.Contains(out, "2 passed, 0 failed") {
		t.Errorf("exit %d\n%s\n%s", code, out, errs)
	}
}

// A distributor run end to end: a file routed to two pipelines with their own processors. Every
// line comes out once, changed by its own pipeline, and the summary counts each input record and
// event once, not once per pipeline it crossed (before, 3 lines read as "6 events from 6 input
// records").
func TestRunPipelineToPipeline(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg, log, out := filepath.Join(dir, "sluice.yaml"), filepath.Join(dir, "a.log"), filepath.Join(dir, "out.ndjson")
	writeFile(t, log, "a ERROR x\nb ok\nc ERROR y\n")
	writeFile(t, cfg, distributor(log, out, filepath.Join(dir, "dlq")))
	code, _, stderr := runCLI(t, "", "run", "-c", cfg)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		got = append(got, gjson.Get(line, "lane").Str+" "+gjson.Get(line, "message").Str)
	}
	slices.Sort(got)
	if want := []string{" b ok", "errors a ERROR x", "errors c ERROR y"}; !slices.Equal(got, want) {
		t.Errorf("written %q, want %q", got, want)
	}
	if !strings.Contains(stderr, "sluice: 3 events from 3 input records") ||
		!strings.Contains(stderr, "3 input records delivered, 0 not delivered") {
		t.Errorf("summary:\n%s", stderr)
	}
}

// A reload while lines flow between two pipelines loses none, end to end: the running
// generation drains the sending pipeline into the receiving one before either stops, and the
// new generation resumes from the offsets acknowledged (resending, at most, what was not). The
// drain order itself, for events a source could not resend, is tested in pipeline/runtime
// (TestLinkShutdownOrder).
func TestReloadPipelineToPipeline(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const n = 3000
	var in strings.Builder
	for i := range n {
		fmt.Fprintf(&in, "line %d\n", i)
	}
	log, out := filepath.Join(dir, "a.log"), filepath.Join(dir, "out.ndjson")
	writeFile(t, log, in.String())
	cfg := filepath.Join(dir, "sluice.yaml")
	writeFile(t, cfg, fmt.Sprintf(`
inputs:
  file: {paths: [%q], mode: follow, state_file: %q, batch_size: 8}
  pipeline/down: {address: down}
outputs:
  pipeline/down: {send_to: [down]}
  file: {path: %q}
pipelines:
  up: {inputs: [file], outputs: [pipeline/down]}
  down: {inputs: [pipeline/down], outputs: [file]}
runtime: {batch_size: 8, workers: 1}
http: {address: ""}
dead_letter: {path: %q}
`, log, filepath.Join(dir, "state.json"), out, filepath.Join(dir, "dlq")))
	logs := &syncBuf{written: make(chan struct{}, 1)}
	hup := make(chan os.Signal, 1)
	ctx, cancel := context.WithCancel(context.Background())
	result := make(chan error, 1)
	go func() {
		result <- runReloading(ctx, paths(cfg), logs, hup, nil, func(ctx context.Context) error {
			return runPipelines(ctx, paths(cfg), "off", io.Discard, logs, nil)
		})
	}()
	pipelinetest.Eventually(t, "first lines written", func() bool { return len(written(out)) > 0 })
	hup <- syscall.SIGHUP
	logs.waitFor(t, "config reload: draining")
	pipelinetest.Eventually(t, "every line written", func() bool { return len(written(out)) == n })
	cancel()
	if err := <-result; err != nil {
		t.Fatalf("run: %v\n%s", err, logs.String())
	}
	if got := written(out); len(got) != n {
		t.Errorf("%d distinct lines written, want %d", len(got), n)
	}
}

// written returns the distinct messages in an NDJSON file.
func written(path string) map[string]bool {
	data, _ := os.ReadFile(path)
	seen := map[string]bool{}
	for _, line := range strings.Split(string(data), "\n") {
		if m := gjson.Get(line, "message"); m.Exists() {
			seen[m.Str] = true
		}
	}
	return seen
}
