package beats

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestFilebeatTimeAgreesWithTimeParse: whatever the fast path accepts, time.Parse parses to the
// same instant; Filebeat's own layout is accepted; the rest is left to time.Parse.
func TestFilebeatTimeAgreesWithTimeParse(t *testing.T) {
	t.Parallel()
	fixed := []struct {
		in     string
		accept bool
	}{
		{"2024-11-14T01:02:03.456Z", true},
		{"0000-01-01T00:00:00.000Z", true},
		{"9999-12-28T23:59:59.999Z", true},
		{"2024-02-29T01:02:03.456Z", false}, // day > 28: time.Parse checks the month
		{"2024-11-14T24:00:00.000Z", false},
		{"2024-11-14T01:60:00.000Z", false},
		{"2024-11-14T01:02:60.000Z", false},
		{"2024-13-14T01:02:03.456Z", false},
		{"2024-00-14T01:02:03.456Z", false},
		{"2024-11-00T01:02:03.456Z", false},
		{"2024-11-14T01:02:03.456+", false},
		{"2024-11-14T01:02:03.45aZ", false},
		{"2024-11-14 01:02:03.456Z", false},
		{"2024-11-14T01:02:03.4567Z", false},
		{"2024-11-14T01:02:03Z", false},
		{"+024-11-14T01:02:03.456Z", false},
	}
	check := func(in string) bool {
		got, ok := filebeatTime(in)
		if !ok {
			return false
		}
		want, err := time.Parse(time.RFC3339Nano, in)
		if err != nil || !got.Equal(want) || got.UnixNano() != want.UnixNano() || got.Location() != want.Location() {
			t.Fatalf("%q: fast path %v, time.Parse %v (%v)", in, got, want, err)
		}
		return true
	}
	for _, c := range fixed {
		if got := check(c.in); got != c.accept {
			t.Errorf("%q: accepted %v, want %v", c.in, got, c.accept)
		}
	}
	// Random texts in the layout's shape, each byte sometimes replaced.
	r := rand.New(rand.NewPCG(1, 2))
	const alphabet = "0123456789-:.TZ+ a"
	base := []byte("2024-11-14T01:02:03.456Z")
	for range 200000 {
		b := append([]byte(nil), base...)
		for i := range b {
			switch {
			case r.IntN(8) == 0:
				b[i] = alphabet[r.IntN(len(alphabet))]
			case b[i] >= '0' && b[i] <= '9':
				b[i] = byte('0' + r.IntN(10))
			}
		}
		check(string(b))
	}
}
