package runtime

import (
	"log/slog"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
)

// Every counter the runtime hands a component must be exported: a component's writes to one
// nobody registered count nothing anyone sees.
func TestSettingsHoldOnlyRegisteredCounters(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	r := &Runtime{log: slog.New(slog.DiscardHandler), reg: reg, metrics: newMetrics(reg), dlq: pipeline.NoDeadLetter{}}
	for _, k := range []kind{kindInput, kindProcessor, kindOutput} {
		set := r.settings("x", k, nil)
		if got := pipelinetest.Unregistered(set, reg, set.Registerer); len(got) != 0 {
			t.Errorf("%s settings: unregistered %q", k, got)
		}
		if k == kindOutput {
			if set.Metrics != nil {
				t.Errorf("outputs get counters the runtime already counts from acks")
			}
			continue
		}
		set.Metrics.Failed.Inc()
		if got := testutil.ToFloat64(r.metrics.failed.WithLabelValues("x", k.String())); got != 1 {
			t.Errorf("%s: failed written through settings reads %v on the exported series", k, got)
		}
	}
}
