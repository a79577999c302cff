package vllm

import (
	"strings"
	"time"

	"github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// loggerUCX names UCX's lines: the transport NIXL moves the KV cache over in disaggregated
// serving, and MPI's and other programs' too.
const loggerUCX = "ucx"

// DatasetUCX is the dataset of UCX's lines outside a vLLM pod.
const DatasetUCX = "generic.ucx"

// parseUCX reads UCX's log lines (ucs/debug/log.c), which NIXL's UCX backend prints in vLLM's
// prefill and decode pods:
//
//	[1749803291.555759] [vllm-lmcache-zxy-977866c79-jxjnw:7053 :0]          tcp_ep.c:1260 UCX  ERROR tcp_ep 0x3c502370 ...
//	[1760048752.141287] proto_reconfig.c:60   UCX  ERROR cannot find remote protocol for: ...
//
// the time in seconds since the epoch to the microsecond, the host, pid and thread (left out by
// some builds), the source location, then UCX's level. The time is the line's own, in UTC: it
// wins over the container runtime's. A communication library's line as NCCL's are: vLLM's
// dataset in a vLLM pod.
func parseUCX(ev *event.Event, b string, l *Line) bool {
	end := strings.IndexByte(b[:min(len(b), 24)], ']')
	if end < 3 || b[0] != '[' {
		return false
	}
	sec, frac, ok := strings.Cut(b[1:end], ".")
	s, ok1 := parseutil.Atoi(sec)
	us, ok2 := parseutil.Atoi(frac)
	if !ok || !ok1 || !ok2 || len(frac) != 6 || s < 1e9 {
		return false // a dmesg time since boot is the kernel's
	}
	rest := strings.TrimLeft(b[end+1:], " ")
	host, pid, thread := "", int64(0), ""
	if strings.HasPrefix(rest, "[") {
		close := strings.IndexByte(rest, ']')
		if close < 0 {
			return false
		}
		src := strings.ReplaceAll(rest[1:close], " ", "")
		h, p, _ := strings.Cut(src, ":")
		p, thread, _ = strings.Cut(p, ":")
		n, ok := parseutil.Atoi(p)
		if h == "" || !ok {
			return false
		}
		host, pid = h, n
		rest = strings.TrimLeft(rest[close+1:], " ")
	}
	loc, rest, ok := strings.Cut(rest, " ")
	colon := strings.LastIndexByte(loc, ':')
	line, okLine := parseutil.Atoi(loc[colon+1:])
	rest, isUCX := strings.CutPrefix(strings.TrimLeft(rest, " "), "UCX ")
	if !ok || colon <= 0 || !okLine || !isUCX {
		return false
	}
	word, msg, _ := strings.Cut(strings.TrimLeft(rest, " "), " ")
	switch word {
	case "FATAL":
		l.Level = "critical"
	case "ERROR":
		l.Level = "error"
	case "WARN":
		l.Level = "warning"
	case "DIAG", "INFO", "PRINT":
		l.Level = "info"
	case "DEBUG", "TRACE", "REQ", "DATA", "ASYNC", "FUNC", "POLL":
		l.Level = "debug"
	default:
		return false
	}
	ev.SetTimestamp(time.Unix(s, us*1000).UTC())
	ev.SetString(event.FieldLogLogger, loggerUCX)
	ncclSource(ev, host, pid, 0, false, l)
	if _, ok := parseutil.Atoi(thread); ok && host != "" {
		// UCX's own name for the thread, a counter in the process ("0", "1": its log's
		// ucs_log_get_thread_name), no thread id: process.thread.name
		ev.SetString(FieldThreadName, thread)
	}
	if l.File == "" {
		l.File, l.FileLine = loc[:colon], line
	}
	finishLibraryLine(ev, l, strings.TrimLeft(msg, " "), DatasetUCX)
	return true
}

// UCX's handler of a fatal signal (ucs/debug/debug.c) reports the crash of the process it is in
// (NIXL's transfer engine in a prefill or decode pod), with the backtrace under it, which the
// parse processor groups:
//
//	[ubuntu-GPU-L40S-4802111:12796:1:13303] Caught signal 11 (Segmentation fault: invalid permissions for mapped object at address 0x7fbd60001400)
//	==== backtrace (tid:  13303) ====
//	 0  /usr/local/lib/python3.10/dist-packages/.nixl.mesonpy.libs/plugins/../../nixl.libs/libucs-97f10f8d.so.0.0.0(ucs_handle_error+0x294) [0x7fbec008fba4]
//	=================================
//
// the host, pid, UCX's thread index and the thread's id, the signal and what it says.

// UCXSignal reports whether b opens UCX's report of a fatal signal, and returns where its
// "Caught signal" starts.
func UCXSignal(b string) int {
	if len(b) < 24 || b[0] != '[' {
		return -1
	}
	end := strings.Index(b[:min(len(b), 160)], "] Caught signal ")
	if end < 5 || strings.Count(b[1:end], ":") != 3 {
		return -1
	}
	return end + 2
}

// UCXBacktraceLine reports whether b goes on with UCX's report: the backtrace's header, its
// frames (indented), and the rule that ends it (done).
func UCXBacktraceLine(b string) (ok, done bool) {
	switch {
	case strings.HasPrefix(b, "==== backtrace ("):
		return true, false
	case len(b) > 8 && strings.Trim(b, "=") == "":
		return true, true
	}
	return len(b) > 2 && b[0] == ' ' || ucxFrame(b), false
}

// ucxFrame reports whether b is a frame of UCX's backtrace numbered 10 or more, whose number is
// printed with %2d, so without the indent of frames 0 to 9: "10 0x000000000004cfca ???()  ...:0"
// (with debug info), "10  /usr/lib/x86_64-linux-gnu/libc.so.6(+0x29d90) [0x7f...]" (without).
func ucxFrame(b string) bool {
	i := 0
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	return i >= 2 && i <= 3 && (strings.HasPrefix(b[i:], " 0x") || strings.HasPrefix(b[i:], "  /") && strings.Contains(b, " [0x"))
}

// UCXBacktraceStart reports whether b opens the backtrace UCX prints under a fatal signal's line,
// "==== backtrace (tid:  25645) ====", which the parse processor groups when that line is not
// above it (another stream's, cut off).
func UCXBacktraceStart(b string) bool { return strings.HasPrefix(b, "==== backtrace (") }

// UCXThread returns the thread a line of UCX's report names: the signal line's last field
// ("[host:285  :0:285] Caught signal 11 ...") or the backtrace's header ("==== backtrace (tid:
// 285) ===="), "" for another line. Threads that crash at once print their signal lines first,
// then their backtraces: a backtrace goes with its thread's line.
func UCXThread(b string) string {
	if at := UCXSignal(b); at > 0 {
		return b[strings.LastIndexByte(b[:at-2], ':')+1 : at-2]
	}
	if t, ok := strings.CutPrefix(b, "==== backtrace (tid:"); ok {
		t, _, _ = strings.Cut(t, ")")
		return strings.TrimSpace(t)
	}
	return ""
}

// UCXReport returns the "[host:pid:index:tid] " prefix of UCX's report of an error no handler
// took, "" for another line: its fatal-error layout, the source location after it and two
// spaces, then the words, the lines under it (the work request's dump, a backtrace) with the same
// prefix (openucx/ucx issue #6669):
//
//	[g07r1n14:27251:0:27251] ib_mlx5_log.c:143  Transport retry count exceeded on mlx5_0:1/IB (synd 0x15 vend 0x81 hw_synd 0/0)
//	[g07r1n14:27251:0:27251] ib_mlx5_log.c:143  DCI QP 0x10f3a wqe[446]: SEND s-e [rqpn 0x32ca rlid 19352] [inl len 20]
//
// an InfiniBand or RoCE peer that stopped answering, the RDMA side of NCCL's "remote process
// exited or there was a network error"; the process aborts after it.
func UCXReport(b string) string {
	if len(b) < 32 || b[0] != '[' {
		return ""
	}
	end := strings.IndexByte(b[:min(len(b), 120)], ']')
	if end < 8 || end+2 >= len(b) || b[end+1] != ' ' || strings.Count(b[1:end], ":") != 3 {
		return ""
	}
	_, ids, _ := strings.Cut(b[1:end], ":")
	for id := range strings.SplitSeq(ids, ":") {
		if !parseutil.AllDigits(strings.TrimRight(id, " ")) {
			return ""
		}
	}
	loc, msg, ok := strings.Cut(b[end+2:], "  ")
	colon := strings.LastIndexByte(loc, ':')
	if !ok || colon < 3 || !strings.HasSuffix(loc[:colon], ".c") || !parseutil.AllDigits(loc[colon+1:]) || msg == "" {
		return ""
	}
	return b[:end+2]
}

// parseUCXReport reads UCX's report of an error no handler took (UCXReport): an error of
// logger ucx, its host, process and thread, its source location, its words error.message.
func parseUCXReport(ev *event.Event, b string, l *Line) bool {
	prefix := UCXReport(b)
	if prefix == "" {
		return false
	}
	parts := strings.Split(prefix[1:len(prefix)-2], ":")
	pid, _ := parseutil.Atoi(strings.TrimRight(parts[1], " "))
	loc, msg, _ := strings.Cut(b[len(prefix):], "  ")
	colon := strings.LastIndexByte(loc, ':')
	l.File = loc[:colon]
	l.FileLine, _ = parseutil.Atoi(loc[colon+1:])
	l.Level = "error"
	ev.SetString(event.FieldLogLogger, loggerUCX)
	ncclSource(ev, parts[0], pid, 0, false, l)
	if t, ok := parseutil.Atoi(parts[3]); ok {
		ev.Set(parseutil.FieldThread, event.Int(t))
	}
	finishLibraryLine(ev, l, strings.TrimLeft(msg, " "), DatasetUCX)
	return true
}

// parseUCXBacktrace reads UCX's backtrace of a fatal signal without the signal's line: critical,
// the frames its stack.
func parseUCXBacktrace(ev *event.Event, b, rest string, l *Line) bool {
	l.Level = "critical" // the process dies
	ev.SetString(event.FieldLogLogger, loggerUCX)
	ev.SetString(event.FieldErrorStack, b+"\n"+rest)
	finishLibraryLine(ev, l, b, DatasetUCX)
	return true
}

// parseUCXSignal reads UCX's report of a fatal signal: critical, the signal's words the error,
// the backtrace its stack.
func parseUCXSignal(ev *event.Event, b, rest string, l *Line) bool {
	at := UCXSignal(b)
	if at < 0 {
		return false
	}
	parts := strings.Split(b[1:at-2], ":")
	pid, ok := parseutil.Atoi(strings.TrimRight(parts[1], " ")) // (left-justified in five columns: "285  ")
	if parts[0] == "" || !ok {
		return false
	}
	msg := b[at:]
	l.Level = "critical" // the process dies
	ev.SetString(event.FieldLogLogger, loggerUCX)
	ncclSource(ev, parts[0], pid, 0, false, l)
	if t, ok := parseutil.Atoi(parts[3]); ok {
		ev.Set(parseutil.FieldThread, event.Int(t))
	}
	sig := strings.TrimPrefix(msg, "Caught signal ")
	if open := strings.IndexByte(sig, '('); open > 0 && strings.HasSuffix(sig, ")") {
		ev.SetString(event.FieldErrorMsg, sig[open+1:len(sig)-1]) // "Segmentation fault: invalid permissions ..."
	}
	if rest != "" {
		ev.SetString(event.FieldErrorStack, rest)
	}
	finishLibraryLine(ev, l, msg, DatasetUCX)
	return true
}

// Abseil's failure signal handler (absl/debugging/failure_signal_handler.cc), which Ray's C++
// core and gRPC install in a vLLM or Ray worker, writes to stderr when the process gets a fatal
// signal, before Ray's logger repeats it and the signal is raised again:
//
//	*** SIGSEGV received at time=1709021359 on cpu 44 ***
//	PC: @     0x7f3c5f628350  (unknown)  (unknown)
//	    @     0x7f1bc25d8090   36407536  (unknown)
//	    @ ... and at least 2 more frames

// AbslSignal reports whether b opens Abseil's report of a fatal signal.
func AbslSignal(b string) bool {
	return strings.HasPrefix(b, "*** SIG") && strings.Contains(b[:min(len(b), 40)], " received at time=") &&
		strings.HasSuffix(b, " ***")
}

// AbslFrameLine reports whether b goes on with Abseil's report: the program counter's line and
// the stack's frames.
func AbslFrameLine(b string) bool {
	return strings.HasPrefix(b, "PC: @ ") || strings.HasPrefix(strings.TrimLeft(b, " "), "@ ") && len(b) > 2 && b[0] == ' '
}

// parseAbslSignal reads Abseil's report of a fatal signal: critical (the signal is raised again
// and the process dies), the signal's words the error, the frames its stack.
func parseAbslSignal(ev *event.Event, b, rest string, l *Line) bool {
	if !AbslSignal(b) {
		return false
	}
	msg := strings.TrimSuffix(strings.TrimPrefix(b, "*** "), " ***")
	l.Level = "critical"
	ev.SetString(event.FieldErrorMsg, msg)
	if rest != "" {
		ev.SetString(event.FieldErrorStack, rest)
	}
	finishLibraryLine(ev, l, msg, "")
	return true
}
