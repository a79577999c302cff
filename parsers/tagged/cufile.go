package tagged

import (
	"strings"
	"time"

	pu "github.com/sluice-dev/sluice/parsers/parseutil"
)

// cufile reads the records of libcufile, GPUDirect Storage's user library (cufile.log in the
// working directory, or the process's stderr with its logging.type set so), one a line:
// " 07-12-2026 06:15:36:15 [pid=27189 tid=27189] ERROR  cufio-drv:1141 nvidia-fs.ko driver
// not loaded": a leading space, the day, month and year, the time with its milliseconds after a
// colon (not padded: ":15" is 15 ms), the process and thread, the level (TRACE, DEBUG, INFO,
// NOTICE, WARN, ERROR) padded, the module and line, the message. Its time has no zone: the
// writer's local time.
func cufile(s string, r *Line) bool {
	s = strings.TrimPrefix(s, " ")
	if len(s) < 45 || s[2] != '-' || s[5] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':' || s[19] != ':' {
		return false
	}
	sp := strings.IndexByte(s[20:], ' ')
	if sp <= 0 || sp > 3 {
		return false
	}
	ms, ok := pu.Atoi(s[20 : 20+sp])
	if !ok {
		return false
	}
	t, err := time.Parse("02-01-2006 15:04:05", s[:19])
	if err != nil {
		return false
	}
	rest, ok := strings.CutPrefix(s[20+sp:], " [pid=")
	if !ok {
		return false
	}
	pids, rest, ok := strings.Cut(rest, "] ")
	if !ok {
		return false
	}
	pid, tid, ok := strings.Cut(pids, " tid=")
	p, ok1 := pu.Atoi(pid)
	th, ok2 := pu.Atoi(tid)
	if !ok || !ok1 || !ok2 {
		return false
	}
	word, rest, ok := strings.Cut(rest, " ")
	lv := cufileLevels[word]
	if !ok || lv == "" {
		return false
	}
	rest = strings.TrimLeft(rest, " ")
	loc, msg, ok := strings.Cut(rest, " ")
	file, line, ok2 := strings.Cut(loc, ":")
	n, ok3 := pu.Atoi(line)
	if !ok || !ok2 || !ok3 || file == "" {
		return false
	}
	r.Time, r.Local, r.Level, r.pid, r.thread = t.Add(time.Duration(ms)*time.Millisecond), true, lv, p, th
	r.file, r.line, r.Msg = file, n, strings.TrimRight(msg, " ")
	return true
}

// cufileLevels maps libcufile's level words to levels.
var cufileLevels = map[string]string{
	"TRACE": pu.Debug, "DEBUG": pu.Debug, "INFO": pu.Info, "NOTICE": pu.Info, "WARN": pu.Warning, "ERROR": pu.Error,
}

// cudaCheck reads cuda-samples' checkCudaErrors report (helper_cuda.h's check(), printed just
// before the sample exits with a failure): "CUDA error at ../../common/inc/helper_cuda.h:708
// code=30(cudaErrorUnknown) \"cudaGetDeviceCount(&device_count)\"": the file and line, and the
// error with the call that returned it. The samples are the GPU sharing docs' test workloads
// (vectorAdd, matrixMul), and the MPS client's side of its server's crash.
func cudaCheck(s string) (file string, line int64, msg string, ok bool) {
	rest, ok := strings.CutPrefix(s, "CUDA error at ")
	if !ok {
		return "", 0, "", false
	}
	loc, msg, ok := strings.Cut(rest, " code=")
	colon := strings.LastIndexByte(loc, ':')
	if !ok || colon <= 0 || !strings.Contains(msg, "(cuda") {
		return "", 0, "", false
	}
	n, isNum := pu.Atoi(loc[colon+1:])
	if !isNum {
		return "", 0, "", false
	}
	return loc[:colon], n, "code=" + strings.TrimRight(msg, " "), true
}
