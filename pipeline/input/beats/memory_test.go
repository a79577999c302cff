package beats

import (
	"runtime"
	"testing"
	"time"

	lumber "github.com/elastic/go-lumber/client/v2"

	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
)

// heapAndStacks is the memory the process holds in live objects and goroutine stacks.
func heapAndStacks() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc + ms.StackInuse
}

// idleConnMemory connects n Filebeat-like clients, lets each send one compressed window of
// realistic events (so every per-connection buffer has been used), and returns the memory the
// input holds per connection once they are idle. The clients live in the same process: their
// own buffers are counted too, so the figure is an upper bound for the server side.
func idleConnMemory(t testing.TB, n int) float64 {
	h := start(t, nil)
	go func() {
		for b := range h.sink.ch {
			b.Resolve(event.Delivered)
		}
	}()
	events := make([]any, 64)
	for i := range events {
		events[i] = map[string]any{"message": "INFO 11-27 17:58:01 metrics.py:351] Avg prompt throughput", "log": map[string]any{"offset": i}}
	}
	base := heapAndStacks()
	clients := make([]*lumber.SyncClient, n)
	for i := range clients {
		cl, err := lumber.SyncDial(h.addr, lumber.CompressionLevel(3), lumber.Timeout(10*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := cl.Send(events); err != nil {
			t.Fatal(err)
		}
		clients[i] = cl
	}
	pipelinetest.Eventually(t, "connections", func() bool { return len(h.in.Stats()) == n })
	used := heapAndStacks()
	for _, cl := range clients {
		_ = cl.Close()
	}
	return float64(int64(used)-int64(base)) / float64(n)
}

func TestIdleConnectionMemory(t *testing.T) {
	perConn := idleConnMemory(t, 50)
	t.Logf("memory per idle connection (server and go-lumber client): %.0f bytes", perConn)
	if perConn > 96<<10 {
		t.Errorf("an idle connection holds %.0f bytes", perConn)
	}
}

// BenchmarkIdleConnections reports the memory held by 50 idle Filebeat-like clients.
func BenchmarkIdleConnections(b *testing.B) {
	for b.Loop() {
		b.ReportMetric(idleConnMemory(b, 50), "bytes/conn")
	}
}
