// Package stdin is the input that reads lines from standard input, for `sluice parse` and for
// piping a log through a pipeline (`kubectl logs pod | sluice run -c ...`). Run returns at the
// end of the input, after the last line (with or without a final newline) is handed over.
package stdin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/input/file/lines"
)

// Source is the Meta.Source of every event this input makes.
const Source = "stdin"

// Factory creates stdin inputs.
var Factory = pipeline.NewInputFactory("stdin", NewConfig, func(set pipeline.Settings, c *Config) (*Input, error) {
	return New(set, c, os.Stdin)
})

// Input reads lines from a reader (standard input in production).
type Input struct {
	id  string
	cfg Config
	r   io.Reader
	log *slog.Logger
}

// New returns an input that reads r.
func New(set pipeline.Settings, cfg *Config, r io.Reader) (*Input, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("stdin: %w", err)
	}
	set = set.WithDefaults("stdin")
	return &Input{id: set.ID, cfg: *cfg, r: r, log: set.Logger}, nil
}

// Run reads until the end of the input or until ctx ends. Lines are handed over as soon as they
// are read, in batches of what is available, so an interactive pipe is not held back by the
// batch size. Standard input cannot be interrupted: when ctx ends first, Run returns and the
// blocked read ends with the process.
func (in *Input) Run(ctx context.Context, next pipeline.Consumer) error {
	ch := make(chan *event.Event, in.cfg.BatchSize)
	errc := make(chan error, 1)
	go func() { errc <- in.read(ctx, ch) }()
	for {
		var first *event.Event
		var ok bool
		select {
		case <-ctx.Done():
			return nil
		case first, ok = <-ch:
		}
		if !ok {
			return <-errc
		}
		evs := append(make([]*event.Event, 0, min(len(ch)+1, in.cfg.BatchSize)), first)
	more:
		for len(evs) < in.cfg.BatchSize {
			select {
			case e, ok := <-ch:
				if !ok {
					break more
				}
				evs = append(evs, e)
			default:
				break more
			}
		}
		b := event.NewBatch(evs, nil)
		b.Key = Source
		if err := next.Consume(ctx, b); err != nil {
			return nil // ctx ended or the pipeline is stopping
		}
	}
}

// read turns lines into events until the end of the input; it closes ch when done.
func (in *Input) read(ctx context.Context, ch chan<- *event.Event) error {
	defer close(ch)
	rd := lines.NewReader(in.r, 0, int(in.cfg.MaxLineBytes))
	send := func(l lines.Line) bool {
		if len(l.Data) == 0 && !l.Split {
			return true
		}
		e := event.NewMessage(string(l.Data), time.Now())
		e.Meta.Input, e.Meta.Source, e.Meta.Offset = in.id, Source, l.Offset
		if l.Split {
			e.AddTag(lines.TagSplit)
		}
		select {
		case ch <- e:
			return true
		case <-ctx.Done():
			return false
		}
	}
	var rerr error
	for {
		l, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			in.log.Error("stdin: read failed; sending what was read", "offset", rd.Offset(), "error", err)
			rerr = fmt.Errorf("stdin: read: %w", err)
			break
		}
		if !send(l) {
			return nil
		}
	}
	for l, ok := rd.Flush(); ok; l, ok = rd.Flush() {
		if !send(l) {
			return nil
		}
	}
	return rerr
}
