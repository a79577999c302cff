package parseutil

import (
	"math"
	"strconv"
	"time"
)

// digits reads n decimal digits at s[i:], or -1.
func digits(s string, i, n int) int {
	if i < 0 || i+n > len(s) {
		return -1
	}
	v := 0
	for _, c := range []byte(s[i : i+n]) {
		if c < '0' || c > '9' {
			return -1
		}
		v = v*10 + int(c-'0')
	}
	return v
}

// fraction reads ".123456789" (or ",123") at s[i:] and returns nanoseconds and the index after it.
func fraction(s string, i int) (int, int) {
	if i >= len(s) || (s[i] != '.' && s[i] != ',') {
		return 0, i
	}
	i++
	ns, scale, start := 0, 100000000, i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		if scale > 0 {
			ns += int(s[i]-'0') * scale
			scale /= 10
		}
		i++
	}
	if i == start {
		return 0, start - 1
	}
	return ns, i
}

func validDate(year, mon, day, hh, mm, ss int) bool {
	return year >= 0 && mon >= 1 && mon <= 12 && day >= 1 && day <= 31 && hh >= 0 && hh < 24 &&
		mm >= 0 && mm < 60 && ss >= 0 && ss <= 60
}

// RFC3339 reads "2006-01-02T15:04:05[.frac](Z|±hh:mm|±hhmm)" (a space instead of T, and a missing
// zone meaning UTC, are accepted too) and returns the time in UTC and the length it used. It does
// not allocate, unlike time.Parse with a numeric offset.
func RFC3339(s string) (time.Time, int, bool) {
	if len(s) < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ' && s[10] != 't') || s[13] != ':' || s[16] != ':' {
		return time.Time{}, 0, false
	}
	t, i, ok := dateClock(s)
	if !ok {
		return time.Time{}, 0, false
	}
	if i < len(s) && (s[i] == 'Z' || s[i] == 'z') {
		return t, i + 1, true
	}
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		oh := digits(s, i+1, 2)
		j := i + 3
		if j < len(s) && s[j] == ':' {
			j++
		}
		om := digits(s, j, 2)
		if oh < 0 || om < 0 {
			return t, i, true
		}
		off := time.Duration(oh)*time.Hour + time.Duration(om)*time.Minute
		if s[i] == '+' {
			off = -off
		}
		return t.Add(off), j + 2, true
	}
	return t, i, true
}

// Epoch reads Unix seconds with a fraction ("1609192433.929334", "1.6957e+09") as zap writes
// them, in UTC.
func Epoch(s string) (time.Time, bool) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f > 1e11 || math.IsNaN(f) {
		return time.Time{}, false
	}
	// A float64 holds a 2020s Unix time to about a quarter of a microsecond: round to the
	// microsecond, which is what zap writes.
	sec := math.Floor(f)
	us := math.Round((f - sec) * 1e6)
	return time.Unix(int64(sec), int64(us)*1000).UTC(), true
}

// WithoutYear completes a month, day and clock read from a log that omits the year (klog,
// syslog) with the year of ref, stepping back a year when that lands more than a day after ref
// (a December line read in January).
func WithoutYear(mon, day, hh, mm, ss, ns int, ref time.Time) (time.Time, bool) {
	if !validDate(2000, mon, day, hh, mm, ss) {
		return time.Time{}, false
	}
	ref = ref.UTC()
	// The latest of next year, this year and last year that is not more than a day after ref:
	// a January line read on December 31st is next year's (a zone ahead), a line dated later in
	// the year than ref is last year's (an old file, a pasted report).
	t := time.Date(ref.Year()+1, time.Month(mon), day, hh, mm, ss, ns, time.UTC)
	for i := 0; i < 2 && t.After(ref.Add(24*time.Hour)); i++ {
		t = t.AddDate(-1, 0, 0)
	}
	return t, true
}

var months = [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// Month reads a three-letter English month name.
func Month(s string) int {
	if len(s) < 3 {
		return 0
	}
	for i, m := range months {
		if s[:3] == m {
			return i + 1
		}
	}
	return 0
}

// Syslog reads the BSD syslog stamp "Jan  2 15:04:05" (no year) and returns the time and the
// length used.
func Syslog(s string, ref time.Time) (time.Time, int, bool) {
	if len(s) < 15 || s[3] != ' ' {
		return time.Time{}, 0, false
	}
	mon := Month(s)
	day := digits(s, 4, 2)
	if day < 0 && s[4] == ' ' {
		day = digits(s, 5, 1)
	}
	if mon == 0 || day < 0 || s[6] != ' ' || s[9] != ':' || s[12] != ':' {
		return time.Time{}, 0, false
	}
	ns, i := fraction(s, 15)
	t, ok := WithoutYear(mon, day, digits(s, 7, 2), digits(s, 10, 2), digits(s, 13, 2), ns, ref)
	return t, i, ok
}

// Ctime reads "Sun Feb 23 16:24:18 2025" as dmesg -T prints it.
func Ctime(s string) (time.Time, bool) {
	if len(s) != 24 || s[3] != ' ' || s[7] != ' ' || s[10] != ' ' || s[13] != ':' || s[16] != ':' || s[19] != ' ' {
		return time.Time{}, false
	}
	mon := Month(s[4:])
	day := digits(s, 8, 2)
	if day < 0 && s[8] == ' ' {
		day = digits(s, 9, 1)
	}
	year, hh, mm, ss := digits(s, 20, 4), digits(s, 11, 2), digits(s, 14, 2), digits(s, 17, 2)
	if mon == 0 || !validDate(year, mon, day, hh, mm, ss) {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(mon), day, hh, mm, ss, 0, time.UTC), true
}

// StdLog reads Go's standard log stamp "2006/01/02 15:04:05[.000000]" and returns the time and
// the length used.
func StdLog(s string) (time.Time, int, bool) {
	if len(s) < 19 || s[4] != '/' || s[7] != '/' || s[10] != ' ' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, 0, false
	}
	return dateClock(s)
}

// dateClock reads "yyyy?mm?dd?hh:mm:ss[.frac]" whose separators the caller checked, in UTC.
func dateClock(s string) (time.Time, int, bool) {
	year, mon, day := digits(s, 0, 4), digits(s, 5, 2), digits(s, 8, 2)
	hh, mm, ss := digits(s, 11, 2), digits(s, 14, 2), digits(s, 17, 2)
	if !validDate(year, mon, day, hh, mm, ss) {
		return time.Time{}, 0, false
	}
	ns, i := fraction(s, 19)
	return time.Date(year, time.Month(mon), day, hh, mm, ss, ns, time.UTC), i, true
}

// Clock reads "15:04:05[.frac]" at the start of s.
func Clock(s string) (hh, mm, ss, ns, n int, ok bool) {
	if len(s) < 8 || s[2] != ':' || s[5] != ':' {
		return 0, 0, 0, 0, 0, false
	}
	hh, mm, ss = digits(s, 0, 2), digits(s, 3, 2), digits(s, 6, 2)
	if hh < 0 || mm < 0 || ss < 0 {
		return 0, 0, 0, 0, 0, false
	}
	ns, n = fraction(s, 8)
	return hh, mm, ss, ns, n, true
}

// Digits2 reads two decimal digits at s[i:], or -1.
func Digits2(s string, i int) int { return digits(s, i, 2) }
