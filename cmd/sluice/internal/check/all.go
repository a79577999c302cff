package check

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/sluice-dev/sluice/pipeline/config"
)

// All is a custom check composed of other kinds: it passes when every step passes, in order,
// and reports as one line ("model served end to end": DNS, TCP, vLLM model list, completion).
type All struct {
	Steps []map[string]any `mapstructure:"steps"`

	probes []Probe
	kinds  []string
}

// build turns the raw steps into probes of their kinds.
func (a *All) build(path string) []*config.Error {
	var errs []*config.Error
	for i, raw := range a.Steps {
		p := fmt.Sprintf("%s.steps[%d]", path, i)
		rest := map[string]any{}
		for k, v := range raw {
			rest[k] = v
		}
		kind, _ := rest["kind"].(string)
		delete(rest, "kind")
		if kind == "all" {
			errs = append(errs, &config.Error{Path: p + ".kind", Msg: "steps cannot nest all; list the steps here"})
			continue
		}
		probe, _, e := newProbe(p, kind, rest)
		errs = append(errs, e...)
		a.probes, a.kinds = append(a.probes, probe), append(a.kinds, kind)
	}
	return errs
}

// Validate requires at least one step.
func (a *All) Validate() error {
	if len(a.Steps) == 0 {
		return errors.New("steps: want at least one")
	}
	return nil
}

// Run runs the steps in order and stops at the first that does not pass.
func (a *All) Run(ctx context.Context) (string, error) {
	var got []string
	for i, p := range a.probes {
		v, err := p.Run(ctx)
		if err != nil {
			if IsSkip(err) {
				return "", Skip("step %d (%s): %v", i+1, a.kinds[i], err)
			}
			return "", fmt.Errorf("step %d (%s): %w", i+1, a.kinds[i], err)
		}
		got = append(got, v)
	}
	return strings.Join(got, "; "), nil
}
