package elasticsearch

import (
	"context"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/internal/testsvc/esfault"
	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
)

// pushbackOutput is an output against the Elasticsearch double with production pauses scaled
// down, and the lines it logs.
func pushbackOutput(t *testing.T, es *esfault.Server) (*Output, *pipelinetest.LogRecorder) {
	t.Helper()
	cfg := NewConfig()
	cfg.Hosts = []string{es.URL()}
	cfg.FlushCount = 100
	cfg.Retry = RetryConfig{InitialBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond}
	logs := &pipelinetest.LogRecorder{}
	o, err := New(pipeline.Settings{ID: "elasticsearch", Logger: logs.Logger(), DeadLetter: &memDL{}}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { o.Close(context.Background()) })
	return o, logs
}

// closeOutput waits for the output's workers: they log an answer after its documents are
// acknowledged, so an acknowledgement alone does not mean the log line is written.
func closeOutput(t *testing.T, o *Output) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := o.Close(ctx); err != nil {
		t.Fatal(err)
	}
}

func assertStoredOnce(t *testing.T, es *esfault.Server, n int) {
	t.Helper()
	seen := map[string]int{}
	for _, d := range es.Docs() {
		seen[d.ID]++
	}
	if len(seen) != n || len(es.Docs()) != n {
		t.Fatalf("%d documents (%d ids), want %d", len(es.Docs()), len(seen), n)
	}
}

// TestRandomRejections: with 30% of items refused 429 at random on every request, every batch
// resolves delivered and every document is stored exactly once; the rejections are logged
// once, not per retry.
func TestRandomRejections(t *testing.T) {
	t.Parallel()
	es, err := esfault.Start(esfault.WithFault(esfault.RejectItems(0.3, 429, 7)))
	if err != nil {
		t.Fatal(err)
	}
	defer es.Close()
	o, logs := pushbackOutput(t, es)
	var acks []chan event.Status
	for i := range 20 {
		b, done := makeBatch("src", i*100, 100)
		if err := o.Deliver(context.Background(), b); err != nil {
			t.Fatal(err)
		}
		acks = append(acks, done)
	}
	waitDelivered(t, acks)
	assertStoredOnce(t, es, 2000)
	closeOutput(t, o)
	if n := logs.Count("rejecting documents"); n != 1 {
		t.Errorf("%d rejection warnings, want 1: %v", n, logs.Messages())
	}
}

// TestOutageLoggedOnce: a 503 outage is logged once when it starts (after 3 failed requests)
// and once when it ends, and nothing is lost or stored twice.
func TestOutageLoggedOnce(t *testing.T) {
	t.Parallel()
	es, err := esfault.Start(esfault.WithFault(esfault.Unavailable()))
	if err != nil {
		t.Fatal(err)
	}
	defer es.Close()
	o, logs := pushbackOutput(t, es)
	b, done := makeBatch("src", 0, 50)
	if err := o.Deliver(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	pipelinetest.Eventually(t, "ten failed requests", func() bool { return len(es.Requests()) >= 10 })
	es.SetFault(nil)
	waitDelivered(t, []chan event.Status{done})
	assertStoredOnce(t, es, 50)
	closeOutput(t, o)
	if logs.Count("WARN elasticsearch: output down") != 1 || logs.Count("INFO elasticsearch: output up again") != 1 {
		t.Errorf("want one down WARN and one up INFO: %v", logs.Messages())
	}
}
