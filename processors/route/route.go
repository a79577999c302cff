// Package route is the processor that chooses outputs per event: errors of the inference
// namespace to their own index, GPU Xid events to the on-call stream. It sets event.Meta.Routes;
// the runtime sends each event only to those outputs (all of the pipeline's when none is set).
package route

import (
	"slices"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/processors/internal/proc"
)

// Factory creates route processors.
var Factory = proc.NewFactory("route", NewConfig, build)

func build(_ pipeline.Settings, c *Config) (proc.EventFunc, error) {
	// Events share these slices: clipped, an append to an event's routes copies instead of
	// writing into them.
	routes, def, all := c.Routes, slices.Clip(c.Default), c.Mode == "all"
	for i := range routes {
		routes[i].Outputs = slices.Clip(routes[i].Outputs)
	}
	return func(ev *event.Event) (proc.Result, error) {
		var out []string
		for i := range routes {
			if !routes[i].cond.Match(ev) {
				continue
			}
			if !all {
				ev.Meta.Routes = routes[i].Outputs
				return proc.Keep, nil
			}
			for _, o := range routes[i].Outputs {
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
