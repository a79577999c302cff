package golden

import (
	"runtime"
	"syscall"
	"testing"
	"time"
)

// rusageThread is RUSAGE_THREAD: the CPU time of the calling thread only.
const rusageThread = 1

// ThreadCPU returns the CPU time the calling OS thread has used, or 0 if it cannot be read.
func ThreadCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchCPU runs the benchmark loop on one locked thread and reports, beside wall time, the CPU
// time per operation (cpu-ns/op): on a shared machine the wall time counts the time the thread
// waited for a core, the CPU time does not.
func BenchCPU(b *testing.B, op func()) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ReportAllocs()
	start := ThreadCPU()
	n := 0
	for b.Loop() {
		op()
		n++
	}
	if used := ThreadCPU() - start; used > 0 && n > 0 {
		b.ReportMetric(float64(used.Nanoseconds())/float64(n), "cpu-ns/op")
	}
}
