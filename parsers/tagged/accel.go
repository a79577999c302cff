package tagged

import (
	"strings"
	"time"

	pu "github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// The runtimes of other accelerators write their own log lines into a model server's container.

// rocclrLine reads the ROCm runtime's (ROCclr's, HIP's) log line, which AMD_LOG_LEVEL turns on and
// which it writes for its failures at level 1 whatever the setting: ":1:rocmemory.cpp :1043:
// Failed to create memory for IPC, failed with hsa_status: 4097", ":1:hip_memory.cpp:3354: IPC
// memory creation failed for memory: 0xbae00000" (the level, 1 an error to 4 debug, then the
// source file and line). It reports whether s was one.
func rocclrLine(ev *event.Event, s string) bool {
	if len(s) < 12 || s[0] != ':' || s[2] != ':' || s[1] < '1' || s[1] > '4' {
		return false
	}
	loc, msg, ok := strings.Cut(s[3:], ": ")
	if !ok || msg == "" {
		return false
	}
	file, line, ok := pu.FileLine(strings.ReplaceAll(loc, " ", ""))
	if !ok || !strings.HasSuffix(file, ".cpp") || strings.ContainsAny(file, "/\\") {
		return false
	}
	level := [...]string{pu.Error, pu.Warning, pu.Info, pu.Debug}[s[1]-'1']
	if us, after, ok := strings.Cut(msg, " us: [pid:"); ok && pu.AllDigits(strings.TrimSpace(us)) {
		// AMD_LOG_LEVEL's verbose form: ":3:hip_module.cpp :679 : 0893897958 us: [pid:110
		// tid:0x7f5fe9669740] hipLaunchKernel: ...", microseconds since the start, pid and thread
		if ids, rest, ok := strings.Cut(after, "] "); ok {
			pid, _, _ := strings.Cut(strings.TrimSpace(ids), " ")
			if n, isNum := pu.Atoi(pid); isNum {
				ev.Set(event.FieldProcessPID, event.Int(n))
			}
			msg = strings.TrimLeft(rest, " ")
		}
	}
	ev.SetString(event.FieldOriginFile, file)
	ev.Set(event.FieldOriginLine, event.Int(line))
	ev.SetString(pu.FieldLogMessage, msg)
	if level == pu.Error {
		ev.SetString(event.FieldErrorMsg, msg)
	}
	pu.Finish(ev, pu.DatasetOr(ev, Dataset), level)
	return true
}

// OneCCLConditionFailed reports whether s is oneCCL's error line of a check that failed, whose
// message the library prints on the next line: "2025:03:13-10:36:27:(  636) |CCL_ERROR|
// ze_fd_manager.cpp:214 fill_device_fds: condition fds[dev_idx] > 0 failed".
func OneCCLConditionFailed(s string) bool {
	if len(s) < 30 || s[4] != ':' || s[10] != '-' {
		return false
	}
	i := strings.Index(s[:min(len(s), 40)], ") |CCL_ERROR| ")
	if i < 0 {
		return false
	}
	msg := strings.TrimRight(s[i:], " ")
	return strings.HasSuffix(msg, " failed") && strings.Contains(msg, ": condition ")
}

// oneCCLLine reads Intel oneCCL's line (Intel GPUs' collectives, vLLM on XPU):
// "2026:07:17-12:29:00:(  532) |CCL_WARN| topology recognition shows PCIe connection ...", its
// local time, the pid and the level (CCL_ERROR, CCL_WARN, CCL_INFO, CCL_DEBUG, CCL_TRACE). It
// reports whether s was one.
func oneCCLLine(ev *event.Event, s string) bool {
	if len(s) < 30 || s[4] != ':' || s[10] != '-' || s[19] != ':' || s[20] != '(' {
		return false
	}
	t, err := time.Parse("2006:01:02-15:04:05", s[:19])
	if err != nil {
		return false
	}
	pid, rest, ok := strings.Cut(s[21:], ") |CCL_")
	if !ok {
		return false
	}
	n, isNum := pu.Atoi(strings.TrimSpace(pid))
	lv, msg, ok := strings.Cut(rest, "| ")
	if !isNum || !ok {
		return false
	}
	level, isLevel := pu.Level(lv) // CCL_ERROR, CCL_WARN, CCL_INFO, CCL_DEBUG, CCL_TRACE
	if !isLevel {
		return false
	}
	pu.SetDatedLocalTime(ev, t)
	ev.Set(event.FieldProcessPID, event.Int(n))
	finishLogged(ev, "oneccl", msg, pu.DatasetOr(ev, Dataset), level)
	return true
}

// mindIELine reads the log of Huawei's MindIE (its Service and LLM, the serving stack beside
// vllm-ascend on Ascend NPUs): "[2025-08-14 10:29:36.831549+08:00] [9389] [9391] [server]
// [ERROR] [llm_infer_engine.cpp:48] : [MIE05E040001] [llm_backend] LLMInferEngine initialize
// LLMInferModels failed. ...", its time (with its zone, or local), pid, thread, component, level,
// source file and line, then the message (after " : " or a space); a Service operation's
// record names no file ("[system] [server] [Start mindie server] [fail]") and is left alone.
func mindIELine(s string, r *Line) bool {
	if len(s) < 60 || s[0] != '[' || s[5] != '-' || s[11] != ' ' {
		return false
	}
	var f [6]string
	rest := s
	for i := range f {
		if !strings.HasPrefix(rest, "[") {
			return false
		}
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return false
		}
		f[i], rest = rest[1:end], strings.TrimPrefix(rest[end+1:], " ")
	}
	stamp, pidText, tidText, component, word, loc := f[0], f[1], f[2], f[3], f[4], f[5]
	pid, okPid := pu.Atoi(pidText)
	tid, okTid := pu.Atoi(tidText)
	lv, okLevel := level(word)
	file, line, okLoc := pu.FileLine(loc)
	if !okPid || !okTid || !okLevel || !okLoc || !strings.HasSuffix(file, ".cpp") && !strings.HasSuffix(file, ".h") && !strings.HasSuffix(file, ".cc") {
		return false
	}
	if t, n, ok := pu.RFC3339(strings.Replace(stamp, " ", "T", 1)); ok && n == len(stamp) {
		r.Time = t
	} else if t, err := time.Parse("2006-01-02 15:04:05.999999999", stamp); err == nil {
		r.Time, r.Local = t, true
	} else {
		return false
	}
	r.Level, r.Logger, r.pid, r.thread, r.file, r.line = lv, component, pid, tid, file, line
	r.Msg = strings.TrimPrefix(rest, ": ")
	return r.Msg != ""
}
