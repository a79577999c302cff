// Package nvidia_shell parses the unstructured output of the GPU operator's shell-driven
// containers: the driver container (nvidia-driver scripts and nvidia-installer), k8s-driver-manager,
// the operator validator's init containers (driver-, toolkit-, cuda-, plugin-validation), and Go's
// standard log prefix that older device plugins and helper tools use:
//
//	Starting installation of NVIDIA driver version 535.104.05 for Linux kernel version 5.15.0-1041-azure
//	ERROR: Unable to load the kernel module 'nvidia.ko'.  This happens most frequently when ...
//	running command chroot with args [/run/nvidia/driver nvidia-smi]
//	2022/06/16 07:21:18 Failed to initialize NVML: could not load NVML library.
//
// These lines have no level, so one is inferred from their words (ERROR:, WARNING:, failed,
// retrying, ...). From a known GPU-stack container every remaining line is taken, with that
// container's dataset; without one, only lines whose words are distinctive of the driver or
// validator, Go standard-log lines (generic.stdlog) and Go panics with their goroutine dump
// (generic.go, grouped by the parse processor), are taken, so that other programs' plain text
// is left alone.
package nvidia_shell

import (
	"strings"
	"time"

	"github.com/sluice-dev/sluice/parsers"
	"github.com/sluice-dev/sluice/parsers/nvidia_xid"
	pu "github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/parsers/tagged"
	"github.com/sluice-dev/sluice/parsers/vllm"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// DatasetStdLog is the dataset of Go standard-log lines from containers outside the GPU stack.
const DatasetStdLog = "generic.stdlog"

// FieldCommand holds the command of a shell trace line ("+ modprobe nvidia").
const FieldCommand = "process.command_line"

// Info registers the parser.
var Info = parsers.Info{
	Name:        "nvidia_shell",
	Description: "plain output of the GPU driver, driver manager and validator containers, Go std-log lines and Go panics",
	New:         func(parsers.Options) parsers.Parser { return New() },
	Fields: append(append(pu.Fields(pu.FieldLogMessage, event.FieldErrorMsg, event.FieldErrorStack, event.FieldLogLogger,
		event.FieldProcessPID, event.FieldProcessName, event.FieldOriginFile, event.FieldOriginLine,
		pu.FieldOrchNamespace, pu.FieldOrchResourceType, pu.FieldOrchResourceName, pu.FieldLogFields),
		parsers.Field{Name: FieldCommand, Type: "wildcard", Description: "Command of a shell trace line (set -x)."},
		parsers.Field{Name: event.FieldErrorType, Type: "keyword", Description: "Class of a Python exception read alone that names an NVIDIA failure (RuntimeError: ... Error 802: system not yet initialized)."},
		parsers.Field{Name: nvidia_xid.FieldUUID, Type: "keyword", Description: "GPU UUID (GPU-...)."},
		parsers.Field{Name: nvidia_xid.FieldPCIBusID, Type: "keyword", Description: "PCI address of the GPU NVML could not reach (nvidia-smi's Unable to determine the device handle), as 0000:3b:00."},
		parsers.Field{Name: FieldGPUModel, Type: "keyword", Description: "GPU model (NVIDIA A100-PCIE-40GB), from nvidia-smi -L or the node's labels."}),
		nvidia_xid.CatalogFields...),
}

// Parser parses plain GPU-stack output. It is stateless and safe for concurrent use.
type Parser struct{}

// New returns the parser.
func New() *Parser { return &Parser{} }

// signatures are phrases only the GPU operator's driver and validator containers print; they
// let a line be attributed when the container is unknown.
var signatures = [...]struct{ phrase, dataset string }{
	{"NVIDIA Software Installer", pu.DatasetDriver},
	{"NVIDIA driver", pu.DatasetDriver},
	{"nvidia-installer", pu.DatasetDriver},
	{"nvidia.ko", pu.DatasetDriver},
	{"NVIDIA kernel module", pu.DatasetDriver},
	{"running command chroot with args", pu.DatasetValidator},
	{"validations are successful", pu.DatasetValidator},
	{"validation is successful", pu.DatasetValidator},
	{"command failed, retrying after", pu.DatasetValidator},
}

// signature returns the dataset of the first signature phrase in s. Every phrase holds "NVIDIA",
// "nvidia", "command" or "validation", so lines with none of those cost four scans, not one per
// phrase.
func signature(s string) string {
	if !strings.Contains(s, "NVIDIA") && !strings.Contains(s, "nvidia") &&
		!strings.Contains(s, "command") && !strings.Contains(s, "validation") {
		return ""
	}
	for _, sig := range signatures {
		if strings.Contains(s, sig.phrase) {
			return sig.dataset
		}
	}
	return ""
}

// trace reads a shell trace line: one '+' per nesting level, a space, the command.
func trace(s string) (string, bool) {
	i := 0
	for i < len(s) && s[i] == '+' {
		i++
	}
	if i == 0 || i >= len(s) || s[i] != ' ' {
		return "", false
	}
	return s[i+1:], true
}

// stdLogPrefix returns text without the prefix a Go program gave its standard log with
// log.SetPrefix ("gpu-feature-discovery: 2022/08/30 02:07:24 ..."), and records the prefix as
// the logger; text itself when it has none. Only a prefix before a std-log stamp counts; a
// severity word there (grpc-go's) is returned as the level the line states.
func stdLogPrefix(ev *event.Event, text string) (string, string) {
	i := strings.Index(text[:min(len(text), 48)], ": ")
	if i <= 0 || strings.IndexByte(text[:i], ' ') >= 0 || len(text) < i+12 || text[i+6] != '/' {
		// a prefix that ends in a space, log.New(os.Stdout, "exporter ", ...): "exporter
		// 2025/08/06 10:03:27 svc_handler.go:68: ..." (the AMD GPU metrics exporter)
		if j := strings.IndexByte(text[:min(len(text), 32)], ' '); j > 0 && len(text) > j+12 && text[j+5] == '/' &&
			strings.IndexByte(text[:j], ':') < 0 {
			if _, _, ok := pu.StdLog(text[j+1:]); ok {
				switch w := text[:j]; {
				case w == "INFO" || w == "WARN" || w == "WARNING" || w == "ERROR" || w == "FATAL" || w == "DEBUG" || w == "TRACE":
					// a level as the prefix, log.New(os.Stderr, "ERROR ", log.LstdFlags)
					// (monstache's "ERROR 2022/04/16 07:41:33 Bulk response item: ..."): the level
					lv, _ := pu.Level(w)
					return text[j+1:], lv
				case text[0] >= 'a' && text[0] <= 'z':
					ev.SetString(event.FieldLogLogger, w)
					return text[j+1:], ""
				}
			}
		}
		return text, ""
	}
	if _, _, ok := pu.StdLog(text[i+2:]); !ok {
		return text, ""
	}
	switch w := text[:i]; w {
	case "INFO", "WARNING", "ERROR", "FATAL":
		// grpc-go's default logger puts its severity there ("WARNING: 2022/02/25 05:16:42
		// grpc: addrConn.createTransport failed to connect to ... Reconnecting...", node-feature-
		// discovery's worker): the level, not a logger
		lv, _ := pu.Level(w)
		return text[i+2:], lv
	}
	ev.SetString(event.FieldLogLogger, text[:i])
	return text[i+2:], ""
}

// slogPairs reads the attributes slog's default handler writes after the message ("Starting
// dcgm-exporter Version=4.0.0-4.0.1", dcgm-exporter 4.0's) into log.fields, and returns the
// message: the text before the first space after which the rest is all key=value pairs.
func slogPairs(ev *event.Event, s string) string {
	if strings.IndexByte(s, '=') < 0 {
		return s
	}
	for i := 0; i < len(s); i++ {
		if s[i] != ' ' || i == 0 || !pu.ValidKV(s[i+1:]) {
			continue
		}
		kv := pu.NewKV(s[i+1:])
		for k, v := range kv.All() {
			pu.SetField(ev, k, event.String(v))
		}
		return s[:i]
	}
	return s
}

// rcloneLevel reads the level rclone writes after the std log's time, padded to six before its
// colon ("NOTICE: Config file ... not found - using defaults", "ERROR : model.safetensors: Failed
// to copy: ..."): its NOTICE is a notice, no error.
func rcloneLevel(s string) (string, string, bool) {
	word, _, ok := strings.Cut(s[:min(len(s), 12)], ": ")
	if !ok {
		return "", "", false
	}
	rest := s[len(word)+2:]
	switch strings.TrimRight(word, " ") {
	case "EMERGENCY", "ALERT", "CRITICAL":
		return pu.Critical, rest, true
	case "ERROR":
		return pu.Error, rest, true
	case "WARNING":
		return pu.Warning, rest, true
	case "NOTICE", "INFO":
		return pu.Info, rest, true
	case "DEBUG":
		return pu.Debug, rest, true
	}
	return "", "", false
}

// mpsLine reads the prefix of the MPS control daemon's and server's log lines, which the device
// plugin's MPS control-daemon container prints: "[2024-06-10 15:16:40.777 Control 111377]
// Starting control daemon using socket /tmp/nvidia-mps/control", and sets their time, pid and
// logger. It reports whether s had that prefix.
func mpsLine(ev *event.Event, s string) bool {
	end := strings.IndexByte(s[:min(len(s), 64)], ']')
	if end < 30 {
		return false
	}
	t, n, ok := pu.RFC3339(s[1:end])
	if !ok {
		return false
	}
	f := strings.Fields(s[1+n : end])
	if len(f) == 3 && f[0] == "Legacy" && f[1] == "Server" {
		f = f[1:] // a pre-Volta GPU's server ("Legacy Server")
	}
	if len(f) != 2 || (f[0] != "Control" && f[0] != "Server" && f[0] != "Other") {
		return false
	}
	pid, ok := pu.Atoi(f[1])
	if !ok {
		return false
	}
	pu.SetDatedLocalTime(ev, t)
	ev.Set(event.FieldProcessPID, event.Int(pid))
	if f[0] == "Other" {
		f[0] = "Server" // the server's lines before it knows its role ("Other 337] Startup")
	}
	ev.SetString(event.FieldLogLogger, "nvidia-cuda-mps-"+strings.ToLower(f[0]))
	return true
}

// installerNote reports whether s is one of nvidia-installer's notes (or a driver installer's
// around it) that name a failure it works around, printed through its log rather than as an "ERROR:" (its real errors and
// warnings carry those words): on every driver build from source without EFI variables,
// "Unable to determine if Secure Boot is enabled: No such file or directory", with or without the
// "-> " its log puts before each note.
func installerNote(s string) bool {
	s = strings.TrimPrefix(s, "-> ")
	return strings.HasPrefix(s, "Unable to determine if Secure Boot is enabled") ||
		// its search of a precompiled kernel interface before it builds one (the RHEL and
		// OpenShift driver containers): "Required file 'nvidia-drm.ko' not found in package
		// 'kernel/precompiled/nvidia-modules-5.14.0-builtin'", RHEL 8's "... in package
		// './kernel/precompiled/nvidia-modules-4.18.0'")
		strings.HasPrefix(s, "Required file '") && (strings.Contains(s, "' not found in package 'kernel/precompiled/") ||
			strings.Contains(s, "' not found in package './kernel/precompiled/")) ||
		// its look for a copy of the driver in the initramfs, on an image without the tools
		// (every driver container's start): it goes on without it
		strings.HasPrefix(s, "Unable to locate any tools for listing initramfs contents") ||
		strings.HasPrefix(s, "Unable to scan initramfs: no tool found") ||
		strings.HasPrefix(s, "Unable to determine whether NVIDIA kernel modules are present in the initramfs") ||
		// GKE's Ubuntu driver installer looking for the version it installed last, on a node's
		// first install ("Cache file /usr/local/nvidia/.cache not found."): it installs
		strings.HasPrefix(s, "Cache file ") && strings.HasSuffix(s, " not found.") ||
		// its user interfaces tried in turn at its start ("Unable to load: nvidia-installer
		// ncurses v6 user interface", then "Using: nvidia-installer ncurses v6 user interface
		// (widechar)"): it goes on with the next
		strings.HasPrefix(s, "Unable to load: nvidia-installer ") && strings.HasSuffix(s, " user interface")
}

// detection reports whether s is a platform detection's result (or a note that is no failure of
// the program's), which is no failure whatever its words: GFD's and the device plugin's "Detected non-Tegra platform: /sys/devices/soc0/family
// file not found" on every x86 node, and "Detected non-NVML platform: could not load NVML: ..."
// (its gpu.error.kind stays); their klog builds log both at info.
func detection(s string) bool {
	// and Go's net/http server on a client that dropped the TLS handshake (a load balancer's
	// probe, the API server timing a webhook call out): "http: TLS handshake error from
	// 10.0.0.1:45678: EOF", no failure of the server's own
	return strings.HasPrefix(s, "Detected non-") || strings.HasPrefix(s, "http: TLS handshake error from ") ||
		// libnvidia-container's banner as it opens its debug log, once a container create
		s == "-- WARNING, the following logs are for debugging purposes only --" ||
		// the runtime before 1.4 looking for a runc to run ("\"docker-runc\" binary not found",
		// then "Looking for \"runc\" binary"): a step of a search, not a failure
		strings.HasPrefix(s, "\"") && strings.HasSuffix(s, "\" binary not found") ||
		// nvidia-ctk's CDI generation echoing an optional library it did not find, under its
		// "Ignoring error in locating libnvidia-sandboxutils.so.1" warning
		optionalLibrary(s) ||
		// the KubeVirt/sandbox device plugin's walk of the vGPU devices on a node that has none
		// (passthrough only): logged, ignored, on every start
		strings.HasPrefix(s, `Error accessing file path "/sys/bus/mdev/devices": `)
}

// optionalLibrary reports whether s is a bare "<library>.so.N: not found".
func optionalLibrary(s string) bool {
	lib, ok := strings.CutSuffix(s, ": not found")
	return ok && strings.Contains(lib, ".so") && strings.IndexByte(lib, ' ') < 0 && strings.IndexByte(lib, '/') < 0
}

// shellError reports whether s is an error bash reports about a script's line:
// "/usr/local/bin/nvidia-driver: line 375: kill: (3401) - No such process".
func shellError(s string) bool {
	i := strings.Index(s[:min(len(s), 128)], ": line ")
	if i <= 0 || strings.IndexByte(s[:i], ' ') >= 0 {
		return false
	}
	rest := s[i+len(": line "):]
	j := 0
	for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
		j++
	}
	return j > 0 && strings.HasPrefix(rest[j:], ": ")
}

// MakeError reports whether s is make's report of a failure, "make[1]: ***
// /lib/modules/5.15.0-60-generic/build: No such file or directory.  Stop." or "make[2]: ***
// [Makefile:123: nvidia.ko] Error 2": the driver's build (its kernel headers missing) stopped.
// Its note that it lets the other jobs finish ("make[2]: *** Waiting for unfinished jobs....")
// is none.
func MakeError(s string) bool {
	if !strings.HasPrefix(s, "make") {
		return false
	}
	_, rest, ok := strings.Cut(s[:min(len(s), 24)], ": *** ")
	if strings.HasPrefix(rest, "Waiting for unfinished jobs") {
		return false
	}
	return ok && rest != "" || ok && strings.HasSuffix(s, "Stop.")
}

// MakeLine reports whether s is one of make's own lines: "make: ...", "make[2]: ..." (its
// errors, "Entering directory", "Leaving directory", "Target ... not remade because of errors.").
func MakeLine(s string) bool {
	rest, ok := strings.CutPrefix(s, "make")
	if !ok {
		return false
	}
	if strings.HasPrefix(rest, "[") {
		end := strings.IndexByte(rest, ']')
		if end < 2 || !pu.AllDigits(rest[1:end]) {
			return false
		}
		rest = rest[end+1:]
	}
	return strings.HasPrefix(rest, ": ")
}

// readyMarkerWait reports whether s is the validator's probe of a component's ready file that
// is not there yet: "stat: cannot statx '/run/nvidia/validations/.driver-ctr-ready': No such
// file or directory", every 5 seconds while the driver builds (minutes on every node), before
// its own "command failed, retrying after 5 seconds". The probe's miss is the wait, not a failure.
func readyMarkerWait(s string) bool {
	return strings.Contains(s, "/run/nvidia/validations/") && strings.HasSuffix(s, ": No such file or directory")
}

// driverRootWait reports whether s is the DRA driver's kubelet plugin waiting in its init
// container (kubelet-plugin-prestart.sh) for the GPU operator's driver to appear under its driver
// root: "/driver-root (/run/nvidia/driver on host): nvidia-smi: not found, libnvidia-ml.so.1:
// not found, current contents: [lib].", every few seconds while the driver builds, as the
// validator's probe of its ready file is. The miss is the wait, not a failure; a driver that
// never comes leaves the pod in its init container.
func driverRootWait(s string) bool {
	return strings.HasPrefix(s, "/driver-root (") && strings.Contains(s, ": not found") && strings.Contains(s, "current contents: ")
}

// failureKind reports whether s names an NVIDIA user-space failure, which is an error whatever
// words it uses ("... don't match with driver version ...").
func failureKind(s string) bool {
	kind, _ := pu.GPUFailure(s)
	return kind != ""
}

// Parse takes a non-blank line from a GPU-stack container, a line with a driver or validator
// signature, or a Go standard-log line.
func (p *Parser) Parse(ev *event.Event) bool {
	line := ev.Message()
	text := strings.TrimSpace(line)
	if text == "" {
		return false
	}
	if (text[0] == 'p' || text[0] == 'f' || text[0] == 'g' || text[0] == 'S' || strings.IndexByte(text, '\n') > 0) && goPanic(ev, text) {
		return true
	}
	if (text[0] == 'G' || text[0] == 'M') && smiList(ev, text) {
		return true
	}
	if (text[0] == 'G' || text[0] == '=') && smiQuery(ev, text) {
		return true
	}
	if (text[0] == 'S' || text[0] == '+' || text[0] == '|') && strings.IndexByte(text, '\n') > 0 {
		if first, _, _ := strings.Cut(text, "\n"); pu.DCGMIDiagReport(text, strings.TrimRight(first, " ")) {
			return false // dcgmi diag's report, the tagged parser's, whatever failure its rows quote
		}
	}
	if (text[0] == '+' || text[0] >= 'A' && text[0] <= 'Z') && strings.Contains(text, "\n| NVIDIA-SMI ") && smiReport(ev, text) {
		return true
	}
	dataset := pu.GPUDataset(ev)
	mps := false
	if dataset != "" && text[0] == '[' && mpsLine(ev, text) { // in a GPU-stack container only: the line is taken
		text = strings.TrimSpace(text[strings.IndexByte(text, ']')+1:])
		mps = true
	}
	text, stated := stdLogPrefix(ev, text) // stated: a level the line states, which no guess overrides
	if mps && stated == "" && strings.Contains(text, "encountered a fatal exception") {
		// MPS states no level: its server's "Server encountered a fatal exception. Shutting
		// down" (or the control daemon's) is its death, every client's CUDA context with it
		stated = pu.Critical
		ev.SetString(event.FieldErrorMsg, text)
	}
	logger := "" // the module tools name themselves: "modprobe: FATAL: ..."
	if dataset != "" {
		if lv, rest, ok := cosLogger(ev, text); ok {
			stated, text = lv, rest
		} else if lv, rest, ok := nvidia_xid.ClockLevel(text); ok {
			stated, text = lv, rest // driverdog's (Bottlerocket's module loader) "20:48:35 [INFO] ..."
		}
		text = driverStamp(ev, text)
		text = dateStamp(ev, text)
		text = utcStamp(ev, text)
	}
	if t, n, ok := pu.StdLog(text); ok {
		pu.SetDatedLocalTime(ev, t)
		text = strings.TrimSpace(text[n:])
		if dataset == "" {
			dataset = DatasetStdLog
		}
		if f, rest, ok := strings.Cut(text, ": "); ok && strings.Contains(f, ".go:") && strings.IndexByte(f, ' ') < 0 {
			// the std log's Lshortfile or Llongfile: "sentinel.go:685: sentinel: new master=...",
			// slog's level after it (Ollama's "routes.go:1125: INFO server config env=...")
			pu.SetOrigin(ev, f)
			text = rest
		}
		// Go's slog default handler writes through the std log: "2025/03/03 06:51:55 INFO
		// Starting dcgm-exporter Version=4.1.1-4.0.4" (dcgm-exporter 4.0 and 4.1)
		if w, rest, ok := strings.Cut(text, " "); ok && (w == "DEBUG" || w == "INFO" || w == "WARN" || w == "ERROR") &&
			!strings.HasPrefix(strings.TrimLeft(rest, " "), ": ") { // (rclone's "ERROR : ...", read below)
			stated, _ = pu.Level(w)
			text = slogPairs(ev, rest)
			if dataset == DatasetStdLog && pu.DCGMExporterMessage(text) {
				dataset = pu.DatasetDCGMExporter // its own words name the exporter (see logfmt)
			}
		} else if lv := pu.ZerologLevel(w); ok && lv != "" {
			// zerolog's console writer after the std log's time: "2023/01/20 22:28:02 INF
			// Requesting instance drain event-id=... node-name=ip-10-0-1-2..." (AWS's node
			// termination handler, which drains a spot node before it goes)
			stated, text = lv, rest
			if node := kvValue(text, "node-name"); node != "" {
				pu.SetObject(ev, "node", "", node)
			} else if node := kvValue(text, "node_name"); node != "" {
				pu.SetObject(ev, "node", "", node)
			}
		} else if lv, rest, ok := tagged.JuiceFSLine(ev, text); ok {
			stated, text = lv, rest
		} else if lv, rest, ok := rcloneLevel(text); ok {
			stated, text = lv, rest
		}
	}
	switch {
	case stated != "":
	case dataset != "" && slogStart(text):
		// the same slog lines with the std log's stamp cut off (a copy, a collector that read
		// the time off): "INFO Starting dcgm-exporter Version=4.1.1-4.0.4"
		w, rest, _ := strings.Cut(text, " ")
		stated, _ = pu.Level(w)
		text = slogPairs(ev, rest)
	case strings.HasPrefix(text, "INFO: "):
		stated = pu.Info // "INFO: using stderr for IMEX logging" (the IMEX daemon's own prefix)
	case strings.HasPrefix(text, "E: "):
		stated = pu.Error // apt's: "E: Couldn't find any package by glob 'linux-objects-nvidia-...'"
	case dataset != "" && (strings.HasPrefix(text, "notice: ") || strings.HasPrefix(text, "error: ") ||
		strings.HasPrefix(text, "warning: ") || strings.HasPrefix(text, "info: ")):
		// the vGPU manager's vmiop log ("notice: vmiop_env_log: nvidia-vgpu-mgr daemon started",
		// "error: vmiop_log: (0x0): Failed to ..."): its severity, off the message
		w, rest, _ := strings.Cut(text, ": ")
		stated, text = pu.Info, rest
		switch w {
		case "error":
			stated = pu.Error
		case "warning":
			stated = pu.Warning
		}
	case strings.HasPrefix(text, "W: "):
		stated = pu.Warning // apt's warning
	case len(text) > 10 && (text[0] == 'm' || text[0] == 'i' || text[0] == 'r' || text[0] == 'd'):
		// the module tools' own severity, as the driver script and the peermem sidecar run
		// them ("modprobe: FATAL: Module nvidia-peermem not found in directory ..."): the tool
		// is the logger
		if tool, lv, msg, ok := pu.KmodLine(text); ok {
			stated, text, logger = lv, msg, tool
		}
	}
	signed := false // the dataset is what the line's own words say, not its source's
	if dataset == "" {
		dataset = signature(text)
		signed = dataset != ""
	}
	if dataset == "" {
		// NVML, nvidia-smi and container-toolkit failures, whatever program printed them (not
		// a GPU test's own check naming one: nccl-tests' "gpu: Test CUDA failure common.cu:1030
		// 'system not yet initialized'", the test's, its host named)
		if _, ds := pu.GPUFailure(text); ds != "" && !tagged.GPUTestFailure(text) {
			dataset = ds
		}
	}
	if dataset == "" {
		return false
	}
	level := pu.Guess(text)
	if level == pu.Error && (installerNote(text) || detection(text) || readyMarkerWait(text) || driverRootWait(text)) || level == pu.Warning && detection(text) {
		level = pu.Info
	}
	if level == pu.Error && strings.Contains(text, ", attempting again") {
		// what the driver manager does next, not its failure ("Unable to cleanup driver
		// modules, attempting again with node drain...": the line before it said why; the Go
		// manager logs the same at info): a retry, as "retrying" is
		level = pu.Warning
	}
	if level == pu.Info && !detection(text) && !driverRootWait(text) && (pu.UnitFailed(text) || failureKind(text) || shellError(text) || MakeError(text)) {
		level = pu.Error
	}
	if level == pu.Info && !shellDriven(ev, dataset, signed) {
		// a line whose words name no level has none: a Go std-log line, a GPU daemon's on the
		// host, the DRA driver's IMEX daemon; only the operator's shell-driven containers'
		// plain output is read as this parser's README says
		level = ""
	}
	if stated != "" {
		level = stated
	}
	if lv, ok := nvidia_xid.DevicePluginXid(ev, text); ok {
		level = lv // the device plugin before v0.12 logged its health check with Go's log
	}
	nvidia_xid.DevicePluginUnhealthy(ev, text)
	if drainPod(ev, text) && level == pu.Error && strings.Contains(text, " (will retry after ") {
		level = pu.Warning // kubectl's drain retries: the eviction waits on a disruption budget
	}
	if strings.HasPrefix(text, "Unable to determine the device handle for GPU") || strings.HasPrefix(text, "Unable to determine the device handle for gpu") ||
		strings.Contains(text, "infoROM is corrupted at gpu ") {
		// the GPU NVML lost; nvidia-smi's "WARNING: infoROM is corrupted at gpu 0000:0B:00.0"
		// (its exit code 14, which fails the validator: the GPU is to be replaced)
		if id := nvidia_xid.BusID(text); id != "" {
			ev.SetString(nvidia_xid.FieldPCIBusID, id)
		}
	}
	cmd, traced := trace(text)
	if traced {
		ev.SetString(FieldCommand, cmd)
		level = pu.Debug
	}
	if dataset == pu.DatasetNICDriver && !traced { // a "+ cmd" trace is debug there too (set -x)
		level = stated // the Network Operator's NIC driver: no level from its words, none guessed
		if level == "" {
			level = openibdStatus(text) // but openibd's status after a step: "[FAILED]", "[  OK  ]"
		}
		if level == "" && entrypointFailed(text) {
			level = pu.Error
		}
	}
	if w, ok := strings.CutPrefix(text, "WARNING: "); ok && level == pu.Warning && strings.IndexByte(w, '\n') > 0 {
		// nvidia-installer's warning wrapped at the terminal's width, its lines indented under
		// its text: one paragraph, as its errors' error.message is
		text = "WARNING: " + unwrapped(w, len("WARNING: "))
	}
	if text != "" && text != line {
		// Only when a stamp or padding was cut off: otherwise it would repeat message.
		ev.SetString(pu.FieldLogMessage, text)
	}
	if logger != "" {
		ev.SetString(event.FieldLogLogger, logger)
	}
	if (level == pu.Error || level == pu.Critical) && !ev.Has(event.FieldErrorMsg) {
		// "modprobe: ERROR: could not insert 'nvidia_peermem': Invalid argument"; nvidia-installer's
		// "ERROR: Unable to load the kernel module 'nvidia.ko'. ..." without its severity tag
		// (nvidia-installer's log puts "-> " before each note: "-> Kernel module load error:
		// Invalid argument")
		msg := strings.TrimPrefix(text, "-> ")
		for _, tag := range [...]string{"ERROR: ", "Error: "} {
			// (the validator's, a Go CLI's: "Error: error validating driver installation: ...",
			// its command's exit path printing the error it returned)
			if m, ok := strings.CutPrefix(msg, tag); ok {
				msg = unwrapped(m, len(tag))
				break
			}
		}
		if first, stack, ok := strings.Cut(msg, "\ngoroutine "); ok {
			// net/http's recovered panic, its goroutine's stack under it (one call of the log)
			msg = first
			ev.SetString(event.FieldErrorStack, "goroutine "+stack)
		} else if first, _, ok := strings.Cut(msg, "\n"); ok && MakeError(first) {
			msg = first // the failure the make levels above it echo (grouped by the parse processor)
		}
		if typ, m, ok := vllm.SplitException(msg, true); ok && msg == text && m != "" && vllm.IsBareException(msg) {
			// a Python exception naming a GPU failure, read alone ("RuntimeError: Unexpected
			// error from cudaGetDeviceCount(). ... Error 802: system not yet initialized"): its
			// class and message apart, as for any exception line
			ev.SetString(event.FieldErrorType, typ)
			msg = m
		}
		ev.SetString(event.FieldErrorMsg, msg)
	}
	if strings.HasPrefix(dataset, "gpu.") && (strings.Contains(text, "GPU-") || strings.Contains(text, "MIG-")) {
		// the one GPU a GPU-stack program's plain line is about (GKE's device plugin: "GPU
		// utilization for device GPU-4f8b874c-..., nvml return code: 3. Skipping this device")
		nvidia_xid.OneGPU(ev, text)
	}
	pu.Finish(ev, dataset, level)
	return true
}

// slogStart reports whether text opens with the level slog's default handler writes, "INFO
// Starting ..." (one of its four words, a space, then the message): not nvidia-installer's
// "ERROR: ..." nor rclone's "ERROR : ...".
func slogStart(text string) bool {
	w, rest, ok := strings.Cut(text[:min(len(text), 8)], " ")
	return ok && (w == "DEBUG" || w == "INFO" || w == "WARN" || w == "ERROR") && rest != "" && rest[0] != ' ' && rest[0] != ':'
}

// openibdStatus reads the status openibd (the MOFED and DOCA drivers' init script) prints after
// each step, "Loading Mellanox MLX5_IB HCA driver:[FAILED]", in colour on a terminal: an error
// for FAILED, info for OK; "" for another line. (A paste that lost the escape bytes shows
// "[FAILED[]".)
func openibdStatus(text string) string {
	tail := strings.TrimRight(text, " ")
	tail = tail[max(0, len(tail)-12):]
	switch {
	case strings.Contains(tail, "[FAILED"):
		return pu.Error
	case strings.Contains(tail, "[  OK  "):
		return pu.Info
	}
	return ""
}

// entrypointFailed reports whether text is the NIC driver container's entrypoint's word on a step
// that failed, or on its exit for it: `Command "/etc/init.d/openibd restart" failed with exit
// code: 1`, "Entrypoint exit request caught - exit code: 1, attempting to sleep ..." (exec_cmd and
// exit_entryp print them; a non-zero code).
func entrypointFailed(text string) bool {
	var code string
	if strings.HasPrefix(text, `Command "`) {
		_, code, _ = strings.Cut(text, `" failed with exit code: `)
	} else if rest, ok := strings.CutPrefix(text, "Entrypoint exit request caught - exit code: "); ok {
		code, _, _ = strings.Cut(rest, ",")
	}
	n, ok := pu.Atoi(strings.TrimSpace(code))
	return ok && n != 0
}

// drainPod reads the pod a drain's line names into orchestrator.*: the GPU operator's upgrade
// controller and k8s-driver-manager drain a node with kubectl's drain library, which prints
// "evicting pod NS/NAME", "pod/NAME evicted" and `error when evicting pods/"NAME" -n "NS" (will
// retry after 5s): ...`, so that the lines about the GPU pod that went away are found with it.
func drainPod(ev *event.Event, text string) bool {
	switch {
	case strings.HasPrefix(text, "evicting pod "):
		ns, name, ok := strings.Cut(text[len("evicting pod "):], "/")
		if !ok || name == "" || strings.IndexByte(name, ' ') >= 0 {
			return false
		}
		pu.SetObject(ev, "pod", ns, name)
	case strings.HasPrefix(text, "pod/") && strings.HasSuffix(text, " evicted"):
		name := text[len("pod/") : len(text)-len(" evicted")]
		if name == "" || strings.IndexByte(name, ' ') >= 0 {
			return false
		}
		pu.SetObject(ev, "pod", "", name)
	case strings.HasPrefix(text, `error when evicting pods/"`):
		name, rest, ok := strings.Cut(text[len(`error when evicting pods/"`):], `" -n "`)
		ns, _, ok2 := strings.Cut(rest, `"`)
		if !ok || !ok2 || name == "" {
			return false
		}
		pu.SetObject(ev, "pod", ns, name)
	default:
		return false
	}
	return true
}

// kvValue returns the value of " key=value" in s (up to the next space, quotes taken off), "".
func kvValue(s, key string) string {
	i := strings.Index(s, " "+key+"=")
	if i < 0 {
		return ""
	}
	v := s[i+len(key)+2:]
	if end := strings.IndexByte(v, ' '); end >= 0 {
		v = v[:end]
	}
	return strings.Trim(strings.TrimSuffix(v, ","), `"`)
}

// driverStamp takes off the stamp the Network Operator's driver container (MOFED, DOCA) puts
// before each line, "[26-Sep-24_05:02:12] ", its local time, and sets @timestamp from it.
func driverStamp(ev *event.Event, text string) string {
	if len(text) < 22 || text[0] != '[' || text[3] != '-' || text[7] != '-' || text[10] != '_' || text[19] != ']' {
		return text
	}
	t, err := time.Parse("02-Jan-06_15:04:05", text[1:19])
	if err != nil {
		return text
	}
	pu.SetDatedLocalTime(ev, t)
	return strings.TrimSpace(text[20:])
}

// dateStamp takes off date(1)'s stamp in UTC that the OpenShift driver toolkit's entrypoints put
// before their lines ("Mon May 13 20:45:15 UTC 2024 Waiting for openshift-driver-toolkit-ctr
// container to start ..."), and sets @timestamp from it.
func dateStamp(ev *event.Event, text string) string {
	if len(text) < 30 || text[3] != ' ' || text[7] != ' ' || text[19] != ' ' || text[20:24] != "UTC " || text[28] != ' ' {
		return text
	}
	t, err := time.Parse("Mon Jan _2 15:04:05 UTC 2006", text[:28])
	if err != nil {
		return text
	}
	pu.SetTime(ev, t)
	return text[29:]
}

// utcStamp takes off the time in UTC a script puts before its lines with date -u's ISO 8601
// form ("2025-06-08T13:39:48Z  /driver-root (...): ...", the DRA driver's kubelet plugin's
// init container), and sets @timestamp from it.
func utcStamp(ev *event.Event, text string) string {
	t, n, ok := pu.RFC3339(text)
	if !ok || n != 20 || text[19] != 'Z' || len(text) < 22 || text[20] != ' ' {
		return text
	}
	pu.SetTime(ev, t)
	return strings.TrimLeft(text[21:], " ")
}

// cosLogger reads the prefix GKE's shell driver installer (cos-gpu-installer before its Go
// rewrite) puts before its lines, "[INFO    2020-05-27 21:20:11 UTC] PRELOAD: false": its time, in
// UTC. It returns the level the prefix states and the text after it.
func cosLogger(ev *event.Event, text string) (level, rest string, ok bool) {
	end := strings.IndexByte(text[:min(len(text), 40)], ']')
	if len(text) < 32 || text[0] != '[' || end < 30 || !strings.HasSuffix(text[:end], " UTC") {
		return "", "", false
	}
	w, stamp, _ := strings.Cut(text[1:end], " ")
	stamp = strings.TrimSpace(stamp)
	t, err := time.Parse("2006-01-02 15:04:05 UTC", stamp)
	if err != nil || (w != "INFO" && w != "WARNING" && w != "ERROR" && w != "DEBUG") {
		return "", "", false
	}
	pu.SetTime(ev, t)
	level, _ = pu.Level(w)
	return level, strings.TrimSpace(text[end+1:]), true
}

// Fields of nvidia-smi -L's lines.
const (
	FieldGPUUUID  = nvidia_xid.FieldUUID
	FieldGPUModel = "gpu.model"
)

// DatasetSMI is the dataset of nvidia-smi -L's lines outside the GPU stack; the parse processor
// gives them their source's, as a vLLM pod's other lines have.
const DatasetSMI = "generic.nvidia_smi"

// smiList reads a line of nvidia-smi -L, "GPU 0: NVIDIA A100-PCIE-40GB (UUID:
// GPU-551720f0-caf0-22b7-f525-2a51a6ab478d)", which a workload prints to say which GPUs it got:
// the GPU's UUID and model. The index is the container's own numbering, not the node's, and is
// left in the message.
func smiList(ev *event.Event, text string) bool {
	if t, ok := strings.CutPrefix(text, "MIG "); ok {
		return smiMIG(ev, t)
	}
	rest, ok := strings.CutPrefix(text, "GPU ")
	if !ok {
		return false
	}
	idx, rest, ok := strings.Cut(rest, ": ")
	if _, isNum := pu.Atoi(idx); !ok || !isNum {
		return false
	}
	model, uuid, ok := strings.Cut(rest, " (UUID: ")
	if !ok || !strings.HasPrefix(uuid, "GPU-") || !strings.HasSuffix(uuid, ")") || model == "" {
		return false
	}
	uuid = uuid[:len(uuid)-1]
	if len(uuid) != len("GPU-551720f0-caf0-22b7-f525-2a51a6ab478d") {
		return false
	}
	ev.SetString(FieldGPUUUID, uuid)
	ev.SetString(FieldGPUModel, model)
	pu.Finish(ev, pu.DatasetOr(ev, DatasetSMI), pu.Info)
	return true
}

// SMIQueryBanner is the line nvidia-smi -q opens its report with.
const SMIQueryBanner = "==============NVSMI LOG=============="

// SMIQueryStart reports whether b opens a part of nvidia-smi -q's report: its banner, or a GPU's
// section, "GPU 00000000:01:00.0" (its bus id with the eight-digit domain), whose fields
// follow indented under it ("    Product Name    : NVIDIA A10G").
func SMIQueryStart(b string) bool {
	b = strings.TrimRight(b, " \r")
	if b == SMIQueryBanner {
		return true
	}
	bus, ok := strings.CutPrefix(b, "GPU ")
	// (drivers before 384 write the domain in four digits: "GPU 0000:4B:00.0")
	return ok && (len(bus) == len("00000000:01:00.0") || len(bus) == len("0000:01:00.0")) && nvidia_xid.BusID(bus) != ""
}

// smiQuery reads a part of nvidia-smi -q's report, which the parse processor groups: the banner
// with the lines under it (the time, the driver's and CUDA's versions, the GPUs attached), or a
// GPU's section, which names the GPU (gpu.pci_bus_id from its header, gpu.model from its
// Product Name, gpu.uuid from its GPU UUID). A field that reads "Unknown Error" or "[GPU requires
// reset]" is a reading the driver could not take from a failing GPU: the section is an error,
// the first such field its error.message.
func smiQuery(ev *event.Event, text string) bool {
	first, rest, _ := strings.Cut(text, "\n")
	if !SMIQueryStart(first) {
		return false
	}
	first = strings.TrimRight(first, " \r")
	level := pu.Info
	if first == SMIQueryBanner {
		ev.SetString(pu.FieldLogMessage, "NVSMI LOG")
		pu.Finish(ev, pu.DatasetOr(ev, DatasetSMI), level)
		return true
	}
	ev.SetString(pu.FieldLogMessage, first)
	ev.SetString(nvidia_xid.FieldPCIBusID, nvidia_xid.BusID(first))
	for line := range strings.SplitSeq(rest, "\n") {
		key, val, ok := strings.Cut(line, " : ")
		if !ok {
			continue
		}
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		switch {
		case key == "Product Name" && val != "" && val != "Unknown Error" && !strings.HasPrefix(val, "[") && !ev.Has(FieldGPUModel):
			ev.SetString(FieldGPUModel, val)
		case key == "GPU UUID" && len(val) == len("GPU-551720f0-caf0-22b7-f525-2a51a6ab478d") && strings.HasPrefix(val, "GPU-"):
			ev.SetString(FieldGPUUUID, val)
		}
		if (val == "Unknown Error" || strings.Contains(val, "GPU requires reset")) && level != pu.Error {
			level = pu.Error
			ev.SetString(event.FieldErrorMsg, key+": "+val)
		}
	}
	pu.Finish(ev, pu.DatasetOr(ev, DatasetSMI), level)
	return true
}

// smiMIG reads a MIG device under its GPU in "nvidia-smi -L" ("  MIG 1g.5gb      Device  0:
// (UUID: MIG-8c4c5a27-e508-5556-b2ea-7e549465741e)"; before R470 "MIG-GPU-<uuid>/7/0"): the id
// the device plugin and DCGM give the slice a workload got, in gpu.uuid as a GPU's.
func smiMIG(ev *event.Event, t string) bool {
	profile, rest, ok := strings.Cut(t, " ")
	if !ok || !strings.Contains(profile, "g.") {
		return false
	}
	rest, ok = strings.CutPrefix(strings.TrimLeft(rest, " "), "Device ")
	if !ok {
		return false
	}
	idx, uuid, ok := strings.Cut(strings.TrimLeft(rest, " "), ": (UUID: ")
	if _, isNum := pu.Atoi(idx); !ok || !isNum || !strings.HasPrefix(uuid, "MIG-") || !strings.HasSuffix(uuid, ")") {
		return false
	}
	uuid = uuid[:len(uuid)-1]
	if strings.ContainsAny(uuid, " ()") {
		return false
	}
	ev.SetString(FieldGPUUUID, uuid)
	pu.Finish(ev, pu.DatasetOr(ev, DatasetSMI), pu.Info)
	return true
}

// shellDriven reports whether the line is the plain output of one of the GPU operator's
// shell-driven containers (the driver container, the validator's init containers, the MIG
// manager), whose neutral lines are info: from such a container, or with words only the driver
// installer or the validator print (signed). A GPU daemon's line on the host (nvidia-persistenced
// is gpu.driver too) is not.
func shellDriven(ev *event.Event, dataset string, signed bool) bool {
	switch dataset {
	case pu.DatasetDriver, pu.DatasetValidator, pu.DatasetMIGManager:
		return signed || pu.Container(ev) != ""
	}
	return false
}

// unwrapped joins the lines nvidia-installer wrapped a message over at the terminal's width,
// each indented under the text after its severity tag ("ERROR: Unable to open
// 'kernel/dkms.conf' for copying (No such file or\n       directory)"): the wrap is the
// terminal's, not the message's, which reads as the tagged parser reads it without the
// container. A blank line (or the indent alone) parts its paragraphs, kept one a line: the
// installer's "Please see the log entries ..." after its reason, indented, or at the margin
// where the installer printed its message unwrapped. Lines after the first that are none of
// these are left as they are.
func unwrapped(msg string, indent int) string {
	first, rest, ok := strings.Cut(msg, "\n")
	if !ok {
		return msg
	}
	pad := strings.Repeat(" ", indent)
	out, para := first, false // para: a paragraph break came before this line
	for rest != "" {
		line, after, _ := strings.Cut(rest, "\n")
		t := strings.TrimSpace(line)
		switch {
		case t == "":
			para = true
		case strings.HasPrefix(line, pad) && len(line)-len(strings.TrimLeft(line, " ")) <= indent+6 || para && strings.HasPrefix(t, installerSeeLog):
			if para {
				out += "\n" + t
			} else {
				out += " " + t
			}
			para = false
		default:
			return out + "\n" + rest
		}
		rest = after
	}
	return out
}

// installerSeeLog opens the paragraph nvidia-installer ends a failure's message with.
const installerSeeLog = "Please see the log entries "

// smiReport reads nvidia-smi's report, its table grouped by the parse processor (its time, "+---+"
// borders, "| NVIDIA-SMI 535.104.05   Driver Version: 535.104.05   CUDA Version: 12.2 |", a
// GPU's rows): log.message is its header row's words, and a report of one GPU names it
// (gpu.pci_bus_id, gpu.model from "|   0  Tesla T4   On   | 00000000:84:00.0 Off | ..."). A
// report that shows "ERR!" (a reading the driver could not take, a GPU failing) is a warning.
func smiReport(ev *event.Event, text string) bool {
	var header, bus, model string
	gpus := 0
	for line := range strings.SplitSeq(text, "\n") {
		line = strings.TrimRight(line, " \r")
		if h, ok := strings.CutPrefix(line, "| NVIDIA-SMI "); ok {
			header = "NVIDIA-SMI " + strings.Join(strings.Fields(strings.TrimSuffix(h, "|")), " ")
			continue
		}
		cells := strings.Split(line, "|")
		if len(cells) < 4 || cells[0] != "" {
			continue
		}
		// the first row of a GPU: its index and name (persistence mode last) beside its bus id
		idx, name, ok := strings.Cut(strings.TrimSpace(cells[1]), " ")
		if _, isNum := pu.Atoi(idx); !ok || !isNum {
			continue
		}
		id := nvidia_xid.BusID(cells[2])
		if id == "" {
			continue
		}
		name = strings.TrimSpace(name)
		if n, ok := strings.CutSuffix(name, " On"); ok {
			name = n
		} else if n, ok := strings.CutSuffix(name, " Off"); ok {
			name = n
		}
		gpus++
		bus, model = id, strings.TrimSpace(name)
	}
	if header == "" {
		return false
	}
	ev.SetString(pu.FieldLogMessage, header)
	if gpus == 1 {
		ev.SetString(nvidia_xid.FieldPCIBusID, bus)
		if model != "" {
			ev.SetString(FieldGPUModel, model)
		}
	}
	level := pu.Info
	if strings.Contains(text, "ERR!") {
		level = pu.Warning
	}
	pu.Finish(ev, pu.DatasetOr(ev, DatasetSMI), level)
	return true
}
