package config

import (
	"bytes"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/viper"

	"github.com/sluice-dev/sluice/pipeline"
)

// fixed is the part of the file with a fixed shape; component sections stay raw until their
// factory is known.
type fixed struct {
	Inputs     map[string]any `mapstructure:"inputs"`
	Processors map[string]any `mapstructure:"processors"`
	Outputs    map[string]any `mapstructure:"outputs"`
	Pipelines  map[string]any `mapstructure:"pipelines"`
	Runtime    Runtime        `mapstructure:"runtime"`
	HTTP       HTTP           `mapstructure:"http"`
	DeadLetter DeadLetter     `mapstructure:"dead_letter"`
	Log        Log            `mapstructure:"log"`
	Reload     Reload         `mapstructure:"reload"`
	// Tests holds the config's own test cases; `sluice test` reads them, run ignores them.
	Tests any `mapstructure:"tests"`
}

// Load reads, decodes and validates the YAML file at path. Problems in the file come back as
// *Errors (every one, with its path); an unreadable file as a plain error.
func Load(path string, comps Components) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	cfg, err := Parse(data, comps)
	if errs, ok := err.(*Errors); ok {
		errs.File = path
	}
	return cfg, err
}

// Parse decodes and validates YAML held in memory, reading environment variables for ${VAR}.
func Parse(data []byte, comps Components) (*Config, error) {
	return parseWith(data, comps, osLookup)
}

func parseWith(data []byte, comps Components, lookup func(string) (string, bool)) (*Config, error) {
	// "::" as key delimiter keeps dotted keys in user maps from being split into nested maps.
	v := viper.NewWithOptions(viper.KeyDelimiter("::"))
	v.SetConfigType("yaml")
	if err := v.ReadConfig(bytes.NewReader(data)); err != nil {
		return nil, &Errors{List: []*Error{{Msg: "not valid YAML: " +
			strings.TrimPrefix(strings.TrimSpace(err.Error()), "While parsing config: ")}}}
	}
	var p problems
	caseClashes(&p, data)
	raw := expandTree(settings(v), "", lookup, &p)

	cfg := Defaults()
	f := fixed{Runtime: cfg.Runtime, HTTP: cfg.HTTP, DeadLetter: cfg.DeadLetter, Log: cfg.Log, Reload: cfg.Reload}
	p.decode("", raw, &f)
	cfg.Runtime, cfg.HTTP, cfg.DeadLetter, cfg.Log, cfg.Reload = f.Runtime, f.HTTP, f.DeadLetter, f.Log, f.Reload
	cfg.Pipelines = decodePipelines(&p, f.Pipelines)

	cfg.Inputs = decodeComponents(&p, "inputs", f.Inputs, comps.Inputs,
		func(f pipeline.InputFactory) pipeline.Config { return f.NewConfig() })
	cfg.Processors = decodeComponents(&p, "processors", f.Processors, comps.Processors,
		func(f pipeline.ProcessorFactory) pipeline.Config { return f.NewConfig() })
	cfg.Outputs = decodeComponents(&p, "outputs", f.Outputs, comps.Outputs,
		func(f pipeline.OutputFactory) pipeline.Config { return f.NewConfig() })

	cfg.validate(&p)
	if len(p) > 0 {
		return nil, &Errors{List: p.sorted()}
	}
	return &cfg, nil
}

// sections are the top-level keys of the file.
var sections = []string{"inputs", "processors", "outputs", "pipelines", "runtime", "http", "dead_letter", "log", "reload"}

// settings returns the file's tree. viper's AllSettings leaves out empty maps ("stdin: {}"),
// which are meaningful here, so the known sections are read whole with Get; AllKeys adds any
// other top-level key so that strict decoding reports it.
func settings(v *viper.Viper) map[string]any {
	out := map[string]any{}
	for _, k := range v.AllKeys() {
		top, _, _ := strings.Cut(k, "::")
		out[top] = v.Get(top)
	}
	for _, k := range sections {
		if v.IsSet(k) {
			out[k] = v.Get(k)
		}
	}
	return out
}
