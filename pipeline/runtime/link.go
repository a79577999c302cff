package runtime

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/config"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// Pipeline-to-pipeline: a pipeline output hands each batch straight to the queue of every
// pipeline whose pipeline input receives one of its addresses, as a copy unless nobody else can
// see the events. The runtime connects the two ends itself rather than creating components,
// because both ends need what only it has:
//   - acks: each copy is derived from the upstream batch, so the upstream source is acknowledged
//     only when every downstream pipeline has delivered (or dead-lettered) its copy;
//   - the in-flight bound: the upstream batch holds its share of max_events_in_flight until
//     then, so a copy takes none (taking it again could deadlock a full runtime) and memory
//     stays bounded by the bound times the fan-out;
//   - backpressure: the hand-over blocks while the downstream queue is full, which blocks the
//     upstream worker, its queue and finally its inputs;
//   - shutdown: pipelines drain upstream first, and a pipeline fed by others stops taking
//     data only once all of them have drained into it (see Runtime.drain).

// link is the receiving end of an address: the pipeline input's node and its pipeline.
type link struct {
	p  *pipe
	in *inputNode
}

// Consume queues a batch sent by a pipeline output. It blocks while the pipeline's queue is
// full; b's acks are resolved exactly once, Retry when the pipeline is stopping or ctx ends.
func (l *link) Consume(ctx context.Context, b *event.Batch) error {
	if empty(b) {
		return nil
	}
	b.Adopt(event.Holds{event.NewBookkeepingAck(l.p.settle(l.in, b.Len()))})
	return l.p.enqueue(ctx, l.in, b)
}

// sender is the pipeline output: it hands every batch to the links of its addresses.
type sender struct {
	to    []string
	links []*link // by address, set once every pipeline is built
	// owns is set when the sender has one address and is the only output of every pipeline
	// that lists it: nobody else reads the events it gets, so it hands them on as they are.
	owns bool
}

// Deliver gives each receiving pipeline its own copy of the events (its processors change them,
// and other outputs of this pipeline may still be reading the originals) without the routes,
// which name this pipeline's outputs. b resolves once every copy has.
func (s *sender) Deliver(ctx context.Context, b *event.Batch) error {
	if s.owns {
		for _, e := range b.Events {
			if e.Meta.Routes != nil {
				e.Meta.Routes = nil
			}
		}
		if err := s.links[0].Consume(ctx, b); err != nil {
			return fmt.Errorf("send to address %q (pipeline %s): %w", s.to[0], s.links[0].p.name, err)
		}
		return nil
	}
	var errs []error
	for i, l := range s.links {
		if err := l.Consume(ctx, b.Derive(copies(b.Events))); err != nil {
			errs = append(errs, fmt.Errorf("send to address %q (pipeline %s): %w", s.to[i], l.p.name, err))
		}
	}
	for _, e := range b.Events { // copied: this pipeline's other outputs may free them
		e.DoneReading()
	}
	b.Resolve(event.Delivered) // a copy that failed has resolved Retry: the worst status wins
	return errors.Join(errs...)
}

func copies(evs []*event.Event) []*event.Event {
	out := make([]*event.Event, len(evs))
	for i, e := range evs {
		c := e.Clone()
		c.Meta.Routes = nil
		out[i] = c
	}
	return out
}

// newReceiver registers the pipeline input id of pipeline p as the receiver of its address.
func (r *Runtime) newReceiver(p *pipe, id string, c config.PipelineReceiver) {
	in := &inputNode{id: id, m: r.metrics.component(id, kindInput), tap: &tapPoint{}}
	r.links[c.PipelineAddress()] = &link{p: p, in: in}
}

// connect gives every sender the links of its addresses, once all pipelines are built.
func (r *Runtime) connect() error {
	shared := map[*sender]bool{}
	for _, p := range r.pipes {
		for _, o := range p.outputs {
			if s, ok := o.o.(*sender); ok && len(p.outputs) > 1 {
				shared[s] = true
			}
		}
	}
	var errs []error
	for _, o := range r.outputs {
		s, ok := o.o.(*sender)
		if !ok {
			continue
		}
		for _, addr := range s.to {
			l, ok := r.links[addr]
			if !ok { // config validation refuses this; a config built by hand may not be validated
				errs = append(errs, fmt.Errorf("outputs.%s: no pipeline input receives address %q", o.id, addr))
				continue
			}
			s.links = append(s.links, l)
		}
		s.owns = len(s.links) == 1 && !shared[s]
	}
	return errors.Join(errs...)
}

// drainOrder sorts the pipelines so that every pipeline comes after those sending to it, and
// marks the ones fed by others; ties keep name order.
func (r *Runtime) drainOrder(down map[string][]string) {
	feeders := map[string]int{}
	for _, tos := range down {
		for _, to := range tos {
			feeders[to]++
		}
	}
	for _, p := range r.pipes {
		p.fed = feeders[p.name] > 0
	}
	var order []*pipe
	for len(order) < len(r.pipes) {
		i := slices.IndexFunc(r.pipes, func(p *pipe) bool {
			return feeders[p.name] == 0 && !slices.Contains(order, p)
		})
		if i < 0 { // a loop, which config validation refuses: keep the rest in name order
			for _, p := range r.pipes {
				if !slices.Contains(order, p) {
					order = append(order, p)
				}
			}
			break
		}
		order = append(order, r.pipes[i])
		for _, to := range down[r.pipes[i].name] {
			feeders[to]--
		}
	}
	r.pipes = order
}

var (
	_ pipeline.Consumer = (*link)(nil)
	_ pipeline.Output   = (*sender)(nil)
)
