package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice/pipeline/config"
	"github.com/sluice-dev/sluice/pipeline/deadletter"
	"github.com/sluice-dev/sluice/pipeline/logging"
	"github.com/sluice-dev/sluice/pipeline/runtime"
)

func newRunCmd() *cobra.Command {
	var file string
	cmd := &cobra.Command{
		Use:   "run -c FILE",
		Short: "Run the pipelines of a config until SIGINT/SIGTERM, or until every input has finished",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			go func() {
				// After the first signal starts the drain, a second one ends the process at
				// once (what is not acknowledged is resent by its source).
				<-ctx.Done()
				stop()
			}()
			return runWithReload(ctx, file, cmd.OutOrStdout(), cmd.ErrOrStderr()) // reload on SIGHUP or a changed file
		},
	}
	cmd.Flags().StringVarP(&file, "config", "c", "", "config file (YAML)")
	_ = cmd.MarkFlagRequired("config")
	return cmd
}

// runPipelines loads the config, serves the monitoring endpoint, runs the runtime until ctx
// ends or the inputs finish, and prints the summary to stdout. Logs go to stderr.
func runPipelines(ctx context.Context, file string, stdout, stderr io.Writer) error {
	cfg, err := loadConfig(file, stderr)
	if err != nil {
		return err
	}
	log := newLogger(cfg.Log, stderr)
	slog.SetDefault(log)
	for _, u := range cfg.Unused() {
		log.Warn("component declared but used by no pipeline; not started", "config", file, "path", u)
	}
	for _, w := range cfg.Warnings() {
		log.Warn("config warning: "+w.Msg, "config", file, "path", w.Path)
	}
	reg := prometheus.NewRegistry()
	dlq, err := deadletter.Open(cfg.DeadLetter.Path, int64(cfg.DeadLetter.MaxBytes), log.With("component", "dead_letter"), reg)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := dlq.Close(); cerr != nil {
			log.Error("close dead letter", "error", cerr)
		}
	}()
	dlq.Expect(deadLetterWriters(cfg)...)
	sum := newSummary()
	rt, err := runtime.New(cfg, components(), runtime.Options{Logger: log, DeadLetter: dlq, Registry: reg, Observe: sum.observe})
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	srv, err := serve(cfg.HTTP, rt, log)
	if err != nil {
		return fmt.Errorf("%s: http.address: %w", file, err)
	}
	log.Info("sluice starting", "config", file, "version", versionString())
	runErr := rt.Run(ctx)
	if srv != nil {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}
	// The summary goes to stderr with the logs: stdout may carry events (`sluice run | jq`).
	d := newDelivery(rt, reg)
	sum.print(stderr, inputRecords(reg), d)
	return exitStatus(runErr, d, log)
}

// newLogger returns sluice's own logger: JSON by default, so its logs can go through sluice.
func newLogger(c config.Log, w io.Writer) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(c.Level)) // validated by config
	opts := &slog.HandlerOptions{Level: lvl}
	var h slog.Handler = slog.NewJSONHandler(w, opts)
	if c.Format == "text" {
		h = slog.NewTextHandler(w, opts)
	}
	return slog.New(logging.NewHandler(h)) // no credential in any line

}

// serve starts the monitoring endpoint; an empty address turns it off. /readyz answers 503
// while the runtime starts or drains, so Kubernetes sends no traffic to a stopping pod.
func serve(c config.HTTP, rt *runtime.Runtime, log *slog.Logger) (*http.Server, error) {
	if c.Address == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", c.Address)
	if err != nil {
		return nil, err
	}
	h := handler(rt)
	if c.Pprof {
		mux := http.NewServeMux()
		mux.Handle("/", h)
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
		h = mux
	}
	// Bounded on every side so that idle or slow clients cannot hold connections open; the
	// write timeout leaves room for /debug/pprof/profile's default 30 s.
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 2 * time.Minute}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("http server", "error", err)
		}
	}()
	log.Info("http listening", "address", ln.Addr().String())
	return srv, nil
}

func handler(rt *runtime.Runtime) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(rt.Registry(), promhttp.HandlerOpts{Registry: rt.Registry()}))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok\n") })
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, _ *http.Request) {
		if !rt.Ready() {
			http.Error(w, "not ready", http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, "ready\n")
	})
	return mux
}

// deadLetterWriters are the components that may write to the dead letter: processors that fail
// permanently and outputs whose documents are refused.
func deadLetterWriters(cfg *config.Config) []string {
	var ids []string
	for id := range cfg.Processors {
		ids = append(ids, id)
	}
	for id := range cfg.Outputs {
		ids = append(ids, id)
	}
	return ids
}
