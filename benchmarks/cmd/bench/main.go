// Command bench runs sluice end to end against its performance goals: it builds the binary,
// starts it with a scenario's config, drives it with the Lumberjack load generator, counts what
// reaches a bulk sink, and reports throughput, CPU, peak memory and latency as a table and JSON.
//
//	go run ./benchmarks/cmd/bench            # short run, about a minute
//	go run ./benchmarks/cmd/bench -long      # careful run, a minute per scenario
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"text/template"
	"time"

	"github.com/sluice-dev/sluice/benchmarks/sink"
)

// result is one scenario's figures; the JSON names are documented in benchmarks/README.md.
type result struct {
	Scenario      string  `json:"scenario"`
	Desc          string  `json:"description"`
	Events        int     `json:"events"`
	Seconds       float64 `json:"seconds"`
	EventsPerSec  float64 `json:"events_per_sec"`
	MBPerSec      float64 `json:"mb_per_sec"`
	CPUSeconds    float64 `json:"cpu_seconds"`
	EventsPerCore float64 `json:"events_per_cpu_sec"`
	CPUPerMillion float64 `json:"cpu_sec_per_million"`
	PeakRSSMiB    float64 `json:"peak_rss_mib"`
	P50ms         float64 `json:"p50_ms,omitempty"`
	P99ms         float64 `json:"p99_ms,omitempty"`
	SinkDocs      int64   `json:"sink_docs"`
	IdleConns     int     `json:"idle_conns,omitempty"`
	IdleDeltaMiB  float64 `json:"idle_rss_delta_mib,omitempty"`
	Error         string  `json:"error,omitempty"`
	// Pushback workloads (tracked, reject30, outage503).
	StoredDocs     int64   `json:"stored_docs,omitempty"`
	Duplicates     int64   `json:"duplicates,omitempty"`
	Lost           int64   `json:"lost,omitempty"`
	RecoveryS      float64 `json:"recovery_seconds,omitempty"`
	PreOutageEv    float64 `json:"pre_outage_docs_per_sec,omitempty"`
	WireBytesPerEv float64 `json:"bulk_wire_bytes_per_event"`
}

type options struct {
	long     bool
	only     string
	out      string
	bin      string
	duration time.Duration
	conns    int
	peer     string
	// cpuprofile, when set, is a folder where a CPU profile of sluice taken during each
	// throughput run is written (<scenario>.pprof), for `go tool pprof BIN FILE`.
	cpuprofile string
	// precompressed sends windows encoded once (loadgen.Config.Precompressed), so that the
	// generator's compression does not take the cores the server is measured on.
	precompressed bool
	// procs, when set, is sluice's GOMAXPROCS: the cores it may use at once (scaling runs).
	procs int
	// cpus, when set, pins the measured process to these CPUs with taskset (scaling runs on a
	// machine with cores to spare for the load generators).
	cpus string
	// against, when set, is a second sluice binary (the base) run in alternation with the
	// measured one, pairs times per scenario (ab.go).
	against string
	pairs   int
}

func main() {
	var o options
	flag.BoolVar(&o.long, "long", false, "careful run: 60 s per scenario instead of 8 s")
	flag.StringVar(&o.only, "only", "", "comma-separated scenario names to run (default all)")
	flag.StringVar(&o.out, "out", "benchmarks/results/latest.json", "where to write the JSON results")
	flag.StringVar(&o.bin, "sluice", "", "sluice binary to measure (default: build ./cmd/sluice)")
	flag.IntVar(&o.conns, "conns", 4, "Lumberjack connections for throughput scenarios")
	flag.StringVar(&o.peer, "peer", "../shared/peers/vector", "the peer's binary (Vector); its config is vector-beats-parse-es.toml beside it")
	flag.BoolVar(&o.precompressed, "precompressed", true, "throughput and latency clients send windows compressed once, up front (false: go-lumber's client compresses every window)")
	flag.IntVar(&o.procs, "procs", 0, "sluice's GOMAXPROCS (0: all cores), to compare one core with two")
	flag.StringVar(&o.cpus, "cpus", "", "pin sluice (or the peer) to these CPUs with taskset, e.g. 8,9 (run the harness itself under taskset on others)")
	flag.StringVar(&o.cpuprofile, "cpuprofile", "", "folder for a CPU profile of sluice during each throughput run")
	flag.StringVar(&o.against, "against", "", "a base sluice binary: run each scenario in pairs, alternating the two, and report the ratios with 95 % intervals")
	flag.IntVar(&o.pairs, "pairs", 6, "pairs of runs per scenario with -against")
	flag.Parse()
	o.duration = 8 * time.Second
	if o.long {
		o.duration = 60 * time.Second
	}
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(o options) error {
	work, err := os.MkdirTemp("", "sluice-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	if o.bin == "" {
		o.bin = filepath.Join(work, "sluice")
		build := exec.Command("go", "build", "-o", o.bin, "./cmd/sluice")
		build.Stdout, build.Stderr = os.Stdout, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("build sluice: %w", err)
		}
	}
	if o.against != "" {
		return runAB(o, work)
	}
	var results []result
	failed := false
	for _, sc := range scenarios() {
		if o.only != "" && !contains(strings.Split(o.only, ","), sc.Name) {
			continue
		}
		fmt.Fprintf(os.Stderr, "bench: %s: %s\n", sc.Name, sc.Desc)
		r, err := runScenario(o, work, sc)
		var skip errSkipped
		if errors.As(err, &skip) {
			r.Error = err.Error()
			fmt.Fprintf(os.Stderr, "bench: %s %v\n", sc.Name, err)
		} else if err != nil {
			r.Error = err.Error()
			failed = true
			fmt.Fprintf(os.Stderr, "bench: %s failed: %v\n", sc.Name, err)
		}
		results = append(results, r)
	}
	printTable(os.Stdout, results)
	printRatios(os.Stdout, results)
	if err := writeJSON(o.out, results); err != nil {
		return err
	}
	if failed {
		return errors.New("some scenarios failed (see above)")
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if strings.TrimSpace(x) == s {
			return true
		}
	}
	return false
}

const configTemplate = `# generated by benchmarks/cmd/bench for scenario {{.S.Name}}
http:
  address: 127.0.0.1:{{.HTTPPort}}{{if .Pprof}}
  pprof: true{{end}}
log:
  level: warn
runtime:
  flush_interval: {{.S.Flush}}{{if .S.MemoryLimit}}
  memory_limit: {{.S.MemoryLimit}}{{end}}
dead_letter:
  path: {{.Work}}/dlq
inputs:
  beats:
    address: 127.0.0.1:{{.BeatsPort}}
processors:{{.S.Processors}}{{if .S.Cluster}}
  kubernetes:
    kubeconfig: {{.Kubeconfig}}
    labels: ["app.kubernetes.io/*"]
    gpu_resources: [nvidia.com/gpu]{{end}}
outputs:
  elasticsearch:
    hosts: ["{{.SinkURL}}"]
    compression: "{{if .S.Gzip}}gzip{{else}}none{{end}}"
    flush_interval: {{.S.Flush}}{{if .S.Errors}}
  elasticsearch/errors:
    hosts: ["{{.SinkURL}}"]
    compression: "{{if .S.Gzip}}gzip{{else}}none{{end}}"
    flush_interval: {{.S.Flush}}{{end}}
pipelines:
  main:
    inputs: [beats]
    processors: [{{join .S.Chain ", "}}]
    outputs: [elasticsearch{{if .S.Errors}}, elasticsearch/errors{{end}}]
`

type instance struct {
	http  string // sluice's HTTP address (metrics, and profiles with -cpuprofile)
	cmd   *exec.Cmd
	beats string
	sink  *sink.Sink
	srv   *http.Server
	kube  *http.Server // the Kubernetes API of a cluster scenario
	log   string
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func start(o options, work string, sc scenario) (*instance, error) {
	sk := sink.New()
	if sc.Workload == "pushback" {
		sk.Track(1)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: sk}
	go srv.Serve(l)
	beatsPort, err := freePort()
	if err != nil {
		return nil, err
	}
	httpPort, err := freePort()
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(work, sc.Name+".log")
	var kube *http.Server
	kubeconfig := ""
	if sc.Cluster {
		if kubeconfig, kube, err = startKubeAPI(work); err != nil {
			srv.Close()
			return nil, err
		}
	}
	cmd, err := command(o, work, sc, l.Addr().String(), beatsPort, httpPort, kubeconfig)
	if err != nil {
		srv.Close()
		if kube != nil {
			kube.Close()
		}
		return nil, err
	}
	if o.cpus != "" {
		if cmd, err = pin(cmd, o.cpus); err != nil {
			srv.Close()
			if kube != nil {
				kube.Close()
			}
			return nil, err
		}
	}
	lf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = lf, lf
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", cmd.Path, err)
	}
	in := &instance{cmd: cmd, beats: fmt.Sprintf("127.0.0.1:%d", beatsPort), sink: sk, srv: srv, kube: kube, log: logPath,
		http: fmt.Sprintf("127.0.0.1:%d", httpPort)}
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", in.beats, time.Second)
		if err == nil {
			c.Close()
			return in, nil
		}
		if time.Now().After(deadline) || cmd.ProcessState != nil {
			in.stop()
			return nil, fmt.Errorf("%s did not listen on %s within 30s; its log: %s", cmd.Path, in.beats, tail(logPath))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// command writes the scenario's config and returns the process to measure: sluice, or the peer.
func command(o options, work string, sc scenario, sinkAddr string, beatsPort, httpPort int, kubeconfig string) (*exec.Cmd, error) {
	if sc.Peer {
		path := filepath.Join(work, sc.Name+".toml")
		cfg, err := peerConfig(filepath.Join(filepath.Dir(o.peer), "vector-beats-parse-es.toml"), work, beatsPort, "http://"+sinkAddr)
		if err != nil {
			if _, serr := os.Stat(o.peer); serr != nil {
				return nil, errSkipped{fmt.Sprintf("no peer binary at %s (set -peer)", o.peer)}
			}
			return nil, err
		}
		if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
			return nil, err
		}
		return peerCommand(o.peer, path)
	}
	tpl := template.Must(template.New("cfg").Funcs(template.FuncMap{"join": strings.Join}).Parse(configTemplate))
	cfgPath := filepath.Join(work, sc.Name+".yaml")
	f, err := os.Create(cfgPath)
	if err != nil {
		return nil, err
	}
	err = tpl.Execute(f, map[string]any{"S": sc, "HTTPPort": httpPort, "BeatsPort": beatsPort,
		"SinkURL": "http://" + sinkAddr, "Work": work, "Pprof": o.cpuprofile != "", "Kubeconfig": kubeconfig})
	f.Close()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(o.bin, "run", "-c", cfgPath)
	cmd.Env = append(os.Environ(), sc.Env...)
	if o.procs > 0 {
		cmd.Env = append(cmd.Env, fmt.Sprintf("GOMAXPROCS=%d", o.procs))
	}
	return cmd, nil
}

// pin runs cmd under taskset, pinned to cpus. taskset execs the program: the process measured
// (its CPU time, its peak RSS) is the program's own.
func pin(cmd *exec.Cmd, cpus string) (*exec.Cmd, error) {
	taskset, err := exec.LookPath("taskset")
	if err != nil {
		return nil, fmt.Errorf("-cpus %s: %w", cpus, err)
	}
	pinned := exec.Command(taskset, append([]string{"-c", cpus}, cmd.Args...)...)
	pinned.Args[3] = cmd.Path // the program as resolved, not as named
	pinned.Env, pinned.Dir = cmd.Env, cmd.Dir
	return pinned, nil
}

func (in *instance) stop() {
	in.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { in.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		in.cmd.Process.Kill()
		<-done
	}
	in.srv.Close()
	if in.kube != nil {
		in.kube.Close()
	}
}

func tail(path string) string {
	b, _ := os.ReadFile(path)
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

func writeJSON(path string, results any) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	doc := map[string]any{
		"when":    time.Now().UTC().Format(time.RFC3339),
		"machine": map[string]any{"cpus": runtime.NumCPU(), "goos": runtime.GOOS, "goarch": runtime.GOARCH, "go": runtime.Version()},
		"results": results,
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

func printTable(w *os.File, rs []result) {
	fmt.Fprintf(w, "\n%-12s %10s %8s %12s %10s %9s %8s %8s  %s\n",
		"scenario", "events/s", "MB/s", "events/cpu-s", "cpu-s/1M", "rss MiB", "p50 ms", "p99 ms", "note")
	for _, r := range rs {
		note := r.Error
		if r.IdleConns > 0 {
			note = fmt.Sprintf("%d idle conns: +%.1f MiB", r.IdleConns, r.IdleDeltaMiB)
		}
		if r.StoredDocs > 0 {
			note = fmt.Sprintf("stored %d, duplicates %d, lost %d", r.StoredDocs, r.Duplicates, r.Lost)
			if r.PreOutageEv > 0 {
				note += fmt.Sprintf(", back to speed %.1fs after the outage", r.RecoveryS)
			}
		}
		fmt.Fprintf(w, "%-12s %10.0f %8.1f %12.0f %10.2f %9.1f %8.1f %8.1f  %s\n",
			r.Scenario, r.EventsPerSec, r.MBPerSec, r.EventsPerCore, r.CPUPerMillion, r.PeakRSSMiB, r.P50ms, r.P99ms, note)
	}
	fmt.Fprintf(w, "(machine: %d CPUs; events/cpu-s is events per second of sluice CPU time, i.e. per core)\n", runtime.NumCPU())
}
