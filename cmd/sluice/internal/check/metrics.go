package check

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics exports the latest results of a watch, so Prometheus can alert on a check that turns
// red between deployments (a GPU that starts retiring pages, a full model cache volume).
type Metrics struct {
	up       *prometheus.GaugeVec
	status   *prometheus.GaugeVec
	duration *prometheus.GaugeVec
	runs     *prometheus.CounterVec
	last     prometheus.Gauge
}

// NewMetrics registers the check metrics on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	labels := []string{"check", "section", "kind"}
	m := &Metrics{
		up: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "sluice_check_passed",
			Help: "1 when the check passed in the latest run, 0 when it failed, warned or was skipped."}, labels),
		status: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "sluice_check_status",
			Help: "1 for the check's status in the latest run (passed, failed, skipped, warning), 0 for the others."},
			append(labels, "status")),
		duration: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "sluice_check_duration_seconds",
			Help: "How long the check took in the latest run."}, labels),
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "sluice_check_runs_total",
			Help: "Check runs by result."}, append(labels, "status")),
		last: prometheus.NewGauge(prometheus.GaugeOpts{Name: "sluice_check_last_run_timestamp_seconds",
			Help: "When the latest round of checks finished (Unix time); alert when it stops moving."}),
	}
	reg.MustRegister(m.up, m.status, m.duration, m.runs, m.last)
	return m
}

// Observe records one round of results finished at t.
func (m *Metrics) Observe(results []Result, t time.Time) {
	for _, r := range results {
		l := prometheus.Labels{"check": r.Name, "section": r.Section, "kind": r.Kind}
		passed := 0.0
		if r.Status == Passed {
			passed = 1
		}
		m.up.With(l).Set(passed)
		m.duration.With(l).Set(r.Duration.Seconds())
		for _, s := range []Status{Passed, Failed, Skipped, Warned} {
			v := 0.0
			if s == r.Status {
				v = 1
			}
			m.status.With(withStatus(l, s)).Set(v)
		}
		m.runs.With(withStatus(l, r.Status)).Inc()
	}
	m.last.Set(float64(t.UnixNano()) / 1e9)
}

func withStatus(l prometheus.Labels, s Status) prometheus.Labels {
	out := prometheus.Labels{"status": lower(s)}
	for k, v := range l {
		out[k] = v
	}
	return out
}
