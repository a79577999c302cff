package proc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/processors/internal/condition"
)

// Result is what a processor decided for one event.
type Result uint8

const (
	// Keep passes the event on.
	Keep Result = iota
	// Drop removes the event on purpose (drop, sample); it counts as finished for its ack.
	Drop
)

// EventFunc processes one event. An error applies the processor's error policy to the event.
type EventFunc func(ev *event.Event) (Result, error)

// Outcomes of sluice_processor_events_total{component,outcome}.
const (
	OutcomeOK           = "ok"
	OutcomeSkipped      = "skipped"
	OutcomeDropped      = "dropped"
	OutcomeFailed       = "failed"
	OutcomeErrorDropped = "error_dropped"
	OutcomeDeadLettered = "dead_lettered"
)

var outcomes = []string{OutcomeOK, OutcomeSkipped, OutcomeDropped, OutcomeFailed, OutcomeErrorDropped, OutcomeDeadLettered}

// Runner applies an EventFunc to a batch under a condition and an error policy. It is a
// pipeline.Processor and safe for concurrent use.
type Runner struct {
	typ     string
	id      string
	cond    *condition.Condition
	policy  string
	fn      EventFunc
	failTag string
	log     *slog.Logger
	dl      pipeline.DeadLetter
	metrics *pipeline.ComponentMetrics
	counts  map[string]prometheus.Counter
}

// NewRunner builds the frame for a processor of type typ, compiling c's condition.
func NewRunner(typ string, set pipeline.Settings, c *Common, fn EventFunc) (*Runner, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	cond, err := condition.Compile(c.If)
	if err != nil {
		return nil, fmt.Errorf("if: %w", err)
	}
	set = set.WithDefaults(typ)
	r := &Runner{
		typ: typ, id: set.ID, cond: cond, policy: c.Policy(), fn: fn,
		failTag: "_" + typ + "_failure", log: set.Logger, dl: set.DeadLetter, metrics: set.Metrics,
	}
	if c.TagOnFailure != "" {
		r.failTag = c.TagOnFailure
	}
	r.counts = outcomeCounters(set.Registerer)
	return r, nil
}

// outcomeCounters registers sluice_processor_events_total once per registerer; a processor
// rebuilt on reload gets the counters already registered.
func outcomeCounters(reg prometheus.Registerer) map[string]prometheus.Counter {
	vec := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "sluice_processor_events_total",
		Help: "Events seen by a processor, by outcome: ok, skipped (condition false), dropped, failed (tagged), error_dropped, dead_lettered.",
	}, []string{"outcome"})
	if reg != nil {
		if err := reg.Register(vec); err != nil {
			var are prometheus.AlreadyRegisteredError
			if errors.As(err, &are) {
				if existing, ok := are.ExistingCollector.(*prometheus.CounterVec); ok {
					vec = existing
				}
			}
		}
	}
	m := make(map[string]prometheus.Counter, len(outcomes))
	for _, o := range outcomes {
		m[o] = vec.WithLabelValues(o)
	}
	return m
}

// Count returns the counter of one outcome, for processors that run events themselves.
func (r *Runner) Count(outcome string) prometheus.Counter { return r.counts[outcome] }

// Match reports whether the processor's condition selects ev.
func (r *Runner) Match(ev *event.Event) bool { return r.cond.Match(ev) }

// Process runs the EventFunc over every selected event and applies the policy to failures.
func (r *Runner) Process(ctx context.Context, b *event.Batch) error {
	kept := b.Events[:0]
	var ok, skipped, dropped, failed, errDropped, dead float64
	for _, ev := range b.Events {
		if !r.cond.Match(ev) {
			skipped++
			kept = append(kept, ev)
			continue
		}
		res, err := r.call(ev)
		switch {
		case err != nil:
			switch r.Fail(ctx, ev, err) {
			case OutcomeErrorDropped:
				errDropped++
				continue
			case OutcomeDeadLettered:
				dead++
				continue
			}
			failed++
		case res == Drop:
			dropped++
			continue
		default:
			ok++
		}
		kept = append(kept, ev)
	}
	clear(b.Events[len(kept):])
	b.Events = kept
	r.record(ok, skipped, dropped, failed, errDropped, dead)
	return nil
}

// call runs the EventFunc on one event. A panic (a bug meeting an input nobody foresaw) becomes
// that event's failure, so one bad line is tagged or dead-lettered instead of failing its whole
// batch again on every resend.
func (r *Runner) call(ev *event.Event) (res Result, err error) {
	defer func() {
		if v := recover(); v != nil {
			r.log.Error("processor panicked on an event; applying the error policy", "processor", r.id,
				"panic", v, "stack", string(debug.Stack()))
			res, err = Keep, fmt.Errorf("internal error: %v", v)
		}
	}()
	return r.fn(ev)
}

func (r *Runner) record(ok, skipped, dropped, failed, errDropped, dead float64) {
	r.counts[OutcomeOK].Add(ok)
	r.counts[OutcomeSkipped].Add(skipped)
	r.counts[OutcomeDropped].Add(dropped)
	r.counts[OutcomeFailed].Add(failed)
	r.counts[OutcomeErrorDropped].Add(errDropped)
	r.counts[OutcomeDeadLettered].Add(dead)
	// The runtime counts what came in, went on and left the batch; only the failures are ours.
	r.metrics.Failed.Add(failed + errDropped + dead)
}

// Fail applies the error policy to ev and returns the outcome: OutcomeFailed (tagged, keep
// it), OutcomeErrorDropped or OutcomeDeadLettered (remove it from the batch). A dead letter that
// cannot be written falls back to tagging, so the line is never lost. It does not count.
func (r *Runner) Fail(ctx context.Context, ev *event.Event, err error) string {
	switch r.policy {
	case PolicyDrop:
		r.log.Debug("event dropped on error", "processor", r.id, "error", err)
		return OutcomeErrorDropped
	case PolicyDeadLetter:
		if r.dl != nil {
			reason := r.typ + ": " + err.Error()
			if werr := r.dl.Write(ctx, ev, r.id, reason); werr == nil {
				return OutcomeDeadLettered
			} else {
				r.log.Warn("dead letter failed, tagging the event instead", "processor", r.id, "error", werr)
			}
		}
	}
	Tag(ev, r.failTag, r.typ, err)
	return OutcomeFailed
}

// Tag marks ev as failed by processor typ: the tag, and error.message (appended to an earlier
// failure's message rather than replacing it).
func Tag(ev *event.Event, tag, typ string, err error) {
	ev.AddTag(tag)
	msg := typ + ": " + err.Error()
	if prev, ok := ev.GetString(event.FieldErrorMsg); ok && prev != "" {
		msg = prev + "; " + msg
	}
	ev.SetString(event.FieldErrorMsg, msg)
}
