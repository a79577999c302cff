package kubernetes

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// field is one field an enrichment writes. Pods and nodes carry theirs ready-made, computed once
// when the object changes, so that an event costs map lookups and copies, never formatting.
type field struct {
	key string
	val event.Value
}

// ctr is one container of a pod; id is the runtime's id without its scheme (containerd://).
type ctr struct {
	name, image, id, runtime string
	slot                     uint32 // of its memo (memoSlots)
}

// pod is what the index keeps of a pod. It is never changed once indexed: an update indexes a
// new one, so readers use it without the lock.
type pod struct {
	uid, namespace, name, node string
	// owner is the controller owner reference (ReplicaSet, StatefulSet, DaemonSet, Job...);
	// deployGuess is the Deployment its ReplicaSet's name and pod-template-hash imply, used
	// while the ReplicaSet is not (or no longer) in the cache.
	ownerKind, ownerName, deployGuess string
	containers                        []ctr
	fields                            []field
	// exporter marks a DCGM exporter pod found by the discovery selector; ip is where to scrape.
	exporter bool
	ip       string
	// slot is where the enricher keeps the memo of the pod's events (memoSlots).
	slot uint32
}

// node is what the index keeps of a node: its name and the GPU fields from its labels.
type node struct {
	name    string
	aliases []string
	fields  []field
}

// tomb is a deleted object that stays resolvable until at+grace.
type tomb struct {
	at   time.Time
	pod  *pod
	node *node
	rs   [2]string // namespace, name
}

// index holds pods, nodes and ReplicaSet owners, looked up by every key an event may carry.
// Writers are the informer handlers; readers are the processor's workers.
type index struct {
	mu        sync.RWMutex
	byUID     map[string]*pod
	byName    map[string]map[string]*pod // namespace, pod name
	byCID     map[string]*pod
	nodes     map[string]*node
	nodeAlias map[string]*node             // host names and short names of nodes
	rs        map[string]map[string]string // namespace, ReplicaSet -> Deployment ("" for none)
	tombs     []tomb
	grace     time.Duration
	// gen counts the changes to nodes and ReplicaSets, which the enrichment of any pod's event
	// may read (its node, its Deployment): a memo made at an older gen is made again. A pod's
	// own change makes a new pod, which has no memo yet.
	gen atomic.Uint64
}

func newIndex(grace time.Duration) *index {
	return &index{
		byUID: map[string]*pod{}, byName: map[string]map[string]*pod{}, byCID: map[string]*pod{},
		nodes: map[string]*node{}, nodeAlias: map[string]*node{}, rs: map[string]map[string]string{},
		grace: grace,
	}
}

// putPod indexes p, replacing the pod with the same uid and name.
func (x *index) putPod(p *pod) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if old := x.byUID[p.uid]; old != nil {
		x.unindexPod(old)
	}
	x.byUID[p.uid] = p
	ns := x.byName[p.namespace]
	if ns == nil {
		ns = map[string]*pod{}
		x.byName[p.namespace] = ns
	}
	ns[p.name] = p
	for _, c := range p.containers {
		if c.id != "" {
			x.byCID[c.id] = p
		}
	}
}

// unindexPod removes the keys that still point at p (a newer pod of the same name keeps its).
func (x *index) unindexPod(p *pod) {
	if x.byUID[p.uid] == p {
		delete(x.byUID, p.uid)
	}
	if ns := x.byName[p.namespace]; ns != nil && ns[p.name] == p {
		delete(ns, p.name)
		if len(ns) == 0 {
			delete(x.byName, p.namespace)
		}
	}
	for _, c := range p.containers {
		if c.id != "" && x.byCID[c.id] == p {
			delete(x.byCID, c.id)
		}
	}
}

// deletePod keeps the pod with uid resolvable for the grace period.
func (x *index) deletePod(uid string, now time.Time) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if p := x.byUID[uid]; p != nil {
		x.tombs = append(x.tombs, tomb{at: now, pod: p})
	}
}

func (x *index) putNode(n *node) {
	x.mu.Lock()
	defer x.mu.Unlock()
	old := x.nodes[n.name]
	// A node's status changes often (conditions, heartbeats) and its labels seldom: only a
	// change of what events are given makes the memos be made again.
	if old == nil || !slices.Equal(old.aliases, n.aliases) || !slices.Equal(old.fields, n.fields) {
		defer x.gen.Add(1)
	}
	if old != nil {
		x.unindexNode(old)
	}
	x.nodes[n.name] = n
	for _, a := range n.aliases {
		x.nodeAlias[a] = n
	}
}

func (x *index) unindexNode(n *node) {
	if x.nodes[n.name] == n {
		delete(x.nodes, n.name)
	}
	for _, a := range n.aliases {
		if x.nodeAlias[a] == n {
			delete(x.nodeAlias, a)
		}
	}
}

func (x *index) deleteNode(name string, now time.Time) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if n := x.nodes[name]; n != nil {
		x.tombs = append(x.tombs, tomb{at: now, node: n})
	}
}

// putRS records the Deployment that owns a ReplicaSet ("" when none does).
func (x *index) putRS(namespace, name, deployment string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	ns := x.rs[namespace]
	if ns == nil {
		ns = map[string]string{}
		x.rs[namespace] = ns
	}
	if d, ok := ns[name]; !ok || d != deployment {
		x.gen.Add(1)
	}
	ns[name] = deployment
}

func (x *index) deleteRS(namespace, name string, now time.Time) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.tombs = append(x.tombs, tomb{at: now, rs: [2]string{namespace, name}})
}

// sweep forgets the deleted objects whose grace period ended before now.
func (x *index) sweep(now time.Time) {
	x.mu.Lock()
	defer x.mu.Unlock()
	keep := x.tombs[:0]
	for _, t := range x.tombs {
		if now.Sub(t.at) < x.grace {
			keep = append(keep, t)
			continue
		}
		switch {
		case t.pod != nil:
			x.unindexPod(t.pod)
		case t.node != nil:
			x.unindexNode(t.node)
		default:
			if ns := x.rs[t.rs[0]]; ns != nil {
				delete(ns, t.rs[1])
			}
		}
	}
	if len(keep) < len(x.tombs) {
		x.gen.Add(1) // a node or a ReplicaSet may be gone
	}
	clear(x.tombs[len(keep):])
	x.tombs = keep
}

func (x *index) podByUID(uid string) *pod {
	x.mu.RLock()
	p := x.byUID[uid]
	x.mu.RUnlock()
	return p
}

func (x *index) podByName(namespace, name string) *pod {
	x.mu.RLock()
	p := x.byName[namespace][name]
	x.mu.RUnlock()
	return p
}

func (x *index) podByCID(id string) *pod {
	x.mu.RLock()
	p := x.byCID[id]
	x.mu.RUnlock()
	return p
}

// node finds a node by its name, a host name or its short name.
func (x *index) node(name string) *node {
	x.mu.RLock()
	n := x.nodes[name]
	if n == nil {
		n = x.nodeAlias[name]
	}
	x.mu.RUnlock()
	return n
}

// workload returns the kind and name of what runs p: its controller, and for a ReplicaSet the
// Deployment above it.
func (x *index) workload(p *pod) (kind, name string) {
	if p.ownerKind != "ReplicaSet" {
		return p.ownerKind, p.ownerName
	}
	x.mu.RLock()
	dep, ok := x.rs[p.namespace][p.ownerName]
	x.mu.RUnlock()
	switch {
	case ok && dep != "":
		return "Deployment", dep
	case !ok && p.deployGuess != "":
		return "Deployment", p.deployGuess
	}
	return "ReplicaSet", p.ownerName
}

// exporters returns the discovered DCGM exporter pods that can be scraped: running, with an
// IP, and not deleted.
func (x *index) exporters() []*pod {
	x.mu.RLock()
	defer x.mu.RUnlock()
	gone := map[*pod]bool{}
	for _, t := range x.tombs {
		gone[t.pod] = true
	}
	var out []*pod
	for _, p := range x.byUID {
		if p.exporter && p.ip != "" && !gone[p] {
			out = append(out, p)
		}
	}
	return out
}

// counts returns how many pods and nodes the index holds (deleted ones in their grace included).
func (x *index) counts() (pods, nodes int) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.byUID), len(x.nodes)
}
