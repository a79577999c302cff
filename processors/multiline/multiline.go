// Package multiline is the processor that joins lines that belong together (a Python traceback
// from vLLM, a Go panic from a GPU operator component) into one event, for streams that arrive
// unjoined, such as Kafka topics fed by shippers that do not join lines themselves. Lines are
// grouped per source (Meta.Input and Meta.Source), with Filebeat's pattern/negate/match rules.
//
// A group still open at the end of a batch is held back: its lines leave the batch and the
// processor takes a reference on the batch's acks (Batch.Hold), which the batch that finally
// carries the joined event adopts (Batch.Adopt). So a Filebeat window or Kafka offset is never
// acknowledged before its lines are delivered. Groups are sent on when the next group of their
// source starts, when they reach max_lines or max_bytes, after timeout of quiet (Flush), and when
// the pipeline drains.
package multiline

import (
	"cmp"
	"context"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/processors/internal/proc"
)

// Factory creates multiline processors.
var Factory = pipeline.NewProcessorFactory("multiline", NewConfig, New)

// TagContinued marks an event holding the later lines of a group cut at max_lines or max_bytes
// (the same tag the parse processor gives its continuation events).
const TagContinued = event.TagGroupContinued

type group struct {
	seq   uint64 // order of creation, so flushes are deterministic (oldest first)
	first *event.Event
	lines []string
	bytes int
	last  time.Time
	holds []event.Holds
	id    string // error.id, once the group is cut
	part  int    // which event of the group this is: 1 for the first
	omit  int    // lines counted, not sent, after the last continuation filled
}

// Processor joins lines. It is safe for concurrent use.
type Processor struct {
	cfg    *Config
	re     *regexp.Regexp
	after  bool
	runner *proc.Runner
	now    func() time.Time

	omitted prometheus.Counter

	mu      sync.Mutex
	pending map[string]*group
	seq     uint64
}

var (
	_ pipeline.Processor = (*Processor)(nil)
	_ pipeline.Flusher   = (*Processor)(nil)
)

// New builds a multiline processor from a validated config.
func New(set pipeline.Settings, c *Config) (*Processor, error) {
	r, err := proc.NewBatchRunner("multiline", set, c)
	if err != nil {
		return nil, err
	}
	p := &Processor{
		cfg: c, re: regexp.MustCompile(c.Pattern), after: c.Match == "after", runner: r,
		now: time.Now, pending: map[string]*group{},
		omitted: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sluice_multiline_lines_omitted_total",
			Help: "Lines of over-long groups counted but not sent, past the group's last continuation event.",
		}),
	}
	if set.Registerer != nil {
		_ = set.Registerer.Register(p.omitted) // on reload the old counter stays registered: harmless
		// A processor rebuilt on reload finds the gauge of the old one registered; the old one
		// then goes on reporting until it is collected, which is harmless.
		_ = set.Registerer.Register(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "sluice_multiline_pending_groups",
			Help: "Groups of lines held open, waiting for their next line or their timeout.",
		}, func() float64 { return float64(p.Pending()) }))
	}
	return p, nil
}

// Process joins the lines of b; lines of groups still open leave the batch and are held.
func (p *Processor) Process(_ context.Context, b *event.Batch) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	in := len(b.Events)
	out := make([]*event.Event, 0, in)
	touched := map[string]*group{}
	var adopt []event.Holds
	skipped := 0
	for _, ev := range b.Events {
		if !p.runner.Match(ev) {
			skipped++
			out = append(out, ev)
			continue
		}
		key := p.key(ev)
		line, _ := ev.GetString(p.cfg.Field)
		g, done := p.add(&out, &adopt, key, ev, line)
		if done {
			out = p.emit(out, &adopt, key, g)
			continue
		}
		g.last = now
		touched[key] = g
	}
	// Hold this batch's own acks for the groups it leaves open before adopting older holds:
	// holding after adopting would pass old acks on from group to group and, on a busy stream,
	// never release them.
	for key, g := range touched {
		if p.pending[key] == g {
			g.holds = append(g.holds, b.Hold())
		}
	}
	for _, h := range adopt {
		b.Adopt(h)
	}
	b.Events = out
	b.Absorb(in - len(out)) // lines held or joined, not dropped
	p.runner.Count(proc.OutcomeOK).Add(float64(in - skipped))
	p.runner.Count(proc.OutcomeSkipped).Add(float64(skipped))
	return nil
}

// key names the stream ev belongs to.
func (p *Processor) key(ev *event.Event) string {
	if len(p.cfg.KeyFields) == 0 {
		return ev.Meta.Input + "\x00" + ev.Meta.Source
	}
	var b strings.Builder
	b.WriteString(ev.Meta.Input)
	b.WriteByte(0)
	b.WriteString(ev.Meta.Source)
	for _, f := range p.cfg.KeyFields {
		b.WriteByte(0)
		if v, ok := ev.GetString(f); ok {
			b.WriteString(v)
		}
	}
	return b.String()
}

// add puts the line into its source's group, sending on the group it closes, and reports
// whether the line's own group is complete (match: before, a line that does not continue).
func (p *Processor) add(out *[]*event.Event, adopt *[]event.Holds, key string, ev *event.Event, line string) (*group, bool) {
	cont := p.re.MatchString(line) != p.cfg.Negate
	g := p.pending[key]
	switch {
	case g == nil:
		g = p.start(key, ev, line, 1)
	case p.after && !cont:
		*out = p.emit(*out, adopt, key, g)
		g = p.start(key, ev, line, 1)
	case g.omit == 0 && len(g.lines) < p.cfg.MaxLines && g.bytes+1+len(line) <= p.cfg.MaxBytes:
		g.lines = append(g.lines, line)
		g.bytes += 1 + len(line)
	case g.omit == 0 && g.part <= p.cfg.MaxContinuations:
		// Cut: the full event goes, the line starts the group's next event.
		if g.id == "" {
			g.id = proc.GroupID(g.first, g.lines[0])
			proc.MarkPart(g.first, g.id, g.part)
		}
		*out = p.emit(*out, adopt, key, g)
		next := p.start(key, ev, line, g.part+1)
		next.id = g.id
		proc.MarkPart(ev, g.id, next.part)
		g = next
	default:
		// Past the last continuation: the line is counted; its ack stays held by the group.
		g.omit++
		p.omitted.Inc()
	}
	return g, !p.after && !cont
}

func (p *Processor) start(key string, ev *event.Event, line string, part int) *group {
	p.seq++
	g := &group{seq: p.seq, first: ev, lines: []string{line}, bytes: len(line), part: part}
	p.pending[key] = g
	return g
}

// emit closes g: the joined event goes to out and the acks g held to adopt, for the batch that
// carries the event.
func (p *Processor) emit(out []*event.Event, adopt *[]event.Holds, key string, g *group) []*event.Event {
	if p.pending[key] == g {
		delete(p.pending, key)
	}
	*adopt = append(*adopt, g.holds...)
	return append(out, g.event(p.cfg.Field))
}

func (g *group) event(field string) *event.Event {
	ev := g.first
	if len(g.lines) > 1 {
		ev.SetString(field, strings.Join(g.lines, "\n"))
		ev.Set(event.FieldLogFlags, event.Raw(`["multiline"]`))
	}
	proc.MarkOmitted(ev, g.omit)
	return ev
}

var _ pipeline.IdleFlusher = (*Processor)(nil)

// FlushIdle sends on every group: the pipeline is idle, so their next lines are not on their
// way (pipeline.IdleFlusher).
func (p *Processor) FlushIdle(ctx context.Context, now time.Time) *event.Batch {
	return p.Flush(ctx, now, true)
}

// Flush sends on the groups quiet for the timeout (all of them when final), in a batch that
// carries their held acks.
func (p *Processor) Flush(_ context.Context, now time.Time, final bool) *event.Batch {
	p.mu.Lock()
	defer p.mu.Unlock()
	var due []string
	for key, g := range p.pending {
		if final || now.Sub(g.last) >= p.cfg.Timeout {
			due = append(due, key)
		}
	}
	if len(due) == 0 {
		return nil
	}
	slices.SortFunc(due, func(a, b string) int { return cmp.Compare(p.pending[a].seq, p.pending[b].seq) })
	b := event.NewBatch(make([]*event.Event, 0, len(due)), nil)
	var adopt []event.Holds
	for _, key := range due {
		b.Events = p.emit(b.Events, &adopt, key, p.pending[key])
	}
	for _, h := range adopt {
		b.Adopt(h)
	}
	return b
}

// Pending reports how many groups are open (for tests and a gauge).
func (p *Processor) Pending() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.pending)
}
