package beats

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the input's own Prometheus series, beside the standard component counters.
// Per-connection numbers are not labels (a fleet of thousands of Filebeats would explode the
// series count): they are kept on each connection, logged when it closes, and listed by Stats.
type metrics struct {
	connections    prometheus.Gauge
	accepted       prometheus.Counter
	refused        *prometheus.CounterVec // reason: max_connections, tls_handshake, client_name
	windows        prometheus.Counter
	events         prometheus.Counter
	bytes          prometheus.Counter
	protocolErrors *prometheus.CounterVec // reason: see reason* constants
	decodeFailures prometheus.Counter
	pendingWindows prometheus.Gauge
	keepalives     prometheus.Counter
	acks           *prometheus.CounterVec // status: delivered, retry, rejected
	certReloads    *prometheus.CounterVec // result: ok, error
	windowSize     prometheus.Histogram
	budgetWaits    prometheus.Counter

	warningsSuppressed prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	const ns, sub = "sluice", "beats"
	counter := func(name, help string) prometheus.Counter {
		return prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub, Name: name, Help: help})
	}
	vec := func(name, help, label string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: sub, Name: name, Help: help}, []string{label})
	}
	gauge := func(name, help string) prometheus.Gauge {
		return prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Subsystem: sub, Name: name, Help: help})
	}
	m := &metrics{
		connections:    gauge("connections", "Connected Beats clients."),
		accepted:       counter("connections_accepted_total", "Connections accepted."),
		refused:        vec("connections_refused_total", "Connections refused, by reason.", "reason"),
		windows:        counter("windows_total", "Windows received completely."),
		events:         counter("events_total", "Events received."),
		bytes:          counter("bytes_total", "Bytes read from clients, as sent (compressed)."),
		protocolErrors: vec("protocol_errors_total", "Connections closed for a protocol error or a limit, by reason.", "reason"),
		decodeFailures: counter("decode_failures_total", "Events that were not JSON objects, kept with tag _beats_decode_failure."),
		pendingWindows: gauge("pending_windows", "Windows handed to the pipeline and not yet acknowledged to the client."),
		keepalives:     counter("keepalives_total", "Keepalive ACKs sent while a window was pending."),
		acks:           vec("window_acks_total", "Windows resolved, by status; retry and rejected close the connection.", "status"),
		certReloads:    vec("tls_reloads_total", "Certificate reloads after a file changed, by result.", "result"),
		budgetWaits:    counter("pending_events_waits_total", "Times a window waited for max_pending_events before being read."),
		warningsSuppressed: counter("warnings_suppressed_total",
			"Warnings about clients not logged: past 5 per minute of one kind (protocol error, failed handshake, ...)."),
		windowSize: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: ns, Subsystem: sub,
			Name: "window_events", Help: "Events per window.", Buckets: prometheus.ExponentialBuckets(1, 4, 8)}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.connections, m.accepted, m.refused, m.windows, m.events,
		m.bytes, m.protocolErrors, m.decodeFailures, m.pendingWindows, m.keepalives, m.acks,
		m.certReloads, m.windowSize, m.budgetWaits, m.warningsSuppressed} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("beats: register metrics: %w", err)
		}
	}
	return m, nil
}
