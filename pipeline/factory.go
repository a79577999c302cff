package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// NewInputFactory makes the factory of input type typ from its default config and its
// constructor, so that every input is created the same way: the config's type is checked (a
// mismatch is an error, never a panic) and Settings are completed (WithDefaults) before create
// runs. create validates the config it is given.
func NewInputFactory[C Config, I Input](typ string, newConfig func() C, create func(Settings, C) (I, error)) InputFactory {
	return InputFactory{Type: typ, NewConfig: func() Config { return newConfig() },
		Create: func(set Settings, cfg Config) (Input, error) {
			return build[C, Input](typ, set.WithDefaults(typ), cfg, create)
		}}
}

// NewProcessorFactory is NewInputFactory for processors.
func NewProcessorFactory[C Config, P Processor](typ string, newConfig func() C, create func(Settings, C) (P, error)) ProcessorFactory {
	return ProcessorFactory{Type: typ, NewConfig: func() Config { return newConfig() },
		Create: func(set Settings, cfg Config) (Processor, error) {
			return build[C, Processor](typ, set.WithDefaults(typ), cfg, create)
		}}
}

// NewOutputFactory is NewInputFactory for outputs. An output gets no ComponentMetrics: the
// runtime counts its events from their acks.
func NewOutputFactory[C Config, O Output](typ string, newConfig func() C, create func(Settings, C) (O, error)) OutputFactory {
	return OutputFactory{Type: typ, NewConfig: func() Config { return newConfig() },
		Create: func(set Settings, cfg Config) (Output, error) {
			set = set.WithDefaults(typ)
			set.Metrics = nil
			return build[C, Output](typ, set, cfg, create)
		}}
}

// build checks cfg's type and calls create. A failed create returns a nil interface, not an
// interface holding a nil pointer.
func build[C Config, T any, V any](typ string, set Settings, cfg Config, create func(Settings, C) (V, error)) (T, error) {
	var zero T
	c, ok := cfg.(C)
	if !ok {
		var want C
		return zero, fmt.Errorf("%s: config of type %T, want %T", typ, cfg, want)
	}
	v, err := create(set, c)
	if err != nil {
		return zero, err
	}
	return any(v).(T), nil
}

// WithDefaults returns s with what is unset filled in, the one place components get their
// defaults: the id is the type, the logger slog's default, metrics go to a private registry
// (nothing exported, as for a tool that runs a component on its own), and the dead letter
// refuses every event, so a component that would dead-letter falls back to what it does when
// the dead letter fails (tag, reject) instead of losing the event.
func (s Settings) WithDefaults(typ string) Settings {
	if s.ID == "" {
		s.ID = typ
	}
	if s.Logger == nil {
		s.Logger = slog.Default()
	}
	if s.Registerer == nil {
		s.Registerer = prometheus.NewRegistry()
	}
	if s.Metrics == nil {
		s.Metrics = NewComponentMetrics()
	}
	if s.DeadLetter == nil {
		s.DeadLetter = NoDeadLetter{}
	}
	return s
}

// ErrNoDeadLetter is what NoDeadLetter answers every write with.
var ErrNoDeadLetter = errors.New("no dead letter configured")

// NoDeadLetter stands in when no dead letter is configured: it keeps nothing, so the events'
// sources learn that they failed.
type NoDeadLetter struct{}

// Write refuses e.
func (NoDeadLetter) Write(context.Context, *event.Event, string, string) error {
	return ErrNoDeadLetter
}
