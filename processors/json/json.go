// Package json is the processor that decodes a JSON object held in a field (a structured log
// line, a JSON payload inside a message) into event fields under a prefix. Nested objects become
// dotted fields; arrays stay raw JSON; whatever lies deeper than max_depth (at most
// event.MaxDepth) is kept as a string of its JSON text. Text that is not a JSON object is left as it was and goes
// to the error policy.
package json

import (
	"errors"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/event/eventjson"
	"github.com/sluice-dev/sluice/processors/internal/proc"
)

// Factory creates json processors.
var Factory = proc.NewFactory("json", NewConfig, build)

var errNotObject = errors.New("not a JSON object")

type decoder struct {
	field, target string
	depth         int
	overwrite     bool
	remove        bool
}

func build(_ pipeline.Settings, c *Config) (proc.EventFunc, error) {
	d := &decoder{field: c.Field, target: c.Target, depth: c.MaxDepth, overwrite: c.Overwrite,
		remove: c.RemoveField && c.Field != event.FieldMessage}
	return d.event, nil
}

func (d *decoder) event(ev *event.Event) (proc.Result, error) {
	v, ok := ev.Get(d.field)
	if !ok {
		return proc.Keep, errors.New("field " + d.field + " not found")
	}
	s := strings.TrimSpace(v.Str())
	if !strings.HasPrefix(s, "{") || !eventjson.Valid(s) { // gjson.Valid recurses: no stack bound
		return proc.Keep, errNotObject
	}
	if d.remove {
		ev.Delete(d.field)
	}
	d.object(ev, gjson.Parse(s), d.target, 1)
	return proc.Keep, nil
}

func (d *decoder) object(ev *event.Event, obj gjson.Result, prefix string, depth int) {
	obj.ForEach(func(k, v gjson.Result) bool {
		name := proc.Key(prefix, k.String())
		if v.IsObject() && depth < d.depth {
			d.object(ev, v, name, depth+1)
			return true
		}
		val, ok := value(v, depth, d.depth)
		if ok && (d.overwrite || !ev.Has(name)) {
			ev.Set(name, val)
		}
		return true
	})
}

// Value converts a JSON value: strings, integers (when written without fraction or exponent),
// floats and booleans get their kinds, objects and arrays stay raw while they fit within
// event.MaxDepth levels, and are kept as a string of their text beyond. null has no value.
func Value(v gjson.Result) (event.Value, bool) { return value(v, 0, event.MaxDepth) }

// value converts v, found under depth levels of its document, with limit levels at most.
func value(v gjson.Result, depth, limit int) (event.Value, bool) {
	switch v.Type {
	case gjson.String:
		return event.String(v.Str), true
	case gjson.True:
		return event.Bool(true), true
	case gjson.False:
		return event.Bool(false), true
	case gjson.Number:
		if !strings.ContainsAny(v.Raw, ".eE") {
			if i, err := strconv.ParseInt(v.Raw, 10, 64); err == nil {
				return event.Int(i), true
			}
		}
		return event.Float(v.Num), true
	case gjson.JSON:
		return event.JSONWithin(v.Raw, depth, limit), true
	}
	return event.Value{}, false
}
