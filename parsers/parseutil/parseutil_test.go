package parseutil

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pipeline/event"
)

func TestLevel(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"I": Info, "W": Warning, "E": Error, "F": Critical, "INFO": Info, "warn": Warning,
		"WARNING": Warning, "eror": Error, "dbug": Debug, "ERRO": Error, "DPANIC": Critical, "fatal": Critical,
		"trace": Debug, "DEBU": Debug, "Critical": Critical, "": "", "loud": "", "X": "",
		"Level(-2)": Debug, "Level(2)": "",
	} {
		got, ok := Level(in)
		if got != want || ok != (want != "") {
			t.Errorf("Level(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

// TestShortLevels: zerolog's console abbreviations, and the lower-case words Fluent Bit and
// Fluentd write (a word in capitals is some other format's).
func TestShortLevels(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"TRC": Debug, "DBG": Debug, "INF": Info, "WRN": Warning, "ERR": Error,
		"FTL": Critical, "PNC": Critical, "INFO": "", "inf": ""} {
		if got := ZerologLevel(in); got != want {
			t.Errorf("ZerologLevel(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"trace": Debug, "debug": Debug, "info": Info, "warn": Warning,
		"error": Error, "fatal": Critical, "INFO": "", "Warn": "", "": "", "loud": ""} {
		if got := LowerLevel(in); got != want {
			t.Errorf("LowerLevel(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[byte]string{'I': Info, 'W': Warning, 'E': Error, 'F': Critical, 'V': "", 'i': "", '[': ""} {
		if got := KlogLevel(in); got != want {
			t.Errorf("KlogLevel(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestGuess(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"ERROR: Unable to load the kernel module 'nvidia.ko'.":            Error,
		"WARNING: The nvidia-drm module will not be installed.":           Warning,
		"command failed, retrying after 5 seconds":                        Warning,
		"Could not unload NVIDIA driver kernel modules, driver is in use": Error,
		"Installing NVIDIA driver kernel modules...":                      Info,
		"panic: runtime error: index out of range":                        Critical,
		// Fabric Manager's start script refusing its arguments: it never started
		"Unknown option: /usr/share/nvidia/nvswitch/fabricmanager.cfg": Error,
		"known options are listed below":                               Info,
		// nouveau's channel fault, a GPU's work lost (the kernel's words)
		"nouveau 0000:01:00.0: fifo: channel 40: errored - disabling channel": Error,
		// the kernel's RPC client on an NFS mount: a hard mount waits, a soft one fails the read
		"nfs: server 10.20.0.15 not responding, still trying": Warning,
		"nfs: server 10.20.0.15 not responding, timed out":    Error,
		"nfs: server 10.20.0.15 OK":                           Info,
	} {
		if got := Guess(in); got != want {
			t.Errorf("Guess(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRFC3339(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want string
		n    int
	}{
		{"2023-01-16T00:38:30Z rest", "2023-01-16T00:38:30Z", 20},
		{"2025-08-20T09:06:38.822Z", "2025-08-20T09:06:38.822Z", 24},
		{"2024-09-26T12:12:34.555993494+08:00 x", "2024-09-26T04:12:34.555993494Z", 35},
		{"2024-01-15T10:32:15+0000 host", "2024-01-15T10:32:15Z", 24},
		{"2022-04-07 01:11:23.642", "2022-04-07T01:11:23.642Z", 23},
	}
	for _, c := range cases {
		got, n, ok := RFC3339(c.in)
		if !ok || got.Format(time.RFC3339Nano) != c.want || n != c.n {
			t.Errorf("RFC3339(%q) = %v, %d, %v; want %s, %d", c.in, got, n, ok, c.want, c.n)
		}
	}
	for _, bad := range []string{"", "2023-13-01T00:00:00Z", "2023-01-16X00:38:30Z", "20230116T003830Z", "2023-01-16T25:00:00Z"} {
		if _, _, ok := RFC3339(bad); ok {
			t.Errorf("RFC3339(%q) accepted", bad)
		}
	}
}

func TestWithoutYear(t *testing.T) {
	t.Parallel()
	ref := time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC)
	if got, _ := WithoutYear(12, 31, 23, 59, 59, 0, ref); got.Year() != 2024 {
		t.Errorf("December line read in January: year %d", got.Year())
	}
	if got, _ := WithoutYear(1, 2, 10, 0, 0, 0, ref); got.Year() != 2025 {
		t.Errorf("same-day line: year %d", got.Year())
	}
	if _, ok := WithoutYear(13, 1, 0, 0, 0, 0, ref); ok {
		t.Error("month 13 accepted")
	}
	newYear := time.Date(2025, 12, 31, 23, 0, 0, 0, time.UTC)
	if got, _ := WithoutYear(1, 1, 0, 30, 0, 0, newYear); got != time.Date(2026, 1, 1, 0, 30, 0, 0, time.UTC) {
		t.Errorf("January line read on December 31st (a zone ahead): %v", got)
	}
	late := time.Date(2026, 12, 4, 18, 0, 0, 0, time.UTC)
	if got, _ := WithoutYear(12, 25, 13, 32, 40, 0, late); got.Year() != 2025 {
		t.Errorf("line dated later in the year than its receipt: year %d, want last year", got.Year())
	}
	if got, _ := WithoutYear(12, 5, 10, 0, 0, 0, late); got.Year() != 2026 {
		t.Errorf("line a zone ahead of its receipt: year %d, want this year", got.Year())
	}
}

func TestStamps(t *testing.T) {
	t.Parallel()
	ref := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	if got, n, ok := Syslog("May  8 19:02:39 host kernel:", ref); !ok || n != 15 || got != time.Date(2025, 5, 8, 19, 2, 39, 0, time.UTC) {
		t.Errorf("Syslog = %v %d %v", got, n, ok)
	}
	if got, ok := Ctime("Sun Feb 23 16:24:18 2025"); !ok || got != time.Date(2025, 2, 23, 16, 24, 18, 0, time.UTC) {
		t.Errorf("Ctime = %v %v", got, ok)
	}
	if got, n, ok := StdLog("2022/06/16 07:21:18 Starting FS watcher."); !ok || n != 19 || got != time.Date(2022, 6, 16, 7, 21, 18, 0, time.UTC) {
		t.Errorf("StdLog = %v %d %v", got, n, ok)
	}
	if got, ok := Epoch("1609192433.929334"); !ok || got.Unix() != 1609192433 || got.Nanosecond()/1000 != 929334 {
		t.Errorf("Epoch = %v %v", got, ok)
	}
	if _, ok := Epoch("NaN"); ok {
		t.Error("Epoch(NaN) accepted")
	}
}

func TestKV(t *testing.T) {
	t.Parallel()
	kv := NewKV(`time="2023-01-16T00:38:30Z" level=info msg="Installed \"x\"" empty= n=1 "model layers"=49`)
	var got []string
	for {
		k, v, ok := kv.Next()
		if !ok {
			break
		}
		got = append(got, k+"="+v)
	}
	want := []string{"time=2023-01-16T00:38:30Z", "level=info", `msg=Installed "x"`, "empty=", "n=1", "model layers=49"}
	if len(got) != len(want) || kv.Bad() {
		t.Fatalf("got %q (bad %v), want %q", got, kv.Bad(), want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("pair %d = %q, want %q", i, got[i], want[i])
		}
	}
	// a Go value printed with %+v runs to its closing brace; an unclosed one is a word
	structs := NewKV(`event=&{ID:1 Type:ContainerDied Data:2} next=3 open={a b`)
	var pairs []string
	for k, v := range structs.All() {
		pairs = append(pairs, k+"|"+v)
	}
	if strings.Join(pairs, ",") != "event|&{ID:1 Type:ContainerDied Data:2},next|3,open|{a" {
		t.Errorf("struct values: %q", pairs)
	}
	all := NewKV(`a=1 b="two words" c=`)
	var keys []string
	for k, v := range all.All() {
		keys = append(keys, k+"|"+v)
	}
	if strings.Join(keys, ",") != "a|1,b|two words,c|" || all.Bad() {
		t.Errorf("All yielded %q (bad %v)", keys, all.Bad())
	}
	// klog writes a key as the program gave it, spaces included (HAMi's scheduler,
	// controller-runtime's "worker count"); a plain scan stops there
	spaced := NewKlogKV(`Nums=1 device index=0 device="GPU-f08602a4" worker count=1 a b c d=4`)
	var sp []string
	for k, v := range spaced.All() {
		sp = append(sp, k+"|"+v)
	}
	if strings.Join(sp, ",") != "Nums|1,device index|0,device|GPU-f08602a4,worker count|1" || !spaced.Bad() {
		t.Errorf("klog's spaced keys: %q (bad %v), want up to three words a key", sp, spaced.Bad())
	}
	plain := NewKV(`Nums=1 device index=0`)
	for k := range plain.All() {
		if k != "Nums" {
			t.Errorf("NewKV read a spaced key %q", k)
		}
	}
	for _, bad := range []string{"just words", `k="unterminated`, `k="a"b`, "=v", `"quoted" words`, `""=v`, `"k=v`} {
		if ValidKV(bad) {
			t.Errorf("ValidKV(%q) = true", bad)
		}
	}
}

func TestGPUDataset(t *testing.T) {
	t.Parallel()
	cases := []struct{ key, val, want string }{
		{event.FieldK8sContainer, "nvidia-device-plugin-ctr", DatasetDevicePlugin},
		{event.FieldK8sContainer, "nvidia-dcgm-exporter", DatasetDCGMExporter},
		{event.FieldK8sContainer, "nvidia-driver-ctr", DatasetDriver},
		{event.FieldK8sContainer, "driver-validation", DatasetValidator},
		{event.FieldK8sContainer, "nvidia-node-status-exporter", DatasetValidator},
		{event.FieldK8sContainer, "vllm", ""},
		{event.FieldLogFilePath, "/var/log/containers/nvidia-container-toolkit-daemonset-zk8cn_gpu-operator_nvidia-container-toolkit-ctr-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.log", DatasetToolkit},
		{event.FieldLogFilePath, "/var/log/pods/gpu-operator_gpu-operator-5cd848855d-vjhjp_8d2c1e4f-1111-2222-3333-444455556666/gpu-operator/0.log", DatasetOperator},
		{event.FieldLogFilePath, "/var/log/kern.log", ""},
		// GPU programs' own log files on the host
		{event.FieldLogFilePath, "/var/log/nvidia-container-runtime.log", DatasetToolkit},
		{event.FieldLogFilePath, "/var/log/fabricmanager.log", DatasetFabricManager},
		{event.FieldLogFilePath, "/var/log/fabricmanager.log.1", DatasetFabricManager}, // logrotate's
		{event.FieldLogFilePath, "/var/log/nvidia-container-toolkit.log.2.gz", DatasetToolkit},
		{event.FieldLogFilePath, "/var/log/nv-hostengine.log", DatasetDCGM},
		{event.FieldLogFilePath, "/var/log/my-app.log", ""},
		{event.FieldLogFilePath, "support-bundle/node-3/nvidia-dcgm-exporter-7xk2p_gpu-operator_nvidia-dcgm-exporter-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.log", DatasetDCGMExporter},
		{event.FieldLogFilePath, "a_b.log", ""},
		// the dcgm-exporter Helm chart names its container "exporter", as other exporters may
		{event.FieldLogFilePath, "/var/log/containers/dcgm-exporter-b5t9w_gpu-monitoring_exporter-0a9c83c39d9262ef4d2eaf3f086c2b3be26e99ca2c25813e95ef771bbae0769e.log", DatasetDCGMExporter},
		{event.FieldLogFilePath, "/var/log/containers/redis-exporter-7c9d8_cache_exporter-0a9c83c39d9262ef4d2eaf3f086c2b3be26e99ca2c25813e95ef771bbae0769e.log", ""},
		// the DRA driver's chart before 25.3 named its kubelet plugin's container "plugin"; the
		// standalone KubeVirt GPU device plugin's manifest names its own
		{event.FieldLogFilePath, "/var/log/pods/nvidia-dra-driver_nvidia-k8s-dra-driver-kubelet-plugin-7hq2x_8d2c1e4f-1111-2222-3333-444455556666/plugin/0.log", DatasetDRA},
		{event.FieldLogFilePath, "/var/log/pods/csi_my-csi-node-7hq2x_8d2c1e4f-1111-2222-3333-444455556666/plugin/0.log", ""},
		{event.FieldK8sContainer, "nvidia-kubevirt-gpu-dp-ctr", DatasetDevicePlugin},
		// the config sidecars are the device plugin's in its pod and GFD's in GFD's
		{event.FieldLogFilePath, "/var/log/pods/gpu-operator_nvidia-device-plugin-daemonset-x2c9v_8d2c1e4f-1111-2222-3333-444455556666/config-manager-init/0.log", DatasetDevicePlugin},
		{event.FieldLogFilePath, "/var/log/pods/gpu-operator_gpu-feature-discovery-x2c9v_8d2c1e4f-1111-2222-3333-444455556666/config-manager-init/0.log", DatasetFeatureDiscovery},
		{event.FieldLogFilePath, "/var/log/pods/nvidia_nvdp-gpu-feature-discovery-x2c9v_8d2c1e4f-1111-2222-3333-444455556666/config-manager/0.log", DatasetFeatureDiscovery},
		// node-feature-discovery under the GPU operator's release name, the standalone chart's
		// and OpenShift's NFD operator's; a worker of any other pod is no NFD
		{event.FieldLogFilePath, "/var/log/pods/gpu-operator_gpu-operator-1699-node-feature-discovery-worker-x2c9v_8d2c1e4f-1111-2222-3333-444455556666/worker/0.log", DatasetNFD},
		{event.FieldLogFilePath, "/var/log/pods/gpu-operator_gpu-operator-node-feature-discovery-master-5b7d9c4f8-p6tzr_8d2c1e4f-1111-2222-3333-444455556666/master/0.log", DatasetNFD},
		{event.FieldLogFilePath, "/var/log/pods/openshift-nfd_nfd-worker-x2c9v_8d2c1e4f-1111-2222-3333-444455556666/nfd-worker/0.log", DatasetNFD},
		{event.FieldLogFilePath, "/var/log/pods/celery_celery-worker-5b7d9c4f8-p6tzr_8d2c1e4f-1111-2222-3333-444455556666/worker/0.log", ""},
		// journalctl -o with-unit names the unit where the program goes
		{event.FieldProcessName, "nvidia-fabricmanager.service", DatasetFabricManager},
		{event.FieldProcessName, "cron.service", ""},
	}
	for _, c := range cases {
		ev := event.New()
		ev.SetString(c.key, c.val)
		if got := GPUDataset(ev); got != c.want {
			t.Errorf("%s=%s: %q, want %q", c.key, c.val, got, c.want)
		}
	}
}

func TestFinishKeepsTime(t *testing.T) {
	t.Parallel()
	rec := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	ev := event.NewMessage("x", rec)
	Finish(ev, "d", "")
	if ev.Timestamp() != rec {
		t.Errorf("@timestamp %v, want receipt time", ev.Timestamp())
	}
	// A line that states no level gets none: "info" would hide it from rules about such lines.
	if l, has := ev.GetString(event.FieldLogLevel); has {
		t.Errorf("level %q made up", l)
	}
}

func TestZonedAndLocal(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"2023-01-16T00:38:30Z": true, "2024-09-26T12:12:34.555+08:00": true, "2024-01-15T10:32:15+0000": true,
		"2024-05-27 06:51:51.530": false, "2024-05-27T06:51:51": false, "2024-05-27T06:51:51.123456": false,
	} {
		if got := Zoned(s); got != want {
			t.Errorf("Zoned(%q) = %v", s, got)
		}
	}
	runtime := time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC)
	line := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC) // the same instant written in UTC+2
	ev := event.New()
	ev.SetTimestamp(runtime)
	SetLocalTime(ev, line)
	if ev.Timestamp() != runtime {
		t.Errorf("a zone-less stamp replaced the runtime's time: %v", ev.Timestamp())
	}
	SetStamp(ev, line, "2025-06-01T12:00:00Z")
	if ev.Timestamp() != line {
		t.Errorf("a zoned stamp did not replace the runtime's time: %v", ev.Timestamp())
	}
	// whole seconds are refined by the runtime's time of the same second; a fraction written
	// as zeros (Karpenter's fixed milliseconds, "...24.000Z") is the line's own time
	later := line.Add(1500 * time.Microsecond)
	for stamp, want := range map[string]time.Time{"2025-06-01T12:00:00Z": later, "2025-06-01T12:00:00.000Z": line} {
		ev := event.New()
		ev.SetTimestamp(later)
		SetStamp(ev, line, stamp)
		if ev.Timestamp() != want {
			t.Errorf("SetStamp(%q) over the runtime's %v: %v, want %v", stamp, later, ev.Timestamp(), want)
		}
	}
}

func TestLooseKV(t *testing.T) {
	t.Parallel()
	kv := NewLooseKV(`time=2026-02-25T08:26:00Z level=info msg=Current value of "a.b"=true err=x y dump="q r"`)
	var got []string
	for {
		k, v, ok := kv.Next()
		if !ok {
			break
		}
		got = append(got, k+"|"+v)
	}
	want := []string{"time|2026-02-25T08:26:00Z", "level|info", `msg|Current value of "a.b"=true`, "err|x y", "dump|q r"}
	if len(got) != len(want) || kv.Bad() {
		t.Fatalf("got %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("pair %d = %q, want %q", i, got[i], want[i])
		}
	}
	if ValidKV("msg=a b") || !ValidLooseKV("msg=a b") || ValidLooseKV("a b") {
		t.Error("strict and loose validity disagree with the format")
	}
}

// A frame's whole second and a line's stamp of the same second to the microsecond are one
// clock: the fraction is kept, also a zone apart (journalctl -o short-iso's "+0200" frame, read
// to UTC, over the kubelet's wall clock: NVIDIA/gpu-operator issue #349). Another second, an
// offset no zone has, or a frame with its own fraction leave the frame's time.
func TestSetLocalTimeRefinesWholeSeconds(t *testing.T) {
	t.Parallel()
	checkTimeRule(t, SetLocalTime, []timeCase{
		{"2025-05-16T18:34:49Z", "2025-05-16T18:34:49.885576Z", "2025-05-16T18:34:49.885576Z"},
		{"2025-05-16T18:34:49Z", "0000-05-16T18:34:49.885576Z", "2025-05-16T18:34:49.885576Z"}, // klog: no year
		{"2025-05-16T18:34:49Z", "2025-05-16T18:34:48.885576Z", "2025-05-16T18:34:49Z"},
		{"2025-05-16T18:34:49Z", "2025-05-16T20:34:49.885576Z", "2025-05-16T18:34:49.885576Z"},
		{"2025-05-16T23:34:49Z", "0000-05-17T05:04:49.885576Z", "2025-05-16T23:34:49.885576Z"}, // UTC+5:30, the next day
		{"2025-05-16T18:34:49Z", "2025-05-16T20:41:49.885576Z", "2025-05-16T18:34:49Z"},
		{"2025-05-16T18:34:49.1Z", "2025-05-16T18:34:49.885576Z", "2025-05-16T18:34:49.1Z"},
		{"", "2025-05-16T18:34:49.885576Z", "2025-05-16T18:34:49.885576Z"},
	})
}

// A zoned stamp in whole seconds (logrus's time="...Z") keeps the runtime's finer time of the
// same second; a stamp with a fraction, another second or no time before take the stamp.
func TestSetTimeKeepsTheFractionOfItsSecond(t *testing.T) {
	t.Parallel()
	checkTimeRule(t, SetTime, []timeCase{
		{"2026-04-01T08:42:37.003000123Z", "2026-04-01T08:42:37Z", "2026-04-01T08:42:37.003000123Z"},
		{"2026-04-01T10:42:37.003000123+02:00", "2026-04-01T08:42:37Z", "2026-04-01T08:42:37.003000123Z"},
		{"2026-04-01T08:42:38.003000123Z", "2026-04-01T08:42:37Z", "2026-04-01T08:42:37Z"},
		{"2026-04-01T08:42:37.003000123Z", "2026-04-01T08:42:37.5Z", "2026-04-01T08:42:37.5Z"},
		{"2026-04-01T08:42:37Z", "2026-04-01T08:42:37Z", "2026-04-01T08:42:37Z"},
		{"", "2026-04-01T08:42:37Z", "2026-04-01T08:42:37Z"},
	})
}

// TestSetDatedLocalTimeTakesTheYear: a dated stamp without a zone corrects the year a syslog
// header's time guessed, and only that: a runtime's time (with its fraction) or another second
// stays, unless the stamp is older than any zone makes it (a replayed record).
func TestSetDatedLocalTimeTakesTheYear(t *testing.T) {
	t.Parallel()
	checkTimeRule(t, SetDatedLocalTime, []timeCase{
		{"2026-04-03T17:38:52Z", "2025-04-03T17:38:52.71Z", "2025-04-03T17:38:52.71Z"},
		{"2026-04-03T17:38:52.000123Z", "2026-04-03T03:38:52.71Z", "2026-04-03T17:38:52.000123Z"}, // a zone off
		{"2026-04-03T17:38:52.000123Z", "2026-04-04T07:38:52.71Z", "2026-04-03T17:38:52.000123Z"},
		{"2026-04-03T17:38:52Z", "2026-04-03T17:38:53.71Z", "2026-04-03T17:38:52Z"},
		// a replay: dmesg -T's ring buffer printed again, days after
		{"2026-12-05T11:30:00.000000123Z", "2018-10-29T12:07:39Z", "2018-10-29T12:07:39Z"},
		{"2026-04-03T17:38:52.000123Z", "2025-04-03T17:38:52.71Z", "2025-04-03T17:38:52.71Z"},
		{"2026-04-03T17:38:52Z", "0000-04-03T17:38:52.71Z", "2026-04-03T17:38:52.71Z"},
	})
}

// timeCase is a time set before a line's (the frame's or the runtime's, "" for none), the time
// the line states, and the @timestamp wanted.
type timeCase struct{ frame, line, want string }

// checkTimeRule runs set, one of the rules for a line's time, on each case.
func checkTimeRule(t *testing.T, set func(*event.Event, time.Time), cases []timeCase) {
	t.Helper()
	for _, c := range cases {
		ev := event.NewMessage("x", time.Time{})
		if c.frame != "" {
			ev.SetTimestamp(rfc3339(t, c.frame))
		}
		set(ev, rfc3339(t, c.line))
		if got := ev.Timestamp(); !got.Equal(rfc3339(t, c.want)) {
			t.Errorf("before %s, line %s: %s, want %s", c.frame, c.line, got.Format(time.RFC3339Nano), c.want)
		}
	}
}

// rfc3339 reads a test's RFC 3339 time.
func rfc3339(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestSourceLocation(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"nixl_agent.cpp:921": true, "/src/ggml/ggml-cuda.cu:73": true, `C:\a\ollama\ggml-cuda.cu:73`: true,
		"reaper.go:61": true, "nixl_agent.cpp": false, "config.py:12": false, "host:8080": false,
	} {
		if got := SourceLocation(s); got != want {
			t.Errorf("SourceLocation(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestFileLine(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   string
		file string
		line int64
		ok   bool
	}{
		{"../aten/src/ATen/native/cuda/Indexing.cu:1284", "../aten/src/ATen/native/cuda/Indexing.cu", 1284, true},
		{"C:\\x\\y.py:7", "C:\\x\\y.py", 7, true},
		{"main.go", "", 0, false},
		{":12", "", 0, false},
		{"a.py:x", "a.py", 0, false},
	} {
		file, line, ok := FileLine(c.in)
		if ok != c.ok || ok && (file != c.file || line != c.line) {
			t.Errorf("FileLine(%q) = %q, %d, %v", c.in, file, line, ok)
		}
	}
}

func TestLogFileName(t *testing.T) {
	t.Parallel()
	for path, want := range map[string]string{
		"/var/log/kubelet.log":                         "kubelet.log",
		"/var/log/kubelet.log.1":                       "kubelet.log",
		"/var/log/kubelet.log.4.gz":                    "kubelet.log",
		"/var/log/kubelet.log-20230701":                "kubelet.log",
		"/var/log/nvidia-container-toolkit.log.1":      "nvidia-container-toolkit.log",
		"/var/log/fabricmanager.log.2.gz":              "fabricmanager.log",
		"/var/log/pods/ns_p_u/c/0.log.20261201-090000": "0.log",
		"/var/log/messages-20261201":                   "messages",
		"/var/log/syslog.2.gz":                         "syslog",
		"gpud.log":                                     "gpud.log",
		"/var/log/nv-hostengine.log":                   "nv-hostengine.log",
		"/var/log/app-v2.log":                          "app-v2.log",
		"/var/log/nvidia-installer.log.3":              "nvidia-installer.log",
		// glog's own files, which its kubelet.INFO link names
		"/var/log/kubernetes/kubelet.pc-zjdbai51.root.log.INFO.20210709-193402.2247":    "kubelet.INFO",
		"/var/log/kubernetes/kubelet.pc-zjdbai51.root.log.WARNING.20210709-193402.2247": "kubelet.WARNING",
	} {
		if got := LogFileName(path); got != want {
			t.Errorf("LogFileName(%q) = %q, want %q", path, got, want)
		}
	}
}

// A Docker container outside Kubernetes is the GPU stack's by its name when its image's name
// says less: NVIDIA's driver container as its docs run it (`docker run --name nvidia-driver
// nvcr.io/nvidia/driver:...`), whose image is "driver". A pod's container keeps its own name.
func TestGPUDatasetDockerName(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ name, image, k8s, want string }{
		{"/nvidia-driver", "nvcr.io/nvidia/driver:550.127.05-ubuntu22.04", "", DatasetDriver},
		{"nvidia-dcgm-exporter", "nvcr.io/nvidia/k8s/dcgm-exporter:3.3.5-3.4.0-ubuntu22.04", "", DatasetDCGMExporter},
		{"nvidia-driver-2", "nvidia/driver:450.80.02-ubuntu20.04", "", DatasetDriver},
		{"/vllm", "vllm/vllm-openai:v0.34.0", "", ""},
		{"k8s_vllm_vllm-0_llm_uid_0", "nvcr.io/nvidia/driver:550", "vllm", ""},
	} {
		ev := event.New()
		ev.SetString("container.name", c.name)
		ev.SetString("container.image.name", c.image)
		if c.k8s != "" {
			ev.SetString(event.FieldK8sContainer, c.k8s)
		}
		if got := GPUDataset(ev); got != c.want {
			t.Errorf("%s (%s): %q, want %q", c.name, c.image, got, c.want)
		}
	}
}

// klog's pairs: a last quoted value cut short is what there is of it (the pager's ">" off) and
// the scan says Cut; a pair right after a quoted value, without its space, is read. logfmt's
// scan refuses both, as it did.
func TestKlogKVCutAndUnspaced(t *testing.T) {
	t.Parallel()
	read := func(kv *KV) (got []string) {
		for {
			k, v, ok := kv.Next()
			if !ok {
				return got
			}
			got = append(got, k+"|"+v)
		}
	}
	kv := NewKlogKV(`pod="ns/p" err="failed t>`)
	if got := read(&kv); !slices.Equal(got, []string{"pod|ns/p", "err|failed t"}) || !kv.Cut() {
		t.Errorf("cut: %q, Cut %v", got, kv.Cut())
	}
	unspaced := NewKlogKV(`service="podresources"qps=100 burstTokens=10`)
	if got := read(&unspaced); !slices.Equal(got, []string{"service|podresources", "qps|100", "burstTokens|10"}) {
		t.Errorf("unspaced: %q", got)
	}
	plain := NewKV(`service="podresources"qps=100`)
	if got := read(&plain); len(got) > 0 {
		t.Errorf("logfmt took an unspaced pair: %q", got)
	}
	lf := NewKV(`msg="cut`)
	if _, _, ok := lf.Next(); ok || lf.Cut() {
		t.Error("logfmt's scan read a cut value")
	}
}

func TestJSONMessage(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"{\n  \"message\": {\n    \"message\": \"RendezvousConnectionError: The connection failed.\",\n": "RendezvousConnectionError: The connection failed.",
		"{\n  \"message\": \"a \\\"quoted\\\" word\"\n}":                                                 `a \"quoted\" word`,
		"{\n  \"message\": {\n    \"extraInfo\": {}\n  }\n}":                                             "",
		"{\n  \"message\": \"cut off":                                                                    "",
	} {
		if got := JSONMessage(in); got != want {
			t.Errorf("JSONMessage(%q) = %q, want %q", in, got, want)
		}
	}
}
