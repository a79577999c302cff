package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"
)

// instance is a running `sluice run` (runPipelines) with its HTTP endpoint on a free loopback
// port.
type instance struct {
	url  string
	dir  string
	logs *syncBuf
	stop func() // stops it and waits; the test's cleanup calls it too
}

// startInstance runs an instance until the test ends; httpExtra is added to its http section.
func startInstance(t *testing.T, httpExtra string) *instance {
	t.Helper()
	return runInstance(t, func(dir string) string {
		return fmt.Sprintf(`
inputs: {file: {paths: [%q], mode: follow, poll_interval: 10ms}}
processors:
  redact: {patterns: [{builtin: email}]}
outputs: {file: {path: %q}}
pipelines: {main: {inputs: [file], processors: [redact], outputs: [file]}}
runtime: {flush_interval: 10ms}
http: {address: "127.0.0.1:0"%s}
dead_letter: {path: %q}
log: {level: debug}
`, filepath.Join(dir, "*.log"), filepath.Join(dir, "out.ndjson"), httpExtra, filepath.Join(dir, "dlq"))
	})
}

// runInstance runs the config that yaml makes for a fresh directory, which holds an empty
// app.log, until the test ends.
func runInstance(t *testing.T, yaml func(dir string) string) *instance {
	t.Helper()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "sluice.yaml")
	writeFile(t, filepath.Join(dir, "app.log"), "")
	writeFile(t, cfg, yaml(dir))
	logs := &syncBuf{written: make(chan struct{}, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- runPipelines(ctx, paths(cfg), "auto", &syncBuf{written: make(chan struct{}, 1)}, logs, nil)
	}()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			select {
			case <-done:
			case <-time.After(waitTimeout):
				t.Error("instance did not stop")
			}
		})
	}
	t.Cleanup(stop)
	logs.waitFor(t, `"msg":"pipelines running"`)
	m := regexp.MustCompile(`"msg":"http listening","address":"([^"]+)"`).FindStringSubmatch(logs.String())
	if m == nil {
		t.Fatalf("no address in the logs:\n%s", logs.String())
	}
	return &instance{url: "http://" + m[1], dir: dir, logs: logs, stop: stop}
}

// feed appends a line to the instance's log file every few milliseconds until stop is closed,
// so that a client attaching at any moment sees events.
func (in *instance) feed(t *testing.T, line string, stop <-chan struct{}) {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(in.dir, "app.log"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		defer f.Close()
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				_, _ = f.WriteString(line + "\n")
			}
		}
	}()
}

// waitMetric waits until the instance's /metrics has a line that matches the regular expression.
func (in *instance) waitMetric(t *testing.T, expr string) {
	t.Helper()
	re := regexp.MustCompile(expr)
	deadline := time.Now().Add(waitTimeout)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for range tick.C {
		if re.MatchString(get(t, in.url+"/metrics")) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s on /metrics", expr)
		}
	}
}
