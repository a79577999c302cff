// Package elasticsearch is the output that indexes events into Elasticsearch with the bulk API.
//
// Delivery is at-least-once with idempotent writes: every document gets a deterministic _id and
// is written with op_type create, so a resend (after a crash, a Filebeat retry, a 429) cannot
// duplicate it. Only the items that failed are sent again; documents Elasticsearch rejects go to
// the dead letter with the reason. A batch's ack resolves when every one of its documents has.
package elasticsearch

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/output/sender"
)

// Factory creates elasticsearch outputs.
var Factory = pipeline.NewOutputFactory("elasticsearch", NewConfig, New)

// Output sends batches to Elasticsearch. Deliver encodes a batch into bulk items and hands them
// to a sender, whose workers send bulk requests, requeue what the cluster pushed back and
// resolve the batches as their items finish.
type Output struct {
	cfg     *Config
	id      string
	log     *slog.Logger
	m       *metrics
	dl      pipeline.DeadLetter
	perform func(*http.Request) (*http.Response, error)
	enc     *encoder
	clock   sender.Clock
	snd     *sender.Sender
	bufs    sync.Pool    // of *itemBuf
	docSize atomic.Int64 // encoded bytes per document in the last batch, to size a small one's buffer
	chunks  chunks
	recycle func(*slab) // where a batch's slab goes once no one reads it: slab.release
}

// New creates the output and starts its workers; the client is built from cfg.
func New(set pipeline.Settings, cfg *Config) (*Output, error) {
	client, err := NewClient(cfg, set.Logger)
	if err != nil {
		return nil, err
	}
	return newOutput(set, cfg, client.Perform, sender.SystemClock{})
}

func newOutput(set pipeline.Settings, cfg *Config, perform func(*http.Request) (*http.Response, error), clk sender.Clock) (*Output, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("elasticsearch: config: %w", err)
	}
	enc, err := newEncoder(cfg)
	if err != nil {
		return nil, err
	}
	enc.now = clk.Now
	set = set.WithDefaults("elasticsearch")
	m, err := newMetrics(set.Registerer)
	if err != nil {
		return nil, err
	}
	o := &Output{
		cfg: cfg, id: set.ID, log: set.Logger, m: m, dl: set.DeadLetter,
		perform: perform, enc: enc, clock: clk,
	}
	o.recycle = (*slab).release
	sc := cfg.senderConfig()
	sc.DeadLetterEvent = deadLetterEvent
	snd, err := sender.New(pipeline.Settings{ID: o.id, Logger: o.log,
		Registerer: set.Registerer, DeadLetter: o.dl}, sc, o.send, clk)
	if err != nil {
		return nil, fmt.Errorf("elasticsearch: %w", err)
	}
	o.snd = snd
	// Nothing has been sent yet: the cluster may still be unreachable, which the output reports
	// (log, sluice_output_up) once requests fail.
	o.log.Info("elasticsearch: output started", "config", cfg)
	return o, nil
}

// firstDocSize is the encoded size per document assumed before a batch has been seen: about what
// a Filebeat document of a Kubernetes container line takes.
const firstDocSize = 1536

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
	items := make([]sender.Item, n)
	w, _ := o.bufs.Get().(*itemBuf)
	if w == nil {
		w = new(itemBuf)
	}
	doc := int(o.docSize.Load())
	if doc == 0 {
		doc = firstDocSize // no batch seen yet
	}
	sl := newSlab(&o.chunks, n*(doc+doc/8+64))
	// Done with each event once it is encoded: the bulk item is all that is sent, and an event
	// that must go to the dead letter is rebuilt from it (deadLetterEvent). As the events' last
	// reader the output frees their fields, so that while the batch waits for Elasticsearch
	// only the encoded form stays in memory.
	encoded := 0
	for i, ev := range b.Events {
		buf := sl.room()
		start := len(buf)
		body := sl.take(o.enc.appendItem(buf, w, ev), start)
		items[i] = sender.Item{Event: ev, Body: body}
		encoded += len(body)
		ev.DoneReading()
	}
	o.bufs.Put(w)
	o.docSize.Store(int64(encoded / n))
	if err := o.snd.EnqueueOwned(ctx, b, items, sl.bytes, func() { o.recycle(sl) }); err != nil {
		return fmt.Errorf("elasticsearch: deliver: %w", err)
	}
	return nil
}

// Close sends what is queued and waits for it. When ctx ends first (shutdown_timeout), every
// document not yet stored goes to the dead letter with the last error as its reason, and Close
// says how many; see sender.Sender.Close.
func (o *Output) Close(ctx context.Context) error {
	return o.snd.Close(ctx)
}
