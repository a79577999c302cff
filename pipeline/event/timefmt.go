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
