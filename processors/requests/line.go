package requests

import (
	"encoding/json"
	"strings"

	"github.com/cespare/xxhash/v2"

	"github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/parsers/vllm"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// line applies one line to request id of pd.
func (p *Processor) line(pd *pod, id string, ev *event.Event, now int64, out []*event.Event) []*event.Event {
	r := pd.requests[id]
	if r == nil {
		if r = pd.twin(id); r != nil && pd.twins[id] == r {
			// the client's id after the engine's: the summary names the request by the client's
			delete(pd.twins, id)
			delete(pd.requests, r.id)
			r.id = clip(id)
			pd.requests[r.id] = r
		}
	}
	if r == nil {
		out = p.makeRoom(now, out)
		p.pods[pd.key] = pd // making room may have forgotten pd's last ended request, and pd with it
		r = &request{id: clip(id), pod: pd, endpoint: endpointOfID(id), promptTokens: -1}
		pd.requests[r.id] = r
		if base, ok := engineSuffixed(r.id); ok {
			if pd.twins == nil {
				pd.twins = map[string]*request{}
			}
			pd.twins[base] = r
		}
		p.open.pushBack(r)
		p.nOpen++
	} else if !r.closed {
		p.open.touch(r)
	}
	if r.closed {
		// A late line of an ended request (its "failed (engine dead)" after the engine failure
		// ended it): tagged as its summary was, never a second summary. While the summary
		// waits, an earlier line's error is the root cause the summary names.
		if r.held {
			r.late(ev)
		}
		if p.sampling() && p.kept(r) {
			ev.AddTag(TagSampled)
		}
		return out
	}
	r.seen = now
	if r.lines < ^uint16(0) {
		r.lines++
	}
	ts := ev.Timestamp()
	if r.start.IsZero() || ts.Before(r.start) {
		r.start = ts
	}
	if ts.After(r.end) {
		r.end = ts
	}
	if r.endpoint != 0 && p.cfg.AccessWindow > 0 {
		pd.addCand(r) // again when an access line found it quiet for longer than the window
	}
	outcome := p.apply(r, ev)
	if p.sampling() && (p.kept(r) || outcome != "" && outcome != OutcomeSuccess) {
		ev.AddTag(TagSampled)
	}
	if outcome != "" {
		out = p.end(r, outcome, "", now, out)
	}
	return out
}

// apply reads what a line says about its request and returns the outcome when the line ends it.
func (p *Processor) apply(r *request, ev *event.Event) string {
	action, _ := ev.GetString(event.FieldEventAction)
	switch action {
	case vllm.ActionReceived:
		r.params(ev)
	case vllm.ActionFinished:
		return OutcomeSuccess
	case vllm.ActionAborted:
		return OutcomeAborted
	case vllm.ActionPreempted:
		r.preemptions++
	case vllm.ActionSchedulerDump:
		// In the batch the engine ran when it failed: a line of the request, not its error
		// (the failure itself follows on its own line).
	case vllm.ActionFailed:
		if s, ok := ev.GetString(vllm.FieldFailureReason); ok {
			r.failure = clip(s)
		}
		r.noteError(ev)
		return OutcomeFailure
	case vllm.ActionResponse:
		return r.response(ev)
	default:
		if lv, _ := ev.GetString(event.FieldLogLevel); lv == "error" || lv == "critical" {
			r.noteError(ev)
		}
	}
	return ""
}

// params keeps the sampling parameters and prompt size of a "Received request" line.
func (r *request) params(ev *event.Event) {
	r.hasParams = true
	if v, ok := ev.Get(vllm.FieldPromptTokens); ok {
		r.promptTokens = int32(v.Int())
	}
	if v, ok := ev.Get(vllm.FieldMaxTokens); ok {
		r.maxTokens = int32(v.Int())
	}
	if v, ok := ev.Get(vllm.FieldN); ok {
		r.n = int32(v.Int())
	}
	if v, ok := ev.Get(vllm.FieldTemperature); ok {
		r.temperature, r.hasTemp = float32(v.Float()), true
	}
	if v, ok := ev.Get(vllm.FieldTopP); ok {
		r.topP, r.hasTopP = float32(v.Float()), true
	}
	if s, ok := ev.GetString(vllm.FieldLoRA); ok {
		r.lora = clip(s)
	}
}

// response reads a "Generated response" line: streaming deltas add their tokens; a line with a
// finish reason ends the request (abort: aborted; else success).
func (r *request) response(ev *event.Event) string {
	if v, ok := ev.Get(vllm.FieldOutputTokens); ok {
		if strings.Contains(ev.Message(), "(streaming delta)") {
			r.outputTokens += int32(v.Int())
		} else {
			r.outputTokens = int32(v.Int())
		}
	}
	reason, ok := ev.GetString(vllm.FieldFinishReason)
	if !ok || reason == "" {
		return ""
	}
	r.finish = clip(reason)
	if reason == "abort" {
		return OutcomeAborted
	}
	return OutcomeSuccess
}

// noteError keeps the first error a request's lines report: the root cause comes first.
func (r *request) noteError(ev *event.Event) {
	if r.errMsg != "" || r.errType != "" {
		return
	}
	r.errAt = ev.Timestamp()
	if s, ok := ev.GetString(event.FieldErrorType); ok {
		r.errType = clip(s)
	}
	if s, ok := ev.GetString(event.FieldErrorMsg); ok {
		r.errMsg = clip(s)
	}
	if s, ok := ev.GetString(vllm.FieldErrorKind); ok {
		r.errKind = clip(s)
	}
}

// late applies a line that reached the processor after r ended, while its summary waits: the
// line's time, and its error when it is the first (the root cause, which a line sent late by
// the parse processor names: "grammar rejected tokens ... for request <id>" of the engine core
// before the API server's "failed with an internal error during generation").
func (r *request) late(ev *event.Event) {
	if r.lines < ^uint16(0) {
		r.lines++
	}
	ts := ev.Timestamp()
	if ts.Before(r.start) {
		r.start = ts
	}
	if r.failure == vllm.FailureInternal {
		// the API server said only that the engine failed it; the engine's line says why
		// ("grammar rejected tokens", "kv load failure")
		if a, _ := ev.GetString(event.FieldEventAction); a == vllm.ActionFailed {
			if why, ok := ev.GetString(vllm.FieldFailureReason); ok && why != "" {
				r.failure = clip(why)
			}
		}
	}
	if !ev.Has(event.FieldErrorMsg) && !ev.Has(event.FieldErrorType) {
		return
	}
	if r.errMsg == "" && r.errType == "" || ts.Before(r.errAt) {
		r.errMsg, r.errType, r.errKind = "", "", ""
		r.noteError(ev)
	}
}

// sampling reports whether summaries are sampled at all: with every one sent, tagging the lines
// would only add a tag to each.
func (p *Processor) sampling() bool { return p.cfg.SuccessRate < 1 }

// kept reports whether r's summary is sent, as far as known now: failures, aborts, preempted
// and slow requests always; the rest when the hash of the id falls under success_rate.
func (p *Processor) kept(r *request) bool {
	switch {
	case r.outcome == OutcomeFailure || r.outcome == OutcomeAborted || r.preemptions > 0 || r.errMsg != "" || r.errType != "":
		return true
	case !r.start.IsZero() && r.end.Sub(r.start) >= p.cfg.Slow:
		return true
	case p.cfg.SuccessRate >= 1:
		return true
	}
	return float64(xxhash.Sum64String(r.id)>>11)/(1<<53) < p.cfg.SuccessRate
}

// end closes r with outcome (reason says why when no line of its own ended it), appends its
// summary when the sampling keeps it (or holds it back for its access line), and keeps its id
// for linger.
func (p *Processor) end(r *request, outcome, reason string, now int64, out []*event.Event) []*event.Event {
	r.outcome, r.reason = outcome, reason
	r.serverAnswered()
	sent := p.kept(r)
	p.summaries.WithLabelValues(r.outcome, boolLabel(sent)).Inc()
	p.open.remove(r)
	p.nOpen--
	r.closed, r.seen, r.settle = true, now, p.settles(r)
	p.closed.pushBack(r)
	p.nClosed++
	switch {
	case r.settle || p.holds(r):
		r.held = true
		p.held = append(p.held, r)
	case sent:
		out = append(out, p.summary(r, reason))
	}
	return out
}

// serverAnswered makes an aborted request whose response was the server's error (a 5xx access
// line tied to it) a failure: no client went away.
func (r *request) serverAnswered() {
	if r.outcome == OutcomeAborted && r.status >= 500 {
		r.outcome = OutcomeFailure
	}
}

// settles reports whether r's summary waits access_window for the line that says why it
// failed: the API server's own words say only that the engine failed it ("Request <id> failed
// with an internal error during generation"), the engine core's error line may come after them.
//
// An abort waits too: V0 logs "Aborted request <id>." for any request an exception ended, a
// client's disconnect or the engine's death alike, and the engine's error, whose traceback the
// parse processor holds until it ends, comes after it (failAll makes it a failure then, as a 5xx
// access line does).
//
// So does a failure whose error only points at the engine's ("EngineDeadError: EngineCore
// encountered an issue. See stack trace (above) for the root cause."): the engine core's line
// with the cause, held for its traceback, comes after it.
func (p *Processor) settles(r *request) bool {
	return p.cfg.AccessWindow > 0 && (r.outcome == OutcomeFailure && (r.failure == vllm.FailureInternal && r.errKind == "" || pointer(r)) ||
		r.outcome == OutcomeAborted)
}

// pointer reports whether r's error only says that the engine died, the cause elsewhere: V1's
// EngineDeadError, V0's AsyncEngineDeadError and MQEngineDeadError, or a "failed (engine dead)"
// line with no error of its own.
func pointer(r *request) bool {
	return strings.HasSuffix(r.errType, "EngineDeadError") || strings.Contains(r.errMsg, "See stack trace") ||
		r.errType == "" && r.errMsg == "" && strings.Contains(r.failure, "engine dead")
}

func boolLabel(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// forget drops an ended request whose linger is over (sending its summary if it still waits
// for its access line).
func (p *Processor) forget(r *request, out []*event.Event) []*event.Event {
	if r.held {
		out = p.release(r, out)
	}
	r.pod.dropCand(r)
	p.closed.remove(r)
	p.nClosed--
	delete(r.pod.requests, r.id)
	if base, ok := engineSuffixed(r.id); ok && r.pod.twins[base] == r {
		delete(r.pod.twins, base)
	}
	if len(r.pod.requests) == 0 && p.pods[r.pod.key] == r.pod {
		delete(p.pods, r.pod.key)
	}
	return out
}

// makeRoom ends the least recently seen open request when max_open are open, and forgets the
// oldest ended one when as many are kept for linger: the state never holds more than twice
// max_open requests.
func (p *Processor) makeRoom(now int64, out []*event.Event) []*event.Event {
	if p.closed.head != nil && p.nClosed >= p.cfg.MaxOpen {
		out = p.forget(p.closed.head, out)
	}
	if p.nOpen >= p.cfg.MaxOpen && p.open.head != nil {
		p.evicted.Inc()
		out = p.end(p.open.head, OutcomeUnknown, EndEvicted, now, out)
	}
	return out
}

// idList reads the JSON list of ids the parser writes for "Aborted request(s) a, b.".
func idList(raw string) []string {
	var ids []string
	if json.Unmarshal([]byte(raw), &ids) != nil {
		return nil
	}
	return ids
}

// engineSuffixed returns the client's id of an id that carries V1's engine suffix, "-" and 8
// lower-case hex digits after an id of 8 or more characters ("chatcmpl-req-a1f76d7a-124a-4c27-
// a79d-2610a261-a44df1a4"), which the parser could not tell from a client's own (an id from an
// X-Request-Id it keeps as the line gives it).
func engineSuffixed(id string) (string, bool) {
	n := len(id)
	if n < 17 || id[n-9] != '-' || !parseutil.IsLowerHex(id[n-8:]) {
		return "", false
	}
	return id[:n-9], true
}

// twin returns the request id names with or without V1's engine suffix: the engine's abort
// names a request by its internal id ("Aborted request(s) <id>-a44df1a4."), its output handler by
// the client's ("Request <id> aborted."). One request, one summary.
func (pd *pod) twin(id string) *request {
	if base, ok := engineSuffixed(id); ok {
		if r := pd.requests[base]; r != nil {
			return r
		}
	}
	return pd.twins[id]
}
