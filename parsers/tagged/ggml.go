package tagged

import (
	"slices"
	"strings"

	pu "github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/parsers/uvicorn"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// ggml is the tensor library under llama.cpp's llama-server and Ollama's runner. A failed
// assertion or a CUDA call it cannot go on from ends the process (ggml_abort): it prints where
// and why, then a backtrace (gdb's, or backtrace_symbols' lines), and aborts. Those lines carry
// no level, and they are the only ones that say why the server died.

// GGMLAbortStart reports whether s is the first line of such a report:
//
//	/app/ggml/src/ggml.c:1542: GGML_ASSERT(type >= 0 && type < GGML_TYPE_COUNT) failed
//	GGML_ASSERT: ggml/src/ggml-cuda.cu:1257: to_fp32_cuda != nullptr   (before mid-2024)
//	/app/ggml/src/ggml-cuda/ggml-cuda.cu:75: CUDA error                (GGML_ABORT after ggml-cuda's report)
//	CUDA error: out of memory                                          (ggml-cuda's report of a failed call)
func GGMLAbortStart(s string) bool {
	_, _, ok := ggmlAbort(s)
	return ok
}

// ggmlAbort returns the level and message of a ggml abort's first line, the message without
// the source location it starts with.
func ggmlAbort(s string) (level, msg string, ok bool) {
	switch {
	case strings.HasPrefix(s, "GGML_ASSERT: "),
		strings.HasPrefix(s, "GGML_ASSERT(") && strings.HasSuffix(s, ") failed"): // its location on the line before
		return pu.Critical, s, true
	case GGMLCallError(s):
		// ggml_cuda_error: the call's error string; "  current device: ..." and the call follow
		return pu.Error, s, true
	case strings.HasPrefix(s, "ggml_cuda_compute_forward: ") && strings.HasSuffix(s, " failed"):
		// the op whose call failed, which ggml-cuda names before its report when its log is
		// written at once (llama-cpp-python, Ollama's runner): the report follows
		return pu.Error, s, true
	case strings.HasPrefix(s, "CUDA error ") && strings.Contains(s, " at ") && strings.Contains(s, ".cu:"):
		// ggml-cuda before 2024: "CUDA error 3 at .../ggml-cuda.cu:5661: initialization error",
		// "current device: 0" under it (Ollama 0.1's runner)
		if n, _, ok := strings.Cut(s[len("CUDA error "):], " at "); ok && pu.AllDigits(n) && n != "" {
			return pu.Error, s, true
		}
	}
	loc, text, found := strings.Cut(s, ": ")
	if !found || strings.IndexByte(loc, ' ') >= 0 || !pu.SourceLocation(loc) {
		return "", "", false
	}
	if strings.HasPrefix(text, "GGML_ASSERT(") && strings.HasSuffix(text, ") failed") || ggmlBackendAbort(text) {
		return pu.Critical, s, true
	}
	if text != "" && !strings.HasSuffix(loc[:strings.LastIndexByte(loc, ':')], ".go") &&
		(strings.Contains(loc, "ggml") || strings.HasPrefix(loc[strings.LastIndexAny(loc, "/\\")+1:], "llama") || text == "fatal error") {
		// GGML_ABORT with its own words, in ggml's or llama.cpp's sources: "llama.cpp:11968: The
		// current context does not support K-shift", "//ml/backend/ggml/ggml/src/ggml-cpu/
		// ops.cpp:965: fatal error" (Ollama's runner, its Go crash report after it)
		return pu.Critical, s, true
	}
	return "", "", false
}

// GGMLCallError reports whether s is ggml-cuda's report of a failed call, in its backend's
// name: CUDA's, or ROCm's and MUSA's where ggml-cuda is built for HIP or MUSA ("ROCm error:
// invalid device function").
func GGMLCallError(s string) bool {
	for _, b := range ggmlBackends {
		if strings.HasPrefix(s, b) && strings.HasPrefix(s[len(b):], " error: ") && len(s) > len(b)+len(" error: ") {
			return true
		}
	}
	return false
}

// ggmlBackends are the names ggml-cuda gives its backend (GGML_CUDA_NAME) as it is built.
var ggmlBackends = [...]string{"CUDA", "ROCm", "MUSA"}

// ggmlBackendAbort reports whether text is the abort after such a report ("ggml-cuda.cu:97: ROCm
// error", its location cut off).
func ggmlBackendAbort(text string) bool {
	b, ok := strings.CutSuffix(text, " error")
	return ok && slices.Contains(ggmlBackends[:], b)
}

// GGMLBackendAbortLine reports whether s is that abort with its location ("/app/ggml/src/
// ggml-cuda/ggml-cuda.cu:75: CUDA error").
func GGMLBackendAbortLine(s string) bool {
	i := strings.LastIndex(s, ": ")
	return i >= 0 && ggmlBackendAbort(s[i+2:])
}

// GGMLAbortLine reports whether s goes on with such a report: ggml-cuda's indented lines
// ("  current device: 0, in function ggml_cuda_pool_malloc_vmm at ...", the call), the abort
// after them, and the backtrace: gdb's ("[New LWP 934430]", "Using host libthread_db library
// ...", "0x00007fb1ba523c7f in __GI___wait4 (...)", "27\t../sysdeps/...: No such file or
// directory.", "#2  0x000055911992c1b5 in ggml_cuda_op_mul_mat_cublas(...)", "[Inferior 1
// (process 934430) detached]") or backtrace_symbols' ("/app/libggml-base.so(ggml_abort+0x11f)[0x7f...]").
func GGMLAbortLine(s string) bool {
	switch {
	case s == "":
		return false
	case s[0] == ' ' || s[0] == '\t', GGMLAbortStart(s) && !GGMLCallError(s) && !strings.HasPrefix(s, "CUDA error "):
		return true
	case strings.HasPrefix(s, "current device: "):
		return true // (before 2024, not indented)
	case strings.HasPrefix(s, "ggml_cuda_compute_forward: ") && strings.HasSuffix(s, " failed"):
		return true // the op whose CUDA call failed, which ggml-cuda names before its report
	case strings.HasPrefix(s, "[New LWP "), strings.HasPrefix(s, "[New Thread "), strings.HasPrefix(s, "[Thread debugging using "),
		strings.HasPrefix(s, "Using host libthread_db library "), strings.HasPrefix(s, "[Inferior "),
		strings.HasPrefix(s, "ptrace: "), s == "No stack.", s == "The program is not being run.",
		// gdb with no symbols, or not allowed to attach (a container's ptrace_scope): its words
		// over three lines, then the shell's word on the abort
		strings.HasPrefix(s, "No symbol table is loaded."), strings.HasPrefix(s, "No symbol \""),
		strings.HasPrefix(s, "Could not attach to process."), strings.HasPrefix(s, "process, check the setting of /proc/sys/kernel/yama/ptrace_scope"),
		strings.HasPrefix(s, "again as the root user."), s == "Aborted", s == "Aborted (core dumped)":
		return true
	case strings.HasPrefix(s, "0x") && strings.Contains(s, " in "):
		return true
	case s[0] == '#':
		n, rest, ok := strings.Cut(s[1:], " ")
		_, num := pu.Atoi(n)
		return ok && num && strings.TrimLeft(rest, " ") != ""
	case s[0] >= '0' && s[0] <= '9':
		// gdb's source line under the frame: its number and a tab (spaces, once pasted)
		end := strings.IndexAny(s, "\t ")
		if end <= 0 {
			return false
		}
		_, num := pu.Atoi(s[:end])
		return num && (s[end] == '\t' || strings.HasPrefix(s[end:], "  "))
	}
	// backtrace_symbols: "path(symbol+0x5f1)[0x5616b17f6781]", "path(+0x171a61)[0x...]" (and
	// with a space before the address, as newer glibc writes it: "path(+0x18665) [0x...]")
	open := strings.IndexByte(s, '(')
	return open > 0 && strings.HasSuffix(s, "]") && (strings.Contains(s[open:], ")[0x") || strings.Contains(s[open:], ") [0x")) &&
		strings.IndexByte(s[:open], ' ') < 0
}

// DatasetLlamaCpp is llama.cpp's server's dataset (its container's, processors/parse's).
const DatasetLlamaCpp = "llama_cpp.server"

// llamaRequest reads llama-server's line for each HTTP request it answered (tools/server's
// log_server_request, its name cut to twelve: "srv  log_server_r: request: POST
// /v1/chat/completions 127.0.0.1 500"), the method, path, client and status, and reports whether
// msg was one, and the level its status gives (uvicorn.StatusLevel). A 5xx there is the
// request a failed decode or send_error lines above explain.
func llamaRequest(ev *event.Event, msg string) (string, bool) {
	rest, ok := strings.CutPrefix(msg, "srv  log_server_r: request: ")
	if !ok {
		// builds of early 2025 (and forks) print it without the server's tag: "request: POST
		// /v1/chat/completions 172.17.0.1 200"
		if rest, ok = strings.CutPrefix(msg, "request: "); !ok {
			return "", false
		}
	}
	f := strings.Fields(rest)
	if len(f) != 4 || f[0] == "" || f[0][0] < 'A' || f[0][0] > 'Z' || !strings.HasPrefix(f[1], "/") {
		return "", false
	}
	code, isNum := pu.Atoi(f[3])
	if !isNum || code < 100 || code > 599 {
		return "", false
	}
	ev.SetString(uvicorn.FieldMethod, f[0])
	uvicorn.SetTarget(ev, f[1])
	uvicorn.SetClient(ev, f[2])
	ev.Set(event.FieldHTTPStatus, event.Int(code))
	return uvicorn.StatusLevel(code), true
}

// llamaSendError reads llama-server's record of the error it answered a task with
// ("srv    send_error: task id = 289, error: Invalid input batch.", tools/server's send_error,
// a LOG_ERR): an error, its message what the client was told. It reports whether msg was one.
func llamaSendError(ev *event.Event, msg string) bool {
	rest, ok := strings.CutPrefix(strings.TrimLeft(strings.TrimPrefix(msg, "srv"), " "), "send_error: ")
	if !ok || !strings.HasPrefix(msg, "srv ") {
		return false
	}
	if _, e, ok := strings.Cut(rest, "error: "); ok && e != "" {
		ev.SetString(event.FieldErrorMsg, e)
	} else {
		ev.SetString(event.FieldErrorMsg, rest)
	}
	return true
}
