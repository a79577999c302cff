package kubernetes

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// maxExposition bounds what one exporter may send: 8 GPUs with pods are about 100 KiB.
const maxExposition = 16 << 20

// scrapers bounds how many exporters are read at once, so 500 nodes refresh in a few rounds.
const scrapers = 16

// scraper refreshes the GPU map from the DCGM exporters.
type scraper struct {
	cfg    *DCGMConfig
	e      *enricher
	log    *slog.Logger
	client *http.Client
	last   map[string]target // by URL: an exporter that fails keeps its last answer one round
}

func newScraper(c *DCGMConfig, e *enricher, log *slog.Logger) *scraper {
	return &scraper{cfg: c, e: e, log: log, client: &http.Client{Timeout: c.Timeout}, last: map[string]target{}}
}

func (s *scraper) loop(ctx context.Context) {
	t := time.NewTicker(s.cfg.Interval)
	defer t.Stop()
	for {
		s.refresh(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// targets are the configured URLs and the discovered exporter pods, with their nodes.
func (s *scraper) targets() map[string]string {
	out := map[string]string{}
	for _, u := range s.cfg.URLs {
		out[u] = ""
	}
	if s.cfg.Discover {
		for _, p := range s.e.idx.exporters() {
			out["http://"+net.JoinHostPort(p.ip, strconv.Itoa(s.cfg.Port))+s.cfg.Path] = p.node
		}
	}
	return out
}

// refresh scrapes every exporter and replaces the GPU map.
func (s *scraper) refresh(ctx context.Context) {
	targets := s.targets()
	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		sem  = make(chan struct{}, scrapers)
		next = make(map[string]target, len(targets))
	)
	for u, node := range targets {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			rows, err := s.scrape(ctx, u)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				s.e.m.scrapeErr.Inc()
				s.log.Warn("dcgm exporter scrape failed; keeping its last mapping", "url", u, "error", err)
				if prev, ok := s.last[u]; ok {
					next[u] = prev
				}
				return
			}
			s.e.m.scrapeOK.Inc()
			next[u] = target{node: node, rows: rows}
		}()
	}
	wg.Wait()
	s.last = next
	all := make([]target, 0, len(next))
	for _, t := range next {
		all = append(all, t)
	}
	s.e.gpus.Store(buildGPUMap(all, s.canon))
}

// canon turns a DCGM Hostname label into the node's name when the index knows it by that name.
func (s *scraper) canon(host string) string {
	if n := s.e.idx.node(host); n != nil {
		return n.name
	}
	return host
}

func (s *scraper) scrape(ctx context.Context, url string) ([]gpuRow, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "text/plain")
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %s", resp.Status)
	}
	rows, bad, err := parseExposition(io.LimitReader(resp.Body, maxExposition))
	if bad > 0 {
		s.log.Debug("dcgm exposition lines not understood", "url", url, "lines", bad)
	}
	return rows, err
}

// writeGPU gives a driver event (it carries gpu.uuid or gpu.pci_bus_id) its GPU's UUID, model,
// index and pods, and any other event of a pod the pod's GPUs.
func (e *enricher) writeGPU(ev *event.Event, p *pod, n *node, m *gpuMap, o *outcome) {
	if m.byUUID == nil {
		return // no mapping configured or none read yet
	}
	uuid, hasUUID := ev.GetString(FieldGPUUUID)
	pci, hasPCI := ev.GetString(FieldGPUPCI)
	if hasUUID || hasPCI {
		g := m.byUUID[uuid]
		if g == nil && hasPCI {
			nodeName, _ := ev.GetString(FieldNode)
			if n != nil {
				nodeName = n.name
			}
			g = m.byNodePCI[nodeName][pciKey(pci)]
		}
		if g == nil {
			*o |= sawGPUMiss
			return
		}
		*o |= sawGPUHit
		e.setString(ev, FieldGPUUUID, g.uuid)
		e.setString(ev, FieldGPUModel, g.model)
		if g.index >= 0 {
			e.set(ev, FieldGPUIndex, event.Int(g.index))
		}
		if !g.pods.IsZero() {
			e.set(ev, FieldGPUPods, g.pods)
		}
		return
	}
	if p == nil {
		return
	}
	if pg := m.byPod[p.namespace][p.name]; pg != nil {
		e.set(ev, FieldPodGPUUUIDs, pg.uuids)
		e.setString(ev, FieldGPUModel, pg.model)
	}
}
