package syslog

import (
	"fmt"
	"strings"
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

// A container's entry through a runtime's journald driver names the container (its full id
// over the short one, its name, its image) and says whether a longer line goes on in the next
// entry; dockerd's pid and the tag that is the container's id are no program's.
func TestJournalJSONContainer(t *testing.T) {
	t.Parallel()
	const full = "3f4e5d6c7b8a9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f80"
	const entry = `{"__CURSOR":"s=1;i=2","__REALTIME_TIMESTAMP":"1764651827297643","_HOSTNAME":"gpu-host","SYSLOG_IDENTIFIER":"%s","_PID":"1187","_TRANSPORT":"journal","PRIORITY":"6"%s,"MESSAGE":"INFO 06-16 21:29:16 [logger.py:43] Recei"}`
	for _, c := range []struct {
		tag, extra         string
		id, name, image    string
		proc               string
		pid, partial, read bool
	}{
		{"3f4e5d6c7b8a", `,"CONTAINER_ID":"3f4e5d6c7b8a","CONTAINER_ID_FULL":"` + full + `","CONTAINER_NAME":"vllm-server","IMAGE_NAME":"vllm/vllm-openai:v0.9.1","CONTAINER_PARTIAL_MESSAGE":"true"`,
			full, "vllm-server", "vllm/vllm-openai:v0.9.1", "", false, true, true},
		{"vllm", `,"CONTAINER_ID":"3f4e5d6c7b8a","CONTAINER_NAME":"vllm-server","CONTAINER_PARTIAL_LAST":"true"`,
			"3f4e5d6c7b8a", "vllm-server", "", "vllm", false, false, true},
		{"3f4e5d6c7b8a", "", "3f4e5d6c7b8a", "", "", "", false, false, true}, // the tag alone
		{"deadbeefcafe", "", "", "", "", "deadbeefcafe", true, false, true},  // a word, not an id
		{"vllm", `,"CONTAINER_PARTIAL_MESSAGE":"true"`, "", "", "", "vllm", true, false, true},
	} {
		ev := event.NewMessage(fmt.Sprintf(entry, c.tag, c.extra), golden.Received)
		ok, partial := Parser{}.ParsePiece(ev)
		if !ok || partial != c.partial {
			t.Fatalf("%s: read %v, partial %v: %s", c.extra, ok, partial, ev.AppendJSON(nil))
		}
		for field, want := range map[string]string{FieldContainerID: c.id, FieldContainerName: c.name, FieldContainerImage: c.image, event.FieldProcessName: c.proc} {
			if got, _ := ev.GetString(field); got != want {
				t.Errorf("%s%s: %s %q, want %q", c.tag, c.extra, field, got, want)
			}
		}
		if stream, _ := ev.GetString(FieldStream); (stream == "stdout") != strings.Contains(c.extra, `"CONTAINER_ID"`) {
			t.Errorf("%s%s: stream %q (PRIORITY 6 of a container's entry is stdout)", c.tag, c.extra, stream)
		}
		if ev.Has(event.FieldProcessPID) != c.pid {
			t.Errorf("%s%s: process.pid %v, want it %v", c.tag, c.extra, ev.Has(event.FieldProcessPID), c.pid)
		}
	}
}

// Docker's syslog driver tags a container's lines with its short id, or "docker/" and the id.
func TestTagContainer(t *testing.T) {
	for tag, want := range map[string]string{
		"3f4e5d6c7b8a": "3f4e5d6c7b8a", "docker/3f4e5d6c7b8a": "3f4e5d6c7b8a",
		"3f4e5d6c7b8": "", "3f4e5d6c7b8a0": "", "3F4E5D6C7B8A": "", "deadbeefcafe": "", "kubelet": "", "": "",
		"docker/kubelet": "", "podman/3f4e5d6c7b8a": "",
	} {
		if got := tagContainer(tag); got != want {
			t.Errorf("tagContainer(%q) = %q, want %q", tag, got, want)
		}
	}
}

// A journal entry is read whatever the order of its members, its cursor not first among them (a
// library's export, a pretty entry put on one line); another JSON line that names no cursor is
// not a journal entry.
func TestJournalJSONMemberOrder(t *testing.T) {
	t.Parallel()
	for line, want := range map[string]bool{
		`{"_SYSTEMD_UNIT": "avahi-daemon.service", "SYSLOG_IDENTIFIER": "avahi-daemon", "__CURSOR": "s=686f;i=1", "__REALTIME_TIMESTAMP": "1613134628976718", "MESSAGE": "Withdrawing address record", "_HOSTNAME": "bob6"}`: true,
		`{"__CURSOR": "s=686f;i=1", "__REALTIME_TIMESTAMP": "1613134628976718", "MESSAGE": "Withdrawing address record"}`:                                                                                                    true,
		`{"__REALTIME_TIMESTAMP": "1613134628976718", "MESSAGE": "Withdrawing address record"}`:                                                                                                                              false,
	} {
		ev := event.NewMessage(line, golden.Received)
		ok := Parser{}.Parse(ev)
		if ok != want {
			t.Errorf("%s: read %v, want %v", line, ok, want)
			continue
		}
		if ok && (ev.Message() != "Withdrawing address record" || !ev.Timestamp().Equal(time.UnixMicro(1613134628976718))) {
			t.Errorf("%s: message %q, time %v", line, ev.Message(), ev.Timestamp())
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

// A journalctl -o verbose entry, joined from its lines, is read as journalctl -o json's line: a
// MESSAGE over several lines goes on under itself, indented past "MESSAGE=" (systemd's
// output_verbose), and comes out with its lines; one journalctl did not print (binary, or long
// without --all: "[2.1K blob data]") leaves the entry alone, and so does a header alone.
func TestJournalVerbose(t *testing.T) {
	t.Parallel()
	const head = "Mon 2026-03-02 14:05:11.482113 CET [s=8c3f0e0b5c6d4f0e9a1b2c3d4e5f6a7b;i=3a2f1;b=0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a;m=2f1b3c4d5;t=64c0a1b2c3d4e;x=1a2b3c4d5e6f7a8b]"
	entry := head + "\n    _TRANSPORT=journal\n    PRIORITY=2\n    CODE_FILE=src/coredump/coredump.c\n" +
		"    _HOSTNAME=gpu-node-7\n    SYSLOG_IDENTIFIER=systemd-coredump\n    _PID=91822\n" +
		"    MESSAGE=Process 4711 (python3) of user 0 dumped core.\n            \n            Stack trace of thread 4711:\n" +
		"            #0  0x00007f2a1c8e9a7c n/a (libcuda.so.1 + 0x29a7c)\n    _SOURCE_REALTIME_TIMESTAMP=1772456711482001"
	ev := event.NewMessage(entry, golden.Received)
	if !(Parser{}).Parse(ev) {
		t.Fatalf("not read: %s", ev.AppendJSON(nil))
	}
	want := "Process 4711 (python3) of user 0 dumped core.\n\nStack trace of thread 4711:\n#0  0x00007f2a1c8e9a7c n/a (libcuda.so.1 + 0x29a7c)"
	if m := ev.Message(); m != want {
		t.Errorf("message %q, want %q", m, want)
	}
	for k, v := range map[string]string{event.FieldHostHostname: "gpu-node-7", event.FieldProcessName: "systemd-coredump", event.FieldLogLevel: "critical"} {
		if got, _ := ev.GetString(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if pid, _ := ev.Get(event.FieldProcessPID); pid.String() != "91822" {
		t.Errorf("pid %v", pid)
	}
	if ts := ev.Timestamp(); !ts.Equal(time.UnixMicro(0x64c0a1b2c3d4e)) {
		t.Errorf("time %v, want the cursor's t=", ts)
	}
	for _, s := range []string{
		head, // the header alone: its fields never came
		head + "\n    _TRANSPORT=kernel\n    MESSAGE=[3.1K blob data]",
		head + "\n    _TRANSPORT=kernel\n    _HOSTNAME=gpu-node-7",           // no MESSAGE
		strings.Replace(head, ";t=64c0a1b2c3d4e", "", 1) + "\n    MESSAGE=x", // no time in the cursor
	} {
		ev := event.NewMessage(s, golden.Received)
		if (Parser{}).Parse(ev) || ev.Message() != s {
			t.Errorf("took %q: %s", s, ev.AppendJSON(nil))
		}
	}
	// a short-full record whose message went on over lines is still that
	wrapped := "Mon 2026-03-02 14:05:11 CET node nvidia-persistenced[12]: started\n    MESSAGE=x"
	ev = event.NewMessage(wrapped, golden.Received)
	if !(Parser{}).Parse(ev) || ev.Message() != "started\n    MESSAGE=x" {
		t.Errorf("short-full record over lines: %s", ev.AppendJSON(nil))
	}
}

// rsyslog writes a control character as "#" and its three octal digits (Debian's and Ubuntu's
// default): the tabs a klog value's line and a Go panic's frame start with come back as tabs,
// a CRLF line's carriage return goes, and a "#011" inside the text stays the program's.
func TestRsyslogEscapedControls(t *testing.T) {
	t.Parallel()
	ref := time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)
	for line, want := range map[string]string{
		"May  1 12:05:10 gpu-node-a100-01 kubelet[1873]: #011Traceback (most recent call last):":                                                                      "\tTraceback (most recent call last):",
		"2025-05-01T12:07:00.100000+00:00 gpu-node-a100-01 containerd[1102]: #011/go/src/github.com/containerd/containerd/pkg/cri/server/container_stop.go:55 +0x1a4": "\t/go/src/github.com/containerd/containerd/pkg/cri/server/container_stop.go:55 +0x1a4",
		"May  1 12:05:10 gpu-node-a100-01 kubelet[1873]: #011#011nested":                                                                                              "\t\tnested",
		"May  1 12:05:10 gpu-node-a100-01 kubelet[1873]: #011":                                                                                                        "\t",
		"May  1 12:05:10 gpu-node-a100-01 vllm[2231]: INFO 05-01 12:05:10 [loggers.py:123] Engine 000#015":                                                            "INFO 05-01 12:05:10 [loggers.py:123] Engine 000",
		"May  1 12:05:10 gpu-node-a100-01 app[12]: see issue #011 for why":                                                                                            "see issue #011 for why",
		"May  1 12:05:10 gpu-node-a100-01 app[12]: rows: 125":                                                                                                         "rows: 125",
	} {
		f, ok := Split(line, ref)
		if !ok || f.Text != want {
			t.Errorf("%q: text %q (%v), want %q", line, f.Text, ok, want)
		}
	}
}

// systemd's notice of an OOM kill in a unit names the container whose scope the unit is.
func TestOOMScope(t *testing.T) {
	const id = "25a38b5b8d556d7983d975577f5ac75ebbcfb4b269e6deaa0a0440c1ffc969ca"
	const notice = ": A process of this unit has been killed by the OOM killer."
	for text, want := range map[string][2]string{
		"cri-containerd-" + id + ".scope" + notice:                   {id, "ok"},
		"crio-" + id + ".scope" + notice:                             {id, "ok"},
		"docker-" + id + ".scope" + notice:                           {id, "ok"},
		"ollama.service" + notice:                                    {"", "ok"},
		"other-" + id + ".scope" + notice:                            {"", "ok"},
		"cri-containerd-" + id + ".scope: Deactivated successfully.": {"", ""},
	} {
		got, ok := oomScope(text)
		if got != want[0] || ok != (want[1] == "ok") {
			t.Errorf("oomScope(%q) = %q, %v; want %q, %v", text, got, ok, want[0], want[1] == "ok")
		}
	}
}

// dockershim named a pod's container k8s_<container>_<pod>_<namespace>_<uid>_<attempt>; a
// journald entry of such a container names the pod.
func TestDockershimName(t *testing.T) {
	const uid = "1793dbd7-5786-11e9-8de2-067a2aa9d532"
	for name, want := range map[string]dockershimPod{
		"k8s_delivery-varnish_delivery-varnish-74d6bf5d-lrxj4_default_" + uid + "_3": {"delivery-varnish", "delivery-varnish-74d6bf5d-lrxj4", "default", uid},
		"k8s_POD_vllm-0_llm_" + uid + "_0":                                           {"POD", "vllm-0", "llm", uid},
		"k8s_vllm_vllm-0_llm_not-a-uid_0":                                            {},
		"k8s_vllm_vllm-0_llm_" + uid:                                                 {},
		"vllm-server":                                                                {},
		"k8s__vllm-0_llm_" + uid + "_1":                                              {},
	} {
		got, ok := dockershimName(name)
		if got != want || ok != (want != dockershimPod{}) {
			t.Errorf("dockershimName(%q) = %+v, %v; want %+v", name, got, ok, want)
		}
	}
	entry := `{"__CURSOR":"s=1;i=2","__REALTIME_TIMESTAMP":"1554810639054738","PRIORITY":"6","CONTAINER_ID_FULL":"6ed8a10c174841d76232bd4128ebefb0cab8c517090c66f09c83591e748f5fb1","CONTAINER_NAME":"k8s_delivery-varnish_delivery-varnish-74d6bf5d-lrxj4_default_` + uid + `_3","CONTAINER_ID":"6ed8a10c1748","SYSLOG_IDENTIFIER":"6ed8a10c1748","_TRANSPORT":"journal","_PID":"1927","MESSAGE":"GET /content 200"}`
	ev := event.NewMessage(entry, golden.Received)
	if !(Parser{}).Parse(ev) {
		t.Fatal("entry not read")
	}
	for field, want := range map[string]string{event.FieldK8sPodName: "delivery-varnish-74d6bf5d-lrxj4", event.FieldK8sNamespace: "default",
		event.FieldK8sContainer: "delivery-varnish", event.FieldK8sPodUID: uid} {
		if got, _ := ev.GetString(field); got != want {
			t.Errorf("%s = %q, want %q", field, got, want)
		}
	}
}
