package nvidia_xid

import (
	"fmt"
	"strconv"
	"strings"

	pu "github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// Kernel lines around GPU faults that are not the NVIDIA driver's own.
const (
	// ActionPCIeAER marks a PCIe Advanced Error Reporting line (a GPU's or its root port's).
	ActionPCIeAER = "pcie-aer"
	// ActionKernel marks any other kernel line: scheduler, call traces, other drivers.
	ActionKernel = "kernel"
	// ActionOOMKill marks the OOM killer's report or its lines naming the process it killed.
	ActionOOMKill = "oom-kill"
	// DatasetKernel is the dataset of kernel lines that are neither NVIDIA's nor PCIe errors.
	DatasetKernel = "system.kernel"
)

// kernel reads a kernel line that is not an NVIDIA module's: what a dmesg time since boot
// ("[ 1843.308145] ") precedes, or a line the syslog framing says the kernel wrote. A PCIe AER
// line is a GPU fault's companion (gpu.xid, with its level from the severity and the bus id),
// and so is a stack frame in an NVIDIA module; other kernel lines are system.kernel.
//
// level is the level a record prefix (record.go) gave the line, "" without one: such a line is
// the kernel's, and its level is the kernel's unless it is a report the kernel logs at its own.
func kernel(ev *event.Event, msg, level string) bool {
	body, ok := uptime(msg)
	if !ok && level != "" {
		body, ok = msg, true
	}
	pfx := "" // a syslog prefix, read once the line is taken
	if !ok {
		if k := strings.Index(msg[:min(len(msg), 128)], " kernel: "); k > 0 && kernelPrefix(msg[:k+len(" kernel: ")]) && clockIn(msg[:k]) {
			// a syslog line read without the syslog framing parser
			pfx = msg[:k+len(" kernel: ")]
			body, ok = msg[k+len(" kernel: "):], true
			if b, up := uptime(body); up {
				body = b
			}
		}
	}
	if !ok && strings.HasPrefix(msg, "kernel: ") && len(msg) > len("kernel: ") && msg[len("kernel: ")] != ' ' {
		// the syslog tag alone before the kernel's text, its time and host cut off
		// (node-problem-detector's reports quote it so: "kernel: XFS (dm-4): Corruption
		// detected. Unmount and run xfs_repair")
		pfx = "kernel: "
		body, ok = msg[len("kernel: "):], true
		if b, up := uptime(body); up {
			body = b // and printk's time after it ("kernel: [   66.816635] mlx5_core ...")
		}
	}
	if !ok {
		if tag, _ := ev.GetString(event.FieldProcessName); tag != "kernel" && !bareAER(msg) && !bareOOMKill(msg) && !bareHang(msg) && !bareOops(msg) && !bareGPUProgram(msg) {
			return false
		}
		body = msg
	}
	if strings.TrimSpace(body) == "" {
		return false
	}
	prefix(ev, pfx)
	if hostProgram(ev, body) {
		return true
	}
	if lv, ok := aer(body); ok {
		first, _, _ := strings.Cut(body, "\n") // (a port's report joined under its header: the header names the devices)
		aerDevices(ev, first)
		ev.SetString(event.FieldEventAction, ActionPCIeAER)
		// A GPU's or NVSwitch's (its driver reports it, or the report names NVIDIA's vendor id)
		// is the GPU fault's companion, and so is an uncorrectable error of a root port (or of a
		// device no driver holds), which on a GPU node is most often the GPU's link going down
		// before it falls off the bus. An error of a device another driver holds (a USB or
		// Thunderbolt controller, a NIC, an NVMe drive), and a corrected error of a root port,
		// is the kernel's, unless the parser knows the bus as a GPU's (Parser.Parse).
		ds := DatasetKernel
		if strings.HasPrefix(body, "nvidia ") || strings.HasPrefix(body, "nvidia-nvswitch") || strings.Contains(body, "[10de:") ||
			(lv == pu.Error || lv == pu.Critical) && !otherDriver(first) {
			ds = pu.DatasetXid
		}
		kernelError(ev, lv, first)
		pu.Finish(ev, ds, lv)
		return true
	}
	ev.SetString(event.FieldEventAction, ActionKernel)
	// a GPU-stack container's copy of the kernel's lines (the driver container's "Kernel
	// messages:" tail when its install fails) is that container's, not a second kernel event
	ds := pu.DatasetOr(ev, DatasetKernel)
	if strings.Contains(body, " [nvidia") {
		// a frame of a kernel stack dump in an NVIDIA module ("_nv012345rm+0x1d/0x30 [nvidia]")
		ds = pu.DatasetXid
	} else if strings.HasPrefix(body, "Cannot map memory with base addr ") {
		// the NVIDIA driver's own words without its NVRM: prefix (os-mlock.c, NV_DBG_ERRORS):
		// host memory CUDA asked to pin could not be, before the Xid 31 and the segfault in
		// libcuda that follow it
		ds = pu.DatasetXid
	}
	lv, known := reportLevel(body)
	if !known && level == "" {
		// the level the record's frame stated (a journal export's PRIORITY of the kernel's
		// record, RFC 5424's priority): the kernel's, over a guess from the words
		if stated, ok := ev.GetString(event.FieldLogLevel); ok && stated != "" {
			level = stated
		}
	}
	if !known && level != "" {
		lv = level
	}
	if known || strings.HasPrefix(body, "task:") || strings.HasPrefix(body, "CPU: ") {
		// (a task's stack shown alone: its name and pid; a stack dump_stack() printed without a
		// report, the NVIDIA driver's after an Xid 119: the task it was called in)
		victim(ev, body)
		if name, _ := ev.GetString(event.FieldProcessName); ds == DatasetKernel && pu.GPUProgram(name) != "" && lv == pu.Critical {
			// an oops in a GPU daemon's task (Fabric Manager's ioctl into the NVSwitch driver,
			// nv-hostengine's): the GPU stack's fault, whatever the frames the paste kept
			ds = pu.DatasetXid
		}
	} else if crashed(ev, body) && ds == DatasetKernel && nvidiaLibrary(body) {
		// a process that crashed in NVIDIA's user-space libraries (libcuda, libnvidia-*, NCCL):
		// the GPU fault's companion
		ds = pu.DatasetXid
	} else if oomGroup(ev, body) {
		ev.SetString(event.FieldEventAction, ActionOOMKill)
	}
	first, _, _ := strings.Cut(body, "\n")
	if dev, rest, ok := strings.Cut(strings.TrimPrefix(first, "amdgpu "), ": "); ok && len(dev) < len(first) && strings.HasPrefix(first, "amdgpu ") {
		// an AMD GPU's line names its device ("amdgpu 0000:a6:00.0: amdgpu: ..."): with GPUs'
		// reports interleaved, the only way to tell them apart
		if id := BusID(dev); id != "" {
			ev.SetString(FieldPCIBusID, id)
		}
		amdgpuFaultProcess(ev, rest)
	} else if _, rest, ok := strings.Cut(first, "[drm:amdgpu_job_timedout [amdgpu]] *ERROR* "); ok {
		// a ring timeout's process before 6.x, without the device ("[drm:amdgpu_job_timedout
		// [amdgpu]] *ERROR* Process information: process plasmashell pid 3182 thread ...")
		amdgpuFaultProcess(ev, rest)
	}
	said := first
	if strings.HasPrefix(first, "------------[ cut here ]------------") {
		// the report's first line of substance is under its separator ("kernel BUG at
		// .../nvfs-stat.c:407!", "WARNING: CPU: 3 PID: ... at ...")
		if _, next, ok := strings.Cut(body, "\n"); ok {
			next, _, _ = strings.Cut(next, "\n")
			if b, up := uptime(next); up {
				next = b
			}
			if strings.TrimSpace(next) != "" {
				said = next
			}
		}
	}
	kernelError(ev, lv, said)
	pu.Finish(ev, ds, lv)
	return true
}

// amdgpuFaultProcess reads the process an amdgpu page fault's or hang's report names: "amdgpu:
// for process python3 pid 132529 thread python3 pid 132529)" (" in process ... pid ..." before
// 6.x), a ring timeout's " Process cosmic-comp pid 2288 thread cosmic-com:cs0 pid 2316" (before
// 6.x "Process information: process plasmashell pid 3182 thread plasmashel:cs0 pid 3224").
func amdgpuFaultProcess(ev *event.Event, rest string) {
	t := strings.TrimLeft(strings.TrimPrefix(rest, "amdgpu:"), " \t")
	t, ok := strings.CutPrefix(t, "for process ")
	if !ok {
		t, ok = strings.CutPrefix(t, "Process information: process ") // before 6.x
	}
	if !ok {
		t, ok = strings.CutPrefix(t, "Process ")
	}
	if !ok && strings.Contains(t, " page fault (") {
		// kernels that print the task inside the fault's header: "[gfxhub0] no-retry page fault
		// (src_id:0 ring:24 vmid:8 pasid:32772, for process python3 pid 856757 thread ...)"
		_, t, ok = strings.Cut(t, ", for process ")
	}
	if !ok {
		t, ok = strings.CutPrefix(t, "in process ") // "amdgpu:  in process cosmic-comp pid 4732 thread ..."
	}
	if !ok {
		if _, t, ok = strings.Cut(t, " in process "); !ok {
			return
		}
	}
	name, after, ok := strings.Cut(t, " pid ")
	pidText, _, _ := strings.Cut(after, " ")
	if pid, num := pu.Atoi(strings.TrimRight(pidText, ")")); ok && num && name != "" && strings.IndexByte(name, ' ') < 0 {
		ev.SetString(event.FieldProcessName, name)
		ev.Set(event.FieldProcessPID, event.Int(pid))
	}
}

// hostProgram reads a GPU-stack program's line that the journal forwarded to the kernel's buffer,
// as dmesg and the boot console show it: "[   28.932771] driverdog[1535]: 02:34:25 [ERROR]
// '/usr/bin/modprobe' failed - stderr: modprobe: ERROR: could not insert 'nvidia': No such
// device" (Bottlerocket's module loader). The program names the line and its dataset, as its
// syslog tag would; its own "hh:mm:ss [LEVEL] " (simplelog's) or klog header (the device
// plugin's) states the level. It reports whether body was such a line.
func hostProgram(ev *event.Event, body string) bool {
	name, pid, text, ok := programPID(body)
	if !ok || strings.HasPrefix(text, "segfault at ") || strings.HasPrefix(text, "trap ") || !programName(name) {
		return false // the kernel's own report of the program's crash (crashed)
	}
	ds := pu.GPUProgram(name)
	ev.SetString(event.FieldProcessName, name)
	ev.Set(event.FieldProcessPID, event.Int(pid))
	if ds == "" {
		// another program's line in the kernel's buffer (systemd's, systemd-oomd's "Marked
		// /system.slice/... for killing", journalctl -o short-monotonic --no-hostname): its
		// own, stating no level; the source's rules give its dataset (systemd's units)
		ev.SetString(pu.FieldLogMessage, text)
		pu.Finish(ev, "generic", "")
		return true
	}
	lv, rest, ok := ClockLevel(text)
	switch {
	case ok:
		text = rest
	case pu.KlogHeader(text):
		// Go's klog (Bottlerocket's NVIDIA device plugin, "I0207 00:54:34.638748    4284
		// main.go:154] Starting FS watcher."): its level's letter, its source, its message
		if end := strings.IndexByte(text, ']'); end > 0 {
			lv = pu.KlogLevel(text[0])
			head := text[:end]
			pu.SetOrigin(ev, head[strings.LastIndexByte(head, ' ')+1:])
			text = strings.TrimLeft(text[end+1:], " ")
		}
	default:
		lv = pu.Guess(text)
	}
	ev.SetString(pu.FieldLogMessage, text)
	if lv == pu.Error || lv == pu.Critical {
		ev.SetString(event.FieldErrorMsg, text)
	}
	pu.Finish(ev, ds, lv)
	return true
}

// ClockLevel reads simplelog's "hh:mm:ss [LEVEL] " (Bottlerocket's driverdog, as the journal or
// the kernel's buffer relays it) and returns the level and the text after it.
func ClockLevel(text string) (level, rest string, ok bool) {
	if len(text) <= 10 || text[2] != ':' || text[5] != ':' || text[8] != ' ' || text[9] != '[' {
		return "", text, false
	}
	end := strings.IndexByte(text, ']')
	if end <= 10 {
		return "", text, false
	}
	l, known := pu.Level(strings.TrimSpace(text[10:end]))
	if !known {
		return "", text, false
	}
	return l, strings.TrimPrefix(text[end+1:], " "), true
}

// crashed names the process the kernel reports a fatal signal of: "llama-server[80906]: segfault
// at 204803fe0 ip ... error 4 in libcuda.so.575.51.03[...]" and "traps: python3[1234] general
// protection fault ip:...", and reports whether body was such a line.
func crashed(ev *event.Event, body string) bool {
	var head string
	if i := strings.Index(body, "]: segfault at "); i > 0 {
		head = body[:i]
	} else if t, ok := strings.CutPrefix(body, "traps: "); ok {
		if i := strings.Index(t, "] "); i > 0 {
			head = t[:i]
		}
	}
	open := strings.LastIndexByte(head, '[')
	if open <= 0 {
		return false
	}
	pid, ok := pu.Atoi(head[open+1:])
	if !ok {
		return false
	}
	ev.SetString(event.FieldProcessName, head[strings.LastIndexByte(head[:open], ' ')+1:open])
	ev.Set(event.FieldProcessPID, event.Int(pid))
	return true
}

// nvidiaLibrary reports whether a crash line names an NVIDIA library as where it happened.
func nvidiaLibrary(body string) bool {
	return strings.Contains(body, " in libcuda.so") || strings.Contains(body, " in libnvidia-") ||
		strings.Contains(body, " in libnccl.so") || strings.Contains(body, " in libcudart.so") ||
		strings.Contains(body, " in libdcgm") // DCGM's client library (dcgmi, the exporter) and its modules (libdcgmmodulenvswitch.so in nv-hostengine)
}

// oomGroup reads the pod and container whose every process the OOM killer kills after its
// report when the kubelet set memory.oom.group (cgroup v2): "Tasks in /kubepods.slice/...
// are going to be killed due to memory.oom.group set", or whose limit a cgroup v1 kill was for
// ("Task in <cgroup> killed as a result of limit of <cgroup>"), and reports whether body was
// such a line.
func oomGroup(ev *event.Event, body string) bool {
	if t, ok := strings.CutPrefix(body, "Task in "); ok {
		// cgroup v1's report of the memcg whose limit killed ("Task in /kubepods.slice/...
		// /docker-<id>.scope killed as a result of limit of /kubepods.slice/..."), read alone
		if path, _, ok := strings.Cut(t, " killed as a result of limit of "); ok {
			podOfCgroup(ev, path)
			return true
		}
		return false
	}
	t, ok := strings.CutPrefix(body, "Tasks in ")
	if !ok {
		return false
	}
	path, _, ok := strings.Cut(t, " are going to be killed due to memory.oom.group set")
	if !ok {
		return false
	}
	podOfCgroup(ev, path)
	return true
}

// victim names the process a kernel report is about in process.*: the one the OOM killer
// killed ("Killed process 1234 (python3)", and the summary's "task=python3,pid=1234"), or the
// hung task ("INFO: task python3:1234 blocked for more than 122 seconds."), or the task a soft
// lockup caught on its CPU ("... stuck for 23s! [python3:1234]"). The summary's
// task_memcg (or cgroup v1's "Task in <cgroup> killed") is the victim's cgroup, which names its
// pod and container under the kubelet's layout: kubernetes.pod.uid and container.id let the
// kubernetes processor tie the kill to its pod.
func victim(ev *event.Event, body string) {
	if i := strings.Index(body, "INFO: task "); i >= 0 {
		t := body[i+len("INFO: task "):]
		end := strings.Index(t, " blocked for more than ")
		if end < 0 && HungTaskBlocker(body[i:]) {
			// "INFO: task NvmlTaskRunner:11290 <reader> blocked on an rw-semaphore likely owned
			// by task VLLM::EngineCor:46249 <writer>": the task that waits
			for _, w := range [...]string{" <", " is blocked on ", " blocked on "} {
				if end = strings.Index(t, w); end > 0 {
					break
				}
			}
		}
		if end > 0 {
			if c := strings.LastIndexByte(t[:end], ':'); c > 0 {
				if pid, ok := pu.Atoi(t[c+1 : end]); ok {
					ev.SetString(event.FieldProcessName, t[:c])
					ev.Set(event.FieldProcessPID, event.Int(pid))
				}
			}
		}
		return
	}
	if t, ok := strings.CutPrefix(body, "task:"); ok {
		// sched_show_task's header of a task's stack ("task:python3.11      state:D stack:    0
		// pid:15277 ppid: 15257 flags:0x00000002"), a hung task's report read without its
		// "INFO: task ... blocked" line, or sysrq's list of blocked tasks: the task it shows
		name, rest, _ := strings.Cut(t, " ")
		if _, p, ok := strings.Cut(rest, " pid:"); ok && name != "" {
			p, _, _ = strings.Cut(strings.TrimLeft(p, " "), " ")
			if pid, ok := pu.Atoi(p); ok {
				ev.SetString(event.FieldProcessName, name)
				ev.Set(event.FieldProcessPID, event.Int(pid))
			}
		}
		return
	}
	if i := strings.Index(body, "BUG: soft lockup - CPU#"); i >= 0 {
		// "watchdog: BUG: soft lockup - CPU#0 stuck for 23s! [frigate.output:1243199]": the task
		// running on the CPU that was stuck
		t, _, _ := strings.Cut(body[i:], "\n")
		if open := strings.LastIndex(t, "! ["); open > 0 && strings.HasSuffix(t, "]") {
			task := t[open+3 : len(t)-1]
			if c := strings.LastIndexByte(task, ':'); c > 0 {
				if pid, ok := pu.Atoi(task[c+1:]); ok {
					ev.SetString(event.FieldProcessName, task[:c])
					ev.Set(event.FieldProcessPID, event.Int(pid))
				}
			}
		}
		return
	}
	found := strings.Contains(body, " invoked oom-killer: ") // its report, which names the victim at its end
	if i := strings.Index(body, "oom-kill:"); i >= 0 {
		found = true
		sum := body[i:]
		if nl := strings.IndexByte(sum, '\n'); nl >= 0 {
			sum = sum[:nl]
		}
		if v, ok := summaryValue(sum, "task="); ok {
			ev.SetString(event.FieldProcessName, v)
		}
		if v, ok := summaryValue(sum, "pid="); ok {
			if pid, ok := pu.Atoi(v); ok {
				ev.Set(event.FieldProcessPID, event.Int(pid))
			}
		}
		if v, ok := summaryValue(sum, "task_memcg="); ok {
			podOfCgroup(ev, v)
		}
	}
	if i := strings.Index(body, "Task in "); i >= 0 {
		if end := strings.Index(body[i:], " killed as a result of limit"); end > len("Task in ") {
			podOfCgroup(ev, body[i+len("Task in "):i+end])
		}
	}
	i, n := strings.Index(body, "Killed process "), len("Killed process ")
	if i < 0 {
		// kernels before 4.x: "Memory cgroup out of memory: Kill process 24572 (java) score 0
		// or sacrifice child" (the system's: "Out of memory: Kill process ..."), its "Killed
		// process 24572 (java) total-vm:..." after it
		i, n = strings.Index(body, "ut of memory: Kill process "), len("ut of memory: Kill process ")
	}
	if i >= 0 {
		found = true
		t := body[i+n:]
		if sp := strings.IndexByte(t, ' '); sp > 0 {
			if pid, ok := pu.Atoi(t[:sp]); ok {
				ev.Set(event.FieldProcessPID, event.Int(pid))
			}
			// the name is the task's comm, which may hold spaces ("CPU 11/KVM"); at most 15 bytes
			// and may hold parentheses ("((resolved))", systemd-resolved's): the name ends at
			// the last ')' that the line's ", " or end follows
			if name := t[sp+1:]; strings.HasPrefix(name, "(") {
				w, end := name[:min(len(name), 19)], -1
				for j := 1; j < len(w); j++ {
					if w[j] == ')' && (j+1 == len(name) || name[j+1] == ',' || name[j+1] == ' ') {
						end = j
					}
				}
				if end > 1 {
					ev.SetString(event.FieldProcessName, name[1:end])
				}
			}
		}
	}
	if found {
		ev.SetString(event.FieldEventAction, ActionOOMKill)
		return
	}
	faulted(ev, body)
}

// faulted names the task an oops, a BUG or a WARNING report was in, from the line the kernel
// prints under it ("CPU: 12 PID: 15050 Comm: nv-fabricmanage Tainted: G OE 5.15.0 ...", 6.x's
// "CPU: 3 UID: 0 PID: 7 Comm: kworker/0:1 ..."): Fabric Manager's ioctl that crashed in the
// NVSwitch driver, a vLLM worker's.
func faulted(ev *event.Event, body string) {
	i := strings.Index(body, " Comm: ")
	if i < 0 || ev.Has(event.FieldProcessPID) {
		return
	}
	line := body[strings.LastIndexByte(body[:i], '\n')+1:]
	j := strings.Index(line, "CPU: ")
	k := strings.Index(line, " PID: ")
	if j < 0 || k < j {
		return
	}
	p, rest, _ := strings.Cut(line[k+len(" PID: "):], " Comm: ")
	name, _, _ := strings.Cut(rest, " ")
	if pid, ok := pu.Atoi(p); ok && pid > 0 && name != "" && len(name) <= 16 { // (pid 0: the CPU's idle task, in no process)
		ev.SetString(event.FieldProcessName, name)
		ev.Set(event.FieldProcessPID, event.Int(pid))
	}
}

// summaryValue returns the value of key in the OOM killer's summary line ("key=value,").
func summaryValue(sum, key string) (string, bool) {
	i := strings.Index(sum, ","+key)
	if i < 0 {
		return "", false
	}
	v := sum[i+1+len(key):]
	if end := strings.IndexByte(v, ','); end >= 0 {
		v = v[:end]
	}
	return v, v != ""
}

// podOfCgroup reads a pod's uid and a container's id from a cgroup path under the kubelet's
// layout, for either cgroup driver:
//
//	/kubepods/burstable/pod<uid>/<container id>
//	/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid, _ for ->.slice/cri-containerd-<id>.scope
//
// (docker-<id>.scope and crio-<id>.scope too). Fields the event has are kept.
func podOfCgroup(ev *event.Event, path string) {
	if !strings.Contains(path, "kubepods") {
		return
	}
	for seg := range strings.SplitSeq(path, "/") {
		seg = strings.TrimSuffix(strings.TrimSuffix(seg, ".slice"), ".scope")
		if i := strings.LastIndex(seg, "pod"); i >= 0 && len(seg)-i-3 == 36 {
			uid := strings.ReplaceAll(seg[i+3:], "_", "-")
			if pu.IsUUID(uid) && !ev.Has(event.FieldK8sPodUID) {
				ev.SetString(event.FieldK8sPodUID, uid)
			}
			continue
		}
		if d := strings.LastIndexByte(seg, '-'); d >= 0 {
			seg = seg[d+1:] // cri-containerd-, docker-, crio-
		}
		if len(seg) == 64 && strings.Trim(seg, "0123456789abcdef") == "" && !ev.Has(FieldContainerID) {
			ev.SetString(FieldContainerID, seg)
		}
	}
}

// reportLevel is the level of a kernel line: the one the kernel logs its reports at (a hung
// task at KERN_ERR, an oops worse), else the line's words.
// known is false when the level is only guessed from the words.
func reportLevel(body string) (level string, known bool) {
	switch {
	case strings.HasPrefix(body, "BUG: ") || strings.HasPrefix(body, "Oops: ") ||
		strings.HasPrefix(body, "general protection fault") || strings.HasPrefix(body, "Kernel panic") ||
		strings.HasPrefix(body, "watchdog: BUG: ") || strings.HasPrefix(body, "NMI watchdog: BUG: ") ||
		strings.HasPrefix(body, "kernel BUG at ") || strings.HasPrefix(body, "invalid opcode: ") ||
		strings.HasPrefix(body, "Unable to handle kernel ") || strings.HasPrefix(body, "Internal error: "):
		return pu.Critical, true
	case (KernelRIP(body) || strings.HasPrefix(body, ModulesLinkedIn) || strings.HasPrefix(body, "Call Trace:\n")) &&
		strings.Contains(body, "+0x") && strings.IndexByte(body, '\n') > 0:
		// a report read from its middle (a paste that begins at its register dump, its modules'
		// list or its call trace), the frames under it: the fault or warning it was cut from
		// is not here to say which; an error
		return pu.Error, true
	case strings.HasPrefix(body, "Code: "):
		// a register dump's opcode line ("Code: Unable to access opcode bytes at 0x485bad.",
		// show_opcodes when the user page cannot be read), read without the report around it:
		// its words are no failure of their own
		return pu.Info, true
	case strings.HasPrefix(body, "------------[ cut here ]------------"):
		// the next line says what it is: a WARNING (warning) or a BUG (critical)
		if _, next, ok := strings.Cut(body, "\n"); ok {
			if b, up := uptime(next); up {
				next = b
			}
			if lv, known := reportLevel(next); known {
				return lv, true
			}
		}
		return pu.Warning, true
	case strings.HasPrefix(body, "INFO: task ") && (strings.Contains(body, " blocked for more than ") || HungTaskBlocker(body)):
		return pu.Error, true
	case (strings.HasPrefix(body, "rcu: INFO: rcu_") || strings.HasPrefix(body, "INFO: rcu_")) && strings.Contains(body, " stall"):
		return pu.Error, true // an RCU stall (pr_err, kernel/rcu/tree_stall.h), not the "INFO:" its words say
	case strings.Contains(body, "[IO_PAGE_FAULT ") || strings.Contains(body, "DMAR: DRHD: handling fault") ||
		strings.Contains(body, "] fault addr ") ||
		// (4.x and 5.x: "DMAR: [DMA Read] Request device [00:02.0] PASID ffffffff fault addr 9c000000")
		strings.HasPrefix(body, "DMAR: [") && strings.Contains(body, " fault addr "):
		return pu.Error, true // an IOMMU fault (AMD-Vi's dev_err, Intel's DMAR): a device's DMA refused
	case strings.HasPrefix(body, "xhci_hcd ") && strings.HasSuffix(body, ": HC died; cleaning up"):
		return pu.Error, true // usb_hc_died's dev_err: the USB controller (a GPU board's USB-C one too) is gone
	case strings.HasPrefix(body, "xhci_hcd ") && (strings.Contains(body, ": Controller not ready at resume") ||
		strings.Contains(body, ": PCI post-resume error")):
		return pu.Warning, true // xhci_warn at resume: the controller did not come back
	case strings.Contains(body, ": PM: ") && strings.Contains(body, "(): ") && strings.Contains(body, " returns -"):
		// a driver's power-management callback that failed (suspend_report_result's dev_err:
		// "nvidia 0000:01:00.0: PM: pci_pm_freeze(): nv_pmops_freeze [nvidia] returns -5"): the
		// node's suspend or resume fails with it
		return pu.Error, true
	case strings.HasPrefix(body, "Aborting journal on device "):
		return pu.Error, true // jbd2's pr_err: the file system goes read-only next
	case strings.HasPrefix(body, "EXT4-fs (") && strings.HasSuffix(strings.TrimRight(body, " "), "): Remounting filesystem read-only"):
		// ext4's ext4_msg(KERN_CRIT) after an error: the volume (a model cache, a checkpoint
		// directory) takes no more writes
		return pu.Error, true
	case strings.HasPrefix(body, "XFS (") && (strings.Contains(body, "Shutting down filesystem") || strings.Contains(body, "Corruption detected") ||
		strings.Contains(body, "Corruption of in-memory data detected") || strings.Contains(body, "): Internal error ")):
		// XFS's xfs_alert of a corruption and its forced shutdown (xfs_do_force_shutdown): the
		// file system is gone until it is unmounted and repaired
		return pu.Error, true
	case strings.HasPrefix(body, "nvme nvme") && (strings.HasSuffix(body, " timeout, aborting") ||
		// (6.x kernels name the request after it: "... QID 3 timeout, aborting req_op:WRITE(1) size:524288")
		strings.Contains(body, " timeout, aborting req_op:") ||
		strings.HasSuffix(body, " timeout, reset controller") || strings.Contains(body, " timeout, completion polled")):
		return pu.Warning, true // the NVMe driver's dev_warn of an I/O that timed out
	case strings.HasPrefix(body, "workqueue: ") && strings.Contains(body, " hogged CPU for "):
		return pu.Warning, true // the workqueue's pr_warn of a work item that held its CPU (kernel/workqueue.c)
	case strings.Contains(body, "Direct firmware load for ") && strings.Contains(body, " failed with error "):
		// the firmware loader's dev_warn (drivers/base/firmware_loader): a file it did not find,
		// often retried from elsewhere (the GPU's GSP firmware under another name)
		return pu.Warning, true
	case strings.HasSuffix(body, ": driver left SR-IOV enabled after remove"):
		return pu.Warning, true // pci_warn (drivers/pci/iov.c): a driver's reload left its VFs (the vGPU host's)
	case strings.HasPrefix(body, "WARNING: CPU: "):
		return pu.Warning, true
	case strings.Contains(body, "out of memory: Killed process") || strings.HasPrefix(body, "oom-kill:") ||
		// the wording before 4.x ("Memory cgroup out of memory: Kill process 24572 (java) score 0
		// or sacrifice child") and its pr_err of the kill ("Killed process 24572 (java) total-vm:...")
		strings.Contains(body, "out of memory: Kill process ") ||
		strings.HasPrefix(body, "Killed process ") && strings.Contains(body, " total-vm:") ||
		strings.Contains(body, "Out of memory: Kill") ||
		// cgroup v1's report from its memcg's line ("Task in /kubepods/... killed as a result of
		// limit of ..."), to its "Killed process 808340 (node), UID 1000, total-vm:..." (RHEL 7)
		strings.HasPrefix(body, "Task in ") && strings.Contains(body, " killed as a result of limit of ") ||
		strings.Contains(body, "\nKilled process ") && strings.Contains(body, " total-vm:"):
		return pu.Error, true // a process (a pod's, with its memory limit) was killed: also a whole report's
	case strings.Contains(body, " invoked oom-killer: "):
		return pu.Warning, true
	case strings.Contains(body, "NETDEV WATCHDOG: "):
		return pu.Critical, true // a NIC's transmit queue hung (netdev_crit); NCCL times out over it
	case strings.HasSuffix(body, ": Link down") || strings.Contains(body, "NIC Link is Down") ||
		strings.Contains(body, ": link status definitely down for interface "):
		return pu.Warning, true // a NIC's port went down (mlx5, igb, ixgbe): behind many NCCL timeouts
	case strings.Contains(body, ": TX timeout detected") || strings.Contains(body, ": TX timeout on queue"):
		return pu.Error, true // mlx5's netdev_err
	case strings.HasPrefix(body, "mlx5_core ") && (strings.Contains(body, "_health") || strings.Contains(body, ": device's health compromised")):
		// mlx5's firmware health report (poll_health, print_health_info), at the severity its
		// header states ("Health issue observed, firmware internal error, severity(2) CRITICAL:")
		if lv := healthSeverity(body); lv != "" {
			return lv, true
		}
		return pu.Error, true
	case strings.HasPrefix(body, "mlx5_core ") && (strings.Contains(body, " timeout. Will cause a leak of a command resource") ||
		strings.Contains(body, " canceled on out of queue timeout.") || strings.Contains(body, ", changing it to HCA capability limit (")):
		// mlx5_core_warn: a firmware command that timed out (wait_func, cb_timeout_handler), a
		// profile value above the device's limit (handle_hca_cap)
		return pu.Warning, true
	case strings.Contains(body, " error cqe on cqn ") || strings.Contains(body, ": mlx5_poll_one:") && strings.Contains(body, ": syndrome 0x"):
		// mlx5_ib's mlx5_ib_dbg of a completion in error ("Responder error cqe on cqn 0x406:",
		// then its syndrome): dynamic debug's, the failure is the verbs consumer's to report
		return pu.Debug, true
	case strings.HasPrefix(body, "mlx5_core ") && strings.HasSuffix(body, " No done completion"):
		// a firmware command that timed out (mlx5_core_warn in wait_func_handle_exec_timeout):
		// a NIC about to stall RDMA traffic
		return pu.Warning, true
	case strings.Contains(body, "Detected insufficient power on the PCIe slot"):
		return pu.Warning, true
	case strings.HasPrefix(body, "Lustre: "):
		// the Lustre client's console lines (CWARN, KERN_WARNING): a request to a server that
		// failed or timed out, a reconnection; its errors say "LustreError: "
		return pu.Warning, true
	case strings.HasPrefix(body, "LustreError: "):
		return pu.Error, true
	case strings.Contains(body, ": disagrees about version of symbol ") ||
		strings.Contains(body, ": Unknown symbol ") && strings.HasSuffix(body, ")") && strings.Contains(body, " (err "):
		// the module loader's pr_warn (kernel/module/version.c, main.c): a module built against
		// other kernel headers, which then fails to load ("nvidia: Unknown symbol sme_me_mask
		// (err -22)" under the driver container's "Kernel module load error")
		return pu.Warning, true
	case strings.Contains(body, ": version magic '") && strings.Contains(body, "' should be '"):
		// the module loader's pr_err (check_modinfo): a module built for another kernel, refused
		// (modprobe's "Exec format error"): the driver does not load
		return pu.Error, true
	case strings.Contains(body, ": module license ") && strings.HasSuffix(body, " taints kernel.") ||
		body == "Disabling lock debugging due to kernel taint":
		return pu.Warning, true // pr_warn (kernel/module/main.c, kernel/panic.c): a proprietary module loaded
	case strings.HasSuffix(body, ": loading out-of-tree module taints kernel."):
		return pu.Warning, true // pr_warn (kernel/module/main.c): every DKMS-built NVIDIA module at boot
	case strings.Contains(body, ": module verification failed: ") && strings.HasSuffix(body, "tainting kernel"):
		return pu.Info, true // pr_notice_once: an unsigned module, not a failure to load it
	case strings.HasPrefix(body, "list_del corruption") || strings.HasPrefix(body, "list_add corruption"):
		// lib/list_debug.c's CHECK_DATA_CORRUPTION (pr_err), the cause of the BUG after it
		return pu.Error, true
	case strings.HasPrefix(body, "Request for unknown module key '"):
		// pr_warn (module signing, 4.x): a module signed by a key the kernel does not trust (a
		// DKMS-built NVIDIA module's MOK), before Secure Boot refuses it
		return pu.Warning, true
	case strings.HasPrefix(body, "irq ") && strings.Contains(body, ": nobody cared"):
		return pu.Error, true // __report_bad_irq's KERN_ERR: the kernel turns the interrupt line off
	case strings.HasPrefix(body, "amdgpu ") && (strings.Contains(body, ": ring ") && strings.Contains(body, " timeout, signaled seq=") ||
		strings.Contains(body, ":  Process ") && strings.Contains(body, " thread ") ||
		strings.Contains(body, ":  Process information: ")):
		// an AMD GPU's hang (amdgpu_job_timedout's dev_err: "amdgpu 0000:28:00.0: ring
		// gfx_0.0.0 timeout, signaled seq=57638, emitted seq=57641", then the process whose job
		// it ran): a reset follows, the AMD analogue of Xid 8 or 109
		return pu.Error, true
	case strings.HasPrefix(body, "---[ end trace ") && strings.HasSuffix(body, " ]---"):
		return pu.Warning, true // the end of a kernel warning's report (the WARN that opened it is one)
	case strings.HasSuffix(body, "qcm fence wait loop timeout expired") ||
		strings.HasSuffix(body, "The cp might be in an unrecoverable state due to an unsuccessful queues preemption"):
		// amdkfd's pr_err (dev_err since 6.x) when the hardware scheduler stops answering: the
		// compute queues hung, a GPU reset next (MI200, MI300)
		return pu.Error, true
	case strings.Contains(body, "[drm] UVD VCPU state may lost due to RAS "):
		return pu.Warning, true // amdgpu's DRM_WARN when a RAS interrupt takes the video decoder down
	case strings.Contains(body, "MES might be in unrecoverable state"):
		// amdgpu's DRM_ERROR (mes_v11_0.c) when its micro engine scheduler stops answering: "amdgpu:
		// MES might be in unrecoverable state, issue a GPU reset", the reset follows
		return pu.Error, true
	case strings.HasPrefix(body, "nvme nvme") && strings.HasSuffix(body, ": missing or invalid SUBNQN field."):
		return pu.Warning, true // the NVMe core's dev_warn: a drive's identify data, no failure
	case strings.HasPrefix(body, "amdgpu ") && strings.Contains(body, "[drm] REG_WAIT timeout "):
		return pu.Warning, true // the display core's DC_LOG_WARNING
	case strings.HasSuffix(body, "[drm] Cannot find any crtc or sizes"):
		return pu.Info, true // drm_info: a GPU without a display, every compute node's at boot
	case strings.HasPrefix(body, "resource: resource sanity check: ") || strings.HasPrefix(body, "resource sanity check: ") || // (without its "resource: ", as some kernels write it)
		strings.HasPrefix(body, "caller ") && strings.HasSuffix(body, " mapping multiple BARs"):
		return pu.Warning, true // iomem_map_sanity_check's pr_warn, and the caller it names (the NVIDIA driver's)
	case strings.HasPrefix(body, "amdgpu ") && amdgpuFault(body):
		// an AMD GPU's page fault, as amdgpu's dev_err writes it with its status registers
		// ("amdgpu 0000:c4:00.0: amdgpu: [gfxhub] page fault (src_id:0 ring:153 vmid:0 pasid:0)",
		// "...: amdgpu:   in page starting at address 0x0 from client 10", "...: amdgpu:
		// WALKER_ERROR: 0x1"): the AMD analogue of an Xid, one severity for all its lines
		return pu.Error, true
	case strings.HasPrefix(body, "{") && isGHES(body):
		// a report of the firmware's (APEI GHES, ghes.c): KERN_WARNING for a corrected or
		// informational error, KERN_ERR for a recoverable or fatal one; a line alone that says
		// neither is taken as the common corrected one
		if strings.Contains(body, "severity: recoverable") || strings.Contains(body, "severity: fatal") {
			return pu.Error, true
		}
		return pu.Warning, true
	case strings.Contains(body, ": broadcast ") && strings.HasSuffix(body, " message"):
		// the AER recovery's KERN_DEBUG note of the callback it calls on the devices below a
		// port ("pcieport 0000:00:02.0: broadcast error_detected message"): no error of its own
		return pu.Debug, true
	case strings.HasSuffix(body, " callbacks suppressed"):
		return pu.Warning, true // ___ratelimit's KERN_WARNING: how many messages a rate limit dropped
	case strings.HasPrefix(body, "mce: [Hardware Error]: CPU ") && strings.Contains(body, ": Machine Check"):
		// the kernel's machine-check record ("mce: [Hardware Error]: CPU 1: Machine Check: 0
		// Bank 0: 90000040000f0005"): at the severity of the bank's status
		return mceStatusLevel(body), true
	case strings.HasSuffix(body, "mce: [Hardware Error]: Machine check events logged"):
		// the kernel's note (pr_info) that machine checks wait in its log: how bad they are is
		// the decode's that follows it, or mcelog's and rasdaemon's, corrected ones the most
		return pu.Warning, true
	case strings.HasPrefix(body, "[Hardware Error]: "):
		// AMD's decode of a machine check (mce_amd.c, every line pr_emerg): at the severity its
		// status line states ("Error Status: " before 4.x); a line of one read alone, which says
		// none, by its words
		switch {
		case strings.Contains(body, "System Fatal error"):
			return pu.Critical, true
		case strings.Contains(body, "]: Uncorrected, ") || strings.Contains(body, "Error Status: Uncorrected"):
			return pu.Error, true
		case strings.Contains(body, "]: Corrected error, ") || strings.Contains(body, "]: Deferred error, ") ||
			strings.Contains(body, "Error Status: Corrected error") || strings.Contains(body, "Error Status: Deferred error"):
			return pu.Warning, true
		}
	case strings.HasSuffix(body, "temperature above threshold, cpu clock throttled") ||
		strings.Contains(body, "temperature above threshold, cpu clock throttled (") ||
		strings.Contains(body, "temperature is above threshold, cpu clock is throttled"):
		// the CPU's thermal throttling (therm_throt.c: KERN_CRIT before 5.5, pr_warn since): a
		// host that starves its GPUs' data loaders and NCCL's proxy threads
		return pu.Warning, true
	case strings.Contains(body, "BMC returned incorrect response"):
		return pu.Warning, true // ipmi_msghandler's dev_warn: the BMC not answering as it should
	case strings.HasSuffix(body, ": now running without any active interface!"):
		// the bonding driver's (netdev_err since 5.x): every port of the bond down, the node off
		// that network, as a NIC's Link down and worse
		return pu.Error, true
	case strings.HasPrefix(body, "EDAC "):
		// host memory errors: corrected ones are a warning (a DIMM to watch), uncorrected an error
		switch {
		case strings.Contains(body, " UE ") || strings.Contains(body, "Uncorrected"):
			return pu.Error, true
		case strings.Contains(body, " CE ") || strings.Contains(body, "HANDLING MCE MEMORY ERROR"):
			return pu.Warning, true
		}
	}
	return pu.Guess(body), false
}

// mceStatusLevel is the level of the kernel's machine-check record by its bank's status (the
// hexadecimal after "Bank N: "): uncorrected (bit 61) an error, with the processor's context
// corrupt (bit 57) critical, else (corrected) a warning; an unreadable status an error.
func mceStatusLevel(body string) string {
	_, st, ok := strings.Cut(body, " Bank ")
	if ok {
		_, st, ok = strings.Cut(st, ": ")
	}
	if i := strings.IndexAny(st, " \n"); i >= 0 {
		st = st[:i]
	}
	v, err := strconv.ParseUint(st, 16, 64)
	switch {
	case !ok || err != nil:
		return pu.Error
	case v&(1<<61) == 0:
		return pu.Warning
	case v&(1<<57) != 0:
		return pu.Critical
	}
	return pu.Error
}

// healthSeverity returns the level an mlx5 health report's header states ("severity(2)
// CRITICAL": the kernel's log levels), "" when it states none.
func healthSeverity(body string) string {
	i := strings.Index(body, ", severity(")
	if i < 0 || i+len(", severity(")+2 > len(body) || body[i+len(", severity(")+1] != ')' {
		return ""
	}
	switch body[i+len(", severity(")] {
	case '0', '1', '2':
		return pu.Critical
	case '3':
		return pu.Error
	case '4':
		return pu.Warning
	case '5', '6':
		return pu.Info
	case '7':
		return pu.Debug
	}
	return ""
}

// GHESHeader returns the opening of a line of the firmware's hardware error report as the
// kernel prints it (APEI GHES, ghes.c), its sequence number before the marker: "{35}[Hardware
// Error]: " of "{35}[Hardware Error]: event severity: corrected".
func GHESHeader(t string) (string, bool) {
	end := strings.IndexByte(t[:min(len(t), 12)], '}')
	if end < 2 || t[0] != '{' || !pu.AllDigits(t[1:end]) || !strings.HasPrefix(t[end+1:], "[Hardware Error]: ") {
		return "", false
	}
	return t[:end+1+len("[Hardware Error]: ")], true
}

// isGHES reports whether body is a line of such a report.
func isGHES(body string) bool {
	_, ok := GHESHeader(body)
	return ok
}

// amdgpuFault reports whether body, an amdgpu kernel line, belongs to a GPU page fault's report:
// its header, the faulting address, the VM_L2_PROTECTION_FAULT_STATUS register (GCVM_ on RDNA GPUs)
// and its fields.
func amdgpuFault(body string) bool {
	_, m, ok := strings.Cut(body, ": amdgpu:")
	if !ok || m == "" || m[0] != ' ' && m[0] != '\t' {
		return false
	}
	m = strings.TrimLeft(m, " \t") // (the kernel indents the status fields by a tab: dmesg and the journal keep it)
	switch {
	case strings.Contains(m, "] page fault (") || strings.Contains(m, "] retry page fault (") ||
		strings.Contains(m, "] no-retry page fault (") || // MI300's (gmc_v9_0: retry or no-retry)
		strings.HasPrefix(m, "in page starting at address ") || strings.HasPrefix(m, "in process ") ||
		// 6.x kernels' task line ("for process python3.12 pid 6071 thread python3.12 pid 6071)")
		// and MI300's die ("cookie node_id 0 fault from die AID0"): dev_err as the rest
		strings.HasPrefix(m, "for process ") || strings.HasPrefix(m, "cookie node_id ") ||
		strings.HasPrefix(m, "VM_L2_PROTECTION_FAULT_STATUS:") ||
		// the graphics hub's register on RDNA GPUs, and the client it names
		strings.HasPrefix(m, "GCVM_L2_PROTECTION_FAULT_STATUS:") || strings.HasPrefix(m, "Faulty UTCL2 client ID: "):
		return true
	}
	// the status register's fields: "MORE_FAULTS: 0x1", "WALKER_ERROR: 0x1", "RW: 0x1"
	name, val, ok := strings.Cut(m, ": 0x")
	if !ok || name == "" || val == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !(c >= 'A' && c <= 'Z' || c == '_' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// uptime strips dmesg's "[ 1843.308145] " (or "[  +0.000844] ", dmesg -d; a comma in a locale
// that writes one; "[Feb28 16:29] ", the minute a dmesg -H line opens), returning the rest.
func uptime(s string) (string, bool) {
	if len(s) < 4 || s[0] != '[' {
		return "", false
	}
	end := strings.IndexByte(s[:min(len(s), 24)], ']')
	if end < 3 || end+1 < len(s) && s[end+1] != ' ' && s[end+1] != '[' {
		return "", false // (mpirun's "[1,9]<stdout>:" before a rank's line is no time)
	}
	in := strings.TrimLeft(s[1:end], " +")
	dot := strings.IndexAny(in, ".,")
	if (dot <= 0 || !pu.AllDigits(in[:dot]) || !pu.AllDigits(in[dot+1:])) && !humanMinute(in) {
		return "", false
	}
	rest := s[end+1:]
	if rest != "" && rest[0] == '[' {
		if r := pu.AfterPrintkCaller(rest); len(r) < len(rest) {
			return r, true // the caller's field after the time
		}
		return "", false
	}
	return strings.TrimPrefix(rest, " "), true
}

// humanMinute reports whether s is the "Feb28 16:29" of dmesg -H (a day of one digit padded
// with a space: "Feb 1 21:56").
func humanMinute(s string) bool {
	if len(s) < 9 || pu.Month(s) == 0 {
		return false
	}
	day, clock, ok := strings.Cut(strings.TrimLeft(s[3:], " "), " ")
	return ok && len(day) >= 1 && len(day) <= 2 && pu.AllDigits(day) && len(clock) == 5 && clock[2] == ':' &&
		pu.AllDigits(clock[:2]) && pu.AllDigits(clock[3:])
}

// otherDriver reports whether an AER line is logged by a device a driver other than NVIDIA's
// holds ("xhci_hcd 0000:97:00.0: AER: can't recover ..."): not the PCIe port driver, nor the
// PCI core's "pci" for a device without a driver, nor vfio-pci's (a device passed through to a
// virtual machine, on a GPU node most often a GPU).
func otherDriver(body string) bool {
	drv, rest, ok := strings.Cut(body[:min(len(body), 64)], " ")
	if !ok || drv == "pcieport" || drv == "pci" || drv == "vfio-pci" || strings.HasPrefix(drv, "nvidia") {
		return false
	}
	addr, _, ok := strings.Cut(rest, ": ")
	return ok && len(addr) == len("0000:00:00.0") && BusID(addr) != ""
}

// aerDevices sets the devices an AER line names. The line is logged by the device it is about,
// or by the PCIe port above it (the kernel's pcieport driver), which names the device that
// reported the error when it is another ("error received: 0000:02:00.0", older kernels'
// "id=0200" requester id; "from" in some reports). A port is not a GPU: its address goes to
// gpu.pcie_port with its function (ports differ by function), gpu.pci_bus_id to the device below.
func aerDevices(ev *event.Event, body string) {
	src := ""
	if k := strings.LastIndex(body, "received: "); k > 0 {
		src = body[k+len("received: "):]
	} else if k := strings.LastIndex(body, " from "); k > 0 {
		src = body[k:]
	} else if k := strings.Index(body, ", id="); k > 0 {
		src = body[k+2:] // "PCIe Bus Error: ..., id=0100(Receiver ID)"
	}
	port, ok := strings.CutPrefix(body, "pcieport ")
	if !ok {
		if id := BusID(src); id != "" {
			ev.SetString(FieldPCIBusID, id)
		} else if id := BusID(body); id != "" {
			ev.SetString(FieldPCIBusID, id)
		}
		return
	}
	addr, _, _ := strings.Cut(port, ": ")
	if len(addr) != len("0000:00:00.0") || BusID(addr) == "" {
		return
	}
	addr = lowerHex(addr)
	ev.SetString(FieldPCIePort, addr)
	dev := ""
	if id, ok := strings.CutPrefix(src, "id="); ok {
		dev = requesterID(addr[:4], id)
	} else if BusID(src) != "" {
		dev, _, _ = strings.Cut(lowerHex(strings.TrimPrefix(src, " from ")), " ")
		dev = strings.TrimRight(dev, ",;")
	}
	if dev != "" && dev != addr {
		if id := BusID(dev); id != "" {
			ev.SetString(FieldPCIBusID, id)
		}
	}
}

// requesterID turns the PCIe requester id older kernels print ("id=0200": bus 8 bits, device 5,
// function 3, in hex) into an address in the port's domain, "" when it is not one.
func requesterID(domain, id string) string {
	if len(id) < 4 || !hex(id[:4]) || len(id) > 4 && isHexByte(id[4]) {
		return ""
	}
	n, _ := strconv.ParseUint(id[:4], 16, 16)
	return fmt.Sprintf("%s:%02x:%02x.%x", domain, n>>8, n>>3&0x1f, n&7)
}

// bareAER reports whether msg is an AER line of a kernel log written without printk's times
// (dmesg -t, a kernel without CONFIG_PRINTK_TIME): "pcieport 0000:00:01.0: AER: Corrected error
// received: id=0008", "hpsa 0000:04:00.0: PCIe Bus Error: severity=Corrected, ...": a driver's
// name, a PCI address, then words no other program writes.
func bareAER(msg string) bool {
	name, rest, ok := strings.Cut(msg[:min(len(msg), 64)], " ")
	if !ok || name == "" || strings.IndexByte(name, ':') >= 0 {
		return false
	}
	dev, rest, ok := strings.Cut(rest, ": ")
	return ok && BusID(dev) != "" && (strings.HasPrefix(rest, "AER: ") || strings.HasPrefix(rest, "PCIe Bus Error: severity="))
}

// bareOOMKill reports whether msg is the kernel's OOM killer's line of its kill written without
// printk's times (dmesg -t, as node-problem-detector's reports quote it): "Memory cgroup out of
// memory: Killed process 4249 (python) total-vm:...", before 5.1 "Memory cgroup out of memory:
// Kill process 4015 (python) score 1923 or sacrifice child" and its "Killed process 4015 (python)
// total-vm:...": words no other program writes.
func bareOOMKill(msg string) bool {
	return strings.HasPrefix(msg, "Memory cgroup out of memory: Kill") || strings.HasPrefix(msg, "Out of memory: Kill") ||
		strings.HasPrefix(msg, "Killed process ") && strings.Contains(msg, " total-vm:")
}

// bareGPUProgram reports whether msg is a GPU-stack program's line as a boot console shows it
// without a time ("nvidia-migmanager[2755]: '/usr/bin/nvidia-smi' failed - stderr:", a
// Bottlerocket node's EC2 console): its name and pid, a name only the GPU stack's programs have
// (hostProgram reads it).
func bareGPUProgram(msg string) bool {
	name, _, _, ok := programPID(msg)
	return ok && pu.GPUProgram(name) != ""
}

// programPID reads the "name[pid]: " a program's line the journal forwarded opens with: the
// name, the pid and the text after it.
func programPID(s string) (name string, pid int64, text string, ok bool) {
	open := strings.IndexByte(s[:min(len(s), 48)], '[')
	if open <= 0 {
		return "", 0, "", false
	}
	pidText, text, found := strings.Cut(s[open+1:], "]: ")
	pid, num := pu.Atoi(pidText)
	return s[:open], pid, text, found && num
}

// KernelRIP reports whether t is the instruction pointer line of an x86 oops's register dump,
// "RIP: 0010:nvidia_dev_put+0xb1/0xc0 [nvidia]" (the kernel's code segment, then where it
// faulted).
func KernelRIP(t string) bool {
	return len(t) > 11 && strings.HasPrefix(t, "RIP: 0010:")
}

// ModulesLinkedIn opens the line of an oops or a warning that lists the modules loaded.
const ModulesLinkedIn = "Modules linked in:"

// bareOops reports whether msg is a kernel report of a fault written without printk's times
// (dmesg -t, a report's paste), its lines joined by the parse processor: its first line the
// kernel's own words ("BUG: kernel NULL pointer dereference, address: ...", "Oops: 0002 [#1]
// ...", "------------[ cut here ]------------", "WARNING: CPU: 13 PID: 55768 at ...", "kernel
// BUG at ..."), or the register dump, the modules' list or the call trace where a paste of it
// begins ("RIP: 0010:nvidia_dev_put+0xb1/0xc0 [nvidia]", "Modules linked in: ...", "Call Trace:",
// with frames under it).
func bareOops(msg string) bool {
	first, rest, multi := strings.Cut(msg, "\n")
	switch {
	case strings.HasPrefix(first, ModulesLinkedIn):
		return multi && strings.Contains(rest, "+0x") // (the frames under it: not a module list alone)
	case KernelRIP(first), strings.HasPrefix(first, "BUG: kernel NULL pointer dereference"),
		strings.HasPrefix(first, "BUG: unable to handle "), strings.HasPrefix(first, "Oops: 0"),
		strings.HasPrefix(first, "general protection fault"), strings.HasPrefix(first, "kernel BUG at "),
		first == "------------[ cut here ]------------":
		return true
	case strings.HasPrefix(first, "WARNING: CPU: "):
		return strings.Contains(first, " PID: ") && strings.Contains(first, " at ")
	}
	return first == "Call Trace:" && multi && strings.Contains(rest, "+0x")
}

// bareHang reports whether msg is the kernel's report of a hung task or a soft lockup written
// without printk's times (dmesg -t, a report's paste): "INFO: task kwin_wayland:1590 blocked for
// more than 860 seconds.", "INFO: task X:1 blocked on a semaphore likely last held by task
// nvidia-modeset/:501", "watchdog: BUG: soft lockup - CPU#3 stuck for 22s! [nvidia-smi:4242]",
// the report's lines under it: words no other program writes.
func bareHang(msg string) bool {
	msg, _, _ = strings.Cut(msg, "\n") // (the report's lines under it, joined)
	if strings.HasPrefix(msg, "INFO: task ") {
		return strings.Contains(msg, " blocked for more than ") && strings.HasSuffix(msg, " seconds.") || HungTaskBlocker(msg)
	}
	return strings.HasPrefix(msg, "watchdog: BUG: soft lockup - CPU#") && strings.Contains(msg, " stuck for ")
}

// aer reports whether body is a PCIe AER line and its level: corrected errors are warnings,
// uncorrected ones errors, fatal ones critical.
func aer(body string) (string, bool) {
	i := strings.Index(body, ": AER: ")
	j := strings.Index(body, "PCIe Bus Error: ")
	if i < 0 && j < 0 {
		name, ok := aerBit(body)
		if !ok {
			return "", false
		}
		if correctableAER[name] {
			return pu.Warning, true
		}
		return pu.Error, true // the kernel prints an uncorrectable error's bits at KERN_ERR
	}
	switch {
	case strings.Contains(body, "(Fatal)") || strings.Contains(body, "severity=Uncorrected (Fatal)") ||
		strings.Contains(body, "can't recover") || strings.Contains(body, "recovery failed"):
		return pu.Critical, true
	case strings.Contains(body, "Uncorrect"):
		return pu.Error, true
	case strings.Contains(body, "Correct"):
		return pu.Warning, true
	}
	return pu.Guess(body), true
}

// aerBit returns the error an AER report's bit line names ("pcieport 0000:00:01.1:    [ 5] SDES
// (First)", each bit set in the device's status, under the report's header): on its own when
// the header is not in the same file or read (the parse processor joins them otherwise).
func aerBit(body string) (string, bool) {
	k := strings.Index(body, "   [")
	if k < 0 {
		return "", false
	}
	if pre := strings.TrimSpace(body[:k]); pre != "" && (!strings.HasSuffix(pre, ":") || BusID(pre) == "") {
		return "", false
	}
	bit, after, ok := strings.Cut(body[k+len("   ["):], "]")
	if bit = strings.TrimSpace(bit); !ok || bit == "" || !pu.AllDigits(bit) {
		return "", false
	}
	name, _, _ := strings.Cut(strings.TrimLeft(after, " "), " ")
	if name == "" {
		return "", false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return "", false
		}
	}
	return name, true
}

// correctableAER are the names the kernel gives the bits of the correctable error status
// (drivers/pci/pcie/aer.c); every other bit is of the uncorrectable status.
var correctableAER = map[string]bool{"RxErr": true, "BadTLP": true, "BadDLLP": true, "Rollover": true,
	"Timeout": true, "NonFatalErr": true, "CorrIntErr": true, "HeaderOF": true}

// kernelError gives a kernel report at error level or above its first line as error.message, as
// every parser's error line has it (a PCIe port's fatal error, a hung task, the OOM killer's
// report): the line's text, its uptime stamp and prefixes left out.
func kernelError(ev *event.Event, level, first string) {
	if (level == pu.Error || level == pu.Critical) && !ev.Has(event.FieldErrorMsg) {
		if first = strings.TrimSpace(first); first != "" {
			ev.SetString(event.FieldErrorMsg, first)
		}
	}
}

// HungTaskBlocker reports whether b is the line recent kernels print under a hung task's report
// to name the task holding the lock it waits on (kernel/hung_task.c's pr_err): "INFO: task
// gnome-shell:2762 <reader> blocked on an rw-semaphore likely owned by task
// VLLM::Worker_TP:1664942 <writer>", "... is blocked on a mutex likely owned by task ...", "...
// blocked on a semaphore likely last held by task ...". The owner's stack follows it.
func HungTaskBlocker(b string) bool {
	return strings.HasPrefix(b, "INFO: task ") && (strings.Contains(b, " likely owned by task ") || strings.Contains(b, " likely last held by task "))
}

// clockIn reports whether s holds a time of day ("13:09:03"), as a syslog or journal prefix
// before "kernel: " does; a sentence that ends in "kernel:" does not (dkms's "Error! Bad return
// status for module build on kernel: 6.8.0-85-generic (x86_64)").
func clockIn(s string) bool {
	for i := 2; i+3 < len(s); i++ {
		if s[i] == ':' && s[i-1] >= '0' && s[i-1] <= '9' && s[i+1] >= '0' && s[i+1] <= '9' && s[i+2] >= '0' && s[i+2] <= '9' {
			return true
		}
	}
	return false
}

// programName reports whether s can be a program's name as its syslog tag gives it
// ("systemd-oomd", "TEST-55-OOMD.sh"): letters, digits, '.', '_' and '-'.
func programName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}
