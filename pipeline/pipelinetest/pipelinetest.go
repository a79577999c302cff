// Package pipelinetest holds test helpers for components: Settings for a component under test,
// a Sink output that records what it is given, a Collector that stands in for the pipeline
// behind an input, ack recorders, dead-letter doubles and a fake clock. It is imported only by
// _test files.
//
// Every wait in this package is bounded by Timeout so that a broken component fails its test
// instead of hanging the run.
package pipelinetest

import (
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sluice-dev/sluice/pipeline"
)

// Timeout bounds every Wait helper in this package. It is long enough for a loaded two-core CI
// machine running with -race, short enough to fail a hung test well before go test's own
// timeout.
var Timeout = 30 * time.Second

// Eventually polls cond until it holds, and fails the test if it has not within Timeout. It is
// for conditions on internal state or metrics that have no channel to wait on; what names the
// condition in the failure.
func Eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(Timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not reached within %v", what, Timeout)
		}
		time.Sleep(time.Millisecond)
	}
}

// Settings returns the settings the runtime would give an input or processor with this id: a
// logger that writes to the test log, the component's failed counter and a registerer on a
// private registry, and a RecordingDeadLetter (get it back with DeadLetters).
func Settings(t testing.TB, id string) pipeline.Settings {
	return SettingsWithRegistry(t, id, prometheus.NewRegistry())
}

// SettingsWithRegistry is Settings with the component's own metrics registered on reg, for tests
// that gather them.
func SettingsWithRegistry(t testing.TB, id string, reg *prometheus.Registry) pipeline.Settings {
	t.Helper()
	return pipeline.Settings{
		ID:         id,
		Logger:     Logger(t).With("component", id),
		Metrics:    ComponentMetrics(reg, id),
		Registerer: prometheus.WrapRegistererWith(prometheus.Labels{"component": id}, reg),
		DeadLetter: &RecordingDeadLetter{},
	}
}

// ComponentMetrics returns the counters the runtime hands an input or processor with this id,
// registered on reg (once per registry) as the runtime registers them, so that what a test
// reads is what /metrics would show.
func ComponentMetrics(reg *prometheus.Registry, id string) *pipeline.ComponentMetrics {
	vec := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "sluice_component_events_failed_total",
		Help: "Events a component could not handle."}, []string{"component"})
	var are prometheus.AlreadyRegisteredError
	if err := reg.Register(vec); errors.As(err, &are) {
		vec = are.ExistingCollector.(*prometheus.CounterVec)
	}
	return &pipeline.ComponentMetrics{Failed: vec.WithLabelValues(id)}
}

// DeadLetters returns the RecordingDeadLetter that Settings put in set.
func DeadLetters(set pipeline.Settings) *RecordingDeadLetter {
	return set.DeadLetter.(*RecordingDeadLetter)
}

// Logger returns a debug-level text logger that writes to t.Log. Lines logged after the test
// and its cleanups have finished (a goroutine that outlived its test) are discarded rather than
// panicking inside the testing package.
func Logger(t testing.TB) *slog.Logger {
	w := &testWriter{t: t}
	t.Cleanup(func() { w.done.Store(true) }) // registered first, so it runs last
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type testWriter struct {
	t    testing.TB
	done atomic.Bool
}

func (w *testWriter) Write(p []byte) (int, error) {
	if w.done.Load() {
		return io.Discard.Write(p)
	}
	w.t.Helper()
	w.t.Log(string(trimNewline(p)))
	return len(p), nil
}

func trimNewline(p []byte) []byte {
	if n := len(p); n > 0 && p[n-1] == '\n' {
		return p[:n-1]
	}
	return p
}
