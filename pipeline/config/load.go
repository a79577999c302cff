package config

import (
	"bytes"
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

// Load reads, decodes and validates the config at path: a YAML file, or a directory whose
// *.yaml and *.yml files are merged (see ReadPath and LoadAll). Problems in the config come back
// as *Errors (every one, with its path and file); an unreadable file as a plain error.
func Load(path string, comps Components) (*Config, error) {
	srcs, err := ReadPath(path)
	if err != nil {
		return nil, err
	}
	return LoadAll(srcs, comps)
}

// Parse decodes and validates YAML held in memory, reading environment variables for ${VAR}.
func Parse(data []byte, comps Components) (*Config, error) {
	return parseWith(data, comps, osLookup)
}

func parseWith(data []byte, comps Components, lookup func(string) (string, bool)) (*Config, error) {
	raw, p := readTree(data, lookup)
	if raw == nil {
		return nil, &Errors{List: p.sorted()}
	}
	return decodeTree(raw, p, comps)
}

// readTree reads one YAML document into a tree of lowercased keys with ${VAR} expanded. The
// tree is nil when the text is not YAML.
func readTree(data []byte, lookup func(string) (string, bool)) (map[string]any, problems) {
	// "::" as key delimiter keeps dotted keys in user maps from being split into nested maps.
	v := viper.NewWithOptions(viper.KeyDelimiter("::"))
	v.SetConfigType("yaml")
	if err := v.ReadConfig(bytes.NewReader(data)); err != nil {
		return nil, problems{{Msg: "not valid YAML: " +
			strings.TrimPrefix(strings.TrimSpace(err.Error()), "While parsing config: ")}}
	}
	var p problems
	caseClashes(&p, data)
	raw := expandTree(settings(v), "", lookup, &p)
	return raw.(map[string]any), p
}

// decodeTree decodes and validates a whole tree, adding its problems to those found reading it.
func decodeTree(raw map[string]any, p problems, comps Components) (*Config, error) {
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
