package beats

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	lumber "github.com/elastic/go-lumber/client/v2"
	"github.com/klauspost/compress/zlib"

	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
)

// wire builds Lumberjack v2 byte streams, including broken ones.
type wire struct{ bytes.Buffer }

func (w *wire) window(n uint32) *wire {
	w.WriteString("2W")
	_ = binary.Write(w, binary.BigEndian, n)
	return w
}

func (w *wire) json(seq uint32, payload string) *wire {
	w.WriteString("2J")
	_ = binary.Write(w, binary.BigEndian, seq)
	_ = binary.Write(w, binary.BigEndian, uint32(len(payload)))
	w.WriteString(payload)
	return w
}

// compressed wraps inner (already framed) in a 'C' frame.
func (w *wire) compressed(inner []byte) *wire { return w.rawCompressed(zlibStream(inner)) }

// zlibStream is inner compressed as Filebeat does it, zlib level 3.
func zlibStream(inner []byte) []byte {
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, 3)
	_, _ = zw.Write(inner)
	_ = zw.Close()
	return z.Bytes()
}

// badTrailer is zlibStream with its Adler-32 trailer off by one.
func badTrailer(inner []byte) []byte {
	z := zlibStream(inner)
	z[len(z)-1]++
	return z
}

func (w *wire) rawCompressed(z []byte) *wire {
	w.WriteString("2C")
	_ = binary.Write(w, binary.BigEndian, uint32(len(z)))
	w.Write(z)
	return w
}

func frames(payloads ...string) []byte {
	var w wire
	for i, p := range payloads {
		w.json(uint32(i+1), p)
	}
	return w.Bytes()
}

// zlibOf compresses n bytes produced by fill, streaming, without holding them in memory.
func zlibOf(prefix []byte, n int) []byte {
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, 9)
	_, _ = zw.Write(prefix)
	zero := make([]byte, 64<<10)
	for n > 0 {
		k := min(n, len(zero))
		_, _ = zw.Write(zero[:k])
		n -= k
	}
	_ = zw.Close()
	return z.Bytes()
}

func TestProtocolErrorsCloseTheConnection(t *testing.T) {
	t.Parallel()
	big := string(bytes.Repeat([]byte("x"), 30000))
	bigFrame := `{"message":"` + big + `"}`
	tests := []struct {
		name   string
		stream []byte
		reason string
	}{
		{"http garbage", []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), reasonVersion},
		{"lumberjack v1", new(wire).window(1).Bytes()[:0:0], ""}, // placeholder, replaced below
		{"wrong version in window", []byte("1W\x00\x00\x00\x01"), reasonVersion},
		{"wrong version in frame", append(new(wire).window(1).Bytes(), "1J\x00\x00\x00\x01\x00\x00\x00\x02{}"...), reasonVersion},
		{"unknown frame type", append(new(wire).window(1).Bytes(), "2X"...), reasonFrameType},
		{"window too large", new(wire).window(1 << 31).Bytes(), reasonWindowSize},
		{"frame too large", append(new(wire).window(1).Bytes(), "2J\x00\x00\x00\x01\x7f\xff\xff\xff"...), reasonFrameSize},
		{"window bytes", new(wire).window(10).json(1, bigFrame).json(2, bigFrame).json(3, bigFrame).Bytes(), reasonWindowBytes},
		{"compressed frame larger than a window", append(new(wire).window(1).Bytes(), "2C\x7f\xff\xff\xff"...), reasonWindowBytes},
		{"decompression bomb", new(wire).window(1).rawCompressed(zlibOf(frames(`{"message":"a"}`), 4<<20)).Bytes(), reasonTrailing},
		{"bomb inside a frame", new(wire).window(1).rawCompressed(zlibOf([]byte("2J\x00\x00\x00\x01\x00\x00\x10\x00"), 4<<20)).Bytes(), reasonTrailing},
		{"bomb of frames", new(wire).window(100).rawCompressed(zlibOf(bytes.Repeat(frames(bigFrame), 100), 0)).Bytes(), reasonWindowBytes},
		{"nested compression", new(wire).window(1).compressed(new(wire).compressed(frames(`{}`)).Bytes()).Bytes(), reasonNested},
		{"bad zlib", new(wire).window(1).rawCompressed([]byte("not zlib at all")).Bytes(), reasonCompression},
		{"zlib cut short", new(wire).window(1).rawCompressed(zlibOf(frames(`{"message":"a"}`), 0)[:8]).Bytes(), reasonTruncated},
		{"zlib checksum wrong", new(wire).window(1).rawCompressed(badTrailer(frames(`{"message":"a"}`))).Bytes(), reasonCompression},
		{"zlib trailer cut", new(wire).window(1).rawCompressed(zlibStream(frames(`{"message":"a"}`))[:len(zlibStream(frames(`{"message":"a"}`)))-2]).Bytes(), reasonTruncated},
		{"zlib preset dictionary", new(wire).window(1).rawCompressed([]byte{0x78, 0xbb, 0, 0, 0, 1, 3, 0}).Bytes(), reasonCompression},
		{"truncated window", append(new(wire).window(2).json(1, `{}`).Bytes(), "2J\x00\x00"...), reasonTruncated},
		{"window header only", new(wire).window(3).Bytes(), reasonReadTimeout},
	}
	tests[1] = struct {
		name   string
		stream []byte
		reason string
	}{"lumberjack v1 data frame", append(append([]byte("1W\x00\x00\x00\x01"), "1D"...), 0, 0, 0, 1), reasonVersion}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := start(t, func(c *Config) {
				c.MaxWindowBytes = 64 << 10
				c.MaxFrameSize = 32 << 10
				c.ReadTimeout = 200 * time.Millisecond
			})
			good := h.dial(t)
			conn := h.rawConn(t)
			if _, err := conn.Write(tt.stream); err != nil {
				t.Fatal(err)
			}
			if tt.reason != reasonReadTimeout {
				_ = conn.(*net.TCPConn).CloseWrite()
			}
			_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
			if n, err := io.Copy(io.Discard, conn); n != 0 || err != nil && !errors.Is(err, syscall.ECONNRESET) {
				t.Fatalf("server answered %d bytes, err %v; want a closed connection", n, err)
			}
			pipelinetest.Eventually(t, "protocol error metric", func() bool {
				return value(h.in.m.protocolErrors.WithLabelValues(tt.reason)) == 1
			})
			// Another client on the same input is not affected.
			sc, _ := lumber.NewSyncClientWith(good)
			errc := make(chan error, 1)
			go func() { _, err := sc.Send(messages(2, "good")); errc <- err }()
			h.sink.next(t).Resolve(event.Delivered)
			if err := <-errc; err != nil {
				t.Fatalf("good client: %v", err)
			}
			select {
			case b := <-h.sink.ch:
				t.Fatalf("a broken window reached the pipeline: %d events", b.Len())
			default:
			}
		})
	}
}

func TestMaxConnections(t *testing.T) {
	t.Parallel()
	h := start(t, func(c *Config) { c.MaxConnections = 2 })
	for i := range 2 {
		sc, _ := lumber.NewSyncClientWith(h.dial(t))
		errc := make(chan error, 1)
		go func() { _, err := sc.Send(messages(1, "c")); errc <- err }()
		h.sink.next(t).Resolve(event.Delivered)
		if err := <-errc; err != nil {
			t.Fatalf("client %d: %v", i, err)
		}
	}
	conn := h.rawConn(t)
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	var one [1]byte
	if _, err := conn.Read(one[:]); err != io.EOF {
		t.Fatalf("third connection: %v, want EOF", err)
	}
	if got := value(h.in.m.refused.WithLabelValues("max_connections")); got != 1 {
		t.Errorf("refused = %v", got)
	}
	if got := len(h.in.Stats()); got != 2 {
		t.Errorf("stats list %d connections", got)
	}
}

// A graceful close must not reset the connection, even with client data left unread: a reset
// can make the client drop the last ACKs and send delivered windows again.
func TestGracefulCloseSendsFINNotRST(t *testing.T) {
	t.Parallel()
	h := start(t, nil)
	conn := h.rawConn(t)
	if _, err := conn.Write(new(wire).window(1).json(1, `{"message":"a"}`).Bytes()); err != nil {
		t.Fatal(err)
	}
	b := h.sink.next(t)
	h.cancel() // shutdown: the input stops reading
	if err := <-h.runErr; err != nil {
		t.Fatal(err)
	}
	h.runErr <- nil
	// The client sends more that the input will never read.
	if _, err := conn.Write(new(wire).window(1).json(1, `{"message":"unread"}`).Bytes()); err != nil {
		t.Fatal(err)
	}
	b.Resolve(event.Delivered)
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	var ack [6]byte
	if _, err := io.ReadFull(conn, ack[:]); err != nil || string(ack[:2]) != "2A" || binary.BigEndian.Uint32(ack[2:]) != 1 {
		t.Fatalf("ack %q, %v", ack, err)
	}
	if n, err := conn.Read(ack[:]); n != 0 || err != io.EOF {
		t.Fatalf("after the ACK: %d bytes, %v; want EOF (FIN), not a reset", n, err)
	}
}

// A flood of bad connections does not flood the log: past warnBurst lines per kind a minute,
// warnings are counted, not written.
func TestBadConnectionWarningsThrottled(t *testing.T) {
	t.Parallel()
	var logBuf pipelinetest.Buffer
	set := defaultSettings(t)
	set.Logger = slog.New(slog.NewJSONHandler(&logBuf, nil))
	h := startWith(t, set, nil)
	const bad = 3 * warnBurst
	for range bad {
		conn := h.rawConn(t)
		if _, err := conn.Write([]byte("GET / HTTP/1.1\r\n\r\n")); err != nil {
			t.Fatal(err)
		}
		_ = conn.(*net.TCPConn).CloseWrite()
		_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		_, _ = io.Copy(io.Discard, conn)
	}
	logged := func() int { return strings.Count(logBuf.String(), "protocol error") }
	pipelinetest.Eventually(t, "every protocol error counted, logged or suppressed", func() bool {
		return value(h.in.m.protocolErrors.WithLabelValues(reasonVersion)) == bad &&
			value(h.in.m.warningsSuppressed)+float64(logged()) == bad
	})
	if got := logged(); got != warnBurst {
		t.Errorf("%d protocol-error warnings logged, want %d:\n%s", got, warnBurst, logBuf.String())
	}
}
