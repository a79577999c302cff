// Package rename is the processor that moves fields to new names (a Logstash field to its ECS
// name), replacing what the new name held. Subfields move with their parent: renaming "k8s"
// to "kubernetes" moves "k8s.pod.name" to "kubernetes.pod.name".
package rename

import (
	"fmt"
	"strings"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/processors/internal/proc"
)

// Factory creates rename processors.
var Factory = proc.NewFactory("rename", NewConfig, build)

func build(_ pipeline.Settings, c *Config) (proc.EventFunc, error) {
	fields, ignore := c.Fields, c.IgnoreMissing
	return func(ev *event.Event) (proc.Result, error) {
		for _, f := range fields {
			if !Move(ev, f.From, f.To, true) && !ignore {
				return proc.Keep, fmt.Errorf("field %q not found", f.From)
			}
		}
		return proc.Keep, nil
	}, nil
}

// Move moves (or, with remove false, copies) from and every field under it to to, and reports
// whether anything was there. The copy processor shares it.
func Move(ev *event.Event, from, to string, remove bool) bool {
	type kv struct {
		k string
		v event.Value
	}
	var found []kv
	ev.Range(func(k string, v event.Value) bool {
		if k == from || (strings.HasPrefix(k, from) && len(k) > len(from) && k[len(from)] == '.') {
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
