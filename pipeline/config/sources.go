package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Source is one piece of a config: the content of a file, of standard input or of an inline
// text (-e), and the name its problems are reported under.
type Source struct {
	Name string
	Data []byte
}

// ReadPath reads the config at path. A directory stands for its *.yaml and *.yml files in name
// order, as Logstash reads conf.d: subdirectories, hidden files (a Kubernetes ConfigMap volume
// keeps its versions in "..data" folders) and *.tests.yaml (the test cases `sluice test` keeps
// beside a config) are left out. A directory without any such file is an error, not an empty
// config.
func ReadPath(path string) ([]Source, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if !st.IsDir() {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("config: %w", err)
		}
		return []Source{{Name: path, Data: data}}, nil
	}
	files, err := DirFiles(path)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("config: %s: no *.yaml or *.yml file in the directory", path)
	}
	srcs := make([]Source, 0, len(files))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("config: %w", err)
		}
		srcs = append(srcs, Source{Name: f, Data: data})
	}
	return srcs, nil
}

// DirFiles lists the config files of a directory, sorted by name, as ReadPath reads them.
// Entries are followed through symbolic links, as a ConfigMap volume's files are links.
func DirFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	var out []string
	for _, e := range entries {
		name := e.Name()
		if !isConfigName(name) {
			continue
		}
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err != nil || !st.Mode().IsRegular() {
			continue
		}
		out = append(out, p)
	}
	sort.Strings(out)
	return out, nil
}

func isConfigName(name string) bool {
	ext := filepath.Ext(name)
	return (ext == ".yaml" || ext == ".yml") && !strings.HasPrefix(name, ".") &&
		!strings.HasSuffix(strings.TrimSuffix(name, ext), ".tests")
}

// LoadAll merges sources into one config, then decodes and validates it as one file. Components
// and pipelines of different sources are combined; the same component id or pipeline name in
// two sources, or a setting given two different values, is an error naming both. Every other
// problem names the source it is in. Sources are merged in the order given.
func LoadAll(srcs []Source, comps Components) (*Config, error) {
	return loadAll(srcs, comps, osLookup)
}

func loadAll(srcs []Source, comps Components, lookup func(string) (string, bool)) (*Config, error) {
	if len(srcs) == 0 {
		return nil, errors.New("config: none given")
	}
	m := merger{tree: map[string]any{}, from: map[string]string{}}
	var p problems
	whole := true // every source is YAML and none conflicts with another
	for _, s := range srcs {
		raw, sp := readTree(s.Data, lookup)
		for _, e := range sp {
			e.File = s.Name
		}
		p = append(p, sp...)
		if raw == nil {
			whole = false
			continue
		}
		whole = m.add(raw, s.Name, &p) && whole
	}
	if !whole {
		// Decoding a half-read or conflicting tree would repeat its problems as others.
		return nil, m.errors(srcs, p)
	}
	cfg, err := decodeTree(m.tree, p, comps)
	if errs, ok := err.(*Errors); ok {
		return nil, m.errors(srcs, errs.List)
	}
	if cfg != nil && len(srcs) > 1 {
		cfg.merged = &m
	}
	return cfg, err
}

// errors names the file of each problem: the only one, or the one that declares the component,
// pipeline or setting at the problem's path. A conflict names its two files in its message.
func (m *merger) errors(srcs []Source, list []*Error) *Errors {
	if len(srcs) == 1 {
		return &Errors{File: srcs[0].Name, List: problems(list).sorted()}
	}
	for _, e := range list {
		if e.File == "" && !m.conflicts[e] {
			e.File = m.origin(e.Path)
		}
	}
	return &Errors{List: problems(list).sorted()}
}
