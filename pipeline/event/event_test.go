package event

import (
	"encoding/json"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestSetGetDeleteKeepsKeysSorted(t *testing.T) {
	t.Parallel()
	e := New()
	keys := []string{"message", "a-b", "a.b", "a", "kubernetes.pod.name", "@timestamp", "a.b.c", "z"}
	for i, k := range keys {
		e.Set(k, Int(int64(i)))
	}
	for i, k := range keys {
		v, ok := e.Get(k)
		if !ok || v.Int() != int64(i) {
			t.Fatalf("Get(%q) = %v, %v; want %d", k, v, ok, i)
		}
	}
	var got []string
	e.Range(func(k string, _ Value) bool { got = append(got, k); return true })
	want := []string{"@timestamp", "a", "a-b", "a.b", "a.b.c", "kubernetes.pod.name", "message", "z"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("order = %v, want %v", got, want)
	}
	if !e.Delete("a.b") || e.Has("a.b") || e.Delete("a.b") {
		t.Fatal("Delete did not remove a.b exactly once")
	}
	if n := e.DeletePrefix("a"); n != 2 || e.Has("a") || e.Has("a.b.c") || !e.Has("a-b") {
		t.Fatalf("DeletePrefix(a) removed %d, fields left: %v", n, e.fields)
	}
	for i, k := range []string{"@timestamp", "a-b", "kubernetes.pod.name", "message"} {
		if v, ok := e.Get(k); !ok || (k != "a-b" && v.Int() != int64(indexOf(keys, k))) {
			t.Fatalf("after deletes, field %d %q = %v, %v", i, k, v, ok)
		}
	}
	e.Set("z", Value{})
	if e.Has("z") {
		t.Fatal("setting a zero Value must delete the field")
	}
}

func indexOf(s []string, x string) int {
	for i, v := range s {
		if v == x {
			return i
		}
	}
	return -1
}

func TestRenameCloneAndTags(t *testing.T) {
	t.Parallel()
	e := NewMessage("line", time.Unix(10, 0))
	e.SetString("x", "1")
	if !e.Rename("x", "y.z") || e.Has("x") {
		t.Fatal("rename failed")
	}
	e.AddTag("t1")
	e.AddTag("t1")
	c := e.Clone()
	c.SetString("y.z", "changed")
	c.AddTag("t2")
	if s, _ := e.GetString("y.z"); s != "1" {
		t.Fatalf("clone shares fields: original has %q", s)
	}
	if len(e.Tags()) != 1 || !c.HasTag("t2") || !c.RemoveTag("t2") || c.HasTag("t2") {
		t.Fatalf("tags: original %v clone %v", e.Tags(), c.Tags())
	}
	if e.Message() != "line" || !e.Timestamp().Equal(time.Unix(10, 0)) {
		t.Fatalf("message %q timestamp %v", e.Message(), e.Timestamp())
	}
}

func TestAppendJSONNestsDottedKeys(t *testing.T) {
	t.Parallel()
	e := NewMessage("GPU has fallen off the bus\n\"quoted\"\t\x01\xff", time.Time{})
	e.SetTimestamp(time.Date(2026, 1, 2, 3, 4, 5, 123000000, time.UTC))
	e.SetString("kubernetes.pod.name", "vllm-0")
	e.SetString("kubernetes.namespace", "inference")
	e.Set("gpu.xid.code", Int(79))
	e.Set("vllm.gpu_kv_cache_usage", Float(0.25))
	e.Set("vllm.nan", Float(math.NaN()))
	e.Set("ok", Bool(true))
	e.Set("a", Int(1))
	e.Set("a.b", Int(2))
	e.Set("a.b.c", Int(3))
	e.Set("a.d", Int(4))
	e.Set("list", Raw(`["x",1]`))
	e.AddTag(TagParseFailure)
	got := string(e.AppendJSON(nil))
	want := `{"@timestamp":"2026-01-02T03:04:05.123Z","a":1,"a.b":2,"a.b.c":3,"a.d":4,` +
		`"gpu":{"xid":{"code":79}},"kubernetes":{"namespace":"inference","pod":{"name":"vllm-0"}},` +
		`"list":["x",1],"message":"GPU has fallen off the bus\n\"quoted\"\t\u0001\ufffd","ok":true,` +
		`"vllm":{"gpu_kv_cache_usage":0.25,"nan":null},"tags":["_parse_failure"]}`
	if got != want {
		t.Fatalf("AppendJSON:\n got %s\nwant %s", got, want)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(got), &m); err != nil {
		t.Fatalf("not valid JSON: %v", err)
	}
}

func FuzzAppendJSON(f *testing.F) {
	f.Add("a.b", "c", "a", "x\x00\xff\"")
	f.Add(".", "..", "a..b", "")
	f.Add("", "a.", ".a", "\u2028")
	f.Fuzz(func(t *testing.T, k1, k2, k3, v string) {
		e := New()
		e.SetString(k1, v)
		e.Set(k2, Int(int64(len(v))))
		e.SetString(k3, v+v)
		e.AddTag(v)
		out := e.AppendJSON(nil)
		if !json.Valid(out) {
			t.Fatalf("invalid JSON for keys %q %q %q: %s", k1, k2, k3, out)
		}
		// The same event twice through one memo, the second time written from it.
		var m JSONMemo
		for range 2 {
			if memo := e.AppendJSONMemo(nil, &m); string(memo) != string(out) {
				t.Fatalf("AppendJSONMemo wrote %s, AppendJSON %s", memo, out)
			}
		}
	})
}

func TestValueAccessors(t *testing.T) {
	t.Parallel()
	ts := time.Date(2026, 11, 27, 1, 2, 3, 4, time.UTC)
	cases := []struct {
		v    Value
		kind Kind
		text string
	}{
		{String("s"), KindString, "s"},
		{Int(-5), KindInt, "-5"},
		{Float(1.5), KindFloat, "1.5"},
		{Bool(true), KindBool, "true"},
		{Time(ts), KindTime, "2026-11-27T01:02:03.000000004Z"},
		{Raw(`{"a":1}`), KindRaw, `{"a":1}`},
	}
	for _, c := range cases {
		if c.v.Kind() != c.kind || c.v.String() != c.text {
			t.Errorf("%v: kind %v text %q, want %v %q", c.v, c.v.Kind(), c.v.String(), c.kind, c.text)
		}
	}
	if !Time(ts).Time().Equal(ts) || Int(7).Float() != 7 || Float(2.9).Int() != 2 {
		t.Fatal("conversions wrong")
	}
}

// TestAppendStringEveryPosition puts each byte that needs escaping at every offset of a string
// long enough for the eight-bytes-at-a-time scan, and checks the result against encoding/json.
func TestAppendStringEveryPosition(t *testing.T) {
	t.Parallel()
	specials := []string{"\"", "\\", "\n", "\x00", "\x1f", "\x7f", "é", "\xff", "\u2028"}
	base := "abcdefghijklmnopqrstuvwxyz0123456789"
	for _, sp := range specials {
		for pos := 0; pos <= len(base); pos++ {
			s := base[:pos] + sp + base[pos:]
			got := AppendString(nil, s)
			var back string
			if err := json.Unmarshal(got, &back); err != nil {
				t.Fatalf("%q at %d: invalid JSON %s: %v", sp, pos, got, err)
			}
			want := strings.ToValidUTF8(s, "\uFFFD")
			if back != want {
				t.Fatalf("%q at %d: round trip %q, want %q", sp, pos, back, want)
			}
		}
	}
}

// Derived strings are cut at a character boundary; the message and event.original never are.
func TestCapDerived(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", MaxDerivedLen) // two bytes each: the cut falls inside one
	e := New()
	e.SetMessage(long)
	e.SetString(FieldOriginal, long)
	e.SetString(FieldErrorMsg, long)
	e.SetString("log.message", "short")
	e.Set("log.fields.raw", Raw(`"`+long+`"`))
	if n := e.CapDerived(); n != 1 {
		t.Fatalf("cut %d fields, want 1", n)
	}
	msg, _ := e.GetString(FieldErrorMsg)
	if len(msg) > MaxDerivedLen || !utf8.ValidString(msg) || len(msg) < MaxDerivedLen-1 {
		t.Errorf("error.message: %d bytes, valid %v", len(msg), utf8.ValidString(msg))
	}
	if e.Message() != long || !e.HasTag(TagFieldTruncated) {
		t.Errorf("message cut or tag missing: %v", e.Tags())
	}
	if o, _ := e.GetString(FieldOriginal); o != long {
		t.Error("event.original cut")
	}
}

// Depth is counted without recursion, strings and escapes skipped; a value that does not fit
// becomes a string of its text.
func TestJSONWithin(t *testing.T) {
	t.Parallel()
	deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	for _, c := range []struct {
		raw          string
		depth, limit int
		kind         Kind
	}{
		{`[1,2]`, 1, MaxDepth, KindRaw},
		{`{"a":"[[[[[[[[[[\"]]"}`, 1, MaxDepth, KindRaw},
		{`[[[[[[[1]]]]]]]`, 1, MaxDepth, KindRaw}, // 7 levels under 1: 8
		{`[[[[[[[[1]]]]]]]]`, 1, MaxDepth, KindString},
		{`{"a":1}`, 8, MaxDepth, KindString},
		{deep, 0, MaxDepth, KindString},
		{`{"a":{}}`, 1, 2, KindString},
	} {
		if v := JSONWithin(c.raw, c.depth, c.limit); v.Kind() != c.kind || v.Str() != c.raw {
			t.Errorf("JSONWithin(%.30q, %d, %d): kind %v, want %v", c.raw, c.depth, c.limit, v.Kind(), c.kind)
		}
	}
}

// JSON printed over lines (a pretty-printed object a group joined, a Kafka record, a client's
// pretty Beats event) is written out on one line: the outputs write one document a line.
func TestJSONWithinTakesOutLineBreaks(t *testing.T) {
	t.Parallel()
	v := JSONWithin("{\n  \"a\": [1,\r\n 2],\n  \"b\": \"x\\ny\"\n}", 1, MaxDepth)
	if v.Kind() != KindRaw || v.Str() != `{"a":[1,2],"b":"x\ny"}` {
		t.Errorf("got %v %q", v.Kind(), v.Str())
	}
	var e Event
	e.Set("f", v)
	if out := string(e.AppendJSON(nil)); strings.ContainsAny(out, "\r\n") {
		t.Errorf("the event's JSON holds a line break: %q", out)
	}
}

// A SafeString is written verbatim, which must give what escaping gives for the text a
// decoder may mark safe, and it is the same value as a String of that text.
func TestSafeStringSameAsString(t *testing.T) {
	for _, s := range []string{"", "a", "kubernetes.pod.name", "/var/log/containers/x_y-0123.log", "~ !#$%&'()*+,-./:;<=>?@[]^_`{|}\x7f"} {
		safe, plain := SafeString(s), String(s)
		if got, want := string(safe.AppendJSON(nil)), string(plain.AppendJSON(nil)); got != want {
			t.Errorf("SafeString(%q) encodes as %s, String as %s", s, got, want)
		}
		if !safe.Equal(plain) || !plain.Equal(safe) || safe.Str() != s || safe.Kind() != KindString {
			t.Errorf("SafeString(%q) is not the same value as String(%q)", s, s)
		}
	}
}

// TestSafeSpan: a string lying inside a SafeString value is written as it is; one that starts
// inside it and ends beyond, or starts before it, is escaped.
func TestSafeSpan(t *testing.T) {
	t.Parallel()
	buf := `xa\bcdefg"h`
	e := New()
	e.Set("message", SafeString(buf[3:9])) // bcdefg
	e.SetString("in", buf[4:9])
	e.SetString("inner", buf[5:6])
	e.SetString("after", buf[7:10]) // fg"
	e.SetString("before", buf[1:4]) // a\b
	e.SetString("copy", strings.Clone(`x"y`))
	want := `{"after":"fg\"","before":"a\\b","copy":"x\"y","in":"cdefg","inner":"d","message":"bcdefg"}`
	if got := string(e.AppendJSON(nil)); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	if got := string(e.AppendJSONMemo(nil, new(JSONMemo))); got != want {
		t.Fatalf("memo: got  %s\nwant %s", got, want)
	}
}

// TestRelease: a released event reads as empty and keeps its Meta; setting a field makes it
// an ordinary event again. The last of the readers SetReaders counted releases it; an event whose
// readers were not counted is never released.
func TestRelease(t *testing.T) {
	t.Parallel()
	e := NewMessage("line", time.Unix(1700000000, 0))
	e.Meta.Source, e.Meta.Offset = "/var/log/pods/a.log", 42
	e.Set("vllm.request.id", SafeString("chatcmpl-1"))
	sh, _ := NewShared("kubernetes", 1, func(int) (string, Value) { return "kubernetes.pod.name", String("p") })
	e.AddShared(sh)
	e.AddTag("t")
	e.SetReaders(2)
	e.DoneReading()
	if e.Released() || e.Message() != "line" {
		t.Fatal("released before its second reader was done")
	}
	e.DoneReading()
	if !e.Released() || e.Len() != 0 || e.Message() != "" || len(e.Tags()) != 0 || e.Has("kubernetes.pod.name") {
		t.Errorf("released event still holds fields or tags: %s", e.AppendJSON(nil))
	}
	if got := string(e.AppendJSON(nil)); got != "{}" {
		t.Errorf("released event writes %s", got)
	}
	if e.Meta.Source != "/var/log/pods/a.log" || e.Meta.Offset != 42 || e.Meta.Received.IsZero() {
		t.Errorf("Meta not kept: %+v", e.Meta)
	}
	e.SetString(FieldMessage, "back")
	if e.Released() || e.Message() != "back" {
		t.Errorf("after a set: released %v, message %q", e.Released(), e.Message())
	}
	uncounted := NewMessage("kept", time.Unix(1700000000, 0))
	uncounted.DoneReading()
	if uncounted.Released() || uncounted.Message() != "kept" {
		t.Error("an event whose readers were not counted was released")
	}
}

// TestGrow: room made once holds the fields set after it, the event reads the same, and
// SharedLen counts what making a shared object its own adds.
func TestGrow(t *testing.T) {
	t.Parallel()
	e := NewSized(0)
	e.SetString("b", "1")
	k8s, _ := NewShared("k8s", 2, func(i int) (string, Value) { return []string{"k8s.pod", "k8s.ns"}[i], String("x") })
	e.AddShared(k8s)
	if n := e.SharedLen("k8s"); n != 2 {
		t.Fatalf("SharedLen(k8s) = %d, want 2", n)
	}
	if n := e.SharedLen("b"); n != 0 {
		t.Fatalf("SharedLen(b) = %d, want 0", n)
	}
	before := string(e.AppendJSON(nil))
	e.Grow(12 + e.SharedLen("k8s"))
	if got := string(e.AppendJSON(nil)); got != before {
		t.Fatalf("Grow changed the event: %s, was %s", got, before)
	}
	first := &e.fields[0]
	for i := range 12 {
		e.SetString("k8s.n"+strconv.Itoa(i), "v") // the first makes k8s the event's own
	}
	if &e.fields[0] != first {
		t.Errorf("the field list grew again after Grow")
	}
	if v, _ := e.GetString("k8s.pod"); v != "x" || e.Len() != 15 {
		t.Errorf("k8s.pod = %q, %d fields", v, e.Len())
	}
}
