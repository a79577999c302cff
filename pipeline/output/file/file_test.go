package file

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
)

func newOutput(t testing.TB, mod func(c *Config)) *Output {
	t.Helper()
	cfg := NewConfig()
	cfg.Path = filepath.Join(t.TempDir(), "out.ndjson")
	mod(cfg)
	o, err := New(pipelinetest.Settings(t, "file"), cfg)
	if err != nil {
		t.Fatal(err)
	}
	o.wait = func(context.Context, time.Duration) error { return nil }
	t.Cleanup(func() { _ = o.Close(context.Background()) })
	return o
}

// readLines returns the lines of a file, checking each is a JSON object.
func readLines(t testing.TB, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("%s: line %d is not JSON: %q: %v", path, len(out)+1, sc.Text(), err)
		}
		out = append(out, m["message"].(string))
	}
	return out
}

func deliver(t testing.TB, o *Output, lines ...string) event.Status {
	t.Helper()
	b, ack := pipelinetest.Batch(lines...)
	if err := o.Deliver(context.Background(), b); err != nil {
		t.Logf("deliver: %v", err)
	}
	return ack.Wait(t)
}

func TestDeliverWritesNDJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		sync  string
		lines []string
	}{
		{"sync batch", SyncBatch, []string{"a", "b"}},
		{"sync none", SyncNone, []string{"a"}},
		{"quotes and newlines", SyncBatch, []string{`say "hi"`, "two\nlines", "tab\there"}},
		{"binary garbage", SyncBatch, []string{"\x00\xff\xfe\x1b[0m"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o := newOutput(t, func(c *Config) { c.Sync = tt.sync })
			if s := deliver(t, o, tt.lines...); s != event.Delivered {
				t.Fatalf("status %v", s)
			}
			got := readLines(t, o.cfg.Path) // readable before Close: each batch is flushed
			want := slices.Clone(tt.lines)
			for i, w := range want { // each invalid byte becomes U+FFFD
				want[i] = strings.NewReplacer("\xff", "\uFFFD", "\xfe", "\uFFFD").Replace(w)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("got %q, want %q", got, want)
			}
		})
	}
}

func TestAppendsToExistingFile(t *testing.T) {
	t.Parallel()
	o := newOutput(t, func(c *Config) {})
	if err := os.WriteFile(o.cfg.Path, []byte(`{"message":"before"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	deliver(t, o, "after")
	if got := readLines(t, o.cfg.Path); !slices.Equal(got, []string{"before", "after"}) {
		t.Fatalf("got %q", got)
	}
}

func TestRotation(t *testing.T) {
	t.Parallel()
	o := newOutput(t, func(c *Config) { c.MaxBytes, c.MaxFiles = 100, 2 })
	var all []string
	for i := range 12 {
		line := fmt.Sprintf("event %02d", i) // {"message":"event 00"}\n = 23 bytes: 4 a file
		all = append(all, line)
		if s := deliver(t, o, line); s != event.Delivered {
			t.Fatalf("status %v", s)
		}
	}
	p := o.cfg.Path
	var kept []string
	for _, name := range []string{p + ".2", p + ".1", p} {
		fi, err := os.Stat(name)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Size() > 100 {
			t.Errorf("%s has %d bytes, max 100", name, fi.Size())
		}
		kept = append(kept, readLines(t, name)...)
	}
	if _, err := os.Stat(p + ".3"); !os.IsNotExist(err) {
		t.Errorf("%s.3 exists beyond max_files", p)
	}
	if !slices.Equal(kept, all[len(all)-len(kept):]) || len(kept) != 12 {
		t.Fatalf("kept %q, want the newest of %q", kept, all)
	}
	if got := testutil.ToFloat64(o.m.rotations); got != 2 {
		t.Errorf("rotations %v, want 2", got)
	}
}

func TestDatePattern(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	o := newOutput(t, func(c *Config) { c.Path = filepath.Join(dir, "%Y", "ev-%m-%d.ndjson") })
	day := time.Date(2026, 11, 27, 23, 59, 0, 0, time.UTC)
	o.now = func() time.Time { return day }
	deliver(t, o, "first day")
	day = day.Add(2 * time.Minute)
	deliver(t, o, "second day")
	for name, want := range map[string]string{"2026/ev-11-27.ndjson": "first day", "2026/ev-11-28.ndjson": "second day"} {
		if got := readLines(t, filepath.Join(dir, name)); !slices.Equal(got, []string{want}) {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
}

// flaky fails the first failures Write calls after writing half of what it was given, as a
// disk that fills up would.
type flaky struct {
	*os.File
	failures *atomic.Int32
}

func (f flaky) Write(p []byte) (int, error) {
	if f.failures.Add(-1) >= 0 {
		n, _ := f.File.Write(p[:len(p)/2])
		return n, syscall.ENOSPC
	}
	return f.File.Write(p)
}

func TestWriteErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		failures int32
		retries  int
		want     event.Status
		lines    []string // in the file afterwards
	}{
		{"recovers on retry, no torn line", 1, 3, event.Delivered, []string{"ok", "x", "y"}},
		{"recovers on last retry", 3, 3, event.Delivered, []string{"ok", "x", "y"}},
		{"gives up after retries", 4, 3, event.Retry, []string{"ok"}},
		{"no retries", 1, 0, event.Retry, []string{"ok"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o := newOutput(t, func(c *Config) { c.MaxRetries = tt.retries })
			var failures atomic.Int32
			o.open = func(name string) (writeFile, error) {
				f, err := os.OpenFile(name, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
				return flaky{f, &failures}, err
			}
			var waits []time.Duration
			o.wait = func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }
			deliver(t, o, "ok")
			failures.Store(tt.failures)
			b, ack := pipelinetest.Batch("x", "y")
			err := o.Deliver(context.Background(), b)
			if got := ack.Wait(t); got != tt.want {
				t.Fatalf("status %v, want %v", got, tt.want)
			}
			if (err != nil) != (tt.want != event.Delivered) || (err != nil && !errors.Is(err, syscall.ENOSPC)) {
				t.Fatalf("Deliver error %v", err)
			}
			if got := readLines(t, o.cfg.Path); !slices.Equal(got, tt.lines) {
				t.Fatalf("file holds %q, want %q", got, tt.lines)
			}
			if n := min(int(tt.failures), tt.retries); len(waits) != n || (n > 1 && waits[1] != 2*waits[0]) {
				t.Errorf("backoff waits %v, want %d doubling", waits, n)
			}
		})
	}
}

func TestCancelledWhileBackingOff(t *testing.T) {
	t.Parallel()
	o := newOutput(t, func(c *Config) { c.Path = filepath.Join(t.TempDir(), "missing-dir-file") })
	o.open = func(string) (writeFile, error) { return nil, syscall.EACCES }
	o.wait = sleep
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	b, ack := pipelinetest.Batch("x")
	if err := o.Deliver(ctx, b); !errors.Is(err, syscall.EACCES) {
		t.Fatalf("got %v", err)
	}
	if s := ack.Wait(t); s != event.Retry {
		t.Fatalf("status %v", s)
	}
}

func TestConcurrentDeliver(t *testing.T) {
	t.Parallel()
	o := newOutput(t, func(c *Config) { c.Sync, c.BufferBytes = SyncNone, 512 })
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 25 {
				deliver(t, o, fmt.Sprintf("g%d-%d %s", g, i, strings.Repeat("x", 100)))
			}
		})
	}
	wg.Wait()
	if err := o.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := readLines(t, o.cfg.Path); len(got) != 100 {
		t.Fatalf("got %d lines, want 100", len(got))
	}
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		mod  func(c *Config)
		want string
	}{
		{"valid", func(c *Config) {}, ""},
		{"no path", func(c *Config) { c.Path = "" }, "path: required"},
		{"bad pattern", func(c *Config) { c.Path = "/x-%Q.log" }, `path: unknown date pattern at "%Q.log"`},
		{"trailing percent", func(c *Config) { c.Path = "/x%" }, "unknown date pattern"},
		{"rotation without files", func(c *Config) { c.MaxFiles = 0 }, "max_files"},
		{"no rotation, no files", func(c *Config) { c.MaxBytes, c.MaxFiles = 0, 0 }, ""},
		{"bad sync", func(c *Config) { c.Sync = "always" }, `sync: "always"`},
		{"tiny buffer", func(c *Config) { c.BufferBytes = 1 }, "buffer_bytes"},
		{"zero backoff", func(c *Config) { c.RetryBackoff = 0 }, "retry_backoff"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := NewConfig()
			c.Path = "/var/log/sluice/%Y-%m-%d-%H%%.ndjson"
			tt.mod(c)
			err := c.Validate()
			if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
		})
	}
}

func TestExpand(t *testing.T) {
	t.Parallel()
	ts := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	for in, want := range map[string]string{
		"/a/b.log":         "/a/b.log",
		"/a/%Y/%m/%d/%H":   "/a/2026/03/04/05",
		"/a/100%%-%Y.json": "/a/100%-2026.json",
	} {
		if got := expand(in, ts); got != want {
			t.Errorf("expand(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestFileRemovedUnderneath: when the file is removed or renamed by someone else, the next
// batch goes to a new file at the path, not to the invisible old one.
func TestFileRemovedUnderneath(t *testing.T) {
	t.Parallel()
	for _, how := range []string{"removed", "renamed"} {
		t.Run(how, func(t *testing.T) {
			t.Parallel()
			o := newOutput(t, func(c *Config) {})
			deliver(t, o, "before")
			var err error
			if how == "removed" {
				err = os.Remove(o.cfg.Path)
			} else {
				err = os.Rename(o.cfg.Path, o.cfg.Path+".old")
			}
			if err != nil {
				t.Fatal(err)
			}
			deliver(t, o, "after")
			if got := readLines(t, o.cfg.Path); !slices.Equal(got, []string{"after"}) {
				t.Fatalf("file holds %q, want [after]", got)
			}
		})
	}
}
