// Package route is the processor that chooses outputs per event: errors of the inference
// namespace to their own index, GPU Xid events to the on-call stream. It sets event.Meta.Routes;
// the runtime sends each event only to those outputs (all of the pipeline's when none is set).
package route

import (
	"fmt"
	"slices"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/processors/internal/condition"
	"github.com/sluice-dev/sluice/processors/internal/proc"
)

// Factory creates route processors.
var Factory = proc.NewFactory("route", NewConfig, build)

// compiled is a route ready to match.
type compiled struct {
	cond    *condition.Condition
	outputs []string
}

func build(_ pipeline.Settings, c *Config) (proc.EventFunc, error) {
	routes, def, all := make([]compiled, len(c.Routes)), lower(c.Default), c.Mode == "all"
	for i, r := range c.Routes {
		cond, err := condition.Compile(r.If)
		if err != nil {
			return nil, fmt.Errorf("routes[%d].if: %w", i, err)
		}
		routes[i] = compiled{cond: cond, outputs: lower(r.Outputs)}
	}
	return func(ev *event.Event) (proc.Result, error) {
		var out []string
		for i := range routes {
			if !routes[i].cond.Match(ev) {
				continue
			}
			if !all {
				ev.Meta.Routes = routes[i].outputs
				return proc.Keep, nil
			}
			for _, o := range routes[i].outputs {
				if !slices.Contains(out, o) {
					out = append(out, o)
				}
			}
		}
		if len(out) == 0 {
			out = def
		}
		ev.Meta.Routes = out
		return proc.Keep, nil
	}, nil
}
