package check

import (
	"context"
	"strings"
	"sync"
)

// sharedRuns lets checks that run the same command at the same time share one execution: the
// GPU section's nine checks all read `nvidia-smi -q -x`, which takes seconds on an eight-GPU node
// and serialises on the driver. Only concurrent callers share; a later round runs it afresh.
type sharedRuns struct {
	mu    sync.Mutex
	calls map[string]*sharedCall
	exec  func(context.Context, []string) ([]byte, int, error)
	// joined, when set, is called as a caller starts waiting on a run in flight (for tests).
	joined func()
}

type sharedCall struct {
	done chan struct{}
	out  []byte
	code int
	err  error
}

var shared = newSharedRuns(runCommand)

func newSharedRuns(exec func(context.Context, []string) ([]byte, int, error)) *sharedRuns {
	return &sharedRuns{calls: map[string]*sharedCall{}, exec: exec}
}

// run runs argv, or waits for the identical run already in flight.
func (s *sharedRuns) run(ctx context.Context, argv []string) ([]byte, int, error) {
	key := strings.Join(argv, "\x00")
	s.mu.Lock()
	c, ok := s.calls[key]
	if !ok {
		c = &sharedCall{done: make(chan struct{})}
		s.calls[key] = c
		s.mu.Unlock()
		// The run is bound by the first caller's context; a later caller whose own context
		// ends stops waiting.
		c.out, c.code, c.err = s.exec(ctx, argv)
		s.mu.Lock()
		delete(s.calls, key)
		s.mu.Unlock()
		close(c.done)
		return c.out, c.code, c.err
	}
	joined := s.joined
	s.mu.Unlock()
	if joined != nil {
		joined()
	}
	select {
	case <-c.done:
		return c.out, c.code, c.err
	case <-ctx.Done():
		return nil, -1, ctx.Err()
	}
}
