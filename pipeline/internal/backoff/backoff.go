// Package backoff computes the pauses sluice takes between attempts: the Kafka input between
// restarts of its consumer, the output sender after failed or refused requests. One doubling
// rule and one jitter rule, so that every component backs off alike and a fix lands once.
package backoff

import (
	"math/rand/v2"
	"time"
)

// Exponential returns base doubled for each attempt after the first (attempt 1 is base),
// capped at limit. A limit below base means base.
func Exponential(base, limit time.Duration, attempt int) time.Duration {
	limit = max(limit, base)
	d := base
	for i := 1; i < attempt && d < limit; i++ {
		d *= 2
	}
	return min(d, limit)
}

// Jitter spreads d as "equal jitter": half fixed, half random. Clients recovering from the same
// outage then do not return in step, and none waits less than half the pause.
func Jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return d
	}
	return d/2 + rand.N(d/2+1)
}
