package uvicorn

import (
	"testing"

	"github.com/sluice-dev/sluice/parsers/golden"
	"github.com/sluice-dev/sluice/pipeline/event"
)

func TestGolden(t *testing.T) {
	t.Parallel()
	golden.Golden(t, "testdata", func(t *testing.T, lines []string) []*event.Event {
		var out []*event.Event
		for _, l := range lines {
			ev := event.NewMessage(l, golden.Received)
			if a, ok := Split(l); ok {
				a.Set(ev)
			} else {
				ev.AddTag(event.TagParseFailure)
			}
			out = append(out, ev)
		}
		return out
	})
}

func FuzzParse(f *testing.F) {
	golden.Seed(f, "testdata")
	f.Fuzz(func(t *testing.T, body string) {
		a, ok := Split(body)
		if !ok {
			return
		}
		if a.Status < 100 || a.Status > 999 || a.Method == "" || a.Port > 65535 {
			t.Fatalf("accepted %q as %+v", body, a)
		}
		ev := event.NewMessage(body, golden.Received)
		a.Set(ev)
		if ev.Message() != body {
			t.Fatal("message changed")
		}
	})
}

func BenchmarkParse(b *testing.B) {
	body := `172.31.0.1:37016 - "POST /v1/chat/completions HTTP/1.1" 200 OK`
	ev := event.New()
	golden.BenchCPU(b, func() {
		ev.Reset()
		a, ok := Split(body)
		if !ok {
			b.Fatal("not parsed")
		}
		a.Set(ev)
	})
}
