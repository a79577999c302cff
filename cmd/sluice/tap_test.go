package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pipeline/config"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
	"github.com/sluice-dev/sluice/pipeline/runtime"
)

// `sluice tap` on a running instance streams the events leaving a component as NDJSON, as the
// Elasticsearch output encodes them; tapped before the redact processor they are redacted all
// the same, and credentials in URLs never show.
func TestTapRunningInstance(t *testing.T) {
	t.Parallel()
	in := startInstance(t, ", tap: true")
	stop := make(chan struct{})
	defer close(stop)
	in.feed(t, "mail ann@example.com via https://bot:hunter2@10.0.0.1:9200/", stop)
	for _, comp := range []string{"file", "redact"} {
		code, out, errs := runCLI(t, "", "tap", "--url", in.url, "-n", "3", "--kind", kindOf(comp), comp)
		if code != 0 {
			t.Fatalf("tap %s: exit %d\n%s", comp, code, errs)
		}
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(lines) != 3 {
			t.Fatalf("tap %s -n 3 printed %d lines:\n%s", comp, len(lines), out)
		}
		var ev struct {
			Message string `json:"message"`
			Log     struct {
				File struct{ Path string } `json:"file"`
			} `json:"log"`
		}
		if err := json.Unmarshal([]byte(lines[0]), &ev); err != nil {
			t.Fatalf("tap %s: %v in %q", comp, err, lines[0])
		}
		if want := "mail [REDACTED:email] via https://bot:xxxxx@10.0.0.1:9200/"; ev.Message != want {
			t.Errorf("tap %s: message %q, want %q", comp, ev.Message, want)
		}
		if ev.Log.File.Path != filepath.Join(in.dir, "app.log") {
			t.Errorf("tap %s: not the event as encoded for the index: %s", comp, lines[0])
		}
	}
	code, _, errs := runCLI(t, "", "tap", "--url", in.url, "nope")
	if code != 1 || !strings.Contains(errs, `no component "nope"`) || !strings.Contains(errs, "components: file, redact") {
		t.Errorf("unknown component: exit %d\n%s", code, errs)
	}
}

func kindOf(comp string) string {
	if comp == "file" {
		return "input" // the file input and the file output share the id
	}
	return ""
}

// Without http.tap the endpoint says how to turn it on.
func TestTapOffByDefault(t *testing.T) {
	t.Parallel()
	in := startInstance(t, "")
	code, out, errs := runCLI(t, "", "tap", "--url", in.url, "redact")
	if code != 1 || out != "" || !strings.Contains(errs, "tap is off: set http.tap: true") {
		t.Errorf("exit %d, stdout %q\n%s", code, out, errs)
	}
}

// -c finds the instance from the config's http.address; a wildcard host is reached on
// loopback.
func TestInstanceURL(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, c := range []struct{ addr, want, err string }{
		{":9600", "http://127.0.0.1:9600", ""},
		{"0.0.0.0:9601", "http://127.0.0.1:9601", ""},
		{"[::]:9602", "http://127.0.0.1:9602", ""},
		{"10.1.2.3:9603", "http://10.1.2.3:9603", ""},
		{"", "", "http.address is empty"},
	} {
		cfg := filepath.Join(dir, "c.yaml")
		writeFile(t, cfg, `
inputs: {stdin: {}}
outputs: {stdout: {}}
pipelines: {main: {inputs: [stdin], outputs: [stdout]}}
http: {address: "`+c.addr+`"}
`)
		got, err := instanceURL(cfg, "", &strings.Builder{})
		if got != c.want || (err == nil) != (c.err == "") || (err != nil && !strings.Contains(err.Error(), c.err)) {
			t.Errorf("%q: %q, %v; want %q, %q", c.addr, got, err, c.want, c.err)
		}
	}
	if got, _ := instanceURL("", "http://h:1/", nil); got != "http://h:1" {
		t.Errorf("--url: %q", got)
	}
	if _, err := instanceURL("", "h:1", nil); err == nil {
		t.Error("--url without scheme accepted")
	}
}

// `sluice top` with stdout not a terminal scrapes a running instance twice, an interval apart,
// prints one table with a row per component and rates, and exits.
func TestTopRunningInstance(t *testing.T) {
	t.Parallel()
	in := startInstance(t, "")
	stop := make(chan struct{})
	defer close(stop)
	in.feed(t, "a line", stop)
	waitLines(t, filepath.Join(in.dir, "out.ndjson"))
	code, out, errs := runCLI(t, "", "top", "--url", in.url, "--interval", "200ms")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	t.Logf("\n%s", out)
	rows := map[string][]string{}
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) >= 9 {
			rows[f[0]+" "+f[1]] = f
		}
	}
	if !strings.Contains(out, "sluice top  "+in.url) || !strings.Contains(out, "running") || !strings.Contains(out, "in flight ") {
		t.Errorf("header:\n%s", out)
	}
	for _, r := range []string{"input file", "processor redact", "output file"} {
		f := rows[r]
		if f == nil {
			t.Fatalf("no row %q:\n%s", r, out)
		}
		if n, err := strconv.ParseFloat(f[2], 64); err != nil || n < 1 {
			t.Errorf("%s: IN %q, want at least the delivered line\n%s", r, f[2], out)
		}
		if _, err := strconv.ParseFloat(f[8], 64); err != nil {
			t.Errorf("%s: OUT/S %q is not a rate\n%s", r, f[8], out)
		}
	}
	if rows["processor redact"][7] != "-" {
		t.Errorf("a processor shows events in flight:\n%s", out)
	}
}

// waitLines waits until the file holds at least one line.
func waitLines(t *testing.T, path string) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for range tick.C {
		if b, _ := os.ReadFile(path); bytes.Contains(b, []byte("\n")) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("nothing written to %s", path)
		}
	}
}

// A tap outlives the server's read and write timeouts, which bound every other request.
func TestTapOutlivesServerTimeouts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	log := filepath.Join(dir, "app.log")
	writeFile(t, log, "")
	cfg, err := config.Parse([]byte(fmt.Sprintf(`
inputs: {file: {paths: [%q], mode: follow, poll_interval: 10ms}}
outputs: {file: {path: %q}}
pipelines: {main: {inputs: [file], outputs: [file]}}
runtime: {flush_interval: 10ms}
`, log, filepath.Join(dir, "out.ndjson"))), components())
	if err != nil {
		t.Fatal(err)
	}
	rt, err := runtime.New(cfg, components(), runtime.Options{Logger: pipelinetest.Logger(t)})
	if err != nil {
		t.Fatal(err)
	}
	const timeout = 100 * time.Millisecond
	srv := httptest.NewUnstartedServer(tapHandler(rt))
	srv.Config.ReadTimeout, srv.Config.WriteTimeout = timeout, timeout
	srv.Start()
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- rt.Run(ctx) }()
	defer func() { cancel(); <-done }()
	stop := make(chan struct{})
	defer close(stop)
	(&instance{dir: dir}).feed(t, "tick", stop)
	resp, err := http.Get(srv.URL + "/tap?component=file&kind=input")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	rd := bufio.NewReader(resp.Body)
	start := time.Now()
	for n := 0; n < 2 || time.Since(start) < 3*timeout; n++ {
		if _, err := rd.ReadString('\n'); err != nil {
			t.Fatalf("stream ended after %d events, %v: %v", n, time.Since(start), err)
		}
	}
}

// When the rate is spent the tap drops and counts; when the instance stops, the stream ends
// and `sluice tap` says both.
func TestTapReportsDropsAndStop(t *testing.T) {
	t.Parallel()
	in := startInstance(t, ", tap: true")
	stop := make(chan struct{})
	defer close(stop)
	in.feed(t, "a line", stop)
	type result struct {
		code         int
		stdout, errs string
	}
	res := make(chan result, 1)
	go func() {
		code, out, errs := runCLI(t, "", "tap", "--url", in.url, "--rate", "0.001", "redact")
		res <- result{code, out, errs}
	}()
	in.waitMetric(t, `sluice_tap_events_dropped_total\{component="redact"\} [1-9]`)
	in.stop()
	r := <-res
	if r.code != 0 || strings.Count(r.stdout, "\n") != 1 || !strings.Contains(r.errs, "events dropped (over the rate") ||
		!strings.Contains(r.errs, "pipelines stopped") {
		t.Errorf("exit %d, stdout %q\n%s", r.code, r.stdout, r.errs)
	}
}

// top shows an output's health: an Elasticsearch output whose cluster cannot be reached is
// DOWN once its requests fail, with what it holds queued.
func TestTopShowsOutputDown(t *testing.T) {
	t.Parallel()
	addr := pipelinetest.RefusedAddr(t)
	in := runInstance(t, func(dir string) string {
		return fmt.Sprintf(`
inputs: {file: {paths: [%q], mode: follow, poll_interval: 10ms}}
outputs:
  elasticsearch: {hosts: ["http://%s"], retry: {initial_backoff: 5ms, max_backoff: 10ms}}
pipelines: {main: {inputs: [file], outputs: [elasticsearch]}}
runtime: {flush_interval: 10ms, shutdown_timeout: 1s}
http: {address: "127.0.0.1:0"}
dead_letter: {path: %q}
`, filepath.Join(dir, "*.log"), addr, filepath.Join(dir, "dlq"))
	})
	stop := make(chan struct{})
	defer close(stop)
	in.feed(t, "a line", stop)
	in.waitMetric(t, `sluice_output_up\{component="elasticsearch",kind="output"\} 0`)
	code, out, errs := runCLI(t, "", "top", "--url", in.url, "--interval", "50ms")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	var row string
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "output") && strings.Contains(l, "elasticsearch") {
			row = l
		}
	}
	if !strings.Contains(row, "DOWN, queued ") {
		t.Errorf("no DOWN health in the output's row:\n%s", out)
	}
}

// On a terminal top redraws the table in place every interval, with rates from the second
// frame on, until interrupted.
func TestTopLiveRedraws(t *testing.T) {
	t.Parallel()
	in := startInstance(t, "")
	screen := &syncBuf{written: make(chan struct{}, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- topLive(ctx, in.url, 20*time.Millisecond, screen) }()
	screen.waitFor(t, "\x1b[H\x1b[2Jsluice top")
	timeout := time.After(waitTimeout)
	for strings.Count(screen.String(), "\x1b[H\x1b[2J") < 2 {
		select {
		case <-screen.written:
		case <-timeout:
			t.Fatalf("one frame only:\n%s", screen.String())
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	frames := strings.Split(screen.String(), "\x1b[H\x1b[2J")
	second := frames[2]
	if !strings.Contains(second, "processor") || !strings.Contains(second, " 0.0 ") {
		t.Errorf("second frame has no rates:\n%s", second)
	}
}
