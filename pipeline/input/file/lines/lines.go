// Package lines splits a byte stream into log lines for the local inputs (file, stdin). It is
// written for streams that grow: io.EOF only means "nothing more yet", a partial last line is
// kept until more bytes or an explicit Flush, and every line knows its byte offset so that a
// reader can resume exactly after the last line whose delivery was acknowledged.
//
// Lines end with "\n"; a "\r" before it is removed (CRLF). A line longer than the limit is cut
// into pieces of at most the limit, each marked Split, so that nothing is dropped and memory
// stays bounded whatever the input holds.
package lines

import (
	"bytes"
	"io"
)

// TagSplit is the tag the inputs put on events holding one piece of a line that was longer
// than max_line_bytes, so that users can find (and reassemble) them.
const TagSplit = "_line_split"

// minBuffer is the read size; lines up to this length never grow the buffer. It is small
// because every followed file keeps one: 500 files hold 8 MiB.
const minBuffer = 16 << 10

// Line is one line read from the stream.
type Line struct {
	// Data holds the line without its terminator. It is valid until the next call on the Reader.
	Data []byte
	// Offset is the stream offset of the line's first byte.
	Offset int64
	// End is the stream offset just after the line and its terminator: where to resume.
	End int64
	// Split is set on every piece of a line that was longer than the limit.
	Split bool
	// Partial is set on a line returned by Flush, which had no terminator.
	Partial bool
}

// Reader reads lines from r. It is not safe for concurrent use.
type Reader struct {
	r     io.Reader
	max   int
	buf   []byte
	start int   // first unread byte in buf
	end   int   // end of the bytes read into buf
	off   int64 // stream offset of buf[start]
	cont  bool  // the previous line was a split piece: the next one is too
}

// NewReader returns a Reader whose stream starts at offset (the byte offset of r's first byte in
// the file, for offsets in Line), cutting lines longer than max bytes. max must be positive.
func NewReader(r io.Reader, offset int64, max int) *Reader {
	if max <= 0 {
		max = 1
	}
	return &Reader{r: r, max: max, off: offset, buf: make([]byte, min(minBuffer, max+2))}
}

// Reset makes the Reader read from r starting at offset, dropping any buffered bytes (after a
// seek, a truncation or a new file).
func (r *Reader) Reset(rd io.Reader, offset int64) {
	r.r, r.off, r.start, r.end, r.cont = rd, offset, 0, 0, false
}

// Buffered returns how many bytes are read but not yet returned as a line (a partial line).
func (r *Reader) Buffered() int { return r.end - r.start }

// Offset returns the stream offset of the first byte not yet returned as a line.
func (r *Reader) Offset() int64 { return r.off }

// Next returns the next complete line. At the end of the stream it returns io.EOF and keeps any
// partial line, which a later call completes if the stream grows, or Flush returns. Other read
// errors are returned as they are; the Reader stays usable.
func (r *Reader) Next() (Line, error) {
	for {
		if l, ok := r.scan(); ok {
			return l, nil
		}
		if err := r.fill(); err != nil {
			return Line{}, err
		}
	}
}

// scan looks for a line in the buffered bytes. It needs at most max+2 bytes to decide: a line
// of max bytes followed by "\r\n".
func (r *Reader) scan() (Line, bool) {
	win := r.buf[r.start:r.end]
	look := win[:min(len(win), r.max+2)]
	if i := bytes.IndexByte(look, '\n'); i >= 0 {
		data := look[:i]
		if len(data) > 0 && data[len(data)-1] == '\r' {
			data = data[:len(data)-1]
		}
		if len(data) <= r.max {
			return r.take(data, i+1, false), true
		}
		return r.take(win[:r.max], r.max, true), true
	}
	if len(win) >= r.max+2 {
		return r.take(win[:r.max], r.max, true), true
	}
	return Line{}, false
}

// take returns data as a line that consumes n buffered bytes; more says a piece of the same
// line follows.
func (r *Reader) take(data []byte, n int, more bool) Line {
	l := Line{Data: data, Offset: r.off, End: r.off + int64(n), Split: more || r.cont}
	r.cont = more
	r.start += n
	r.off += int64(n)
	return l
}

// fill reads more bytes, compacting or growing the buffer when it is full.
func (r *Reader) fill() error {
	if r.start == r.end && len(r.buf) > minBuffer {
		// A long line grew the buffer; give the memory back once it is consumed, so that
		// hundreds of followed files do not each keep max_line_bytes.
		r.buf, r.start, r.end = make([]byte, minBuffer), 0, 0
	}
	if r.start > 0 && (r.start == r.end || r.end == len(r.buf)) {
		n := copy(r.buf, r.buf[r.start:r.end])
		r.start, r.end = 0, n
	}
	if r.end == len(r.buf) {
		// scan needs max+2 bytes to decide; the buffer never grows past that.
		nb := make([]byte, min(2*len(r.buf), r.max+2))
		copy(nb, r.buf[:r.end])
		r.buf = nb
	}
	n, err := r.r.Read(r.buf[r.end:])
	r.end += n
	if n > 0 {
		return nil
	}
	if err == nil {
		err = io.ErrNoProgress
	}
	return err
}

// Flush returns the buffered partial line, as if it had ended: at the end of a file that is read
// once, or when a followed file has been idle. It returns false when nothing is buffered.
// Call it until it returns false: a partial line over the limit comes out in pieces.
func (r *Reader) Flush() (Line, bool) {
	win := r.buf[r.start:r.end]
	if len(win) == 0 {
		return Line{}, false
	}
	data := win
	if data[len(data)-1] == '\r' {
		data = data[:len(data)-1]
	}
	if len(data) > r.max {
		return r.take(win[:r.max], r.max, true), true
	}
	l := r.take(data, len(win), false)
	l.Partial = true
	return l, true
}
