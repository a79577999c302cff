package main

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice/pipeline/config"
	"github.com/sluice-dev/sluice/pipeline/output/elasticsearch"
	"github.com/sluice-dev/sluice/pipeline/output/elasticsearch/setup"
)

// newSetupCmd is `sluice setup`: what `filebeat setup` does for Filebeat. It is idempotent, so a
// deployment can run it every time before starting sluice.
func newSetupCmd() *cobra.Command {
	var (
		file                     configFlags
		output                   string
		skipKibana, skipTemplate bool
		timeout                  time.Duration
	)
	cmd := &cobra.Command{
		Use:   "setup -c FILE|DIR|- [-e YAML]",
		Short: "Install index templates, the ILM policy and Kibana saved objects for the elasticsearch outputs",
		Long: "setup installs, for every elasticsearch output of the config (or the one named with --output):\n" +
			"component and index templates with mappings from the parsers' field table, the ILM policy where the\n" +
			"cluster has ILM, and, when setup.kibana.host is set, a data view, saved searches and a dashboard.\n" +
			"Objects have fixed names and are overwritten, so it is safe to run on every deployment.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(&file, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			outs, err := esOutputs(cfg, output)
			if err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			opts := setup.Options{Fields: mappedFields(), SkipKibana: skipKibana, SkipTemplates: skipTemplate}
			for _, id := range sortedKeys(outs) {
				steps, err := setup.Run(ctx, outs[id], opts)
				for _, s := range steps {
					fmt.Fprintf(cmd.OutOrStdout(), "outputs.%s: %s\n", id, s)
				}
				if err != nil {
					return fmt.Errorf("outputs.%s: %w", id, err)
				}
			}
			return nil
		},
	}
	file.register(cmd, "config", true)
	cmd.Flags().StringVar(&output, "output", "", "only this elasticsearch output (its id, e.g. elasticsearch/main)")
	cmd.Flags().BoolVar(&skipKibana, "skip-kibana", false, "do not import Kibana saved objects")
	cmd.Flags().BoolVar(&skipTemplate, "skip-templates", false, "do not install templates and the ILM policy")
	cmd.Flags().DurationVar(&timeout, "timeout", 2*time.Minute, "give up after this long")
	return cmd
}

// esOutputs returns the config's elasticsearch outputs by id, or only the one named.
func esOutputs(cfg *config.Config, only string) (map[string]*elasticsearch.Config, error) {
	outs := map[string]*elasticsearch.Config{}
	var all []string
	for id, c := range cfg.Outputs {
		if ec, ok := c.Config.(*elasticsearch.Config); ok {
			all = append(all, id)
			if only == "" || only == id {
				outs[id] = ec
			}
		}
	}
	sort.Strings(all)
	switch {
	case len(all) == 0:
		return nil, fmt.Errorf("setup: the config has no elasticsearch output")
	case len(outs) == 0:
		return nil, fmt.Errorf("setup: no elasticsearch output %q (the config has %v)", only, all)
	}
	return outs, nil
}
