// Package graph draws the topology of a config for `sluice graph`: per pipeline, its inputs,
// its processors in order (with their if: conditions and route branches) and its outputs, and
// where the dead letter is fed from. The model is separate from the two renderings (text and
// Graphviz dot), so a new kind of edge (one pipeline feeding another) is one EdgeKind, one
// entry in each style table, and one linker.
package graph

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/sluice-dev/sluice/pipeline/config"
	pipelinein "github.com/sluice-dev/sluice/pipeline/input/pipeline"
	pipelineout "github.com/sluice-dev/sluice/pipeline/output/pipeline"
	"github.com/sluice-dev/sluice/processors/route"
)

// Kind is what a node is.
type Kind string

// Kinds of nodes.
const (
	Input      Kind = "input"
	Processor  Kind = "processor"
	Output     Kind = "output"
	DeadLetter Kind = "dead_letter"
)

// EdgeKind says why events go from one node to another.
type EdgeKind string

// Kinds of edges.
const (
	// Flow is the next step of a pipeline: every event, in order.
	Flow EdgeKind = "flow"
	// Route is a route branch: events matching its condition (the edge's label) go to its output.
	Route EdgeKind = "route"
	// RouteDefault takes the events no branch of a route matched.
	RouteDefault EdgeKind = "route_default"
	// Failed takes the events a component gives up on: a processor with on_error: dead_letter,
	// an output's rejected events.
	Failed EdgeKind = "dead_letter"
	// Link is one pipeline feeding another: a pipeline output to the pipeline input that
	// receives its address (the edge's label).
	Link EdgeKind = "link"
)

// Node is one component in its place. Inputs and processors belong to one pipeline (a
// processor listed twice is two nodes); outputs may be shared by pipelines, so they are nodes
// of the graph, not of a pipeline.
type Node struct {
	// Key is unique in the graph: "main/inputs/beats", "main/processors/2", "outputs/stdout".
	Key  string
	Kind Kind
	// ID is the component id ("drop/probes"), Type its type ("drop").
	ID, Type string
	// If is a processor's if: condition; empty when it takes every event.
	If string
	// Notes are settings worth showing beside the node ("mode all").
	Notes []string
}

// Edge carries events from one node to another.
type Edge struct {
	From, To string
	Kind     EdgeKind
	// Label is the condition of a route branch, or what a dead-letter edge carries.
	Label string
}

// Pipeline is one pipeline's own nodes, in order: inputs, then processors.
type Pipeline struct {
	Name               string
	Inputs, Processors []Node
	// Outputs are the keys of the pipeline's outputs, in its order.
	Outputs []string
}

// Graph is a whole config.
type Graph struct {
	Pipelines []*Pipeline
	// Outputs are every output some pipeline lists, by key, sorted.
	Outputs []Node
	// DeadLetter is the dead-letter node; Path is in its Notes.
	DeadLetter Node
	Edges      []Edge

	byKey map[string]Node
}

// linkers add the edges of a graph whose nodes are in place, one kind of wiring each.
var linkers = []func(*Graph, *config.Config){linkFlow, linkRoutes, linkFailed, linkPipelines}

// Build draws a loaded config.
func Build(cfg *config.Config) *Graph {
	g := &Graph{DeadLetter: Node{Key: "dead_letter", Kind: DeadLetter, ID: "dead letter",
		Notes: []string{cfg.DeadLetter.Path}}}
	outputs := map[string]bool{}
	for _, name := range slices.Sorted(maps.Keys(cfg.Pipelines)) {
		pl := cfg.Pipelines[name]
		p := &Pipeline{Name: name}
		for _, id := range pl.Inputs {
			p.Inputs = append(p.Inputs, Node{Key: name + "/inputs/" + id, Kind: Input, ID: id, Type: cfg.Inputs[id].Type})
		}
		for i, id := range pl.Processors {
			p.Processors = append(p.Processors, processorNode(fmt.Sprintf("%s/processors/%d", name, i), cfg.Processors[id]))
		}
		for _, id := range pl.Outputs {
			p.Outputs = append(p.Outputs, outputKey(id))
			outputs[id] = true
		}
		g.Pipelines = append(g.Pipelines, p)
	}
	for _, id := range slices.Sorted(maps.Keys(outputs)) {
		g.Outputs = append(g.Outputs, Node{Key: outputKey(id), Kind: Output, ID: id, Type: cfg.Outputs[id].Type})
	}
	g.byKey = map[string]Node{g.DeadLetter.Key: g.DeadLetter}
	for _, n := range g.Outputs {
		g.byKey[n.Key] = n
	}
	for _, p := range g.Pipelines {
		for _, n := range append(slices.Clip(p.Inputs), p.Processors...) {
			g.byKey[n.Key] = n
		}
	}
	for _, link := range linkers {
		link(g, cfg)
	}
	return g
}

func outputKey(id string) string { return "outputs/" + id }

// conditioned is a processor config with an if: condition (every processor's common options).
type conditioned interface{ Condition() string }

func processorNode(key string, c config.Component) Node {
	n := Node{Key: key, Kind: Processor, ID: c.ID, Type: c.Type}
	if cc, ok := c.Config.(conditioned); ok {
		n.If = cc.Condition()
	}
	if r, ok := c.Config.(*route.Config); ok {
		n.Notes = append(n.Notes, "mode "+r.Mode)
	}
	return n
}

// linkFlow chains each pipeline: every input to the first processor, each processor to the
// next, the last step to every output.
func linkFlow(g *Graph, _ *config.Config) {
	for _, p := range g.Pipelines {
		last := keys(p.Inputs)
		for _, n := range p.Processors {
			for _, from := range last {
				g.Edges = append(g.Edges, Edge{From: from, To: n.Key, Kind: Flow})
			}
			last = []string{n.Key}
		}
		for _, from := range last {
			for _, to := range p.Outputs {
				g.Edges = append(g.Edges, Edge{From: from, To: to, Kind: Flow})
			}
		}
	}
}

// linkRoutes draws each route processor's branches to the outputs they name. The events still
// pass the processors after it; the outputs they reach are chosen at the end of the pipeline.
func linkRoutes(g *Graph, cfg *config.Config) {
	for _, p := range g.Pipelines {
		for _, n := range p.Processors {
			r, ok := cfg.Processors[n.ID].Config.(*route.Config)
			if !ok {
				continue
			}
			for _, b := range r.Routes {
				for _, o := range b.Outputs {
					g.Edges = append(g.Edges, Edge{From: n.Key, To: outputKey(strings.ToLower(o)), Kind: Route, Label: b.If})
				}
			}
			def := r.Default
			if len(def) == 0 {
				def = idsOf(p.Outputs) // events no branch matched go to every output
			}
			for _, o := range def {
				g.Edges = append(g.Edges, Edge{From: n.Key, To: outputKey(strings.ToLower(o)), Kind: RouteDefault})
			}
		}
	}
}

// policied is a processor config with an on_error policy.
type policied interface{ Policy() string }

// linkFailed draws what feeds the dead letter: processors whose failed events go there, and
// every output (what it rejects, or cannot deliver by the end of a drain).
func linkFailed(g *Graph, cfg *config.Config) {
	for _, p := range g.Pipelines {
		for _, n := range p.Processors {
			if pc, ok := cfg.Processors[n.ID].Config.(policied); ok && pc.Policy() == "dead_letter" {
				g.Edges = append(g.Edges, Edge{From: n.Key, To: g.DeadLetter.Key, Kind: Failed, Label: "failed"})
			}
		}
	}
	for _, o := range g.Outputs {
		g.Edges = append(g.Edges, Edge{From: o.Key, To: g.DeadLetter.Key, Kind: Failed, Label: "rejected"})
	}
}

// linkPipelines draws each pipeline output to the pipeline inputs receiving its addresses.
func linkPipelines(g *Graph, cfg *config.Config) {
	receivers := map[string]string{} // address -> input node key
	for _, p := range g.Pipelines {
		for _, n := range p.Inputs {
			if in, ok := cfg.Inputs[n.ID].Config.(*pipelinein.Config); ok {
				receivers[in.Address] = n.Key
			}
		}
	}
	for _, o := range g.Outputs {
		out, ok := cfg.Outputs[o.ID].Config.(*pipelineout.Config)
		if !ok {
			continue
		}
		for _, addr := range out.SendTo {
			if to, ok := receivers[addr]; ok {
				g.Edges = append(g.Edges, Edge{From: o.Key, To: to, Kind: Link, Label: addr})
			}
		}
	}
}

// from returns the edges that leave key, in the order they were drawn.
func (g *Graph) from(key string) []Edge {
	var out []Edge
	for _, e := range g.Edges {
		if e.From == key {
			out = append(out, e)
		}
	}
	return out
}

func keys(ns []Node) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.Key
	}
	return out
}

func idsOf(outputKeys []string) []string {
	out := make([]string, len(outputKeys))
	for i, k := range outputKeys {
		out[i] = strings.TrimPrefix(k, "outputs/")
	}
	return out
}
