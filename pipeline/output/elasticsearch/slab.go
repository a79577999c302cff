package elasticsearch

import "sync"

// slabs keeps bulk slabs for reuse. Deliver encodes a batch's bulk items into one slab,
// which its items' Bodies slice; without reuse every batch allocates (and the runtime zeroes)
// about a kilobyte per event, half of all the bytes sluice allocates on the main path. A slab
// comes back once every item in it is finished and no request body reads it
// (sender.EnqueueOwned, sender.Pin).
//
// Only slabsKept are kept: a kept slab is live memory to the garbage collector, which sizes the
// heap at twice the live memory, so a pool as deep as the slabs in flight would cost more memory
// than the allocations it saves. In a steady flow a slab comes back shortly before the next
// batch needs one: on the main benchmark one kept slab gave the CPU that two did, at 8 MiB less
// peak RSS.
type slabs struct {
	mu   sync.Mutex
	kept [slabsKept]*[]byte
}

const slabsKept = 1

// maxKeptSlab bounds a kept slab: a burst of large documents must not leave its slab held for
// the life of the process.
const maxKeptSlab = 16 << 20

// get returns an empty slab of at least n bytes of capacity, and at most twice that so that a
// small batch does not hold a large slab.
func (s *slabs) get(n int) *[]byte {
	s.mu.Lock()
	for i, b := range s.kept {
		if b != nil && cap(*b) >= n && cap(*b) <= 2*n {
			s.kept[i] = nil
			s.mu.Unlock()
			*b = (*b)[:0]
			return b
		}
	}
	s.mu.Unlock()
	b := make([]byte, 0, n)
	return &b
}

// put gives a slab back for reuse, in place of the smallest kept one; no one may read it
// afterwards.
func (s *slabs) put(b *[]byte) {
	if cap(*b) > maxKeptSlab {
		return
	}
	s.mu.Lock()
	low := 0
	for i, k := range s.kept {
		if k == nil {
			low = i
			break
		}
		if cap(*k) < cap(*s.kept[low]) {
			low = i
		}
	}
	if k := s.kept[low]; k == nil || cap(*k) < cap(*b) {
		s.kept[low] = b
	}
	s.mu.Unlock()
}
