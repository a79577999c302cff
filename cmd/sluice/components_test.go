package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.yaml.in/yaml/v3"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/config"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
)

// registered is one entry of the component list, whatever its kind.
type registered struct {
	kind      string // the config section: inputs, processors, outputs
	typ       string
	newConfig func() pipeline.Config
	create    func(pipeline.Settings, pipeline.Config) (any, error)
}

// registeredComponents flattens components(), the one list, so that every check below runs
// over every component a build of sluice knows.
func registeredComponents() []registered {
	c := components()
	var out []registered
	for typ, f := range c.Inputs {
		out = append(out, registered{"inputs", typ, f.NewConfig,
			func(s pipeline.Settings, cfg pipeline.Config) (any, error) { return f.Create(s, cfg) }})
	}
	for typ, f := range c.Processors {
		out = append(out, registered{"processors", typ, f.NewConfig,
			func(s pipeline.Settings, cfg pipeline.Config) (any, error) { return f.Create(s, cfg) }})
	}
	for typ, f := range c.Outputs {
		out = append(out, registered{"outputs", typ, f.NewConfig,
			func(s pipeline.Settings, cfg pipeline.Config) (any, error) { return f.Create(s, cfg) }})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].kind+out[i].typ < out[j].kind+out[j].typ })
	return out
}

// folders is where each kind of component lives, by CONVENTIONS.md.
var folders = map[string]string{"inputs": "pipeline/input/", "processors": "processors/", "outputs": "pipeline/output/"}

const modulePath = "github.com/sluice-dev/sluice/"

// TestEveryComponent holds every registered component to the same shape: it sits in the folder
// of its kind and type, has a README whose sample config loads, a default config that validates,
// refuses a config of the wrong type with an error, and writes only to metrics that are
// registered, so everything it counts shows on /metrics.
func TestEveryComponent(t *testing.T) {
	t.Parallel()
	used := configsUsing(t)
	for _, c := range registeredComponents() {
		t.Run(c.kind+"/"+c.typ, func(t *testing.T) {
			t.Parallel()
			dir := componentDir(t, c)
			if _, err := os.Stat(filepath.Join("../..", dir, "README.md")); err != nil {
				t.Errorf("no README: %v", err)
			}
			for _, f := range used[c.kind+"/"+c.typ] {
				if _, err := config.Load(f, components()); err != nil {
					t.Errorf("%s uses it and does not load: %v", f, err)
				}
			}
			samples := readmeSamples(t, c, filepath.Join("../..", dir, "README.md"))
			// The defaults must validate, unless the component needs settings only the user
			// knows (the fields to rename, the brokers); then its README's sample, decoded over
			// the defaults as the loader does, must.
			def := c.newConfig()
			err := def.Validate()
			if err != nil && len(samples) == 0 {
				t.Errorf("default config does not validate (%v) and the README has no sample of it", err)
			}
			unchanged(t, def, c.newConfig(), err)
			if _, err := c.create(pipeline.Settings{}, wrongConfig{}); err == nil {
				t.Error("a config of the wrong type is accepted")
			}
			checkMetrics(t, c, append([]pipeline.Config{def}, samples...))
		})
	}
}

type wrongConfig struct{}

func (wrongConfig) Validate() error { return nil }

// componentDir is the folder of the package that defines the component's config, which must be
// the one its kind and type name.
func componentDir(t *testing.T, c registered) string {
	t.Helper()
	typ := reflect.TypeOf(c.newConfig())
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	dir := strings.TrimPrefix(typ.PkgPath(), modulePath)
	if want := folders[c.kind] + c.typ; dir != want {
		t.Errorf("lives in %s, want %s", dir, want)
	}
	return dir
}

var yamlBlock = regexp.MustCompile("(?s)```yaml\n(.*?)```")

// readmeSamples loads every YAML block of the README that configures a component of this type:
// a whole config (one with pipelines:) through the real loader, a fragment by decoding this
// component's sections strictly and validating them. It returns the fragments' configs.
func readmeSamples(t *testing.T, c registered, readme string) []pipeline.Config {
	t.Helper()
	text, err := os.ReadFile(readme)
	if err != nil {
		return nil
	}
	var out []pipeline.Config
	for i, m := range yamlBlock.FindAllSubmatch(text, -1) {
		var doc map[string]any
		if err := yaml.Unmarshal(m[1], &doc); err != nil {
			t.Errorf("README yaml block %d: %v", i+1, err)
			continue
		}
		if _, whole := doc["pipelines"]; whole {
			if _, err := config.Parse(m[1], components()); err != nil {
				t.Errorf("README yaml block %d does not load: %v", i+1, err)
			}
		}
		section, _ := doc[c.kind].(map[string]any)
		for id, raw := range section {
			if typ, _, _ := strings.Cut(id, "/"); typ != c.typ {
				continue
			}
			cfg, twin := c.newConfig(), c.newConfig()
			raw = expand(t, raw)
			if err := config.Decode(c.kind+"."+id, raw, cfg); err != nil {
				t.Errorf("README yaml block %d: %v", i+1, err)
				continue
			}
			_ = config.Decode(c.kind+"."+id, raw, twin)
			if err := cfg.Validate(); err != nil {
				t.Errorf("README yaml block %d: %s: %v", i+1, id, err)
				continue
			}
			unchanged(t, cfg, twin, nil)
			out = append(out, cfg)
		}
	}
	return out
}

// unchanged fails when Validate left a mark on cfg (a compiled pattern kept, a value rewritten)
// that a twin decoded the same way and never validated does not have: Validate only checks, so
// a config validated twice, or never, builds the same component.
// first is what the first Validate returned; the second must say the same.
func unchanged(t *testing.T, cfg, twin pipeline.Config, first error) {
	t.Helper()
	// A second time, as the loader and the factory both may.
	if err := cfg.Validate(); fmt.Sprint(err) != fmt.Sprint(first) {
		t.Errorf("second Validate: %v, first: %v", err, first)
	}
	if !reflect.DeepEqual(cfg, twin) {
		t.Errorf("Validate changed the config:\n got %+v\nwant %+v", cfg, twin)
	}
}

// expand fills ${VAR:-default} in every string, as the loader does.
func expand(t *testing.T, v any) any {
	switch x := v.(type) {
	case string:
		s, err := config.Expand(x, func(string) (string, bool) { return "", false })
		if err != nil {
			t.Errorf("%q: %v", x, err)
		}
		return s
	case map[string]any:
		for k, e := range x {
			x[k] = expand(t, e)
		}
	case []any:
		for i, e := range x {
			x[i] = expand(t, e)
		}
	}
	return v
}

// checkMetrics builds the component from each config that validates, with a fresh registry,
// and fails on every collector it holds that the registry does not know: a write there would
// count nothing anyone sees.
func checkMetrics(t *testing.T, c registered, cfgs []pipeline.Config) {
	t.Helper()
	built := 0
	for _, cfg := range cfgs {
		if local(cfg); cfg.Validate() != nil {
			continue
		}
		reg := prometheus.NewRegistry()
		set := pipelinetest.SettingsWithRegistry(t, c.typ, reg)
		comp, err := c.create(set, cfg)
		if err != nil {
			t.Errorf("create: %v", err)
			continue
		}
		built++
		for _, u := range pipelinetest.Unregistered(comp, reg, set.Registerer) {
			t.Errorf("unregistered collector %s", u)
		}
		if cl, ok := comp.(pipeline.Closer); ok {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			_ = cl.Close(ctx) // an output that never connected reports its empty queue, or nothing
			cancel()
		}
	}
	if built == 0 {
		t.Error("neither the default config nor a README sample builds the component")
	}
}

// local makes a sample buildable on a test machine: the listening address a free local port, so
// that building an input binds nothing another test or service uses, and no TLS or secret files,
// which the samples name where a deployment mounts them (/etc/sluice/...).
func local(cfg pipeline.Config) {
	v := reflect.ValueOf(cfg).Elem()
	for i := range v.NumField() {
		f, name := v.Field(i), v.Type().Field(i).Name
		switch {
		case !f.CanSet():
		case name == "Address" && f.Kind() == reflect.String:
			f.SetString("127.0.0.1:0")
		case name == "TLS":
			f.SetZero()
		case f.Kind() == reflect.String && strings.HasPrefix(f.String(), "/etc/"):
			f.SetString("")
		}
	}
}

// configsUsing maps "kind/type" to the example configs in configs/ that use it.
func configsUsing(t *testing.T) map[string][]string {
	t.Helper()
	files, _ := filepath.Glob("../../configs/*.yaml")
	out := map[string][]string{}
	for _, f := range files {
		if strings.HasSuffix(f, ".tests.yaml") {
			continue
		}
		cfg, err := config.Load(f, components())
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		for kind, section := range map[string]map[string]config.Component{
			"inputs": cfg.Inputs, "processors": cfg.Processors, "outputs": cfg.Outputs} {
			for _, comp := range section {
				out[kind+"/"+comp.Type] = append(out[kind+"/"+comp.Type], f)
			}
		}
	}
	return out
}
