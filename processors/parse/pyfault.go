package parse

import "strings"

// Python's faulthandler (which vLLM workers and Ray enable) dumps the threads of a crashing
// process: "Fatal Python error: Segmentation fault", then per thread "Thread 0x00007f...
// (most recent call first):" or "Current thread 0x... (most recent call first):" and its
// frames ("  File "x.py", line 953 in main_loop"), then "Extension modules: ...". The header
// lines are not indented, so they are named here to keep the dump one event.

// fatalPython reports whether a line opens a faulthandler dump.
func fatalPython(b string) bool { return strings.HasPrefix(b, "Fatal Python error: ") }

// faultHeader reports whether a line is one of the dump's unindented lines after the first.
func faultHeader(b string) bool {
	return strings.HasPrefix(b, "Thread 0x") || strings.HasPrefix(b, "Current thread 0x") ||
		strings.HasPrefix(b, "Extension modules: ") || strings.HasPrefix(b, "Stack (most recent call first)")
}
