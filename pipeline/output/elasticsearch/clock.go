package elasticsearch

import (
	"context"
	"time"
)

// clock is the time the output and its sender read, so tests drive pauses without sleeping.
type clock interface {
	Now() time.Time
	// Sleep waits d and reports true, or false if ctx ends first.
	Sleep(ctx context.Context, d time.Duration) bool
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }
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
