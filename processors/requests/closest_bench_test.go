package requests

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkClosest is the CPU per access line on a busy server: 1,000 requests of one endpoint
// in flight, their last lines 5 ms apart (all within access_window), and an access line 20 ms
// after each request's last line. Nothing is tied, so the candidates stay as they are.
func BenchmarkClosest(b *testing.B) {
	const n = 1000
	pd := &pod{key: "vllm-0", requests: map[string]*request{}}
	ends := make([]time.Time, n)
	for i := range n {
		r := &request{id: fmt.Sprintf("chatcmpl-%d", i), pod: pd, endpoint: 1}
		r.end = t0.Add(time.Duration(i)*5*time.Millisecond + 123*time.Microsecond)
		ends[i] = r.end
		pd.requests[r.id] = r
		pd.addCand(r)
	}
	b.ReportAllocs()
	b.ResetTimer()
	tied := 0
	for i := range b.N {
		if r, amb := pd.closest(1, ends[i%n].Add(20*time.Millisecond), 5*time.Second); r != nil && !amb {
			tied++
		}
	}
	if tied != 0 {
		b.Fatalf("%d tied: 5 ms apart, every access line is ambiguous", tied)
	}
}
