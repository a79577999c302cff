package logging

import (
	"sync"
	"time"
)

// maxLimitKeys bounds the keys one Limiter tracks in a window, so a flood of distinct keys (a
// scan from many addresses) cannot grow it: past the bound every new key is suppressed.
const maxLimitKeys = 1024

// Limiter throttles a log line that outside clients can provoke at will (a bad connection, a
// malformed frame), so a flood does not turn into a flood of logs. Per key it lets Burst lines
// through in each Every window and counts the rest; the first line let through in a later window
// reports how many were suppressed meanwhile. It is safe for concurrent use.
type Limiter struct {
	// Burst is how many lines per key a window lets through.
	Burst int
	// Every is the window's length.
	Every time.Duration
	// Now reads the clock; tests set it. Nil means time.Now.
	Now func() time.Time

	mu   sync.Mutex
	seen map[string]*count
}

type count struct {
	start               time.Time // of the key's current window
	written, suppressed int
}

// Allow reports whether a line for key may be written now and, when it may, how many lines for
// key were suppressed since the last one written (add it to the line).
func (l *Limiter) Allow(key string) (ok bool, suppressed int) {
	t := time.Now()
	if l.Now != nil {
		t = l.Now()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.seen[key]
	if c == nil {
		if l.seen == nil {
			l.seen = map[string]*count{}
		}
		if len(l.seen) >= maxLimitKeys && !l.prune(t) {
			return false, 0
		}
		c = &count{start: t}
		l.seen[key] = c
	}
	if t.Sub(c.start) >= l.Every {
		c.start, c.written = t, 0
	}
	if c.written >= l.Burst {
		c.suppressed++
		return false, 0
	}
	c.written++
	suppressed, c.suppressed = c.suppressed, 0
	return true, suppressed
}

// prune forgets keys whose window has passed with nothing suppressed; it reports whether room
// was made.
func (l *Limiter) prune(t time.Time) bool {
	n := len(l.seen)
	for k, c := range l.seen {
		if c.suppressed == 0 && t.Sub(c.start) >= l.Every {
			delete(l.seen, k)
		}
	}
	return len(l.seen) < n
}
