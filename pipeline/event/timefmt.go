package event

import "time"

// AppendTime appends t in UTC as TimeLayout (RFC 3339 with nanoseconds, trailing zeros of the
// fraction dropped) does, byte for byte. Every document carries at least one timestamp, and
// time.Time.AppendFormat interprets its layout each time: the years 1970 to 9999 are written
// here directly, any other time by AppendFormat.
func AppendTime(dst []byte, t time.Time) []byte {
	sec := t.Unix()
	if sec < 0 || sec >= maxFastSec {
		return t.UTC().AppendFormat(dst, TimeLayout)
	}
	return appendUnixNano(dst, sec, t.Nanosecond())
}

// maxFastSec is 10000-01-01T00:00:00Z: every year before it has four digits.
const maxFastSec = 253402300800

// appendUnixNano writes the UTC time sec seconds and nsec nanoseconds after the epoch,
// 0 <= sec < maxFastSec.
func appendUnixNano(dst []byte, sec int64, nsec int) []byte {
	days := sec / 86400
	rem := int(sec - days*86400)
	// Civil date from days since 1970-01-01 (proleptic Gregorian), in eras of 400 years that
	// start on March 1st so that the leap day ends a year.
	z := days + 719468
	era := z / 146097
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day := int(doy - (153*mp+2)/5 + 1)
	month := int(mp + 3)
	year := int(yoe + era*400)
	if month > 12 {
		month -= 12
		year++
	}
	var b [32]byte
	put2(b[0:], year/100)
	put2(b[2:], year%100)
	b[4] = '-'
	put2(b[5:], month)
	b[7] = '-'
	put2(b[8:], day)
	b[10] = 'T'
	put2(b[11:], rem/3600)
	b[13] = ':'
	put2(b[14:], rem/60%60)
	b[16] = ':'
	put2(b[17:], rem%60)
	n := 19
	if nsec != 0 {
		b[19] = '.'
		hi, lo := nsec/100000, nsec%100000 // 4 and 5 digits
		put2(b[20:], hi/100)
		put2(b[22:], hi%100)
		put2(b[24:], lo/1000)
		put2(b[26:], lo/10%100)
		b[28] = byte('0' + lo%10)
		n = 29
		for b[n-1] == '0' {
			n--
		}
	}
	b[n] = 'Z'
	return append(dst, b[:n+1]...)
}

// put2 writes v, 0 <= v < 100, as two digits.
func put2(b []byte, v int) {
	b[0], b[1] = twoDigits[2*v], twoDigits[2*v+1]
}

const twoDigits = "00010203040506070809101112131415161718192021222324252627282930313233343536373839" +
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879" +
	"8081828384858687888990919293949596979899"

// ParseTime parses text in TimeLayout as time.Parse(TimeLayout, s) does, result for result and
// error for error. The form sluice's sources write, "2006-01-02T15:04:05[.fraction]Z" in UTC
// (CRI runtimes, Docker, Filebeat), is read directly when its day is at most the 28th and its
// second below 60, so that no month length or leap second needs checking here; every other text
// goes to time.Parse.
func ParseTime(s string) (time.Time, error) {
	if t, ok := parseUTC(s); ok {
		return t, nil
	}
	return time.Parse(TimeLayout, s)
}

// parseUTC reads "2006-01-02T15:04:05Z" with an optional fraction of 1 to 9 digits.
func parseUTC(s string) (time.Time, bool) {
	n := len(s)
	if n < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[n-1] != 'Z' {
		return time.Time{}, false
	}
	year, ok1 := dec(s[0:4])
	month, ok2 := dec(s[5:7])
	day, ok3 := dec(s[8:10])
	hour, ok4 := dec(s[11:13])
	minute, ok5 := dec(s[14:16])
	sec, ok6 := dec(s[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) ||
		month < 1 || month > 12 || day < 1 || day > 28 || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	nsec := 0
	if n > 20 {
		frac := s[20 : n-1]
		if s[19] != '.' || len(frac) < 1 || len(frac) > 9 {
			return time.Time{}, false
		}
		f, ok := dec(frac)
		if !ok {
			return time.Time{}, false
		}
		nsec = f * pow10[9-len(frac)]
	}
	// Days since 1970-01-01 of the civil date (the inverse of appendUnixNano's conversion).
	y := int64(year)
	if month <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := int64(month+9) % 12
	doy := (153*mp+2)/5 + int64(day) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	days := era*146097 + doe - 719468
	return time.Unix(days*86400+int64(hour*3600+minute*60+sec), int64(nsec)).UTC(), true
}

var pow10 = [10]int{1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000}

// dec reads s, all decimal digits.
func dec(s string) (int, bool) {
	v := 0
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}
