package main

import (
	"fmt"
	"io"
	"sort"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// summary counts what went through the pipelines, for the report `sluice run` prints when it
// finishes: what was found, what could not be parsed, and how many error lines there were.
type summary struct {
	mu        sync.Mutex
	start     time.Time
	events    int
	datasets  map[string]int
	failures  int
	errors    int
	errorSets map[string]int
}

func newSummary() *summary {
	return &summary{start: time.Now(), datasets: map[string]int{}, errorSets: map[string]int{}}
}

// observe is the runtime's Observe hook.
func (s *summary) observe(_ string, b *event.Batch) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range b.Events {
		s.events++
		ds, ok := e.GetString(event.FieldDataset)
		if !ok {
			ds = "(none)"
		}
		s.datasets[ds]++
		if e.HasTag(event.TagParseFailure) {
			s.failures++
		}
		if lvl, _ := e.GetString(event.FieldLogLevel); isErrorLevel(lvl) {
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

// print writes the report; in is what the inputs took in (lines, before multiline joining).
func (s *summary) print(w io.Writer, in int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprintf(w, "sluice: %d events from %d input records in %v\n", s.events, in,
		time.Since(s.start).Round(time.Millisecond))
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

// inputRecords sums sluice_component_events_received_total over inputs.
func inputRecords(g prometheus.Gatherer) int {
	mfs, err := g.Gather()
	if err != nil {
		return 0
	}
	total := 0.0
	for _, mf := range mfs {
		if mf.GetName() != "sluice_component_events_received_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "kind" && l.GetValue() == "input" {
					total += m.GetCounter().GetValue()
				}
			}
		}
	}
	return int(total)
}
