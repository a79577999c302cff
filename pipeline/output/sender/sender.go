// Package sender is the machinery an output shares with every other output: a queue of encoded
// items, workers that send them in requests, retry of what the destination pushed back, a byte
// bound, adaptive concurrency, health and the shutdown that dead-letters what was not delivered.
// An output only encodes its items, builds a request from them and classifies the answer.
//
// Retried items never hold a worker or a batch hostage: they go back to the front of the queue
// and travel with the next request, beside new documents. Pauses come from the cluster's answers
// as a whole (failed requests, most items refused), not from one unlucky item, and the number of
// requests in flight follows the cluster's latency and rejections (additive increase,
// multiplicative decrease), the way Vector's adaptive request concurrency does.
package sender

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/internal/budget"
)

// Concurrency modes (Config.Concurrency).
const (
	// Adaptive moves the requests in flight between 1 and Workers with the cluster's answers.
	Adaptive = "adaptive"
	// Fixed always allows Workers requests in flight.
	Fixed = "fixed"
)

// Config is what an output passes on from its own settings.
type Config struct {
	// Workers is the most requests in flight.
	Workers int
	// Concurrency is Adaptive (default) or Fixed.
	Concurrency string
	// MaxItems and MaxBytes bound one request (at least one item is always sent).
	MaxItems int
	MaxBytes int
	// MaxHeldBytes bounds the encoded items held (queued, in flight, requeued); Enqueue blocks
	// when it is reached, which bounds memory during an outage.
	MaxHeldBytes int64
	// InitialBackoff and MaxBackoff bound the pause after requests fail or most items are
	// refused; it doubles while the pushback lasts.
	InitialBackoff, MaxBackoff time.Duration
	// MaxAttempts bounds the attempts per item; 0 retries until shutdown. Exhausted items are
	// resolved event.Retry so the source sends them again.
	MaxAttempts int
	// DeadLetterEvent, when set, gives the event to write to the dead letter for an item, in
	// place of its Event: an output that is done with its events once encoded
	// (event.Event.DoneReading) rebuilds them from the items' Bodies.
	DeadLetterEvent func(*Item) *event.Event
}

// Response is the outcome of one request. The SendFunc finishes every item it was given except
// those it returns in Retry.
type Response struct {
	// Retry are the items to send again: refused with a retryable status, or not answered.
	Retry []*Item
	// Rejected counts the items the destination pushed back on (429, 5xx per item). It drives
	// the rejection ratio, the pause and the concurrency.
	Rejected int
	// Err is set when the request failed as a whole (connection error, 429/5xx, refused
	// credentials); every item is then in Retry.
	Err error
}

// SendFunc sends items as one request. ctx ends when the output stops waiting (Close's deadline).
type SendFunc func(ctx context.Context, items []*Item) Response

// Clock is the time the sender reads, so that tests need not sleep.
type Clock interface {
	Now() time.Time
	// Sleep waits d and reports true, or false if ctx ends first.
	Sleep(ctx context.Context, d time.Duration) bool
}

// SystemClock is the Clock of a running sluice: the wall clock and a timer.
type SystemClock struct{}

// Now returns the current time.
func (SystemClock) Now() time.Time { return time.Now() }

// Sleep waits d and reports true, or false if ctx ends first.
func (SystemClock) Sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// Sender queues items and sends them with up to Workers goroutines.
type Sender struct {
	cfg   Config
	id    string
	log   *slog.Logger
	dl    pipeline.DeadLetter
	m     *metrics
	send  SendFunc
	clock Clock
	held  *budget.Budget

	mu       sync.Mutex
	wake     *sync.Cond
	queue    []*Item // requeued items first, then new ones in arrival order
	inflight int
	closed   bool
	ctl      control

	stopCtx context.Context // cancelled when Close's deadline passes
	stop    context.CancelFunc
	wg      sync.WaitGroup
}

// ErrClosed is returned by Enqueue after Close.
var ErrClosed = errors.New("output closed")

// New starts the workers. set supplies the id, logger, metrics and dead letter.
func New(set pipeline.Settings, cfg Config, send SendFunc, clk Clock) (*Sender, error) {
	if cfg.Workers < 1 || cfg.MaxItems < 1 || cfg.MaxBytes < 1 || cfg.MaxHeldBytes < 1 {
		return nil, fmt.Errorf("sender: workers, max items and bytes must be positive")
	}
	if cfg.Concurrency == "" {
		cfg.Concurrency = Adaptive
	}
	m, err := newMetrics(set.Registerer)
	if err != nil {
		return nil, err
	}
	set = set.WithDefaults("output")
	s := &Sender{cfg: cfg, id: set.ID, log: set.Logger, dl: set.DeadLetter, m: m,
		send: send, clock: clk, held: budget.New(cfg.MaxHeldBytes)}
	s.ctl = newControl(cfg)
	s.m.limit.Set(float64(s.ctl.limit))
	s.m.up.Set(1)
	s.wake = sync.NewCond(&s.mu)
	s.stopCtx, s.stop = context.WithCancel(context.Background())
	for range cfg.Workers {
		s.wg.Add(1)
		go s.worker()
	}
	return s, nil
}

// StopContext ends when the sender stops waiting for the destination: an output uses it for the
// work it does inside a SendFunc (dead-letter writes, split requests).
func (s *Sender) StopContext() context.Context { return s.stopCtx }

// Enqueue takes ownership of b and its items (one per event, in order) and queues them. It
// blocks while MaxHeldBytes are held and returns once they are queued; b resolves when every
// item is finished. If ctx ends first or the sender is closed, b resolves event.Retry.
func (s *Sender) Enqueue(ctx context.Context, b *event.Batch, items []Item, bytes int64) error {
	return s.EnqueueOwned(ctx, b, items, bytes, nil)
}

// EnqueueOwned is Enqueue for items whose Bodies share memory the output recycles: release runs
// once, when every item is finished and no Pin holds them (or at once when they are not
// queued), after which the output may reuse that memory. release may be nil.
func (s *Sender) EnqueueOwned(ctx context.Context, b *event.Batch, items []Item, bytes int64, release func()) error {
	if len(items) == 0 {
		b.Resolve(event.Delivered)
		if release != nil {
			release()
		}
		return nil
	}
	t := &tracker{s: s, batch: b, release: release}
	t.left.Store(int64(len(items)))
	t.pins.Store(1)
	held := s.held.Share(bytes) // one huge batch can still pass alone
	if err := s.held.Acquire(ctx, held); err != nil {
		b.Resolve(event.Retry)
		t.unpin()
		return err
	}
	t.held = held
	s.m.held.Add(float64(held))
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		s.held.Release(held)
		s.m.held.Sub(float64(held))
		b.Resolve(event.Retry)
		t.unpin()
		return ErrClosed
	}
	for i := range items {
		items[i].t = t
		s.queue = append(s.queue, &items[i])
	}
	s.m.queued.Set(float64(len(s.queue)))
	// One worker is enough: it wakes the next if work and a slot are left (see next).
	s.wake.Signal()
	s.mu.Unlock()
	return nil
}

// worker sends requests while items are queued and the concurrency limit allows.
func (s *Sender) worker() {
	defer s.wg.Done()
	for {
		items, pause, ok := s.next()
		if !ok {
			return
		}
		if pause > 0 {
			s.clock.Sleep(s.stopCtx, pause)
			continue
		}
		start := s.clock.Now()
		resp := s.send(s.stopCtx, items)
		s.done(items, resp, s.clock.Now().Sub(start))
	}
}

// next waits for work and takes the next request's items, or says how long to pause first.
// ok is false when the worker should stop.
func (s *Sender) next() (items []*Item, pause time.Duration, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		if s.stopCtx.Err() != nil || (s.closed && len(s.queue) == 0 && s.inflight == 0) {
			s.wake.Broadcast()
			return nil, 0, false
		}
		if len(s.queue) > 0 && s.inflight < s.ctl.limit {
			break
		}
		s.wake.Wait()
	}
	if wait := s.ctl.pauseUntil.Sub(s.clock.Now()); wait > 0 {
		return nil, wait, true
	}
	n, bytes := 0, 0
	for n < len(s.queue) && n < s.cfg.MaxItems && (n == 0 || bytes+len(s.queue[n].Body) <= s.cfg.MaxBytes) {
		bytes += len(s.queue[n].Body)
		n++
	}
	items = make([]*Item, n)
	copy(items, s.queue)
	clear(s.queue[:n])
	s.queue = s.queue[n:]
	s.inflight++
	s.m.queued.Set(float64(len(s.queue)))
	if len(s.queue) > 0 && s.inflight < s.ctl.limit {
		s.wake.Signal()
	}
	return items, 0, true
}

// done requeues what must be sent again and lets the controller read the answer.
func (s *Sender) done(items []*Item, resp Response, rtt time.Duration) {
	retry := s.exhausted(resp.Retry)
	s.mu.Lock()
	s.inflight--
	if len(retry) > 0 {
		// Requeued items go first: they are the oldest, and their batches wait for them.
		s.queue = append(retry, s.queue...)
		s.m.requeued.Add(float64(len(retry)))
		s.m.queued.Set(float64(len(s.queue)))
	}
	if resp.Err != nil && s.stopCtx.Err() != nil {
		// Abandoned at shutdown: the cancellation says nothing about the cluster, and the
		// last real error is the reason the dead letter gives.
		s.wake.Broadcast()
		s.mu.Unlock()
		return
	}
	notes := s.ctl.observe(s.clock.Now(), len(items), resp, rtt, s.inflight+1)
	s.wake.Broadcast()
	s.mu.Unlock()
	s.report(notes)
}

// exhausted finishes the items that ran out of attempts (event.Retry: the source resends) and
// returns the others.
func (s *Sender) exhausted(retry []*Item) []*Item {
	if s.cfg.MaxAttempts == 0 {
		return retry
	}
	keep := retry[:0]
	gave := 0
	for _, it := range retry {
		it.attempts++
		if it.attempts >= s.cfg.MaxAttempts {
			it.Finish(event.Retry)
			gave++
			continue
		}
		keep = append(keep, it)
	}
	if gave > 0 {
		s.log.Error(s.id+": retries exhausted, documents left for the source to resend",
			"documents", gave, "attempts", s.cfg.MaxAttempts)
	}
	return keep
}

// Close sends what is queued and waits for it. When ctx ends first (shutdown_timeout), requests
// in flight are abandoned and every item not delivered goes to the dead letter with the last
// error as its reason; its batch then resolves Delivered, since the dead letter holds it. Only
// an item the dead letter cannot take resolves event.Retry. Close reports how many were kept
// that way.
func (s *Sender) Close(ctx context.Context) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.wake.Broadcast()
	s.mu.Unlock()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		s.stop()
		return nil
	case <-ctx.Done():
	}
	s.stop()
	s.mu.Lock()
	s.wake.Broadcast()
	s.mu.Unlock()
	<-done
	return s.abandon()
}

// abandon dead-letters every item still queued after the workers stopped.
func (s *Sender) abandon() error {
	s.mu.Lock()
	left := s.queue
	s.queue = nil
	last := s.ctl.lastErr
	s.m.queued.Set(0)
	s.mu.Unlock()
	if len(left) == 0 {
		return nil
	}
	reason := "undelivered at shutdown"
	if last != nil {
		reason += ": " + last.Error()
	}
	// A fresh context: the shutdown deadline has passed, but the dead letter is local and the
	// events must still reach it.
	ctx := context.Background()
	kept, failed := 0, 0
	for _, it := range left {
		ev := it.Event
		if s.dl != nil && s.cfg.DeadLetterEvent != nil {
			ev = s.cfg.DeadLetterEvent(it)
		}
		if s.dl != nil && s.dl.Write(ctx, ev, s.id, reason) == nil {
			kept++
			it.Finish(event.Delivered)
			continue
		}
		failed++
		it.Finish(event.Retry)
	}
	s.log.Error(s.id+": documents undelivered at shutdown", "dead_lettered", kept,
		"left_for_resend", failed, "reason", reason)
	return fmt.Errorf("%s: close: %d documents undelivered at shutdown: %d written to the dead letter, %d left for the source to resend (%s)",
		s.id, len(left), kept, failed, reason)
}
