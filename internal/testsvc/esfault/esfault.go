// Package esfault is an Elasticsearch double for the failures a real node will not produce on
// demand: per-item 429 and 5xx answers inside a bulk response, whole-request 413, 429 and 503,
// slow answers, dropped connections and outages. It answers like Elasticsearch 8 (the
// X-Elastic-Product header, the `/` info document, bulk responses with per-item status and
// errors:true) so the official go-elasticsearch v8 client accepts it, and it keeps every
// document it accepted by index and _id with Elasticsearch's create semantics (409 for an
// existing id), so a test can assert exactly-once delivery whatever it injected.
//
// Use the real node (testsvc.Elasticsearch) for everything else: mappings, templates, search.
package esfault

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Version is the Elasticsearch version the double claims to be.
const Version = "8.19.21"

// Fault is what the double does with one bulk request. The zero Fault processes it normally.
type Fault struct {
	// Status answers the whole request with this HTTP status and an Elasticsearch error body
	// (413 with an empty body, as Elasticsearch's HTTP layer does); nothing is indexed.
	Status int
	// ItemStatus gives items, by position in the request, an error status (429, 500, 503, 400,
	// 404, 409) instead of indexing them.
	ItemStatus map[int]int
	// Delay holds the answer this long (before indexing, or after it with AfterIndex).
	Delay time.Duration
	// Drop closes the connection without an answer (after indexing with AfterIndex).
	Drop bool
	// AfterIndex applies Delay and Drop after the documents were stored: the client cannot
	// know whether they were, which is the case a retry must not duplicate.
	AfterIndex bool
}

// FaultFunc decides the Fault for a request; n counts bulk requests from 0.
type FaultFunc func(n int, req Request) Fault

// Sequence answers the n-th bulk request with faults[n] and later ones normally.
func Sequence(faults ...Fault) FaultFunc {
	return func(n int, _ Request) Fault {
		if n < len(faults) {
			return faults[n]
		}
		return Fault{}
	}
}

// RejectItems refuses about share (0..1) of the items of every bulk request with status (429:
// the node's write queue is full), picked at random from seed, and indexes the others: a busy
// cluster. Items are refused independently, so a retried item may be refused again.
func RejectItems(share float64, status int, seed uint64) FaultFunc {
	var mu sync.Mutex
	rng := rand.New(rand.NewPCG(seed, seed))
	return func(_ int, req Request) Fault {
		mu.Lock()
		defer mu.Unlock()
		f := Fault{ItemStatus: map[int]int{}}
		for i := range req.Items {
			if rng.Float64() < share {
				f.ItemStatus[i] = status
			}
		}
		return f
	}
}

// Unavailable answers every bulk request as a whole with 503, as a cluster without a master
// or with its primaries unassigned does; unlike Down, connections still succeed.
func Unavailable() FaultFunc {
	return func(int, Request) Fault { return Fault{Status: 503} }
}

// Item is one action of a bulk request.
type Item struct {
	Op     string          // index, create, delete, update
	Index  string          // from the action line, else from the URL path
	ID     string          // empty when the client let Elasticsearch choose
	Source json.RawMessage // the document line; nil for delete
}

// Request is one bulk request as the double received it.
type Request struct {
	Items   []Item
	Gzipped bool
	Header  http.Header
}

// Doc is a stored document.
type Doc struct {
	Index, ID string
	Source    json.RawMessage
	Version   int // 1 on create; grows when an index op overwrites
}

// Server is a running double on 127.0.0.1.
type Server struct {
	addr    string
	maxBody int64

	mu        sync.Mutex
	srv       *http.Server
	conns     map[net.Conn]struct{}
	fault     FaultFunc
	docs      map[string]*Doc // "index\x00id" -> doc
	order     []string        // keys in first-stored order
	requests  []Request
	conflicts int
	autoID    int
	templates map[string]json.RawMessage
}

// Option configures a Server.
type Option func(*Server)

// WithFault sets the fault function from the start.
func WithFault(f FaultFunc) Option { return func(s *Server) { s.fault = f } }

// WithMaxBodyBytes answers larger bulk bodies (after decompression) with 413, like
// http.max_content_length.
func WithMaxBodyBytes(n int64) Option { return func(s *Server) { s.maxBody = n } }

// Start listens on a free loopback port and serves until Close.
func Start(opts ...Option) (*Server, error) {
	s := &Server{conns: map[net.Conn]struct{}{}, docs: map[string]*Doc{},
		templates: map[string]json.RawMessage{}, maxBody: 100 << 20}
	for _, o := range opts {
		o(s)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("esfault: listen: %w", err)
	}
	s.addr = l.Addr().String()
	s.serve(l)
	return s, nil
}

// URL is the base URL for the client, e.g. http://127.0.0.1:41234.
func (s *Server) URL() string { return "http://" + s.addr }

// SetFault replaces the fault function; nil processes everything normally.
func (s *Server) SetFault(f FaultFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault = f
}

func (s *Server) serve(l net.Listener) {
	srv := &http.Server{Handler: http.HandlerFunc(s.handle), ReadHeaderTimeout: 10 * time.Second,
		ConnState: func(c net.Conn, st http.ConnState) {
			s.mu.Lock()
			defer s.mu.Unlock()
			switch st {
			case http.StateNew:
				s.conns[c] = struct{}{}
			case http.StateClosed, http.StateHijacked:
				delete(s.conns, c)
			}
		}}
	s.mu.Lock()
	s.srv = srv
	s.mu.Unlock()
	go func() { _ = srv.Serve(l) }()
}

// Down starts an outage: the port stops accepting and open connections are cut, so clients
// see connection refused or reset. Stored documents are kept.
func (s *Server) Down() {
	s.mu.Lock()
	srv := s.srv
	s.srv = nil
	s.mu.Unlock()
	if srv != nil {
		_ = srv.Close()
	}
}

// Up ends an outage by listening on the same address again.
func (s *Server) Up() error {
	s.mu.Lock()
	running := s.srv != nil
	s.mu.Unlock()
	if running {
		return nil
	}
	// Closing the old listener returns before the socket is released: Go closes the file
	// descriptor only once its blocked Accept has woken up. Until then the port is still
	// taken, so try again for a moment.
	var l net.Listener
	var err error
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if l, err = net.Listen("tcp", s.addr); err == nil || time.Now().After(deadline) {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("esfault: listen again on %s: %w", s.addr, err)
	}
	s.serve(l)
	return nil
}

// Close stops the server for good.
func (s *Server) Close() {
	s.mu.Lock()
	srv := s.srv
	s.srv = nil
	s.mu.Unlock()
	if srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		_ = srv.Close()
	}
}

// Docs returns the stored documents in the order they were first stored.
func (s *Server) Docs() []Doc {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Doc, 0, len(s.order))
	for _, k := range s.order {
		if d, ok := s.docs[k]; ok {
			out = append(out, *d)
		}
	}
	return out
}

// Doc returns one stored document.
func (s *Server) Doc(index, id string) (Doc, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.docs[index+"\x00"+id]
	if !ok {
		return Doc{}, false
	}
	return *d, true
}

// Requests returns every bulk request received, faulted or not.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Conflicts counts create actions refused with 409 because the id existed, and index actions
// that overwrote a document: each is a duplicate delivery the client sent.
func (s *Server) Conflicts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conflicts
}

// Templates returns the index and component templates PUT so far, by "kind/name".
func (s *Server) Templates() map[string]json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]json.RawMessage, len(s.templates))
	for k, v := range s.templates {
		out[k] = v
	}
	return out
}

func (s *Server) countIndex(pattern string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, d := range s.docs {
		if matchIndex(pattern, d.Index) {
			n++
		}
	}
	return n
}

func matchIndex(pattern, index string) bool {
	for _, p := range strings.Split(pattern, ",") {
		if p == "_all" || p == "*" || p == index ||
			(strings.HasSuffix(p, "*") && strings.HasPrefix(index, strings.TrimSuffix(p, "*"))) {
			return true
		}
	}
	return false
}
