package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/sluice-dev/sluice/pipeline/config"
	"github.com/sluice-dev/sluice/pipeline/runtime"
)

// Reload: on SIGHUP, and with reload.automatic when the config's content changes (a Kubernetes
// ConfigMap update swaps the file under a symlink, so the content is compared, not the
// modification time), the new config is loaded and validated first. Every -c file and directory
// is read again, so a file added to a directory is picked up; standard input and -e texts stay
// as read at start, and a config made only of them is never reloaded. An invalid file is logged,
// problem by problem, and the running pipelines go on untouched. A valid one replaces them: the
// running generation drains as on shutdown (inputs stop, held multiline groups are flushed, every
// accepted batch is delivered or acknowledged for retry), then the new one starts. Filebeat
// reconnects and Kafka resumes from the committed offsets; with deterministic ids, what is resent
// overwrites rather than duplicates. Nothing is lost, and for the length of a drain nothing is
// read. Processors whose state outlives a drain (pipeline.Handover: the requests processor's open
// requests) hand it to their counterpart of the same pipeline, id and type in the new config,
// through a runtime.Carry that lives as long as the process.

// runWithReload is runPipelines with reload: `sluice run` calls it in place of runPipelines.
func runWithReload(ctx context.Context, file *configFlags, progressMode string, stdout, stderr io.Writer) error {
	hup, stop := notifyHUP()
	defer stop()
	carry := runtime.NewCarry()
	return runReloading(ctx, file, stderr, hup, carry, func(ctx context.Context) error {
		return runPipelines(ctx, file, progressMode, stdout, stderr, carry)
	})
}

// runReloading runs generations of the pipelines with run until ctx ends or a generation
// finishes on its own (every input done), starting a new generation on every valid reload.
// Reload messages go to stderr in the running config's log format. carry (nil: none) is told
// the new config before the running generation drains, so that its processors' state goes to
// the next one.
func runReloading(ctx context.Context, file *configFlags, stderr io.Writer, hup <-chan os.Signal, carry *runtime.Carry,
	run func(ctx context.Context) error) error {
	for gen := 1; ; gen++ {
		sum, err := file.sum()
		if err != nil {
			return err
		}
		running, _ := file.load(components()) // nil when invalid: run reports why
		logCfg, reloadCfg := config.Defaults().Log, config.Defaults().Reload
		if running != nil {
			logCfg, reloadCfg = running.Log, running.Reload
		}
		log := newLogger(logCfg, stderr).With("component", "reload")
		genCtx, stop := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- run(genCtx) }()
		w := &watcher{file: file, sum: sum, stdin: running != nil && usesStdin(running), log: log,
			hup: hup, reload: make(chan reloadTo)}
		go w.watch(genCtx, pollEvery(reloadCfg))
		select {
		case err := <-done:
			stop()
			return err
		case to := <-w.reload:
			log.Info("config reload: draining the running pipelines to start the new ones", "config", file.String(),
				"trigger", to.why, "generation", gen+1)
			if carry != nil {
				carry.Next(to.cfg)
			}
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

// watcher sends on reload, once, when a SIGHUP arrives or the config's content differs from
// sum, and it then is valid.
type watcher struct {
	file   *configFlags
	sum    [32]byte
	stdin  bool
	log    *slog.Logger
	hup    <-chan os.Signal
	reload chan reloadTo
	told   bool // that a config from standard input or -e cannot be read again
}

// reloadTo is a reload to do: its trigger ("SIGHUP" or "file changed") and the config it loads.
type reloadTo struct {
	why string
	cfg *config.Config
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
		cfg := w.changed(why == "SIGHUP")
		if cfg == nil {
			continue
		}
		select {
		case w.reload <- reloadTo{why, cfg}:
		case <-ctx.Done():
		}
		return
	}
}

// changed returns the config to reload to when a reload should happen (the config changed, or
// forced, and is valid), else nil.
func (w *watcher) changed(forced bool) *config.Config {
	if !w.file.rereadable() {
		if !w.told {
			w.told = true
			w.log.Warn("config reload: the config came from standard input or -e and cannot be read again; restart sluice to change it",
				"config", w.file.String())
		}
		return nil
	}
	cur, err := w.file.sum()
	if err != nil {
		w.log.Error("config reload: cannot read the config; keeping the running one", "config", w.file.String(), "error", err)
		return nil
	}
	if !forced && cur == w.sum {
		return nil
	}
	w.sum = cur // a bad config is reported once, not on every poll
	cfg, err := w.file.load(components())
	if err != nil {
		w.log.Error("config reload: the new config is not valid; keeping the running config", "config", w.file.String(), "error", err)
		return nil
	}
	if w.stdin || usesStdin(cfg) {
		// A read of standard input cannot be interrupted: the stopped generation would
		// swallow the next line. Restart sluice instead.
		w.log.Warn("config reload: not done for pipelines reading standard input; restart sluice to apply the change", "config", w.file.String())
		return nil
	}
	return cfg
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

// notifyHUP delivers SIGHUP on the returned channel until stop is called.
func notifyHUP() (<-chan os.Signal, func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGHUP)
	return ch, func() { signal.Stop(ch) }
}
