package stack

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// Several people (or `make test` runs) may use one working tree at once. Each user of the stack
// holds it under a name; Release stops the services only when the last live holder lets go, so
// one run finishing never pulls the services from under another. A holder tied to a pid (a
// `make test` shell) stops counting when that process is gone, so a killed run leaks nothing
// for long. Up, Hold and Release are serialised with a lock file.

// ManualHolder is the holder `make stack` / `make stack-down` use for a developer's shell.
const ManualHolder = "manual"

func (s *Stack) holdersDir() string { return filepath.Join(s.StateDir, "holders") }

// lock takes an exclusive lock on the state folder until the returned func is called.
func (s *Stack) lock() (func(), error) {
	if err := os.MkdirAll(s.StateDir, 0o755); err != nil {
		return nil, fmt.Errorf("stack: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(s.StateDir, "lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("stack: lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("stack: lock: %w", err)
	}
	return func() { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
}

// Hold records holder name, tied to pid when pid > 0.
func (s *Stack) Hold(name string, pid int) error {
	if name == "" || strings.ContainsAny(name, "/\x00") {
		return fmt.Errorf("stack: bad holder name %q", name)
	}
	if err := os.MkdirAll(s.holdersDir(), 0o755); err != nil {
		return fmt.Errorf("stack: %w", err)
	}
	return os.WriteFile(filepath.Join(s.holdersDir(), name), []byte(strconv.Itoa(pid)), 0o644)
}

// liveHolders lists holders whose process, if they named one, still runs; stale ones are removed.
func (s *Stack) liveHolders() []string {
	entries, _ := os.ReadDir(s.holdersDir())
	var live []string
	for _, e := range entries {
		p := filepath.Join(s.holdersDir(), e.Name())
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
		if pid > 0 && syscall.Kill(pid, 0) == syscall.ESRCH {
			_ = os.Remove(p)
			continue
		}
		live = append(live, e.Name())
	}
	return live
}

// Release drops holder name and stops the services when no live holder remains; force stops
// them regardless. It returns the holders still live when it left the services running.
func (s *Stack) Release(name string, force bool) ([]string, error) {
	unlock, err := s.lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	if name != "" {
		_ = os.Remove(filepath.Join(s.holdersDir(), name))
	}
	if live := s.liveHolders(); len(live) > 0 && !force {
		return live, nil
	}
	_ = os.RemoveAll(s.holdersDir())
	return nil, s.Down()
}
