package nvidia_xid

import (
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
		if k := strings.Index(msg[:min(len(msg), 128)], " kernel: "); k > 0 && kernelPrefix(msg[:k+len(" kernel: ")]) {
			// a syslog line read without the syslog framing parser
			pfx = msg[:k+len(" kernel: ")]
			body, ok = msg[k+len(" kernel: "):], true
			if b, up := uptime(body); up {
				body = b
			}
		}
	}
	if !ok {
		if tag, _ := ev.GetString(event.FieldProcessName); tag != "kernel" {
			return false
		}
		body = msg
	}
	if strings.TrimSpace(body) == "" {
		return false
	}
	prefix(ev, pfx)
	if lv, ok := aer(body); ok {
		// The device that reported the error, else the port that logged it.
		src := body
		if k := strings.LastIndex(body, "received: "); k > 0 {
			src = body[k:]
		} else if k := strings.LastIndex(body, " from "); k > 0 {
			src = body[k:]
		}
		if id := busID(src); id != "" {
			ev.SetString(FieldPCIBusID, id)
		} else if id := busID(body); id != "" {
			ev.SetString(FieldPCIBusID, id)
		}
		ev.SetString(event.FieldEventAction, ActionPCIeAER)
		// A GPU's or NVSwitch's (its driver reports it, or the report names NVIDIA's vendor id)
		// is the GPU fault's companion, and so is an uncorrectable error of a root port, which
		// on a GPU node is most often the GPU's link going down before it falls off the bus.
		// A corrected error of another device (a root port, a NIC, an NVMe drive) is the
		// kernel's, unless the parser knows the bus as a GPU's (Parser.Parse).
		ds := DatasetKernel
		if strings.HasPrefix(body, "nvidia ") || strings.HasPrefix(body, "nvidia-nvswitch") || strings.Contains(body, "[10de:") ||
			lv == pu.Error || lv == pu.Critical {
			ds = pu.DatasetXid
		}
		pu.Finish(ev, ds, lv)
		return true
	}
	ev.SetString(event.FieldEventAction, ActionKernel)
	ds := DatasetKernel
	if strings.Contains(body, " [nvidia") {
		// a frame of a kernel stack dump in an NVIDIA module ("_nv012345rm+0x1d/0x30 [nvidia]")
		ds = pu.DatasetXid
	}
	lv, known := reportLevel(body)
	if !known && level != "" {
		lv = level
	}
	pu.Finish(ev, ds, lv)
	return true
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
	case strings.HasPrefix(body, "INFO: task ") && strings.Contains(body, " blocked for more than "):
		return pu.Error, true
	case strings.HasPrefix(body, "WARNING: CPU: "):
		return pu.Warning, true
	case strings.Contains(body, "out of memory: Killed process") || strings.HasPrefix(body, "oom-kill:") ||
		strings.HasPrefix(body, "Out of memory: Kill"):
		return pu.Error, true // a process (a pod's, with its memory limit) was killed
	case strings.Contains(body, " invoked oom-killer: "):
		return pu.Warning, true
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

// uptime strips dmesg's "[ 1843.308145] " (or "[  +0.000844] ", dmesg -d; a comma in a locale
// that writes one; "[Feb28 16:29] ", the minute a dmesg -H line opens), returning the rest.
func uptime(s string) (string, bool) {
	if len(s) < 4 || s[0] != '[' {
		return "", false
	}
	end := strings.IndexByte(s[:min(len(s), 24)], ']')
	if end < 3 {
		return "", false
	}
	in := strings.TrimLeft(s[1:end], " +")
	dot := strings.IndexAny(in, ".,")
	if (dot <= 0 || !digits(in[:dot]) || !digits(in[dot+1:])) && !humanMinute(in) {
		return "", false
	}
	return strings.TrimPrefix(s[end+1:], " "), true
}

// humanMinute reports whether s is the "Feb28 16:29" of dmesg -H.
func humanMinute(s string) bool {
	sp := strings.IndexByte(s, ' ')
	return sp >= 4 && sp <= 5 && pu.Month(s) > 0 && digits(s[3:sp]) && len(s) == sp+6 && s[sp+3] == ':' &&
		digits(s[sp+1:sp+3]) && digits(s[sp+4:])
}

func digits(s string) bool {
	_, ok := pu.Atoi(s)
	return ok
}

// aer reports whether body is a PCIe AER line and its level: corrected errors are warnings,
// uncorrected ones errors, fatal ones critical.
func aer(body string) (string, bool) {
	i := strings.Index(body, ": AER: ")
	j := strings.Index(body, "PCIe Bus Error: ")
	if i < 0 && j < 0 {
		return "", false
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
