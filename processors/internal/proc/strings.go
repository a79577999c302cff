package proc

import "github.com/sluice-dev/sluice/pipeline/event"

// MapStrings returns an EventFunc that replaces each named string field with fn of it. Fields
// that are missing or not strings are left alone.
func MapStrings(fields []string, fn func(string) string) EventFunc {
	return func(ev *event.Event) (Result, error) {
		for _, f := range fields {
			if v, ok := ev.Get(f); ok && v.Kind() == event.KindString {
				if s := fn(v.Str()); s != v.Str() {
					ev.SetString(f, s)
				}
			}
		}
		return Keep, nil
	}
}
