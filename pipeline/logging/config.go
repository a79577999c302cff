package logging

import (
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"time"
)

// secretFields are setting names whose values are never logged (lowercase).
var secretFields = map[string]bool{
	"password": true, "passwd": true, "secret": true, "token": true, "api_key": true,
	"apikey": true, "bearer_token": true, "client_secret": true, "passphrase": true,
	"key_passphrase": true, "sasl_password": true,
}

// Config renders a component's settings for a log line the way the user wrote them: under
// their config key names (the mapstructure tags), durations as "90s" rather than nanoseconds,
// secrets masked and URLs redacted. It reflects over the struct once per call, which is fine at
// startup and reload, the only places settings are logged.
func Config(cfg any) slog.Value {
	return configValue(reflect.ValueOf(cfg))
}

var durationType = reflect.TypeFor[time.Duration]()

func configValue(v reflect.Value) slog.Value {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return slog.AnyValue(nil)
		}
		v = v.Elem()
	}
	if v.Type() == durationType {
		return slog.StringValue(time.Duration(v.Int()).String())
	}
	if s, ok := stringer(v); ok {
		return slog.StringValue(Redact(s))
	}
	switch v.Kind() {
	case reflect.Struct:
		return slog.GroupValue(structAttrs(v)...)
	case reflect.String:
		return slog.StringValue(Redact(v.String()))
	case reflect.Bool:
		return slog.BoolValue(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return slog.Int64Value(v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return slog.Uint64Value(v.Uint())
	case reflect.Float32, reflect.Float64:
		return slog.Float64Value(v.Float())
	case reflect.Slice, reflect.Array:
		parts := make([]string, v.Len())
		for i := range parts {
			parts[i] = configValue(v.Index(i)).String()
		}
		return slog.StringValue("[" + strings.Join(parts, ", ") + "]")
	}
	return slog.StringValue(Redact(fmt.Sprint(v.Interface())))
}

// stringer returns the String() of types that define one (sizes, levels), when it is reachable.
func stringer(v reflect.Value) (string, bool) {
	if !v.CanInterface() {
		return "", false
	}
	if s, ok := v.Interface().(fmt.Stringer); ok {
		return s.String(), true
	}
	return "", false
}

// structAttrs lists a struct's settings; untagged and unexported fields are internal state and
// left out, and ",squash" embeds are flattened as the decoder flattens them.
func structAttrs(v reflect.Value) []slog.Attr {
	t := v.Type()
	var out []slog.Attr
	for i := range t.NumField() {
		f := t.Field(i)
		tag, ok := f.Tag.Lookup("mapstructure")
		if !ok || !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		fv := v.Field(i)
		if strings.Contains(opts, "squash") {
			if fv.Kind() == reflect.Struct {
				out = append(out, structAttrs(fv)...)
			}
			continue
		}
		if secretFields[strings.ToLower(name)] {
			if !fv.IsZero() {
				out = append(out, slog.String(name, mask))
			}
			continue
		}
		out = append(out, slog.Attr{Key: name, Value: configValue(fv)})
	}
	return out
}
