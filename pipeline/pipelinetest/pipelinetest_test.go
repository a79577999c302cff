package pipelinetest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
)

func TestSinkDeliversAndResolves(t *testing.T) {
	t.Parallel()
	s := NewSink()
	b, rec := Batch("a", "b")
	if err := s.Deliver(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	if got := rec.Wait(t); got != event.Delivered {
		t.Fatalf("status %v, want delivered", got)
	}
	if got := s.Messages(); len(got) != 2 || got[0] != "a" || got[1] != "b" {
		t.Fatalf("messages %q", got)
	}
}

func TestSinkFail(t *testing.T) {
	t.Parallel()
	s := NewSink()
	boom := errors.New("boom")
	s.Fail(event.Rejected, boom)
	b, rec := Batch("a")
	if err := s.Deliver(context.Background(), b); !errors.Is(err, boom) {
		t.Fatalf("err %v, want boom", err)
	}
	if got := rec.Wait(t); got != event.Rejected {
		t.Fatalf("status %v, want rejected", got)
	}
	if len(s.Events()) != 0 {
		t.Fatal("failed batch recorded")
	}
}

func TestSinkBlockThenCancel(t *testing.T) {
	t.Parallel()
	s := NewSink()
	s.Block()
	ctx, cancel := context.WithCancel(context.Background())
	b, rec := Batch("a")
	errc := make(chan error, 1)
	go func() { errc <- s.Deliver(ctx, b) }()
	s.WaitBlocked(t, 1)
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v", err)
	}
	if got := rec.Wait(t); got != event.Retry {
		t.Fatalf("status %v, want retry", got)
	}
}

func TestSinkBlockThenUnblock(t *testing.T) {
	t.Parallel()
	s := NewSink()
	s.Block()
	b, rec := Batch("a")
	go func() { _ = s.Deliver(context.Background(), b) }()
	s.WaitBlocked(t, 1)
	s.Unblock()
	if got := rec.Wait(t); got != event.Delivered {
		t.Fatalf("status %v", got)
	}
	s.WaitEvents(t, 1)
}

// lineInput hands over one batch per line, then waits for ctx.
type lineInput struct{ lines []string }

func (in lineInput) Run(ctx context.Context, next pipeline.Consumer) error {
	for _, l := range in.lines {
		b := event.NewBatch([]*event.Event{event.NewMessage(l, time.Now())}, nil)
		if err := next.Consume(ctx, b); err != nil {
			return err
		}
	}
	<-ctx.Done()
	return nil
}

func TestRunInput(t *testing.T) {
	t.Parallel()
	r := RunInput(t, lineInput{lines: []string{"x", "y", "z"}})
	r.WaitBatches(t, 3)
	if got := r.Messages(); len(got) != 3 || got[2] != "z" {
		t.Fatalf("messages %q", got)
	}
	if n := r.ResolveAll(event.Delivered); n != 3 {
		t.Fatalf("resolved %d", n)
	}
	if err := r.Stop(t); err != nil {
		t.Fatal(err)
	}
}

func TestClock(t *testing.T) {
	t.Parallel()
	c := NewClock(time.Unix(0, 0))
	fired := make(chan time.Time)
	go func() { fired <- <-c.After(time.Second) }()
	c.WaitTimers(t, 1)
	c.Advance(500 * time.Millisecond)
	select {
	case <-fired:
		t.Fatal("fired early")
	default:
	}
	c.Advance(500 * time.Millisecond)
	if got := <-fired; !got.Equal(time.Unix(1, 0)) {
		t.Fatalf("fired at %v", got)
	}
}

func TestSettingsAndDeadLetter(t *testing.T) {
	t.Parallel()
	set := Settings(t, "parse")
	set.Metrics.Failed.Inc()
	if testutil.ToFloat64(set.Metrics.Failed) != 1 {
		t.Fatal("metrics not usable")
	}
	ev := event.NewMessage("bad", time.Now())
	if err := set.DeadLetter.Write(context.Background(), ev, "parse", "why"); err != nil {
		t.Fatal(err)
	}
	ev.SetMessage("changed")
	got := DeadLetters(set).Entries()
	if len(got) != 1 || got[0].Event.Message() != "bad" || got[0].Reason != "why" {
		t.Fatalf("entries %+v", got)
	}
	set.Logger.Info("logged", "k", 1)
}

type metered struct {
	shown  prometheus.Counter
	hidden map[string]*prometheus.CounterVec
	child  prometheus.Counter
	labels []prometheus.Gauge
}

func TestUnregisteredFindsWhatNobodyExports(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	wrapped := prometheus.WrapRegistererWith(prometheus.Labels{"component": "x"}, reg)
	shown := prometheus.NewCounter(prometheus.CounterOpts{Name: "shown_total"})
	wrapped.MustRegister(shown)
	vec := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vec_total"}, []string{"k"})
	reg.MustRegister(vec)
	m := &metered{
		shown: shown, child: vec.WithLabelValues("a"),
		hidden: map[string]*prometheus.CounterVec{"h": prometheus.NewCounterVec(prometheus.CounterOpts{Name: "hidden_total"}, []string{"k"})},
		labels: []prometheus.Gauge{prometheus.NewGauge(prometheus.GaugeOpts{Name: "lost"})},
	}
	got := Unregistered(m, reg, wrapped)
	if len(got) != 2 || !strings.Contains(got[0]+got[1], "hidden_total") || !strings.Contains(got[0]+got[1], "lost") {
		t.Fatalf("got %q, want hidden_total and lost", got)
	}
	if n, _ := testutil.GatherAndCount(reg); n != 2 { // shown and vec{k="a"}: the check registered nothing for good
		t.Fatalf("registry holds %d series after the check", n)
	}
	reg = prometheus.NewRegistry()
	if got := Unregistered(SettingsWithRegistry(t, "p", reg), reg); len(got) != 0 {
		t.Fatalf("test settings hold unregistered %q", got)
	}
}
