package tagged

import "strings"

// Notices Python libraries print themselves in model-server pods, outside any logging layout,
// whose lines the parse processor joins (processors/parse: modeTokenizers, modeIndented).

// TokenizersFork reports whether s is the notice Hugging Face's tokenizers library prints when a
// process that used its threads forks (every vLLM or transformers worker started after the
// tokenizer ran): "huggingface/tokenizers: The current process just got forked, after
// parallelism has already been used. Disabling parallelism to avoid deadlocks...", the two
// ways out on the lines under it.
func TokenizersFork(s string) bool {
	return strings.HasPrefix(s, "huggingface/tokenizers: The current process just got forked")
}

// BracketWarning reports whether s is a library's own warning tag, "WARNING[XFORMERS]: ...",
// whose details go on indented under it.
func BracketWarning(s string) bool {
	tag, _, ok := strings.Cut(s[:min(len(s), 32)], "]: ")
	name, found := strings.CutPrefix(tag, "WARNING[")
	return ok && found && name != "" && strings.ToUpper(name) == name && strings.IndexByte(name, ' ') < 0
}

// SignalReport reports whether s is the line a C++ server prints from its signal handler before
// its stack (Triton's "Signal (11) received.", then " 0# 0x... in /opt/tritonserver/bin/tritonserver").
func SignalReport(s string) bool {
	n, ok := strings.CutPrefix(strings.TrimRight(s, " "), "Signal (") // (a terminal's padding after it)
	if !ok {
		return false
	}
	n, ok = strings.CutSuffix(n, ") received.")
	return ok && n != "" && strings.Trim(n, "0123456789") == ""
}

// SignalFrame reports whether s is a frame of such a stack (boost::stacktrace's " 3# 0x... in
// lib" or " 3# function in lib").
func SignalFrame(s string) bool {
	t := strings.TrimLeft(s, " ")
	if n, ok := strings.CutPrefix(t, "#"); ok {
		// Fluent Bit's: "#0  0x55c299f28772      in  edata_arena_ind_get() at ...edata.h:258"
		digits, rest, ok := strings.Cut(n, " ")
		return ok && digits != "" && strings.Trim(digits, "0123456789") == "" && strings.HasPrefix(strings.TrimLeft(rest, " "), "0x")
	}
	n, rest, ok := strings.Cut(t, "# ")
	return ok && n != "" && strings.Trim(n, "0123456789") == "" && rest != ""
}

// FluentBitCrash reports whether s is Fluent Bit's crash handler's line ("[2023/02/22 07:29:06]
// [engine] caught signal (SIGSEGV)"), its stack's frames under it ("#0  0x... in  fn() at
// file:line").
func FluentBitCrash(s string) bool {
	return len(s) > 30 && s[0] == '[' && strings.Contains(s[:min(len(s), 64)], "] [engine] caught signal (")
}
