// Package parse is the processor that turns raw container log lines into parsed events. For
// every line, in order:
//
//  1. framing: a CRI or Docker json-file wrapper is removed (the runtime's stream and time kept);
//  2. split lines: CRI "P" pieces and Docker chunks without "\n" are joined, per source and stream;
//  3. tracebacks: a Python traceback, with its chained exceptions and the error line that
//     introduced it, becomes one event, per source, stream and vLLM process (V1 interleaves the
//     lines of several processes); the process prefix and repeated logging header are removed from
//     its continuation lines;
//  4. content: the first parser of the chain (the default chain, or the one a source rule pins)
//     that recognises the event sets its fields.
//
// Steps 2 and 3 hold events across batches: the held lines' acknowledgements are held too
// (event.Batch.Hold) and travel with the event when it is finally sent, by a later batch or by
// Flush once the group times out. A line no parser recognises keeps its message and gets a
// dataset from its source, and the _parse_failure tag when its source is claimed (a source rule
// or a GPU-stack container); nothing is dropped.
package parse

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sluice-dev/sluice/parsers"
	"github.com/sluice-dev/sluice/parsers/cri"
	"github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/parsers/syslog"
	"github.com/sluice-dev/sluice/parsers/vllm"
	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// NewFactory returns the factory of parse processors that use the parsers of reg. The parsers'
// list comes from the caller (cmd/sluice's component list), as every other component does, so
// that this package does not fix which parsers a build has.
func NewFactory(reg *parsers.Registry) pipeline.ProcessorFactory {
	return pipeline.NewProcessorFactory("parse", func() *Config { return NewConfig(reg) }, New)
}

// framer is what the CRI and Docker parsers offer beyond Parse: the frame they removed, with
// the message and stream they set and whether the line is a piece of a longer one.
type framer interface {
	FrameMessage(ev *event.Event, msg string) (cri.Frame, bool)
}

// pieceFramer is what the syslog parser offers beyond Parse: it reads each entry of a
// journal export whole and reports whether the entry is a piece of a longer line (Docker's
// journald driver's CONTAINER_PARTIAL_MESSAGE), which the processor joins with the container's
// next entries.
type pieceFramer interface {
	ParsePiece(ev *event.Event) (ok, partial bool)
}

// splitParser is what the vllm parser offers beyond Parse: parsing a line whose first line the
// processor has already taken apart to group tracebacks, which saves doing it twice.
type splitParser interface {
	ParseSplit(ev *event.Event, msg string, l *vllm.Line) bool
}

// Processor runs the chain. It is safe for concurrent use; batches with the same key must
// arrive in order, as the runtime guarantees.
type Processor struct {
	cfg     *Config
	framing []parsers.Parser
	content []parsers.Parser
	rules   []rule
	metrics *pipeline.ComponentMetrics
	held    prometheus.Gauge
	omitted prometheus.Counter
	now     func() time.Time

	mu       sync.Mutex
	partials map[streamKey]*pending
	groups   map[groupKey]*group
	// daemons: the key of the record a node daemon's relayed line opened in a stream (Ray's
	// "(raylet) "), which its unprefixed further lines go on
	daemons map[streamKey]string
	seq     uint64

	smu       sync.Mutex
	sources   map[srcKey]*source
	forgotten uint64 // sources forgotten so far, so that a sourceMemo knows its entry may be gone
}

// New builds the processor from cfg (which Validate has checked).
func New(set pipeline.Settings, cfg *Config) (*Processor, error) {
	if cfg.registry == nil {
		return nil, errors.New("parse: config made without a parser registry (use NewConfig)")
	}
	set = set.WithDefaults("parse")
	p := &Processor{
		cfg:      cfg,
		metrics:  set.Metrics,
		now:      time.Now,
		partials: map[streamKey]*pending{},
		groups:   map[groupKey]*group{},
		daemons:  map[streamKey]string{},
		sources:  map[srcKey]*source{},
	}
	p.held = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "sluice_parse_held_events",
		Help: "Events the parse processor holds back: open tracebacks and split lines waiting for the rest.",
	})
	p.omitted = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "sluice_parse_lines_omitted_total",
		Help: "Lines of over-long groups (tracebacks) counted but not sent, past the group's last continuation event.",
	})
	if set.Registerer != nil {
		var err error
		if p.held, err = register(set.Registerer, p.held); err != nil {
			return nil, err
		}
		if p.omitted, err = register(set.Registerer, p.omitted); err != nil {
			return nil, err
		}
	}
	names := cfg.Parsers
	if len(names) == 0 {
		names = cfg.registry.DefaultChain()
	}
	var err error
	if p.framing, p.content, err = p.chain(names); err != nil {
		return nil, err
	}
	for i, r := range cfg.Sources {
		ru := rule{SourceRule: r}
		if len(r.Parsers) > 0 {
			if _, ru.content, err = p.chain(r.Parsers); err != nil {
				return nil, fmt.Errorf("parse: sources[%d]: %w", i, err)
			}
		}
		p.rules = append(p.rules, ru)
	}
	return p, nil
}

// register registers c, or returns the collector a processor built before (on reload) registered.
func register[C prometheus.Collector](reg prometheus.Registerer, c C) (C, error) {
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if !errors.As(err, &are) {
			return c, fmt.Errorf("parse: register metrics: %w", err)
		}
		return are.ExistingCollector.(C), nil
	}
	return c, nil
}

// chain creates the named parsers, split into framing and content parsers. Every parser gets
// the same options from the config and takes what concerns it (the prompt options: vllm).
func (p *Processor) chain(names []string) (framing, content []parsers.Parser, err error) {
	opts := parsers.Options{Prompts: p.cfg.Prompts, PromptMaxLength: p.cfg.PromptMaxLength}
	for _, n := range names {
		info, ok := p.cfg.registry.Lookup(n)
		if !ok {
			return nil, nil, fmt.Errorf("parse: unknown parser %q", n)
		}
		ps := info.New(opts)
		if info.Framing {
			framing = append(framing, ps)
		} else {
			content = append(content, ps)
		}
	}
	return framing, content, nil
}

// Process frames, joins, groups and parses the batch's events in place.
func (p *Processor) Process(_ context.Context, b *event.Batch) error {
	in := b.Events
	lp, ip := linePool.get(len(in)), itemPool.get(len(in))
	defer linePool.put(lp)
	defer itemPool.put(ip)
	lines := *lp
	var memo frameMemo
	for i, ev := range in {
		p.frame(&lines[i], ev, b.Key, &memo)
	}
	now := p.now()
	p.mu.Lock()
	out, holds := p.assemble(lines, (*ip)[:0], b, now)
	p.held.Set(float64(len(p.partials) + len(p.groups)))
	p.mu.Unlock()
	for _, h := range holds {
		b.Adopt(h)
	}
	// Reuse the batch's array, but never past its length: an input may own what lies beyond.
	b.Events = b.Events[:0:len(in)]
	sm := sourceMemo{now: now}
	for i := range out {
		it := &out[i]
		p.finish(it.ev, it.src, it.msg, it.split, &sm)
		it.restoreLead()
		b.Events = append(b.Events, it.ev)
	}
	// The lines that did not come out were held or joined into a traceback, never dropped.
	b.Absorb(len(in) - len(out))
	return nil
}

// slicePool keeps the per-batch arrays of lines (a few hundred bytes a line, with the split
// first line) and of items from being allocated, and zeroed, for every batch.
type slicePool[T any] struct{ p sync.Pool }

// get returns an array of length n.
func (sp *slicePool[T]) get(n int) *[]T {
	if s, _ := sp.p.Get().(*[]T); s != nil && cap(*s) >= n {
		*s = (*s)[:n]
		return s
	}
	s := make([]T, n)
	return &s
}

// put returns an array to the pool, cleared up to its capacity so that it keeps no event alive.
func (sp *slicePool[T]) put(s *[]T) {
	*s = (*s)[:cap(*s)]
	clear(*s)
	sp.p.Put(s)
}

var (
	linePool slicePool[line]
	itemPool slicePool[item]
)

// ParseEvent runs framing and the content chain on one event, without joining it to others
// (for single lines, such as `sluice parse -` on one line), and reports whether a content parser
// recognised it.
func (p *Processor) ParseEvent(ev *event.Event) bool {
	var l line
	p.frame(&l, ev, "", nil)
	sm := sourceMemo{now: p.now()}
	if l.partial {
		return p.finish(ev, l.src, "", nil, &sm)
	}
	return p.finish(ev, l.src, l.msg, &l.split, &sm)
}

// finish runs the content chain and completes the contract fields. split, when not nil, is the
// first line of the event's message msg taken apart, which a splitParser first in the chain
// takes instead of splitting it again. sm carries the source state from the previous event of
// the batch.
func (p *Processor) finish(ev *event.Event, src srcKey, msg string, split *vllm.Line, sm *sourceMemo) bool {
	content, r := p.content, p.match(ev)
	if r != nil && r.content != nil {
		content = r.content
	}
	// The rest of a group whose first event was parsed: nothing to recognise on its own.
	cont := ev.HasTag(event.TagGroupContinued)
	if cont {
		content = nil
	}
	joined := "" // a JSON object's lines, the message again once its entry is read
	if m := ev.Message(); !cont && split == nil && joinedEntry(m) {
		// a JSON object the group joined from its lines (journalctl -o json-pretty's entry), or
		// a journalctl -o verbose entry: the framing parsers read it whole, as they read
		// journalctl -o json's line, and the content parsers its MESSAGE
		for _, f := range p.framing {
			if f.Parse(ev) {
				joined, msg, split = m, ev.Message(), nil
				break
			}
		}
	}
	// Only a message longer than the cap can give derived fields longer than it.
	long := len(ev.Message()) > event.MaxDerivedLen
	ok := false
	for i, c := range content {
		if i == 0 {
			ok = parseFirst(c, ev, msg, split)
		} else {
			ok = c.Parse(ev)
		}
		if ok {
			break
		}
	}
	if joined != "" {
		if !ev.Has(parseutil.FieldLogMessage) {
			ev.SetString(parseutil.FieldLogMessage, ev.Message())
		}
		ev.SetMessage(joined) // (the lines as they came: nothing of them is lost)
	}
	if long {
		ev.CapDerived()
	}
	if m := ev.Message(); strings.IndexByte(m, 0x1b) >= 0 {
		// a terminal's escapes (colours of a tty: true pod, TGI's tracing, zap's console) are no
		// part of the text: the tokens a search matches (POST, 200, ERROR) stay whole
		ev.SetMessage(vllm.StripANSI(m))
	}
	claimed := p.complete(ev, src, r, ok, sm)
	// An empty line is nothing to recognise: it keeps its source's dataset and no failure tag;
	// nor is a line from a source no parser claims (an unknown application).
	if !ok && !cont && claimed && strings.TrimSpace(ev.Message()) != "" {
		ev.AddTag(event.TagParseFailure)
		p.metrics.Failed.Inc()
	}
	return ok
}

// parseFirst runs the first parser of the chain, handing it the split first line when it takes
// one (a splitParser) and the event has it.
func parseFirst(c parsers.Parser, ev *event.Event, msg string, split *vllm.Line) bool {
	if sp, isSplit := c.(splitParser); isSplit && split != nil {
		return sp.ParseSplit(ev, msg, split)
	}
	return c.Parse(ev)
}

// joinedEntry reports whether m, an event the parse processor assembled from lines, is an entry
// a framing parser reads whole: a JSON object printed over lines ("{" alone on its first), or a
// journalctl -o verbose entry (its time and cursor, its fields under them).
func joinedEntry(m string) bool {
	nl := strings.IndexByte(m, '\n')
	if nl <= 0 || nl+1 == len(m) {
		return false
	}
	return nl == 1 && m[0] == '{' || m[0] >= 'A' && m[0] <= 'Z' && m[nl-1] == ']' && syslog.VerboseHeader(m[:nl])
}
