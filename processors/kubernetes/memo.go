package kubernetes

import (
	"slices"
	"strings"
	"sync/atomic"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// memoNames are the top-level names under which the enrichment of an event of a known pod reads
// and writes, once its pod and container are found: kubernetes.* and orchestrator.* from the
// pod, container.* from its container, kubernetes.node.* and host.name from the node, and gpu.*
// (and kubernetes.pod.gpu.uuids) from the DCGM mapping. Sorted.
var memoNames = [...]string{"container", "gpu", "host", "kubernetes", "orchestrator"}

// memoSlots is the size of the enricher's table of memos: the events of a pod's container find
// theirs at the container's slot, so up to this many containers logging at once never evict one
// another, and the table holds at most this many results however many pods the cluster has.
const memoSlots = 1024

// memoCredit bounds a memo's credit; a new memo starts with half of it.
const memoCredit = 8

// memo is the enrichment of an event of one pod and container whose fields under memoNames are
// exactly the shared objects in (Filebeat's kubernetes.* and container.*, set's orchestrator.*,
// an input's host.*), at one state of the index (gen) and the GPU map: the objects that replace
// them. Events from one pod arrive with the same objects again and again (the Beats input and
// set build them once), so the fields are merged once per pod rather than for every event, and
// the merged objects' JSON is written once too: the encoder copies it.
type memo struct {
	pod  *pod
	ctr  *ctr
	gen  uint64
	gpus *gpuMap
	in   [len(memoNames)]*event.Shared
	out  []*event.Shared // the objects that changed; replaced in the event in one step
	seen outcome
	// credit is how far the memo's events have lately outnumbered others in the slot (up to
	// memoCredit): another event takes one away and the field-by-field path, and replaces the
	// memo only when none is left. Two pods that take turns in a slot would otherwise make their
	// memos again and again, each costing several field-by-field events.
	credit atomic.Int32
	// made is false for a memo only noted, at an event's first sight of its objects.
	made bool
	// ok is false when the result cannot be given as objects (the enrichment wrote under another
	// name, or emptied one): such events take the field-by-field path.
	ok bool
}

// fromMemo enriches an event of a known pod (h.pod, h.ctr) from the pod's memo, and reports false
// when it did not: the event holds own fields under a memo name, or the memo there was made for
// other objects, another container or an older index (a new one is noted, and made at the
// second event that asks for it), or for another pod that has used the slot more of late.
func (e *enricher) fromMemo(ev *event.Event, h hit) bool {
	var in [len(memoNames)]*event.Shared
	for i, name := range memoNames {
		if ev.HasOwnUnder(name) {
			return false
		}
		in[i] = ev.SharedObject(name)
	}
	gen, gpus := e.idx.gen.Load(), e.gpus.Load()
	slot := &e.memos[h.slot()%memoSlots]
	m := slot.Load()
	same := m != nil && m.pod == h.pod && m.ctr == h.ctr && m.gen == gen && m.gpus == gpus && m.in == in
	switch {
	case same && m.made:
		if m.credit.Load() < memoCredit {
			m.credit.Add(1)
		}
	case same: // seen a second time: worth making
		m = e.memoize(h, in, gen, gpus)
		slot.Store(m)
	case m != nil && m.made && !m.stale(h.pod, gen, gpus) && m.credit.Add(-1) > 0:
		return false // the slot's memo has been used more of late
	default:
		// Seen for the first time: noted, and enriched field by field. Objects that an input
		// makes anew for every event (its cache of them overrun) never cost a memo each.
		m = &memo{pod: h.pod, ctr: h.ctr, gen: gen, gpus: gpus, in: in}
		m.credit.Store(1)
		slot.Store(m)
		return false
	}
	if !m.ok || !ev.ReplaceShared(m.out...) {
		return false
	}
	e.count(m.seen)
	return true
}

// stale reports whether m can serve no event any more: the index or the GPU map changed since it
// was made, or its pod was replaced by p.
func (m *memo) stale(p *pod, gen uint64, gpus *gpuMap) bool {
	return m.gen != gen || m.gpus != gpus || (m.pod != p && m.pod.uid == p.uid)
}

// slot is where the memo of the event's pod and container is kept: each container of a pod has
// its own, as containers of one pod (a server and its sidecar) log side by side.
func (h hit) slot() uint32 {
	if h.ctr != nil {
		return h.ctr.slot
	}
	return h.pod.slot
}

// memoize enriches an event that holds only the objects in, the same way apply enriches any
// event, and keeps what changed under each name as a new shared object.
func (e *enricher) memoize(h hit, in [len(memoNames)]*event.Shared, gen uint64, gpus *gpuMap) *memo {
	m := &memo{pod: h.pod, ctr: h.ctr, gen: gen, gpus: gpus, in: in, made: true}
	m.credit.Store(memoCredit / 2)
	scratch := event.NewSized(len(h.pod.fields) + podHeadroom)
	for _, s := range in {
		if s != nil {
			scratch.AddShared(s)
		}
	}
	m.seen = e.apply(scratch, h, gpus)
	for i, name := range memoNames {
		if !scratch.HasOwnUnder(name) && scratch.SharedObject(name) == in[i] {
			continue // untouched
		}
		s, ok := scratch.Share(name)
		if !ok {
			return m
		}
		m.out = append(m.out, s)
	}
	m.ok = true
	scratch.Range(func(k string, _ event.Value) bool {
		top, _, _ := strings.Cut(k, ".")
		m.ok = slices.Contains(memoNames[:], top)
		return m.ok
	})
	return m
}

// podSlots numbers pods and their containers as the converter builds them, for their memo slots.
var podSlots atomic.Uint32
