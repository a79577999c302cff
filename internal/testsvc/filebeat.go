package testsvc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// FilebeatConfig is what a test needs to say about a Filebeat run; the rest of filebeat.yml
// is fixed to values that make tests fast and self-contained (registry, logs and home in a
// temporary directory, quick file scans, short backoff).
type FilebeatConfig struct {
	// Paths are the glob patterns of the files to ship.
	Paths []string
	// Hosts are the Lumberjack (output.logstash) endpoints, host:port on loopback.
	Hosts []string
	// InputType is "filestream" (the default) or "log".
	InputType string
	// BulkMaxSize is output.logstash.bulk_max_size; 0 keeps Filebeat's default (2048).
	BulkMaxSize int
	// Workers is output.logstash.worker; 0 keeps the default (1).
	Workers int
	// Timeout is output.logstash.timeout, how long Filebeat waits for an ACK; 0 keeps 30s.
	Timeout time.Duration
	// Fields are added to every event under fields.* (fields_under_root: false).
	Fields map[string]string
	// ExtraYAML is appended to filebeat.yml verbatim, for settings not covered above.
	ExtraYAML string
}

// Validate reports a config that cannot ship anything.
func (c FilebeatConfig) Validate() error {
	var errs []error
	if len(c.Paths) == 0 {
		errs = append(errs, errors.New("paths: at least one path is required"))
	}
	if len(c.Hosts) == 0 {
		errs = append(errs, errors.New("hosts: at least one lumberjack host is required"))
	}
	switch c.InputType {
	case "", "filestream", "log":
	default:
		errs = append(errs, fmt.Errorf("input_type: %q is not filestream or log", c.InputType))
	}
	return errors.Join(errs...)
}

// YAML renders filebeat.yml with dir as path.home (data, logs and the registry go under it).
// seccomp is disabled because Filebeat 7.17's syscall filter predates rseq: with it, current
// glibc aborts the process ("Fatal glibc error: rseq registration failed") as soon as it
// starts a thread.
func (c FilebeatConfig) YAML(dir string) string {
	var b strings.Builder
	typ := c.InputType
	if typ == "" {
		typ = "filestream"
	}
	b.WriteString("filebeat.inputs:\n")
	fmt.Fprintf(&b, "- type: %s\n  id: sluice-test\n  paths:\n", typ)
	for _, p := range c.Paths {
		fmt.Fprintf(&b, "  - %s\n", quote(p))
	}
	if typ == "filestream" {
		b.WriteString("  prospector.scanner.check_interval: 200ms\n")
	} else {
		b.WriteString("  scan_frequency: 200ms\n")
	}
	if len(c.Fields) > 0 {
		b.WriteString("  fields:\n")
		for k, v := range c.Fields {
			fmt.Fprintf(&b, "    %s: %s\n", quote(k), quote(v))
		}
	}
	b.WriteString("output.logstash:\n  hosts:\n")
	for _, h := range c.Hosts {
		fmt.Fprintf(&b, "  - %s\n", quote(h))
	}
	b.WriteString("  backoff.init: 100ms\n  backoff.max: 1s\n")
	if c.BulkMaxSize > 0 {
		fmt.Fprintf(&b, "  bulk_max_size: %d\n", c.BulkMaxSize)
	}
	if c.Workers > 0 {
		fmt.Fprintf(&b, "  worker: %d\n", c.Workers)
	}
	if c.Timeout > 0 {
		fmt.Fprintf(&b, "  timeout: %s\n", c.Timeout)
	}
	fmt.Fprintf(&b, "path.home: %s\npath.data: %s\npath.logs: %s\n",
		quote(dir), quote(filepath.Join(dir, "data")), quote(filepath.Join(dir, "logs")))
	b.WriteString("seccomp.enabled: false\n")
	b.WriteString("queue.mem:\n  events: 4096\n  flush.min_events: 1\n  flush.timeout: 50ms\n")
	b.WriteString("filebeat.registry.flush: 0s\n")
	b.WriteString("logging.level: info\nlogging.to_stderr: true\nlogging.metrics.enabled: false\n")
	b.WriteString("http.enabled: false\n")
	if c.ExtraYAML != "" {
		b.WriteString(strings.TrimRight(c.ExtraYAML, "\n") + "\n")
	}
	return b.String()
}

// quote writes s as a YAML double-quoted scalar; %q escapes are a subset YAML accepts.
func quote(s string) string { return fmt.Sprintf("%q", s) }

// FilebeatProcess is a running Filebeat. Stop it (or let the test's cleanup do it) to flush
// its registry and end it.
type FilebeatProcess struct {
	Dir  string // path.home: filebeat.yml, data/registry, logs
	cmd  *exec.Cmd
	out  *lockedBuffer
	done chan struct{}
	err  error
	once sync.Once
}

// StartFilebeat writes filebeat.yml for cfg into a temporary directory and starts the binary
// from the SLUICE_TEST_FILEBEAT contract. The process is stopped when the test ends, and its
// output is logged when the test failed.
func StartFilebeat(t testing.TB, cfg FilebeatConfig) *FilebeatProcess {
	t.Helper()
	bin := Filebeat(t)
	p, err := RunFilebeat(bin, t.TempDir(), cfg)
	if err != nil {
		t.Fatalf("testsvc: %v", err)
	}
	t.Cleanup(func() {
		if err := p.Stop(); err != nil {
			t.Errorf("testsvc: %v", err)
		}
		if t.Failed() {
			t.Logf("filebeat output:\n%s", p.Output())
		}
	})
	return p
}

// RunFilebeat starts bin with cfg rendered into dir. It is StartFilebeat without a testing.TB,
// for benchmarks and local runs.
func RunFilebeat(bin, dir string, cfg FilebeatConfig) (*FilebeatProcess, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("filebeat config: %w", err)
	}
	conf := filepath.Join(dir, "filebeat.yml")
	if err := os.WriteFile(conf, []byte(cfg.YAML(dir)), 0o600); err != nil {
		return nil, fmt.Errorf("filebeat: write config: %w", err)
	}
	p := &FilebeatProcess{Dir: dir, out: &lockedBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(bin, "-e", "--strict.perms=false", "-c", conf, "--path.home", dir)
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("filebeat: start %s: %w", bin, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// Done is closed when the process has exited.
func (p *FilebeatProcess) Done() <-chan struct{} { return p.done }

// Output returns what Filebeat has written to stdout and stderr so far (its JSON log).
func (p *FilebeatProcess) Output() string { return p.out.String() }

// Stop sends SIGTERM, which makes Filebeat flush its registry, and waits up to 15 seconds
// before killing it. Stopping twice is harmless.
func (p *FilebeatProcess) Stop() error {
	var err error
	p.once.Do(func() {
		select {
		case <-p.done:
			return
		default:
		}
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		select {
		case <-p.done:
		case <-ctx.Done():
			_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
			<-p.done
			err = fmt.Errorf("filebeat: pid %d ignored SIGTERM for 15s and was killed", p.cmd.Process.Pid)
		}
	})
	return err
}

// lockedBuffer collects process output written from the exec copier goroutine.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
