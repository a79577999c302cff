// Package parsers defines what a log-format parser is and keeps the registry of them. Each format
// lives in its own package (parsers/vllm, parsers/cri, ...); parsers/builtin is the one explicit
// list of those that ship with sluice and the order they are tried in. cmd/sluice hands that
// list to the parse processor and to `sluice setup`; neither imports it.
package parsers

import (
	"fmt"
	"sort"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// Parser recognises one log format. Parse reads the event's message (and, where it helps,
// fields an input set, such as kubernetes.container.name); if the line is in its format it sets
// the fields it finds and returns true, otherwise it returns false and leaves the event as it
// was. It never removes or rewrites the message, except framing parsers (CRI, Docker), whose
// contract is to replace the message with the framed text. A Parser must be safe for concurrent
// use and must never panic, whatever the bytes.
type Parser interface {
	Parse(ev *event.Event) bool
}

// Field documents one field a parser may set. It is event.FieldInfo, which the Elasticsearch
// mapping reads without importing the parsers; the alias keeps the parsers' declarations short.
type Field = event.FieldInfo

// Info describes a registered parser.
type Info struct {
	// Name is the parser's name in config and in parse results ("vllm", "nvidia_xid").
	Name string
	// Description is one line for `sluice parse --list` and the README.
	Description string
	// New creates the parser with the options of the processor that runs it.
	New func(Options) Parser
	// Framing marks a container-runtime framing parser (CRI, Docker json-file): it unwraps the
	// message and the chain goes on with the content parsers.
	Framing bool
	// Fields lists the fields the parser may set.
	Fields []Field
	// Explicit keeps the parser out of the default chain: it runs only where a config names it
	// (a format too loose to try on every line).
	Explicit bool
}

// Options are the settings a parse processor gives every parser it creates. Each parser takes
// the ones that concern it and ignores the rest, so that the processor treats all parsers alike.
// The zero value gives every parser its defaults.
type Options struct {
	// Prompts says what happens to the prompts in an inference server's request lines (vLLM):
	// hash, keep, truncate or drop; "" is the parser's default.
	Prompts string
	// PromptMaxLength is how many characters Prompts "truncate" keeps; 0 is the parser's default.
	PromptMaxLength int
}

// Registry maps parser names to their Info.
type Registry struct {
	byName map[string]Info
	order  []string
}

// NewRegistry returns a registry holding the given parsers; a duplicate name is a programming
// error and panics at start-up.
func NewRegistry(infos ...Info) *Registry {
	r := &Registry{byName: make(map[string]Info, len(infos))}
	for _, in := range infos {
		if _, dup := r.byName[in.Name]; dup {
			panic(fmt.Sprintf("parsers: %q registered twice", in.Name))
		}
		r.byName[in.Name] = in
		r.order = append(r.order, in.Name)
	}
	return r
}

// Lookup returns the parser registered under name.
func (r *Registry) Lookup(name string) (Info, bool) {
	in, ok := r.byName[name]
	return in, ok
}

// Names returns the registered names in registration order.
func (r *Registry) Names() []string { return append([]string(nil), r.order...) }

// DefaultChain is the order in which a parse processor without an explicit list (and `sluice
// parse`) tries parsers on a line: registration order, less the Explicit parsers. The list is
// written once, in that order: container framing first, then the specific formats, then the
// generic fallbacks.
func (r *Registry) DefaultChain() []string {
	var out []string
	for _, n := range r.order {
		if !r.byName[n].Explicit {
			out = append(out, n)
		}
	}
	return out
}

// Fields returns every field of every parser, sorted by name, first declaration winning.
func (r *Registry) Fields() []Field {
	seen := map[string]bool{}
	var out []Field
	for _, n := range r.order {
		for _, f := range r.byName[n].Fields {
			if !seen[f.Name] {
				seen[f.Name] = true
				out = append(out, f)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Union joins field lists, a name's first declaration winning: for a parser that sets the fields
// of others it calls (the JSON parser reads uvicorn's and vLLM's messages).
func Union(lists ...[]Field) []Field {
	seen := map[string]bool{}
	var out []Field
	for _, l := range lists {
		for _, f := range l {
			if !seen[f.Name] {
				seen[f.Name] = true
				out = append(out, f)
			}
		}
	}
	return out
}
