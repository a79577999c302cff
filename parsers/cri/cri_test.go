package cri

import (
	"testing"

	"github.com/sluice-dev/sluice/parsers/golden"
	"github.com/sluice-dev/sluice/pipeline/event"
)

func TestGolden(t *testing.T) {
	t.Parallel()
	golden.Golden(t, "testdata", func(t *testing.T, lines []string) []*event.Event {
		return golden.ParseEach(Parser{}, lines)
	})
}

func TestPartial(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		line    string
		partial bool
		text    string
	}{
		{"2025-01-01T00:00:00Z stdout P abc", true, "abc"},
		{"2025-01-01T00:00:00Z stdout F abc", false, "abc"},
		{"2025-01-01T00:00:00Z stderr P:flag abc ", true, "abc "},
	} {
		f, ok := Split(tc.line)
		if !ok || f.Partial != tc.partial || f.Text != tc.text {
			t.Errorf("Split(%q) = %+v, %v", tc.line, f, ok)
		}
	}
}

func FuzzParse(f *testing.F) {
	golden.Seed(f, "testdata")
	f.Fuzz(func(t *testing.T, line string) {
		ev := event.NewMessage(line, golden.Received)
		ok := Parser{}.Parse(ev)
		golden.CheckKept(t, ev, line, true)
		checkFrameMessage(t, line, ev, ok)
		if !ok && ev.Message() != line {
			t.Fatalf("unrecognised line changed: %q", line)
		}
	})
}

func BenchmarkParse(b *testing.B) {
	line := "2025-05-12T08:01:39.331095044Z stdout F (APIServer pid=1) INFO:     10.0.0.1:53210 - \"POST /v1/chat/completions HTTP/1.1\" 200 OK"
	ev := event.New()
	golden.BenchCPU(b, func() {
		ev.Reset()
		ev.SetMessage(line)
		if !(Parser{}).Parse(ev) {
			b.Fatal("not parsed")
		}
	})
}

// checkFrameMessage checks that FrameMessage leaves the event as Parse left parsed, and returns
// the message and stream it set.
func checkFrameMessage(t *testing.T, line string, parsed *event.Event, parsedOK bool) {
	t.Helper()
	ev := event.NewMessage(line, golden.Received)
	f, ok := Parser{}.FrameMessage(ev, line)
	if ok != parsedOK || string(ev.AppendJSON(nil)) != string(parsed.AppendJSON(nil)) {
		t.Fatalf("%q: FrameMessage %v %s, Parse %v %s", line, ok, ev.AppendJSON(nil), parsedOK, parsed.AppendJSON(nil))
	}
	if stream, _ := ev.GetString("stream"); ok && (f.Text != ev.Message() || f.Stream != stream) {
		t.Fatalf("%q: frame %+v, event message %q stream %q", line, f, ev.Message(), stream)
	}
}
