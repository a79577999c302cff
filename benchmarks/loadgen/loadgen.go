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
	// Pipelining is the number of windows a connection may have unacknowledged, as Filebeat's
	// output.logstash.pipelining (default 2); 0 or 1 waits for each ACK before the next window.
	Pipelining int
	// Pool, when set, pre-generates that many events per connection and sends them in a
	// cycle, so that generating the corpus does not compete with the server for the CPU.
	Pool int
	// NodePaths gives each connection's events file paths of their own (corpus.Generator's
	// NodePaths), so that every event has its own document id.
	NodePaths bool
	// SplitGroups ends every window inside a multi-line group: its last events are the first
	// lines of a vLLM traceback, whose other lines open the next window. The input cannot
	// acknowledge such a window until the group is complete or flushed.
	SplitGroups bool
	// Precompressed encodes and compresses the windows once, up front (Pool events' worth, as
	// go-lumber's client frames them at Level), and writes them as they are, reading the ACKs
	// itself: the generator then costs almost no CPU, and the machine's cores go to the server.
	Precompressed bool
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
			run := runConn
			if cfg.Precompressed {
				run = runRaw
			}
			r, err := run(ctx, cfg, cfg.Seed+uint64(i), limit, interval)
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

// splitHead is how many lines of a traceback end a window with SplitGroups.
const splitHead = 3

func runConn(ctx context.Context, cfg Config, seed uint64, limit int, interval time.Duration) (Result, error) {
	var r Result
	cl, err := dial(cfg)
	if err != nil {
		return r, fmt.Errorf("loadgen: dial %s: %w", cfg.Addr, err)
	}
	defer cl.close()
	gen := corpus.New(seed)
	gen.NodePaths = cfg.NodePaths
	next := source(cfg.Pool, gen)
	window := make([]interface{}, cfg.Window)
	var carry [][]byte // with SplitGroups, the lines of a traceback still to send
	due := time.Now()
	sent := 0 // events handed to the client; r is updated by the ack callbacks
	for ctx.Err() == nil && (limit == 0 || sent < limit) {
		n := cfg.Window
		if limit > 0 && limit-sent < n {
			n = limit - sent
		}
		var bytes int64
		fill := n
		if cfg.SplitGroups && n > splitHead+len(carry) {
			fill = n - splitHead
		}
		for j := 0; j < fill; j++ {
			var ev []byte
			if len(carry) > 0 { // the rest of the last window's traceback comes first
				ev, carry = carry[0], carry[1:]
			} else {
				ev = next()
			}
			bytes += int64(len(ev))
			window[j] = json.RawMessage(ev)
		}
		if fill < n {
			tb := gen.Traceback()
			for j, ev := range tb[:splitHead] {
				bytes += int64(len(ev))
				window[fill+j] = json.RawMessage(ev)
			}
			carry = tb[splitHead:]
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
		sent += n
		if err := cl.send(window[:n], func(err error) {
			if err != nil {
				r.Failures++
				return
			}
			r.Latency = append(r.Latency, time.Since(t0))
			r.Events += n
			r.Bytes += bytes
			r.Windows++
		}); err != nil {
			cl.wait()
			return r, fmt.Errorf("loadgen: send window: %w", err)
		}
	}
	if err := cl.wait(); err != nil {
		return r, fmt.Errorf("loadgen: await acks: %w", err)
	}
	return r, nil
}

// client sends windows either one at a time (waiting for each ACK) or pipelined.
type client struct {
	sync  *lumber.SyncClient
	async *lumber.AsyncClient
	mu    sync.Mutex // serialises the done callbacks with the sender's reads of the result
	wg    sync.WaitGroup
	err   error
}

func dial(cfg Config) (*client, error) {
	opts := []lumber.Option{lumber.CompressionLevel(cfg.Level), lumber.Timeout(cfg.Timeout), lumber.JSONEncoder(rawEncoder)}
	if cfg.Pipelining > 1 {
		// go-lumber's async client queues one window more than its argument while it awaits
		// an ACK, so pass one less to have Pipelining windows unacknowledged.
		c, err := lumber.AsyncDial(cfg.Addr, cfg.Pipelining-1, opts...)
		return &client{async: c}, err
	}
	c, err := lumber.SyncDial(cfg.Addr, opts...)
	return &client{sync: c}, err
}

// send sends a window; done runs once it is acknowledged or failed (under c.mu).
func (c *client) send(window []interface{}, done func(error)) error {
	if c.sync != nil {
		_, err := c.sync.Send(window)
		c.mu.Lock()
		done(err)
		c.mu.Unlock()
		return err
	}
	c.wg.Add(1)
	return c.async.Send(func(_ uint32, err error) {
		defer c.wg.Done()
		c.mu.Lock()
		defer c.mu.Unlock()
		if err != nil && c.err == nil {
			c.err = err
		}
		done(err)
	}, window)
}

// wait returns once every window sent is acknowledged or failed.
func (c *client) wait() error {
	c.wg.Wait()
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

func (c *client) close() {
	if c.sync != nil {
		c.sync.Close()
		return
	}
	c.async.Close()
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
