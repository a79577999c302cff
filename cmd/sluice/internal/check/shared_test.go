package check

import (
	"context"
	"sync/atomic"
	"testing"
)

// Callers that run the same command at the same time share one execution; a later call runs
// it again.
func TestSharedRuns(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	started, release := make(chan struct{}), make(chan struct{})
	s := newSharedRuns(func(context.Context, []string) ([]byte, int, error) {
		if n.Add(1) == 1 {
			close(started)
			<-release
		}
		return []byte("xml"), 0, nil
	})
	joined := make(chan struct{})
	s.joined = func() { close(joined) }
	argv := []string{"nvidia-smi", "-q", "-x"}
	outs := make(chan string, 2)
	call := func() {
		out, _, _ := s.run(context.Background(), argv)
		outs <- string(out)
	}
	go call()
	<-started
	go call()
	<-joined
	close(release)
	if a, b := <-outs, <-outs; a != "xml" || b != "xml" || n.Load() != 1 {
		t.Fatalf("outputs %q %q after %d runs, want one run", a, b, n.Load())
	}
	s.joined = nil
	if out, _, _ := s.run(context.Background(), argv); string(out) != "xml" || n.Load() != 2 {
		t.Errorf("a later call did not run again: %d runs", n.Load())
	}
}

// A waiter whose context ends stops waiting with that error.
func TestSharedRunsWaiterCancelled(t *testing.T) {
	t.Parallel()
	started, release := make(chan struct{}), make(chan struct{})
	s := newSharedRuns(func(context.Context, []string) ([]byte, int, error) {
		close(started)
		<-release
		return nil, 0, nil
	})
	defer close(release)
	go func() { _, _, _ = s.run(context.Background(), []string{"x"}) }()
	<-started
	ctx, cancel := context.WithCancel(context.Background())
	s.mu.Lock()
	s.joined = cancel
	s.mu.Unlock()
	if _, _, err := s.run(ctx, []string{"x"}); err != context.Canceled {
		t.Errorf("err %v, want context.Canceled", err)
	}
}
