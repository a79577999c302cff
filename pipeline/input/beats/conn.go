package beats

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	protocol "github.com/elastic/go-lumber/protocol/v2"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// Reasons to end a connection that are not a protocol error: the first three close gracefully
// (see linger), errForced at once.
var (
	errIdle     = errors.New("beats: connection idle")
	errNotAcked = errors.New("beats: window not delivered")
	errClosing  = errors.New("beats: input closing")
	errForced   = errors.New("beats: closed at the shutdown deadline")
)

// window is one Lumberjack window handed to the pipeline and waiting for its ack.
type window struct {
	n      int
	status chan event.Status // buffered: the ack callback never blocks
}

// conn serves one client. Two goroutines share it: readLoop reads windows and hands them to
// the pipeline; ackLoop answers them in order, ACK when delivered, keepalive while pending.
type conn struct {
	in     *Input
	nc     net.Conn
	peer   string
	host   string // the peer's address without its port: one client's connections share it
	name   string // client certificate name, if any
	since  time.Time
	log    *slog.Logger
	br     *bufio.Reader
	fr     *frameReader
	dec    *decoder
	slots  chan struct{} // windows this connection may have pending (pending_windows)
	queue  chan *window  // windows in the order the client sent them
	closed chan struct{}
	once   sync.Once

	reading atomic.Bool // a window is being read: its remaining parts are on their way

	windows, events, bytes, pending, keepalives atomic.Int64
	lastActive                                  atomic.Int64 // unix nanos of the last window or ACK
}

func newConn(in *Input, nc net.Conn, name string) *conn {
	c := &conn{
		in: in, nc: nc, peer: nc.RemoteAddr().String(), name: name, since: time.Now(),
		slots:  make(chan struct{}, in.cfg.PendingWindows),
		queue:  make(chan *window, in.cfg.PendingWindows),
		closed: make(chan struct{}),
	}
	c.host = c.peer
	if h, _, err := net.SplitHostPort(c.peer); err == nil {
		c.host = h
	}
	c.log = in.log.With("peer", c.peer)
	if name != "" {
		c.log = c.log.With("client", name)
	}
	c.br = bufio.NewReaderSize(countingReader{r: nc, n: &c.bytes, total: in.m.bytes}, 16<<10)
	c.fr = newFrameReader(c.br, limits{maxWindow: in.cfg.MaxWindowSize,
		maxFrame: int(in.cfg.MaxFrameSize), maxBytes: int(in.cfg.MaxWindowBytes)})
	c.dec = newDecoder(in.id, in.cfg.EventOriginal == OriginalKeep)
	return c
}

// lingerTimeout bounds a graceful close: how long the client has to read our last ACKs and
// close its side.
const lingerTimeout = 2 * time.Second

// close ends the connection once, logging why. Ends that are not the client's fault (shutdown,
// idleness, a window not delivered) close gracefully; see linger.
func (c *conn) close(err error) {
	c.once.Do(func() {
		close(c.closed)
		if errors.Is(err, errClosing) || errors.Is(err, errIdle) || errors.Is(err, errNotAcked) {
			c.linger()
		} else {
			_ = c.nc.Close()
		}
		attrs := []any{"windows", c.windows.Load(), "events", c.events.Load(), "bytes", c.bytes.Load(),
			"pending", c.pending.Load(), "keepalives", c.keepalives.Load(),
			"duration", time.Since(c.since).Round(time.Millisecond)}
		var pe *protocolError
		switch {
		case errors.As(err, &pe):
			c.in.m.protocolErrors.WithLabelValues(pe.Reason).Inc()
			c.in.warn(c.log, "protocol:"+pe.Reason, "beats: closing connection: protocol error",
				append(attrs, "reason", pe.Reason, "error", pe.Detail)...)
		case err == nil || errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) ||
			errors.Is(err, errClosing) || errors.Is(err, errIdle):
			c.log.Info("beats: connection closed", append(attrs, "reason", reasonText(err))...)
		default:
			c.in.warn(c.log, "connection_error", "beats: connection closed", append(attrs, "error", err)...)
		}
	})
}

// isClosed reports whether close has run.
func (c *conn) isClosed() bool {
	select {
	case <-c.closed:
		return true
	default:
		return false
	}
}

// linger sends FIN after the ACKs already written, reads and discards what the client still
// sends until it closes its side (or lingerTimeout passes), and only then closes. Closing a
// socket that has unread data makes the kernel answer with RST, and a client that receives RST
// may drop the ACKs still in its receive buffer: Filebeat would then send again windows that
// were delivered. Seen as duplicates in TestFilebeatThroughRuntime before this.
func (c *conn) linger() {
	hard := time.AfterFunc(lingerTimeout, func() { _ = c.nc.Close() })
	cw, ok := c.nc.(interface{ CloseWrite() error })
	if !ok || cw.CloseWrite() != nil {
		hard.Stop()
		_ = c.nc.Close()
		return
	}
	c.in.ackers.Add(1) // Input.Close waits for the linger too
	go func() {
		defer c.in.ackers.Done()
		_ = c.nc.SetReadDeadline(time.Now().Add(lingerTimeout))
		_, _ = io.Copy(io.Discard, c.nc)
		hard.Stop()
		_ = c.nc.Close()
	}()
}

func reasonText(err error) string {
	switch {
	case err == nil:
		return "done"
	case errors.Is(err, io.EOF), errors.Is(err, syscall.ECONNRESET):
		return "client closed"
	}
	return err.Error()
}

// readLoop reads windows until the client leaves, a protocol error, or ctx ends. On ctx it
// returns without closing: ackLoop still answers the windows already handed over.
// The caller closes c.queue after it, once it has recorded why reading stopped.
func (c *conn) readLoop(ctx context.Context, next pipeline.Consumer) error {
	stop := context.AfterFunc(ctx, func() { _ = c.nc.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()
	for {
		if err := c.waitData(ctx); err != nil {
			return err
		}
		select { // at most pending_windows unanswered: past it, TCP pushes back on the client
		case c.slots <- struct{}{}:
		case <-c.closed:
			return errClosing
		case <-ctx.Done():
			return ctx.Err()
		}
		if err := c.readWindow(ctx, next); err != nil {
			return err
		}
	}
}

// waitData waits for the first byte of the next window. Silence is idleness only while no
// window is pending; a client waiting for an ACK is not idle.
func (c *conn) waitData(ctx context.Context) error {
	for {
		// The deadline is set before ctx is checked: a cancel after the check moves it to the
		// past (readLoop's AfterFunc) after this line, so Peek cannot wait the idle timeout.
		_ = c.nc.SetReadDeadline(time.Now().Add(c.in.cfg.IdleTimeout))
		if ctx.Err() != nil {
			return ctx.Err()
		}
		_, err := c.br.Peek(1)
		switch {
		case err == nil:
			return nil
		case ctx.Err() != nil:
			return ctx.Err()
		case isTimeout(err) && c.pending.Load() > 0:
			continue
		case isTimeout(err) && time.Since(time.Unix(0, c.lastActive.Load())) < c.in.cfg.IdleTimeout:
			continue // an ACK went out during the wait: the client is busy, not idle
		case isTimeout(err):
			return errIdle
		}
		return err
	}
}

func (c *conn) readWindow(ctx context.Context, next pipeline.Consumer) error {
	_ = c.nc.SetReadDeadline(time.Now().Add(c.in.cfg.ReadTimeout))
	if ctx.Err() != nil { // as in waitData: checked after the deadline is set
		return ctx.Err()
	}
	count, err := c.fr.readWindowHeader()
	if err != nil {
		return c.readErr(ctx, err)
	}
	if count == 0 {
		<-c.slots
		return nil
	}
	share := c.in.budget.Share(int64(count))
	if err := c.reserve(ctx, share); err != nil {
		return err
	}
	root, err := c.open(count, share)
	if err != nil {
		return err
	}
	c.reading.Store(true)
	defer c.reading.Store(false)
	_ = c.nc.SetReadDeadline(time.Now().Add(c.in.cfg.ReadTimeout)) // reading starts now
	received := time.Now()
	events := make([]*event.Event, 0, min(count, handOverEvery))
	failures := 0
	var consumeErr error
	err = c.fr.readEvents(count, func(_ uint32, payload []byte) {
		ev, ok := c.dec.decode(payload, c.peer, received)
		if !ok {
			failures++
		}
		events = append(events, ev)
		if len(events) == handOverEvery && consumeErr == nil {
			consumeErr = c.handOver(ctx, next, root, events)
			events = make([]*event.Event, 0, min(count, handOverEvery))
		}
	})
	if failures > 0 {
		c.in.m.decodeFailures.Add(float64(failures))
		c.in.set.Metrics.Failed.Add(float64(failures))
		c.in.warn(c.log, "decode", "beats: events that are not JSON objects kept with tag "+TagDecodeFailure, "events", failures)
	}
	if err == nil && consumeErr == nil && len(events) > 0 {
		consumeErr = c.handOver(ctx, next, root, events)
	}
	if err != nil || consumeErr != nil {
		// The window is answered with no ACK (the connection closes): Filebeat sends it again,
		// and the parts already handed over are written again under the same document ids.
		if err != nil {
			err = c.readErr(ctx, err)
		} else {
			err = consumeErr
		}
		if ctx.Err() == nil {
			c.close(err) // first, so the connection ends for this reason, not for the missing ACK
		}
		root.Resolve(event.Retry)
		return err
	}
	c.windows.Add(1)
	c.events.Add(int64(count))
	c.in.m.windows.Inc()
	c.in.m.events.Add(float64(count))
	c.in.m.windowSize.Observe(float64(count))
	root.Resolve(event.Delivered) // the window's own reference: the parts decide its answer
	return nil
}

// handOverEvery is how many events of a window go to the pipeline together. A window (2048
// events from Filebeat by default) is handed over in parts as it is decoded, so that the
// pipeline parses, encodes and sends the first part while the rest is still being read: one
// connection then keeps more than one core busy, and a window's ACK waits for the slowest part
// rather than for every stage in turn.
const handOverEvery = 512

// open queues a window for its answer and returns the batch that holds its acknowledgement
// until every part is handed over: each part is derived from it, and the window is answered
// once all of them and this batch are resolved. The ack callback runs on whatever goroutine
// resolves the last part; it only records the status.
func (c *conn) open(count int, share int64) (*event.Batch, error) {
	select {
	case <-c.closed: // closing: this window will not be acknowledged, so it must not be delivered
		c.in.budget.Release(share)
		return nil, errClosing
	default:
	}
	c.lastActive.Store(time.Now().UnixNano())
	w := &window{n: count, status: make(chan event.Status, 1)}
	c.pending.Add(1)
	c.in.m.pendingWindows.Inc()
	ack := event.NewAck(func(s event.Status) {
		c.in.budget.Release(share)
		// Activity first: a reader that sees nothing pending must also see that the
		// connection was busy until now, or it could close it as idle before this window's
		// ACK is written.
		c.lastActive.Store(time.Now().UnixNano())
		c.pending.Add(-1)
		c.in.m.pendingWindows.Dec()
		w.status <- s
	})
	ack.SetWaits(func() bool { return c.in.waitsFor(c) })
	c.queue <- w // never blocks: a slot was taken for it
	root := event.NewBatch(nil, ack)
	root.Key = c.peer
	return root, nil
}

// handOver gives one part of a window to the pipeline. Once the connection is closing the rest
// of the window is not delivered: it will not be acknowledged.
func (c *conn) handOver(ctx context.Context, next pipeline.Consumer, root *event.Batch, events []*event.Event) error {
	select {
	case <-c.closed:
		return errClosing
	default:
	}
	return next.Consume(ctx, root.Derive(events))
}

func (c *conn) readErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if isTimeout(err) {
		return protoErr(reasonReadTimeout, "window not received within %s", c.in.cfg.ReadTimeout)
	}
	return err
}

// ackLoop answers windows in the order they came. A window resolved Retry or Rejected closes
// the connection without an ACK: Filebeat then resends everything it has not seen acknowledged,
// and nothing is marked done in its registry that is not safe downstream.
func (c *conn) ackLoop() {
	for w := range c.queue {
		if err := c.await(w); err != nil {
			c.close(err)
			return
		}
		<-c.slots
	}
	c.close(errClosing)
}

func (c *conn) await(w *window) error {
	t := time.NewTimer(c.in.cfg.KeepaliveInterval)
	defer t.Stop()
	for {
		select {
		case s := <-w.status:
			c.in.m.acks.WithLabelValues(s.String()).Inc()
			if s != event.Delivered {
				return errNotAcked
			}
			err := c.writeACK(uint32(w.n))
			c.lastActive.Store(time.Now().UnixNano())
			return err
		case <-t.C:
			// Nothing of this window is acknowledged yet: an ACK of sequence 0 tells Filebeat
			// the window is alive and resets its read timeout, without acknowledging anything.
			if err := c.writeACK(0); err != nil {
				return err
			}
			c.in.m.keepalives.Inc()
			c.keepalives.Add(1)
			t.Reset(c.in.cfg.KeepaliveInterval)
		case <-c.closed:
			return errClosing
		}
	}
}

func (c *conn) writeACK(seq uint32) error {
	buf := [6]byte{protocol.CodeVersion, protocol.CodeACK}
	binary.BigEndian.PutUint32(buf[2:], seq)
	_ = c.nc.SetWriteDeadline(time.Now().Add(c.in.cfg.WriteTimeout))
	_, err := c.nc.Write(buf[:])
	return err
}

// countingReader counts the bytes read from a connection.
type countingReader struct {
	r     io.Reader
	n     *atomic.Int64
	total interface{ Add(float64) }
}

func (r countingReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if n > 0 {
		r.n.Add(int64(n))
		r.total.Add(float64(n))
	}
	return n, err
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, os.ErrDeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

// isNetErr tells errors of the connection from errors of the bytes it carried.
func isNetErr(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, net.ErrClosed) || errors.Is(err, os.ErrDeadlineExceeded)
}
