package vllm

import (
	"bytes"
	"strings"
	"time"

	"github.com/sluice-dev/sluice/parsers/compose"
	"github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/parsers/uvicorn"
)

// Line is one vLLM output line taken apart by its structure. vLLM writes, in this order:
//
//   - a process prefix, in V1 and in V0 multiprocess workers: "(APIServer pid=1) ",
//     "(EngineCore_DP0 pid=281) ", "(VllmWorker rank=6 pid=97) ", Ray's "(RayWorkerWrapper
//     pid=5, ip=10.0.0.5) ", coloured cyan when the stream is a terminal;
//   - a logging header: "INFO 05-12 08:01:39 [loggers.py:271] " (0.6 and later, the file may be
//     a shortened path under VLLM_LOGGING_LEVEL=DEBUG) or "INFO 02-28 21:48:18 metrics.py:161] "
//     (up to 0.5), with ANSI colours on the level, time and file since 0.11; or uvicorn's
//     "INFO:     " for the HTTP server's own lines; or nothing, for what a process writes to
//     stdout/stderr directly (an uncaught traceback);
//   - the message.
//
// Colours are removed first. Every part is optional; Body is what remains.
type Line struct {
	// Text is the line without ANSI escapes and without a trailing '\r' (the logging
	// formatter ends every line of a multi-line record with "\r\n").
	Text string
	// Stamp is the time `kubectl logs --timestamps` or `docker logs -t` put before the line
	// (zero without one); the rest of the line is read as if it were not there.
	Stamp time.Time
	// StampShown says Stamp is a viewer's zoned time in brackets ("[2024-09-10T16:54:45Z] "),
	// which the line was copied with: it beats the frame's time.
	StampShown bool
	// Proc is the whole process prefix without its trailing space, "" when there is none.
	Proc     string
	ProcName string
	// Tag is the syslog or journal tag of the line's frame ("nv-fabricmanager[29850]",
	// "kernel"), "" without one: lines of different programs are never one record.
	Tag string
	// FastChat says the line is a record of FastChat's stderr logger (FastChatStderr), whose
	// prefix the rest is read without: pylog's, not vLLM's.
	FastChat bool
	// Service is the docker compose service whose prefix the line had ("llm-1" for "llm-1  |
	// ..."), "" without one: `docker compose logs` interleaves its services' lines.
	Service string
	// Daemon is the Ray daemon whose name alone prefixed the line ("raylet" for "(raylet) ..."):
	// Proc stays "", since such a prefix names no process of the program.
	Daemon string
	// RankOnly is set when Proc is PyTorch's "[rank0]:" alone, which any distributed program's
	// uncaught exception carries (torch 2.4 and later), so it says nothing of vLLM.
	RankOnly bool
	PID      int64
	Rank     int64  // -1 when the prefix names no rank
	IP       string // the node's address in a Ray actor's prefix ("ip=10.0.0.5"), "" without one
	// Parallel holds the data-, pipeline-, tensor- and expert-parallel ranks a V1 process
	// names ("Worker_DP1_PP0_TP3_EP11", "VllmWorker PP0_TP1", "EngineCore_DP2"), -1 for a group
	// it does not name.
	Parallel Ranks
	// Header is the logging header without its trailing space ("ERROR 05-01 14:39:06
	// [core.py:1131]", "ERROR:"), "" when there is none. Lines of one multi-line record repeat it.
	Header string
	// Uvicorn is set when the header is uvicorn's "LEVEL:" form.
	Uvicorn bool
	// Level is the lowercase ECS level of the header ("warning"), "" without a header.
	Level string
	// Month .. Nano are the header's time; Month is 0 without one. Year is 0 but where a
	// logging config's datefmt wrote it.
	Year, Month, Day, Hour, Min, Sec, Nano int
	// NoSeconds says the header's time is to the minute (a datefmt without seconds): Sec is 0.
	NoSeconds bool
	File      string
	FileLine  int64
	Body      string
}

// trimCR returns line without the carriage return a CRLF line ends in, or its caret notation
// ("^M", as cat -v and less show it, and a paste of their output keeps it).
func trimCR(line string) string {
	if n := len(line); n > 0 && line[n-1] == '\r' {
		return line[:n-1]
	} else if n > 2 && line[n-1] == 'M' && line[n-2] == '^' {
		return line[:n-2]
	}
	return line
}

// Split takes line apart. It never fails: a line with none of the parts has Body == Text.
func Split(line string) Line {
	l := Line{Text: StripANSI(trimCR(line)), Rank: -1, Parallel: noParallel}
	rest := l.Text
	if len(rest) > 1 && rest[0] == 0 {
		// NULs a line opens with (a Ray driver's forwarded line after a file that was cut, as a
		// paste shows "^@(ServeController pid=752460) WARNING ..."): read past, kept in Text
		rest = strings.TrimLeft(rest, "\x00")
	}
	if len(rest) > 4 && rest[0] == '^' && rest[1] == 'C' && rest[2] != ' ' {
		// a terminal's echo of Ctrl+C before the line the interrupted program printed next
		// ("^C[W106 01:34:16.357373000 TCPStore.cpp:347] [c10d] ..."): read past, kept in Text
		rest = rest[2:]
	}
	if len(rest) > 4 && (rest[0] == '[' || rest[0] == ' ') {
		rest = orphanColour(rest) // read without them; the message keeps them, as written
	}
	rest = StripPastedColour(rest) // vLLM 0.11's coloured level, time and file, pasted
	cr := strings.IndexByte(rest, '\r') >= 0
	if cr && rest[0] != '(' {
		// a terminal shows what follows the last '\r': a tqdm bar's refreshes, then the line a
		// program printed over them ("\r  0%|...| 0/801 [00:00<?, ?it/s]\r[rank2]: Traceback
		// (most recent call last):"); Text, and so the message, stays whole. Under a process
		// prefix ("(EngineCore pid=187) \r<bar>\r<bar>") the prefix is read first.
		rest = afterCR(rest)
	}
	if b, ok := AfterBar(rest); ok {
		rest = b // a record written on the line of a progress bar that left no line break
	} else if b, ok := afterNCCLChunk(rest); ok {
		rest = b
	}
	if n := consoleClock(rest); n > 0 {
		// a job console's time of day before a rank's torch line ("18:11:06.680 [rank4]:[E205
		// 18:11:06.375750231 ProcessGroupNCCL.cpp:1870] ...", "[01:17:10.938]: W1024 ..."):
		// read past, the runtime's time stays
		rest = rest[n:]
	}
	if len(rest) > 20 && rest[0] >= '0' && rest[0] <= '9' && (rest[10] == 'T' || rest[10] == ' ') {
		// "2026-05-12T08:01:39.331095044Z " (kubectl logs --timestamps), or a Ray driver's
		// "2026-03-09 01:27:30.122744672 " before the prefix of the actor it forwards
		if t, n, ok := parseutil.RFC3339(rest); ok && n+1 < len(rest) && rest[n] == ' ' &&
			(rest[10] == 'T' || rest[n+1] == '(') {
			l.Stamp, rest = t, rest[n+1:]
			if r, ok := subprocessRelay(rest); ok {
				rest = r
			}
		} else if ok && (n == 19 || n == 23) && n < len(rest) && rest[n] == ' ' {
			// Docker Desktop's stamp, local time without zone, before uvicorn's access line
			// ("2024-10-27 23:04:40 INFO:     172.24.0.1:51444 - \"POST ...\" 200 OK", as its
			// log view copies it), or a viewer's with milliseconds and a bar ("2025-05-30
			// 09:55:22.282 | INFO:     ..."): read past, its time no zone's (the runtime's
			// frame tells it)
			if after := strings.TrimPrefix(rest[n+1:], "| "); strings.HasPrefix(after, "INFO:     ") {
				rest = after
			} else if n == 19 && (IsGroupTraceStart(after) || strings.HasPrefix(strings.TrimLeft(after, " "), "| ")) {
				// and the same stamp before every line of an exception group's drawing
				// ("2025-05-20 19:21:36   + Exception Group Traceback (most recent call
				// last):", "2025-05-20 19:21:36   |   File ..."), a viewer's copy
				rest = after
			} else if viewerCopied(after) {
				// and before every line of a traceback and asyncio's report of it (Docker
				// Desktop's copy: "2024-06-10 13:26:25 Exception in callback ...",
				// "2024-06-10 13:26:25 Traceback (most recent call last):", its frames, the
				// exception's line)
				rest = after
			}
		}
	}
	if len(rest) > 24 && rest[0] == '[' && rest[11] == 'T' && rest[1] == '2' {
		// a log viewer's or platform's time in brackets before a vLLM or torch line (its process
		// prefix first or not), in UTC ("[2024-09-10T16:54:45Z] INFO 09-10 09:54:45
		// async_llm_engine.py:206] ..."): the
		// runtime's time, the line read as if it were not there (a format whose own time is
		// bracketed, Airflow's "[2026-04-05T20:57:13.914+0000] {taskinstance.py:2905} ERROR -
		// ...", stays whole)
		if end := strings.IndexByte(rest[:min(len(rest), 40)], ']'); end > 20 && end+2 < len(rest) && rest[end+1] == ' ' {
			after := rest[end+2:]
			probe := Line{Rank: -1, Parallel: noParallel}
			inner := after
			if after[0] == '(' {
				inner = after[probe.processes(after):] // "(APIServer pid=13457) INFO 08-12 ..."
			}
			if t, n, ok := parseutil.RFC3339(rest[1:end]); ok && n == end-1 && parseutil.Zoned(rest[1:end]) &&
				(strings.HasPrefix(inner, "[rank") || probe.header(inner) > 0 || tracebackLine(inner)) {
				l.Stamp, l.StampShown, rest = t, true, after
			}
		}
	} else if len(rest) > 23 && rest[0] == '[' && rest[11] == ' ' && rest[20] == ']' && rest[21] == ' ' && rest[1] == '2' {
		// a line stamper's time without a zone before every line of the output, a traceback's
		// frames and carets too ("[2025-06-11 15:02:55] ERROR:    Exception in ASGI
		// application", "[2025-06-11 15:02:55]   File ..."), which no Python formatter writes
		// (its time is the record's first line's, with milliseconds): read past; its time is
		// no zone's, the runtime's frame tells it
		after := rest[22:]
		probe := Line{Rank: -1, Parallel: noParallel}
		inner := after
		if after[0] == '(' {
			inner = after[probe.processes(after):]
		}
		if _, n, ok := parseutil.RFC3339(rest[1:20]); ok && n == 19 && (inner == TracebackHeader || IsFrameLine(inner) || len(inner) > 4 && inner[0] == ' ' ||
			// a Ray actor's torch line under it (verl's driver: "[2025-05-10 00:18:21]
			// (WorkerDict pid=1230, ip=...) [rank15]:[E510 00:18:19.328151517
			// ProcessGroupNCCL.cpp:2168] ...")
			len(inner) < len(after) && strings.HasPrefix(inner, "[rank")) {
			rest = after
		}
	}
	if n := FastChatStderr(rest); n > 0 {
		// FastChat's controller and workers log what their process writes to stderr through a
		// logger named stderr, a line a record: "2023-12-15 00:46:02 | ERROR | stderr |
		// Traceback (most recent call last):", each frame's line under the same prefix
		rest, l.FastChat = rest[n:], true
	}
	if name, n := compose.Prefix(rest); n > 0 {
		// `docker compose logs` interleaves its services' lines: "llm-1  | ...", "backend-1  |
		// ...": lines of different services are never one record
		l.Service, rest = name, rest[n:]
	}
	if n, tag := syslogPrefix(rest); n > 0 {
		l.Tag, rest = rest[tag:n-2], rest[n:]
	}
	if n, service := LabelLen(rest); n > 0 {
		if l.Service == "" {
			l.Service = service
		}
		rest = rest[n:]
	}
	if n := l.rankPrefix(rest); n > 0 {
		rest = rest[n:]
	}
	if len(rest) > 0 && (rest[0] == '(' || rest[0] == '[') {
		rest = rest[l.processes(rest):]
		if l.Proc != "" && !l.RankOnly {
			// a rank's uncaught exception relayed by Ray's log monitor: "(RayTrainWorker
			// pid=43515) [rank1]: Traceback (most recent call last):", the rank's prefix on
			// each line after the actor's
			if rank, n := RankPrefix(rest); n > 0 {
				if l.Rank < 0 {
					l.Rank = rank
				}
				rest = rest[n:]
			}
		}
	}
	if n := l.header(rest); n > 0 {
		rest = rest[n:]
	} else if n := l.prefixedHeader(rest); n > 0 {
		rest = rest[n:]
	} else if n := l.kserveTrace(rest); n > 0 {
		rest = rest[n:]
	} else if n := l.cutHeaderFile(rest); n > 0 {
		rest = rest[n:]
	}
	if cr {
		rest = afterCR(rest)
	}
	// rsyslog writes the carriage return a terminal's output ends in as "#015" (the message
	// keeps it, as written)
	rest = strings.TrimSuffix(rest, "#015")
	if n := len(rest); n > 30 && rest[n-1] == ']' && strings.HasSuffix(rest, "x across cluster]") {
		// Ray's log deduplicator's count after each line it collapsed, every line of a record
		// the ranks logged alike ("... Traceback (most recent call last): [repeated 6x across
		// cluster]"): the line's text is without it
		rest = Unrepeated(rest)
	}
	if len(rest) > len(TracebackHeader) && rest[len(rest)-1] == ' ' && strings.TrimRight(rest, " ") == TracebackHeader {
		rest = TracebackHeader // a copy whose lines end in a space (vllm-ascend's V0 pastes)
	}
	l.Body = rest
	return l
}

// consoleClock returns the length of a job console's time of day before a rank's torch line,
// "18:11:06.680 " or "[01:17:10.938]: " (milliseconds), with the space after it, or 0: only before
// "[rankN]:" or torch's own glog header, which no formatter stamps so.
func consoleClock(s string) int {
	n := 0
	switch {
	case len(s) > 14 && s[0] == '[' && s[3] == ':' && s[13] == ']' && strings.HasPrefix(s[14:], ": "):
		if _, _, _, _, n, ok := parseutil.Clock(s[1:13]); !ok || n != 12 {
			return 0
		}
		n = 16
	case len(s) > 13 && s[2] == ':' && s[12] == ' ' && s[0] >= '0' && s[0] <= '2':
		if _, _, _, _, n, ok := parseutil.Clock(s[:12]); !ok || n != 12 {
			return 0
		}
		n = 13
	default:
		return 0
	}
	if t := s[n:]; strings.HasPrefix(t, "[rank") || len(t) > 6 && (t[0] == 'W' || t[0] == 'E' || t[0] == 'I') && parseutil.AllDigits(t[1:5]) && t[5] == ' ' {
		return n
	}
	return 0
}

// viewerCopied reports whether s, after a log viewer's time without a zone and without brackets
// (Docker Desktop's), is a line that no Python formatter stamps itself: a traceback's, its frames
// indented as Python prints them (a viewer that trimmed them loses the source lines under them
// too), asyncio's report over one and its context lines.
func viewerCopied(s string) bool {
	return s == TracebackHeader || len(s) > 4 && s[0] == ' ' || ChainMarker(s) || IsBareException(s) || AsyncioReport(s) || AsyncioContext(s)
}

// tracebackLine reports whether s is a line of a Python traceback: its header, a frame, the
// frame's source or carets (indented), the words between chained ones, the exception's line.
func tracebackLine(s string) bool {
	return s == TracebackHeader || IsFrameLine(s) || len(s) > 4 && s[0] == ' ' || ChainMarker(s) || IsBareException(s)
}

// processes reads the process prefix at the start of s and returns its length, 0 when there is
// none. A process that relays another's output puts its prefix before the writer's: "(Worker
// pid=313) (Worker_TP1 pid=313) ", "(EngineCore_DP0 pid=7) (Worker_TP0 pid=9) ", Ray's
// "(APIServer pid=5332) (DPEngineCoreActor pid=5439, ip=...) ". The writer, innermost, is the
// process; Proc keeps both, so that the lines of two writers relayed by one process are told
// apart. A parallel rank the writer does not name is the relay's: the workers an engine core
// relays ("(EngineCore_0 pid=7) (RayWorkerWrapper pid=9) ") are of its data-parallel rank.
func (l *Line) processes(s string) int {
	n := l.process(s)
	// each relay puts its prefix before the one it relays: "(APIServer pid=1) (EngineCore_DP6
	// pid=2454) (Worker_DP6_EP6 pid=2516) ", Ray Serve's replica, engine core, Ray worker and
	// worker (four): the last is the writer
	for n > 0 && n < len(s) && s[n] == s[0] {
		inner := Line{Rank: -1, Parallel: noParallel}
		k := inner.process(s[n:])
		if k <= 0 {
			break
		}
		if inner.Daemon != "" && inner.ProcName == "" && l.ProcName != "" {
			// a Ray daemon's line the engine core relays ("(EngineCore_DP0 pid=1879) (raylet) A
			// worker died or was killed ..."): the daemon's, through the relay, which stays the process
			l.Daemon = inner.Daemon
			if inner.IP != "" {
				l.IP = inner.IP
			}
			l.Proc = s[:n+k-1]
			return n + k
		}
		for i, r := range inner.Parallel {
			if r < 0 {
				inner.Parallel[i] = l.Parallel[i]
			}
		}
		l.ProcName, l.PID, l.Rank, l.Parallel = inner.ProcName, inner.PID, inner.Rank, inner.Parallel
		if inner.IP != "" {
			l.IP = inner.IP // else the node the relaying Ray actor named, which the writer runs on too
		}
		l.Proc = s[:n+len(inner.Proc)]
		n += k
	}
	return n
}

// ProcessPrefix reads the process prefix (one, or a relaying process's and the writer's) that
// vLLM's and Ray's processes put before another library's line ("(VllmWorker rank=1 pid=421)
// [2025-09-24 07:10:25,908] LMCache ERROR: ..."), and returns it and its length, 0 when s does
// not start with one. SetProcess sets its fields.
func ProcessPrefix(s string) (Line, int) {
	l := Line{Rank: -1, Parallel: noParallel}
	if s == "" || s[0] != '(' && s[0] != '[' {
		return l, 0
	}
	n := l.processes(s)
	return l, n
}

// AfterBar returns what follows a tqdm progress bar that opens s, and true, when a record follows
// it on the same line: tqdm redraws its bar without a line break, so the next record a process
// writes continues the bar's line ("Capturing CUDA graph shapes:  30%|███       | 16/53
// [00:00<00:00, 48.52it/s]DEBUG 09-09 15:33:36 [cuda_piecewise_backend.py:151] ...",
// "...0/11 [00:00<?, ?it/s](VllmWorkerProcess pid=21013) INFO 04-24 ..."). It returns s and false
// for a bar alone.
func AfterBar(s string) (string, bool) {
	if strings.HasPrefix(s, "Extension modules: ") {
		// faulthandler's list of a dying process's extension modules, cut by another
		// process's record written on its line through the same pipe ("...,
		// requests.packages.chardet.md[2026-02-23 23:52:47 TP5] Scheduler hit an exception:
		// Traceback ...", SGLang's scheduler): the record is the line's
		i := strings.Index(s, "[20")
		if i > 0 && len(s) > i+22 && s[i+5] == '-' && s[i+8] == '-' && s[i+11] == ' ' && s[i+14] == ':' && s[i+17] == ':' {
			return s[i:], true
		}
		return s, false
	}
	if strings.HasPrefix(s, "Running ") {
		// Ray Data's progress bar, its rows and their rate ("Running 0: 0.00 row [00:00, ? row/s]"),
		// and a record written on its line ("[2025-09-19 21:18:58,205 E 2956326 2956326]
		// core_worker.cc:2151: Actor with class name: ...", Ray's core)
		if end := strings.Index(s[:min(len(s), 128)], " row/s]"); end > 0 {
			if after := s[end+len(" row/s]"):]; strings.TrimSpace(after) != "" && after[0] != ' ' && after[0] != '\r' {
				return after, true
			}
		}
		return s, false
	}
	if len(s) > 16 && s[0] >= '1' && s[0] <= '9' {
		// a bar of no known total, a count and its rate: "498366it [00:12, 59214.38it/s]04/30/2025
		// 19:15:41 - INFO - Writing 500000 records to /data/csv/x000.csv"
		i := 1
		for i < len(s) && i < 20 && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if strings.HasPrefix(s[i:], "it [") {
			end := strings.IndexByte(s[i:min(len(s), i+64)], ']')
			if end > 0 {
				stats, after := s[i+4:i+end], s[i+end+1:]
				if strings.Contains(stats, ", ") && (strings.HasSuffix(stats, "it/s") || strings.HasSuffix(stats, "s/it")) &&
					strings.TrimSpace(after) != "" && after[0] != ' ' && after[0] != '\r' {
					return after, true
				}
			}
		}
	}
	pct := strings.Index(s[:min(len(s), 256)], "%|")
	if pct < 0 {
		return s, false
	}
	bar := strings.IndexByte(s[pct+2:], '|')
	if bar < 0 {
		if r, ok := cutBar(s[pct+2:]); ok {
			return r, true
		}
		return s, false
	}
	rest := s[pct+2+bar+1:]
	open := strings.Index(rest[:min(len(rest), 40)], " [")
	if open < 0 {
		return s, false
	}
	end := strings.IndexByte(rest[open:], ']')
	if end < 0 {
		return s, false
	}
	stats := rest[open+2 : open+end]
	if !strings.Contains(stats, "<") || !strings.Contains(stats, "/s") && !strings.Contains(stats, "s/") {
		return s, false
	}
	after := rest[open+end+1:]
	if strings.TrimSpace(after) == "" || after[0] == ' ' || after[0] == '\r' {
		return s, false
	}
	return after, true
}

// subprocessRelay returns what follows the tracing header dynamo-run relays its engine
// subprocess's output under, one line of the child a record ("DEBUG dynamo_run::subprocess:   File
// \"/tmp/.tmpBzdG3l\", line 202, in init", after the record's time): the child's own line,
// read as if written alone (a traceback's lines go together again).
func subprocessRelay(s string) (string, bool) {
	s = strings.TrimLeft(s, " ")
	lv, _, ok := strings.Cut(s[:min(len(s), 8)], " ")
	if !ok || lv != "DEBUG" && lv != "INFO" && lv != "WARN" && lv != "ERROR" && lv != "TRACE" {
		return "", false
	}
	rest := strings.TrimLeft(s[len(lv):], " ")
	return strings.CutPrefix(rest, "dynamo_run::subprocess: ")
}

// cutBar reads a bar cut inside its blocks by a record another process wrote (tqdm's refresh
// interrupted mid-character, the cut byte shown as U+FFFD by the copy): "Capturing CUDA graph
// shapes:  69%|█\ufffd(VllmWorkerProcess pid=2439532) INFO 05-10 15:54:05 ...". It returns the
// record after the blocks when it opens with a process prefix, and whether it does.
func cutBar(s string) (string, bool) {
	i := 0
	for i < len(s) && i < 256 {
		switch {
		case strings.HasPrefix(s[i:], "\ufffd"):
			i += len("\ufffd")
		case s[i] == 0xe2 || s[i] == 0x96 || s[i] >= 0x80 && s[i] <= 0x9f || s[i] == ' ' || s[i] == '#':
			i++ // the blocks (U+2588 and the partial ones, E2 96 8x), a cut one's first bytes
		default:
			if i > 0 && s[i] == '(' && strings.Contains(s[i:min(len(s), i+96)], " pid=") {
				return s[i:], true
			}
			return "", false
		}
	}
	return "", false
}

// afterCR returns what follows the last '\r' in s, s when nothing does.
func afterCR(s string) string {
	if i := strings.LastIndexByte(s, '\r'); i >= 0 && i+1 < len(s) {
		return s[i+1:]
	}
	return s
}

// kserveTrace reads the header of KServe's trace logger on the vLLM backend's request lines,
// which KServe's Hugging Face server logs through it: "2025-05-14 17:45:10.901 1647689 kserve.trace
// Received request chatcmpl-...: prompt: ...". It returns the length up to the message, or 0.
// The header has no level: the line is vLLM's request line, read as such (its prompt replaced
// as the options say).
func (l *Line) kserveTrace(s string) int {
	if len(s) < 40 || s[10] != ' ' {
		return 0
	}
	t, n, ok := parseutil.RFC3339(s[:min(len(s), 32)]) // "2025-05-14 17:45:10.901"
	if !ok || s[n] != ' ' {
		return 0
	}
	i := n + 1
	pidEnd := strings.IndexByte(s[i:min(len(s), i+12)], ' ')
	if pidEnd <= 0 || !strings.HasPrefix(s[i+pidEnd+1:], "kserve.trace ") {
		return 0
	}
	// Only vLLM's own request lines: KServe's traces ("requestId: ..., preprocess_ms: ...")
	// are pylog's.
	if body := s[i+pidEnd+1+len("kserve.trace "):]; !strings.HasPrefix(body, "Received request ") &&
		!strings.HasPrefix(body, "Generated response ") {
		return 0
	}
	pid, ok := parseutil.Atoi(s[i : i+pidEnd])
	if !ok {
		return 0
	}
	// The line's own date, year included; the container runtime's time wins when there is one.
	l.Stamp = t
	end := i + pidEnd + 1 + len("kserve.trace ")
	l.Header, l.PID = s[:end-1], pid
	return end
}

// prefixedHeader finds vLLM's header after the text VLLM_LOGGING_PREFIX puts before it
// ("[node-3] INFO 05-12 08:01:39 [loggers.py:271] ...") and returns the length up to the message,
// or 0. Only a full vLLM header (level, time and file) counts, and only within the first 64
// bytes, after a space.
func (l *Line) prefixedHeader(s string) int {
	limit := min(len(s), 64)
	for i := 1; i < limit; i++ {
		// Jump from space to space: most lines have few in their first 64 bytes.
		sp := strings.IndexByte(s[i-1:limit], ' ')
		if sp < 0 {
			break
		}
		i += sp
		if i >= limit || (s[i] != 'I' && s[i] != 'W' && s[i] != 'E' && s[i] != 'D' && s[i] != 'C') {
			continue
		}
		if n := l.header(s[i:]); n > 0 {
			if !l.Uvicorn {
				l.prefixedProcess(s[:i])
				return i + n
			}
			l.Header, l.Uvicorn, l.Level = "", false, ""
		}
	}
	return 0
}

// prefixedProcess reads the process prefix that ends the text before a header found after
// VLLM_LOGGING_PREFIX's: 0.34's format puts the logging prefix first ("[node-3] (APIServer
// pid=1) INFO ..."), where earlier versions' process prefix came before it.
func (l *Line) prefixedProcess(before string) {
	if l.Proc != "" || len(before) < 8 || before[len(before)-2] != ')' {
		return
	}
	j := strings.LastIndexByte(before[:len(before)-2], '(')
	if j < 0 {
		return
	}
	p := Line{Rank: -1, Parallel: noParallel}
	if p.processes(before[j:]) == len(before)-j && p.ProcName != "" {
		l.Proc, l.ProcName, l.PID, l.Rank, l.Parallel, l.IP = p.Proc, p.ProcName, p.PID, p.Rank, p.Parallel, p.IP
	}
}

// syslogPrefix returns the length of the "Aug 19 18:34:27 host vllm[8727]: " that journald
// and syslog put before the lines of a vLLM run as a system service, or 0, and where its tag
// starts. The month may be in any language ("авг"): it is a word without digits.
func syslogPrefix(s string) (n, tag int) {
	sp := strings.IndexByte(s[:min(len(s), 16)], ' ')
	if sp < 3 || syslogTagReject.index(s[:sp]) >= 0 {
		return 0, 0
	}
	i := sp + 1
	if i+16 > len(s) || s[i+2] != ' ' || s[i+5] != ':' || s[i+8] != ':' || s[i+11] != ' ' ||
		num2(strings.Replace(s[i:i+2], " ", "0", 1)) < 1 || num2(s[i+3:]) < 0 || num2(s[i+6:]) < 0 || num2(s[i+9:]) < 0 {
		return 0, 0
	}
	i += 12
	host := strings.IndexByte(s[i:min(len(s), i+256)], ' ')
	if host <= 0 {
		return 0, 0
	}
	i += host + 1
	end := strings.Index(s[i:min(len(s), i+128)], ": ")
	if end <= 0 || strings.IndexByte(s[i:i+end], ' ') >= 0 {
		return 0, 0
	}
	return i + end + 2, i
}

// rankPrefix reads the "[rankN]: " PyTorch puts before each line a rank's uncaught exception
// prints, and returns its length with the space, or 0. "[rank0]:[E...]" (no space) is a torch
// C++ log line, read by parseTorch.
func (l *Line) rankPrefix(s string) int {
	rank, n := RankPrefix(s)
	if n == 0 && strings.HasPrefix(s, "[rank") {
		// a launcher that labels its ranks' output the way torch does, before torch's own:
		// "[rank0]:[rank0]:   File ..." (torchrun's --tee with a log prefix): one rank
		if i := strings.Index(s[:min(len(s), 16)], "]:[rank"); i > 0 {
			if r, m := RankPrefix(s[i+2:]); m > 0 && s[:i+2] == s[i+2:i+2+i+2] {
				rank, n = r, i+2+m
			}
		}
	}
	if n == 0 && strings.HasPrefix(s, "[rank") {
		// torchrun's --tee label, "[rankN]:" with no space before the rank's own line: a
		// Python warning's file ("[rank2]:/home/.../torch/backends/cuda/__init__.py:131:
		// UserWarning: ..."), its source line after it ("[rank2]:  return ..."), an
		// exception's line and its traceback's header ("[rank1]:ValueError: The decoder
		// prompt ...", the source line above it read with the space); not torch's own log
		// lines ("[rank0]:[E...]", "[rank3]:W1009 09:14:39.267000 ...")
		if end := strings.Index(s[:min(len(s), 16)], "]:"); end > 5 && (strings.HasPrefix(s[end+2:], "/") ||
			s[end+2:] == TracebackHeader || IsBareException(s[end+2:])) {
			if r, ok := parseutil.Atoi(s[len("[rank"):end]); ok {
				l.Proc, l.Rank, l.RankOnly, l.PID = s[:end+2], r, true, -1
				return end + 2
			}
		}
	}
	if n == 0 {
		return 0
	}
	l.Proc, l.Rank, l.RankOnly, l.PID = s[:n-1], rank, true, -1
	return n
}

// RankPrefix reads "[rankN]: " at the start of s: N and the prefix's length with the space, or
// 0 when s does not start with one.
func RankPrefix(s string) (int64, int) {
	rest, ok := strings.CutPrefix(s, "[rank")
	if !ok {
		return 0, 0
	}
	end := strings.Index(rest[:min(len(rest), 8)], "]: ")
	if end <= 0 {
		return 0, 0
	}
	rank, ok := parseutil.Atoi(rest[:end])
	if !ok {
		return 0, 0
	}
	return rank, len("[rank") + end + 3
}

// process reads "(Name k=v k=v) " (or "[Name k=v] ") and returns its length, or 0 when it is not
// a process prefix (it must name a numeric pid).
func (l *Line) process(s string) int {
	var end int
	if s[0] == '[' {
		// a prefix in square brackets, "[AsyncVLLMInferenceEngine pid=1308262] [EngineCore_DP0
		// pid=1308664] ", as SkyRL relays the output of the Ray actors that run its vLLM engines:
		// the same name and pid= as Ray's. Only a bracket that names a pid counts, so that a
		// "[2025-05-12 08:01:39] " or "[node-3] " before a line is not one.
		end = strings.IndexByte(s[:min(len(s), 128)], ']')
		if end < 8 || !strings.Contains(s[1:end], " pid=") || strings.IndexByte(s[1:end], '(') >= 0 {
			return 0
		}
	} else if end = closing(s[:min(len(s), 128)]); end < 3 {
		return 0
	}
	inner := s[1:end]
	if s[0] == '(' {
		if name, n := rayDaemon(s, inner, end); n > 0 {
			l.Daemon = name
			if _, ip, ok := strings.Cut(inner, ", ip="); ok && strings.IndexByte(ip, ' ') < 0 {
				l.IP = ip // "(raylet, ip=192.168.1.153)": the node the daemon runs on
			}
			return n
		}
	}
	name, kvs, ok := strings.Cut(inner, " ")
	if ok && strings.HasSuffix(name, ",") && strings.HasPrefix(kvs, "pid=") {
		name = name[:len(name)-1] // SkyPilot's "(task, pid=34615) " before its task's output
	}
	if strings.HasPrefix(inner, "pid=") {
		name, kvs, ok = "", inner, true // Ray task output: "(pid=5085)"
	}
	base := name
	if i := strings.IndexByte(name, '('); i > 0 && strings.HasSuffix(name, ")") {
		base = name[:i] // an actor named with its arguments: Llumnix's "Llumlet(iid=ff8a7)"
	}
	if !ok || procNameReject.index(base) >= 0 {
		return 0
	}
	pid, rank, par, ip := int64(-1), int64(-1), noParallel, ""
	ranked := true
	if groups, ok := strings.CutPrefix(name, "Worker_"); ok {
		// vLLM 0.10.2 and later: "Worker_PP1_TP0"
		parallelRanks(&par, groups)
		// a prefill-context-parallel worker past the first ("Worker_PCP1_TP4_DCP4_EP12") has a
		// rank its name does not give: its TP rank is that of a PCP0 worker too
		for g := range strings.SplitSeq(groups, "_") {
			if n, ok := strings.CutPrefix(g, "PCP"); ok && n != "0" {
				ranked = false
			}
		}
	} else if n, ok := strings.CutPrefix(name, "EngineCore_"); ok {
		// an engine's data-parallel rank, "EngineCore_DP6" (0.8's "EngineCore_1"), as its
		// workers' (every V1 engine has one, DP or not: 0 alone)
		if dp, isNum := parseutil.Atoi(strings.TrimPrefix(n, "DP")); isNum {
			par[parDP] = dp
		}
	} else if n, ok := strings.CutPrefix(name, "APIServer_DP"); ok {
		// 0.34's DP supervisor runs an API server per data-parallel rank, named for it
		// ("APIServer_DP1"): its refusals and errors are that rank's, as its engine core's
		if dp, isNum := parseutil.Atoi(n); isNum {
			par[parDP] = dp
		}
	}
	for kvs != "" {
		var kv string
		kv, kvs, _ = strings.Cut(kvs, " ")
		kv = strings.TrimSuffix(kv, ",")
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			// vLLM 0.10.0 and 0.10.1 name a worker "VllmWorker TP0" or "VllmWorker PP1_TP0"
			if name != "VllmWorker" || par != noParallel || !parallelRanks(&par, kv) {
				return 0
			}
			continue
		}
		switch k {
		case "pid":
			if pid, ok = parseutil.Atoi(v); !ok {
				return 0
			}
		case "rank":
			if rank, ok = parseutil.Atoi(v); !ok {
				return 0
			}
		case "ip":
			ip = v
		}
	}
	if pid < 0 {
		return 0
	}
	if rank < 0 && ranked {
		rank = par.rank()
	}
	l.Proc, l.ProcName, l.PID, l.Rank, l.Parallel, l.IP = s[:end+1], name, pid, rank, par, ip
	if end+1 < len(s) && s[end+1] == ' ' {
		return end + 2
	}
	return end + 1
}

// Indexes of Line.Parallel.
const (
	parDP = iota
	parPP
	parTP
	parEP
)

// Ranks are a process's data-, pipeline-, tensor- and expert-parallel ranks.
type Ranks [4]int64

var noParallel = Ranks{-1, -1, -1, -1}

// parallelRanks reads groups such as "DP1_PP0_TP3_EP11" into par and reports whether every group
// was one it knows (context-parallel groups, PCP and DCP, are read and not kept). vLLM names a
// group only when it has more than one rank.
func parallelRanks(par *Ranks, groups string) bool {
	for groups != "" {
		var g string
		g, groups, _ = strings.Cut(groups, "_")
		i := 0
		for i < len(g) && g[i] >= 'A' && g[i] <= 'Z' {
			i++
		}
		n, ok := parseutil.Atoi(g[i:])
		if !ok || n < 0 {
			return false
		}
		switch g[:i] {
		case "DP":
			par[parDP] = n
		case "PP":
			par[parPP] = n
		case "TP":
			par[parTP] = n
		case "EP":
			par[parEP] = n
		case "PCP", "DCP":
		default:
			return false
		}
	}
	return true
}

// rank is the worker's rank within its engine where the name gives it alone: the tensor-parallel
// rank without pipeline stages, or the stage without tensor parallelism. With both it also
// depends on the tensor-parallel size, which the name does not say.
func (par *Ranks) rank() int64 {
	switch {
	case par[parTP] >= 0 && par[parPP] < 0:
		return par[parTP]
	case par[parPP] >= 0 && par[parTP] < 0:
		return par[parPP]
	}
	return -1
}

// closing returns the index of the ')' that closes the '(' at s[0], past nested pairs (Ray Data
// names its actors "MapWorker(MapBatches(vLLMEngineActor))"), or -1.
func closing(s string) int { return parseutil.Closing(s, '(', ')') }

// rayDaemons are the Ray processes whose output Ray forwards to the driver under their name
// alone: "(raylet) ", "(raylet, ip=10.0.0.5) ", "(autoscaler +1m2s) ".
var rayDaemons = [...]string{"raylet", "gcs_server", "autoscaler", "dashboard", "monitor", "log_monitor"}

// IsRayDaemon reports whether name is one of the Ray daemons whose forwarded output carries
// their name alone: "(raylet) ".
func IsRayDaemon(name string) bool {
	for _, d := range rayDaemons {
		if name == d {
			return true
		}
	}
	return false
}

// rayDaemon returns the daemon a Ray daemon prefix at s names and the prefix's length (inner is
// what its parentheses hold, ending at s[end]), or 0. It names no pid, so only the prefix itself
// is kept.
func rayDaemon(s, inner string, end int) (string, int) {
	name, _, _ := strings.Cut(inner, ",")
	name, elapsed, _ := strings.Cut(name, " ")
	if name == "scheduler" && strings.HasPrefix(elapsed, "+") {
		// the autoscaler's events as Ray before 2.x prefixed them, "(scheduler +2h13m57s,
		// ip=...) Error: No available node types can fulfill resource request ..."
		name = "autoscaler"
	}
	switch {
	case !IsRayDaemon(name):
		return "", 0
	case end+1 < len(s) && s[end+1] == ' ':
		return name, end + 2
	}
	return name, end + 1
}

// level maps the upper-case level names of Python's logging to ECS's lowercase ones.
func level(s string) string {
	switch s {
	case "DEBUG":
		return "debug"
	case "INFO":
		return "info"
	case "WARNING", "WARN":
		return "warning"
	case "ERROR":
		return "error"
	case "CRITICAL", "FATAL":
		return "critical"
	case "TRACE":
		return "debug"
	}
	return ""
}

// header reads a vLLM or uvicorn logging header at s and returns its length with the space
// after it, or 0.
func (l *Line) header(s string) int {
	i := 0
	for i < len(s) && i < 9 && s[i] >= 'A' && s[i] <= 'Z' {
		i++
	}
	lv := level(s[:i])
	if lv == "" || i >= len(s) {
		return 0
	}
	if s[i] == ':' {
		// uvicorn: "INFO:" padded to 9 columns, then a space: "CRITICAL: ", "ERROR:    ".
		pad := max(8-i, 0) + 1
		j := i + 1
		for j < len(s) && s[j] == ' ' {
			j++
		}
		if j-(i+1) < pad && j < len(s) {
			// a paste that collapsed the padding ("INFO: 10.10.18.231:51422 - \"POST
			// /v1/embeddings HTTP/1.1\" 400 Bad Request", a web console's): only an access line
			// or uvicorn's own record of a failed request ("ERROR: Exception in ASGI
			// application", its traceback after it)
			if _, ok := uvicorn.Split(s[j:]); !ok && !strings.HasPrefix(s[j:], "Exception in ASGI application") || j == i+1 {
				return 0
			}
		}
		l.Header, l.Uvicorn, l.Level = s[:i+1], true, lv
		// more spaces than the padding are the message's own: a traceback a program logs line
		// by line through its logger ("ERROR:      File \"...\", line 384, in f", tabbyAPI's)
		return min(j, i+1+pad)
	}
	n := l.vllmHeader(s[i:])
	if n == 0 {
		return 0
	}
	l.Header, l.Level = s[:i+n], lv
	if i+n < len(s) && s[i+n] == ' ' {
		return i + n + 1
	}
	return i + n
}

// vllmHeader reads " MM-DD HH:MM:SS[.fff] [file.py:123]" (brackets optional on the left, as in
// the first format "file.py:123]"), or the same with the year (" 2026-01-12 16:28:02.921 [...]",
// a VLLM_LOGGING_CONFIG_PATH datefmt), and returns its length, or 0.
func (l *Line) vllmHeader(s string) int {
	if l.Proc != "" && strings.HasPrefix(s, " [") {
		return l.datelessHeader(s)
	}
	if len(s) > 4 && s[0] == ' ' && s[1] >= '0' && s[1] <= '9' {
		// a logging config's "%(asctime)s %(levelname)s %(process)d [%(filename)s:%(lineno)d]"
		// through vLLM's formatter, which repeats it on every line of a record ("2024-12-19
		// 21:40:35 ERROR 56542 [async_llm_engine.py:64] ...", found after its time by
		// prefixedHeader): the pid, then the file
		j := 1
		for j < len(s) && j < 9 && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j < len(s)-1 && s[j] == ' ' && s[j+1] == '[' {
			if n := l.datelessHeader(s[j:]); n > 0 {
				if pid, ok := parseutil.Atoi(s[1:j]); ok && l.PID == 0 {
					l.PID = pid
				}
				return j + n
			}
		}
	}
	// a logging config's datefmt with the year: " YYYY-MM-DD HH:MM:SS[.fff]"
	year := 0
	if len(s) > 6 && s[5] == '-' && s[0] == ' ' {
		if hi, lo := num2(s[1:]), num2(s[3:]); hi >= 19 && lo >= 0 {
			year = hi*100 + lo
		}
		if year == 0 {
			return 0
		}
		s = s[5:]
	}
	if len(s) < 16 || s[0] != ' ' && year == 0 || s[3] != '-' || s[6] != ' ' || s[9] != ':' {
		return 0
	}
	i := 15
	mo, d, h, mi, se := num2(s[1:]), num2(s[4:]), num2(s[7:]), num2(s[10:]), 0
	switch {
	case s[12] == ':':
		se = num2(s[13:])
	case s[12] == ' ' && s[13] == '[' && year == 0:
		// a datefmt without the seconds ("ERROR 11-03 23:14 [serving_chat.py:1145] ...", a
		// logging config's, vllm-project/vllm #28028): the minute's start
		i = 12
	default:
		return 0
	}
	if mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 60 {
		return 0
	}
	nano, ms, digits := 0, 0, 0
	if i < len(s) && (s[i] == '.' || s[i] == ',') {
		j, scale := i+1, 100000000
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			nano += int(s[j]-'0') * scale
			ms = ms*10 + int(s[j]-'0')
			scale /= 10
			j++
		}
		digits, i = j-i-1, j
	}
	if i >= len(s) || s[i] != ' ' {
		return 0
	}
	i++
	if i < len(s) && s[i] == '[' {
		i++
	} else if digits > 0 && digits < 3 {
		// NVIDIA NIM's "%(asctime)s.%(msecs)d", unpadded: "22:28:29.75" is 75 milliseconds
		nano = ms * 1000000
	}
	end := strings.IndexByte(s[i:min(len(s), i+256)], ']')
	if end < 3 {
		return 0
	}
	loc := s[i : i+end]
	// "[async_llm.py:485[]": a bug report whose rendering turned every "]" into "[]"
	loc = strings.TrimSuffix(loc, "[")
	colon := strings.LastIndexByte(loc, ':')
	if colon <= 0 || strings.IndexByte(loc, ' ') >= 0 {
		return 0
	}
	ln, ok := parseutil.Atoi(loc[colon+1:])
	if !ok {
		return 0
	}
	l.Year, l.Month, l.Day, l.Hour, l.Min, l.Sec, l.Nano = year, mo, d, h, mi, se, nano
	l.NoSeconds = s[12] == ' '
	l.File, l.FileLine = loc[:colon], ln
	if year != 0 {
		return i + end + 1 + 5
	}
	return i + end + 1
}

// cutHeaderFile reads the header a paste cut down to its file, "[entrypoints/logger.py:37] ",
// before one of the request logger's lines ("Request <id> details: prompt: ...", "Generated
// response <id> ...", "Received request <id>: ..."), whose user data is then read and replaced
// as under the whole header, before an exception's line ("[multiproc_executor.py:492]
// ValueError: Free memory on device ...", where vllm-project/vllm issue #20305's excerpt
// begins), or before a failure the parser classes (V0's "scheduler.py:648] Input prompt (36893
// tokens) is too long and exceeds limit of 1000", vllm-project/vllm issue #10440); 0 for another
// line.
func (l *Line) cutHeaderFile(s string) int {
	if len(s) < 20 || s[0] != '[' && (s[0] < 'a' || s[0] > 'z' || !strings.Contains(s[:min(len(s), 64)], ".py:")) {
		return 0
	}
	end := strings.Index(s[:min(len(s), 128)], "] ")
	if end < 6 || s[end-1] < '0' || s[end-1] > '9' {
		return 0
	}
	loc := s[:end+1]
	if s[0] != '[' {
		// V0's header cut down to its file, without brackets: "scheduler.py:648] "
		if strings.IndexByte(loc, ' ') >= 0 || strings.IndexByte(loc, '[') >= 0 {
			return 0
		}
		loc = "[" + loc
	}
	probe := Line{}
	if probe.datelessHeader(" "+loc) == 0 {
		return 0
	}
	b := s[end+2:]
	if !strings.HasPrefix(b, "Received request ") && !strings.HasPrefix(b, "Generated response ") &&
		!(strings.HasPrefix(b, "Request ") && (strings.Contains(b[:min(len(b), 300)], " details: ") || strings.Contains(b[:min(len(b), 300)], " JSON body: "))) &&
		!IsBareException(b) && Classify(b) == "" {
		return 0
	}
	l.Header, l.File, l.FileLine = s[:end+1], probe.File, probe.FileLine
	return end + 2
}

// datelessHeader reads " [file.py:123]", vLLM's header without its date (a logging config or a
// paste that left %(asctime)s out), under a vLLM process's prefix: "(APIServer pid=1) ERROR
// [serving.py:830] ...". The line has no time of its own.
func (l *Line) datelessHeader(s string) int {
	end := strings.IndexByte(s[:min(len(s), 128)], ']')
	if end < 6 {
		return 0
	}
	loc := s[2:end]
	colon := strings.LastIndexByte(loc, ':')
	if colon <= 0 || !strings.HasSuffix(loc[:colon], ".py") || strings.IndexByte(loc, ' ') >= 0 {
		return 0
	}
	ln, ok := parseutil.Atoi(loc[colon+1:])
	if !ok {
		return 0
	}
	l.File, l.FileLine = loc[:colon], ln
	return end + 1
}

func num2(s string) int {
	if len(s) < 2 || s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' {
		return -1
	}
	return int(s[0]-'0')*10 + int(s[1]-'0')
}

// orphanColour takes off the colour codes whose escape byte a paste lost around a Ray actor's
// prefix (" [36m(RayWorkerVllm pid=5085) [0m [E ProcessGroupNCCL.cpp:475] ...", as an issue
// shows a driver's output), which would hide the prefix and the line after it.
func orphanColour(s string) string {
	t := strings.TrimLeft(s, " ")
	n := sgrLen(t)
	if n == 0 || n >= len(t) || t[n] != '(' {
		return s
	}
	t = t[n:]
	end := strings.IndexByte(t[:min(len(t), 200)], ')')
	if end < 0 {
		return t
	}
	after := strings.TrimLeft(t[end+1:], " ")
	if m := sgrLen(after); m > 0 {
		// one space after the reset is the prefix's; more are the line's own (a frame's indent)
		return t[:end+1] + " " + strings.TrimPrefix(after[m:], " ")
	}
	return t
}

// sgrLen returns the length of a colour code without its escape byte ("[36m", "[0m",
// "[1;31m") that opens s, 0 without one.
func sgrLen(s string) int {
	if len(s) < 3 || s[0] != '[' {
		return 0
	}
	for i := 1; i < len(s) && i < 10; i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9' || c == ';':
		case c == 'm' && i > 1:
			return i + 1
		default:
			return 0
		}
	}
	return 0
}

// StripANSI removes ANSI escape sequences (ECMA-48): CSI ("\x1b[1;36m", "\x1b[?25l"), OSC
// ("\x1b]0;title\a", hyperlinks "\x1b]8;;url\x1b\\"), the DCS, SOS, PM and APC strings, and
// two-byte escapes ("\x1b(B", "\x1b="). A terminal shows none of their bytes, so none may stay in
// the message: half a sequence ("]0;title") reads as text and breaks matching. A string sequence
// without its terminator loses only its escape byte, so the rest of the line is never hidden. It
// allocates only when there is something to remove.
func StripANSI(s string) string {
	i := strings.IndexByte(s, 0x1b)
	if i < 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	for i >= 0 {
		b = append(b, s[:i]...)
		s = s[i+escapeLen(s[i:]):]
		i = strings.IndexByte(s, 0x1b)
	}
	return string(append(b, s...))
}

// StripPastedColour removes the colour codes whose escape byte was lost before the line was read
// (a log viewer, an issue's paste, a shipper that drops control bytes): "[32mINFO[0m [90m05-19
// 12:24:51[0m [90m[core.py:1242][0m Shutdown", and the forms that show the escape as a space,
// as U+FFFD, as Windows' "←", in caret notation ("^[[32m") or as rsyslog writes a control byte
// ("#033[1;36m"). Only a line that holds a bare reset
// ("[0m", "[0;0m", "[39m") is taken for one, so that "[5m]" in a message stays. A line with real
// escapes is StripANSI's; this allocates only when there is something to remove.
func StripPastedColour(s string) string {
	if !bareReset(s) || strings.Contains(s, `\u001`) || strings.Contains(s, `\x1b`) || strings.Contains(s, `\033`) {
		return s // an escape written out in a quoted string ("\u001B[36m") is the string's to decode
	}
	// a space before every code stood for its escape byte ("WARNING [0m [90m07-24 13:15:43 [0m"):
	// where one is removed, the spaces left side by side are one; a code right after text or
	// after the escape's stand-in ("[32mINFO[0m [90m05-19", "^[[1mINFO    ^[[0m |") leaves the
	// spaces as they are
	spaced := true
	for i := 1; i < len(s) && spaced; i++ {
		if sgrLen(s[i:]) > 0 && s[i-1] != ' ' {
			spaced = false
		}
	}
	b := make([]byte, 0, len(s))
	removed := false
	for i := 0; i < len(s); {
		n := sgrLen(s[i:])
		if n == 0 {
			if spaced && removed && s[i] == ' ' && len(b) > 0 && b[len(b)-1] == ' ' {
				i++
				continue
			}
			removed = removed && s[i] == ' '
			b = append(b, s[i])
			i++
			continue
		}
		switch {
		case bytes.HasSuffix(b, []byte("\ufffd")):
			b = b[:len(b)-len("\ufffd")]
		case bytes.HasSuffix(b, []byte("\u2190")):
			b = b[:len(b)-len("\u2190")]
		case bytes.HasSuffix(b, []byte("^[")):
			b = b[:len(b)-2] // caret notation (less, a terminal's copy)
		case bytes.HasSuffix(b, []byte("#033")):
			b = b[:len(b)-4] // rsyslog's escape of a control byte, in octal
		case bytes.HasSuffix(b, []byte("ESC")):
			b = b[:len(b)-3] // the byte's name (less with LESS=-U, a viewer's copy: "ESC[0;36m")
		}
		i += n
		removed = true
	}
	return string(b)
}

// bareReset reports whether s holds a colour reset without its escape byte.
func bareReset(s string) bool {
	for {
		i := strings.IndexByte(s, '[')
		if i < 0 {
			return false
		}
		s = s[i+1:]
		if strings.HasPrefix(s, "0m") || strings.HasPrefix(s, "0;0m") || strings.HasPrefix(s, "39m") {
			return true
		}
	}
}

// escapeLen returns the length of the escape sequence at the start of s (s[0] is ESC).
func escapeLen(s string) int {
	if len(s) < 2 {
		return len(s)
	}
	switch c := s[1]; {
	case c == '[': // CSI: parameter bytes, intermediate bytes, one final byte
		j := 2
		for j < len(s) && s[j] >= 0x20 && s[j] <= 0x3f {
			j++
		}
		if j < len(s) && s[j] >= 0x40 && s[j] <= 0x7e {
			j++
		}
		return j
	case c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_': // OSC, DCS, SOS, PM, APC
		for j := 2; j < len(s); j++ {
			switch {
			case s[j] == 0x07:
				return j + 1
			case s[j] == 0x1b && j+1 < len(s) && s[j+1] == '\\':
				return j + 2
			}
		}
		return 1
	case c >= 0x20 && c <= 0x2f: // nF: intermediate bytes, then a final byte ("\x1b(B")
		j := 2
		for j < len(s) && s[j] >= 0x20 && s[j] <= 0x2f {
			j++
		}
		if j < len(s) && s[j] >= 0x30 && s[j] <= 0x7e {
			j++
		}
		return j
	case c >= 0x30 && c <= 0x7e: // Fp, Fe, Fs: one byte ("\x1b=", "\x1b7", "\x1bM")
		return 2
	}
	return 1
}

// FastChatStderr returns the length of FastChat's prefix on a line its process wrote to stderr,
// "2023-12-15 00:46:02 | ERROR | stderr | " (fastchat/utils.py: build_logger's format, "%(asctime)s
// | %(levelname)s | %(name)s | %(message)s", and its StreamToLogger for sys.stderr), 0 without one.
func FastChatStderr(s string) int {
	if len(s) < 38 || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':' || s[19:22] != " | " {
		return 0
	}
	lv, rest, ok := strings.Cut(s[22:min(len(s), 40)], " | ")
	if !ok || level(lv) == "" || !strings.HasPrefix(rest, "stderr |") {
		return 0
	}
	n := 22 + len(lv) + len(" | ") + len("stderr |")
	if n < len(s) && s[n] == ' ' {
		n++
	}
	return n
}

// launcherLabel returns the length of the label a job launcher puts before each line of a
// task's output, 0 without one: "[N] " (mpirun -l), Open MPI's "[1,9]<stdout>:", srun --label's
// "N: ".
func launcherLabel(s string) int {
	if len(s) > 3 && s[0] == '[' {
		return launcherTag(s)
	}
	if strings.HasPrefix(s, "stderr: ") || strings.HasPrefix(s, "stdout: ") {
		return len("stderr: ") // accelerate launch's stream before each line of its child's
	}
	if n := torchxLabel(s); n > 0 {
		return n
	}
	if n := taskNumber(s); n > 0 {
		return n
	}
	return pdshLabel(s)
}

// taskNumber returns the length of srun --label's task number at the start of s with the ": "
// after it ("12: "), or 0.
func taskNumber(s string) int {
	i := 0
	for i < len(s) && i < 6 && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 || i == 6 || !strings.HasPrefix(s[i:], ": ") {
		return 0
	}
	return i + 2
}

// LabelLen returns the length of the label a launcher puts before each line of a rank's or a
// task's output, and the stream it names (each rank's lines a stream of their own, so that two
// ranks' tracebacks stay two), or 0 and "" for a line without one:
//   - srun --label's task number padded to the widest's (" 0: ", many tasks), before every line
//     of a task's output, a traceback's source lines too;
//   - torchrun's label before each line of a local rank's output it tees ("[default3]:",
//     "[trainer0|0]:"); torch's own log lines after it ("[default1]:[E socket.cpp:610] ...")
//     keep it, their rank (parseTorch);
//   - a launcher's label before a rank's, NCCL's or a traceback's line: "[80746]
//     [rank0]:[E321 ...", srun --label's "0: host:pid:tid [5] NCCL WARN ..." (no stream of its
//     own); Open MPI's --tag-output before every line of a rank's output, "[1,0]<stderr>:" (a
//     traceback's code and carets too).
//
// The message keeps the label; the parsers that read a line's own layout read past it.
func LabelLen(s string) (int, string) {
	if n := srunPaddedLabel(s); n > 0 {
		return n, strings.TrimSpace(s[:n-2])
	}
	if n := torchrunLabel(s); n > 0 && s[n] != '[' {
		return n, s[:n-1]
	}
	if n := launcherLabel(s); n > 0 && (launched(s[n:]) || strings.HasSuffix(s[:n], ">:") || strings.HasPrefix(s, "stderr: ") || strings.HasPrefix(s, "stdout: ")) {
		if strings.HasSuffix(s[:n], ">:") {
			return n, s[:n-1]
		}
		return n, ""
	}
	return 0, ""
}

// srunPaddedLabel reads srun --label's task number where srun padded it with spaces to the width
// of the job's highest ("  0: [06/27/2025-15:55:56] [TRT-LLM] [RANK 0] [E] Traceback ...", NVIDIA
// Dynamo's TensorRT-LLM workers under Slurm): its length with the space after the colon, or 0.
// An unpadded "0: " is read only before a launched program's line (launcherLabel).
func srunPaddedLabel(s string) int {
	i := 0
	for i < len(s) && i < 4 && s[i] == ' ' {
		i++
	}
	n := i + taskNumber(s[i:])
	if i == 0 || n == i || n >= len(s) {
		return 0
	}
	// (before a bracketed record, a traceback's line or a launched program's: a backtrace
	// numbers its frames the same way, Rust's "   0: std::backtrace::...", "   0:
	// 0x5628b57586fc - std::...", V8's "    1: 0x1010cb5e5 node::Abort()")
	t := s[n:]
	if strings.HasPrefix(strings.TrimLeft(t, " "), "0x") || t[0] != '[' && !tracebackLine(t) && !launched(t) {
		return 0
	}
	return n
}

// torchrunLabel reads the label torchrun puts before each line of a local rank's output when it
// tees it (--tee, its log line prefix template): its role's name and the local rank, "[default3]:",
// or with the global rank after a bar, "[trainer0|0]:". It returns the label's length, or
// 0; torch's "[rankN]:" is the rank's own (rankPrefix).
func torchrunLabel(s string) int {
	if len(s) < 6 || s[0] != '[' || strings.HasPrefix(s, "[rank") {
		return 0
	}
	end := strings.Index(s[:min(len(s), 40)], "]:")
	if end < 2 || end+2 >= len(s) {
		return 0
	}
	in, global, bar := strings.Cut(s[1:end], "|")
	if bar && !parseutil.AllDigits(global) {
		return 0
	}
	i := len(in)
	for i > 0 && in[i-1] >= '0' && in[i-1] <= '9' {
		i--
	}
	if i == len(in) || i == 0 || !Identifier(in[:i]) {
		return 0 // (a number alone, "[1]: ", is many programs' list item: Elasticsearch's failed checks)
	}
	return end + 2
}

// torchxLabel reads the role and replica TorchX puts before each line of a replica's output
// when it shows a job's logs, before torchrun's own label ("trainer/0 [1]:[E socket.cpp:610]
// [c10d] ..."): its length with the space, or 0.
func torchxLabel(s string) int {
	slash := strings.IndexByte(s[:min(len(s), 64)], '/')
	if slash <= 0 {
		return 0
	}
	sp := strings.IndexByte(s[slash:min(len(s), slash+8)], ' ')
	// (the role's name last: most lines with a '/' near their start fail the cheap tests)
	if sp <= 1 || !parseutil.AllDigits(s[slash+1:slash+sp]) || TorchRankLen(s[slash+sp+1:]) == 0 ||
		!Identifier(strings.ReplaceAll(s[:slash], "-", "_")) {
		return 0
	}
	return slash + sp + 1
}

// pdshLabel reads the host pdsh (DeepSpeed's multi-node launcher, clush) puts before each line
// of a node, when the line is NCCL's naming the same host: "compute-dy-p4d24xlarge-5:
// compute-dy-p4d24xlarge-5:3048:4991 [2] graph/rings.cc:38 NCCL WARN ...". It returns the
// label's length with its space, or 0.
func pdshLabel(s string) int {
	// the label holds no space or colon: its ": " is the first of either byte (a byte loop that
	// stops there, as this runs on every line, most of which hold a space early)
	c, head := 0, s[:min(len(s), 72)]
	for c < len(head) && head[c] != ' ' && head[c] != ':' {
		c++
	}
	if c == 0 || c+1 >= len(head) || head[c] != ':' || head[c+1] != ' ' {
		return 0
	}
	if rest := s[c+2:]; len(rest) > c && rest[:c] == s[:c] && rest[c] == ':' {
		return c + 2
	}
	if ofiOldLine(s[c+2:]) {
		// aws-ofi-nccl's lines of before 1.0, which name no host ("10.3.35.83: WARN: Function:
		// find_ofi_provider Line: 543: NET/OFI Couldn't find any optimal provider")
		return c + 2
	}
	return 0
}

// ofiOldLine reports whether s is a line of aws-ofi-nccl before 1.0, its level and the function
// and line that wrote it: "WARN: Function: main Line: 66: NET/OFI OFI NCCL failure: 2".
func ofiOldLine(s string) bool {
	lv, rest, ok := strings.Cut(s[:min(len(s), 24)], ": Function: ")
	return ok && rest != "" && (lv == "WARN" || lv == "INFO" || lv == "TRACE")
}

// launched reports whether s, after a launcher's label, is a line of the kinds a distributed
// job prints: a rank's ("[rank0]:..."), NCCL's ("host:pid:tid [dev] NCCL ..."), a traceback's.
func launched(s string) bool {
	if strings.HasPrefix(s, "[rank") || strings.HasPrefix(s, TracebackHeader) || IsFrameLine(s) || TorchRankLen(s) > 0 || ofiOldLine(s) {
		return true
	}
	sp := strings.IndexByte(s[:min(len(s), 96)], ' ')
	return sp > 4 && strings.Count(s[:sp], ":") == 2 && sp+1 < len(s) && s[sp+1] == '['
}

// afterNCCLChunk returns the vLLM record written after a piece of an NCCL line on the same line
// ("host:958:958 [1] NCCL INFO Channel 01/0 : (APIServer pid=1) DEBUG 08-09 20:55:10
// [v1/engine/utils.py:1262] Waiting for ..."): NCCL writes through C's stdio, which flushes a
// pipe in blocks and so cuts its lines anywhere, and another process's whole record, which
// Python's handler flushes a line at a time, lands after the cut. The record, with its process
// prefix and header, is the line's; the message keeps both.
func afterNCCLChunk(s string) (string, bool) {
	// (looked for from its 'N', which few lines hold, rather than from the space before it,
	// which every line holds many of: this runs on every line)
	head, i := s[:min(len(s), 128)], -1
	for from := 0; ; {
		j := strings.Index(head[from:], "NCCL ")
		if j < 0 {
			return s, false
		}
		if j += from; j > 0 && head[j-1] == ' ' {
			i = j
			break
		}
		from = j + 1
	}
	for off := i + 5; off < len(s); {
		j := strings.Index(s[off:], " (")
		if j < 0 {
			return s, false
		}
		after := s[off+j+1:]
		probe := Line{Rank: -1, Parallel: noParallel}
		if n := probe.processes(after); n > 0 && n < len(after) && probe.header(after[n:]) > 0 {
			return after, true
		}
		off += j + 2
	}
	return s, false
}
