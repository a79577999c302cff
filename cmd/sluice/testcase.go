package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/sluice-dev/sluice/pipeline/config"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// testFile is the schema of pipeline tests, kept beside a config as <name>.tests.yaml (or
// under a top-level tests: key of the config itself). It is read with a YAML decoder that keeps
// the case of map keys, so field names may be map keys here, unlike in the config proper.
type testFile struct {
	// Config is the config file the tests run against, relative to the tests file. Empty means
	// the file given with -c.
	Config string     `yaml:"config"`
	Tests  []testCase `yaml:"tests"`
}

// testCase feeds events through one pipeline's processors and checks what comes out.
type testCase struct {
	Name string `yaml:"name"`
	// Pipeline names the pipeline whose processors run; it may be left out when there is one.
	Pipeline string `yaml:"pipeline"`
	// Received is the receipt time of the input events (RFC 3339): the reference for timestamps
	// without a year. Default: now.
	Received string `yaml:"received"`
	// Input is a list of lines, or of events (message, fields, source).
	Input []testInput `yaml:"input"`
	// Expect lists the events that must come out, in order; there must be exactly as many.
	Expect []testExpect `yaml:"expect"`
	// ExpectDropped says every input event is dropped (drop, sample): nothing comes out.
	ExpectDropped bool `yaml:"expect_dropped"`
	// ExpectDeadLettered is how many events must be dead-lettered.
	ExpectDeadLettered int `yaml:"expect_dead_lettered"`
}

// testInput is one input event: a plain line or a mapping.
type testInput struct {
	Message string         `yaml:"message"`
	Fields  map[string]any `yaml:"fields"`
	Source  string         `yaml:"source"`
	Input   string         `yaml:"input"`
}

// UnmarshalYAML accepts a bare string as a line.
func (in *testInput) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		in.Message = n.Value
		return nil
	}
	type plain testInput
	return n.Decode((*plain)(in))
}

// testExpect checks one output event.
type testExpect struct {
	// Fields must have these values; a null value means the field must be absent, and
	// {contains: text}, {matches: regexp} or {exists: bool} test the field instead.
	Fields map[string]any `yaml:"fields"`
	// Tags must be present; NoTags must not.
	Tags   []string `yaml:"tags"`
	NoTags []string `yaml:"no_tags"`
	// Routes, when set, must be the event's routes (output ids), in any order.
	Routes []string `yaml:"routes"`
	// Outputs, when set, must be the outputs the event reached, in any order.
	Outputs []string `yaml:"outputs"`
}

// loadTests finds the tests for the config: in the tests: key of its files, in the file given
// with -t, or beside the config (<name>.tests.yaml beside a file, every *.tests.yaml of a
// directory). It returns the config's pieces (tests: removed), the cases, and where they came from.
func loadTests(file *configFlags, testsFile string) ([]config.Source, []testCase, string, error) {
	srcs, err := file.sources()
	if err != nil {
		return nil, nil, "", fmt.Errorf("test: %w", err)
	}
	var inline []testCase
	for i := range srcs {
		data, tests, err := splitInline(srcs[i].Data)
		if err != nil {
			return nil, nil, "", fmt.Errorf("test: %s: %w", srcs[i].Name, err)
		}
		srcs[i].Data, inline = data, append(inline, tests...)
	}
	if testsFile == "" && len(inline) > 0 {
		return srcs, inline, file.String(), nil
	}
	files, several := []string{testsFile}, false
	if testsFile == "" {
		files, several = testFilesBeside(file.paths)
	}
	if len(files) == 0 {
		return nil, nil, "", fmt.Errorf("test: no tests: %s has no tests: key, and no -t file was given", file)
	}
	cases := inline
	for _, f := range files {
		tf, err := readTestFile(f)
		if err != nil {
			return nil, nil, "", err
		}
		if tf.Config != "" && !several {
			p := filepath.Join(filepath.Dir(f), tf.Config)
			if srcs, err = testedConfig(p); err != nil {
				return nil, nil, "", err
			}
		}
		cases = append(cases, tf.Tests...)
	}
	return srcs, cases, strings.Join(files, ", "), nil
}

// testFilesBeside returns the tests files of the -c paths: <name>.tests.yaml beside a file and
// every *.tests.yaml of a directory. One -c file names its tests file even when it is missing,
// so that the error says where tests were looked for. several reports whether the files
// belong to a config of several pieces: their config: keys then cannot stand for all of it.
func testFilesBeside(paths []string) (files []string, several bool) {
	for _, p := range paths {
		if p == "-" {
			continue
		}
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			found, _ := filepath.Glob(filepath.Join(p, "*.tests.yaml"))
			files, several = append(files, found...), true
			continue
		}
		f := strings.TrimSuffix(p, filepath.Ext(p)) + ".tests.yaml"
		if _, err := os.Stat(f); err == nil || len(paths) == 1 {
			files = append(files, f)
		}
	}
	return files, several || len(paths) > 1
}

// testedConfig reads the config a tests file names, without its own tests: key.
func testedConfig(path string) ([]config.Source, error) {
	srcs, err := config.ReadPath(path)
	if err != nil {
		return nil, fmt.Errorf("test: %w", err)
	}
	for i := range srcs {
		if srcs[i].Data, _, err = splitInline(srcs[i].Data); err != nil {
			return nil, fmt.Errorf("test: %s: %w", srcs[i].Name, err)
		}
	}
	return srcs, nil
}

func readTestFile(path string) (*testFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("test: no tests: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var tf testFile
	if err := dec.Decode(&tf); err != nil {
		return nil, fmt.Errorf("test: %s: %w", path, err)
	}
	return &tf, nil
}

// splitInline removes a top-level tests: key from a config and decodes it.
func splitInline(data []byte) ([]byte, []testCase, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return data, nil, nil // the config loader reports what is wrong with it
	}
	m := doc.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value != "tests" {
			continue
		}
		var tests []testCase
		if err := m.Content[i+1].Decode(&tests); err != nil {
			return nil, nil, fmt.Errorf("tests: %w", err)
		}
		m.Content = append(m.Content[:i], m.Content[i+2:]...)
		out, err := yaml.Marshal(&doc)
		return out, tests, err
	}
	return data, nil, nil
}

// inputEvents builds the test's input events.
func (tc *testCase) inputEvents() ([]*event.Event, error) {
	recv := time.Now().UTC()
	if tc.Received != "" {
		t, err := time.Parse(time.RFC3339Nano, tc.Received)
		if err != nil {
			return nil, fmt.Errorf("received: %w", err)
		}
		recv = t
	}
	evs := make([]*event.Event, 0, len(tc.Input))
	for i, in := range tc.Input {
		ev := event.NewMessage(in.Message, recv)
		ev.Meta.Input, ev.Meta.Source, ev.Meta.Offset = in.Input, in.Source, int64(i)
		if ev.Meta.Input == "" {
			ev.Meta.Input = "test"
		}
		for _, k := range sortedKeys(in.Fields) {
			v, err := valueOf(in.Fields[k])
			if err != nil {
				return nil, fmt.Errorf("input[%d].fields.%s: %w", i, k, err)
			}
			ev.Set(k, v)
		}
		evs = append(evs, ev)
	}
	return evs, nil
}

func valueOf(v any) (event.Value, error) {
	switch x := v.(type) {
	case string:
		return event.String(x), nil
	case bool:
		return event.Bool(x), nil
	case int:
		return event.Int(int64(x)), nil
	case float64:
		return event.Float(x), nil
	case time.Time:
		return event.Time(x), nil
	case []any, map[string]any:
		b, err := json.Marshal(x)
		return event.Raw(string(b)), err
	}
	return event.Value{}, fmt.Errorf("unsupported value %v (%T)", v, v)
}

// check compares one output event with its expectation and returns what differs.
func (x *testExpect) check(ev *event.Event) []string {
	var diffs []string
	for _, k := range sortedKeys(x.Fields) {
		want := x.Fields[k]
		got, ok := ev.Get(k)
		if op, arg, isOp := operator(want); isOp {
			if d := checkOperator(op, arg, got, ok); d != "" {
				diffs = append(diffs, k+": "+d)
			}
			continue
		}
		switch {
		case want == nil && ok:
			diffs = append(diffs, fmt.Sprintf("%s: want absent, got %s", k, show(got)))
		case want == nil:
		case !ok:
			diffs = append(diffs, fmt.Sprintf("%s: want %s, missing", k, showWant(want)))
		case !matches(want, got):
			diffs = append(diffs, fmt.Sprintf("%s: want %s, got %s", k, showWant(want), show(got)))
		}
	}
	for _, t := range x.Tags {
		if !ev.HasTag(t) {
			diffs = append(diffs, fmt.Sprintf("tags: want %q, got %q", t, ev.Tags()))
		}
	}
	for _, t := range x.NoTags {
		if ev.HasTag(t) {
			diffs = append(diffs, fmt.Sprintf("tags: want no %q, got %q", t, ev.Tags()))
		}
	}
	if x.Routes != nil {
		want, got := slices.Sorted(slices.Values(x.Routes)), slices.Sorted(slices.Values(ev.Meta.Routes))
		if !slices.Equal(want, got) {
			diffs = append(diffs, fmt.Sprintf("routes: want %q, got %q", want, got))
		}
	}
	return diffs
}

// operators are the one-key mappings that test a field instead of giving its value:
// {contains: text}, {matches: regexp}, {exists: bool}.
var operators = []string{"contains", "matches", "exists"}

func operator(want any) (string, any, bool) {
	m, ok := want.(map[string]any)
	if !ok || len(m) != 1 {
		return "", nil, false
	}
	for _, op := range operators {
		if arg, ok := m[op]; ok {
			return op, arg, true
		}
	}
	return "", nil, false
}

// checkOperator applies an operator to a field and describes the mismatch ("" when it holds).
func checkOperator(op string, arg any, got event.Value, ok bool) string {
	if op == "exists" {
		if want, _ := arg.(bool); want != ok {
			return fmt.Sprintf("want exists %v, got %v", want, ok)
		}
		return ""
	}
	s, isStr := arg.(string)
	switch {
	case !isStr:
		return fmt.Sprintf("%s needs a string, got %v", op, arg)
	case !ok:
		return fmt.Sprintf("want %s %q, missing", op, s)
	case op == "contains" && !strings.Contains(got.String(), s):
		return fmt.Sprintf("want contains %q, got %s", s, show(got))
	case op == "matches":
		re, err := regexp.Compile(s)
		if err != nil {
			return fmt.Sprintf("matches: %v", err)
		}
		if !re.MatchString(got.String()) {
			return fmt.Sprintf("want matches %q, got %s", s, show(got))
		}
	}
	return ""
}

// matches compares a YAML value with an event value: numbers by value whatever their kind,
// times by instant, lists and maps by their JSON.
func matches(want any, got event.Value) bool {
	switch w := want.(type) {
	case string:
		if got.Kind() == event.KindTime {
			t, err := time.Parse(time.RFC3339Nano, w)
			return err == nil && t.Equal(got.Time())
		}
		return got.Kind() == event.KindString && got.Str() == w
	case bool:
		return got.Kind() == event.KindBool && got.Bool() == w
	case int:
		return (got.Kind() == event.KindInt && got.Int() == int64(w)) ||
			(got.Kind() == event.KindFloat && got.Float() == float64(w))
	case float64:
		return (got.Kind() == event.KindFloat || got.Kind() == event.KindInt) && math.Abs(got.Float()-w) <= 1e-9*math.Max(1, math.Abs(w))
	case time.Time:
		return got.Kind() == event.KindTime && got.Time().Equal(w)
	case []any, map[string]any:
		var g any
		wb, _ := json.Marshal(w)
		var wn any
		_ = json.Unmarshal(wb, &wn)
		return got.Kind() == event.KindRaw && json.Unmarshal([]byte(got.Str()), &g) == nil && fmt.Sprint(g) == fmt.Sprint(wn)
	}
	return false
}

func show(v event.Value) string {
	kinds := map[event.Kind]string{event.KindString: "string", event.KindInt: "int", event.KindFloat: "float",
		event.KindBool: "bool", event.KindTime: "time", event.KindRaw: "json"}
	return fmt.Sprintf("%s (%s)", string(v.AppendJSON(nil)), kinds[v.Kind()])
}

func showWant(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
