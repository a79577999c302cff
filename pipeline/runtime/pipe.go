package runtime

import (
	"context"
	"errors"
	"hash/maphash"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// errStopping is returned by Consume once the pipeline no longer takes data.
var errStopping = errors.New("runtime: pipeline is stopping")

// pipe is one configured pipeline: its inputs feed a dispatcher that coalesces batches and
// partitions them by key onto workers, which run the processors and hand the result to the
// outputs.
type pipe struct {
	r       *Runtime
	name    string
	inputs  []*inputNode
	procs   []procNode
	outputs []*outputNode

	queue   chan *event.Batch // inputs -> dispatcher
	workers []chan job        // dispatcher -> worker i
	wg      sync.WaitGroup    // dispatcher and workers

	mu     sync.RWMutex // guards closed against sends on queue
	closed bool
	fed    bool // pipeline outputs of other pipelines send to it

	depth   prometheus.Gauge
	latency prometheus.Observer
	acked   [3]prometheus.Counter // by event.Status
	seed    maphash.Seed
	next    int          // round robin for batches without a key (dispatcher only)
	busy    atomic.Int64 // batches sent to workers and not yet through them
	waiting arrivals     // batches taken in and not yet through the processors
}

// job is a batch for a worker, entering the processor chain at index from.
type job struct {
	b    *event.Batch
	from int
}

func newPipe(r *Runtime, name string) *pipe {
	p := &pipe{
		r: r, name: name,
		queue:   make(chan *event.Batch, 4),
		depth:   r.metrics.queue.WithLabelValues(name),
		latency: r.metrics.latency.WithLabelValues(name),
		seed:    maphash.MakeSeed(),
	}
	for s := event.Delivered; s <= event.Rejected; s++ {
		p.acked[s] = r.metrics.acks.WithLabelValues(name, s.String())
	}
	return p
}

// entry is the Consumer one input hands its batches to.
type entry struct {
	p  *pipe
	in *inputNode
}

// Consume takes b into the pipeline. It blocks while the global in-flight limit is reached or
// the pipeline's queue is full. Whatever happens, b's acks are resolved exactly once.
func (e *entry) Consume(ctx context.Context, b *event.Batch) error {
	n := b.Len()
	if empty(b) {
		return nil
	}
	r := e.p.r
	weight := r.gate.Share(int64(n))
	if err := r.gate.Acquire(ctx, weight); err != nil {
		b.Resolve(event.Retry)
		return err
	}
	r.taken.Add(int64(n))
	r.metrics.inFlight.Add(float64(n))
	settle := e.p.settle(e.in, n)
	// The runtime's own reference on the batch's acks: it fires when every part of the batch,
	// wherever it was split, merged or fanned out, is resolved.
	b.Adopt(event.Holds{event.NewBookkeepingAck(func(s event.Status) {
		r.gate.Release(weight)
		r.metrics.inFlight.Sub(float64(n))
		r.settled[s].Add(int64(n))
		settle(s)
	})})
	return e.p.enqueue(ctx, e.in, b)
}

// empty resolves an empty batch, which has nothing to wait for.
func empty(b *event.Batch) bool {
	if b.Len() > 0 {
		return false
	}
	b.Resolve(event.Delivered)
	return true
}

// settle counts n events input in handed over, and returns what counts their outcome once
// their acks resolve.
func (p *pipe) settle(in *inputNode, n int) func(event.Status) {
	received := time.Now()
	in.m.received.Add(float64(n))
	return func(s event.Status) {
		p.latency.Observe(time.Since(received).Seconds())
		p.acked[s].Inc()
		if s == event.Delivered {
			in.m.sent.Add(float64(n))
		} else {
			in.m.failed.Add(float64(n))
		}
	}
}

// enqueue queues b for the dispatcher, or resolves it Retry when the pipeline is closed or ctx
// ends first.
func (p *pipe) enqueue(ctx context.Context, in *inputNode, b *event.Batch) error {
	n := b.Len()
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.closed {
		b.Resolve(event.Retry)
		return errStopping
	}
	p.depth.Add(float64(n))
	in.tap.offer(b.Events) // before the queue: past it, a worker may change the events
	p.waiting.add(b, time.Now())
	select {
	case p.queue <- b:
		return nil
	case <-ctx.Done():
		p.waiting.done(b)
		p.depth.Sub(float64(n))
		b.Resolve(event.Retry)
		return ctx.Err()
	}
}

// close stops the pipeline taking data; the dispatcher then drains what is queued.
func (p *pipe) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.closed {
		p.closed = true
		close(p.queue)
	}
}

// start runs the dispatcher and the workers.
func (p *pipe) start(ctx context.Context) {
	p.workers = make([]chan job, p.r.cfg.Workers)
	for i := range p.workers {
		p.workers[i] = make(chan job, 2)
		p.wg.Add(1)
		go func(jobs <-chan job) {
			defer p.wg.Done()
			for j := range jobs {
				p.depth.Sub(float64(j.b.Len()))
				p.run(ctx, j)
				p.busy.Add(-1)
			}
		}(p.workers[i])
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		p.dispatch(ctx)
	}()
}

// processorFlushEvery is how often processors that hold events are flushed, at most.
const processorFlushEvery = 25 * time.Millisecond

// pending is what the dispatcher holds for one key until it is full or the interval passes.
type pending struct {
	batches []*event.Batch
	n       int
}

// dispatch coalesces small batches of the same key up to batch_size while more are queued
// (or until the flush interval passes) and sends each to the worker its key hashes to, so that
// batches of one key are processed in order. It also flushes processors that hold events. When the queue closes
// it sends what it holds and closes the workers.
func (p *pipe) dispatch(ctx context.Context) {
	size := p.r.cfg.BatchSize
	held := map[string]*pending{}
	var order []string // keys in the order they started waiting
	flushAll := func() {
		for _, k := range order {
			p.send(p.merge(held[k].batches), 0)
			delete(held, k)
		}
		order = order[:0]
	}
	tick := time.NewTicker(p.r.cfg.FlushInterval)
	defer tick.Stop()
	// Processors that hold events (tracebacks waiting for their next line) hold their
	// sources' acks too, and a source such as Filebeat sends nothing more until it is
	// acknowledged: ask them often, so a held event waits for its own timeout, not for the
	// next flush interval as well.
	ptick := time.NewTicker(min(p.r.cfg.FlushInterval, processorFlushEvery))
	defer ptick.Stop()
	idle := p.idleTimer()
	defer idle.stop()
	for {
		select {
		case b, ok := <-p.queue:
			idle.arm()
			if !ok {
				flushAll()
				for _, w := range p.workers {
					close(w)
				}
				return
			}
			h := held[b.Key]
			if h == nil {
				if b.Len() >= size {
					p.send(b, 0)
					continue
				}
				h = &pending{}
				held[b.Key] = h
				order = append(order, b.Key)
			}
			h.batches = append(h.batches, b)
			h.n += b.Len()
			if h.n >= size {
				p.send(p.merge(h.batches), 0)
				delete(held, b.Key)
				order = removeKey(order, b.Key)
			}
			if len(p.queue) == 0 {
				// Nothing more is queued: holding batches back for the interval would only add
				// latency, and a source such as Filebeat sends its next window only after this
				// one is acknowledged. Batches grow by coalescing only while a backlog exists.
				flushAll()
			}
		case <-tick.C:
			flushAll()
		case now := <-ptick.C:
			p.flushProcessors(ctx, now, false, p.requeue)
		case now := <-idle.c:
			if len(p.queue) > 0 || p.busy.Load() > 0 || len(held) > 0 {
				idle.arm() // not idle yet: look again a whole idle_flush later
				continue
			}
			p.flushIdle(ctx, now, p.requeue)
		}
	}
}

// idleTimer fires runtime.idle_flush after the last batch came in; it is nil-safe and never
// fires when idle_flush is off or no processor holds events for input still to come. Armed
// again on every batch, it costs nothing while the pipeline is idle.
type idleTimer struct {
	t     *time.Timer
	c     <-chan time.Time
	after time.Duration
}

func (p *pipe) idleTimer() *idleTimer {
	it := &idleTimer{after: p.r.cfg.IdleFlush}
	if it.after <= 0 || !slices.ContainsFunc(p.procs, func(n procNode) bool { return n.idler != nil }) {
		return it
	}
	it.t = time.NewTimer(it.after)
	it.t.Stop()
	it.c = it.t.C
	return it
}

func (it *idleTimer) arm() {
	if it.t != nil {
		it.t.Reset(it.after)
	}
}

func (it *idleTimer) stop() {
	if it.t != nil {
		it.t.Stop()
	}
}

// flushIdle asks the processors that hold events for input still to come for all of them, in
// chain order, and passes each resulting batch on to the processors after it.
func (p *pipe) flushIdle(ctx context.Context, now time.Time, next func(*event.Batch, int)) {
	for i, n := range p.procs {
		if n.idler == nil {
			continue
		}
		if b := n.idler.FlushIdle(ctx, now); b != nil {
			p.r.metrics.idleFlushes.WithLabelValues(p.name, n.id).Inc()
			p.passOn(n, i, b, next)
		}
	}
}

// passOn counts a batch processor n (at i in the chain) sends by itself (events it held),
// shows it to n's taps and hands it to the processors after n.
func (p *pipe) passOn(n procNode, i int, b *event.Batch, next func(*event.Batch, int)) {
	n.m.sent.Add(float64(b.Len()))
	n.tap.offer(b.Events)
	next(b, i+1)
}

// requeue sends a batch that a processor flushed by itself to a worker, from the processor
// after it.
func (p *pipe) requeue(b *event.Batch, from int) {
	p.depth.Add(float64(b.Len()))
	p.send(b, from)
}

// flushProcessors asks every processor that holds events for those that are ready and passes
// each resulting batch on to the processors after it. On the final flush of a reload, a
// processor whose state the next generation takes over releases it first (after the flushes of
// the processors before it have passed through it, so nothing reaches it afterwards).
func (p *pipe) flushProcessors(ctx context.Context, now time.Time, final bool, next func(*event.Batch, int)) {
	// The processors' timeouts are the time since a held line was taken in: while batches taken
	// in earlier than now are still on their way to the processors (a backlog: Elasticsearch
	// slow, a busy machine), the next line of a traceback may be among them, so the processors'
	// clock is when the oldest of those came in.
	if t, ok := p.waiting.oldest(); ok && t.Before(now) && !final {
		now = t
	}
	for i, n := range p.procs {
		if final {
			p.r.carry.release(p.name, n)
		}
		if n.flusher == nil {
			continue
		}
		if b := n.flusher.Flush(ctx, now, final); b != nil {
			p.passOn(n, i, b, next)
		}
	}
}

// closeProcessors closes, in chain order, the processors that hold resources (pipeline.Closer).
// A failure is logged: the events have passed, so it costs no data.
func (p *pipe) closeProcessors(ctx context.Context, log *slog.Logger) {
	for _, n := range p.procs {
		if c, ok := n.p.(pipeline.Closer); ok {
			if err := c.Close(ctx); err != nil {
				log.Error("close processor", "component", n.id, "error", err)
			}
		}
	}
}

// send hands a batch to the worker for its key.
func (p *pipe) send(b *event.Batch, from int) {
	w := p.next % len(p.workers)
	if b.Key != "" {
		w = int(maphash.String(p.seed, b.Key) % uint64(len(p.workers)))
	} else {
		p.next++
	}
	p.busy.Add(1)
	p.workers[w] <- job{b: b, from: from}
}

// merge coalesces batches of one key into one, which came in when the first of them did.
func (p *pipe) merge(bs []*event.Batch) *event.Batch {
	m := mergeAll(bs)
	p.waiting.merged(bs, m)
	return m
}

// arrivals keeps when each batch an input handed over came in, until the processors are
// through with it: the oldest is how far the processors have caught up with their inputs.
type arrivals struct {
	mu sync.Mutex
	at map[*event.Batch]time.Time
}

func (a *arrivals) add(b *event.Batch, t time.Time) {
	a.mu.Lock()
	if a.at == nil {
		a.at = map[*event.Batch]time.Time{}
	}
	a.at[b] = t
	a.mu.Unlock()
}

// done forgets b (a batch no input handed over, a processor's flush, is not there).
func (a *arrivals) done(b *event.Batch) {
	a.mu.Lock()
	delete(a.at, b)
	a.mu.Unlock()
}

// merged puts m, made of bs, in their place, at the time the first of them came in.
func (a *arrivals) merged(bs []*event.Batch, m *event.Batch) {
	if len(bs) == 1 {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	var first time.Time
	for _, b := range bs {
		if t, ok := a.at[b]; ok {
			if first.IsZero() || t.Before(first) {
				first = t
			}
			delete(a.at, b)
		}
	}
	if !first.IsZero() {
		a.at[m] = first
	}
}

// oldest returns when the oldest batch still on its way to or through the processors came in.
func (a *arrivals) oldest() (time.Time, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	var first time.Time
	for _, t := range a.at {
		if first.IsZero() || t.Before(first) {
			first = t
		}
	}
	return first, !first.IsZero()
}

func mergeAll(bs []*event.Batch) *event.Batch {
	if len(bs) == 1 {
		return bs[0]
	}
	return event.Merge(bs...)
}

func removeKey(keys []string, k string) []string {
	for i, x := range keys {
		if x == k {
			return append(keys[:i], keys[i+1:]...)
		}
	}
	return keys
}

var _ pipeline.Consumer = (*entry)(nil)
