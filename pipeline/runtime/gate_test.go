package runtime

import (
	"context"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
)

func TestGateFIFOAndCancel(t *testing.T) {
	t.Parallel()
	g := newGate(10)
	ctx := context.Background()
	if err := g.Acquire(ctx, 8); err != nil {
		t.Fatal(err)
	}
	// A large request waits; a small one behind it must not overtake it.
	bigCtx, cancelBig := context.WithCancel(ctx)
	big := make(chan error, 1)
	go func() { big <- g.Acquire(bigCtx, 5) }()
	pipelinetest.Eventually(t, "big waiting", func() bool { g.mu.Lock(); defer g.mu.Unlock(); return len(g.waiters) == 1 })
	small := make(chan error, 1)
	go func() { small <- g.Acquire(ctx, 1) }()
	pipelinetest.Eventually(t, "small waiting", func() bool { g.mu.Lock(); defer g.mu.Unlock(); return len(g.waiters) == 2 })
	// Cancelling the head lets the one behind it in.
	cancelBig()
	if err := <-big; err == nil {
		t.Fatal("cancelled acquire succeeded")
	}
	if err := <-small; err != nil {
		t.Fatal(err)
	}
	if g.Used() != 9 {
		t.Fatalf("used %d, want 9", g.Used())
	}
	idle := make(chan int64, 1)
	go func() { idle <- g.WaitIdle(ctx) }()
	g.Release(8)
	select {
	case <-idle:
		t.Fatal("idle with 1 still held")
	default:
	}
	g.Release(1)
	if left := <-idle; left != 0 {
		t.Fatalf("left %d", left)
	}
	short, cancel := context.WithTimeout(ctx, time.Millisecond)
	defer cancel()
	_ = g.Acquire(ctx, 3)
	if left := g.WaitIdle(short); left != 3 {
		t.Fatalf("WaitIdle after timeout: %d, want 3", left)
	}
	if g.clamp(50) != 10 {
		t.Fatal("oversized request not clamped")
	}
}
