package parse

import (
	"strings"
	"time"

	"github.com/sluice-dev/sluice/parsers/cri"
	"github.com/sluice-dev/sluice/parsers/vllm"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// Tags of events assembled from pieces that did not all arrive.
const (
	TagPartialSplit   = "_partial_split"
	TagMultilineLimit = "_multiline_limit"
)

// pending is an event held back for lines that continue it: a split line waiting for its
// next piece, or a traceback group.
type pending struct {
	first    *event.Event
	src      srcKey
	parts    []string
	size     int
	last     time.Time
	seq      uint64
	holds    []event.Holds
	batchKey string
	live     bool
	touched  bool
}

// Group modes: what the next line must be to continue the group.
const (
	modeMaybe   = iota // an error line that a traceback may follow
	modeProcess        // "Process EngineCore_0:", which a traceback follows
	modeTrace          // inside a traceback
	modeAfter          // after an exception line: only a chained traceback continues
	modeNative         // a C++ error report: "Exception raised from", "frame #N", "  what():"
	modeWarning        // a Python warning: its further message lines, then its source line
	modeDone           // complete: sent at once
)

// maxWarningLines bounds the message lines of a Python warning before its source line.
const maxWarningLines = 3

type group struct {
	pending
	header string // logging header of the lines, when every line repeats it
	hdr    bool
	mode   int
}

// assemble joins split lines and groups tracebacks, returning the events to send in order and
// the held acknowledgements that the batch must now carry. p.mu is held.
func (p *Processor) assemble(lines []line, b *event.Batch, now time.Time) (out []item, holds []event.Holds) {
	out = make([]item, 0, len(lines))
	var touched []*pending
	emit := func(pd *pending, ev *event.Event) {
		pd.live = false
		holds = append(holds, pd.holds...)
		out = append(out, item{ev: ev, src: pd.src, seq: pd.seq})
	}
	for _, l := range lines {
		ev := l.ev
		pk := streamKey{l.src, l.stream}
		if pt := p.partials[pk]; pt != nil || l.partial {
			if l.partial {
				pt = p.addPiece(pt, pk, l, b.Key, now, emit)
				touched = append(touched, pt)
				continue
			}
			delete(p.partials, pk)
			pt.parts = append(pt.parts, ev.Message())
			pt.live = false
			holds = append(holds, pt.holds...)
			ev = pt.joined()
		}
		if p.cfg.Multiline.Disabled {
			out = append(out, item{ev: ev, src: l.src})
			continue
		}
		first, _, _ := strings.Cut(ev.Message(), "\n")
		sl := vllm.Split(first)
		gk := groupKey{pk, sl.Proc}
		if g := p.groups[gk]; g != nil {
			if g.accept(&sl) {
				if g.size+len(sl.Body) <= p.cfg.Multiline.MaxBytes && len(g.parts)+1 < p.cfg.Multiline.MaxLines {
					g.parts = append(g.parts, sl.Body)
					g.size += len(sl.Body) + 1
					g.last = now
					if g.mode == modeDone {
						delete(p.groups, gk)
						emit(&g.pending, g.joined())
						continue
					}
					touched = append(touched, &g.pending)
					continue
				}
				g.first.AddTag(TagMultilineLimit)
			}
			delete(p.groups, gk)
			emit(&g.pending, g.joined())
		}
		if mode, ok := startMode(&sl); ok {
			g := &group{pending: p.newPending(ev, l.src, b.Key, now), header: sl.Header, mode: mode, hdr: sl.Header != ""}
			p.groups[gk] = g
			touched = append(touched, &g.pending)
			continue
		}
		p.seq++
		out = append(out, item{ev: ev, src: l.src, seq: p.seq})
	}
	for _, pd := range touched {
		if pd.live && !pd.touched {
			pd.touched = true
			pd.holds = append(pd.holds, b.Hold())
		}
	}
	for _, pd := range touched {
		pd.touched = false
	}
	return out, holds
}

func (p *Processor) newPending(ev *event.Event, src srcKey, batchKey string, now time.Time) pending {
	p.seq++
	return pending{first: ev, src: src, size: len(ev.Message()), last: now, seq: p.seq, batchKey: batchKey, live: true}
}

// addPiece adds a partial piece to the stream's pending line, sending the line so far first
// when the piece would make it longer than partial.max_bytes.
func (p *Processor) addPiece(pt *pending, pk streamKey, l line, batchKey string, now time.Time, emit func(*pending, *event.Event)) *pending {
	msg := l.ev.Message()
	if pt != nil && pt.size+len(msg) > p.cfg.Partial.MaxBytes {
		delete(p.partials, pk)
		ev := pt.joined()
		ev.AddTag(TagPartialSplit)
		emit(pt, ev)
		pt = nil
	}
	if pt == nil {
		np := p.newPending(l.ev, l.src, batchKey, now)
		pt = &np
		p.partials[pk] = pt
		return pt
	}
	pt.parts = append(pt.parts, msg)
	pt.size += len(msg)
	pt.last = now
	return pt
}

// joined returns the first event with the pieces appended to its message.
func (pd *pending) joined() *event.Event {
	if len(pd.parts) == 0 {
		return pd.first
	}
	var sb strings.Builder
	sb.Grow(pd.size)
	sb.WriteString(pd.first.Message())
	for _, s := range pd.parts {
		sb.WriteString(s)
	}
	pd.first.SetMessage(sb.String())
	pd.parts = nil
	return pd.first
}

// joined returns the group's first event with the continuation lines appended, one a line.
func (g *group) joined() *event.Event {
	if len(g.parts) == 0 {
		return g.first
	}
	var sb strings.Builder
	sb.Grow(g.size + len(g.parts))
	sb.WriteString(g.first.Message())
	for _, s := range g.parts {
		sb.WriteByte('\n')
		sb.WriteString(s)
	}
	g.first.SetMessage(sb.String())
	g.first.Set(cri.FieldFlags, event.Raw(`["multiline"]`))
	g.parts = nil
	return g.first
}

// startMode reports whether a line opens a group, and how.
func startMode(l *vllm.Line) (int, bool) {
	switch {
	case l.Body == vllm.TracebackHeader:
		return modeTrace, true
	case strings.HasPrefix(l.Body, "Process ") && strings.HasSuffix(l.Body, ":") && strings.Count(l.Body, " ") == 1:
		return modeProcess, true
	case l.Level == "error" || l.Level == "critical":
		return modeMaybe, true
	case l.Header == "" && vllm.IsNativeErrorStart(l.Body):
		return modeMaybe, true
	case l.Header == "":
		if _, _, _, _, ok := vllm.PyWarning(l.Body); ok {
			return modeWarning, true
		}
	}
	return 0, false
}

// accept reports whether l continues the group, and moves the group's mode on.
func (g *group) accept(l *vllm.Line) bool {
	switch g.mode {
	case modeWarning:
		if l.Header != "" || l.Body == "" {
			return false
		}
		if l.Body[0] == ' ' || l.Body[0] == '\t' {
			g.mode = modeDone // the source line ends the warning
			return true
		}
		return len(g.parts) < maxWarningLines
	case modeNative:
		return l.Header == "" && vllm.IsNativeErrorLine(l.Body)
	case modeMaybe, modeProcess:
		if g.mode == modeMaybe && l.Header == "" &&
			(strings.HasPrefix(l.Body, "Exception raised from ") || strings.HasPrefix(l.Body, "  what():  ")) {
			g.mode = modeNative
			return true
		}
		if l.Body != vllm.TracebackHeader || (l.Header != "" && (g.mode == modeProcess || l.Header != g.header)) {
			return false
		}
		g.mode, g.hdr, g.header = modeTrace, l.Header != "", l.Header
		return true
	}
	if g.hdr {
		// logger.exception: every line of the record repeats the header.
		return l.Header == g.header
	}
	if l.Header != "" {
		return false
	}
	b := l.Body
	cont := b == "" || b[0] == ' ' || b[0] == '\t' || b == vllm.TracebackHeader ||
		strings.HasPrefix(b, "The above exception was the direct cause") ||
		strings.HasPrefix(b, "During handling of the above exception")
	switch {
	case cont:
		if b != "" && b[0] != ' ' && b[0] != '\t' {
			g.mode = modeTrace
		}
		return true
	case g.mode == modeTrace:
		g.mode = modeAfter // the exception line
		return true
	}
	return false
}
