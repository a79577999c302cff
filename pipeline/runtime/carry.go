package runtime

import (
	"slices"
	"sync"

	"github.com/sluice-dev/sluice/pipeline/config"
)

// Carry hands processor state (pipeline.Handover) from the runtime of one config to the runtime
// built for the config that replaces it on a reload. The caller keeps one for the life of the
// process and gives it to every runtime it builds (Options.Carry); before stopping a runtime
// for a reload it calls Next with the new config. It is passed explicitly rather than kept in a
// global so that two runtimes in one process (tests, `sluice test`) never share state.
type Carry struct {
	mu     sync.Mutex
	next   *config.Config
	states map[string]any // by pipeline and processor id
}

// NewCarry returns a Carry with nothing to hand over.
func NewCarry() *Carry { return &Carry{states: map[string]any{}} }

// Next says which config replaces the running one: on the running runtime's drain, every
// processor that implements pipeline.Handover and has a counterpart in cfg (same pipeline, id
// and type) releases its state into the Carry instead of ending it. nil cancels (a plain stop).
func (c *Carry) Next(cfg *config.Config) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.next = cfg
}

func carryKey(pipeline, id string) string { return pipeline + "\x00" + id }

// release takes the state of n, a processor of pipeline, when the next config has its
// counterpart. c may be nil (no reloads).
func (c *Carry) release(pipeline string, n procNode) {
	if c == nil || n.handover == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.next == nil {
		return
	}
	pc, ok := c.next.Pipelines[pipeline]
	if !ok || !slices.Contains(pc.Processors, n.id) {
		return
	}
	if pr, ok := c.next.Processors[n.id]; !ok || pr.Type != n.typ {
		return
	}
	c.states[carryKey(pipeline, n.id)] = n.handover.Release()
}

// adopt gives the processors of a new runtime the state their predecessors released, and
// forgets the next config: it is the running one now.
func (c *Carry) adopt(pipes []*pipe) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, p := range pipes {
		for _, n := range p.procs {
			key := carryKey(p.name, n.id)
			if st, ok := c.states[key]; ok && n.handover != nil {
				n.handover.Adopt(st)
				delete(c.states, key)
			}
		}
	}
	clear(c.states)
	c.next = nil
}
