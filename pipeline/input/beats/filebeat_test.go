package beats

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/internal/testsvc"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
	"github.com/sluice-dev/sluice/pipeline/tlsconfig"
	"github.com/sluice-dev/sluice/pipeline/tlsconfig/tlstest"
)

// These tests run the real Filebeat 7.17 (SLUICE_TEST_FILEBEAT, from the test-services harness)
// against the input: pointing output.logstash at sluice must be the whole migration.

// writeLines writes n numbered vLLM-like lines and returns them.
func writeLines(t *testing.T, dir string, n int) map[string]bool {
	t.Helper()
	want := make(map[string]bool, n)
	var b strings.Builder
	for i := range n {
		line := fmt.Sprintf("INFO 11-27 10:00:%02d engine.py:267] line %06d request cmpl-%x finished, 512 prompt tokens", i%60, i, i*7919)
		want[line] = true
		b.WriteString(line + "\n")
	}
	if err := os.WriteFile(filepath.Join(dir, "vllm.log"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return want
}

// delivery counts the lines the test's "output" accepted: only when it resolves a batch
// Delivered, as a real output would after Elasticsearch answered.
type delivery struct {
	t      *testing.T
	want   map[string]bool
	counts map[string]int
}

func newDelivery(t *testing.T, want map[string]bool) *delivery {
	return &delivery{t: t, want: want, counts: make(map[string]int, len(want))}
}

func (d *delivery) deliver(b *event.Batch) {
	d.t.Helper()
	for _, e := range b.Events {
		m := e.Message()
		if !d.want[m] {
			d.t.Fatalf("unexpected message %q (tags %v)", m, e.Tags())
		}
		if path, _ := e.GetString("log.file.path"); !strings.HasSuffix(path, "vllm.log") || e.Meta.Offset < 0 ||
			!strings.HasSuffix(e.Meta.Source, path) || e.Timestamp().IsZero() || !e.Has("agent.id") {
			d.t.Fatalf("event lacks Filebeat's fields: path %q meta %+v", path, e.Meta)
		}
		d.counts[m]++
	}
	b.Resolve(event.Delivered)
}

// next waits for a batch, failing if Filebeat exits or nothing comes for a minute.
func next(t *testing.T, h *harness, fb *testsvc.FilebeatProcess) *event.Batch {
	t.Helper()
	select {
	case b := <-h.sink.ch:
		return b
	case <-fb.Done():
		t.Fatal("filebeat exited early")
	case <-time.After(time.Minute):
		t.Fatal("no window from filebeat within a minute")
	}
	return nil
}

// exactlyOnce stops Filebeat, takes what it still sent, and checks every line arrived once.
func (d *delivery) exactlyOnce(h *harness, fb *testsvc.FilebeatProcess) {
	d.t.Helper()
	if err := fb.Stop(); err != nil {
		d.t.Error(err)
	}
	for {
		select {
		case b := <-h.sink.ch:
			d.deliver(b)
			continue
		default:
		}
		break
	}
	for line := range d.want {
		if n := d.counts[line]; n != 1 {
			d.t.Fatalf("%q delivered %d times", line, n)
		}
	}
}

// filebeatConfig uses the log input (what Filebeat 7.17's container input is built on): the
// filestream input of 7.17.0 can deadlock on SIGTERM (its update writer's Close waits on a
// mutex it holds; seen in goroutine dumps here), which has nothing to do with the output.
func filebeatConfig(dir, addr string) testsvc.FilebeatConfig {
	return testsvc.FilebeatConfig{
		Paths: []string{filepath.Join(dir, "*.log")}, Hosts: []string{addr}, InputType: "log",
		BulkMaxSize: 500, Timeout: 2 * time.Second, Fields: map[string]string{"cluster": "gpu-a"},
	}
}

func TestFilebeatEachLineOnce(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	d := newDelivery(t, writeLines(t, dir, 3000))
	h := start(t, func(c *Config) { c.KeepaliveInterval = 300 * time.Millisecond })
	fb := testsvc.StartFilebeat(t, filebeatConfig(dir, h.addr))
	for len(d.counts) < len(d.want) {
		b := next(t, h, fb)
		if v, _ := b.Events[0].GetString("fields.cluster"); v != "gpu-a" {
			t.Fatalf("fields.cluster = %q", v)
		}
		d.deliver(b)
	}
	d.exactlyOnce(h, fb)
}

// The output stalls for four times Filebeat's timeout: keepalives make Filebeat wait, so it
// neither gives up on the connection nor sends the window again.
func TestFilebeatWaitsForBlockedOutput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	d := newDelivery(t, writeLines(t, dir, 2000))
	h := start(t, func(c *Config) { c.KeepaliveInterval = 300 * time.Millisecond })
	fb := testsvc.StartFilebeat(t, filebeatConfig(dir, h.addr))
	held := next(t, h, fb)
	time.Sleep(8 * time.Second) // the blocked output: real time is the point of this test
	d.deliver(held)
	for len(d.counts) < len(d.want) {
		d.deliver(next(t, h, fb))
	}
	d.exactlyOnce(h, fb)
	if out := fb.Output(); strings.Contains(out, "i/o timeout") || strings.Contains(out, "Failed to publish") {
		t.Fatalf("filebeat timed out while the output was blocked:\n%s", out)
	}
	if value(h.in.m.keepalives) < 10 {
		t.Errorf("keepalives = %v", value(h.in.m.keepalives))
	}
}

// sluice dies with a window in flight and comes back on the same address: Filebeat resends
// what was not acknowledged, and nothing acknowledged comes twice.
func TestFilebeatSurvivesRestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	d := newDelivery(t, writeLines(t, dir, 3000))
	addr := freeAddr(t)
	cfg := func(c *Config) { c.Address = addr; c.KeepaliveInterval = 200 * time.Millisecond }
	a := start(t, cfg)
	fb := testsvc.StartFilebeat(t, filebeatConfig(dir, addr))
	for len(d.counts) < len(d.want)/3 {
		d.deliver(next(t, a, fb))
	}
	// Take one more window and leave it in flight. Once a keepalive for it went out, every
	// earlier ACK was written (they go in order).
	inFlight := next(t, a, fb)
	k := value(a.in.m.keepalives)
	pipelinetest.Eventually(t, "keepalive for the window in flight", func() bool { return value(a.in.m.keepalives) > k })
	crash(t, a)
	_ = inFlight // lost with the process: never resolved, never acknowledged

	b := start(t, cfg)
	for len(d.counts) < len(d.want) {
		d.deliver(next(t, b, fb))
	}
	d.exactlyOnce(b, fb)
	if value(b.in.m.connections) < 1 && value(b.in.m.accepted) < 1 {
		t.Error("filebeat never reconnected")
	}
}

// crash stops an input the way a killed process does: connections dropped, nothing answered.
func crash(t *testing.T, h *harness) {
	t.Helper()
	h.cancel()
	if err := <-h.runErr; err != nil {
		t.Fatal(err)
	}
	h.runErr <- nil
	expired, cancel := contextWithTimeout(0)
	defer cancel()
	_ = h.in.Close(expired)
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// Filebeat's own TLS client, with a client certificate, against mutual TLS and allowed names.
func TestFilebeatMutualTLS(t *testing.T) {
	t.Parallel()
	ca := tlstest.NewCA(t, "cluster-ca")
	f := serverFiles(t, ca, "sluice")
	cert, key := ca.Issue(t, "filebeat", "node7.gpu.internal")
	clientCert, clientKey := filepath.Join(t.TempDir(), "client.crt"), filepath.Join(t.TempDir(), "client.key")
	tlstest.WriteFile(t, clientCert, cert, time.Now())
	tlstest.WriteFile(t, clientKey, key, time.Now())

	dir := t.TempDir()
	d := newDelivery(t, writeLines(t, dir, 500))
	h := start(t, func(c *Config) {
		c.TLS = tlsconfig.Server{Enabled: true, CertFile: f.Cert, KeyFile: f.Key, ClientCAFile: f.CA,
			AllowedNames: []string{"*.gpu.internal"}}
	})
	cfg := filebeatConfig(dir, h.addr)
	cfg.ExtraYAML = fmt.Sprintf("output.logstash.ssl.certificate_authorities: [%q]\n"+
		"output.logstash.ssl.certificate: %q\noutput.logstash.ssl.key: %q\n", f.CA, clientCert, clientKey)
	fb := testsvc.StartFilebeat(t, cfg)
	for len(d.counts) < len(d.want) {
		d.deliver(next(t, h, fb))
	}
	d.exactlyOnce(h, fb)
	if got := value(h.in.m.accepted); got < 1 {
		t.Errorf("accepted = %v", got)
	}
}
