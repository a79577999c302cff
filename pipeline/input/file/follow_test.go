package file

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
)

// followMode polls fast so that tests wait on events, not on timers.
func followMode(dir string, extra func(c *Config)) func(c *Config) {
	return func(c *Config) {
		c.Paths, c.Mode = []string{filepath.Join(dir, "*.log")}, ModeFollow
		c.PollInterval, c.ScanInterval = 2*time.Millisecond, 10*time.Millisecond
		c.PartialLineTimeout, c.RetryBackoff, c.StateInterval = 30*time.Millisecond, 5*time.Millisecond, 5*time.Millisecond
		if extra != nil {
			extra(c)
		}
	}
}

func startFollow(t *testing.T, dir string, extra func(c *Config)) (*Input, *pipelinetest.Running) {
	t.Helper()
	in, _ := newInput(t, followMode(dir, extra))
	run := pipelinetest.RunInput(t, in)
	run.AutoResolve(event.Delivered)
	return in, run
}

func wantMessages(t *testing.T, run *pipelinetest.Running, want ...string) {
	t.Helper()
	evs := run.WaitEvents(t, len(want))
	got := make([]string, len(evs))
	for i, e := range evs {
		got[i] = e.Message()
	}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestFollow(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		extra func(c *Config)
		steps func(t *testing.T, path string, in *Input, run *pipelinetest.Running)
	}{
		{"appends", nil, func(t *testing.T, path string, in *Input, run *pipelinetest.Running) {
			wantMessages(t, run, "first")
			appendTo(t, path, "second\nthird\n")
			wantMessages(t, run, "first", "second", "third")
		}},
		{"start at end skips what is there", func(c *Config) { c.StartAt = StartEnd },
			func(t *testing.T, path string, in *Input, run *pipelinetest.Running) {
				// The file is read from its end: wait until the reader holds it, then append.
				waitOpen(t, in)
				appendTo(t, path, "new\n")
				wantMessages(t, run, "new")
			}},
		{"rotation by rename", nil, func(t *testing.T, path string, in *Input, run *pipelinetest.Running) {
			wantMessages(t, run, "first")
			appendTo(t, path, "old tail\n")
			if err := os.Rename(path, path+".1"); err != nil {
				t.Fatal(err)
			}
			write(t, path, "new1\nnew2\n")
			wantMessages(t, run, "first", "old tail", "new1", "new2")
		}},
		{"truncation", nil, func(t *testing.T, path string, in *Input, run *pipelinetest.Running) {
			appendTo(t, path, "a longer second line\n")
			wantMessages(t, run, "first", "a longer second line")
			write(t, path, "after\n")
			wantMessages(t, run, "first", "a longer second line", "after")
		}},
		{"partial line sent after idle", nil, func(t *testing.T, path string, in *Input, run *pipelinetest.Running) {
			appendTo(t, path, "no newline yet")
			wantMessages(t, run, "first", "no newline yet")
			appendTo(t, path, "\nnext\n")
			wantMessages(t, run, "first", "no newline yet", "next")
		}},
		{"partial line completed in time", func(c *Config) { c.PartialLineTimeout = time.Hour },
			func(t *testing.T, path string, in *Input, run *pipelinetest.Running) {
				appendTo(t, path, "half")
				wantMessages(t, run, "first")
				appendTo(t, path, " and half\n")
				wantMessages(t, run, "first", "half and half")
			}},
		{"new file found by scan", nil, func(t *testing.T, path string, in *Input, run *pipelinetest.Running) {
			wantMessages(t, run, "first")
			write(t, filepath.Join(filepath.Dir(path), "b.log"), "from b\n")
			wantMessages(t, run, "first", "from b")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := filepath.Join(dir, "a.log")
			write(t, path, "first\n")
			in, run := startFollow(t, dir, tt.extra)
			tt.steps(t, path, in, run)
			if err := run.Stop(t); err != nil {
				t.Fatal(err)
			}
			if n := len(run.Events()); n != len(run.Messages()) {
				t.Fatalf("events changed after stop")
			}
		})
	}
}

// waitOpen waits until the input has a file open. The reader gives no other sign of having
// reached its start offset, so this polls the open-files gauge.
func waitOpen(t *testing.T, in *Input) { waitOpenFiles(t, in, 1) }

func waitOpenFiles(t *testing.T, in *Input, n float64) {
	t.Helper()
	deadline := time.Now().Add(pipelinetest.Timeout)
	for time.Now().Before(deadline) {
		if testutil.ToFloat64(in.m.openFiles) == n {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("open files %v, want %v", testutil.ToFloat64(in.m.openFiles), n)
}

// TestFollowRetryReadsAgain: a batch that comes back Retry (the pipeline gave up on it) is read
// again after the backoff, and only its delivery moves the saved offset.
func TestFollowRetryReadsAgain(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	state := filepath.Join(dir, "state.json")
	path := filepath.Join(dir, "a.log")
	write(t, path, "a\nb\n")
	in, _ := newInput(t, followMode(dir, func(c *Config) { c.StateFile = state }))
	run := pipelinetest.RunInput(t, in)
	first := run.WaitBatches(t, 1)[0]
	first.Resolve(event.Retry)
	evs := run.WaitEvents(t, 4)
	if got := []string{evs[2].Message(), evs[3].Message()}; !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("re-read %q, want a, b", got)
	}
	if off, _ := in.reg.committedOffset(in.reg.onlyID(t)); off != 0 {
		t.Fatalf("committed %d before delivery, want 0", off)
	}
	run.ResolveAll(event.Delivered)
	if err := run.Stop(t); err != nil {
		t.Fatal(err)
	}
	if err := in.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	if off, _ := in.reg.committedOffset(in.reg.onlyID(t)); off != 4 {
		t.Fatalf("committed %d after delivery, want 4", off)
	}
	// A restart from the state file sends nothing again, but does send what is appended.
	appendTo(t, path, "c\n")
	_, run2 := startFollow(t, dir, func(c *Config) { c.StateFile = state })
	wantMessages(t, run2, "c")
}

// TestFollowShutdownWithUnackedLines: lines handed over but not acknowledged when sluice stops
// are read again by the next run; acknowledged ones are not.
func TestFollowShutdownWithUnackedLines(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	state := filepath.Join(dir, "state.json")
	path := filepath.Join(dir, "a.log")
	write(t, path, "acked\n")
	mod := func(c *Config) { c.StateFile = state }
	in, _ := newInput(t, followMode(dir, mod))
	run := pipelinetest.RunInput(t, in)
	run.WaitBatches(t, 1)[0].Resolve(event.Delivered)
	appendTo(t, path, "pending1\npending2\n")
	run.WaitEvents(t, 3)
	if err := run.Stop(t); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel() // the pipeline did not drain: close without waiting
	if err := in.Close(ctx); err != nil {
		t.Fatal(err)
	}
	_, run2 := startFollow(t, dir, mod)
	wantMessages(t, run2, "pending1", "pending2")
}

// rotatingWriter writes total lines "line N" to path, rotating it by rename every `every`
// lines (close, rename to path.K, reopen), as logrotate with a reopen signal does. Before each
// rotation it calls pause with the number of lines written.
func rotatingWriter(path string, total, every int, pause func(written int)) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o644)
	for i := 0; i < total && err == nil; i++ {
		if i > 0 && i%every == 0 {
			pause(i)
			f.Close()
			if err = os.Rename(path, fmt.Sprintf("%s.%d", path, i/every)); err == nil {
				f, err = os.OpenFile(path, os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o644)
			}
		}
		if err == nil {
			_, err = fmt.Fprintf(f, "line %d\n", i)
		}
	}
	if f != nil {
		f.Close()
	}
	return err
}

// TestFollowRotatingWriterLosesNothing: a writer logs while its file is rotated by rename;
// every line arrives exactly once.
func TestFollowRotatingWriterLosesNothing(t *testing.T) {
	t.Parallel()
	const total, every = 3000, 700
	t.Run("glob matches the rotated names", func(t *testing.T) {
		// The writer does not wait for the reader: a file may be rotated before it was ever
		// opened, and is then read under its new name, from the registry's offset by inode.
		t.Parallel()
		dir := t.TempDir()
		path := filepath.Join(dir, "app.log")
		_, run := startFollow(t, dir, func(c *Config) { c.Paths, c.BatchSize = []string{path + "*"}, 50 })
		if err := rotatingWriter(path, total, every, func(int) {}); err != nil {
			t.Fatal(err)
		}
		got := run.WaitEvents(t, total)
		if err := run.Stop(t); err != nil {
			t.Fatal(err)
		}
		seen := make([]int, total)
		for _, e := range got {
			var n int
			if _, err := fmt.Sscanf(e.Message(), "line %d", &n); err != nil || n < 0 || n >= total {
				t.Fatalf("unexpected line %q", e.Message())
			}
			seen[n]++
		}
		for n, c := range seen {
			if c != 1 {
				t.Errorf("line %d arrived %d times", n, c)
			}
		}
	})
	t.Run("tail -F on one name", func(t *testing.T) {
		// Rotated names are not matched: the reader must read each file out after the rename
		// and find the new one, also when the path is briefly missing in between.
		t.Parallel()
		dir := t.TempDir()
		path := filepath.Join(dir, "app.log")
		write(t, path, "")
		in, run := startFollow(t, dir, func(c *Config) { c.BatchSize = 50 })
		waitOpen(t, in)
		err := rotatingWriter(path, total, every, func(written int) { run.WaitEvents(t, written) })
		if err != nil {
			t.Fatal(err)
		}
		evs := run.WaitEvents(t, total)
		for i, e := range evs {
			if want := fmt.Sprintf("line %d", i); e.Message() != want {
				t.Fatalf("event %d is %q, want %q", i, e.Message(), want)
			}
		}
		if err := run.Stop(t); err != nil {
			t.Fatal(err)
		}
		if n := len(run.Events()); n != total {
			t.Fatalf("got %d events, want %d", n, total)
		}
	})
}

// TestFollowRemovedFile: a removed file is read to its end and let go; a new file at the same
// path is picked up by the next scan.
func TestFollowRemovedFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "a.log")
	write(t, path, "one\n")
	in, run := startFollow(t, dir, nil)
	wantMessages(t, run, "one")
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	write(t, path, "two\n")
	wantMessages(t, run, "one", "two")
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	waitOpenFiles(t, in, 0) // let go after scan_interval
	write(t, path, "three\n")
	wantMessages(t, run, "one", "two", "three")
}

// TestCrashResumesFromPeriodicState: without a clean Close (a crash), the state written every
// state_interval is enough: acknowledged lines are not sent again, the rest is.
func TestCrashResumesFromPeriodicState(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	state := filepath.Join(dir, "state.json")
	path := filepath.Join(dir, "a.log")
	write(t, path, "acked\n")
	mod := func(c *Config) { c.StateFile = state }
	in, _ := newInput(t, followMode(dir, mod))
	run := pipelinetest.RunInput(t, in)
	run.WaitBatches(t, 1)[0].Resolve(event.Delivered)
	appendTo(t, path, "unacked\n")
	run.WaitEvents(t, 2)
	deadline := time.Now().Add(pipelinetest.Timeout)
	for b, _ := os.ReadFile(state); !strings.Contains(string(b), `"offset":6`); b, _ = os.ReadFile(state) {
		if time.Now().After(deadline) {
			t.Fatalf("state never recorded the acknowledged line: %s", b)
		}
		time.Sleep(time.Millisecond)
	}
	if err := run.Stop(t); err != nil { // no Close: sluice died here
		t.Fatal(err)
	}
	_, run2 := startFollow(t, dir, mod)
	wantMessages(t, run2, "unacked")
}
