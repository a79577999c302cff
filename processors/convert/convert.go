// Package convert is the processor that gives fields their type (a status code captured as
// text becomes an integer), so Elasticsearch maps them as numbers and range queries work.
// A value that does not convert is left as it was and the event goes to the error policy.
package convert

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/processors/internal/proc"
)

// Factory creates convert processors.
var Factory = proc.NewFactory("convert", NewConfig, build)

type converter func(v event.Value) (event.Value, error)

var converters = map[string]converter{
	"string":  func(v event.Value) (event.Value, error) { return event.String(v.String()), nil },
	"integer": toInt, "int": toInt, "long": toInt,
	"float": toFloat, "double": toFloat,
	"boolean": toBool, "bool": toBool,
}

func toInt(v event.Value) (event.Value, error) {
	switch v.Kind() {
	case event.KindInt:
		return v, nil
	case event.KindFloat, event.KindBool:
		return event.Int(v.Int()), nil
	}
	s := strings.TrimSpace(v.String())
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return event.Int(i), nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return v, fmt.Errorf("%q is not an integer", s)
	}
	return event.Int(int64(f)), nil
}

func toFloat(v event.Value) (event.Value, error) {
	switch v.Kind() {
	case event.KindFloat:
		return v, nil
	case event.KindInt:
		return event.Float(v.Float()), nil
	}
	s := strings.TrimSpace(v.String())
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return v, fmt.Errorf("%q is not a number", s)
	}
	return event.Float(f), nil
}

func toBool(v event.Value) (event.Value, error) {
	switch v.Kind() {
	case event.KindBool:
		return v, nil
	case event.KindInt, event.KindFloat:
		return event.Bool(v.Float() != 0), nil
	}
	switch strings.ToLower(strings.TrimSpace(v.String())) {
	case "true", "yes", "on", "1", "y", "t":
		return event.Bool(true), nil
	case "false", "no", "off", "0", "n", "f", "":
		return event.Bool(false), nil
	}
	return v, fmt.Errorf("%q is not a boolean", v.String())
}

func build(_ pipeline.Settings, c *Config) (proc.EventFunc, error) {
	fields, ignore := c.Fields, c.IgnoreMissing
	convs := make([]converter, len(fields))
	for i, f := range fields {
		convs[i] = converters[f.Type]
	}
	return func(ev *event.Event) (proc.Result, error) {
		for i, f := range fields {
			v, ok := ev.Get(f.Field)
			if !ok {
				if !ignore {
					return proc.Keep, fmt.Errorf("field %q not found", f.Field)
				}
				continue
			}
			nv, err := convs[i](v)
			if err != nil {
				return proc.Keep, fmt.Errorf("field %q to %s: %w", f.Field, f.Type, err)
			}
			ev.Set(f.Field, nv)
		}
		return proc.Keep, nil
	}, nil
}
