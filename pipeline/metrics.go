package pipeline

import "github.com/prometheus/client_golang/prometheus"

// ComponentMetrics are the counters every component has, labelled with its id:
// sluice_component_events_{received,sent,dropped,failed}_total.
type ComponentMetrics struct {
	// Received counts events the component took in.
	Received prometheus.Counter
	// Sent counts events it passed on (outputs: delivered).
	Sent prometheus.Counter
	// Dropped counts events removed on purpose (drop, sample, a filtered line).
	Dropped prometheus.Counter
	// Failed counts events it could not handle (dead-lettered, tagged on error).
	Failed prometheus.Counter
}

// NewComponentMetrics returns unregistered counters for tests and tools that need none exported.
func NewComponentMetrics() *ComponentMetrics {
	c := func(n string) prometheus.Counter { return prometheus.NewCounter(prometheus.CounterOpts{Name: n}) }
	return &ComponentMetrics{
		Received: c("received"), Sent: c("sent"), Dropped: c("dropped"), Failed: c("failed"),
	}
}
