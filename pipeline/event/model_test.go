package event

import (
	"encoding/json"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// TestEventMatchesMapModel applies random operations to an Event and to a plain map and checks
// after each that lookups, the sorted range and the JSON encoding agree with the map.
// modelNames are the names the model test sets and looks up; modelHints, one per name and
// kept across the test's events, are read by checkModel alone (the test is not parallel).
var (
	modelNames = []string{"a", "a.b", "a.b.c", "a-b", "a.c", "b", "k8s", "k8s.pod", "k8s.pod.name", "k8s.ns", "m", "", ".", "x.", ".y", FieldMessage,
		"!", "!.b", "+.pod", "a.x.y"} // '!' and '+' share firstBit with 'a' and 'k'
	modelHints = make([]Hint, len(modelNames))
)

func TestEventMatchesMapModel(t *testing.T) {
	names := modelNames[:len(modelNames)-1] // a.x.y comes from shared objects alone

	r := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 200; round++ {
		e, model := New(), map[string]int64{}
		for op := 0; op < 60; op++ {
			k := names[r.IntN(len(names))]
			switch r.IntN(7) {
			case 0, 1, 2:
				v := r.Int64N(3)
				e.Set(k, Int(v))
				model[k] = v
			case 3:
				if e.Delete(k) != hasKey(model, k) {
					t.Fatalf("Delete(%q) disagrees with the model", k)
				}
				delete(model, k)
			case 4:
				n := 0
				for mk := range model {
					if underPrefix(mk, k) {
						delete(model, mk)
						n++
					}
				}
				if got := e.DeletePrefix(k); got != n {
					t.Fatalf("DeletePrefix(%q) = %d, model removed %d", k, got, n)
				}
			case 6:
				addShared(t, r, e, model)
			case 5:
				to := names[r.IntN(len(names))]
				if v, ok := model[k]; ok {
					delete(model, k)
					model[to] = v
				}
				e.Rename(k, to)
			}
			checkModel(t, e, model)
		}
	}
}

// modelMemo is shared by every check of the model test, which runs on one goroutine: events of
// few names and small values repeat objects, which it then writes from memory.
var modelMemo JSONMemo

// addShared adds a shared object of random fields under "a" or "k8s" to e, and its fields to the
// model: whether the event holds it shared or sets its fields, they must read the same.
func addShared(t *testing.T, r *rand.Rand, e *Event, model map[string]int64) {
	t.Helper()
	under := map[string][]string{"a": {"a.b", "a.b.c", "a.c", "a.x.y"}, "k8s": {"k8s.pod", "k8s.pod.name", "k8s.ns"}}
	name := []string{"a", "k8s"}[r.IntN(2)]
	var keys []string
	var vals []int64
	for _, k := range under[name] {
		if r.IntN(2) == 0 {
			keys, vals = append(keys, k), append(vals, r.Int64N(3))
		}
	}
	s, ok := NewShared(name, len(keys), func(i int) (string, Value) { return keys[i], Int(vals[i]) })
	if ok != (len(keys) > 0) {
		t.Fatalf("NewShared(%q, %q) = %v", name, keys, ok)
	}
	if !ok {
		return
	}
	switch set, _ := NewSharedSet(s); r.IntN(3) {
	case 0:
		e.AddSharedSet(set)
	case 1:
		e.AddShared(s)
	default:
		// ReplaceShared takes the place of what the event holds under name, unless some of it
		// is the event's own.
		if got, want := e.ReplaceShared(s), !ownUnderModel(e, name); got != want {
			t.Fatalf("ReplaceShared(%q) = %v, want %v", name, got, want)
		} else if !got {
			return
		}
		for mk := range model {
			if strings.HasPrefix(mk, name+".") {
				delete(model, mk)
			}
		}
	}
	for i, k := range keys {
		model[k] = vals[i]
	}
}

func hasKey(m map[string]int64, k string) bool { _, ok := m[k]; return ok }

// ownUnderModel is HasOwnUnder read off the own fields one by one.
func ownUnderModel(e *Event, name string) bool {
	for _, f := range e.fields {
		if f.key == name || strings.HasPrefix(f.key, name+".") {
			return true
		}
	}
	return false
}

func checkModel(t *testing.T, e *Event, model map[string]int64) {
	t.Helper()
	if e.Len() != len(model) {
		t.Fatalf("Len %d, model %d", e.Len(), len(model))
	}
	var keys []string
	for k, v := range model {
		keys = append(keys, k)
		if got, ok := e.Get(k); !ok || got.Int() != v {
			t.Fatalf("Get(%q) = %v %v, want %d", k, got, ok, v)
		}
	}
	// Hints carried from check to check and from event to event: stale positions, positions
	// past the end, and names that are the hinted field's prefix must not mislead a lookup.
	for i, k := range modelNames {
		v, inModel := model[k]
		got, ok := e.GetHinted(k, &modelHints[i])
		if ok != inModel || (ok && got.Int() != v) {
			t.Fatalf("GetHinted(%q) = %v %v, want %d %v", k, got, ok, v, inModel)
		}
		str, ok := e.GetStringHinted(k, &modelHints[(i+1)%len(modelHints)])
		if ok != inModel || (ok && str != strconv.FormatInt(v, 10)) {
			t.Fatalf("GetStringHinted(%q) = %q %v, want %d %v", k, str, ok, v, inModel)
		}
	}
	// Message remembers where it found the field: deletes and renames move fields under it.
	want := ""
	if v, ok := model[FieldMessage]; ok {
		want = strconv.FormatInt(v, 10)
	}
	if got := e.Message(); got != want {
		t.Fatalf("Message() = %q, want %q", got, want)
	}
	sort.Strings(keys)
	var ranged []string
	e.Range(func(k string, _ Value) bool { ranged = append(ranged, k); return true })
	if strings.Join(ranged, "|") != strings.Join(keys, "|") {
		t.Fatalf("Range %q, want %q", ranged, keys)
	}
	c := e.Clone()
	for _, name := range []string{"a", "k8s", "!", "+", "", ".", "x", "m", "a-b"} {
		if got, want := e.HasOwnUnder(name), ownUnderModel(e, name); got != want || c.HasOwnUnder(name) != want {
			t.Fatalf("HasOwnUnder(%q) = %v (clone %v), want %v (own %v)", name, got, c.HasOwnUnder(name), want, e.fields)
		}
	}
	for _, name := range []string{"a", "k8s"} {
		var want []string
		for _, k := range keys {
			if strings.HasPrefix(k, name+".") {
				want = append(want, k+"="+strconv.FormatInt(model[k], 10))
			}
		}
		var got []string
		if s, ok := e.Share(name); ok {
			for _, f := range s.fields {
				got = append(got, f.key+"="+strconv.FormatInt(f.val.Int(), 10))
			}
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Fatalf("Share(%q) = %q, want %q", name, got, want)
		}
	}
	out := e.AppendJSON(nil)
	if memo := e.AppendJSONMemo(nil, &modelMemo); string(memo) != string(out) {
		t.Fatalf("AppendJSONMemo wrote\n%s\nAppendJSON\n%s", memo, out)
	}
	if !json.Valid(out) {
		t.Fatalf("invalid JSON %s", out)
	}
	// Shared objects or not, the event writes what one holding the same fields as its own does.
	plain := New()
	for _, k := range keys {
		plain.Set(k, Int(model[k]))
	}
	if want := plain.AppendJSON(nil); string(out) != string(want) {
		t.Fatalf("AppendJSON\n%s\nfrom the same fields set one by one\n%s", out, want)
	}
	// Every value appears once, and no object key repeats at one level (json.Unmarshal into a
	// map would hide a repeat, so count leaves instead).
	var leaves int
	countLeaves(t, json.NewDecoder(strings.NewReader(string(out))), &leaves)
	if leaves != len(model) {
		t.Fatalf("JSON has %d values, want %d: %s", leaves, len(model), out)
	}
}

func countLeaves(t *testing.T, d *json.Decoder, n *int) {
	t.Helper()
	seen := map[string]bool{}
	tok, _ := d.Token() // {
	if tok != json.Delim('{') {
		t.Fatalf("want object, got %v", tok)
	}
	for d.More() {
		k, _ := d.Token()
		if seen[k.(string)] {
			t.Fatalf("key %q twice at one level", k)
		}
		seen[k.(string)] = true
		if d.More() {
			var raw json.RawMessage
			if err := d.Decode(&raw); err != nil {
				t.Fatal(err)
			}
			if len(raw) > 0 && raw[0] == '{' {
				countLeaves(t, json.NewDecoder(strings.NewReader(string(raw))), n)
			} else {
				*n++
			}
		}
	}
	d.Token() // }
}

// TestAppendJSONMemoReusesObjects checks that a remembered object is copied, not written again;
// that one with the same names and another value is written from the remembered text between
// the values; and that an added name is not taken for either.
func TestAppendJSONMemoReusesObjects(t *testing.T) {
	t.Parallel()
	var m JSONMemo
	e := New()
	e.SetString("agent.type", "filebeat")
	e.SetString("agent.id", "a1")
	e.SetString("message", "x")
	want := `{"agent":{"id":"a1","type":"filebeat"},"message":"x"}`
	if got := string(e.AppendJSONMemo(nil, &m)); got != want {
		t.Fatalf("first write %s", got)
	}
	// Mark the remembered JSON: a second write of the same object must copy the mark.
	o := &m.name("agent").ways[0]
	kept := o.json
	o.json = []byte(`"agent":"from memory"`)
	if got := string(e.AppendJSONMemo(nil, &m)); got != `{"agent":"from memory","message":"x"}` {
		t.Fatalf("second write did not use the memo: %s", got)
	}
	// Mark a name, keeping every offset: a changed value is written between remembered names.
	o.json = []byte(strings.Replace(string(kept), `"id"`, `"ID"`, 1))
	e.SetString("agent.id", "a2")
	if got := string(e.AppendJSONMemo(nil, &m)); got != `{"agent":{"ID":"a2","type":"filebeat"},"message":"x"}` {
		t.Fatalf("changed value not written from the remembered names: %s", got)
	}
	// What it remembers now is that write: the same object again is copied whole.
	if got := string(e.AppendJSONMemo(nil, &m)); got != `{"agent":{"ID":"a2","type":"filebeat"},"message":"x"}` {
		t.Fatalf("rewritten object not remembered: %s", got)
	}
	e.SetString("agent.id", "a1")
	e.SetString("agent.name", "n")
	if got := string(e.AppendJSONMemo(nil, &m)); got != `{"agent":{"id":"a1","name":"n","type":"filebeat"},"message":"x"}` {
		t.Fatalf("added name: %s", got)
	}
}

// TestSharedSetCopyOnWrite gives two events one set of shared objects and changes one event: the
// other, its clone and the set itself must not see the change.
func TestSharedSetCopyOnWrite(t *testing.T) {
	t.Parallel()
	mk := func(name string, kv ...string) *Shared {
		s, ok := NewShared(name, len(kv)/2, func(i int) (string, Value) { return kv[2*i], String(kv[2*i+1]) })
		if !ok {
			t.Fatalf("NewShared(%q)", name)
		}
		return s
	}
	set, ok := NewSharedSet(mk("k8s", "k8s.pod", "p0", "k8s.ns", "n"), mk("agent", "agent.id", "a1"))
	if !ok {
		t.Fatal("NewSharedSet refused distinct names")
	}
	if _, ok := NewSharedSet(mk("a", "a.b", "1"), mk("a", "a.c", "2")); ok {
		t.Fatal("NewSharedSet took one name twice")
	}
	e1, e2 := New(), New()
	e1.AddSharedSet(set)
	e2.AddSharedSet(set)
	e1.SetString("message", "m")
	e2.SetString("message", "m")
	want := `{"agent":{"id":"a1"},"k8s":{"ns":"n","pod":"p0"},"message":"m"}`
	c := e1.Clone()
	e1.SetString("k8s.pod", "p1")
	e1.Delete("agent.id")
	c.DeletePrefix("k8s")
	if got := string(e2.AppendJSON(nil)); got != want {
		t.Fatalf("the other event changed: %s", got)
	}
	if got := string(e1.AppendJSON(nil)); got != `{"k8s":{"ns":"n","pod":"p1"},"message":"m"}` {
		t.Fatalf("changed event: %s", got)
	}
	if got := string(c.AppendJSON(nil)); got != `{"agent":{"id":"a1"},"message":"m"}` {
		t.Fatalf("clone: %s", got)
	}
	e3 := New()
	e3.AddSharedSet(set)
	if got := string(e3.AppendJSON(nil)); got != `{"agent":{"id":"a1"},"k8s":{"ns":"n","pod":"p0"}}` {
		t.Fatalf("the set changed: %s", got)
	}
	e3.Reset()
	if e3.Len() != 0 || string(e2.AppendJSON(nil)) != want {
		t.Fatalf("Reset: %d fields left, other event %s", e3.Len(), e2.AppendJSON(nil))
	}
}

// TestAppendJSONMemoValuesOfAnyLength writes events of few names, so that objects repeat their
// names, with values of every length and kind, through one memo: each must read as AppendJSON
// writes it, also when the value before it changed length.
func TestAppendJSONMemoValuesOfAnyLength(t *testing.T) {
	t.Parallel()
	names := []string{"a.b", "a.c.d", "a.c.e", "a.f", "b.x", "b.y.z", "message", "c"}
	r := rand.New(rand.NewPCG(3, 4))
	var m JSONMemo
	for i := range 5000 {
		e := New()
		for _, k := range names {
			switch r.IntN(5) {
			case 0: // absent: the shape changes
			case 1:
				e.Set(k, Int(r.Int64N(1_000_000_000)>>r.IntN(30)))
			case 2:
				e.SetString(k, strings.Repeat("v\\\"é", r.IntN(4))+strconv.Itoa(r.IntN(1000)))
			default:
				e.SetString(k, []string{"x", "yy", ""}[r.IntN(3)])
			}
		}
		want := e.AppendJSON(nil)
		if got := e.AppendJSONMemo(nil, &m); string(got) != string(want) {
			t.Fatalf("event %d: AppendJSONMemo wrote\n%s\nAppendJSON\n%s", i, got, want)
		}
	}
}
