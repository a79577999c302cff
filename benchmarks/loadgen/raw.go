package loadgen

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"time"

	protocol "github.com/elastic/go-lumber/protocol/v2"
	"github.com/klauspost/compress/zlib"

	"github.com/sluice-dev/sluice/benchmarks/corpus"
)

// rawWindow is one window as go-lumber's client writes it ("2W" count, then one "2C" frame of
// zlib-compressed "2J" frames), encoded once and sent as it is.
type rawWindow struct {
	wire   []byte
	events int
	bytes  int64 // JSON bytes of its events
}

// encodeWindow writes events as go-lumber's client does at the given zlib level: JSON frames
// numbered from 1 inside one compressed frame.
func encodeWindow(events [][]byte, level int) (rawWindow, error) {
	var frames bytes.Buffer
	var n int64
	for i, ev := range events {
		frames.Write([]byte{protocol.CodeVersion, protocol.CodeJSONDataFrame})
		frames.Write(binary.BigEndian.AppendUint32(nil, uint32(i+1)))
		frames.Write(binary.BigEndian.AppendUint32(nil, uint32(len(ev))))
		frames.Write(ev)
		n += int64(len(ev))
	}
	var z bytes.Buffer
	zw, err := zlib.NewWriterLevel(&z, level)
	if err != nil {
		return rawWindow{}, err
	}
	if _, err := zw.Write(frames.Bytes()); err != nil {
		return rawWindow{}, err
	}
	if err := zw.Close(); err != nil {
		return rawWindow{}, err
	}
	w := []byte{protocol.CodeVersion, protocol.CodeWindowSize}
	w = binary.BigEndian.AppendUint32(w, uint32(len(events)))
	w = append(w, protocol.CodeVersion, protocol.CodeCompressed)
	w = binary.BigEndian.AppendUint32(w, uint32(z.Len()))
	w = append(w, z.Bytes()...)
	return rawWindow{wire: w, events: len(events), bytes: n}, nil
}

// rawWindows builds the windows a precompressed connection cycles through: Pool events (at
// least one window's) cut into windows of cfg.Window, with SplitGroups each window opening with
// the end of a traceback and closing with the start of another, so that the cycle joins too.
func rawWindows(cfg Config, gen *corpus.Generator) ([]rawWindow, error) {
	k := max(1, cfg.Pool/cfg.Window)
	out := make([]rawWindow, 0, k)
	for range k {
		evs := make([][]byte, 0, cfg.Window)
		fill := cfg.Window
		var head [][]byte
		if cfg.SplitGroups && cfg.Window > 2*splitHead+4 {
			tail := gen.Traceback()[splitHead:] // the end of the last window's traceback
			evs = append(evs, tail...)
			head = gen.Traceback()[:splitHead]
			fill = cfg.Window - len(tail) - len(head)
		}
		for range fill {
			evs = append(evs, gen.Event())
		}
		evs = append(evs, head...)
		w, err := encodeWindow(evs, cfg.Level)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, nil
}

// inFlight is a window sent and not yet acknowledged.
type inFlight struct {
	w  rawWindow
	t0 time.Time
}

// runRaw is runConn for Precompressed: the windows are encoded up front and written to the
// socket as they are, at most Pipelining unacknowledged, and ACK frames are read back (an ACK
// below the window's size is a keepalive). The generator then costs almost no CPU.
func runRaw(ctx context.Context, cfg Config, seed uint64, limit int, interval time.Duration) (Result, error) {
	var r Result
	gen := corpus.New(seed)
	gen.NodePaths = cfg.NodePaths
	windows, err := rawWindows(cfg, gen)
	if err != nil {
		return r, err
	}
	conn, err := net.DialTimeout("tcp", cfg.Addr, cfg.Timeout)
	if err != nil {
		return r, fmt.Errorf("loadgen: dial %s: %w", cfg.Addr, err)
	}
	defer conn.Close()
	pipelining := max(cfg.Pipelining, 1)
	queue := make(chan inFlight, pipelining)
	acked := make(chan error, 1)
	go func() { acked <- readACKs(conn, cfg.Timeout, queue, &r) }()
	due := time.Now()
	sent := 0
	var sendErr error
	for i := 0; ctx.Err() == nil && (limit == 0 || sent < limit); i++ {
		w := windows[i%len(windows)]
		if limit > 0 && limit-sent < w.events { // the last, partial window
			part := make([][]byte, 0, limit-sent)
			for range limit - sent {
				part = append(part, gen.Event())
			}
			if w, err = encodeWindow(part, cfg.Level); err != nil {
				sendErr = err
				break
			}
		}
		if interval > 0 {
			if d := time.Until(due); d > 0 {
				select {
				case <-ctx.Done():
				case <-time.After(d):
				}
			}
			due = due.Add(interval)
		}
		select {
		case queue <- inFlight{w: w, t0: time.Now()}: // waits while Pipelining windows are out
		case err := <-acked:
			return r, fmt.Errorf("loadgen: acks: %w", err)
		}
		_ = conn.SetWriteDeadline(time.Now().Add(cfg.Timeout))
		if _, err := conn.Write(w.wire); err != nil {
			sendErr = err
			break
		}
		sent += w.events
	}
	close(queue)
	err = <-acked
	if sendErr != nil {
		return r, fmt.Errorf("loadgen: send window: %w", sendErr)
	}
	if err != nil {
		return r, fmt.Errorf("loadgen: await acks: %w", err)
	}
	return r, nil
}

// readACKs reads ACK frames for the windows in queue, in order, until queue is closed and empty.
// r is written only here until it returns.
func readACKs(conn net.Conn, timeout time.Duration, queue <-chan inFlight, r *Result) error {
	br := bufio.NewReader(conn)
	var ack [6]byte
	for f := range queue {
		for {
			_ = conn.SetReadDeadline(time.Now().Add(timeout))
			if _, err := io.ReadFull(br, ack[:]); err != nil {
				r.Failures++
				return err
			}
			if ack[0] != protocol.CodeVersion || ack[1] != protocol.CodeACK {
				return fmt.Errorf("unexpected frame %q", ack[:2])
			}
			if int(binary.BigEndian.Uint32(ack[2:])) >= f.w.events {
				break
			}
		}
		r.Latency = append(r.Latency, time.Since(f.t0))
		r.Events += f.w.events
		r.Bytes += f.w.bytes
		r.Windows++
	}
	return nil
}
