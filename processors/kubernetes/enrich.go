package kubernetes

import (
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sluice-dev/sluice/parsers/k8spath"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/processors/internal/proc"
)

// enricher writes the index's and the GPU map's fields into events.
type enricher struct {
	idx       *index
	gpus      atomic.Pointer[gpuMap]
	overwrite bool
	m         *metrics
	memos     [memoSlots]atomic.Pointer[memo]
}

func newEnricher(c *Config, m *metrics) *enricher {
	e := &enricher{idx: newIndex(c.DeletedGrace), overwrite: c.Overwrite, m: m}
	e.gpus.Store(&gpuMap{})
	return e
}

// hit is the pod an event belongs to, with what the event says about its container.
type hit struct {
	pod       *pod
	container string // name
	cid       string
	ctr       *ctr // the pod's container the event is from, once the pod is known (nil: unknown)
}

// podHeadroom is room, beyond the pod's fields, for what an event of a known pod is given
// besides: workload, container, node, host and GPU fields. Room is made as well for Filebeat's
// kubernetes.* and container.*, which setting a field under those names makes the event's own.
const podHeadroom = 20

// enrich never fails: an event whose pod or node is unknown is counted and goes on unchanged.
func (e *enricher) enrich(ev *event.Event) (proc.Result, error) {
	h, asked := e.findPod(ev)
	if h.pod != nil {
		h.ctr = h.pod.container(h.container, h.cid)
		if e.fromMemo(ev, h) {
			return proc.Keep, nil
		}
		ev.Grow(len(h.pod.fields) + podHeadroom + ev.SharedLen("kubernetes") + ev.SharedLen("container"))
	}
	o := e.apply(ev, h, e.gpus.Load())
	if h.pod == nil && asked {
		o |= sawPodMiss
	}
	e.count(o)
	return proc.Keep, nil
}

// apply writes what the index and the GPU map know of the event's pod (h.pod, nil when none)
// and node, and returns the lookups' results for count.
func (e *enricher) apply(ev *event.Event, h hit, gpus *gpuMap) outcome {
	var o outcome
	node := ""
	if h.pod != nil {
		o |= sawPodHit
		e.writePod(ev, h)
		node = h.pod.node
	}
	n := e.writeNode(ev, node, &o)
	e.writeGPU(ev, h.pod, n, gpus, &o)
	return o
}

// outcome is what one event's lookups found, counted once the event is written.
type outcome uint8

const (
	sawPodHit outcome = 1 << iota
	sawPodMiss
	sawNodeHit
	sawNodeMiss
	sawGPUHit
	sawGPUMiss
)

func (e *enricher) count(o outcome) {
	for _, c := range [...]struct {
		bit outcome
		ctr prometheus.Counter
	}{{sawPodHit, e.m.podHit}, {sawPodMiss, e.m.podMiss}, {sawNodeHit, e.m.nodeHit},
		{sawNodeMiss, e.m.nodeMiss}, {sawGPUHit, e.m.gpuHit}, {sawGPUMiss, e.m.gpuMiss}} {
		if o&c.bit != 0 {
			c.ctr.Inc()
		}
	}
}

// findPod tries the event's keys in order: pod uid, namespace and pod name, container id, then
// the log file's path. asked reports whether the event named a pod at all (node logs do not).
func (e *enricher) findPod(ev *event.Event) (h hit, asked bool) {
	h.container, _ = ev.GetString(FieldContainer)
	h.cid, _ = ev.GetString(FieldContainerID)
	if uid, ok := ev.GetString(FieldPodUID); ok && uid != "" {
		if h.pod = e.idx.podByUID(uid); h.pod != nil {
			return h, true
		}
		asked = true
	}
	ns, _ := ev.GetString(FieldNamespace)
	name, _ := ev.GetString(FieldPodName)
	if ns != "" && name != "" {
		if h.pod = e.idx.podByName(ns, name); h.pod != nil {
			return h, true
		}
		asked = true
	}
	if h.cid != "" {
		if h.pod = e.idx.podByCID(h.cid); h.pod != nil {
			return h, true
		}
		asked = true
	}
	return e.fromPath(ev, h, asked)
}

func (e *enricher) fromPath(ev *event.Event, h hit, asked bool) (hit, bool) {
	path, ok := ev.GetString(FieldFilePath)
	if !ok {
		return h, asked
	}
	s, ok := k8spath.Parse(path)
	if !ok {
		return h, asked
	}
	if h.container == "" {
		h.container = s.Container
	}
	if h.cid == "" {
		h.cid = s.ContainerID
	}
	switch {
	case s.PodUID != "":
		h.pod = e.idx.podByUID(s.PodUID)
	case s.ContainerID != "":
		h.pod = e.idx.podByCID(s.ContainerID)
	}
	if h.pod == nil {
		h.pod = e.idx.podByName(s.Namespace, s.Pod)
	}
	return h, true
}

func (e *enricher) set(ev *event.Event, key string, v event.Value) {
	if e.overwrite || !ev.Has(key) {
		ev.Set(key, v)
	}
}

func (e *enricher) setString(ev *event.Event, key, v string) {
	if v != "" && (e.overwrite || !ev.Has(key)) {
		ev.SetString(key, v)
	}
}

func (e *enricher) writePod(ev *event.Event, h hit) {
	p := h.pod
	for _, f := range p.fields {
		e.set(ev, f.key, f.val)
	}
	if kind, name := e.idx.workload(p); kind != "" {
		e.setString(ev, FieldWorkloadKind, kind)
		e.setString(ev, FieldWorkloadName, name)
		if f := workloadFields[kind]; f != "" {
			e.setString(ev, f, name)
		}
	}
	if c := h.ctr; c != nil {
		e.setString(ev, FieldContainer, c.name)
		e.setString(ev, FieldContainerImage, c.image)
		e.setString(ev, FieldContainerID, c.id)
		e.setString(ev, FieldContainerRuntime, c.runtime)
	}
}

// container picks the event's container: by id, by name, or the only one the pod has.
func (p *pod) container(name, id string) *ctr {
	for i := range p.containers {
		c := &p.containers[i]
		if (id != "" && c.id == id) || (name != "" && c.name == name) {
			return c
		}
	}
	if len(p.containers) == 1 && name == "" && id == "" {
		return &p.containers[0]
	}
	return nil
}

// writeNode sets the one node field and the node's GPU fields. podNode is the node of the
// event's pod, when it has one: the most reliable source.
func (e *enricher) writeNode(ev *event.Event, podNode string, o *outcome) *node {
	first := podNode
	if n := e.lookupNode(podNode); n != nil {
		return e.applyNode(ev, n, o)
	}
	for _, k := range [...]string{FieldNode, FieldHostName, FieldHostname} {
		v, ok := ev.GetString(k)
		if !ok || v == "" {
			continue
		}
		if n := e.lookupNode(v); n != nil {
			return e.applyNode(ev, n, o)
		}
		if first == "" {
			first = v
		}
	}
	if first != "" {
		*o |= sawNodeMiss
		e.set(ev, FieldNode, event.String(first))
	}
	return nil
}

func (e *enricher) lookupNode(name string) *node {
	if name == "" {
		return nil
	}
	return e.idx.node(name)
}

// applyNode writes n's name and GPU fields. The name replaces a value the event has only when
// that value is another name of the same node (a host name, a short name), or with overwrite.
func (e *enricher) applyNode(ev *event.Event, n *node, o *outcome) *node {
	*o |= sawNodeHit
	if cur, _ := ev.GetString(FieldNode); cur != n.name && (e.overwrite || cur == "" || e.idx.node(cur) == n) {
		ev.SetString(FieldNode, n.name)
	}
	e.setString(ev, FieldHostName, n.name)
	for _, f := range n.fields {
		e.set(ev, f.key, f.val)
	}
	return n
}
