package elasticsearch

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/output/sender"
)

// fakeES is a fault-injecting stand-in for the bulk API. It keeps documents by index and _id
// with create semantics (409 when the id exists), so a test can check that nothing was lost and
// nothing duplicated whatever faults it injected.
type fakeES struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	docs     map[string]string // index/_id -> source
	requests []fakeReq         // every bulk request received
	fault    func(n int, items []fakeItem) fault
}

type fakeItem struct {
	Op, Index, ID, Source string
}

type fakeReq struct {
	items   []fakeItem
	gzipped bool
	auth    string
}

// fault is what the double does with one request: answer with a whole-request status, give
// some items a status, index and then hang past the client's timeout, or drop the connection.
type fault struct {
	status     int                // whole-request status; 0 processes the items
	itemStatus func(fakeItem) int // 0: normal processing
	indexThen  bool               // index the items even though the request then fails
	hang       bool               // wait until the client gives up
	drop       bool               // close the connection without an answer
}

func newFakeES(t *testing.T) *fakeES {
	f := &fakeES{t: t, docs: map[string]string{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeES) setFault(fn func(n int, items []fakeItem) fault) {
	f.mu.Lock()
	f.fault = fn
	f.mu.Unlock()
}

func (f *fakeES) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Elastic-Product", "Elasticsearch")
	if !strings.HasPrefix(r.URL.Path, "/_bulk") {
		http.Error(w, `{"error":{"type":"not_found"}}`, http.StatusNotFound)
		return
	}
	var rd io.Reader = r.Body
	gz := r.Header.Get("Content-Encoding") == "gzip"
	if gz {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		rd = zr
	}
	items, err := parseBulk(rd)
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"error":{"type":"parse_exception","reason":%q},"status":400}`, err.Error())
		return
	}
	f.mu.Lock()
	n := len(f.requests)
	f.requests = append(f.requests, fakeReq{items: items, gzipped: gz, auth: r.Header.Get("Authorization")})
	var ft fault
	if f.fault != nil {
		ft = f.fault(n, items)
	}
	var resp []byte
	if ft.status == 0 || ft.indexThen {
		resp = f.index(items, ft.itemStatus)
	}
	f.mu.Unlock()
	switch {
	case ft.drop:
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	case ft.hang:
		<-r.Context().Done()
	case ft.status != 0:
		w.WriteHeader(ft.status)
		fmt.Fprintf(w, `{"error":{"type":"injected","reason":"status %d"},"status":%d}`, ft.status, ft.status)
	default:
		w.Header().Set("Content-Type", "application/json")
		w.Write(resp)
	}
}

// index applies items with create semantics and returns a bulk response. Called with f.mu held.
func (f *fakeES) index(items []fakeItem, itemStatus func(fakeItem) int) []byte {
	var b bytes.Buffer
	errs := false
	b.WriteString(`{"items":[`)
	for i, it := range items {
		st := 0
		if itemStatus != nil {
			st = itemStatus(it)
		}
		key := it.Index + "/" + it.ID
		if st == 0 {
			_, exists := f.docs[key]
			switch {
			case !json.Valid([]byte(it.Source)):
				st = 400
			case exists && it.Op == "create":
				st = 409
			default:
				f.docs[key] = it.Source
				st = 201
			}
		}
		if i > 0 {
			b.WriteByte(',')
		}
		if st >= 300 {
			errs = true
			fmt.Fprintf(&b, `{%q:{"status":%d,"error":{"type":"injected_%d","reason":"item failed"}}}`, it.Op, st, st)
		} else {
			fmt.Fprintf(&b, `{%q:{"status":%d}}`, it.Op, st)
		}
	}
	fmt.Fprintf(&b, `],"errors":%v}`, errs)
	return b.Bytes()
}

func parseBulk(r io.Reader) ([]fakeItem, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	var items []fakeItem
	for sc.Scan() {
		action := sc.Text()
		if !sc.Scan() {
			return nil, fmt.Errorf("action without source: %s", action)
		}
		var op string
		var meta gjson.Result
		gjson.Parse(action).ForEach(func(k, v gjson.Result) bool { op, meta = k.Str, v; return false })
		if op == "" {
			return nil, fmt.Errorf("bad action line %q", action)
		}
		id := meta.Get("_id").Str
		if id == "" {
			id = fmt.Sprintf("auto-%d", len(items))
		}
		items = append(items, fakeItem{Op: op, Index: meta.Get("_index").Str, ID: id, Source: sc.Text()})
	}
	return items, sc.Err()
}

// messages returns the message of every stored document, counted.
func (f *fakeES) messages() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]int{}
	for _, src := range f.docs {
		out[gjson.Get(src, "message").Str]++
	}
	return out
}

func (f *fakeES) reqs() []fakeReq {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakeReq(nil), f.requests...)
}

// testClock sleeps a millisecond for any backoff (so fault storms do not spin) and either runs
// flush timers for real or keeps them for the test to fire.
type testClock struct {
	manual bool
	mu     sync.Mutex
	timers []func()
	sleeps []time.Duration
}

func (c *testClock) Now() time.Time { return time.Now() }

func (c *testClock) AfterFunc(d time.Duration, fn func()) {
	if !c.manual {
		time.AfterFunc(d, fn)
		return
	}
	c.mu.Lock()
	c.timers = append(c.timers, fn)
	c.mu.Unlock()
}

func (c *testClock) fire() {
	c.mu.Lock()
	ts := c.timers
	c.timers = nil
	c.mu.Unlock()
	for _, fn := range ts {
		fn()
	}
}

func (c *testClock) Sleep(ctx context.Context, d time.Duration) bool {
	c.mu.Lock()
	c.sleeps = append(c.sleeps, d)
	c.mu.Unlock()
	return sender.SystemClock{}.Sleep(ctx, time.Millisecond)
}

// memDL is an in-memory dead letter.
type memDL struct {
	mu      sync.Mutex
	events  []*event.Event
	reasons []string
	fail    bool
}

func (d *memDL) Write(_ context.Context, e *event.Event, _ string, reason string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.fail {
		return fmt.Errorf("disk full")
	}
	d.events = append(d.events, e.Clone())
	d.reasons = append(d.reasons, reason)
	return nil
}

// testOutput builds an output against the double with small, fast settings.
func testOutput(t *testing.T, f *fakeES, clk *testClock, dl pipeline.DeadLetter, tweak func(*Config)) *Output {
	t.Helper()
	cfg := NewConfig()
	cfg.Hosts = []string{f.srv.URL}
	cfg.FlushCount = 50
	cfg.Timeout = 2 * time.Second
	cfg.Retry = RetryConfig{InitialBackoff: time.Millisecond, MaxBackoff: 4 * time.Millisecond}
	if tweak != nil {
		tweak(cfg)
	}
	client, err := NewClient(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	o, err := newOutput(pipeline.Settings{ID: "elasticsearch", DeadLetter: dl}, cfg, client.Perform, clk)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		o.Close(ctx)
	})
	return o
}

// makeBatch returns a batch of n events with unique messages from one source, and a channel that
// receives the ack's status.
func makeBatch(src string, first, n int) (*event.Batch, chan event.Status) {
	done := make(chan event.Status, 1)
	evs := make([]*event.Event, n)
	for i := range evs {
		ev := event.NewMessage(fmt.Sprintf("%s line %d", src, first+i), time.Unix(1700000000, 0))
		ev.Meta.Input, ev.Meta.Source, ev.Meta.Offset = "test", src, int64(first+i)
		ev.SetString("event.dataset", "vllm.engine")
		evs[i] = ev
	}
	return event.NewBatch(evs, event.NewAck(func(s event.Status) { done <- s })), done
}
