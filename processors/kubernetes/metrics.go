package kubernetes

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the processor's own counters; a miss is never an event failure, so these are
// where misses show.
type metrics struct {
	podHit, podMiss, nodeHit, nodeMiss, gpuHit, gpuMiss prometheus.Counter
	scrapeOK, scrapeErr                                 prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) *metrics {
	lookups := register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "sluice_kubernetes_lookups_total",
		Help: "Events the kubernetes processor looked up, by what (pod, node, gpu) and result (hit, miss).",
	}, []string{"kind", "result"}))
	scrapes := register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "sluice_kubernetes_dcgm_scrapes_total",
		Help: "Scrapes of DCGM exporters for the GPU-to-pod mapping, by result (ok, error).",
	}, []string{"result"}))
	return &metrics{
		podHit: lookups.WithLabelValues("pod", "hit"), podMiss: lookups.WithLabelValues("pod", "miss"),
		nodeHit: lookups.WithLabelValues("node", "hit"), nodeMiss: lookups.WithLabelValues("node", "miss"),
		gpuHit: lookups.WithLabelValues("gpu", "hit"), gpuMiss: lookups.WithLabelValues("gpu", "miss"),
		scrapeOK: scrapes.WithLabelValues("ok"), scrapeErr: scrapes.WithLabelValues("error"),
	}
}

// register registers vec once per registerer; a processor rebuilt on reload reuses the
// counters already there.
func register(reg prometheus.Registerer, vec *prometheus.CounterVec) *prometheus.CounterVec {
	if reg == nil {
		return vec
	}
	if err := reg.Register(vec); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if existing, ok := are.ExistingCollector.(*prometheus.CounterVec); ok {
				return existing
			}
		}
	}
	return vec
}
