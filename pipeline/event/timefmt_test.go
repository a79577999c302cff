package event

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

func TestAppendTimeMatchesAppendFormat(t *testing.T) {
	t.Parallel()
	check := func(tm time.Time) {
		t.Helper()
		want := tm.UTC().AppendFormat(nil, TimeLayout)
		if got := AppendTime(nil, tm); string(got) != string(want) {
			t.Fatalf("AppendTime(%v) = %s, want %s", tm, got, want)
		}
	}
	edges := []time.Time{
		time.Unix(0, 0), time.Unix(0, 1), time.Unix(-1, 999999999), time.Unix(maxFastSec-1, 999999999),
		time.Unix(maxFastSec, 0), time.Date(2000, 2, 29, 23, 59, 59, 100000000, time.UTC),
		time.Date(2100, 2, 28, 12, 0, 0, 0, time.UTC), time.Date(2100, 3, 1, 0, 0, 0, 10, time.UTC),
		time.Date(2024, 12, 31, 23, 59, 59, 120000000, time.FixedZone("x", 5*3600)),
		time.Date(1969, 12, 31, 23, 59, 59, 0, time.UTC), time.Date(12000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Unix(0, math.MaxInt64), time.Unix(0, math.MinInt64), {},
	}
	for _, tm := range edges {
		check(tm)
	}
	// Every day of the fast range once, at a random time of day and fraction.
	r := rand.New(rand.NewPCG(1, 2))
	for d := int64(0); d*86400 < maxFastSec; d += 1 + d/50000 {
		ns := r.IntN(1e9)
		switch r.IntN(3) {
		case 0:
			ns = 0
		case 1:
			ns = ns / 1000000 * 1000000
		}
		check(time.Unix(d*86400+r.Int64N(86400), int64(ns)))
	}
}

// TestTimeValueJSON: a Time value, held as int64 nanoseconds, is written as AppendFormat would.
func TestTimeValueJSON(t *testing.T) {
	t.Parallel()
	for _, ns := range []int64{0, 1, -1, 1764755000123000000, math.MaxInt64, math.MinInt64} {
		tm := time.Unix(0, ns)
		want := `"` + string(tm.UTC().AppendFormat(nil, TimeLayout)) + `"`
		if got := Time(tm).AppendJSON(nil); string(got) != want {
			t.Errorf("Time(%d) as JSON = %s, want %s", ns, got, want)
		}
	}
}

func FuzzAppendTime(f *testing.F) {
	f.Add(int64(0), int64(0))
	f.Add(int64(1764755000), int64(123000000))
	f.Fuzz(func(t *testing.T, sec, nsec int64) {
		tm := time.Unix(sec, nsec)
		want := tm.UTC().AppendFormat(nil, TimeLayout)
		if got := AppendTime([]byte("x"), tm); string(got[1:]) != string(want) {
			t.Fatalf("AppendTime(%d, %d) = %s, want %s", sec, nsec, got[1:], want)
		}
	})
}

func BenchmarkAppendTime(b *testing.B) {
	tm := time.Date(2026, 12, 3, 13, 41, 7, 123456000, time.UTC)
	buf := make([]byte, 0, 64)
	b.Run("AppendTime", func(b *testing.B) {
		for b.Loop() {
			buf = AppendTime(buf[:0], tm)
		}
	})
	b.Run("AppendFormat", func(b *testing.B) {
		for b.Loop() {
			buf = tm.AppendFormat(buf[:0], TimeLayout)
		}
	})
}
