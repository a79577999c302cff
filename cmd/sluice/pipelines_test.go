package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tidwall/gjson"
)

// A distributor run end to end: a file routed to two pipelines with their own processors. Every
// line comes out once, changed by its own pipeline, and the summary counts each input record and
// event once, not once per pipeline it crossed (before, 3 lines read as "6 events from 6 input
// records").
func TestRunPipelineToPipeline(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg, log, out := filepath.Join(dir, "sluice.yaml"), filepath.Join(dir, "a.log"), filepath.Join(dir, "out.ndjson")
	writeFile(t, log, "a ERROR x\nb ok\nc ERROR y\n")
	writeFile(t, cfg, `
inputs:
  file: {paths: [`+log+`], mode: read}
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
  file: {path: `+out+`}
pipelines:
  distributor: {inputs: [file], processors: [route], outputs: [pipeline/errors, pipeline/rest]}
  errors: {inputs: [pipeline/errors], processors: [set/e], outputs: [file]}
  rest: {inputs: [pipeline/rest], outputs: [file]}
http: {address: ""}
dead_letter: {path: `+filepath.Join(dir, "dlq")+`}
`)
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
