package parseutil

import "strings"

// The five levels every parsed event carries in log.level, lowercase, whatever the source wrote.
const (
	Debug    = "debug"
	Info     = "info"
	Warning  = "warning"
	Error    = "error"
	Critical = "critical"
)

// KlogLevel is the level of klog's (and glog's) severity letter, the first byte of its header
// (KlogHeader's): I, W, E or F; "" for another byte.
func KlogLevel(c byte) string {
	switch c {
	case 'I':
		return Info
	case 'W':
		return Warning
	case 'E':
		return Error
	case 'F':
		return Critical
	}
	return ""
}

// Level maps a level name as written by Go, Python and C loggers (any case: "WARN", "Warning",
// "eror", "fatal", "DPANIC", "E") to one of the five levels. It does not allocate.
func Level(s string) (string, bool) {
	switch len(s) {
	case 1:
		switch s[0] | 0x20 {
		case 'd', 't', 'v': // 'v' verbose (TensorRT-LLM's logger)
			return Debug, true
		case 'i':
			return Info, true
		case 'w':
			return Warning, true
		case 'e':
			return Error, true
		case 'f', 'c', 'p':
			return Critical, true
		}
		return "", false
	}
	for _, m := range levelNames {
		if strings.EqualFold(s, m.name) {
			return m.level, true
		}
	}
	// zap's name for a level it has no name for: controller-runtime's verbosity levels
	// (logr V(2) is "Level(-2)") are below debug.
	if strings.HasPrefix(s, "Level(-") && strings.HasSuffix(s, ")") {
		return Debug, true
	}
	return "", false
}

var levelNames = [...]struct{ name, level string }{
	{"info", Info}, {"debug", Debug}, {"warn", Warning}, {"warning", Warning},
	{"error", Error}, {"err", Error}, {"fatal", Critical}, {"trace", Debug},
	{"critical", Critical}, {"crit", Critical}, {"panic", Critical}, {"dpanic", Critical},
	{"notice", Info}, {"informational", Info}, {"information", Info}, {"eror", Error},
	{"erro", Error}, {"debu", Debug}, {"trac", Debug}, {"fata", Critical}, {"pani", Critical},
	{"verbose", Debug}, {"emerg", Critical}, {"emergency", Critical}, {"alert", Critical},
	{"severe", Error}, {"fine", Debug}, {"dbug", Debug}, // log15's (Grafana's): dbug info warn eror crit
}

// Guess picks a level for free text that carries none (installer and shell output): error words
// make it an error, warnings a warning, anything else info. Words are matched whole, so that a
// JSON key such as "failOnInitError" is not an error. It allocates nothing.
func Guess(s string) string {
	switch {
	case hasPrefixFold(s, "fatal") || hasPrefixFold(s, "panic:"):
		return Critical
	case hasPrefixFold(s, "error") || hasPrefixFold(s, "err:"):
		return Error
	case hasPrefixFold(s, "warn"):
		return Warning
	case hasPrefixFold(s, "unknown option") || hasPrefixFold(s, "unrecognized option") || hasPrefixFold(s, "invalid option"):
		return Error // a command refusing its arguments (a start script's getopt): it did not run
	case anyWord(s, "retrying", "Retrying", "not responding, still trying"):
		return Warning
	case anyWord(s, "failed", "Failed", "FAILED", "failure", "error", "errored", "Error", "ERROR", "Unable", "unable", "Could not", "could not", "cannot", "Cannot", "not found",
		// the kernel's RPC client giving up on a soft NFS mount's server ("nfs: server
		// 10.0.0.5 not responding, timed out"): the read fails with EIO (a model's shard, a
		// checkpoint), where "still trying" (a hard mount) only waits
		"not responding, timed out"):
		return Error
	case anyWord(s, "WARNING", "Warning", "warning"):
		return Warning
	}
	return Info
}

func hasPrefixFold(s, p string) bool {
	return len(s) >= len(p) && strings.EqualFold(s[:len(p)], p)
}

// anyWord reports whether one of words appears in s with no letter right before or after it.
func anyWord(s string, words ...string) bool {
	for _, w := range words {
		for off := 0; ; {
			i := strings.Index(s[off:], w)
			if i < 0 {
				break
			}
			i += off
			end := i + len(w)
			if (i == 0 || !isLetter(s[i-1])) && (end == len(s) || !isLetter(s[end])) {
				return true
			}
			off = i + 1
		}
	}
	return false
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// ZerologLevel maps the three-letter levels of zerolog's console writer (TRC, DBG, INF, WRN,
// ERR, FTL, PNC), "" for another word.
func ZerologLevel(w string) string {
	switch w {
	case "TRC", "DBG":
		return Debug
	case "INF":
		return Info
	case "WRN":
		return Warning
	case "ERR":
		return Error
	case "FTL", "PNC":
		return Critical
	}
	return ""
}

// LowerLevel maps a level word a program writes in lower case only (Fluent Bit's "warn",
// Fluentd's "error"), "" for another word or one in capitals.
func LowerLevel(w string) string {
	if w == "" || w[0] < 'a' || w[0] > 'z' {
		return ""
	}
	lv, _ := Level(w)
	return lv
}

// DatasetSlurm is the dataset of Slurm's daemons' and commands' lines (slurmd, slurmctld,
// slurmstepd, srun, sbatch).
const DatasetSlurm = "slurm.log"

// SlurmProgram reports whether name is one of Slurm's daemons or commands.
func SlurmProgram(name string) bool {
	switch name {
	case "srun", "sbatch", "salloc", "scontrol", "sacct", "sacctmgr", "squeue", "sinfo", "scancel", "sattach":
		return true
	}
	return strings.HasPrefix(name, "slurm")
}

// SlurmLevel reads the level word Slurm's log functions put before the message (src/common/log.c):
// "error: ", "fatal: " (the daemon exits), "verbose: ", "debug: " to "debug5: " (padded: "debug:
// "), and the "WARNING: " its messages state (since 25.x its "warning: " word); rest is the
// message after it.
func SlurmLevel(s string) (level, rest string, ok bool) {
	w, _, ok := strings.Cut(s[:min(len(s), 9)], ": ")
	if !ok {
		return "", "", false
	}
	rest = strings.TrimLeft(s[len(w)+2:], " ")
	switch w {
	case "error":
		return Error, rest, rest != ""
	case "fatal":
		return Critical, rest, rest != ""
	case "WARNING", "warning":
		return Warning, rest, rest != ""
	case "verbose", "debug", "debug2", "debug3", "debug4", "debug5":
		return Debug, rest, rest != ""
	}
	return "", "", false
}

// UnitFailed reports whether a systemd line says that a unit failed: its main process was killed
// or exited with a status other than 0, it failed to start, or (systemd before 236) it "entered
// failed state": "kubelet.service: Main process exited, code=exited, status=1/FAILURE",
// "nvidia-dcgm.service: Failed with result 'signal'.", "Failed to start Kubernetes Kubelet.".
func UnitFailed(s string) bool {
	if strings.HasPrefix(s, "Failed to start ") ||
		// a unit that did not start because one it requires failed ("Dependency failed for
		// Kubernetes Kubelet.", "Job kubelet.service/start failed with result 'dependency'.")
		strings.HasPrefix(s, "Dependency failed for ") ||
		strings.HasPrefix(s, "Job ") && strings.Contains(s, ".service/start failed with result ") {
		return true
	}
	if strings.HasPrefix(s, "Unit ") && strings.HasSuffix(s, ".service entered failed state.") ||
		// systemd before 229 giving up on a unit: "start request repeated too quickly for
		// kubelet.service"
		strings.HasPrefix(s, "start request repeated too quickly for ") && strings.HasSuffix(s, ".service") {
		return true
	}
	if unit, ok := strings.CutSuffix(s, " failed."); ok && strings.HasSuffix(unit, ".service") && strings.IndexByte(unit, ' ') < 0 {
		return true
	}
	_, after, ok := strings.Cut(s, ".service: ")
	if !ok {
		return false
	}
	after = strings.TrimPrefix(after, "main ") // systemd before 236 wrote "main process exited"
	return strings.HasPrefix(after, "Main process exited, code=killed") ||
		strings.HasPrefix(after, "Main process exited, code=dumped") ||
		strings.HasPrefix(after, "process exited, code=killed") ||
		strings.HasPrefix(after, "process exited, code=dumped") ||
		strings.HasPrefix(after, "Control process exited, code=killed") ||
		strings.HasPrefix(after, "Failed with result") ||
		strings.HasPrefix(after, "Unit entered failed state.") || // systemd 229 to 235

		// systemd gives up restarting the unit (start-limit-hit): nothing starts it again
		strings.HasPrefix(after, "Start request repeated too quickly.") ||
		(strings.Contains(after, "process exited, code=exited, status=") && !strings.Contains(after, "status=0/"))
}

// KmodLine reads the module tools' own severity (libkmod's log: "modprobe: ERROR: could not
// insert 'nvidia_modeset': Invalid argument", "insmod: ERROR: ...", "rmmod: ERROR: Module nvidia
// is in use by: nvidia_modeset", "modprobe: FATAL: Module nvidia not found in directory ..."):
// the tool, its level (FATAL critical) and the message after it.
func KmodLine(s string) (tool, level, msg string, ok bool) {
	tool, _, found := strings.Cut(s[:min(len(s), 24)], ": ")
	switch {
	case !found:
		return "", "", "", false
	case tool != "modprobe" && tool != "insmod" && tool != "rmmod" && tool != "depmod" && tool != "modinfo":
		return "", "", "", false
	}
	word, msg, ok := strings.Cut(s[len(tool)+2:], ": ")
	if !ok || msg == "" {
		return "", "", "", false
	}
	lv, known := Level(word) // libkmod's FATAL, ERROR, WARNING (INFO, DEBUG when verbose)
	if !known || word != strings.ToUpper(word) {
		return "", "", "", false
	}
	return tool, lv, msg, true
}

// GluedRecord returns where a logging record starts after a native library's message that was
// printed without its line break, 0 when s is not such a line: NVIDIA's sandbox utilities'
// "ERROR: init 250 result=11" before GFD's klog header or nvidia-ctk's logrus line ("ERROR: init
// 243 result=9time=..."), Ollama's GPU library's "cuda driver library failed to get device
// context 2" before its slog line. The record is the line's: its time, level and message.
func GluedRecord(s string) int {
	var rest string
	if r, ok := strings.CutPrefix(s, "ERROR: init "); ok {
		n := digitsLen(r)
		r, ok = strings.CutPrefix(r[n:], " result=")
		if n == 0 || !ok {
			return 0
		}
		rest = r
	} else if r, ok := strings.CutPrefix(s, "cuda driver library failed to get device context "); ok {
		rest = r
	} else {
		return 0
	}
	n := digitsLen(rest)
	if n == 0 {
		return 0
	}
	rec := rest[n:]
	if strings.HasPrefix(rec, "time=") || KlogHeader(rec) {
		return len(s) - len(rec)
	}
	return 0
}

func digitsLen(s string) int {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}
