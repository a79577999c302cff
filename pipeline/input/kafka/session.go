package kafka

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	kafkago "github.com/segmentio/kafka-go"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// session is one group reader, its partitions' commit state and its committer.
type session struct {
	in      *Input
	cfg     *Config
	log     *slog.Logger
	m       *metrics
	reader  *kafkago.Reader
	tracker *tracker
	dec     decoder

	draining   atomic.Bool   // reading has ended: nothing more comes in this session
	stop       chan struct{} // ends the committer
	commitDone chan struct{}
	closeOnce  sync.Once
	warned     time.Time // last commit error logged, to keep the log readable during an outage
}

func (in *Input) newSession() *session {
	s := &session{
		in: in, cfg: &in.cfg, log: in.log, m: in.m,
		reader:     kafkago.NewReader(in.readerConfig()),
		tracker:    newTracker(in.cfg.OnRejected == RejectedCommit),
		dec:        decoder{input: in.set.ID, filebeat: in.cfg.DecodeFilebeat, headers: in.cfg.Headers},
		stop:       make(chan struct{}),
		commitDone: make(chan struct{}),
	}
	in.m.lag.Reset() // partitions are assigned again; the new session reports its own
	go s.commitLoop()
	return s
}

// builder collects the messages of one partition into the next batch.
type builder struct {
	part   *partState
	start  int64 // span start (see span)
	last   int64 // offset of the last message added
	events []*event.Event
}

// run reads and hands over batches until ctx ends, a batch fails, or the reader fails, and says
// which. Messages read and not handed over are released (they were never committed).
func (s *session) run(ctx context.Context, next pipeline.Consumer) string {
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-s.tracker.failed:
			cancel()
		case <-sctx.Done():
		}
	}()
	open := map[*partState]*builder{}
	var due deadline // when the open batches go even if not full
	defer func() { due.stop(); s.release(open) }()
	for {
		if !s.waitSpace(sctx) {
			return s.why(ctx, nil)
		}
		fctx := sctx
		if len(open) > 0 {
			fctx = due.ctx
		}
		msg, err := s.reader.FetchMessage(fctx)
		if err != nil {
			if sctx.Err() == nil && len(open) > 0 && errors.Is(err, context.DeadlineExceeded) {
				s.flushAll(sctx, next, open)
				due.stop()
				continue
			}
			return s.why(ctx, err)
		}
		b := s.add(sctx, next, &msg, open)
		if len(open) == 1 && len(b.events) == 1 {
			due.reset(sctx, s.cfg.FlushInterval)
		}
		if len(b.events) >= s.cfg.BatchSize {
			s.flush(sctx, next, b)
			delete(open, b.part)
		}
	}
}

// deadline is a timeout context that can be restarted.
type deadline struct {
	ctx    context.Context
	cancel context.CancelFunc
}

func (d *deadline) reset(parent context.Context, after time.Duration) {
	d.stop()
	d.ctx, d.cancel = context.WithTimeout(parent, after)
}

func (d *deadline) stop() {
	if d.cancel != nil {
		d.cancel()
	}
}

// why names the reason a session's loop ended, counting reader failures.
func (s *session) why(ctx context.Context, err error) string {
	switch {
	case ctx.Err() != nil:
		return "stopping"
	case isClosed(s.tracker.failed):
		return "a batch was not delivered"
	case err != nil:
		s.m.fetchErrors.Inc()
		s.log.Error("kafka: fetch failed", "error", err)
		return fmt.Sprintf("fetch: %v", err)
	}
	return "stopped"
}

// add decodes one message into its partition's open batch and returns that batch.
func (s *session) add(ctx context.Context, next pipeline.Consumer, msg *kafkago.Message,
	open map[*partState]*builder) *builder {
	p, start := s.tracker.read(msg.Topic, msg.Partition, msg.Offset, msg.HighWaterMark)
	s.m.messages.Inc()
	s.m.bytes.Add(float64(len(msg.Key) + len(msg.Value)))
	b := open[p]
	if b != nil && msg.Offset <= b.last { // the reader went back (rebalance): a new span
		s.flush(ctx, next, b)
		b = nil
	}
	if b == nil {
		b = &builder{part: p, start: start, events: make([]*event.Event, 0, min(s.cfg.BatchSize, 256))}
		open[p] = b
	}
	b.last = msg.Offset
	r := record{topic: msg.Topic, source: p.source, partition: msg.Partition, offset: msg.Offset,
		key: msg.Key, value: msg.Value, time: msg.Time}
	if s.dec.headers {
		for _, h := range msg.Headers {
			r.headers = append(r.headers, header{key: h.Key, value: h.Value})
		}
	}
	b.events = append(b.events, s.dec.decode(&r))
	return b
}

func (s *session) flushAll(ctx context.Context, next pipeline.Consumer, open map[*partState]*builder) {
	for p, b := range open {
		s.flush(ctx, next, b)
		delete(open, p)
	}
}

// flush hands one partition's batch over. Its ack moves the partition's commit position.
func (s *session) flush(ctx context.Context, next pipeline.Consumer, b *builder) {
	n := len(b.events)
	sp := span{start: b.start, end: b.last + 1}
	p := b.part
	ack := event.NewAck(func(st event.Status) {
		s.m.batches.WithLabelValues(st.String()).Inc()
		if st != event.Delivered && !isClosed(s.tracker.failed) { // the first of a session
			s.log.Warn("kafka: batch not delivered; its offsets are not committed", "status", st.String(),
				"source", p.source, "first_offset", sp.start, "last_offset", sp.end-1)
		}
		s.tracker.resolved(p, sp, n, st)
	})
	ack.SetWaits(s.waits)
	batch := event.NewBatch(b.events, ack)
	batch.Key = p.source
	// On error the batch was resolved Retry (Consumer's contract); the ack ends the session.
	_ = next.Consume(ctx, batch)
	s.m.pending.Set(float64(s.tracker.pendingCount()))
}

// release gives back the messages of batches that were never handed over.
func (s *session) release(open map[*partState]*builder) {
	n := 0
	for p, b := range open {
		n += len(b.events)
		delete(open, p)
	}
	if n > 0 {
		s.tracker.discard(n)
	}
}

// waitSpace blocks while max_pending messages are unacknowledged.
func (s *session) waitSpace(ctx context.Context) bool {
	for s.tracker.pendingCount() >= s.cfg.MaxPending {
		select {
		case <-s.tracker.space:
		case <-ctx.Done():
			return false
		}
	}
	return ctx.Err() == nil
}

// waits reports whether the session reads nothing more until the batches handed over are
// acknowledged (event.Ack.SetWaits): at max_pending, or once reading has ended and it drains.
// Otherwise the rest of a traceback a batch ends inside comes with the next messages of its
// partition, and the parse processor may hold the first lines for it.
func (s *session) waits() bool {
	return s.draining.Load() || s.tracker.pendingCount() >= s.cfg.MaxPending
}

// drain waits until every batch handed over is resolved, or ctx ends (false).
func (s *session) drain(ctx context.Context) bool {
	s.draining.Store(true)
	for s.tracker.pendingCount() > 0 {
		select {
		case <-s.tracker.space:
		case <-ctx.Done():
			return false
		}
	}
	return true
}

// close stops the committer, commits what was delivered and leaves the group.
func (s *session) close() {
	s.closeOnce.Do(func() {
		close(s.stop)
		<-s.commitDone
		s.commit()
		if err := s.reader.Close(); err != nil {
			s.log.Warn("kafka: close reader", "error", err)
		}
	})
}

// commitLoop commits whenever a commit position moves, and retries failed commits every second.
func (s *session) commitLoop() {
	defer close(s.commitDone)
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-s.tracker.dirty:
		case <-tick.C:
			s.m.setLag(s.tracker.lags())
			s.m.pending.Set(float64(s.tracker.pendingCount()))
		}
		s.commit()
	}
}

// commit commits every partition's position that moved. A commit for a partition this member
// no longer owns (a rebalance moved it) may fail or be overwritten by its new owner: either way
// the cost is messages read twice, never lost ones.
func (s *session) commit() {
	cs := s.tracker.toCommit()
	if len(cs) == 0 {
		return
	}
	msgs := make([]kafkago.Message, len(cs))
	for i, c := range cs {
		msgs[i] = kafkago.Message{Topic: c.topic, Partition: c.partition, Offset: c.offset - 1}
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.CommitTimeout)
	defer cancel()
	if err := s.reader.CommitMessages(ctx, msgs...); err != nil {
		s.m.commitErrors.Inc()
		if time.Since(s.warned) > 30*time.Second {
			s.warned = time.Now()
			s.log.Warn("kafka: commit offsets failed; retrying", "error", err, "partitions", len(cs))
		}
		return
	}
	s.m.commits.Inc()
	s.tracker.committedTo(cs)
	s.m.setLag(cs)
}

func isClosed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}
