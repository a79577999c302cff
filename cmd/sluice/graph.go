package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice/cmd/sluice/internal/graph"
)

// newGraphCmd is `sluice graph`: the topology of a config, as text or Graphviz dot.
func newGraphCmd() *cobra.Command {
	var (
		file   configFlags
		format string
	)
	cmd := &cobra.Command{
		Use:   "graph -c FILE|DIR|- [-e YAML] [--format text|dot]",
		Short: "Print the topology of a config: inputs -> processors -> outputs per pipeline, routes and the dead letter",
		Long: "graph loads the config (as validate does) and prints, per pipeline, its inputs, its processors in order\n" +
			"with their if: conditions and route branches, its outputs, and what feeds the dead letter.\n" +
			"--format dot writes Graphviz: sluice graph -c FILE --format dot | dot -Tsvg > graph.svg",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "text" && format != "dot" {
				return fmt.Errorf("graph: --format %q: want text or dot", format)
			}
			cfg, err := loadConfig(&file, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			g := graph.Build(cfg)
			if format == "dot" {
				return g.Dot(cmd.OutOrStdout())
			}
			return g.Text(cmd.OutOrStdout())
		},
	}
	file.register(cmd, "config", true)
	cmd.Flags().StringVar(&format, "format", "text", "text or dot (Graphviz)")
	return cmd
}
