package pipelinetest

import (
	"context"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// Collector is a pipeline.Consumer that stands in for the runtime behind an input: it records
// every batch and leaves resolving them to the test (or resolves them at once after
// AutoResolve). Block makes Consume wait, as a full pipeline does.
type Collector struct {
	recorder
	auto   bool
	status event.Status
}

var _ pipeline.Consumer = (*Collector)(nil)

// AutoResolve makes the collector resolve every batch it receives with s.
func (c *Collector) AutoResolve(s event.Status) {
	c.mu.Lock()
	c.auto, c.status = true, s
	c.mu.Unlock()
}

// Consume records b. While blocked it waits; if ctx ends first it resolves b with event.Retry
// and returns ctx's error, as the Consumer contract requires.
func (c *Collector) Consume(ctx context.Context, b *event.Batch) error {
	if err := c.pass(ctx); err != nil {
		b.Resolve(event.Retry)
		return err
	}
	c.mu.Lock()
	auto, s := c.auto, c.status
	c.mu.Unlock()
	c.add(b)
	if auto {
		b.Resolve(s)
	}
	return nil
}

// ResolveAll resolves every recorded batch not yet resolved with s and returns how many it
// resolved.
func (c *Collector) ResolveAll(s event.Status) int {
	n := 0
	for _, b := range c.Batches() {
		if b.Resolve(s) {
			n++
		}
	}
	return n
}

// Running is an input started by RunInput.
type Running struct {
	*Collector
	cancel context.CancelFunc
	done   chan struct{}
	err    error
}

// RunInput starts in.Run with a fresh Collector as its consumer. The input is stopped (its
// context cancelled and Run waited for) when the test ends, and its pending batches resolved
// with event.Retry; then Close is called if the input implements pipeline.Closer.
func RunInput(t testing.TB, in pipeline.Input) *Running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &Running{Collector: &Collector{}, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(r.done)
		r.err = in.Run(ctx, r.Collector)
	}()
	t.Cleanup(func() {
		r.cancel()
		select {
		case <-r.done:
		case <-time.After(Timeout):
			t.Errorf("pipelinetest: input Run did not return within %v of cancel", Timeout)
		}
		r.ResolveAll(event.Retry)
		if c, ok := in.(pipeline.Closer); ok {
			ctx, cancel := context.WithTimeout(context.Background(), Timeout)
			defer cancel()
			if err := c.Close(ctx); err != nil {
				t.Errorf("pipelinetest: close input: %v", err)
			}
		}
	})
	return r
}

// Stop cancels the input's context and returns Run's error once it has returned.
func (r *Running) Stop(t testing.TB) error {
	t.Helper()
	r.cancel()
	return r.Wait(t)
}

// Wait waits for Run to return on its own (an input that finishes, such as a file input in
// read mode) and returns its error.
func (r *Running) Wait(t testing.TB) error {
	t.Helper()
	select {
	case <-r.done:
		return r.err
	case <-time.After(Timeout):
		t.Fatalf("pipelinetest: input Run did not return within %v", Timeout)
		return nil
	}
}

// Done is closed when Run has returned.
func (r *Running) Done() <-chan struct{} { return r.done }
