package route

import (
	"errors"
	"fmt"
	"strings"

	"github.com/sluice-dev/sluice/processors/internal/condition"
	"github.com/sluice-dev/sluice/processors/internal/proc"
)

// Route sends events matching If to Outputs (output ids, as keyed under outputs:).
type Route struct {
	If      string   `mapstructure:"if"`
	Outputs []string `mapstructure:"outputs"`
}

// Config lists the routes, tried in order.
type Config struct {
	proc.Common `mapstructure:",squash"`
	Routes      []Route `mapstructure:"routes"`
	// Default names the outputs of events no route matched; empty leaves them to all of the
	// pipeline's outputs.
	Default []string `mapstructure:"default"`
	// Mode is first (the first matching route wins) or all (the union of every match).
	Mode string `mapstructure:"mode"`
}

// NewConfig returns the defaults: mode first.
func NewConfig() *Config { return &Config{Mode: "first"} }

// Validate compiles every route's condition and checks it names outputs; it changes nothing, the
// processor compiles its own copy. Whether the outputs exist is checked by the config loader,
// which knows the pipelines (see OutputNames).
func (c *Config) Validate() error {
	errs := []error{c.Common.Validate()}
	if len(c.Routes) == 0 {
		errs = append(errs, errors.New("routes: at least one route is required"))
	}
	for i := range c.Routes {
		r := &c.Routes[i]
		if _, err := condition.Compile(r.If); err != nil {
			errs = append(errs, fmt.Errorf("routes[%d].if: %w", i, err))
		}
		if r.If == "" {
			errs = append(errs, fmt.Errorf("routes[%d].if: required", i))
		}
		if len(r.Outputs) == 0 {
			errs = append(errs, fmt.Errorf("routes[%d].outputs: at least one output is required", i))
		}
	}
	if c.Mode != "first" && c.Mode != "all" {
		errs = append(errs, fmt.Errorf("mode: %q is not first or all", c.Mode))
	}
	return errors.Join(errs...)
}

// lower returns output ids lowercased: keys under outputs: are case-insensitive (lowercased
// when the file is read), so a route must match "Elasticsearch/Errors" to "elasticsearch/errors".
// The result has no spare capacity: events share it, and an append to an event's routes copies.
func lower(ids []string) []string {
	if ids == nil {
		return nil
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = strings.ToLower(id)
	}
	return out
}

// OutputNames lists every output id the routes and the default name, by key path, so that the
// config loader refuses a name that is not an output of the pipeline (config.OutputNamer).
func (c *Config) OutputNames() map[string]string {
	out := map[string]string{}
	for i, r := range c.Routes {
		for j, o := range r.Outputs {
			out[fmt.Sprintf("routes[%d].outputs[%d]", i, j)] = strings.ToLower(o)
		}
	}
	for j, o := range c.Default {
		out[fmt.Sprintf("default[%d]", j)] = strings.ToLower(o)
	}
	return out
}
