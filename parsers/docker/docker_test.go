package docker

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/parsers/cri/critest"
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
		critest.CheckFrameMessage(t, Parser{}, line, ev, ok)
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
