package runtime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/time/rate"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/logging"
)

// A tap (sluice tap) is a live, sampled copy of the events leaving one component, encoded as the
// Elasticsearch output encodes them. It must never slow the pipeline and never show what the
// index would not:
//   - the hook on the hot path is one atomic load per batch and component while no tap is
//     attached;
//   - a tap encodes at most Rate events a second on the pipeline's goroutine, and hands them on
//     without blocking: what its reader has not taken yet, or what is over the rate, is dropped
//     and counted (sluice_tap_events_dropped_total);
//   - events tapped before a processor that hides data (its config is pipeline.Redacting) are
//     copied and passed through an instance of the tap's own, made from the config's
//     TapConfig, and every line has credentials in URLs masked (logging.Redact).

// TapOptions choose what a tap shows.
type TapOptions struct {
	// Kind is input, processor or output; needed only when an input and an output share an id.
	Kind string
	// Sample is the fraction of events offered to the tap, in (0, 1]; 0 means all.
	Sample float64
	// Rate is the most events a second the tap encodes (with a burst of as many); 0 means
	// DefaultTapRate. Events beyond it are dropped and counted.
	Rate float64
	// Buffer is how many encoded events may wait for the reader; 0 means DefaultTapBuffer.
	Buffer int
}

// DefaultTapRate and DefaultTapBuffer bound a tap whose options leave them unset; MaxTaps
// bounds the taps attached at once, so that the encoding they do on the pipeline's goroutines
// stays bounded however many clients come.
const (
	DefaultTapRate   = 100
	DefaultTapBuffer = 1024
	MaxTaps          = 16
)

// ErrTooManyTaps is Tap's error when MaxTaps taps are attached.
var ErrTooManyTaps = fmt.Errorf("runtime: tap: %d taps attached already", MaxTaps)

// Tap is a live copy of the events leaving a component. Read C until it is closed (by Close or
// when the runtime stops).
type Tap struct {
	// C receives one encoded event (a JSON object, no newline) at a time.
	C <-chan []byte

	c       chan []byte
	sample  float64
	limit   *rate.Limiter
	dropped atomic.Int64
	dropM   prometheus.Counter
	mu      sync.Mutex // guards closed against sends on c
	closed  bool
	once    sync.Once
	detach  func()
}

// Dropped is how many events the tap skipped over its rate or because its reader fell behind.
func (t *Tap) Dropped() int64 { return t.dropped.Load() }

// Close detaches the tap and closes C. It may be called more than once.
func (t *Tap) Close() {
	t.once.Do(func() {
		t.detach()
		t.mu.Lock()
		t.closed = true
		close(t.c)
		t.mu.Unlock()
	})
}

func (t *Tap) drop(n int) {
	t.dropped.Add(int64(n))
	t.dropM.Add(float64(n))
}

// send hands one line to the reader, or drops it if the reader is behind.
func (t *Tap) send(line []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return
	}
	select {
	case t.c <- line:
	default:
		t.drop(1)
	}
}

// pick returns the events of evs that the sample, the rate and the room left for the reader let
// through. It asks the limiter once per batch, so that a tap whose rate is spent costs a batch
// two short locks, not one per event, and it encodes nothing the reader has no room for.
func (t *Tap) pick(evs []*event.Event) []*event.Event {
	sampled := evs
	if t.sample < 1 {
		sampled = nil
		for _, e := range evs {
			if rand.Float64() < t.sample {
				sampled = append(sampled, e)
			}
		}
	}
	if len(sampled) == 0 {
		return nil
	}
	now := time.Now()
	k := min(len(sampled), int(t.limit.TokensAt(now)), cap(t.c)-len(t.c))
	if k > 0 && !t.limit.AllowN(now, k) {
		k = 0 // another pipeline goroutine took the tokens first
	}
	if dropped := len(sampled) - k; dropped > 0 {
		t.drop(dropped)
	}
	return sampled[:k]
}

// tapPoint is where taps attach to one component node. While none is attached, offer costs one
// atomic load.
type tapPoint struct {
	subs atomic.Pointer[[]*tapSub]
}

// offer shows the events leaving the component to the attached taps. It runs on the goroutine
// that owns the events at that moment, before they are passed on.
func (tp *tapPoint) offer(evs []*event.Event) {
	if subs := tp.subs.Load(); subs != nil {
		for _, s := range *subs {
			s.offer(evs)
		}
	}
}

// tapSub is one tap at one point, with its own instances of the redacting processors that
// follow the point in its pipeline.
type tapSub struct {
	t      *Tap
	redact []pipeline.Processor
}

func (s *tapSub) offer(evs []*event.Event) {
	picked := s.t.pick(evs)
	if len(picked) == 0 {
		return
	}
	if len(s.redact) > 0 {
		var ok bool
		if picked, ok = s.redacted(picked); !ok {
			return
		}
	}
	for _, e := range picked {
		s.t.send([]byte(logging.Redact(string(e.AppendJSON(nil)))))
	}
}

// redacted passes copies of evs through the tap's redacting processors. When one fails, the
// copies are dropped rather than shown unredacted.
func (s *tapSub) redacted(evs []*event.Event) ([]*event.Event, bool) {
	copies := make([]*event.Event, len(evs))
	for i, e := range evs {
		copies[i] = e.Clone()
	}
	b := event.NewBatch(copies, nil)
	for _, p := range s.redact {
		if err := guard(func() error { return p.Process(context.Background(), b) }); err != nil {
			s.t.drop(len(evs))
			return nil, false
		}
	}
	return b.Events, true
}

// attach adds sub to the point, copying the list so that offer never takes a lock.
func (tp *tapPoint) attach(sub *tapSub) {
	var next []*tapSub
	if cur := tp.subs.Load(); cur != nil {
		next = slices.Clone(*cur)
	}
	next = append(next, sub)
	tp.subs.Store(&next)
}

// detach removes t's subs from the point; with none left the point is back to one nil load.
func (tp *tapPoint) detach(t *Tap) {
	cur := tp.subs.Load()
	if cur == nil {
		return
	}
	next := slices.DeleteFunc(slices.Clone(*cur), func(s *tapSub) bool { return s.t == t })
	if len(next) == 0 {
		tp.subs.Store(nil)
		return
	}
	tp.subs.Store(&next)
}

// tapTarget is one node a tap attaches to, with the processors after it that hide data.
type tapTarget struct {
	kind   kind
	point  *tapPoint
	redact []procNode
}

// Tap attaches a tap to every node of the component with id (a processor listed by several
// pipelines has one per pipeline). It fails for an unknown id, an id an input and an output share
// without opts.Kind, and once the runtime has stopped.
func (r *Runtime) Tap(id string, opts TapOptions) (*Tap, error) {
	targets, err := r.tapTargets(id, opts.Kind)
	if err != nil {
		return nil, err
	}
	t := newTap(opts, r.metrics.tapDropped.WithLabelValues(id))
	subs := make([]*tapSub, len(targets))
	for i, tg := range targets {
		subs[i] = &tapSub{t: t}
		for _, n := range tg.redact {
			p, err := n.shadow()
			if err != nil {
				closeShadows(subs[:i+1], r.log)
				return nil, fmt.Errorf("runtime: tap %s: redaction by %s: %w", id, n.id, err)
			}
			subs[i].redact = append(subs[i].redact, p)
		}
	}
	r.tapMu.Lock()
	defer r.tapMu.Unlock()
	if r.tapsStopped {
		return nil, errors.New("runtime: tap: the pipelines have stopped")
	}
	if len(r.taps) >= MaxTaps {
		return nil, ErrTooManyTaps
	}
	for i, tg := range targets {
		tg.point.attach(subs[i])
	}
	r.taps[t] = struct{}{}
	t.detach = func() {
		r.tapMu.Lock()
		defer r.tapMu.Unlock()
		for _, tg := range targets {
			tg.point.detach(t)
		}
		delete(r.taps, t)
		closeShadows(subs, r.log)
	}
	return t, nil
}

func newTap(opts TapOptions, dropped prometheus.Counter) *Tap {
	sample, perSec, buf := opts.Sample, opts.Rate, opts.Buffer
	if sample <= 0 || sample > 1 {
		sample = 1
	}
	if perSec <= 0 {
		perSec = DefaultTapRate
	}
	if buf <= 0 {
		buf = DefaultTapBuffer
	}
	c := make(chan []byte, buf)
	return &Tap{C: c, c: c, sample: sample, dropM: dropped,
		limit: rate.NewLimiter(rate.Limit(perSec), max(int(perSec), 1))}
}

// tapTargets finds the nodes of component id, of kind k when k is set.
func (r *Runtime) tapTargets(id, k string) ([]tapTarget, error) {
	var out []tapTarget
	var known []string
	for _, p := range r.pipes {
		for _, in := range p.inputs {
			known = append(known, in.id)
			if in.id == id {
				out = append(out, tapTarget{kind: kindInput, point: in.tap, redact: redacting(p.procs)})
			}
		}
		for i, n := range p.procs {
			known = append(known, n.id)
			if n.id == id {
				out = append(out, tapTarget{kind: kindProcessor, point: n.tap, redact: redacting(p.procs[i+1:])})
			}
		}
	}
	for _, o := range r.outputs {
		known = append(known, o.id)
		if o.id == id {
			out = append(out, tapTarget{kind: kindOutput, point: o.tap})
		}
	}
	if k != "" {
		out = slices.DeleteFunc(out, func(tg tapTarget) bool { return tg.kind.String() != k })
	}
	if len(out) == 0 {
		slices.Sort(known)
		return nil, fmt.Errorf("runtime: tap: no component %q of kind %q (components: %s)", id, k,
			strings.Join(slices.Compact(known), ", "))
	}
	if slices.ContainsFunc(out, func(tg tapTarget) bool { return tg.kind != out[0].kind }) {
		return nil, fmt.Errorf("runtime: tap: %q is both an input and an output: name the kind", id)
	}
	return out, nil
}

// redacting returns the processors of procs that hide data.
func redacting(procs []procNode) []procNode {
	var out []procNode
	for _, n := range procs {
		if n.shadow != nil {
			out = append(out, n)
		}
	}
	return out
}

// closeShadows closes the taps' own processor instances that hold resources.
func closeShadows(subs []*tapSub, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, s := range subs {
		for _, p := range s.redact {
			if c, ok := p.(pipeline.Closer); ok {
				if err := c.Close(ctx); err != nil {
					log.Warn("tap: close redacting processor", "error", err)
				}
			}
		}
	}
}

// stopTaps closes every tap and refuses new ones: the pipelines have stopped.
func (r *Runtime) stopTaps() {
	r.tapMu.Lock()
	r.tapsStopped = true
	taps := make([]*Tap, 0, len(r.taps))
	for t := range r.taps {
		taps = append(taps, t)
	}
	r.tapMu.Unlock()
	for _, t := range taps {
		t.Close()
	}
}
