// Package grok is the processor that matches text against Logstash grok patterns
// (%{SYNTAX:field:type}) and writes the captures as fields, for the formats dissect cannot split.
// Matching is done by Elastic's go-grok, which carries Logstash's pattern library with ECS field
// names; patterns are expanded and compiled once, at load. Logstash's [nested][field] references
// are accepted and mean nested.field. A line no pattern matches is left as it was and goes to
// the error policy (tag _grok_failure by default).
package grok

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	gogrok "github.com/elastic/go-grok"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/processors/internal/proc"
)

// Factory creates grok processors.
var Factory = proc.NewFactory("grok", NewConfig, build)

var errNoMatch = errors.New("no pattern matched")

// bracketRef finds Logstash field references in capture names: %{WORD:[http][method]}.
var bracketRef = regexp.MustCompile(`%\{(\w+):((?:\[[^\]]+\])+)(:\w+)?\}`)

// normalize rewrites [a][b] field references to a.b, the form go-grok understands.
func normalize(p string) string {
	return bracketRef.ReplaceAllStringFunc(p, func(m string) string {
		sm := bracketRef.FindStringSubmatch(m)
		ref := strings.ReplaceAll(strings.Trim(sm[2], "[]"), "][", ".")
		return "%{" + sm[1] + ":" + ref + sm[3] + "}"
	})
}

// compileAll builds one matcher per pattern with the configured library.
func compileAll(c *Config) ([]*gogrok.Grok, error) {
	defs := make(map[string]string, len(c.PatternDefinitions)+len(legacyPatterns))
	if c.PatternSet == "legacy" {
		for k, v := range legacyPatterns {
			defs[k] = v
		}
	}
	for _, d := range c.PatternDefinitions {
		defs[d.Name] = normalize(d.Pattern)
	}
	var out []*gogrok.Grok
	var errs []error
	for i, p := range c.Patterns {
		g, err := gogrok.NewComplete(defs)
		if err == nil {
			err = g.Compile(normalize(p), true)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("patterns[%d] %q: %w", i, p, err))
			continue
		}
		out = append(out, g)
	}
	return out, errors.Join(errs...)
}

type matcher struct {
	field, target string
	overwrite     bool
	groks         []*gogrok.Grok
}

func build(_ pipeline.Settings, c *Config) (proc.EventFunc, error) {
	groks, err := compileAll(c)
	if err != nil {
		return nil, err
	}
	m := &matcher{field: c.Field, target: c.Target, overwrite: c.Overwrite, groks: groks}
	return m.event, nil
}

func (m *matcher) event(ev *event.Event) (proc.Result, error) {
	v, ok := ev.Get(m.field)
	if !ok {
		return proc.Keep, errors.New("field " + m.field + " not found")
	}
	s := v.String()
	for _, g := range m.groks {
		caps, err := g.ParseTypedString(s)
		if err != nil {
			return proc.Keep, fmt.Errorf("convert capture: %w", err)
		}
		if len(caps) == 0 && !g.MatchString(s) {
			continue
		}
		m.write(ev, caps)
		return proc.Keep, nil
	}
	return proc.Keep, errNoMatch
}

func (m *matcher) write(ev *event.Event, caps map[string]any) {
	for k, raw := range caps {
		name := proc.Key(m.target, k)
		if !m.overwrite && ev.Has(name) {
			continue
		}
		if name == event.FieldMessage && !ev.Has(event.FieldOriginal) {
			ev.SetString(event.FieldOriginal, ev.Message())
		}
		ev.Set(name, value(raw))
	}
}

func value(v any) event.Value {
	switch x := v.(type) {
	case int:
		return event.Int(int64(x))
	case float64:
		return event.Float(x)
	case bool:
		return event.Bool(x)
	case string:
		return event.String(x)
	}
	return event.String(fmt.Sprint(v))
}
