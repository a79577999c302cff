package json

import (
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/parsers/parseutil/putest"
	"github.com/sluice-dev/sluice/pipeline/event"
)

func TestGolden(t *testing.T) { putest.Golden(t, Info) }

func TestFlatten(t *testing.T) {
	t.Parallel()
	ev := event.New()
	n, ok := Flatten(ev, "kafka", `{"a":{"b":"x","n":7,"f":0.5},"arr":[{"k":1}],"z":null}`)
	if !ok || n != 4 {
		t.Fatalf("Flatten = %d, %v", n, ok)
	}
	for k, want := range map[string]event.Value{
		"kafka.a.b": event.String("x"), "kafka.a.n": event.Int(7), "kafka.a.f": event.Float(0.5),
		"kafka.arr": event.Raw(`[{"k":1}]`),
	} {
		if got, _ := ev.Get(k); !got.Equal(want) {
			t.Errorf("%s = %v, want %v", k, got.Any(), want.Any())
		}
	}
	if _, ok := Flatten(event.New(), "p", `[1]`); ok {
		t.Error("array accepted as object")
	}
	if _, ok := Flatten(event.New(), "p", `{"a":`); ok {
		t.Error("broken JSON accepted")
	}
}

func TestFlattenLimits(t *testing.T) {
	t.Parallel()
	deep := strings.Repeat(`{"a":`, MaxDepth+3) + "1" + strings.Repeat("}", MaxDepth+3)
	ev := event.New()
	if _, ok := Flatten(ev, "p", deep); !ok {
		t.Fatal("deep object rejected")
	}
	if ev.Len() != 1 {
		t.Errorf("deep object gave %d fields, want 1 raw", ev.Len())
	}
	var b strings.Builder
	b.WriteString("{")
	for i := 0; i < MaxFields+50; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`"k` + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + `":1`)
	}
	b.WriteString("}")
	ev = event.New()
	n, _ := Flatten(ev, "p", b.String())
	if n > MaxFields {
		t.Errorf("%d fields set, limit %d", n, MaxFields)
	}
}

func FuzzParse(f *testing.F) { putest.FuzzParse(f, New()) }

func BenchmarkParse(b *testing.B) {
	putest.Bench(b, New(), []string{
		`{"time":"2023-08-04T16:09:05.123456789-04:00","level":"INFO","msg":"hello","count":3}`,
		`{"level":"warning","msg":"DCGM is not responding","time":"2024-05-24T08:48:21Z"}`,
	})
}

// A line nested 100,000 levels comes out at most MaxDepth levels deep below log.fields, the
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
	// The document, log and fields, then MaxDepth levels of the line.
	if got := event.Nesting(doc, 1000); got > 3+MaxDepth {
		t.Errorf("document nests %d levels, want at most %d", got, 3+MaxDepth)
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
