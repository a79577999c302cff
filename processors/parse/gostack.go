package parse

import (
	"strings"

	"github.com/sluice-dev/sluice/parsers/gpu_operator"
	"github.com/sluice-dev/sluice/parsers/nvidia_shell"
	"github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/parsers/vllm"
)

// Go programs of the GPU stack (operator, device plugin, toolkit) die with a panic and a
// goroutine dump, and zap's console encoder writes an error's stack as function and file lines
// after it; one event per line of those would bury the error. These rules keep them together.

// goStart reports whether a line without a logging header opens a Go stack group, and at what
// level: a panic or fatal error, a goroutine header, or a zap console error line, which a stack
// may follow.
func goStart(l *vllm.Line) (mode int, level string, ok bool) {
	b := l.Body
	switch {
	case l.Header != "" || len(b) < 7:
		return 0, "", false
	case strings.HasPrefix(b, "panic: "), nvidia_shell.GoFatal(b), nvidia_shell.GoSignal(b), nvidia_shell.GoFault(b):
		return modeGo, "critical", true
	case goroutineHeader(b):
		return modeGo, "", true
	case zapConsoleLevel(b) != "" && strings.HasSuffix(strings.TrimRight(b, " "), vllm.TracebackHeader):
		// a zap console record whose message quotes a Python traceback (KubeRay's event for a
		// Serve update the Ray dashboard refused with its traceback): the traceback's lines,
		// then the tab and the JSON context zap writes after the message
		return modeTrace, "", true
	case zapConsoleError(b) || len(b) < len(l.Text) && zapConsoleError(l.Text):
		// (a line whose tabs a copy expanded: its time, then spaces, read as a --timestamps prefix)
		return modeGoMaybe, "", true
	case b[0] == 'E' && klogHeader(b) && strings.Contains(b, "] Observed a panic: "):
		// apimachinery's HandleCrash in a klog program (Volcano's scheduler, a controller): the
		// recovered panic, then its goroutine's stack
		return modeGo, "", true
	case strings.Contains(b[:min(len(b), 48)], " http: panic serving ") || strings.Contains(b[:min(len(b), 48)], " http2: panic serving ") ||
		strings.HasPrefix(b, "http: panic serving ") || strings.HasPrefix(b, "http2: panic serving "):
		// net/http's server recovering a handler's panic, logged with one call: the panic,
		// then its goroutine's stack (a scheduler extender's failed filter call)
		return modeGo, "", true
	case l.Proc == "" && nvidia_shell.GoStackFrame(b):
		// a stack read from its middle (a dump cut by the kubelet's rotation, a file read from
		// where Filebeat started, kubectl logs --tail): its frames and file lines are one record
		return modeGo, "", true
	}
	return 0, "", false
}

// zapConsoleError reports whether b is a zap console line at error level or worse: its level is
// the second tab-separated field ("2025-04-03T11:51:20Z\tERROR\tReconciler error\t{...}"), in
// capitals or, with zap's lower-case level encoder, not ("2024-03-15T17:10:37.980Z\terror\t
// exporterhelper/queue_sender.go:97\tExporting failed. ...", the OpenTelemetry Collector's).
func zapConsoleError(b string) bool {
	switch zapConsoleLevel(b) {
	case "ERROR", "DPANIC", "PANIC", "FATAL", "error", "dpanic", "panic", "fatal":
		return true
	}
	return false
}

// zapConsoleLevel returns the level of a zap console line, "" for another line.
func zapConsoleLevel(b string) string {
	t := strings.IndexByte(b, '\t')
	if t < 0 && len(b) > 30 && b[4] == '-' && b[0] >= '1' && b[0] <= '2' && strings.Contains(b[:min(len(b), 48)], "  ") {
		// its tabs expanded to spaces (a paste, a terminal's copy): the columns they filled
		if u, ok := gpu_operator.Untab(b); ok {
			b, t = u, strings.IndexByte(u, '\t')
		}
	}
	if t < 0 || t > 40 {
		return ""
	}
	lv, _, ok := strings.Cut(b[t+1:], "\t")
	switch lv {
	case "DEBUG", "INFO", "WARN", "ERROR", "DPANIC", "PANIC", "FATAL", "debug", "info", "warn", "error", "dpanic", "panic", "fatal":
		if ok {
			return lv
		}
	}
	return ""
}

// goAccept reports whether l continues a Go stack group in mode, and the mode after it.
func goAccept(mode int, l *vllm.Line) (int, bool) {
	if l.Header != "" || l.Proc != "" {
		return mode, false
	}
	b := l.Body
	if len(b) < len(l.Text) && b != "" && b[0] == ' ' && zapConsoleLevel(l.Text) != "" {
		// the next zap record, its tabs expanded: its time was read off as a prefix, and what
		// is left looks indented
		return mode, false
	}
	if goFrameLine(b) || goFileLine(b) {
		return modeGo, true
	}
	if mode != modeGo {
		return mode, false
	}
	if b != "" && b[0] == '/' && goCallerLine(b) {
		// apimachinery's HandleCrash before v0.17 logged its callers as "file:line" alone
		// under "Observed a panic" ("/home/.../k8s.io/apimachinery/pkg/util/runtime/runtime.go:76")
		return mode, true
	}
	// (an empty line a paste or a shipper left a space on: "[signal ...]", " ", "goroutine 1 ...")
	ok := strings.TrimLeft(b, " ") == "" || b[0] == '\t' || goroutineHeader(b) || strings.HasPrefix(b, "[signal ") ||
		strings.HasPrefix(b, "panic: ") || strings.HasPrefix(b, "created by ") ||
		strings.HasPrefix(b, "exit status ") ||
		// the abort after the dump glog's Fatal prints ("SIGABRT: abort", then its PC= line)
		nvidia_shell.GoSignal(b) ||
		// a fatal signal's: "PC=0x7f98af7d96aa m=5 sigcode=1", "signal arrived during cgo
		// execution", and the registers at the end ("rax    0x0")
		strings.HasPrefix(b, "PC=0x") || strings.HasPrefix(b, "signal arrived during ") || cpuRegister(b) ||
		// the bytes at the PC the runtime prints for SIGFPE and SIGILL ("instruction bytes: 0x48
		// 0xf7 0xf6 ...")
		strings.HasPrefix(b, "instruction bytes: ") ||
		// the runtime's words when a frame's pc is in no Go function (a C++ abort under cgo):
		// "runtime: unknown pc 0x7fef53b6b18b", "stack: frame={sp:0x7fff9d737170, fp:0x0}
		// stack=[...)", then the stack's words: "00007fff9d737070:  0000000000000000  ..."
		strings.HasPrefix(b, "runtime: unknown pc ") || strings.HasPrefix(b, "stack: frame={") || stackWords(b) ||
		// a fatal error's system stack before the goroutines ("fatal error: runtime: out of
		// memory", then "runtime stack:" and its frames: Prometheus replaying its WAL), and the
		// runtime's words about it ("runtime: out of memory: cannot allocate 4194304-byte block")
		b == "runtime stack:" || strings.HasPrefix(b, "runtime: ") ||
		// after "unexpected fault address 0x...", the runtime's "fatal error: fault"
		nvidia_shell.GoFatal(b)
	return mode, ok
}

// stackWords reads a line of the stack's words the runtime dumps around an unknown pc:
// "00007fff9d737070:  0000000000000000  0000000000000000", an address, a colon, and hex words
// (one may be marked "<" or "!", one named "runtime.sigtramp(...)").
func stackWords(b string) bool {
	addr, rest, ok := strings.Cut(b, ":  ")
	if !ok || len(addr) < 8 || len(addr) > 16 || len(rest) < 16 {
		return false
	}
	for i := 0; i < len(addr); i++ {
		if c := addr[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// cpuRegister reads a register line of a fatal signal's report: "rax    0x0", "rip    0x7f98af7d96aa".
func cpuRegister(b string) bool {
	name, val, ok := strings.Cut(b, " ")
	if !ok || len(name) < 2 || len(name) > 6 {
		return false
	}
	val = strings.TrimLeft(val, " ")
	return strings.HasPrefix(val, "0x") && strings.IndexByte(val, ' ') < 0
}

// goroutineHeader reads "goroutine 1 [running]:", and the form of newer Go's crash dumps:
// "goroutine 1 gp=0xc0000061c0 m=11 mp=0xc000680008 [syscall]:".
func goroutineHeader(b string) bool {
	rest, ok := strings.CutPrefix(b, "goroutine ")
	if !ok {
		return false
	}
	sp := strings.IndexByte(rest, ' ')
	return sp > 0 && strings.Contains(rest[sp:], " [") && strings.HasSuffix(b, ":")
}

// goFrameLine reads a function line of a Go stack: "main.main()",
// "k8s.io/x/runtime.logPanic({0x24c2c50, 0x2f08ac4eb650})", or zap's bare
// "sigs.k8s.io/controller-runtime/pkg/internal/controller.(*Controller[...]).reconcileHandler".
func goFrameLine(b string) bool {
	if b == "" || b[0] == ' ' || b[0] == '\t' {
		return false
	}
	name := b
	if i := strings.IndexByte(b, '('); i > 0 && b[i-1] != '.' {
		if !strings.HasSuffix(b, ")") {
			return false
		}
		name = b[:i]
	} else if i > 0 {
		name = b[:i] // "pkg.(*T).m": the receiver's parenthesis
		if strings.IndexByte(b, ' ') >= 0 && !strings.HasSuffix(b, ")") {
			return false
		}
	}
	if name == "panic" && name != b {
		return true // the builtin's frame, when a panic is raised again or in Go before 1.17: "panic(0x164a080, 0xc820010090)"
	}
	return strings.IndexByte(name, '.') > 0 && strings.IndexByte(name, ' ') < 0 && strings.IndexByte(name, ':') < 0
}

// goFileLine reads the indented file line under a frame: "\t/usr/local/go/src/runtime/panic.go:884
// +0x213", or zap's "        /go/pkg/mod/.../controller.go:332".
// goCallerLine reports whether b is a Go source file's path and line alone, "/path/file.go:76".
func goCallerLine(b string) bool {
	i := strings.LastIndex(b, ".go:")
	return i > 0 && strings.IndexByte(b, ' ') < 0 && parseutil.AllDigits(b[i+4:]) && len(b) > i+4
}

func goFileLine(b string) bool {
	if b == "" || b[0] != ' ' && b[0] != '\t' {
		return false
	}
	// (the runtime's assembly, "runtime/asm_amd64.s:1700 +0x1", and the compiler's wrappers,
	// "<autogenerated>:1 +0x24", are a frame's file lines too)
	return strings.Contains(b, ".go:") || strings.Contains(b, ".s:") && strings.Contains(b, " +0x") ||
		strings.Contains(b, "<autogenerated>:")
}
