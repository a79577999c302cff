package nvidia_xid

import (
	"strings"
	"time"

	pu "github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// Kernel records as tools other than syslog write them, each with the level the kernel logged
// the message at:
//
//	kern  :warn  : 2025-01-21T04:41:44,285060+00:00 pt_main_thread[2536443]: segfault at ...   dmesg --decode --time-format iso
//	kern  :err   : [ 1843.308145] NVRM: Xid ...                                                 dmesg --decode
//	syslog:err   : 2025-05-27T04:18:56,089671+00:00 NVRM: Xid ...                                 a program's write to /dev/kmsg
//	6,3964,206764307,-;nvidia-nvswitch2: open (major=510)                                         /dev/kmsg
//	<4>[10469.857815]  ? _nv044486rm+0x40/0x40 [nvidia]                                          dmesg -r, /proc/kmsg
//	192.168.11.119: kern: warning: [2026-04-22T21:27:51.288830314Z]: NVRM: ...                    talosctl dmesg
//
// record takes such a prefix off msg and returns it read: the message, the kernel's level and
// what the prefix says, to set once the line is taken. ok is false for a line without one.
func record(msg string) (r kernelRecord, ok bool) {
	switch {
	case len(msg) > 16 && (msg[4] == ' ' || msg[4] == ':' || msg[6] == ':'): // dmesg -x pads the facility to 6
		if r, ok := decoded(msg); ok {
			return r, true
		}
	case len(msg) > 8 && msg[0] >= '0' && msg[0] <= '9':
		if n := kmsgHeader(msg); n > 0 {
			return kernelRecord{body: msg[n:], level: priorityLevel(msg[:strings.IndexByte(msg, ',')])}, true
		}
	case len(msg) > 5 && msg[0] == '<' && msg[1] >= '0' && msg[1] <= '9':
		// dmesg -r's and /proc/kmsg's "<4>[10469.857815]  ? _nv044486rm+0x40/0x40 [nvidia]": the
		// priority (with the facility, kern's 0) in angle brackets, then the time since boot
		if end := strings.IndexByte(msg[:min(len(msg), 6)], '>'); end > 1 && end+1 < len(msg) && msg[end+1] == '[' {
			if n, ok := pu.Atoi(msg[1:end]); ok {
				return kernelRecord{body: msg[end+1:], level: pu.SeverityLevel(n & 7)}, true
			}
		}
	}
	if strings.Contains(msg[:min(len(msg), 96)], ": [20") {
		return talos(msg) // the node by its address or its name, or none
	}
	return r, false
}

// KmsgRecord reports whether msg is a kernel record as talosctl dmesg or /dev/kmsg print it,
// under which the record's dictionary may follow on lines opening with a space (" SUBSYSTEM=pci",
// " DEVICE=+pci:0000:00:01.0": Documentation/ABI/testing/dev-kmsg).
func KmsgRecord(msg string) bool {
	if len(msg) > 8 && msg[0] >= '0' && msg[0] <= '9' && kmsgHeader(msg) > 0 {
		return true
	}
	if !strings.Contains(msg[:min(len(msg), 96)], ": [20") {
		return false
	}
	_, ok := talos(msg)
	return ok
}

// KmsgProperty reports whether line is one of a kernel record's dictionary lines: a space, then
// KEY=value, the key in capitals.
func KmsgProperty(line string) bool {
	if len(line) < 4 || line[0] != ' ' {
		return false
	}
	eq := strings.IndexByte(line, '=')
	if eq < 2 {
		return false
	}
	return strings.Trim(line[1:eq], "ABCDEFGHIJKLMNOPQRSTUVWXYZ_") == ""
}

// kernelRecord is a kernel record's prefix, read.
type kernelRecord struct {
	body, level string
	time        time.Time // zero without one
	host        string
}

// set sets what the prefix says on the event of a line that was taken.
func (r *kernelRecord) set(ev *event.Event) {
	if !r.time.IsZero() {
		pu.SetTime(ev, r.time)
	}
	if r.host != "" {
		ev.SetString(event.FieldHostHostname, r.host)
	}
}

// decoded reads dmesg --decode's "facility:level : " and the time after it, in ISO form with a
// comma before the fraction (--time-format iso) or since boot.
func decoded(msg string) (r kernelRecord, ok bool) {
	fac, rest, ok := strings.Cut(msg[:min(len(msg), 24)], ":")
	if !ok || !facility(strings.TrimRight(fac, " ")) {
		return r, false
	}
	lv, _, ok := strings.Cut(rest, ":")
	if !ok {
		return r, false
	}
	if r.level, ok = pu.Level(strings.TrimSpace(lv)); !ok {
		return r, false
	}
	r.body = strings.TrimLeft(msg[len(fac)+1+len(lv)+1:], " ")
	if b := r.body; len(b) > 26 && b[10] == 'T' && b[19] == ',' {
		iso := b[:19] + "." + b[20:min(len(b), 40)] // 2025-01-21T04:41:44,285060+00:00
		if t, n, ok := pu.RFC3339(iso); ok && n < len(b) && b[n] == ' ' && pu.Zoned(iso[:n]) {
			r.time, r.body = t, b[n+1:]
		}
	} else if b, up := uptime(b); up {
		r.body = b
	} else if b := r.body; len(b) > 24 && b[0] == '[' && b[1] == '2' {
		// talosctl dmesg's form without the node: "kern:  notice: [2023-05-04T07:37:25.957686413Z]: ..."
		if stamp, body, ok := strings.Cut(b[1:], "]: "); ok {
			if t, n, ok := pu.RFC3339(stamp); ok && n == len(stamp) && pu.Zoned(stamp) {
				r.time, r.body = t, body
			}
		}
	}
	return r, true
}

// facility reports whether s is a syslog facility's name as dmesg --decode prints it: the
// kernel's, or a program's that wrote to /dev/kmsg (systemd, a GPU health agent's injected Xid).
func facility(s string) bool {
	switch s {
	case "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv", "ftp",
		"local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7":
		return true
	}
	return false
}

// talos reads talosctl dmesg's "<node>: <facility>: <level>: [<RFC 3339>]: " (the kernel's
// "kern", or a program's that wrote to /dev/kmsg, Talos' own "user"), the node left out when the
// command read one node's.
func talos(msg string) (r kernelRecord, ok bool) {
	rest := strings.TrimLeft(msg, " ")
	if f, _, found := strings.Cut(rest[:min(len(rest), 96)], ":"); !found || !facility(f) {
		node, tail, found := strings.Cut(rest[:min(len(rest), 96)], ": ")
		if !found || strings.IndexByte(node, ' ') >= 0 {
			return r, false
		}
		if f, _, found = strings.Cut(tail, ":"); !found || !facility(f) {
			return r, false
		}
		r.host, rest = node, rest[len(node)+2:]
	}
	_, rest, _ = strings.Cut(rest, ":") // past the facility
	lv, rest, ok := strings.Cut(rest, ": [")
	lv = strings.TrimLeft(lv, " ") // right-aligned: "kern:    info: ["
	if !ok || strings.IndexByte(lv, ' ') >= 0 {
		return r, false
	}
	if r.level, ok = pu.Level(lv); !ok {
		return r, false
	}
	stamp, body, ok := strings.Cut(rest, "]: ")
	if !ok {
		return r, false
	}
	if t, n, ok := pu.RFC3339(stamp); ok && n == len(stamp) && pu.Zoned(stamp) {
		r.time = t
	}
	r.body = body
	return r, true
}

// priorityLevel maps a /dev/kmsg record's priority (facility * 8 + level) to a level.
func priorityLevel(p string) string {
	n, ok := pu.Atoi(p)
	if !ok {
		return ""
	}
	return pu.SeverityLevel(n)
}
