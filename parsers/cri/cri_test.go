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
