package main

import (
	"bytes"
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

// Reload: on SIGHUP, or when the config file's content changes (a Kubernetes ConfigMap update
// swaps the file under a symlink, so the content is compared, not the modification time), the
// new file is loaded and validated first. An invalid file is logged, problem by problem, and the
// running pipelines go on untouched. A valid one replaces them: the running generation drains as
// on shutdown (inputs stop, held multiline groups are flushed, every accepted batch is delivered
// or acknowledged for retry), then the new one starts. Filebeat reconnects and Kafka resumes from
// the committed offsets; with deterministic ids, what is resent overwrites rather than
// duplicates. Nothing is lost, and for the length of a drain nothing is read.

// reloadPoll is how often the config file is read for changes.
const reloadPoll = 2 * time.Second

// runWithReload is runPipelines with reload: `sluice run` calls it in place of runPipelines.
// Reload messages go to stderr as JSON; each generation logs as its config says.
func runWithReload(ctx context.Context, file string, stdout, stderr io.Writer) error {
	hup, stop := notifyHUP()
	defer stop()
	log := slog.New(slog.NewJSONHandler(stderr, nil)).With("component", "reload")
	return runReloading(ctx, file, log, hup, reloadPoll, func(ctx context.Context) error {
		return runPipelines(ctx, file, stdout, stderr)
	})
}

// runReloading runs generations of the pipelines with run until ctx ends or a generation
// finishes on its own (every input done), starting a new generation on every valid reload.
func runReloading(ctx context.Context, file string, log *slog.Logger, hup <-chan os.Signal, poll time.Duration,
	run func(ctx context.Context) error) error {
	for gen := 1; ; gen++ {
		sum, err := fileSum(file)
		if err != nil {
			return err
		}
		genCtx, stop := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- run(genCtx) }()
		reload := make(chan struct{})
		running, _ := config.Load(file, components()) // nil when invalid: run reports why
		go watchConfig(genCtx, file, sum, running != nil && usesStdin(running), log, hup, poll, reload)
		select {
		case err := <-done:
			stop()
			return err
		case <-reload:
			log.Info("config changed: draining the running pipelines to start the new ones", "config", file, "generation", gen+1)
			stop()
			if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
				return err
			}
		}
	}
}

// watchConfig closes reload when a SIGHUP arrives or the file's content differs from sum, and
// the file then holds a valid config. It returns when ctx ends.
func watchConfig(ctx context.Context, file string, sum [32]byte, stdin bool, log *slog.Logger, hup <-chan os.Signal,
	poll time.Duration, reload chan<- struct{}) {
	tick := time.NewTicker(poll)
	defer tick.Stop()
	for {
		forced := false
		select {
		case <-ctx.Done():
			return
		case <-hup:
			forced = true
		case <-tick.C:
		}
		cur, err := fileSum(file)
		if err != nil {
			log.Error("config reload: cannot read the file; keeping the running config", "config", file, "error", err)
			continue
		}
		if !forced && bytes.Equal(cur[:], sum[:]) {
			continue
		}
		sum = cur // a bad file is reported once, not on every poll
		cfg, err := config.Load(file, components())
		if err != nil {
			log.Error("config reload: the new config is not valid; keeping the running config", "config", file, "error", err)
			continue
		}
		if stdin || usesStdin(cfg) {
			// A read of standard input cannot be interrupted: the stopped generation would
			// swallow the next line. Restart sluice instead.
			log.Warn("config reload: not done for pipelines reading standard input; restart sluice to apply the change", "config", file)
			continue
		}
		close(reload)
		return
	}
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
