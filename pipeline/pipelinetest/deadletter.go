package pipelinetest

import (
	"context"
	"sync"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// NopDeadLetter accepts and forgets every event, for components whose tests do not look at the
// dead letter.
type NopDeadLetter struct{}

// Write does nothing.
func (NopDeadLetter) Write(context.Context, *event.Event, string, string) error { return nil }

// DeadLetter is one event a RecordingDeadLetter received.
type DeadLetter struct {
	// Event is a copy taken at Write time (DeadLetter.Write must not keep its argument).
	Event     *event.Event
	Component string
	Reason    string
}

// RecordingDeadLetter keeps a copy of every event written to it. Set Err to make Write fail
// (a full or broken dead-letter file).
type RecordingDeadLetter struct {
	mu      sync.Mutex
	entries []DeadLetter
	// Err, when set, is returned by Write and nothing is recorded.
	Err error
}

// Write records a clone of e.
func (d *RecordingDeadLetter) Write(_ context.Context, e *event.Event, component, reason string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.Err != nil {
		return d.Err
	}
	d.entries = append(d.entries, DeadLetter{Event: e.Clone(), Component: component, Reason: reason})
	return nil
}

// SetErr makes later writes fail with err (nil restores them), safely while writers run.
func (d *RecordingDeadLetter) SetErr(err error) {
	d.mu.Lock()
	d.Err = err
	d.mu.Unlock()
}

// Entries returns what was written so far.
func (d *RecordingDeadLetter) Entries() []DeadLetter {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]DeadLetter(nil), d.entries...)
}
