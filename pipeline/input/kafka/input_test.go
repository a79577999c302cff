package kafka

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
)

// Every message of every partition arrives once, in order within its partition, in batches
// keyed by partition; nothing is committed before its batch is delivered, and everything is
// once it is.
func TestDeliversEveryMessageOnceAndCommitsAfterDelivery(t *testing.T) {
	t.Parallel()
	const perPartition = 150
	f := newFixture(t, 2)
	f.produceValues(0, values("p0", perPartition)...)
	f.produceValues(1, values("p1", perPartition)...)
	reg := prometheus.NewRegistry()
	cfg := f.config()
	cfg.BatchSize = 40
	in, r := f.start(cfg, pipelinetest.SettingsWithRegistry(t, "kafka", reg))

	evs := waitEvents(t, r.Collector, 2*perPartition)
	if len(evs) != 2*perPartition {
		t.Fatalf("%d events, want %d", len(evs), 2*perPartition)
	}
	seen := map[string]int{}
	next := map[int64]int64{} // partition -> next expected offset
	for _, b := range r.Batches() {
		if b.Len() > cfg.BatchSize {
			t.Errorf("batch of %d events, batch_size %d", b.Len(), cfg.BatchSize)
		}
		for _, ev := range b.Events {
			seen[ev.Message()]++
			part := mustInt(t, ev, FieldPartition)
			off := mustInt(t, ev, FieldOffset)
			if want := f.topic + "/" + strconv.FormatInt(part, 10); b.Key != want || ev.Meta.Source != want {
				t.Fatalf("batch key %q, source %q, want %q", b.Key, ev.Meta.Source, want)
			}
			if ev.Meta.Offset != off || off != next[part] {
				t.Fatalf("partition %d: offset %d (meta %d), want %d", part, off, ev.Meta.Offset, next[part])
			}
			next[part]++
			if topic, _ := ev.GetString(FieldTopic); topic != f.topic || ev.Meta.Input != "kafka" {
				t.Fatalf("topic %q input %q", topic, ev.Meta.Input)
			}
			if ev.Meta.Received.IsZero() || time.Since(ev.Meta.Received) > time.Hour {
				t.Errorf("received %v: want the record's time", ev.Meta.Received)
			}
		}
	}
	for _, p := range []string{"p0", "p1"} {
		for _, v := range values(p, perPartition) {
			if seen[v] != 1 {
				t.Fatalf("%q seen %d times", v, seen[v])
			}
		}
	}
	// Handed over but not delivered: nothing committed, whatever the time.
	if got := f.committed(2); got[0] != -1 || got[1] != -1 {
		t.Fatalf("committed %v before any delivery", got)
	}
	// Lag counts what is not delivered yet: everything, on both partitions.
	waitCounter(t, reg, "sluice_kafka_lag", 2*perPartition)
	r.ResolveAll(event.Delivered)
	f.waitCommitted(perPartition, perPartition)

	if got := testutil.ToFloat64(in.m.messages); got != 2*perPartition {
		t.Errorf("messages_total %v", got)
	}
	if got := testutil.ToFloat64(in.m.bytes); got != float64(2*perPartition*len("p0 0000")) {
		t.Errorf("bytes_total %v", got)
	}
	if got := testutil.ToFloat64(in.m.commitErrors); got != 0 {
		t.Errorf("commit_errors_total %v", got)
	}
	if n, err := testutil.GatherAndCount(reg, "sluice_kafka_lag"); err != nil || n != 2 {
		t.Errorf("lag series %d (%v), want one per partition", n, err)
	}
	stop(t, in, r)
}

// Acks resolve out of order: the commit position only passes batches that are delivered and
// have every batch before them delivered. A restarted input resumes there and reads the
// undelivered batch and everything after it again.
func TestCommitsOnlyContiguousDeliveredBatchesAndResumes(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 1)
	f.produceValues(0, values("line", 30)...)
	cfg := f.config()
	cfg.BatchSize = 10
	in, r := f.start(cfg, pipelinetest.Settings(t, "kafka"))
	waitEvents(t, r.Collector, 30)
	bs := byOffset(r.Batches())
	if len(bs) < 3 {
		t.Fatalf("%d batches, want at least 3 of at most 10", len(bs))
	}
	first, second, last := bs[0], bs[1], bs[len(bs)-1]
	last.Resolve(event.Delivered) // out of order: must not be committed past second
	first.Resolve(event.Delivered)
	firstEnd := first.Events[first.Len()-1].Meta.Offset + 1
	f.waitCommitted(firstEnd)
	if second.Resolved() {
		t.Fatal("second batch resolved by someone else")
	}
	stop(t, in, r) // second (and any middle batch) comes back Retry

	if got := f.committed(1)[0]; got != firstEnd {
		t.Fatalf("committed %d after stop, want %d", got, firstEnd)
	}
	in2, r2 := f.start(cfg, pipelinetest.Settings(t, "kafka"))
	r2.AutoResolve(event.Delivered)
	evs := waitEvents(t, r2.Collector, int(30-firstEnd))
	if evs[0].Meta.Offset != firstEnd {
		t.Fatalf("restart read from offset %d, want %d", evs[0].Meta.Offset, firstEnd)
	}
	for i, ev := range evs {
		if want := fmt.Sprintf("line %04d", firstEnd+int64(i)); ev.Message() != want {
			t.Fatalf("event %d: %q, want %q", i, ev.Message(), want)
		}
	}
	f.waitCommitted(30)
	stop(t, in2, r2)
}

// A batch that comes back Retry stops the commit at its start; the input rejoins and reads it
// again, and batches after it that were delivered are read again too (at least once).
func TestRetryReadsAgainFromTheFailedBatch(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 1)
	f.produceValues(0, values("msg", 20)...)
	cfg := f.config()
	cfg.BatchSize = 5
	in, r := f.start(cfg, pipelinetest.Settings(t, "kafka"))
	waitEvents(t, r.Collector, 20)
	bs := byOffset(r.Batches())
	bs[0].Resolve(event.Delivered)
	bs[1].Resolve(event.Retry)
	for _, b := range bs[2:] {
		b.Resolve(event.Delivered) // the session waits for these before it rejoins
	}
	failedAt := bs[1].Events[0].Meta.Offset
	f.waitCommitted(failedAt)

	// Read again from the failed batch: events after the first 20 are the second reading.
	evs := waitEvents(t, r.Collector, 20+int(20-failedAt))
	again := evs[20:]
	if again[0].Meta.Offset != failedAt {
		t.Fatalf("read again from %d, want %d", again[0].Meta.Offset, failedAt)
	}
	if got := testutil.ToFloat64(in.m.restarts); got != 1 {
		t.Errorf("restarts_total %v, want 1", got)
	}
	if got := testutil.ToFloat64(in.m.batches.WithLabelValues("retry")); got != 1 {
		t.Errorf("batch_acks_total{status=retry} %v, want 1", got)
	}
	r.AutoResolve(event.Delivered)
	r.ResolveAll(event.Delivered)
	f.waitCommitted(20)
	stop(t, in, r)
}

// max_pending bounds what is read ahead of acks: reading stops there and goes on once acks
// come back.
func TestMaxPendingStopsReading(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 1)
	f.produceValues(0, values("x", 60)...)
	cfg := f.config()
	cfg.BatchSize = 5
	cfg.MaxPending = 10
	in, r := f.start(cfg, pipelinetest.Settings(t, "kafka"))
	waitEvents(t, r.Collector, 10)
	// A negative can only be watched for a while: give the reader time to overrun if it would.
	time.Sleep(300 * time.Millisecond)
	if n := len(r.Events()); n != 10 {
		t.Fatalf("%d events in flight, max_pending 10", n)
	}
	r.AutoResolve(event.Delivered)
	r.ResolveAll(event.Delivered)
	waitEvents(t, r.Collector, 60)
	f.waitCommitted(60)
	stop(t, in, r)
}

func mustInt(t *testing.T, ev *event.Event, key string) int64 {
	t.Helper()
	v, ok := ev.Get(key)
	if !ok || v.Kind() != event.KindInt {
		t.Fatalf("%s: %v (present %v)", key, v, ok)
	}
	return v.Int()
}

// The runtime resolves batches after the input's Run returned (the pipeline drains first):
// Close waits for them and commits what was delivered before leaving the group.
func TestCloseCommitsAcksResolvedAfterRun(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 1)
	f.produceValues(0, values("late", 25)...)
	in, r := f.start(f.config(), pipelinetest.Settings(t, "kafka"))
	waitEvents(t, r.Collector, 25)
	if err := r.Stop(t); err != nil {
		t.Fatal(err)
	}
	closed := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), brokerTimeout)
		defer cancel()
		closed <- in.Close(ctx)
	}()
	select {
	case err := <-closed:
		t.Fatalf("Close returned (%v) with batches pending", err)
	case <-time.After(200 * time.Millisecond):
	}
	r.ResolveAll(event.Delivered)
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	if got := f.committed(1)[0]; got != 25 {
		t.Fatalf("committed %d after close, want 25", got)
	}
}

// A shutdown whose timeout passes with batches unresolved leaves the group anyway and commits
// nothing for them: they are read again by the next run.
func TestCloseTimesOutWithoutCommitting(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 1)
	f.produceValues(0, values("stuck", 5)...)
	in, r := f.start(f.config(), pipelinetest.Settings(t, "kafka"))
	waitEvents(t, r.Collector, 5)
	if err := r.Stop(t); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := in.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 15*time.Second {
		t.Errorf("close took %v", d)
	}
	if got := f.committed(1)[0]; got != -1 {
		t.Fatalf("committed %d with nothing delivered", got)
	}
	r.ResolveAll(event.Delivered) // too late: the session is gone; must not panic or commit
	if got := f.committed(1)[0]; got != -1 {
		t.Fatalf("committed %d after close", got)
	}
}
