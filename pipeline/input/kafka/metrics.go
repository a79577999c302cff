package kafka

import (
	"fmt"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// metrics are the input's own Prometheus series, beside the standard component counters.
// Lag is labelled by topic and partition: their number is fixed by the topics, not by traffic.
type metrics struct {
	messages     prometheus.Counter
	bytes        prometheus.Counter
	batches      *prometheus.CounterVec // status: delivered, retry, rejected
	commits      prometheus.Counter
	commitErrors prometheus.Counter
	fetchErrors  prometheus.Counter
	restarts     prometheus.Counter
	pending      prometheus.Gauge
	lag          *prometheus.GaugeVec // topic, partition
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	const ns, sub = "sluice", "kafka"
	counter := func(name, help string) prometheus.Counter {
		return prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub, Name: name, Help: help})
	}
	m := &metrics{
		messages:     counter("messages_total", "Messages read from Kafka."),
		bytes:        counter("bytes_total", "Bytes of message keys and values read."),
		commits:      counter("commits_total", "Offset commits the group accepted."),
		commitErrors: counter("commit_errors_total", "Offset commits that failed (retried; a rebalance causes some)."),
		fetchErrors:  counter("fetch_errors_total", "Reader failures; reading restarts from the committed offsets."),
		restarts:     counter("restarts_total", "Times reading restarted from the committed offsets (a batch came back Retry, or a fetch failed)."),
		batches: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: sub, Name: "batch_acks_total",
			Help: "Batches resolved downstream, by status; only delivered ones let offsets be committed."}, []string{"status"}),
		pending: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Subsystem: sub, Name: "pending_messages",
			Help: "Messages read and not yet acknowledged downstream (at most max_pending)."}),
		lag: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: ns, Subsystem: sub, Name: "lag",
			Help: "Messages between the partition's high watermark and this input's commit position."},
			[]string{"topic", "partition"}),
	}
	for _, s := range []event.Status{event.Delivered, event.Retry, event.Rejected} {
		m.batches.WithLabelValues(s.String())
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.messages, m.bytes, m.batches, m.commits, m.commitErrors,
		m.fetchErrors, m.restarts, m.pending, m.lag} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("kafka: register metrics: %w", err)
		}
	}
	return m, nil
}

// setLag publishes the lag of each partition.
func (m *metrics) setLag(cs []commit) {
	for _, c := range cs {
		m.lag.WithLabelValues(c.topic, strconv.Itoa(c.partition)).Set(float64(c.lag))
	}
}
