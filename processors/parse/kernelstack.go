package parse

import (
	"strings"

	"github.com/sluice-dev/sluice/parsers/nvidia_xid"
	"github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/parsers/vllm"
)

// The kernel reports a warning, oops, hung task or soft lockup with a register dump and a call
// trace, one line each (after a GPU fault, its frames name the nvidia module). Each line as an
// event would bury the report; these rules keep it one event. Lines may carry dmesg's time
// since boot ("[ 5873.238880] "), which the syslog framing leaves in place.

// kernelReportStart reports whether a kernel line opens such a report.
func kernelReportStart(l *vllm.Line) bool {
	if l.Header != "" {
		return false
	}
	t := sinceBoot(l.Body)
	return t == "Call Trace:" || t == "Call trace:" || strings.HasPrefix(t, "WARNING: CPU: ") || strings.HasPrefix(t, "BUG: ") ||
		strings.HasPrefix(t, "INFO: task ") && strings.Contains(t, " blocked for more than ") || nvidia_xid.HungTaskBlocker(t) ||
		strings.HasPrefix(t, "Oops: ") || strings.HasPrefix(t, "general protection fault") ||
		// a soft lockup ("watchdog: BUG: soft lockup - CPU#7 stuck for 23s! [pytest:25222]",
		// "NMI watchdog: BUG: ..."), BUG_ON()'s oops, and arm64's (Grace nodes) oops
		strings.HasPrefix(t, "watchdog: BUG: ") || strings.HasPrefix(t, "NMI watchdog: BUG: ") ||
		strings.HasPrefix(t, "WARNING: at ") || // kernels before 3.x: "WARNING: at net/sched/sch_generic.c:264 dev_watchdog+0x..."
		strings.HasPrefix(t, "kernel BUG at ") || t == "------------[ cut here ]------------" ||
		strings.HasPrefix(t, "Unable to handle kernel ") || strings.HasPrefix(t, "Internal error: ") ||
		strings.Contains(t, "]: segfault at ") || // a process's segfault, and the Code: line under it
		rcuStall(t) ||
		// a spurious interrupt's report (__report_bad_irq: "irq 16: nobody cared (try booting with
		// the "irqpoll" option)", the stack, the handlers, "Disabling IRQ #16"), and a task's
		// state and stack that SysRq-w or sched_show_task prints without a hung task's header
		strings.HasPrefix(t, "irq ") && strings.Contains(t, ": nobody cared") ||
		strings.HasPrefix(t, "task:") && strings.Contains(t, " state:") ||
		// a stack dump_stack() prints without a report around it (the NVIDIA driver's
		// os_dump_stack after an Xid 119's RPC history: "CPU: 17 PID: 2024380 Comm: nvidia-smi
		// Tainted: ...", "Hardware name: ...", "Call Trace:", its frames), and the frame-pointer
		// unwinder's complaint about it with the raw stack under it, also read from its middle
		strings.HasPrefix(t, "CPU: ") && strings.Contains(t, " PID: ") && strings.Contains(t, " Comm: ") ||
		// an oops read from its register dump or its modules' list, where a paste of it begins
		nvidia_xid.KernelRIP(t) || strings.HasPrefix(t, nvidia_xid.ModulesLinkedIn) ||
		strings.HasPrefix(t, unwinderWarning) || rawStackWord(t)
}

// pageFaultOpen reports whether g is a page fault's report before its oops line: the kernel's
// "BUG: kernel NULL pointer dereference, ..." or "BUG: unable to handle page fault ...", then
// "#PF: ..." lines, "PGD ...", and "Oops: ..." which every such report reaches.
func pageFaultOpen(g *group) bool {
	first := sinceBoot(g.firstLine())
	if !strings.HasPrefix(first, "BUG: kernel NULL pointer dereference") && !strings.HasPrefix(first, "BUG: unable to handle ") {
		return false
	}
	for _, p := range g.parts {
		if strings.HasPrefix(sinceBoot(p), "Oops: ") {
			return false
		}
	}
	return true
}

// unwinderWarning opens the frame-pointer unwinder's complaint about a frame it cannot follow
// (arch/x86/kernel/unwind_frame.c), which it prints inside the stack it was walking, then
// "unwind stack type:..." and the stack's raw words (rawStackWord).
const unwinderWarning = "WARNING: kernel stack frame pointer at "

// rawStackWord reports whether t is a line of the raw stack the unwinder dumps after its
// warning: an address, the word there and what it points at ("00000000c7da3938: ffffffffc2202667
// (_nv012865rm+0x77/0x330 [nvidia])"), or "..." where zeros were skipped.
func rawStackWord(t string) bool {
	if len(t) < 38 || t[16] != ':' || t[17] != ' ' || t[34] != ' ' {
		return false
	}
	for _, c := range []byte(t[:16] + t[18:34]) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	rest := t[35:]
	return rest == "..." || rest[0] == '(' && rest[len(rest)-1] == ')'
}

// rcuStall reports whether t opens an RCU stall report ("rcu: INFO: rcu_sched self-detected
// stall on CPU", "rcu: INFO: rcu_sched detected stalls on CPUs/tasks:", "INFO: rcu_preempt
// detected stalls ..." before 4.19): a CPU stuck in the kernel, often just before the node hangs.
func rcuStall(t string) bool {
	t = strings.TrimPrefix(t, "rcu: ")
	return strings.HasPrefix(t, "INFO: rcu_") && strings.Contains(t, " stall")
}

// kernelReportAccept reports whether l continues a kernel report.
func kernelReportAccept(l *vllm.Line) bool {
	if l.Header != "" {
		return false
	}
	t := sinceBoot(l.Body)
	if t == "" || t[0] == ' ' || t[0] == '\t' {
		return t != "" // frames are indented; a blank line ends the report
	}
	for _, p := range kernelReportLines {
		if strings.HasPrefix(t, p) {
			return true
		}
	}
	return kernelFrame(t) || taskState(t) || arm64Register(t) || rawStackWord(t)
}

// The OOM killer's report runs from "python3 invoked oom-killer: gfp_mask=..." through the
// stack dump, the memory state (a cgroup's usage and stats, or the node's Mem-Info), the task
// table and the summary ("oom-kill:constraint=...,task_memcg=<the victim's cgroup>,task=python3,
// pid=1234,uid=0") to the line naming the process it killed ("Memory cgroup out of memory:
// Killed process 1234 (python3) total-vm:..."). One event holds what was killed, where (the
// cgroup names the pod and container) and why.

// oomReportStart reports whether l opens an OOM killer's report.
func oomReportStart(l *vllm.Line) bool {
	if l.Header != "" {
		return false
	}
	if strings.Contains(l.Body, " invoked oom-killer: ") {
		return true
	}
	// cgroup v1's report read from its memcg's line (an excerpt, `grep -A`): "Task in
	// /kubepods/pod<uid>/<id> killed as a result of limit of ...", its usage, stats and task
	// table, then the process it killed
	t := sinceBoot(l.Body)
	// (and the report of kernels 5.0 and later read from its summary, "oom-kill:constraint=
	// CONSTRAINT_MEMCG,...,task_memcg=...,task=...,pid=...", the process it killed on the next
	// line: `grep -A1 oom-kill`, an excerpt's end)
	return strings.HasPrefix(t, "Task in ") && strings.Contains(t, " killed as a result of limit of ") ||
		strings.HasPrefix(t, "oom-kill:constraint=")
}

// oomReportAccept reports whether l continues an OOM report, and whether it is the report's last
// line: the one naming the killed process.
func oomReportAccept(l *vllm.Line) (ok, done bool) {
	if l.Header != "" {
		return false, false
	}
	t := sinceBoot(l.Body)
	switch {
	case t == "":
		return false, false
	case strings.Contains(t, "Killed process ") || strings.HasPrefix(t, "Out of memory and no killable processes"):
		return true, true
	case kernelReportAccept(l) || oomStateLine(t):
		return true, false
	}
	return false, false
}

// oomStateLine reports whether t is a line of the memory state and task table an OOM report
// prints between its stack dump and the killed process.
func oomStateLine(t string) bool {
	for _, p := range oomReportLines {
		if strings.HasPrefix(t, p) {
			return true
		}
	}
	if slabRow(t) {
		return true // "kmalloc-8k  21840KB  21840KB" under "Unreclaimable slab info:"
	}
	if strings.Contains(t, " cpuset=") && strings.Contains(t, " mems_allowed=") && !strings.HasPrefix(t, "oom-kill:") {
		return true // kernels before 4.19, under the first line: "<comm> cpuset=<set> mems_allowed=0-1"
	}
	switch c := t[0]; {
	case c == '[':
		// a task-table row: "[ 181505] 65535 181505 243 1 28672 0 -998 pause"
		end := strings.IndexByte(t, ']')
		return end > 1 && strings.Trim(t[1:end], " 0123456789") == ""
	case c >= '0' && c <= '9':
		// "4194174 pages RAM", "12345 total pagecache pages", "0 pages in swap cache"
		return strings.Contains(t, " pages")
	case c >= 'a' && c <= 'z':
		// a cgroup v2 stat: "anon 98742272", "workingset_refault_file 1190"
		sp := strings.IndexByte(t, ' ')
		return sp > 0 && strings.Trim(t[:sp], "abcdefghijklmnopqrstuvwxyz_") == "" &&
			strings.Trim(t[sp+1:], "0123456789") == ""
	}
	return false
}

// slabRow reports whether t is a row of the OOM report's unreclaimable slab table: a cache's
// name, then its used and total size in KB.
func slabRow(t string) bool {
	f := strings.Fields(t)
	if len(f) != 3 {
		return false
	}
	for _, v := range f[1:] {
		n, ok := strings.CutSuffix(v, "KB")
		if !ok || n == "" || strings.Trim(n, "0123456789") != "" {
			return false
		}
	}
	return true
}

// oomReportLines start the lines of an OOM report's memory state and summary.
var oomReportLines = [...]string{"Mem-Info:", "memory: usage ", "memory+swap: usage ", "swap: usage ", "kmem: usage ",
	"Memory cgroup stats for ", "Task in ", "Tasks state (memory values in pages):", "oom-kill:", "Node ",
	"active_anon:", "lowmem_reserve[]:", "Free swap ", "Total swap ", "Swap cache stats:", "Unreclaimable slab info:", "Name                      Used",
	// a zone's free memory and free lists on kernels that do not print "Node 0 " before them
	"DMA free:", "DMA32 free:", "Normal free:", "Movable free:", "DMA: ", "DMA32: ", "Normal: ", "Movable: ",
	"Memory cgroup out of memory: Kill process ", "Out of memory: Kill process ", "[  pid  ]", "[ pid ]"}

// edacReport returns the memory controller ("MC1") of the line that opens its machine-check
// report ("EDAC sbridge MC1: HANDLING MCE MEMORY ERROR"), whose CPU, TSC, ADDR, MISC and
// PROCESSOR lines ("EDAC sbridge MC1: ...") and summary ("EDAC MC1: 262 CE memory read error on
// ...") follow, or "".
func edacReport(body string) string {
	t := sinceBoot(body)
	if m, ok := strings.CutPrefix(t, mcePrefix); ok && strings.HasPrefix(m, "CPU ") && strings.Contains(m, ": Machine Check") {
		// the kernel's own machine-check record: "mce: [Hardware Error]: CPU 0: Machine Check: 0
		// Bank 4: a600000000020408", then its TSC and ADDR, PROCESSOR lines
		return mcePrefix
	}
	if amdDecodeStart(t) {
		// AMD's decode of a machine check (drivers/edac/mce_amd.c): its status, then its bank,
		// address, unit and cache lines, each "[Hardware Error]: ", the memory controller's
		// "EDAC MC0: 1 CE on ..." amd64_edac prints from within it
		return hwErr
	}
	if h, ok := nvidia_xid.GHESHeader(t); ok && strings.HasPrefix(t[len(h):], "Hardware error from APEI Generic Hardware Error Source") {
		// the firmware's report (APEI GHES): its lines share the header's sequence number,
		// "{35}[Hardware Error]: ", the next report's another
		return h
	}
	if dev, _, ok := strings.Cut(t[:min(len(t), 40)], ": {"); ok && strings.HasPrefix(dev, "amdgpu ") {
		// an AMD GPU's ACA report (MI300's RAS): "amdgpu 0000:9e:00.0: {1}[Hardware Error]:
		// Accelerator Check Architecture events logged", then its banks' "aca entry[00].STATUS=..."
		// lines; the event id is the hive's, so the device is in the key
		if h, ok := nvidia_xid.GHESHeader(t[len(dev)+2:]); ok && strings.HasPrefix(t[len(dev)+2+len(h):], "Accelerator Check Architecture events logged") {
			return t[:len(dev)+2+len(h)]
		}
	}
	if h, _, ok := strings.Cut(t, " print_health_info:"); ok && strings.HasPrefix(t, "mlx5_core ") && strings.Contains(t, ": Health issue observed") {
		// an mlx5 NIC's firmware health report: its header, then the dump its lines give at
		// the header's severity ("mlx5_core 0000:05:00.0: print_health_info:433:(pid 0):
		// assert_var[0] 0x0000001e")
		return h + " print_health_info:"
	}
	if dev, _, ok := strings.Cut(t, ": device's health compromised"); ok && strings.HasPrefix(t, "mlx5_core ") && strings.IndexByte(dev[len("mlx5_core "):], ' ') < 0 {
		// the same report from a driver that writes no function before its lines (older and
		// OFED builds: "mlx5_core 0000:5e:00.0: device's health compromised - reached miss
		// count", then "mlx5_core 0000:5e:00.0: assert_var[0] 0x00000001", ... "synd 0x7: irisc
		// not responding"): the device's lines under it
		return dev + ": "
	}
	if !strings.HasPrefix(t, "EDAC ") {
		return ""
	}
	i := strings.Index(t, ": HANDLING MCE MEMORY ERROR")
	if i <= 0 {
		return ""
	}
	return t[strings.LastIndexByte(t[:i], ' ')+1 : i]
}

// mcePrefix opens the kernel's machine-check lines.
const mcePrefix = "mce: [Hardware Error]: "

// hwErr opens the lines of AMD's decode of a machine check.
const hwErr = "[Hardware Error]: "

// amdDecodeStart reports whether t opens AMD's decode of a machine check: the error's status
// (decode_error_status: "Corrected error, no action required.", "Deferred error, ...",
// "Uncorrected, software restartable error.", "System Fatal error.") or, in kernels before 4.x,
// the bank's decode first ("MC4 Error (node 1): DRAM ECC error detected on the NB.", its
// "Error Status: ..." lines under it).
func amdDecodeStart(t string) bool {
	m, ok := strings.CutPrefix(t, hwErr)
	if !ok {
		return false
	}
	switch {
	case strings.HasPrefix(m, "Corrected error, "), strings.HasPrefix(m, "Deferred error, "),
		strings.HasPrefix(m, "Uncorrected, "), strings.HasPrefix(m, "System Fatal error."):
		return true
	}
	n, ok := strings.CutPrefix(m, "MC")
	i := 0
	for ok && i < len(n) && n[i] >= '0' && n[i] <= '9' {
		i++
	}
	return ok && i > 0 && strings.HasPrefix(n[i:], " Error")
}

// edacAccept reports whether body is a line of the report of controller mc (mcePrefix: of the
// kernel's machine-check record).
func edacAccept(body, mc string) bool {
	t := sinceBoot(body)
	if strings.HasPrefix(mc, "mlx5_core ") {
		return strings.HasPrefix(t, mc) && !strings.Contains(t, ": Health issue observed") && !strings.Contains(t, ": device's health compromised")
	}
	if mc[0] == '{' || strings.HasPrefix(mc, "amdgpu ") {
		return strings.HasPrefix(t, mc) && !strings.HasPrefix(t[len(mc):], "Hardware error from APEI") &&
			!strings.HasPrefix(t[len(mc):], "Accelerator Check Architecture events logged")
	}
	if mc == hwErr {
		return strings.HasPrefix(t, hwErr) && !amdDecodeStart(t) ||
			strings.HasPrefix(t, "EDAC ") && !strings.Contains(t, ": HANDLING MCE MEMORY ERROR")
	}
	if mc == mcePrefix {
		m, ok := strings.CutPrefix(t, mcePrefix)
		return ok && !strings.Contains(m, ": Machine Check") && !strings.HasPrefix(m, "Machine check events logged")
	}
	if !strings.HasPrefix(t, "EDAC ") || strings.Contains(t, ": HANDLING MCE MEMORY ERROR") {
		return false // (the next report's header: each report is an event, counted per DIMM)
	}
	i := strings.Index(t[:min(len(t), 48)], ": ")
	return i > 0 && strings.HasSuffix(t[:i], " "+mc)
}

// taskState reports whether t is the line a hung-task report gives the task's state on:
// "task:containerd-shim state:D stack:    0 pid:28325 ppid:     1 flags:0x00004080" (5.14 and
// later), or "python          D    0 19772  30357 0x00000004" (before; the stack pointer
// between the state and the numbers on some kernels).
func taskState(t string) bool {
	if strings.HasPrefix(t, "task:") {
		return strings.Contains(t, " state:")
	}
	f := strings.Fields(t)
	return len(f) >= 5 && len(f[1]) == 1 && strings.IndexByte("DRSTZI", f[1][0]) >= 0 &&
		strings.HasPrefix(f[len(f)-1], "0x")
}

// arm64Register reports whether t is a line of an arm64 register dump: "pc : ...", "lr : ...",
// "sp : ...", "x29: ffff800082d1b9c0 x28: ...".
func arm64Register(t string) bool {
	switch {
	case strings.HasPrefix(t, "pc : ") || strings.HasPrefix(t, "lr : ") || strings.HasPrefix(t, "sp : "):
		return true
	case len(t) > 5 && t[0] == 'x' && t[1] >= '0' && t[1] <= '9':
		c := strings.IndexByte(t[:5], ':')
		return c > 1 && strings.Trim(t[1:c], "0123456789") == ""
	}
	return false
}

// kernelFrame reports whether t is a call-trace frame as the journal and syslog deliver it,
// without the indentation dmesg gives it: "dump_stack_lvl+0x34/0x48", "[<ffffffffa21135d4>]
// dump_stack+0x19/0x1b", "? __schedule+0x2d1/0x870".
func kernelFrame(t string) bool {
	if strings.HasPrefix(t, "[<") {
		return true
	}
	t = strings.TrimPrefix(t, "? ")
	plus := strings.Index(t, "+0x")
	if plus <= 0 || strings.IndexByte(t[:plus], ' ') >= 0 {
		return false
	}
	slash := strings.Index(t[plus:], "/0x")
	return slash > 3
}

// kernelReportLines start the unindented lines of a report after its first.
var kernelReportLines = [...]string{"Call Trace:", "<TASK>", "</TASK>", "<IRQ>", "</IRQ>", "RIP: ", "RSP: ",
	"RAX: ", "RDX: ", "RBP: ", "R10: ", "R13: ", "FS: ", "CS: ", "CR2: ", "DR0: ", "DR3: ", "PKRU: ", "Code: ", nvidia_xid.ModulesLinkedIn,
	"CPU: ", "Hardware name: ", "Workqueue: ", "---[ end trace", "\"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\"",
	"Call trace:", "kernel BUG at ", "invalid opcode: ", "Tainted: ", "pstate: ", "Mem abort info:", "Internal error: ",
	"Kernel panic - not syncing", "#PF: ", "PGD ", "Oops: ", "NETDEV WATCHDOG: ", "WARNING: CPU: ", "WARNING: at ",
	// an RCU stall's: the stalled CPUs, who detected it, the NMIs sent for their backtraces
	"rcu: ", "Sending NMI from CPU ", "NMI backtrace for cpu ", "(t=", "(detected by ",
	// a spurious interrupt's: its handlers, then the line it turns off
	"handlers:", "Disabling IRQ #",
	// the unwinder's complaint inside a stack, with its state (unwinderWarning)
	unwinderWarning, "unwind stack type:"}

// sinceBoot returns s without dmesg's "[ 5873.238880] " in front.
func sinceBoot(s string) string {
	if len(s) < 4 || s[0] != '[' {
		return s
	}
	end := strings.IndexByte(s[:min(len(s), 24)], ']')
	if end < 3 || strings.IndexByte(s[1:end], '.') < 0 || strings.Trim(s[1:end], " +.0123456789") != "" {
		return s
	}
	return parseutil.AfterPrintkCaller(strings.TrimPrefix(s[end+1:], " "))
}

// The NVIDIA driver wraps a long message over several NVRM lines, which dmesg and the journal
// indent under the first: "[ 1843.308145] NVRM: The NVIDIA GPU 0000:b3:00.0", then
// "               NVRM: (PCI ID: 10de:26b5) installed in this system has", then
// "               NVRM: fallen off the bus and is not responding to commands." (drivers 570
// and later), or an API mismatch's four lines. One event keeps the GPU's bus id with what
// happened to it.

// nvrmStart reports whether a line is an NVIDIA driver message that may go on.
func nvrmStart(l *vllm.Line) bool {
	// (also after the syslog tag alone, time and host cut off: journalctl --dmesg pasted,
	// "kernel: NVRM: API mismatch: ...", its lines indented under it)
	return l.Header == "" && strings.HasPrefix(sinceBoot(strings.TrimPrefix(l.Body, "kernel: ")), "NVRM: ")
}

// nvrmAccept reports whether l goes on with the message before it, whose time since boot is
// stamp: an indented NVRM line, or an NVRM line with the same stamp. A message of several lines
// is one kernel record, and rsyslog (Ubuntu's kern.log) writes each of its lines with the
// record's header and time, where dmesg indents them; another record has a time of its own.
func nvrmAccept(l *vllm.Line, stamp string) bool {
	if l.Header != "" || len(l.Body) < 8 {
		return false
	}
	if l.Body[0] != ' ' {
		return stamp != "" && bootStamp(l.Body) == stamp && strings.HasPrefix(sinceBoot(l.Body), "NVRM: ") &&
			!nvrmOwnStart(sinceBoot(l.Body)[len("NVRM: "):])
	}
	return strings.HasPrefix(strings.TrimLeft(l.Body, " \t"), "NVRM: ")
}

// nvrmIndentedText reports whether l, an indented line without "NVRM: ", goes on with the
// sentence of the NVRM line before it (prev): dmesg without times indents a record's further
// lines ("NVRM: The NVIDIA GPU 000a:00:00.0 (PCI ID: 10de:2330) installed in this system",
// then "      is not supported by the NVIDIA 580.126.09 driver release."). The words go on in
// lower case, after a line that ended without a full stop; or the message's next sentence,
// indented as deep as dmesg indents a record's lines ("NVRM: GPU 0000:01:00.0:
// PreserveVideoMemoryAllocations module parameter is set.", then "      System Power Management
// attempted without driver procfs suspend interface.", NVIDIA/open-gpu-kernel-modules issue
// #1343), not a stack's frame.
func nvrmIndentedText(l *vllm.Line, prev string) bool {
	if l.Header != "" || len(l.Body) < 4 || l.Body[0] != ' ' {
		return false
	}
	t := strings.TrimLeft(l.Body, " \t")
	if t == "" || strings.HasPrefix(t, "NVRM: ") {
		return false
	}
	if t[0] >= 'a' && t[0] <= 'z' {
		return nvrmSentenceOpen(prev)
	}
	return t[0] >= 'A' && t[0] <= 'Z' && len(l.Body)-len(t) >= 4 && !strings.Contains(t, "+0x") &&
		strings.Contains(prev, "NVRM: ") && !strings.Contains(prev, "NVRM: Xid")
}

// nvrmUnstamped reports whether l, an NVRM line without a time since boot, goes on with the
// message of the stamped NVRM line that opened the group (first). An older dmesg, reading the kernel's
// buffer whole, writes the lines of one record after the first at the margin without a time:
// "[188549.977053] NVRM: This can occur when a driver such as: ", then "NVRM: nouveau, rivafb,
// nvidiafb or rivatv ", "NVRM: was loaded and obtained ownership of the NVIDIA device(s).". A
// line that opens with a capital is a message of its own (a log of another source pasted
// after), and an Xid is one line.
func nvrmUnstamped(l *vllm.Line, first string) bool {
	t, ok := strings.CutPrefix(l.Body, "NVRM: ")
	if l.Header != "" || !ok || t == "" || t[0] < 'a' || t[0] > 'z' || nvrmOwnStart(t) {
		return false
	}
	return bootStamp(first) != "" && strings.HasPrefix(sinceBoot(first), "NVRM: ") && !strings.HasPrefix(sinceBoot(first), "NVRM: Xid")
}

// nvrmWrapped reports whether l goes on with the sentence of the NVRM line before it (prev, its
// text) in a kernel log written without the time since boot (RHEL's /var/log/messages, an
// rsyslog without printk times): "NVRM: API mismatch: the client has the version 555.58.02, but",
// then "NVRM: this kernel module has the version 560.35.03.  Please", ... A line after a full
// stop, or one that opens with a capital, is a message of its own.
func nvrmWrapped(l *vllm.Line, prev string) bool {
	t, ok := strings.CutPrefix(l.Body, "NVRM: ")
	if l.Header != "" || !ok || t == "" || nvrmOwnStart(t) {
		return false
	}
	if strings.HasPrefix(t, "(PCI ID: ") {
		// the second line of the GPU that fell off the bus, as drivers 570 and later wrap it
		// ("NVRM: The NVIDIA GPU 0000:b3:00.0", "NVRM: (PCI ID: 10de:26b5) installed in this
		// system has", "NVRM: fallen off the bus and is not responding to commands.")
		_, gpu, ok := strings.Cut(prev, "NVRM: The NVIDIA GPU ")
		return ok && strings.IndexByte(strings.TrimSpace(gpu), ' ') < 0
	}
	// a sentence's next words ("this kernel module ..."), not a function's message
	// ("rpcRmApiAlloc_GSP: GspRmAlloc failed: ...", "free_os_event:    fd: 17")
	word, _, _ := strings.Cut(t, " ")
	if word == "" {
		return false // an indented dump's row ("NVRM:         0x0000000001b4acb0")
	}
	for i := 0; i < len(word); i++ {
		// (a file's name goes on a sentence too: "... please run", then "NVRM:
		// nvidia-bug-report.sh as root to collect this data before")
		if c := word[i]; (c < 'a' || c > 'z') && (i == 0 || c != '-' && c != '.') {
			return false
		}
	}
	return nvrmSentenceOpen(prev)
}

// nvrmSentenceOpen reports whether prev, an NVRM line, leaves its sentence open for the next
// line to go on with: not an Xid (one line), not ended with a full stop or a colon.
func nvrmSentenceOpen(prev string) bool {
	prev = strings.TrimRight(prev, " ")
	return strings.Contains(prev, "NVRM: ") && !strings.Contains(prev, "NVRM: Xid") && !strings.HasSuffix(prev, ".") &&
		!strings.HasSuffix(prev, ":")
}

// nvrmFuncDetail reports whether l is a detail line of the function's message before it (prev,
// that line's text), which the driver prints indented under the function's name: "NVRM:
// free_os_event: failed to find OS event:", then "NVRM: free_os_event:    hParent: 0xc1d775c9"
// and "NVRM: free_os_event:    fd: 17" (one report at one level).
func nvrmFuncDetail(l *vllm.Line, prev string) bool {
	t, p, ok := nvrmTexts(l, prev)
	if !ok {
		return false
	}
	fn, rest, ok := strings.Cut(t, ": ")
	if !ok || fn == "" || strings.IndexByte(fn, ' ') >= 0 || !strings.HasPrefix(rest, "  ") {
		return false
	}
	prest, ok := strings.CutPrefix(p, fn+": ")
	return ok && (strings.HasSuffix(strings.TrimRight(prest, " "), ":") || strings.HasPrefix(prest, "  "))
}

// nvrmICD reports whether l goes on with the GSP core dump whose line prev is: a line of the
// same GPU's dump by the same function ("NVRM: GPU6 kflcnCoreDumpDestructive_IMPL: ICD: ...",
// its registers a line each, and "...: TRACE: 08 = 0x...", its last program counters).
func nvrmICD(l *vllm.Line, prev string) bool {
	t, p, ok := nvrmTexts(l, prev)
	if !ok {
		return false
	}
	k := nvidia_xid.CoreDumpLine(t)
	if k == "" {
		return false
	}
	// (a trace after the registers: the same GPU's function, the other tag)
	fn := k[:strings.LastIndex(k[:len(k)-2], ": ")+2]
	return strings.HasPrefix(p, fn) && nvidia_xid.CoreDumpLine(p) != ""
}

// nvrmTexts returns the texts after "NVRM: " of l, a line without a logging header, and of prev,
// the line before it; ok is false unless both are the driver's.
func nvrmTexts(l *vllm.Line, prev string) (t, p string, ok bool) {
	if l.Header != "" {
		return "", "", false
	}
	if t, ok = nvrmText(l.Body); !ok {
		return "", "", false
	}
	p, ok = nvrmText(prev)
	return t, p, ok
}

// nvrmText returns the text after "NVRM: " of a driver's line, past a kernel log's stamp
// ("[ 8957.099615] ", dmesg -T's "[Wed Sep 16 05:23:27 2026] ").
func nvrmText(s string) (string, bool) {
	i := strings.Index(s[:min(len(s), 48)], "NVRM: ")
	if i < 0 || i > 0 && s[0] != '[' && strings.TrimSpace(s[:i]) != "" {
		return "", false
	}
	return s[i+len("NVRM: "):], true
}

// nvrmOwnStart reports whether an NVRM line's text (after "NVRM: ") starts a message of its own,
// which a message printed in the same microsecond must not take: an Xid, a GPU's identity, a
// message about one GPU ("GPU 0000:91:00.0: ...").
func nvrmOwnStart(t string) bool {
	return strings.HasPrefix(t, "Xid ") || strings.HasPrefix(t, "GPU at ") || strings.HasPrefix(t, "GPU Board ") ||
		strings.HasPrefix(t, "GPU 0") || strings.HasPrefix(t, "loading ")
}

// bootStamp returns the "[ 8957.099615]" that starts s, or "".
func bootStamp(s string) string {
	if rest := sinceBoot(s); len(rest) < len(s) {
		return strings.TrimRight(s[:len(s)-len(rest)], " ")
	}
	return ""
}

// sameBootSecond reports whether kernel lines a and b were written in the same second since
// boot by dmesg's times ("[  526.065253] ", "[  526.065279] "), or both without one.
func sameBootSecond(a, b string) bool {
	sa, sb := bootStamp(a), bootStamp(b)
	sa, _, _ = strings.Cut(strings.TrimLeft(sa, "[ "), ".")
	sb, _, _ = strings.Cut(strings.TrimLeft(sb, "[ "), ".")
	return sa == sb
}

// A GSP's timeout or error (Xid 119, 120) is followed by what the driver logs under the same
// error number (kernel_gsp.c): "GPU0 GSP RPC buffer contains function 76 (GSP_RM_CONTROL) ...",
// "GPU0 RPC history (CPU -> GSP):" and "GPU0 RPC event history (CPU <- GSP):", each with a table
// of indented rows, and the libos partition that reported it ("    Reported by libos
// partition:2#4 kernel v3.1 [0] @ ts:..."). Each line has its own time; they are one report.

// gspDump is the group state of an Xid 119 or 120 whose dump may follow.
const gspDump = 1

// gspXid reports whether a line is an Xid 119 (GSP RPC timeout) or 120 (GSP error).
func gspXid(body string) bool {
	t, ok := strings.CutPrefix(sinceBoot(body), "NVRM: Xid (PCI:")
	if !ok {
		return false
	}
	_, rest, ok := strings.Cut(t[:min(len(t), 32)], "): ")
	return ok && (strings.HasPrefix(rest, "119,") || strings.HasPrefix(rest, "120,"))
}

// gspDumpLine reports whether l is a line of the dump under an Xid 119 or 120.
func gspDumpLine(l *vllm.Line) bool {
	if l.Header != "" {
		return false
	}
	t, ok := strings.CutPrefix(strings.TrimLeft(sinceBoot(l.Body), " \t"), "NVRM: ")
	if !ok || t == "" {
		return false
	}
	if t[0] == ' ' {
		return strings.TrimSpace(t) != "" // a table's header or row, the libos partition
	}
	if strings.HasPrefix(t, "-") && strings.Contains(t, "[ end crash report ]") {
		// the GSP crash report's last line (crashcat's "------------[ end crash report
		// ]------------"): the report's, not a message of its own
		return true
	}
	if !strings.HasPrefix(t, "GPU") {
		return false
	}
	i := len("GPU")
	for i < len(t) && t[i] >= '0' && t[i] <= '9' {
		i++
	}
	rest := t[i:]
	return i > len("GPU") && (strings.HasPrefix(rest, " GSP RPC buffer") || strings.HasPrefix(rest, " RPC history") ||
		strings.HasPrefix(rest, " RPC event history"))
}

// An NVSwitch reports one SXid over three lines that repeat the switch, the bus and the code:
// "nvidia-nvswitch3: SXid (PCI:0000:04:00.0): 22013, Data {...}", then "..., Non-fatal, Link 44
// ...", then "..., Severity 0 Engine instance 44 ...". One event carries the report's severity.

// sxidKey returns the "nvidia-nvswitch3: SXid (PCI:0000:04:00.0): 22013, " part of an SXid line
// (its dmesg time left out), or "".
func sxidKey(body string) string {
	t := sinceBoot(body)
	i := strings.Index(t[:min(len(t), 96)], "SXid (")
	if i < 0 {
		return ""
	}
	end := strings.Index(t[i:min(len(t), i+64)], "): ")
	if end < 0 {
		return ""
	}
	comma := strings.IndexByte(t[i+end+3:min(len(t), i+end+12)], ',')
	if comma <= 0 {
		return ""
	}
	return t[:i+end+3+comma+1]
}

// sxidPart tells which of its three parts an SXid line of the report keyed key is, as a bit:
// "Data {...}", "Severity 0 Engine instance 44 ...", or the severity and the unit ("Non-fatal,
// Link 44 ..."). Drivers print them in different orders (Data first, or last); a part the report
// already has opens the next one.
func sxidPart(body, key string) int {
	t := sinceBoot(body)
	t = strings.TrimPrefix(t[min(len(key), len(t)):], " ")
	switch {
	case strings.HasPrefix(t, "Data {"):
		return 1
	case strings.HasPrefix(t, "Severity "):
		return 2
	}
	return 4
}

// A PCIe AER report is a severity line and the lines under it that say which errors the device
// has, each with the device's prefix:
//
//	pcieport 0000:00:03.1: PCIe Bus Error: severity=Correctable, type=Data Link Layer, (Transmitter ID)
//	pcieport 0000:00:03.1:   device [1022:1453] error status/mask=00001000/00006000
//	pcieport 0000:00:03.1:    [12] Timeout
//
// One event keeps the errors with the severity (and the vendor id with the device).

// aerDevice returns the "pcieport 0000:00:03.1: " prefix of an AER severity line, or "".
func aerDevice(body string) string {
	t := sinceBoot(body)
	if len(t) < 40 || t[0] < 'a' || t[0] > 'z' {
		return "" // a driver's name comes first: "pcieport", "nvidia", "mlx5_core"
	}
	i := strings.Index(t, ": PCIe Bus Error: severity=")
	if i <= 0 {
		return ""
	}
	return t[:i+2]
}

// aerAwaitSeverity is group.msg of an AER report opened by its header, whose severity line is
// still to come.
const aerAwaitSeverity = 1

// aerReceived reads the header the root port's AER driver prints above a report (kernels since
// 4.x: "pcieport 0000:00:1c.5: AER: Corrected error received: 0000:00:1c.5", "... AER: Multiple
// Uncorrected (Non-Fatal) error received: 0000:3b:00.0"; since 6.x "AER: Uncorrectable
// (Non-Fatal) error message received from 0000:80:1b.4"): the port's prefix ("pcieport
// 0000:00:1c.5: "; the lines under it say "AER: " too since 5.x, or not), or "" for another
// line. The severity line under it has that prefix when the port itself reported the error.
func aerReceived(body string) string {
	t := sinceBoot(body)
	i := strings.Index(t, ": AER: ")
	if i <= 0 || t[0] < 'a' || t[0] > 'z' {
		return ""
	}
	msg := t[i+len(": AER: "):]
	sep := " received: "
	j := strings.Index(msg, sep)
	if j < 0 {
		sep = " message received from " // kernels since 6.x
		j = strings.Index(msg, sep)
	}
	if j < 0 || !strings.Contains(msg[:j], "rror") {
		return ""
	}
	if source := strings.TrimSpace(msg[j+len(sep):]); source == "" || strings.IndexByte(source, ' ') >= 0 {
		return ""
	}
	return t[:i+len(": ")]
}

// aerAccept reports whether body is a line of the report the device prefix dev opened: the
// device's status, its error bits, and the header of the transaction that failed ("TLP Header:
// 34000000 00000052 ...", since 6.x under "AER: " where the severity line has none).
func aerAccept(body, dev string) bool {
	t := sinceBoot(body)
	rest, ok := strings.CutPrefix(t, dev)
	if !ok {
		if rest, ok = strings.CutPrefix(t, strings.TrimSuffix(dev, "AER: ")); !ok {
			return false
		}
	}
	rest = strings.TrimLeft(rest, " ")
	if r, isAER := strings.CutPrefix(rest, "AER:"); isAER {
		rest = strings.TrimLeft(r, " ")
	}
	return strings.HasPrefix(rest, "device [") || strings.HasPrefix(rest, "[") || strings.HasPrefix(rest, "TLP Header:") ||
		strings.HasPrefix(rest, "TLP Prefix:") || strings.HasPrefix(rest, "E2E TLP Prefix:")
}
