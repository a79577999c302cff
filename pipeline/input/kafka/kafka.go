// Package kafka is the input that reads log records from Kafka topics as a member of a consumer
// group. Offsets are committed only after the batch that carried a message is delivered
// downstream, per partition and in order, so a crash or an output outage never loses a record:
// delivery is at least once, and the events' deterministic ids (topic, partition, offset) make
// a record read twice overwrite its own document.
package kafka

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	kafkago "github.com/segmentio/kafka-go"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/internal/backoff"
)

// Factory creates kafka inputs; cmd/sluice registers it.
var Factory = pipeline.NewInputFactory("kafka", NewConfig, New)

// Input is a consumer group member. It reads in sessions: a session is one group reader and the
// commit state of its partitions. When a batch comes back Retry, or the reader fails, the
// session waits for its other batches, commits what was delivered and closes; the next one
// rejoins the group and resumes from the committed offsets, so the failed messages are read
// again. This costs a rebalance, which is rare and keeps the state simple: no seeking inside a
// live group.
type Input struct {
	set    pipeline.Settings
	cfg    Config
	log    *slog.Logger
	m      *metrics
	dialer *kafkago.Dialer

	mu  sync.Mutex
	cur *session // left open when Run returns, so that late acks still commit; Close ends it
}

// New validates cfg and loads the TLS files. It does not connect: brokers that are not up yet
// (pods starting together) are retried by the reader.
func New(set pipeline.Settings, cfg *Config) (*Input, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	set = set.WithDefaults("kafka")
	m, err := newMetrics(set.Registerer)
	if err != nil {
		return nil, err
	}
	d, err := newDialer(cfg)
	if err != nil {
		return nil, err
	}
	return &Input{set: set, cfg: *cfg, log: set.Logger, m: m, dialer: d}, nil
}

// Run reads until ctx ends. Messages read but not yet handed over when it ends are not
// committed and are read again by the next run.
func (in *Input) Run(ctx context.Context, next pipeline.Consumer) error {
	in.log.Info("kafka: consuming", "brokers", in.cfg.brokers(), "topics", in.cfg.Topics, "group_id", in.cfg.GroupID)
	failures := 0 // restarts in a row without a commit moving: the backoff grows with them
	for {
		s := in.newSession()
		in.setCurrent(s)
		reason := s.run(ctx, next)
		if ctx.Err() != nil {
			return nil
		}
		in.m.restarts.Inc()
		if !s.drain(ctx) {
			return nil
		}
		s.close()
		in.setCurrent(nil)
		failures++
		if s.tracker.progressed() {
			failures = 1
		}
		wait := restartBackoff(in.cfg.RetryBackoff, failures)
		in.log.Warn("kafka: reading again from the committed offsets", "reason", reason,
			"after", wait.String(), "restarts_without_progress", failures)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// Close waits, until ctx ends, for the batches already handed over to be resolved, commits
// what was delivered and leaves the group.
func (in *Input) Close(ctx context.Context) error {
	in.mu.Lock()
	s := in.cur
	in.cur = nil
	in.mu.Unlock()
	if s == nil {
		return nil
	}
	if !s.drain(ctx) {
		in.log.Warn("kafka: closing with batches unacknowledged; they will be read again",
			"pending", s.tracker.pendingCount())
	}
	s.close()
	return nil
}

// maxBackoff caps the pause between restarts: each restart rebalances the group, so a batch
// that keeps failing must not make the whole group rebalance every few seconds.
const maxBackoff = 2 * time.Minute

// restartBackoff doubles base for each restart in a row without progress, up to maxBackoff.
func restartBackoff(base time.Duration, failures int) time.Duration {
	return backoff.Exponential(base, maxBackoff, failures)
}

func (in *Input) setCurrent(s *session) {
	in.mu.Lock()
	in.cur = s
	in.mu.Unlock()
}

func (in *Input) readerConfig() kafkago.ReaderConfig {
	start := kafkago.FirstOffset
	if in.cfg.StartOffset == StartLatest {
		start = kafkago.LastOffset
	}
	debug := in.log.With("client", "kafka-go")
	return kafkago.ReaderConfig{
		Brokers:               in.cfg.brokers(),
		GroupID:               in.cfg.GroupID,
		GroupTopics:           in.cfg.Topics,
		Dialer:                in.dialer,
		MinBytes:              int(in.cfg.MinBytes),
		MaxBytes:              int(in.cfg.MaxBytes),
		MaxWait:               in.cfg.MaxWait,
		StartOffset:           start,
		CommitInterval:        0, // commits are ours, after delivery
		SessionTimeout:        in.cfg.SessionTimeout,
		WatchPartitionChanges: true,
		Logger:                kafkago.LoggerFunc(func(f string, a ...any) { debug.Debug(fmt.Sprintf(f, a...)) }),
		ErrorLogger:           kafkago.LoggerFunc(func(f string, a ...any) { debug.Warn(fmt.Sprintf(f, a...)) }),
	}
}
