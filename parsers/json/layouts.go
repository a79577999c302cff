package json

import (
	"github.com/tidwall/gjson"

	pu "github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/event/eventjson"
)

// loguru reads the record of loguru's serialized lines (logger.add(sink, serialize=True)): its
// level, message, logger, source, process, time and exception; its other members go to
// log.fields.record.*. It reports false, leaving the object to log.fields, when the object has
// no level name or message.
func loguru(ev *event.Event, r gjson.Result, rec *Record) bool {
	if r.Get("level.name").Type != gjson.String || r.Get("message").Type != gjson.String {
		return false
	}
	n := 0
	r.ForEach(func(k, m gjson.Result) bool {
		switch k.Str {
		case "level":
			if l, ok := pu.Level(m.Get("name").Str); ok {
				rec.Level = l
			} else if m.Get("name").Str == "SUCCESS" {
				rec.Level = pu.Info
			}
		case "message":
			ev.SetString(pu.FieldLogMessage, m.Str)
			rec.Msg, rec.text = true, m.Str
		case "name":
			if m.Type == gjson.String && m.Str != "" {
				rec.Logger = m.Str
				ev.SetString(event.FieldLogLogger, m.Str)
			}
		case "file":
			if f := m.Get("name"); f.Type == gjson.String {
				ev.SetString(event.FieldOriginFile, f.Str)
			}
		case "line":
			if m.Type == gjson.Number {
				ev.Set(event.FieldOriginLine, event.Int(m.Int()))
			}
		case "function":
			if m.Type == gjson.String {
				ev.SetString(pu.FieldOriginFunc, m.Str)
			}
		case "process":
			if id := m.Get("id"); id.Type == gjson.Number {
				ev.Set(event.FieldProcessPID, event.Int(id.Int()))
			}
		case "time":
			if t, ok := timeOf(m.Get("timestamp")); ok {
				pu.SetTime(ev, t)
				rec.Time = true
			}
		case "exception":
			if typ := m.Get("type"); typ.Type == gjson.String {
				ev.SetString(event.FieldErrorType, typ.Str)
				if val := m.Get("value"); val.Type == gjson.String && val.Str != "" {
					ev.SetString(event.FieldErrorMsg, val.Str)
				}
				rec.err = true
			}
		default:
			eventjson.FlattenResult(ev, pu.FieldLogFields+".record."+k.Str, m, &n)
		}
		return true
	})
	return true
}

// ecsLog reads ECS's nested log object (Kibana's JSON layout): its level, logger and origin;
// the rest of it goes to log.fields.log.*. It reports false, leaving the whole object to
// log.fields, when the object holds none of them.
func ecsLog(ev *event.Event, v gjson.Result, rec *Record) bool {
	lv, logger, orig := v.Get("level"), v.Get("logger"), v.Get("origin")
	level, okLevel := pu.Level(lv.String())
	okLevel = okLevel && lv.Type == gjson.String
	if !okLevel && logger.Type != gjson.String && !orig.IsObject() {
		return false
	}
	n := 0
	v.ForEach(func(k, m gjson.Result) bool {
		switch {
		case k.Str == "level" && okLevel:
			rec.Level = level
		case k.Str == "logger" && m.Type == gjson.String:
			rec.Logger = m.Str
			ev.SetString(event.FieldLogLogger, m.Str)
		case k.Str == "origin" && origin(ev, m):
		default:
			eventjson.FlattenResult(ev, pu.FieldLogFields+".log."+k.Str, m, &n)
		}
		return true
	})
	return true
}

// ecsError reads ECS's nested error object: type, message and stack trace; other members go to
// log.fields.error.*. Without a string message or type it reports false (the object is then
// error.message's text, as any other error value).
func ecsError(ev *event.Event, v gjson.Result, rec *Record) bool {
	if v.Get("message").Type != gjson.String && v.Get("type").Type != gjson.String {
		return false
	}
	n := 0
	v.ForEach(func(k, m gjson.Result) bool {
		switch {
		case m.Type == gjson.String && (k.Str == "type" || k.Str == "message" || k.Str == "stack_trace"):
			ev.SetString("error."+k.Str, m.Str)
		case m.Type == gjson.String && k.Str == "stack":
			ev.SetString(event.FieldErrorStack, m.Str) // pino's err serializer: {"type","message","stack"}
		case m.Type == gjson.String && k.Str == "name" && m.Str != "" && !v.Get("type").Exists():
			ev.SetString(event.FieldErrorType, m.Str) // bunyan's err serializer: {"message","name","stack"}
			eventjson.FlattenResult(ev, pu.FieldLogFields+".error."+k.Str, m, &n)
		default:
			eventjson.FlattenResult(ev, pu.FieldLogFields+".error."+k.Str, m, &n)
		}
		return true
	})
	rec.err = true
	return true
}
