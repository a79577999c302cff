package beats

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/klauspost/compress/flate"

	protocol "github.com/elastic/go-lumber/protocol/v2"
)

// The frame reader is written here rather than taken from go-lumber's server/v2, whose reader is
// unexported and cannot be bounded: it allocates a slice of the announced window size before
// reading a byte (a 4-byte header can ask for gigabytes), reads JSON frames of any announced size,
// decompresses without limit, accepts any version byte when the frame type is 'W' (it checks
// version && type instead of ||), recurses into nested compressed frames, and fails the whole
// window on one bad JSON event. We keep its wire constants (protocol/v2) and its zlib package.

// Protocol error reasons, used as the metric label and in logs.
const (
	reasonVersion       = "bad_version"
	reasonFrameType     = "unknown_frame_type"
	reasonWindowSize    = "window_too_large"
	reasonFrameSize     = "frame_too_large"
	reasonWindowBytes   = "window_bytes_exceeded"
	reasonCompression   = "bad_compression"
	reasonTrailing      = "trailing_compressed_data"
	reasonNested        = "nested_compression"
	reasonTruncated     = "truncated"
	reasonReadTimeout   = "read_timeout"
	reasonDecodeFailure = "invalid_json_event"
)

// protocolError is a violation of the Lumberjack v2 protocol or of our limits. The connection
// that caused it is closed; Reason is a short label for metrics.
type protocolError struct {
	Reason string
	Detail string
}

func (e *protocolError) Error() string { return "beats: protocol: " + e.Reason + ": " + e.Detail }

func protoErr(reason, format string, a ...any) error {
	return &protocolError{Reason: reason, Detail: fmt.Sprintf(format, a...)}
}

// limits bound what one window may cost.
type limits struct {
	maxWindow int // events per window
	maxFrame  int // bytes per JSON frame
	maxBytes  int // decompressed bytes per window (headers and payloads)
}

// frameReader reads Lumberjack v2 windows from one connection. It is not safe for concurrent use.
type frameReader struct {
	in  *bufio.Reader
	lim limits

	hdr  [10]byte // frame headers; a field, as a local array would escape through io.ReadFull
	buf  []byte   // payload buffer, reused between frames
	used int      // payload and header bytes of the current window

	inf     *inflater        // taken from inflaters for one compressed frame
	zlimit  io.LimitedReader // the compressed bytes of the current 'C' frame
	zbudget io.LimitedReader // decompressed bytes still allowed in this window
}

// inflater reads one zlib stream (RFC 1950) through the buffer it owns: some 50 KB of
// decompressor state. Connections take one for the length of a compressed frame only, so that
// thousands of idle Filebeats do not each hold one.
//
// The deflate decoder is klauspost/compress/flate, the one go-lumber's zlib package wraps. The
// zlib framing around it (two header bytes, the Adler-32 trailer) is read here, so that the
// checksum is computed eight bytes at a time (adler.go) instead of by hash/adler32.
type inflater struct {
	fr  io.ReadCloser // flate reader
	src *bufio.Reader // buffers the frame so flate does not wrap it in a reader of its own
	sum uint32        // Adler-32 of what was inflated so far
	err error         // sticky: io.EOF once the trailer matched
}

var (
	errZlibHeader     = errors.New("zlib: invalid header")
	errZlibDictionary = errors.New("zlib: preset dictionary not supported")
	errZlibChecksum   = errors.New("zlib: invalid checksum")
)

// reset reads the zlib header of a new stream from src.
func (z *inflater) reset() error {
	z.sum, z.err = 1, nil
	var h [2]byte
	if _, err := io.ReadFull(z.src, h[:]); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return err
	}
	switch cmf, flg := h[0], h[1]; {
	case cmf&0x0f != 8 || cmf>>4 > 7 || (uint16(cmf)<<8|uint16(flg))%31 != 0:
		return errZlibHeader
	case flg&0x20 != 0:
		return errZlibDictionary
	}
	if z.fr == nil {
		z.fr = flate.NewReader(z.src)
		return nil
	}
	return z.fr.(flate.Resetter).Reset(z.src, nil)
}

// Read inflates; at the end of the deflate data it checks the trailer against what it gave.
func (z *inflater) Read(p []byte) (int, error) {
	if z.err != nil {
		return 0, z.err
	}
	n, err := z.fr.Read(p)
	z.sum = adler32Update(z.sum, p[:n])
	switch {
	case err == io.EOF:
		var t [4]byte
		if _, err := io.ReadFull(z.src, t[:]); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			z.err = err
		} else if binary.BigEndian.Uint32(t[:]) != z.sum {
			z.err = errZlibChecksum
		} else {
			z.err = io.EOF
		}
		return n, z.err
	case err != nil:
		z.err = err
	}
	return n, err
}

var inflaters sync.Pool

func newFrameReader(in *bufio.Reader, lim limits) *frameReader {
	return &frameReader{in: in, lim: lim}
}

// readWindowHeader reads the window frame ("2W" + uint32 count) that opens every window.
func (r *frameReader) readWindowHeader() (int, error) {
	hdr := r.hdr[:6]
	if _, err := io.ReadFull(r.in, hdr); err != nil {
		return 0, err
	}
	if hdr[0] != protocol.CodeVersion {
		return 0, protoErr(reasonVersion, "expected version %q, got 0x%02x", protocol.CodeVersion, hdr[0])
	}
	if hdr[1] != protocol.CodeWindowSize {
		return 0, protoErr(reasonFrameType, "expected window frame, got 0x%02x", hdr[1])
	}
	n := binary.BigEndian.Uint32(hdr[2:])
	if uint64(n) > uint64(r.lim.maxWindow) {
		return 0, protoErr(reasonWindowSize, "window of %d events, limit %d", n, r.lim.maxWindow)
	}
	return int(n), nil
}

// readEvents reads the count events of a window, calling emit with each JSON payload. The
// payload is only valid during the call.
func (r *frameReader) readEvents(count int, emit func(seq uint32, payload []byte)) error {
	r.used = 0
	defer r.shrink()
	got := 0
	for got < count {
		n, err := r.readFrames(r.in, false, count-got, emit)
		if err != nil {
			return err
		}
		got += n
	}
	return nil
}

// readFrames reads frames from src until need events were read. Inside a compressed frame
// (nested), the end of the compressed data ends the loop early.
func (r *frameReader) readFrames(src io.Reader, nested bool, need int, emit func(uint32, []byte)) (int, error) {
	got := 0
	for got < need {
		hdr := r.hdr[:2]
		if _, err := io.ReadFull(src, hdr); err != nil {
			if nested && err == io.EOF {
				if r.zbudget.N <= 0 {
					return got, protoErr(reasonWindowBytes, "decompressed window exceeds %d bytes", r.lim.maxBytes)
				}
				return got, nil
			}
			return got, r.wrapRead(err, nested)
		}
		if hdr[0] != protocol.CodeVersion {
			return got, protoErr(reasonVersion, "expected version %q, got 0x%02x", protocol.CodeVersion, hdr[0])
		}
		switch hdr[1] {
		case protocol.CodeJSONDataFrame:
			seq, payload, err := r.readJSON(src, nested)
			if err != nil {
				return got, err
			}
			emit(seq, payload)
			got++
		case protocol.CodeCompressed:
			if nested {
				return got, protoErr(reasonNested, "compressed frame inside a compressed frame")
			}
			n, err := r.readCompressed(need-got, emit)
			if err != nil {
				return got, err
			}
			got += n
		default:
			return got, protoErr(reasonFrameType, "unknown frame type 0x%02x", hdr[1])
		}
	}
	return got, nil
}

func (r *frameReader) readJSON(src io.Reader, nested bool) (uint32, []byte, error) {
	hdr := r.hdr[2:10]
	if _, err := io.ReadFull(src, hdr); err != nil {
		return 0, nil, r.wrapRead(err, nested)
	}
	seq := binary.BigEndian.Uint32(hdr[:4])
	size := binary.BigEndian.Uint32(hdr[4:])
	if uint64(size) > uint64(r.lim.maxFrame) {
		return 0, nil, protoErr(reasonFrameSize, "event of %d bytes, limit %d", size, r.lim.maxFrame)
	}
	r.used += int(size) + 10
	if r.used > r.lim.maxBytes {
		return 0, nil, protoErr(reasonWindowBytes, "window exceeds %d bytes", r.lim.maxBytes)
	}
	if cap(r.buf) < int(size) {
		r.buf = make([]byte, size, max(int(size), 2*cap(r.buf)))
	}
	buf := r.buf[:size]
	if _, err := io.ReadFull(src, buf); err != nil {
		return 0, nil, r.wrapRead(err, nested)
	}
	return seq, buf, nil
}

// readCompressed reads one 'C' frame: a uint32 length and a zlib stream holding JSON frames.
// Memory stays bounded whatever the stream decompresses to: frames are checked against
// max_frame_size before a buffer is grown, and the stream is cut at max_window_bytes.
func (r *frameReader) readCompressed(need int, emit func(uint32, []byte)) (int, error) {
	hdr := r.hdr[2:6]
	if _, err := io.ReadFull(r.in, hdr); err != nil {
		return 0, r.wrapRead(err, false)
	}
	size := binary.BigEndian.Uint32(hdr)
	if uint64(size) > uint64(r.lim.maxBytes) {
		return 0, protoErr(reasonWindowBytes, "compressed frame of %d bytes, limit %d", size, r.lim.maxBytes)
	}
	r.zlimit = io.LimitedReader{R: r.in, N: int64(size)}
	defer r.releaseInflater()
	if err := r.takeInflater(); err != nil {
		return 0, err
	}
	r.zbudget = io.LimitedReader{R: r.inf, N: int64(r.lim.maxBytes-r.used) + 1}
	n, err := r.readFrames(&r.zbudget, true, need, emit)
	if err != nil {
		return n, err
	}
	// The stream must end here: read to its end so its checksum is verified.
	if k, err := io.ReadFull(&r.zbudget, r.hdr[:1]); k > 0 {
		return n, protoErr(reasonTrailing, "data after the window's last event")
	} else if err != io.EOF {
		return n, r.wrapRead(err, true)
	}
	if _, err := io.Copy(io.Discard, &r.zlimit); err != nil {
		return n, r.wrapRead(err, false)
	}
	return n, nil
}

func (r *frameReader) takeInflater() error {
	inf, _ := inflaters.Get().(*inflater)
	if inf == nil {
		inf = &inflater{src: bufio.NewReaderSize(&r.zlimit, 16<<10)}
	} else {
		inf.src.Reset(&r.zlimit)
	}
	r.inf = inf
	if err := inf.reset(); err != nil {
		return r.wrapRead(err, true)
	}
	return nil
}

func (r *frameReader) releaseInflater() {
	if r.inf == nil {
		return
	}
	r.inf.src.Reset(nil)
	if r.inf.fr != nil {
		inflaters.Put(r.inf)
	}
	r.inf, r.zbudget = nil, io.LimitedReader{}
}

// wrapRead classifies a read error: a cut stream is "truncated", a bad zlib stream
// "bad_compression"; network errors pass through.
func (r *frameReader) wrapRead(err error, nested bool) error {
	switch {
	case nested && r.zbudget.N <= 0 && r.zbudget.R != nil:
		return protoErr(reasonWindowBytes, "decompressed window exceeds %d bytes", r.lim.maxBytes)
	case errors.Is(err, io.ErrUnexpectedEOF) && nested:
		return protoErr(reasonTruncated, "compressed frame ends inside an event")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return protoErr(reasonTruncated, "connection closed inside a window")
	case nested && !isNetErr(err):
		return protoErr(reasonCompression, "%v", err)
	}
	return err
}

// shrink drops a payload buffer grown by an unusually large event, so that an idle connection
// does not keep megabytes.
func (r *frameReader) shrink() {
	if cap(r.buf) > 256<<10 {
		r.buf = nil
	}
}
