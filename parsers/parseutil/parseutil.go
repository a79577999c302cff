// Package parseutil holds the small, allocation-free pieces that several log-format parsers
// share: level names, timestamp readers, a logfmt scanner and the contract every parsed event
// must meet (@timestamp, event.dataset, log.level). Parsers use these instead of regular
// expressions so that the hot path stays under a microsecond per line.
package parseutil

import (
	"time"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// Field names shared by the parsers, beside the core ones in pipeline/event. ECS names where ECS
// has one.
const (
	FieldLogMessage  = "log.message"
	FieldLogger      = "log.logger"
	FieldOriginFile  = "log.origin.file.name"
	FieldOriginLine  = "log.origin.file.line"
	FieldOriginFunc  = "log.origin.function"
	FieldLogFields   = "log.fields"
	FieldProcessPID  = "process.pid"
	FieldProcessName = "process.name"
	FieldErrorStack  = "error.stack_trace"
	FieldHostname    = "host.hostname"
	FieldEventAction = "event.action"
	// FieldContainer is where Filebeat's add_kubernetes_metadata puts the container name.
	FieldContainer = "kubernetes.container.name"
	// FieldLogPath is where Filebeat puts the path of the file it read.
	FieldLogPath = "log.file.path"
)

// Finish makes an event meet the parser contract: a @timestamp (the receipt time when neither
// the line nor the framing gave one), the dataset and a level. It never touches the message.
func Finish(ev *event.Event, dataset, level string) {
	if !ev.Has(event.FieldTimestamp) && !ev.Meta.Received.IsZero() {
		ev.Set(event.FieldTimestamp, event.Time(ev.Meta.Received))
	}
	ev.SetString(event.FieldDataset, dataset)
	if level == "" {
		level = Info
	}
	ev.SetString(event.FieldLogLevel, level)
}

// SetTime sets @timestamp.
func SetTime(ev *event.Event, t time.Time) { ev.Set(event.FieldTimestamp, event.Time(t)) }

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

// SetOrigin sets log.origin.file.name and .line from "file.go:123"; without a valid line number
// the whole text is the file name.
func SetOrigin(ev *event.Event, s string) {
	if s == "" {
		return
	}
	for i := len(s) - 1; i > 0; i-- {
		if s[i] == ':' {
			if n, ok := Atoi(s[i+1:]); ok {
				ev.SetString(FieldOriginFile, s[:i])
				ev.Set(FieldOriginLine, event.Int(n))
				return
			}
			break
		}
	}
	ev.SetString(FieldOriginFile, s)
}
