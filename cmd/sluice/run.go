package main

import (
	"cmp"
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
	var file configFlags
	var progressMode string
	cmd := &cobra.Command{
		Use:   "run -c FILE|DIR|- [-e YAML]",
		Short: "Run the pipelines of a config until SIGINT/SIGTERM, or until every input has finished",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch progressMode {
			case "auto", "on", "off":
			default:
				return fmt.Errorf("--progress: want auto, on or off, got %q", progressMode)
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			go func() {
				// After the first signal starts the drain, a second one ends the process at
				// once (what is not acknowledged is resent by its source).
				<-ctx.Done()
				stop()
			}()
			return runWithReload(ctx, &file, progressMode, cmd.OutOrStdout(), cmd.ErrOrStderr()) // reload on SIGHUP or a changed file
		},
	}
	file.register(cmd, "config", true)
	cmd.Flags().StringVar(&progressMode, "progress", "auto",
		"progress of file inputs in mode read on stderr: auto (when stderr is a terminal), on, off")
	return cmd
}

// runPipelines loads the config, serves the monitoring endpoint, runs the runtime until ctx
// ends or the inputs finish, and prints the summary to stdout. Logs go to stderr, with the
// progress of files read in mode read as progressMode (--progress) says (see progress.go).
// carry (nil: none) passes processor state between the generations of a reload.
func runPipelines(ctx context.Context, file *configFlags, progressMode string, stdout, stderr io.Writer, carry *runtime.Carry) error {
	cfg, err := loadConfig(file, stderr)
	if err != nil {
		return err
	}
	if file.fromStdin() && usesStdin(cfg) {
		return fmt.Errorf("%s: the config is read from standard input, so a stdin input would read nothing: give the config with -c FILE or -e", file)
	}
	prog := newProgress(progressMode, stderr, cfg)
	if prog != nil {
		stderr = prog // logs clear the progress line and redraw it
	}
	log := newLogger(cfg.Log, stderr)
	slog.SetDefault(log)
	runtime.ApplyMemoryLimit(cfg.Runtime.MemoryLimit, log)
	for _, u := range cfg.Unused() {
		log.Warn("component declared but used by no pipeline; not started", "config", cmp.Or(cfg.FileOf(u), file.String()), "path", u)
	}
	for _, w := range cfg.Warnings() {
		log.Warn("config warning: "+w.Msg, "config", cmp.Or(cfg.FileOf(w.Path), file.String()), "path", w.Path)
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
	sum := newSummary(cfg)
	rt, err := runtime.New(cfg, components(), runtime.Options{Logger: log, DeadLetter: dlq, Registry: reg, Observe: sum.observe, Carry: carry})
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	srv, err := serve(cfg.HTTP, rt, log)
	if err != nil {
		return fmt.Errorf("%s: http.address: %w", file, err)
	}
	log.Info("sluice starting", "config", file.String(), "version", versionString())
	if prog != nil {
		prog.start(reg)
	}
	runErr := rt.Run(ctx)
	if prog != nil {
		prog.finish()
	}
	if srv != nil {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}
	// The summary goes to stderr with the logs: stdout may carry events (`sluice run | jq`).
	d := newDelivery(rt, reg)
	sum.print(stderr, int(rt.Outcome().Taken), d)
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
	mux := http.NewServeMux()
	mux.Handle("/", handler(rt))
	var tap http.HandlerFunc = tapOff
	if c.Tap {
		tap = tapHandler(rt)
	}
	mux.Handle("/tap", tap)
	if c.Pprof {
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	}
	// Bounded on every side so that idle or slow clients cannot hold connections open; the
	// write timeout leaves room for /debug/pprof/profile's default 30 s.
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
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
