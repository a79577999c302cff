package file

import (
	"context"
	"os"
	"path/filepath"
	"slices"
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
func waitOpen(t *testing.T, in *Input) {
	t.Helper()
	deadline := time.Now().Add(pipelinetest.Timeout)
	for time.Now().Before(deadline) {
		if testutil.ToFloat64(in.m.openFiles) > 0 {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatal("no file opened")
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
