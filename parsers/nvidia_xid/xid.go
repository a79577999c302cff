// Package nvidia_xid parses the NVIDIA kernel driver's (NVRM) messages as they reach sluice from
// dmesg, the journal, syslog files or node agents: Xid errors with their code, GPU PCI bus id and
// process, looked up in a catalog that says what they mean and what to do; NVSwitch SXid errors;
// and the "GPU has fallen off the bus" family, with or without an Xid.
package nvidia_xid

import (
	"cmp"
	"strings"

	"github.com/tidwall/gjson"

	pu "github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// Parser parses NVRM kernel lines. It is safe for concurrent use; all it keeps is the GPUs'
// identities (identity.go).
type Parser struct {
	ids identities
}

// New returns the parser.
func New() *Parser { return &Parser{} }

// errorText gives an event at error level or above (an Xid, an SXid, a kernel module's error)
// its text as error.message, as every parser's error line has it: a search of error.message finds the Xid 79,
// not only the crash-dump note under it.
func errorText(ev *event.Event) {
	if ev.Has(event.FieldErrorMsg) {
		return
	}
	switch lv, _ := ev.GetString(event.FieldLogLevel); lv {
	case pu.Error, pu.Critical:
	default:
		return
	}
	var text string
	switch a, _ := ev.GetString(event.FieldEventAction); a {
	case ActionXid:
		text, _ = ev.GetString(FieldDetail)
	case ActionSXid:
		text, _ = ev.GetString(FieldSXidMessage)
	default:
		// another kernel report's error line (nvidia-drm's "*ERROR* ...", nvidia-peermem's
		// "ERROR ...", a PCIe port's fatal error): its text without the kernel's prefixes
		text, _ = ev.GetString(pu.FieldLogMessage)
	}
	if text != "" {
		ev.SetString(event.FieldErrorMsg, text)
	}
}

// Parse recognises a line holding "NVRM: " or "SXid (" and fills the gpu.* fields; a line
// naming a bus gets the UUID and serial number the driver printed for it earlier.
func (p *Parser) Parse(ev *event.Event) bool {
	if !p.parse(ev) {
		return false
	}
	ds, _ := ev.GetString(event.FieldDataset)
	if ds == DatasetKernel {
		if a, _ := ev.GetString(event.FieldEventAction); a == ActionPCIeAER {
			// a device's PCIe error: a GPU's when the driver announced that bus as one
			if bus, ok := ev.GetString(FieldPCIBusID); ok && p.ids.known(where(ev), bus) {
				ev.SetString(event.FieldDataset, pu.DatasetXid)
				ds = pu.DatasetXid
			} else {
				// another device's, or a port's whose device below is not known as a GPU
				ev.Delete(FieldPCIBusID)
				ev.Delete(FieldPCIePort)
			}
		}
	}
	errorText(ev)
	if ds == pu.DatasetXid {
		p.ids.track(ev)
		if pu.GPUDataset(ev) == pu.DatasetDriver && pu.Container(ev) != "" {
			// the driver container's (or vGPU manager's) copy of the kernel's lines, the dmesg
			// tail it prints when an install fails: its own lines, as its other kernel lines
			// are, not a second GPU event beside the host's kernel log
			ev.SetString(event.FieldDataset, pu.DatasetDriver)
		}
	}
	return true
}

func (p *Parser) parse(ev *event.Event) bool {
	msg := ev.Message()
	if len(msg) > 0 && msg[0] == '[' && fabric(ev, msg) {
		return true
	}
	if len(msg) > 0 && (msg[0] == 'I' || msg[0] == 'F') && imexBanner(ev, msg) {
		return true
	}
	if len(msg) > 1 && msg[0] == '{' && (msg[1] < '0' || msg[1] > '9') { // (not a firmware report's "{35}[Hardware Error]: ")
		// A JSON record is the kernel's line only as journald exports it, as its MESSAGE; any
		// other that quotes one (a GPU health agent reporting the Xid it saw) is the agent's
		// line, not a second Xid: the JSON parser reads it.
		if !strings.Contains(msg, `"MESSAGE"`) {
			return false
		}
		m := gjson.Get(msg, "MESSAGE")
		if m.Type != gjson.String || !gjson.Valid(msg) {
			return false
		}
		msg = m.Str
	}
	if i := lineStart(msg, "detected NVSwitch "); i >= 0 {
		// Fabric Manager's report of an NVSwitch error as the journal or syslog has it, without
		// its log file's header: the SXid's fields, and its level as the kernel's report of it
		if level := fabricSXid(ev, msg[i:], ""); ev.Has(FieldSXidCode) {
			ev.SetString(pu.FieldLogMessage, msg[i:])
			pu.Finish(ev, pu.DatasetOr(ev, pu.DatasetFabricManager), cmp.Or(level, pu.Warning))
			return true
		}
	}
	r, ok := record(msg)
	if !ok {
		return parseBody(ev, msg, "")
	}
	if !parseBody(ev, r.body, r.level) {
		return false
	}
	r.set(ev)
	return true
}

// parseBody reads a kernel line without the prefix of a kernel record; level is the kernel's
// level that prefix stated, "" without one.
func parseBody(ev *event.Event, msg, level string) bool {
	i, n := strings.Index(msg, "NVRM: "), len("NVRM: ")
	if i < 0 {
		i, n = nvrmFunc(msg), len("NVRM ")
	}
	if i >= 0 && strings.Contains(msg[:i], `="`) {
		// another program's record quoting the driver's line in a value (containerd relaying a
		// Kata guest's console: `level=debug msg="reading guest console" ... vmconsole="[
		// 13.253417] NVRM: ..."`): that program's, its own time and level
		return false
	}
	if i >= 0 {
		prefix(ev, msg[:i])
		if !nvrm(ev, msg[i+n:]) {
			return false
		}
		words, _ := ev.GetString(event.FieldLogLevel)
		if level == pu.Warning && (words == pu.Error || words == pu.Critical) {
			// the kernel's default level (4) for a line the driver printed without one (515's
			// nv_printf, talosctl dmesg and kmsg show it): the words' error stands
			level = ""
		}
		if a, _ := ev.GetString(event.FieldEventAction); (a == ActionNVRM || a == ActionIdentified) && level != "" {
			ev.SetString(event.FieldLogLevel, level) // the kernel's, not a guess from the words
			if a == ActionNVRM {
				if text, _ := ev.GetString(pu.FieldLogMessage); level == pu.Error || level == pu.Critical {
					ev.SetString(event.FieldErrorMsg, text)
				} else {
					ev.Delete(event.FieldErrorMsg)
				}
			}
		}
		return true
	}
	if i := strings.Index(msg, "SXid ("); i >= 0 {
		return sxid(ev, msg, i)
	}
	if i := lineStart(msg, "GSP task "); i >= 0 && strings.Contains(msg[i:], " @ pc:") {
		// the line of a GSP crash report that says what failed ("GSP task watchdog timeout @
		// pc:0x1a0d060, partition:4#0, task:3"), which the driver prints without NVRM's prefix
		ev.SetString(pu.FieldLogMessage, msg[i:])
		ev.SetString(event.FieldEventAction, ActionNVRM)
		pu.Finish(ev, pu.DatasetXid, pu.Error)
		return true
	}
	if i := strings.Index(msg, "nv_mem "); i >= 0 && module(ev, msg, i) {
		return true
	}
	if i := strings.Index(msg, "nv_peer_mem: "); i >= 0 && module(ev, msg, i) {
		return true
	}
	if i := strings.Index(msg, "[drm] Initialized nvidia-drm "); i >= 0 && kernelPrefix(msg[:i]) {
		// the DRM core's line for nvidia-drm's device: "[drm] Initialized nvidia-drm 0.0.0
		// 20160202 for 0000:02:00.0 on minor 1"
		prefix(ev, msg[:i])
		if id := BusID(msg[i:]); id != "" {
			ev.SetString(FieldPCIBusID, id)
		}
		ev.SetString(event.FieldLogLogger, "nvidia-drm")
		ev.SetString(event.FieldEventAction, ActionModule)
		pu.Finish(ev, pu.DatasetXid, pu.Info)
		return true
	}
	if i := strings.Index(msg, "[nvidia-drm] "); i >= 0 && drmLine(ev, msg, i) {
		return true
	}
	// The module name is usually the first "nvidia" of the line, but a host can be named so.
	for off, tries := 0, 0; tries < 3; tries++ {
		i := strings.Index(msg[off:], "nvidia")
		if i < 0 {
			break
		}
		if module(ev, msg, off+i) {
			return true
		}
		off += i + len("nvidia")
	}
	return kernel(ev, msg, level)
}

// drmLine reads nvidia-drm's own messages, tagged "[nvidia-drm]" after the DRM core's prefix
// (i is where the tag starts): "[drm] [nvidia-drm] [GPU ID 0x00000200] Loading driver", and a
// DRM_ERROR with its function and module: "[drm:__nv_drm_nvkms_gem_obj_init [nvidia_drm]]
// *ERROR* [nvidia-drm] [GPU ID 0x00000200] Failed to get memory pages for ...".
func drmLine(ev *event.Event, msg string, i int) bool {
	j := strings.LastIndex(msg[:i], "[drm")
	if j < 0 || !kernelPrefix(msg[:j]) || !strings.HasPrefix(msg[j:], "[drm] ") && !strings.HasPrefix(msg[j:], "[drm:") {
		return false
	}
	prefix(ev, msg[:j])
	level := pu.Guess(msg[i+len("[nvidia-drm] "):])
	if strings.Contains(msg[j:i], "*ERROR*") {
		level = pu.Error
		ev.SetString(event.FieldErrorMsg, strings.TrimSpace(msg[i+len("[nvidia-drm] "):]))
	}
	ev.SetString(event.FieldLogLogger, "nvidia-drm")
	ev.SetString(event.FieldEventAction, ActionModule)
	pu.Finish(ev, pu.DatasetXid, level)
	return true
}

// nvrmFunc returns where "NVRM <function>: " starts msg's kernel text, -1 when it does not: the
// open kernel modules of 515 to 535 wrote the function after NVRM without a colon ("NVRM
// nvAssertFailedNoLog: Assertion failed: 0 @ osapi.c:1688", "NVRM kgspWaitForGfwBootOk_TU102:
// failed to wait for GFW_BOOT").
func nvrmFunc(msg string) int {
	i := strings.Index(msg, "NVRM ")
	if i < 0 || !kernelPrefix(msg[:i]) {
		return -1
	}
	fn, _, ok := strings.Cut(msg[i+len("NVRM "):min(len(msg), i+80)], ": ")
	if !ok || fn == "" {
		return -1
	}
	for j := 0; j < len(fn); j++ {
		if c := fn[j]; !(c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return -1
		}
	}
	return i
}

// lineStart returns where text starts msg's message: at its start, or after a log prefix's ": "
// (a syslog header that no frame removed); -1 when it does not.
func lineStart(msg, text string) int {
	i := strings.Index(msg, text)
	if i == 0 || i >= 2 && msg[i-2:i] == ": " {
		return i
	}
	return -1
}

// modules are the NVIDIA kernel modules that log under their own name rather than NVRM.
var modules = [...]string{"nvidia-uvm", "nvidia-nvlink", "nvidia-modeset", "nvidia-drm", "nvidia-peermem", "nvidia-fs", "nvidia_fs", "nvidia-nvswitch",
	// the module loader names a module as it is built, with '_': "nvidia_peermem: Unknown symbol
	// ib_register_peer_memory_client (err -22)" (GPUDirect RDMA against the wrong RDMA core)
	"nvidia_peermem", "nvidia_uvm", "nvidia_modeset", "nvidia_drm",
	// Mellanox's nv_peer_mem, nvidia-peermem's predecessor for GPUDirect RDMA: "nv_mem
	// nv_get_p2p_free_callback:155 nv_get_p2p_free_callback -- invalid dma_mapping", and its
	// module's name as the loader gives it ("nv_peer_mem: Unknown symbol ib_register_peer_memory_client")
	"nv_mem", "nv_peer_mem"}

// module reads a kernel line from another NVIDIA module ("nvidia-uvm: Loaded the UVM driver",
// "nvidia 0000:3b:00.0: enabling device") when what precedes it is a kernel log prefix, so
// that a process merely naming nvidia-smi is not taken.
func module(ev *event.Event, msg string, i int) bool {
	before, rest := msg[:i], msg[i:]
	name := ""
	nameLen := 0
	for _, m := range modules {
		// "nvidia-uvm: ..."; nvidia-peermem writes its function next, without a colon:
		// "nvidia-peermem nv_get_p2p_free_callback:127 ERROR detected invalid context";
		// nvidia-nvswitch names its device: "nvidia-nvswitch5: open (major=510)".
		after, found := strings.CutPrefix(rest, m)
		if !found {
			continue
		}
		n := len(m)
		if m == "nvidia-nvswitch" {
			for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
				n++
			}
			after = rest[n:]
		}
		// GPUDirect Storage's module names its function after a colon: "nvidia-fs:nvfs_pin_gpu_pages:1383 ..."
		fsFunc := (m == "nvidia-fs" || m == "nvidia_fs") && len(after) > 1 && after[0] == ':' && after[1] != ' '
		if strings.HasPrefix(after, ": ") || strings.HasPrefix(after, " ") && len(after) > 1 && after[1] != ' ' || fsFunc {
			name, nameLen = m, n
			break
		}
	}
	if name == "" && (strings.HasPrefix(rest, "nvidia 000") || strings.HasPrefix(rest, "nvidia: probe of ")) {
		// the PCI core about the nvidia driver and a device: "nvidia 0000:3b:00.0: enabling
		// device", and the driver's probe that failed on a GPU that fell off the bus: "nvidia:
		// probe of 0000:5d:00.0 failed with error -1"
		name, nameLen = "nvidia", len("nvidia")
	}
	if name == "" && strings.HasPrefix(rest, "nvidia: ") && moduleLoaderLine(rest[len("nvidia: "):]) {
		// the module loader about the driver ("nvidia: module verification failed: signature
		// and/or required key missing - tainting kernel", "nvidia: module license 'NVIDIA'
		// taints kernel."): on a Secure Boot node the one trace of why it did not load
		name, nameLen = "nvidia", len("nvidia")
	}
	if name == "" && strings.HasPrefix(rest, "nvidia-gpu 000") {
		// i2c-nvidia-gpu, the driver of a GPU board's USB-C controller, a function of the GPU's
		// device: "nvidia-gpu 0000:09:00.3: i2c timeout error ffffffff" as the GPU falls off the bus
		name, nameLen = "nvidia-gpu", len("nvidia-gpu")
	}
	if name == "" || !kernelPrefix(before) {
		return false
	}
	if name == "nvidia" || name == "nvidia-gpu" || name == "nvidia-nvswitch" {
		// the device a line names: a GPU, or an NVSwitch's ("nvidia-nvswitch: Probing device
		// 0000:08:00.0, Vendor Id = 0x10de, ...")
		if id := BusID(rest); id != "" {
			ev.SetString(FieldPCIBusID, id)
		}
	}
	prefix(ev, before)
	ev.SetString(event.FieldLogLogger, name)
	if nameLen > len(name) {
		ev.SetString(FieldNVSwitch, rest[:nameLen])
	}
	// The level word a module leads its text with ("nvidia-modeset: WARNING: GPU:0: Unable to
	// read EDID") wins over the words after it.
	text := strings.TrimLeft(rest[nameLen:], ": ")
	action, level := ActionModule, pu.Guess(text)
	if lv, known := reportLevel(rest); known {
		level = lv // the level the kernel prints the module loader's lines at
	}
	switch {
	case strings.HasPrefix(text, "Unknown symbol ") || strings.HasPrefix(text, "disagrees about version of symbol "):
		level = pu.Warning // the module loader's pr_warn: the module does not load
	case strings.HasPrefix(text, "module using GPL-only symbols uses symbols "):
		level = pu.Error // the module loader's pr_err: it refuses the module (nvidia_fs against a proprietary nvidia)
	case name == "nv_mem" && strings.Contains(text, "invalid"):
		level = pu.Error // nv_peer_mem's failure to release a peer mapping
	case strings.Contains(text, "[IO_PAGE_FAULT "):
		level = pu.Error // the IOMMU refused the GPU's DMA (AMD-Vi's dev_err), beside an Xid 109
	case strings.Contains(text, "not ready ") && strings.HasSuffix(text, "; giving up"):
		// the PCI core gave up on a GPU that did not come back after a resume or reset
		// (pci_warn: "not ready 65535ms after resume; giving up"), before its RmInitAdapter fails
		level = pu.Warning
	}
	if lv, ok := aer(rest); ok {
		action, level = ActionPCIeAER, lv
	}
	if (level == pu.Error || level == pu.Critical) && strings.TrimSpace(text) != "" {
		ev.SetString(event.FieldErrorMsg, strings.TrimSpace(text)) // (its module's name in log.logger)
	}
	ev.SetString(event.FieldEventAction, action)
	pu.Finish(ev, pu.DatasetXid, level)
	return true
}

// moduleLoaderLine reports whether text (after "<module>: ") is the kernel module loader's.
func moduleLoaderLine(text string) bool {
	return strings.HasPrefix(text, "module verification failed: ") || strings.HasPrefix(text, "module license ") ||
		strings.HasPrefix(text, "loading out-of-tree module taints kernel") || strings.HasPrefix(text, "Unknown symbol ") ||
		strings.HasPrefix(text, "disagrees about version of symbol ") || strings.HasPrefix(text, "module using GPL-only symbols ") ||
		strings.HasPrefix(text, "version magic '") && strings.Contains(text, "' should be '")
}

// kernelPrefix reports whether s is what a kernel message can be preceded by: nothing, a dmesg
// stamp, a syslog/journal prefix ending in "kernel: ..." , or the header of a /dev/kmsg record
// ("6,3973,227996636,-;").
func kernelPrefix(s string) bool {
	s = strings.TrimSpace(s)
	if len(s) > 3 && s[0] == '[' && s[1] >= 'A' && s[1] <= 'Z' && s[2] == ' ' {
		return false // a record's level letter (Jupyter's "[D 2023-08-25 ... ServerApp] Starting kernel: ...")
	}
	return s == "" || s[0] == '[' && s[len(s)-1] == ']' || strings.Contains(s, "kernel: ") || strings.HasSuffix(s, "kernel:") ||
		kmsgHeader(s) == len(s)
}

// kmsgHeader returns the length of the header of a /dev/kmsg record at the start of s
// ("priority,sequence,microseconds,flags;"), or 0 when s does not start with one.
func kmsgHeader(s string) int {
	semi := strings.IndexByte(s[:min(len(s), 48)], ';')
	if semi < 7 {
		return 0
	}
	h := s[:semi] // "6,3964,206764307,-": three numbers, then flags
	for range 3 {
		field, rest, ok := strings.Cut(h, ",")
		if !ok || !pu.AllDigits(field) {
			return 0
		}
		h = rest
	}
	return semi + 1
}

func nvrm(ev *event.Event, body string) bool {
	switch {
	case strings.HasPrefix(body, "Xid ("):
		if xid(ev, body[len("Xid ("):]) {
			return true
		}
	case strings.Contains(body, "fallen off the bus") || strings.Contains(body, "lost from the bus"):
		if id := BusID(body); id != "" {
			ev.SetString(FieldPCIBusID, id)
		}
		ev.SetString(event.FieldEventAction, ActionFallenOffBus)
		// "GPU 0000:a1:00.0: GPU has fallen off the bus."; the message 570 and later wrap over
		// three lines, each with its own prefix, read without them
		ev.SetString(event.FieldErrorMsg, nvrmText(body))
		pu.Finish(ev, pu.DatasetXid, pu.Critical)
		return true
	case strings.HasPrefix(body, "GPU at PCI:") || strings.HasPrefix(body, "GPU at 0000:") && strings.Contains(body, ": GPU-"):
		// (NVIDIA's Xid documentation shows it without "PCI:": "GPU at 0000:03:00: GPU-<uuid>")
		rest := strings.TrimPrefix(body[len("GPU at "):], "PCI:")
		if j := strings.Index(rest, ": "); j > 0 {
			ev.SetString(FieldPCIBusID, pciID(rest[:j]))
			// a GPU-<uuid>, not a paste's stand-in ("GPU-UID"), which the kubernetes processor
			// would join against the DCGM exporter's GPUs
			if u := strings.TrimSpace(rest[j+2:]); strings.HasPrefix(u, "GPU-") && pu.IsUUID(u[4:]) {
				ev.SetString(FieldUUID, u)
			}
		}
		ev.SetString(event.FieldEventAction, ActionIdentified)
		pu.Finish(ev, pu.DatasetXid, pu.Info)
		return true
	case strings.HasPrefix(body, "GPU Board Serial Number: ") && strings.TrimSpace(body[len("GPU Board Serial Number: "):]) != "":
		// (a board without one, a consumer card's, prints it empty, a driver's line like any, or
		// "0": no serial, lest every GeForce of every node be one board)
		if sn := strings.TrimSpace(body[len("GPU Board Serial Number: "):]); sn != "0" {
			ev.SetString(FieldSerial, sn)
		}
		ev.SetString(event.FieldEventAction, ActionIdentified)
		pu.Finish(ev, pu.DatasetXid, pu.Info)
		return true
	}
	// "GPU 0000:a1:00.0: RmInitAdapter failed!", "Rate limiting GSP RPC error prints for GPU at
	// PCI:0000:61:00", "The NVIDIA GPU 0000:b3:00.0": the GPU the line is about.
	if id := BusID(body); id != "" {
		ev.SetString(FieldPCIBusID, id)
	}
	// "GPU 0000:91:00.0: GPU serial number is 1653723052734.", under a GPU that fell off the bus
	if _, serial, ok := strings.Cut(body, ": GPU serial number is "); ok {
		if serial = strings.TrimRight(strings.TrimSpace(serial), "."); serial != "" && !strings.ContainsAny(serial, " \n") {
			ev.SetString(FieldSerial, serial)
		}
	}
	ev.SetString(event.FieldEventAction, ActionNVRM)
	lv := nvrmLevel(strings.TrimSpace(body))
	text := nvrmText(body)
	if lv != pu.Error && lv != pu.Critical && strings.Contains(text, "\n") {
		// the message read whole, wherever its driver (or dmesg) broke its lines: "...
		// installed in this system", then "is not supported by the NVIDIA 580.126.09 driver
		// release."
		if whole := nvrmLevel(strings.ReplaceAll(text, "\n", " ")); whole == pu.Error || whole == pu.Critical {
			lv = whole
		}
	}
	ev.SetString(pu.FieldLogMessage, text)
	if lv == pu.Error || lv == pu.Critical {
		ev.SetString(event.FieldErrorMsg, text)
	}
	pu.Finish(ev, pu.DatasetXid, lv)
	return true
}

// nvrmText is the message of an NVRM line: its text after "NVRM: ", and that of the lines the
// driver continued it on (each with its own prefix, "NVRM: BAR1 is 0M @ 0x0 (PCI:0000:13:00.0)"),
// also where rsyslog wrote their line breaks as "#012".
func nvrmText(body string) string {
	body = strings.ReplaceAll(body, "#012", "\n")
	first, rest, more := strings.Cut(strings.TrimRight(body, "\n "), "\n")
	if !more {
		return strings.TrimSpace(first)
	}
	var b strings.Builder
	b.WriteString(strings.TrimSpace(first))
	for line := range strings.SplitSeq(rest, "\n") {
		if k := strings.Index(line[:min(len(line), 48)], "NVRM: "); k >= 0 {
			line = line[k+len("NVRM: "):]
		}
		if line = strings.TrimSpace(line); line != "" {
			b.WriteByte('\n')
			b.WriteString(line)
		}
	}
	return b.String()
}

// nvrmLevel is the level of another NVRM line: its words, but a GPU that no longer answers and a
// driver whose user-space half does not match it are errors whatever the words.
func nvrmLevel(body string) string {
	if strings.Contains(body, "is currently unavailable") || strings.HasPrefix(body, "API mismatch") ||
		strings.Contains(body, "needs to be reset") || strings.Contains(body, "need to be reset") ||
		strings.Contains(body, " GSP-CrashCat Report ") ||
		// the driver finds no GPU on the bus and fails its load (NV_DBG_ERRORS, -ENODEV): the
		// node's "nvidia.com/gpu: 0"
		strings.HasSuffix(body, "No NVIDIA GPU found.") || strings.HasPrefix(body, "None of the NVIDIA devices") ||
		// a GPU the driver refuses: a BAR the BIOS left unassigned, a GPU the open modules do not
		// support ("... is not supported by open\nNVRM: nvidia.ko because ...")
		strings.Contains(body, "assigned to your NVIDIA device is invalid") || strings.Contains(body, "BIOS may have misconfigured your GPU") ||
		strings.Contains(body, "is not supported by open") ||
		// the proprietary module refusing a GPU only the open one drives (560 and later, a
		// Blackwell's): every GPU of the node fails to start
		strings.Contains(body, "requires use of the NVIDIA open kernel modules") ||
		// a GPU the driver release no longer supports (print_unsupported, NV_DBG_ERRORS: "The
		// NVIDIA GPU 0000:01:00.0 (PCI ID: 10de:17f0)\nNVRM: installed in this system is not
		// supported by the\nNVRM: NVIDIA 465.31 driver release."), a Maxwell's or Pascal's after
		// an upgrade; and the open modules refusing a GeForce before 560 ("Open nvidia.ko is
		// only ready for use on Data Center GPUs.")
		strings.Contains(body, "installed in this system is not supported by the") ||
		// a GPU in MIG mode with no GPU instance made (kchannelConstruct_IMPL, LEVEL_ERROR): every
		// CUDA context on it is refused, a MIG reconfiguration left half done
		strings.Contains(body, "Channel allocation not allowed when MIG is enabled without GPU instancing") ||
		strings.Contains(body, "Open nvidia.ko is only ready for use on Data Center GPUs") ||
		// the GSP firmware stops answering (the banner _kgspLogRpcTimeout prints before Xid 119,
		// the heartbeat check, the thread timeout): the GPU hangs
		strings.Contains(body, "GSP Timeout") || strings.Contains(body, "Heartbeat timed out") ||
		strings.Contains(body, "_threadNodeCheckTimeout") || strings.Contains(body, "timed out") || strings.Contains(body, "Timed out") || strings.Contains(body, "timedout") ||
		// the GSP that would not boot, and memory the GPU cannot reach through the IOMMU
		strings.Contains(body, "GSP-RM boot attempts exceeded") || strings.Contains(body, "is not addressable by GPU") ||
		// the GSP reports its PMU halted: the GPU is marked for reset (kernel_gsp.c, LEVEL_ERROR)
		strings.Contains(body, "PMU has halted") ||
		// a suspend the driver refuses (NV_DBG_ERRORS): PreserveVideoMemoryAllocations set
		// without nvidia-suspend.service's procfs interface; the node's suspend or hibernation
		// then fails
		strings.Contains(body, "System Power Management attempted without driver procfs suspend interface") ||
		// a GPU whose init failed, on its way out: mappings its IOVA space still held
		// (io_vaspace.c), and the VBIOS the FWSEC boot could not patch (kernel_gsp_frts_tu102.c,
		// LEVEL_ERROR, the cause RmInitAdapter failed names not)
		strings.Contains(body, " left-over mappings in IOVAS ") || strings.Contains(body, "s_vbiosPatchInterfaceData: ") ||
		strings.Contains(body, "_TU102: (note: VBIOS version ") ||
		// the robust-channel watchdog finding the GPU hung ("krcWatchdog_IMPL: RC watchdog: GPU is
		// probably locked!", LEVEL_ERROR), and a mapping without room in the GPU's address space
		// ("dmaAllocMapping_GM107: can't alloc VA space for mapping.", LEVEL_ERROR)
		strings.Contains(body, "GPU is probably locked") || strings.Contains(body, "can't alloc VA space") ||
		// the driver saved a crash dump of a GPU that failed (NV_DBG_ERRORS) and asks for
		// nvidia-bug-report.sh before the module is unloaded: before the node is rebooted
		strings.HasPrefix(body, "A GPU crash dump has been created") ||
		// another driver (nouveau, vfio-pci, a driver_override) holds the GPUs, NV_DBG_ERRORS:
		// the node's nvidia.com/gpu is 0
		strings.HasPrefix(body, "The NVIDIA probe routine was not called for ") || strings.HasPrefix(body, "No NVIDIA devices probed") ||
		// the older drivers' words for the same: no GPU initialised, none probed or found
		strings.HasPrefix(body, "None of the NVIDIA graphics adapters were initialized") ||
		strings.HasPrefix(body, "No NVIDIA graphics adapter probed") || strings.HasPrefix(body, "No NVIDIA graphics adapter found") ||
		// the driver refusing a GPU whose 64-bit BAR the bridge above it cannot map (NV_DBG_ERRORS,
		// before "nvidia: probe of ... failed with error -1")
		strings.HasPrefix(body, "This is a 64-bit BAR mapped above 4GB") ||
		// the GSP firmware file for this driver's version is missing (RmFetchGspRmImages,
		// LEVEL_ERROR): the cause "RmInitAdapter failed!" after it does not name; and the PCI
		// handle of a GPU gone from the bus (os_pci_init_handle, NV_DBG_ERRORS)
		strings.Contains(body, "No firmware image found") || strings.Contains(body, "os_pci_init_handle: invalid context") ||
		// the GSP's RISC-V core dumped after it failed (kflcnCoreDumpDestructive, LEVEL_ERROR
		// every line: "ICD: Core is booted.", its registers, "ICD: unwind complete.")
		ICDLine(body) != "" ||
		// an RPC event from the GSP the driver could not take its lock for, while the GPU
		// boots or wakes (LEVEL_ERROR, then an assertion, in kernel_gsp.c): the first line of a
		// GSP heartbeat failure's sequence
		strings.Contains(body, "_kgspProcessRpcEvent: Attempted to process RPC event") {
		return pu.Error // the GSP firmware's crash report opens at LEVEL_ERROR (kernel_gsp.c)
	}
	if strings.HasPrefix(body, "Persistence mode is deprecated") ||
		// the driver asked to sleep where it may not (os_schedule in atomic context): a driver bug's
		// symptom, before a hang or a kernel warning
		strings.Contains(body, "Attempted to yield the CPU while in atomic or interrupt context") {
		return pu.Warning
	}
	return pu.Guess(body)
}

// xid reads "PCI:0000:3b:00): 79, pid=1234, name=python, text" (the part after "Xid (").
func xid(ev *event.Event, s string) bool {
	bus, code, rest, gi, ok := head(s)
	if !ok {
		return false
	}
	ev.SetString(event.FieldEventAction, ActionXid)
	if strings.Trim(bus, ".") != "" {
		ev.SetString(FieldPCIBusID, bus) // (a paste may hide it: "Xid (PCI:...)")
	}
	if n, ok := pu.Atoi(gi); ok {
		ev.Set(FieldMIGInstance, event.Int(n))
	}
	named := false // process.name is the GPU's process the line names, or absent
	if v, r, ok := attr(rest, "pid="); ok {
		if pid, ok := pu.Atoi(v); ok && pid > 0 { // pid 0: in no process's context
			ev.Set(event.FieldProcessPID, event.Int(pid))
		}
		rest = r
	}
	if v, r, ok := attr(rest, "name="); ok {
		if v != "" && v != "<unknown>" {
			ev.SetString(event.FieldProcessName, v)
			named = true
		}
		rest = r
	}
	if !named {
		// The syslog frame's "kernel" wrote the line; it is no GPU process (a "processes hit
		// by Xids" table would rank it first): old drivers, pid='N/A', pid=0, a pid alone.
		if name, _ := ev.GetString(event.FieldProcessName); name == "kernel" {
			ev.Delete(event.FieldProcessName)
		}
	}
	if rest = strings.TrimRight(rest, " \t"); strings.IndexByte(rest, '\n') >= 0 {
		// the lines the driver continued the report on (a GSP exception's dump), without the
		// kernel's time and "NVRM: " each repeats
		rest = nvrmText(rest)
	}
	if rest != "" {
		ev.SetString(FieldDetail, rest) // (without the padding a copy left after it)
	}
	level := Annotate(ev, code)
	switch {
	case code == 154:
		level = recovery(ev, rest)
	case code >= 144 && code <= 150:
		level = nvlink5(rest, level)
	case code == 45:
		previousCause(ev, rest)
	}
	pu.Finish(ev, pu.DatasetXid, level)
	return true
}

// previousCause gives an Xid 45 that names the Xid it cleans up after ("Ch 00000001 caused by
// previous Xid 149", drivers 570 and later) that Xid's cause: the context was torn down for
// an NVLink or memory fault, not by its application.
func previousCause(ev *event.Event, rest string) {
	_, prev, ok := strings.Cut(rest, "caused by previous Xid ")
	if !ok {
		return
	}
	n := 0
	for n < len(prev) && prev[n] >= '0' && prev[n] <= '9' {
		n++
	}
	if code, ok := pu.Atoi(prev[:n]); ok && code != 45 {
		if e, ok := Lookup(int(code)); ok {
			ev.SetString(FieldCause, e.Cause)
		}
	}
}

// nvlink5 returns the level of an NVLink5 Xid (144 to 150, Blackwell), whose text names the
// unit that failed and then whether the error was fatal: "NETIR_LINK_EVT  Fatal   XC0 i0 Link 01
// (0x...)", "RLW_REMAP Nonfatal XC0 i0 Link 02". A fatal one took the link down; a non-fatal one
// was corrected.
func nvlink5(rest, level string) string {
	f := strings.Fields(rest[:min(len(rest), 64)])
	for _, w := range f[:min(len(f), 3)] {
		switch strings.ToLower(w) {
		case "fatal":
			return pu.Critical
		case "nonfatal", "non-fatal":
			return pu.Warning
		}
	}
	return level
}

// head reads "PCI:0000:3b:00): 79, rest" (what follows "Xid (" or "SXid ("): the bus id in
// lowercase, the code, and the text after the code. On a MIG GPU the driver names the GPU
// instance after the bus ("PCI:0000:01:00 GPU-I:05"): gi is that instance, else "".
func head(s string) (bus string, code int64, rest, gi string, ok bool) {
	end := strings.Index(s, "): ")
	if end <= 0 {
		return "", 0, "", "", false
	}
	bus = strings.TrimPrefix(s[:end], "PCI:")
	if sp := strings.IndexByte(bus, ' '); sp > 0 {
		for _, f := range strings.Fields(bus[sp:]) {
			if v, found := strings.CutPrefix(f, "GPU-I:"); found {
				gi = v
			}
		}
		bus = bus[:sp]
	}
	bus = pciID(bus)
	s = s[end+3:]
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	code, ok = pu.Atoi(s[:n])
	if !ok || code > 1<<20 {
		return "", 0, "", "", false
	}
	return bus, code, strings.TrimLeft(s[n:], ", "), gi, true
}

// Annotate sets gpu.xid.code and the catalog entry of code (name, description, cause, action)
// on ev and returns the level the Xid deserves. Other parsers that see an Xid code (the device
// plugin's health checks, DCGM) use it so that every Xid reads the same in Kibana.
func Annotate(ev *event.Event, code int64) string {
	ev.Set(FieldCode, event.Int(code))
	e, ok := Lookup(int(code))
	if !ok {
		return pu.Error
	}
	ev.SetString(FieldName, e.Name)
	ev.SetString(FieldDescription, e.Description)
	ev.SetString(FieldCause, e.Cause)
	ev.SetString(FieldAction, e.Action)
	return e.Level
}

// attr reads "key=value, rest" and returns value (quotes removed) and rest.
func attr(s, key string) (val, rest string, ok bool) {
	s = strings.TrimLeft(s, " ") // (a copy that aligned its columns: "pid=8494,   name=RenderThread")
	if !strings.HasPrefix(s, key) {
		return "", s, false
	}
	s = s[len(key):]
	if j := strings.Index(s, ", "); j >= 0 {
		val, rest = s[:j], s[j+2:]
	} else {
		val, rest = strings.TrimRight(s, ","), ""
	}
	return strings.Trim(val, "'"), rest, true
}

// recovery reads the new action of Xid 154, "GPU recovery action changed from 0x0 (None) to 0x1
// (GPU Reset Required)", and returns the level it deserves: anything but None needs a person.
func recovery(ev *event.Event, s string) string {
	i := strings.LastIndex(s, " to ")
	if i < 0 {
		return pu.Critical
	}
	t := s[i+4:]
	a, b := strings.IndexByte(t, '('), strings.LastIndexByte(t, ')')
	if a < 0 || b <= a {
		return pu.Critical
	}
	action := t[a+1 : b]
	ev.SetString(FieldRecoveryAction, action)
	if action == "None" {
		return pu.Info
	}
	return pu.Critical
}

// sxid reads "nvidia-nvswitch3: SXid (PCI:0000:c3:00.0): 12028, Non-fatal, Link 46 ..." where i
// is the index of "SXid (".
func sxid(ev *event.Event, msg string, i int) bool {
	before := strings.TrimRight(msg[:i], " ")
	bus, code, rest, _, ok := head(msg[i+len("SXid ("):])
	if !ok {
		return false
	}
	if strings.HasSuffix(before, ":") {
		sw := before[:len(before)-1]
		if j := strings.LastIndexByte(sw, ' '); j >= 0 {
			prefix(ev, sw[:j+1])
			sw = sw[j+1:]
		}
		if strings.HasPrefix(sw, "nvidia-nvswitch") {
			ev.SetString(FieldNVSwitch, sw)
		}
	}
	ev.SetString(event.FieldEventAction, ActionSXid)
	ev.Set(FieldSXidCode, event.Int(code))
	ev.SetString(FieldPCIBusID, bus)
	// The severity is on the report's second line: "..., 22013, Non-fatal, Link 44 ..." (the
	// parse processor joins a report's lines); the third states it as a number (the driver's
	// NVSWITCH_ERROR_SEVERITY_FATAL is 1, _NONFATAL 0), which a report whose lines another
	// switch's interleaved still says.
	key := msg[i : len(msg)-len(rest)] // "SXid (PCI:0000:04:00.0): 22013, "
	states := func(w string) bool { return strings.HasPrefix(rest, w) || strings.Contains(rest, key+w) }
	level := pu.Error
	switch {
	case states("Non-fatal"), states("Severity 0 "):
		ev.SetString(FieldSXidSeverity, "non-fatal")
		level = pu.Warning
	case states("Fatal"), states("Severity 1 "):
		ev.SetString(FieldSXidSeverity, "fatal")
		level = pu.Critical
	}
	if rest != "" {
		ev.SetString(FieldSXidMessage, sxidText(rest, key))
	}
	pu.Finish(ev, pu.DatasetXid, level)
	return true
}

// sxidText is what the driver logged after the SXid code on each line of a report the parse
// processor joined: a later line's dmesg time and its repeated "nvidia-nvswitch3: SXid
// (PCI:...): 22013, " go. A line of another report (another switch's, interleaved) stays whole.
func sxidText(rest, key string) string {
	if !strings.Contains(rest, "\n") {
		return rest
	}
	var b strings.Builder
	for n, line := range strings.Split(rest, "\n") {
		if n > 0 {
			b.WriteByte('\n')
			if t, ok := uptime(line); ok {
				line = t
			}
			if k := strings.Index(line, key); k >= 0 {
				line = line[k+len(key):]
			}
		}
		b.WriteString(line)
	}
	return b.String()
}

// DevicePluginXid reads the line the device plugin logs when NVML reports an Xid on a device:
// "XidCriticalError: Xid=79 on Device=GPU-...; marking device as unhealthy." (klog, v0.12 and
// later), "XidCriticalError: Xid=69 on Device=GPU-..., the device will go unhealthy." (Go's
// standard log, before), and sets the Xid's catalog entry and the GPU's UUID. The level is at
// least warning: the plugin takes the GPU out of the node's allocatable resources.
func DevicePluginXid(ev *event.Event, s string) (level string, ok bool) {
	rest, ok := strings.CutPrefix(s, "XidCriticalError: Xid=")
	if !ok {
		return "", false
	}
	n := 0
	for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
		n++
	}
	code, ok := pu.Atoi(rest[:n])
	if !ok {
		return "", false
	}
	level = Annotate(ev, code)
	if dev, ok := strings.CutPrefix(rest[n:], " on Device="); ok {
		if i := strings.IndexAny(dev, ";, "); i > 0 {
			ev.SetString(FieldUUID, physicalUUID(dev[:i]))
		}
	}
	if level == pu.Info || level == pu.Warning || level == pu.Error {
		level = pu.Warning
	}
	return level, true
}

// DevicePluginUnhealthy reads the device plugin's "'nvidia.com/gpu' device marked unhealthy:
// GPU-7540a9b3-..." that follows its Xid line, and sets the GPU's UUID, so that the two are
// found together.
func DevicePluginUnhealthy(ev *event.Event, s string) bool {
	_, rest, ok := strings.Cut(s, "device marked unhealthy: ")
	if !ok || !strings.HasPrefix(rest, "GPU-") {
		return false
	}
	uuid, _, _ := strings.Cut(rest, " ")
	ev.SetString(FieldUUID, physicalUUID(strings.TrimRight(uuid, ".,;")))
	return true
}

// physicalUUID returns the GPU's UUID without the replica number the device plugin appends to
// each shared copy of a GPU when it time-slices it ("GPU-7b3c...::3"): the kernel's Xid, DCGM
// and the toolkit name the GPU by its UUID alone, and one search should find them all.
func physicalUUID(id string) string {
	if i := strings.Index(id, "::"); i > 0 && pu.AllDigits(id[i+2:]) {
		return id[:i]
	}
	return id
}

// pciID normalises a PCI address the way the Xid lines write it, domain:bus:device in lowercase
// (0000:3b:00), dropping a function number (.0) where another line added one, so that one GPU
// has one gpu.pci_bus_id across Xid, fallen-off-the-bus and identification lines.
func pciID(s string) string {
	if n := len(s); n > 2 && s[n-2] == '.' {
		s = s[:n-2]
	}
	return lowerHex(s)
}

// lowerHex returns s in lowercase, allocating only when it has upper-case letters.
func lowerHex(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 'A' && s[i] <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

// BusID returns the first PCI address "dddd:bb:dd[.f]" in s as gpu.pci_bus_id holds it
// (0000:3b:00), or "".
func BusID(s string) string {
	for i := 4; i+6 <= len(s); i++ {
		if s[i] != ':' || s[i+3] != ':' || !hex(s[i-4:i]) || !hex(s[i+1:i+3]) || !hex(s[i+4:i+6]) {
			continue
		}
		if i > 4 && isHexByte(s[i-5]) {
			// nvidia-smi and Fabric Manager write the domain with eight digits: 00000000:86:00.0
			if i < 8 || s[i-8:i-4] != "0000" || i > 8 && isHexByte(s[i-9]) {
				continue
			}
		}
		end := i + 6
		if i > 5 && s[i-5] == ':' && isHexByte(s[i-6]) || end < len(s) && isHexByte(s[end]) {
			// inside an IPv6 address ("dial tcp [2a03:2880:f10e:83:face:b00c:0:25de]:443", a
			// registry's), not a bus id
			continue
		}
		if end+1 < len(s) && s[end] == '.' && isHexByte(s[end+1]) {
			end += 2
		}
		return pciID(s[i-4 : end])
	}
	return ""
}

func hex(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isHexByte(s[i]) {
			return false
		}
	}
	return true
}

func isHexByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// OneGPU sets gpu.uuid to the GPU a GPU-stack component's line names ("GetDeviceSpecsByID()
// called for GPU-b200b200-...", "identified fabric clique UUID/ID (device 0/GPU-6328b923-...)"),
// or the MIG device ("Sending XID=43 health event for device MIG-f19df5ab-..."), when it names
// exactly one and the event has none yet: a line that lists several is about none of them alone.
// A bus id written beside the UUID ("GPU-... at 00000000:21:00.0") goes to gpu.pci_bus_id.
// The MIG names of drivers before R470 ("MIG-GPU-<uuid>/1/0") give none.
func OneGPU(ev *event.Event, s string) {
	if ev.Has(FieldUUID) {
		return
	}
	found, bus := "", ""
	for off := 0; ; {
		i := nextDevice(s, off)
		if i < 0 {
			break
		}
		off = i + 4
		if i > 0 && (isAlnum(s[i-1]) || s[i-1] == '-' && (s[i] == 'M' || !draDevice(s[:i]))) || len(s) < off+36 || !pu.IsUUID(s[off:off+36]) ||
			len(s) > off+36 && (isAlnum(s[off+36]) || s[off+36] == '-') {
			continue
		}
		id := s[i : off+36]
		if found != "" && found != id {
			return
		}
		found = id
		if at, ok := strings.CutPrefix(s[off+36:], " at "); ok && bus == "" {
			// the bus beside it: the container CLI's "listing device /dev/nvidia0
			// (GPU-a6f9662c-... at 00000000:21:00.0)"
			bus = BusID(at[:min(len(at), len("00000000:21:00.0"))])
		}
	}
	if found != "" {
		ev.SetString(FieldUUID, found)
		if bus != "" && !ev.Has(FieldPCIBusID) {
			ev.SetString(FieldPCIBusID, bus)
		}
	}
}

// nextDevice returns where the first "GPU-" or "MIG-" in s from off starts, or -1.
func nextDevice(s string, off int) int {
	for ; off+4 <= len(s); off++ {
		if i := strings.IndexByte(s[off:], '-'); i < 3 {
			if i < 0 {
				return -1
			}
			off += i
			continue
		} else {
			off += i - 3
		}
		if w := s[off : off+3]; w == "GPU" || w == "MIG" {
			return off
		}
	}
	return -1
}

// draDevice reports whether s ends in the NVIDIA DRA driver's device name before a UUID,
// "gpu-<index>-" (its per-GPU lines: "gpu-0-GPU-eb067cd9-...: Per-capacity maximum ...").
func draDevice(s string) bool {
	j := len(s) - 1 // the '-'
	k := j
	for k > 0 && s[k-1] >= '0' && s[k-1] <= '9' {
		k--
	}
	if k == j || !strings.HasSuffix(s[:k], "gpu-") {
		return false
	}
	k -= len("gpu-")
	return k == 0 || !isAlnum(s[k-1]) && s[k-1] != '-'
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// ICDLine returns what opens an NVRM line of the falcon core dump the driver takes of a GSP that
// failed, the GPU and the function with "ICD: " ("GPU6 kflcnCoreDumpDestructive_IMPL: ICD: " of
// "GPU6 kflcnCoreDumpDestructive_IMPL: ICD: a4:0x0000000000000004   a5:..."), the line's text
// after "NVRM: "; "" for another line. The dump's lines are one report.
func ICDLine(t string) string { return coreDumpLine(t, ": ICD: ") }

// CoreDumpLine is ICDLine for the dump's lines of either kind: its registers ("ICD: ") and the
// trace of the core's last program counters ("kflcnCoreDumpNondestructive_IMPL: TRACE: 08 =
// 0x0000000004d4b1a0"), each line's opening returned with its own kind's tag.
func CoreDumpLine(t string) string {
	if k := coreDumpLine(t, ": ICD: "); k != "" {
		return k
	}
	return coreDumpLine(t, ": TRACE: ")
}

func coreDumpLine(t, tag string) string {
	i := strings.Index(t[:min(len(t), 96)], tag)
	if i <= 0 {
		return ""
	}
	fn := t[:i]
	if g, rest, ok := strings.Cut(fn, " "); ok {
		if !strings.HasPrefix(g, "GPU") || !pu.AllDigits(g[3:]) {
			return ""
		}
		fn = rest
	}
	if fn == "" || strings.IndexByte(fn, ' ') >= 0 {
		return ""
	}
	return t[:i+len(tag)]
}
