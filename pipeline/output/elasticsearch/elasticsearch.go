// Package elasticsearch is the output that indexes events into Elasticsearch with the bulk API.
//
// Delivery is at-least-once with idempotent writes: every document gets a deterministic _id and
// is written with op_type create, so a resend (after a crash, a Filebeat retry, a 429) cannot
// duplicate it. Only the items that failed are sent again; documents Elasticsearch rejects go to
// the dead letter with the reason. A batch's ack resolves when every one of its documents has.
package elasticsearch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// Factory creates elasticsearch outputs.
var Factory = pipeline.OutputFactory{
	Type:      "elasticsearch",
	NewConfig: func() pipeline.Config { return NewConfig() },
	Create: func(set pipeline.Settings, cfg pipeline.Config) (pipeline.Output, error) {
		return New(set, cfg.(*Config))
	},
}

// errClosed is returned by Deliver after Close.
var errClosed = errors.New("elasticsearch: output closed")

// Output sends batches to Elasticsearch. Deliver encodes a batch into bulk items and queues them;
// Workers goroutines send bulk requests and resolve the batches as their items finish.
type Output struct {
	cfg     *Config
	id      string
	log     *slog.Logger
	cm      *pipeline.ComponentMetrics
	m       *metrics
	dl      pipeline.DeadLetter
	perform func(*http.Request) (*http.Response, error)
	enc     *encoder
	clock   clock
	held    *byteSem
	scratch sync.Pool
	docSize atomic.Int64 // encoded bytes per document in the last batch

	mu     sync.Mutex
	wake   *sync.Cond
	cur    *request // filling up
	gen    uint64   // increments when cur is cut, so a stale timer does nothing
	queue  []*request
	idle   int // workers waiting for a request
	closed bool

	stopCtx context.Context // cancelled when Close's deadline passes
	stop    context.CancelFunc
	wg      sync.WaitGroup
}

// request is one bulk request's items.
type request struct {
	items []*item
	bytes int
}

// item is one document: its encoded action and source lines, and the batch it belongs to.
type item struct {
	t    *tracker
	ev   *event.Event
	body []byte
}

// tracker resolves a batch when its last item finishes, with the worst status of its items.
type tracker struct {
	o     *Output
	batch *event.Batch
	left  atomic.Int64
	worst atomic.Uint32
	held  int64
}

func (it *item) finish(s event.Status) {
	t := it.t
	for {
		w := t.worst.Load()
		if uint32(s) <= w || t.worst.CompareAndSwap(w, uint32(s)) {
			break
		}
	}
	if s == event.Delivered {
		t.o.cm.Sent.Inc()
	}
	if t.left.Add(-1) == 0 {
		t.o.held.release(t.held)
		t.o.m.heldBytes.Sub(float64(t.held))
		t.batch.Resolve(event.Status(t.worst.Load()))
	}
}

// New creates the output and starts its workers; the client is built from cfg.
func New(set pipeline.Settings, cfg *Config) (*Output, error) {
	client, err := NewClient(cfg, set.Logger)
	if err != nil {
		return nil, err
	}
	return newOutput(set, cfg, client.Perform, realClock{})
}

func newOutput(set pipeline.Settings, cfg *Config, perform func(*http.Request) (*http.Response, error), clk clock) (*Output, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("elasticsearch: config: %w", err)
	}
	enc, err := newEncoder(cfg)
	if err != nil {
		return nil, err
	}
	enc.now = clk.Now
	m, err := newMetrics(set.Registerer)
	if err != nil {
		return nil, err
	}
	o := &Output{
		cfg: cfg, id: set.ID, log: set.Logger, cm: set.Metrics, m: m, dl: set.DeadLetter,
		perform: perform, enc: enc, clock: clk, held: newByteSem(int64(cfg.MaxInflightBytes)),
	}
	if o.id == "" {
		o.id = "elasticsearch"
	}
	if o.log == nil {
		o.log = slog.New(slog.DiscardHandler)
	}
	if o.cm == nil {
		o.cm = pipeline.NewComponentMetrics()
	}
	o.wake = sync.NewCond(&o.mu)
	o.stopCtx, o.stop = context.WithCancel(context.Background())
	o.log.Info("elasticsearch: output ready", "config", cfg)
	for range cfg.Workers {
		o.wg.Add(1)
		go o.worker()
	}
	return o, nil
}

// Deliver encodes b and queues its documents. It blocks while MaxInflightBytes are held
// (backpressure) and returns once the documents are queued; b resolves later, when every
// document is indexed, found already indexed, or dead-lettered. If ctx ends first, b resolves
// with event.Retry.
func (o *Output) Deliver(ctx context.Context, b *event.Batch) error {
	n := b.Len()
	if n == 0 {
		b.Resolve(event.Delivered)
		return nil
	}
	o.cm.Received.Add(float64(n))
	t := &tracker{o: o, batch: b}
	t.left.Store(int64(n))
	items := make([]item, n)
	ptrs := make([]*item, n)
	ends := make([]int, n)
	scratch, _ := o.scratch.Get().(*[]byte)
	if scratch == nil {
		scratch = new([]byte)
	}
	// Size the slab from the documents seen so far, so it is not regrown and copied per batch.
	slab := make([]byte, 0, n*int(o.docSize.Load()+o.docSize.Load()/8+64))
	for i, ev := range b.Events {
		slab, *scratch = o.enc.appendItem(slab, *scratch, ev)
		ends[i] = len(slab)
	}
	o.scratch.Put(scratch)
	o.docSize.Store(int64(len(slab) / n))
	start := 0
	for i, ev := range b.Events {
		items[i] = item{t: t, ev: ev, body: slab[start:ends[i]:ends[i]]}
		ptrs[i] = &items[i]
		start = ends[i]
	}
	held, err := o.held.acquire(ctx, int64(len(slab)))
	if err != nil {
		b.Resolve(event.Retry)
		return fmt.Errorf("elasticsearch: deliver: %w", err)
	}
	t.held = held
	o.m.heldBytes.Add(float64(held))
	o.mu.Lock()
	if o.closed {
		o.mu.Unlock()
		o.held.release(held)
		o.m.heldBytes.Sub(float64(held))
		b.Resolve(event.Retry)
		return errClosed
	}
	for _, it := range ptrs {
		o.add(it)
	}
	if o.idle > 0 && len(o.queue) == 0 {
		// A worker has nothing to do: sending now costs nothing, while waiting for the flush
		// interval would hold the batch's source (a Filebeat window waits for its ACK).
		// Requests grow towards flush_bytes/flush_count only while every worker is busy.
		o.cut()
	}
	o.mu.Unlock()
	return nil
}

// add appends an item to the filling request and cuts it when full. Called with o.mu held.
func (o *Output) add(it *item) {
	if o.cur == nil {
		o.cur = &request{}
		gen := o.gen
		o.clock.AfterFunc(o.cfg.FlushInterval, func() { o.flushGen(gen) })
	}
	o.cur.items = append(o.cur.items, it)
	o.cur.bytes += len(it.body)
	if o.cur.bytes >= int(o.cfg.FlushBytes) || len(o.cur.items) >= o.cfg.FlushCount {
		o.cut()
	}
}

// cut queues the filling request for the workers. Called with o.mu held.
func (o *Output) cut() {
	if o.cur == nil {
		return
	}
	o.queue = append(o.queue, o.cur)
	o.cur = nil
	o.gen++
	o.wake.Signal()
}

func (o *Output) flushGen(gen uint64) {
	o.mu.Lock()
	if o.gen == gen {
		o.cut()
	}
	o.mu.Unlock()
}

func (o *Output) worker() {
	defer o.wg.Done()
	for {
		o.mu.Lock()
		for len(o.queue) == 0 && !o.closed {
			if o.cur != nil {
				// Nothing is queued but a request is filling: send it now rather than wait
				// for flush_interval. Under load workers are busy, so requests still grow
				// by what arrives during a round trip.
				o.cut()
				break
			}
			o.idle++
			o.wake.Wait()
			o.idle--
		}
		if len(o.queue) == 0 {
			o.mu.Unlock()
			return
		}
		r := o.queue[0]
		o.queue[0] = nil
		o.queue = o.queue[1:]
		o.mu.Unlock()
		o.deliverRequest(r.items)
	}
}

// Close sends what is queued and waits for it. When ctx ends first, requests in flight are
// abandoned and every unfinished batch resolves with event.Retry, so its source sends it again.
func (o *Output) Close(ctx context.Context) error {
	o.mu.Lock()
	if o.closed {
		o.mu.Unlock()
		return nil
	}
	o.cut()
	o.closed = true
	o.wake.Broadcast()
	o.mu.Unlock()
	done := make(chan struct{})
	go func() { o.wg.Wait(); close(done) }()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		o.stop()
		<-done
		err = fmt.Errorf("elasticsearch: close: unfinished documents left for resend: %w", ctx.Err())
	}
	o.stop()
	return err
}
