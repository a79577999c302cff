package nvidia_xid

import (
	"strings"
	"time"

	pu "github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// NVIDIA Fabric Manager, which runs the NVSwitches of an HGX or DGX node (and the NVLink trays of
// a GB200 rack), logs to /var/log/fabricmanager.log; the IMEX daemon, which NVIDIA's DRA driver
// runs in its ComputeDomain daemon container, writes the same format:
//
//	[Feb 27 2025 15:10:02] [ERROR] [tid 12727] detected NVSwitch non-fatal error 12028 on fid 0 on NVSwitch pci bus id 00000000:86:00.0 physical id 3 port 61
//	[Oct 13 2025 18:14:38] [ERROR] [tid 202] Fabric Manager detected GPU NVL Fatal error on :
//	moduleId : 3
//	gpuGuid : 0xED0A8727AFC3C6F9
//
// A record's further lines carry no header; the parse processor joins them to it
// (FabricHeader tells it where a record starts), and their "key : value" pairs go to log.fields.

// Fabric Manager's fields beside the shared ones.
const (
	FieldThread  = pu.FieldThread
	ActionFabric = "fabric-manager" // event.action of its lines but the SXid reports (sxid)
)

// FabricHeader reads the header of a Fabric Manager or IMEX log line, "[Feb 27 2025 15:10:02]
// [ERROR] [tid 12727] ", and returns its time (the node's local time, read as UTC), its level
// word, its thread id and its length. ok is false for any other line; it costs two byte
// comparisons for most.
func FabricHeader(s string) (t time.Time, level string, tid int64, n int, ok bool) {
	if len(s) < 24 || s[0] != '[' || s[4] != ' ' || s[1] < 'A' || s[1] > 'Z' {
		return t, "", 0, 0, false
	}
	end := strings.IndexByte(s[:min(len(s), 24)], ']')
	if end < 20 {
		return t, "", 0, 0, false
	}
	t, err := time.Parse("Jan _2 2006 15:04:05", s[1:end])
	if err != nil {
		return t, "", 0, 0, false
	}
	rest := s[end+1:]
	lv, rest, ok := pu.Bracket(rest)
	if !ok {
		return t, "", 0, 0, false
	}
	if level, ok = pu.Level(lv); !ok {
		return t, "", 0, 0, false
	}
	n = len(s) - len(rest)
	if id, after, ok := pu.Bracket(rest); ok && strings.HasPrefix(id, "tid ") {
		if tid, ok = pu.Atoi(id[len("tid "):]); ok {
			n = len(s) - len(after)
		}
	}
	for n < len(s) && s[n] == ' ' {
		n++
	}
	return t, level, tid, n, true
}

// fabric parses a Fabric Manager line (with the further lines of its record, when the parse
// processor joined them).
func fabric(ev *event.Event, msg string) bool {
	t, level, tid, n, ok := FabricHeader(msg)
	if !ok {
		return false
	}
	pu.SetDatedLocalTime(ev, t)
	if tid > 0 {
		ev.Set(FieldThread, event.Int(tid))
	}
	text, more, _ := strings.Cut(msg[n:], "\n")
	ev.SetString(pu.FieldLogMessage, strings.TrimRight(msg[n:], "\n "))
	ev.SetString(event.FieldEventAction, ActionFabric)
	level = fabricSXid(ev, text, level)
	kernelError(ev, level, text) // (its errors, an NVSwitch's SXid at [ERROR] too, name the failure)
	for more != "" {
		var l string
		l, more, _ = strings.Cut(more, "\n")
		if k, v, ok := strings.Cut(l, " : "); ok && k != "" && strings.IndexByte(k, ' ') < 0 {
			ev.SetString(pu.FieldLogFields+"."+k, strings.TrimSpace(v))
		}
	}
	pu.Finish(ev, pu.DatasetOr(ev, pu.DatasetFabricManager), level)
	return true
}

// fabricSXid reads Fabric Manager's report of an NVSwitch error, "detected NVSwitch non-fatal
// error 12028 on fid 0 on NVSwitch pci bus id 00000000:86:00.0 physical id 3 port 61", into the
// SXid fields the kernel's report of the same error fills, and returns the level: a fatal one
// is critical, as the kernel's is.
func fabricSXid(ev *event.Event, text, level string) string {
	_, rest, ok := strings.Cut(text, "detected NVSwitch ")
	if !ok {
		return level
	}
	severity, rest, ok := strings.Cut(rest, " error ")
	if !ok || severity != "fatal" && severity != "non-fatal" {
		return level
	}
	num, _, _ := strings.Cut(rest, " ")
	code, ok := pu.Atoi(num)
	if !ok {
		return level
	}
	ev.SetString(event.FieldEventAction, ActionSXid)
	ev.Set(FieldSXidCode, event.Int(code))
	ev.SetString(FieldSXidSeverity, severity)
	if _, bus, ok := strings.Cut(rest, "pci bus id "); ok {
		if id := BusID(bus); id != "" {
			ev.SetString(FieldPCIBusID, id)
		}
	}
	if severity == "fatal" {
		return pu.Critical
	}
	return level
}

// imexBanner reads the line the IMEX daemon and Fabric Manager open their logs with at every
// start, "IMEX Log initializing at: 3/21/2025 20:45:38.937", "Fabric Manager Log initializing at:
// 12/20/2024 00:36:34.217" (the node's local time): when it restarted.
func imexBanner(ev *event.Event, s string) bool {
	stamp, ok := strings.CutPrefix(s, "IMEX Log initializing at: ")
	if !ok {
		stamp, ok = strings.CutPrefix(s, "Fabric Manager Log initializing at: ")
	}
	if !ok {
		return false
	}
	t, err := time.Parse("1/2/2006 15:04:05.000", strings.TrimSpace(stamp))
	if err != nil {
		return false
	}
	pu.SetDatedLocalTime(ev, t)
	ev.SetString(pu.FieldLogMessage, s)
	ev.SetString(event.FieldEventAction, ActionFabric)
	pu.Finish(ev, pu.DatasetOr(ev, pu.DatasetFabricManager), "") // it states no level
	return true
}
