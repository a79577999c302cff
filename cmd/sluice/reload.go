package main

import (
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/sluice-dev/sluice/pipeline/config"
)

// Reload: on SIGHUP, and with reload.automatic when the config file's content changes (a
// Kubernetes ConfigMap update swaps the file under a symlink, so the content is compared, not
// the modification time), the new file is loaded and validated first. An invalid file is logged,
// problem by problem, and the running pipelines go on untouched. A valid one replaces them: the
// running generation drains as on shutdown (inputs stop, held multiline groups are flushed, every
// accepted batch is delivered or acknowledged for retry), then the new one starts. Filebeat
// reconnects and Kafka resumes from the committed offsets; with deterministic ids, what is resent
// overwrites rather than duplicates. Nothing is lost, and for the length of a drain nothing is
// read.

// runWithReload is runPipelines with reload: `sluice run` calls it in place of runPipelines.
func runWithReload(ctx context.Context, file, progressMode string, stdout, stderr io.Writer) error {
	hup, stop := notifyHUP()
	defer stop()
	return runReloading(ctx, file, stderr, hup, func(ctx context.Context) error {
		return runPipelines(ctx, file, progressMode, stdout, stderr)
	})
}

// runReloading runs generations of the pipelines with run until ctx ends or a generation
// finishes on its own (every input done), starting a new generation on every valid reload.
// Reload messages go to stderr in the running config's log format.
func runReloading(ctx context.Context, file string, stderr io.Writer, hup <-chan os.Signal,
	run func(ctx context.Context) error) error {
	for gen := 1; ; gen++ {
		sum, err := fileSum(file)
		if err != nil {
			return err
		}
		running, _ := config.Load(file, components()) // nil when invalid: run reports why
		logCfg, reloadCfg := config.Defaults().Log, config.Defaults().Reload
		if running != nil {
			logCfg, reloadCfg = running.Log, running.Reload
		}
		log := newLogger(logCfg, stderr).With("component", "reload")
		genCtx, stop := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- run(genCtx) }()
		w := &watcher{file: file, sum: sum, stdin: running != nil && usesStdin(running), log: log,
			hup: hup, reload: make(chan string)}
		go w.watch(genCtx, pollEvery(reloadCfg))
		select {
		case err := <-done:
			stop()
			return err
		case why := <-w.reload:
			log.Info("config reload: draining the running pipelines to start the new ones", "config", file,
				"trigger", why, "generation", gen+1)
			stop()
			// The old generation's summary and exit status describe its drain; they do not end
			// the process (its undelivered events are in the dead letter or with their source).
			if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
				log.Warn("config reload: the previous pipelines did not finish cleanly", "generation", gen, "error", err)
			}
		}
	}
}

// pollEvery is how often the file is read for changes: never (0) unless reload.automatic is on.
func pollEvery(c config.Reload) time.Duration {
	if !c.Automatic {
		return 0
	}
	return c.Interval
}

// watcher sends on reload, once, when a SIGHUP arrives or the file's content differs from sum,
// and the file then holds a valid config.
type watcher struct {
	file   string
	sum    [32]byte
	stdin  bool
	log    *slog.Logger
	hup    <-chan os.Signal
	reload chan string // receives the trigger: "SIGHUP" or "file changed"
}

// watch polls the file every poll (never when poll is 0) and listens for SIGHUP until ctx ends
// or a reload is sent.
func (w *watcher) watch(ctx context.Context, poll time.Duration) {
	var tick <-chan time.Time
	if poll > 0 {
		t := time.NewTicker(poll)
		defer t.Stop()
		tick = t.C
	}
	for {
		why := "file changed"
		select {
		case <-ctx.Done():
			return
		case <-w.hup:
			why = "SIGHUP"
		case <-tick:
		}
		if !w.changed(why == "SIGHUP") {
			continue
		}
		select {
		case w.reload <- why:
		case <-ctx.Done():
		}
		return
	}
}

// changed reports whether a reload should happen: the file changed (or forced) and is valid.
func (w *watcher) changed(forced bool) bool {
	cur, err := fileSum(w.file)
	if err != nil {
		w.log.Error("config reload: cannot read the file; keeping the running config", "config", w.file, "error", err)
		return false
	}
	if !forced && cur == w.sum {
		return false
	}
	w.sum = cur // a bad file is reported once, not on every poll
	cfg, err := config.Load(w.file, components())
	if err != nil {
		w.log.Error("config reload: the new config is not valid; keeping the running config", "config", w.file, "error", err)
		return false
	}
	if w.stdin || usesStdin(cfg) {
		// A read of standard input cannot be interrupted: the stopped generation would
		// swallow the next line. Restart sluice instead.
		w.log.Warn("config reload: not done for pipelines reading standard input; restart sluice to apply the change", "config", w.file)
		return false
	}
	return true
}

// usesStdin reports whether a config reads standard input.
func usesStdin(cfg *config.Config) bool {
	for _, in := range cfg.Inputs {
		if in.Type == "stdin" {
			return true
		}
	}
	return false
}

func fileSum(file string) ([32]byte, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return [32]byte{}, err
	}
	return sha256.Sum256(data), nil
}

// notifyHUP delivers SIGHUP on the returned channel until stop is called.
func notifyHUP() (<-chan os.Signal, func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGHUP)
	return ch, func() { signal.Stop(ch) }
}
