package event

import (
	"sync/atomic"
)

// Status is the outcome of delivering events. When several outcomes meet in one acknowledgement
// the worst wins: Delivered < Retry < Rejected.
type Status uint32

const (
	// Delivered: every event is safe (written, dead-lettered, or dropped on purpose).
	Delivered Status = iota
	// Retry: some event is not safe yet and the source should send it again (Filebeat resends
	// the window, Kafka offsets are not committed). Used on shutdown and exhausted retries.
	Retry
	// Rejected: some event failed permanently and could not even be dead-lettered.
	Rejected
)

func (s Status) String() string {
	switch s {
	case Delivered:
		return "delivered"
	case Retry:
		return "retry"
	case Rejected:
		return "rejected"
	}
	return "unknown"
}

// Ack tracks one unit of work an input handed over (a Filebeat window, a run of Kafka
// messages, a chunk of a file) until every batch that carries it is resolved, then calls the
// input's callback once with the worst status. It is safe for concurrent use.
type Ack struct {
	pending atomic.Int64
	worst   atomic.Uint32
	done    func(Status)
	waits   func() bool
}

// NewAck returns an Ack holding one reference, which the batch it is given to owns. done runs
// exactly once, on the goroutine that releases the last reference; it must not block for long.
func NewAck(done func(Status)) *Ack {
	a := &Ack{done: done}
	a.pending.Store(1)
	return a
}

func (a *Ack) retain(n int64) { a.pending.Add(n) }

func (a *Ack) release(s Status) {
	for {
		w := a.worst.Load()
		if uint32(s) <= w || a.worst.CompareAndSwap(w, uint32(s)) {
			break
		}
	}
	switch n := a.pending.Add(-1); {
	case n == 0:
		if a.done != nil {
			a.done(Status(a.worst.Load()))
		}
	case n < 0:
		panic("event: Ack released more often than retained")
	}
}

// Pending reports how many references are unresolved (for tests and metrics).
func (a *Ack) Pending() int64 { return a.pending.Load() }

// SetWaits tells whoever holds this unit back whether its source waits for it: f reports true
// while the source sends nothing more until the unit is acknowledged (a Filebeat client whose
// other connections are all waiting too). Without it the source is taken to wait. Call it
// before the Ack is handed over; f must be safe for concurrent use and quick.
func (a *Ack) SetWaits(f func() bool) { a.waits = f }

// NewBookkeepingAck is NewAck for a reference the pipeline itself keeps on a batch (the
// runtime's counts and gates, an output's), which is no source's: it never says a source waits
// for the batch (Holds.SourceWaits asks the sources' own acks).
func NewBookkeepingAck(f func(Status)) *Ack {
	a := NewAck(f)
	a.waits = NeverWaits
	return a
}

// NeverWaits is the Ack.SetWaits answer of a source that reads on whatever is acknowledged (the
// file input): it never waits for a batch's acknowledgement.
func NeverWaits() bool { return false }

// Batch is the unit that moves through the pipeline: a list of events and the acknowledgements
// of the input work they came from. A batch must be resolved exactly once, by whoever holds it
// last (an output when delivered, the runtime when it empties or fails). Splitting and merging
// keep the link to every source Ack.
type Batch struct {
	Events []*Event
	// Key groups batches whose order matters (one file, one connection, one partition): the
	// runtime processes batches with the same key in order.
	Key      string
	acks     []*Ack
	resolved atomic.Bool
	absorbed int
}

// NewBatch makes a batch that owns the given Ack's initial reference. ack may be nil for
// events nobody waits for (tests, stdin).
func NewBatch(events []*Event, ack *Ack) *Batch {
	b := &Batch{Events: events}
	if ack != nil {
		b.acks = []*Ack{ack}
	}
	return b
}

// Len returns the number of events.
func (b *Batch) Len() int { return len(b.Events) }

// Resolve releases the batch's references with status s. A second call does nothing and
// returns false, so a bug cannot resolve a source twice.
func (b *Batch) Resolve(s Status) bool {
	if !b.resolved.CompareAndSwap(false, true) {
		return false
	}
	for _, a := range b.acks {
		a.release(s)
	}
	return true
}

// Resolved reports whether Resolve was called.
func (b *Batch) Resolved() bool { return b.resolved.Load() }

// Derive returns a new batch of the given events that also holds this batch's acks, so that
// the sources finish only when both are resolved. Use it to split a batch or fan it out.
func (b *Batch) Derive(events []*Event) *Batch {
	d := &Batch{Events: events, Key: b.Key, acks: make([]*Ack, len(b.acks))}
	copy(d.acks, b.acks)
	for _, a := range d.acks {
		a.retain(1)
	}
	return d
}

// Hold takes a reference on every ack of the batch, for an event kept back past this batch
// (a multiline processor waiting for the rest of a traceback). Give it to a later batch with
// Adopt, or resolve it with Holds.Resolve.
func (b *Batch) Hold() Holds {
	h := make(Holds, len(b.acks))
	copy(h, b.acks)
	for _, a := range h {
		a.retain(1)
	}
	return h
}

// Adopt makes the batch responsible for references taken with Hold.
func (b *Batch) Adopt(h Holds) { b.acks = append(b.acks, h...) }

// Absorb records that n of the events that left b.Events during the current processor were not
// removed on purpose but held for a later batch or joined into another event (a traceback's
// lines). The runtime counts events that leave a batch as dropped, and dropped means removed on
// purpose; a processor that holds or joins lines says so here, so that nobody is alerted about
// lines that will be delivered.
func (b *Batch) Absorb(n int) {
	if n > 0 {
		b.absorbed += n
	}
}

// TakeAbsorbed returns the count Absorb recorded and resets it, for the runtime to read after
// each processor.
func (b *Batch) TakeAbsorbed() int {
	n := b.absorbed
	b.absorbed = 0
	return n
}

// Merge combines batches into one that holds all their acks; the inputs are consumed and must
// not be resolved. The result keeps the first batch's key.
func Merge(bs ...*Batch) *Batch {
	m := &Batch{}
	n := 0
	for _, b := range bs {
		n += len(b.Events)
	}
	m.Events = make([]*Event, 0, n)
	for i, b := range bs {
		if i == 0 {
			m.Key = b.Key
		}
		m.Events = append(m.Events, b.Events...)
		m.acks = append(m.acks, b.acks...)
		b.acks = nil
		b.resolved.Store(true)
	}
	return m
}

// Holds are ack references taken out of a batch with Hold.
type Holds []*Ack

// SourceWaits reports whether the source of any held unit sends nothing more until that unit
// is acknowledged (see Ack.SetWaits): holding such a unit back longer only delays the source.
func (h Holds) SourceWaits() bool {
	for _, a := range h {
		if a.waits == nil || a.waits() {
			return true
		}
	}
	return false
}

// Resolve releases the held references directly.
func (h Holds) Resolve(s Status) {
	for _, a := range h {
		a.release(s)
	}
}
