// Package budget is the counting semaphore behind sluice's bounds (the runtime's events in
// flight, the Beats input's pending events, an output's held bytes): units are taken before
// work is read or queued and given back when it is done.
package budget

import (
	"context"
	"sync"
)

// Budget holds up to Max units. Acquire serves its waiters in arrival order, so a large piece
// is not starved by small ones passing it; TryAcquire takes nothing while someone waits. It is
// safe for concurrent use.
type Budget struct {
	mu      sync.Mutex
	max     int64
	used    int64
	waiters []*waiter
	wake    chan struct{} // made for TryAcquire's callers when one must wait, closed on the next release
	idle    chan struct{} // closed when used drops to zero, if someone waits for it
}

type waiter struct {
	n     int64
	ready chan struct{}
}

// New returns a budget of max units.
func New(max int64) *Budget { return &Budget{max: max} }

// Share is what a piece of n units takes: n, or the whole budget for a larger piece, so that
// any piece can go through on its own.
func (b *Budget) Share(n int64) int64 { return min(n, b.max) }

// TryAcquire takes n if it fits and nobody waits in Acquire, or returns a channel that closes
// when something is released. It lets a caller wait on other things too (a keepalive timer).
func (b *Budget) TryAcquire(n int64) (bool, <-chan struct{}) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.waiters) == 0 && b.used+n <= b.max {
		b.used += n
		return true, nil
	}
	if b.wake == nil {
		b.wake = make(chan struct{})
	}
	return false, b.wake
}

// Acquire waits its turn until n fits (or ctx ends) and takes it.
func (b *Budget) Acquire(ctx context.Context, n int64) error {
	b.mu.Lock()
	if len(b.waiters) == 0 && b.used+n <= b.max {
		b.used += n
		b.mu.Unlock()
		return nil
	}
	w := &waiter{n: n, ready: make(chan struct{})}
	b.waiters = append(b.waiters, w)
	b.mu.Unlock()
	select {
	case <-w.ready:
		return nil
	case <-ctx.Done():
		b.mu.Lock()
		defer b.mu.Unlock()
		select {
		case <-w.ready: // granted meanwhile: give it back
			b.releaseLocked(n)
		default:
			for i, x := range b.waiters {
				if x == w {
					b.waiters = append(b.waiters[:i], b.waiters[i+1:]...)
					break
				}
			}
			b.grantLocked() // the head may have been the one blocking the others
		}
		return ctx.Err()
	}
}

// Release gives n back and wakes the waiters. It never blocks, so ack callbacks may call it.
func (b *Budget) Release(n int64) {
	b.mu.Lock()
	b.releaseLocked(n)
	b.mu.Unlock()
}

func (b *Budget) releaseLocked(n int64) {
	b.used -= n
	if b.used < 0 {
		panic("budget: released more than acquired")
	}
	b.grantLocked()
	if b.wake != nil { // only when someone may wait on it: no allocation per release otherwise
		close(b.wake)
		b.wake = nil
	}
	if b.used == 0 && b.idle != nil {
		close(b.idle)
		b.idle = nil
	}
}

// grantLocked admits waiters from the head of the queue while they fit.
func (b *Budget) grantLocked() {
	for len(b.waiters) > 0 && b.used+b.waiters[0].n <= b.max {
		w := b.waiters[0]
		b.waiters = b.waiters[1:]
		b.used += w.n
		close(w.ready)
	}
}

// InUse reports the units taken.
func (b *Budget) InUse() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.used
}

// Waiting reports how many callers wait in Acquire.
func (b *Budget) Waiting() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.waiters)
}

// WaitIdle waits until nothing is held or ctx ends; it returns what is still held.
func (b *Budget) WaitIdle(ctx context.Context) int64 {
	b.mu.Lock()
	if b.used == 0 {
		b.mu.Unlock()
		return 0
	}
	if b.idle == nil {
		b.idle = make(chan struct{})
	}
	idle := b.idle
	b.mu.Unlock()
	select {
	case <-idle:
	case <-ctx.Done():
	}
	return b.InUse()
}
