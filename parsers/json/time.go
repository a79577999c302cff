package json

import (
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
			return time.UnixMilli(v.Int()).UTC(), true
		}
		return pu.Epoch(v.Raw)
	}
	return time.Time{}, false
}
