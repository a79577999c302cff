package runtime

import (
	"context"
	"fmt"
	"runtime/debug"
	"slices"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// run takes one batch through the processors from j.from on and delivers what is left. When the
// runtime is past its shutdown deadline (ctx done), the batch is resolved Retry untouched.
func (p *pipe) run(ctx context.Context, j job) {
	b := j.b
	if ctx.Err() != nil {
		p.waiting.done(b)
		b.Resolve(event.Retry)
		return
	}
	for _, n := range p.procs[j.from:] {
		if !p.process(ctx, n, b) {
			p.waiting.done(b)
			return
		}
	}
	p.waiting.done(b) // the processors are through with it (the processors' clock, flushProcessors)
	p.deliver(ctx, b)
}

// process runs one processor and counts what it took, passed on and removed. It reports false
// when the batch failed and has been resolved.
func (p *pipe) process(ctx context.Context, n procNode, b *event.Batch) bool {
	before := b.Len()
	n.m.received.Add(float64(before))
	if err := guard(func() error { return n.p.Process(ctx, b) }); err != nil {
		p.failBatch(ctx, n, b, err)
		return false
	}
	after := b.Len()
	n.m.sent.Add(float64(after))
	n.tap.offer(b.Events)
	// Events the processor held or joined (Batch.Absorb) are not dropped: they leave in a later
	// batch, or as part of another event.
	if dropped := before - after - b.TakeAbsorbed(); dropped > 0 {
		n.m.dropped.Add(float64(dropped))
	}
	return true
}

// failBatch settles a batch a processor failed on as a whole. A permanent error sends every
// event to the dead letter (the batch then counts as finished); any other error asks the source
// to send the batch again.
func (p *pipe) failBatch(ctx context.Context, n procNode, b *event.Batch, err error) {
	id := n.id
	n.m.failed.Add(float64(b.Len()))
	if !pipeline.IsPermanent(err) {
		p.r.log.Error("processor failed; batch will be retried by its source",
			"pipeline", p.name, "component", id, "events", b.Len(), "error", err)
		b.Resolve(event.Retry)
		return
	}
	p.r.log.Error("processor failed permanently; events go to the dead letter",
		"pipeline", p.name, "component", id, "events", b.Len(), "error", err)
	b.Resolve(p.deadLetter(ctx, b.Events, id, err.Error()))
}

// deadLetter writes events to the dead letter and returns the status their batch should be
// resolved with: Delivered when all were kept, Rejected otherwise.
func (p *pipe) deadLetter(ctx context.Context, evs []*event.Event, component, reason string) event.Status {
	status := event.Delivered
	for _, e := range evs {
		if err := p.r.dlq.Write(ctx, e, component, reason); err != nil {
			p.r.log.Error("dead letter write failed; event rejected", "component", component, "error", err)
			status = event.Rejected
		}
	}
	return status
}

// deliver fans the batch out: every output gets every event, except events that name their
// routes, which go to those outputs only. The original batch is resolved once the parts are
// handed over, so the source's ack waits for the outputs alone.
func (p *pipe) deliver(ctx context.Context, b *event.Batch) {
	if b.Len() == 0 {
		b.Resolve(event.Delivered)
		return
	}
	if p.r.observe != nil {
		p.r.observe(p.name, b)
	}
	routed := slices.ContainsFunc(b.Events, func(e *event.Event) bool { return len(e.Meta.Routes) > 0 })
	// Each event learns how many outputs read it, so that the last to be done with it may free
	// its fields early (Event.DoneReading): the tap and the summary have seen it by now, and a
	// pipeline output hands it to a pipeline that counts again.
	for _, e := range b.Events {
		e.SetReaders(p.readersOf(e))
	}
	if !routed && len(p.outputs) == 1 {
		p.deliverTo(ctx, p.outputs[0], b) // the common case: no copy of the ack list
		return
	}
	status := event.Delivered
	if routed {
		status = p.unroutable(ctx, b)
	}
	for _, o := range p.outputs {
		evs := b.Events
		if routed {
			evs = eventsFor(b.Events, o.id)
			if len(evs) == 0 {
				continue
			}
		}
		p.deliverTo(ctx, o, b.Derive(evs))
	}
	b.Resolve(status)
}

// deliverTo hands one part to an output and counts its outcome when its ack resolves.
func (p *pipe) deliverTo(ctx context.Context, o *outputNode, d *event.Batch) {
	n := float64(d.Len())
	o.m.received.Add(n)
	o.tap.offer(d.Events)
	d.Adopt(event.Holds{event.NewBookkeepingAck(func(s event.Status) {
		if s == event.Delivered {
			o.m.sent.Add(n)
		} else {
			o.m.failed.Add(n)
		}
	})})
	if err := guard(func() error { return o.o.Deliver(ctx, d) }); err != nil {
		p.r.log.Warn("output failed to take a batch", "pipeline", p.name, "component", o.id,
			"events", d.Len(), "error", err)
		// An output that returns an error has resolved the batch or given up on it; Resolve is
		// a no-op in the first case.
		d.Resolve(event.Retry)
	}
}

// readersOf counts the outputs of the pipeline that event e goes to.
func (p *pipe) readersOf(e *event.Event) int {
	if len(e.Meta.Routes) == 0 {
		return len(p.outputs)
	}
	n := 0
	for _, o := range p.outputs {
		if slices.Contains(e.Meta.Routes, o.id) {
			n++
		}
	}
	return n
}

// eventsFor returns the events that go to output id: those without routes and those that name
// it.
func eventsFor(evs []*event.Event, id string) []*event.Event {
	out := make([]*event.Event, 0, len(evs))
	for _, e := range evs {
		if len(e.Meta.Routes) == 0 || slices.Contains(e.Meta.Routes, id) {
			out = append(out, e)
		}
	}
	return out
}

// unroutable dead-letters events whose routes name no output of this pipeline, so a typo in a
// route never loses data silently. Each event's reason names its own routes: events of one
// batch may have been routed differently (by a route or by the default).
func (p *pipe) unroutable(ctx context.Context, b *event.Batch) event.Status {
	status, lost := event.Delivered, 0
	for _, e := range b.Events {
		if len(e.Meta.Routes) == 0 || slices.ContainsFunc(p.outputs, func(o *outputNode) bool {
			return slices.Contains(e.Meta.Routes, o.id)
		}) {
			continue
		}
		lost++
		reason := fmt.Sprintf("routes %v name no output of pipeline %q", e.Meta.Routes, p.name)
		if s := p.deadLetter(ctx, []*event.Event{e}, "pipeline/"+p.name, reason); s != event.Delivered {
			status = s
		}
	}
	if lost > 0 {
		p.r.log.Error("events routed to no output; dead-lettered", "pipeline", p.name, "events", lost)
	}
	return status
}

// guard runs a component call and turns a panic into a permanent error carrying the stack, so a
// bug triggered by one odd event dead-letters that batch instead of stopping every pipeline.
func guard(fn func() error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = pipeline.Permanent(fmt.Errorf("panic: %v\n%s", v, debug.Stack()))
		}
	}()
	return fn()
}
