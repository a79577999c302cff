package beats

import (
	"context"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	lumber "github.com/elastic/go-lumber/client/v2"

	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
)

func TestWindowAckedOnlyAfterDelivery(t *testing.T) {
	t.Parallel()
	h := start(t, func(c *Config) { c.KeepaliveInterval = 25 * time.Second })
	cl := h.dial(t, lumber.CompressionLevel(3))
	if err := cl.Send(messages(3, "w1")); err != nil {
		t.Fatal(err)
	}
	acks := make(chan uint32, 4)
	go func() {
		for {
			seq, err := cl.ReceiveACK()
			if err != nil {
				close(acks)
				return
			}
			acks <- seq
		}
	}()
	b1 := h.sink.next(t)
	if b1.Len() != 3 || b1.Events[0].Message() != "w1-0" || b1.Key == "" {
		t.Fatalf("batch: %d events, key %q, first %q", b1.Len(), b1.Key, b1.Events[0].Message())
	}
	// A second window read after the first proves the server went on working; the first
	// must still be unanswered.
	if err := cl.Send(messages(2, "w2")); err != nil {
		t.Fatal(err)
	}
	b2 := h.sink.next(t)
	b2.Resolve(event.Delivered) // resolved out of order: must wait for b1
	// The second window is done once the reader has also let go of it, which it may do just
	// after handing b2 over: wait for that, then make sure it was not answered.
	pipelinetest.Eventually(t, "the second window delivered", func() bool { return value(h.in.m.pendingWindows) == 1 })
	select {
	case seq := <-acks:
		t.Fatalf("ACK %d before the first window was delivered", seq)
	default:
	}
	b1.Resolve(event.Delivered)
	if seq := <-acks; seq != 3 {
		t.Fatalf("first ACK = %d, want 3", seq)
	}
	if seq := <-acks; seq != 2 {
		t.Fatalf("second ACK = %d, want 2", seq)
	}
}

// Not parallel: it measures time, and the parallel tests' CPU load must not stall it.
func TestKeepaliveWhilePending(t *testing.T) {
	h := start(t, func(c *Config) { c.KeepaliveInterval = 20 * time.Millisecond })
	// The client gives up after 1.5s without an ACK frame; the window is held longer.
	cl := h.dial(t, lumber.Timeout(1500*time.Millisecond), lumber.CompressionLevel(3))
	sc, _ := lumber.NewSyncClientWith(cl)
	type result struct {
		n   int
		err error
	}
	done := make(chan result, 1)
	go func() {
		n, err := sc.Send(messages(5, "held"))
		done <- result{n, err}
	}()
	b := h.sink.next(t)
	start := time.Now()
	pipelinetest.Eventually(t, "keepalives for 4s", func() bool {
		return value(h.in.m.keepalives) >= 20 && time.Since(start) > 4*time.Second
	})
	select {
	case r := <-done:
		t.Fatalf("client returned while the window was pending: %d, %v", r.n, r.err)
	default:
	}
	if st := h.in.Stats(); len(st) != 1 || st[0].Keepalives < 20 || st[0].Pending != 1 || st[0].Events != 5 {
		t.Errorf("connection stats %+v", st)
	}
	b.Resolve(event.Delivered)
	if r := <-done; r.err != nil || r.n != 5 {
		t.Fatalf("send = %d, %v", r.n, r.err)
	}
}

func TestRetryClosesConnectionAndResendWorks(t *testing.T) {
	t.Parallel()
	for _, status := range []event.Status{event.Retry, event.Rejected} {
		t.Run(status.String(), func(t *testing.T) {
			t.Parallel()
			h := start(t, nil)
			sc, _ := lumber.NewSyncClientWith(h.dial(t))
			errc := make(chan error, 1)
			go func() { _, err := sc.Send(messages(4, "a")); errc <- err }()
			h.sink.next(t).Resolve(status)
			if err := <-errc; err == nil {
				t.Fatal("window acknowledged although it was not delivered")
			}
			if got := value(h.in.m.acks.WithLabelValues(status.String())); got != 1 {
				t.Errorf("acks{%s} = %v", status, got)
			}
			sc2, _ := lumber.NewSyncClientWith(h.dial(t))
			go func() { _, err := sc2.Send(messages(4, "a")); errc <- err }()
			h.sink.next(t).Resolve(event.Delivered)
			if err := <-errc; err != nil {
				t.Fatalf("resend: %v", err)
			}
		})
	}
}

func TestPipelinedAsyncClient(t *testing.T) {
	t.Parallel()
	h := start(t, nil)
	ac, err := lumber.NewAsyncClientWith(h.dial(t, lumber.CompressionLevel(3)), 2)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 2)
	cb := func(name string) lumber.AsyncSendCallback {
		return func(seq uint32, err error) { got <- fmt.Sprintf("%s:%d:%v", name, seq, err) }
	}
	if err := ac.Send(cb("w1"), messages(2, "w1")); err != nil {
		t.Fatal(err)
	}
	if err := ac.Send(cb("w2"), messages(3, "w2")); err != nil {
		t.Fatal(err)
	}
	b1, b2 := h.sink.next(t), h.sink.next(t)
	b2.Resolve(event.Delivered)
	b1.Resolve(event.Delivered)
	if a, b := <-got, <-got; a != "w1:2:<nil>" || b != "w2:3:<nil>" {
		t.Fatalf("callbacks %s, %s", a, b)
	}
}

// Many Filebeat-like clients at once: every event arrives exactly once and every window is
// acknowledged.
func TestManyConcurrentClients(t *testing.T) {
	t.Parallel()
	h := start(t, nil)
	const clients, windows, perWindow = 30, 5, 40
	seen := make(map[string]int)
	var mu sync.Mutex
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case b := <-h.sink.ch:
				mu.Lock()
				for _, e := range b.Events {
					seen[e.Message()]++
				}
				mu.Unlock()
				b.Resolve(event.Delivered)
			case <-stop:
				return
			}
		}
	}()
	defer close(stop)
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cl, err := lumber.SyncDial(h.addr, lumber.CompressionLevel(c%4), lumber.Timeout(10*time.Second))
			if err != nil {
				errs <- err
				return
			}
			defer cl.Close()
			for w := range windows {
				if n, err := cl.Send(messages(perWindow, fmt.Sprintf("c%d-w%d", c, w))); err != nil || n != perWindow {
					errs <- fmt.Errorf("client %d window %d: %d, %v", c, w, n, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != clients*windows*perWindow {
		t.Fatalf("distinct events = %d, want %d", len(seen), clients*windows*perWindow)
	}
	for m, n := range seen {
		if n != 1 {
			t.Fatalf("%s received %d times", m, n)
		}
	}
}

func TestInvalidJSONEventKept(t *testing.T) {
	t.Parallel()
	h := start(t, nil)
	raw := lumber.JSONEncoder(func(v any) ([]byte, error) { return v.([]byte), nil })
	sc, _ := lumber.NewSyncClientWith(h.dial(t, raw, lumber.CompressionLevel(3)))
	errc := make(chan error, 1)
	go func() {
		_, err := sc.Send([]any{[]byte(`{"message":"good"}`), []byte(`{"message":"cut off`), []byte(`{"message":"after"}`)})
		errc <- err
	}()
	b := h.sink.next(t)
	if b.Len() != 3 {
		t.Fatalf("events = %d", b.Len())
	}
	bad := b.Events[1]
	if bad.Message() != `{"message":"cut off` || !bad.HasTag(TagDecodeFailure) || b.Events[2].Message() != "after" {
		t.Fatalf("bad event: %q %v", bad.Message(), bad.Tags())
	}
	b.Resolve(event.Delivered)
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if got := value(h.in.m.decodeFailures); got != 1 {
		t.Errorf("decode failures = %v", got)
	}
	if got := value(h.in.set.Metrics.Failed); got != 1 { // the input's failed series
		t.Errorf("component failed = %v", got)
	}
}

func TestShutdownStillAcksPendingWindows(t *testing.T) {
	t.Parallel()
	h := start(t, nil)
	sc, _ := lumber.NewSyncClientWith(h.dial(t))
	errc := make(chan error, 1)
	go func() { _, err := sc.Send(messages(2, "s")); errc <- err }()
	b := h.sink.next(t)
	h.cancel()
	if err := <-h.runErr; err != nil {
		t.Fatal(err)
	}
	h.runErr <- nil // for cleanup
	b.Resolve(event.Delivered)
	if err := <-errc; err != nil {
		t.Fatalf("pending window not acknowledged after shutdown began: %v", err)
	}
	// The connection is then closed, so that Filebeat moves to another instance.
	if _, err := sc.Send(messages(1, "late")); err == nil {
		t.Fatal("connection still served after shutdown")
	}
}

// Not parallel: it measures time (see TestKeepaliveWhilePending).
func TestIdleTimeout(t *testing.T) {
	h := start(t, func(c *Config) { c.IdleTimeout = 500 * time.Millisecond; c.KeepaliveInterval = 10 * time.Millisecond })
	// A pending window is not idleness: the client waits for us.
	sc, _ := lumber.NewSyncClientWith(h.dial(t))
	errc := make(chan error, 1)
	go func() { _, err := sc.Send(messages(1, "slow")); errc <- err }()
	b := h.sink.next(t)
	held := time.Now()
	pipelinetest.Eventually(t, "keepalives past the idle timeout", func() bool { return time.Since(held) > 1500*time.Millisecond })
	b.Resolve(event.Delivered)
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	// Silence with nothing pending closes the connection.
	conn := h.rawConn(t)
	var one [1]byte
	if _, err := conn.Read(one[:]); err != io.EOF {
		t.Fatalf("idle connection read: %v, want EOF", err)
	}
}

// pending_windows bounds the windows of one connection in the pipeline: past it the input stops
// reading and TCP pushes back on the client.
func TestPendingWindowsBackpressure(t *testing.T) {
	t.Parallel()
	h := start(t, func(c *Config) { c.PendingWindows = 1 })
	ac, err := lumber.NewAsyncClientWith(h.dial(t), 3)
	if err != nil {
		t.Fatal(err)
	}
	acked := make(chan uint32, 3)
	for w := range 3 {
		if err := ac.Send(func(seq uint32, _ error) { acked <- seq }, messages(w+1, fmt.Sprint("w", w))); err != nil {
			t.Fatal(err)
		}
	}
	for w := range 3 {
		b := h.sink.next(t)
		if b.Len() != w+1 {
			t.Fatalf("window %d has %d events", w, b.Len())
		}
		// The next window is sent but must not be read while this one is pending. (A bounded
		// wait: proving that something does not happen takes some time.)
		select {
		case extra := <-h.sink.ch:
			t.Fatalf("window of %d events read while one was pending", extra.Len())
		case <-time.After(100 * time.Millisecond):
		}
		b.Resolve(event.Delivered)
		if seq := <-acked; seq != uint32(w+1) {
			t.Fatalf("ack %d for window %d", seq, w)
		}
	}
	_ = ac.Close()
	pipelinetest.Eventually(t, "connection gone", func() bool { return value(h.in.m.connections) == 0 && len(h.in.Stats()) == 0 })
}

// A window held back (a traceback's first lines waiting for the rest) makes its client wait
// only when none of the client's other connections is free: Filebeat's loadbalance workers
// send what comes next on a free one without waiting for this window's ACK. Connections of
// another host do not count.
func TestHeldWindowWaitsOnlyWithoutAFreeConnection(t *testing.T) {
	t.Parallel()
	h := start(t, nil)
	// send sends one window on cl and returns its batch as the sink receives it.
	send := func(cl *lumber.Client, prefix string) *event.Batch {
		t.Helper()
		if err := cl.Send(messages(1, prefix)); err != nil {
			t.Fatal(err)
		}
		return h.sink.next(t)
	}
	pending := func(want float64) {
		t.Helper()
		pipelinetest.Eventually(t, fmt.Sprintf("%v windows pending", want), func() bool { return value(h.in.m.pendingWindows) == want })
	}
	a := h.dial(t)
	b1 := send(a, "a")
	held := b1.Hold()
	b1.Resolve(event.Delivered)
	// The read loop marks the window read just after handing its last part over, which may
	// come after the sink has it: wait for that rather than ask at once.
	pipelinetest.Eventually(t, "the client's only connection holds a window: the client waits", held.SourceWaits)

	other, err := lumber.DialWith((&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}}).Dial, h.addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = other.Close() })
	send(other, "other").Resolve(event.Delivered)
	pending(1)
	if !held.SourceWaits() {
		t.Fatal("a free connection of another host made the client's held window not waited for")
	}

	b := h.dial(t)
	send(b, "b").Resolve(event.Delivered) // b is connected and free once its window is answered
	pending(1)
	if held.SourceWaits() {
		t.Fatal("another connection of the client is free, yet its held window is said to be waited for")
	}
	busy := send(b, "b2")
	if !held.SourceWaits() {
		t.Fatal("the client's other connection has a window pending too, yet the held one is not waited for")
	}
	busy.Resolve(event.Delivered)
	pending(1)
	if held.SourceWaits() {
		t.Fatal("the other connection is free again, yet the held window is said to be waited for")
	}
	_ = b.Close()
	pipelinetest.Eventually(t, "the closed connection no longer counts", held.SourceWaits)
	held.Resolve(event.Delivered)
	pending(0)
}

// gate hands the first batch over at once and holds every later one until released.
type gate struct {
	first, later chan *event.Batch
	open         chan struct{}
	n            atomic.Int32
}

func (g *gate) Consume(ctx context.Context, b *event.Batch) error {
	if g.n.Add(1) == 1 {
		g.first <- b
		return nil
	}
	select {
	case <-g.open:
	case <-ctx.Done():
		b.Resolve(event.Retry)
		return ctx.Err()
	}
	g.later <- b
	return nil
}

// A window goes to the pipeline in parts: while its later parts are still being read, the
// client is not waiting for its ACK, whatever its other connections do, and a traceback's first
// lines held at the end of the first part wait for the next.
func TestWindowBeingReadIsNotWaitedFor(t *testing.T) {
	t.Parallel()
	cfg := NewConfig()
	cfg.Address = "127.0.0.1:0"
	in, err := New(defaultSettings(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	g := &gate{first: make(chan *event.Batch, 1), later: make(chan *event.Batch, 8), open: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- in.Run(ctx, g) }()
	t.Cleanup(func() {
		cancel()
		<-done
		cctx, ccancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer ccancel()
		_ = in.Close(cctx)
	})
	cl, err := lumber.Dial(in.Addr().String(), lumber.Timeout(10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cl.Close() })
	if err := cl.Send(messages(2*handOverEvery, "w")); err != nil {
		t.Fatal(err)
	}
	var part *event.Batch
	select {
	case part = <-g.first:
	case <-time.After(10 * time.Second):
		t.Fatal("no first part within 10s")
	}
	if part.Len() != handOverEvery {
		t.Fatalf("first part has %d events, want %d", part.Len(), handOverEvery)
	}
	held := part.Hold()
	part.Resolve(event.Delivered)
	if held.SourceWaits() {
		t.Fatal("the rest of the window is still being read, yet its client is said to wait for the ACK")
	}
	close(g.open)
	select {
	case rest := <-g.later:
		rest.Resolve(event.Delivered)
	case <-time.After(10 * time.Second):
		t.Fatal("no second part within 10s")
	}
	pipelinetest.Eventually(t, "the window read to its end", held.SourceWaits)
	held.Resolve(event.Delivered)
	seq, err := cl.ReceiveACK()
	if err != nil || seq != 2*handOverEvery {
		t.Fatalf("ACK %d, %v; want %d", seq, err, 2*handOverEvery)
	}
}
