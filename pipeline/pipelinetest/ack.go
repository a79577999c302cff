package pipelinetest

import (
	"sync"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// AckRecorder records the status an event.Ack finished with, so a test can assert that a source
// was told the right thing exactly once.
type AckRecorder struct {
	once   sync.Once
	done   chan struct{}
	mu     sync.Mutex
	status event.Status
	calls  int
}

// NewAck returns an Ack whose completion is recorded by the returned AckRecorder.
func NewAck() (*event.Ack, *AckRecorder) {
	r := &AckRecorder{done: make(chan struct{})}
	return event.NewAck(r.record), r
}

func (r *AckRecorder) record(s event.Status) {
	r.mu.Lock()
	r.status = s
	r.calls++
	r.mu.Unlock()
	r.once.Do(func() { close(r.done) })
}

// Done is closed when the ack has finished.
func (r *AckRecorder) Done() <-chan struct{} { return r.done }

// Status returns the final status and whether the ack has finished.
func (r *AckRecorder) Status() (event.Status, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.status, r.calls > 0
}

// Calls returns how many times the ack's callback ran (must be 0 or 1).
func (r *AckRecorder) Calls() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls
}

// Wait waits up to Timeout for the ack to finish and returns its status.
func (r *AckRecorder) Wait(t testing.TB) event.Status {
	t.Helper()
	select {
	case <-r.done:
	case <-time.After(Timeout):
		t.Fatalf("pipelinetest: ack not resolved within %v", Timeout)
	}
	s, _ := r.Status()
	return s
}

// Batch returns a batch of one event per line (each a message received now, Meta.Input "test")
// that owns a fresh recorded ack.
func Batch(lines ...string) (*event.Batch, *AckRecorder) {
	ack, rec := NewAck()
	now := time.Now()
	evs := make([]*event.Event, len(lines))
	for i, l := range lines {
		evs[i] = event.NewMessage(l, now)
		evs[i].Meta.Input = "test"
		evs[i].Meta.Offset = int64(i)
	}
	return event.NewBatch(evs, ack), rec
}
