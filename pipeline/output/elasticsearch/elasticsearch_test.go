package elasticsearch

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/tidwall/gjson"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
)

// deliverAll sends batches of size per batch from one source and waits for every ack.
func deliverAll(t *testing.T, o *Output, batches, size int) []event.Status {
	t.Helper()
	var acks []chan event.Status
	for i := range batches {
		b, done := makeBatch("src", i*size, size)
		if err := o.Deliver(context.Background(), b); err != nil {
			t.Fatalf("deliver: %v", err)
		}
		acks = append(acks, done)
	}
	return waitAll(t, acks)
}

// waitAll returns the status of every ack, failing the test if one does not resolve.
func waitAll(t *testing.T, acks []chan event.Status) []event.Status {
	t.Helper()
	out := make([]event.Status, len(acks))
	for i, a := range acks {
		select {
		case out[i] = <-a:
		case <-time.After(20 * time.Second):
			t.Fatalf("batch %d never resolved", i)
		}
	}
	return out
}

// waitDelivered fails the test unless every ack resolves Delivered.
func waitDelivered(t *testing.T, acks []chan event.Status) {
	t.Helper()
	for i, s := range waitAll(t, acks) {
		if s != event.Delivered {
			t.Errorf("batch %d: %v", i, s)
		}
	}
}

// assertExactlyOnce checks that every one of n lines is stored once.
func assertExactlyOnce(t *testing.T, f *fakeES, n int) {
	t.Helper()
	got := f.messages()
	if len(got) != n {
		t.Errorf("stored %d distinct documents, want %d", len(got), n)
	}
	for i := range n {
		if c := got[fmt.Sprintf("src line %d", i)]; c != 1 {
			t.Errorf("line %d stored %d times", i, c)
		}
	}
}

func TestFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		fault func(n int, items []fakeItem) fault
		tweak func(*Config)
		check func(t *testing.T, f *fakeES, o *Output)
	}{
		{name: "healthy", check: func(t *testing.T, f *fakeES, o *Output) {
			if got := testutil.ToFloat64(o.m.indexed); got != 300 {
				t.Errorf("indexed metric %v", got)
			}
			raw, wire := testutil.ToFloat64(o.m.bytesRaw), testutil.ToFloat64(o.m.bytesGzip)
			if wire <= 0 || wire >= raw {
				t.Errorf("bytes raw %v, sent %v: want gzip smaller", raw, wire)
			}
			if testutil.CollectAndCount(o.m.latency) != 1 || testutil.ToFloat64(o.m.inflightReqs) != 0 {
				t.Error("latency or in-flight metrics not kept")
			}
			for _, r := range f.reqs() {
				if !r.gzipped {
					t.Error("request not gzipped by default")
				}
			}
		}},
		{
			name: "partial 429",
			fault: func(n int, items []fakeItem) fault {
				if n >= 3 {
					return fault{}
				}
				return fault{itemStatus: func(it fakeItem) int {
					if strings.HasSuffix(gjsonMsg(it), "3") {
						return 429
					}
					return 0
				}}
			},
			check: func(t *testing.T, f *fakeES, o *Output) {
				// Only the refused items are sent again, and they travel with new documents
				// instead of holding a worker until they are stored.
				sent := map[string]int{}
				mixed := false
				for _, r := range f.reqs() {
					retried, fresh := false, false
					for _, it := range r.items {
						m := gjsonMsg(it)
						if sent[m] > 0 {
							retried = true
						} else {
							fresh = true
						}
						sent[m]++
					}
					mixed = mixed || (retried && fresh)
				}
				for m, n := range sent {
					if n > 1 && !strings.HasSuffix(m, "3") {
						t.Errorf("resent an item that had succeeded: %s", m)
					}
				}
				if !mixed {
					t.Error("no request carried retried items with new ones")
				}
				if got := testutil.ToFloat64(o.m.itemErrors.WithLabelValues("429")); got == 0 {
					t.Error("no 429 item errors counted")
				}
			},
			tweak: func(c *Config) { c.Workers = 1; c.FlushCount = 100 },
		},
		{name: "5xx storm", fault: func(n int, _ []fakeItem) fault {
			if n < 8 {
				return fault{status: 503 - n%2*1} // 503, 502
			}
			return fault{}
		}},
		{name: "413 splits", fault: func(_ int, items []fakeItem) fault {
			if len(items) > 7 {
				return fault{status: 413}
			}
			return fault{}
		}, check: func(t *testing.T, f *fakeES, _ *Output) {
			for _, r := range f.reqs() {
				if len(r.items) > 50 {
					t.Errorf("request of %d items, above flush_count", len(r.items))
				}
			}
		}},
		{name: "slow responses past the timeout", fault: func(n int, _ []fakeItem) fault {
			if n%3 == 0 && n < 9 {
				return fault{indexThen: true, hang: true}
			}
			return fault{}
		}, tweak: func(c *Config) { c.Timeout = 100 * time.Millisecond }},
		{name: "dropped connections after indexing", fault: func(n int, _ []fakeItem) fault {
			if n%2 == 0 && n < 10 {
				return fault{indexThen: n%4 == 0, drop: true}
			}
			return fault{}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeES(t)
			f.setFault(tc.fault)
			o := testOutput(t, f, &testClock{}, &memDL{}, tc.tweak)
			for i, s := range deliverAll(t, o, 10, 30) {
				if s != event.Delivered {
					t.Errorf("batch %d resolved %v", i, s)
				}
			}
			assertExactlyOnce(t, f, 300)
			if tc.check != nil {
				tc.check(t, f, o)
			}
			if got := o.snd.HeldBytes(); got != 0 {
				t.Errorf("held bytes after delivery = %d, want 0", got)
			}
		})
	}
}

func gjsonMsg(it fakeItem) string {
	i := strings.Index(it.Source, `"message":"`)
	if i < 0 {
		return ""
	}
	s := it.Source[i+len(`"message":"`):]
	return s[:strings.IndexByte(s, '"')]
}

// TestDeadLetter: mapping and parse errors go to the dead letter with status and reason; the
// batch still resolves Delivered because the events are safe there. Without a working dead
// letter they resolve Rejected, never silently.
func TestDeadLetter(t *testing.T) {
	t.Parallel()
	for _, failDL := range []bool{false, true} {
		t.Run(fmt.Sprintf("dead letter fails=%v", failDL), func(t *testing.T) {
			t.Parallel()
			f := newFakeES(t)
			f.setFault(func(_ int, _ []fakeItem) fault {
				return fault{itemStatus: func(it fakeItem) int {
					switch gjsonMsg(it) {
					case "src line 4":
						return 400
					case "src line 7":
						return 404
					}
					return 0
				}}
			})
			dl := &memDL{fail: failDL}
			o := testOutput(t, f, &testClock{}, dl, nil)
			st := deliverAll(t, o, 1, 10)
			want := event.Delivered
			if failDL {
				want = event.Rejected
			}
			if st[0] != want {
				t.Fatalf("status %v, want %v", st[0], want)
			}
			if got := testutil.ToFloat64(o.m.deadLettered); got != 2 {
				t.Errorf("dead-lettered metric %v, want 2", got)
			}
			if failDL {
				return
			}
			if len(dl.events) != 2 || dl.events[0].Message() != "src line 4" {
				t.Fatalf("dead letter holds %d events", len(dl.events))
			}
			if r := dl.reasons[0]; !strings.Contains(r, "status 400") || !strings.Contains(r, "item failed") ||
				!strings.Contains(r, "logs-vllm.engine-default") {
				t.Errorf("reason %q lacks status, reason or index", r)
			}
			if n := len(f.messages()); n != 8 {
				t.Errorf("indexed %d, want 8", n)
			}
		})
	}
}

// TestDuplicateCreateIsDelivered: a document already present (409 on create) is a success.
func TestDuplicateCreateIsDelivered(t *testing.T) {
	t.Parallel()
	f := newFakeES(t)
	o := testOutput(t, f, &testClock{}, &memDL{}, nil)
	deliverAll(t, o, 2, 10)
	// The same events again, as Filebeat resends a window after a reconnect.
	if st := deliverAll(t, o, 2, 10); st[0] != event.Delivered || st[1] != event.Delivered {
		t.Fatalf("replay resolved %v", st)
	}
	assertExactlyOnce(t, f, 20)
	if got := testutil.ToFloat64(o.m.duplicates); got != 20 {
		t.Errorf("duplicates = %v, want 20", got)
	}
}

// TestConflictUnreadableKeepsTheRecord: a record of several lines answered 409, whose stored
// document cannot be read (the double has no multi-get), is sent again under an id of its own:
// a copy too many, never its lines lost. A record of one line answered 409 stays a replay.
func TestConflictUnreadableKeepsTheRecord(t *testing.T) {
	t.Parallel()
	f := newFakeES(t)
	o := testOutput(t, f, &testClock{}, &memDL{}, nil)
	send := func(id, msg string) {
		t.Helper()
		ev := event.NewMessage(msg, time.Unix(1700000000, 0))
		ev.Meta.ID = id
		done := make(chan event.Status, 1)
		if err := o.Deliver(t.Context(), event.NewBatch([]*event.Event{ev}, event.NewAck(func(s event.Status) { done <- s }))); err != nil {
			t.Fatal(err)
		}
		if s := <-done; s != event.Delivered {
			t.Fatalf("%q: %v", msg, s)
		}
	}
	const head, whole = "Traceback (most recent call last):", "Traceback (most recent call last):\n  File \"x.py\", line 1\nValueError: bad"
	send("a", head)
	send("a", whole)
	send("a", head)
	got := f.messages()
	if len(got) != 2 || got[head] != 1 || got[whole] != 1 {
		t.Fatalf("stored %v: want the first line and the whole record once each", got)
	}
	if r, d := testutil.ToFloat64(o.m.rekeyed), testutil.ToFloat64(o.m.duplicates); r != 1 || d != 1 {
		t.Errorf("rekeyed %v, duplicates %v: want 1 and 1", r, d)
	}
}

// TestFlushTriggers: a request leaves when it reaches flush_count, flush_bytes, or the flush
// interval after its first document, whichever comes first.
func TestFlushTriggers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		tweak  func(*Config)
		events int
		fire   bool
		want   int // requests
	}{
		{"count", func(c *Config) { c.FlushCount = 5 }, 10, false, 2},
		{"bytes", func(c *Config) { c.FlushBytes = 1024; c.FlushCount = 1000 }, 10, true, 2},
		{"interval", func(c *Config) { c.FlushCount = 1000 }, 3, true, 1},
		// No timer fires: an idle worker sends the filling request at once.
		{"idle worker", func(c *Config) { c.FlushCount = 1000 }, 3, false, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeES(t)
			clk := &testClock{manual: true}
			o := testOutput(t, f, clk, &memDL{}, tc.tweak)
			b, done := makeBatch("src", 0, tc.events)
			if err := o.Deliver(context.Background(), b); err != nil {
				t.Fatal(err)
			}
			if tc.fire {
				clk.fire()
			}
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("not flushed")
			}
			if n := len(f.reqs()); n < tc.want {
				t.Errorf("%d requests, want at least %d", n, tc.want)
			}
		})
	}
}

// TestCloseDeadLettersUndelivered: when Close's context (shutdown_timeout) ends while the
// cluster is unreachable, every accepted document goes to the dead letter with the last error as
// its reason and its batch resolves Delivered; Close says how many. Before, the batches resolved
// Retry and a file input in read mode exited 0 with the events nowhere.
func TestCloseDeadLettersUndelivered(t *testing.T) {
	t.Parallel()
	addr := pipelinetest.RefusedAddr(t)
	cfg := NewConfig()
	cfg.Hosts = []string{"http://" + addr}
	cfg.Retry = RetryConfig{InitialBackoff: time.Millisecond, MaxBackoff: 4 * time.Millisecond}
	dl := &pipelinetest.RecordingDeadLetter{}
	o, err := New(pipeline.Settings{ID: "elasticsearch", DeadLetter: dl}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, done := makeBatch("src", 0, 5)
	if err := o.Deliver(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	err = o.Close(ctx)
	if err == nil || !strings.Contains(err.Error(), "5 documents undelivered at shutdown") {
		t.Errorf("Close: %v, want it to count the 5 undelivered documents", err)
	}
	if s := <-done; s != event.Delivered {
		t.Errorf("status %v, want delivered (the dead letter holds the events)", s)
	}
	got := dl.Entries()
	if len(got) != 5 {
		t.Fatalf("%d events dead-lettered, want 5", len(got))
	}
	for _, e := range got {
		if !strings.HasPrefix(e.Reason, "undelivered at shutdown: elasticsearch unreachable:") ||
			!strings.Contains(e.Reason, "connection refused") {
			t.Errorf("reason %q does not name the last error", e.Reason)
		}
	}
	b2, done2 := makeBatch("src", 5, 1)
	if err := o.Deliver(context.Background(), b2); err == nil {
		t.Error("Deliver after Close succeeded")
	}
	if s := <-done2; s != event.Retry {
		t.Errorf("after close: %v", s)
	}
}

// TestCloseWithoutDeadLetterResolvesRetry: a document the dead letter cannot take is left for
// the source to resend, never dropped.
func TestCloseWithoutDeadLetterResolvesRetry(t *testing.T) {
	t.Parallel()
	f := newFakeES(t)
	f.setFault(func(int, []fakeItem) fault { return fault{status: 503} })
	o := testOutput(t, f, &testClock{}, &memDL{fail: true}, nil)
	b, done := makeBatch("src", 0, 5)
	if err := o.Deliver(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := o.Close(ctx); err == nil || !strings.Contains(err.Error(), "5 left for the source to resend") {
		t.Errorf("Close: %v", err)
	}
	if s := <-done; s != event.Retry {
		t.Errorf("status %v, want retry", s)
	}
}

// TestDeadLetterIndex: with dead_letter_index set, refused documents are also indexed there
// with the reason, status and original document, which keeps them safe even when the runtime's
// dead letter fails.
func TestDeadLetterIndex(t *testing.T) {
	t.Parallel()
	f := newFakeES(t)
	f.setFault(func(_ int, items []fakeItem) fault {
		return fault{itemStatus: func(it fakeItem) int {
			if gjsonMsg(it) == "src line 1" && it.Index != "sluice-dead-letter" {
				return 400
			}
			return 0
		}}
	})
	o := testOutput(t, f, &testClock{}, &memDL{fail: true}, func(c *Config) { c.DeadLetterIndex = "sluice-dead-letter" })
	if st := deliverAll(t, o, 1, 3); st[0] != event.Delivered {
		t.Fatalf("status %v: the dead-letter index should have kept the document", st[0])
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var dlq []string
	for k, src := range f.docs {
		if strings.HasPrefix(k, "sluice-dead-letter/") {
			dlq = append(dlq, src)
		}
	}
	if len(dlq) != 1 {
		t.Fatalf("%d documents in the dead-letter index", len(dlq))
	}
	d := gjson.Parse(dlq[0])
	orig := gjson.Parse(d.Get("event.original").Str)
	if d.Get("error.code").Int() != 400 || !strings.Contains(d.Get("error.message").Str, "item failed") ||
		orig.Get("message").Str != "src line 1" || d.Get("sluice.index").Str != "logs-vllm.engine-default" {
		t.Errorf("dead-letter document %s", dlq[0])
	}
}

// TestCloseFlushes: Close sends what waits for the flush timer and resolves it Delivered.
func TestCloseFlushes(t *testing.T) {
	t.Parallel()
	f := newFakeES(t)
	o := testOutput(t, f, &testClock{manual: true}, &memDL{}, func(c *Config) { c.FlushCount = 1000 })
	b, done := makeBatch("src", 0, 3)
	if err := o.Deliver(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	if err := o.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if s := <-done; s != event.Delivered {
		t.Fatalf("status %v", s)
	}
	assertExactlyOnce(t, f, 3)
}
