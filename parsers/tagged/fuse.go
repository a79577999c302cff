package tagged

import (
	"strings"

	pu "github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// The FUSE file systems a model's volume is mounted with, on the node (its syslog) or in a CSI
// driver's pod: a read they fail is a model load that fails.

// JuiceFSLine reads what JuiceFS's logger writes, after the std log's time in its mount pod and
// CSI driver, alone after a syslog frame when it runs as a daemon: "juicefs[58135] <FATAL>: The
// mount point is not ready in 10 seconds, exit it [mount_unix.go:59]": the program and its pid,
// the level, and the source line at the end. It returns the level and the message.
func JuiceFSLine(ev *event.Event, s string) (string, string, bool) {
	open := strings.IndexByte(s[:min(len(s), 64)], '[')
	if open <= 0 || strings.IndexByte(s[:open], ' ') >= 0 {
		return "", "", false
	}
	end := open + 1
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	if end == open+1 || !strings.HasPrefix(s[end:], "] <") {
		return "", "", false
	}
	pidText, rest := s[open+1:end], s[end+len("] <"):]
	word, msg, ok := strings.Cut(rest[:min(len(rest), 12)], ">: ")
	if ok {
		msg = rest[len(word)+len(">: "):]
	}
	pid, okPid := pu.Atoi(pidText)
	lv, okLevel := pu.Level(word)
	if !ok || !okPid || !okLevel {
		return "", "", false
	}
	ev.SetString(event.FieldProcessName, s[:open])
	ev.Set(event.FieldProcessPID, event.Int(pid))
	if i := strings.LastIndex(msg, " ["); i >= 0 && strings.HasSuffix(msg, "]") {
		if _, _, ok := strings.Cut(msg[i+2:len(msg)-1], ".go:"); ok {
			pu.SetOrigin(ev, msg[i+2:len(msg)-1])
			msg = msg[:i]
		}
	}
	return lv, msg, true
}

// s3fsLine reads s3fs-fuse's log line: its level tag (S3FS_PRN_*: CRT, ERR, WAN, INF, DBG),
// padded, then the source file, function and line, then the message: "[ERR] fdcache.cpp:
// Read(1589): could not download. start(0), size(4096), errno(-5)"; since 1.91 its time first,
// "2025-05-12T06:53:26.373Z [INF]       curl.cpp:RequestPerform(2572): HTTP response code 404
// was returned, returning ENOENT".
func s3fsLine(s string, r *Line) bool {
	if len(s) > 26 && s[0] == '2' && s[4] == '-' && s[10] == 'T' {
		t, n, ok := pu.RFC3339(s)
		if !ok || n >= len(s) || s[n] != ' ' {
			return false
		}
		if !s3fsLine(s[n+1:], r) {
			return false
		}
		r.Time = t
		return true
	}
	if len(s) < 12 || s[0] != '[' || s[4] != ']' || s[5] != ' ' {
		return false
	}
	var lv string
	switch s[1:4] {
	case "CRT":
		lv = pu.Critical
	case "ERR":
		lv = pu.Error
	case "WAN":
		lv = pu.Warning
	case "INF":
		lv = pu.Info
	case "DBG":
		lv = pu.Debug
	default:
		return false
	}
	loc, msg, ok := strings.Cut(strings.TrimLeft(s[6:], " "), "): ")
	if !ok {
		return false
	}
	file, fnLine, ok := strings.Cut(loc, ":")
	fn, lineText, ok2 := strings.Cut(fnLine, "(")
	line, num := pu.Atoi(lineText)
	if !ok || !ok2 || !num || fn == "" || !strings.HasSuffix(file, ".cpp") || strings.ContainsAny(file, " /") {
		return false
	}
	r.Level, r.Msg, r.file, r.line, r.fn = lv, msg, file, line, fn
	return true
}
