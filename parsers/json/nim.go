package json

import (
	"strings"

	pu "github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// nimLine reads the line of NVIDIA NIM's Rust SDK that its JSON logging relays as the message of
// a record with no level of its own ("level": "None"): "[09-25 19:03:45.989 ERROR
// nim_sdk::hub::repo  rust/nim-sdk/src/hub/repo.rs:119] error sending request for url (...)",
// the time of day, the level, the target and the source line, then the text. It returns the
// level, "" for another message.
func nimLine(ev *event.Event, msg string) string {
	end := strings.IndexByte(msg[:min(len(msg), 192)], ']')
	if end < 20 || end+2 > len(msg) {
		return ""
	}
	f := strings.Fields(msg[1:end])
	if len(f) != 5 || len(f[0]) != 5 || f[0][2] != '-' || strings.IndexByte(f[1], ':') != 2 || !strings.Contains(f[3], "::") {
		return ""
	}
	lv, ok := pu.Level(f[2])
	if !ok {
		return ""
	}
	ev.SetString(event.FieldLogLogger, f[3])
	pu.SetOrigin(ev, f[4])
	ev.SetString(pu.FieldLogMessage, strings.TrimPrefix(msg[end+1:], " "))
	if lv == pu.Error || lv == pu.Critical {
		ev.SetString(event.FieldErrorMsg, strings.TrimPrefix(msg[end+1:], " "))
	}
	return lv
}
