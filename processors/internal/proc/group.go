package proc

import (
	"strconv"

	"github.com/cespare/xxhash/v2"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// The rule for a group of lines (a traceback) longer than one event may hold, shared by the
// multiline and parse processors. The group goes on as a bounded number of continuation events
// of the same group, all with the same error.id and an event.sequence; past the last of them
// the remaining lines are counted, not sent one by one. A 400,000-line traceback is then at most
// max_continuations+1 events, not 400,000 events that each look like a new failure. The field
// and tag names are in pipeline/event, where the field table finds them.
// DefaultMaxContinuations is how many continuation events a group may have.
const DefaultMaxContinuations = 9

// GroupID returns an id for the group that first starts: from where its first line came (input,
// source, offset) and the line, so a replay of the same file gives the same id.
func GroupID(first *event.Event, line string) string {
	var d xxhash.Digest
	d.Reset()
	_, _ = d.WriteString(first.Meta.Input)
	_, _ = d.WriteString("\x00")
	_, _ = d.WriteString(first.Meta.Source)
	_, _ = d.WriteString("\x00")
	_, _ = d.WriteString(strconv.FormatInt(first.Meta.Offset, 10))
	_, _ = d.WriteString("\x00")
	_, _ = d.WriteString(line)
	return strconv.FormatUint(d.Sum64(), 16)
}

// MarkPart gives an event of a cut group its id and sequence number (1 for the first event).
func MarkPart(ev *event.Event, id string, seq int) {
	ev.SetString(event.FieldErrorID, id)
	ev.Set(event.FieldSequence, event.Int(int64(seq)))
	if seq > 1 {
		ev.AddTag(event.TagGroupContinued)
	}
}

// MarkOmitted records on the group's last event how many of its lines were left out.
func MarkOmitted(ev *event.Event, n int) {
	if n <= 0 {
		return
	}
	ev.Set(event.FieldOmittedLines, event.Int(int64(n)))
	ev.AddTag(event.TagMultilineOmitted)
}
