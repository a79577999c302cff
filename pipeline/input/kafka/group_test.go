package kafka

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	kafkago "github.com/segmentio/kafka-go"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/config"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
	"github.com/sluice-dev/sluice/pipeline/runtime"
)

// Two members share a group; partitions move when the second joins and again when the first
// leaves. Every message is delivered at least once and the group ends committed at the end of
// every partition; nothing crashes on commits for partitions that moved.
func TestRebalanceLosesNothing(t *testing.T) {
	t.Parallel()
	const parts = 4
	f := newFixture(t, parts)
	produceRound := func(round, n int) {
		for p := range parts {
			f.produceValues(p, values(fmt.Sprintf("r%d p%d", round, p), n)...)
		}
	}
	union := func(cs ...*pipelinetest.Collector) map[string]int {
		seen := map[string]int{}
		for _, c := range cs {
			for _, m := range c.Messages() {
				seen[m]++
			}
		}
		return seen
	}
	waitAll := func(want int, cs ...*pipelinetest.Collector) map[string]int {
		t.Helper()
		deadline := time.Now().Add(brokerTimeout)
		for {
			seen := union(cs...)
			if len(seen) >= want {
				return seen
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d distinct messages, want %d", len(seen), want)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	produceRound(0, 50)
	cfg := f.config()
	cfg.BatchSize = 20
	a, ra := f.start(cfg, pipelinetest.Settings(t, "kafka"))
	waitAll(parts*50, ra.Collector) // read, not yet delivered

	b, rb := f.start(cfg, pipelinetest.Settings(t, "kafka"))
	rb.AutoResolve(event.Delivered)
	f.waitMembers(2) // the group rebalanced: both members own partitions
	// a's batches resolve late, some for partitions it no longer owns: their commits may fail
	// or land, and b may read them again; nothing breaks.
	ra.AutoResolve(event.Delivered)
	ra.ResolveAll(event.Delivered)
	produceRound(1, 50)
	waitAll(parts*100, ra.Collector, rb.Collector)
	f.waitCommitted(100, 100, 100, 100)

	if len(ra.Messages()) == 0 || len(rb.Messages()) == 0 {
		t.Fatalf("a read %d, b read %d: the second member got no partition", len(ra.Messages()), len(rb.Messages()))
	}
	stop(t, a, ra) // its partitions go to b
	produceRound(2, 25)
	seen := waitAll(parts*125, ra.Collector, rb.Collector)
	f.waitCommitted(125, 125, 125, 125)
	dups := 0
	for _, n := range seen {
		dups += n - 1
	}
	t.Logf("a read %d, b read %d: %d messages, %d read twice (at least once across rebalances)",
		len(ra.Messages()), len(rb.Messages()), len(seen), dups)
	stop(t, b, rb)
}

// Through the real runtime: while the output fails, nothing is committed and the input keeps
// reading the same messages again; once it recovers every message is delivered and committed,
// and shutdown closes the input cleanly.
func TestThroughRuntimeWithFailingOutput(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 2)
	f.produceValues(0, values("a", 100)...)
	f.produceValues(1, values("b", 100)...)
	sink := pipelinetest.NewSink()
	sink.Fail(event.Retry, errors.New("elasticsearch unavailable"))
	comps, err := config.NewComponents([]pipeline.InputFactory{Factory}, nil,
		[]pipeline.OutputFactory{sink.Factory("sink")})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse(fmt.Appendf(nil, `
inputs:
  kafka:
    brokers: [%q]
    topics: [%q]
    group_id: %q
    max_wait: 100ms
    flush_interval: 50ms
    retry_backoff: 50ms
    session_timeout: 10s
outputs:
  sink: {}
pipelines:
  main: {inputs: [kafka], outputs: [sink]}
runtime:
  shutdown_timeout: 20s
`, f.brokers[0], f.topic, f.group), comps)
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	rt, err := runtime.New(cfg, comps, runtime.Options{Logger: pipelinetest.Logger(t), Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- rt.Run(ctx) }()

	waitCounter(t, reg, "sluice_kafka_restarts_total", 2)
	if got := f.committed(2); got[0] != -1 || got[1] != -1 {
		t.Fatalf("committed %v while the output fails", got)
	}
	sink.Fail(event.Delivered, nil)
	f.waitCommitted(100, 100)
	seen := map[string]int{}
	for _, m := range sink.Messages() {
		seen[m]++
	}
	if len(seen) != 200 {
		t.Fatalf("%d distinct messages delivered, want 200", len(seen))
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("runtime: %v", err)
		}
	case <-time.After(brokerTimeout):
		t.Fatal("runtime did not stop")
	}
}

// waitMembers polls the group until it is stable with n members that each own a partition.
func (f *fixture) waitMembers(n int) {
	f.t.Helper()
	deadline := time.Now().Add(brokerTimeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		res, err := f.client.DescribeGroups(ctx, &kafkago.DescribeGroupsRequest{
			Addr: kafkago.TCP(f.brokers[0]), GroupIDs: []string{f.group}})
		cancel()
		if err == nil && len(res.Groups) == 1 && res.Groups[0].GroupState == "Stable" &&
			len(res.Groups[0].Members) == n {
			owning := 0
			for _, m := range res.Groups[0].Members {
				if len(m.MemberAssignments.Topics) > 0 && len(m.MemberAssignments.Topics[0].Partitions) > 0 {
					owning++
				}
			}
			if owning == n {
				return
			}
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("group %s: not stable with %d members: %+v %v", f.group, n, res, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitCounter polls a counter in reg until it reaches min.
func waitCounter(t *testing.T, reg *prometheus.Registry, name string, min float64) {
	t.Helper()
	deadline := time.Now().Add(brokerTimeout)
	for {
		if v := counterValue(t, reg, name); v >= min {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s = %v, want at least %v", name, counterValue(t, reg, name), min)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func counterValue(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, mf := range mfs {
		if mf.GetName() == name {
			for _, m := range mf.GetMetric() {
				sum += metricValue(m)
			}
		}
	}
	return sum
}

func metricValue(m *dto.Metric) float64 {
	if c := m.GetCounter(); c != nil {
		return c.GetValue()
	}
	return m.GetGauge().GetValue()
}

// One group reads several topics; each keeps its own partitions, sources and commits.
func TestSeveralTopics(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 1)
	g := newFixture(t, 1)
	f.produceValues(0, values("vllm", 10)...)
	g.produceValues(0, values("gpu", 7)...)
	cfg := f.config()
	cfg.Topics = []string{f.topic, g.topic}
	in, r := f.start(cfg, pipelinetest.Settings(t, "kafka"))
	r.AutoResolve(event.Delivered)
	evs := waitEvents(t, r.Collector, 17)
	sources := map[string]int{}
	for _, ev := range evs {
		sources[ev.Meta.Source]++
	}
	if sources[f.topic+"/0"] != 10 || sources[g.topic+"/0"] != 7 {
		t.Fatalf("sources %v", sources)
	}
	f.waitCommitted(10)
	g.group = f.group
	g.waitCommitted(7)
	stop(t, in, r)
}
