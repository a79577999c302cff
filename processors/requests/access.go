package requests

import (
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sluice-dev/sluice/parsers/uvicorn"
	"github.com/sluice-dev/sluice/parsers/vllm"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// Why an access line was not tied to a request (label of sluice_requests_access_untied_total).
const (
	UntiedNone      = "no_request"
	UntiedAmbiguous = "ambiguous"
)

// endpoints maps the id prefix vLLM's OpenAI server gives the requests of each endpoint
// (serving_chat: "chatcmpl-", serving_completion: "cmpl-", ...) to the paths that endpoint
// serves: an access line names a path, a request line names an id, and this is the only link
// between them besides the pod and the time. The index + 1 is the endpoint's code (0: none).
var endpoints = []struct {
	prefixes []string
	paths    []string
}{
	{[]string{"chatcmpl-", "chat-"}, []string{"/v1/chat/completions"}}, // "chat-" in 0.6.0 to 0.6.3
	{[]string{"cmpl-"}, []string{"/v1/completions"}},
	{[]string{"embd-"}, []string{"/v1/embeddings"}},
	{[]string{"pool-"}, []string{"/pooling"}},
	{[]string{"score-"}, []string{"/score", "/v1/score"}},
	{[]string{"rerank-"}, []string{"/rerank", "/v1/rerank", "/v2/rerank"}},
	{[]string{"classify-"}, []string{"/classify"}},
	{[]string{"resp_"}, []string{"/v1/responses"}},            // the Responses API (gpt-oss)
	{[]string{"trsc-"}, []string{"/v1/audio/transcriptions"}}, // speech to text (Whisper)
	{[]string{"trsl-"}, []string{"/v1/audio/translations"}},
}

// endpointOfID returns the endpoint code of a request id, 0 when the prefix is not one vLLM
// gives (a client's own X-Request-Id): such a request is never tied to an access line.
func endpointOfID(id string) uint8 {
	for i, e := range endpoints {
		for _, p := range e.prefixes {
			if strings.HasPrefix(id, p) {
				return uint8(i + 1)
			}
		}
	}
	return 0
}

// endpointOfPath returns the endpoint code of an access line's path, 0 for paths no request
// line belongs to (/metrics, /health, /v1/models). KServe's model server serves vLLM's routes
// under /openai (/openai/v1/chat/completions).
func endpointOfPath(path string) uint8 {
	path = strings.TrimPrefix(path, "/openai")
	for i, e := range endpoints {
		for _, p := range e.paths {
			if path == p {
				return uint8(i + 1)
			}
		}
	}
	return 0
}

func newUntied() *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "sluice_requests_access_untied_total",
		Help: "Access lines of a request endpoint not tied to a request: no request of the pod and endpoint within access_window, or another nearly as close.",
	}, []string{"reason"})
}

// access ties an access line to the request it served: on the same server and endpoint, the
// request whose last line is closest in time to the access line, within access_window. The
// request's id goes on the access line and the status and client on its summary. When another
// request is nearly as close, nothing is tied (counted): a wrong id is worse than none.
func (p *Processor) access(ev *event.Event, now int64, out []*event.Event) []*event.Event {
	if p.cfg.AccessWindow <= 0 {
		return out
	}
	key := p.podKey(ev)
	pd := p.pods[key]
	if pd != nil {
		pd.access = true // any access line (/metrics too) shows that this server writes them
	}
	if _, ok := p.accessServers[key]; !ok {
		if len(p.accessServers) >= maxAccessServers {
			clear(p.accessServers)
		}
		p.accessServers[strings.Clone(key)] = struct{}{} // and goes on showing it when pd is forgotten
	}
	path, _ := ev.GetString(uvicorn.FieldURLPath)
	ep := endpointOfPath(path)
	if ep == 0 {
		return out
	}
	if pd == nil {
		p.untied.WithLabelValues(UntiedNone).Inc()
		return out
	}
	r, ambiguous := pd.closest(ep, ev.Timestamp(), p.cfg.AccessWindow)
	switch {
	case r == nil:
		p.untied.WithLabelValues(UntiedNone).Inc()
		return out
	case ambiguous:
		p.untied.WithLabelValues(UntiedAmbiguous).Inc()
		return out
	}
	return p.tie(r, ev, now, out)
}

// tie makes access line ev a line of r: the id on the line, status and client on r, and r's
// summary sent if it was waiting for them.
func (p *Processor) tie(r *request, ev *event.Event, now int64, out []*event.Event) []*event.Event {
	r.pod.dropCand(r)
	r.takeAccess(ev)
	r.serverAnswered()
	ev.SetString(vllm.FieldRequestID, r.id)
	if (!r.closed || r.held) && r.lines < ^uint16(0) {
		r.lines++
	}
	if !r.closed {
		r.seen = now
		p.open.touch(r)
	}
	if r.held && !r.settle {
		out = p.release(r, out) // (a failure's waits for the line that says why, if any comes)
	}
	if p.sampling() && p.kept(r) {
		ev.AddTag(TagSampled)
	}
	return out
}

// takeAccess keeps what the summary says of the response: status and client.
func (r *request) takeAccess(ev *event.Event) {
	if v, ok := ev.Get(event.FieldHTTPStatus); ok {
		r.status = int16(v.Int())
	}
	if s, ok := ev.GetString(uvicorn.FieldSourceIP); ok {
		r.clientIP = clip(s)
	}
	if v, ok := ev.Get(uvicorn.FieldSourcePort); ok {
		r.clientPort = uint16(v.Int())
	}
}

// closest returns the candidate of endpoint ep whose last line is closest to t, within window,
// and whether another one is nearly as close (within startSlack of it): then which of them the
// access line belongs to depends on how fast each response started, which the logs do not say.
// Candidates whose last line is older than the window are dropped first (access lines come in
// order, so no later one can be theirs; an open one comes back with its next line), held ones
// excepted. The candidates are kept in order of their last line, so that the cost is that of
// the requests near t, not of every one in flight (a busy V1 server has hundreds, and ends
// successful requests on no line of their own).
func (pd *pod) closest(ep uint8, t time.Time, window time.Duration) (best *request, ambiguous bool) {
	if pd.cands == nil {
		return nil, false
	}
	tn := nanos(t)
	for i := range pd.cands {
		if !pd.ordered {
			pd.cands[i].merge()
		}
		pd.cands[i].expire(tn, window)
	}
	pd.ordered = true
	return pd.cands[ep-1].closest(tn, window)
}

// startSlack is how long after a request's last line its response may start: the access line
// is written when it does.
const startSlack = 250 * time.Millisecond

// addCand makes r a candidate for the access lines of its server, unless an access line was
// tied to it, or moves it to the time of its new last line.
func (pd *pod) addCand(r *request) {
	k := nanos(r.end)
	if r.status != 0 || r.cand && r.candEnd == k {
		return
	}
	if pd.cands == nil {
		pd.cands = make([]candList, len(endpoints))
	}
	pd.dropCand(r)
	r.cand, r.ctok, r.candEnd = true, r.ctok+1, k
	pd.cands[r.endpoint-1].insert(r, pd.ordered)
}

// dropCand removes r from the candidates (no-op when it is not one): its entry goes stale.
func (pd *pod) dropCand(r *request) {
	if !r.cand {
		return
	}
	r.cand = false
	pd.cands[r.endpoint-1].stale++
}

// holds reports whether r's summary waits for its access line: its endpoint is known, no access
// line is tied to it yet, and its server writes access lines or the request failed or was aborted (a
// server's first request, often the one that crashed it, comes before any access line, and the
// probes that would show one are often dropped before this processor).
func (p *Processor) holds(r *request) bool {
	return p.cfg.AccessWindow > 0 && r.cand && (r.pod.access || r.outcome == OutcomeFailure || r.outcome == OutcomeAborted)
}

// release sends the summary of a request that was waiting for its access line.
func (p *Processor) release(r *request, out []*event.Event) []*event.Event {
	r.held = false
	r.pod.dropCand(r)
	if p.kept(r) {
		out = append(out, p.summary(r, r.reason))
	}
	return out
}

// releaseDue sends the summaries that have waited access_window (wall clock) for an access
// line, all of them when final.
func (p *Processor) releaseDue(ns int64, final bool, out []*event.Event) []*event.Event {
	i := 0
	for ; i < len(p.held); i++ {
		r := p.held[i]
		if !r.held {
			continue // tied, or forgotten, since
		}
		if !final && ns-r.seen < int64(p.cfg.AccessWindow) {
			break
		}
		out = p.release(r, out)
	}
	clear(p.held[:i])
	p.held = p.held[i:]
	return out
}
