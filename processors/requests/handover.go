package requests

// handover is what a requests processor passes to its successor on a config reload: every open
// request, the ended ones still lingering (so that their late lines start no second summary),
// and the summaries waiting for their access lines.
type handover struct {
	pods           map[string]*pod
	open, closed   lru
	nOpen, nClosed int
	held           []*request
	accessServers  map[string]struct{}
}

// Release hands over the state and forgets it, so that the final Flush of a reload ends none
// of the requests the next generation follows on.
func (p *Processor) Release() any {
	p.mu.Lock()
	defer p.mu.Unlock()
	h := &handover{pods: p.pods, open: p.open, closed: p.closed, nOpen: p.nOpen, nClosed: p.nClosed, held: p.held,
		accessServers: p.accessServers}
	p.pods, p.open, p.closed, p.nOpen, p.nClosed, p.held = map[string]*pod{}, lru{}, lru{}, 0, 0, nil
	p.accessServers = map[string]struct{}{}
	return h
}

// Adopt takes over what the previous generation's processor released. Its own config applies
// from now on: ttl and linger at the next Flush, which also ends the least recently seen requests
// beyond a smaller max_open (evicted); servers keep the context fields they had.
func (p *Processor) Adopt(state any) {
	h, ok := state.(*handover)
	if !ok {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pods, p.open, p.closed, p.nOpen, p.nClosed, p.held = h.pods, h.open, h.closed, h.nOpen, h.nClosed, h.held
	if h.accessServers != nil {
		p.accessServers = h.accessServers
	}
}
