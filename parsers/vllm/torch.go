package vllm

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// Loggers of the lines vLLM's processes write through libraries rather than vLLM's logger.
const (
	loggerTorch   = "torch"
	loggerTriton  = "triton"
	loggerNCCL    = "nccl"
	loggerNVSHMEM = "nvshmem"
)

// parseTorch reads PyTorch's C++ (c10) log lines, which vLLM's workers print for distributed
// and CUDA-graph trouble, in the forms torch has used:
//
//	[rank0]:[E1206 18:44:12.715298746 ProcessGroupNCCL.cpp:607] [Rank 0] Watchdog caught ...
//	[rank0]:[E ProcessGroupNCCL.cpp:563] [Rank 0] Watchdog caught ...        (torch 2.3)
//	[W CUDAGraph.cpp:145] Warning: Waiting for pending NCCL work ...           (no rank)
//
// and, after a rank prefix, torch's Python logging lines (parseTorchPython).
func parseTorch(ev *event.Event, b string, l *Line) bool {
	rank := int64(-1)
	if r, after, ok := torchRank(b); ok {
		rank, b = r, after
		if len(b) > 6 && b[0] != '[' {
			// torch's Python logging under the rank prefix a process group gives it:
			// "[rank0]:W1114 13:17:46.038000 109 torch/_inductor/utils.py:1558] ..."
			saved := l.Rank
			if l.Rank < 0 {
				l.Rank = rank
			}
			if parseTorchPython(ev, b, l) {
				return true
			}
			l.Rank = saved
			return false
		}
	}
	if len(b) < 6 || b[0] != '[' {
		return false
	}
	lv := parseutil.KlogLevel(b[1])
	if lv == "" {
		return false
	}
	end := strings.IndexByte(b[:min(len(b), 160)], ']')
	if end < 4 {
		return false
	}
	inner, msg := b[2:end], strings.TrimPrefix(b[end+1:], " ")
	if inner[0] != ' ' {
		// "1206 18:44:12.715298746 [tid ]file:line": read the time into the Line like a header's.
		c, rest, ok := readGlogClock(inner)
		if !ok {
			return false
		}
		c.set(l)
		inner = rest
	}
	loc := strings.TrimSpace(inner)
	if sp := strings.LastIndexByte(loc, ' '); sp >= 0 {
		loc = loc[sp+1:] // a thread id before the file
	}
	colon := strings.LastIndexByte(loc, ':')
	if colon <= 0 {
		return false
	}
	line, ok := parseutil.Atoi(loc[colon+1:])
	if !ok || strings.IndexByte(loc[:colon], '.') < 0 {
		return false // a C++ file has its extension; tornado's "[I 200528 13:20:57 storage:35]" names a module
	}
	l.Level, l.File, l.FileLine = lv, loc[:colon], line
	if rank >= 0 && l.Rank < 0 {
		l.Rank = rank
	}
	if l.Rank < 0 {
		// torch 2.3 and before print no "[rankN]:" prefix, only "[Rank 1] Watchdog caught ..."
		// (or "[PG ID 2 PG GUID 3 Rank 1] ...") at the message's start.
		l.Rank = messageRank(msg)
	}
	ev.SetString(event.FieldLogLogger, loggerTorch)
	finishLibraryLine(ev, l, msg, DatasetTorch)
	return true
}

// torchCppFile reports whether loc ("ProcessGroupNCCL.cpp:1329") is in one of torch's C++ files
// that log a distributed job's trouble: a torch built with glog (C10_USE_GLOG) writes their
// records in glog's layout, "E0423 02:10:44.182842  8355 ProcessGroupNCCL.cpp:1329] ...", as
// klog does Go's; any other C++ file's is another program's (Triton's server.cc).
func torchCppFile(loc string) bool {
	file, _, _ := strings.Cut(loc, ":")
	for _, p := range []string{"ProcessGroup", "NCCLUtils.", "TCPStore", "FlightRecorder", "ThreadStackTrace.", "CUDAGraph.", "reducer."} {
		if strings.HasPrefix(file, p) {
			return true
		}
	}
	return false
}

// messageRank returns the rank a ProcessGroupNCCL message opens with ("[Rank 1] ...", "[PG ID 2
// PG GUID 3 Rank 1] ..."), or -1.
func messageRank(msg string) int64 {
	if len(msg) < 8 || msg[0] != '[' {
		return -1
	}
	end := strings.IndexByte(msg[:min(len(msg), 48)], ']')
	i := strings.LastIndex(msg[:max(end, 0)], "Rank ")
	if end < 0 || i < 0 || (i > 1 && msg[i-1] != ' ') {
		return -1
	}
	if n, ok := parseutil.Atoi(msg[i+len("Rank ") : end]); ok {
		return n
	}
	return -1
}

// parseTorchPython reads the glog-style lines of torch's Python logging (torch._logging, the
// C++ extension builder), which vLLM's engine processes print while they compile:
//
//	W1007 17:36:26.725000 4039410 torch/utils/cpp_extension.py:2425] If this is not desired, ...
//
// Only a Python file counts: Go programs' klog lines look the same and are the klog parser's.
func parseTorchPython(ev *event.Event, b string, l *Line) bool {
	lv := parseutil.KlogLevel(b[0])
	if b[0] == 'V' {
		lv = "debug" // torch's formatter writes DEBUG as V (TORCH_LOGS' verbose artifacts)
	}
	if lv == "" {
		return false
	}
	c, rest, ok := readGlogClock(b[1:])
	end := strings.Index(rest[:min(len(rest), 200)], "] ")
	if end < 0 && len(rest) <= 200 && strings.HasSuffix(rest, "]") {
		// the header alone, its trailing space dropped (a paste's, a runtime's): a message that
		// opens with a line break (torchrun's OMP_NUM_THREADS banner), its lines under it
		end = len(rest) - 1
		rest += " "
	}
	if !ok || end < 0 {
		return false
	}
	f := strings.Fields(rest[:end])
	if len(f) != 2 || !strings.Contains(f[1], ".py:") && !torchCppFile(f[1]) {
		return false
	}
	pid, ok := parseutil.Atoi(f[0])
	colon := strings.LastIndexByte(f[1], ':')
	line, ok2 := parseutil.Atoi(f[1][colon+1:])
	if !ok || !ok2 {
		return false
	}
	c.set(l)
	l.Level = lv
	switch {
	case pid > maxPID:
		// a thread's id, not a pid (torch 2.3 to 2.4 wrote the logging thread's ident there:
		// "W0606 11:55:20.413000 140492528584512 torch/...")
		ev.Set(parseutil.FieldThread, event.Int(pid))
	case l.Proc == "":
		l.PID = pid
		ev.Set(event.FieldProcessPID, event.Int(pid)) // no process prefix to give it
	}
	l.File, l.FileLine = f[1][:colon], line
	msg := rest[end+2:]
	if q := strings.TrimRight(msg, " "); len(q) > 1 && q[0] == '"' && q[len(q)-1] == '"' {
		// Triton's Python backend logs in the same layout, its message quoted: "E1216
		// 02:12:49.624646 179 model.py:248] \"[vllm] Failed to start engine: ...\n\"" (its vLLM backend)
		if u, err := strconv.Unquote(q); err == nil {
			msg = strings.TrimRight(u, "\n")
		}
		ev.SetString(event.FieldLogLogger, loggerTriton)
	} else if f[1][:colon] == "model.py" && (strings.HasPrefix(msg, "[vllm] ") || strings.HasPrefix(msg, "\"")) {
		// the same backend before it quoted its messages (vLLM 0.4's): "I0508 20:24:09.727326 152
		// model.py:284] [vllm] Error generating stream: Background loop has errored already.";
		// and a quoted message that goes on over lines (a traceback: "E0728 ... model.py:106]
		// \"Traceback (most recent call last):", TensorRT-LLM's BLS model)
		ev.SetString(event.FieldLogLogger, loggerTriton)
	} else {
		ev.SetString(event.FieldLogLogger, loggerTorch)
	}
	finishLibraryLine(ev, l, msg, DatasetTorch)
	if !ev.Has(FieldErrorKind) && strings.HasPrefix(msg, "[vllm] ") {
		// the backend's words about the engine it runs (at info: Triton's level for them)
		if k := Classify(msg); k == KindEngineDead || k == KindEngineInit {
			ev.SetString(FieldErrorKind, k)
		}
	}
	return true
}

// torchHeader returns the header of a torch Python logging line that parseTorchPython read, up
// to and with the space after its "]" (the header alone when the line ends there).
func torchHeader(b string) string {
	if i := strings.Index(b, "] "); i >= 0 {
		return b[:i+2]
	}
	return b + " "
}

// maxPID is the largest process id Linux gives (pid_max's limit, 2^22).
const maxPID = 1 << 22

// glogClock is a time glog writes: month, day, time of day and nanoseconds, without year.
type glogClock struct{ mo, d, h, mi, se, nano int }

func (c glogClock) set(l *Line) {
	l.Month, l.Day, l.Hour, l.Min, l.Sec, l.Nano = c.mo, c.d, c.h, c.mi, c.se, c.nano
}

// readGlogClock reads "MMDD hh:mm:ss[.fraction]" at the start of s and returns what follows
// it. torch prints the month unpadded: "822 16:31:16" is August 22nd.
func readGlogClock(s string) (c glogClock, rest string, ok bool) {
	sp := strings.IndexByte(s[:min(len(s), 5)], ' ')
	if (sp != 3 && sp != 4) || len(s) < sp+9 || s[sp+3] != ':' || s[sp+6] != ':' {
		return c, "", false
	}
	c.mo, c.d = num2(s), num2(s[sp-2:])
	if sp == 3 {
		c.mo = -1
		if d := s[0]; d >= '1' && d <= '9' {
			c.mo = int(d - '0')
		}
	}
	t := s[sp+1:]
	c.h, c.mi, c.se = num2(t), num2(t[3:]), num2(t[6:])
	if c.mo < 1 || c.mo > 12 || c.d < 1 || c.d > 31 || c.h < 0 || c.h > 23 || c.mi < 0 || c.mi > 59 || c.se < 0 || c.se > 60 {
		return c, "", false
	}
	rest = t[8:]
	if len(rest) > 0 && rest[0] == '.' {
		scale, i := 100000000, 1
		for ; i < len(rest) && rest[i] >= '0' && rest[i] <= '9'; i++ {
			c.nano += int(rest[i]-'0') * scale
			scale /= 10
		}
		rest = rest[i:]
	}
	return c, rest, true
}

// parseNCCL reads NCCL's own debug lines (NCCL_DEBUG=INFO/WARN), "host:pid:tid [cuda device]",
// then for a WARN the source location NCCL logs it from (src/debug.cc):
//
//	cuda0003:2949601:2949642 [0] NCCL INFO comm 0x55fb6f3ce680 rank 0 nranks 4 ... Init COMPLETE
//	kp-ddp-worker-0:3468:3905 [4] ib_plugin.c:1615 NCCL WARN NET/IB : Got completion from peer ...
//	node-7:8812:9020 [3] transport/nvls.cc:246 NCCL WARN Cuda failure 3 'initialization error'
//
// NCCL has no error level: a WARN is how it reports a failure, and gets kind nccl unless its
// text names a more exact one (a Cuda failure's).
func parseNCCL(ev *event.Event, b string, l *Line) bool {
	if len(b) > 24 && b[0] == '[' && b[5] == '-' {
		// NCCL 2.23 and later stamp WARN lines by default (NCCL_DEBUG_TIMESTAMP_FORMAT "[%F %T] "):
		// "[2026-04-14 21:28:19.007] host:46627:64125 [0] proxy.cc:363 NCCL WARN ...", the
		// node's local time without its zone
		end := strings.Index(b[:min(len(b), 40)], "] ")
		if end < 0 {
			return false
		}
		t, n, ok := parseutil.RFC3339(b[1:end])
		if !ok || n != end-1 || !parseNCCL(ev, b[end+2:], l) {
			return false
		}
		parseutil.SetDatedLocalTime(ev, t)
		return true
	}
	if len(b) > 24 && b[4] == '-' && b[7] == '-' && b[10] == ' ' {
		// a time a job's logging put before NCCL's line (a Ray actor's: "2024-05-11
		// 14:10:52.224 n176-080-198:2657296:2658229 [0] NCCL INFO Connected all rings"), the
		// node's local time without its zone
		t, n, ok := parseutil.RFC3339(b)
		if !ok || n >= len(b) || b[n] != ' ' {
			return false
		}
		rest := strings.TrimLeft(b[n:], " ")
		if len(rest) > 7 && (rest[0] == '+' || rest[0] == '-') && rest[6] == ' ' {
			// a log collector's stamp with the node's offset ("2025-11-09 15:39:31.043 +08:00
			// [2025-11-09 07:39:30] h100-28:238:1313 [0] transport/net_ib.cc:139 NCCL WARN
			// ...", the offset apart from the time): the time is that zone's
			zoned, m, ok := parseutil.RFC3339(b[:n] + rest[:6])
			if !ok || m != n+6 || !parseNCCL(ev, rest[7:], l) {
				return false
			}
			ev.SetTimestamp(zoned)
			return true
		}
		if !parseNCCL(ev, rest, l) {
			return false
		}
		parseutil.SetDatedLocalTime(ev, t)
		return true
	}
	if strings.HasPrefix(b, "NCCL WARN ") || strings.HasPrefix(b, "NCCL INFO ") {
		// its line without "host:pid:tid [dev]" (a paste's, a wrapper's that trims it): "NCCL
		// WARN NET/IB : Got async event : port error"
		return ncclBody(ev, " "+b, "", 0, 0, false, l)
	}
	if n := launcherTag(b); n > 0 {
		// "[1] node2:22555:22555 [0] NCCL INFO ...": a launcher's tag (mpirun -l, srun --label)
		// before NCCL's line; "[0] NCCL INFO misc/socket.cc:80 -> 6": NCCL's line with its
		// host:pid:tid left out, "[dev]" first
		if tagged := b[n:]; parseNCCL(ev, tagged, l) {
			return true
		}
		return parseNCCLAfter(ev, b, "", 0, l)
	}
	sp := strings.IndexByte(b, ' ')
	if sp < 2 || !strings.HasPrefix(b[sp+1:], "[") {
		return false
	}
	if strings.IndexByte(b[:sp], ':') < 0 && hostName(b[:sp]) {
		// the host without its pid and thread (NCCL 2.2x's lines as nccl#1920 shows them:
		// "gpu-server320 [5] NCCL INFO misc/socket.cc:64 -> 6")
		return parseNCCLAfter(ev, b[sp+1:], b[:sp], 0, l)
	}
	if sp < 5 || strings.Count(b[:sp], ":") != 2 {
		return false
	}
	host, rest, _ := strings.Cut(b[:sp], ":")
	pidText, tidText, _ := strings.Cut(rest, ":")
	pid, ok := parseutil.Atoi(pidText)
	if !ok || !parseNCCLAfter(ev, b[sp+1:], host, pid, l) {
		return false
	}
	if tid, ok := parseutil.Atoi(tidText); ok && tid > 0 {
		// the thread that logged: the main thread's, or NCCL's proxy or progress thread's,
		// which a hang's lines tell apart
		ev.Set(parseutil.FieldThread, event.Int(tid))
	}
	return true
}

// hostName reports whether s may be a host's name: letters, digits, '-' and '.', opening with a
// letter or digit.
func hostName(s string) bool {
	if s == "" || len(s) > 64 || s[0] == '-' || s[0] == '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// launcherTag returns the length of a launcher's tag that starts b, 0 without one: "[N] "
// (mpirun -l, srun --label), Open MPI's --tag-output "[1,9]<stdout>:" (the job and the rank).
func launcherTag(b string) int {
	end := strings.IndexByte(b[:min(len(b), 16)], ']')
	if end < 2 || len(b) <= end+1 {
		return 0
	}
	job, rank, two := strings.Cut(b[1:end], ",")
	if _, ok := parseutil.Atoi(job); !ok {
		return 0
	}
	if two {
		if _, ok := parseutil.Atoi(rank); !ok {
			return 0
		}
		if tail := b[end+1:]; strings.HasPrefix(tail, "<stdout>:") || strings.HasPrefix(tail, "<stderr>:") {
			return end + 1 + len("<stdout>:")
		}
		return 0
	}
	if tail := b[end+1:]; strings.HasPrefix(tail, "<stdout>:") || strings.HasPrefix(tail, "<stderr>:") {
		return end + 1 + len("<stdout>:") // horovodrun's own tag, the rank alone: "[1]<stderr>:"
	}
	if b[end+1] != ' ' {
		return 0
	}
	return end + 2
}

// parseNCCLAfter reads an NCCL line from its "[dev]" on, after host:pid:tid ("" and 0 when the
// line gives none).
func parseNCCLAfter(ev *event.Event, after, host string, pid int64, l *Line) bool {
	close := strings.IndexByte(after, ']')
	if close < 2 || after[0] != '[' {
		return false
	}
	dev, devOK := parseutil.Atoi(after[1:close])
	if host == "" && !devOK {
		return false
	}
	return ncclBody(ev, after[close+1:], host, pid, dev, devOK, l)
}

// ncclBody reads what follows NCCL's "host:pid:tid [dev]" (or NVSHMEM's): the source's
// location when it names one, the library's name and level, the message.
func ncclBody(ev *event.Event, rest, host string, pid, dev int64, devOK bool, l *Line) bool {
	nvFile, nvLine := "", int64(0)
	if k := strings.Index(rest[:min(len(rest), 160)], " NVSHMEM "); k > 0 {
		// its WARN and ABORT after the source's file and line, as NCCL's: "host:pid:tid [0]
		// ibgda.cpp:3905 NVSHMEM WARN ...", "init.cu:1080 NVSHMEM ABORT ..."
		loc := strings.TrimSpace(rest[:k])
		if c := strings.LastIndexByte(loc, ':'); c > 0 && strings.IndexByte(loc, ' ') < 0 && strings.IndexByte(loc[:c], '.') > 0 {
			if n, ok := parseutil.Atoi(loc[c+1:]); ok {
				nvFile, nvLine, rest = loc[:c], n, rest[k:]
			}
		}
	}
	if r, ok := strings.CutPrefix(rest, " NVSHMEM "); ok {
		// NVSHMEM (DeepEP's expert-parallel transport) logs in NCCL's layout:
		// "host:pid:tid [dev] NVSHMEM INFO ..."; a communication library's line as NCCL's are
		word, msg, _ := strings.Cut(r, " ")
		switch word {
		case "INFO", "VERSION", "TRACE":
			l.Level = "info"
		case "WARN":
			l.Level = "warning"
		case "ABORT":
			l.Level = "critical" // the process aborts after it
		default:
			return false
		}
		ev.SetString(event.FieldLogLogger, loggerNVSHMEM)
		ncclSource(ev, host, pid, dev, devOK, l)
		if nvFile != "" && l.File == "" {
			l.File, l.FileLine = nvFile, nvLine
		}
		finishLibraryLine(ev, l, msg, DatasetNCCL)
		if word == "WARN" || word == "ABORT" {
			if m := strings.TrimSpace(msg); m != "" && !ev.Has(event.FieldErrorMsg) {
				ev.SetString(event.FieldErrorMsg, m)
			}
		}
		return true
	}
	file, fileLine := "", int64(0)
	if !strings.HasPrefix(rest, " NCCL ") {
		// " file.cc:123 NCCL WARN ..." (and "(function)" after the line in newer builds)
		k := strings.Index(rest[:min(len(rest), 320)], " NCCL ")
		if k < 0 {
			return false
		}
		if fn, ok := prettyFunction(strings.TrimSpace(rest[:k])); ok {
			// a plugin built as C++ passes __PRETTY_FUNCTION__, the whole signature (aws-ofi-nccl's
			// C++ builds, GPUDirect-TCPX's: "int cm_req_handle_error_entry(nccl_net_ofi_context_t*,
			// fid_cq*, fi_cq_err_entry*, uint16_t):46 NCCL WARN NET/OFI ...")
			ev.SetString(parseutil.FieldOriginFunc, fn)
		} else if !ncclLocation(ev, rest[:k], &file, &fileLine) {
			return false
		}
		rest = rest[k:]
	}
	word, msg, _ := strings.Cut(rest[len(" NCCL "):], " ")
	switch word {
	case "INFO", "VERSION", "TRACE":
		l.Level = "info"
	case "WARN":
		l.Level = "warning"
	case "ABORT", "ERROR":
		l.Level = "error"
	default:
		return false
	}
	ev.SetString(event.FieldLogLogger, loggerNCCL)
	ncclSource(ev, host, pid, dev, devOK, l)
	if id := ncclBusID(msg); id != "" {
		ev.SetString(FieldPCIBusID, id)
	}
	if file != "" && l.File == "" {
		l.File, l.FileLine = file, fileLine
	}
	finishLibraryLine(ev, l, msg, DatasetNCCL)
	if word == "WARN" && !ev.Has(FieldErrorKind) {
		ev.SetString(FieldErrorKind, KindNCCL)
	}
	if word != "INFO" && word != "VERSION" && word != "TRACE" && !ev.Has(event.FieldErrorMsg) {
		// NCCL has no error level: its WARN reports the failure ("NET/IB : Got completion from
		// peer ... with status=12", "Cuda failure 3 'initialization error'") that the
		// traceback above it only points at
		if m := strings.TrimSpace(msg); m != "" {
			ev.SetString(event.FieldErrorMsg, m)
		}
	}
	return true
}

// parseNVSHMEMError reads NVSHMEM's error lines, which name the source file by its build path
// and line, then the failure: "/dvs/p4/build/sw/rel/gpgpu/toolkit/r12.8/main_nvshmem/src/host/
// init/init.cu:1049: non-zero status: 7 nvshmem ...", "...team.cu:nvshmem_team_split_strided:63:
// NVSHMEM API called before NVSHMEM initialization has completed" (with the function before the
// line). They are errors of the library DeepEP's expert parallelism runs on (NVSHMEM prints them
// with its error macros only).
func parseNVSHMEMError(ev *event.Event, b string, l *Line) bool {
	loc, msg, ok := strings.Cut(b, ": ")
	if !ok || strings.IndexByte(loc, ' ') >= 0 || !strings.Contains(loc, "nvshmem") {
		return false
	}
	colon := strings.LastIndexByte(loc, ':')
	line, okLine := parseutil.Atoi(loc[colon+1:])
	if colon <= 0 || !okLine {
		return false
	}
	file := loc[:colon]
	if c := strings.LastIndexByte(file, ':'); c > 0 {
		file = file[:c] // the function between file and line
	}
	file = file[strings.LastIndexByte(file, '/')+1:] // the file's name: the path is the build machine's
	l.Level = "error"
	if strings.HasPrefix(msg, "rank ") && strings.Contains(msg, " nranks ") {
		// its bootstrap's trace, BOOTSTRAP_DEBUG_PRINT in the same shape as its errors
		// ("bootstrap_uid.cpp:bootstrap_uid_alltoall:516: rank 3 nranks 48 size 48", "... -
		// DONE"), with NVSHMEM_DEBUG on: no failure
		l.Level = "debug"
	}
	ev.SetString(event.FieldLogLogger, loggerNVSHMEM)
	if l.File == "" {
		l.File, l.FileLine = file, line
	}
	finishLibraryLine(ev, l, msg, DatasetNCCL)
	return true
}

// ncclBusID returns the bus id of the GPU an NCCL line names by its busId ("comm 0x7f7ad56c9b60
// rank 3 nranks 4 cudaDev 3 nvmlDev 3 busId e3000 commId 0x5de0... - Init START"), as
// gpu.pci_bus_id holds it (0000:e3:00), or "". NCCL prints the address's digits run together
// as one hex number: domain, bus (two digits), device (two), function (one).
func ncclBusID(msg string) string {
	_, rest, ok := strings.Cut(msg, " busId ")
	if !ok {
		return ""
	}
	word, _, _ := strings.Cut(rest, " ")
	if len(word) < 2 || len(word) > 9 {
		// (NCCL prints the number without leading zeros: a GPU on bus 0, as cloud VMs place
		// them, is "busId 80", 0000:00:08)
		return ""
	}
	v, err := strconv.ParseUint(word, 16, 64)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("%04x:%02x:%02x", v>>20, v>>12&0xff, v>>4&0xff)
}

// ncclSource sets what NCCL's layout tells of the line's source: the host and pid (when the
// line gives them) and the CUDA device.
func ncclSource(ev *event.Event, host string, pid int64, dev int64, devOK bool, l *Line) {
	if host != "" {
		ev.SetString(event.FieldHostHostname, host)
	}
	if host != "" && pid > 0 {
		if l.Proc == "" {
			l.PID = pid
		}
		ev.Set(event.FieldProcessPID, event.Int(pid))
	}
	if devOK {
		ev.Set(FieldCUDADevice, event.Int(dev))
	}
}

// finishLibraryLine sets what every torch or NCCL line gets: dataset, level, origin, time,
// rank, and for errors the error fields and kind: any NCCL error is kind nccl, a warning only
// when it names a known failure (NCCL's "Cuda failure 'out of memory'" is cuda_oom).
//
// The dataset is vllm.server when a vLLM process prefix, a container named for vLLM or no
// container at all says the line is vLLM's; a training job's or another server's torch and
// NCCL lines are generic.torch and generic.nccl (the parse processor makes them vllm.server in
// a pod whose lines were vLLM's before: a vLLM server in a container of another name).
func finishLibraryLine(ev *event.Event, l *Line, msg, other string) {
	ev.SetString(event.FieldDataset, LibraryDataset(ev, l.Proc != "" && !l.RankOnly && !otherActor(ev, l.ProcName), other))
	if l.Level != "" {
		ev.SetString(event.FieldLogLevel, l.Level)
	}
	if l.File != "" {
		ev.SetString(event.FieldOriginFile, l.File)
		ev.Set(event.FieldOriginLine, event.Int(l.FileLine))
	}
	if m, _, _ := strings.Cut(msg, "\n"); strings.TrimRight(m, " ") != "" {
		ev.SetString(parseutil.FieldLogMessage, strings.TrimRight(m, " "))
	}
	setRanks(ev, l)
	if (l.Level == "error" || l.Level == "critical") && msg != "" && !ev.Has(event.FieldErrorMsg) {
		ev.SetString(event.FieldErrorMsg, Unrepeated(msg)) // one failure, one message, however many Ray actors wrote it
	}
	if l.Level == "info" || l.Level == "" {
		return // (a line that states no level: NCCL's version banner)
	}
	if k := Classify(msg); k != "" {
		ev.SetString(FieldErrorKind, k)
	} else if l.Level != "warning" && (strings.Contains(msg, "NCCL") || l.File == "ProcessGroupNCCL.cpp") {
		ev.SetString(FieldErrorKind, KindNCCL)
	}
	if k, _ := parseutil.GPUFailure(msg); k != "" && !ev.Has(parseutil.FieldGPUErrorKind) {
		// the node's GPU stack under the library's words (NCCL's "Cuda failure 802 'system not
		// yet initialized'": the Fabric Manager not up)
		ev.SetString(parseutil.FieldGPUErrorKind, k)
	}
}

// torchRank reads the "[rankN]:" a process group puts before torch's lines: N and what
// follows the colon.
func torchRank(b string) (rank int64, rest string, ok bool) {
	n := TorchRankLen(b)
	if n == 0 {
		return 0, "", false
	}
	name := strings.TrimPrefix(b[1:n-2], "rank")
	if len(name) == n-3 {
		name = strings.TrimPrefix(name, "default")
	}
	rank, _ = parseutil.Atoi(name)
	return rank, b[n:], true
}

// TorchRankLen returns the length of the rank's prefix before a line of a distributed torch job,
// 0 without one: torch's own "[rank3]:", and torchrun's --tee prefix, its role and local rank
// ("[default3]:", "[3]:").
func TorchRankLen(b string) int {
	if len(b) < 5 || b[0] != '[' {
		return 0
	}
	j := strings.IndexByte(b[:min(len(b), 20)], ']')
	if j < 2 || j+1 >= len(b) || b[j+1] != ':' {
		return 0
	}
	name := strings.TrimPrefix(b[1:j], "rank")
	if len(name) == j-1 {
		name = strings.TrimPrefix(name, "default")
	}
	if _, ok := parseutil.Atoi(name); !ok || name == "" || len(name) > 6 {
		return 0
	}
	return j + 2
}

// IsNativeErrorStart reports whether a line body opens a C++ error report that further lines
// continue: a torch error or fatal line (whose C++ stack "Exception raised from ...", "frame
// #N: ..." follows), or libstdc++'s "terminate called after throwing an instance of '...'"
// (followed by "  what():  ..."). The parse processor groups such reports like tracebacks.
func IsNativeErrorStart(b string) bool {
	if strings.HasPrefix(b, terminatePrefix) {
		return true
	}
	b = b[TorchRankLen(b):]
	return len(b) > 3 && b[0] == '[' && (b[1] == 'E' || b[1] == 'F')
}

// IsNativeErrorLine reports whether a line body continues a C++ error report.
func IsNativeErrorLine(b string) bool {
	return strings.HasPrefix(b, "Exception raised from ") || strings.HasPrefix(b, "frame #") ||
		strings.HasPrefix(b, "  what():  ") || (b != "" && (b[0] == ' ' || b[0] == '\t')) ||
		b == "<omitting python frames>" || // c10's backtrace where it skipped the interpreter's frames
		symbolizedFrame(b) || b == "..." // (a paste's elision of frames)
}

// symbolizedFrame reports whether b is a frame of the stack torch 2.4 and later symbolize
// ("#9 c10d::TCPStore::incrementValueBy(...) from /.../libtorch_cpu.so:0").
func symbolizedFrame(b string) bool {
	n, ok := strings.CutPrefix(b, "#")
	if !ok {
		return false
	}
	num, rest, ok := strings.Cut(n, " ")
	return ok && num != "" && len(num) <= 4 && parseutil.AllDigits(num) && strings.Contains(rest, " from ")
}

const terminatePrefix = "terminate called after throwing an instance of '"

// NativeStackStart reports whether b opens a C++ stack that torch prints under its error, read
// without that error (a paste that starts after it, a window cut before it): "Exception raised
// from ncclCommWatchdog at ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1521 (most recent
// call first):", or its first frame "frame #0: c10::Error::Error(...) + 0x96 (0x7f... in ...)".
func NativeStackStart(b string) bool {
	if strings.HasPrefix(b, "Exception raised from ") && strings.HasSuffix(b, "(most recent call first):") {
		return true
	}
	// its first frame, or any where a file read from the middle or an excerpt begins ("frame
	// #8: <unknown function> + 0x6ca22d (0x7f9f... in .../libtorch_python.so)")
	n, ok := strings.CutPrefix(b, "frame #")
	if !ok {
		return false
	}
	num, _, ok := strings.Cut(n, ": ")
	return ok && num != "" && len(num) <= 4 && parseutil.AllDigits(num)
}

// parseNativeStack reads such a stack alone: an error, the stack its own, the class of the
// failure its frames name (NCCL's watchdog).
func parseNativeStack(ev *event.Event, b, rest string, l *Line) bool {
	stack := b
	if rest != "" {
		stack += "\n" + rest
	}
	ev.SetString(event.FieldErrorStack, strings.TrimRight(stack, "\n "))
	l.Level = "error"
	finishLibraryLine(ev, l, "", DatasetTorch)
	if strings.HasPrefix(b, "Exception raised from c10_cuda_check_implementation ") {
		// c10's CUDA check that failed, in whichever thread ran it (the NCCL watchdog's frames
		// under it run the check, they did not fail): a CUDA error
		ev.SetString(FieldErrorKind, KindCUDA)
	} else if k := Classify(stack); k != "" {
		ev.SetString(FieldErrorKind, k)
	} else if strings.Contains(b, "ncclCommWatchdog") || strings.Contains(b, "ProcessGroupNCCL") {
		ev.SetString(FieldErrorKind, KindNCCL)
	}
	return true
}

// whatPrefix opens the line libstdc++'s verbose terminate handler prints the exception's what()
// on.
const whatPrefix = "  what():  "

// parseWhat reads a C++ abort's what() and what follows it (its CUDA hints, the stack) without
// the terminate line: critical, the what() text the error's message, the class of the failure
// its message names before the one its frames name.
func parseWhat(ev *event.Event, b, rest string, l *Line) bool {
	msg := b[len(whatPrefix):]
	if strings.TrimRight(msg, " ") == "" {
		msg = whatText(rest) // "  what():  " alone, the text on the next line
		if msg == "" {
			return false
		}
	}
	ev.SetString(event.FieldErrorMsg, msg)
	if rest != "" {
		ev.SetString(event.FieldErrorStack, rest)
	}
	k := Classify(msg)
	if k == "" {
		k = Classify(rest)
	}
	if k != "" {
		ev.SetString(FieldErrorKind, k)
	}
	l.Level = "critical"
	finishLibraryLine(ev, l, msg, DatasetTorch)
	return true
}

// parseTerminate reads a grouped C++ abort: "terminate called after throwing an instance of
// 'c10::DistBackendError'" then "  what():  <message>" and the stack.
func parseTerminate(ev *event.Event, b, rest string, l *Line) bool {
	typ, _, ok := strings.Cut(b[len(terminatePrefix):], "'")
	if full := strings.TrimRight(b[len(terminatePrefix):], " "); ok && strings.HasSuffix(full, "'") && strings.Count(full, "'") == 1 &&
		strings.Contains(full, "<") && strings.HasSuffix(full, ">'") {
		// a template's class, its name holding spaces ("std::__cxx11::basic_string<char,
		// std::char_traits<char>, std::allocator<char> >": a string thrown, gpu-burn's)
		typ = full[:len(full)-1]
	} else if !ok || typ == "" || strings.ContainsAny(typ, " [") {
		// another thread's report ran into the line before the class's name (the NCCL
		// watchdog's, as it dies of the same error): "terminate called after throwing an
		// instance of '[rank5]:[E802 ...] ... CUDA error: an illegal memory access ...", its
		// explanation and stack under it. The abort is critical; that report says why.
		msg := b[len(terminatePrefix):]
		if rank, after, ok := torchRank(msg); ok && strings.HasPrefix(after, "[") {
			msg = after // "[rank5]:[E802 ...": the rank's torch line
			if l.Rank < 0 {
				l.Rank = rank
			}
		}
		if strings.HasPrefix(msg, "[") {
			if _, text, ok := strings.Cut(msg, "] "); ok {
				msg = text // its header: "[E802 22:07:03.847786934 ProcessGroupNCCL.cpp:2119] "
			}
		}
		if msg == "" {
			return false
		}
		l.Level = "critical"
		ev.SetString(event.FieldErrorMsg, msg)
		if rest != "" {
			ev.SetString(event.FieldErrorStack, rest)
		}
		finishLibraryLine(ev, l, msg, DatasetTorch)
		return true
	}
	ev.SetString(event.FieldErrorType, typ)
	what := ""
	if i := strings.Index(rest, "what():  "); i >= 0 {
		what = whatText(rest[i+len("what():  "):])
		ev.SetString(event.FieldErrorMsg, what)
	}
	if rest != "" {
		ev.SetString(event.FieldErrorStack, rest)
	}
	l.Level = "critical"
	if rest == "" {
		finishLibraryLine(ev, l, b, DatasetTorch) // the line alone: its what() was not kept
	} else {
		finishLibraryLine(ev, l, b+"\n"+rest, DatasetTorch)
	}
	if k := Classify(what); k != "" {
		// the failure the exception carries, not its class's (a DistBackendError the NCCL
		// watchdog raised for "CUDA error: an illegal memory access was encountered" is a
		// CUDA error)
		ev.SetString(FieldErrorKind, k)
	}
	return true
}

// whatText returns the what() text that follows "  what():  ": its line, or the next when the
// text opens with a line break (a DistBackendError's, two ranks' aborts interleaved).
func whatText(s string) string {
	msg, more, _ := strings.Cut(s, "\n")
	if strings.TrimRight(msg, " ") == "" {
		msg, _, _ = strings.Cut(more, "\n")
	}
	return msg
}

// Datasets of torch's and NCCL's lines outside a vLLM server (a training job's, another
// server's).
const (
	DatasetTorch = "generic.torch"
	// DatasetNative is the dataset of a C++ library's dmlc-style lines outside vLLM's pods.
	DatasetNative = "generic.native"
	DatasetNCCL   = "generic.nccl"
)

// LibraryDataset returns the dataset of a library's line: vllm.server when vLLM wrote it
// (prefixed: a vLLM process prefix), its container is named for vLLM or unknown; else other,
// the library's own (DatasetTorch, DatasetNCCL).
func LibraryDataset(ev *event.Event, prefixed bool, other string) string {
	c := parseutil.Container(ev)
	if c == "" && !prefixed {
		if n, ok := ev.GetString(event.FieldProcessName); ok && n != "" && !ServerContainer(n) {
			// a host program's line by its syslog or journal tag (Ollama's service: "ollama[569358]:
			// terminate called after throwing an instance of 'std::runtime_error'"): not vLLM's
			// unless the tag names vLLM
			return other
		}
	}
	if prefixed || c == "" || ServerContainer(c) {
		return DatasetServer
	}
	if ds := parseutil.GPUContainer(c); ds != "" {
		// a GPU-stack program's container (dcgm-exporter's embedded host engine aborting:
		// "terminate called after throwing an instance of 'std::logic_error'"): the program's
		return ds
	}
	return other
}

// otherActor reports whether name, the process a Ray prefix names, is another program's actor or
// task in a container not named for vLLM: verl's trainer "(WorkerDict pid=231421)" in a training
// job's pytorch container, whose torch and NCCL lines are the job's. vLLM's own processes (its API
// server, engine cores, workers, their Ray wrappers, a Serve replica that runs it) are not.
func otherActor(ev *event.Event, name string) bool {
	if name == "" {
		return false
	}
	if c := parseutil.Container(ev); c == "" || ServerContainer(c) {
		return false
	}
	if name == "Worker" || strings.HasPrefix(name, "Worker_") {
		return false // V1's workers ("Worker_TP0_EP0")
	}
	if strings.Contains(name, "vLLM") || strings.Contains(name, "Vllm") || strings.Contains(name, "VLLM") {
		return false // an actor named for the vLLM it runs (verl's "AsyncvLLMServer", "vLLMHttpServer")
	}
	for _, p := range [...]string{"APIServer", "ApiServer_", "EngineCore", "DPEngineCore", "VllmWorker", "RayWorker", "ServeReplica", "LLMServer"} {
		if strings.HasPrefix(name, p) {
			return false
		}
	}
	// an actor's class, or a task's function (verl's "(main_task pid=65427)", SkyRL's
	// "(skyrl_entrypoint pid=...)")
	c := name[0]
	return strings.IndexByte(name, ' ') < 0 && (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '_')
}

// ServerContainer reports whether a container's name says it runs a vLLM server: it names vLLM
// and is not a serving component beside it (production-stack's "vllm-router" is the router's).
func ServerContainer(name string) bool {
	return strings.Contains(name, "vllm") && parseutil.ServingComponentOf(name) == ""
}

// parseClockLine reads the dmlc-style line a C++ library writes to stderr, xgrammar's (vLLM's
// structured-output backend, cpp/support/logging.h) among them: the writer's local time of
// day, the source location, then the level's word:
//
//	[21:21:03] /project/cpp/grammar_matcher.cc:612: Warning: The matcher has terminated ...
//
// Only a line with a level word is taken; its time of day refines nothing (the runtime's time
// is kept).
func parseClockLine(ev *event.Event, b string, l *Line) bool {
	if len(b) < 20 || b[3] != ':' || b[6] != ':' || b[9] != ']' || b[10] != ' ' ||
		num2(b[1:]) < 0 || num2(b[4:]) < 0 || num2(b[7:]) < 0 {
		return false
	}
	loc, msg, ok := strings.Cut(b[11:], ": ")
	colon := strings.LastIndexByte(loc, ':')
	if !ok || colon <= 0 || strings.IndexByte(loc, ' ') >= 0 || strings.IndexByte(loc[:colon], '.') < 0 {
		return false
	}
	line, ok := parseutil.Atoi(loc[colon+1:])
	if !ok {
		return false
	}
	w, text, ok := strings.Cut(msg, ": ")
	var lv string
	switch w {
	case "Debug":
		lv = "debug"
	case "Info":
		lv = "info"
	case "Warning":
		lv = "warning"
	case "Error":
		lv = "error"
	case "Fatal":
		lv = "critical"
	}
	if !ok || lv == "" {
		return false
	}
	l.Level, l.File, l.FileLine = lv, loc[:colon], line
	ev.SetString(parseutil.FieldLogMessage, text)
	finishLibraryLine(ev, l, text, DatasetNative)
	return true
}

// datasetGeneric is a line's of no known program: the source's program takes it, as any
// line's of the fallback dataset.
const datasetGeneric = "generic"

// HeapCorruption reports whether b is glibc's report of a corrupted heap, which it prints just
// before it aborts the process (malloc.c's malloc_printerr: "double free or corruption (out)",
// "free(): invalid pointer", "corrupted double-linked list (not small)", "malloc(): corrupted top
// size"; before glibc 2.26 "*** Error in `python3': double free or corruption (!prev):
// 0x000055d1... ***").
func HeapCorruption(b string) bool {
	if len(b) > 160 || len(b) < 14 {
		return false
	}
	switch b[0] {
	case 'd':
		return strings.HasPrefix(b, "double free or corruption (")
	case 'f', 'm', 'r', 't':
		for _, p := range [...]string{"free(): ", "malloc(): ", "malloc_consolidate(): ", "realloc(): ", "munmap_chunk(): ", "tcache_thread_shutdown(): "} {
			if strings.HasPrefix(b, p) {
				return len(b) > len(p) && b[len(p)] >= 'a' && b[len(p)] <= 'z'
			}
		}
	case 'c':
		return strings.HasPrefix(b, "corrupted double-linked list") || strings.HasPrefix(b, "corrupted size vs. prev_size")
	case '*':
		return strings.HasPrefix(b, "*** Error in `") && (strings.Contains(b, "corruption") || strings.Contains(b, "invalid") ||
			strings.Contains(b, "corrupted")) || strings.HasPrefix(b, "*** glibc detected *** ")
	}
	return false
}

// shellSignals are the words a shell reports a child's death by a signal with (bash's and
// dash's strsignal), and the level each gets: a crash is critical, a kill (the OOM killer's
// SIGKILL, a pod's eviction) an error.
var shellSignals = [...]struct{ words, level string }{
	{"Segmentation fault", "critical"}, {"Aborted", "critical"}, {"Illegal instruction", "critical"},
	{"Bus error", "critical"}, {"Floating point exception", "critical"}, {"Killed", "error"},
}

// ShellSignal returns the level of a shell's report that a child died of a signal, "" for
// another line: the words alone ("Segmentation fault (core dumped)", "Killed"), or bash's job
// report with its script, line and pid ("/ci/run-tests: line 155:  4249 Segmentation fault
// (core dumped) pytest -ra tests/", "bash: line 1:    87 Killed                  python
// serve.py").
func ShellSignal(b string) string {
	if len(b) < 6 || len(b) > 400 && (len(b) > 16384 || !strings.Contains(b[:200], ": line ")) {
		return "" // (bash's report ends in the whole command, a long vllm serve's too)
	}
	w := b
	if i := strings.Index(b[:min(len(b), 200)], ": line "); i > 0 {
		rest := b[i+len(": line "):]
		n := 0
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if n == 0 || !strings.HasPrefix(rest[n:], ": ") {
			return ""
		}
		rest = strings.TrimLeft(rest[n+2:], " ")
		n = 0
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if n == 0 || n >= len(rest) || rest[n] != ' ' {
			return ""
		}
		w = rest[n+1:]
		for _, s := range shellSignals {
			if strings.HasPrefix(w, s.words+" ") || w == s.words {
				return s.level
			}
		}
		return ""
	}
	w = strings.TrimSuffix(strings.TrimRight(w, " \r"), " (core dumped)") // (a paste's trailing blank)
	for _, s := range shellSignals {
		if w == s.words {
			return s.level
		}
	}
	return ""
}

// unheadered returns the lines of text, each without the header it opens with (a line without
// it is kept whole).
func unheadered(text, header string) string {
	var b strings.Builder
	for line := range strings.SplitSeq(text, "\n") {
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(strings.TrimPrefix(line, header))
	}
	return b.String()
}

// prettyFunction reads a C++ function's signature and a line, "int f(a*, b):46" or
// "tcpxResult_t tcpxCommProgress(tcpxComm*):1231": the function's name, without its class.
func prettyFunction(s string) (string, bool) {
	c := strings.LastIndexByte(s, ':')
	if c <= 0 || s[c-1] != ')' {
		return "", false
	}
	_, ok := parseutil.Atoi(s[c+1:])
	p := strings.IndexByte(s, '(')
	if !ok || p <= 0 {
		return "", false
	}
	name := s[strings.LastIndexByte(s[:p], ' ')+1 : p]
	if i := strings.LastIndex(name, "::"); i >= 0 {
		name = name[i+2:]
	}
	name = strings.TrimLeft(name, "*&")
	return name, identifier(name)
}

// ncclLocation reads where an NCCL line was written, before " NCCL ": "file.cc:123", NCCL 2.28's
// "file.cc:431 (gdakiConnectQp)", a C net plugin's "ofi_init:1288" (its function).
func ncclLocation(ev *event.Event, s string, file *string, fileLine *int64) bool {
	loc := strings.Fields(s)
	if len(loc) == 0 || len(loc) > 2 {
		return false
	}
	colon := strings.LastIndexByte(loc[0], ':')
	n, ok := parseutil.Atoi(loc[0][colon+1:])
	switch {
	case colon <= 0 || !ok:
		return false
	case strings.IndexByte(loc[0][:colon], '.') >= 0:
		*file, *fileLine = loc[0][:colon], n
		if len(loc) == 2 && len(loc[1]) > 2 && loc[1][0] == '(' && loc[1][len(loc[1])-1] == ')' && identifier(loc[1][1:len(loc[1])-1]) {
			// NCCL 2.28 and later: "file.cc:431 (gdakiConnectQp) NCCL WARN ..."
			ev.SetString(parseutil.FieldOriginFunc, loc[1][1:len(loc[1])-1])
		}
	case identifier(loc[0][:colon]):
		// a net plugin's line: NCCL hands plugins its logger, and aws-ofi-nccl passes its
		// function where NCCL passes its file ("ofi_init:1288 NCCL WARN NET/OFI ...")
		ev.SetString(parseutil.FieldOriginFunc, loc[0][:colon])
	default:
		return false
	}
	return true
}

// nvshmemBeforeInit is NVSHMEM's error when an API is called before its initialization
// finished (team.cu's nvshmem_team_split_strided), its words alone.
const nvshmemBeforeInit = "NVSHMEM API called before NVSHMEM initialization has completed"
