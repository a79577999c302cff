package elasticsearch

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"unsafe"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// TestSlabChunks: items go into chunks whole, one that outgrows its chunk moves to a new one,
// one longer than a chunk gets memory of its own, and released chunks serve the next slab.
func TestSlabChunks(t *testing.T) {
	t.Parallel()
	var c chunks
	s := &slab{from: &c}
	add := func(n int, fill byte) []byte {
		buf := s.room()
		start := len(buf)
		return s.take(append(buf, bytes.Repeat([]byte{fill}, n)...), start)
	}
	type want struct {
		body []byte
		n    int
		fill byte
	}
	var got []want
	put := func(n int, fill byte) {
		got = append(got, want{add(n, fill), n, fill})
	}
	for i := range 300 { // more than one chunk of 1.3 kB documents
		put(1300+i%7, byte('a'+i%26))
	}
	// Fill the current chunk to leave 20 kB (above chunkRoom), then give it 30 kB: the item
	// outgrows it and moves to a new chunk.
	left := cap(s.cur) - len(s.cur)
	put(left-20<<10, 'x')
	if r := cap(s.cur) - len(s.cur); r != 20<<10 {
		t.Fatalf("room left %d, want %d", r, 20<<10)
	}
	chunksBefore := len(s.held)
	put(30<<10, 'y')
	if len(s.held) != chunksBefore+1 || len(s.cur) != 30<<10 {
		t.Fatalf("an item that outgrew its chunk: %d chunks (was %d), current chunk %d bytes", len(s.held), chunksBefore, len(s.cur))
	}
	put(chunkSize+1, 'z') // longer than a chunk: memory of its own
	put(500, 'w')
	// what it holds: its chunks whole, and the oversized item's own memory
	if chunksHeld := int64(len(s.held)) * chunkSize; s.bytes < chunksHeld+chunkSize+1 || s.bytes > chunksHeld+4*chunkSize {
		t.Fatalf("slab counts %d bytes held, want its %d chunks and the oversized item's memory", s.bytes, len(s.held))
	}
	inChunk := func(b []byte) bool {
		for _, h := range s.held {
			ch := (*h)[:chunkSize]
			if &b[0] == &ch[0] || (uintptr(unsafe.Pointer(&b[0])) > uintptr(unsafe.Pointer(&ch[0])) &&
				uintptr(unsafe.Pointer(&b[len(b)-1])) <= uintptr(unsafe.Pointer(&ch[chunkSize-1]))) {
				return true
			}
		}
		return false
	}
	for i, w := range got {
		if len(w.body) != w.n || cap(w.body) != w.n || !bytes.Equal(w.body, bytes.Repeat([]byte{w.fill}, w.n)) {
			t.Fatalf("item %d: %d bytes (cap %d), want %d of %q", i, len(w.body), cap(w.body), w.n, w.fill)
		}
		if own := w.n > chunkSize; inChunk(w.body) == own {
			t.Fatalf("item %d of %d bytes: in a chunk %v", i, w.n, !own)
		}
	}
	held := map[*[]byte]bool{}
	for _, h := range s.held {
		held[h] = true
	}
	s.release()
	// The pool may drop what it is given (a quarter of it, at random, under -race) and the
	// collector empties it: release the same chunks again until one comes back, a bounded
	// number of rounds, each of which fails by chance alone with odds of 4^-len(held).
	for range 20 {
		for range len(held) + 2 {
			b := c.get()
			if held[b] {
				if len(*b) != 0 || cap(*b) != chunkSize {
					t.Fatalf("a released chunk came back with len %d cap %d", len(*b), cap(*b))
				}
				return
			}
		}
		for h := range held {
			*h = (*h)[:0]
			c.pool.Put(h)
		}
	}
	t.Fatal("no released chunk came back")
}

// TestSmallBatchOwnBuffer: a small batch is encoded into a buffer of its own, sized from its
// estimate, and counts its documents, not a chunk; an item that outgrows it moves to a chunk,
// which counts whole.
func TestSmallBatchOwnBuffer(t *testing.T) {
	t.Parallel()
	var c chunks
	s := newSlab(&c, 3000)
	add := func(n int, fill byte) []byte {
		buf := s.room()
		start := len(buf)
		return s.take(append(buf, bytes.Repeat([]byte{fill}, n)...), start)
	}
	a, b := add(1300, 'a'), add(1300, 'b')
	if len(s.held) != 0 || s.bytes != 2600 || cap(s.cur) != 3000 {
		t.Fatalf("two documents of a 3000-byte batch: %d chunks, %d bytes counted, buffer %d; want none, their 2600, 3000", len(s.held), s.bytes, cap(s.cur))
	}
	d := add(2000, 'd') // past the estimate
	if len(s.held) != 1 || s.bytes != 2600+chunkSize {
		t.Fatalf("an item past the buffer: %d chunks, %d bytes counted; want 1 chunk more, counted whole", len(s.held), s.bytes)
	}
	for _, w := range []struct {
		body []byte
		n    int
		fill byte
	}{{a, 1300, 'a'}, {b, 1300, 'b'}, {d, 2000, 'd'}} {
		if !bytes.Equal(w.body, bytes.Repeat([]byte{w.fill}, w.n)) || cap(w.body) != w.n {
			t.Fatalf("item %q: %d bytes (cap %d)", w.fill, len(w.body), cap(w.body))
		}
	}
	if large := newSlab(&c, smallSlab); large.own || large.cur != nil {
		t.Fatal("a batch estimated at smallSlab bytes got a buffer of its own, not chunks")
	}
}

// TestSlabOutlivesTheAck: net/http may still read a request body after the response has come.
// An uncompressed body reads the documents in the batch's slab in place, so the slab must not
// be reused until the transport closes the body, although every document was acknowledged.
// A gzipped body is a copy: its slab comes back with the acknowledgement.
func TestSlabOutlivesTheAck(t *testing.T) {
	t.Parallel()
	for _, compression := range []string{"none", "gzip"} {
		t.Run(compression, func(t *testing.T) {
			t.Parallel()
			const n = 1200
			bodies := make(chan io.ReadCloser, 1)
			perform := func(req *http.Request) (*http.Response, error) {
				bodies <- req.Body // answered before a byte is read
				return &http.Response{StatusCode: 200, Header: http.Header{},
					Body: io.NopCloser(strings.NewReader(`{"errors":false}`))}, nil
			}
			cfg := NewConfig()
			cfg.FlushCount = n
			cfg.Compression = compression
			o, err := newOutput(pipeline.Settings{ID: "elasticsearch"}, cfg, perform, &testClock{})
			if err != nil {
				t.Fatal(err)
			}
			defer o.Close(context.Background())
			var back atomic.Int64
			o.recycle = func(s *slab) {
				back.Add(1)
				s.release()
			}
			b, done := makeBatch("src", 0, n)
			var want []byte
			enc, _ := newEncoder(cfg)
			for _, ev := range b.Events {
				want = enc.appendItem(want, nil, ev)
			}
			if err := o.Deliver(context.Background(), b); err != nil {
				t.Fatal(err)
			}
			body := <-bodies
			if s := <-done; s != event.Delivered {
				t.Fatalf("batch resolved %v", s)
			}
			if compression == "gzip" {
				if back.Load() != 1 {
					t.Fatalf("gzip: slab not given back with the acknowledgement")
				}
				body.Close()
				return
			}
			if back.Load() != 0 {
				t.Fatal("slab given back while the transport may still read the body")
			}
			got, err := io.ReadAll(body)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("body read after the acknowledgement differs from the documents (%d bytes, want %d)", len(got), len(want))
			}
			body.Close()
			body.Close()
			if back.Load() != 1 {
				t.Fatalf("slab given back %d times after the body closed, want once", back.Load())
			}
			if _, err := body.Read(make([]byte, 1)); err == nil {
				t.Fatal("read after close succeeded")
			}
		})
	}
}

// TestBodyClosedDuringRead: Close while a Read runs (net/http's round trip may close a body its
// write loop is reading) gives the memory back only when that Read returns.
func TestBodyClosedDuringRead(t *testing.T) {
	t.Parallel()
	inRead, release := make(chan struct{}), make(chan struct{})
	var done atomic.Int32
	b := newBody(blockingReader{inRead, release}, func() { done.Add(1) })
	read := make(chan struct{})
	go func() {
		b.Read(make([]byte, 8))
		close(read)
	}()
	<-inRead
	b.Close()
	if done.Load() != 0 {
		t.Fatal("memory given back while a Read runs")
	}
	close(release)
	<-read
	if done.Load() != 1 {
		t.Fatalf("given back %d times after the Read returned, want once", done.Load())
	}
	b.Close()
	if done.Load() != 1 {
		t.Fatal("given back again by a second Close")
	}
}

type blockingReader struct{ in, release chan struct{} }

func (r blockingReader) Read(p []byte) (int, error) {
	close(r.in)
	<-r.release
	return len(p), nil
}
