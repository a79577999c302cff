package elasticsearch

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/klauspost/compress/gzip"
	"github.com/tidwall/gjson"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// bulkPath asks Elasticsearch to return only what the output reads, which keeps responses for
// large requests small.
const bulkPath = "/_bulk?filter_path=errors,items.*.status,items.*.error.type,items.*.error.reason"

// deliverRequest sends items until each is indexed, dead-lettered or, when retries run out or
// the output stops, resolved Retry. Retried requests hold their worker, which is what slows
// Deliver down during an outage.
func (o *Output) deliverRequest(items []*item) {
	for attempt := 1; len(items) > 0; attempt++ {
		if o.stopCtx.Err() != nil {
			finishAll(items, event.Retry)
			return
		}
		retry := o.send(items)
		if len(retry) == 0 {
			return
		}
		o.m.retries.Add(float64(len(retry)))
		if max := o.cfg.Retry.MaxAttempts; max > 0 && attempt >= max {
			o.log.Error("elasticsearch: retries exhausted, documents left for the source to resend",
				"documents", len(retry), "attempts", attempt)
			finishAll(retry, event.Retry)
			return
		}
		if !o.clock.Sleep(o.stopCtx, backoff(o.cfg.Retry, attempt)) {
			finishAll(retry, event.Retry)
			return
		}
		items = retry
	}
}

func finishAll(items []*item, s event.Status) {
	for _, it := range items {
		it.finish(s)
	}
}

// send makes one bulk request of items and returns the items to retry. Items that succeeded or
// were dead-lettered are finished.
func (o *Output) send(items []*item) []*item {
	body, raw := o.encodeBody(items)
	ctx, cancel := context.WithTimeout(o.stopCtx, o.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, bulkPath, body)
	if err != nil {
		body.Close()
		o.log.Error("elasticsearch: build bulk request", "err", err)
		return items
	}
	req.GetBody = nil
	req.ContentLength = int64(body.Len())
	req.Header.Set("Content-Type", "application/x-ndjson")
	if o.cfg.Compression == "gzip" {
		req.Header.Set("Content-Encoding", "gzip")
	}
	o.m.bytesRaw.Add(float64(raw))
	o.m.bytesGzip.Add(float64(body.Len()))
	start := o.clock.Now()
	o.m.inflightReqs.Inc()
	res, err := o.perform(req)
	var resp []byte
	if err == nil {
		resp, err = io.ReadAll(io.LimitReader(res.Body, 64<<20))
		res.Body.Close()
	}
	o.m.inflightReqs.Dec()
	o.m.latency.Observe(o.clock.Now().Sub(start).Seconds())
	if err != nil {
		o.m.itemError(0, len(items))
		o.log.Warn("elasticsearch: bulk request failed, will retry", "documents", len(items), "err", err)
		return items
	}
	return o.handleResponse(items, res.StatusCode, resp)
}

func (o *Output) handleResponse(items []*item, status int, resp []byte) []*item {
	switch {
	case status >= 200 && status < 300:
		return o.handleItems(items, resp)
	case status == http.StatusRequestEntityTooLarge:
		return o.split(items, status, "request larger than http.max_content_length")
	case status == http.StatusTooManyRequests || status >= 500:
		o.m.itemError(status, len(items))
		return items
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		// A credential problem: fixing it must not lose data, so keep retrying.
		o.m.itemError(status, len(items))
		o.log.Error("elasticsearch: bulk request refused; check credentials and privileges",
			"status", status, "reason", errorReason(resp))
		return items
	default:
		return o.split(items, status, errorReason(resp))
	}
}

// split halves a request Elasticsearch refused as a whole (413, or a 4xx that one bad document
// may cause) until the culprit stands alone; a single document refused that way is dead-lettered.
func (o *Output) split(items []*item, status int, reason string) []*item {
	o.m.itemError(status, len(items))
	if len(items) == 1 {
		o.deadLetter(items, []int{status}, []string{reason})
		return nil
	}
	h := len(items) / 2
	retry := o.send(items[:h])
	return append(retry, o.send(items[h:])...)
}

// handleItems reads per-item results with gjson, never into maps: success and 409 on a
// deterministic create finish the item, 429 and 5xx retry it, anything else dead-letters it.
func (o *Output) handleItems(items []*item, resp []byte) []*item {
	errs := gjson.GetBytes(resp, "errors")
	if !errs.Exists() {
		o.log.Warn("elasticsearch: bulk response without an errors field, will retry", "body", truncate(resp))
		return items
	}
	if !errs.Bool() {
		o.m.indexed.Add(float64(len(items)))
		finishAll(items, event.Delivered)
		return nil
	}
	var retry, dead []*item
	var deadStatus []int
	var deadReason []string
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
			it.finish(event.Delivered)
		case status == http.StatusConflict && op == "create" && o.enc.deterministic:
			o.m.duplicates.Inc()
			it.finish(event.Delivered)
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
	// Items the response did not mention were not indexed: send them again.
	retry = append(retry, items[i:]...)
	if len(dead) > 0 {
		o.deadLetter(dead, deadStatus, deadReason)
	}
	return retry
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

// body is a pooled request body; the HTTP transport closes it when done, which returns the
// buffer to the pool (not earlier: the transport may still be writing after the response).
type body struct {
	bytes.Reader
	buf  *bytes.Buffer
	once sync.Once
}

func (b *body) Close() error {
	b.once.Do(func() { bufPool.Put(b.buf) })
	return nil
}

var (
	bufPool  = sync.Pool{New: func() any { return new(bytes.Buffer) }}
	gzipPool sync.Map // level -> *sync.Pool of *gzip.Writer
)

// encodeBody joins the items' lines into one request body, gzipped unless disabled, and
// returns it with the uncompressed size.
func (o *Output) encodeBody(items []*item) (*body, int) {
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	raw := 0
	if o.cfg.Compression != "gzip" {
		for _, it := range items {
			buf.Write(it.body)
			raw += len(it.body)
		}
	} else {
		zw := getGzip(o.cfg.CompressionLevel, buf)
		for _, it := range items {
			zw.Write(it.body) //nolint:errcheck // writes to a bytes.Buffer cannot fail
			raw += len(it.body)
		}
		zw.Close()
		putGzip(o.cfg.CompressionLevel, zw)
	}
	b := &body{buf: buf}
	b.Reset(buf.Bytes())
	return b, raw
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
