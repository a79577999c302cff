// Package kubernetes is the processor that tells every event which pod, workload, node and GPU
// it belongs to, from the Kubernetes API (shared informers on pods, nodes and ReplicaSets) and
// the DCGM exporters' GPU-to-pod mapping. Lookups read an in-memory index and never wait on the
// API: a miss is counted and the event goes on as it was.
package kubernetes

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/processors/internal/proc"
)

const typeName = "kubernetes"

// Factory creates kubernetes processors.
var Factory = pipeline.ProcessorFactory{
	Type:      typeName,
	NewConfig: func() pipeline.Config { return NewConfig() },
	Create: func(set pipeline.Settings, cfg pipeline.Config) (pipeline.Processor, error) {
		c, ok := cfg.(*Config)
		if !ok {
			return nil, fmt.Errorf("%s: config of type %T", typeName, cfg)
		}
		if err := c.Validate(); err != nil {
			return nil, fmt.Errorf("%s: %w", typeName, err)
		}
		src, err := newSources(c.KubeConfig)
		if err != nil && c.KubeConfig != "" {
			return nil, fmt.Errorf("%s: %w", typeName, err)
		}
		if err != nil {
			// Outside a cluster with no kubeconfig named (sluice test in CI, a laptop), the
			// pipeline still runs, as Filebeat's add_kubernetes_metadata does: events pass
			// unenriched and every lookup counts as a miss. A kubeconfig that was named and
			// cannot be read is a config error.
			logger(set).Error("kubernetes: no API server (not in a cluster, no kubeconfig); events pass without Kubernetes metadata", "error", err)
			src = nil
		}
		return create(set, c, src, time.Now)
	},
}

// Processor is the processor frame around the enrichment, plus Close to stop the informers and
// the DCGM refresh.
type Processor struct {
	*proc.Runner
	stop context.CancelFunc
	done sync.WaitGroup
	e    *enricher
}

// create starts the informers on src (nil: no API server) and, when configured, waits for
// their first sync.
func create(set pipeline.Settings, c *Config, src *sources, now func() time.Time) (*Processor, error) {
	log := logger(set)
	e := newEnricher(c, newMetrics(set.Registerer))
	ctx, cancel := context.WithCancel(context.Background())
	p := &Processor{stop: cancel, e: e}
	if src != nil {
		if err := p.watch(ctx, c, src, now, log); err != nil {
			cancel()
			return nil, err
		}
	}
	p.run(func() { sweepLoop(ctx, e.idx, c.DeletedGrace, now) })
	if c.DCGM.enabled() {
		s := newScraper(&c.DCGM, e, log)
		p.run(func() { s.loop(ctx) })
	}
	r, err := proc.NewRunner(typeName, set, c.Base(), e.enrich)
	if err != nil {
		cancel()
		p.done.Wait()
		return nil, err
	}
	p.Runner = r
	return p, nil
}

// watch starts the informers and waits for their first sync up to wait_for_sync.
func (p *Processor) watch(ctx context.Context, c *Config, src *sources, now func() time.Time, log *slog.Logger) error {
	w := &watcher{idx: p.e.idx, conv: newConverter(c), now: now}
	infs, err := w.informers(src)
	if err != nil {
		return fmt.Errorf("%s: %w", typeName, err)
	}
	for _, inf := range infs {
		p.run(func() { inf.RunWithContext(ctx) }) // returns once ctx ends and its goroutines are done
	}
	if c.WaitForSync > 0 && !w.waitSynced(ctx, c.WaitForSync) {
		log.Warn("kubernetes cache not synced in time; events miss until it is", "wait_for_sync", c.WaitForSync)
	}
	pods, nodes := p.e.idx.counts()
	log.Info("kubernetes cache loaded", "pods", pods, "nodes", nodes)
	return nil
}

func logger(set pipeline.Settings) *slog.Logger {
	if set.Logger != nil {
		return set.Logger
	}
	return slog.Default()
}

func (p *Processor) run(fn func()) {
	p.done.Add(1)
	go func() {
		defer p.done.Done()
		fn()
	}()
}

// Close stops the informers and the DCGM refresh and waits for them.
func (p *Processor) Close(ctx context.Context) error {
	p.stop()
	done := make(chan struct{})
	go func() { p.done.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("%s: close: %w", typeName, ctx.Err())
	}
}

// sweepLoop forgets deleted objects once their grace period is over.
func sweepLoop(ctx context.Context, idx *index, grace time.Duration, now func() time.Time) {
	every := max(grace/4, time.Second)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			idx.sweep(now())
		}
	}
}
