// Package e2e runs the main path of sluice in one process (Beats input, parse, Elasticsearch
// output to the counting sink) as a go test benchmark, so that it can be profiled with
// `go test -bench . -cpuprofile` and compared across commits with benchstat.
package e2e

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"syscall"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/benchmarks/loadgen"
	"github.com/sluice-dev/sluice/benchmarks/sink"
	"github.com/sluice-dev/sluice/parsers/builtin"
	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/config"
	"github.com/sluice-dev/sluice/pipeline/input/beats"
	"github.com/sluice-dev/sluice/pipeline/output/elasticsearch"
	"github.com/sluice-dev/sluice/pipeline/runtime"
	"github.com/sluice-dev/sluice/processors/parse"
)

const cfgTemplate = `
http:
  address: ""
runtime:
  flush_interval: 1s
inputs:
  beats:
    address: %s
processors:
  parse: {}
outputs:
  elasticsearch:
    hosts: ["%s"]
    compression: %s
pipelines:
  main:
    inputs: [beats]
    processors: [parse]
    outputs: [elasticsearch]
`

func freeAddr(tb testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// startSluice runs the main path in this process and returns the Beats address and the sink.
func startSluice(tb testing.TB, compression string) (string, *sink.Sink) {
	sk := sink.New()
	srv := httptest.NewServer(sk)
	tb.Cleanup(srv.Close)
	addr := freeAddr(tb)
	comps, err := config.NewComponents([]pipeline.InputFactory{beats.Factory},
		[]pipeline.ProcessorFactory{parse.NewFactory(builtin.Registry())}, []pipeline.OutputFactory{elasticsearch.Factory})
	if err != nil {
		tb.Fatal(err)
	}
	cfg, err := config.Parse([]byte(fmt.Sprintf(cfgTemplate, addr, srv.URL, compression)), comps)
	if err != nil {
		tb.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	rt, err := runtime.New(cfg, comps, runtime.Options{Logger: log})
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- rt.Run(ctx) }()
	tb.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			tb.Errorf("runtime: %v", err)
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			return addr, sk
		}
		if time.Now().After(deadline) {
			tb.Fatalf("beats input did not listen on %s", addr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func benchmarkMainPath(b *testing.B, compression string) {
	addr, sk := startSluice(b, compression)
	b.ResetTimer()
	cpu0 := cpuTime()
	res, err := loadgen.Run(context.Background(), loadgen.Config{Addr: addr, Conns: 2, Window: 2048,
		Level: 3, Events: b.N, Seed: 1, Pool: 4096, Pipelining: 2})
	if err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	// CPU time of the whole process (sluice, the load generator and the sink) per event: it
	// holds on a busy machine, where ns/op (wall clock) depends on what else runs.
	b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/event")
	if res.Events != b.N {
		b.Fatalf("acknowledged %d of %d events", res.Events, b.N)
	}
	b.SetBytes(res.Bytes / int64(max(res.Events, 1)))
	b.ReportMetric(float64(sk.Stats().Docs)/float64(b.N), "docs/event")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkMainPath measures Beats → parse → bulk in one process; ns/op is per event.
func BenchmarkMainPath(b *testing.B) {
	b.Run("gzip", func(b *testing.B) { benchmarkMainPath(b, "gzip") })
	b.Run("none", func(b *testing.B) { benchmarkMainPath(b, "none") })
}

// TestMainPathDeliversEveryEvent checks the harness itself: every acknowledged event reaches
// the sink as a document (tracebacks joined into fewer).
func TestMainPathDeliversEveryEvent(t *testing.T) {
	addr, sk := startSluice(t, "gzip")
	res, err := loadgen.Run(context.Background(), loadgen.Config{Addr: addr, Conns: 2, Window: 512,
		Level: 3, Events: 5000, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	docs := sk.Stats().Docs
	if res.Events != 5000 || docs < 4500 || docs > 5000 {
		t.Fatalf("acknowledged %d events, sink got %d documents", res.Events, docs)
	}
}
