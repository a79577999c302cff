package elasticsearch

import "sync"

// A batch's bulk items are encoded into chunks of chunkSize bytes, which their Bodies slice;
// the chunks come back for reuse once every item is finished and no request body reads them
// (sender.EnqueueOwned, sender.Pin). Without reuse every batch allocates, and the runtime zeroes
// and the kernel faults in, about a kilobyte and a half per event, more than a third of all the
// bytes sluice allocates on the main path.
//
// Chunks of one size fit every large batch: a batch takes as many as its documents fill, and a
// kept chunk serves any batch. (One slab per batch did not: batches differ in size, so a kept
// slab fitted the next batch about one time in three, and keeping more of them cost memory.)
// Chunks wait in a sync.Pool, which the garbage collector empties of those not taken again
// within two cycles: in a steady flow a chunk comes back shortly before the next batch needs one,
// and after a burst the chunks it used do not stay.
//
// A small batch (a quiet source's few lines) gets a buffer of its own, sized from the documents
// seen so far, rather than a chunk it would mostly leave empty: held for every such batch while
// Elasticsearch is down, chunks would hold far more memory than the documents in them.
const chunkSize = 256 << 10

// smallSlab is the estimated size below which a batch gets a buffer of its own.
const smallSlab = chunkSize / 4

// chunkRoom is the room below which a chunk is left for a new one before an item is encoded
// into it, so that an item rarely outgrows its chunk. One that does is moved to a chunk of its
// own (slab.take); the encoder then copied the chunk once, in vain.
const chunkRoom = 16 << 10

// chunks keeps chunks for reuse; each holds a *[]byte of capacity chunkSize.
type chunks struct{ pool sync.Pool }

func (c *chunks) get() *[]byte {
	if b, _ := c.pool.Get().(*[]byte); b != nil {
		return b
	}
	b := make([]byte, 0, chunkSize)
	return &b
}

// slab is the memory one batch's items are encoded into: the chunks it took, the last of them
// being written, or a small batch's own buffer. An item longer than a chunk gets memory of its
// own, which is not kept.
type slab struct {
	from *chunks
	held []*[]byte
	cur  []byte // the end of held, a small batch's own buffer, or nil before the first item
	own  bool   // cur is the batch's own buffer, not a chunk
	// bytes is what max_inflight_bytes counts of the batch until it is released: the documents
	// in its own buffer (which is sized to them), its chunks whole, an item's own memory whole.
	bytes int64
}

// newSlab returns the slab for a batch whose documents are estimated at size bytes.
func newSlab(from *chunks, size int) *slab {
	s := &slab{from: from}
	if size < smallSlab {
		s.cur, s.own = make([]byte, 0, size), true
	}
	return s
}

// room returns the buffer to append the next item to: the current chunk or own buffer, or a new
// chunk when a chunk has less than chunkRoom left.
func (s *slab) room() []byte {
	if s.cur == nil || !s.own && cap(s.cur)-len(s.cur) < chunkRoom {
		s.next()
	}
	return s.cur
}

func (s *slab) next() {
	b := s.from.get()
	s.held = append(s.held, b)
	s.cur, s.own = (*b)[:0], false
	s.bytes += chunkSize
}

// take records the item that the encoder appended to room()'s buffer, giving buf (what it
// returned) and start (the buffer's length before), and returns the item's bytes. When the item
// outgrew the buffer, buf is new memory: an item that fits a chunk is copied into a new one, and
// a longer one keeps buf for itself.
func (s *slab) take(buf []byte, start int) []byte {
	n := len(buf) - start
	if cap(buf) == cap(s.cur) {
		if s.own {
			s.bytes += int64(n)
		}
		s.cur = buf
		return buf[start:len(buf):len(buf)]
	}
	item := buf[start:]
	if n > chunkSize {
		s.bytes += int64(cap(buf)) // buf holds a copy of the buffer's earlier items too
		return item[:n:n]
	}
	s.next()
	s.cur = append(s.cur, item...)
	return s.cur[:n:n]
}

// release gives the chunks back; no one may read them afterwards.
func (s *slab) release() {
	for _, b := range s.held {
		*b = (*b)[:0]
		s.from.pool.Put(b)
	}
	s.held, s.cur = nil, nil
}
