package main

import (
	"context"
	"fmt"
	"time"

	lumber "github.com/elastic/go-lumber/client/v2"

	"github.com/sluice-dev/sluice/benchmarks/loadgen"
)

func runScenario(o options, work string, sc scenario) (result, error) {
	r := result{Scenario: sc.Name, Desc: sc.Desc}
	in, err := start(o, work, sc)
	if err != nil {
		return r, err
	}
	defer in.stop()
	pid := in.cmd.Process.Pid
	cpu0, err := cpuSeconds(pid)
	if err != nil {
		return r, err
	}
	rss := sampleRSS(pid, 50*time.Millisecond)
	var lg *loadgen.Result
	switch sc.Workload {
	case "throughput":
		lg, err = loadgen.Run(context.Background(), loadgen.Config{Addr: in.beats, Conns: o.conns,
			Window: 2048, Level: 3, Duration: o.duration, Seed: 1, Pool: 8192, Pipelining: 2})
	case "latency":
		lg, err = loadgen.Run(context.Background(), loadgen.Config{Addr: in.beats, Conns: 2,
			Window: 200, Level: 3, Duration: o.duration, Rate: sc.Rate, Seed: 1, Pool: 8192})
	case "stalled":
		lg, err = stalled(o, in)
	case "idle":
		err = idle(in, &r)
	default:
		err = fmt.Errorf("unknown workload %q", sc.Workload)
	}
	cpu1, cerr := cpuSeconds(pid)
	r.PeakRSSMiB = rss.Stop()
	if err != nil {
		return r, fmt.Errorf("%w; sluice log: %s", err, tail(in.log))
	}
	if cerr != nil {
		return r, cerr
	}
	st := in.sink.Stats()
	r.SinkDocs = st.Docs
	r.CPUSeconds = cpu1 - cpu0
	if lg != nil {
		r.Events = lg.Events
		r.Seconds = lg.Elapsed.Seconds()
		r.EventsPerSec = float64(lg.Events) / r.Seconds
		r.MBPerSec = float64(lg.Bytes) / r.Seconds / 1e6
		if r.CPUSeconds > 0 {
			r.EventsPerCore = float64(lg.Events) / r.CPUSeconds
		}
		if lg.Events > 0 {
			r.CPUPerMillion = r.CPUSeconds / float64(lg.Events) * 1e6
			r.WireBytesPerEv = float64(st.WireBytes) / float64(lg.Events)
		}
		r.P50ms = float64(lg.Percentile(50)) / 1e6
		r.P99ms = float64(lg.Percentile(99)) / 1e6
		// Tracebacks and split lines are joined into one document, so the sink sees somewhat
		// fewer documents than lines; far fewer means events were acknowledged but lost.
		if float64(st.Docs) < 0.9*float64(lg.Events) {
			return r, fmt.Errorf("%d events acknowledged to the client but only %d documents reached the sink", lg.Events, st.Docs)
		}
	}
	return r, nil
}

// stalled holds the sink for the run's duration while clients keep sending, then resumes it
// and lets everything drain. The peak RSS is the memory sluice needs under full backpressure.
func stalled(o options, in *instance) (*loadgen.Result, error) {
	resume := in.sink.Stall()
	defer resume()
	type out struct {
		r   *loadgen.Result
		err error
	}
	ch := make(chan out, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		r, err := loadgen.Run(ctx, loadgen.Config{Addr: in.beats, Conns: o.conns, Window: 2048, Level: 3,
			Duration: o.duration, Seed: 1, Pool: 8192, Pipelining: 2, Timeout: o.duration + 60*time.Second})
		ch <- out{r, err}
	}()
	time.Sleep(o.duration)
	resume()
	res := <-ch
	return res.r, res.err
}

// idle connects 50 Filebeat-like clients, sends one small window on each so the connection is
// fully set up, then holds them open and measures the memory they cost.
func idle(in *instance, r *result) error {
	pid := in.cmd.Process.Pid
	time.Sleep(500 * time.Millisecond)
	before, err := statusKB(pid, "VmRSS")
	if err != nil {
		return err
	}
	const n = 50
	var clients []*lumber.SyncClient
	defer func() {
		for _, c := range clients {
			c.Close()
		}
	}()
	for i := 0; i < n; i++ {
		c, err := lumber.SyncDial(in.beats, lumber.CompressionLevel(3))
		if err != nil {
			return fmt.Errorf("idle client %d: %w", i, err)
		}
		clients = append(clients, c)
		if _, err := c.Send([]interface{}{map[string]any{"message": "hello", "@timestamp": time.Now().UTC().Format(time.RFC3339Nano)}}); err != nil {
			return fmt.Errorf("idle client %d send: %w", i, err)
		}
	}
	time.Sleep(3 * time.Second)
	after, err := statusKB(pid, "VmRSS")
	if err != nil {
		return err
	}
	r.IdleConns = n
	r.IdleDeltaMiB = float64(after-before) / 1024
	return nil
}
