package main

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeChecks writes a checks file with one check on an open and one on a closed port.
func writeChecks(t *testing.T, dir string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed.Close()
	path := filepath.Join(dir, "checks.yaml")
	body := "checks:\n" +
		"  - {name: open, kind: tcp, section: Kafka, address: \"" + ln.Addr().String() + "\"}\n" +
		"  - {name: closed, kind: tcp, section: Kafka, address: \"" + closed.Addr().String() + "\"}\n" +
		"  - {name: after, kind: tcp, address: \"" + ln.Addr().String() + "\", depends_on: [closed]}\n"
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// A failed check makes the status 1; the report, JUnit and JSON say which one and why.
func TestCheckCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := writeChecks(t, dir)
	junit, js := filepath.Join(dir, "r.xml"), filepath.Join(dir, "r.json")
	code, out, errs := runCLI(t, "", "check", "-c", file, "--junit", junit, "--json", js)
	if code != 1 {
		t.Fatalf("code %d, stderr %s", code, errs)
	}
	for _, w := range []string{"== Kafka ==\nPASSED: open - connected to", "FAILED: closed - dial tcp",
		"== Network ==\nSKIPPED: after - depends on \"closed\", which did not pass",
		"\nRESULTS: 1 passed, 1 failed, 1 skipped\n"} {
		if !strings.Contains(out, w) {
			t.Errorf("report lacks %q:\n%s", w, out)
		}
	}
	var suites struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	readInto(t, junit, func(b []byte) error { return xml.Unmarshal(b, &suites) })
	if suites.Tests != 3 || suites.Failures != 1 || suites.Suites[0].Cases[1].Failure == nil {
		t.Errorf("junit: %+v", suites)
	}
	var doc struct {
		Results []struct{ Name, Status string }
		Summary struct{ Passed, Failed, Skipped int }
	}
	readInto(t, js, func(b []byte) error { return json.Unmarshal(b, &doc) })
	if doc.Summary.Failed != 1 || doc.Results[2].Status != "skipped" {
		t.Errorf("json: %+v", doc)
	}
}

func readInto(t *testing.T, path string, decode func([]byte) error) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := decode(b); err != nil {
		t.Fatalf("%s: %v\n%s", path, err, b)
	}
}

// An invalid checks file is status 2, every problem named with its path, and nothing runs.
func TestCheckCommandBadFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(path, []byte("checks:\n  - {name: a, kind: tcp}\n  - {name: b, kind: gpus}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI(t, "", "check", "-c", path)
	if code != 2 || out != "" || !strings.Contains(errs, path+": checks[0]: address: want host:port") ||
		!strings.Contains(errs, path+`: checks[1].kind: unknown kind "gpus"`) || !strings.Contains(errs, "2 problem(s)") {
		t.Errorf("code %d\nstdout %s\nstderr %s", code, out, errs)
	}
}

// --watch serves each check's latest result and duration on /metrics until the context ends.
func TestCheckWatchMetrics(t *testing.T) {
	t.Parallel()
	file := writeChecks(t, t.TempDir())
	stdout, stderr := &syncBuf{written: make(chan struct{}, 1)}, &syncBuf{written: make(chan struct{}, 1)}
	root := newRoot(strings.NewReader(""), stdout, stderr)
	root.SetArgs([]string{"check", "-c", file, "--watch", "1h", "--listen", "127.0.0.1:0"})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()
	// The report is printed after the round's results are exported.
	stderr.waitFor(t, "/metrics\n")
	stdout.waitFor(t, "RESULTS: ")
	_, addr, _ := strings.Cut(stderr.String(), "metrics on ")
	body := get(t, strings.TrimSpace(addr))
	for _, w := range []string{
		`sluice_check_passed{check="open",kind="tcp",section="Kafka"} 1`,
		`sluice_check_passed{check="closed",kind="tcp",section="Kafka"} 0`,
		`sluice_check_status{check="after",kind="tcp",section="Network",status="skipped"} 1`,
		`sluice_check_runs_total{check="closed",kind="tcp",section="Kafka",status="failed"} 1`,
		`sluice_check_duration_seconds{check="open",kind="tcp",section="Kafka"}`,
	} {
		if !strings.Contains(body, w) {
			t.Errorf("/metrics lacks %s\n%s", w, body)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("watch returned %v", err)
	}
	if !strings.Contains(stdout.String(), "RESULTS: 1 passed, 1 failed, 1 skipped") {
		t.Errorf("no report printed:\n%s", stdout.String())
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b)
}
