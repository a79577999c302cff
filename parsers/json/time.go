package json

import (
	"strings"
	"time"

	"github.com/tidwall/gjson"

	pu "github.com/sluice-dev/sluice/parsers/parseutil"
)

// timeOf reads a JSON time: an RFC 3339 string, or a Unix time in seconds (zap's default),
// milliseconds or nanoseconds as a number.
func timeOf(v gjson.Result) (time.Time, bool) {
	switch v.Type {
	case gjson.String:
		t, n, ok := pu.RFC3339(v.Str)
		return t, ok && n == len(v.Str)
	case gjson.Number:
		switch f := v.Num; {
		case f > 1e17:
			return time.Unix(0, v.Int()).UTC(), true
		case f > 1e11:
			if t, ok := unixMilli(v.Raw); ok {
				return t, true
			}
			return time.UnixMilli(v.Int()).UTC(), true
		}
		return pu.Epoch(v.Raw)
	case gjson.JSON:
		// Google Cloud Logging's Timestamp, {"seconds":1704458059,"nanos":975956234}: gcsfuse's
		// JSON log in the GCS FUSE CSI driver's sidecar
		sec, nanos := v.Get("seconds"), v.Get("nanos")
		if !v.IsObject() || sec.Type != gjson.Number || sec.Num < 946684800 || nanos.Exists() && nanos.Type != gjson.Number {
			return time.Time{}, false
		}
		return time.Unix(sec.Int(), nanos.Int()).UTC(), true
	}
	return time.Time{}, false
}

// unixMilli reads milliseconds since the epoch with their fraction, as klog's JSON writes them
// ("ts":1655581336241.7104), to the nanosecond the digits give.
func unixMilli(raw string) (time.Time, bool) {
	ms, frac, _ := strings.Cut(raw, ".")
	n, ok := pu.Atoi(ms)
	if !ok {
		return time.Time{}, false
	}
	ns := int64(0)
	for i, scale := 0, int64(100000); i < len(frac) && scale > 0; i, scale = i+1, scale/10 {
		c := frac[i]
		if c < '0' || c > '9' {
			return time.Time{}, false
		}
		ns += int64(c-'0') * scale
	}
	return time.UnixMilli(n).Add(time.Duration(ns)).UTC(), true
}
