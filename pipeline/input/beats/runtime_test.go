package beats_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/sluice-dev/sluice/internal/testsvc"
	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/config"
	"github.com/sluice-dev/sluice/pipeline/input/beats"
	fileoutput "github.com/sluice-dev/sluice/pipeline/output/file"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
	"github.com/sluice-dev/sluice/pipeline/runtime"
)

// startSluice runs Beats input → runtime → file output, as `sluice run` would, until stop is
// called; stop drains and returns once the runtime has stopped.
func startSluice(t *testing.T, addr, out string) (stop func()) {
	t.Helper()
	comps, err := config.NewComponents([]pipeline.InputFactory{beats.Factory}, nil,
		[]pipeline.OutputFactory{fileoutput.Factory})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse(fmt.Appendf(nil, `
inputs:
  beats:
    address: %q
    keepalive_interval: 300ms
outputs:
  file:
    path: %q
pipelines:
  main: {inputs: [beats], outputs: [file]}
runtime:
  batch_size: 256
  flush_interval: 50ms
  shutdown_timeout: 10s
`, addr, out), comps)
	if err != nil {
		t.Fatal(err)
	}
	rt, err := runtime.New(cfg, comps, runtime.Options{Logger: pipelinetest.Logger(t)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- rt.Run(ctx) }()
	return func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("runtime: %v", err)
		}
	}
}

// written counts the messages in the file output's NDJSON; a last line still being written is
// left for the next look.
func written(t *testing.T, path string) map[string]int {
	t.Helper()
	seen := map[string]int{}
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return seen
	}
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	for _, line := range lines[:len(lines)-1] {
		doc := gjson.Parse(line)
		if doc.Get("log.file.path").String() == "" || !doc.Get("@timestamp").Exists() {
			t.Fatalf("document lacks Filebeat's fields: %s", line)
		}
		seen[doc.Get("message").String()]++
	}
	return seen
}

// TestFilebeatThroughRuntime: the real Filebeat → sluice (beats input, runtime, file output),
// stopped and started again while Filebeat is sending. Every line is written exactly once: a
// graceful stop answers every window it took and sends nothing twice.
func TestFilebeatThroughRuntime(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const n = 6000
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "INFO 11-27 10:00:00 engine.py:267] line %06d finished request cmpl-%x\n", i, i*7919)
	}
	if err := os.WriteFile(filepath.Join(dir, "vllm.log"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	out := filepath.Join(dir, "out", "events.ndjson")

	stop := startSluice(t, addr, out)
	fb := testsvc.StartFilebeat(t, testsvc.FilebeatConfig{
		Paths: []string{filepath.Join(dir, "*.log")}, Hosts: []string{addr}, BulkMaxSize: 200,
		InputType: "log", // see filebeatConfig
	})
	waitFor(t, fb, "a sixth of the lines", func() bool { return len(written(t, out)) >= n/6 })
	stop() // in the middle: Filebeat is still sending
	first := len(written(t, out))
	stop = startSluice(t, addr, out)
	waitFor(t, fb, "every line", func() bool { return len(written(t, out)) == n })
	if err := fb.Stop(); err != nil {
		t.Error(err)
	}
	stop()
	got := written(t, out)
	for line, c := range got {
		if c != 1 {
			t.Fatalf("%q written %d times", line, c)
		}
	}
	if len(got) != n || first >= n {
		t.Fatalf("%d lines written, %d before the restart; want %d, the restart in the middle", len(got), first, n)
	}
	t.Logf("%d of %d lines written before the restart", first, n)
}

func waitFor(t *testing.T, fb *testsvc.FilebeatProcess, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for !cond() {
		select {
		case <-fb.Done():
			t.Fatalf("filebeat exited while waiting for %s", what)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
