package sender

import (
	"time"

	"github.com/sluice-dev/sluice/pipeline/internal/backoff"
)

// Thresholds of the controller. The rejection ratio is an exponentially weighted average over
// requests, so one unlucky request neither starts nor ends a "rejecting" period.
const (
	ratioWeight   = 0.2  // weight of the newest request in the average
	rejectStart   = 0.02 // average above which the output logs that the cluster rejects
	rejectStop    = 0.002
	pushbackRatio = 0.5 // an average share refused at least this high pauses the sender
	downAfter     = 3   // consecutive failed requests before the output is down
	latencyFactor = 3   // a round trip this many times the average means the cluster is loaded
)

// control is the state that reads the cluster's answers: the concurrency limit, the pause
// before the next request, health and the rejection ratio. It is guarded by Sender.mu.
type control struct {
	cfg          Config
	limit        int
	pauseUntil   time.Time
	pushback     int // consecutive requests that failed or were mostly refused
	lastDecrease time.Time
	rtt          time.Duration // average round trip of successful requests

	failures  int
	lastErr   error
	down      bool
	downSince time.Time
	ratio     float64
	rejecting bool
	lastOK    time.Time
}

// note is a state change to log and export once the lock is released.
type note struct {
	down, up, rejecting, calm bool
	err                       error
	downFor                   time.Duration
	ratio                     float64
	pause                     time.Duration
	failures, limit           int
	lastOK                    time.Time
}

func newControl(cfg Config) control {
	c := control{cfg: cfg, limit: cfg.Workers}
	if cfg.Concurrency == Adaptive {
		// Start where the previous fixed default was and let the answers move it.
		c.limit = min(2, cfg.Workers)
	}
	return c
}

// observe reads one answer. saturated is the requests that were in flight when it was sent,
// counting itself.
func (c *control) observe(now time.Time, n int, r Response, rtt time.Duration, inflight int) note {
	var out note
	ratio := float64(r.Rejected) / float64(max(n, 1))
	if r.Err != nil {
		ratio = 1
	}
	c.health(now, r.Err, &out)
	c.rejections(ratio, r.Err != nil, &out)
	c.gate(now, r.Err != nil || c.ratio >= pushbackRatio, &out)
	loaded := r.Err != nil || r.Rejected > 0 || (c.rtt > 0 && rtt > latencyFactor*c.rtt)
	if r.Err == nil {
		c.rtt = ewmaDuration(c.rtt, rtt)
	}
	c.adapt(now, loaded, inflight >= c.limit)
	out.limit, out.failures, out.ratio, out.lastOK = c.limit, c.failures, c.ratio, c.lastOK
	return out
}

// health counts consecutive failed requests: down after downAfter, up on the first success.
func (c *control) health(now time.Time, err error, out *note) {
	if err == nil {
		if c.down {
			out.up, out.downFor = true, now.Sub(c.downSince)
		}
		c.failures, c.down, c.lastOK = 0, false, now
		return
	}
	c.failures++
	c.lastErr = err
	if c.failures >= downAfter && !c.down {
		c.down, c.downSince = true, now
		out.down, out.err = true, err
	}
}

func (c *control) rejections(ratio float64, failed bool, out *note) {
	if failed {
		return // an outage is reported by health, not as rejections
	}
	c.ratio = c.ratio*(1-ratioWeight) + ratio*ratioWeight
	switch {
	case !c.rejecting && c.ratio >= rejectStart:
		c.rejecting, out.rejecting = true, true
	case c.rejecting && c.ratio < rejectStop:
		c.rejecting, out.calm = false, true
		c.ratio = 0
	}
}

// gate sets the pause before the next request: it doubles from InitialBackoff to MaxBackoff
// while requests fail or the average share refused is at least pushbackRatio, and ends with the
// first answer after which neither holds. A steady minority of refusals (they travel again with
// the next request) does not pause anything.
func (c *control) gate(now time.Time, pushback bool, out *note) {
	if !pushback {
		c.pushback = 0
		return
	}
	c.pushback++
	// Jittered, so that senders recovering from the same outage do not return in step.
	d := backoff.Jitter(backoff.Exponential(c.cfg.InitialBackoff, c.cfg.MaxBackoff, c.pushback))
	c.pauseUntil = now.Add(d)
	out.pause = d
}

// adapt moves the limit: one more request in flight after a clean answer while the limit was
// used in full, a quarter fewer (at most once per round trip) when the cluster pushes back.
func (c *control) adapt(now time.Time, loaded, saturated bool) {
	if c.cfg.Concurrency != Adaptive {
		return
	}
	switch {
	case loaded && now.Sub(c.lastDecrease) >= c.rtt:
		c.limit = max(1, min(c.limit-1, c.limit*3/4))
		c.lastDecrease = now
	case !loaded && saturated:
		c.limit = min(c.cfg.Workers, c.limit+1)
	}
}

func ewmaDuration(avg, d time.Duration) time.Duration {
	if avg == 0 {
		return d
	}
	return time.Duration(float64(avg)*(1-ratioWeight) + float64(d)*ratioWeight)
}

// report logs state changes (once each, not per retry) and updates the gauges.
func (s *Sender) report(n note) {
	s.m.limit.Set(float64(n.limit))
	s.m.failures.Set(float64(n.failures))
	s.m.ratio.Set(n.ratio)
	if !n.lastOK.IsZero() {
		s.m.lastOK.Set(float64(n.lastOK.UnixNano()) / 1e9)
	}
	if n.pause > 0 {
		s.m.backoffs.Inc()
	}
	switch {
	case n.down:
		s.m.up.Set(0)
		s.log.Warn(s.id+": output down, retrying", "consecutive_failures", n.failures, "err", n.err)
	case n.up:
		s.m.up.Set(1)
		s.log.Info(s.id+": output up again", "down_for", n.downFor.Round(time.Millisecond).String())
	}
	if n.rejecting {
		s.log.Warn(s.id+": destination rejecting documents, retrying them", "rejection_ratio", round(n.ratio))
	}
	if n.calm {
		s.log.Info(s.id + ": destination accepting documents again")
	}
}

func round(f float64) float64 { return float64(int(f*1000+0.5)) / 1000 }
