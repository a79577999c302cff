package main

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/config"
)

// The defaults printed for every registered component type read back through the loader as
// that type's defaults: no setting left out, none written in a form the decoder refuses. It
// walks components(), so a new component is covered the day it is registered.
func TestConfigDefaultsRoundTrip(t *testing.T) {
	t.Parallel()
	comps := components()
	n := 0
	for _, sec := range componentSections(comps) {
		for typ, newConfig := range sec.configs {
			n++
			t.Run(sec.name+"/"+typ, func(t *testing.T) {
				t.Parallel()
				block := printedBlock(t, comps, sec.name, typ)
				roundTrip(t, block, newConfig)
				loads(t, comps, sec.name, typ, block, newConfig())
			})
		}
	}
	if n < 25 {
		t.Fatalf("only %d component types", n)
	}
}

// printedBlock runs `config defaults TYPE` and returns the settings under section.typ.
func printedBlock(t *testing.T, comps config.Components, section, typ string) map[string]any {
	t.Helper()
	var out bytes.Buffer
	if err := printDefaults(&out, comps, typ); err != nil {
		t.Fatal(err)
	}
	var doc map[string]map[string]map[string]any
	if err := yaml.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("not YAML: %v\n%s", err, out.String())
	}
	block, ok := doc[section][typ]
	if !ok {
		t.Fatalf("no %s.%s in:\n%s", section, typ, out.String())
	}
	if block == nil {
		block = map[string]any{}
	}
	return block
}

// roundTrip decodes the block into a zero config and wants the same defaults printed again.
func roundTrip(t *testing.T, block map[string]any, newConfig func() pipeline.Config) {
	t.Helper()
	want := newConfig()
	zero := reflect.New(reflect.TypeOf(want).Elem()).Interface()
	if err := config.Decode("", block, zero); err != nil {
		t.Fatalf("printed defaults do not decode: %v", err)
	}
	if at := differs(reflect.ValueOf(zero), reflect.ValueOf(want), ""); at != "" {
		got, _ := yaml.Marshal(config.SettingsNode(zero))
		t.Errorf("decoded from zero differs at %s:\n%s", at, got)
	}
}

// differs returns the path of the first exported field where a and b differ, "" when none do.
// An empty list or map equals a nil one: the printed [] decodes to an empty one.
func differs(a, b reflect.Value, path string) string {
	switch a.Kind() {
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			return map[bool]string{true: "", false: path}[a.IsNil() == b.IsNil()]
		}
		return differs(a.Elem(), b.Elem(), path)
	case reflect.Struct:
		for i := range a.NumField() {
			if f := a.Type().Field(i); f.IsExported() {
				if at := differs(a.Field(i), b.Field(i), path+"."+f.Name); at != "" {
					return at
				}
			}
		}
		return ""
	case reflect.Slice, reflect.Map:
		if a.Len() == 0 && b.Len() == 0 {
			return ""
		}
	}
	if !reflect.DeepEqual(a.Interface(), b.Interface()) {
		return path
	}
	return ""
}

// loads puts the block in a whole config, read by the real loader: it loads, or gives only the
// problems the defaults themselves have (a required setting with no default).
func loads(t *testing.T, comps config.Components, section, typ string, block map[string]any, defaults pipeline.Config) {
	t.Helper()
	main := map[string]any{"inputs": []string{"stdin"}, "outputs": []string{"stdout"}}
	doc := map[string]any{
		"inputs":     map[string]any{"stdin": map[string]any{}},
		"processors": map[string]any{},
		"outputs":    map[string]any{"stdout": map[string]any{}},
		"pipelines":  map[string]any{"main": main},
	}
	doc[section].(map[string]any)[typ] = block
	main[section] = []string{typ}
	data, _ := yaml.Marshal(doc)
	_, err := config.Parse(data, comps)
	own := defaults.Validate()
	var errs *config.Errors
	switch {
	case err == nil && own == nil:
	case own == nil || !errors.As(err, &errs):
		t.Fatalf("load: %v (the defaults' own problems: %v)\n%s", err, own, data)
	default:
		for _, e := range errs.List {
			if !strings.HasPrefix(e.Path, section+"."+typ) || !strings.Contains(own.Error(), e.Msg) {
				t.Errorf("load: %v, not one of the defaults' own problems: %v", e, own)
			}
		}
	}
}

// The fixed sections print their defaults, and the whole output is YAML whose fixed sections
// load as the defaults.
func TestConfigDefaultsFixed(t *testing.T) {
	t.Parallel()
	code, out, stderr := runCLI(t, "", "config", "defaults")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var doc map[string]any
	if err := yaml.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not YAML: %v", err)
	}
	for _, k := range append(fixedSections, "inputs", "processors", "outputs") {
		if _, ok := doc[k]; !ok {
			t.Errorf("no %s section", k)
		}
	}
	delete(doc, "inputs")
	delete(doc, "processors")
	delete(doc, "outputs")
	fixed, _ := yaml.Marshal(doc)
	cfg, err := config.Parse(append(fixed, []byte(inputsPart+outputsPart+pipelinesPart)...), components())
	if err != nil {
		t.Fatal(err)
	}
	d := config.Defaults()
	if cfg.Runtime != d.Runtime || cfg.HTTP != d.HTTP || cfg.DeadLetter != d.DeadLetter || cfg.Log != d.Log || cfg.Reload != d.Reload {
		t.Errorf("loaded %+v %+v %+v %+v %+v", cfg.Runtime, cfg.HTTP, cfg.DeadLetter, cfg.Log, cfg.Reload)
	}
	if !strings.Contains(out, "# duration (500ms, 5s, 1m): how long a drain waits") {
		t.Errorf("no comment on shutdown_timeout:\n%s", out)
	}
}

// One type prints only that type, in every section that has it; an unknown one lists the known.
func TestConfigDefaultsOneType(t *testing.T) {
	t.Parallel()
	_, out, _ := runCLI(t, "", "config", "defaults", "elasticsearch")
	if !strings.HasPrefix(out, "outputs:\n  elasticsearch:\n") || strings.Contains(out, "runtime:") {
		t.Errorf("elasticsearch:\n%s", out)
	}
	_, out, _ = runCLI(t, "", "config", "defaults", "file")
	if !strings.Contains(out, "inputs:\n  file:") || !strings.Contains(out, "outputs:\n  file:") {
		t.Errorf("file:\n%s", out)
	}
	code, _, stderr := runCLI(t, "", "config", "defaults", "elastic")
	if code != 1 || !strings.Contains(stderr, `unknown type "elastic" (known: beats,`) {
		t.Errorf("unknown: exit %d, %s", code, stderr)
	}
}
