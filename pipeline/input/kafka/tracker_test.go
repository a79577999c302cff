package kafka

import (
	"context"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// batchOf reads offsets from partition 0 of topic "t" as one batch and returns its state and span.
func batchOf(tr *tracker, offsets ...int64) (*partState, span) {
	var p *partState
	var sp span
	for i, o := range offsets {
		var start int64
		p, start = tr.read("t", 0, o, 1000)
		if i == 0 {
			sp.start = start
		}
		sp.end = o + 1
	}
	return p, sp
}

func seq(from, to int64) []int64 {
	var out []int64
	for o := from; o < to; o++ {
		out = append(out, o)
	}
	return out
}

func TestTrackerCommitsContiguousDelivered(t *testing.T) {
	t.Parallel()
	type step struct {
		batch  int // index into batches
		status event.Status
	}
	tests := []struct {
		name           string
		commitRejected bool
		batches        [][]int64
		steps          []step
		want           int64 // committed position; -1 nothing to commit
		failed         bool
	}{
		{"in order", false, [][]int64{seq(0, 5), seq(5, 10)},
			[]step{{0, event.Delivered}, {1, event.Delivered}}, 10, false},
		{"out of order waits for the first", false, [][]int64{seq(0, 5), seq(5, 10)},
			[]step{{1, event.Delivered}}, -1, false},
		{"out of order then the first", false, [][]int64{seq(0, 5), seq(5, 10), seq(10, 15)},
			[]step{{2, event.Delivered}, {1, event.Delivered}, {0, event.Delivered}}, 15, false},
		{"retry stops the commit at its start", false, [][]int64{seq(0, 5), seq(5, 10), seq(10, 15)},
			[]step{{0, event.Delivered}, {1, event.Retry}, {2, event.Delivered}}, 5, true},
		{"rejected holds by default", false, [][]int64{seq(0, 5), seq(5, 10)},
			[]step{{0, event.Rejected}, {1, event.Delivered}}, -1, true},
		{"rejected passes with on_rejected commit", true, [][]int64{seq(0, 5), seq(5, 10)},
			[]step{{0, event.Rejected}, {1, event.Delivered}}, 10, false},
		{"gaps of compaction are passed", false, [][]int64{{0, 1, 2}, {7, 9}, {12}},
			[]step{{0, event.Delivered}, {2, event.Delivered}, {1, event.Delivered}}, 13, false},
		{"starts where the group's offset is", false, [][]int64{seq(100, 105)},
			[]step{{0, event.Delivered}}, 105, false},
		// The reader went back to 5 after a rebalance: the second reading of 5..9 is delivered,
		// but 0..4 is still in flight from the first reading.
		{"read again after a rebalance", false, [][]int64{seq(0, 10), seq(5, 10)},
			[]step{{1, event.Delivered}}, -1, false},
		{"read again, then the first reading", false, [][]int64{seq(0, 10), seq(5, 12)},
			[]step{{1, event.Delivered}, {0, event.Delivered}}, 12, false},
		{"read again below the position", false, [][]int64{seq(0, 10), seq(3, 8)},
			[]step{{0, event.Delivered}, {1, event.Delivered}}, 10, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tr := newTracker(tt.commitRejected)
			type b struct {
				p  *partState
				sp span
				n  int
			}
			var bs []b
			total := 0
			for _, offs := range tt.batches {
				p, sp := batchOf(tr, offs...)
				bs = append(bs, b{p, sp, len(offs)})
				total += len(offs)
			}
			if got := tr.pendingCount(); got != total {
				t.Fatalf("pending %d, want %d", got, total)
			}
			resolved := 0
			for _, s := range tt.steps {
				tr.resolved(bs[s.batch].p, bs[s.batch].sp, bs[s.batch].n, s.status)
				resolved += bs[s.batch].n
			}
			if got := tr.pendingCount(); got != total-resolved {
				t.Errorf("pending %d, want %d", got, total-resolved)
			}
			cs := tr.toCommit()
			got := int64(-1)
			if len(cs) == 1 {
				got = cs[0].offset
			}
			if got != tt.want {
				t.Errorf("commit position %d (%+v), want %d", got, cs, tt.want)
			}
			if isClosed(tr.failed) != tt.failed {
				t.Errorf("failed %v, want %v", isClosed(tr.failed), tt.failed)
			}
			if len(cs) == 1 {
				tr.committedTo(cs)
				if again := tr.toCommit(); len(again) != 0 {
					t.Errorf("committed twice: %+v", again)
				}
				if cs[0].lag != 1000-cs[0].offset {
					t.Errorf("lag %d, want %d", cs[0].lag, 1000-cs[0].offset)
				}
			}
		})
	}
}

func TestBackoffGrowsAndCaps(t *testing.T) {
	t.Parallel()
	base := 5 * time.Second
	for _, c := range []struct {
		failures int
		want     time.Duration
	}{{1, 5 * time.Second}, {2, 10 * time.Second}, {3, 20 * time.Second}, {6, 2 * time.Minute}, {50, 2 * time.Minute}} {
		if got := restartBackoff(base, c.failures); got != c.want {
			t.Errorf("backoff after %d: %v, want %v", c.failures, got, c.want)
		}
	}
	if got := restartBackoff(5*time.Minute, 3); got != 5*time.Minute {
		t.Errorf("a base over the cap is kept: %v", got)
	}
}

func TestTrackerDiscardReleasesSpace(t *testing.T) {
	t.Parallel()
	tr := newTracker(false)
	batchOf(tr, seq(0, 4)...)
	tr.discard(4)
	if tr.pendingCount() != 0 {
		t.Fatalf("pending %d", tr.pendingCount())
	}
	select {
	case <-tr.space:
	default:
		t.Fatal("no space signal")
	}
	if cs := tr.toCommit(); len(cs) != 0 {
		t.Fatalf("discarded messages committed: %+v", cs)
	}
}

// A session makes the source of its batches wait (so that a held traceback is sent when the
// pipeline idles) only at max_pending or while it drains; otherwise the next messages of the
// partition, the rest of a traceback among them, keep coming without these acknowledgements.
func TestSessionWaitsAtMaxPendingOrDraining(t *testing.T) {
	t.Parallel()
	s := &session{cfg: &Config{MaxPending: 2}, tracker: newTracker(false)}
	if s.waits() {
		t.Fatal("nothing pending, yet the session says it waits")
	}
	s.tracker.read("logs", 0, 10, 20)
	if s.waits() {
		t.Fatal("1 of max_pending 2 read, yet the session says it waits")
	}
	s.tracker.read("logs", 0, 11, 20)
	if !s.waits() {
		t.Fatal("max_pending read and unacknowledged, yet the session says it reads on")
	}
	s.tracker.discard(2)
	if s.waits() {
		t.Fatal("below max_pending again, yet the session says it waits")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s.drain(ctx)
	if !s.waits() {
		t.Fatal("draining, yet the session says it reads on")
	}
}
