package elasticsearch

import (
	"fmt"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the output's own series, beside the standard component counters. The runtime's
// Registerer adds the component label.
type metrics struct {
	indexed      prometheus.Counter
	duplicates   prometheus.Counter
	rekeyed      prometheus.Counter
	latency      prometheus.Histogram
	bytesRaw     prometheus.Counter
	bytesGzip    prometheus.Counter
	retries      prometheus.Counter
	itemErrors   *prometheus.CounterVec
	deadLettered prometheus.Counter
	inflightReqs prometheus.Gauge
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	const ns, sub = "sluice", "elasticsearch"
	c := func(name, help string) prometheus.Counter {
		return prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub, Name: name, Help: help})
	}
	m := &metrics{
		indexed:    c("documents_indexed_total", "Documents Elasticsearch accepted."),
		duplicates: c("documents_duplicate_total", "Documents already present (409 on create with a deterministic id), counted as delivered."),
		rekeyed: c("documents_rekeyed_total", "Records of several lines (tracebacks) whose id a shorter piece of them held, "+
			"as when one was split before a restart and read whole after it: indexed under an id of their own."),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: ns, Subsystem: sub,
			Name: "bulk_duration_seconds", Help: "Duration of bulk requests, including reading the response.",
			Buckets: prometheus.ExponentialBuckets(0.005, 2, 14)}),
		bytesRaw:  c("bulk_bytes_raw_total", "Bulk body bytes before compression."),
		bytesGzip: c("bulk_bytes_sent_total", "Bulk body bytes sent on the wire (after compression)."),
		retries:   c("retries_total", "Documents sent again after a 429, 5xx or connection error."),
		itemErrors: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "item_errors_total", Help: "Failed bulk items by HTTP status (0: connection error)."}, []string{"status"}),
		deadLettered: c("documents_dead_lettered_total", "Documents Elasticsearch rejected, written to the dead letter."),
		inflightReqs: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Subsystem: sub,
			Name: "inflight_requests", Help: "Bulk requests in flight."}),
	}
	// A mapping error (400) is the one status an alert waits for (SluiceElasticsearchMappingErrors):
	// its series exists at zero, so that rate() sees the first one.
	m.itemErrors.WithLabelValues("400")
	if reg == nil {
		return m, nil
	}
	for _, col := range []prometheus.Collector{m.indexed, m.duplicates, m.rekeyed, m.latency, m.bytesRaw, m.bytesGzip,
		m.retries, m.itemErrors, m.deadLettered, m.inflightReqs} {
		if err := reg.Register(col); err != nil {
			return nil, fmt.Errorf("elasticsearch: register metrics: %w", err)
		}
	}
	return m, nil
}

func (m *metrics) itemError(status int, n int) {
	m.itemErrors.WithLabelValues(strconv.Itoa(status)).Add(float64(n))
}
