package logging

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"reflect"
)

// NewHandler wraps h so that no credential reaches a log line: the message, every string
// attribute, every error and every Stringer pass through Redact first. Use it for every logger
// sluice makes, in JSON and text format alike.
func NewHandler(h slog.Handler) slog.Handler {
	if r, ok := h.(*redactHandler); ok {
		return r
	}
	return &redactHandler{h: h}
}

type redactHandler struct{ h slog.Handler }

func (r *redactHandler) Enabled(ctx context.Context, l slog.Level) bool { return r.h.Enabled(ctx, l) }

func (r *redactHandler) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, Redact(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(redactAttr(a))
		return true
	})
	return r.h.Handle(ctx, out)
}

func (r *redactHandler) WithAttrs(as []slog.Attr) slog.Handler {
	red := make([]slog.Attr, len(as))
	for i, a := range as {
		red[i] = redactAttr(a)
	}
	return &redactHandler{h: r.h.WithAttrs(red)}
}

func (r *redactHandler) WithGroup(name string) slog.Handler {
	return &redactHandler{h: r.h.WithGroup(name)}
}

// redactAttr returns a with every string inside it redacted. Errors and Stringers become their
// redacted text; other values are left to the inner handler.
func redactAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		a.Value = slog.StringValue(Redact(v.String()))
	case slog.KindGroup:
		g := v.Group()
		red := make([]slog.Attr, len(g))
		for i, x := range g {
			red[i] = redactAttr(x)
		}
		a.Value = slog.GroupValue(red...)
	case slog.KindAny:
		a.Value = redactAny(v)
	default:
		a.Value = v
	}
	return a
}

func redactAny(v slog.Value) slog.Value {
	switch x := v.Any().(type) {
	case error:
		return slog.StringValue(Redact(x.Error()))
	case fmt.Stringer:
		return slog.StringValue(Redact(x.String()))
	case []string:
		red := make([]string, len(x))
		for i, s := range x {
			red[i] = Redact(s)
		}
		return slog.AnyValue(red)
	}
	if isSettings(reflect.ValueOf(v.Any())) {
		return Config(v.Any()) // a component's config: key names, human durations, secrets masked
	}
	// Anything else (maps, slices, plain structs) keeps its shape unless its text holds a
	// credential; then the redacted text is logged instead.
	b, err := json.Marshal(v.Any())
	if err != nil {
		return slog.StringValue(Redact(fmt.Sprint(v.Any())))
	}
	if red := Redact(string(b)); red != string(b) {
		return slog.StringValue(red)
	}
	return v
}

// isSettings reports whether v is (a pointer to) a struct decoded from config: one with a
// mapstructure tag.
func isSettings(v reflect.Value) bool {
	for v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return false
	}
	for i := range v.NumField() {
		if _, ok := v.Type().Field(i).Tag.Lookup("mapstructure"); ok {
			return true
		}
	}
	return false
}
