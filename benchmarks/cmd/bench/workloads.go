package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
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
		stopProfile := profile(o, in, sc.Name)
		defer stopProfile()
		lg, err = loadgen.Run(context.Background(), loadgen.Config{Addr: in.beats, Conns: o.conns,
			Window: 2048, Level: 3, Duration: o.duration, Seed: 1, Pool: 8192, Pipelining: 2, SplitGroups: sc.SplitGroups,
			Precompressed: o.precompressed})
	case "latency":
		lg, err = loadgen.Run(context.Background(), loadgen.Config{Addr: in.beats, Conns: 2,
			Window: 200, Level: 3, Duration: o.duration, Rate: sc.Rate, Seed: 1, Pool: 8192,
			Precompressed: o.precompressed})
	case "stalled":
		lg, err = stalled(o, in)
	case "pushback":
		lg, err = pushback(o, in, sc, &r)
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

// pushback sends fresh events (no pool: every line has its own id) while the sink refuses a
// share of the items or has an outage, then lets sluice drain and counts what was lost (refused
// and never stored) and duplicated (sent again after it was stored).
func pushback(o options, in *instance, sc scenario, r *result) (*loadgen.Result, error) {
	d := o.duration
	if sc.Length > 0 {
		d = sc.Length
	}
	in.sink.SetReject(sc.Reject)
	outage := make(chan [2]time.Duration, 1) // start and end, on the sink's timeline
	if sc.Outage > 0 {
		go func() {
			time.Sleep(sc.OutageAt)
			from := in.sink.Elapsed()
			in.sink.SetUnavailable(true)
			time.Sleep(sc.Outage)
			in.sink.SetUnavailable(false)
			outage <- [2]time.Duration{from, in.sink.Elapsed()}
		}()
	}
	lg, err := loadgen.Run(context.Background(), loadgen.Config{Addr: in.beats, Conns: o.conns, Window: 2048,
		Level: 3, Duration: d, Seed: 1, Pipelining: 2, Timeout: 60 * time.Second, NodePaths: true})
	if err != nil {
		return lg, err
	}
	// Every acknowledged line is stored by now; let requeued items that belong to no pending
	// window (there are none) settle before counting.
	time.Sleep(time.Second)
	tr := in.sink.Tracking()
	r.StoredDocs, r.Duplicates, r.Lost = tr.Stored, tr.Conflicts, tr.Lost
	if sc.Outage > 0 {
		span := <-outage
		r.PreOutageEv, r.RecoveryS = recovery(tr.Timeline, span[0], span[1])
	}
	return lg, nil
}

// recovery reads the per-100 ms timeline: the stored documents per second before the outage
// (from 1 s in, to skip the start) and how long after the outage ended the first 1 s window
// that stored at least 80 % of that rate again was over (an upper bound: the rate may have been
// back earlier within that window).
func recovery(tl []int64, from, to time.Duration) (rate, seconds float64) {
	const slot = 100 * time.Millisecond
	a, b := int(time.Second/slot), int(from/slot)
	var sum int64
	for i := a; i < b && i < len(tl); i++ {
		sum += tl[i]
	}
	if b <= a {
		return 0, -1
	}
	rate = float64(sum) / (float64(b-a) * slot.Seconds())
	for i := int(to / slot); i+10 <= len(tl); i++ {
		var w int64
		for _, n := range tl[i : i+10] {
			w += n
		}
		if float64(w) >= 0.8*rate {
			return rate, (time.Duration(i+10)*slot - to).Seconds()
		}
	}
	return rate, -1
}

// profile takes a CPU profile of sluice over the middle of a throughput run, when -cpuprofile
// names a folder, and writes it there as <scenario>.pprof, then a heap profile as
// <scenario>.heap.pprof. The returned function waits for them.
func profile(o options, in *instance, name string) func() {
	if o.cpuprofile == "" {
		return func() {}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		secs := max(int(o.duration.Seconds())-3, 1)
		time.Sleep(time.Second) // past the start, into the steady state
		fetch := func(path, file string) {
			resp, err := http.Get(fmt.Sprintf("http://%s%s", in.http, path))
			if err != nil {
				fmt.Fprintf(os.Stderr, "bench: %s: profile: %v\n", name, err)
				return
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			if err == nil && resp.StatusCode != http.StatusOK {
				err = fmt.Errorf("status %s", resp.Status)
			}
			if err == nil {
				err = os.WriteFile(filepath.Join(o.cpuprofile, file), b, 0o644)
			}
			if err != nil {
				fmt.Fprintf(os.Stderr, "bench: %s: profile: %v\n", name, err)
			}
		}
		fetch(fmt.Sprintf("/debug/pprof/profile?seconds=%d", secs), name+".pprof")
		fetch("/debug/pprof/heap", name+".heap.pprof") // what is live under full load
	}()
	return func() { <-done }
}
