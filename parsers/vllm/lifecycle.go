package vllm

import (
	"strings"

	"github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// Fields and actions of the lines that say how a request ended when it did not finish normally.
const (
	// FieldFailureReason is what "Request <id> failed (<reason>)" names: engine dead, bad
	// request, input error; "" (not set) for the bare "Request <id> failed.".
	FieldFailureReason = "vllm.request.failure_reason"
	ActionFailed       = "request_failed"
	ActionPreempted    = "request_preempted"
	ActionResumed      = "request_resumed"
)

// requestOutcome reads what V1's AsyncLLM.generate logs (with request logging on) when a
// request leaves it other than finished, after "Request <id> ":
//
//	aborted.                              (client went away)
//	failed (engine dead).                 (0.8 and later)
//	failed (bad request).                 (0.8, 0.9)
//	failed (bad request): <message>.      (0.10 and later)
//	failed (input error): <message>.      (0.11 and later)
//	failed.                               (anything else)
//	failed due to <Class>: <message>.     (anything else, 0.34)
//	failed validation: <message>          (the engine core's check refused it, 0.34)
//	failed with an internal error during generation    (the OpenAI server's, 2026 builds)
//
// The level stays the one vLLM wrote (INFO): the error itself is logged on its own line.
// FailureInternal is the failure reason of the OpenAI server's "failed with an internal error
// during generation", which says only that the engine failed the request: its cause is on the
// engine core's own line.
const FailureInternal = "internal error"

// FailureKVLoad is the failure reason of the requests V1's scheduler fails when their KV cache
// could not be loaded from a connector (a prefill/decode split's transfer, an offloaded cache).
const FailureKVLoad = "kv load failure"

func requestOutcome(ev *event.Event, id, after string) bool {
	if after == "aborted." {
		ev.SetString(event.FieldEventAction, ActionAborted)
		setPromptID(ev, id) // AsyncLLM.generate names the prompt's request
		return true
	}
	rest, ok := strings.CutPrefix(after, "failed")
	if !ok {
		return false
	}
	var reason, msg string
	switch {
	case rest == ".":
	case strings.HasPrefix(rest, " due to "):
		// the exception the generate() task failed with, "Class: message" (0.34): the error
		// and its kind, as on an error line
		exc := strings.TrimSuffix(rest[len(" due to "):], ".")
		if typ, m, ok := SplitException(exc, true); ok {
			ev.SetString(event.FieldErrorType, typ)
			exc = m
		}
		msg = exc
	case strings.HasPrefix(rest, " validation: "):
		// the engine core's own refusal of a request its checks turned away after the API
		// server took it (0.34's EngineCoreProc._handle_request_validation_error, at INFO: the
		// request finishes with an error, the client gets its validation_error)
		reason, msg = "validation", strings.TrimSpace(rest[len(" validation: "):])
		if msg == "" {
			return false
		}
	case rest == " with an internal error during generation":
		// the OpenAI server's own error line when the engine's output stream fails (2026
		// builds, serving.py): the client gets a 500
		reason = FailureInternal
	case strings.HasPrefix(rest, " ("):
		end := strings.IndexByte(rest, ')')
		if end < 0 {
			return false
		}
		reason, msg = rest[2:end], strings.TrimSuffix(strings.TrimPrefix(rest[end+1:], ": "), ".")
		if msg == "" && rest[end+1:] != "." {
			return false
		}
	default:
		return false
	}
	ev.SetString(event.FieldEventAction, ActionFailed)
	setPromptID(ev, id)
	if reason != "" {
		ev.SetString(FieldFailureReason, reason)
	}
	if msg != "" {
		ev.SetString(event.FieldErrorMsg, msg)
		if k := Classify(msg); k != "" {
			// what the message names: a prompt longer than the model takes (bad request), a
			// CUDA error the generate() task died of
			ev.SetString(FieldErrorKind, k)
		}
	}
	return true
}

// rejected reads why AsyncLLM's admission control refused a request (0.34): "Engine <status> -
// rejecting request <id>." (fault tolerance: the engine not healthy), "Request queue full -
// rejecting request <id> (current=256, n=1, max=256)." (--max-num-queued-reqs), "Max queued
// tokens reached - rejecting request <id> (current_tokens=..., max=...)."
// (--max-num-queued-tokens). The request failed; the reason is the line's first words.
func rejected(ev *event.Event, b string) bool {
	why, rest, ok := strings.Cut(b, " - rejecting request ")
	if !ok || len(why) > 48 {
		return false
	}
	id, _, _ := strings.Cut(strings.TrimSuffix(rest, "."), " ")
	id = strings.TrimSuffix(id, ".")
	if !validID(id) {
		return false
	}
	switch {
	case why == "Request queue full":
		why = "queue full"
	case why == "Max queued tokens reached":
		why = "max queued tokens"
	case strings.HasPrefix(why, "Engine ") && strings.IndexByte(why[len("Engine "):], ' ') < 0:
		why = "engine " + why[len("Engine "):] // "engine unhealthy", "engine diagnosing", "engine dead"
	default:
		return false
	}
	ev.SetString(event.FieldEventAction, ActionFailed)
	ev.SetString(FieldFailureReason, why)
	setPromptID(ev, id)
	return true
}

// preempted reads V0's scheduler warning "Sequence group <id> is preempted by
// PreemptionMode.RECOMPUTE mode because there is not enough KV cache space. ..." (0.4 to 0.10;
// 0.6.0 and 0.6.1 wrote "is preempted in PreemptionMode.RECOMPUTE mode"); the sequence group's
// id is the request id.
func preempted(ev *event.Event, b string) {
	id, rest, ok := strings.Cut(b[len("Sequence group "):], " ")
	if !ok || !(strings.HasPrefix(rest, "is preempted by ") || strings.HasPrefix(rest, "is preempted in ")) || !validID(id) {
		return
	}
	ev.SetString(event.FieldEventAction, ActionPreempted)
	setID(ev, id)
}

// resumed reads V1's scheduler lines about a preempted request that runs again: "Preempted
// request <id> has been resumed!" and "Resumed request <id> has 8704 computed tokens".
func resumed(ev *event.Event, b string) {
	_, rest, _ := strings.Cut(b, " request ")
	id, rest, ok := strings.Cut(rest, " ")
	if !ok || !strings.HasPrefix(rest, "has ") || !validID(id) {
		return
	}
	ev.SetString(event.FieldEventAction, ActionResumed)
	setID(ev, id)
}

// idPrefixes start the ids vLLM's OpenAI server gives requests (chat, completions, embeddings,
// responses, pooling, scoring, classification, transcription; chat's was "chat-" in 0.6.0 to
// 0.6.3, pooling's "pool-" before its serving class named it "pooling-"). "chat-" also starts
// words ("chat-template"): its id must go on with a hex uuid.
var idPrefixes = [...]string{"chatcmpl-", "cmpl-", "embd-", "resp_", "pooling-", "pool-", "score-", "classify-", "rerank-", "trsc-", "trsl-", "chat-"}

// mentionedID finds the request a warning or error line names in free text: its context
// dict's 'request_id', "Failed to advance FSM for request <id> for tokens 1", "... request <id>
// ...", or an id with a known prefix anywhere. A word after "request " counts only when it holds a digit, '-' or '_', so "the request
// but ignored" names none.
func mentionedID(b string) string {
	// vLLM's KV-transfer failures since January 2026 name it in their context dict: "NIXL
	// transfer failure: ... | Context: {'failure_type': ..., 'request_id': '<id>', ...}"
	if _, after, ok := strings.Cut(b, "'request_id': '"); ok {
		if id, _, ok := strings.Cut(after, "'"); ok && id != "" && !strings.ContainsAny(id, " \\") {
			return id
		}
	}
	// "request " and "Request " alike, found by their rare 'q'.
	for i := 0; ; {
		j := strings.Index(b[i:], "quest ")
		if j < 0 {
			break
		}
		k := i + j
		i = k + len("quest ")
		if k < 2 || b[k-1] != 'e' || (b[k-2] != 'r' && b[k-2] != 'R') {
			continue
		}
		if id := idToken(b[i:]); strings.ContainsAny(id, "0123456789-_") {
			return id
		}
	}
	// Then an id with a known prefix, found by the '-' or '_' that ends the prefix.
	for _, sep := range [...]byte{'-', '_'} {
		for i := 0; ; {
			j := strings.IndexByte(b[i:], sep)
			if j < 0 {
				break
			}
			m := i + j
			i = m + 1
			w := m
			for w > 0 && m-w < maxIDPrefix && isIDByte(b[w-1]) && b[w-1] != sep {
				w--
			}
			if w > 0 && isIDByte(b[w-1]) {
				continue // the word goes on before: not a prefix at its start
			}
			for _, p := range idPrefixes {
				if b[w:m+1] == p {
					if id := idToken(b[w:]); len(id) > len(p) && (p != "chat-" || hexID(id[len(p):])) {
						return id
					}
				}
			}
		}
	}
	return ""
}

// hexID reports whether s starts with a uuid's 32 hex digits (what random_uuid gives).
func hexID(s string) bool {
	if len(s) < 32 {
		return false
	}
	for i := range 32 {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// maxIDPrefix is the length of the longest of idPrefixes without its separator ("classify").
const maxIDPrefix = 8

// idToken returns the id at the start of s: letters, digits, '-', '_', '.', without a
// trailing '.'.
func idToken(s string) string {
	n := 0
	for n < len(s) && n < 256 && isIDByte(s[n]) {
		n++
	}
	id := strings.TrimRight(s[:n], ".")
	if d := strings.IndexByte(id, '-'); d > 0 {
		// a sentence run into the id, its space lost (LMCache's "Request %s" "The number of
		// retrieved tokens ...", two strings joined): vLLM's ids end in lowercase hex
		h := d + 1
		for h < len(id) && (id[h] >= '0' && id[h] <= '9' || id[h] >= 'a' && id[h] <= 'f') {
			h++
		}
		if k := h - d - 1; (k == 16 || k == 32) && h+1 < len(id) && id[h] >= 'A' && id[h] <= 'Z' && id[h+1] >= 'a' && id[h+1] <= 'z' {
			id = id[:h]
		}
	}
	return id
}

func isIDByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
}

// ActionSchedulerDump marks V1's dump of the batch the engine was running when it failed.
const ActionSchedulerDump = "scheduler_dump"

// schedulerDump reads the ids of the requests in V1's "Dumping scheduler output for model
// execution: SchedulerOutput(scheduled_new_reqs=[NewRequestData(req_id=<id>,...)],
// scheduled_cached_reqs=CachedRequestData(req_ids=['<id>', ...], ...) ...)" (0.9 and later;
// 0.8-0.9 wrote a list of CachedRequestData(req_id=<id>, ...), and the first versions the
// SchedulerOutput(...) as a record of its own after "Dumping scheduler output for model
// execution:"): the requests in the batch that crashed the engine, as a list in
// vllm.request.id. The token ids in it are user data and are replaced (redactDumpTokens); it
// returns the body with them replaced.
func (p *Parser) schedulerDump(ev *event.Event, b, msg string, lineLen int) string {
	b = p.redactDumpTokens(ev, b, msg, lineLen)
	var ids []string
	seen := map[string]bool{}
	add := func(id string) {
		id = strings.Trim(id, "'\"")
		if validID(id) && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	for s := b; ; {
		i := strings.Index(s, "req_id")
		if i < 0 {
			break
		}
		// finished_req_ids=[...]: requests that ended before this step, not in the batch
		finished := strings.HasSuffix(s[:i], "finished_")
		s = s[i+len("req_id"):]
		switch {
		case finished:
		case strings.HasPrefix(s, "="):
			add(quotedIDToken(s[1:]))
		case strings.HasPrefix(s, "s=["):
			list, _, _ := strings.Cut(s[3:], "]")
			for _, id := range strings.Split(list, ",") {
				add(strings.TrimSpace(id))
			}
		}
	}
	ev.SetString(event.FieldEventAction, ActionSchedulerDump)
	if len(ids) > 0 {
		setIDList(ev, ids)
	}
	return b
}

// quotedIDToken returns the id at s, quoted ('id') or bare (id,...).
func quotedIDToken(s string) string {
	if s != "" && (s[0] == '\'' || s[0] == '"') {
		if j := strings.IndexByte(s[1:], s[0]); j >= 0 {
			return s[1 : j+1]
		}
	}
	return idToken(s)
}

// SetRequestID sets the request id, and http.request.id to the uuid it carries when there is
// one: vLLM builds a request's id from its X-Request-Id header ("chatcmpl-" + the header), and a
// gateway in front (ingress-nginx's $req_id, 32 hex digits) logs that header as its own
// http.request.id, so one query finds the gateway's access line, the request's summary (the
// requests processor) and the error lines that name it. The request's other lines, many and
// on the hot path, carry vllm.request.id only: one more field there cost 8 % of the main
// benchmark's throughput.
//
// Without the header vLLM makes the uuid itself (random_uuid: a version 4 uuid's 32 hex digits),
// which no client or gateway logged: such an id is not an http.request.id. A gateway's random
// 32 digits look like one by chance once in 64 requests, whose lines then carry vllm.request.id
// only.
func SetRequestID(ev *event.Event, id string) {
	setID(ev, id)
	if dash := strings.IndexByte(id, '-'); dash > 0 && dash < 12 && hexID(id[dash+1:]) &&
		(len(id) == dash+33 || id[dash+33] == '-') && !uuid4(id[dash+1:dash+33]) {
		ev.SetString(parseutil.FieldHTTPRequestID, id[dash+1:dash+33])
	} else if dash > 0 && dash < 12 && len(id) >= dash+37 && (len(id) == dash+37 || id[dash+37] == '-') &&
		parseutil.IsUUID(id[dash+1:dash+37]) {
		// a uuid with its dashes (vLLM makes its own ids of 32 digits without them): the
		// X-Request-Id a proxy or gateway sent and logs ("cmpl-3da205a6-1c3c-41b5-aeaa-b8421e81fd5c-0",
		// vLLM's P/D proxy's str(uuid.uuid4()), Envoy's)
		ev.SetString(parseutil.FieldHTTPRequestID, id[dash+1:dash+37])
	}
}

// uuid4 reports whether 32 hex digits are a version 4 uuid's: version digit 4, variant 8 to b.
func uuid4(h string) bool {
	switch h[16] {
	case '8', '9', 'a', 'b', 'A', 'B':
		return h[12] == '4'
	}
	return false
}

// setID sets vllm.request.id to the id the client got. Recent vLLM's engine knows a request by
// that id plus "-" and 8 random hex digits (v1 InputProcessor.assign_request_id), so the engine
// core's lines name "chatcmpl-9607509ecbb66b75-9e7ac72d" (a structured-output failure, the
// scheduler's, the KV connectors') where the client, the API server's lines and a gateway have
// "chatcmpl-9607509ecbb66b75": with the suffix dropped, one query on the client's id finds them
// all, and the requests processor keeps one request. Only an id vLLM made itself (16 or 32 hex
// digits, or a uuid, after the prefix) is read so: an id built from a client's X-Request-Id may
// end in anything and is kept as the line gives it.
func setID(ev *event.Event, id string) {
	if id != noRequestID {
		ev.SetString(FieldRequestID, clientID(id, false))
	}
}

// setPromptID is setID for a line that names a request by one of its prompts (see promptBase).
func setPromptID(ev *event.Event, id string) {
	if id != noRequestID {
		ev.SetString(FieldRequestID, clientID(id, true))
	}
}

// clientID is the id the client got for an id a line names: a parallel-sampling child's parent's,
// without the engine's suffix and a prompt's index (ExternalID); with prompt set, an id of the
// client's own naming a prompt without its index too (promptBase).
func clientID(id string, prompt bool) string {
	id = parentID(id)
	if ext, ok := ExternalID(id); ok {
		return ext
	}
	if prompt {
		return promptBase(id)
	}
	return id
}

// parentID returns the request a V1 parallel-sampling child belongs to: a request asking for n
// completions is n requests in the engine, "<index>_<request id>" ("13_chatcmpl-c78d..."); the
// client knows the parent's id. Any other id is returned as it is.
func parentID(id string) string {
	i := 0
	for i < len(id) && i < 6 && id[i] >= '0' && id[i] <= '9' {
		i++
	}
	if i == 0 || i >= len(id) || id[i] != '_' {
		return id
	}
	rest := id[i+1:]
	for _, p := range idPrefixes {
		if len(rest) > len(p) && strings.HasPrefix(rest, p) {
			return rest
		}
	}
	return id
}

// noRequestID is what KServe's vLLM backend names a request without an x-request-id header:
// every such request shares it, so it identifies none.
const noRequestID = "N.A."

// ExternalID returns the client's id of an engine's internal request id,
// "<prefix><id>[-<n>][-<8 hex digits>]" with <id> of 16 or 32 hex digits or a uuid, or a bare
// uuid with the 8 hex digits: without the
// engine's suffix (V1) and without a completion's or embedding's prompt index n (the server
// logs "cmpl-<id>-0" for the first prompt of the request it answers as "cmpl-<id>"). It returns
// false for any other id, and for one that has neither to remove.
func ExternalID(id string) (string, bool) {
	ext, n := id, len(id)
	if n >= 10 && n <= 21 && id[n-9] == '-' && parseutil.IsLowerHex(id[n-8:]) && parseutil.AllDigits(id[:n-9]) {
		// an offline batch's row number (Ray Data's vLLM stage and the LLM class name
		// requests "0", "1", ...), with the engine's suffix: a client's X-Request-Id is
		// never a number with 8 hex digits after it
		return id[:n-9], true
	}
	suffixed := n >= 20 && id[n-9] == '-' && parseutil.IsLowerHex(id[n-8:])
	if suffixed {
		ext = id[:n-9]
	}
	p := 0
	for _, pre := range idPrefixes {
		if strings.HasPrefix(ext, pre) {
			p = len(pre)
			break
		}
	}
	if p == 0 {
		// a bare uuid with the engine's suffix: the id a front end (Dynamo, llm-d's router) gave
		// the request and the client knows, which vLLM suffixes as its own ("ae6b8d99-...-c582fc3a8a26-83d1d9cd");
		// no client's id is a uuid with 8 hex digits after it
		if suffixed && parseutil.IsUUID(ext) {
			return ext, true
		}
		return "", false
	}
	base := ext[p:]
	if d := strings.LastIndexByte(base, '-'); d > 0 {
		if _, ok := parseutil.Atoi(base[d+1:]); ok && clientBase(base[:d]) {
			return ext[:p] + base[:d], true // cmpl-<id>-0: the first prompt of a completion
		}
	}
	if !suffixed || !clientBase(base) {
		return "", false
	}
	return ext, true
}

// clientBase reports whether s is the random part of a request id vLLM's server makes: 16 or
// 32 hex digits, or a uuid.
func clientBase(s string) bool {
	return (len(s) == 16 || len(s) == 32) && parseutil.IsLowerHex(s) || parseutil.IsUUID(s)
}

// ServerRequestID reports whether id is one vLLM's OpenAI server made for a request
// ("chatcmpl-...", "cmpl-...": a known prefix and more), and returns it as SetRequestID would
// set it (the client's id, without an engine's suffix): a KV connector or router writing its own
// format names vLLM's request so.
func ServerRequestID(id string) (string, bool) {
	for _, p := range idPrefixes {
		if len(id) > len(p) && strings.HasPrefix(id, p) && (p != "chat-" || hexID(id[len(p):])) {
			if ext, ok := ExternalID(id); ok {
				return ext, true
			}
			return id, true
		}
	}
	return "", false
}

// RequestMessage reports whether b, a logging record's message, is one of vLLM's request
// lifecycle lines: "Received request <id>: prompt: ..." and "Generated response <id>: output:
// ..." (a request's user data), "Added request <id>.", "Finished request <id>.", "Aborted request
// <id>.". A JSON formatter that writes no logger name still gives them away.
func RequestMessage(b string) bool {
	for _, p := range [...]string{"Added request ", "Finished request ", "Aborted request "} {
		if rest, ok := strings.CutPrefix(b, p); ok {
			return len(rest) > 2 && strings.IndexByte(rest, ' ') < 0 && rest[len(rest)-1] == '.'
		}
	}
	rest, ok := strings.CutPrefix(b, "Received request ")
	if !ok {
		rest, ok = strings.CutPrefix(b, "Generated response ")
	}
	if !ok {
		return false
	}
	_, after, found := strings.Cut(rest[:min(len(rest), 200)], ": ")
	return found && (strings.HasPrefix(after, "prompt: ") || strings.HasPrefix(after, "output: ") || strings.HasPrefix(after, "params: "))
}
