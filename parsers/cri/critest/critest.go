// Package critest holds the test checks the CRI and Docker framing parsers share.
package critest

import (
	"testing"

	"github.com/sluice-dev/sluice/parsers/cri"
	"github.com/sluice-dev/sluice/parsers/golden"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// Framer is a framing parser with FrameMessage.
type Framer interface {
	FrameMessage(ev *event.Event, msg string) (cri.Frame, bool)
}

// CheckFrameMessage checks that FrameMessage leaves the event of line as Parse left parsed
// (parsedOK its result), and returns the message and stream it set.
func CheckFrameMessage(t *testing.T, p Framer, line string, parsed *event.Event, parsedOK bool) {
	t.Helper()
	ev := event.NewMessage(line, golden.Received)
	f, ok := p.FrameMessage(ev, line)
	if ok != parsedOK || string(ev.AppendJSON(nil)) != string(parsed.AppendJSON(nil)) {
		t.Fatalf("%q: FrameMessage %v %s, Parse %v %s", line, ok, ev.AppendJSON(nil), parsedOK, parsed.AppendJSON(nil))
	}
	if stream, _ := ev.GetString(cri.FieldStream); ok && (f.Text != ev.Message() || f.Stream != stream) {
		t.Fatalf("%q: frame %+v, event message %q stream %q", line, f, ev.Message(), stream)
	}
}
