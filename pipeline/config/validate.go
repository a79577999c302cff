package config

import (
	"fmt"
	"net"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sluice-dev/sluice/pipeline"
)

// decodeComponents decodes one component section: each key names a known type (optionally
// "/name"), each value is decoded strictly over the factory's defaults and validated.
func decodeComponents[F any](p *problems, section string, raw map[string]any, facs map[string]F,
	newConfig func(F) pipeline.Config) map[string]Component {
	out := make(map[string]Component, len(raw))
	for _, id := range sortedKeys(raw) {
		path := section + "." + id
		typ, name, named := strings.Cut(id, "/")
		if named && !validName(name) {
			p.add(path, "bad name %q: want letters, digits, '_' or '-' after the type", name)
			continue
		}
		fac, ok := facs[typ]
		if !ok {
			p.add(path, "unknown %s type %q (known: %s)", strings.TrimSuffix(section, "s"), typ,
				strings.Join(sortedKeys(facs), ", "))
			continue
		}
		cfg := newConfig(fac)
		before := len(*p)
		switch v := raw[id].(type) {
		case nil:
		case map[string]any:
			p.decode(path, v, cfg)
		default:
			p.add(path, "want a map of settings (key: value), got %s", kindWord(reflect.TypeOf(v).Kind().String()))
		}
		// Validate would judge a half-decoded config ("at least one route is required" after
		// "routes: want a list"): one error per mistake.
		if len(*p) == before {
			p.addErr(path, cfg.Validate())
		}
		out[id] = Component{ID: id, Type: typ, Config: cfg}
	}
	return out
}

// decodePipelines decodes each pipeline on its own, so that its errors carry its dotted path
// (pipelines.main.inputs). A pipeline with an error is left out: the wiring checks would only
// repeat it. "At least one pipeline is required" is said only when the file has none, not when
// the section was unreadable.
func decodePipelines(p *problems, raw map[string]any) map[string]Pipeline {
	if len(raw) == 0 && !p.at("pipelines") {
		p.add("pipelines", "at least one pipeline is required")
	}
	out := make(map[string]Pipeline, len(raw))
	for _, name := range sortedKeys(raw) {
		var pl Pipeline
		before := len(*p)
		p.decode("pipelines."+name, raw[name], &pl)
		if len(*p) == before {
			out[name] = pl
		}
	}
	return out
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// validate checks the fixed sections and the wiring of pipelines.
func (c *Config) validate(p *problems) {
	c.validatePipelines(p)
	c.Runtime.validate(p)
	if a := c.HTTP.Address; a != "" {
		if _, port, err := net.SplitHostPort(a); err != nil {
			p.add("http.address", "not host:port: %q", a)
		} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
			p.add("http.address", "bad port %q", port)
		}
	}
	if c.DeadLetter.Path == "" {
		p.add("dead_letter.path", "must not be empty")
	}
	if c.DeadLetter.MaxBytes <= 0 {
		p.add("dead_letter.max_bytes", "must be positive, got %d", c.DeadLetter.MaxBytes)
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		p.add("log.level", "unknown level %q (want debug, info, warn or error)", c.Log.Level)
	}
	if c.Log.Format != "json" && c.Log.Format != "text" {
		p.add("log.format", "unknown format %q (want json or text)", c.Log.Format)
	}
	if c.Reload.Interval < 100*time.Millisecond {
		p.add("reload.interval", "must be at least 100ms, got %v", c.Reload.Interval)
	}
}

// Bounds of the runtime settings. Values past them did harm without an error: 100000 workers
// held 306 MB idle, a 1ns flush interval kept a core busy doing nothing, and an in-flight bound
// of 10^14 turned backpressure off.
const (
	maxBatchSize         = 1_000_000
	maxWorkers           = 1024
	minFlushInterval     = time.Millisecond
	maxEventsInFlightCap = 10_000_000
)

func (r Runtime) validate(p *problems) {
	if r.BatchSize < 1 || r.BatchSize > maxBatchSize {
		p.add("runtime.batch_size", "must be between 1 and %d, got %d", maxBatchSize, r.BatchSize)
	}
	if r.FlushInterval < minFlushInterval {
		p.add("runtime.flush_interval", "must be at least %v (shorter only wakes the flusher for nothing), got %v",
			minFlushInterval, r.FlushInterval)
	}
	if r.Workers < 1 || r.Workers > maxWorkers {
		p.add("runtime.workers", "must be between 1 and %d (each worker holds memory even idle), got %d",
			maxWorkers, r.Workers)
	}
	if r.MaxEventsInFlight < r.BatchSize || r.MaxEventsInFlight > maxEventsInFlightCap {
		p.add("runtime.max_events_in_flight", "must be between batch_size (%d) and %d (it bounds memory), got %d",
			r.BatchSize, maxEventsInFlightCap, r.MaxEventsInFlight)
	}
	if r.ShutdownTimeout <= 0 {
		p.add("runtime.shutdown_timeout", "must be positive, got %v", r.ShutdownTimeout)
	}
	if r.IdleFlush < 0 {
		p.add("runtime.idle_flush", "must be 0 (off) or positive, got %v", r.IdleFlush)
	}
	if _, err := ParseMemoryLimit(r.MemoryLimit); err != nil {
		p.add("runtime.memory_limit", "%v", err)
	}
}

// MinMemoryLimit is the smallest soft memory limit runtime.memory_limit accepts: below it the
// collector would run all the time for the buffers a pipeline needs anyway.
const MinMemoryLimit = 16 << 20

// ParseMemoryLimit reads runtime.memory_limit: 0 for "auto", -1 for "off", else the size.
func ParseMemoryLimit(s string) (int64, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "auto", "":
		return 0, nil
	case "off":
		return -1, nil
	}
	var b pipeline.ByteSize
	if err := b.UnmarshalText([]byte(s)); err != nil {
		return 0, fmt.Errorf("must be auto, off or a size such as 200MiB, got %q", s)
	}
	if b < MinMemoryLimit {
		return 0, fmt.Errorf("must be at least %s (or off), got %q", pipeline.ByteSize(MinMemoryLimit), s)
	}
	return int64(b), nil
}

func (c *Config) validatePipelines(p *problems) {
	feeds := map[string]string{} // input id -> pipeline that reads it
	for _, name := range sortedKeys(c.Pipelines) {
		pl := c.Pipelines[name]
		path := "pipelines." + name
		if len(pl.Inputs) == 0 {
			p.add(path+".inputs", "at least one input is required")
		}
		if len(pl.Outputs) == 0 {
			p.add(path+".outputs", "at least one output is required")
		}
		checkRefs(p, path+".inputs", "input", pl.Inputs, c.Inputs)
		checkRefs(p, path+".processors", "processor", pl.Processors, c.Processors)
		checkRefs(p, path+".outputs", "output", pl.Outputs, c.Outputs)
		c.checkRoutes(p, name, pl)
		for i, id := range pl.Inputs {
			if other, ok := feeds[id]; ok && other != name {
				p.add(fmt.Sprintf("%s.inputs[%d]", path, i),
					"input %q already feeds pipeline %q; declare a second input", id, other)
			}
			feeds[id] = name
		}
	}
	c.checkLinks(p)
}

// checkRoutes reports output names, in the configs of the pipeline's processors, that are not
// outputs of the pipeline: the runtime could only dead-letter the events routed there.
func (c *Config) checkRoutes(p *problems, name string, pl Pipeline) {
	for _, id := range pl.Processors {
		namer, ok := c.Processors[id].Config.(OutputNamer)
		if !ok {
			continue
		}
		names := namer.OutputNames()
		for _, at := range sortedKeys(names) {
			if !slices.Contains(pl.Outputs, names[at]) {
				p.add(joinPath("processors."+id, at), "output %q is not an output of pipeline %q (its outputs: %s)",
					names[at], name, orNone(pl.Outputs))
			}
		}
	}
}

// checkRefs reports unknown and repeated component ids in one pipeline list.
func checkRefs(p *problems, path, kind string, ids []string, known map[string]Component) {
	seen := map[string]bool{}
	for i, id := range ids {
		at := fmt.Sprintf("%s[%d]", path, i)
		id = strings.ToLower(id)
		ids[i] = id
		if _, ok := known[id]; !ok {
			p.add(at, "unknown %s %q (declared: %s)", kind, id, orNone(sortedKeys(known)))
		}
		if seen[id] && kind != "processor" {
			p.add(at, "%s %q listed twice", kind, id)
		}
		seen[id] = true
	}
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

// Unused returns the paths of components declared but listed by no pipeline ("inputs.kafka").
// They are not created; a typo in a pipeline list is the usual cause, so callers warn.
func (c *Config) Unused() []string {
	used := map[string]bool{}
	for _, p := range c.Pipelines {
		for _, id := range p.Inputs {
			used["inputs."+id] = true
		}
		for _, id := range p.Processors {
			used["processors."+id] = true
		}
		for _, id := range p.Outputs {
			used["outputs."+id] = true
		}
	}
	var out []string
	for section, m := range map[string]map[string]Component{"inputs": c.Inputs, "processors": c.Processors, "outputs": c.Outputs} {
		for id := range m {
			if path := section + "." + id; !used[path] {
				out = append(out, path)
			}
		}
	}
	sort.Strings(out)
	return out
}
