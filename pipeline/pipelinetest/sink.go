package pipelinetest

import (
	"context"
	"sync"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// Sink is an Output that keeps every event it is given and resolves each batch, by default as
// Delivered. Block makes Deliver wait (a slow or stuck destination); Fail makes it resolve with
// another status and return an error (a failing destination).
type Sink struct {
	recorder
	failMu sync.Mutex
	status event.Status
	err    error
	closed bool
}

var (
	_ pipeline.Output = (*Sink)(nil)
	_ pipeline.Closer = (*Sink)(nil)
)

// NewSink returns a Sink that delivers everything.
func NewSink() *Sink { return &Sink{} }

// Factory returns an OutputFactory of the given type whose every Create returns s, to plug the
// sink into a runtime built from config.
func (s *Sink) Factory(typ string) pipeline.OutputFactory {
	return pipeline.OutputFactory{
		Type:      typ,
		NewConfig: func() pipeline.Config { return &EmptyConfig{} },
		Create:    func(pipeline.Settings, pipeline.Config) (pipeline.Output, error) { return s, nil },
	}
}

// Fail makes later Deliver calls resolve their batch with status and return err without
// recording it. Fail(event.Delivered, nil) restores normal delivery.
func (s *Sink) Fail(status event.Status, err error) {
	s.failMu.Lock()
	s.status, s.err = status, err
	s.failMu.Unlock()
}

// Deliver records b's events and resolves it. While blocked it waits; if ctx ends first the
// batch is resolved event.Retry and ctx's error returned, as a real output does on shutdown.
func (s *Sink) Deliver(ctx context.Context, b *event.Batch) error {
	if err := s.pass(ctx); err != nil {
		b.Resolve(event.Retry)
		return err
	}
	s.failMu.Lock()
	status, err := s.status, s.err
	s.failMu.Unlock()
	if status != event.Delivered || err != nil {
		b.Resolve(status)
		return err
	}
	s.add(b)
	b.Resolve(event.Delivered)
	return nil
}

// Close records that the sink was closed.
func (s *Sink) Close(context.Context) error {
	s.mu.Lock()
	s.closed = true
	s.notifyLocked()
	s.mu.Unlock()
	return nil
}

// Closed reports whether Close was called.
func (s *Sink) Closed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// EmptyConfig is a component config with no fields, for test factories.
type EmptyConfig struct{}

// Validate accepts everything.
func (*EmptyConfig) Validate() error { return nil }
