package elasticsearch

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/sluice-dev/sluice/internal/testsvc/esfault"
	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// TestServicesDouble runs the output against the shared Elasticsearch double: a real outage
// (connections refused and cut) while batches keep coming, a body limit that forces 413 splits,
// and answers lost after indexing. Every document must be stored exactly once.
func TestServicesDouble(t *testing.T) {
	t.Parallel()
	es, err := esfault.Start(esfault.WithMaxBodyBytes(16<<10), esfault.WithFault(esfault.Sequence(
		esfault.Fault{Drop: true, AfterIndex: true},
		esfault.Fault{ItemStatus: map[int]int{0: 429, 3: 503, 5: 500}},
		esfault.Fault{Delay: 300 * time.Millisecond, AfterIndex: true},
	)))
	if err != nil {
		t.Fatal(err)
	}
	defer es.Close()
	cfg := NewConfig()
	cfg.Hosts = []string{es.URL()}
	cfg.FlushCount = 200
	cfg.Timeout = 100 * time.Millisecond
	cfg.Retry = RetryConfig{InitialBackoff: time.Millisecond, MaxBackoff: 4 * time.Millisecond}
	client, err := NewClient(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	o, err := newOutput(pipeline.Settings{DeadLetter: &memDL{}}, cfg, client.Perform, &testClock{})
	if err != nil {
		t.Fatal(err)
	}
	const batches, size = 20, 100
	var acks []chan event.Status
	send := func(i int) {
		b, done := makeBatch("src", i*size, size)
		if err := o.Deliver(context.Background(), b); err != nil {
			t.Fatal(err)
		}
		acks = append(acks, done)
	}
	for i := range batches / 2 {
		send(i)
	}
	es.Down()
	for i := batches / 2; i < batches*3/4; i++ {
		send(i)
	}
	if err := es.Up(); err != nil {
		t.Fatal(err)
	}
	for i := batches * 3 / 4; i < batches; i++ {
		send(i)
	}
	waitDelivered(t, acks)
	if err := o.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, d := range es.Docs() {
		seen[d.ID]++
	}
	if len(seen) != batches*size || len(es.Docs()) != batches*size {
		t.Fatalf("%d documents (%d ids), want %d", len(es.Docs()), len(seen), batches*size)
	}
	if testutil.ToFloat64(o.m.itemErrors.WithLabelValues("413")) == 0 {
		t.Error("no request met the body limit: the 413 split went untested")
	}
}
