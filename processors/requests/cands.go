package requests

import (
	"math"
	"slices"
	"time"
)

// candList holds the access candidates of one endpoint of a server ordered by the time of
// their last line, so that an access line looks only at those near its own time instead of at
// every request in flight. Entries are left in place when their request stops being a
// candidate or moves (a new last line): they are stale, skipped, and removed from the front as
// time passes or all at once when they outnumber the live ones.
type candList struct {
	es []cand
	// late are entries that would have gone deep into es (a line older than many last lines):
	// in no order, looked at for every access line, and merged into es when lateMax are
	// there, so that such a line does not move most of es.
	late []cand
	// checked: es[:checked] were older than access_window at an access line; their requests
	// that were not held were dropped then, so what is live there is held.
	checked int
	stale   int
}

// cand is one entry of a candList: r as a candidate whose last line was at end (unix ns).
type cand struct {
	end int64
	r   *request
	tok uint32 // r.ctok when the entry was made: another value means r has left or moved
}

func (c cand) live() bool { return c.r.cand && c.r.ctok == c.tok }

// lateMax bounds the late entries: each access line looks at all of them, and merging them
// moves the entries of es after the earliest.
const lateMax = 32

// insert adds r at its end, after the entries with the same end; to late, in no order, while
// ordered is not set (no access line of a request endpoint seen yet on the server).
func (l *candList) insert(r *request, ordered bool) {
	if l.stale > 16 && 2*l.stale > len(l.es)+len(l.late) {
		l.compact()
	}
	c := cand{end: r.candEnd, r: r, tok: r.ctok}
	if !ordered {
		l.late = append(l.late, c)
		return
	}
	i := len(l.es) // a request's new last line is usually the latest: no search
	if i > 0 && l.es[i-1].end > c.end {
		i, _ = slices.BinarySearchFunc(l.es, c.end+1, cmpEnd)
		if c.end == math.MaxInt64 {
			i = len(l.es)
		}
		if len(l.es)-i > lateMax {
			l.late = append(l.late, c)
			if len(l.late) >= lateMax {
				l.merge()
			}
			return
		}
	}
	l.es = slices.Insert(l.es, i, c)
	l.checked = min(l.checked, i) // r, not held, may be older than the window: check it again
}

// merge moves the late entries into es, in order.
func (l *candList) merge() {
	late := slices.DeleteFunc(l.late, func(c cand) bool { return !c.live() })
	l.stale -= len(l.late) - len(late)
	slices.SortFunc(late, func(a, b cand) int { return cmpEnd(a, b.end) })
	n := len(l.es)
	l.es = slices.Grow(l.es, len(late))[:n+len(late)]
	i, j := n-1, len(late)-1
	for k := len(l.es) - 1; j >= 0; k-- {
		if i >= 0 && l.es[i].end > late[j].end {
			l.es[k] = l.es[i]
			i--
		} else {
			l.es[k] = late[j]
			j--
		}
	}
	l.checked = min(l.checked, i+1) // es[:i+1] did not move
	clear(l.late)
	l.late = l.late[:0]
}

func cmpEnd(c cand, k int64) int {
	switch {
	case c.end < k:
		return -1
	case c.end > k:
		return 1
	}
	return 0
}

// compact removes the stale entries.
func (l *candList) compact() {
	l.late = slices.DeleteFunc(l.late, func(c cand) bool { return !c.live() })
	n, checked := 0, 0
	for i, c := range l.es {
		if !c.live() {
			continue
		}
		if i < l.checked {
			checked++
		}
		l.es[n] = c
		n++
	}
	clear(l.es[n:])
	l.es, l.checked, l.stale = l.es[:n], checked, 0
}

// expire drops the candidates that are not held and whose last line is more than window
// before t, and the stale entries in front.
func (l *candList) expire(t int64, window time.Duration) {
	for ; l.checked < len(l.es) && since(t, l.es[l.checked].end) > window; l.checked++ {
		if c := l.es[l.checked]; c.live() && !c.r.held {
			c.r.pod.dropCand(c.r)
		}
	}
	for _, c := range l.late {
		if c.live() && !c.r.held && since(t, c.end) > window {
			c.r.pod.dropCand(c.r)
		}
	}
	i := 0
	for i < len(l.es) && !l.es[i].live() {
		i++
	}
	clear(l.es[:i])
	l.es, l.checked, l.stale = l.es[i:], max(l.checked-i, 0), l.stale-i
}

// closest is pod.closest for the candidates of one endpoint, expired already. The entries are
// looked at outward from t, later ones while they can be closer than the second best so far,
// earlier ones also allowing for the second a whole-second time may stand for (gap).
//
// The look stops as soon as two candidates are within startSlack of t: whatever else is near,
// the answer is then ambiguous (a closer one would be within startSlack of the better of the
// two), and best is one of them. On a busy server whose lines carry whole seconds, every
// request of the second is at gap 0 from an access line in it: without the stop each access
// line looked at all of them, most of the CPU of the requests processor.
func (l *candList) closest(t int64, window time.Duration) (best *request, ambiguous bool) {
	bestD, secondD := window+1, window+1
	look := func(c cand) bool {
		if !c.live() {
			return true
		}
		switch d := gap(t, c.end); {
		case d < bestD:
			best, bestD, secondD = c.r, d, bestD
		case d < secondD:
			secondD = d
		}
		return secondD >= startSlack
	}
	i, _ := slices.BinarySearchFunc(l.es, t, cmpEnd)
	for j := i; j < len(l.es) && since(l.es[j].end, t) < secondD; j++ {
		if !look(l.es[j]) {
			return best, true
		}
	}
	for j := i - 1; j >= 0 && since(t, l.es[j].end)-wholeSecond < secondD; j-- {
		if !look(l.es[j]) {
			return best, true
		}
	}
	for _, c := range l.late {
		if !look(c) {
			return best, true
		}
	}
	return best, best != nil && secondD-bestD < startSlack
}

// wholeSecond is how much later than a whole-second time its line may have been written, and
// the response started (gap).
const wholeSecond = time.Second + startSlack

// gap is how far the access line at t is from a request whose last line was at last (unix ns).
// vLLM writes its time to the second: a last line at a whole second may have been written
// anywhere in that second, so every time in it (and startSlack after) is as close as can be
// said. Telling two requests apart by the fraction of a second lost would tie access lines to
// the wrong one.
func gap(t, last int64) time.Duration {
	if t < last {
		return since(last, t)
	}
	hi := last
	if last%int64(time.Second) == 0 {
		hi = last + int64(wholeSecond)
		if hi < last {
			hi = math.MaxInt64
		}
	}
	if t > hi {
		return since(t, hi)
	}
	return 0
}

// since is a-b as time.Time.Sub gives it: bounded rather than wrapped.
func since(a, b int64) time.Duration {
	d := a - b
	switch {
	case b > 0 && d > a:
		return math.MinInt64
	case b < 0 && d < a:
		return math.MaxInt64
	}
	return time.Duration(d)
}

var minNanos, maxNanos = time.Unix(0, math.MinInt64), time.Unix(0, math.MaxInt64)

// nanos is t in unix nanoseconds, bounded where UnixNano would be undefined (the zero time
// of a line without one): every time an event holds is within the bounds.
func nanos(t time.Time) int64 {
	switch {
	case t.Before(minNanos):
		return math.MinInt64
	case t.After(maxNanos):
		return math.MaxInt64
	}
	return t.UnixNano()
}
