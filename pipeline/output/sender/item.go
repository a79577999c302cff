package sender

import (
	"sync/atomic"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// Item is one encoded event on its way out.
type Item struct {
	// Event is the event the item was encoded from, for the dead letter.
	Event *event.Event
	// Body is the item's encoded form, as the output's request carries it.
	Body []byte
	// Rekeyed says the output gave the item an id of its own after a conflict (see the
	// Elasticsearch output's settleConflicts): a conflict on that id is a replay.
	Rekeyed  bool
	t        *tracker
	attempts int
}

// Finish records the item's outcome. The output calls it for every item of a request that it
// does not return for retry: Delivered once stored (or kept in a dead letter), Rejected when it
// failed for good and nothing could keep it.
func (it *Item) Finish(s event.Status) { it.t.finish(s) }

// Pin keeps the memory under the items' Bodies from its release (see EnqueueOwned) until unpin
// runs, even once they are finished: a request body that reads the Bodies in place pins them
// until the transport has closed it, since net/http may still read a body after the response.
// unpin must run exactly once.
func Pin(items []*Item) (unpin func()) {
	var ts []*tracker
	for _, it := range items {
		if n := len(ts); n == 0 || ts[n-1] != it.t {
			ts = append(ts, it.t)
			it.t.pins.Add(1)
		}
	}
	return func() {
		for _, t := range ts {
			t.unpin()
		}
	}
}

// tracker resolves a batch when its last item finishes, with the worst status of its items.
type tracker struct {
	s     *Sender
	batch *event.Batch
	left  atomic.Int64
	worst atomic.Uint32
	held  int64
	// pins is 1 while items are unfinished, plus one per Pin; release runs when it falls to 0.
	pins    atomic.Int64
	release func()
}

func (t *tracker) unpin() {
	switch n := t.pins.Add(-1); {
	case n == 0 && t.release != nil:
		t.release()
	case n < 0:
		panic("sender: item unpinned more than pinned")
	}
}

func (t *tracker) finish(s event.Status) {
	for {
		w := t.worst.Load()
		if uint32(s) <= w || t.worst.CompareAndSwap(w, uint32(s)) {
			break
		}
	}
	switch left := t.left.Add(-1); {
	case left == 0:
		if t.s != nil {
			t.s.held.Release(t.held)
			t.s.m.held.Sub(float64(t.held))
		}
		t.unpin() // before Resolve: the source may read the memory as free once acknowledged
		t.batch.Resolve(event.Status(t.worst.Load()))
	case left < 0:
		panic("sender: item finished twice")
	}
}

// Standalone ties items to b without a Sender, so that an output's tests can call its SendFunc
// directly: b resolves once every item is finished.
func Standalone(b *event.Batch, items []Item) []*Item {
	t := &tracker{batch: b}
	t.left.Store(int64(len(items)))
	t.pins.Store(1)
	ptrs := make([]*Item, len(items))
	for i := range items {
		items[i].t = t
		ptrs[i] = &items[i]
	}
	return ptrs
}

// HeldBytes reports the encoded bytes held: queued, in flight or requeued.
func (s *Sender) HeldBytes() int64 {
	return s.held.InUse()
}
