package requests

import (
	"math/rand/v2"
	"testing"
	"time"
)

// nCands counts pd's candidates.
func (pd *pod) nCands() int {
	n := 0
	for _, l := range pd.cands {
		for _, c := range append(l.es[:len(l.es):len(l.es)], l.late...) {
			if c.live() {
				n++
			}
		}
	}
	return n
}

// linear is the lookup as it was before the candidates were ordered: every candidate of the
// server looked at for each access line. It is the reference the ordered lookup must agree with.
type linear struct{ rs []*request }

func (l *linear) closest(ep uint8, t time.Time, window time.Duration) (best *request, ambiguous bool) {
	bestD, secondD := window+1, window+1
	for i := 0; i < len(l.rs); {
		r := l.rs[i]
		if !r.held && t.Sub(r.end) > window {
			l.drop(r)
			continue
		}
		i++
		if r.endpoint != ep {
			continue
		}
		switch d := linearGap(t, r.end); {
		case d < bestD:
			best, bestD, secondD = r, d, bestD
		case d < secondD:
			secondD = d
		}
	}
	return best, best != nil && secondD-bestD < startSlack
}

func linearGap(t, last time.Time) time.Duration {
	hi := last
	if last.Nanosecond() == 0 {
		hi = last.Add(time.Second + startSlack)
	}
	switch {
	case t.Before(last):
		return last.Sub(t)
	case t.After(hi):
		return t.Sub(hi)
	}
	return 0
}

func (l *linear) has(r *request) bool {
	for _, x := range l.rs {
		if x == r {
			return true
		}
	}
	return false
}

func (l *linear) drop(r *request) {
	for i, x := range l.rs {
		if x == r {
			l.rs[i] = l.rs[len(l.rs)-1]
			l.rs = l.rs[:len(l.rs)-1]
			return
		}
	}
}

// randomTime is near base: on a whole second, on a tenth of a second, anywhere, or (rarely)
// the zero time of a line without one.
func randomTime(rng *rand.Rand, base time.Time) time.Time {
	d := time.Duration(rng.Int64N(int64(4*time.Second))) - time.Second
	switch rng.IntN(30) {
	case 0:
		return time.Time{}
	case 1, 2, 3, 4, 5, 6, 7, 8, 9:
		return base.Add(d).Truncate(time.Second)
	case 10, 11, 12, 13, 14, 15, 16, 17, 18:
		return base.Add(d).Truncate(100 * time.Millisecond)
	}
	return base.Add(d)
}

// TestClosestAgreesWithLinear runs random candidate sets through the ordered lookup and the
// linear one: requests added, moved to later last lines, held, released, tied and forgotten,
// on several endpoints, access lines mostly in order; both give the same answers and keep the
// same candidates.
func TestClosestAgreesWithLinear(t *testing.T) {
	t.Parallel()
	for seed := range uint64(1000) {
		rng := rand.New(rand.NewPCG(seed, 7))
		window := []time.Duration{time.Second, 5 * time.Second, 300 * time.Millisecond}[seed%3]
		pd, ref := &pod{key: "vllm-0"}, &linear{}
		pace := []time.Duration{700 * time.Millisecond, 100 * time.Millisecond, 10 * time.Millisecond}[seed/3%3]
		steps := 400
		if seed%50 == 0 { // hundreds of candidates: lines older than many last lines are merged in
			pace, steps = time.Millisecond, 4000
		}
		var rs []*request
		base := t0
		for step := range steps {
			base = base.Add(time.Duration(rng.Int64N(int64(pace))))
			switch op := rng.IntN(10); {
			case op < 3 || len(rs) == 0: // a new request's first line
				r := &request{pod: pd, endpoint: uint8(1 + rng.IntN(3)), end: randomTime(rng, base)}
				rs = append(rs, r)
				pd.addCand(r)
				ref.rs = append(ref.rs, r)
			case op < 5: // another line of an open one
				r := rs[rng.IntN(len(rs))]
				if r.held || r.status != 0 {
					break
				}
				if ts := randomTime(rng, base); ts.After(r.end) {
					r.end = ts
				}
				pd.addCand(r)
				if !ref.has(r) && r.status == 0 {
					ref.rs = append(ref.rs, r)
				}
			case op < 6: // ended, held for its access line
				if r := rs[rng.IntN(len(rs))]; r.cand {
					r.held = true
				}
			case op < 7: // released or forgotten
				r := rs[rng.IntN(len(rs))]
				r.held = false
				pd.dropCand(r)
				ref.drop(r)
			default: // an access line
				ep, at := uint8(1+rng.IntN(3)), randomTime(rng, base)
				got, gotAmb := pd.closest(ep, at, window)
				want, wantAmb := ref.closest(ep, at, window)
				if (got == nil) != (want == nil) || gotAmb != wantAmb || !wantAmb && got != want {
					t.Fatalf("seed %d step %d: access at %v: got %p ambiguous %v, want %p ambiguous %v",
						seed, step, at, got, gotAmb, want, wantAmb)
				}
				if got != nil && !gotAmb && rng.IntN(2) == 0 { // tied
					got.status, got.held = 200, false
					pd.dropCand(got)
					ref.drop(got)
				}
			}
			if pd.nCands() != len(ref.rs) {
				t.Fatalf("seed %d step %d: %d candidates, want %d", seed, step, pd.nCands(), len(ref.rs))
			}
			for _, r := range ref.rs {
				if !r.cand {
					t.Fatalf("seed %d step %d: %p is not a candidate", seed, step, r)
				}
			}
		}
	}
}
