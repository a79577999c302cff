// Package runtime builds sluice's pipelines from a config and runs them: it takes batches from
// inputs under a global in-flight limit, coalesces them, runs processors on a pool of workers
// (in order per batch key), fans the results out to outputs, and shuts down without telling a
// source "done" for anything that was not delivered.
//
// Shutdown order, on context cancel or when every input has finished on its own: readiness goes
// false; inputs are cancelled and waited for; queued batches are processed and processors
// flushed a last time, pipeline by pipeline, those that send to others (pipeline outputs)
// before those they feed; outputs are closed (they flush and resolve what they hold); the runtime
// waits for every acknowledgement; inputs are closed. All of it is bounded by
// runtime.shutdown_timeout, after which what is still pending is resolved Retry.
package runtime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/config"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/internal/budget"
)

// Runtime runs the pipelines of one config. Create it with New, run it once with Run.
type Runtime struct {
	cfg     config.Runtime
	log     *slog.Logger
	reg     *prometheus.Registry
	metrics *metrics
	dlq     pipeline.DeadLetter
	observe func(string, *event.Batch)
	carry   *Carry
	gate    *budget.Budget // events taken in and not yet acknowledged, across all pipelines
	pipes   []*pipe        // every pipeline after those that send to it (drainOrder)
	outputs []*outputNode
	links   map[string]*link // pipeline input address -> its receiving end
	ready   atomic.Bool
	taken   atomic.Int64    // events the inputs handed over
	settled [3]atomic.Int64 // of those, events whose acks resolved, by event.Status

	tapMu       sync.Mutex // guards taps and tapsStopped; the hot path reads tapPoints only
	taps        map[*Tap]struct{}
	tapsStopped bool
}

// Outcome is what became of the events the inputs handed over, counted when their acks resolve.
// Delivered includes what was dead-lettered (it is safe there); Retry and Rejected are events
// nothing delivered, which only their source can send again; Pending were still unresolved.
type Outcome struct {
	Taken, Delivered, Retry, Rejected, Pending int64
}

// Undelivered is every event that is neither delivered nor dead-lettered.
func (o Outcome) Undelivered() int64 { return o.Retry + o.Rejected + o.Pending }

// Outcome reports the events' fate so far; after Run returns it is final.
func (r *Runtime) Outcome() Outcome {
	o := Outcome{Taken: r.taken.Load(), Delivered: r.settled[event.Delivered].Load(),
		Retry: r.settled[event.Retry].Load(), Rejected: r.settled[event.Rejected].Load()}
	o.Pending = max(o.Taken-o.Delivered-o.Retry-o.Rejected, 0)
	return o
}

// New creates every component the config's pipelines use. Nothing runs until Run.
func New(cfg *config.Config, comps config.Components, opts Options) (*Runtime, error) {
	r := &Runtime{cfg: cfg.Runtime, log: opts.Logger, reg: opts.Registry, dlq: opts.DeadLetter,
		observe: opts.Observe, carry: opts.Carry, links: map[string]*link{}, taps: map[*Tap]struct{}{}}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	if r.reg == nil {
		r.reg = prometheus.NewRegistry()
	}
	if r.dlq == nil {
		r.dlq = pipeline.NoDeadLetter{}
	}
	r.metrics = newMetrics(r.reg)
	r.metrics.inFlightMax.Set(float64(cfg.Runtime.MaxEventsInFlight))
	r.gate = budget.New(int64(cfg.Runtime.MaxEventsInFlight))
	if err := r.build(cfg, comps); err != nil {
		return nil, fmt.Errorf("runtime: %w", err)
	}
	r.carry.adopt(r.pipes)
	return r, nil
}

// Registry is where the runtime and its components register metrics; serve it on /metrics.
func (r *Runtime) Registry() *prometheus.Registry { return r.reg }

// Ready reports whether every pipeline runs and takes data (false while starting and draining).
func (r *Runtime) Ready() bool { return r.ready.Load() }

func (r *Runtime) setReady(v bool) {
	r.ready.Store(v)
	if v {
		r.metrics.ready.Set(1)
	} else {
		r.metrics.ready.Set(0)
	}
}

type inputResult struct {
	id  string
	err error
}

// Run runs the pipelines until ctx is cancelled or every input has finished, then drains. It
// returns the first input failure, if any, and whether the drain left acknowledgements pending.
func (r *Runtime) Run(ctx context.Context) error {
	// work lives past ctx: processors and outputs keep running through the drain, and are only
	// cut off when the shutdown deadline passes.
	work, cutOff := context.WithCancel(context.WithoutCancel(ctx))
	defer cutOff()
	for _, p := range r.pipes {
		p.start(work)
	}
	inCtx, stopInputs := context.WithCancel(ctx)
	defer stopInputs()
	done := make(chan inputResult, r.inputCount())
	running := 0
	for _, p := range r.pipes {
		for _, in := range p.inputs {
			running++
			go func() {
				err := guard(func() error { return in.in.Run(inCtx, &entry{p: p, in: in}) })
				done <- inputResult{id: in.id, err: err}
			}()
		}
	}
	r.setReady(true)
	r.log.Info("pipelines running", "pipelines", len(r.pipes), "inputs", running)

	var runErr error
	for running > 0 && inCtx.Err() == nil {
		select {
		case res := <-done:
			running--
			if res.err != nil && !errors.Is(res.err, context.Canceled) {
				runErr = fmt.Errorf("runtime: input %s: %w", res.id, res.err)
				r.log.Error("input failed; shutting down", "component", res.id, "error", res.err)
				stopInputs()
			} else {
				r.log.Info("input finished", "component", res.id)
			}
		case <-inCtx.Done():
		}
	}
	r.setReady(false)
	stopInputs()
	deadline := time.AfterFunc(r.cfg.ShutdownTimeout, cutOff)
	defer deadline.Stop()
	r.log.Info("draining", "timeout", r.cfg.ShutdownTimeout.String(), "events_in_flight", r.gate.InUse())
	for ; running > 0; running-- {
		select {
		case <-done:
		case <-work.Done():
			r.log.Error("inputs did not stop before the shutdown deadline", "still_running", running)
			running = 0
		}
	}
	err := r.drain(work)
	r.stopTaps()
	return errors.Join(runErr, err)
}

// drain finishes the work in the pipelines after the inputs stopped; work is cancelled at the
// shutdown deadline.
func (r *Runtime) drain(work context.Context) error {
	for _, p := range r.pipes {
		if !p.fed {
			p.close()
		}
	}
	for _, p := range r.pipes {
		// A pipeline fed by others closes only here: every pipeline sending to it comes
		// earlier in r.pipes and has delivered its last batch into it.
		p.close()
		if !waitGroup(&p.wg, work) {
			r.log.Error("pipeline workers stuck past the shutdown deadline (an output ignores its context)",
				"pipeline", p.name)
			return errors.New("runtime: shutdown: pipeline " + p.name + " did not drain")
		}
		// Processors after a flushed one see its events: flush in chain order, synchronously.
		p.flushProcessors(work, time.Now(), true, func(b *event.Batch, from int) {
			p.run(work, job{b: b, from: from})
		})
		// Nothing reaches the processors any more: release what they hold (watches,
		// scrapers), so that a reload does not leave the old generation's running.
		p.closeProcessors(work, r.log)
	}
	// An output that could not deliver everything (it dead-letters the rest) makes the run
	// fail: a run that ends with events in the dead letter must not look like a clean one.
	var errs []error
	for _, o := range r.outputs {
		if c, ok := o.o.(pipeline.Closer); ok {
			if err := c.Close(work); err != nil {
				r.log.Error("close output", "component", o.id, "error", err)
				errs = append(errs, fmt.Errorf("runtime: close output %s: %w", o.id, err))
			}
		}
	}
	if left := r.gate.WaitIdle(work); left > 0 {
		errs = append(errs, fmt.Errorf("runtime: shutdown timeout: %d events not acknowledged; their sources will resend them", left))
		r.log.Error("shutdown timeout with events unacknowledged", "events", left)
	}
	var err error
	if len(errs) > 0 {
		err = &DrainError{Err: errors.Join(errs...)}
	}
	// Inputs answer their peers (Filebeat ACKs) until here; give them a moment even when late.
	closeCtx, cancel := context.WithTimeout(context.WithoutCancel(work), 5*time.Second)
	defer cancel()
	for _, p := range r.pipes {
		for _, in := range p.inputs {
			if c, ok := in.in.(pipeline.Closer); ok {
				if cerr := c.Close(closeCtx); cerr != nil {
					r.log.Error("close input", "component", in.id, "error", cerr)
				}
			}
		}
	}
	r.log.Info("stopped")
	return err
}

// DrainError is Run's error when the drain left events undelivered (dead-lettered by an output,
// or unacknowledged at the deadline): a fault of the data's delivery rather than of the config
// or an input, which Outcome counts.
type DrainError struct{ Err error }

func (e *DrainError) Error() string { return e.Err.Error() }

func (e *DrainError) Unwrap() error { return e.Err }

func (r *Runtime) inputCount() int {
	n := 0
	for _, p := range r.pipes {
		n += len(p.inputs)
	}
	return n
}

// stuckGrace is how long a drain waits past the deadline for workers that got their context
// cancelled to return.
const stuckGrace = 5 * time.Second

// waitGroup waits for wg; once work is done it waits stuckGrace more and reports false if wg is
// still not done.
func waitGroup(wg interface{ Wait() }, work context.Context) bool {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-work.Done():
	}
	select {
	case <-done:
		return true
	case <-time.After(stuckGrace):
		return false
	}
}
