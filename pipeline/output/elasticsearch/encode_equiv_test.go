package elasticsearch

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// referenceItem is the plain way to write a bulk item: ask the event whether it has @timestamp,
// encode the document apart, hash, then copy it behind the action line. appendItem must write
// the very same bytes however it gets there.
func referenceItem(e *encoder, ev *event.Event) []byte {
	var doc []byte
	if ev.Has(event.FieldTimestamp) {
		doc = ev.AppendJSON(nil)
	} else {
		ts := ev.Meta.Received
		if ts.IsZero() {
			ts = e.now()
		}
		doc = append(doc, `{"@timestamp":"`...)
		doc = ts.UTC().AppendFormat(doc, event.TimeLayout)
		doc = append(doc, '"')
		rest := ev.AppendJSON(nil)
		if len(rest) > 2 {
			doc = append(doc, ',')
			doc = append(doc, rest[1:]...)
		} else {
			doc = append(doc, '}')
		}
	}
	var dst []byte
	if e.deterministic || e.target == TargetDataStream {
		dst = append(dst, `{"create":{"_index":"`...)
	} else {
		dst = append(dst, `{"index":{"_index":"`...)
	}
	dst = e.appendIndex(dst, ev)
	dst = append(dst, '"')
	if e.deterministic {
		dst = append(dst, `,"_id":`...)
		var sum [sha256.Size]byte
		switch {
		case ev.Meta.ID != "":
			dst = event.AppendString(dst, ev.Meta.ID)
		case ev.Meta.Offset >= 0:
			sum = sha256.Sum256([]byte(ev.Meta.Input + "\x00" + ev.Meta.Source + "\x00" +
				strconv.FormatInt(ev.Meta.Offset, 10)))
		default:
			sum = sha256.Sum256(doc)
		}
		if ev.Meta.ID == "" {
			dst = append(dst, '"')
			dst = base64.RawURLEncoding.AppendEncode(dst, sum[:16])
			dst = append(dst, '"')
		}
	}
	dst = append(dst, "}}\n"...)
	dst = append(dst, doc...)
	return append(dst, '\n')
}

// TestItemMatchesReference covers the documents where @timestamp is not simply the first
// member: absent, only as a parent, not a string, behind names that sort before it.
func TestItemMatchesReference(t *testing.T) {
	t.Parallel()
	recv := time.Date(2024, 11, 14, 1, 2, 3, 4000, time.UTC)
	ts := time.Date(2024, 11, 14, 0, 0, 1, 0, time.UTC)
	events := map[string]func(*event.Event){
		"timestamp":        func(e *event.Event) { e.SetTimestamp(ts) },
		"no timestamp":     func(e *event.Event) {},
		"empty":            func(e *event.Event) { e.Delete(event.FieldMessage) },
		"empty no receipt": func(e *event.Event) { e.Delete(event.FieldMessage); e.Meta.Received = time.Time{} },
		"string timestamp": func(e *event.Event) { e.SetString(event.FieldTimestamp, "not a time") },
		"int timestamp":    func(e *event.Event) { e.Set(event.FieldTimestamp, event.Int(7)) },
		"raw timestamp":    func(e *event.Event) { e.Set(event.FieldTimestamp, event.Raw(`{"a":1}`)) },
		"timestamp parent": func(e *event.Event) { e.SetString("@timestamp.x", "y") },
		"parent and leaf":  func(e *event.Event) { e.SetTimestamp(ts); e.SetString("@timestamp.x", "y") },
		"names before":     func(e *event.Event) { e.SetTimestamp(ts); e.SetString("!a", "b"); e.SetString("1", "c") },
		"names before, no": func(e *event.Event) { e.SetString("!a", "b"); e.SetString("@a", "c") },
		"tags only":        func(e *event.Event) { e.Delete(event.FieldMessage); e.AddTag("t") },
		"no offset":        func(e *event.Event) { e.Meta.Offset = -1 },
		"no offset, ts":    func(e *event.Event) { e.Meta.Offset = -1; e.SetTimestamp(ts) },
		"meta id":          func(e *event.Event) { e.Meta.ID = "fp-1" },
	}
	configs := map[string]func(*Config){
		"data stream":   nil,
		"index":         func(c *Config) { c.Target, c.Index, c.ID = TargetIndex, "logs-%{+yyyy.MM.dd}", IDAuto },
		"deterministic": func(c *Config) { c.Target, c.Index, c.ID = TargetIndex, "logs", IDDeterministic },
	}
	for cname, tweak := range configs {
		cfg := NewConfig()
		if tweak != nil {
			tweak(cfg)
		}
		if err := cfg.Validate(); err != nil {
			t.Fatalf("%s: %v", cname, err)
		}
		enc, err := newEncoder(cfg)
		if err != nil {
			t.Fatal(err)
		}
		enc.now = func() time.Time { return time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC) }
		var dst []byte
		w := new(itemBuf)
		for ename, edit := range events {
			ev := sample()
			ev.Meta.Received = recv
			edit(ev)
			want := referenceItem(enc, ev)
			dst = enc.appendItem(append(dst[:0], "prev\n"...), w, ev)
			if got := dst[len("prev\n"):]; !bytes.Equal(got, want) {
				t.Errorf("%s/%s:\n got %s\nwant %s", cname, ename, got, want)
			}
		}
	}
}

// FuzzItemMatchesReference sets fuzzed names and values, @timestamp or names near it among
// them, and checks that appendItem writes what referenceItem does.
func FuzzItemMatchesReference(f *testing.F) {
	f.Add("@timestamp", "x", "@timestamp.a", int64(1), int64(42), true)
	f.Add("!", "\"q\"", "@a", int64(-1), int64(-1), false)
	f.Add("", "", "", int64(0), int64(0), false)
	f.Add("@timestamp", "", "0", int64(7), int64(-1), true)
	cfg := NewConfig()
	cfg.Target, cfg.Index, cfg.ID = TargetIndex, "logs", IDDeterministic
	if err := cfg.Validate(); err != nil {
		f.Fatal(err)
	}
	enc, err := newEncoder(cfg)
	if err != nil {
		f.Fatal(err)
	}
	enc.now = func() time.Time { return time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC) }
	w := new(itemBuf) // one memo across the inputs, as one Deliver keeps it across events
	f.Fuzz(func(t *testing.T, k1, v1, k2 string, v2, offset int64, stamp bool) {
		ev := event.NewMessage(v1, time.Unix(0, v2).UTC())
		ev.Meta.Input, ev.Meta.Source, ev.Meta.Offset = "beats", k2, offset
		ev.SetString(k1, v1)
		ev.Set(k2, event.Int(v2))
		if stamp {
			ev.SetTimestamp(time.Unix(v2, 0))
		}
		want := referenceItem(enc, ev)
		for _, w := range []*itemBuf{nil, w, w} {
			if got := enc.appendItem(nil, w, ev); !bytes.Equal(got, want) {
				t.Fatalf("memo %v:\n got %s\nwant %s", w != nil, got, want)
			}
		}
	})
}
