package elasticsearch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"

	"github.com/klauspost/compress/gzip"
	"github.com/tidwall/gjson"

	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/output/sender"
)

// bulkPath asks Elasticsearch to return only what the output reads, which keeps responses for
// large requests small.
// An error's index is the backing index that holds the document a 409 conflicts with, for
// settleConflicts.
const bulkPath = "/_bulk?filter_path=errors,items.*.status,items.*.error.type,items.*.error.reason,items.*.error.index"

// send makes one bulk request of items for the sender. Items that were stored, found already
// stored or dead-lettered are finished here; the others come back in the Response for retry.
func (o *Output) send(ctx context.Context, items []*sender.Item) sender.Response {
	r := o.request(ctx, items)
	o.m.retries.Add(float64(len(r.Retry)))
	return r
}

func retryAll(items []*sender.Item, err error) sender.Response {
	return sender.Response{Retry: items, Rejected: len(items), Err: err}
}

// request sends items once; split calls it again for halves of a refused request.
func (o *Output) request(ctx context.Context, items []*sender.Item) sender.Response {
	body, size, raw := o.encodeBody(items)
	ctx, cancel := context.WithTimeout(ctx, o.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, bulkPath, body)
	if err != nil {
		body.Close()
		return retryAll(items, fmt.Errorf("elasticsearch: build bulk request: %w", err))
	}
	req.GetBody = nil
	req.ContentLength = size
	req.Header.Set("Content-Type", "application/x-ndjson")
	if o.cfg.Compression == "gzip" {
		req.Header.Set("Content-Encoding", "gzip")
	}
	o.m.bytesRaw.Add(float64(raw))
	o.m.bytesGzip.Add(float64(size))
	start := o.clock.Now()
	o.m.inflightReqs.Inc()
	res, err := o.perform(req)
	// The answer is read into a pooled buffer: nothing keeps it after handleResponse (gjson's
	// GetBytes copies what it returns), and an answer to 1,600 documents is some 50 KB.
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err == nil {
		_, err = buf.ReadFrom(io.LimitReader(res.Body, 64<<20))
		res.Body.Close()
	}
	resp := buf.Bytes()
	o.m.inflightReqs.Dec()
	o.m.latency.Observe(o.clock.Now().Sub(start).Seconds())
	if err != nil {
		o.m.itemError(0, len(items))
		return retryAll(items, fmt.Errorf("elasticsearch unreachable: %w", err))
	}
	return o.handleResponse(ctx, items, res.StatusCode, resp)
}

func (o *Output) handleResponse(ctx context.Context, items []*sender.Item, status int, resp []byte) sender.Response {
	switch {
	case status >= 200 && status < 300:
		return o.handleItems(ctx, items, resp)
	case status == http.StatusRequestEntityTooLarge:
		return o.split(ctx, items, status, "request larger than http.max_content_length")
	case status == http.StatusTooManyRequests || status >= 500:
		o.m.itemError(status, len(items))
		return retryAll(items, fmt.Errorf("elasticsearch: bulk request answered %d: %s", status, errorReason(resp)))
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		// A credential problem: fixing it must not lose data, so keep retrying. The sender
		// reports the output down, once, with this error.
		o.m.itemError(status, len(items))
		return retryAll(items, fmt.Errorf("elasticsearch: bulk request refused (%d), check credentials and privileges: %s",
			status, errorReason(resp)))
	default:
		return o.split(ctx, items, status, errorReason(resp))
	}
}

// split halves a request Elasticsearch refused as a whole (413, or a 4xx that one bad document
// may cause) until the culprit stands alone; a single document refused that way is dead-lettered.
func (o *Output) split(ctx context.Context, items []*sender.Item, status int, reason string) sender.Response {
	o.m.itemError(status, len(items))
	if len(items) == 1 {
		o.deadLetter(items, []int{status}, []string{reason})
		return sender.Response{}
	}
	h := len(items) / 2
	a, b := o.request(ctx, items[:h]), o.request(ctx, items[h:])
	return sender.Response{Retry: append(a.Retry, b.Retry...), Rejected: a.Rejected + b.Rejected, Err: errors.Join(a.Err, b.Err)}
}

// handleItems reads per-item results with gjson, never into maps: success and 409 on a
// deterministic create finish the item (a record of several lines once settleConflicts finds it
// stored), 429 and 5xx retry it, anything else dead-letters it.
func (o *Output) handleItems(ctx context.Context, items []*sender.Item, resp []byte) sender.Response {
	errs := gjson.GetBytes(resp, "errors")
	if !errs.Exists() {
		return retryAll(items, fmt.Errorf("elasticsearch: bulk response without an errors field: %s", truncate(resp)))
	}
	if !errs.Bool() {
		o.m.indexed.Add(float64(len(items)))
		for _, it := range items {
			it.Finish(event.Delivered)
		}
		return sender.Response{}
	}
	var retry, dead []*sender.Item
	var deadStatus []int
	var deadReason []string
	var conflicts []conflict
	i := 0
	gjson.GetBytes(resp, "items").ForEach(func(_, res gjson.Result) bool {
		if i >= len(items) {
			return false
		}
		it := items[i]
		i++
		var op string
		var r gjson.Result
		res.ForEach(func(k, v gjson.Result) bool { op, r = k.Str, v; return false })
		status := int(r.Get("status").Int())
		switch {
		case status >= 200 && status < 300:
			o.m.indexed.Inc()
			it.Finish(event.Delivered)
		case status == http.StatusConflict && op == "create" && o.enc.deterministic:
			if c, ok := recordConflict(it, r.Get("error.index").Str); ok {
				conflicts = append(conflicts, c)
				break
			}
			o.m.duplicates.Inc()
			it.Finish(event.Delivered)
		case status == http.StatusTooManyRequests || status >= 500 || status == 0:
			o.m.itemError(status, 1)
			retry = append(retry, it)
		default:
			o.m.itemError(status, 1)
			dead = append(dead, it)
			deadStatus = append(deadStatus, status)
			deadReason = append(deadReason, r.Get("error.type").Str+": "+r.Get("error.reason").Str)
		}
		return true
	})
	rejected := len(retry)
	// Items the response did not mention were not indexed: send them again.
	retry = append(retry, items[i:]...)
	if len(dead) > 0 {
		o.deadLetter(dead, deadStatus, deadReason)
	}
	r := sender.Response{Retry: retry, Rejected: rejected}
	if again := o.settleConflicts(ctx, conflicts); len(again) > 0 {
		a := o.request(ctx, again)
		r.Retry, r.Rejected, r.Err = append(r.Retry, a.Retry...), r.Rejected+a.Rejected, a.Err
	}
	return r
}

func errorReason(resp []byte) string {
	if r := gjson.GetBytes(resp, "error.reason"); r.Exists() {
		return gjson.GetBytes(resp, "error.type").Str + ": " + r.Str
	}
	return truncate(resp)
}

func truncate(b []byte) string {
	s := strings.TrimSpace(string(b[:min(len(b), 512)]))
	if s == "" {
		return "(empty response)"
	}
	return s
}

// body is a request body that gives what it reads back (done) only once it is closed and no
// Read is running: net/http may read a body after the response has come and close it from
// another goroutine while its write loop reads.
type body struct {
	mu      sync.Mutex
	r       io.Reader
	reading int
	closed  bool
	done    func()
}

func newBody(r io.Reader, done func()) *body { return &body{r: r, done: done} }

func (b *body) Read(p []byte) (int, error) {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return 0, errBodyClosed
	}
	b.reading++
	b.mu.Unlock()
	n, err := b.r.Read(p)
	b.mu.Lock()
	b.reading--
	last := b.closed && b.reading == 0
	b.mu.Unlock()
	if last {
		b.done()
	}
	return n, err
}

func (b *body) Close() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	idle := b.reading == 0
	b.mu.Unlock()
	if idle {
		b.done()
	}
	return nil
}

var errBodyClosed = errors.New("elasticsearch: bulk request body read after close")

var (
	bufPool  = sync.Pool{New: func() any { return new(bytes.Buffer) }}
	gzipPool sync.Map // level -> *sync.Pool of *gzip.Writer
)

// encodeBody returns one request body of the items' lines, gzipped unless disabled, with its
// size and the uncompressed size. Uncompressed, the body reads the items' own bytes in place and
// pins them until the transport closes it (sender.Pin), so a request costs no copy of its
// documents and no buffer that grows to the request's size.
func (o *Output) encodeBody(items []*sender.Item) (io.ReadCloser, int64, int) {
	raw := 0
	if o.cfg.Compression != "gzip" {
		bufs := make(net.Buffers, len(items))
		for i, it := range items {
			bufs[i] = it.Body
			raw += len(it.Body)
		}
		return newBody(&bufs, sender.Pin(items)), int64(raw), raw
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	zw := getGzip(o.cfg.CompressionLevel, buf)
	for _, it := range items {
		zw.Write(it.Body) //nolint:errcheck // writes to a bytes.Buffer cannot fail
		raw += len(it.Body)
	}
	zw.Close()
	putGzip(o.cfg.CompressionLevel, zw)
	return newBody(bytes.NewReader(buf.Bytes()), func() { bufPool.Put(buf) }), int64(buf.Len()), raw
}

func getGzip(level int, w io.Writer) *gzip.Writer {
	p, _ := gzipPool.LoadOrStore(level, &sync.Pool{})
	if zw, ok := p.(*sync.Pool).Get().(*gzip.Writer); ok {
		zw.Reset(w)
		return zw
	}
	zw, err := gzip.NewWriterLevel(w, level)
	if err != nil { // the level is validated in Config.Validate
		panic(fmt.Sprintf("elasticsearch: gzip level %d: %v", level, err))
	}
	return zw
}

func putGzip(level int, zw *gzip.Writer) {
	p, _ := gzipPool.Load(level)
	p.(*sync.Pool).Put(zw)
}
