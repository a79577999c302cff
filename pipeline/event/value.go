// Package event holds the unit sluice moves around (Event), the group it moves in (Batch) and the
// acknowledgement that travels with every batch back to its input (Ack). It is a leaf package:
// standard library only, so every component can import it.
package event

import (
	"math"
	"strconv"
	"time"
)

// Kind tells which member of a Value is set.
type Kind uint8

// The kinds a Value can hold. Raw is a JSON text kept as it arrived (an array or object that
// sluice does not look into), written to outputs verbatim.
const (
	KindNone Kind = iota
	KindString
	KindInt
	KindFloat
	KindBool
	KindTime
	KindRaw
)

// Value is a small tagged union. It is passed by value and never boxes into an interface, so
// setting and encoding typed fields costs no allocation.
type Value struct {
	str  string
	num  uint64
	kind Kind
}

// String makes a string value.
func String(s string) Value { return Value{kind: KindString, str: s} }

// jsonSafe, in the num of a String value, says its text needs no escaping in JSON.
const jsonSafe = 1

// SafeString makes a string value whose text the caller has checked to be printable ASCII
// without a quote or a backslash (a decoder sees that for free while it scans): outputs copy it into JSON
// as it is instead of looking at every byte again. It is otherwise the same as String.
func SafeString(s string) Value { return Value{kind: KindString, str: s, num: jsonSafe} }

// Int makes an integer value.
func Int(i int64) Value { return Value{kind: KindInt, num: uint64(i)} }

// Float makes a floating-point value. NaN and infinities encode as JSON null.
func Float(f float64) Value { return Value{kind: KindFloat, num: math.Float64bits(f)} }

// Bool makes a boolean value.
func Bool(b bool) Value {
	if b {
		return Value{kind: KindBool, num: 1}
	}
	return Value{kind: KindBool}
}

// Time makes a timestamp value; it is kept in UTC with nanosecond precision.
func Time(t time.Time) Value { return Value{kind: KindTime, num: uint64(t.UnixNano())} }

// Raw makes a value from JSON text that is written out unchanged. The caller guarantees it is
// valid JSON; inputs use it for arrays and objects they do not flatten.
func Raw(json string) Value { return Value{kind: KindRaw, str: json} }

// Kind reports which kind the value holds.
func (v Value) Kind() Kind { return v.kind }

// IsZero reports whether the value is unset.
func (v Value) IsZero() bool { return v.kind == KindNone }

// Str returns the string of a String or Raw value, and "" for other kinds.
func (v Value) Str() string { return v.str }

// WithStr returns a String or Raw value holding s in place of its text, which s must equal: an
// input moves the bytes of what it decoded out of a buffer it reuses. Other kinds are returned
// as they are.
func (v Value) WithStr(s string) Value {
	if v.kind == KindString || v.kind == KindRaw {
		v.str = s
	}
	return v
}

// Int returns the integer of an Int value, a Float truncated, or 0.
func (v Value) Int() int64 {
	switch v.kind {
	case KindInt, KindTime:
		return int64(v.num)
	case KindFloat:
		return int64(math.Float64frombits(v.num))
	case KindBool:
		return int64(v.num)
	}
	return 0
}

// Float returns the number of a Float or Int value, or 0.
func (v Value) Float() float64 {
	switch v.kind {
	case KindFloat:
		return math.Float64frombits(v.num)
	case KindInt:
		return float64(int64(v.num))
	}
	return 0
}

// Bool returns the truth of a Bool value.
func (v Value) Bool() bool { return v.kind == KindBool && v.num != 0 }

// Time returns the timestamp of a Time value, or the zero time.
func (v Value) Time() time.Time {
	if v.kind != KindTime {
		return time.Time{}
	}
	return time.Unix(0, int64(v.num)).UTC()
}

// Equal reports whether two values have the same kind and content.
func (v Value) Equal(o Value) bool {
	return v.kind == o.kind && v.str == o.str && (v.kind == KindString || v.num == o.num)
}

// String formats any kind as text, the way it would read in a log line: strings unquoted,
// times in RFC 3339, raw JSON as written.
func (v Value) String() string {
	switch v.kind {
	case KindString, KindRaw:
		return v.str
	case KindNone:
		return ""
	}
	var buf [64]byte
	return string(v.appendText(buf[:0]))
}

// Any returns the value as a plain Go value (string, int64, float64, bool, time.Time, or the raw
// JSON string), for code off the hot path such as expression evaluation and tests.
func (v Value) Any() any {
	switch v.kind {
	case KindString, KindRaw:
		return v.str
	case KindInt:
		return v.Int()
	case KindFloat:
		return v.Float()
	case KindBool:
		return v.Bool()
	case KindTime:
		return v.Time()
	}
	return nil
}

// TimeLayout is how timestamps are written: RFC 3339 in UTC with up to nanosecond digits, which
// Elasticsearch's date and date_nanos fields both accept.
const TimeLayout = time.RFC3339Nano

func (v Value) appendText(dst []byte) []byte {
	switch v.kind {
	case KindString, KindRaw:
		return append(dst, v.str...)
	case KindInt:
		return strconv.AppendInt(dst, int64(v.num), 10)
	case KindFloat:
		return strconv.AppendFloat(dst, math.Float64frombits(v.num), 'g', -1, 64)
	case KindBool:
		return strconv.AppendBool(dst, v.num != 0)
	case KindTime:
		if ns := int64(v.num); ns >= 0 {
			return appendUnixNano(dst, ns/1e9, int(ns%1e9))
		}
		return v.Time().AppendFormat(dst, TimeLayout)
	}
	return dst
}
