package main

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice/pipeline/config"
	"github.com/sluice-dev/sluice/pipeline/logging"
)

func newValidateCmd() *cobra.Command {
	var file configFlags
	cmd := &cobra.Command{
		Use:   "validate -c FILE|DIR|- [-e YAML]",
		Short: "Check a config without running it: every problem with its key path",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(&file, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "OK %s\n%s", &file, summarize(cfg))
			for _, u := range cfg.Unused() {
				fmt.Fprintf(cmd.ErrOrStderr(), "%s: %s: warning: declared but used by no pipeline\n", cmp.Or(cfg.FileOf(u), file.String()), u)
			}
			for _, w := range cfg.Warnings() {
				fmt.Fprintf(cmd.ErrOrStderr(), "%s: %s: warning: %s\n", cmp.Or(cfg.FileOf(w.Path), file.String()), w.Path, w.Msg)
			}
			return nil
		},
	}
	file.register(cmd, "config", true)
	return cmd
}

// loadConfig loads a config; problems in it are printed one per line, naming the file and key
// path, and turned into exit status 1.
func loadConfig(file *configFlags, stderr io.Writer) (*config.Config, error) {
	cfg, err := file.load(components())
	var errs *config.Errors
	if errors.As(err, &errs) {
		fmt.Fprintln(stderr, logging.Redact(err.Error())) // a problem may quote a URL with its password
		fmt.Fprintf(stderr, "%s: %d problem(s)\n", file, len(errs.List))
		return nil, exitError{code: 1}
	}
	return cfg, err
}

// summarize describes the pipelines of a valid config.
func summarize(cfg *config.Config) string {
	var b strings.Builder
	for _, name := range sortedKeys(cfg.Pipelines) {
		p := cfg.Pipelines[name]
		fmt.Fprintf(&b, "  pipeline %s: %s -> %s -> %s\n", name, list(p.Inputs), list(p.Processors), list(p.Outputs))
	}
	r := cfg.Runtime
	fmt.Fprintf(&b, "  runtime: batch_size %d, flush_interval %v, workers %d, max_events_in_flight %d, shutdown_timeout %v, memory_limit %s\n",
		r.BatchSize, r.FlushInterval, r.Workers, r.MaxEventsInFlight, r.ShutdownTimeout, r.MemoryLimit)
	http := cfg.HTTP.Address
	if http == "" {
		http = "off"
	}
	fmt.Fprintf(&b, "  http: %s; dead letter: %s (max %v); log: %s %s\n", http, cfg.DeadLetter.Path,
		cfg.DeadLetter.MaxBytes, cfg.Log.Level, cfg.Log.Format)
	return b.String()
}

func list(ids []string) string {
	if len(ids) == 0 {
		return "[]"
	}
	return "[" + strings.Join(ids, ", ") + "]"
}
