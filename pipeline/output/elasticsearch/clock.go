package elasticsearch

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"
)

// clock is the time the output reads, so tests drive flush timers and backoff without sleeping.
type clock interface {
	Now() time.Time
	// AfterFunc runs f once after d.
	AfterFunc(d time.Duration, f func())
	// Sleep waits d and reports true, or false if ctx ends first.
	Sleep(ctx context.Context, d time.Duration) bool
}

type realClock struct{}

func (realClock) Now() time.Time                      { return time.Now() }
func (realClock) AfterFunc(d time.Duration, f func()) { time.AfterFunc(d, f) }
func (realClock) Sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// backoff returns the wait before attempt+1: exponential from InitialBackoff, capped at
// MaxBackoff, with "equal jitter" (half fixed, half random) so that many senders recovering
// from the same outage do not return in step.
func backoff(c RetryConfig, attempt int) time.Duration {
	d := c.InitialBackoff
	for i := 1; i < attempt && d < c.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, c.MaxBackoff)
	half := d / 2
	return half + rand.N(half+1)
}

// byteSem bounds the bytes the output holds. acquire blocks until the bytes are free.
type byteSem struct {
	mu   sync.Mutex
	max  int64
	used int64
	free chan struct{} // closed and replaced on every release
}

func newByteSem(max int64) *byteSem { return &byteSem{max: max, free: make(chan struct{})} }

// acquire takes n bytes (at most max, so one huge batch can still pass alone) and returns how
// many it took.
func (s *byteSem) acquire(ctx context.Context, n int64) (int64, error) {
	n = min(n, s.max)
	for {
		s.mu.Lock()
		if s.used+n <= s.max {
			s.used += n
			s.mu.Unlock()
			return n, nil
		}
		free := s.free
		s.mu.Unlock()
		select {
		case <-free:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
}

func (s *byteSem) release(n int64) {
	s.mu.Lock()
	s.used -= n
	close(s.free)
	s.free = make(chan struct{})
	s.mu.Unlock()
}

// inUse reports the bytes held (metrics and tests).
func (s *byteSem) inUse() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.used
}
