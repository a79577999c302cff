package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/sluice-dev/sluice/cmd/sluice/internal/convert"
	"github.com/sluice-dev/sluice/cmd/sluice/internal/logstash"
)

// pipelinesFile is the file where Logstash lists its pipelines (pipeline.id with path.config or
// config.string), as in its settings directory.
const pipelinesFile = "pipelines.yml"

// pipelinesYML returns the pipelines.yml that args stand for: the one argument is that file, or
// a directory holding it; "" otherwise.
func pipelinesYML(args []string) string {
	if len(args) != 1 {
		return ""
	}
	if filepath.Base(args[0]) == pipelinesFile {
		return args[0]
	}
	if p := filepath.Join(args[0], pipelinesFile); fileExists(p) {
		return p
	}
	return ""
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// convertPipelines translates every pipeline a pipelines.yml lists into one sluice config, a
// pipeline each; settings sluice has no per-pipeline equivalent of are reported.
func convertPipelines(path string) (*convert.Result, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("convert: %w", err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("convert: %s: %w", path, err)
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("convert: %s: want a list of pipelines (- pipeline.id: ...)", path)
	}
	var pls []convert.Pipeline
	for _, entry := range doc.Content[0].Content {
		p, err := pipelineEntry(path, strings.Split(string(raw), "\n"), entry)
		if err != nil {
			return nil, err
		}
		pls = append(pls, p)
	}
	if len(pls) == 0 {
		return nil, fmt.Errorf("convert: %s: lists no pipeline", path)
	}
	return convert.TranslatePipelines(pls)
}

// pipelineEntry reads one pipeline of pipelines.yml and parses its Logstash config.
func pipelineEntry(path string, lines []string, n *yaml.Node) (convert.Pipeline, error) {
	at := func(v *yaml.Node) string { return fmt.Sprintf("%s:%d:%d", path, v.Line, v.Column) }
	if n.Kind != yaml.MappingNode {
		return convert.Pipeline{}, fmt.Errorf("convert: %s: want pipeline.id and path.config or config.string", at(n))
	}
	p := convert.Pipeline{ID: "main"}
	var srcs []convert.Source
	var err error
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "pipeline.id":
			p.ID = v.Value
		case "path.config":
			srcs, err = pathConfig(filepath.Dir(path), v.Value)
		case "config.string":
			srcs, err = configString(path, lines, v)
		default:
			p.Notes = append(p.Notes, convert.Note{File: path, Pos: logstash.Pos{Line: k.Line, Col: k.Column},
				Msg: k.Value + ": not translated: sluice's runtime settings apply to every pipeline"})
		}
		if err != nil {
			return p, err
		}
	}
	if srcs == nil {
		return p, fmt.Errorf("convert: %s: pipeline %q has neither path.config nor config.string", at(n), p.ID)
	}
	p.Srcs = srcs
	return p, nil
}

// pathConfig reads the files of path.config: a file, a glob or a directory, relative to the
// directory of pipelines.yml unless absolute.
func pathConfig(dir, pattern string) ([]convert.Source, error) {
	if !filepath.IsAbs(pattern) {
		pattern = filepath.Join(dir, pattern)
	}
	if st, err := os.Stat(pattern); err == nil && st.IsDir() {
		pattern = filepath.Join(pattern, "*.conf")
	}
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("convert: path.config %s: no such files", pattern)
	}
	sort.Strings(files)
	return parseConfs(files, nil)
}

// configString parses a config.string. A block (|) is parsed where it stands in the file, its
// lines and indentation put back, so positions in notes and errors are those of pipelines.yml.
func configString(path string, lines []string, v *yaml.Node) ([]convert.Source, error) {
	text := v.Value
	if v.Style == yaml.LiteralStyle && v.Line < len(lines) {
		first := lines[v.Line] // the block's first line (v.Line is the line of |, 1-based)
		indent := first[:len(first)-len(strings.TrimLeft(first, " "))]
		body := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
		for i, l := range body {
			if l != "" {
				body[i] = indent + l
			}
		}
		text = strings.Repeat("\n", v.Line) + strings.Join(body, "\n")
	}
	cfg, err := logstash.Parse(path, text)
	if err != nil {
		return nil, err
	}
	return []convert.Source{{File: path, Cfg: cfg}}, nil
}
