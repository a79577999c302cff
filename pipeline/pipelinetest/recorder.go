package pipelinetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// recorder is the part Sink and Collector share: it keeps the batches handed to it, can be told
// to block callers, and lets tests wait for a condition without sleeping.
type recorder struct {
	mu      sync.Mutex
	batches []*event.Batch
	events  []*event.Event
	blocked int           // callers waiting on gate
	gate    chan struct{} // non-nil while blocking; closed by Unblock
	changed chan struct{} // closed and replaced on every change
}

func (r *recorder) notifyLocked() {
	if r.changed != nil {
		close(r.changed)
	}
	r.changed = make(chan struct{})
}

// wait waits until cond (called with the lock held) is true or Timeout passes.
func (r *recorder) wait(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.NewTimer(Timeout)
	defer deadline.Stop()
	for {
		r.mu.Lock()
		if cond() {
			r.mu.Unlock()
			return
		}
		if r.changed == nil {
			r.changed = make(chan struct{})
		}
		ch := r.changed
		r.mu.Unlock()
		select {
		case <-ch:
		case <-deadline.C:
			t.Fatalf("pipelinetest: %s not reached within %v", what, Timeout)
		}
	}
}

// pass blocks while the recorder is blocked; it returns ctx's error if ctx ends first.
func (r *recorder) pass(ctx context.Context) error {
	r.mu.Lock()
	gate := r.gate
	if gate == nil {
		r.mu.Unlock()
		return nil
	}
	r.blocked++
	r.notifyLocked()
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		r.blocked--
		r.notifyLocked()
		r.mu.Unlock()
	}()
	select {
	case <-gate:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (r *recorder) add(b *event.Batch) {
	r.mu.Lock()
	r.batches = append(r.batches, b)
	r.events = append(r.events, b.Events...)
	r.notifyLocked()
	r.mu.Unlock()
}

// Block makes later calls wait until Unblock (or their ctx ends), to test backpressure and
// shutdown with work in flight.
func (r *recorder) Block() {
	r.mu.Lock()
	if r.gate == nil {
		r.gate = make(chan struct{})
	}
	r.mu.Unlock()
}

// Unblock releases every waiting and later call.
func (r *recorder) Unblock() {
	r.mu.Lock()
	if r.gate != nil {
		close(r.gate)
		r.gate = nil
	}
	r.mu.Unlock()
}

// WaitBlocked waits until n calls are waiting on Block.
func (r *recorder) WaitBlocked(t testing.TB, n int) {
	t.Helper()
	r.wait(t, "blocked calls", func() bool { return r.blocked >= n })
}

// Batches returns the batches recorded so far.
func (r *recorder) Batches() []*event.Batch {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*event.Batch(nil), r.batches...)
}

// Events returns the events of every recorded batch, in arrival order.
func (r *recorder) Events() []*event.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*event.Event(nil), r.events...)
}

// Messages returns the message field of every recorded event, in arrival order.
func (r *recorder) Messages() []string {
	evs := r.Events()
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.Message()
	}
	return out
}

// WaitEvents waits until at least n events were recorded and returns them all.
func (r *recorder) WaitEvents(t testing.TB, n int) []*event.Event {
	t.Helper()
	r.wait(t, "event count", func() bool { return len(r.events) >= n })
	return r.Events()
}

// WaitBatches waits until at least n batches were recorded and returns them all.
func (r *recorder) WaitBatches(t testing.TB, n int) []*event.Batch {
	t.Helper()
	r.wait(t, "batch count", func() bool { return len(r.batches) >= n })
	return r.Batches()
}
