package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pipeline/config"
	"github.com/sluice-dev/sluice/pipeline/runtime"
)

const reloadConfig = "inputs:\n  file:\n    paths: [/var/log/containers/*.log]\noutputs:\n  stdout: {}\npipelines:\n  main:\n    inputs: [file]\n    outputs: [stdout]\n"

// automatic turns on watching the file, polled often so the test does not wait.
const automatic = "reload:\n  automatic: true\n  interval: 100ms\n"

// waitTimeout bounds waits for conditions; generous, so a busy machine does not fail the tests.
const waitTimeout = time.Minute

// syncBuf collects log output and signals every write.
type syncBuf struct {
	mu      sync.Mutex
	b       bytes.Buffer
	written chan struct{}
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case s.written <- struct{}{}:
	default:
	}
	return s.b.Write(p)
}

// waitFor waits until the output contains sub.
func (s *syncBuf) waitFor(t *testing.T, sub string) {
	t.Helper()
	timeout := time.After(waitTimeout)
	for !strings.Contains(s.String(), sub) {
		select {
		case <-s.written:
		case <-timeout:
			t.Fatalf("no %q in the log:\n%s", sub, s.String())
		}
	}
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestRunReloading(t *testing.T) {
	t.Parallel()
	file := write(t, t.TempDir(), "sluice.yaml", reloadConfig+automatic)
	logs := &syncBuf{written: make(chan struct{}, 1)}
	hup := make(chan os.Signal, 1)
	starts := make(chan int, 10)
	stops := make(chan int, 10)
	gen := 0
	run := func(ctx context.Context) error {
		gen++
		g := gen
		starts <- g
		<-ctx.Done()
		stops <- g
		return nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	result := make(chan error, 1)
	go func() { result <- runReloading(ctx, paths(file), logs, hup, nil, run) }()
	expect := func(ch chan int, want int, what string) {
		t.Helper()
		select {
		case g := <-ch:
			if g != want {
				t.Fatalf("%s generation %d, want %d", what, g, want)
			}
		case <-time.After(waitTimeout):
			t.Fatalf("no %s of generation %d\nlogs: %s", what, want, logs.String())
		}
	}
	expect(starts, 1, "start")

	// An invalid file is reported and the running generation keeps going.
	if err := os.WriteFile(file, []byte("inputs: [not, a, map]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	logs.waitFor(t, "keeping the running config")
	if len(stops) != 0 {
		t.Fatalf("invalid config: stops %d\nlogs: %s", len(stops), logs.String())
	}

	// A valid change drains generation 1 and starts generation 2.
	if err := os.WriteFile(file, []byte(reloadConfig+automatic+"log:\n  level: debug\n  format: text\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	expect(stops, 1, "stop")
	expect(starts, 2, "start")
	if !strings.Contains(logs.String(), `"trigger":"file changed"`) {
		t.Errorf("reload log: %s", logs.String())
	}

	// SIGHUP reloads even when the file is unchanged.
	hup <- os.Interrupt
	expect(stops, 2, "stop")
	expect(starts, 3, "start")
	// Generation 2 logs in its config's format, text, the reload lines too.
	if !strings.Contains(logs.String(), "trigger=SIGHUP") {
		t.Errorf("reload log after log.format: text: %s", logs.String())
	}

	cancel()
	expect(stops, 3, "stop")
	if err := <-result; err != nil {
		t.Fatalf("runReloading: %v", err)
	}
}

// A generation that finishes on its own (every input done) ends the run.
func TestRunReloadingFinishes(t *testing.T) {
	t.Parallel()
	file := write(t, t.TempDir(), "sluice.yaml", reloadConfig)
	hup := make(chan os.Signal)
	err := runReloading(context.Background(), paths(file), io.Discard, hup, nil, func(context.Context) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
}

// Pipelines reading standard input are not reloaded: the stopped generation's pending read would
// swallow the next line.
func TestRunReloadingRefusesStdin(t *testing.T) {
	t.Parallel()
	stdinConfig := strings.NewReplacer("file:\n    paths: [/var/log/containers/*.log]", "stdin: {}", "[file]", "[stdin]").Replace(reloadConfig)
	file := write(t, t.TempDir(), "sluice.yaml", stdinConfig)
	logs := &syncBuf{written: make(chan struct{}, 1)}
	hup := make(chan os.Signal, 1)
	ctx, cancel := context.WithCancel(context.Background())
	starts := 0
	result := make(chan error, 1)
	go func() {
		result <- runReloading(ctx, paths(file), logs, hup, nil, func(ctx context.Context) error { starts++; <-ctx.Done(); return nil })
	}()
	hup <- os.Interrupt
	logs.waitFor(t, "restart sluice to apply the change")
	cancel()
	if err := <-result; err != nil || starts != 1 {
		t.Fatalf("err %v, %d generations", err, starts)
	}
}

// Without reload.automatic (the default) only SIGHUP reloads: the file is not polled at all.
func TestReloadAutomaticIsOptIn(t *testing.T) {
	t.Parallel()
	if d := pollEvery(config.Defaults().Reload); d != 0 {
		t.Fatalf("default config polls every %v; automatic reload must be opt-in", d)
	}
	if d := pollEvery(config.Reload{Automatic: true, Interval: time.Second}); d != time.Second {
		t.Fatalf("automatic: polls every %v", d)
	}
	file := write(t, t.TempDir(), "sluice.yaml", reloadConfig)
	logs := &syncBuf{written: make(chan struct{}, 1)}
	hup := make(chan os.Signal, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	gens := make(chan struct{}, 3)
	result := make(chan error, 1)
	go func() {
		result <- runReloading(ctx, paths(file), logs, hup, nil, func(ctx context.Context) error { gens <- struct{}{}; <-ctx.Done(); return nil })
	}()
	<-gens
	if err := os.WriteFile(file, []byte(reloadConfig+"log:\n  level: debug\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	hup <- os.Interrupt
	logs.waitFor(t, `"trigger":"SIGHUP"`)
	<-gens
	cancel()
	if err := <-result; err != nil {
		t.Fatal(err)
	}
}

// paths is the config flags of -c given each path.
func paths(p ...string) *configFlags { return &configFlags{paths: p} }

// A reload reads a -c directory again: a file added to it is part of the new config.
func TestRunReloadingDirectory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write(t, dir, "10-main.yaml", reloadConfig)
	hup := make(chan os.Signal, 1)
	logs := &syncBuf{written: make(chan struct{}, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := paths(dir)
	levels := make(chan string, 3)
	result := make(chan error, 1)
	go func() {
		result <- runReloading(ctx, f, logs, hup, nil, func(ctx context.Context) error {
			cfg, err := f.load(components())
			if err != nil {
				return err
			}
			levels <- cfg.Log.Level
			<-ctx.Done()
			return nil
		})
	}()
	if got := <-levels; got != "info" {
		t.Fatalf("first generation: log level %s", got)
	}
	write(t, dir, "20-log.yaml", "log: {level: debug}\n")
	hup <- os.Interrupt
	select {
	case got := <-levels:
		if got != "debug" {
			t.Fatalf("after adding 20-log.yaml: log level %s", got)
		}
	case err := <-result:
		t.Fatalf("run ended: %v\nlogs: %s", err, logs.String())
	case <-time.After(waitTimeout):
		t.Fatalf("no second generation\nlogs: %s", logs.String())
	}
	cancel()
	if err := <-result; err != nil {
		t.Fatal(err)
	}
}

// A config from standard input or -e cannot be read again: a reload says so once and the
// running pipelines go on.
func TestRunReloadingNothingToReread(t *testing.T) {
	t.Parallel()
	f := &configFlags{paths: []string{"-"}, inline: []string{"log: {level: debug}"}, stdin: strings.NewReader(reloadConfig)}
	logs := &syncBuf{written: make(chan struct{}, 1)}
	hup := make(chan os.Signal)
	ctx, cancel := context.WithCancel(context.Background())
	starts := 0
	result := make(chan error, 1)
	go func() {
		result <- runReloading(ctx, f, logs, hup, nil, func(ctx context.Context) error { starts++; <-ctx.Done(); return nil })
	}()
	for range 3 {
		hup <- os.Interrupt // unbuffered: each is taken by the watcher before the next
	}
	logs.waitFor(t, "cannot be read again")
	cancel()
	if err := <-result; err != nil || starts != 1 {
		t.Fatalf("err %v, %d generations", err, starts)
	}
	if n := strings.Count(logs.String(), "cannot be read again"); n != 1 {
		t.Errorf("said %d times, want once:\n%s", n, logs.String())
	}
}

// TestReloadKeepsOpenRequests runs the real reload path (runReloading over runPipelines, a
// followed file, parse and requests, a file output): a request received before a SIGHUP and
// finished after it gets one summary, from the new generation, not an "unknown" one at the
// drain and a second one after.
func TestReloadKeepsOpenRequests(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	logFile, out := filepath.Join(dir, "vllm.log"), filepath.Join(dir, "events.ndjson")
	writeFile(t, logFile, "INFO 11-27 12:00:01 async_llm_engine.py:529] Received request cmpl-1: prompt: 'hi', sampling_params: SamplingParams(n=1, max_tokens=16), prompt_token_ids: [1], lora_request: None.\n")
	cfg := write(t, dir, "sluice.yaml", fmt.Sprintf(`
inputs: {file: {paths: [%q], mode: follow, state_file: %q, state_interval: 50ms, scan_interval: 50ms, poll_interval: 50ms}}
processors: {parse: {parsers: [vllm]}, requests: {}}
outputs: {file: {path: %q, sync: none}}
pipelines: {main: {inputs: [file], processors: [parse, requests], outputs: [file]}}
runtime: {batch_size: 64, flush_interval: 10ms}
http: {address: ""}
dead_letter: {path: %q}
`, logFile, filepath.Join(dir, "state.json"), out, filepath.Join(dir, "dlq")))
	logs := &syncBuf{written: make(chan struct{}, 1)}
	hup := make(chan os.Signal, 1)
	carry := runtime.NewCarry()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	result := make(chan error, 1)
	go func() {
		result <- runReloading(ctx, paths(cfg), logs, hup, carry, func(ctx context.Context) error {
			return runPipelines(ctx, paths(cfg), "off", io.Discard, logs, carry)
		})
	}()
	waitFile(t, out, "Received request cmpl-1")
	hup <- syscall.SIGHUP
	logs.waitFor(t, `"generation":2`)
	waitCount(t, logs, "sluice starting", 2)
	f, err := os.OpenFile(logFile, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("INFO 11-27 12:00:03 async_llm_engine.py:120] Finished request cmpl-1.\n"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	waitFile(t, out, `"outcome":"success"`)
	cancel()
	if err := <-result; err != nil {
		t.Fatalf("run: %v", err)
	}
	data, _ := os.ReadFile(out)
	var sums []string
	for _, l := range strings.Split(string(data), "\n") {
		if strings.Contains(l, `"dataset":"vllm.request"`) {
			sums = append(sums, l)
		}
	}
	if len(sums) != 1 || !strings.Contains(sums[0], `"lines":2`) || strings.Contains(sums[0], "end_reason") {
		t.Fatalf("summaries of cmpl-1 across the reload:\n%s", strings.Join(sums, "\n"))
	}
}

// waitFile waits until file contains sub, polling: the pipeline writes it from another goroutine.
func waitFile(t *testing.T, file, sub string) {
	t.Helper()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(waitTimeout)
	for {
		if data, _ := os.ReadFile(file); strings.Contains(string(data), sub) {
			return
		}
		select {
		case <-tick.C:
		case <-deadline:
			data, _ := os.ReadFile(file)
			t.Fatalf("no %q in %s:\n%s", sub, file, data)
		}
	}
}

// waitCount waits until the log holds sub n times.
func waitCount(t *testing.T, s *syncBuf, sub string, n int) {
	t.Helper()
	deadline := time.After(waitTimeout)
	for strings.Count(s.String(), sub) < n {
		select {
		case <-s.written:
		case <-deadline:
			t.Fatalf("%q fewer than %d times in the log:\n%s", sub, n, s.String())
		}
	}
}
