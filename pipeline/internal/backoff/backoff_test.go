package backoff

import (
	"testing"
	"time"
)

func TestExponential(t *testing.T) {
	t.Parallel()
	cases := []struct {
		base, limit time.Duration
		attempt     int
		want        time.Duration
	}{
		{time.Second, time.Minute, 0, time.Second},
		{time.Second, time.Minute, 1, time.Second},
		{time.Second, time.Minute, 2, 2 * time.Second},
		{time.Second, time.Minute, 4, 8 * time.Second},
		{time.Second, time.Minute, 7, time.Minute},
		{time.Second, time.Minute, 1 << 30, time.Minute}, // no overflow, no long loop
		{time.Minute, time.Second, 3, time.Minute},       // limit below base
		{100 * time.Millisecond, time.Second, 5, time.Second},
	}
	for _, c := range cases {
		if got := Exponential(c.base, c.limit, c.attempt); got != c.want {
			t.Errorf("Exponential(%v, %v, %d) = %v, want %v", c.base, c.limit, c.attempt, got, c.want)
		}
	}
}

func TestJitterStaysInItsHalf(t *testing.T) {
	t.Parallel()
	d := 800 * time.Millisecond
	seen := map[time.Duration]bool{}
	for range 1000 {
		j := Jitter(d)
		if j < d/2 || j > d {
			t.Fatalf("Jitter(%v) = %v, outside [d/2, d]", d, j)
		}
		seen[j] = true
	}
	if len(seen) < 10 {
		t.Errorf("Jitter gave %d distinct pauses in 1000 draws: not random", len(seen))
	}
	if Jitter(0) != 0 || Jitter(-1) != -1 {
		t.Error("Jitter of a non-positive pause must leave it")
	}
}
