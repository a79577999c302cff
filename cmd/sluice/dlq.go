package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"github.com/tidwall/gjson"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/config"
	"github.com/sluice-dev/sluice/pipeline/deadletter"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/event/eventjson"
)

// newDLQCmd groups the dead-letter commands.
func newDLQCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "dlq", Short: "Work with the dead letter: events sluice could not deliver or process"}
	cmd.AddCommand(newDLQReplayCmd())
	return cmd
}

type replayOpts struct {
	file              *configFlags
	output, component string
	batch             int
	dryRun            bool
	timeout           time.Duration
}

func newDLQReplayCmd() *cobra.Command {
	o := replayOpts{file: &configFlags{}}
	cmd := &cobra.Command{
		Use:   "replay -c FILE|DIR|- [-e YAML] --output ID [DLQ-FILE...]",
		Short: "Send dead-lettered events again through an output, once the cause (a mapping, a template) is fixed",
		Long: "replay reads dead-letter files (default: every segment in the config's dead_letter.path) and delivers\n" +
			"their events through the named output. Events keep their source and offset, so the elasticsearch\n" +
			"output derives the same document ids: replaying twice does not duplicate. Events refused again go to\n" +
			"the dead letter again. The files are not deleted; remove them once the replay reports no failures.",
		RunE: func(cmd *cobra.Command, args []string) error {
			return replay(cmd.Context(), o, args, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	o.file.register(cmd, "config", true)
	cmd.Flags().StringVar(&o.output, "output", "", "id of the output to send through (e.g. elasticsearch)")
	cmd.Flags().StringVar(&o.component, "component", "", "only events dead-lettered by this component")
	cmd.Flags().IntVar(&o.batch, "batch", 500, "events per batch")
	cmd.Flags().BoolVar(&o.dryRun, "dry-run", false, "read and count, send nothing")
	cmd.Flags().DurationVar(&o.timeout, "timeout", 5*time.Minute, "give up (events left unsent count as failed) after this long")
	_ = cmd.MarkFlagRequired("output")
	return cmd
}

// replayTally counts outcomes; acks resolve on output goroutines.
type replayTally struct {
	mu                         sync.Mutex
	wg                         sync.WaitGroup
	warn                       io.Writer
	read, skipped, bad         int
	delivered, retry, rejected int
}

func (t *replayTally) ack(n int) *event.Ack {
	t.wg.Add(1)
	return event.NewAck(func(s event.Status) {
		t.mu.Lock()
		switch s {
		case event.Delivered:
			t.delivered += n
		case event.Retry:
			t.retry += n
		default:
			t.rejected += n
		}
		t.mu.Unlock()
		t.wg.Done()
	})
}

func replay(ctx context.Context, o replayOpts, files []string, stdout, stderr io.Writer) error {
	cfg, err := loadConfig(o.file, stderr)
	if err != nil {
		return err
	}
	comp, ok := cfg.Outputs[o.output]
	if !ok {
		return fmt.Errorf("dlq replay: no output %q in %s (have %v)", o.output, o.file, sortedKeys(cfg.Outputs))
	}
	if len(files) == 0 {
		files, _ = filepath.Glob(filepath.Join(cfg.DeadLetter.Path, "dead_letter-*.ndjson"))
		sort.Strings(files)
	}
	if len(files) == 0 {
		return fmt.Errorf("dlq replay: no dead-letter files given or in %s", cfg.DeadLetter.Path)
	}
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	var send func(*event.Batch) error
	var closeOut func() error
	if o.dryRun {
		send = func(b *event.Batch) error { b.Resolve(event.Delivered); return nil }
		closeOut = func() error { return nil }
	} else {
		if send, closeOut, err = openOutput(ctx, cfg, comp, stderr); err != nil {
			return err
		}
	}
	t := &replayTally{warn: stderr}
	for _, f := range files {
		if err := replayFile(f, o, t, send); err != nil {
			closeOut()
			return err
		}
	}
	cerr := closeOut()
	t.wg.Wait()
	fmt.Fprintf(stdout, "read %d events (%d skipped by --component, %d unreadable lines): %d delivered, %d to retry, %d rejected\n",
		t.read, t.skipped, t.bad, t.delivered, t.retry, t.rejected)
	if cerr != nil || t.retry+t.rejected+t.bad > 0 {
		return exitError{code: 1}
	}
	if !o.dryRun {
		fmt.Fprintln(stdout, "every event was delivered; the dead-letter files can be removed")
	}
	return nil
}

// openOutput creates the output from its config, with the config's dead letter so that events
// refused again are kept again.
func openOutput(ctx context.Context, cfg *config.Config, comp config.Component, stderr io.Writer) (func(*event.Batch) error, func() error, error) {
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	dl, err := deadletter.Open(cfg.DeadLetter.Path, int64(cfg.DeadLetter.MaxBytes), log, nil)
	if err != nil {
		return nil, nil, err
	}
	fac := components().Outputs[comp.Type]
	out, err := fac.Create(pipeline.Settings{ID: comp.ID, Logger: log, DeadLetter: dl}, comp.Config)
	if err != nil {
		dl.Close()
		return nil, nil, err
	}
	send := func(b *event.Batch) error { return out.Deliver(ctx, b) }
	closeOut := func() error {
		var err error
		if c, ok := out.(pipeline.Closer); ok {
			err = c.Close(ctx)
		}
		if derr := dl.Close(); err == nil {
			err = derr
		}
		return err
	}
	return send, closeOut, nil
}

func replayFile(path string, o replayOpts, t *replayTally, send func(*event.Batch) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("dlq replay: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 64<<20)
	var evs []*event.Event
	flush := func() error {
		if len(evs) == 0 {
			return nil
		}
		b := event.NewBatch(evs, t.ack(len(evs)))
		evs = nil
		return send(b)
	}
	for line := 1; sc.Scan(); line++ {
		rec := gjson.ParseBytes(sc.Bytes())
		if o.component != "" && rec.Get("component").Str != o.component {
			t.skipped++
			continue
		}
		ev, ok := dlqEvent(rec)
		if !ok {
			t.bad++
			fmt.Fprintf(t.warn, "%s:%d: not a dead-letter record, skipped\n", path, line)
			continue
		}
		t.read++
		if evs = append(evs, ev); len(evs) >= o.batch {
			if err := flush(); err != nil {
				return fmt.Errorf("dlq replay: %s:%d: %w", path, line, err)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("dlq replay: read %s: %w", path, err)
	}
	return flush()
}

// dlqEvent rebuilds an event from one dead-letter record: its fields, nested objects flattened
// to dotted names, tags, and the source position (so outputs derive the same document id).
func dlqEvent(rec gjson.Result) (*event.Event, bool) {
	doc := rec.Get("event")
	if !doc.IsObject() {
		return nil, false
	}
	ev := event.New()
	ev.Meta.Input = rec.Get("input").Str
	ev.Meta.Source = rec.Get("source").Str
	ev.Meta.Offset = -1
	if off := rec.Get("offset"); off.Exists() {
		ev.Meta.Offset = off.Int()
	}
	ev.Meta.Received, _ = time.Parse(time.RFC3339Nano, rec.Get("time").Str)
	eventjson.Unflatten(ev, doc)
	if ts, ok := ev.GetString(event.FieldTimestamp); ok {
		if t, err := time.Parse(time.RFC3339Nano, ts); err == nil {
			ev.SetTimestamp(t)
		}
	}
	return ev, true
}
