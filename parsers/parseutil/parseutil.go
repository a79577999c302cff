// Package parseutil holds the small, allocation-free pieces that several log-format parsers
// share: level names, timestamp readers, a logfmt scanner and the contract every parsed event
// must meet (@timestamp, event.dataset, log.level). Parsers use these instead of regular
// expressions so that the hot path stays under a microsecond per line.
package parseutil

import (
	"strings"
	"time"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// Field names only the parsers set. The ECS names other packages also use (log.logger,
// log.origin.file.*, process.*, error.stack_trace, ...) are in pipeline/event (fields.go).
const (
	FieldLogMessage = "log.message"
	FieldOriginFunc = "log.origin.function"
	FieldLogFields  = "log.fields"
	// the trace and span a record names, by ECS's names
	FieldTraceID = "trace.id"
	FieldSpanID  = "span.id"
)

// Finish makes an event meet the parser contract: a @timestamp (the receipt time when neither
// the line nor the framing gave one), the dataset, and the level when the line stated one ("" sets
// none: a made-up level hides the line from rules about lines without one). A line reporting an
// NVIDIA user-space failure gets gpu.error.kind, and a GPU dataset instead of a generic one. It
// never touches the message.
func Finish(ev *event.Event, dataset, level string) {
	if !ev.Has(event.FieldTimestamp) && !ev.Meta.Received.IsZero() {
		ev.Set(event.FieldTimestamp, event.Time(ev.Meta.Received))
	}
	ev.SetString(event.FieldDataset, attributeGPUFailure(ev, dataset))
	if level != "" {
		ev.SetString(event.FieldLogLevel, level)
	}
}

// SetTime sets @timestamp from a time the line states completely (with its zone, or as a Unix
// time): it is the application's own and better than the container runtime's. A stamp in whole
// seconds (logrus's `time="...Z"`, a Unix time in seconds) and a time set before that lies in its
// second (the runtime's, to the nanosecond) are one clock: the finer time is kept, so that the
// lines of one second keep their order.
func SetTime(ev *event.Event, t time.Time) {
	if t.Nanosecond() == 0 {
		if v, ok := ev.Get(event.FieldTimestamp); ok && v.Kind() == event.KindTime {
			if cur := v.Time(); cur.Nanosecond() != 0 && cur.Truncate(time.Second).Equal(t) {
				return
			}
		}
	}
	ev.Set(event.FieldTimestamp, event.Time(t))
}

// SetLocalTime sets @timestamp from a stamp without zone or year (klog, syslog, Go's std log,
// nv-hostengine), read as UTC, only when nothing set one before: the container runtime's or
// journal's time has both and is off by at most milliseconds, while a host in another zone
// would put such a stamp hours off.
//
// A frame that gave whole seconds (a syslog header, journalctl's short output) and a stamp of
// the same second with a fraction (the kubelet's klog header, to the microsecond) are one clock:
// the fraction is kept, so that lines of one second keep their order. The frame may carry a
// zone (journalctl -o short-iso's "+0200") where the stamp is the host's wall clock: the same
// second in any zone's offset, a whole quarter hour.
func SetLocalTime(ev *event.Event, t time.Time) {
	v, ok := ev.Get(event.FieldTimestamp)
	if !ok {
		SetTime(ev, t)
		return
	}
	if ns := t.Nanosecond(); ns != 0 && v.Kind() == event.KindTime {
		// (the clocks of day compared: a klog stamp has no year)
		cur := v.Time().UTC()
		d := (t.Hour()-cur.Hour())*3600 + (t.Minute()-cur.Minute())*60 + t.Second() - cur.Second()
		if d > 12*3600 {
			d -= 24 * 3600
		} else if d <= -12*3600 {
			d += 24 * 3600
		}
		if cur.Nanosecond() == 0 && d%900 == 0 && d >= -12*3600 && d <= 14*3600 {
			SetTime(ev, cur.Add(time.Duration(ns)))
		}
	}
}

// SetStamp sets @timestamp from an RFC 3339 stamp read with RFC3339: with SetTime when it
// carries a zone, else with SetDatedLocalTime.
func SetStamp(ev *event.Event, t time.Time, stamp string) {
	if Zoned(stamp) {
		if t.Nanosecond() == 0 && len(stamp) > 20 && (stamp[19] == '.' || stamp[19] == ',') {
			// a fraction written as zeros ("2024-11-18T06:58:24.000Z", one line in a thousand
			// of a logger of fixed milliseconds) is a time to the millisecond, not a whole
			// second the runtime's finer time of the same second would refine
			ev.Set(event.FieldTimestamp, event.Time(t))
			return
		}
		SetTime(ev, t)
	} else {
		SetDatedLocalTime(ev, t)
	}
}

// SetDatedLocalTime is SetLocalTime for a stamp without a zone that states its year
// ("2025-04-03 17:38:52,710", dmesg -T's "[Mon Oct 29 12:07:39 2018]"). A syslog header's time
// has none, so its year is guessed from the receipt time (a rotation read long after gets the
// wrong one): when the frame's time, in whole seconds, is the stamp's but for the year, the
// stamp's year is taken.
//
// A stamp older than the time set before by more than any zone can put it (ReplayAge) is a
// record written long before it reached the runtime or the frame: a `dmesg -w -T` DaemonSet that
// restarted and printed the kernel's ring buffer again, a program printing an old log file. Its
// own time is taken, so that an Xid of last week does not look like one of now.
func SetDatedLocalTime(ev *event.Event, t time.Time) {
	if v, ok := ev.Get(event.FieldTimestamp); ok && v.Kind() == event.KindTime && t.Year() >= 1970 {
		cur := v.Time()
		if cur.Sub(t) > ReplayAge {
			SetTime(ev, t)
			return
		}
		if cur.Nanosecond() == 0 && cur.Year() != t.Year() && cur.Month() == t.Month() && cur.Day() == t.Day() &&
			cur.Hour() == t.Hour() && cur.Minute() == t.Minute() && cur.Second() == t.Second() {
			SetTime(ev, cur.AddDate(t.Year()-cur.Year(), 0, 0))
		}
	}
	SetLocalTime(ev, t)
}

// ReplayAge is how much older than the runtime's or frame's time a dated stamp without a zone
// must be to be a replayed record rather than a live one in another zone (UTC-12 to UTC+14, and
// a margin).
const ReplayAge = 26 * time.Hour

// Zoned reports whether an RFC 3339 stamp ends with a zone (Z, ±hh:mm or ±hhmm).
func Zoned(s string) bool {
	n := len(s)
	switch {
	case n < 20:
		return false
	case s[n-1] == 'Z' || s[n-1] == 'z':
		return true
	case s[n-6] == '+' || s[n-6] == '-':
		return s[n-3] == ':'
	case s[n-5] == '+' || s[n-5] == '-':
		return true
	}
	return false
}

// Reference returns the time used to complete timestamps that lack a year: the receipt time, or
// now when the event has none.
func Reference(ev *event.Event) time.Time {
	if !ev.Meta.Received.IsZero() {
		return ev.Meta.Received
	}
	return time.Now()
}

// Atoi reads a non-negative decimal number of at most 18 digits without allocating.
func Atoi(s string) (int64, bool) {
	if len(s) == 0 || len(s) > 18 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// AllDigits reports whether s is 1 to 18 decimal digits, what Atoi reads.
func AllDigits(s string) bool {
	_, ok := Atoi(s)
	return ok
}

// SetObject sets the Kubernetes object a line is about (not the pod that wrote it, which is
// kubernetes.*): orchestrator.resource.type from kind in lower case, .name, and .namespace when
// given. It sets nothing when kind or name is empty.
func SetObject(ev *event.Event, kind, namespace, name string) {
	if kind == "" || name == "" {
		return
	}
	ev.SetString(FieldOrchResourceType, strings.ToLower(kind))
	ev.SetString(FieldOrchResourceName, name)
	if namespace != "" {
		ev.SetString(FieldOrchNamespace, namespace)
	}
}

// SourceLocation reports whether s is a C, C++, CUDA, Objective-C or Go source file and line, as
// native loggers and aborts print them: "nixl_agent.cpp:921", "/src/ggml-cuda.cu:73" (a Windows
// build's "C:\a\ollama\...\ggml-cuda.cu:73" too).
func SourceLocation(s string) bool {
	file, line, ok := strings.Cut(s[strings.LastIndexAny(s, "/\\")+1:], ":")
	if _, num := Atoi(line); !ok || !num {
		return false
	}
	for _, ext := range [...]string{".c", ".cc", ".cpp", ".cu", ".h", ".hpp", ".m", ".go"} {
		if strings.HasSuffix(file, ext) {
			return true
		}
	}
	return false
}

// FileLine splits a location "file:line" at its last colon ("../aten/src/ATen/native/cuda/
// Indexing.cu:1284", "async_llm_engine.py:64"): ok is false without a colon that a number follows.
func FileLine(s string) (file string, line int64, ok bool) {
	c := strings.LastIndexByte(s, ':')
	if c <= 0 {
		return "", 0, false
	}
	line, ok = Atoi(s[c+1:])
	return s[:c], line, ok
}

// SetOrigin sets log.origin.file.name and .line from "file.go:123"; without a valid line number
// the whole text is the file name.
func SetOrigin(ev *event.Event, s string) {
	if s == "" || strings.HasPrefix(s, "???:") {
		return // klog's location when it could not find its caller
	}
	for i := len(s) - 1; i > 0; i-- {
		if s[i] == ':' {
			if n, ok := Atoi(s[i+1:]); ok {
				ev.SetString(event.FieldOriginFile, s[:i])
				ev.Set(event.FieldOriginLine, event.Int(n))
				return
			}
			break
		}
	}
	ev.SetString(event.FieldOriginFile, s)
}

// Bracket reads "[word]" at the start of s (after spaces), at most 128 bytes of it, and returns
// word and what follows the bracket: the fields of Fabric Manager's and Envoy's headers.
func Bracket(s string) (word, rest string, ok bool) {
	s = strings.TrimLeft(s, " ")
	if len(s) < 3 || s[0] != '[' {
		return "", s, false
	}
	end := strings.IndexByte(s[:min(len(s), 128)], ']')
	if end < 1 {
		return "", s, false
	}
	return s[1:end], s[end+1:], true
}

// IsUUID reports whether s is a UUID in its 8-4-4-4-12 form of lowercase hex digits (a pod's
// uid, a GPU's after "GPU-", a request id vLLM made).
func IsUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if s[i] != '-' {
				return false
			}
		} else if !lowerHexByte(s[i]) {
			return false
		}
	}
	return true
}

// IsLowerHex reports whether s is one or more lowercase hex digits.
func IsLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if !lowerHexByte(s[i]) {
			return false
		}
	}
	return s != ""
}

func lowerHexByte(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' }

// SeverityLevel maps a syslog severity (0 emerg to 7 debug; of a priority, its low three bits)
// to a level.
func SeverityLevel(n int64) string {
	return [...]string{Critical, Critical, Critical, Error, Warning, Info, Info, Debug}[n&7]
}

// KlogHeader reports whether b starts with klog's (and glog's) "I1205 08:11:20.947962     221
// file.go:363]".
func KlogHeader(b string) bool {
	if len(b) < 22 {
		return false
	}
	switch b[0] {
	case 'I', 'W', 'E', 'F':
	default:
		return false
	}
	return b[1] >= '0' && b[1] <= '9' && b[5] == ' ' && b[8] == ':' && strings.IndexByte(b[:min(len(b), 120)], ']') > 0
}

// AfterPrintkCaller returns s past the caller field a kernel built with CONFIG_PRINTK_CALLER
// writes after a record's time, "[  T291] " (the task's pid) or "[    C3] " (the CPU's number in
// an interrupt), and s unchanged without one: dmesg's "[   36.117975][  T291] pcieport ...".
func AfterPrintkCaller(s string) string {
	if len(s) < 4 || s[0] != '[' {
		return s
	}
	end := strings.IndexByte(s[:min(len(s), 16)], ']')
	if end < 3 {
		return s
	}
	id := strings.TrimLeft(s[1:end], " ")
	if len(id) < 2 || id[0] != 'T' && id[0] != 'C' || !AllDigits(id[1:]) {
		return s
	}
	return strings.TrimPrefix(s[end+1:], " ")
}

// LowerWord reports whether s is one word of lower-case letters, digits, '-' and '_': a
// program's tag ("cosmos", "smg").
func LowerWord(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return s != ""
}
