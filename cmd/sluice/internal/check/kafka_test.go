package check

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	kafka "github.com/segmentio/kafka-go"

	"github.com/sluice-dev/sluice/internal/testsvc"
)

// TestKafka runs against the test stack's Kafka: a topic of two partitions with five messages,
// and a group that committed offset 2 of partition 0.
func TestKafka(t *testing.T) {
	t.Parallel()
	brokers := testsvc.Kafka(t)
	topic := fmt.Sprintf("sluice-check-%d", time.Now().UnixNano())
	group := topic + "-group"
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c := &kafka.Client{Addr: kafka.TCP(brokers...), Timeout: 30 * time.Second}
	res, err := c.CreateTopics(ctx, &kafka.CreateTopicsRequest{Topics: []kafka.TopicConfig{{Topic: topic, NumPartitions: 2, ReplicationFactor: 1}}})
	if err != nil || res.Errors[topic] != nil {
		t.Fatalf("create topic: %v %v", err, res)
	}
	produce(ctx, t, brokers[0], topic, 5)
	commitOffset(ctx, t, c, group, topic, 2)
	b := "brokers: ['" + brokers[0] + "']"
	want(t, run(t, "  - {name: k, kind: kafka, probe: brokers, "+b+"}\n"), Passed, "1 address(es) answer; cluster has 1 broker(s)")
	want(t, run(t, "  - {name: k, kind: kafka, probe: brokers, brokers: ['"+brokers[0]+"', '127.0.0.1:1']}\n"), Failed, "broker 127.0.0.1:1")
	want(t, run(t, "  - {name: k, kind: kafka, probe: topics, topics: ["+topic+"], "+b+"}\n"), Passed, topic+" (2 partitions)")
	want(t, run(t, "  - {name: k, kind: kafka, probe: topics, topics: ["+topic+", "+topic+"-nope], "+b+"}\n"), Failed, "topic(s) missing: "+topic+"-nope")
	want(t, run(t, "  - {name: k, kind: kafka, probe: lag, group: "+group+", topic: "+topic+", max_lag: 10, "+b+"}\n"), Passed,
		"group "+group+" lags 3 message(s) on "+topic+" (1 partition(s))")
	want(t, run(t, "  - {name: k, kind: kafka, probe: lag, group: "+group+", topic: "+topic+", max_lag: 1, "+b+"}\n"), Failed,
		"lags 3 message(s)")
	want(t, run(t, "  - {name: k, kind: kafka, probe: lag, group: "+group+"-idle, topic: "+topic+", "+b+"}\n"), Failed,
		"has committed no offset")
}

// produce writes n messages to partition 0; a new topic's leader takes a moment to be elected.
func produce(ctx context.Context, t *testing.T, broker, topic string, n int) {
	t.Helper()
	msgs := make([]kafka.Message, n)
	for i := range msgs {
		msgs[i] = kafka.Message{Value: []byte(fmt.Sprint(i))}
	}
	retryTemporary(ctx, t, "produce", func() error {
		conn, err := kafka.DialLeader(ctx, "tcp", broker, topic, 0)
		if err == nil {
			_, err = conn.WriteMessages(msgs...)
			conn.Close()
		}
		return err
	})
}

// commitOffset commits offset of partition 0 for group; on a fresh broker the group's coordinator
// takes a moment to be ready (NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS).
func commitOffset(ctx context.Context, t *testing.T, c *kafka.Client, group, topic string, offset int64) {
	t.Helper()
	retryTemporary(ctx, t, "commit", func() error {
		res, err := c.OffsetCommit(ctx, &kafka.OffsetCommitRequest{GroupID: group, GenerationID: -1,
			Topics: map[string][]kafka.OffsetCommit{topic: {{Partition: 0, Offset: offset}}}})
		if err == nil {
			err = res.Topics[topic][0].Error
		}
		return err
	})
}

// retryTemporary runs f until it succeeds, again after an error Kafka calls temporary, and fails
// the test on any other error or when ctx ends.
func retryTemporary(ctx context.Context, t *testing.T, what string, f func() error) {
	t.Helper()
	for {
		err := f()
		var kerr kafka.Error
		switch {
		case err == nil:
			return
		case !errors.As(err, &kerr) || !kerr.Temporary():
			t.Fatalf("%s: %v", what, err)
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s: %v", what, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}
