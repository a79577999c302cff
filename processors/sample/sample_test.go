package sample

import (
	"fmt"
	"testing"

	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/processors/internal/proctest"
)

func lines(n int) []*event.Event {
	evs := make([]*event.Event, n)
	for i := range evs {
		evs[i] = proctest.Lines(fmt.Sprintf("request %d done", i))[0]
		if i%50 == 0 {
			evs[i].SetString("log.level", "error")
		}
	}
	return evs
}

func TestSample(t *testing.T) {
	t.Parallel()
	p := proctest.New(t, Factory, func(c *Config) { c.KeepIf, c.Rate = `log.level == "error"`, 0.2 })
	out := proctest.Run(t, p, lines(5000)...)
	errorsKept, others := 0, 0
	for _, ev := range out {
		if proctest.Str(ev, "log.level") == "error" {
			errorsKept++
		} else {
			others++
		}
	}
	if errorsKept != 100 {
		t.Errorf("kept %d of 100 errors", errorsKept)
	}
	if others < 850 || others > 1110 { // 20 % of 4900 = 980, hash spread allows a few percent
		t.Errorf("kept %d of 4900 others, want about 980", others)
	}
	again := proctest.Run(t, p, lines(5000)...)
	if len(again) != len(out) {
		t.Errorf("not deterministic: %d then %d", len(out), len(again))
	}
	for i := range out {
		if out[i].Message() != again[i].Message() {
			t.Fatalf("decision differs at %d", i)
		}
	}
}

func TestSampleBounds(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		rate float64
		want int
	}{{0, 20}, {1, 1000}} {
		p := proctest.New(t, Factory, func(c *Config) { c.KeepIf, c.Rate = `log.level == "error"`, tc.rate })
		if got := len(proctest.Run(t, p, lines(1000)...)); got != tc.want {
			t.Errorf("rate %v: kept %d, want %d", tc.rate, got, tc.want)
		}
	}
	if _, err := proctest.Create(t, Factory, func(c *Config) { c.Rate = 1.5 }); err == nil {
		t.Errorf("rate 1.5 must not validate")
	}
	if _, err := proctest.Create(t, Factory, func(c *Config) { c.KeepIf = "x ==" }); err == nil {
		t.Errorf("bad keep_if must not validate")
	}
}

func BenchmarkSample(b *testing.B) {
	ev := lines(1)[0]
	key := []string{"message"}
	b.ReportAllocs()
	for b.Loop() {
		Hash(ev, key)
	}
}
