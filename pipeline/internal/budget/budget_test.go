package budget

import (
	"context"
	"testing"
	"time"
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
