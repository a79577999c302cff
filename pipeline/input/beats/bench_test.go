package beats

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// benchEvent is a Filebeat 7.17 container-input event with add_kubernetes_metadata, about 1 KB,
// as a GPU node sends it for a vLLM pod.
const benchEvent = `{"@timestamp":"2026-11-27T17:58:%02d.%03dZ","@metadata":{"beat":"filebeat","type":"_doc","version":"7.17.28"},` +
	`"log":{"offset":%d,"file":{"path":"/var/log/containers/vllm-llama3-8b-5d9c8f7b6-x2k4q_inference_vllm-3f2a9c1e0b7d.log"}},` +
	`"stream":"stdout","message":"INFO 11-27 17:58:01 metrics.py:351] Avg prompt throughput: %d.4 tokens/s, Avg generation throughput: 412.7 tokens/s, Running: 12 reqs, Pending: 3 reqs, GPU KV cache usage: 87.3%%",` +
	`"input":{"type":"container"},"ecs":{"version":"1.12.0"},"host":{"name":"gpu-node-17"},` +
	`"agent":{"type":"filebeat","version":"7.17.28","hostname":"gpu-node-17","ephemeral_id":"6f1c2b8e-3d4a-4e5f-9a0b-1c2d3e4f5a6b","id":"0b9e8d7c-6b5a-4f3e-2d1c-0b9a8f7e6d5c","name":"gpu-node-17"},` +
	`"container":{"id":"3f2a9c1e0b7d4e5f8a6b2c3d4e5f6a7b","runtime":"containerd","image":{"name":"vllm/vllm-openai:v0.6.3"}},` +
	`"kubernetes":{"pod":{"name":"vllm-llama3-8b-5d9c8f7b6-x2k4q","uid":"a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d","ip":"10.244.3.17"},"namespace":"inference",` +
	`"labels":{"app":"vllm","model":"llama3-8b","pod-template-hash":"5d9c8f7b6"},"container":{"name":"vllm"},` +
	`"node":{"name":"gpu-node-17","labels":{"nvidia_com/gpu_product":"NVIDIA-H100-80GB-HBM3"}},"replicaset":{"name":"vllm-llama3-8b-5d9c8f7b6"},"deployment":{"name":"vllm-llama3-8b"}},` +
	`"fields":{"cluster":"gpu-prod-1"},"tags":["gpu"]}`

// benchWindow is one window as Filebeat sends it: 2048 events, zlib level 3.
func benchWindow(tb testing.TB, n int) []byte {
	tb.Helper()
	payloads := make([]string, n)
	for i := range payloads {
		payloads[i] = fmt.Sprintf(benchEvent, i%60, i%1000, 184467+i*1030, 1000+i)
	}
	if len(payloads[0]) < 900 || len(payloads[0]) > 1400 {
		tb.Fatalf("bench event is %d bytes", len(payloads[0]))
	}
	return new(wire).window(uint32(n)).compressed(frames(payloads...)).Bytes()
}

// BenchmarkReadWindow is the input's CPU cost alone: frame reading, decompression and decoding
// of one 2048-event window, without the network.
func BenchmarkReadWindow(b *testing.B) {
	const n = 2048
	win := benchWindow(b, n)
	src := bytes.NewReader(win)
	br := bufio.NewReaderSize(src, 16<<10)
	fr := newFrameReader(br, limits{maxWindow: 16384, maxFrame: 16 << 20, maxBytes: 128 << 20})
	dec := newDecoder("beats", true)
	events := make([]*event.Event, 0, n)
	b.SetBytes(int64(len(win)))
	b.ReportAllocs()
	b.ResetTimer()
	m0, cpu0 := counters()
	for b.Loop() {
		src.Reset(win)
		br.Reset(src)
		events = events[:0]
		cnt, err := fr.readWindowHeader()
		if err != nil {
			b.Fatal(err)
		}
		now := time.Now()
		err = fr.readEvents(cnt, func(_ uint32, p []byte) {
			ev, _ := dec.decode(p, "peer", now)
			events = append(events, ev)
		})
		if err != nil || len(events) != n {
			b.Fatal(err, len(events))
		}
	}
	perEvent(b, n, m0, cpu0)
}

// BenchmarkInputTCP runs the whole input over loopback: one client sends pre-encoded windows and
// waits for each ACK, the pipeline resolves every batch at once. The client costs almost nothing,
// so events/s is the input's throughput on the cores it was given.
func BenchmarkInputTCP(b *testing.B) {
	const n = 2048
	win := benchWindow(b, n)
	h := start(b, nil)
	go func() {
		for bt := range h.sink.ch {
			bt.Resolve(event.Delivered)
		}
	}()
	conn, err := net.Dial("tcp", h.addr)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	var ack [6]byte
	b.SetBytes(int64(len(win)))
	b.ReportAllocs()
	b.ResetTimer()
	m0, cpu0 := counters()
	for b.Loop() {
		if _, err := conn.Write(win); err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(conn, ack[:]); err != nil || binary.BigEndian.Uint32(ack[2:]) != n {
			b.Fatal(err, ack)
		}
	}
	perEvent(b, n, m0, cpu0)
}

// counters returns the process's allocation count and CPU time (user and system) so far.
func counters() (uint64, time.Duration) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ms.Mallocs, time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// perEvent reports throughput, allocations per event (allocs/op is per 2048-event window) and
// events per CPU-second: the CPU time the process used, so that the figure holds on a busy
// machine where wall-clock rates depend on what else runs.
func perEvent(b *testing.B, n int, m0 uint64, cpu0 time.Duration) {
	b.StopTimer()
	m1, cpu1 := counters()
	events := float64(b.N) * float64(n)
	b.ReportMetric(events/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(events/(cpu1-cpu0).Seconds(), "events/cpu-s")
	b.ReportMetric(float64(m1-m0)/events, "allocs/event")
}
