// Package requests is the correlation processor: it follows each vLLM request through the lines
// that name it (received, added, preempted, failed, aborted, finished, errors naming it), per
// vLLM server, and sends one vllm.request summary event when the request ends, so that "why did
// this request fail" is one document with its outcome, timing, tokens, parameters and cause. An
// engine failure (engine dead, CUDA out of memory, NCCL, other CUDA errors) ends every request
// in flight on that server as failed with that cause.
//
// Lines pass through unchanged but for a tag (request_sampled) on those of requests kept by
// the sampling; summaries are added to the batch that ends their request, or to a flushed batch
// when they end by time (ttl), by eviction, or at shutdown. The state is bounded by max_open and
// ttl, and costs a few hundred bytes per open request.
package requests

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sluice-dev/sluice/parsers/pylog"
	"github.com/sluice-dev/sluice/parsers/vllm"
	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/processors/internal/proc"
)

// Factory creates requests processors.
var Factory = pipeline.NewProcessorFactory("requests", NewConfig, New)

// TagSampled marks the lines of a request the sampling keeps, as far as known when the line
// passes: every line of a request that has failed, been aborted or preempted so far, or that the
// success rate selects.
const TagSampled = "request_sampled"

// Processor correlates request lines. It is safe for concurrent use.
type Processor struct {
	cfg    *Config
	runner *proc.Runner
	now    func() time.Time

	evicted   prometheus.Counter
	summaries *prometheus.CounterVec
	untied    *prometheus.CounterVec

	mu     sync.Mutex
	pods   map[string]*pod
	open   lru // open requests, least recently seen first
	closed lru // ended requests kept for linger, oldest first
	nOpen  int
	// nClosed counts the ended requests kept for linger.
	nClosed int
	// held are the ended requests whose summaries wait for their access lines, oldest first.
	held []*request
	// accessServers are the servers (pod keys) that have written an access line: a server is
	// forgotten with its last request, and its summaries must still wait for theirs after a
	// quiet spell or when its first access line came before its first request (GET /v1/models).
	accessServers map[string]struct{}
}

// maxAccessServers bounds accessServers; past it the set starts again (servers then wait for
// their next access line to be known again).
const maxAccessServers = 1 << 14

var (
	_ pipeline.Processor = (*Processor)(nil)
	_ pipeline.Flusher   = (*Processor)(nil)
	_ pipeline.Handover  = (*Processor)(nil)
)

// New builds a requests processor from a validated config.
func New(set pipeline.Settings, c *Config) (*Processor, error) {
	r, err := proc.NewBatchRunner("requests", set, c)
	if err != nil {
		return nil, err
	}
	p := &Processor{cfg: c, runner: r, now: time.Now, pods: map[string]*pod{}, accessServers: map[string]struct{}{},
		evicted: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sluice_requests_evicted_total",
			Help: "Open requests ended early (outcome unknown) because max_open was reached.",
		}),
		summaries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sluice_requests_summaries_total",
			Help: "Requests ended, by outcome and whether their summary was sent (sampled).",
		}, []string{"outcome", "sent"}),
		untied: newUntied(),
	}
	p.register(set.Registerer)
	return p, nil
}

func (p *Processor) register(reg prometheus.Registerer) {
	if reg == nil {
		return
	}
	// On reload the old processor's collectors stay registered: the new ones are not, which
	// loses nothing but their first values (the same trade-off as multiline's).
	_ = reg.Register(p.evicted)
	_ = reg.Register(p.summaries)
	_ = reg.Register(p.untied)
	_ = reg.Register(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "sluice_requests_open",
		Help: "Requests followed and not yet ended.",
	}, func() float64 { return float64(p.Open()) }))
}

// Process follows the requests the batch's lines name and adds the summaries of those that end.
func (p *Processor) Process(_ context.Context, b *event.Batch) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now().UnixNano()
	var out []*event.Event
	skipped := 0
	for _, ev := range b.Events {
		if !p.runner.Match(ev) {
			skipped++
			continue
		}
		out = p.observe(ev, now, out)
	}
	in := len(b.Events)
	b.Events = append(b.Events, out...)
	p.runner.Count(proc.OutcomeOK).Add(float64(in - skipped))
	p.runner.Count(proc.OutcomeSkipped).Add(float64(skipped))
	return nil
}

// observe takes one line: a line naming requests updates them; an engine failure ends the
// requests in flight on its server; an idle engine's stats end them as successful.
func (p *Processor) observe(ev *event.Event, now int64, out []*event.Event) []*event.Event {
	idv, ok := ev.Get(vllm.FieldRequestID)
	if !ok {
		if ds, _ := ev.GetString(event.FieldDataset); ds == vllm.DatasetAccess || ds == pylog.DatasetKServeAccess {
			return p.access(ev, now, out)
		}
		if pods := xidPods(ev); len(pods) > 0 {
			return p.failGPU(pods, ev, now, out)
		}
		kind, _ := ev.GetString(vllm.FieldErrorKind)
		switch {
		case isEngineFailure(kind) && !minor(ev):
			if pd := p.pods[p.podKey(ev)]; pd != nil {
				return p.failPod(pd, ev, kind, now, out)
			}
		case isIdle(ev):
			if pd := p.pods[p.podKey(ev)]; pd != nil {
				return p.idle(pd, ev, now, out)
			}
		}
		return out
	}
	if idv.Kind() == event.KindString {
		return p.line(p.podFor(ev), idv.Str(), ev, now, out)
	}
	ids := idList(idv.Str())
	if len(ids) == 0 {
		return out // a list that names none (a cut dump's "req_ids=[\xff,0"): no server state for it
	}
	pd := p.podFor(ev)
	for _, id := range ids {
		out = p.line(pd, id, ev, now, out)
	}
	return out
}

// isEngineFailure reports whether an error kind kills the engine and so every request on it.
func isEngineFailure(kind string) bool {
	switch kind {
	case vllm.KindEngineDead, vllm.KindCUDAOOM, vllm.KindNCCL, vllm.KindCUDA, vllm.KindUnsupportedArch,
		// the other accelerators' memory exhausted: an Ascend NPU's (vllm-ascend), a TPU's, an
		// Intel GPU's or Gaudi's, a Neuron device's
		vllm.KindNPUOOM, vllm.KindTPUOOM, vllm.KindXPUOOM, vllm.KindHPUOOM, vllm.KindNeuronOOM,
		// the server stopped by SIGTERM (the kubelet's kill after a failed probe, a rollout):
		// the requests in flight end with it
		vllm.KindTerminated:
		return true
	}
	return false
}

// minor reports a line whose level says it did not stop anything: an NCCL WARN, a warning about
// memory. Only errors (or lines without a level, such as an uncaught traceback) fail requests.
func minor(ev *event.Event) bool {
	switch lv, _ := ev.GetString(event.FieldLogLevel); lv {
	case "warning", "info", "debug":
		return true
	}
	return false
}

// isIdle reports an engine stats line with nothing running or waiting: every request the
// engine had has ended by then. V1 logs no end line per request without --enable-log-outputs,
// so this is how its successful requests end before their ttl.
func isIdle(ev *event.Event) bool {
	if a, _ := ev.GetString(event.FieldEventAction); a != vllm.ActionStats {
		return false
	}
	run, ok1 := ev.Get(vllm.FieldRunning)
	wait, ok2 := ev.Get(vllm.FieldWaiting)
	return ok1 && ok2 && run.Int() == 0 && wait.Int() == 0
}

// podKey names the server a line comes from: the first pod field set, else input and source.
func (p *Processor) podKey(ev *event.Event) string {
	for _, f := range p.cfg.PodFields {
		if v, ok := ev.GetString(f); ok && v != "" {
			return v
		}
	}
	return ev.Meta.Input + "\x00" + ev.Meta.Source
}

// podFor returns the line's server, created on its first request, with its context fields
// refreshed from the line (a pod's node and GPU do not change; a missing field keeps the old).
func (p *Processor) podFor(ev *event.Event) *pod {
	key := p.podKey(ev)
	pd := p.pods[key]
	if pd == nil {
		pd = &pod{key: key, requests: map[string]*request{}}
		_, pd.access = p.accessServers[key]
		if path, ok := ev.GetString(event.FieldLogFilePath); ok {
			pd.source = strings.Clone(path)
		} else if ev.Meta.Source != "" {
			pd.source = strings.Clone(ev.Meta.Source) // the file: where to look without pod fields
		}
		p.pods[key] = pd
	}
	if len(pd.context) == 0 {
		for _, f := range p.cfg.ContextFields {
			if v, ok := ev.Get(f); ok {
				switch v.Kind() { // copy: the event's strings stay with the event
				case event.KindString:
					v = event.String(strings.Clone(v.Str()))
				case event.KindRaw:
					v = event.Raw(strings.Clone(v.Str()))
				}
				pd.context = append(pd.context, field{f, v})
			}
		}
	}
	return pd
}

// failPod ends every open request of pd as failed by the engine failure ev reports.
func (p *Processor) failPod(pd *pod, ev *event.Event, kind string, now int64, out []*event.Event) []*event.Event {
	typ, _ := ev.GetString(event.FieldErrorType)
	msg, _ := ev.GetString(event.FieldErrorMsg)
	return p.failAll(pd, ev, kind, typ, msg, EndEngine, now, out)
}

// failAll ends every open request of pd as failed, with the cause and the end reason given; ev
// is the line that reports the failure, whose time ends the requests.
func (p *Processor) failAll(pd *pod, ev *event.Event, kind, typ, msg, reason string, now int64, out []*event.Event) []*event.Event {
	ts := ev.Timestamp()
	for _, r := range pd.requests {
		// an abort whose summary waits (settles), logged just after the failure that caused it
		// and sent before it by the parse processor's holding of the traceback (or made a
		// failure by its 5xx access line, the cause still unknown)
		if r.held && (r.outcome == OutcomeAborted || r.outcome == OutcomeFailure && (r.errKind == "" && r.errType == "" && r.errMsg == "" || pointer(r))) &&
			!ts.After(r.end.Add(abortCause)) && ts.After(r.end.Add(-p.cfg.AccessWindow)) {
			r.outcome, r.reason = OutcomeFailure, reason
			r.errKind, r.errType, r.errMsg, r.errAt = kind, clip(typ), clip(msg), ts
		}
	}
	for _, r := range p.openOf(pd) {
		r.errKind, r.errType, r.errMsg = kind, clip(typ), clip(msg)
		if ts.After(r.end) {
			r.end = ts
			if r.cand {
				pd.addCand(r) // moved to its new end
			}
		}
		out = p.end(r, OutcomeFailure, reason, now, out)
	}
	return out
}

// abortCause is how long after an abort the failure that caused it may be stamped: the two
// come from different processes of one server, whose lines reach the runtime apart.
const abortCause = time.Second

// sortedPods returns the servers in key order, so that summaries come out in the same order
// for the same input.
func (p *Processor) sortedPods() []*pod {
	pods := make([]*pod, 0, len(p.pods))
	for _, pd := range p.pods {
		pods = append(pods, pd)
	}
	slices.SortFunc(pods, func(a, b *pod) int { return cmp.Compare(a.key, b.key) })
	return pods
}

// idleMargin is how much older than an idle stats line a request's last line must be for the
// stats to speak for it: the stats describe the engine's last step, and a request added just
// before the line may not have reached the engine yet.
const idleMargin = 2 * time.Second

// idle ends every open request of pd as successful unless a failure was seen for it.
func (p *Processor) idle(pd *pod, ev *event.Event, now int64, out []*event.Event) []*event.Event {
	cutoff := ev.Timestamp().Add(-idleMargin)
	for _, r := range p.openOf(pd) {
		if !r.end.Before(cutoff) {
			continue
		}
		o := OutcomeSuccess
		if r.errMsg != "" || r.errType != "" {
			o = OutcomeFailure
		}
		out = p.end(r, o, "engine_idle", now, out)
	}
	return out
}

// openOf returns pd's open requests, oldest first, so that summaries come out in a stable order.
func (p *Processor) openOf(pd *pod) []*request {
	var rs []*request
	for _, r := range pd.requests {
		if !r.closed {
			rs = append(rs, r)
		}
	}
	slices.SortFunc(rs, func(a, b *request) int {
		if c := a.start.Compare(b.start); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	return rs
}

// Flush ends the requests quiet for ttl (all open ones when final), forgets ended ones past
// their linger, and returns the summaries in a batch of their own (they hold no acks: the lines
// they summarise were delivered on their own).
func (p *Processor) Flush(_ context.Context, now time.Time, final bool) *event.Batch {
	p.mu.Lock()
	defer p.mu.Unlock()
	ns := now.UnixNano()
	var out []*event.Event
	for p.nOpen > p.cfg.MaxOpen { // an adopted state under a smaller max_open
		p.evicted.Inc()
		out = p.end(p.open.head, OutcomeUnknown, EndEvicted, ns, out)
	}
	for r := p.open.head; r != nil; {
		next := r.next
		switch {
		case final:
			out = p.end(r, OutcomeUnknown, EndShutdown, ns, out)
		case ns-r.seen >= int64(p.cfg.TTL):
			out = p.end(r, OutcomeUnknown, EndTTL, ns, out)
		default:
			next = nil // the rest were seen later
		}
		r = next
	}
	out = p.releaseDue(ns, final, out)
	for r := p.closed.head; r != nil && (final || ns-r.seen >= int64(p.cfg.Linger)); r = p.closed.head {
		out = p.forget(r, out)
	}
	if len(out) == 0 {
		return nil
	}
	return event.NewBatch(out, nil)
}

// Open reports how many requests are open (for tests and a gauge).
func (p *Processor) Open() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.nOpen
}
