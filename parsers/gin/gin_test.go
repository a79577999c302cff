package gin

import (
	"testing"

	"github.com/sluice-dev/sluice/parsers/parseutil/putest"
	"github.com/sluice-dev/sluice/parsers/uvicorn"
	"github.com/sluice-dev/sluice/pipeline/event"
)

func TestGolden(t *testing.T) { putest.Golden(t, Info) }

func TestRejects(t *testing.T) {
	t.Parallel()
	putest.Rejects(t, New(),
		"", "[GIN] too short",
		"[GIN] 2024/11/15 - 14:31:37 | 200 | 32.642µs | 127.0.0.1",                 // no method column
		"[GIN] 2024/11/15 - 14:31:37 | OK | 32.642µs | 127.0.0.1 | GET \"/\"",      // no status
		"[GIN] 2024/11/15 - 14:31:37 | 200 | 32.642µs | 127.0.0.1 | GET /unquoted", // gin quotes the path
		"[GIN] 2024-11-15 14:31:37 | 200 | 32.642µs | 127.0.0.1 | GET \"/\"",
		"[GINx] 2024/11/15 - 14:31:37 | 200 | 1s | 127.0.0.1 | GET \"/\"",
	)
}

// TestColoredAccess: on a terminal gin wraps the status and the method in ANSI colours.
func TestColoredAccess(t *testing.T) {
	line := "[GIN] 2025/01/26 - 17:18:40 |\x1b[97;41m 503 \x1b[0m|    1.2345678s |      10.1.2.3 |\x1b[97;46m POST    \x1b[0m \"/api/chat?x=1\""
	ev, ok := putest.Parse(t, New(), line, nil)
	if !ok {
		t.Fatal("coloured line not parsed")
	}
	for name, want := range map[string]event.Value{
		event.FieldHTTPStatus: event.Int(503), uvicorn.FieldMethod: event.String("POST"),
		uvicorn.FieldURLPath: event.String("/api/chat"), uvicorn.FieldURLQuery: event.String("x=1"),
		"event.duration": event.Int(1234567800), event.FieldLogLevel: event.String("error"),
		uvicorn.FieldSourceIP: event.String("10.1.2.3"),
	} {
		if got, _ := ev.Get(name); !got.Equal(want) {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
}

func FuzzParse(f *testing.F) { putest.FuzzParse(f, New()) }

func BenchmarkParse(b *testing.B) {
	putest.Bench(b, New(), []string{
		`[GIN] 2024/11/15 - 14:31:37 | 200 |   57.948877ms |       127.0.0.1 | POST     "/api/show"`,
		"INFO 05-12 08:01:39 [loggers.py:271] Engine 000: Avg prompt throughput: 0.0 tokens/s",
	})
}
