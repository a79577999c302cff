// Package set is the processor that adds constant fields (event.dataset, service.name,
// data_stream.namespace) to events, for routing and for finding them in Kibana.
package set

import (
	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/processors/internal/proc"
)

// Factory creates set processors.
var Factory = proc.NewFactory("set", NewConfig, build)

type assign struct {
	key      string
	val      event.Value
	override bool
}

func build(_ pipeline.Settings, c *Config) (proc.EventFunc, error) {
	as := make([]assign, len(c.Fields))
	for i, f := range c.Fields {
		v, err := proc.ValueOf(f.Value)
		if err != nil {
			return nil, err
		}
		as[i] = assign{key: f.Field, val: v, override: f.Override == nil || *f.Override}
	}
	return func(ev *event.Event) (proc.Result, error) {
		for _, a := range as {
			if a.override || !ev.Has(a.key) {
				ev.Set(a.key, a.val)
			}
		}
		return proc.Keep, nil
	}, nil
}
