package nvidia_xid

import (
	"strings"

	pu "github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// prefix reads what comes before "NVRM: " in the shapes kernel messages reach a log pipeline:
//
//	[ 1843.308145]                                     dmesg (time since boot: not used)
//	[Sun Feb 23 16:24:18 2025]                          dmesg -T
//	[2026-07-15T04:18:55.513286+00:00]                  Fabric Manager log
//	May 18 19:02:39 host kernel: [ 12.3] ...            syslog / journalctl (no year)
//	2024-05-18T19:02:39.123456+00:00 host kernel: ...   rsyslog high precision, journalctl -o short-iso
//
// and sets @timestamp and host.hostname when it finds them. Anything else is left alone.
func prefix(ev *event.Event, p string) {
	p = strings.TrimLeft(p, " ")
	if p == "" {
		return
	}
	if p[0] == '[' {
		if j := strings.IndexByte(p, ']'); j > 0 {
			if t, ok := pu.Ctime(p[1:j]); ok {
				pu.SetDatedLocalTime(ev, t)
			} else if t, n, ok := pu.RFC3339(p[1:j]); ok {
				pu.SetStamp(ev, t, p[1:1+n])
			}
		}
		return
	}
	var rest string
	if t, n, ok := pu.RFC3339(p); ok {
		pu.SetStamp(ev, t, p[:n])
		rest = p[n:]
	} else if t, n, ok := pu.Syslog(p, pu.Reference(ev)); ok {
		pu.SetLocalTime(ev, t)
		rest = p[n:]
	} else {
		return
	}
	// " host kernel: [ 12.3] " or " kernel: "
	rest = strings.TrimLeft(rest, " ")
	k := strings.Index(rest, "kernel:")
	if k <= 0 {
		return
	}
	host := strings.TrimRight(rest[:k], " ")
	if host != "" && strings.IndexByte(host, ' ') < 0 {
		ev.SetString(event.FieldHostHostname, host)
	}
}
