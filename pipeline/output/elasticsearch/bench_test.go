package elasticsearch

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/output/sender"
)

// BenchmarkOutput pushes parsed vLLM events through the whole output (encoding, batching, gzip,
// HTTP, response handling, acks) into a local sink that only drains and counts bulk bodies.
// docs/cpu-s divides by the process's CPU time (the sink included), so it reads as documents per
// second per core.
func BenchmarkOutput(b *testing.B) {
	for _, comp := range []string{"gzip", "none"} {
		b.Run("compression="+comp, func(b *testing.B) {
			var bodies, wire atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n, _ := io.Copy(io.Discard, r.Body)
				wire.Add(n)
				bodies.Add(1)
				w.Header().Set("X-Elastic-Product", "Elasticsearch")
				io.WriteString(w, `{"errors":false}`)
			}))
			defer srv.Close()
			cfg := NewConfig()
			cfg.Hosts = []string{srv.URL}
			cfg.Compression = comp
			client, err := NewClient(cfg, nil)
			if err != nil {
				b.Fatal(err)
			}
			o, err := newOutput(pipeline.Settings{}, cfg, client.Perform, sender.SystemClock{})
			if err != nil {
				b.Fatal(err)
			}
			const size = 500
			proto := benchEvents(size)
			var wg sync.WaitGroup
			cpu0 := cpuTime()
			start := time.Now()
			b.ReportAllocs()
			b.ResetTimer()
			for sent := 0; sent < b.N; sent += size {
				wg.Add(1)
				n := min(size, b.N-sent)
				batch := event.NewBatch(proto[:n], event.NewAck(func(event.Status) { wg.Done() }))
				if err := o.Deliver(context.Background(), batch); err != nil {
					b.Fatal(err)
				}
			}
			o.Close(context.Background())
			wg.Wait()
			b.StopTimer()
			cpu := cpuTime() - cpu0
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "docs/s")
			b.ReportMetric(float64(b.N)/cpu.Seconds(), "docs/cpu-s")
			b.ReportMetric(float64(wire.Load())/float64(b.N), "wire-B/doc")
		})
	}
}

func benchEvents(n int) []*event.Event {
	evs := make([]*event.Event, n)
	for i := range evs {
		ev := event.NewMessage(fmt.Sprintf("INFO 11-27 18:00:00 [loggers.py:123] Finished request chatcmpl-%032x.", i), time.Now())
		ev.Meta.Input, ev.Meta.Source, ev.Meta.Offset = "beats", "/var/log/pods/ml_vllm-0/vllm/0.log", int64(i)*180
		ev.SetTimestamp(time.Now())
		ev.SetString("event.dataset", "vllm.server")
		ev.SetString("log.level", "info")
		ev.SetString("vllm.request.id", fmt.Sprintf("chatcmpl-%032x", i))
		ev.Set("vllm.request.prompt_tokens", event.Int(int64(i%4096)))
		ev.SetString("kubernetes.pod.name", "vllm-llama-3-8b-7d9f8c6b5-x2k4q")
		ev.SetString("kubernetes.namespace", "ml")
		ev.SetString("kubernetes.container.name", "vllm")
		ev.SetString("process.name", "APIServer")
		ev.Set("process.pid", event.Int(7))
		evs[i] = ev
	}
	return evs
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
