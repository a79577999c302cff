package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/config"
)

// newConfigCmd groups the commands about the config itself.
func newConfigCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "config", Short: "Describe the config: every setting and its default"}
	cmd.AddCommand(&cobra.Command{
		Use:   "defaults [TYPE]",
		Short: "Print every setting with its default, as YAML: the fixed sections and every component type, or one type",
		Long: "defaults prints the runtime, http, dead_letter, log and reload sections and the settings of every\n" +
			"input, processor and output type this build knows, each with its default and a comment saying what\n" +
			"it takes. With TYPE (elasticsearch, file, runtime...) only that one is printed; a type that is both an\n" +
			"input and an output (file) is printed as both. The output is YAML a config can start from.",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			want := ""
			if len(args) == 1 {
				want = strings.ToLower(args[0])
			}
			return printDefaults(cmd.OutOrStdout(), components(), want)
		},
	})
	return cmd
}

// fixedSections are the sections with a fixed shape, in the order a config writes them.
var fixedSections = []string{"runtime", "http", "dead_letter", "log", "reload"}

// printDefaults writes the defaults of every section and component type, or of want only.
func printDefaults(w io.Writer, comps config.Components, want string) error {
	doc := &yaml.Node{Kind: yaml.MappingNode}
	fixed := config.FixedDefaults()
	for i := 0; i+1 < len(fixed.Content); i += 2 {
		if want == "" || want == fixed.Content[i].Value {
			doc.Content = append(doc.Content, fixed.Content[i], fixed.Content[i+1])
		}
	}
	for _, s := range componentSections(comps) {
		sec := &yaml.Node{Kind: yaml.MappingNode}
		for _, typ := range sortedKeys(s.configs) {
			if want == "" || want == typ {
				sec.Content = append(sec.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: typ},
					config.SettingsNode(s.configs[typ]()))
			}
		}
		if len(sec.Content) > 0 {
			doc.Content = append(doc.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: s.name}, sec)
		}
	}
	if len(doc.Content) == 0 {
		return fmt.Errorf("config defaults: unknown type %q (known: %s)", want, strings.Join(knownTypes(comps), ", "))
	}
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("config defaults: %w", err)
	}
	return enc.Close()
}

// componentSection is one of inputs, processors, outputs: the default config of each type.
type componentSection struct {
	name    string
	configs map[string]func() pipeline.Config
}

func componentSections(comps config.Components) []componentSection {
	return []componentSection{
		{"inputs", newConfigs(comps.Inputs, func(f pipeline.InputFactory) func() pipeline.Config { return f.NewConfig })},
		{"processors", newConfigs(comps.Processors, func(f pipeline.ProcessorFactory) func() pipeline.Config { return f.NewConfig })},
		{"outputs", newConfigs(comps.Outputs, func(f pipeline.OutputFactory) func() pipeline.Config { return f.NewConfig })},
	}
}

func newConfigs[F any](facs map[string]F, newConfig func(F) func() pipeline.Config) map[string]func() pipeline.Config {
	out := make(map[string]func() pipeline.Config, len(facs))
	for typ, f := range facs {
		out[typ] = newConfig(f)
	}
	return out
}

// knownTypes lists what `config defaults` accepts.
func knownTypes(comps config.Components) []string {
	known := slices.Clone(fixedSections)
	for _, s := range componentSections(comps) {
		for typ := range s.configs {
			if !slices.Contains(known, typ) {
				known = append(known, typ)
			}
		}
	}
	slices.Sort(known)
	return known
}
