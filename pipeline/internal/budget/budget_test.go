package budget

import (
	"context"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
)

// A waiter gets its share once enough is released; one larger than the budget takes all of it.
func TestAcquireWaitsForRelease(t *testing.T) {
	t.Parallel()
	b := New(10)
	if err := b.Acquire(context.Background(), 8); err != nil {
		t.Fatal(err)
	}
	got := make(chan error, 1)
	go func() { got <- b.Acquire(context.Background(), b.Share(25)) }()
	if ok, _ := b.TryAcquire(3); ok {
		t.Fatal("3 more fit in a budget of 10 with 8 used")
	}
	b.Release(8)
	select {
	case err := <-got:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(time.Minute):
		t.Fatal("waiter not woken by the release")
	}
	if b.InUse() != 10 {
		t.Fatalf("in use %d, want 10 (an oversized share takes the whole budget)", b.InUse())
	}
}

func TestAcquireStopsWithContext(t *testing.T) {
	t.Parallel()
	b := New(1)
	_ = b.Acquire(context.Background(), 1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := b.Acquire(ctx, 1); err == nil {
		t.Fatal("Acquire on a full budget with a done context returned nil")
	}
	if b.InUse() != 1 {
		t.Fatalf("in use %d after a cancelled acquire, want 1", b.InUse())
	}
}

// Acquire serves waiters in arrival order; a cancelled waiter leaves the queue and lets the one
// behind it in; WaitIdle returns once everything is released, or what is held when ctx ends.
// (The runtime's in-flight gate, which this budget now is, relies on all three.)
func TestAcquireFIFOAndCancel(t *testing.T) {
	t.Parallel()
	g := New(10)
	ctx := context.Background()
	if err := g.Acquire(ctx, 8); err != nil {
		t.Fatal(err)
	}
	// A large request waits; a small one behind it must not overtake it.
	bigCtx, cancelBig := context.WithCancel(ctx)
	big := make(chan error, 1)
	go func() { big <- g.Acquire(bigCtx, 5) }()
	pipelinetest.Eventually(t, "big waiting", func() bool { return g.Waiting() == 1 })
	small := make(chan error, 1)
	go func() { small <- g.Acquire(ctx, 1) }()
	pipelinetest.Eventually(t, "small waiting", func() bool { return g.Waiting() == 2 })
	if ok, _ := g.TryAcquire(1); ok {
		t.Fatal("TryAcquire overtook the waiters")
	}
	// Cancelling the head lets the one behind it in.
	cancelBig()
	if err := <-big; err == nil {
		t.Fatal("cancelled acquire succeeded")
	}
	if err := <-small; err != nil {
		t.Fatal(err)
	}
	if g.InUse() != 9 {
		t.Fatalf("used %d, want 9", g.InUse())
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
	if g.Share(50) != 10 {
		t.Fatal("oversized request not clamped")
	}
}
