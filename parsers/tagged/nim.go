package tagged

import (
	"strings"
	"time"

	pu "github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// NIMLine reads the line of NVIDIA NIM's Rust SDK ("[09-25 19:03:45.989 ERROR
// nim_sdk::hub::repo  rust/nim-sdk/src/hub/repo.rs:119] error sending request for url (...)"),
// which its JSON logging relays as a record's message and which it prints alone (its model
// download job, the NIM Operator's cache job): the level, the target and the source line, then
// the text. It returns the level and the line's time as written ("11-26 10:19:17.953": month,
// day and local time, no year), "" for another line.
func NIMLine(ev *event.Event, msg string) (level, stamp string) {
	end := strings.IndexByte(msg[:min(len(msg), 192)], ']')
	if end < 20 || end+2 > len(msg) {
		return "", ""
	}
	f := strings.Fields(msg[1:end])
	if len(f) != 5 || len(f[0]) != 5 || f[0][2] != '-' || strings.IndexByte(f[1], ':') != 2 || !strings.Contains(f[3], "::") {
		return "", ""
	}
	lv, ok := pu.Level(f[2])
	if !ok {
		return "", ""
	}
	ev.SetString(event.FieldLogLogger, f[3])
	pu.SetOrigin(ev, f[4])
	ev.SetString(pu.FieldLogMessage, strings.TrimPrefix(msg[end+1:], " "))
	if lv == pu.Error || lv == pu.Critical {
		ev.SetString(event.FieldErrorMsg, strings.TrimPrefix(msg[end+1:], " "))
	}
	return lv, f[0] + " " + f[1]
}

// nimTime reads NIM's "MM-DD hh:mm:ss.mmm" without its year, completed from ref.
func nimTime(stamp string, ref time.Time) (time.Time, bool) {
	t, err := time.Parse("01-02 15:04:05.000", stamp)
	if err != nil {
		return time.Time{}, false
	}
	return pu.WithoutYear(int(t.Month()), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), ref)
}
