package tracing

import (
	"strings"

	pu "github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/parsers/vllm"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// A Rust program's panic, on stderr, which the parse processor groups with the lines under it
// (the message in Rust 1.73 and later, the note or the backtrace):
//
//	thread 'main' panicked at 'Unable to warmup model: Generation("...out of memory...")', router/src/main.rs:216:18
//	thread 'main' panicked at router/src/main.rs:216:18:
//	Unable to warmup model: ...
//	note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace
//
// Since Rust 1.89 the thread's id follows its name: "thread 'main' (89) panicked at ...".
//
// A panic in the main thread ends the process (exit status 101): critical. One in another
// thread (a tokio worker's, whose runtime catches it) fails what that thread was doing: an error.

// PanicStart reports whether b opens a Rust panic report, and whether its message follows on
// the next lines (Rust 1.73 and later) rather than on this one.
func PanicStart(b string) (ok, below bool) {
	if !strings.HasPrefix(b, "thread '") {
		return false, false
	}
	i := panickedAt(b)
	if i < 0 {
		return false, false
	}
	at := b[i:]
	if strings.HasPrefix(at, "'") {
		return true, false
	}
	_, _, ok = location(strings.TrimSuffix(at, ":"))
	return ok && strings.HasSuffix(at, ":"), true
}

// panickedAt returns the index in s, a panic report's first line, of what follows "panicked at
// ", after the thread's name and, since Rust 1.89, its id ("thread 'main' (89) panicked at
// src/main.rs:2:5:"); -1 when s says no such thing.
func panickedAt(s string) int {
	const p = " panicked at "
	rest := s[len("thread '"):]
	head := rest[:min(len(rest), 128+len(p)+24)] // the name, up to 128 bytes, and what follows it
	q := strings.Index(head, "'"+p)
	if q >= 0 && q <= 128 {
		return len("thread '") + q + 1 + len(p)
	}
	q = strings.Index(head, "' (")
	if q < 0 || q > 128 {
		return -1
	}
	id := rest[q+3:]
	n := 0
	for n < len(id) && id[n] >= '0' && id[n] <= '9' {
		n++
	}
	if n == 0 || !strings.HasPrefix(id[n:], ")"+p) {
		return -1
	}
	return len("thread '") + q + 3 + n + 1 + len(p)
}

// PanicLine reports whether b goes on with a panic report: the note, the backtrace's header and
// frames.
func PanicLine(b string) bool {
	return strings.HasPrefix(b, "note: ") || b == "stack backtrace:" ||
		strings.HasPrefix(b, "  ") && len(b) > 3 && (b[2] >= '0' && b[2] <= '9' || b[2] == ' ')
}

// panicReport reads a panic report: the message (error.message), where it panicked (the
// origin), the backtrace (error.stack), the GPU failure the message names.
func panicReport(ev *event.Event, s string) bool {
	first, _, _ := strings.Cut(s, "\n")
	ok, below := PanicStart(first)
	if !ok {
		return false
	}
	// the report up to its note or backtrace: where, and the message
	report := s
	if i := strings.Index(report, "\nnote: "); i >= 0 {
		report = report[:i]
	}
	if i := strings.Index(report, "\nstack backtrace:"); i >= 0 {
		report = report[:i]
	}
	at := report[panickedAt(report):]
	var msg, loc string
	if below {
		loc, msg, _ = strings.Cut(at, "\n")
		loc = strings.TrimSuffix(loc, ":")
	} else {
		// 'message', file:line:col: the message may hold "', " and line breaks itself
		end := strings.LastIndex(at, "', ")
		if end < 1 {
			return false
		}
		msg, loc = at[1:end], at[end+3:]
	}
	if file, line, ok := location(loc); ok {
		ev.SetString(event.FieldOriginFile, file)
		ev.Set(event.FieldOriginLine, event.Int(line))
	}
	if msg = strings.TrimRight(msg, "\n"); msg != "" {
		ev.SetString(event.FieldErrorMsg, msg)
		switch k := vllm.Classify(msg); k {
		case "cuda_oom", "cuda_error", "nccl":
			ev.SetString(pu.FieldGPUErrorKind, k) // TGI's router warming up a model that does not fit
		}
	}
	if i := strings.Index(s, "stack backtrace:"); i >= 0 {
		ev.SetString(event.FieldErrorStack, strings.TrimRight(s[i:], "\n"))
	}
	level := pu.Error
	if strings.HasPrefix(s, "thread 'main' ") {
		level = pu.Critical
	}
	pu.Finish(ev, pu.DatasetOr(ev, DatasetPanic), level)
	return true
}

// location reads "router/src/main.rs:216:18": a file, a line and a column.
func location(s string) (string, int64, bool) {
	c := strings.LastIndexByte(s, ':')
	if c <= 0 {
		return "", 0, false
	}
	if _, ok := pu.Atoi(s[c+1:]); !ok {
		return "", 0, false
	}
	file, line, ok := fileLine(s[:c])
	return file, line, ok
}
