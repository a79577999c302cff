package check

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/viper"

	"github.com/sluice-dev/sluice/pipeline/config"
)

// DefaultTimeout bounds one check unless the file says otherwise; a probe that hangs must not
// hold up a deployment.
const DefaultTimeout = 10 * time.Second

// Spec is one declared check: the fields every kind has, and the kind's own settings.
type Spec struct {
	Name    string
	Kind    string
	Section string
	// Warn makes a failure a warning: reported, not failing the run (severity: warn).
	Warn bool
	// DependsOn names checks declared above; when one of them did not pass this one is skipped,
	// so a dead endpoint gives one FAILED line, not ten.
	DependsOn []string
	Timeout   time.Duration
	Probe     Probe
	// File is the checks file that declares it, when checks come from several.
	File string
}

// File is a loaded and validated checks file.
type File struct {
	Checks []Spec
}

// header holds the keys every check has; the rest belongs to its kind.
type header struct {
	Name      string         `mapstructure:"name"`
	Kind      string         `mapstructure:"kind"`
	Section   string         `mapstructure:"section"`
	Severity  string         `mapstructure:"severity"`
	DependsOn []string       `mapstructure:"depends_on"`
	Timeout   time.Duration  `mapstructure:"timeout"`
	Rest      map[string]any `mapstructure:",remain"`
}

// top is the file's fixed shape.
type top struct {
	Timeout time.Duration `mapstructure:"timeout"`
	Checks  []any         `mapstructure:"checks"`
}

// Load reads and validates a checks file, or a directory of them (see LoadAll). Problems come
// back as *config.Errors, every one with its path ("checks[2].min_gib: ..."), as `sluice
// validate` reports them.
func Load(path string) (*File, error) {
	srcs, err := config.ReadPath(path)
	if err != nil {
		return nil, fmt.Errorf("check: %w", err)
	}
	return LoadAll(srcs)
}

// LoadAll reads several checks files as one list, in the order given: a check may depend on
// one declared in an earlier file, and a name may be declared once in all of them. Each file's
// timeout applies to its own checks.
func LoadAll(srcs []config.Source) (*File, error) {
	all := &File{}
	var errs []*config.Error
	for _, src := range srcs {
		f, err := parse(src.Data, os.LookupEnv, all.Checks)
		var ce *config.Errors
		if errors.As(err, &ce) {
			for _, e := range ce.List {
				e.File = src.Name
			}
			errs = append(errs, ce.List...)
			continue
		}
		if err != nil {
			return nil, err
		}
		for i := range f.Checks {
			f.Checks[i].File = src.Name
		}
		all.Checks = append(all.Checks, f.Checks...)
	}
	if len(errs) > 0 {
		return nil, &config.Errors{List: errs}
	}
	return all, nil
}

// Parse decodes checks held in memory; lookup fills ${VAR} references.
func Parse(data []byte, lookup func(string) (string, bool)) (*File, error) {
	return parse(data, lookup, nil)
}

// parse decodes one file's checks; before are the checks of the files read earlier.
func parse(data []byte, lookup func(string) (string, bool), before []Spec) (*File, error) {
	v := viper.NewWithOptions(viper.KeyDelimiter("::"))
	v.SetConfigType("yaml")
	if err := v.ReadConfig(bytes.NewReader(data)); err != nil {
		return nil, &config.Errors{List: []*config.Error{{Msg: "not valid YAML: " +
			strings.TrimPrefix(strings.TrimSpace(err.Error()), "While parsing config: ")}}}
	}
	var errs []*config.Error
	raw := map[string]any{}
	for _, k := range v.AllKeys() {
		name, _, _ := strings.Cut(k, "::")
		raw[name] = v.Get(name)
	}
	raw = expand(raw, "", lookup, &errs).(map[string]any)
	t := top{Timeout: DefaultTimeout}
	errs = appendErr(errs, "", config.Decode("", raw, &t))
	if len(t.Checks) == 0 && len(errs) == 0 {
		errs = append(errs, &config.Error{Path: "checks", Msg: "no checks declared"})
	}
	f := &File{}
	for i, item := range t.Checks {
		path := fmt.Sprintf("checks[%d]", i)
		s, e := parseSpec(path, item, t.Timeout)
		errs = append(errs, e...)
		errs = append(errs, checkNames(path, s, append(slices.Clip(before), f.Checks...))...)
		f.Checks = append(f.Checks, s)
	}
	if len(errs) > 0 {
		return nil, &config.Errors{List: errs}
	}
	return f, nil
}

// parseSpec decodes one check: its header, then its kind's settings over the kind's defaults.
func parseSpec(path string, raw any, timeout time.Duration) (Spec, []*config.Error) {
	h := header{Timeout: timeout, Severity: "fail"}
	errs := appendErr(nil, path, config.Decode("", raw, &h))
	s := Spec{Name: h.Name, Kind: h.Kind, Section: h.Section, DependsOn: h.DependsOn, Timeout: h.Timeout}
	switch h.Severity {
	case "fail":
	case "warn":
		s.Warn = true
	default:
		errs = append(errs, &config.Error{Path: path + ".severity", Msg: fmt.Sprintf("want fail or warn, got %q", h.Severity)})
	}
	if h.Timeout <= 0 {
		errs = append(errs, &config.Error{Path: path + ".timeout", Msg: "must be positive"})
	}
	probe, section, e := newProbe(path, h.Kind, h.Rest)
	s.Probe = probe
	if s.Section == "" {
		s.Section = section
	}
	return s, append(errs, e...)
}

// newProbe builds the probe of a kind from its settings; composite kinds build their steps
// through it too.
func newProbe(path, kind string, rest map[string]any) (Probe, string, []*config.Error) {
	if kind == "" {
		return nil, "", []*config.Error{{Path: path + ".kind", Msg: "missing; want one of " + strings.Join(kindNames(), ", ")}}
	}
	i := slices.IndexFunc(Kinds(), func(k Kind) bool { return k.Name == kind })
	if i < 0 {
		return nil, "", []*config.Error{{Path: path + ".kind", Msg: fmt.Sprintf("unknown kind %q; want one of %s", kind, strings.Join(kindNames(), ", "))}}
	}
	k := Kinds()[i]
	p := k.New()
	errs := appendErr(nil, path, config.Decode("", rest, p))
	if c, ok := p.(composite); ok {
		errs = append(errs, c.build(path)...)
	}
	if len(errs) == 0 {
		errs = appendErr(errs, path, p.Validate())
	}
	return p, k.Section, errs
}

// composite is a kind made of other checks (all); build turns its raw steps into probes.
type composite interface {
	build(path string) []*config.Error
}

// checkNames requires a unique name and dependencies declared above, which also rules out
// cycles.
func checkNames(path string, s Spec, before []Spec) []*config.Error {
	var errs []*config.Error
	if s.Name == "" {
		errs = append(errs, &config.Error{Path: path + ".name", Msg: "missing"})
	}
	for _, b := range before {
		if b.Name == s.Name && s.Name != "" {
			msg := fmt.Sprintf("%q is declared twice", s.Name)
			if b.File != "" {
				msg += " (first in " + b.File + ")"
			}
			errs = append(errs, &config.Error{Path: path + ".name", Msg: msg})
		}
	}
	for j, d := range s.DependsOn {
		if !slices.ContainsFunc(before, func(b Spec) bool { return b.Name == d }) {
			errs = append(errs, &config.Error{Path: fmt.Sprintf("%s.depends_on[%d]", path, j),
				Msg: fmt.Sprintf("no check %q declared above this one", d)})
		}
	}
	return errs
}

func kindNames() []string {
	var out []string
	for _, k := range Kinds() {
		out = append(out, k.Name)
	}
	return out
}

// appendErr adds err's problems under prefix; a *config.Errors is split into its list.
func appendErr(list []*config.Error, prefix string, err error) []*config.Error {
	if err == nil {
		return list
	}
	ce, ok := err.(*config.Errors)
	if !ok {
		return append(list, &config.Error{Path: prefix, Msg: err.Error()})
	}
	for _, e := range ce.List {
		p := e.Path
		switch {
		case prefix == "":
		case p == "":
			p = prefix
		default:
			p = prefix + "." + p
		}
		list = append(list, &config.Error{Path: p, Msg: e.Msg})
	}
	return list
}

// expand fills ${VAR} in every string of the tree, so secrets (an API key, an Elasticsearch
// password) come from the environment as in the pipeline config.
func expand(v any, path string, lookup func(string) (string, bool), errs *[]*config.Error) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			t[k] = expand(x, strings.TrimPrefix(path+"."+k, "."), lookup, errs)
		}
	case []any:
		for i, x := range t {
			t[i] = expand(x, fmt.Sprintf("%s[%d]", path, i), lookup, errs)
		}
	case string:
		out, err := config.Expand(t, lookup)
		if err != nil {
			*errs = append(*errs, &config.Error{Path: path, Msg: err.Error()})
			return t
		}
		return out
	}
	return v
}
