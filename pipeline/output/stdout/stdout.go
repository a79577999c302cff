// Package stdout is the output that writes events to standard output as NDJSON (one JSON
// document per line): for `sluice parse`, for trying a pipeline, and for running sluice as a
// filter in a shell pipe.
package stdout

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// Factory creates stdout outputs.
var Factory = pipeline.NewOutputFactory("stdout", NewConfig, func(set pipeline.Settings, c *Config) (*Output, error) {
	return New(set, c, os.Stdout), nil
})

// Output writes NDJSON to a writer (standard output in production).
type Output struct {
	mu  sync.Mutex
	out io.Writer
	w   *bufio.Writer
	buf []byte
}

var (
	_ pipeline.Output = (*Output)(nil)
	_ pipeline.Closer = (*Output)(nil)
)

// New returns an output that writes to w.
func New(set pipeline.Settings, _ *Config, w io.Writer) *Output {
	o := &Output{out: w, w: bufio.NewWriterSize(w, 64<<10)}
	return o
}

// Deliver writes the batch, one line per event, and resolves it Delivered once written out, or
// Retry if the writer fails (a closed pipe): the batch is not lost silently.
func (o *Output) Deliver(_ context.Context, b *event.Batch) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	var err error
	for _, e := range b.Events {
		o.buf = append(e.AppendJSON(o.buf[:0]), '\n')
		if _, err = o.w.Write(o.buf); err != nil {
			break
		}
	}
	if err == nil {
		err = o.w.Flush()
	}
	if err != nil {
		o.w.Reset(o.out) // drop the failed bytes; a later batch may succeed
		b.Resolve(event.Retry)
		return fmt.Errorf("stdout: write: %w", err)
	}
	b.Resolve(event.Delivered)
	return nil
}

// Close flushes what is buffered (nothing, normally: every batch is flushed).
func (o *Output) Close(context.Context) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.w.Flush(); err != nil {
		return fmt.Errorf("stdout: flush: %w", err)
	}
	return nil
}
