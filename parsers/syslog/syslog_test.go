package syslog

import (
	"fmt"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/parsers/golden"
	"github.com/sluice-dev/sluice/pipeline/event"
)

func TestGolden(t *testing.T) { t.Parallel(); golden.GoldenEach(t, Parser{}) }

func TestRejects(t *testing.T) {
	t.Parallel()
	for _, line := range []string{
		"", "I0607 06:13:05.123456    2154 kubelet.go:2448] x", "INFO 05-12 08:01:39 [loggers.py:271] hi",
		"2024-05-12 08:01:39,123 - root - INFO - Loading model", "[2025-07-04 20:30:12,651] [INFO] [engine.py:105:__init__] x",
		"2025-01-01T00:00:00Z stdout F abc", "Step 12 10:00:00 is not a stamp",
		`{"level":"info","ts":"2024-04-25T23:12:29.720Z","msg":"Reconciling","__REALTIME_TIMESTAMP":"1","MESSAGE":"x"}`, "Error 12 10:00:00 host tag: msg", "Jun 31x 06:13:05 node01 kubelet: x",
		// a node's address is talosctl's frame only before a line of its services' forms
		"10.0.0.5: dial tcp: connection refused", "10.0.0.5: 2025/11/25 13:58:49",
	} {
		ev := event.NewMessage(line, golden.Received)
		if (Parser{}).Parse(ev) || ev.Message() != line {
			t.Errorf("took %q: %s", line, ev.AppendJSON(nil))
		}
	}
}

// A journal entry's PRIORITY is its level when the writer chose it (syslog(3), the kernel, a
// native-protocol call that names its source: systemd's own, systemd-coredump's), not when a
// process's stream gave it (stdout, a container's stderr through a journald driver).
func TestJournalJSONPriority(t *testing.T) {
	t.Parallel()
	const entry = `{"__CURSOR":"s=1;i=2","__REALTIME_TIMESTAMP":"1764651827297643","_HOSTNAME":"gpu-node-1","SYSLOG_IDENTIFIER":"nv-fabricmanager","_PID":"5183","PRIORITY":"3","_TRANSPORT":"%s"%s,"MESSAGE":"fabric manager failed"}`
	for _, c := range []struct{ transport, extra, want string }{
		{"syslog", "", "error"}, {"kernel", "", "error"}, {"stdout", "", ""},
		{"journal", `,"CONTAINER_ID":"c44d2f7a9f1f"`, ""}, {"syslog", `,"CONTAINER_ID":"c44d2f7a9f1f"`, ""},
		{"journal", "", ""}, // a log driver's native entry without the container's id (faasd's)
		{"journal", `,"CODE_FILE":"src/core/unit.c","CODE_LINE":"5642","CODE_FUNC":"unit_log_failure"`, "error"},
	} {
		ev := event.NewMessage(fmt.Sprintf(entry, c.transport, c.extra), golden.Received)
		if !(Parser{}).Parse(ev) || ev.Message() != "fabric manager failed" {
			t.Fatalf("%s: not read: %s", c.transport, ev.AppendJSON(nil))
		}
		if lv, _ := ev.GetString(event.FieldLogLevel); lv != c.want {
			t.Errorf("%s%s: level %q, want %q", c.transport, c.extra, lv, c.want)
		}
		if ts := ev.Timestamp(); !ts.Equal(time.UnixMicro(1764651827297643)) {
			t.Errorf("time %v", ts)
		}
	}
}

func FuzzParse(f *testing.F) { golden.FuzzFraming(f, Parser{}) }

func BenchmarkParse(b *testing.B) {
	golden.BenchFraming(b, Parser{}, `Jun 07 06:13:05 node01 kubelet[2154]: I0607 06:13:05.123456    2154 kubelet.go:2448] "SyncLoop ADD" source="api"`)
}

// BenchmarkDecline is the frame's cost on the lines it sees most, which are not syslog: every
// line of a pod reaches it after the runtime's frame.
func BenchmarkDecline(b *testing.B) {
	lines := []string{
		`INFO 11-27 10:15:09 [logger.py:43] Received request chatcmpl-9f1c2d7e8a: prompt: 'Hi'`,
		`WARNING 11-27 10:15:09 [scheduler.py:1089] Sequence group 0 is preempted by PreemptionMode.RECOMPUTE`,
		`INFO:     10.0.0.7:51234 - "POST /v1/chat/completions HTTP/1.1" 200 OK`,
	}
	ref := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		for _, l := range lines {
			if _, ok := Split(l, ref); ok {
				b.Fatalf("took %q", l)
			}
		}
	}
}

// TestReplayKeepsItsTime: a dmesg -T line printed again days after the kernel wrote it (a
// `dmesg -w -T` DaemonSet that restarted) keeps its own time over the container runtime's; a
// frame without a year, or one only a zone away, leaves the runtime's time.
func TestReplayKeepsItsTime(t *testing.T) {
	t.Parallel()
	runtime := time.Date(2026, 12, 5, 11, 30, 0, 123, time.UTC)
	for line, want := range map[string]time.Time{
		"[Mon Oct 29 12:07:39 2018] NVRM: Xid (PCI:0000:8a:00): 48, An uncorrectable double bit error": time.Date(2018, 10, 29, 12, 7, 39, 0, time.UTC),
		"[Sat Dec  5 03:30:00 2026] NVRM: Xid (PCI:0000:8a:00): 79, GPU has fallen off the bus.":       runtime,
		"Oct 29 12:07:39 node1 kernel: NVRM: Xid (PCI:0000:8a:00): 48, An uncorrectable":               runtime,
	} {
		ev := event.NewMessage(line, runtime)
		ev.SetTimestamp(runtime)
		if !(Parser{}).Parse(ev) {
			t.Fatalf("not taken: %q", line)
		}
		if got := ev.Timestamp(); !got.Equal(want) {
			t.Errorf("%q: @timestamp %s, want %s", line, got, want)
		}
	}
}
