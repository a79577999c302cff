package beats

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"testing"
	"time"

	lumber "github.com/elastic/go-lumber/client/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/tidwall/gjson"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
)

func jsonValid(b []byte) bool { return gjson.ValidBytes(b) }

// sink is the pipeline as the input sees it: batches arrive on ch and the test resolves them.
type sink struct{ ch chan *event.Batch }

func (s *sink) Consume(ctx context.Context, b *event.Batch) error {
	select {
	case s.ch <- b:
		return nil
	case <-ctx.Done():
		b.Resolve(event.Retry)
		return ctx.Err()
	}
}

func (s *sink) next(t testing.TB) *event.Batch {
	t.Helper()
	select {
	case b := <-s.ch:
		return b
	case <-time.After(10 * time.Second):
		t.Fatal("no batch within 10s")
		return nil
	}
}

func defaultSettings(t testing.TB) pipeline.Settings {
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
	return pipeline.Settings{ID: "beats", Logger: log, Registerer: prometheus.NewRegistry()}
}

type harness struct {
	in     *Input
	sink   *sink
	addr   string
	cancel context.CancelFunc
	runErr chan error
}

// start runs an input on a loopback port; cleanup stops it and resolves what the test left.
func start(t testing.TB, mutate func(*Config)) *harness {
	t.Helper()
	return startWith(t, defaultSettings(t), mutate)
}

// startWith is start with the given settings (a logger the test reads).
func startWith(t testing.TB, set pipeline.Settings, mutate func(*Config)) *harness {
	t.Helper()
	cfg := NewConfig()
	cfg.Address = "127.0.0.1:0"
	if mutate != nil {
		mutate(cfg)
	}
	in, err := New(set, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	h := &harness{in: in, sink: &sink{ch: make(chan *event.Batch, 4096)}, addr: in.Addr().String(),
		cancel: cancel, runErr: make(chan error, 1)}
	go func() { h.runErr <- in.Run(ctx, h.sink) }()
	t.Cleanup(func() {
		cancel()
		if err := <-h.runErr; err != nil {
			t.Errorf("run: %v", err)
		}
		for {
			select {
			case b := <-h.sink.ch:
				b.Resolve(event.Retry)
				continue
			default:
			}
			break
		}
		cctx, ccancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer ccancel()
		_ = in.Close(cctx)
	})
	return h
}

func (h *harness) dial(t testing.TB, opts ...lumber.Option) *lumber.Client {
	t.Helper()
	c, err := lumber.Dial(h.addr, append([]lumber.Option{lumber.Timeout(10 * time.Second)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func (h *harness) rawConn(t testing.TB) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", h.addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func value(c prometheus.Collector) float64 { return testutil.ToFloat64(c) }

func messages(n int, prefix string) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = map[string]any{"message": fmt.Sprintf("%s-%d", prefix, i), "log": map[string]any{"offset": i}}
	}
	return out
}

func contextWithTimeout(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), d)
}
