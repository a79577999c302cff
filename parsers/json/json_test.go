package json

import (
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/parsers/parseutil/putest"
	"github.com/sluice-dev/sluice/pipeline/event"
)

func TestGolden(t *testing.T) { putest.Golden(t, Info) }

func FuzzParse(f *testing.F) { putest.FuzzParse(f, New()) }

func BenchmarkParse(b *testing.B) {
	putest.Bench(b, New(), []string{
		`{"time":"2023-08-04T16:09:05.123456789-04:00","level":"INFO","msg":"hello","count":3}`,
		`{"level":"warning","msg":"DCGM is not responding","time":"2024-05-24T08:48:21Z"}`,
	})
}

// A line nested 100,000 levels comes out at most event.MaxDepth levels deep below log.fields, the
// rest kept as a string; the old parser wrote the deep part as raw JSON, 100k levels deep,
// which Elasticsearch refuses.
func TestDeepLineBounded(t *testing.T) {
	t.Parallel()
	const n = 100_000
	deepObj := strings.Repeat(`{"b":`, n) + "1" + strings.Repeat("}", n)
	deepArr := strings.Repeat("[", n) + strings.Repeat("]", n)
	line := `{"msg":"deep","a":` + deepObj + `,"arr":` + deepArr + `,"error":` + deepObj + `}`
	ev := event.NewMessage(line, time.Time{})
	if !New().Parse(ev) {
		t.Fatal("not recognised")
	}
	doc := string(ev.AppendJSON(nil))
	// The document, log and fields, then event.MaxDepth levels of the line.
	if got := event.Nesting(doc, 1000); got > 3+event.MaxDepth {
		t.Errorf("document nests %d levels, want at most %d", got, 3+event.MaxDepth)
	}
	if v, _ := ev.Get("log.fields.arr"); v.Kind() != event.KindString || v.Str() != deepArr {
		t.Errorf("deep array kept as %v, want its text as a string", v.Kind())
	}
	if v, _ := ev.Get(event.FieldErrorMsg); v.Kind() != event.KindString {
		t.Errorf("deep error kept as %v", v.Kind())
	}
	if ev.Message() != line {
		t.Error("message changed")
	}
}
