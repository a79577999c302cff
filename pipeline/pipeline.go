// Package pipeline holds the contracts between sluice's components and its runtime: what an
// input, a processor and an output must do, how they are created from config, and the kinds of
// error they report. It holds no implementation; pipeline/runtime wires components together.
//
// The flow goes one way: inputs make batches, processors transform them, outputs deliver them
// and resolve their acks. Nothing upstream is told "done" before the data is safe.
package pipeline

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// Consumer takes batches. Consume blocks while the pipeline is full (backpressure) and returns
// an error only when ctx ends or the pipeline is stopping. Once Consume is called, the batch
// belongs to the pipeline and its acks will be resolved exactly once, also when Consume fails
// (then with event.Retry).
type Consumer interface {
	Consume(ctx context.Context, b *event.Batch) error
}

// ConsumerFunc adapts a function to Consumer.
type ConsumerFunc func(ctx context.Context, b *event.Batch) error

// Consume calls f.
func (f ConsumerFunc) Consume(ctx context.Context, b *event.Batch) error { return f(ctx, b) }

// Input produces events. Run reads until ctx is done, hands batches to next, and returns once it
// has stopped accepting data. Acks of batches it handed over may be resolved after Run returns;
// an input that must answer its peers (beats) keeps those connections until Close.
type Input interface {
	Run(ctx context.Context, next Consumer) error
}

// Processor transforms a batch in place: it may change events, remove them from b.Events (a
// deliberate drop, counted by the runtime) or add new ones. It must be safe for concurrent use;
// batches with the same Key reach it in order. A returned error is about the whole batch; per-event
// failures are handled by the processor's error policy (tag, drop or dead-letter).
type Processor interface {
	Process(ctx context.Context, b *event.Batch) error
}

// Flusher is implemented by processors that hold events between batches (multiline, partial
// CRI lines). The runtime calls Flush on every flush interval with the current time, and once more
// with final set when the pipeline drains; it returns the events that are ready (or nil), as a
// batch that carries their held acks. The returned batch continues through the processors after
// this one.
type Flusher interface {
	Flush(ctx context.Context, now time.Time, final bool) *event.Batch
}

// IdleFlusher is a Flusher that holds events waiting for the rest of them (a traceback's next
// line, the next piece of a CRI partial line) together with their sources' acks. A source that
// waits for its acknowledgement before it sends more (Filebeat, once its pipelined windows are
// out) never sends that rest while they are held, so holding them to their timeout only stalls
// the source. The runtime calls FlushIdle when the pipeline has had nothing to process for
// runtime.idle_flush: it returns every event held for input still to come (nil if none), as a
// final Flush would, while the processor stays usable and keeps any other state.
type IdleFlusher interface {
	Flusher
	FlushIdle(ctx context.Context, now time.Time) *event.Batch
}

// Handover is implemented by processors whose state outlives a batch and is worth more than a
// drain can save: the requests processor's open requests, each of which would otherwise end as
// "unknown" at every config reload and start afresh in the next generation (two summaries for
// one request). It is optional; a processor without it is drained as on shutdown.
//
// On a reload the runtime of the running generation calls Release on each instance that has a
// counterpart in the new config (the same pipeline, the same id, the same type), just before its
// final Flush, once the processors before it have flushed: Release returns what it holds and
// forgets it, so the final Flush ends none of it. The state must not hold acks: events held with
// acks belong to the drain (Flush), not to the next generation. The runtime of the new generation
// then calls Adopt on the counterpart, before its first batch or Flush, with exactly that value;
// the adopting instance applies its own config to it from then on (a smaller max_open evicts).
// Neither call overlaps Process or Flush. State is carried only between instances of one type
// (so Adopt may assert its concrete type) and only from one generation to the next; what a
// failed start of the new generation leaves is lost with the process.
type Handover interface {
	Release() any
	Adopt(state any)
}

// Output delivers events. Deliver takes ownership of b and resolves it once every event is
// delivered, dead-lettered or permanently rejected; it may resolve later from another goroutine
// and may block to apply backpressure. Events may be shared with other outputs: outputs must
// not change them. An output that keeps an event's encoded form may say it is done reading the
// event (Event.DoneReading), which frees the fields once every output is, and must then rebuild
// the event from that form for the dead letter. Nothing may keep an event past its batch's
// resolution.
type Output interface {
	Deliver(ctx context.Context, b *event.Batch) error
}

// Closer is implemented by components that hold resources or pending work. The runtime closes
// inputs after the pipeline has drained, processors once the last batch has passed them (after
// their final Flush), and outputs after the processors have stopped. An
// output's Close flushes what it holds and resolves every batch it accepted before ctx ends:
// what it could not deliver by then goes to the dead letter with the reason (the batch resolves
// event.Delivered, the dead letter holds it) and Close returns an error saying how many; only
// events the dead letter cannot take resolve event.Retry.
type Closer interface {
	Close(ctx context.Context) error
}

// DeadLetter keeps events that cannot be delivered or processed, with the reason, so that
// nothing is lost silently. Write must not keep e after it returns.
type DeadLetter interface {
	Write(ctx context.Context, e *event.Event, component, reason string) error
}

// Config is a component's configuration. Validate reports every problem it finds; the
// runtime prefixes each with the component's path in the config file.
type Config interface {
	Validate() error
}

// Redacting is implemented by the config of a processor that hides data before it is indexed
// (redact). A tap (sluice tap) shows events that have not reached such a processor yet only
// after passing copies of them through an instance of it of its own, made from TapConfig, so that
// a tap never shows what the index would not. The processors between the tap and this one may
// still move data or set the fields a condition reads: TapConfig returns a config that hides at
// least as much on the events as they are at the tap (a tap may hide more than the index, never
// less). The processor must not keep the events it is given.
type Redacting interface {
	Config
	TapConfig() Config
}

// Settings is what the runtime gives every component it creates.
type Settings struct {
	// ID is the component's key in the config ("beats", "file/vllm").
	ID string
	// Logger is a structured logger with the component's id attached.
	Logger *slog.Logger
	// Metrics are the standard counters only the component can write (see ComponentMetrics);
	// nil for outputs.
	Metrics *ComponentMetrics
	// Registerer registers component-specific metrics, with the label component=ID attached.
	Registerer prometheus.Registerer
	// DeadLetter keeps what cannot be delivered.
	DeadLetter DeadLetter
}

// InputFactory creates inputs of one type. Make one with NewInputFactory.
type InputFactory struct {
	Type      string
	NewConfig func() Config
	Create    func(set Settings, cfg Config) (Input, error)
}

// ProcessorFactory creates processors of one type. Make one with NewProcessorFactory.
type ProcessorFactory struct {
	Type      string
	NewConfig func() Config
	Create    func(set Settings, cfg Config) (Processor, error)
}

// OutputFactory creates outputs of one type. Make one with NewOutputFactory.
type OutputFactory struct {
	Type      string
	NewConfig func() Config
	Create    func(set Settings, cfg Config) (Output, error)
}
