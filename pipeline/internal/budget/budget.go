// Package budget is the counting semaphore behind sluice's memory bounds (the Beats input's
// pending events, an output's held bytes): units are taken before work is read or queued and
// given back when it is done, and a waiter is woken on every release.
package budget

import (
	"context"
	"sync"
)

// Budget holds up to Max units. It is safe for concurrent use.
type Budget struct {
	mu   sync.Mutex
	max  int64
	used int64
	wake chan struct{} // closed and replaced on every release
}

// New returns a budget of max units.
func New(max int64) *Budget { return &Budget{max: max, wake: make(chan struct{})} }

// Share is what a piece of n units takes: n, or the whole budget for a larger piece, so that
// any piece can go through on its own.
func (b *Budget) Share(n int64) int64 { return min(n, b.max) }

// TryAcquire takes n if it fits, or returns a channel that closes when something is released.
func (b *Budget) TryAcquire(n int64) (bool, <-chan struct{}) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.used+n <= b.max {
		b.used += n
		return true, nil
	}
	return false, b.wake
}

// Acquire waits until n fits (or ctx ends) and takes it.
func (b *Budget) Acquire(ctx context.Context, n int64) error {
	for {
		ok, wake := b.TryAcquire(n)
		if ok {
			return nil
		}
		select {
		case <-wake:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Release gives n back and wakes the waiters.
func (b *Budget) Release(n int64) {
	b.mu.Lock()
	b.used -= n
	close(b.wake)
	b.wake = make(chan struct{})
	b.mu.Unlock()
}

// InUse reports the units taken.
func (b *Budget) InUse() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.used
}
