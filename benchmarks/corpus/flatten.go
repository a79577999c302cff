package corpus

import (
	"strings"

	"github.com/tidwall/gjson"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// Flatten sets the members of a document that Event returned as the event's own fields, by
// dotted name (Filebeat's @metadata left out), each string copied so that no two events share
// their text, as decoded events do not. Benchmarks of the stages after the input build their
// events with it.
func Flatten(ev *event.Event, doc []byte) { flatten(ev, "", gjson.ParseBytes(doc)) }

func flatten(ev *event.Event, prefix string, v gjson.Result) {
	v.ForEach(func(k, m gjson.Result) bool {
		name := prefix + k.Str
		switch {
		case name == "@metadata":
		case m.IsObject():
			flatten(ev, name+".", m)
		case m.Type == gjson.String:
			ev.SetString(name, strings.Clone(m.Str))
		case m.Type == gjson.Number:
			ev.Set(name, event.Int(m.Int()))
		default:
			ev.Set(name, event.Raw(strings.Clone(m.Raw)))
		}
		return true
	})
}
