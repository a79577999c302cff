package pipelinetest

import (
	"sync"
	"testing"
	"time"
)

// Clock is a fake clock for components that take their time from an interface
// (Now() time.Time; After(time.Duration) <-chan time.Time) instead of the time package, so that
// tests of timeouts, flush intervals and backoff run without sleeping. Time moves only on
// Advance.
type Clock struct {
	mu      sync.Mutex
	now     time.Time
	timers  []fakeTimer
	changed chan struct{}
}

type fakeTimer struct {
	at time.Time
	ch chan time.Time
}

// NewClock returns a clock reading start.
func NewClock(start time.Time) *Clock { return &Clock{now: start, changed: make(chan struct{})} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// After returns a channel that receives the clock's time once Advance has moved it d or more.
func (c *Clock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- c.now
		return ch
	}
	c.timers = append(c.timers, fakeTimer{at: c.now.Add(d), ch: ch})
	close(c.changed)
	c.changed = make(chan struct{})
	return ch
}

// Advance moves the clock forward by d and fires every timer that is due.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	kept := c.timers[:0]
	for _, tm := range c.timers {
		if tm.at.After(c.now) {
			kept = append(kept, tm)
			continue
		}
		tm.ch <- c.now
	}
	clear(c.timers[len(kept):])
	c.timers = kept
	close(c.changed)
	c.changed = make(chan struct{})
}

// Timers returns how many After channels have not fired yet.
func (c *Clock) Timers() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// WaitTimers waits until at least n timers are pending, which tells the test that the code under
// test has reached its wait and Advance will wake it.
func (c *Clock) WaitTimers(t testing.TB, n int) {
	t.Helper()
	deadline := time.After(Timeout)
	for {
		c.mu.Lock()
		pending, ch := len(c.timers), c.changed
		c.mu.Unlock()
		if pending >= n {
			return
		}
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("pipelinetest: %d timers pending, want %d, after %v", pending, n, Timeout)
		}
	}
}
