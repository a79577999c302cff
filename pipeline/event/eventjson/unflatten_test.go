package eventjson

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/tidwall/gjson"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// restored rebuilds an event from the document e is written as.
func restored(doc []byte) *event.Event {
	r := event.New()
	Unflatten(r, gjson.ParseBytes(doc))
	return r
}

// TestUnflattenUndoesAppendJSON: an event rebuilt from its document is written as the same
// document, for every kind of value, nesting, escapes, shared objects and tags.
func TestUnflattenUndoesAppendJSON(t *testing.T) {
	t.Parallel()
	e := event.NewMessage("Traceback (most recent call last):\n  File \"x.py\"\t\u00e9\x01", time.Unix(1700000000, 5))
	e.SetTimestamp(time.Date(2026, 12, 3, 10, 0, 0, 123456789, time.UTC))
	e.Set("vllm.request.prompt_tokens", event.Int(-9223372036854775808))
	e.Set("vllm.request.max_tokens", event.Int(9223372036854775807))
	e.Set("vllm.stats.gpu_kv_cache_usage.pct", event.Float(0.25))
	e.Set("vllm.stats.big", event.Float(1e300))
	e.Set("vllm.stats.whole", event.Float(2))
	e.Set("vllm.stats.nan", event.Float(math.NaN()))
	e.Set("http.ok", event.Bool(true))
	e.Set("http.bad", event.Bool(false))
	e.Set("list", event.Raw(`[{"a":[1,{"b":null}]},"x",2.5]`))
	e.Set("empty", event.Raw(`{}`))
	e.Set(strings.Repeat("d.", 30)+"leaf", event.String("deep"))
	e.SetString("weird key.with \"quote\"", "v")
	sh, ok := event.NewShared("kubernetes", 2, func(i int) (string, event.Value) {
		return []string{"kubernetes.namespace", "kubernetes.pod.name"}[i], event.String([]string{"llm", "vllm-0"}[i])
	})
	if !ok {
		t.Fatal("NewShared refused the fields")
	}
	e.AddShared(sh)
	e.AddTag("_parse_failure")
	e.AddTag("request_sampled")
	doc := e.AppendJSON(nil)
	if got := restored(doc).AppendJSON(nil); string(got) != string(doc) {
		t.Fatalf("rebuilt event writes\n%s\nthe original\n%s", got, doc)
	}
	r := restored(doc)
	if v, _ := r.Get("vllm.request.prompt_tokens"); v.Kind() != event.KindInt {
		t.Errorf("prompt_tokens came back as kind %v, want an integer", v.Kind())
	}
	if !r.HasTag("request_sampled") {
		t.Error("tags did not come back as tags")
	}
}

func FuzzUnflatten(f *testing.F) {
	f.Add("a.b", "c", "a", "x\x00\xff\"", int64(3), 0.5)
	f.Add(".", "..", "a..b", "", int64(-1), math.Inf(1))
	f.Add("", "a.", ".a", "\u2028", int64(0), 1e21)
	f.Fuzz(func(t *testing.T, k1, k2, k3, v string, n int64, x float64) {
		if !utf8.ValidString(k1) || !utf8.ValidString(k2) || !utf8.ValidString(k3) {
			// Names that differ only in invalid bytes are written alike (\ufffd), so the
			// document cannot tell them apart; nothing can restore what it does not hold.
			t.Skip()
		}
		e := event.New()
		e.SetString(k1, v)
		e.Set(k2, event.Int(n))
		e.Set(k3, event.Float(x))
		e.AddTag(v)
		doc := e.AppendJSON(nil)
		// Restoring is faithful to the document: what it rebuilds is written as the same JSON
		// (an invalid UTF-8 byte, written as \ufffd, comes back as the character itself).
		if got := restored(doc).AppendJSON(nil); !sameJSON(t, got, doc) {
			t.Fatalf("keys %q %q %q: rebuilt event writes\n%s\nthe original\n%s", k1, k2, k3, got, doc)
		}
	})
}

// sameJSON reports whether a and b hold the same JSON value, numbers compared by their text.
func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	decode := func(s []byte) any {
		d := json.NewDecoder(bytes.NewReader(s))
		d.UseNumber()
		var v any
		if err := d.Decode(&v); err != nil {
			t.Fatalf("not JSON: %v: %s", err, s)
		}
		return v
	}
	return string(a) == string(b) || reflect.DeepEqual(decode(a), decode(b))
}

// FuzzUnflattenAnyJSON feeds Unflatten what a dead-letter file may hold after an operator has
// edited it: any JSON object. It must not fail, and the event must write valid JSON.
func FuzzUnflattenAnyJSON(f *testing.F) {
	f.Add(`{"a":{"b":[1,{"c":null}],"":{"x":1e999}},"tags":["t",2,{"u":1}],"a.b":"dup"}`)
	f.Add(`{"message":"x\u0000\ud800","n":-9223372036854775809,"o":{}}`)
	f.Add(strings.Repeat(`{"a":`, 100) + "1" + strings.Repeat("}", 100))
	f.Fuzz(func(t *testing.T, doc string) {
		if !Valid(doc) || !gjson.Parse(doc).IsObject() {
			return
		}
		e := event.New()
		Unflatten(e, gjson.Parse(doc))
		if out := e.AppendJSON(nil); !json.Valid(out) {
			t.Fatalf("invalid JSON from %q: %s", doc, out)
		}
	})
}
