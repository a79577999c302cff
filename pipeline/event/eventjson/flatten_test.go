package eventjson

import (
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/pipeline/event"
)

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
	deep := strings.Repeat(`{"a":`, event.MaxDepth+3) + "1" + strings.Repeat("}", event.MaxDepth+3)
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
