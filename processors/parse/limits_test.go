package parse

import (
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// A huge error line keeps its whole text in message, but the fields copied out of it are cut:
// the first piece of a 10 MB line copied its 1 MB text into error.message as well.
func TestDerivedFieldsCapped(t *testing.T) {
	t.Parallel()
	p := newProc(t, nil)
	line := "(APIServer pid=1) ERROR 05-14 10:00:00 [serving.py:12] " + strings.Repeat("x", 1<<20)
	out := run(t, p, "s", []string{line}, 1)
	if len(out) != 1 {
		t.Fatalf("%d events", len(out))
	}
	ev := out[0]
	msg, _ := ev.GetString(event.FieldErrorMsg)
	if len(msg) == 0 || len(msg) > event.MaxDerivedLen {
		t.Errorf("error.message has %d bytes, want 1 to %d", len(msg), event.MaxDerivedLen)
	}
	if !ev.HasTag(event.TagFieldTruncated) {
		t.Errorf("tags %v lack %s", ev.Tags(), event.TagFieldTruncated)
	}
	if !strings.HasSuffix(ev.Message(), strings.Repeat("x", 1<<20)) {
		t.Error("message lost text")
	}
	short := run(t, p, "s", []string{"(APIServer pid=1) ERROR 05-14 10:00:00 [serving.py:12] boom"}, 1)[0]
	if short.HasTag(event.TagFieldTruncated) {
		t.Error("a short line was tagged")
	}
}
