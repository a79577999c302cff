package kafka

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"

	"github.com/sluice-dev/sluice/internal/testsvc"
	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
)

// brokerTimeout bounds what a test waits on the real broker (group joins, commits) on a loaded
// machine.
const brokerTimeout = 60 * time.Second

var topicSeq atomic.Int64

// fixture is a fresh topic on the test broker and a group to read it with.
type fixture struct {
	t       testing.TB
	brokers []string
	topic   string
	group   string
	client  *kafkago.Client
}

// newFixture creates a topic with the given number of partitions, named after the test.
func newFixture(t testing.TB, partitions int) *fixture {
	t.Helper()
	brokers := testsvc.Kafka(t)
	name := strings.NewReplacer("/", "-", "_", "-").Replace(strings.ToLower(t.Name()))
	topic := fmt.Sprintf("sluice-kafka-%s-%d-%d", name, time.Now().UnixNano(), topicSeq.Add(1))
	f := &fixture{t: t, brokers: brokers, topic: topic, group: topic + "-group",
		client: &kafkago.Client{Addr: kafkago.TCP(brokers...), Timeout: 30 * time.Second}}
	ctx, cancel := context.WithTimeout(context.Background(), brokerTimeout)
	defer cancel()
	res, err := f.client.CreateTopics(ctx, &kafkago.CreateTopicsRequest{Topics: []kafkago.TopicConfig{
		{Topic: topic, NumPartitions: partitions, ReplicationFactor: 1}}})
	if err != nil {
		t.Fatalf("create topic %s: %v", topic, err)
	}
	if err := res.Errors[topic]; err != nil {
		t.Fatalf("create topic %s: %v", topic, err)
	}
	return f
}

// produce writes messages to one partition, in order, through its leader. A new topic's
// leader takes a moment to be elected: retriable errors are retried until brokerTimeout.
func (f *fixture) produce(partition int, msgs ...kafkago.Message) {
	f.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), brokerTimeout)
	defer cancel()
	for len(msgs) > 0 {
		n := min(len(msgs), 500)
		err := f.write(ctx, partition, msgs[:n])
		if err == nil {
			msgs = msgs[n:]
			continue
		}
		var kerr kafkago.Error
		if !errors.As(err, &kerr) || !kerr.Temporary() {
			f.t.Fatalf("produce to %s/%d: %v", f.topic, partition, err)
		}
		select {
		case <-ctx.Done():
			f.t.Fatalf("produce to %s/%d: %v", f.topic, partition, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func (f *fixture) write(ctx context.Context, partition int, msgs []kafkago.Message) error {
	conn, err := kafkago.DialLeader(ctx, "tcp", f.brokers[0], f.topic, partition)
	if err != nil {
		return err
	}
	defer conn.Close()
	_, err = conn.WriteMessages(msgs...)
	return err
}

// produceValues writes one message per value to a partition.
func (f *fixture) produceValues(partition int, values ...string) {
	f.t.Helper()
	msgs := make([]kafkago.Message, len(values))
	for i, v := range values {
		msgs[i] = kafkago.Message{Value: []byte(v)}
	}
	f.produce(partition, msgs...)
}

// committed returns the group's committed offset of each partition (-1: none).
func (f *fixture) committed(partitions int) []int64 {
	f.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), brokerTimeout)
	defer cancel()
	ps := make([]int, partitions)
	for i := range ps {
		ps[i] = i
	}
	res, err := f.client.OffsetFetch(ctx, &kafkago.OffsetFetchRequest{GroupID: f.group,
		Topics: map[string][]int{f.topic: ps}})
	if err != nil {
		f.t.Fatalf("offset fetch: %v", err)
	}
	out := make([]int64, partitions)
	for i := range out {
		out[i] = -1
	}
	for _, p := range res.Topics[f.topic] {
		if p.Error == nil {
			out[p.Partition] = p.CommittedOffset
		}
	}
	return out
}

// waitCommitted polls the group's offsets until they equal want. Polling is the only way to
// watch a broker's state; the interval is short and the wait bounded.
func (f *fixture) waitCommitted(want ...int64) {
	f.t.Helper()
	deadline := time.Now().Add(brokerTimeout)
	for {
		got := f.committed(len(want))
		if slices.Equal(got, want) {
			return
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("committed offsets %v, want %v", got, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// config returns a test config for the fixture: small batches, quick flushes and retries.
func (f *fixture) config() *Config {
	c := NewConfig()
	c.Brokers = f.brokers
	c.Topics = []string{f.topic}
	c.GroupID = f.group
	c.MaxWait = 100 * time.Millisecond
	c.FlushInterval = 50 * time.Millisecond
	c.RetryBackoff = 50 * time.Millisecond
	c.SessionTimeout = 10 * time.Second
	return c
}

// start runs an input with cfg; the returned collector gets its batches.
func (f *fixture) start(cfg *Config, set pipeline.Settings) (*Input, *pipelinetest.Running) {
	f.t.Helper()
	in, err := New(set, cfg)
	if err != nil {
		f.t.Fatal(err)
	}
	return in, pipelinetest.RunInput(f.t, in)
}

// stop ends an input the way the runtime does: Run returns, the pipeline resolves what it
// holds (Retry here), then Close commits and leaves the group.
func stop(t *testing.T, in *Input, r *pipelinetest.Running) {
	t.Helper()
	if err := r.Stop(t); err != nil {
		t.Errorf("run: %v", err)
	}
	r.ResolveAll(event.Retry)
	ctx, cancel := context.WithTimeout(context.Background(), brokerTimeout)
	defer cancel()
	if err := in.Close(ctx); err != nil {
		t.Errorf("close: %v", err)
	}
}

// waitEvents waits for n events in the collector, longer than pipelinetest.Timeout: joining a
// group takes seconds on a loaded machine.
func waitEvents(t *testing.T, c *pipelinetest.Collector, n int) []*event.Event {
	t.Helper()
	deadline := time.Now().Add(brokerTimeout)
	for {
		if evs := c.Events(); len(evs) >= n {
			return evs
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d events, want %d", len(c.Events()), n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// byOffset sorts batches by the offset of their first event.
func byOffset(bs []*event.Batch) []*event.Batch {
	bs = slices.Clone(bs)
	slices.SortFunc(bs, func(a, b *event.Batch) int {
		return int(a.Events[0].Meta.Offset - b.Events[0].Meta.Offset)
	})
	return bs
}

func values(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s %04d", prefix, i)
	}
	return out
}
