package elasticsearch

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
)

func TestSlabsReuse(t *testing.T) {
	t.Parallel()
	var s slabs
	a := s.get(1000)
	if cap(*a) < 1000 {
		t.Fatalf("get(1000): capacity %d", cap(*a))
	}
	*a = append(*a, "written"...)
	s.put(a)
	if b := s.get(4000); b == a {
		t.Fatal("get(4000) returned a slab of 1000 bytes")
	}
	if b := s.get(400); b == a {
		t.Fatal("get(400) returned a slab of more than twice that: a small batch would hold a large slab")
	}
	b := s.get(600)
	if b != a || len(*b) != 0 {
		t.Fatalf("get(600) after put: %p (len %d), want the kept slab %p, empty", b, len(*b), a)
	}
	if c := s.get(600); c == a {
		t.Fatal("the kept slab handed out twice")
	}
	// A larger slab replaces a smaller kept one; a smaller one does not replace a larger.
	small, large := s.get(100), s.get(10000)
	s.put(small)
	s.put(large)
	s.put(s.get(50))
	if got := s.get(8000); got != large {
		t.Fatal("the larger slab was not kept")
	}
	// A slab over maxKeptSlab is left to the garbage collector.
	huge := s.get(maxKeptSlab + 1)
	s.put(huge)
	if got := s.get(maxKeptSlab); got == huge {
		t.Fatal("a slab over maxKeptSlab was kept")
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
			o.recycle = func(s *[]byte) {
				back.Add(1)
				o.slabs.put(s)
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
