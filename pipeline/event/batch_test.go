package event

import (
	"sync"
	"testing"
)

func TestAckWorstStatusWinsAcrossSplitAndMerge(t *testing.T) {
	t.Parallel()
	var got []Status
	ack := NewAck(func(s Status) { got = append(got, s) })
	b := NewBatch([]*Event{New(), New(), New()}, ack)
	left := b.Derive(b.Events[:1])
	right := b.Derive(b.Events[1:])
	b.Resolve(Delivered) // the original's own reference
	if len(got) != 0 {
		t.Fatal("ack fired before its derived batches were resolved")
	}
	other := NewBatch([]*Event{New()}, NewAck(func(s Status) { got = append(got, s+10) }))
	m := Merge(right, other)
	left.Resolve(Retry)
	if len(got) != 0 {
		t.Fatal("ack fired while the merged batch is pending")
	}
	if m.Len() != 3 {
		t.Fatalf("merged len %d", m.Len())
	}
	m.Resolve(Delivered)
	if len(got) != 2 || got[0] != Retry || got[1] != 10+Delivered {
		t.Fatalf("acks = %v, want [retry, other delivered]", got)
	}
	if m.Resolve(Delivered) {
		t.Fatal("second Resolve must be refused")
	}
}

func TestHoldAdoptKeepsSourcePending(t *testing.T) {
	t.Parallel()
	var done []Status
	a := NewAck(func(s Status) { done = append(done, s) })
	first := NewBatch([]*Event{New()}, a)
	h := first.Hold() // an event waits for the next batch
	first.Resolve(Delivered)
	if len(done) != 0 {
		t.Fatal("source finished while an event is held")
	}
	second := NewBatch(nil, nil)
	second.Adopt(h)
	second.Resolve(Rejected)
	if len(done) != 1 || done[0] != Rejected {
		t.Fatalf("done = %v", done)
	}
}

func TestAckConcurrentResolve(t *testing.T) {
	t.Parallel()
	fired := make(chan Status, 2)
	a := NewAck(func(s Status) { fired <- s })
	root := NewBatch(nil, a)
	parts := make([]*Batch, 64)
	for i := range parts {
		parts[i] = root.Derive(nil)
	}
	root.Resolve(Delivered)
	var wg sync.WaitGroup
	for i, p := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := Delivered
			if i == 17 {
				s = Retry
			}
			p.Resolve(s)
		}()
	}
	wg.Wait()
	if s := <-fired; s != Retry || len(fired) != 0 {
		t.Fatalf("fired %v (extra %d), want one Retry", s, len(fired))
	}
}

// Absorb adds up within one processor's turn; TakeAbsorbed hands the count over once.
func TestAbsorbTakenOnce(t *testing.T) {
	t.Parallel()
	b := NewBatch(nil, nil)
	b.Absorb(2)
	b.Absorb(-1) // nothing held: ignored
	b.Absorb(1)
	if n := b.TakeAbsorbed(); n != 3 {
		t.Fatalf("took %d, want 3", n)
	}
	if n := b.TakeAbsorbed(); n != 0 {
		t.Fatalf("took %d again", n)
	}
}

// A source that never said whether it waits is taken to wait; held units of several sources
// are waited for as soon as one of them is.
func TestHoldsSourceWaits(t *testing.T) {
	t.Parallel()
	silent, free, busy := NewAck(nil), NewAck(nil), NewAck(nil)
	free.SetWaits(func() bool { return false })
	busy.SetWaits(func() bool { return true })
	for _, c := range []struct {
		acks []*Ack
		want bool
	}{
		{[]*Ack{silent}, true},
		{[]*Ack{free}, false},
		{[]*Ack{busy}, true},
		{[]*Ack{free, busy}, true},
		{[]*Ack{free, free}, false},
		{nil, false}, // events nobody acknowledges: nobody waits
	} {
		b := &Batch{acks: c.acks}
		if got := b.Hold().SourceWaits(); got != c.want {
			t.Errorf("%d acks: SourceWaits = %v, want %v", len(c.acks), got, c.want)
		}
	}
}
