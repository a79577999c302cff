package sender

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the sender's series, named sluice_output_* so that every output exports the same
// health; the runtime's Registerer adds the component label.
type metrics struct {
	up       prometheus.Gauge
	lastOK   prometheus.Gauge
	failures prometheus.Gauge
	ratio    prometheus.Gauge
	limit    prometheus.Gauge
	queued   prometheus.Gauge
	held     prometheus.Gauge
	backoffs prometheus.Counter
	requeued prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	g := func(name, help string) prometheus.Gauge {
		return prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "sluice", Subsystem: "output", Name: name, Help: help})
	}
	c := func(name, help string) prometheus.Counter {
		return prometheus.NewCounter(prometheus.CounterOpts{Namespace: "sluice", Subsystem: "output", Name: name, Help: help})
	}
	m := &metrics{
		up:       g("up", "1 while the output's requests succeed; 0 after 3 consecutive failed requests, until one succeeds."),
		lastOK:   g("last_success_timestamp_seconds", "Unix time of the last successful request (0: none yet)."),
		failures: g("consecutive_failures", "Requests that failed in a row (connection errors, whole-request 429/5xx)."),
		ratio:    g("rejection_ratio", "Average share of items the destination refused with a retryable status."),
		limit:    g("concurrency_limit", "Requests allowed in flight (adaptive concurrency)."),
		queued:   g("queued_items", "Items waiting for a request, including requeued ones."),
		held:     g("held_bytes", "Encoded bytes held: queued, in flight or requeued (bounded by the output's max_inflight_bytes)."),
		backoffs: c("backoffs_total", "Pauses taken because requests failed or most items were refused."),
		requeued: c("requeued_items_total", "Items put back in the queue to travel with the next request."),
	}
	if reg == nil {
		return m, nil
	}
	for _, col := range []prometheus.Collector{m.up, m.lastOK, m.failures, m.ratio, m.limit, m.queued, m.held, m.backoffs, m.requeued} {
		if err := reg.Register(col); err != nil {
			return nil, fmt.Errorf("sender: register metrics: %w", err)
		}
	}
	return m, nil
}
