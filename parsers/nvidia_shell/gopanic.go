package nvidia_shell

import (
	"strings"

	"github.com/sluice-dev/sluice/parsers/nvidia_xid"
	pu "github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// DatasetGo is the dataset of a Go panic or goroutine dump from a container outside the GPU
// stack.
const DatasetGo = "generic.go"

// goPanic reads a Go panic, fatal error or goroutine dump (which the parse processor groups
// with its stack into one event): the first line's text is the error message, the whole the
// stack. A panic or fatal error is critical; a bare goroutine dump (SIGQUIT) states no level.
func goPanic(ev *event.Event, text string) bool {
	first, rest, _ := strings.Cut(text, "\n")
	level := pu.Critical
	switch {
	case strings.HasPrefix(first, "panic: "):
		ev.SetString(event.FieldErrorMsg, strings.TrimSuffix(first[len("panic: "):], " [recovered]"))
	case GoFatal(first):
		ev.SetString(event.FieldErrorMsg, first[len("fatal error: "):])
	case GoSignal(first):
		ev.SetString(event.FieldErrorMsg, first) // "SIGSEGV: segmentation violation"
	case GoFault(first):
		// the runtime's report of a bad memory access ("unexpected fault address
		// 0x7f201c73d000", then "fatal error: fault" and the signal: a SIGBUS from an mmap'd
		// file on a failing disk or NFS)
		msg := first
		if f, _, _ := strings.Cut(rest, "\n"); GoFatal(f) {
			msg += "; " + f[len("fatal error: "):]
		}
		ev.SetString(event.FieldErrorMsg, msg)
	case strings.HasPrefix(first, "goroutine ") && strings.HasSuffix(first, "]:"),
		GoStackFrame(first) && rest != "": // a stack read from its middle
		level = ""
	default:
		return false
	}
	if rest != "" {
		ev.SetString(event.FieldErrorStack, text)
	}
	ds := pu.DatasetOr(ev, DatasetGo)
	if strings.HasPrefix(ds, "gpu.") && (strings.Contains(first, "GPU-") || strings.Contains(first, "MIG-")) {
		nvidia_xid.OneGPU(ev, first) // the device plugin's panic about one GPU's MIG devices
	}
	pu.Finish(ev, ds, level)
	return true
}

// GoStackFrame reports whether b is a frame of a Go stack that only a stack has: a function in a
// package path (or the runtime's), called with the arguments a traceback prints ("sigs.k8s.io/controller-runtime/
// pkg/internal/controller.(*Controller).reconcileHandler(0xc0003ea000, {0x1cf0450, 0xc00020dc20})"),
// or "created by <function>" for a goroutine's creator. The parse processor groups a stack read
// from its middle (a dump cut by the kubelet's rotation, kubectl logs --tail) from such a line.
func GoStackFrame(b string) bool {
	if f, ok := strings.CutPrefix(b, "created by "); ok {
		f, _, _ = strings.Cut(f, " in goroutine ")
		return (strings.IndexByte(f, '/') > 0 || stdlibFunc(f)) && strings.IndexByte(f, ' ') < 0 && strings.IndexByte(f, '.') > 0
	}
	open := strings.LastIndexByte(b, '(')
	if open <= 0 || !strings.HasSuffix(b, ")") {
		return false
	}
	name, args := b[:open], b[open+1:]
	if strings.IndexByte(name, '/') <= 0 && !stdlibFunc(name) || strings.IndexByte(name, '.') < 0 ||
		strings.ContainsAny(name, " :\t") {
		return false
	}
	return args == ")" || strings.HasPrefix(args, "0x") || strings.HasPrefix(args, "{") || strings.HasPrefix(args, "...")
}

// stdlibFunc reports whether name is a function of a Go standard library package whose path has
// no slash, as a goroutine's frames name them ("sync.(*WaitGroup).Wait", "net.(*conn).Read",
// "bufio.(*Reader).fill", "runtime.gopark"): a stack read from its middle may open at one.
func stdlibFunc(name string) bool {
	pkg, _, ok := strings.Cut(name, ".")
	if !ok {
		return false
	}
	switch pkg {
	case "runtime", "sync", "net", "bufio", "io", "os", "syscall", "context", "time", "reflect", "main":
		return true
	}
	return false
}

// GoFatal reports whether s opens the Go runtime's fatal error ("fatal error: all goroutines are
// asleep - deadlock!", "fatal error: concurrent map writes"), whose words the runtime writes in
// lower case: the AWS CLI's "fatal error: An error occurred (403) when calling the HeadObject
// operation: Forbidden" is no Go crash.
func GoFatal(s string) bool {
	m, ok := strings.CutPrefix(s, "fatal error: ")
	return ok && m != "" && (m[0] < 'A' || m[0] > 'Z')
}

// GoFault reports whether s opens the Go runtime's report of an unexpected fault address
// ("unexpected fault address 0x7f201c73d000"), "fatal error: fault" and the signal after it.
func GoFault(s string) bool {
	a, ok := strings.CutPrefix(s, "unexpected fault address 0x")
	return ok && a != "" && strings.Trim(a, "0123456789abcdef") == ""
}

// GoSignal reports whether s opens the Go runtime's report of a fatal signal: "SIGSEGV:
// segmentation violation", "SIGABRT: abort" (a crash in cgo: NVML, DCGM), which the goroutines
// follow; the parse processor groups the report.
func GoSignal(s string) bool {
	rest, ok := strings.CutPrefix(s, "SIG")
	if !ok {
		return false
	}
	i := 0
	for i < len(rest) && rest[i] >= 'A' && rest[i] <= 'Z' {
		i++
	}
	return i >= 2 && i <= 6 && strings.HasPrefix(rest[i:], ": ") && len(rest) > i+2
}
