package elasticsearch

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// part is one piece of an index pattern: literal text, the event's date in a layout, or the
// value of a field.
type part struct {
	lit    string
	layout string // Go time layout, for %{+yyyy.MM.dd}
	field  string // for %{[field.name]}
}

var dateTokens = strings.NewReplacer("yyyy", "2006", "yy", "06", "MM", "01", "dd", "02", "HH", "15")

// parsePattern reads an index pattern such as "vllm-%{[kubernetes.namespace]}-%{+yyyy.MM.dd}".
func parsePattern(s string) ([]part, error) {
	if s == "" {
		return nil, errors.New("empty index pattern")
	}
	var parts []part
	for s != "" {
		i := strings.Index(s, "%{")
		if i < 0 {
			parts = append(parts, part{lit: s})
			break
		}
		if i > 0 {
			parts = append(parts, part{lit: s[:i]})
		}
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			return nil, fmt.Errorf("%q: unclosed %%{", s)
		}
		ref := s[i+2 : i+end]
		s = s[i+end+1:]
		switch {
		case strings.HasPrefix(ref, "+"):
			if strings.Trim(ref[1:], "yMdH.-_") != "" || ref == "+" {
				return nil, fmt.Errorf("%q: date format may use only yyyy, yy, MM, dd, HH and . - _", ref)
			}
			parts = append(parts, part{layout: dateTokens.Replace(ref[1:])})
		default:
			f := strings.TrimSuffix(strings.TrimPrefix(ref, "["), "]")
			if !fieldName.MatchString(f) {
				return nil, fmt.Errorf("%q: not a field reference", ref)
			}
			parts = append(parts, part{field: f})
		}
	}
	return parts, nil
}

// encoder writes bulk items: the action line and the document, with no reflection.
type encoder struct {
	target        string
	dsPrefix      string // "logs-"
	dsSuffix      string // "-default"
	datasetField  string
	defaultDS     string
	index         []part
	indexField    string
	deterministic bool
	now           func() time.Time
}

func newEncoder(c *Config) (*encoder, error) {
	parts, err := parsePattern(c.Index)
	if err != nil && c.Target != TargetDataStream {
		return nil, fmt.Errorf("elasticsearch: index: %w", err)
	}
	return &encoder{
		target:        c.Target,
		dsPrefix:      c.DataStream.Type + "-",
		dsSuffix:      "-" + c.DataStream.Namespace,
		datasetField:  c.DataStream.DatasetField,
		defaultDS:     c.DataStream.DefaultDataset,
		index:         parts,
		indexField:    c.IndexField,
		deterministic: c.ID == IDDeterministic,
		now:           time.Now,
	}, nil
}

// itemBuf is what one goroutine keeps between the items it encodes: scratch for a document that
// must be built before its action line, and the memo of the objects Filebeat repeats in every
// event (event.JSONMemo).
type itemBuf struct {
	scratch []byte
	memo    event.JSONMemo
}

// appendItem appends one bulk item (action line and document, each ending in '\n') for ev.
// The document is written straight after its action line; only an id hashed from the document's
// content needs it first, and that rare case builds it in w.scratch. w may be nil (no memo).
func (e *encoder) appendItem(dst []byte, w *itemBuf, ev *event.Event) []byte {
	var doc []byte
	var memo *event.JSONMemo
	if w != nil {
		memo = &w.memo
	}
	if e.deterministic && ev.Meta.ID == "" && ev.Meta.Offset < 0 {
		var scratch []byte
		if w != nil {
			scratch = w.scratch[:0]
		}
		doc = appendDoc(scratch, ev, e.now, memo)
		if w != nil {
			w.scratch = doc
		}
	}
	if e.deterministic || e.target == TargetDataStream {
		dst = append(dst, `{"create":{"_index":`...)
	} else {
		dst = append(dst, `{"index":{"_index":`...)
	}
	dst = append(dst, '"')
	dst = e.appendIndex(dst, ev)
	dst = append(dst, '"')
	if e.deterministic {
		dst = append(dst, `,"_id":`...)
		dst = appendID(dst, ev, doc)
	}
	dst = append(dst, "}}\n"...)
	if doc != nil {
		dst = append(dst, doc...)
	} else {
		dst = appendDoc(dst, ev, e.now, memo)
	}
	return append(dst, '\n')
}

// timestampFirst is how a document whose @timestamp field holds a string or time starts:
// "@timestamp" sorts before every lower-case name, so it is almost always the first member.
const timestampFirst = `{"@timestamp":"`

// appendDoc writes the event as JSON, adding @timestamp from the receipt time when the event has
// none: data streams require it, and Kibana sorts by it. The event itself is not changed, since
// other outputs share it.
//
// Whether the event has @timestamp is read from the encoded document when it can be (a string
// value right after the opening brace can only be that field's), which saves a field lookup per
// event; other documents ask the event. memo may be nil.
func appendDoc(dst []byte, ev *event.Event, now func() time.Time, memo *event.JSONMemo) []byte {
	mark := len(dst)
	dst = ev.AppendJSONMemo(dst, memo)
	if doc := dst[mark:]; (len(doc) > len(timestampFirst) && string(doc[:len(timestampFirst)]) == timestampFirst) ||
		ev.Has(event.FieldTimestamp) {
		return dst
	}
	ts := ev.Meta.Received
	if ts.IsZero() {
		ts = now()
	}
	var buf [64]byte
	field := append(buf[:0], `"@timestamp":"`...)
	field = event.AppendTime(field, ts)
	field = append(field, '"')
	if len(dst)-mark > 2 { // not "{}": the document's own members follow
		field = append(field, ',')
	}
	return slices.Insert(dst, mark+1, field...)
}

// appendIndex writes the target index or data stream name, sanitised, without allocating.
func (e *encoder) appendIndex(dst []byte, ev *event.Event) []byte {
	switch e.target {
	case TargetDataStream:
		dst = append(dst, e.dsPrefix...)
		if ds, _ := ev.GetString(e.datasetField); ds != "" {
			dst = appendSanitized(dst, ds, true)
		} else {
			dst = append(dst, e.defaultDS...)
		}
		return append(dst, e.dsSuffix...)
	case TargetField:
		if v, ok := ev.GetString(e.indexField); ok && v != "" {
			return appendSanitized(dst, v, false)
		}
	}
	return e.appendPattern(dst, ev)
}

func (e *encoder) appendPattern(dst []byte, ev *event.Event) []byte {
	for _, p := range e.index {
		switch {
		case p.layout != "":
			dst = ev.Timestamp().UTC().AppendFormat(dst, p.layout)
		case p.field != "":
			v, ok := ev.GetString(p.field)
			if !ok || v == "" {
				v = "unknown"
			}
			dst = appendSanitized(dst, v, false)
		default:
			dst = append(dst, p.lit...)
		}
	}
	return dst
}

// appendSanitized lowercases s and replaces what index and data stream names forbid with '_'.
// Dataset names also may not hold '-', which separates the parts of a data stream name.
func appendSanitized(dst []byte, s string, dataset bool) []byte {
	const max = 100
	for i := 0; i < len(s) && i < max; i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '_', c == '.':
		case c == '-' && !dataset:
		default:
			c = '_'
		}
		dst = append(dst, c)
	}
	return dst
}

// sanitizeDataset returns the dataset as it would appear in a data stream name.
func sanitizeDataset(s string) string { return string(appendSanitized(nil, s, true)) }

// appendID writes the document id as a JSON string: Meta.ID when a processor set one, else a
// hash of the event's position in its source, else (position unknown) of its content. The same
// event read twice gets the same id, so op_type create turns a replay into a 409, not a copy.
func appendID(dst []byte, ev *event.Event, doc []byte) []byte {
	if ev.Meta.ID != "" {
		return event.AppendString(dst, ev.Meta.ID)
	}
	var sum [sha256.Size]byte
	if ev.Meta.Offset >= 0 {
		var kb [256]byte
		key := append(kb[:0], ev.Meta.Input...)
		key = append(key, 0)
		key = append(key, ev.Meta.Source...)
		key = append(key, 0)
		key = strconv.AppendInt(key, ev.Meta.Offset, 10)
		sum = sha256.Sum256(key)
	} else {
		sum = sha256.Sum256(doc)
	}
	dst = append(dst, '"')
	dst = base64.RawURLEncoding.AppendEncode(dst, sum[:16])
	return append(dst, '"')
}
