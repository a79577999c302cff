// Package set is the processor that adds constant fields (event.dataset, service.name,
// data_stream.namespace) to events, for routing and for finding them in Kibana.
package set

import (
	"slices"
	"strings"

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
	own, shared := group(as)
	return func(ev *event.Event) (proc.Result, error) {
		ev.AddShared(shared...)
		for _, a := range own {
			if a.override || !ev.Has(a.key) {
				ev.Set(a.key, a.val)
			}
		}
		return proc.Keep, nil
	}, nil
}

// group makes one shared object (event.Shared) of the fields that replace what is there and
// have a top-level name of their own among the fields set (orchestrator.cluster.name and
// orchestrator.type): every event then gets a pointer to it, as the Beats input adds Filebeat's
// objects, instead of a field insert each (which grows a full field list), and the encoder
// copies the object's JSON. An event that already has fields under the name gets the fields
// set one by one, as before (Event.AddShared). The other fields are returned to be set.
func group(as []assign) ([]assign, []*event.Shared) {
	// groupName is the top-level name a field may be shared under: it replaces, and is named
	// under a name.
	groupName := func(a assign) (string, bool) {
		name, _, dotted := strings.Cut(a.key, ".")
		return name, a.override && dotted && name != ""
	}
	var names []string
	byName := map[string][]assign{}
	for _, a := range as {
		if name, ok := groupName(a); ok {
			if byName[name] == nil {
				names = append(names, name)
			}
			byName[name] = append(byName[name], a)
		}
	}
	var shared []*event.Shared
	for _, name := range names {
		g := byName[name]
		// A field that is the name itself, or under it but does not replace, is set in the
		// order given, and the group with it.
		apart := slices.ContainsFunc(as, func(a assign) bool {
			return a.key == name || !a.override && strings.HasPrefix(a.key, name+".")
		})
		sh, ok := event.NewShared(name, len(g), func(i int) (string, event.Value) { return g[i].key, g[i].val })
		if !ok || apart {
			delete(byName, name)
			continue
		}
		shared = append(shared, sh)
	}
	var own []assign
	for _, a := range as {
		if name, ok := groupName(a); !ok || byName[name] == nil {
			own = append(own, a)
		}
	}
	return own, shared
}
