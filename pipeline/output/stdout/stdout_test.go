package stdout

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/config"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
)

func TestDeliver(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		lines []string
		want  string
	}{
		{"one", []string{"a"}, `{"message":"a"}` + "\n"},
		{"several", []string{"a", "b"}, `{"message":"a"}` + "\n" + `{"message":"b"}` + "\n"},
		{"escapes", []string{"q\"\n\x00\xff"}, `{"message":"q\"\n\u0000\ufffd"}` + "\n"},
		{"empty batch", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			o := New(pipelinetest.Settings(t, "stdout"), NewConfig(), &out)
			b, ack := pipelinetest.Batch(tt.lines...)
			if err := o.Deliver(context.Background(), b); err != nil {
				t.Fatal(err)
			}
			if s := ack.Wait(t); s != event.Delivered {
				t.Fatalf("status %v", s)
			}
			if out.String() != tt.want { // written out before the ack, not at Close
				t.Fatalf("got %q, want %q", out.String(), tt.want)
			}
		})
	}
}

type brokenPipe struct{ fail bool }

func (w *brokenPipe) Write(p []byte) (int, error) {
	if w.fail {
		return 0, errors.New("broken pipe")
	}
	return len(p), nil
}

func TestWriteErrorResolvesRetry(t *testing.T) {
	t.Parallel()
	w := &brokenPipe{fail: true}
	o := New(pipelinetest.Settings(t, "stdout"), NewConfig(), w)
	b, ack := pipelinetest.Batch("x")
	if err := o.Deliver(context.Background(), b); err == nil || !strings.Contains(err.Error(), "broken pipe") {
		t.Fatalf("got %v", err)
	}
	if s := ack.Wait(t); s != event.Retry {
		t.Fatalf("status %v, want retry", s)
	}
	w.fail = false // the writer recovers: the next batch goes through
	b, ack = pipelinetest.Batch("y")
	if err := o.Deliver(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	if s := ack.Wait(t); s != event.Delivered {
		t.Fatalf("status %v", s)
	}
}

func TestConcurrentDeliverKeepsLinesWhole(t *testing.T) {
	t.Parallel()
	var out pipelinetest.Buffer
	o := New(pipelinetest.Settings(t, "stdout"), NewConfig(), &out)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 50 {
				b, _ := pipelinetest.Batch(fmt.Sprintf("%d-%d-%s", g, i, strings.Repeat("z", 2000)))
				if err := o.Deliver(context.Background(), b); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if err := o.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 200 {
		t.Fatalf("got %d lines, want 200", len(lines))
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, `{"message":"`) || !strings.HasSuffix(l, `"}`) {
			t.Fatalf("torn line %.40q", l)
		}
	}
}

// TestConfig: the sample decodes, and a key stdout does not have is an error, not ignored.
func TestConfig(t *testing.T) {
	t.Parallel()
	source := pipeline.InputFactory{
		Type:      "source",
		NewConfig: func() pipeline.Config { return &pipelinetest.EmptyConfig{} },
		Create:    func(pipeline.Settings, pipeline.Config) (pipeline.Input, error) { return nil, nil },
	}
	comps, err := config.NewComponents([]pipeline.InputFactory{source}, nil, []pipeline.OutputFactory{Factory})
	if err != nil {
		t.Fatal(err)
	}
	const tmpl = "inputs: {source: {}}\noutputs: {stdout: %s}\npipelines: {main: {inputs: [source], outputs: [stdout]}}\n"
	if _, err := config.Parse(fmt.Appendf(nil, tmpl, "{}"), comps); err != nil {
		t.Fatalf("sample: %v", err)
	}
	if _, err := config.Parse(fmt.Appendf(nil, tmpl, "{codec: json}"), comps); err == nil || !strings.Contains(err.Error(), "codec") {
		t.Fatalf("unknown key: got %v", err)
	}
}
