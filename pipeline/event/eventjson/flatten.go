package eventjson

import (
	"strconv"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// MaxFields keeps one hostile line from making a huge event: members past it are left out (the
// line itself stays in message). Objects and arrays deeper than event.MaxDepth levels, the one
// rule every decoder follows, are kept as a string of their JSON text.
const MaxFields = 256

// Flatten sets every member of the JSON object raw as a dotted field under prefix (prefix.a.b),
// typed: strings, integers, floats, booleans; arrays are kept as raw JSON; nulls are skipped. It
// returns how many fields it set, and false when raw is not a JSON object. Any component may use
// it to bring JSON it carries (a Kafka payload, a nested log) into an event.
func Flatten(ev *event.Event, prefix, raw string) (int, bool) {
	if !Valid(raw) {
		return 0, false
	}
	r := gjson.Parse(raw)
	if !r.IsObject() {
		return 0, false
	}
	n := 0
	flatten(ev, prefix, r, 0, &n)
	return n, true
}

// FlattenResult is Flatten for a member of a JSON object that gjson already parsed (one level
// down from the document); n counts the fields set and stops the walk at MaxFields.
func FlattenResult(ev *event.Event, prefix string, r gjson.Result, n *int) {
	flatten(ev, prefix, r, 1, n)
}

// FlattenMember is FlattenResult for the member key of a JSON object, under base: a dotted key
// ("0.0.0.0.0.0.0.0.0.0") nests as deep as its dots, so one too deep for event.MaxDepth stays one
// name, its dots made '_'.
func FlattenMember(ev *event.Event, base, key string, r gjson.Result, n *int) {
	name, depth := memberName(key, 1)
	flatten(ev, base+"."+name, r, depth, n)
}

// memberName returns the name a member's key is set under, found under depth levels of the
// document, and the depth its value is found at.
func memberName(key string, depth int) (string, int) {
	if key == "" {
		return "_", depth
	}
	if dots := strings.Count(key, "."); dots > 0 {
		if depth+dots >= event.MaxDepth {
			return strings.ReplaceAll(key, ".", "_"), depth
		}
		depth += dots
	}
	return key, depth
}

// flatten sets r, found under depth levels of the document, as fields under prefix.
func flatten(ev *event.Event, prefix string, r gjson.Result, depth int, n *int) {
	if !r.IsObject() || depth >= event.MaxDepth {
		set(ev, prefix, value(r, depth), n)
		return
	}
	r.ForEach(func(k, v gjson.Result) bool {
		if *n >= MaxFields {
			return false
		}
		key, d := memberName(k.Str, depth+1)
		if prefix != "" {
			key = prefix + "." + key
		}
		flatten(ev, key, v, d, n)
		return true
	})
}

// Unflatten sets the members of doc, a JSON object an event was written as (Event.AppendJSON,
// a dead-letter record's event), as the fields it was written from: nested objects become dotted
// names at any depth, the top-level tags array becomes the event's tags, a null stays null, and
// other values convert as Value does. An output rebuilds an event it was done with once encoded
// (event.Event.DoneReading) from its document this way, and a replay reads the dead letter.
func Unflatten(ev *event.Event, doc gjson.Result) { unflatten(ev, doc, "", 1) }

// unflatten sets the members of obj under prefix and reports whether it had any.
func unflatten(ev *event.Event, obj gjson.Result, prefix string, depth int) bool {
	some := false
	obj.ForEach(func(k, v gjson.Result) bool {
		some = true
		name := k.Str
		if prefix != "" {
			name = prefix + "." + name
		}
		switch {
		case name == event.FieldTags && v.IsArray():
			for _, t := range v.Array() {
				ev.AddTag(t.String())
			}
		case v.IsObject() && unflatten(ev, v, name, depth+1):
		case v.Type == gjson.Null: // a float that was NaN or infinite, written as null
			ev.Set(name, event.Raw("null"))
		default: // a scalar, an array, or an empty object (kept as its text)
			ev.Set(name, value(v, depth))
		}
		return true
	})
	return some
}

func set(ev *event.Event, key string, v event.Value, n *int) {
	if *n >= MaxFields || key == "" || v.IsZero() {
		return
	}
	ev.Set(key, v)
	*n++
}

// Value converts one member of a JSON object (one level down from the document) to an event
// value: integers stay integers, other numbers are floats, arrays and objects are raw JSON
// while they fit within event.MaxDepth and a string of their text beyond, null is the zero Value.
func Value(r gjson.Result) event.Value { return value(r, 1) }

func value(r gjson.Result, depth int) event.Value {
	switch r.Type {
	case gjson.String:
		return event.String(r.Str)
	case gjson.True:
		return event.Bool(true)
	case gjson.False:
		return event.Bool(false)
	case gjson.Number:
		if !strings.ContainsAny(r.Raw, ".eE") {
			if i, err := strconv.ParseInt(r.Raw, 10, 64); err == nil {
				return event.Int(i)
			}
		}
		return event.Float(r.Num)
	case gjson.JSON:
		return event.JSONWithin(r.Raw, depth, event.MaxDepth)
	}
	return event.Value{}
}
