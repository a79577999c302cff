package beats

import (
	"context"
	"sync"
	"time"
)

// budget bounds the events that all connections of the input hold at once: a window takes its
// share before its frames are read and decoded, and gives it back when its ack resolves. The
// runtime's in-flight limit only blocks a connection after it has decoded a window, so without
// this every connected Filebeat could hold a decoded window in memory beyond that limit; with it,
// what waits stays compressed in the socket buffers.
type budget struct {
	mu   sync.Mutex
	used int
	max  int
	wake chan struct{} // closed and replaced on every release
}

func newBudget(max int) *budget { return &budget{max: max, wake: make(chan struct{})} }

// share is what a window of n events takes: n, or the whole budget for a larger window, so
// that any window can go through on its own.
func (b *budget) share(n int) int { return min(n, b.max) }

// tryAcquire takes n if it fits, or returns a channel that closes when something is released.
func (b *budget) tryAcquire(n int) (bool, <-chan struct{}) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.used+n <= b.max {
		b.used += n
		return true, nil
	}
	return false, b.wake
}

func (b *budget) release(n int) {
	b.mu.Lock()
	b.used -= n
	close(b.wake)
	b.wake = make(chan struct{})
	b.mu.Unlock()
}

// inUse reports the events held (for metrics and tests).
func (b *budget) inUse() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.used
}

// reserve waits until the window's share of the budget is free. While it waits with no window
// of its own pending, the connection sends keepalive ACKs (sequence 0): Filebeat has sent the
// window and would otherwise time out and resend it.
func (c *conn) reserve(ctx context.Context, n int) error {
	t := time.NewTimer(c.in.cfg.KeepaliveInterval)
	defer t.Stop()
	for {
		ok, wake := c.in.budget.tryAcquire(n)
		if ok {
			return nil
		}
		c.in.m.budgetWaits.Inc()
		select {
		case <-wake:
		case <-t.C:
			if c.pending.Load() == 0 { // otherwise the ack loop keeps the client waiting
				if err := c.writeACK(0); err != nil {
					return err
				}
				c.in.m.keepalives.Inc()
				c.keepalives.Add(1)
			}
			t.Reset(c.in.cfg.KeepaliveInterval)
		case <-c.closed:
			return errClosing
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
