package requests

import (
	"strings"
	"time"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// Outcomes of a request (vllm.request.outcome).
const (
	OutcomeSuccess = "success"
	OutcomeFailure = "failure"
	OutcomeAborted = "aborted"
	OutcomeUnknown = "unknown"
)

// Why a request ended without an end line of its own (vllm.request.end_reason).
const (
	EndTTL      = "ttl"
	EndEvicted  = "evicted"
	EndShutdown = "shutdown"
	EndEngine   = "engine_failure"
	EndGPU      = "gpu_failure"
)

// maxText bounds each error text kept per request, so that one long traceback message does not
// make an open request cost kilobytes.
const maxText = 256

// request is what is known of one request while it is open, and for a while after (closed set):
// only numbers and short strings, copied out of the events so that no event stays alive.
type request struct {
	id         string
	pod        *pod
	prev, next *request // least recently seen first

	start, end time.Time // from the lines' @timestamp
	seen       int64     // wall clock of the last line, unix ns, for ttl and linger

	promptTokens, outputTokens, maxTokens int32 // promptTokens: -1 until a line states it (0 is an empty prompt)
	n                                     int32
	temperature, topP                     float32
	lines, preemptions                    uint16
	hasParams                             bool
	hasTemp, hasTopP                      bool // the line stated them (a pooling request's PoolingParams has neither)
	closed                                bool
	// held: ended, its summary waiting (access_window) for the access line of its response.
	held bool
	// settle: ended as a failure, its summary waiting access_window whatever comes, for the
	// line that says why (an engine core's error the parse processor held for a traceback comes
	// after the API server's "failed with an internal error" it caused)
	settle bool
	// endpoint is the API endpoint its id names (endpoints), 0 when unknown.
	endpoint uint8
	// cand: it is one of its server's access candidates, the ctok-th time it was placed there,
	// at candEnd (end in unix ns) (candList).
	cand       bool
	ctok       uint32
	candEnd    int64
	status     int16 // of the access line tied to it, 0 when none
	clientPort uint16

	errAt time.Time // @timestamp of the line errType, errMsg and errKind came from

	lora, finish, failure, errType, errMsg, errKind string
	outcome, reason, clientIP                       string
}

// pod holds the requests of one vLLM server and the context its summaries carry.
type pod struct {
	key      string
	requests map[string]*request
	// twins are the open or lingering requests whose id carries V1's engine suffix ("<client's
	// id>-<8 hex digits>"), by the client's id the other lines name them by; nil until the first
	twins   map[string]*request
	context []field
	source  string // the log file of its first line, for summaries of servers without pod fields
	// access is set once the server has written an access line: its summaries then wait for
	// theirs.
	access bool
	// cands are the requests an access line of this server may belong to, per endpoint (index
	// endpoint - 1; nil until the first): open or recently ended, no access line tied yet.
	cands []candList
	// ordered is set by the first access line of a request endpoint: until then the candidates
	// are kept in no order (candList.insert), which costs less while nothing looks for them.
	ordered bool
}

type field struct {
	key string
	val event.Value
}

// clip copies s (so that it does not keep its event's message alive) and bounds it.
func clip(s string) string {
	if len(s) > maxText {
		s = s[:maxText]
	}
	return strings.Clone(s)
}

// lru is an intrusive list of requests, least recently seen first.
type lru struct{ head, tail *request }

func (l *lru) remove(r *request) {
	if r.prev != nil {
		r.prev.next = r.next
	} else {
		l.head = r.next
	}
	if r.next != nil {
		r.next.prev = r.prev
	} else {
		l.tail = r.prev
	}
	r.prev, r.next = nil, nil
}

func (l *lru) pushBack(r *request) {
	r.prev, r.next = l.tail, nil
	if l.tail != nil {
		l.tail.next = r
	} else {
		l.head = r
	}
	l.tail = r
}

func (l *lru) touch(r *request) {
	if l.tail == r {
		return
	}
	l.remove(r)
	l.pushBack(r)
}
