// Package stack starts and stops the real services sluice's integration tests use: one
// Elasticsearch node and one Kafka broker, both from Maven Central, and a Filebeat binary built
// from the beats sources on the Go module proxy (and a Prometheus binary, built the same way,
// that tests start themselves). Everything listens on 127.0.0.1 only, lives in
// two folders of the project's own (a cache that survives runs and a state folder wiped on each
// start), and is described to tests through the environment variables of package testsvc.
package stack

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sluice-dev/sluice/internal/testsvc"
)

// Stack says where the services live and which ports they take. Use New for the defaults.
type Stack struct {
	RepoDir      string        // sluice's repository root (holds internal/testsvc/filebeat)
	CacheDir     string        // downloads, unpacked distributions, the Filebeat and Prometheus binaries
	StateDir     string        // per-run config, data, logs and pid files
	ESPort       int           // HTTP port; transport takes ESPort+100
	KafkaPort    int           // broker port; the KRaft controller takes KafkaPort+1
	StartTimeout time.Duration // how long a service may take to become healthy
}

// Service names accepted by Up and Down.
const (
	Elasticsearch = "elasticsearch"
	Kafka         = "kafka"
	Filebeat      = "filebeat"
	Prometheus    = "prometheus"
	// KubeAPIServer builds kube-apiserver and etcd. It is not in All: the first build takes
	// long (deploy/README.md), so only `stack up kube-apiserver` makes it.
	KubeAPIServer = "kube-apiserver"
)

// All is every service, in start order.
var All = []string{Elasticsearch, Kafka, Filebeat, Prometheus}

// New returns the stack for the repository at repo, with overrides from SLUICE_CACHE_DIR,
// SLUICE_STACK_DIR, SLUICE_TEST_ES_PORT and SLUICE_TEST_KAFKA_PORT.
func New(repo string) (*Stack, error) {
	s := &Stack{
		RepoDir:      repo,
		CacheDir:     envOr("SLUICE_CACHE_DIR", filepath.Join(repo, ".cache", "testsvc")),
		StateDir:     envOr("SLUICE_STACK_DIR", filepath.Join(repo, ".stack")),
		ESPort:       19200,
		KafkaPort:    19092,
		StartTimeout: 3 * time.Minute,
	}
	for env, p := range map[string]*int{"SLUICE_TEST_ES_PORT": &s.ESPort, "SLUICE_TEST_KAFKA_PORT": &s.KafkaPort} {
		if v := os.Getenv(env); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1024 || n > 65000 {
				return nil, fmt.Errorf("stack: %s=%q: not a port between 1024 and 65000", env, v)
			}
			*p = n
		}
	}
	return s, nil
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// Timing is how long one service took to become usable, and what it holds in memory.
type Timing struct {
	Service  string
	Duration time.Duration
	RSS      int64 // bytes; 0 for the Filebeat and Prometheus builds, which leave no process
}

// Up starts the named services (all when none are named) and returns the environment for
// tests. Elasticsearch and Kafka start side by side; a service already running from this state
// folder is left alone. When a service fails, the others keep running; callers run Down.
func (s *Stack) Up(ctx context.Context, services []string) (map[string]string, []Timing, error) {
	if len(services) == 0 {
		services = All
	}
	unlock, err := s.lock()
	if err != nil {
		return nil, nil, err
	}
	defer unlock()
	results := make([]result, len(services))
	var wg sync.WaitGroup
	for i, svc := range services {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			results[i] = s.upOne(ctx, svc)
			results[i].timing.Service, results[i].timing.Duration = svc, time.Since(start)
		}()
	}
	wg.Wait()
	env := map[string]string{}
	var timings []Timing
	var errs []error
	for _, r := range results {
		if r.err != nil {
			errs = append(errs, fmt.Errorf("stack: %s: %w", r.timing.Service, r.err))
			continue
		}
		env[r.key] = r.value
		for k, v := range r.more {
			env[k] = v
		}
		timings = append(timings, r.timing)
	}
	s.keepRunning(env)
	if err := s.writeEnv(env); err != nil {
		errs = append(errs, err)
	}
	return env, timings, errors.Join(errs...)
}

// keepRunning adds the services an earlier Up started and that still run (or, for the built
// binaries, whose file is still there), so `up kafka` does not drop Elasticsearch from the env
// file another shell relies on.
func (s *Stack) keepRunning(env map[string]string) {
	if _, ok := env[testsvc.EnvElasticsearch]; !ok && s.esDaemon().alive() {
		env[testsvc.EnvElasticsearch] = fmt.Sprintf("http://127.0.0.1:%d", s.ESPort)
	}
	if _, ok := env[testsvc.EnvKafka]; !ok && s.kafkaDaemon().alive() {
		env[testsvc.EnvKafka] = fmt.Sprintf("127.0.0.1:%d", s.KafkaPort)
	}
	old, _ := os.ReadFile(s.EnvFile())
	for _, key := range []string{testsvc.EnvFilebeat, testsvc.EnvPrometheus, testsvc.EnvKubeAPIServer, testsvc.EnvEtcd} {
		if _, ok := env[key]; ok {
			continue
		}
		prefix := "export " + key + "="
		for _, line := range strings.Split(string(old), "\n") {
			if v, err := strconv.Unquote(strings.TrimPrefix(line, prefix)); err == nil && strings.HasPrefix(line, prefix) {
				if _, err := os.Stat(v); err == nil {
					env[key] = v
				}
			}
		}
	}
}

type result struct {
	key, value string
	more       map[string]string // further variables, for a service that exports several
	timing     Timing
	err        error
}

func (s *Stack) upOne(ctx context.Context, svc string) result {
	var d daemon
	var r result
	var startFn func(context.Context) error
	switch svc {
	case Elasticsearch:
		d, startFn = s.esDaemon(), s.StartElasticsearch
		r = result{key: testsvc.EnvElasticsearch, value: fmt.Sprintf("http://127.0.0.1:%d", s.ESPort)}
	case Kafka:
		d, startFn = s.kafkaDaemon(), s.StartKafka
		r = result{key: testsvc.EnvKafka, value: fmt.Sprintf("127.0.0.1:%d", s.KafkaPort)}
	case Filebeat:
		bin, err := s.FilebeatBinary()
		return result{key: testsvc.EnvFilebeat, value: bin, err: err}
	case Prometheus:
		bin, err := s.PrometheusBinary()
		return result{key: testsvc.EnvPrometheus, value: bin, err: err}
	case KubeAPIServer:
		apiserver, etcd, err := s.KubeAPIServerBinaries()
		return result{key: testsvc.EnvKubeAPIServer, value: apiserver, more: map[string]string{testsvc.EnvEtcd: etcd}, err: err}
	default:
		return result{err: fmt.Errorf("unknown service %q (want one of %s, %s)", svc, strings.Join(All, ", "), KubeAPIServer)}
	}
	if !d.alive() {
		r.err = startFn(ctx)
	}
	r.timing.RSS = d.rss()
	return r
}

// Down stops every running service of this state folder whoever holds it (see Release).
// Data stays until the next Up, for post-mortems.
func (s *Stack) Down() error {
	var errs []error
	for _, d := range []daemon{s.kafkaDaemon(), s.esDaemon()} {
		if err := d.stop(60 * time.Second); err != nil {
			errs = append(errs, err)
		}
	}
	_ = os.Remove(filepath.Join(s.StateDir, "env"))
	return errors.Join(errs...)
}

// Status reports each service as running (with its RSS) or stopped.
func (s *Stack) Status() map[string]string {
	out := map[string]string{}
	for _, d := range []daemon{s.esDaemon(), s.kafkaDaemon()} {
		if d.alive() {
			out[d.name] = fmt.Sprintf("running pid %d rss %d MiB", d.pid(), d.rss()>>20)
		} else {
			out[d.name] = "stopped"
		}
	}
	return out
}

// EnvFile is where Up writes `export K=V` lines that a shell can source.
func (s *Stack) EnvFile() string { return filepath.Join(s.StateDir, "env") }

func (s *Stack) writeEnv(env map[string]string) error {
	var b strings.Builder
	for _, k := range []string{testsvc.EnvElasticsearch, testsvc.EnvKafka, testsvc.EnvFilebeat, testsvc.EnvPrometheus,
		testsvc.EnvKubeAPIServer, testsvc.EnvEtcd} {
		if v, ok := env[k]; ok {
			fmt.Fprintf(&b, "export %s=%s\n", k, strconv.Quote(v))
		}
	}
	if err := os.WriteFile(s.EnvFile(), []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("stack: write env: %w", err)
	}
	return nil
}

// ReadEnv returns the environment written by the last Up, or an error when no stack is up.
func (s *Stack) ReadEnv() (string, error) {
	b, err := os.ReadFile(s.EnvFile())
	if err != nil {
		return "", fmt.Errorf("stack: no running stack (%w); run `make stack` first", err)
	}
	return string(b), nil
}
