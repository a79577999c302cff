package beats

import (
	"testing"
	"time"

	lumber "github.com/elastic/go-lumber/client/v2"

	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
)

// TestMaxPendingEventsAcrossConnections: with room for one window of events over the whole
// input, a second client's window is not read until the first is acknowledged, and the second
// client gets keepalives meanwhile instead of timing out and resending.
func TestMaxPendingEventsAcrossConnections(t *testing.T) {
	h := start(t, func(c *Config) {
		c.MaxPendingEvents = 5
		c.KeepaliveInterval = 20 * time.Millisecond
	})
	type result struct {
		n   int
		err error
	}
	send := func(prefix string) chan result {
		cl := h.dial(t, lumber.Timeout(1500*time.Millisecond), lumber.CompressionLevel(3))
		sc, _ := lumber.NewSyncClientWith(cl)
		done := make(chan result, 1)
		go func() {
			n, err := sc.Send(messages(5, prefix))
			done <- result{n, err}
		}()
		return done
	}
	first := send("a")
	b1 := h.sink.next(t)
	if h.in.budget.InUse() != 5 {
		t.Fatalf("budget in use %d, want 5", h.in.budget.InUse())
	}
	second := send("b")
	// The second window waits past the client's 1.5s timeout: keepalives must carry it.
	start := time.Now()
	pipelinetest.Eventually(t, "the second window waits 2s", func() bool {
		return time.Since(start) > 2*time.Second && value(h.in.m.budgetWaits) > 0
	})
	select {
	case b := <-h.sink.ch:
		t.Fatalf("second window handed over while the budget was full: %d events", b.Len())
	case r := <-second:
		t.Fatalf("second client returned while waiting: %d, %v", r.n, r.err)
	default:
	}
	b1.Resolve(event.Delivered)
	if r := <-first; r.err != nil || r.n != 5 {
		t.Fatalf("first send = %d, %v", r.n, r.err)
	}
	b2 := h.sink.next(t)
	if b2.Len() != 5 || b2.Events[0].Message() != "b-0" {
		t.Fatalf("second batch: %d events, first %q", b2.Len(), b2.Events[0].Message())
	}
	b2.Resolve(event.Delivered)
	if r := <-second; r.err != nil || r.n != 5 {
		t.Fatalf("second send = %d, %v", r.n, r.err)
	}
	pipelinetest.Eventually(t, "budget released", func() bool { return h.in.budget.InUse() == 0 })
}

// A window larger than the whole budget still goes through, alone.
func TestWindowLargerThanBudget(t *testing.T) {
	t.Parallel()
	h := start(t, func(c *Config) { c.MaxPendingEvents = 3 })
	cl := h.dial(t, lumber.CompressionLevel(3))
	sc, _ := lumber.NewSyncClientWith(cl)
	done := make(chan error, 1)
	go func() { _, err := sc.Send(messages(10, "big")); done <- err }()
	b := h.sink.next(t)
	if b.Len() != 10 || h.in.budget.InUse() != 3 {
		t.Fatalf("batch of %d, budget in use %d", b.Len(), h.in.budget.InUse())
	}
	b.Resolve(event.Delivered)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
