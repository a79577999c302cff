package proc

import (
	"errors"
	"fmt"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// MoveConfig is the config of processors that move or copy fields (rename, copy).
type MoveConfig struct {
	Common `mapstructure:",squash"`
	// Fields are applied in order.
	Fields []FromTo `mapstructure:"fields"`
	// IgnoreMissing treats a missing source field as nothing to do; false makes it an error.
	IgnoreMissing bool `mapstructure:"ignore_missing"`
}

// Validate checks the field list.
func (c *MoveConfig) Validate() error {
	return errors.Join(c.Common.Validate(), ValidateFromTo("fields", c.Fields))
}

// MoveFunc moves (remove true) or copies the configured fields.
func MoveFunc(c *MoveConfig, remove bool) EventFunc {
	fields, ignore := c.Fields, c.IgnoreMissing
	return func(ev *event.Event) (Result, error) {
		for _, f := range fields {
			if !Move(ev, f.From, f.To, remove) && !ignore {
				return Keep, fmt.Errorf("field %q not found", f.From)
			}
		}
		return Keep, nil
	}
}

// Move moves (or, with remove false, copies) from and every field under it to to, and reports
// whether anything was there.
func Move(ev *event.Event, from, to string, remove bool) bool {
	type kv struct {
		k string
		v event.Value
	}
	var found []kv
	ev.Range(func(k string, v event.Value) bool {
		if k == from || (len(k) > len(from) && k[:len(from)] == from && k[len(from)] == '.') {
			found = append(found, kv{to + k[len(from):], v})
		}
		return true
	})
	if len(found) == 0 {
		return false
	}
	if remove {
		ev.DeletePrefix(from)
	}
	for _, f := range found {
		ev.Set(f.k, f.v)
	}
	return true
}

// FieldsConfig is the config of processors that change a list of fields in place (lowercase,
// uppercase).
type FieldsConfig struct {
	Common `mapstructure:",squash"`
	Fields []string `mapstructure:"fields"`
}

// Validate checks the field list.
func (c *FieldsConfig) Validate() error {
	return errors.Join(c.Common.Validate(), ValidateNames("fields", c.Fields))
}
