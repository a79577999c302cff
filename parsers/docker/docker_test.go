package docker

import (
	"encoding/json"
	"strings"
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

func FuzzParse(f *testing.F) {
	golden.Seed(f, "testdata")
	f.Fuzz(func(t *testing.T, line string) {
		ev := event.NewMessage(line, golden.Received)
		ok := Parser{}.Parse(ev)
		golden.CheckKept(t, ev, line, true)
		checkFrameMessage(t, line, ev, ok)
		if !ok {
			if ev.Message() != line {
				t.Fatalf("unrecognised line changed: %q", line)
			}
			return
		}
		// What we decoded must agree with encoding/json wherever it accepts the line.
		var ref struct {
			Log string `json:"log"`
		}
		if json.Unmarshal([]byte(line), &ref) == nil && !strings.ContainsRune(ref.Log, '\uFFFD') {
			want := strings.TrimSuffix(strings.TrimSuffix(ref.Log, "\n"), "\r")
			if strings.HasSuffix(ref.Log, "\n") && ev.Message() != want {
				t.Fatalf("decoded %q, encoding/json %q", ev.Message(), want)
			}
		}
	})
}

func BenchmarkParse(b *testing.B) {
	line := `{"log":"(APIServer pid=1) INFO:     10.0.0.1:53210 - \"POST /v1/chat/completions HTTP/1.1\" 200 OK\n","stream":"stdout","time":"2025-05-12T08:01:39.331095044Z"}`
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
