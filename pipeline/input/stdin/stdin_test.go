package stdin

import (
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/config"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/input/file/lines"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
)

func newInput(t *testing.T, r io.Reader, mod func(c *Config)) *Input {
	t.Helper()
	cfg := NewConfig()
	if mod != nil {
		mod(cfg)
	}
	in, err := New(pipelinetest.Settings(t, "stdin"), cfg, r)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func TestRun(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		in     string
		max    int
		want   []string
		split  []bool
		offset []int64
	}{
		{"lines", "a\nbb\n", 10, []string{"a", "bb"}, []bool{false, false}, []int64{0, 2}},
		{"crlf and empty lines", "a\r\n\r\n\nb\r\n", 10, []string{"a", "b"}, []bool{false, false}, []int64{0, 6}},
		{"no final newline", "a\nlast", 10, []string{"a", "last"}, []bool{false, false}, []int64{0, 2}},
		{"long line split", "abcdefg\n", 3, []string{"abc", "def", "g"}, []bool{true, true, true}, []int64{0, 3, 6}},
		{"binary", "\x00\xff\n", 10, []string{"\x00\xff"}, []bool{false}, []int64{0}},
		{"nothing", "", 10, nil, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := newInput(t, iotest.OneByteReader(strings.NewReader(tt.in)), func(c *Config) { c.MaxLineBytes = pipeline.ByteSize(tt.max) })
			run := pipelinetest.RunInput(t, in)
			if err := run.Wait(t); err != nil {
				t.Fatal(err)
			}
			evs := run.Events()
			if got := run.Messages(); !slices.Equal(got, tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			for i, e := range evs {
				if e.HasTag(lines.TagSplit) != tt.split[i] || e.Meta.Offset != tt.offset[i] ||
					e.Meta.Source != Source || e.Meta.Input != "stdin" {
					t.Errorf("event %d: split=%v meta=%+v", i, e.HasTag(lines.TagSplit), e.Meta)
				}
			}
		})
	}
}

func TestBatchesRespectSize(t *testing.T) {
	t.Parallel()
	in := newInput(t, strings.NewReader(strings.Repeat("x\n", 25)), func(c *Config) { c.BatchSize = 4 })
	run := pipelinetest.RunInput(t, in)
	if err := run.Wait(t); err != nil {
		t.Fatal(err)
	}
	if n := len(run.Events()); n != 25 {
		t.Fatalf("got %d events, want 25", n)
	}
	for _, b := range run.Batches() {
		if b.Len() > 4 || b.Len() == 0 {
			t.Errorf("batch of %d events, want 1..4", b.Len())
		}
	}
}

// TestInteractive: a line is handed over as soon as it is read, not when a batch fills.
func TestInteractive(t *testing.T) {
	t.Parallel()
	pr, pw := io.Pipe()
	run := pipelinetest.RunInput(t, newInput(t, pr, nil))
	run.AutoResolve(event.Delivered)
	if _, err := pw.Write([]byte("first\n")); err != nil {
		t.Fatal(err)
	}
	if got := run.WaitEvents(t, 1)[0].Message(); got != "first" {
		t.Fatalf("got %q", got)
	}
	if _, err := pw.Write([]byte("second")); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	if err := run.Wait(t); err != nil {
		t.Fatal(err)
	}
	if got := run.Messages(); !slices.Equal(got, []string{"first", "second"}) {
		t.Fatalf("got %q", got)
	}
}

func TestReadErrorKeepsWhatWasRead(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	r := io.MultiReader(strings.NewReader("a\npartial"), iotest.ErrReader(boom))
	run := pipelinetest.RunInput(t, newInput(t, r, nil))
	if err := run.Wait(t); !errors.Is(err, boom) {
		t.Fatalf("Run returned %v, want boom", err)
	}
	if got := run.Messages(); !slices.Equal(got, []string{"a", "partial"}) {
		t.Fatalf("got %q", got)
	}
}

func TestStopWhileBlocked(t *testing.T) {
	t.Parallel()
	pr, pw := io.Pipe()
	defer pw.Close()
	run := pipelinetest.RunInput(t, newInput(t, pr, nil))
	if err := run.Stop(t); err != nil {
		t.Fatal(err)
	}
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"defaults", *NewConfig(), ""},
		{"zero batch", Config{MaxLineBytes: 10}, "batch_size"},
		{"huge line", Config{MaxLineBytes: 1 << 30, BatchSize: 1}, "max_line_bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.cfg.Validate()
			if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
		})
	}
}

// TestSampleConfig decodes the README's sample through the real config loader.
func TestSampleConfig(t *testing.T) {
	t.Parallel()
	comps, err := config.NewComponents([]pipeline.InputFactory{Factory}, nil,
		[]pipeline.OutputFactory{pipelinetest.NewSink().Factory("sink")})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse([]byte(`
inputs:
  stdin:
    max_line_bytes: 1MiB
    batch_size: 1024
outputs:
  sink: {}
pipelines:
  main: {inputs: [stdin], outputs: [sink]}
`), comps)
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Inputs["stdin"].Config.(*Config); got.MaxLineBytes != 1<<20 || got.BatchSize != 1024 {
		t.Fatalf("decoded %+v", got)
	}
}
