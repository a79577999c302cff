package config

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/go-viper/mapstructure/v2"
)

// Decode decodes a raw YAML value into out strictly: an unknown key, a value of the wrong type
// or an unparsable duration is an error, reported with its path under prefix. Fields the raw
// value does not set keep the defaults already in out. Components may use it to decode nested
// raw sections they keep as map[string]any.
func Decode(prefix string, raw any, out any) error {
	var p problems
	p.decode(prefix, raw, out)
	if len(p) == 0 {
		return nil
	}
	return &Errors{List: p.sorted()}
}

func (p *problems) decode(prefix string, raw any, out any) {
	if raw == nil {
		return
	}
	dec, err := mapstructure.NewDecoder(&mapstructure.DecoderConfig{
		DecodeHook: mapstructure.ComposeDecodeHookFunc(
			renamedHook,
			durationHook,
			mapstructure.StringToTimeDurationHookFunc(),
			mapstructure.TextUnmarshallerHookFunc(),
			scalarHook, // after TextUnmarshaller: pipeline.ByteSize is an int64 that parses text
			integerHook,
			listHook,
		),
		ErrorUnused: true,
		Squash:      true,
		Result:      out,
	})
	if err != nil {
		p.add(prefix, "internal: %v", err)
		return
	}
	err = dec.Decode(raw)
	// Decode wraps its joined errors in one summary error; split them again.
	var joined interface{ Unwrap() []error }
	if errors.As(err, &joined) {
		err = joined.(error)
	}
	p.addErr(prefix, err)
}

var durationType = reflect.TypeOf(time.Duration(0))

// Renamer is a config section that lists its keys' former names (old name to new name), so
// that a config written for an older release, or copied from a tool that names the setting
// otherwise, fails with the key to write instead of a bare "unknown key".
type Renamer interface {
	RenamedKeys() map[string]string
}

var renamerType = reflect.TypeOf((*Renamer)(nil)).Elem()

// renamedHook refuses the former names of a Renamer's keys, one error per key.
func renamedHook(from, to reflect.Type, data any) (any, error) {
	m, ok := data.(map[string]any)
	if !ok || to.Kind() != reflect.Struct || !reflect.PointerTo(to).Implements(renamerType) {
		return data, nil
	}
	renamed := reflect.New(to).Interface().(Renamer).RenamedKeys()
	var errs []error
	for _, k := range sortedKeys(m) {
		if now, ok := renamed[k]; ok {
			errs = append(errs, &Error{Path: k, Msg: "unknown key; the setting is now " + now})
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return data, nil
}

// durationHook rejects bare numbers for durations: "flush_interval: 5" would otherwise mean five
// nanoseconds.
func durationHook(from, to reflect.Type, data any) (any, error) {
	if to != durationType {
		return data, nil
	}
	switch from.Kind() {
	case reflect.Int, reflect.Int64, reflect.Float64, reflect.Uint64:
		if reflect.ValueOf(data).IsZero() {
			return time.Duration(0), nil
		}
		return nil, fmt.Errorf("duration %v needs a unit (e.g. 5s, 500ms)", data)
	}
	return data, nil
}

// integerHook refuses a number with a fraction for an integer field: mapstructure would cut
// "batch_size: 1.5" to 1 without a word. Whole numbers written as floats (1e6) are kept.
func integerHook(from, to reflect.Type, data any) (any, error) {
	if from.Kind() != reflect.Float64 && from.Kind() != reflect.Float32 {
		return data, nil
	}
	switch to.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
	default:
		return data, nil
	}
	f := reflect.ValueOf(data).Float()
	if f != math.Trunc(f) || math.Abs(f) >= 1<<63 {
		return nil, fmt.Errorf("want an integer, got %v", data)
	}
	return int64(f), nil
}

// listHook accepts one string where a list of strings is meant: "paths: /var/log/a.log" is the
// most common slip, and its meaning is plain.
func listHook(from, to reflect.Type, data any) (any, error) {
	if from.Kind() != reflect.String || to.Kind() != reflect.Slice || to.Elem().Kind() != reflect.String {
		return data, nil
	}
	return []string{data.(string)}, nil
}

// scalarHook parses strings for numeric and boolean fields, so values can come from ${VAR}
// (always text). Anything else keeps mapstructure's strict typing.
func scalarHook(from, to reflect.Type, data any) (any, error) {
	if from.Kind() != reflect.String || to == durationType {
		return data, nil
	}
	s := strings.TrimSpace(data.(string))
	var err error
	switch to.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		var n int64
		if n, err = strconv.ParseInt(s, 10, 64); err == nil {
			return n, nil
		}
		return nil, fmt.Errorf("want an integer, got %q", s)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		var n uint64
		if n, err = strconv.ParseUint(s, 10, 64); err == nil {
			return n, nil
		}
		return nil, fmt.Errorf("want a positive integer, got %q", s)
	case reflect.Float32, reflect.Float64:
		var f float64
		if f, err = strconv.ParseFloat(s, 64); err == nil {
			return f, nil
		}
		return nil, fmt.Errorf("want a number, got %q", s)
	case reflect.Bool:
		var b bool
		if b, err = strconv.ParseBool(s); err == nil {
			return b, nil
		}
		return nil, fmt.Errorf("want true or false, got %q", s)
	}
	return data, nil
}
