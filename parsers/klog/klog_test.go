package klog

import (
	"testing"
	"time"

	pu "github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/parsers/parseutil/putest"
	"github.com/sluice-dev/sluice/pipeline/event"
)

func TestGolden(t *testing.T) { putest.Golden(t, Info) }

func TestYearRollover(t *testing.T) {
	t.Parallel()
	// Received in June 2025 (golden.Received in parsers/golden): a December line is from 2024.
	ev, ok := putest.Parse(t, New(), "I1231 23:59:59.999999       1 a.go:1] x", nil)
	if !ok || ev.Timestamp().Year() != 2024 {
		t.Fatalf("parsed %v, year %d", ok, ev.Timestamp().Year())
	}
}

func TestRejects(t *testing.T) {
	t.Parallel()
	putest.Rejects(t, New(),
		"", "INFO 06-01 12:00:00 [api_server.py:1] vLLM", "I0102 15:04:05.000001 x a.go:1] pid not a number",
		"X0102 15:04:05.000001   1 a.go:1] bad level", "I0102 1504:05.000001   1 a.go:1] bad clock",
		// kubectl's event rows need a type, a reason in UpperCamelCase, an age, a message
		"  Warning  failed scheduling  28s  kubelet  x", "  Warning  FailedScheduling  soon  kubelet  x",
		"  Warning  FailedScheduling  28s  kubelet  ", "5m  Warning  Unhealthy  no-object-here  probe failed",
		"Normal  Scheduled", "  Type     Reason     Age   From     Message",
	)
}

func FuzzParse(f *testing.F) { putest.FuzzParse(f, New()) }

// BenchmarkParseStructured measures klog's structured form, whose pairs cost one allocation each
// (the log.fields.<key> name).
func BenchmarkParseStructured(b *testing.B) {
	putest.Bench(b, New(), []string{
		`I1025 00:15:15.525108       1 controller_utils.go:116] "Pod status updated" pod="kube-system/kubedns" status="ready"`,
	})
}

func BenchmarkParse(b *testing.B) {
	putest.Bench(b, New(), []string{
		"I1019 06:25:03.801505       1 main.go:154] Starting FS watcher.",
		"W0819 07:02:54.757556       1 rm.go:109] NVML not detected: could not load NVML library: libnvidia-ml.so.1: cannot open shared object file: No such file or directory",
	})
}

// TestMultilineValue checks klog's key=< ... > value, grouped by the parse processor.
func TestMultilineValue(t *testing.T) {
	t.Parallel()
	line := "E0616 20:43:20.582735       1 panic.go:336] \"Observed a panic\" worker=1 stacktrace=<\n\tgoroutine 263 [running]:\n\t\truntime/panic.go:860 +0x13a\n >"
	ev, ok := putest.Parse(t, New(), line, nil)
	st, _ := ev.GetString("error.stack_trace")
	if !ok || st != "goroutine 263 [running]:\n\truntime/panic.go:860 +0x13a" {
		t.Fatalf("parsed %v, stack %q", ok, st)
	}
}

// The kubelet's pod sync error names a container only for a container's action; a sandbox's
// names the pod (CreatePodSandbox: name_namespace(uid); KillPodSandbox: the uid). The reason is
// read either way (pkg/kubelet/container's SyncResult: "failed to %q for %q with %v: %q").
func TestSyncFailure(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ err, container, reason string }{
		{`failed to "StartContainer" for "vllm" with CrashLoopBackOff: "back-off 5m0s restarting failed container=vllm pod=vllm-0_default(93e17ecc)"`, "vllm", "CrashLoopBackOff"},
		{`failed to "CreatePodSandbox" for "vllm-0_default(93e17ecc-ab55-461a-b526-29248d2554ad)" with CreatePodSandboxError: "Failed to create sandbox"`, "", "CreatePodSandboxError"},
		{`failed to "KillPodSandbox" for "93e17ecc-ab55-461a-b526-29248d2554ad" with KillPodSandboxError: "rpc error"`, "", "KillPodSandboxError"},
		{`something else`, "", ""},
	} {
		ev := event.NewMessage("x", time.Time{})
		pu.SyncFailure(ev, c.err)
		got, _ := ev.GetString(pu.FieldLogFields + ".containerName")
		reason, _ := ev.GetString(FieldEventReason)
		if got != c.container || reason != c.reason {
			t.Errorf("%s: container %q reason %q, want %q %q", c.err, got, reason, c.container, c.reason)
		}
	}
}
