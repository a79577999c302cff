package parse

import (
	"context"
	"sort"
	"time"

	"github.com/sluice-dev/sluice/parsers/vllm"
	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
)

var _ pipeline.IdleFlusher = (*Processor)(nil)

// FlushIdle sends the held groups and partial lines whose sources wait for their
// acknowledgement: the pipeline is idle, so their rest is not on its way until they are
// acknowledged (pipeline.IdleFlusher). Those whose source can still send wait for rest_timeout.
func (p *Processor) FlushIdle(_ context.Context, now time.Time) *event.Batch {
	return p.flush(now, false, true)
}

// Flush sends the split lines and groups that have waited longer than their timeout (all of
// them when final is set), parsed, as one batch carrying their held acknowledgements; nil when
// nothing is due. It also forgets sources that have been idle past idle_timeout.
func (p *Processor) Flush(_ context.Context, now time.Time, final bool) *event.Batch {
	return p.flush(now, final, false)
}

// due reports whether a held event that has waited `waited` is sent now: past its own timeout
// (at once when the pipeline is idle). One that is surely not whole yet (a split line's piece, a
// traceback before its exception's line: incomplete) waits on for its rest while its source can
// send more without its acknowledgement, up to rest_timeout; one that most likely is whole (a
// traceback after its exception's line, a lone error line) does not, so that the records the
// pipeline holds at a batch's end keep their latency.
func (p *Processor) due(pd *pending, waited, own time.Duration, idle, incomplete bool) bool {
	if idle {
		own = 0
	}
	if waited < own {
		return false
	}
	if !incomplete || waited >= p.cfg.RestTimeout {
		return true
	}
	for _, h := range pd.holds {
		if h.SourceWaits() {
			return true
		}
	}
	return false
}

func (p *Processor) flush(now time.Time, final, idle bool) *event.Batch {
	p.mu.Lock()
	var out []item
	var holds []event.Holds
	key := ""
	take := func(pd *pending, ev *event.Event) {
		pd.live = false
		holds = append(holds, pd.holds...)
		out = append(out, item{ev: ev, src: pd.src, seq: pd.seq, lead: pd.lead})
		if key == "" {
			key = pd.batchKey
		}
	}
	for k, pt := range p.partials {
		if final || p.due(pt, now.Sub(pt.last), p.cfg.Partial.Timeout, idle, true) {
			delete(p.partials, k)
			ev := pt.joined()
			if pt.cont {
				p.restOfCut(pt, ev)
			} else {
				ev.AddTag(TagPartialSplit)
			}
			take(pt, ev)
		}
	}
	for k, g := range p.groups {
		if own, whole := g.timeout(&p.cfg.Multiline); final || p.due(&g.pending, now.Sub(g.last), own, idle, !whole) {
			delete(p.groups, k)
			if p.daemons[k.streamKey] == k.proc {
				delete(p.daemons, k.streamKey)
			}
			take(&g.pending, g.close())
		}
	}
	p.held.Set(float64(len(p.partials) + len(p.groups)))
	p.mu.Unlock()
	p.forgetIdle(now)
	if len(out) == 0 {
		return nil
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	evs := make([]*event.Event, len(out))
	sm := sourceMemo{now: p.now()}
	for i, it := range out {
		p.finish(it.ev, it.src, "", nil, &sm) // held events: assembled, or their split is gone
		it.restoreLead()
		evs[i] = it.ev
	}
	b := event.NewBatch(evs, nil)
	b.Key = key
	for _, h := range holds {
		b.Adopt(h)
	}
	return b // the runtime counts the flushed events as sent
}

// Held reports how many events the processor holds back (split lines and open groups), for
// tests and a gauge.
func (p *Processor) Held() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.partials) + len(p.groups)
}

// timeout is how long the group waits for its next line: less when it may be complete already
// (whole).
func (g *group) timeout(c *MultilineConfig) (own time.Duration, whole bool) {
	switch g.mode {
	case modeAfter, modeMaybe, modeGoMaybe, modeNVRM, modeSXid, modeWrapped, modeFabric, modeAER, modeEDAC, modeEnvoy, modeExiting, modeBlank, modeRecord, modeMount, modeIndented, modeOpenRecord, modeKlogCause, modeAnyhow, modeEnvoyHeaders, modeTorchRecord, modeTracingMsg, modeTracingErr, modePanic, modeRich, modeOpenMessage, modeTorchWarn, modeBacktrace, modeTable, modeCatalog, modeSMIFailed, modeSMIQuery, modeShipperResponse, modeHSAAbort, modeServeRecord, modeRecordBacktrace, modeNodeDead, modeDiagBorder, modeDCGMRecord, modeVersionCommit, modeKmsgDict, modeCollectiveStack, modeJournalVerbose, modeTritonPrint, modeLoggingError, modeHabanaBanner, modeTracingPretty, modeCCLCondition:
		// complete already, most likely: a driver message, an SXid report and an installer
		// message come whole in one write when they are wrapped, and most Fabric Manager
		// records are one line; NCCL writes the empty line before a WARN with the WARN,
		// and a logging record all its lines at once
		return min(c.EndTimeout, c.Timeout), true
	case modeTrace:
		if g.hdr && len(g.parts) > 0 {
			// a traceback whose lines repeat its record's header stays in modeTrace to its
			// end: whole, most likely, once its last line is the exception's
			_, _, whole = vllm.SplitException(g.parts[len(g.parts)-1], true)
		}
	}
	return c.Timeout, whole
}
