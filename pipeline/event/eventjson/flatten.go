package eventjson

import (
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
		key := k.Str
		if key == "" {
			key = "_"
		}
		if prefix != "" {
			key = prefix + "." + key
		}
		flatten(ev, key, v, depth+1, n)
		return true
	})
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
		if !strings.ContainsAny(r.Raw, ".eE") && r.Num >= -9e18 && r.Num <= 9e18 {
			return event.Int(r.Int())
		}
		return event.Float(r.Num)
	case gjson.JSON:
		return event.JSONWithin(r.Raw, depth, event.MaxDepth)
	}
	return event.Value{}
}
