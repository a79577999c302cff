package kafka

import (
	"cmp"
	"slices"
	"strconv"
	"sync"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// topicPartition names one partition.
type topicPartition struct {
	topic     string
	partition int
}

// span is a run of offsets [start, end) of one partition that went out in one batch. start is
// the position after the message read before the batch's first one, so that offsets Kafka
// skips (compacted records, transaction markers) are covered and commits can pass them.
type span struct{ start, end int64 }

// partState is the commit state of one partition during one reader session.
type partState struct {
	source    string // "topic/partition": the events' Meta.Source and the batches' Key
	fetched   int64  // position after the last message read
	next      int64  // commit position: every offset below it is delivered
	committed int64  // last position committed (at first, where the session started reading)
	hwm       int64  // the partition's high watermark at the last fetch
	done      []span // delivered spans at or above next, sorted by start
}

// tracker turns out-of-order acks into in-order commits. Each partition has a commit position
// that moves only over offsets whose batch resolved Delivered, so a batch still in flight or
// one that came back Retry holds back the commit of everything after it in its partition.
// Acks resolve on the outputs' goroutines; the fetch loop and the committer read the state.
type tracker struct {
	commitRejected bool

	mu       sync.Mutex
	parts    map[topicPartition]*partState
	pending  int  // messages read and not yet resolved
	advanced bool // some commit position moved this session

	space  chan struct{} // signalled when pending drops
	dirty  chan struct{} // signalled when a commit position moves
	failed chan struct{} // closed when a batch comes back Retry: the session must restart
	fail   sync.Once
}

func newTracker(commitRejected bool) *tracker {
	return &tracker{
		commitRejected: commitRejected,
		parts:          map[topicPartition]*partState{},
		space:          make(chan struct{}, 1),
		dirty:          make(chan struct{}, 1),
		failed:         make(chan struct{}),
	}
}

// read records a message read from a partition and returns its state and where a batch that
// starts with it begins. A partition seen for the first time starts its commit position at the
// message, since the group's reader starts at the committed offset. An offset below the last
// one read means the reader went back after a rebalance: messages are read again (at least
// once) and spans restart there, without moving the commit position back.
func (t *tracker) read(topic string, partition int, offset, hwm int64) (*partState, int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.pending++
	key := topicPartition{topic, partition}
	p := t.parts[key]
	if p == nil {
		// The reader started at the group's committed offset (or start_offset for a new group):
		// nothing to commit until a batch is delivered.
		p = &partState{source: topic + "/" + strconv.Itoa(partition), fetched: offset, next: offset, committed: offset}
		t.parts[key] = p
	}
	start := p.fetched
	if offset < p.fetched {
		start = offset
	}
	p.fetched = offset + 1
	p.hwm = max(p.hwm, hwm)
	return p, start
}

// discard releases n messages that were read but never handed over (the session is ending):
// their offsets are never marked delivered, so they are read again.
func (t *tracker) discard(n int) {
	t.mu.Lock()
	t.pending -= n
	t.mu.Unlock()
	signal(t.space)
}

// resolved records the outcome of a batch of n messages that covered s in partition p. Only
// Delivered (and Rejected with on_rejected: commit) lets the commit position pass the span;
// anything else closes failed, and the session reads again from the committed offsets.
func (t *tracker) resolved(p *partState, s span, n int, st event.Status) {
	delivered := st == event.Delivered || (st == event.Rejected && t.commitRejected)
	t.mu.Lock()
	t.pending -= n
	moved := false
	if delivered {
		moved = p.markDone(s)
		t.advanced = t.advanced || moved
	}
	t.mu.Unlock()
	signal(t.space)
	if moved {
		signal(t.dirty)
	}
	if !delivered {
		t.fail.Do(func() { close(t.failed) })
	}
}

// markDone adds a delivered span and moves the commit position over every span that now
// touches it. It reports whether the position moved.
func (p *partState) markDone(s span) bool {
	if s.end <= p.next {
		return false // read again after a rebalance, and already past
	}
	i, _ := slices.BinarySearchFunc(p.done, s, func(a, b span) int { return cmp.Compare(a.start, b.start) })
	p.done = slices.Insert(p.done, i, s)
	moved := false
	n := 0
	for _, d := range p.done {
		if d.start > p.next {
			break
		}
		if d.end > p.next {
			p.next, moved = d.end, true
		}
		n++
	}
	p.done = slices.Delete(p.done, 0, n)
	return moved
}

// progressed reports whether any commit position moved this session.
func (t *tracker) progressed() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.advanced
}

// pendingCount is the number of messages read and not yet resolved.
func (t *tracker) pendingCount() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.pending
}

// commit is one partition's position to commit.
type commit struct {
	topic     string
	partition int
	offset    int64 // the next offset to read: the position
	lag       int64 // high watermark minus the position
}

// toCommit lists the partitions whose position moved past what was committed.
func (t *tracker) toCommit() []commit {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []commit
	for k, p := range t.parts {
		if p.next > p.committed {
			out = append(out, commit{k.topic, k.partition, p.next, max(p.hwm-p.next, 0)})
		}
	}
	return out
}

// committedTo records positions the group accepted.
func (t *tracker) committedTo(cs []commit) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, c := range cs {
		if p := t.parts[topicPartition{c.topic, c.partition}]; p != nil {
			p.committed = max(p.committed, c.offset)
		}
	}
}

// lags lists every partition's lag behind its high watermark, from its commit position.
func (t *tracker) lags() []commit {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]commit, 0, len(t.parts))
	for k, p := range t.parts {
		out = append(out, commit{k.topic, k.partition, p.next, max(p.hwm-p.next, 0)})
	}
	return out
}

// signal wakes one waiter on a buffered channel of size one without blocking.
func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}
