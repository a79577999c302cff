package proc

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// FromTo names a source and a target field. Field names are user data, so configs list them as
// objects rather than map keys (viper lowercases map keys).
type FromTo struct {
	From string `mapstructure:"from"`
	To   string `mapstructure:"to"`
}

// ValidateFromTo checks a list of FromTo under key.
func ValidateFromTo(key string, list []FromTo) error {
	var errs []error
	if len(list) == 0 {
		errs = append(errs, fmt.Errorf("%s: at least one entry is required", key))
	}
	for i, f := range list {
		if f.From == "" || f.To == "" {
			errs = append(errs, fmt.Errorf("%s[%d]: from and to are required", key, i))
		}
	}
	return errors.Join(errs...)
}

// ValidateNames checks a list of field names under key.
func ValidateNames(key string, names []string) error {
	var errs []error
	if len(names) == 0 {
		errs = append(errs, fmt.Errorf("%s: at least one field is required", key))
	}
	for i, n := range names {
		if n == "" {
			errs = append(errs, fmt.Errorf("%s[%d]: empty field name", key, i))
		}
	}
	return errors.Join(errs...)
}

// ValueOf turns a value decoded from YAML (string, int, float, bool) into an event value.
func ValueOf(v any) (event.Value, error) {
	switch x := v.(type) {
	case string:
		return event.String(x), nil
	case bool:
		return event.Bool(x), nil
	case int:
		return event.Int(int64(x)), nil
	case int64:
		return event.Int(x), nil
	case uint64:
		return event.Int(int64(x)), nil
	case float64:
		return event.Float(x), nil
	case float32:
		return event.Float(float64(x)), nil
	}
	return event.Value{}, fmt.Errorf("value %v: unsupported type %T (want string, number or bool)", v, v)
}

// Key prefixes name with prefix ("" leaves it as is).
func Key(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// Scalar guesses the type of a text value: integer, float, bool, or string.
func Scalar(s string) event.Value {
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return event.Int(i)
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return event.Float(f)
	}
	if b, err := strconv.ParseBool(s); err == nil && (s == "true" || s == "false") {
		return event.Bool(b)
	}
	return event.String(s)
}
