// Package dcgm parses the log of NVIDIA DCGM's host engine (nv-hostengine), which the GPU
// operator runs in nvidia-dcgm-ctr and dcgm-exporter embeds (--enable-dcgm-log):
//
//	2024-05-27 06:51:51.530 ERROR [1:25] Got nvmlSt 3,3 from nvmlDeviceGetFieldValues fieldValues [/workspaces/.../DcgmCacheManager.cpp:10168] [DcgmCacheManager::ReadAndCacheNvLinkBandwidthTotal]
//	2026-09-21 15:58:36.273 INFO  [45265:45271] Loaded module 4 [./dcgmlib/src/DcgmHostEngineHandler.cpp:2775] [DcgmHostEngineHandler::LoadModule]
//
// The fields are read by position: time, level, [pid:tid], message, [file:line], [function]; a
// "[[Module]]" tag that starts the message is the logger.
package dcgm

import (
	"strings"
	"time"

	"github.com/sluice-dev/sluice/parsers"
	pu "github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// FieldThread is the thread id in the [pid:tid] block.
const FieldThread = pu.FieldThread

// Info registers the parser.
var Info = parsers.Info{
	Name:        "dcgm",
	Description: "NVIDIA DCGM host engine (nv-hostengine) log lines",
	New:         func(parsers.Options) parsers.Parser { return New() },
	Fields: append(pu.Fields(pu.FieldLogMessage, event.FieldLogLogger, event.FieldOriginFile, event.FieldOriginLine,
		pu.FieldOriginFunc, event.FieldProcessPID, event.FieldErrorMsg),
		pu.Field(FieldThread)),
}

// Parser parses nv-hostengine lines. It is stateless and safe for concurrent use.
type Parser struct{}

// New returns the parser.
func New() *Parser { return &Parser{} }

// header reads a record's "2006-01-02 15:04:05.000 LEVEL [pid:tid] " and returns what follows.
func header(s string) (t time.Time, level string, pid, tid int64, rest string, ok bool) {
	if len(s) < 30 || s[10] != ' ' || s[4] != '-' {
		return
	}
	t, n, ok := pu.RFC3339(s)
	if !ok || n >= len(s) || s[n] != ' ' {
		return t, "", 0, 0, "", false
	}
	rest = s[n+1:]
	sp := strings.IndexByte(rest, ' ')
	if sp <= 0 {
		return t, "", 0, 0, "", false
	}
	if level, ok = pu.Level(rest[:sp]); !ok {
		return
	}
	pid, tid, rest, ok = ids(strings.TrimLeft(rest[sp:], " "))
	return
}

// Header reports whether s opens a record of DCGM's own log (nv-hostengine.log, nvvs.log),
// whose message may go on over lines up to the record's source blocks (Closed).
func Header(s string) bool {
	_, _, _, _, _, ok := header(s)
	return ok
}

// Closed reports whether s ends a record: its source blocks, "[file.cpp:574] [Function]", close
// every record, after the last line of a message that goes on over lines.
func Closed(s string) bool {
	s = strings.TrimRight(s, " ")
	fn := strings.LastIndex(s, "] [")
	if fn <= 0 || !strings.HasSuffix(s, "]") {
		return false
	}
	colon := strings.LastIndexByte(s[:fn], ':')
	return colon > 0 && fn > colon+1 && pu.AllDigits(s[colon+1:fn])
}

// Parse recognises "2006-01-02 15:04:05.000 LEVEL [pid:tid] message [file:line] [function]".
func (p *Parser) Parse(ev *event.Event) bool {
	t, level, pid, tid, rest, ok := header(ev.Message())
	if !ok {
		return false
	}
	pu.SetDatedLocalTime(ev, t)
	ev.Set(event.FieldProcessPID, event.Int(pid))
	ev.Set(FieldThread, event.Int(tid))
	msg := untagged(message(ev, rest))
	if (level == pu.Error || level == pu.Critical) && msg != "" && !ev.Has(event.FieldErrorMsg) {
		// what failed, as every error line of the other parsers says it ("Failed to load module
		// 9", "Error checking hang state for process 24299: -14")
		ev.SetString(event.FieldErrorMsg, msg)
	}
	pu.Finish(ev, pu.DatasetOr(ev, pu.DatasetDCGM), level)
	return true
}

// ids reads "[pid:tid] " and returns what follows.
func ids(s string) (pid, tid int64, rest string, ok bool) {
	if s == "" || s[0] != '[' {
		return 0, 0, "", false
	}
	end := strings.IndexByte(s, ']')
	colon := strings.IndexByte(s, ':')
	if end < 0 || colon < 0 || colon > end {
		return 0, 0, "", false
	}
	pid, ok1 := pu.Atoi(s[1:colon])
	tid, ok2 := pu.Atoi(s[colon+1 : end])
	if !ok1 || !ok2 {
		return 0, 0, "", false
	}
	return pid, tid, strings.TrimPrefix(s[end+1:], " "), true
}

// Message reads the text of a host engine's line that another program relays
// (dcgm-exporter's --enable-dcgm-log, its msg=): "text [file:line] [function]" and a leading
// "[[Module]]" tag, as in nv-hostengine.log. It returns the text without the tag: what an error
// line's error.message is.
func Message(ev *event.Event, s string) string { return untagged(message(ev, s)) }

// untagged returns msg without the "[[Module]] " tag it may open with.
func untagged(msg string) string {
	if m, ok := strings.CutPrefix(msg, "[["); ok {
		if end := strings.Index(m, "]] "); end >= 0 {
			return m[end+3:]
		}
	}
	return msg
}

// message splits "text [file:line] [function]" and a leading "[[Module]]" tag, and returns the
// text.
func message(ev *event.Event, s string) string {
	if fn := strings.LastIndex(s, " ["); fn >= 0 && strings.HasSuffix(s, "]") {
		if at := strings.LastIndex(s[:fn], " ["); at >= 0 && strings.HasSuffix(s[:fn], "]") {
			pu.SetOrigin(ev, s[at+2:fn-1])
			ev.SetString(pu.FieldOriginFunc, s[fn+2:len(s)-1])
			s = s[:at]
		}
	}
	if strings.HasPrefix(s, "[[") {
		if end := strings.Index(s, "]]"); end > 2 {
			ev.SetString(event.FieldLogLogger, s[2:end])
		}
	}
	if s != "" {
		ev.SetString(pu.FieldLogMessage, s)
	}
	return s
}
