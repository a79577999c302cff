// Package fingerprint is the processor that gives each event a deterministic id from chosen
// fields (and optionally where it was read), written to the document id and/or a field. With it,
// an event Filebeat resends after a lost ack, or a Kafka partition replayed from an old offset,
// overwrites its own document in Elasticsearch instead of duplicating it.
//
// The id is the first 16 bytes of SHA-256 over the values, in unpadded base64url (22 characters).
package fingerprint

import (
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"sync"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/processors/internal/proc"
)

// Factory creates fingerprint processors.
var Factory = proc.NewFactory("fingerprint", NewConfig, build)

var bufs = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

func build(_ pipeline.Settings, c *Config) (proc.EventFunc, error) {
	fields, src, target, metaID, first := c.Fields, c.IncludeSource, c.Target, c.MetaID, c.FirstLine
	return func(ev *event.Event) (proc.Result, error) {
		id := sum(ev, fields, src, first)
		if metaID {
			ev.Meta.ID = id
		}
		if target != "" {
			ev.SetString(target, id)
		}
		return proc.Keep, nil
	}, nil
}

// Sum computes the fingerprint of ev over fields (and its source when src is true).
func Sum(ev *event.Event, fields []string, src bool) string { return sum(ev, fields, src, false) }

// sum is Sum, over the first line of each field's value when first is set.
func sum(ev *event.Event, fields []string, src, first bool) string {
	bp := bufs.Get().(*[]byte)
	b := (*bp)[:0]
	for _, f := range fields {
		b = append(b, f...)
		if v, ok := ev.Get(f); ok {
			b = append(b, 0, byte(v.Kind()))
			text := v.String()
			if first {
				text, _, _ = strings.Cut(text, "\n")
			}
			b = append(b, text...)
		} else {
			b = append(b, 1)
		}
		b = append(b, 0xff)
	}
	if src {
		b = append(b, ev.Meta.Input...)
		b = append(b, 0)
		b = append(b, ev.Meta.Source...)
		b = append(b, 0)
		b = strconv.AppendInt(b, ev.Meta.Offset, 10)
	}
	sum := sha256.Sum256(b)
	*bp = b
	bufs.Put(bp)
	return base64.RawURLEncoding.EncodeToString(sum[:16])
}
