package nvidia_xid

import (
	"testing"

	"github.com/sluice-dev/sluice/parsers/parseutil/putest"
	"github.com/sluice-dev/sluice/pipeline/event"
)

func TestGolden(t *testing.T) { putest.Golden(t, Info) }

func TestXidFields(t *testing.T) {
	t.Parallel()
	cases := []struct {
		line, bus, name, cause, level string
		code, pid                     int64
	}{
		{"NVRM: Xid (PCI:0000:3b:00): 79, pid=1234, name=python, GPU has fallen off the bus.", "0000:3b:00", "GPU has fallen off the bus", CauseHardware, "critical", 79, 1234},
		{"NVRM: Xid (PCI:0000:3B:00): 13, pid=77, name=pt_main_thread, Graphics SM Warp Exception on (GPC 0, TPC 0, SM 0): Out Of Range Address", "0000:3b:00", "Graphics Engine Exception", CauseApplication, "error", 13, 77},
		{"NVRM: Xid (PCI:0000:3b:00): 31, pid='<unknown>', name=<unknown>, Ch 00000008, intr 00000000. MMU Fault", "0000:3b:00", "GPU memory page fault", CauseApplication, "error", 31, 0},
		{"NVRM: Xid (PCI:0000:3b:00): 94, pid=5, name=x, Contained: SM (0x1). RST: No, D-RST: No", "0000:3b:00", "Contained ECC error", CauseHardware, "error", 94, 5},
		{"NVRM: Xid (PCI:0000:3b:00): 999, pid=5, name=x, new", "0000:3b:00", "", "", "error", 999, 5},
	}
	for _, c := range cases {
		ev, ok := putest.Parse(t, New(), c.line, nil)
		if !ok {
			t.Fatalf("not parsed: %q", c.line)
		}
		check := func(k string, want event.Value) {
			t.Helper()
			got, has := ev.Get(k)
			if want.IsZero() {
				if has {
					t.Errorf("%q: %s = %v, want absent", c.line, k, got.Any())
				}
				return
			}
			if !got.Equal(want) {
				t.Errorf("%q: %s = %v, want %v", c.line, k, got.Any(), want.Any())
			}
		}
		check(FieldCode, event.Int(c.code))
		check(FieldPCIBusID, event.String(c.bus))
		check("log.level", event.String(c.level))
		check("event.dataset", event.String("gpu.xid"))
		if c.name != "" {
			check(FieldName, event.String(c.name))
			check(FieldCause, event.String(c.cause))
		} else {
			check(FieldName, event.Value{})
		}
		if c.pid != 0 {
			check("process.pid", event.Int(c.pid))
		} else {
			check("process.pid", event.Value{})
			check("process.name", event.Value{})
		}
	}
}

// A syslog frame names the kernel as the line's process; on an Xid, process.* is the GPU's
// process or nothing: a pid without its name is not paired with "kernel", and a line that names
// no process (pid 0, '<unknown>', an old driver's) has none, lest "kernel" top a table of the
// processes hit by Xids.
func TestXidProcessUnderSyslog(t *testing.T) {
	t.Parallel()
	kernel := map[string]string{"process.name": "kernel"}
	cases := []struct {
		line, name string
		pid        int64
	}{
		{"NVRM: Xid (PCI:0000:10:1c): 63, pid=1896, Row Remapper: New row marked for remapping, reset gpu to activate.", "", 1896},
		{"NVRM: Xid (PCI:0000:3b:00): 79, pid=0, GPU has fallen off the bus.", "", 0},
		{"NVRM: Xid (PCI:0000:3b:00): 79, pid=1234, name=python, GPU has fallen off the bus.", "python", 1234},
		{"NVRM: Xid (PCI:0000:3b:00): 31, pid='<unknown>', name=<unknown>, Ch 00000008, intr 00000000. MMU Fault", "", 0},
		{"NVRM: Xid (PCI:0000:41:00): 13, Graphics SM Warp Exception on (GPC 1, TPC 0, SM 0): Illegal Instruction Encoding", "", 0},
		{"NVRM: Xid (PCI:0000:65:00): 79, pid='N/A', GPU has fallen off the bus", "", 0},
	}
	for _, c := range cases {
		ev, ok := putest.Parse(t, New(), c.line, kernel)
		if !ok {
			t.Fatalf("not parsed: %q", c.line)
		}
		name, _ := ev.GetString("process.name")
		pid, hasPID := ev.Get("process.pid")
		if name != c.name || hasPID != (c.pid != 0) || (hasPID && !pid.Equal(event.Int(c.pid))) {
			t.Errorf("%q: process.name %q, pid %v; want %q, %d", c.line, name, pid.Any(), c.name, c.pid)
		}
	}
}

func TestRejects(t *testing.T) {
	t.Parallel()
	putest.Rejects(t, New(),
		"", "I0819 07:02:54.756486       1 main.go:235] Starting", "NVRM Xid 79",
		"nvidia-nvswitch3: SXid (PCI:0000:c1:00.0): garbled, Fatal", "SXid (",
	)
}

func TestCatalogComplete(t *testing.T) {
	t.Parallel()
	seen := map[int]bool{}
	for _, e := range Catalog() {
		if seen[e.Code] {
			t.Errorf("Xid %d listed twice", e.Code)
		}
		seen[e.Code] = true
		if e.Name == "" || e.Description == "" || e.Action == "" {
			t.Errorf("Xid %d: empty name, description or action", e.Code)
		}
		switch e.Cause {
		case CauseHardware, CauseApplication, CauseDriver:
		default:
			t.Errorf("Xid %d: cause %q", e.Code, e.Cause)
		}
		switch e.Level {
		case "info", "warning", "error", "critical":
		default:
			t.Errorf("Xid %d: level %q", e.Code, e.Level)
		}
	}
	for _, c := range []int{13, 31, 32, 43, 45, 48, 61, 62, 63, 64, 68, 69, 74, 79, 92, 94, 95, 119, 120, 154} {
		if !seen[c] {
			t.Errorf("Xid %d missing from the catalog", c)
		}
	}
}

func FuzzParse(f *testing.F) { putest.FuzzParse(f, New()) }

// BenchmarkParseKernel measures the kernel lines around GPU faults that are not the driver's.
func BenchmarkParseKernel(b *testing.B) {
	putest.Bench(b, New(), []string{
		"[ 2172.118902] pcieport 0000:85:00.0: AER: Uncorrected (Fatal) error received: 0000:86:00.0",
		"[ 2696.163361] eth0: renamed from veth19d0578",
	})
}

func BenchmarkParse(b *testing.B) {
	putest.Bench(b, New(), []string{
		"NVRM: Xid (PCI:0000:3b:00): 79, pid=1234, name=python, GPU has fallen off the bus.",
		"May 18 19:02:39 gpu-node-7 kernel: NVRM: Xid (PCI:0000:2b:00): 13, pid=88123, name=python3, Graphics SM Warp Exception on (GPC 1, TPC 3, SM 0): Out Of Range Address",
	})
}

// TestIdentityPerHost checks that a later Xid gets the UUID and serial the driver printed for
// its bus on the same host, and never another host's.
func TestIdentityPerHost(t *testing.T) {
	t.Parallel()
	p := New()
	for _, l := range []string{
		"Nov 27 10:16:44 gpu-node-3 kernel: [  792.930117] NVRM: GPU at PCI:0000:3b:00: GPU-5a1e9c2d-7b3f-4e8a-9c0d-1e2f3a4b5c6d",
		"Nov 27 10:16:44 gpu-node-3 kernel: [  792.930121] NVRM: GPU Board Serial Number: 1652221054321",
	} {
		putest.Parse(t, p, l, nil)
	}
	ev, _ := putest.Parse(t, p, "Nov 27 10:39:44 gpu-node-3 kernel: [ 2172.1] NVRM: Xid (PCI:0000:3b:00): 79, pid=1234, name=python3, GPU has fallen off the bus.", nil)
	uuid, _ := ev.GetString(FieldUUID)
	serial, _ := ev.GetString(FieldSerial)
	if uuid != "GPU-5a1e9c2d-7b3f-4e8a-9c0d-1e2f3a4b5c6d" || serial != "1652221054321" {
		t.Errorf("same host: uuid %q serial %q", uuid, serial)
	}
	ev, _ = putest.Parse(t, p, "Nov 27 10:39:44 gpu-node-4 kernel: NVRM: Xid (PCI:0000:3b:00): 79, GPU has fallen off the bus.", nil)
	if ev.Has(FieldUUID) || ev.Has(FieldSerial) {
		t.Errorf("another host's GPU attached: %s", ev.AppendJSON(nil))
	}
}

// A JSON line is the kernel's only as journald exports it (its MESSAGE); a GPU health agent's
// line that quotes the kernel's Xid (NVSentinel's syslog-health-monitor sending a HealthEvent,
// NVIDIA/NVSentinel pull request #288) is not a second Xid.
func TestJSONXidOnlyFromJournald(t *testing.T) {
	t.Parallel()
	agent := `{"time":"2025-11-07T05:38:55.554629925Z","level":"INFO","msg":"Attempting to send health event","events":{"version":1,"events":[{"checkName":"SysLogsXIDError","message":"MESSAGE=kernel: [16450076.463693] NVRM: Xid (PCI:0002:00:00): 45, pid=2864945, name=kit, Ch 0000000e"}]}}`
	if _, ok := putest.Parse(t, New(), agent, nil); ok {
		t.Errorf("an agent's JSON line quoting an Xid was read as the kernel's")
	}
	journal := `{"__REALTIME_TIMESTAMP":"1762493935554629","_TRANSPORT":"kernel","SYSLOG_IDENTIFIER":"kernel","MESSAGE":"NVRM: Xid (PCI:0002:00:00): 45, pid=2864945, name=kit, Ch 0000000e"}`
	ev, ok := putest.Parse(t, New(), journal, nil)
	if !ok {
		t.Fatal("journald's export of the kernel's Xid line not read")
	}
	if v, _ := ev.Get(FieldCode); v.Int() != 45 {
		t.Errorf("xid code %v, want 45", v)
	}
	if v, _ := ev.GetString(FieldPCIBusID); v != "0002:00:00" {
		t.Errorf("bus %q", v)
	}
	if ev.Message() != journal {
		t.Error("message changed")
	}
}

func TestOneGPU(t *testing.T) {
	const a, b = "GPU-6328b923-c487-281a-fd27-291f5d278893", "GPU-b200b200-0000-0000-0000-000000000004"
	for s, want := range map[string]string{
		"called for " + a + ", t 0.000 s":         a,
		"devices " + a + " and " + b:              "",
		a + " again " + a:                         a,
		"MIG-" + a + "/1/0":                       "",
		"GPU-6328b923-c487-281a-fd27-291f5d27889": "",
		"no gpu here":                             "",
		"gpu-0-" + a + ": Per-capacity maximum":   a, // the DRA driver's device name
		"gpu-12-" + a + " x":                      a,
		"xgpu-0-" + a:                             "",
		"my-gpu-" + a:                             "",
		"gpu--" + a:                               "",
		"event for device MIG-f19df5ab-c572-5712-9b1b-6abbdd67a285":            "MIG-f19df5ab-c572-5712-9b1b-6abbdd67a285",
		"device marked unhealthy: MIG-f19df5ab-c572-5712-9b1b-6abbdd67a285::2": "MIG-f19df5ab-c572-5712-9b1b-6abbdd67a285",
		"MIG-f19df5ab-c572-5712-9b1b-6abbdd67a285 on " + a:                     "",
		"xMIG-f19df5ab-c572-5712-9b1b-6abbdd67a285":                            "",
		"G-M-GPU-" + a + " GP-":                                                "",
	} {
		ev := event.New()
		OneGPU(ev, s)
		if got, _ := ev.GetString(FieldUUID); got != want {
			t.Errorf("OneGPU(%q) = %q, want %q", s, got, want)
		}
	}
	for s, want := range map[string]string{
		"listing device /dev/nvidia0 (" + a + " at 00000000:21:00.0)": "0000:21:00",
		"listing device /dev/nvidia0 (" + a + " at 0000:C1:00.0)":     "0000:c1:00",
		a + " at home": "",
		a + " at 00000000:21:00.0 and " + b + " at 0000:22:00": "",
	} {
		ev := event.New()
		OneGPU(ev, s)
		if got, _ := ev.GetString(FieldPCIBusID); got != want {
			t.Errorf("OneGPU(%q): bus %q, want %q", s, got, want)
		}
	}
}

// TestNVRMText: an NVRM line's message leaves out the prefix of the lines the driver continued
// it on, whether they came as lines or, through rsyslog, joined by "#012".
func TestNVRMText(t *testing.T) {
	for body, want := range map[string]string{
		"RmInitAdapter failed! (0x22:0x56:742)": "RmInitAdapter failed! (0x22:0x56:742)",
		"This PCI I/O region assigned to your NVIDIA device is invalid:\n               NVRM: BAR1 is 0M @ 0x0 (PCI:0000:13:00.0)": "This PCI I/O region assigned to your NVIDIA device is invalid:\nBAR1 is 0M @ 0x0 (PCI:0000:13:00.0)",
		"API mismatch: the client has the version 535.54.03, but#012NVRM: this kernel module has the version 530.30.02.":           "API mismatch: the client has the version 535.54.03, but\nthis kernel module has the version 530.30.02.",
		"API mismatch: the client has the version 550.76, but\n[  12.000001] NVRM: this kernel module has the version 550.67.":     "API mismatch: the client has the version 550.76, but\nthis kernel module has the version 550.67.",
	} {
		if got := nvrmText(body); got != want {
			t.Errorf("nvrmText(%q) = %q, want %q", body, got, want)
		}
	}
}

// TestReportLevelOfKernelWarnings: lines the kernel prints at a level of their own, whatever
// their words say (lib/list_debug.c's pr_err before a BUG, ask.fedoraproject.org "laptop freezes
// after kernel bug"; module signing's pr_warn, NVIDIA/nvidia-docker issue #1218).
func TestReportLevelOfKernelWarnings(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]string{
		"list_del corruption. prev->next should be ffff98679438a5d0, but was ca53e83f5e8cf5a8":                                                                  "error",
		"Request for unknown module key 'The ELRepo Project (http://elrepo.org): ELRepo.org Secure Boot Key: f365ad3481a7b20e3427b61b2a26635b83fe427b' err -11": "warning",
	} {
		if got, known := reportLevel(body); !known || got != want {
			t.Errorf("reportLevel(%q) = %q, %v; want %q", body, got, known, want)
		}
	}
}

// BusID reads a bus id, in each form the tools write it, and not the groups of an IPv6 address
// (a registry's in containerd's pull timeout on a GPU node, a public note's /var/log/messages).
func TestBusID(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]string{
		"NVRM: Xid (PCI:0000:3b:00): 79, pid=1234, name=python3, GPU has fallen off the bus.": "0000:3b:00",
		"Resetting GPU 00000000:00:04.0 is not supported.":                                    "0000:00:04",
		"BAR0 is 0M @ 0x0 (PCI:0000:06:00.0)":                                                 "0000:06:00",
		`time="2025-07-20T22:31:54.295953417+08:00" level=error msg="PullImage \"docker.io/calico/cni:v3.27.0\" failed" error="rpc error: code = DeadlineExceeded desc = failed to pull and unpack image \"docker.io/calico/cni:v3.27.0\": failed to resolve image: failed to do request: Head \"https://registry-1.docker.io/v2/calico/cni/manifests/v3.27.0\": dial tcp [2a03:2880:f10e:83:face:b00c:0:25de]:443: i/o timeout"`: "",
	} {
		if got := BusID(s); got != want {
			t.Errorf("BusID(%.60q) = %q, want %q", s, got, want)
		}
	}
}

// TestOOMReportV1: cgroup v1's report read from its memcg's line (istio/istio issue #42734),
// ended by RHEL 7's kill line with the victim's UID before total-vm (kubernetes/kubernetes
// issue #50632): an error, the process it killed named, the pod its cgroup names.
func TestOOMReportV1(t *testing.T) {
	t.Parallel()
	body := "Task in /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0330b2c1_a15b_4cdd_b5e5_72d4a90bee82.slice/docker-b27201334a41cd0749d053b18378d7ea65617b8e26277197ea25c974da1a5a8a.scope killed as a result of limit of /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0330b2c1_a15b_4cdd_b5e5_72d4a90bee82.slice/docker-b27201334a41cd0749d053b18378d7ea65617b8e26277197ea25c974da1a5a8a.scope\n" +
		"memory: usage 1048576kB, limit 1048576kB, failcnt 189\n" +
		"Killed process 808340 (node), UID 1000, total-vm:621760kB, anon-rss:84704kB, file-rss:13584kB, shmem-rss:0kB"
	if got, known := reportLevel(body); !known || got != "error" {
		t.Errorf("reportLevel = %q, %v; want error", got, known)
	}
	ev := event.New()
	victim(ev, body)
	name, _ := ev.GetString(event.FieldProcessName)
	pid, _ := ev.GetString(event.FieldProcessPID)
	uid, _ := ev.GetString("kubernetes.pod.uid")
	if name != "node" || pid != "808340" || uid != "0330b2c1-a15b-4cdd-b5e5-72d4a90bee82" {
		t.Errorf("victim: process %q %q, pod %q", name, pid, uid)
	}
}
