package json

import (
	"github.com/sluice-dev/sluice/parsers/tagged"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// nimLine reads the line of NVIDIA NIM's Rust SDK that its JSON logging relays as the message of
// a record with no level of its own ("level": "None"): "[09-25 19:03:45.989 ERROR
// nim_sdk::hub::repo  rust/nim-sdk/src/hub/repo.rs:119] error sending request for url (...)",
// the time of day, the level, the target and the source line, then the text. It returns the
// level, "" for another message.
func nimLine(ev *event.Event, msg string) string {
	lv, _ := tagged.NIMLine(ev, msg)
	return lv
}
