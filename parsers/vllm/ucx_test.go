package vllm

import "testing"

// UCX numbers its backtrace's frames with %2d (UCS_DEBUG_BACKTRACE_LINE_FMT): frames 10 and on
// have no indent and still go on with the backtrace; a line that only starts with a number
// does not.
func TestUCXBacktraceLine(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		line     string
		ok, done bool
	}{
		{"==== backtrace (tid: 376235) ====", true, false},
		{" 9 0x000000000004beb9 ???()  /usr/lib/x86_64-linux-gnu/libffi.so.8:0", true, false},
		// vllm-project/vllm issue #17242: the frames after the ninth, relayed from a Ray worker
		{"14 0x0000000000004493 ???()  /usr/lib/x86_64-linux-gnu/libffi.so.8:0", true, false},
		{"23 0x000000000015a9fc _PyFunction_Vectorcall()  ???:0", true, false},
		// the layout without debug info (ai-dynamo/nixl issue #409), past the ninth frame
		{" 3  /usr/lib/x86_64-linux-gnu/intel-opencl/libigdrcl.so(+0x42bfac) [0x7f4869629fac]", true, false},
		{"12  /lib/x86_64-linux-gnu/libc.so.6(+0x29d90) [0x7f4c2fe00d90]", true, false},
		{"=================================", true, true},
		{"2025-05-01 12:00:00 INFO next line", false, false},
		{"10 requests waiting", false, false},
		{"100  /var/log/x", false, false},
	} {
		ok, done := UCXBacktraceLine(c.line)
		if ok != c.ok || done != c.done {
			t.Errorf("UCXBacktraceLine(%q) = %v, %v; want %v, %v", c.line, ok, done, c.ok, c.done)
		}
	}
}

// NCCL prints a GPU's bus id as one hex number; it is read as the kernel writes the address.
func TestNCCLBusID(t *testing.T) {
	eachCase(t, "ncclBusID", ncclBusID, map[string]string{
		"comm 0x7f7ad56c9b60 rank 3 nranks 4 cudaDev 3 nvmlDev 3 busId e3000 commId 0x5de02ca6db1d80d3 - Init START": "0000:e3:00",
		"comm 0x5574 rank 0 nranks 2 cudaDev 0 busId 1000 - Init COMPLETE":                                           "0000:01:00",
		"comm 0x1 rank 1 nranks 8 cudaDev 1 busId 1001d0 - Init START":                                               "0001:00:1d",
		// a GPU on bus 0 (cloud VMs): the number has no leading zeros
		"comm 0xbde4170 rank 1 nranks 2 cudaDev 1 nvmlDev 1 busId 80 commId 0x7fc852296fe0f6fb - Init START": "0000:00:08",
		"comm 0x1 rank 0 nranks 2 cudaDev 0 busId 1b0 - Init START":                                          "0000:00:1b",
		"comm 0x1 rank 0 nranks 2 cudaDev 0 busId 0 - Init START":                                            "",
		"busId e3000x - Init":    "",
		"Channel 00 : 0[e3000]":  "",
		"busId 1234567890abcdef": "",
	})
}
