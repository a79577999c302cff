package config

import (
	"fmt"
	"slices"
	"strings"
)

// receiver is the pipeline input listening on an address, and the pipeline it feeds.
type receiver struct{ input, pipeline string }

// checkLinks checks the wiring between pipelines (pipeline outputs sending to the addresses
// pipeline inputs receive): every address sent to has exactly one receiver, and no pipeline
// reaches itself, since its events would circle and its drain would wait on itself forever.
func (c *Config) checkLinks(p *problems) {
	if !c.linked() || c.linkErrors(p) {
		return // nothing linked, or a pipeline input or output is wrong already
	}
	recv := c.receivers(p)
	next := map[string][]string{} // pipeline -> pipelines it sends to
	for _, name := range sortedKeys(c.Pipelines) {
		for _, id := range c.Pipelines[name].Outputs {
			s, ok := c.Outputs[id].Config.(PipelineSender)
			if !ok {
				continue
			}
			for i, addr := range s.PipelineAddresses() {
				r, ok := recv[addr]
				if !ok {
					if at := fmt.Sprintf("outputs.%s.send_to[%d]", id, i); !p.at(at) {
						p.add(at, "no pipeline input receives address %q (pipeline %q sends there; addresses received: %s)",
							addr, name, orNone(sortedKeys(recv)))
					}
					continue
				}
				if !slices.Contains(next[name], r.pipeline) {
					next[name] = append(next[name], r.pipeline)
				}
			}
		}
	}
	for _, loop := range loops(sortedKeys(c.Pipelines), next) {
		p.add("pipelines", "pipelines form a loop through pipeline outputs: %s (events would circle forever)",
			strings.Join(loop, " -> "))
	}
}

// receivers maps each address to the pipeline input that receives it, reporting a second
// receiver of one address: a sender could not tell which of them should have the events.
func (c *Config) receivers(p *problems) map[string]receiver {
	recv := map[string]receiver{}
	for _, name := range sortedKeys(c.Pipelines) {
		for _, id := range c.Pipelines[name].Inputs {
			r, ok := c.Inputs[id].Config.(PipelineReceiver)
			if !ok {
				continue
			}
			addr := r.PipelineAddress()
			if first, dup := recv[addr]; dup && first.input != id {
				p.add("inputs."+id+".address", "address %q is already received by input %q of pipeline %q (pipeline %q): one receiver per address",
					addr, first.input, first.pipeline, name)
				continue
			}
			recv[addr] = receiver{input: id, pipeline: name}
		}
	}
	return recv
}

// linkErrors reports whether a problem was found in the config of a pipeline input or output:
// the links it would make cannot be judged (an address left empty would be "not received").
func (c *Config) linkErrors(p *problems) bool {
	for _, e := range *p {
		section, id, _ := strings.Cut(e.Path, ".")
		id, _, _ = strings.Cut(id, ".")
		switch section {
		case "inputs":
			if _, ok := c.Inputs[id].Config.(PipelineReceiver); ok {
				return true
			}
		case "outputs":
			if _, ok := c.Outputs[id].Config.(PipelineSender); ok {
				return true
			}
		}
	}
	return false
}

// linked reports whether a pipeline lists a pipeline input or output.
func (c *Config) linked() bool {
	for _, pl := range c.Pipelines {
		for _, id := range pl.Inputs {
			if _, ok := c.Inputs[id].Config.(PipelineReceiver); ok {
				return true
			}
		}
		for _, id := range pl.Outputs {
			if _, ok := c.Outputs[id].Config.(PipelineSender); ok {
				return true
			}
		}
	}
	return false
}

// loops returns one cycle per loop found by a depth-first walk of next, each written from its
// first pipeline back to it ("a", "b", "a").
func loops(names []string, next map[string][]string) [][]string {
	const (
		unseen = iota
		open
		done
	)
	state := map[string]int{}
	var stack []string
	var found [][]string
	var walk func(string)
	walk = func(n string) {
		state[n] = open
		stack = append(stack, n)
		for _, m := range next[n] {
			switch state[m] {
			case unseen:
				walk(m)
			case open:
				i := slices.Index(stack, m)
				found = append(found, append(slices.Clone(stack[i:]), m))
			}
		}
		stack = stack[:len(stack)-1]
		state[n] = done
	}
	for _, n := range names {
		if state[n] == unseen {
			walk(n)
		}
	}
	return found
}

// Downstream returns, for each pipeline that lists pipeline outputs, the pipelines it sends to
// (sorted). The runtime drains a pipeline only after every pipeline sending to it; graphs and
// summaries show the links.
func (c *Config) Downstream() map[string][]string {
	recv := map[string]string{}
	for name, pl := range c.Pipelines {
		for _, id := range pl.Inputs {
			if r, ok := c.Inputs[id].Config.(PipelineReceiver); ok {
				recv[r.PipelineAddress()] = name
			}
		}
	}
	out := map[string][]string{}
	for name, pl := range c.Pipelines {
		for _, id := range pl.Outputs {
			s, ok := c.Outputs[id].Config.(PipelineSender)
			if !ok {
				continue
			}
			for _, addr := range s.PipelineAddresses() {
				if to, ok := recv[addr]; ok && !slices.Contains(out[name], to) {
					out[name] = append(out[name], to)
				}
			}
		}
		slices.Sort(out[name])
	}
	return out
}
