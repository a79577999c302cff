package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	lumber "github.com/elastic/go-lumber/client/v2"
	"go.yaml.in/yaml/v3"

	"github.com/sluice-dev/sluice/internal/testsvc"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
)

// pipelineAlerts are the alerts that Elasticsearch out of reach must raise: the output fails,
// the inputs block once sluice holds as many events as it may, and nothing more comes in.
var pipelineAlerts = []string{"SluiceOutputDown", "SluiceInFlightAtLimit", "SluiceNoEventsIn"}

// The shipped Prometheus config and rules, run by a real Prometheus against the sluice pod as
// deployed (TestDeployedPodIndexesOverTLS): every rule loads and evaluates, the sluice target
// is up with the labels the relabelling gives it in the cluster, every sluice metric a rule or
// a Grafana panel reads has a series, the pipeline alerts stay quiet while events flow and go
// pending or firing while Elasticsearch is out of reach, and the output's clear once it is
// back. The test stack's Elasticsearch is shared, so a TCP forwarder in front of it is what
// stops. Changed for the test: the intervals (1s), the targets (static ones with the labels
// Kubernetes discovery would give, so the shipped relabelling runs), and the rules' range
// windows, read in seconds instead of minutes so that "nothing in for 10m" needs 10 seconds;
// `for:` is not waited for (pending proves the expression holds).
func TestDeployedPrometheus(t *testing.T) {
	t.Parallel()
	bin := testsvc.Prometheus(t)
	proxy, caPEM := tlsProxy(t, testsvc.Elasticsearch(t))
	fwd := startForwarder(t, proxy.Listener.Addr().String())
	pod := startDeployedPod(t, "https://"+fwd.addr, caPEM)
	prom := startPrometheus(t, bin, pod.httpAddr)

	rules := prom.waitRulesHealthy(t, countShippedRules(t))
	t.Logf("%d rules loaded and evaluated", rules)
	prom.waitTargetUp(t, map[string]string{"job": "sluice", "namespace": "llm-observability", "pod": "sluice-0", "node": "node-1"})

	stopSender := sendSteadily(t, pod.beatsAddr)
	prom.waitUntil(t, "events flowing and no pipeline alert", func() (bool, string) {
		in := prom.query(t, `sum(rate(sluice_component_events_received_total{kind="input"}[5s])) > 0`)
		active := prom.activeAlerts(t, pipelineAlerts...)
		return in > 0 && len(active) == 0, fmt.Sprintf("input rate series %d, active %v", in, active)
	})
	prom.checkMetricsScraped(t, usedSluiceMetrics(t))

	t.Log("events flow, no pipeline alert: taking Elasticsearch out of reach")
	fwd.stop()
	fill := fillInFlight(t, pod.beatsAddr)
	prom.waitUntil(t, "the pipeline alerts pending or firing", func() (bool, string) {
		active := prom.activeAlerts(t, pipelineAlerts...)
		return len(active) == len(pipelineAlerts), fmt.Sprintf("active %v; in flight %v of %v", active,
			prom.values(t, "sluice_events_in_flight"), prom.values(t, "sluice_events_in_flight_limit"))
	})
	if down := prom.activeAlerts(t, "SluiceDown"); len(down) > 0 {
		t.Errorf("SluiceDown is %v while sluice answers", down)
	}

	t.Log("pipeline alerts active: Elasticsearch back")
	fwd.start(t)
	prom.waitUntil(t, "the output and in-flight alerts resolved", func() (bool, string) {
		active := prom.activeAlerts(t, "SluiceOutputDown", "SluiceInFlightAtLimit")
		return len(active) == 0, fmt.Sprintf("active %v", active)
	})
	t.Log("output and in-flight alerts resolved: waiting for every window's ACK")
	fill()
	stopSender()
}

// promServer is a running Prometheus server and its HTTP API.
type promServer struct {
	api  string // http://host:port
	logs *bytes.Buffer
}

// startPrometheus runs bin with deploy/base/prometheus/prometheus.yml and the rules, changed as
// TestDeployedPrometheus says, scraping the sluice pod at sluiceAddr.
func startPrometheus(t *testing.T, bin, sluiceAddr string) *promServer {
	t.Helper()
	dir := t.TempDir()
	addr := pipelinetest.RefusedAddr(t)
	rulesDir := filepath.Join(dir, "rules")
	copyRulesInSeconds(t, rulesDir)
	writeFile(t, filepath.Join(dir, "prometheus.yml"), prometheusConfig(t, addr, sluiceAddr, rulesDir))
	cmd := exec.Command(bin, "--config.file="+filepath.Join(dir, "prometheus.yml"),
		"--storage.tsdb.path="+filepath.Join(dir, "data"), "--web.listen-address="+addr)
	p := &promServer{api: "http://" + addr, logs: &bytes.Buffer{}}
	cmd.Stdout, cmd.Stderr = p.logs, p.logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	exited := startUntilCleanup(t, cmd, func(error) {
		if t.Failed() {
			t.Logf("prometheus output:\n%s", p.logs.String())
		}
	})
	waitUntil(t, exited, p.logs, "Prometheus ready", func() bool {
		r, err := http.Get(p.api + "/-/ready")
		if err == nil {
			r.Body.Close()
		}
		return err == nil && r.StatusCode == 200
	})
	return p
}

// prometheusConfig is the shipped prometheus.yml with 1s intervals, the rules read from
// rulesDir, Prometheus' own target at addr, and Kubernetes discovery replaced by one static
// target per job carrying the pod labels discovery gives: sluice's pod at sluiceAddr. The
// DCGM exporter and vLLM jobs keep their relabelling and get no target.
func prometheusConfig(t *testing.T, addr, sluiceAddr, rulesDir string) string {
	t.Helper()
	var cfg map[string]any
	raw, err := os.ReadFile("../../deploy/base/prometheus/prometheus.yml")
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(raw, &cfg); err != nil {
		t.Fatalf("prometheus.yml: %v", err)
	}
	cfg["global"] = map[string]any{"scrape_interval": "1s", "scrape_timeout": "1s", "evaluation_interval": "1s"}
	cfg["rule_files"] = []string{filepath.Join(rulesDir, "*.yaml")}
	targets := map[string]map[string]any{
		"sluice": {"targets": []string{sluiceAddr}, "labels": map[string]string{
			"__meta_kubernetes_namespace":                        "llm-observability",
			"__meta_kubernetes_pod_label_app_kubernetes_io_name": "sluice",
			"__meta_kubernetes_pod_container_port_name":          "http",
			"__meta_kubernetes_pod_name":                         "sluice-0",
			"__meta_kubernetes_pod_node_name":                    "node-1",
		}},
		"prometheus": {"targets": []string{addr}},
	}
	jobs, _ := cfg["scrape_configs"].([]any)
	for _, j := range jobs {
		job := j.(map[string]any)
		if _, ok := job["kubernetes_sd_configs"]; !ok && job["static_configs"] == nil {
			t.Fatalf("prometheus.yml: job %v: neither Kubernetes nor static targets", job["job_name"])
		}
		delete(job, "kubernetes_sd_configs")
		delete(job, "static_configs")
		if tg, ok := targets[job["job_name"].(string)]; ok {
			job["static_configs"] = []any{tg}
		}
	}
	out, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

var rangeInMinutes = regexp.MustCompile(`\[(\d+)m\]`)

// copyRulesInSeconds copies the shipped rule files into dir with every [Nm] range read as [Ns].
func copyRulesInSeconds(t *testing.T, dir string) {
	t.Helper()
	files, err := filepath.Glob("../../deploy/base/prometheus/rules/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no rule files: %v", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, filepath.Base(f)), rangeInMinutes.ReplaceAllString(string(raw), "[${1}s]"))
	}
}

// countShippedRules counts the alerting and recording rules of the shipped rule files.
func countShippedRules(t *testing.T) int {
	t.Helper()
	files, _ := filepath.Glob("../../deploy/base/prometheus/rules/*.yaml")
	n := 0
	for _, f := range files {
		var doc struct {
			Groups []struct {
				Rules []map[string]any `yaml:"rules"`
			} `yaml:"groups"`
		}
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := yaml.Unmarshal(raw, &doc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, g := range doc.Groups {
			n += len(g.Rules)
		}
	}
	return n
}

var sluiceMetricRef = regexp.MustCompile(`\bsluice_[a-z0-9_]+`)

// usedSluiceMetrics lists the sluice metrics the shipped rules and Grafana dashboards read.
// sluice_check_* come from the preflight watch (`sluice check --watch`), another process
// under the same job, so they are not expected from the pod.
func usedSluiceMetrics(t *testing.T) []string {
	t.Helper()
	rules, _ := filepath.Glob("../../deploy/base/prometheus/rules/*.yaml")
	dashboards, _ := filepath.Glob("../../deploy/base/grafana/dashboards/*.json")
	seen := map[string]bool{}
	for _, f := range append(rules, dashboards...) {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range sluiceMetricRef.FindAllString(string(raw), -1) {
			if !strings.HasPrefix(m, "sluice_check_") {
				seen[m] = true
			}
		}
	}
	var out []string
	for m := range seen {
		out = append(out, m)
	}
	sort.Strings(out)
	if len(out) < 10 {
		t.Fatalf("only %d sluice metrics found in the rules and dashboards: %v", len(out), out)
	}
	return out
}

// apiGet decodes the data of a Prometheus API answer into v.
func (p *promServer) apiGet(t *testing.T, path string, v any) {
	t.Helper()
	r, err := http.Get(p.api + path)
	if err != nil {
		t.Fatalf("prometheus: %s: %v", path, err)
	}
	defer r.Body.Close()
	var body struct {
		Status string          `json:"status"`
		Error  string          `json:"error"`
		Data   json.RawMessage `json:"data"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Status != "success" {
		t.Fatalf("prometheus: %s: %v %s", path, err, body.Error)
	}
	if err := json.Unmarshal(body.Data, v); err != nil {
		t.Fatalf("prometheus: %s: %v", path, err)
	}
}

// query returns how many series an instant query selects.
func (p *promServer) query(t *testing.T, q string) int {
	t.Helper()
	var res struct {
		Result []json.RawMessage `json:"result"`
	}
	p.apiGet(t, "/api/v1/query?query="+url.QueryEscape(q), &res)
	return len(res.Result)
}

// values returns the sample values an instant query selects.
func (p *promServer) values(t *testing.T, q string) []string {
	t.Helper()
	var res struct {
		Result []struct {
			Value [2]any `json:"value"`
		} `json:"result"`
	}
	p.apiGet(t, "/api/v1/query?query="+url.QueryEscape(q), &res)
	var out []string
	for _, r := range res.Result {
		out = append(out, fmt.Sprint(r.Value[1]))
	}
	return out
}

// activeAlerts returns which of names are pending or firing, with their state.
func (p *promServer) activeAlerts(t *testing.T, names ...string) []string {
	t.Helper()
	var res struct {
		Alerts []struct {
			Labels map[string]string `json:"labels"`
			State  string            `json:"state"`
		} `json:"alerts"`
	}
	p.apiGet(t, "/api/v1/alerts", &res)
	var out []string
	for _, a := range res.Alerts {
		for _, n := range names {
			if a.Labels["alertname"] == n {
				out = append(out, n+" "+a.State)
			}
		}
	}
	sort.Strings(out)
	return slicesCompactByName(out)
}

// slicesCompactByName keeps one entry per alert name (an alert may be active for several
// series, e.g. both Elasticsearch outputs).
func slicesCompactByName(sorted []string) []string {
	var out []string
	for _, s := range sorted {
		name, _, _ := strings.Cut(s, " ")
		if len(out) > 0 && strings.HasPrefix(out[len(out)-1], name+" ") {
			continue
		}
		out = append(out, s)
	}
	return out
}

// waitRulesHealthy waits until Prometheus has loaded want rules and evaluated each without
// error, and returns how many it holds.
func (p *promServer) waitRulesHealthy(t *testing.T, want int) int {
	t.Helper()
	n := 0
	p.waitUntil(t, "every rule loaded and healthy", func() (bool, string) {
		var res struct {
			Groups []struct {
				File  string `json:"file"`
				Rules []struct {
					Name      string `json:"name"`
					Health    string `json:"health"`
					LastError string `json:"lastError"`
				} `json:"rules"`
			} `json:"groups"`
		}
		p.apiGet(t, "/api/v1/rules", &res)
		n = 0
		var bad []string
		for _, g := range res.Groups {
			for _, r := range g.Rules {
				n++
				if r.Health != "ok" {
					bad = append(bad, fmt.Sprintf("%s: %s %s %s", filepath.Base(g.File), r.Name, r.Health, r.LastError))
				}
			}
		}
		return n == want && len(bad) == 0, fmt.Sprintf("%d of %d rules, not ok: %v", n, want, bad)
	})
	return n
}

// waitTargetUp waits until a target with these labels has been scraped successfully.
func (p *promServer) waitTargetUp(t *testing.T, labels map[string]string) {
	t.Helper()
	p.waitUntil(t, "the sluice target up", func() (bool, string) {
		var res struct {
			ActiveTargets []struct {
				Labels    map[string]string `json:"labels"`
				Health    string            `json:"health"`
				LastError string            `json:"lastError"`
			} `json:"activeTargets"`
		}
		p.apiGet(t, "/api/v1/targets?state=active", &res)
		var seen []string
	targets:
		for _, tg := range res.ActiveTargets {
			seen = append(seen, fmt.Sprintf("%v %s %s", tg.Labels, tg.Health, tg.LastError))
			for k, v := range labels {
				if tg.Labels[k] != v {
					continue targets
				}
			}
			if tg.Health == "up" {
				return true, ""
			}
		}
		return false, fmt.Sprintf("targets: %v", seen)
	})
}

// checkMetricsScraped: every metric has at least one series in Prometheus.
func (p *promServer) checkMetricsScraped(t *testing.T, metrics []string) {
	t.Helper()
	var names []string
	p.apiGet(t, "/api/v1/label/__name__/values", &names)
	have := map[string]bool{}
	for _, n := range names {
		have[n] = true
	}
	for _, m := range metrics {
		if !have[m] {
			t.Errorf("%s: read by a rule or a dashboard, but sluice's pod exports no series of it", m)
		}
	}
}

// waitUntil polls cond for two minutes (a scrape and an evaluation each second, on a busy
// machine), failing with cond's last description of what it saw.
func (p *promServer) waitUntil(t *testing.T, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		ok, saw := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("not %s within two minutes: %s", what, saw)
		}
		<-tick.C
	}
}

// sendSteadily sends a vLLM line over Beats every 200ms, each waiting for its ACK, until the
// returned function is called (which waits for the last send to finish).
func sendSteadily(t *testing.T, addr string) (stop func()) {
	t.Helper()
	cl, err := lumber.SyncDial(addr, lumber.Timeout(5*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			line := fmt.Sprintf("INFO 11-27 10:20:00 [engine.py:310] Added request promtest%d.", i)
			if _, err := cl.Send([]any{map[string]any{"message": line}}); err != nil {
				return
			}
		}
	}()
	var once bool
	stop = func() {
		if !once {
			once = true
			close(done)
			cl.Close() // ends a send still waiting for its ACK
			<-finished
		}
	}
	t.Cleanup(stop)
	return stop
}

// fillInFlight sends more events than sluice may hold (runtime.max_events_in_flight, 32768 by
// default), in windows from several connections since each waits for its ACK. The returned
// function waits until every window was acknowledged.
func fillInFlight(t *testing.T, addr string) (wait func()) {
	t.Helper()
	const windows, size = 20, 2048
	errs := make(chan error, windows)
	batch := make([]any, size)
	for i := range batch {
		batch[i] = map[string]any{"message": fmt.Sprintf("INFO 11-27 10:20:00 [engine.py:310] Added request promfill%d.", i)}
	}
	for w := 0; w < windows; w++ {
		cl, err := lumber.SyncDial(addr, lumber.Timeout(5*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cl.Close() })
		go func() {
			_, err := cl.Send(batch)
			errs <- err
		}()
	}
	return func() {
		for w := 0; w < windows; w++ {
			if err := <-errs; err != nil {
				t.Errorf("a window sent while Elasticsearch was away: %v", err)
			}
		}
	}
}
