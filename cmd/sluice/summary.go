package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/sluice-dev/sluice/pipeline/config"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/runtime"
)

// summary counts what went through the pipelines, for the report `sluice run` prints when it
// finishes: what was found, what could not be parsed, and how many error lines there were.
type summary struct {
	// forwards are the pipelines whose outputs all send to other pipelines: their events are
	// counted in the pipelines they reach, once.
	forwards  map[string]bool
	mu        sync.Mutex
	start     time.Time
	events    int
	datasets  map[string]int
	failures  int
	errors    int
	errorSets map[string]int
	// Where the last event had its dataset and level: the summary reads each batch after its
	// processors, when its first events are out of the CPU's caches (Event.GetHinted).
	dsHint, levelHint event.Hint
}

func newSummary(cfg *config.Config) *summary {
	s := &summary{start: time.Now(), datasets: map[string]int{}, errorSets: map[string]int{}, forwards: map[string]bool{}}
	for name, pl := range cfg.Pipelines {
		s.forwards[name] = !slices.ContainsFunc(pl.Outputs, func(id string) bool {
			_, ok := cfg.Outputs[id].Config.(config.PipelineSender)
			return !ok
		})
	}
	return s
}

// observe is the runtime's Observe hook.
func (s *summary) observe(pipeline string, b *event.Batch) {
	if s.forwards[pipeline] {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range b.Events {
		s.events++
		ds, ok := e.GetStringHinted(event.FieldDataset, &s.dsHint)
		if !ok {
			ds = "(none)"
		}
		s.datasets[ds]++
		if e.HasTag(event.TagParseFailure) {
			s.failures++
		}
		if lvl, _ := e.GetStringHinted(event.FieldLogLevel, &s.levelHint); isErrorLevel(lvl) {
			s.errors++
			s.errorSets[ds]++
		}
	}
}

func isErrorLevel(l string) bool {
	switch l {
	case "error", "critical", "fatal", "alert", "emergency":
		return true
	}
	return false
}

// print writes the report; in is what the inputs took in (lines, before multiline joining), d
// what became of it.
func (s *summary) print(w io.Writer, in int, d delivery) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprintf(w, "sluice: %d events from %d input records in %v\n", s.events, in,
		time.Since(s.start).Round(time.Millisecond))
	// Acks count input records (before multiline joining); the dead letter counts events.
	fmt.Fprintf(w, "  delivery: %d input records delivered, %d not delivered; %d events dead-lettered\n",
		d.Delivered, d.Undelivered(), d.deadLettered)
	fmt.Fprintf(w, "  by event.dataset:\n")
	for _, ds := range byCount(s.datasets) {
		fmt.Fprintf(w, "    %-28s %8d\n", ds, s.datasets[ds])
	}
	fmt.Fprintf(w, "  parse failures (tagged %s, message kept): %d\n", event.TagParseFailure, s.failures)
	fmt.Fprintf(w, "  errors found (log.level error or critical): %d\n", s.errors)
	for _, ds := range byCount(s.errorSets) {
		fmt.Fprintf(w, "    %-28s %8d\n", ds, s.errorSets[ds])
	}
}

// byCount returns the keys with the largest counts first.
func byCount(m map[string]int) []string {
	keys := sortedKeys(m)
	sort.SliceStable(keys, func(i, j int) bool { return m[keys[i]] > m[keys[j]] })
	return keys
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// delivery is what became of a run's events: the runtime's outcome, and how many of the
// delivered ones went to the dead letter.
type delivery struct {
	runtime.Outcome
	deadLettered int64
}

// newDelivery reads the outcome once the runtime has stopped. Dead-lettered records are
// acknowledged: they are safe, and count in Delivered too.
func newDelivery(rt *runtime.Runtime, g prometheus.Gatherer) delivery {
	return delivery{Outcome: rt.Outcome(), deadLettered: int64(sumCounter(g, "sluice_dead_letter_events_total", "", ""))}
}

// Exit statuses of `sluice run` (README, "Exit status").
const (
	exitDeadLettered = 3 // every event is safe, some of them in the dead letter
	exitUndelivered  = 4 // some events are neither delivered nor dead-lettered
)

// exitStatus turns a run's error and delivery into the command's result: data not delivered
// outranks a run error (1), which outranks data in the dead letter.
func exitStatus(runErr error, d delivery, log *slog.Logger) error {
	if runErr != nil && onlyDrain(runErr) {
		log.Error("drain incomplete", "error", runErr) // d counts what it means for the data
		runErr = nil
	}
	switch {
	case d.Undelivered() > 0:
		if runErr != nil {
			log.Error("run ended with an error", "error", runErr)
		}
		log.Error("events neither delivered nor dead-lettered; only their source can send them again",
			"events", d.Undelivered())
		return exitError{code: exitUndelivered}
	case runErr != nil:
		return runErr
	case d.deadLettered > 0:
		log.Warn("events went to the dead letter; see `sluice dlq`", "events", d.deadLettered)
		return exitError{code: exitDeadLettered}
	}
	return nil
}

// onlyDrain reports whether every error joined in err is a runtime.DrainError.
func onlyDrain(err error) bool {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			if !onlyDrain(e) {
				return false
			}
		}
		return true
	}
	var d *runtime.DrainError
	return errors.As(err, &d)
}

// sumCounter sums the counter name over its series, those with label=value when label is set.
func sumCounter(g prometheus.Gatherer, name, label, value string) float64 {
	mfs, err := g.Gather()
	if err != nil {
		return 0
	}
	total := 0.0
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			if label == "" || hasLabel(m.GetLabel(), label, value) {
				total += m.GetCounter().GetValue()
			}
		}
	}
	return total
}

func hasLabel(ls []*dto.LabelPair, name, value string) bool {
	for _, l := range ls {
		if l.GetName() == name && l.GetValue() == value {
			return true
		}
	}
	return false
}
