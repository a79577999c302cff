// Package config reads sluice's one YAML file, decodes it strictly, fills defaults and checks the
// whole tree, reporting every problem with its path before anything starts.
//
// The file has fixed sections (runtime, http, dead_letter, log) and three maps of components
// (inputs, processors, outputs) keyed "type" or "type/name", wired together by pipelines.
// Keys are case-insensitive: viper lowercases every map key, so user data (field names,
// patterns) belongs in lists of objects, never in map keys. Values may use ${VAR} and
// ${VAR:-default} to read environment variables (see Expand); nothing else reads the environment.
package config

import (
	"errors"
	"fmt"
	"runtime"
	"sort"
	"time"

	"github.com/sluice-dev/sluice/pipeline"
)

// Config is a loaded, decoded and validated configuration.
type Config struct {
	// Inputs, Processors and Outputs are the declared components by id ("file/vllm").
	Inputs     map[string]Component
	Processors map[string]Component
	Outputs    map[string]Component
	// Pipelines wire components by id.
	Pipelines  map[string]Pipeline
	Runtime    Runtime
	HTTP       HTTP
	DeadLetter DeadLetter
	Log        Log
	Reload     Reload

	// merged knows which piece declared what, when the config was merged from several.
	merged *merger
}

// FileOf returns the file (or "<stdin>", "-e") that declares the component or setting at path
// ("inputs.kafka"), when the config was merged from several pieces; "" otherwise, when the
// config's one name says it. Warnings use it to point at the file to edit.
func (c *Config) FileOf(path string) string {
	if c.merged == nil {
		return ""
	}
	return c.merged.origin(path)
}

// Component is one declared component with its decoded, validated config.
type Component struct {
	// ID is the key in the file: "type" or "type/name".
	ID string
	// Type selects the factory.
	Type string
	// Config is the factory's NewConfig() with the file's values decoded over its defaults.
	Config pipeline.Config
}

// Pipeline names the components that form one flow. Processors run in the order given; every
// output receives every event unless events name their routes.
type Pipeline struct {
	Inputs     []string `mapstructure:"inputs"`
	Processors []string `mapstructure:"processors"`
	Outputs    []string `mapstructure:"outputs"`
}

// Runtime tunes batching, concurrency and shutdown.
type Runtime struct {
	// BatchSize is the most events the runtime coalesces into one batch.
	BatchSize int `mapstructure:"batch_size"`
	// FlushInterval is how long a partial batch waits for more events, and how often processors
	// that hold events (multiline) are flushed.
	FlushInterval time.Duration `mapstructure:"flush_interval"`
	// Workers is the number of processor workers per pipeline.
	Workers int `mapstructure:"workers"`
	// MaxEventsInFlight caps events taken in but not yet acknowledged, across all pipelines;
	// inputs block (backpressure) when it is reached. It bounds memory.
	MaxEventsInFlight int `mapstructure:"max_events_in_flight"`
	// ShutdownTimeout bounds how long a drain waits for outputs to acknowledge.
	ShutdownTimeout time.Duration `mapstructure:"shutdown_timeout"`
	// IdleFlush is how long a pipeline has nothing to process before the processors that hold
	// events for lines still to come (a traceback's next line) send them (pipeline.IdleFlusher):
	// a source that waits for its acknowledgement sends nothing more meanwhile. 0 turns it off;
	// held events then wait for their own timeouts.
	IdleFlush time.Duration `mapstructure:"idle_flush"`
	// MemoryLimit is the Go runtime's soft memory limit: near it the garbage collector works
	// harder instead of letting the heap grow. "auto" (default) takes 90 % of the container's
	// cgroup memory limit, and sets none when there is no limit; "off" sets none; a size
	// ("200MiB") sets that. GOMEMLIMIT in the environment, when set, wins over this setting.
	MemoryLimit string `mapstructure:"memory_limit"`
}

// HTTP is the monitoring endpoint: /metrics, /healthz, /readyz.
type HTTP struct {
	// Address is host:port to listen on; empty disables the endpoint.
	Address string `mapstructure:"address"`
	// Pprof adds Go's profiling handlers under /debug/pprof/, to find where memory or CPU goes
	// in a long-running process. Off by default: they expose internals.
	Pprof bool `mapstructure:"pprof"`
	// Tap serves /tap, the live copy of the events leaving a component that `sluice tap` reads.
	// Off by default: it shows event contents (redacted as the index would have them) to anyone
	// who reaches the port.
	Tap bool `mapstructure:"tap"`
}

// DeadLetter configures the file that keeps events sluice could not deliver or process.
type DeadLetter struct {
	// Path is the directory holding the dead-letter files.
	Path string `mapstructure:"path"`
	// MaxBytes bounds the dead letter on disk ("512MiB" or a number of bytes). When it is full,
	// further events are counted and logged, not written.
	MaxBytes pipeline.ByteSize `mapstructure:"max_bytes"`
}

// Log configures sluice's own logs.
type Log struct {
	// Level is debug, info, warn or error.
	Level string `mapstructure:"level"`
	// Format is json (default, so sluice's logs can go through sluice) or text.
	Format string `mapstructure:"format"`
}

// Reload controls how a running sluice picks up a changed config file. SIGHUP always reloads;
// watching the file is opt-in, as in Logstash (--config.reload.automatic), because a reload
// drains and restarts every pipeline.
type Reload struct {
	// Automatic reloads when the file's content changes. In Kubernetes a ConfigMap update
	// replaces the file behind a symlink, so the content is compared, not the modification time.
	Automatic bool `mapstructure:"automatic"`
	// Interval is how often the file is read to look for changes when Automatic is on.
	Interval time.Duration `mapstructure:"interval"`
}

// SettingDocs describes the runtime settings for `sluice config defaults`.
func (*Runtime) SettingDocs() map[string]string {
	return map[string]string{
		"batch_size":           "most events coalesced into one batch (1 to 1,000,000)",
		"flush_interval":       "a partial batch waits at most this; flushers run this often (1ms or more)",
		"workers":              "processor workers per pipeline; default: the CPUs Go may use (GOMAXPROCS)",
		"max_events_in_flight": "events taken in and not yet acknowledged, all pipelines; bounds memory",
		"shutdown_timeout":     "how long a drain waits for the outputs to acknowledge",
		"idle_flush":           "a pipeline with nothing to process this long sends the tracebacks and partial lines it holds (0: off, they wait for their timeouts)",
		"memory_limit":         "Go's soft memory limit: auto (90% of the cgroup limit, none without one), off, or a size (200MiB); GOMEMLIMIT wins",
	}
}

// SettingDocs describes the monitoring endpoint's settings.
func (*HTTP) SettingDocs() map[string]string {
	return map[string]string{
		"address": `host:port of /metrics, /healthz, /readyz; "" turns it off`,
		"pprof":   "serve /debug/pprof/ (Go profiles); exposes internals",
		"tap":     "serve /tap for `sluice tap` (live, redacted events of a component); off by default",
	}
}

// SettingDocs describes the dead letter's settings.
func (*DeadLetter) SettingDocs() map[string]string {
	return map[string]string{
		"path":      "directory of the dead-letter files",
		"max_bytes": "bound on disk; when full, events are counted and logged, not kept",
	}
}

// SettingDocs describes the log settings.
func (*Log) SettingDocs() map[string]string {
	return map[string]string{"level": "debug, info, warn or error", "format": "json or text"}
}

// SettingDocs describes the reload settings.
func (*Reload) SettingDocs() map[string]string {
	return map[string]string{
		"automatic": "also reload when the config's content changes (SIGHUP always reloads)",
		"interval":  "how often the config is read for changes when automatic",
	}
}

// Defaults returns the configuration every file starts from.
func Defaults() Config {
	return Config{
		Inputs:     map[string]Component{},
		Processors: map[string]Component{},
		Outputs:    map[string]Component{},
		Pipelines:  map[string]Pipeline{},
		Runtime: Runtime{
			BatchSize:         2048,
			FlushInterval:     time.Second,
			Workers:           runtime.GOMAXPROCS(0),
			MaxEventsInFlight: 32768,
			ShutdownTimeout:   30 * time.Second,
			IdleFlush:         20 * time.Millisecond,
			MemoryLimit:       "auto",
		},
		HTTP:       HTTP{Address: ":9600"},
		DeadLetter: DeadLetter{Path: "./data/dead_letter/", MaxBytes: 1 << 30},
		Log:        Log{Level: "info", Format: "json"},
		Reload:     Reload{Interval: 3 * time.Second},
	}
}

// OutputNamer is a component config that names outputs by id, as the route processor does. The
// loader checks each name against the outputs of every pipeline that lists the component, so a
// typo fails at load instead of dead-lettering every event it routes. Only standard types cross
// this interface: components need not import this package.
type OutputNamer interface {
	// OutputNames maps the key path of each name, relative to the component
	// ("routes[0].outputs[1]"), to the output id it names.
	OutputNames() map[string]string
}

// PipelineReceiver is an input config that receives the events other pipelines of the process
// send to an address (the pipeline input). The loader checks that each address has one receiver
// and that no pipeline feeds itself through addresses; the runtime connects senders to it.
type PipelineReceiver interface {
	PipelineAddress() string
}

// PipelineSender is an output config that sends every event it gets to the pipelines receiving
// at each of its addresses (the pipeline output).
type PipelineSender interface {
	PipelineAddresses() []string
}

// Warner is a component config that is valid yet probably unsafe or wrong, as Kafka SASL PLAIN
// without TLS (the password crosses the network as is). `sluice validate` prints its warnings and
// `sluice run` logs them at startup; they never stop a config from loading.
type Warner interface {
	// Warnings returns one "key.path: reason" per problem, as Validate's errors are written.
	Warnings() []string
}

// Warnings returns the warnings of every declared component, each with its full key path
// ("inputs.kafka.sasl.mechanism"), sorted by path.
func (c *Config) Warnings() []*Error {
	var p problems
	for _, section := range []struct {
		name string
		m    map[string]Component
	}{{"inputs", c.Inputs}, {"processors", c.Processors}, {"outputs", c.Outputs}} {
		for _, id := range sortedKeys(section.m) {
			if w, ok := section.m[id].Config.(Warner); ok {
				for _, msg := range w.Warnings() {
					p.addErr(section.name+"."+id, errors.New(msg))
				}
			}
		}
	}
	return p.sorted()
}

// Components are the factories a build of sluice knows, by type. cmd/sluice lists them.
type Components struct {
	Inputs     map[string]pipeline.InputFactory
	Processors map[string]pipeline.ProcessorFactory
	Outputs    map[string]pipeline.OutputFactory
}

// NewComponents indexes factories by type; a type listed twice is an error.
func NewComponents(inputs []pipeline.InputFactory, processors []pipeline.ProcessorFactory,
	outputs []pipeline.OutputFactory) (Components, error) {
	c := Components{}
	var err error
	if c.Inputs, err = byType("input", inputs, func(f pipeline.InputFactory) string { return f.Type }); err != nil {
		return c, err
	}
	if c.Processors, err = byType("processor", processors, func(f pipeline.ProcessorFactory) string { return f.Type }); err != nil {
		return c, err
	}
	c.Outputs, err = byType("output", outputs, func(f pipeline.OutputFactory) string { return f.Type })
	return c, err
}

func byType[F any](kind string, fs []F, typ func(F) string) (map[string]F, error) {
	m := make(map[string]F, len(fs))
	for _, f := range fs {
		t := typ(f)
		if _, dup := m[t]; dup {
			return nil, fmt.Errorf("config: %s type %q registered twice", kind, t)
		}
		m[t] = f
	}
	return m, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
