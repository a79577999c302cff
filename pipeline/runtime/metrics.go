package runtime

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/sluice-dev/sluice/pipeline"
)

// metrics are the runtime's own series. Component counters are vectors labelled by component
// id; the runtime counts what it can see from outside a component (events in, out, removed, and
// output delivery by ack status), and components count their own failures.
type metrics struct {
	received, sent, dropped, failed *prometheus.CounterVec

	inFlight    prometheus.Gauge
	inFlightMax prometheus.Gauge
	queue       *prometheus.GaugeVec
	latency     *prometheus.HistogramVec
	acks        *prometheus.CounterVec
	ready       prometheus.Gauge
	tapDropped  *prometheus.CounterVec
	idleFlushes *prometheus.CounterVec
}

func newMetrics(reg *prometheus.Registry) *metrics {
	cv := func(name, help string, labels ...string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
	}
	m := &metrics{
		received: cv("sluice_component_events_received_total", "Events a component took in.", "component", "kind"),
		sent:     cv("sluice_component_events_sent_total", "Events a component passed on (inputs and outputs: acknowledged delivered).", "component", "kind"),
		dropped:  cv("sluice_component_events_dropped_total", "Events a component removed on purpose.", "component", "kind"),
		failed:   cv("sluice_component_events_failed_total", "Events a component could not handle.", "component", "kind"),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{Name: "sluice_events_in_flight",
			Help: "Events taken in and not yet acknowledged."}),
		inFlightMax: prometheus.NewGauge(prometheus.GaugeOpts{Name: "sluice_events_in_flight_limit",
			Help: "runtime.max_events_in_flight: inputs block when sluice_events_in_flight reaches it."}),
		queue: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "sluice_pipeline_queue_events",
			Help: "Events accepted by a pipeline and waiting for a processor worker."}, []string{"pipeline"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "sluice_batch_latency_seconds",
			Help:    "Time from a batch's receipt by the pipeline to its acknowledgement.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 16)}, []string{"pipeline"}),
		acks: cv("sluice_pipeline_acks_total", "Input batches acknowledged, by final status.", "pipeline", "status"),
		ready: prometheus.NewGauge(prometheus.GaugeOpts{Name: "sluice_ready",
			Help: "1 while every pipeline runs and accepts data, 0 while starting or draining."}),
		idleFlushes: cv("sluice_processor_idle_flushes_total", "Times a processor sent the tracebacks and partial lines it held because its pipeline was idle for runtime.idle_flush (their sources were waiting for acknowledgements).", "pipeline", "component"),
		tapDropped:  cv("sluice_tap_events_dropped_total", "Events a tap (sluice tap) skipped over its rate or because its reader fell behind; the pipeline never waits for a tap.", "component"),
	}
	reg.MustRegister(m.received, m.sent, m.dropped, m.failed, m.inFlight, m.inFlightMax, m.queue,
		m.latency, m.acks, m.ready, m.tapDropped, m.idleFlushes,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// counters are one component's standard series as the runtime updates them.
type counters struct {
	received, sent, dropped, failed prometheus.Counter
}

// component returns the counters of one component. The kind label tells apart an input and an
// output that share an id ("file").
func (m *metrics) component(id string, k kind) counters {
	return counters{
		received: m.received.WithLabelValues(id, k.String()),
		sent:     m.sent.WithLabelValues(id, k.String()),
		dropped:  m.dropped.WithLabelValues(id, k.String()),
		failed:   m.failed.WithLabelValues(id, k.String()),
	}
}

// kind of component, for forComponent.
type kind int

const (
	kindInput kind = iota
	kindProcessor
	kindOutput
)

func (k kind) String() string { return [...]string{"input", "processor", "output"}[k] }

// forComponent returns the counters handed to a component in its Settings: only those the
// runtime cannot count itself. The runtime counts received and sent for every component, dropped
// for processors (from the batch's length), and failed for outputs (from the status each
// delivery is acknowledged with) and for a processor's failed batches. Inputs alone see the
// frames they fail to decode, processors the events they fail on: they get the failed series.
// Outputs get nothing (nil).
func (m *metrics) forComponent(id string, k kind) *pipeline.ComponentMetrics {
	if k == kindOutput {
		return nil
	}
	return &pipeline.ComponentMetrics{Failed: m.failed.WithLabelValues(id, k.String())}
}
