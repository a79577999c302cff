package pipeline

import "github.com/prometheus/client_golang/prometheus"

// ComponentMetrics are the standard counters a component writes itself. The runtime counts
// everything it can see from outside a component in the same series
// (sluice_component_events_{received,sent,dropped,failed}_total{component,kind}): events in and
// out, events a processor removed from its batch, and an output's failures from the status its
// batches are acknowledged with. Those are not handed over, so nothing is counted twice or into a
// counter nobody exports. What is left is what only the component sees.
type ComponentMetrics struct {
	// Failed counts events the component could not handle but kept: an input's frames it could
	// not decode, a processor's events tagged, dropped or dead-lettered on error. The runtime
	// hands it to inputs and processors; outputs get no ComponentMetrics (nil), since each
	// event's fate reaches the runtime through its ack.
	Failed prometheus.Counter
}

// NewComponentMetrics returns unregistered counters for tools that export no metrics (sluice
// parse, the dead-letter replay) and for tests.
func NewComponentMetrics() *ComponentMetrics {
	return &ComponentMetrics{
		Failed: prometheus.NewCounter(prometheus.CounterOpts{Name: "sluice_component_events_failed_total"}),
	}
}
