package fingerprint

import (
	"testing"

	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/processors/internal/proctest"
)

func line(msg, source string, off int64) *event.Event {
	ev := proctest.Lines(msg)[0]
	ev.Meta.Input, ev.Meta.Source, ev.Meta.Offset = "beats", source, off
	return ev
}

func TestFingerprint(t *testing.T) {
	t.Parallel()
	p := proctest.New(t, Factory, func(c *Config) { c.Target = "event.id" })
	a := proctest.One(t, p, line("x", "/var/log/pods/a.log", 10))
	again := proctest.One(t, p, line("x", "/var/log/pods/a.log", 10))
	other := proctest.One(t, p, line("x", "/var/log/pods/a.log", 11))
	if a.Meta.ID == "" || len(a.Meta.ID) != 22 || a.Meta.ID != proctest.Str(a, "event.id") {
		t.Fatalf("id %q field %q", a.Meta.ID, proctest.Str(a, "event.id"))
	}
	if again.Meta.ID != a.Meta.ID {
		t.Errorf("a replay of the same line must get the same id")
	}
	if other.Meta.ID == a.Meta.ID {
		t.Errorf("the same text at another offset must get another id")
	}
}

// With first_line a traceback read whole and its first line read alone (the same record read
// again in pieces after a restart) get the same id, so the second is a replay; a line of another
// record at the same place (a rotated file's) still gets another.
func TestFingerprintFirstLine(t *testing.T) {
	t.Parallel()
	p := proctest.New(t, Factory, func(c *Config) { c.FirstLine = true })
	const head = "ERROR 11-27 10:30:00 [core.py:935] EngineCore encountered a fatal error."
	whole := proctest.One(t, p, line(head+"\nTraceback (most recent call last):\nRuntimeError: CUDA error", "/var/log/containers/v.log", 4096))
	alone := proctest.One(t, p, line(head, "/var/log/containers/v.log", 4096))
	other := proctest.One(t, p, line("INFO 11-27 10:31:00 [loggers.py:123] Engine 000: step", "/var/log/containers/v.log", 4096))
	if whole.Meta.ID != alone.Meta.ID {
		t.Errorf("a record whole and its first line alone got ids %q and %q, want one", whole.Meta.ID, alone.Meta.ID)
	}
	if other.Meta.ID == whole.Meta.ID {
		t.Error("another line at the same place got the same id")
	}
	plain := proctest.New(t, Factory, func(*Config) {})
	if proctest.One(t, plain, line(head+"\nTraceback", "s", 1)).Meta.ID == proctest.One(t, plain, line(head, "s", 1)).Meta.ID {
		t.Error("without first_line the whole message counts")
	}
}

func TestFingerprintFields(t *testing.T) {
	t.Parallel()
	p := proctest.New(t, Factory, func(c *Config) {
		c.Fields, c.IncludeSource = []string{"a", "b"}, false
	})
	mk := func(a, b string) string {
		ev := line("m", "s", 1)
		if a != "" {
			ev.SetString("a", a)
		}
		if b != "" {
			ev.SetString("b", b)
		}
		return proctest.One(t, p, ev).Meta.ID
	}
	//lint:ignore SA4000 two calls: the id must be the same each time
	if mk("1", "2") != mk("1", "2") {
		t.Errorf("not deterministic")
	}
	if mk("12", "") == mk("1", "2") || mk("", "1") == mk("1", "") {
		t.Errorf("field boundaries must be part of the hash")
	}
	if _, err := proctest.Create(t, Factory, func(c *Config) { c.Fields, c.IncludeSource = nil, false }); err == nil {
		t.Errorf("nothing to hash must not validate")
	}
}

func BenchmarkFingerprint(b *testing.B) {
	ev := line("INFO 11-27 12:00:00 metrics.py:351] Avg prompt throughput: 1.0 tokens/s", "/var/log/pods/x.log", 4096)
	fields := []string{"message", "kubernetes.pod.uid"}
	b.ReportAllocs()
	for b.Loop() {
		Sum(ev, fields, true)
	}
}
