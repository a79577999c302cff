// Package beats is the input Filebeat and the other Beats send to with output.logstash: the
// Lumberjack v2 protocol over TCP, with TLS and mutual TLS. A window is acknowledged to the
// client only when every event of it is delivered downstream; until then the client gets
// keepalive ACKs, so it waits instead of timing out and resending.
package beats

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/internal/budget"
	"github.com/sluice-dev/sluice/pipeline/logging"
	"github.com/sluice-dev/sluice/pipeline/tlsconfig"
)

// Factory creates beats inputs; cmd/sluice registers it.
var Factory = pipeline.NewInputFactory("beats", NewConfig, New)

// Input is a Lumberjack v2 server. It binds its address when created, so that a port in use
// fails at startup, and serves from Run.
type Input struct {
	id  string
	set pipeline.Settings
	cfg Config
	log *slog.Logger
	m   *metrics
	ln  net.Listener
	tls *tlsconfig.Reloader

	mu      sync.Mutex
	conns   map[*conn]struct{}
	readers sync.WaitGroup // read loops: Run waits for them
	ackers  sync.WaitGroup // ack loops: Close waits for them
	budget  *budget.Budget // max_pending_events over all connections

	// warnings throttles what clients can provoke (bad frames, failed handshakes, a flood past
	// max_connections), so that a hostile or broken fleet cannot flood the log.
	warnings logging.Limiter
}

// Per kind of warning, at most warnBurst lines per warnEvery; the rest are counted in
// sluice_beats_warnings_suppressed_total and reported on the next line let through.
const (
	warnBurst = 5
	warnEvery = time.Minute
)

// warn logs a warning a client can provoke, throttled per kind.
func (in *Input) warn(log *slog.Logger, kind, msg string, args ...any) {
	ok, suppressed := in.warnings.Allow(kind)
	if !ok {
		in.m.warningsSuppressed.Inc()
		return
	}
	if suppressed > 0 {
		args = append(args, "suppressed_since_last", suppressed)
	}
	log.Warn(msg, args...)
}

// New validates cfg, loads the TLS files and binds the listening socket.
func New(set pipeline.Settings, cfg *Config) (*Input, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	set = set.WithDefaults("beats")
	m, err := newMetrics(set.Registerer)
	if err != nil {
		return nil, err
	}
	in := &Input{id: set.ID, set: set, cfg: *cfg, log: set.Logger, m: m, conns: map[*conn]struct{}{},
		budget: budget.New(int64(cfg.MaxPendingEvents)), warnings: logging.Limiter{Burst: warnBurst, Every: warnEvery}}
	if cfg.TLS.Enabled {
		if in.tls, err = tlsconfig.NewReloader(cfg.TLS, in.reloadOptions()); err != nil {
			return nil, fmt.Errorf("beats: %w", err)
		}
	}
	if in.ln, err = net.Listen("tcp", cfg.Address); err != nil {
		return nil, fmt.Errorf("beats: listen: %w", err)
	}
	return in, nil
}

// reloadOptions count and log each reload of the TLS files: a rotation that failed keeps the
// old certificate, which expires some day, so it must be seen.
func (in *Input) reloadOptions() tlsconfig.ReloadOptions {
	return tlsconfig.ReloadOptions{Every: time.Second, OnReload: func(err error) {
		if err != nil {
			in.m.certReloads.WithLabelValues("error").Inc()
			in.log.Error("beats: reload tls files, keeping the previous certificate", "error", err)
			return
		}
		in.m.certReloads.WithLabelValues("ok").Inc()
		in.log.Info("beats: tls files reloaded")
	}}
}

// Addr is the bound address (useful with port 0).
func (in *Input) Addr() net.Addr { return in.ln.Addr() }

// Run accepts clients until ctx ends, then stops reading from them and returns once every
// read loop has stopped. Connections stay open so that pending windows can still be
// acknowledged; Close ends them.
func (in *Input) Run(ctx context.Context, next pipeline.Consumer) error {
	in.log.Info("beats: listening", "address", in.ln.Addr().String(), "tls", in.tls != nil)
	stop := context.AfterFunc(ctx, func() { _ = in.ln.Close() })
	defer stop()
	var err error
	for {
		nc, aerr := in.ln.Accept()
		if aerr != nil {
			if ctx.Err() == nil && !errors.Is(aerr, net.ErrClosed) {
				err = fmt.Errorf("beats: accept: %w", aerr)
			}
			break
		}
		if !in.admit(nc) {
			continue
		}
		in.readers.Add(1)
		go in.serve(ctx, nc, next)
	}
	_ = in.ln.Close()
	in.readers.Wait()
	return err
}

// admit refuses a connection past max_connections.
func (in *Input) admit(nc net.Conn) bool {
	in.mu.Lock()
	full := len(in.conns) >= in.cfg.MaxConnections
	in.mu.Unlock()
	if !full {
		return true
	}
	in.m.refused.WithLabelValues("max_connections").Inc()
	in.warn(in.log, "max_connections", "beats: refusing connections: max_connections reached",
		"peer", nc.RemoteAddr().String(), "max_connections", in.cfg.MaxConnections)
	_ = nc.Close()
	return false
}

func (in *Input) serve(ctx context.Context, nc net.Conn, next pipeline.Consumer) {
	defer in.readers.Done()
	nc, name, err := in.handshake(ctx, nc)
	if err != nil {
		return
	}
	c := newConn(in, nc, name)
	in.mu.Lock()
	in.conns[c] = struct{}{}
	in.mu.Unlock()
	in.m.accepted.Inc()
	in.m.connections.Inc()
	c.log.Info("beats: client connected")
	in.ackers.Add(1)
	go func() {
		defer in.ackers.Done()
		c.ackLoop()
		in.mu.Lock()
		delete(in.conns, c)
		in.mu.Unlock()
		in.m.connections.Dec()
	}()
	if err := c.readLoop(ctx, next); ctx.Err() == nil {
		c.close(err)
	}
	close(c.queue) // ackLoop answers what is queued, then closes the connection
}

// waitsFor reports whether c's client sends nothing more until c's pending window is
// acknowledged: true unless c is still reading a window (the rest of it is on its way: a
// window goes to the pipeline in parts of handOverEvery events) or another connection of the
// client (Filebeat's loadbalance workers) is open with no window pending, free to carry
// whatever the client sends next. A client that pipelines windows on one connection is taken
// to wait once its window is read: how many it sends ahead is not known here.
func (in *Input) waitsFor(c *conn) bool {
	if c.reading.Load() {
		return false
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	for o := range in.conns { // (asked only of a group past its own timeout: a few a tick)
		if o != c && o.host == c.host && o.pending.Load() == 0 && !o.isClosed() {
			return false
		}
	}
	return true
}

// handshake runs the TLS handshake, bounded by read_timeout, on the connection's own goroutine
// so that a slow client cannot hold up the accept loop.
func (in *Input) handshake(ctx context.Context, nc net.Conn) (net.Conn, string, error) {
	if in.tls == nil {
		return nc, "", nil
	}
	tc := tls.Server(nc, in.tls.Config())
	hctx, cancel := context.WithTimeout(ctx, in.cfg.ReadTimeout)
	defer cancel()
	if err := tc.HandshakeContext(hctx); err != nil {
		reason := "tls_handshake"
		if errors.Is(err, tlsconfig.ErrClientName) {
			reason = "client_name"
		}
		in.m.refused.WithLabelValues(reason).Inc()
		in.warn(in.log, reason, "beats: tls handshake failed", "peer", nc.RemoteAddr().String(), "reason", reason, "error", err)
		_ = nc.Close()
		return nil, "", err
	}
	return tc, tlsconfig.ClientName(tc.ConnectionState()), nil
}

// Close waits, until ctx ends, for the windows already handed to the pipeline to be answered,
// then closes every connection.
func (in *Input) Close(ctx context.Context) error {
	_ = in.ln.Close()
	done := make(chan struct{})
	go func() { in.readers.Wait(); in.ackers.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
	}
	in.mu.Lock()
	for c := range in.conns {
		c.close(errForced)
	}
	in.mu.Unlock()
	<-done
	return nil
}

// ConnStats describes one connected client, for logs and the admin endpoint.
type ConnStats struct {
	Peer, ClientName                            string
	Since                                       time.Time
	Windows, Events, Bytes, Pending, Keepalives int64
}

// Stats lists the connected clients.
func (in *Input) Stats() []ConnStats {
	in.mu.Lock()
	defer in.mu.Unlock()
	out := make([]ConnStats, 0, len(in.conns))
	for c := range in.conns {
		out = append(out, ConnStats{Peer: c.peer, ClientName: c.name, Since: c.since, Windows: c.windows.Load(),
			Events: c.events.Load(), Bytes: c.bytes.Load(), Pending: c.pending.Load(), Keepalives: c.keepalives.Load()})
	}
	return out
}
