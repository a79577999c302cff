package sink

import (
	"bufio"
	"bytes"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// tracker keeps what a tracking sink stored, by document id, so that a run can be checked for
// lost and duplicated documents while the sink refuses some of them the way a busy cluster does.
type tracker struct {
	mu          sync.Mutex
	rng         *rand.Rand
	reject      float64 // share of items answered 429
	unavailable bool    // answer every bulk request 503
	stored      map[string]struct{}
	refused     map[string]struct{} // ids answered 429 at least once
	conflicts   int64               // create of an id already stored (answered 409)
	timeline    []int64             // documents stored per 100 ms since Track
	start       time.Time
}

// Track makes the sink behave like Elasticsearch with op_type create and remember every id:
// a second create of a stored id is answered 409 and counted, not stored again. Call it before
// any request. seed makes the random rejections repeatable.
func (s *Sink) Track(seed uint64) {
	s.track = &tracker{rng: rand.New(rand.NewPCG(seed, seed)), stored: map[string]struct{}{},
		refused: map[string]struct{}{}, start: time.Now()}
}

// SetReject answers this share of items (0..1) with 429, at random, without storing them.
func (s *Sink) SetReject(share float64) {
	s.track.mu.Lock()
	s.track.reject = share
	s.track.mu.Unlock()
}

// SetUnavailable answers every bulk request 503 while on (a cluster that lost its master).
func (s *Sink) SetUnavailable(on bool) {
	s.track.mu.Lock()
	s.track.unavailable = on
	s.track.mu.Unlock()
}

// Elapsed is the time since Track, the origin of the timeline.
func (s *Sink) Elapsed() time.Duration { return time.Since(s.track.start) }

// Tracked is what a tracking sink saw.
type Tracked struct {
	// Stored is the number of distinct documents stored.
	Stored int64
	// Conflicts counts creates of ids already stored: documents sent again after they were
	// stored. Elasticsearch would answer 409 too; a duplicate would need an index op.
	Conflicts int64
	// Lost counts ids answered 429 at least once and never stored.
	Lost int64
	// Timeline is documents stored per 100 ms since Track.
	Timeline []int64
}

// Tracking returns the tracking counters.
func (s *Sink) Tracking() Tracked {
	t := s.track
	t.mu.Lock()
	defer t.mu.Unlock()
	lost := int64(0)
	for id := range t.refused {
		if _, ok := t.stored[id]; !ok {
			lost++
		}
	}
	return Tracked{Stored: int64(len(t.stored)), Conflicts: t.conflicts, Lost: lost,
		Timeline: append([]int64(nil), t.timeline...)}
}

// trackedBulk answers a bulk request item by item, storing, refusing or conflicting.
func (s *Sink) trackedBulk(w http.ResponseWriter, body io.Reader) {
	t := s.track
	t.mu.Lock()
	down := t.unavailable
	t.mu.Unlock()
	if down {
		io.Copy(io.Discard, body)
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, `{"error":{"type":"unavailable_shards_exception","reason":"sink unavailable"},"status":503}`)
		return
	}
	ids := actionIDs(body)
	resp := make([]byte, 0, 64+len(ids)*48)
	resp = append(resp, `{"took":1,"errors":true,"items":[`...)
	stored := int64(0)
	t.mu.Lock()
	for i, id := range ids {
		if i > 0 {
			resp = append(resp, ',')
		}
		_, exists := t.stored[id]
		switch {
		case exists:
			t.conflicts++
			resp = append(resp, `{"create":{"status":409,"error":{"type":"version_conflict_engine_exception","reason":"document already exists"}}}`...)
		case t.reject > 0 && t.rng.Float64() < t.reject:
			t.refused[id] = struct{}{}
			resp = append(resp, `{"create":{"status":429,"error":{"type":"es_rejected_execution_exception","reason":"sink rejected"}}}`...)
		default:
			t.stored[id] = struct{}{}
			stored++
			resp = append(resp, `{"create":{"status":201,"_id":`...)
			resp = strconv.AppendQuote(resp, id)
			resp = append(resp, `}}`...)
		}
	}
	slot := int(time.Since(t.start) / (100 * time.Millisecond))
	for len(t.timeline) <= slot {
		t.timeline = append(t.timeline, 0)
	}
	t.timeline[slot] += stored
	t.mu.Unlock()
	s.docs.Add(stored)
	s.requests.Add(1)
	resp = append(resp, "]}"...)
	w.Write(resp)
}

// actionIDs reads the _id of every action line of a bulk body (the lines after them are the
// documents).
func actionIDs(body io.Reader) []string {
	br := bufio.NewReaderSize(body, 1<<20)
	var ids []string
	action := true
	for {
		line, err := br.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			if action {
				ids = append(ids, idOf(line))
			}
			action = !action
		}
		if err != nil {
			return ids
		}
	}
}

func idOf(line []byte) string {
	const key = `"_id":"`
	i := bytes.Index(line, []byte(key))
	if i < 0 {
		return ""
	}
	rest := line[i+len(key):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 {
		return ""
	}
	return string(rest[:j])
}
