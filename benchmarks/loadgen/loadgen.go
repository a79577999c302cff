// Package loadgen sends the benchmark corpus to a Lumberjack v2 server the way Filebeat does:
// Elastic's own client library, windows of events, zlib-compressed frames, several connections,
// each waiting for the window's ACK before sending the next. It measures what Filebeat would see:
// events acknowledged and the time from sending a window to its acknowledgement.
package loadgen

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	lumber "github.com/elastic/go-lumber/client/v2"

	"github.com/sluice-dev/sluice/benchmarks/corpus"
)

// Config describes one load run.
type Config struct {
	// Addr is the host:port of the Lumberjack server.
	Addr string
	// Conns is the number of concurrent connections (Filebeat output workers).
	Conns int
	// Window is the number of events per window (Filebeat's bulk_max_size, 2048 by default).
	Window int
	// Level is the zlib compression level (Filebeat's default for output.logstash is 3).
	Level int
	// Rate caps the total events per second over all connections; 0 sends as fast as acks allow.
	Rate float64
	// Duration bounds the run; Events, when set, bounds the number of events sent.
	Duration time.Duration
	Events   int
	// Seed makes the corpus repeatable; connection i uses Seed+i.
	Seed uint64
	// Timeout is the client's read/write timeout (Filebeat's default is 30s).
	Timeout time.Duration
	// Pool, when set, pre-generates that many events per connection and sends them in a
	// cycle, so that generating the corpus does not compete with the server for the CPU.
	Pool int
}

// Result is what the run observed from the client side.
type Result struct {
	Events   int           // events acknowledged by the server
	Bytes    int64         // JSON bytes of the acknowledged events, before compression
	Windows  int           // windows acknowledged
	Elapsed  time.Duration // wall time of the run
	Latency  []time.Duration
	Failures int // windows that failed (connection errors); their events are not counted
}

// Percentile returns the p-th percentile (0..100) of window latencies.
func (r *Result) Percentile(p float64) time.Duration {
	if len(r.Latency) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), r.Latency...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := int(float64(len(s)-1) * p / 100)
	return s[i]
}

// rawEncoder sends pre-encoded JSON as it is, so the load generator spends no time encoding.
func rawEncoder(v interface{}) ([]byte, error) {
	if r, ok := v.(json.RawMessage); ok {
		return r, nil
	}
	return json.Marshal(v)
}

// Run sends load until the duration or event count is reached or ctx ends.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if cfg.Conns <= 0 || cfg.Window <= 0 {
		return nil, errors.New("loadgen: conns and window must be positive")
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.Duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cfg.Duration)
		defer cancel()
	}
	var interval time.Duration
	if cfg.Rate > 0 {
		interval = time.Duration(float64(time.Second) * float64(cfg.Window) * float64(cfg.Conns) / cfg.Rate)
	}
	var (
		mu    sync.Mutex
		total = &Result{}
		wg    sync.WaitGroup
		first error
	)
	start := time.Now()
	for i := 0; i < cfg.Conns; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			limit := 0 // this connection's share of cfg.Events; 0 means no limit
			if cfg.Events > 0 {
				limit = cfg.Events / cfg.Conns
				if i < cfg.Events%cfg.Conns {
					limit++
				}
				if limit == 0 {
					return
				}
			}
			r, err := runConn(ctx, cfg, cfg.Seed+uint64(i), limit, interval)
			mu.Lock()
			defer mu.Unlock()
			total.Events += r.Events
			total.Bytes += r.Bytes
			total.Windows += r.Windows
			total.Failures += r.Failures
			total.Latency = append(total.Latency, r.Latency...)
			if err != nil && first == nil {
				first = err
			}
		}(i)
	}
	wg.Wait()
	total.Elapsed = time.Since(start)
	return total, first
}

func runConn(ctx context.Context, cfg Config, seed uint64, limit int, interval time.Duration) (Result, error) {
	var r Result
	cl, err := lumber.SyncDial(cfg.Addr, lumber.CompressionLevel(cfg.Level),
		lumber.Timeout(cfg.Timeout), lumber.JSONEncoder(rawEncoder))
	if err != nil {
		return r, fmt.Errorf("loadgen: dial %s: %w", cfg.Addr, err)
	}
	defer cl.Close()
	next := source(cfg.Pool, corpus.New(seed))
	window := make([]interface{}, cfg.Window)
	due := time.Now()
	for ctx.Err() == nil && (limit == 0 || r.Events < limit) {
		n := cfg.Window
		if limit > 0 && limit-r.Events < n {
			n = limit - r.Events
		}
		var bytes int64
		for j := 0; j < n; j++ {
			ev := next()
			bytes += int64(len(ev))
			window[j] = json.RawMessage(ev)
		}
		if interval > 0 {
			if d := time.Until(due); d > 0 {
				select {
				case <-ctx.Done():
					return r, nil
				case <-time.After(d):
				}
			}
			due = due.Add(interval)
		}
		t0 := time.Now()
		if _, err := cl.Send(window[:n]); err != nil {
			r.Failures++
			return r, fmt.Errorf("loadgen: send window: %w", err)
		}
		r.Latency = append(r.Latency, time.Since(t0))
		r.Events += n
		r.Bytes += bytes
		r.Windows++
	}
	return r, nil
}

// source returns a function giving the next event: fresh from gen, or from a cycle of pool
// events generated up front.
func source(pool int, gen *corpus.Generator) func() []byte {
	if pool <= 0 {
		return gen.Event
	}
	evs := make([][]byte, pool)
	for i := range evs {
		evs[i] = gen.Event()
	}
	i := 0
	return func() []byte {
		ev := evs[i]
		i = (i + 1) % len(evs)
		return ev
	}
}
