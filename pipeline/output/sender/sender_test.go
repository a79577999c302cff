package sender

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
)

// virtualClock advances only when the sender pauses, so that pauses cost no test time and
// their lengths can be read back.
type virtualClock struct {
	mu     sync.Mutex
	now    time.Time
	pauses []time.Duration
}

func (c *virtualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *virtualClock) Sleep(ctx context.Context, d time.Duration) bool {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.pauses = append(c.pauses, d)
	c.mu.Unlock()
	return ctx.Err() == nil
}

func (c *virtualClock) slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.pauses...)
}

type harness struct {
	s     *Sender
	clock *virtualClock
	logs  *pipelinetest.LogRecorder
	reg   *prometheus.Registry
}

func newHarness(t *testing.T, cfg Config, send SendFunc) *harness {
	t.Helper()
	h := &harness{clock: &virtualClock{now: time.Unix(1700000000, 0)}, logs: &pipelinetest.LogRecorder{}, reg: prometheus.NewRegistry()}
	set := pipeline.Settings{ID: "out", Logger: h.logs.Logger(), Registerer: h.reg, DeadLetter: &pipelinetest.RecordingDeadLetter{}}
	s, err := New(set, cfg, send, h.clock)
	if err != nil {
		t.Fatal(err)
	}
	h.s = s
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		s.Close(ctx)
	})
	return h
}

// settle closes the sender and waits for its workers: a worker reports an answer (logs,
// gauges) after the send function has acknowledged the items, so the acknowledgement alone
// does not mean the report is written.
func (h *harness) settle(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := h.s.Close(ctx); err != nil {
		t.Fatal(err)
	}
}

func testConfig() Config {
	return Config{Workers: 1, Concurrency: Fixed, MaxItems: 100, MaxBytes: 1 << 20, MaxHeldBytes: 1 << 20,
		InitialBackoff: 100 * time.Millisecond, MaxBackoff: time.Second}
}

// enqueue queues one item per message and returns a channel with the batch's status.
func enqueue(t *testing.T, s *Sender, msgs ...string) chan event.Status {
	t.Helper()
	b, items, done := batchOf(msgs...)
	if err := s.Enqueue(context.Background(), b, items, int64(len(msgs))); err != nil {
		t.Fatal(err)
	}
	return done
}

// batchOf returns a batch of one event per message, its items and a channel with its status.
func batchOf(msgs ...string) (*event.Batch, []Item, chan event.Status) {
	done := make(chan event.Status, 1)
	evs := make([]*event.Event, len(msgs))
	items := make([]Item, len(msgs))
	for i, m := range msgs {
		evs[i] = event.NewMessage(m, time.Unix(1700000000, 0))
		items[i] = Item{Event: evs[i], Body: []byte(m)}
	}
	return event.NewBatch(evs, event.NewAck(func(st event.Status) { done <- st })), items, done
}

func wait(t *testing.T, done chan event.Status) event.Status {
	t.Helper()
	select {
	case s := <-done:
		return s
	case <-time.After(time.Minute):
		t.Fatal("batch not resolved within a minute")
		return 0
	}
}

// refusing is a SendFunc that refuses (429-like) the items refuse picks and delivers the others.
func refusing(refuse func(*Item) bool) SendFunc {
	return func(_ context.Context, items []*Item) Response {
		var r Response
		for _, it := range items {
			if refuse(it) {
				r.Retry = append(r.Retry, it)
				r.Rejected++
				continue
			}
			it.Finish(event.Delivered)
		}
		return r
	}
}

// TestRefusedItemDoesNotHoldOthers: an item the destination keeps refusing goes back to the
// queue; batches queued behind it, on the only worker, are delivered meanwhile. Before the
// sender, a request held its worker until its last item was stored.
func TestRefusedItemDoesNotHoldOthers(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	refuse := true
	send := refusing(func(it *Item) bool {
		mu.Lock()
		defer mu.Unlock()
		return refuse && string(it.Body) == "stuck"
	})
	h := newHarness(t, testConfig(), send)
	first := enqueue(t, h.s, "stuck", "a")
	for i := range 5 {
		if s := wait(t, enqueue(t, h.s, fmt.Sprintf("b%d", i))); s != event.Delivered {
			t.Fatalf("batch %d: %v", i, s)
		}
	}
	select {
	case s := <-first:
		t.Fatalf("the batch with the refused item resolved %v while it was refused", s)
	default:
	}
	mu.Lock()
	refuse = false
	mu.Unlock()
	enqueue(t, h.s, "c") // the stuck item travels with a new document
	if s := wait(t, first); s != event.Delivered {
		t.Fatalf("first batch: %v", s)
	}
	if got := testutil.ToFloat64(h.s.m.requeued); got == 0 {
		t.Error("requeued_items_total not counted")
	}
}

// TestPartialRejectionsDoNotPause: a third of the items refused on every request is not a
// reason to stop sending (the pause is for failed or mostly refused requests).
func TestPartialRejectionsDoNotPause(t *testing.T) {
	t.Parallel()
	n := 0 // items are refused on the worker's goroutine only
	send := refusing(func(*Item) bool { n++; return n%3 == 0 })
	h := newHarness(t, testConfig(), send)
	var acks []chan event.Status
	for i := range 20 {
		acks = append(acks, enqueue(t, h.s, fmt.Sprintf("x%d", i), fmt.Sprintf("y%d", i), fmt.Sprintf("z%d", i)))
	}
	for _, a := range acks {
		if s := wait(t, a); s != event.Delivered {
			t.Fatalf("status %v", s)
		}
	}
	h.settle(t)
	if p := h.clock.slept(); len(p) != 0 {
		t.Errorf("paused %v for partial rejections", p)
	}
	if h.logs.Count("rejecting documents") != 1 {
		t.Errorf("want one WARN about rejections, logs: %v", h.logs.Messages())
	}
}

// TestOutageHealthAndPause: failed requests pause the sender with a bounded, growing pause;
// after 3 the output is down (one WARN, up=0); the first success brings it up (one INFO).
func TestOutageHealthAndPause(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	failing := 8
	send := func(_ context.Context, items []*Item) Response {
		mu.Lock()
		defer mu.Unlock()
		if failing > 0 {
			failing--
			return Response{Retry: items, Rejected: len(items), Err: errors.New("connection refused")}
		}
		for _, it := range items {
			it.Finish(event.Delivered)
		}
		return Response{}
	}
	h := newHarness(t, testConfig(), send)
	if s := wait(t, enqueue(t, h.s, "a", "b")); s != event.Delivered {
		t.Fatalf("status %v", s)
	}
	h.settle(t)
	pauses := h.clock.slept()
	if len(pauses) < 8 {
		t.Fatalf("%d pauses for 8 failed requests", len(pauses))
	}
	for _, p := range pauses {
		if p <= 0 || p > time.Second {
			t.Errorf("pause %v outside (0, max_backoff]", p)
		}
	}
	if pauses[len(pauses)-1] < 500*time.Millisecond {
		t.Errorf("pause did not grow: %v", pauses)
	}
	if h.logs.Count("WARN out: output down") != 1 || h.logs.Count("INFO out: output up again") != 1 {
		t.Errorf("want one down WARN and one up INFO, logs: %v", h.logs.Messages())
	}
	if testutil.ToFloat64(h.s.m.up) != 1 || testutil.ToFloat64(h.s.m.failures) != 0 {
		t.Error("health gauges not reset by the success")
	}
	if got := testutil.ToFloat64(h.s.m.lastOK); got < float64(h.clock.Now().Unix())-1 || got > float64(h.clock.Now().Unix())+1 {
		t.Errorf("last success %v, want %v", testutil.ToFloat64(h.s.m.lastOK), h.clock.Now().Unix())
	}
}

// TestAdaptiveConcurrency: the limit grows while answers are clean and every slot is used,
// shrinks on rejections, and stays within 1..Workers.
func TestAdaptiveConcurrency(t *testing.T) {
	t.Parallel()
	c := newControl(Config{Workers: 4, Concurrency: Adaptive, InitialBackoff: time.Millisecond, MaxBackoff: time.Millisecond})
	now := time.Unix(0, 0)
	for range 10 {
		now = now.Add(10 * time.Millisecond)
		c.observe(now, 10, Response{}, 10*time.Millisecond, c.limit)
	}
	if c.limit != 4 {
		t.Fatalf("limit %d after clean saturated answers, want 4", c.limit)
	}
	for range 10 {
		now = now.Add(10 * time.Millisecond)
		c.observe(now, 10, Response{Rejected: 3}, 10*time.Millisecond, c.limit)
	}
	if c.limit != 1 {
		t.Fatalf("limit %d after rejections, want 1", c.limit)
	}
	c.observe(now.Add(time.Second), 10, Response{}, 10*time.Millisecond, 1)
	if c.limit != 2 {
		t.Fatalf("limit %d after one clean answer, want 2", c.limit)
	}
	fixed := newControl(Config{Workers: 3, Concurrency: Fixed})
	fixed.observe(now, 10, Response{Err: errors.New("x")}, time.Second, 3)
	if fixed.limit != 3 {
		t.Errorf("fixed limit moved to %d", fixed.limit)
	}
}

// TestMaxAttemptsResolvesRetry: with max_attempts, an item refused that often is given back to
// its source (Retry), not dropped and not retried forever.
func TestMaxAttemptsResolvesRetry(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	cfg.MaxAttempts = 3
	h := newHarness(t, cfg, func(_ context.Context, items []*Item) Response {
		return Response{Retry: items, Rejected: len(items)}
	})
	if s := wait(t, enqueue(t, h.s, "a")); s != event.Retry {
		t.Fatalf("status %v, want retry", s)
	}
}

// TestReleaseWaitsForItemsAndPins: the memory under a batch's Bodies is released once, after
// every item is finished and every request body that pinned them (also a refused one, sent
// again) has let go; and at once when the sender refuses the batch.
func TestReleaseWaitsForItemsAndPins(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var unpins []func()
	refused := false
	h := newHarness(t, testConfig(), func(_ context.Context, items []*Item) Response {
		mu.Lock()
		unpins = append(unpins, Pin(items))
		mu.Unlock()
		var r Response
		for _, it := range items {
			if string(it.Body) == "a1" && !refused {
				refused = true
				r.Retry = append(r.Retry, it)
				r.Rejected++
				continue
			}
			it.Finish(event.Delivered)
		}
		return r
	})
	var released [2]int
	owned := func(i int, msgs ...string) chan event.Status {
		b, items, done := batchOf(msgs...)
		if err := h.s.EnqueueOwned(context.Background(), b, items, int64(len(msgs)), func() {
			mu.Lock()
			released[i]++
			mu.Unlock()
		}); err != nil {
			t.Fatal(err)
		}
		return done
	}
	a, b := owned(0, "a0", "a1"), owned(1, "b0")
	if wait(t, a) != event.Delivered || wait(t, b) != event.Delivered {
		t.Fatal("batches not delivered")
	}
	h.settle(t)
	mu.Lock()
	defer mu.Unlock()
	if released != [2]int{} {
		t.Fatalf("released %v while request bodies still pin the items", released)
	}
	if len(unpins) < 2 {
		t.Fatalf("%d requests, want the refused item sent again", len(unpins))
	}
	for _, unpin := range unpins {
		mu.Unlock()
		unpin()
		mu.Lock()
	}
	if released != [2]int{1, 1} {
		t.Fatalf("released %v after every pin let go, want each batch once", released)
	}

	// A closed sender refuses the batch: its memory is the caller's again at once.
	late, items, _ := batchOf("late")
	n := 0
	err := h.s.EnqueueOwned(context.Background(), late, items, 4, func() { n++ })
	if !errors.Is(err, ErrClosed) || n != 1 {
		t.Fatalf("closed sender: err %v, released %d times, want ErrClosed and once", err, n)
	}
}
