// Package convert translates a Logstash pipeline, read by package logstash, into a sluice
// config. What has a sluice equivalent becomes components wired into one pipeline; what has
// none is reported with its source position and kept in the output as a commented block, so
// nothing of the original is dropped without a word.
package convert

import (
	"bytes"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/sluice-dev/sluice/cmd/sluice/internal/logstash"
)

// Source is one Logstash file, read in the order given, as Logstash concatenates conf.d.
type Source struct {
	File string
	Cfg  *logstash.Config
}

// Note is one thing the translation could not carry over, or changed, at a source position.
type Note struct {
	File string
	Pos  logstash.Pos
	Msg  string
}

func (n Note) String() string { return fmt.Sprintf("%s:%s: %s", n.File, n.Pos, n.Msg) }

// Result is the sluice config and what the translation has to say about it.
type Result struct {
	YAML  []byte
	Notes []Note
}

// component is one input, processor or output under its id.
type component struct {
	id   string
	body *yaml.Node
}

// route is one output guarded by the conditions around it ("" when unconditional).
type route struct {
	cond string
	id   string
}

type translator struct {
	file       string
	inputs     []component
	processors []component
	outputs    []component
	prelude    []component // codec processors, run before the filters
	routes     []route
	names      map[string]bool
	notes      []Note
	skipped    []string // commented blocks
	inputDeco  []*logstash.Plugin
	// fingerprints maps a fingerprint's target field to its processor, so that an
	// elasticsearch document_id naming that field can switch the processor to the document id.
	fingerprints map[string]*yaml.Node
	// multi is set when several files are read: component names then start with the file's.
	multi bool
	// pipeline is this pipeline's name; component names start with it unless it is main.
	pipeline string
	files    []string
	receives []string // addresses of the pipeline inputs
	sends    []send   // pipeline outputs
}

// Translate turns the sources into one sluice config with one pipeline, main.
func Translate(srcs []Source) (*Result, error) {
	return TranslatePipelines([]Pipeline{{ID: "main", Srcs: srcs}})
}

// newTranslator starts the translation of one pipeline, named pipeline; names are the component ids taken by
// every pipeline of the config.
func newTranslator(pipeline string, srcs []Source, names map[string]bool) *translator {
	t := &translator{names: names, fingerprints: map[string]*yaml.Node{}, multi: len(srcs) > 1, pipeline: pipeline}
	for _, s := range srcs {
		t.files = append(t.files, s.File)
	}
	return t
}

func (t *translator) note(p logstash.Pos, format string, args ...any) {
	t.notes = append(t.notes, Note{File: t.file, Pos: p, Msg: fmt.Sprintf(format, args...)})
}

// skip reports a whole plugin as not translated and keeps its text for the commented block.
func (t *translator) skip(pl *logstash.Plugin, why string) {
	t.note(pl.Pos, "%s: not translated: %s", pl.Name, why)
	t.skipped = append(t.skipped, fmt.Sprintf("%s:%s: %s\n%s", t.file, pl.Pos, why, dedent(pl.Src, pl.Pos.Col-1)))
}

func (t *translator) section(sec *logstash.Section) {
	t.walk(sec.Kind, sec.Body, nil)
}

// walk visits statements under the conditions that guard them.
func (t *translator) walk(kind string, body []logstash.Stmt, conds []string) {
	for _, st := range body {
		switch st := st.(type) {
		case *logstash.Plugin:
			t.plugin(kind, st, joinConds(conds))
		case *logstash.If:
			var before []string
			for _, b := range st.Branches {
				here := append(append([]string(nil), conds...), before...)
				if b.Cond != nil {
					t.checkFields(b.Cond)
					c := condition(b.Cond)
					here = append(here, c)
					before = append(before, "!("+c+")")
				}
				t.walk(kind, b.Body, here)
			}
		}
	}
}

func joinConds(conds []string) string {
	switch len(conds) {
	case 0:
		return ""
	case 1:
		return conds[0]
	}
	parts := make([]string, len(conds))
	for i, c := range conds {
		parts[i] = "(" + c + ")"
	}
	return strings.Join(parts, " && ")
}

func (t *translator) plugin(kind string, pl *logstash.Plugin, cond string) {
	switch kind {
	case "input":
		if cond != "" {
			t.skip(pl, "an input inside a conditional")
			return
		}
		t.input(pl)
	case "filter":
		t.filter(pl, cond)
	case "output":
		t.output(pl, cond)
	}
}

// id returns a unique component id: type/name from the plugin's id option, else from its line.
func (t *translator) id(typ string, pl *logstash.Plugin) string {
	name := fmt.Sprintf("line%d", pl.Pos.Line)
	if t.multi {
		name = baseName(t.file) + "-" + name
	}
	if t.pipeline != "main" {
		name = t.pipeline + "-" + name
	}
	if a := pl.Attr("id"); a != nil {
		if s, ok := str(a.Value); ok && s != "" {
			name = strings.ToLower(s)
		}
	}
	id := typ + "/" + name
	for i := 2; t.names[id]; i++ {
		id = fmt.Sprintf("%s/%s-%d", typ, name, i)
	}
	t.names[id] = true
	return id
}

// addProc appends a processor of type typ, guarded by cond, to the pipeline.
func (t *translator) addProc(typ string, pl *logstash.Plugin, cond string, body *yaml.Node) {
	if cond != "" {
		body.Content = append([]*yaml.Node{scalar("if"), scalar(cond)}, body.Content...)
	}
	t.processors = append(t.processors, component{id: t.id(typ, pl), body: body})
}

// finish adds what depends on the whole pipeline: codec processors first, the route that
// stands for conditional outputs last, and placeholders that keep the config valid.
func (t *translator) finish() {
	t.inputDecorations()
	t.processors = append(t.prelude, t.processors...)
	t.routeOutputs()
	if len(t.inputs) == 0 {
		t.placeholderNote("input", "stdin")
		t.inputs = append(t.inputs, component{id: t.placeholder("stdin"), body: mapping()})
	}
	if len(t.outputs) == 0 {
		t.placeholderNote("output", "stdout")
		t.outputs = append(t.outputs, component{id: t.placeholder("stdout"), body: mapping()})
	}
}

// placeholderNote says that a stand-in took the place of what was not translated.
func (t *translator) placeholderNote(kind, typ string) {
	msg := fmt.Sprintf("no %s translated: %s put in its place", kind, typ)
	if t.pipeline != "main" {
		msg = "pipeline " + t.pipeline + ": " + msg
	}
	t.notes = append(t.notes, Note{File: t.file, Pos: logstash.Pos{Line: 1, Col: 1}, Msg: msg})
}

// placeholder is the id of a stand-in component: its type alone in pipeline main, the type
// named after the pipeline in others (an input can feed only one pipeline).
func (t *translator) placeholder(typ string) string {
	if t.pipeline == "main" {
		return t.uniq(typ)
	}
	return t.uniq(typ + "/" + t.pipeline)
}

// render writes the config: every pipeline's components in their sections, and the pipelines.
func render(ts []*translator) ([]byte, error) {
	var files, skipped []string
	notes := 0
	root := mapping()
	for _, sec := range []struct {
		key  string
		list func(*translator) []component
	}{{"inputs", func(t *translator) []component { return t.inputs }},
		{"processors", func(t *translator) []component { return t.processors }},
		{"outputs", func(t *translator) []component { return t.outputs }}} {
		m := mapping()
		for _, t := range ts {
			for _, c := range sec.list(t) {
				m.Content = append(m.Content, scalar(c.id), c.body)
			}
		}
		if len(m.Content) > 0 {
			root.Content = append(root.Content, scalar(sec.key), m)
		}
	}
	pls := mapping()
	for _, t := range ts {
		main := mapping("inputs", flow(ids(t.inputs)), "processors", flow(ids(t.processors)), "outputs", flow(ids(t.outputs)))
		pls.Content = append(pls.Content, scalar(t.pipeline), main)
		for _, f := range t.files {
			if !slices.Contains(files, f) {
				files = append(files, f)
			}
		}
		skipped = append(skipped, t.skipped...)
		notes += len(t.notes)
	}
	root.Content = append(root.Content, scalar("pipelines"), pls)
	root.HeadComment = "Converted by sluice convert from " + strings.Join(files, ", ") + "."
	if notes > 0 {
		root.HeadComment += fmt.Sprintf("\n%d note(s) were printed on stderr; what was not translated is at the end.", notes)
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return nil, fmt.Errorf("convert: encode: %w", err)
	}
	writeSkipped(&buf, skipped)
	return buf.Bytes(), nil
}

func ids(cs []component) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.id
	}
	return out
}

// writeSkipped appends the plugins that were not translated, commented out, in source order.
func writeSkipped(buf *bytes.Buffer, skipped []string) {
	if len(skipped) == 0 {
		return
	}
	buf.WriteString("\n# Not translated (Logstash source, for reference):\n")
	for _, s := range skipped {
		buf.WriteString("#\n")
		for _, line := range strings.Split(s, "\n") {
			buf.WriteString(strings.TrimRight("#   "+line, " \t") + "\n")
		}
	}
}

// baseName is a file's name without directory and extension, in the characters a component
// name is written with.
func baseName(file string) string {
	b := filepath.Base(file)
	return nameChars(strings.TrimSuffix(b, filepath.Ext(b)))
}

// nameChars writes s in the characters of a component name: lower case letters, digits, '-'
// and '_' (for anything else).
func nameChars(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return '_'
	}, s)
}

// dedent removes up to n leading spaces from every line but the first, which starts at the
// plugin's name: the block then reads as it was indented in its file.
func dedent(s string, n int) string {
	lines := strings.Split(s, "\n")
	for i := 1; i < len(lines); i++ {
		cut := 0
		for cut < n && cut < len(lines[i]) && lines[i][cut] == ' ' {
			cut++
		}
		lines[i] = lines[i][cut:]
	}
	return strings.Join(lines, "\n")
}
