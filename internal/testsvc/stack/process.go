package stack

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// daemon is a service process started in its own process group, so that it outlives the
// `stack up` command and `stack down` can end it with every child it spawned (Elasticsearch's
// launcher starts the server JVM as a child). Its pid is kept in dir/pid together with a marker
// that must appear in its command line, so a recycled pid is never signalled.
type daemon struct {
	name   string // service name, for messages
	dir    string // the service's state directory
	marker string // a string unique to this service's command line (its state directory)
}

func (d daemon) pidFile() string { return filepath.Join(d.dir, "pid") }
func (d daemon) logFile() string { return filepath.Join(d.dir, "service.log") }

// start runs cmd detached with stdout and stderr in service.log, and records its pid.
func (d daemon) start(cmd *exec.Cmd) error {
	logf, err := os.OpenFile(d.logFile(), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("%s: open log: %w", d.name, err)
	}
	defer logf.Close()
	cmd.Stdout, cmd.Stderr = logf, logf
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("%s: start %s: %w", d.name, cmd.Path, err)
	}
	pid := cmd.Process.Pid
	// Reap the child if this process lives long enough to see it exit (tests, `stack run`).
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	if err := os.WriteFile(d.pidFile(), []byte(strconv.Itoa(pid)+"\n"), 0o644); err != nil {
		_ = syscall.Kill(-pid, syscall.SIGKILL)
		return fmt.Errorf("%s: write pid file: %w", d.name, err)
	}
	// Start returns once the exec has begun, but the kernel fills in the new command line and
	// environment (where the marker is) a moment later; a loaded machine can stretch that
	// moment, and until then the service would look gone. Wait for it, or for the exit.
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for deadline := time.Now().Add(30 * time.Second); d.pid() != pid && time.Now().Before(deadline); {
		select {
		case <-exited:
			return nil // waitFor reports the early exit with the log
		case <-tick.C:
		}
	}
	return nil
}

// pid returns the recorded pid when that process is alive and still ours, else 0.
func (d daemon) pid() int {
	b, err := os.ReadFile(d.pidFile())
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0
	}
	// The marker is looked for in the command line and, since a launcher script's command line
	// need not name the state folder, in the environment the harness gave it.
	for _, f := range []string{"cmdline", "environ"} {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/%s", pid, f))
		if err == nil && bytes.Contains(b, []byte(d.marker)) {
			return pid
		}
	}
	return 0
}

// alive reports whether the recorded process is still running (not a zombie).
func (d daemon) alive() bool {
	pid := d.pid()
	if pid == 0 {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// The state letter follows the parenthesised command name.
	if i := bytes.LastIndexByte(stat, ')'); i > 0 && i+2 < len(stat) && stat[i+2] == 'Z' {
		return false
	}
	return true
}

// stop sends SIGTERM to the process group and waits for the leader to exit; after grace it
// sends SIGKILL. A service that is not running is not an error.
func (d daemon) stop(grace time.Duration) error {
	pid := d.pid()
	if pid == 0 {
		_ = os.Remove(d.pidFile())
		return nil
	}
	_ = syscall.Kill(-pid, syscall.SIGTERM)
	deadline := time.Now().Add(grace)
	for time.Now().Before(deadline) {
		if !d.alive() {
			_ = os.Remove(d.pidFile())
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	_ = syscall.Kill(-pid, syscall.SIGKILL)
	_ = os.Remove(d.pidFile())
	return fmt.Errorf("%s: pid %d did not stop within %s and was killed", d.name, pid, grace)
}

// rss returns the resident memory of the process group leader and its children, in bytes.
func (d daemon) rss() int64 {
	pid := d.pid()
	if pid == 0 {
		return 0
	}
	return treeRSS(pid)
}

func treeRSS(pid int) int64 {
	var total int64
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid)); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
				kb, _ := strconv.ParseInt(f[1], 10, 64)
				total += kb * 1024
			}
		}
	}
	// A JVM forks from whichever thread runs the code, so every thread's children count.
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	for _, t := range tasks {
		children, _ := os.ReadFile(t)
		for _, c := range strings.Fields(string(children)) {
			if cpid, err := strconv.Atoi(c); err == nil {
				total += treeRSS(cpid)
			}
		}
	}
	return total
}

// tail returns the last n bytes of the service log, for error messages.
func (d daemon) tail(n int) string {
	b, err := os.ReadFile(d.logFile())
	if err != nil {
		return ""
	}
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// checkPortFree fails when something already listens on 127.0.0.1:port, naming the port and
// its use, so two stacks (or a stray service) never silently share a port.
func checkPortFree(port int, use string) error {
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return fmt.Errorf("port 127.0.0.1:%d (%s) is already in use: %w; stop what holds it "+
			"(`make stack-down` if it is an earlier stack) or choose another port", port, use, err)
	}
	return l.Close()
}

// waitFor polls check every interval until it succeeds, the daemon exits, or timeout passes.
func waitFor(d daemon, timeout time.Duration, check func() error) error {
	deadline := time.Now().Add(timeout)
	var last error
	for {
		if last = check(); last == nil {
			return nil
		}
		if !d.alive() {
			return fmt.Errorf("%s exited during start-up (last check: %v); log tail:\n%s",
				d.name, last, d.tail(4000))
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not healthy after %s: %w; log tail:\n%s", d.name, timeout, last, d.tail(4000))
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// errMissing marks a service whose software could not be obtained, so callers can say so.
var errMissing = errors.New("service software not available")
