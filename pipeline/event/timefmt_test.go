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

// TestParseTimeAgreesWithTimeParse: ParseTime gives what time.Parse gives, for the forms the
// fast path takes, the ones it leaves (days past the 28th, leap seconds, offsets, long
// fractions) and texts of the layout's shape with bytes replaced at random.
func TestParseTimeAgreesWithTimeParse(t *testing.T) {
	t.Parallel()
	fast := 0
	check := func(in string) {
		t.Helper()
		agreesWithTimeParse(t, in)
		if _, ok := parseUTC(in); ok {
			fast++
		}
	}
	for _, in := range []string{
		"2024-11-14T01:02:03.456Z", "2026-11-27T10:00:00.000442Z", "2026-11-27T10:00:00Z",
		"2026-11-27T10:00:00.123456789Z", "0000-01-01T00:00:00.0Z", "9999-12-28T23:59:59.999999999Z",
		"2024-02-29T01:02:03.456Z", "2023-02-29T01:02:03Z", "2024-11-30T01:02:03Z", "2024-11-14T24:00:00Z",
		"2024-11-14T01:60:00Z", "2024-11-14T01:02:60Z", "2024-13-14T01:02:03Z", "2024-00-14T01:02:03Z",
		"2024-11-00T01:02:03Z", "2024-11-14T01:02:03.1234567891Z", "2024-11-14T01:02:03.Z",
		"2024-11-14T01:02:03,5Z", "2024-11-14T01:02:03+02:00", "2024-11-14T01:02:03.5-07:30",
		"2024-11-14 01:02:03Z", "2024-11-14t01:02:03Z", "2024-11-14T01:02:03z", "+024-11-14T01:02:03Z",
		"2024-11-14T01:02:03.45aZ", "2024-11-14T1:02:03Z", "", "Z", "2024-11-14T01:02:03.000000000000Z",
	} {
		check(in)
	}
	r := rand.New(rand.NewPCG(1, 2))
	const alphabet = "0123456789-:.TZ+ a,"
	bases := []string{"2024-11-14T01:02:03.456Z", "2026-11-27T10:00:00.000442Z", "2026-11-27T10:00:00Z"}
	for range 200000 {
		b := []byte(bases[r.IntN(len(bases))])
		for i := range b {
			switch {
			case r.IntN(30) == 0:
				b[i] = alphabet[r.IntN(len(alphabet))]
			case b[i] >= '0' && b[i] <= '9' && r.IntN(6) == 0:
				b[i] = byte('0' + r.IntN(10))
			}
		}
		check(string(b))
	}
	if fast < 1000 {
		t.Fatalf("only %d texts took the fast path: it is not tested", fast)
	}
}

func FuzzParseTime(f *testing.F) {
	f.Add("2026-11-27T10:00:00.000442Z")
	f.Add("2024-02-29T01:02:03+01:00")
	f.Fuzz(agreesWithTimeParse)
}

func agreesWithTimeParse(t *testing.T, in string) {
	t.Helper()
	got, gerr := ParseTime(in)
	want, werr := time.Parse(TimeLayout, in)
	if (gerr == nil) != (werr == nil) || !sameTime(got, want) {
		t.Fatalf("%q: ParseTime %v (%v), time.Parse %v (%v)", in, got, gerr, want, werr)
	}
}

// sameTime: the same instant, zone name and offset, and wall clock.
func sameTime(a, b time.Time) bool {
	an, ao := a.Zone()
	bn, bo := b.Zone()
	return a.Equal(b) && an == bn && ao == bo && a.Location().String() == b.Location().String() && a.String() == b.String()
}

func BenchmarkParseTime(b *testing.B) {
	const in = "2026-11-27T10:00:00.000442Z"
	b.Run("ParseTime", func(b *testing.B) {
		for b.Loop() {
			ParseTime(in)
		}
	})
	b.Run("time.Parse", func(b *testing.B) {
		for b.Loop() {
			time.Parse(TimeLayout, in)
		}
	})
}
