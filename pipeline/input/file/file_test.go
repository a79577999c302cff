package file

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/input/file/lines"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
)

func write(t testing.TB, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func appendTo(t testing.TB, path, data string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(data); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// newInput creates an input on a fresh registry, so tests can read its metrics.
func newInput(t testing.TB, mod func(c *Config)) (*Input, *prometheus.Registry) {
	t.Helper()
	reg := prometheus.NewRegistry()
	cfg := NewConfig()
	mod(cfg)
	in, err := New(pipelinetest.SettingsWithRegistry(t, "file/test", reg), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return in, reg
}

func readMode(dir string, extra func(c *Config)) func(c *Config) {
	return func(c *Config) {
		c.Paths, c.Mode = []string{filepath.Join(dir, "*.log")}, ModeRead
		if extra != nil {
			extra(c)
		}
	}
}

func TestReadMode(t *testing.T) {
	t.Parallel()
	type line struct {
		msg   string
		off   int64
		split bool
	}
	tests := []struct {
		name string
		data string
		max  int
		want []line
	}{
		{"lines", "one\ntwo\n", 100, []line{{"one", 0, false}, {"two", 4, false}}},
		{"crlf", "one\r\ntwo\r\n", 100, []line{{"one", 0, false}, {"two", 5, false}}},
		{"last line without newline", "one\ntwo", 100, []line{{"one", 0, false}, {"two", 4, false}}},
		{"empty lines skipped", "\n\none\n\r\n", 100, []line{{"one", 2, false}}},
		{"long line split and tagged", "abcdefgh\nx\n", 3, []line{
			{"abc", 0, true}, {"def", 3, true}, {"gh", 6, true}, {"x", 9, false}}},
		{"binary garbage kept", "\x00\x01\xff\xfe\n\x1b[31mred\n", 100, []line{
			{"\x00\x01\xff\xfe", 0, false}, {"\x1b[31mred", 5, false}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := filepath.Join(dir, "a.log")
			write(t, path, tt.data)
			in, _ := newInput(t, readMode(dir, func(c *Config) { c.MaxLineBytes = pipeline.ByteSize(tt.max) }))
			run := pipelinetest.RunInput(t, in)
			if err := run.Wait(t); err != nil {
				t.Fatal(err)
			}
			evs := run.Events()
			if len(evs) != len(tt.want) {
				t.Fatalf("got %d events %q, want %d", len(evs), run.Messages(), len(tt.want))
			}
			for i, w := range tt.want {
				e := evs[i]
				if e.Message() != w.msg || e.Meta.Offset != w.off || e.HasTag(lines.TagSplit) != w.split {
					t.Errorf("event %d: %q at %d split=%v, want %+v", i, e.Message(), e.Meta.Offset, e.HasTag(lines.TagSplit), w)
				}
				if p, _ := e.GetString(event.FieldLogFilePath); p != path || e.Meta.Source != path || e.Meta.Input != "file/test" {
					t.Errorf("event %d: path field %q source %q input %q", i, p, e.Meta.Source, e.Meta.Input)
				}
				if v, _ := e.Get(event.FieldLogOffset); v.Int() != w.off {
					t.Errorf("event %d: log.offset %v, want %d", i, v, w.off)
				}
				if e.Meta.Received.IsZero() {
					t.Errorf("event %d: no receipt time", i)
				}
				if js := string(e.AppendJSON(nil)); !strings.Contains(js, `"log":{"file":{"path":`) {
					t.Errorf("event %d: JSON %s lacks nested log.file.path", i, js)
				}
			}
			for _, b := range run.Batches() {
				if b.Key != path {
					t.Errorf("batch key %q, want %q", b.Key, path)
				}
			}
		})
	}
}

func TestReadModeManyFilesAndBatches(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var want int
	for _, n := range []string{"a.log", "b.log", "c.log", "skip.txt", "old.log.gz", "drop.log"} {
		var sb strings.Builder
		for i := range 25 {
			sb.WriteString(n + " line " + strings.Repeat("x", i) + "\n")
		}
		write(t, filepath.Join(dir, n), sb.String())
		if strings.HasSuffix(n, ".log") && n != "drop.log" {
			want += 25
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "dir.log"), 0o755); err != nil {
		t.Fatal(err)
	}
	in, reg := newInput(t, readMode(dir, func(c *Config) {
		c.Paths = []string{filepath.Join(dir, "*.log*")}
		c.BatchSize = 10
		c.Exclude = append(c.Exclude, filepath.Join(dir, "drop.*"))
	}))
	run := pipelinetest.RunInput(t, in)
	if err := run.Wait(t); err != nil {
		t.Fatal(err)
	}
	if got := len(run.Events()); got != want {
		t.Fatalf("got %d events, want %d", got, want)
	}
	for _, b := range run.Batches() {
		if b.Len() > 10 {
			t.Errorf("batch of %d events, batch_size 10", b.Len())
		}
	}
	if got := testutil.ToFloat64(in.m.lines); got != float64(want) {
		t.Errorf("lines metric %v, want %d", got, want)
	}
	if got := testutil.ToFloat64(in.m.openFiles); got != 0 {
		t.Errorf("open files %v after read mode, want 0", got)
	}
	if n, err := testutil.GatherAndCount(reg, "sluice_file_bytes_read_total"); err != nil || n != 1 {
		t.Errorf("bytes metric not registered: %d %v", n, err)
	}
}

func TestUnreadableFileIsReportedAndTheRestRead(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.log")
	write(t, bad, "secret\n")
	write(t, filepath.Join(dir, "good.log"), "fine\n")
	in, _ := newInput(t, readMode(dir, nil))
	var logs pipelinetest.Buffer
	in.log = slog.New(slog.NewTextHandler(&logs, nil))
	in.openFile = func(name string) (*os.File, error) {
		if name == bad {
			return nil, &os.PathError{Op: "open", Path: name, Err: os.ErrPermission}
		}
		return os.Open(name)
	}
	run := pipelinetest.RunInput(t, in)
	if err := run.Wait(t); err != nil {
		t.Fatal(err)
	}
	if got := run.Messages(); len(got) != 1 || got[0] != "fine" {
		t.Fatalf("got %q, want the readable file's line", got)
	}
	if got := testutil.ToFloat64(in.m.readErrors); got != 1 {
		t.Errorf("read errors %v, want 1", got)
	}
	if l := logs.String(); !strings.Contains(l, "level=ERROR") || !strings.Contains(l, bad) ||
		!strings.Contains(l, "permission denied") {
		t.Errorf("log does not name the file and the error: %s", l)
	}
}

func TestCorruptStateFileIsAnError(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	state := filepath.Join(dir, "state.json")
	write(t, state, "{not json")
	cfg := NewConfig()
	cfg.Paths, cfg.StateFile = []string{filepath.Join(dir, "*.log")}, state
	_, err := New(pipelinetest.Settings(t, "file"), cfg)
	if err == nil || !strings.Contains(err.Error(), state) {
		t.Fatalf("want an error naming the corrupt state file, got %v", err)
	}
}

// TestRestartResumesAtLastAckedOffset: a first run delivers some batches and not others; the
// second run, from the state file, sends exactly the lines not delivered.
func TestRestartResumesAtLastAckedOffset(t *testing.T) {
	const unresolved = event.Status(99)
	t.Parallel()
	tests := []struct {
		name     string
		statuses []event.Status // per batch of 2 lines; missing or unresolved means never resolved
		want     []string       // lines the second run must send
	}{
		{"all delivered", []event.Status{event.Delivered, event.Delivered, event.Delivered}, nil},
		{"last unacked", []event.Status{event.Delivered, event.Delivered}, []string{"l5"}},
		{"retry in the middle", []event.Status{event.Delivered, event.Retry, event.Delivered},
			[]string{"l3", "l4", "l5"}},
		{"later delivered, first never", []event.Status{unresolved, event.Delivered, event.Delivered},
			[]string{"l1", "l2", "l3", "l4", "l5"}},
		{"nothing acked", nil, []string{"l1", "l2", "l3", "l4", "l5"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			state := filepath.Join(dir, "state", "file.json")
			if err := os.Mkdir(filepath.Dir(state), 0o755); err != nil {
				t.Fatal(err)
			}
			write(t, filepath.Join(dir, "a.log"), "l1\nl2\nl3\nl4\nl5\n")
			mod := readMode(dir, func(c *Config) { c.BatchSize, c.StateFile = 2, state })
			first, _ := newInput(t, mod)
			run := pipelinetest.RunInput(t, first)
			if err := run.Wait(t); err != nil {
				t.Fatal(err)
			}
			bs := run.Batches()
			for i, s := range tt.statuses {
				if s == unresolved {
					continue
				}
				bs[i].Resolve(s)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 0)
			defer cancel()
			if err := first.Close(ctx); err != nil { // unresolved batches: closes without them
				t.Fatal(err)
			}
			second, _ := newInput(t, mod)
			run2 := pipelinetest.RunInput(t, second)
			if err := run2.Wait(t); err != nil {
				t.Fatal(err)
			}
			if got := run2.Messages(); strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Fatalf("second run sent %q, want %q", got, tt.want)
			}
		})
	}
}

func TestStateFileIsReplacedAtomically(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	state := filepath.Join(dir, "state.json")
	write(t, filepath.Join(dir, "a.log"), "x\n")
	in, _ := newInput(t, readMode(dir, func(c *Config) { c.StateFile = state }))
	run := pipelinetest.RunInput(t, in)
	if err := run.Wait(t); err != nil {
		t.Fatal(err)
	}
	run.ResolveAll(event.Delivered)
	if err := in.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(state)
	if err != nil || !strings.Contains(string(b), `"offset":2`) {
		t.Fatalf("state %s %v, want offset 2", b, err)
	}
	left, _ := filepath.Glob(filepath.Join(dir, "state.json.tmp*"))
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	if err := in.Close(context.Background()); err != nil && !errors.Is(err, os.ErrClosed) {
		t.Errorf("second Close: %v", err)
	}
}

// TestBatchesSourceNeverWaits: the input reads on whether or not its batches are acknowledged,
// so a processor that holds a batch back (the parse processor waiting for a split line's rest)
// is told the source does not wait for it: the rest can come without the acknowledgement.
func TestBatchesSourceNeverWaits(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "a.log"), "one\ntwo\n")
	in, _ := newInput(t, readMode(dir, nil))
	run := pipelinetest.RunInput(t, in)
	if err := run.Wait(t); err != nil {
		t.Fatal(err)
	}
	bs := run.Batches()
	if len(bs) == 0 {
		t.Fatal("no batch")
	}
	for _, b := range bs {
		h := b.Hold()
		if h.SourceWaits() {
			t.Error("a batch's source waits for its acknowledgement")
		}
		h.Resolve(event.Delivered)
	}
	run.ResolveAll(event.Delivered)
}
