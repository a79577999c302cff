package runtime

import (
	"context"
	"sync"
)

// gate bounds the events taken in but not yet acknowledged, across all pipelines. Acquire blocks
// (in arrival order, so a large batch is not starved by small ones) until enough room is free;
// Release is called from ack callbacks and never blocks.
type gate struct {
	mu      sync.Mutex
	max     int64
	used    int64
	waiters []*waiter
	idle    chan struct{} // closed when used drops to zero, if someone waits for it
}

type waiter struct {
	n     int64
	ready chan struct{}
}

func newGate(max int) *gate { return &gate{max: int64(max)} }

// clamp caps a request at the gate's size, so that one batch larger than the cap still passes
// (alone) instead of waiting forever.
func (g *gate) clamp(n int) int64 { return min(int64(n), g.max) }

// Acquire takes n units (already clamped) or returns ctx's error.
func (g *gate) Acquire(ctx context.Context, n int64) error {
	g.mu.Lock()
	if len(g.waiters) == 0 && g.used+n <= g.max {
		g.used += n
		g.mu.Unlock()
		return nil
	}
	w := &waiter{n: n, ready: make(chan struct{})}
	g.waiters = append(g.waiters, w)
	g.mu.Unlock()
	select {
	case <-w.ready:
		return nil
	case <-ctx.Done():
		g.mu.Lock()
		defer g.mu.Unlock()
		select {
		case <-w.ready: // granted meanwhile: give it back
			g.releaseLocked(n)
		default:
			for i, x := range g.waiters {
				if x == w {
					g.waiters = append(g.waiters[:i], g.waiters[i+1:]...)
					break
				}
			}
			g.grantLocked() // the head may have been the one blocking the others
		}
		return ctx.Err()
	}
}

// Release returns n units.
func (g *gate) Release(n int64) {
	g.mu.Lock()
	g.releaseLocked(n)
	g.mu.Unlock()
}

func (g *gate) releaseLocked(n int64) {
	g.used -= n
	if g.used < 0 {
		panic("runtime: in-flight gate released more than acquired")
	}
	g.grantLocked()
	if g.used == 0 && g.idle != nil {
		close(g.idle)
		g.idle = nil
	}
}

func (g *gate) grantLocked() {
	for len(g.waiters) > 0 && g.used+g.waiters[0].n <= g.max {
		w := g.waiters[0]
		g.waiters = g.waiters[1:]
		g.used += w.n
		close(w.ready)
	}
}

// Used returns the units held.
func (g *gate) Used() int64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.used
}

// WaitIdle waits until nothing is held or ctx ends; it returns what is still held.
func (g *gate) WaitIdle(ctx context.Context) int64 {
	g.mu.Lock()
	if g.used == 0 {
		g.mu.Unlock()
		return 0
	}
	if g.idle == nil {
		g.idle = make(chan struct{})
	}
	idle := g.idle
	g.mu.Unlock()
	select {
	case <-idle:
	case <-ctx.Done():
	}
	return g.Used()
}
