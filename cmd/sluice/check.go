package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice/cmd/sluice/internal/check"
	"github.com/sluice-dev/sluice/pipeline/config"
)

// checkFlags are the options of `sluice check`.
type checkFlags struct {
	file                *configFlags
	junit, json, listen string
	watch               time.Duration
}

// newCheckCmd is `sluice check`: the stack's preflight tests, run before a deployment or, with
// --watch, continuously for Prometheus.
func newCheckCmd() *cobra.Command {
	f := checkFlags{file: &configFlags{}}
	cmd := &cobra.Command{
		Use:   "check -c FILE|DIR|- [-e YAML]",
		Short: "Check the infrastructure (vLLM, GPUs, DNS, Elasticsearch, Kafka, Kubernetes, storage) before a deployment",
		Long: "check runs the checks declared in FILE and prints PASSED, FAILED or SKIPPED per check, grouped by\n" +
			"section, and the totals. Exit status: 0 when nothing failed, 1 when a check failed, 2 when FILE is\n" +
			"invalid. --watch runs them periodically and serves the results on /metrics. Several -c files (or a\n" +
			"directory's *.yaml files) are one list of checks, in order.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			file, err := loadChecks(f.file)
			var errs *config.Errors
			if errors.As(err, &errs) {
				fmt.Fprintln(cmd.ErrOrStderr(), err)
				fmt.Fprintf(cmd.ErrOrStderr(), "%s: %d problem(s)\n", f.file, len(errs.List))
				return exitError{code: 2}
			}
			if err != nil {
				return err
			}
			if f.watch > 0 {
				return watchChecks(cmd, file, f)
			}
			results := check.Runner{}.Run(cmd.Context(), file.Checks)
			if err := report(cmd.OutOrStdout(), results, f); err != nil {
				return err
			}
			if check.Summarize(results).Failed > 0 {
				return exitError{code: 1}
			}
			return nil
		},
	}
	f.file.register(cmd, "checks", true)
	cmd.Flags().StringVar(&f.junit, "junit", "", "also write JUnit XML to this file")
	cmd.Flags().StringVar(&f.json, "json", "", "also write JSON to this file (- for stdout instead of the text report)")
	cmd.Flags().DurationVar(&f.watch, "watch", 0, "run the checks every DURATION and serve the results on /metrics")
	cmd.Flags().StringVar(&f.listen, "listen", ":9601", "address of /metrics in --watch mode")
	return cmd
}

// loadChecks reads the checks files given with -c and -e.
func loadChecks(f *configFlags) (*check.File, error) {
	srcs, err := f.sources()
	if err != nil {
		return nil, err
	}
	return check.LoadAll(srcs)
}

// report prints the text report and writes the files asked for.
func report(stdout io.Writer, results []check.Result, f checkFlags) error {
	if f.json == "-" {
		return check.WriteJSON(stdout, results)
	}
	if err := check.WriteText(stdout, results); err != nil {
		return err
	}
	for _, out := range []struct {
		path  string
		write func(io.Writer, []check.Result) error
	}{{f.junit, check.WriteJUnit}, {f.json, check.WriteJSON}} {
		if out.path == "" {
			continue
		}
		if err := writeReport(out.path, results, out.write); err != nil {
			return err
		}
	}
	return nil
}

func writeReport(path string, results []check.Result, write func(io.Writer, []check.Result) error) error {
	fh, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("check: %w", err)
	}
	if err := write(fh, results); err != nil {
		fh.Close()
		return fmt.Errorf("check: write %s: %w", path, err)
	}
	return fh.Close()
}

// watchChecks runs the checks every f.watch until SIGINT or SIGTERM, printing each report and
// exporting the latest results on /metrics.
func watchChecks(cmd *cobra.Command, file *check.File, f checkFlags) error {
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	reg := prometheus.NewRegistry()
	m := check.NewMetrics(reg)
	ln, err := net.Listen("tcp", f.listen)
	if err != nil {
		return fmt.Errorf("check: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	fmt.Fprintf(cmd.ErrOrStderr(), "sluice check: every %v, metrics on http://%s/metrics\n", f.watch, ln.Addr())
	t := time.NewTicker(f.watch)
	defer t.Stop()
	for {
		results := check.Runner{}.Run(ctx, file.Checks)
		if ctx.Err() == nil {
			m.Observe(results, time.Now())
			if err := report(cmd.OutOrStdout(), results, f); err != nil {
				return err
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
