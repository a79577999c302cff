// Package sink is an Elasticsearch bulk endpoint that only counts and acknowledges, so that a
// benchmark measures sluice and not Elasticsearch. It answers the way Elasticsearch 8 does
// (product header, root info, per-item bulk results) so the official client accepts it, and it
// can be slowed down to measure backpressure.
package sink

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Sink counts bulk documents. The zero value is not usable; call New.
type Sink struct {
	docs      atomic.Int64
	requests  atomic.Int64
	wireBytes atomic.Int64
	rawBytes  atomic.Int64
	delay     atomic.Int64 // per-request delay in nanoseconds
	stallMu   sync.RWMutex // held for writing while stalled: requests wait
	track     *tracker     // set by Track: per-id accounting, rejections, outages
}

// New returns a sink.
func New() *Sink { return &Sink{} }

// Stats is a snapshot of what the sink received.
type Stats struct {
	Docs, Requests, WireBytes, RawBytes int64
}

// Stats returns the counters.
func (s *Sink) Stats() Stats {
	return Stats{s.docs.Load(), s.requests.Load(), s.wireBytes.Load(), s.rawBytes.Load()}
}

// SetDelay makes every bulk request take at least d before it is answered.
func (s *Sink) SetDelay(d time.Duration) { s.delay.Store(int64(d)) }

// Stall holds every bulk request until the returned function is called.
func (s *Sink) Stall() (resume func()) {
	s.stallMu.Lock()
	var once sync.Once
	return func() { once.Do(s.stallMu.Unlock) }
}

const rootInfo = `{"name":"sink","cluster_name":"benchmark","cluster_uuid":"bench","version":{"number":"8.15.0","build_flavor":"default","lucene_version":"9.11.1","minimum_wire_compatibility_version":"7.17.0","minimum_index_compatibility_version":"7.0.0"},"tagline":"You Know, for Search"}`

// ServeHTTP answers the root info request and bulk requests; anything else gets an empty
// acknowledgement so that setup calls succeed.
func (s *Sink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Elastic-Product", "Elasticsearch")
	w.Header().Set("Content-Type", "application/json")
	path := r.URL.Path
	switch {
	case path == "/" && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		io.WriteString(w, rootInfo)
	case len(path) >= 6 && path[len(path)-6:] == "/_bulk":
		s.bulk(w, r)
	default:
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, `{"acknowledged":true}`)
	}
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (s *Sink) bulk(w http.ResponseWriter, r *http.Request) {
	// Waits while a test holds the stall lock: the empty section is the point.
	s.stallMu.RLock()
	s.stallMu.RUnlock() //lint:ignore SA2001 a barrier, not a critical section
	if d := time.Duration(s.delay.Load()); d > 0 {
		time.Sleep(d)
	}
	wire := &countingReader{r: r.Body}
	var body io.Reader = wire
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(wire)
		if err != nil {
			http.Error(w, `{"error":"bad gzip","status":400}`, http.StatusBadRequest)
			return
		}
		defer zr.Close()
		body = zr
	}
	if s.track != nil {
		s.trackedBulk(w, body)
		s.wireBytes.Add(wire.n)
		return
	}
	br := bufio.NewReaderSize(body, 64<<10)
	var lines, raw int64
	partial := false // inside a line longer than the buffer
	for {
		line, err := br.ReadSlice('\n')
		raw += int64(len(line))
		if err == bufio.ErrBufferFull {
			partial = true
			continue
		}
		if partial || len(bytes.TrimSpace(line)) > 0 {
			lines++
		}
		partial = false
		if err != nil {
			break
		}
	}
	docs := lines / 2
	s.docs.Add(docs)
	s.requests.Add(1)
	s.wireBytes.Add(wire.n)
	s.rawBytes.Add(raw)
	resp := make([]byte, 0, 64+int(docs)*32)
	resp = append(resp, `{"took":1,"errors":false,"items":[`...)
	for i := int64(0); i < docs; i++ {
		if i > 0 {
			resp = append(resp, ',')
		}
		resp = append(resp, `{"create":{"status":201,"result":"created","_id":"`...)
		resp = strconv.AppendInt(resp, i, 10)
		resp = append(resp, `"}}`...)
	}
	resp = append(resp, "]}"...)
	w.Write(resp)
}
