package deploytest

import (
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
)

// builtinMetrics are series Prometheus makes itself.
var builtinMetrics = map[string]bool{"up": true}

// knownMetrics is every metric a rule or panel may read: sluice's (testdata/sluice-metrics.txt,
// kept current by cmd/sluice's TestMetricNamesCurrent), vLLM's, and the DCGM exporter's that the
// shipped counters.csv enables (the DCGM list says which fields exist at all).
func knownMetrics(t *testing.T) map[string]string {
	t.Helper()
	known := map[string]string{}
	for name := range builtinMetrics {
		known[name] = "prometheus"
	}
	for _, n := range readList(t, "testdata/sluice-metrics.txt") {
		known[n] = "sluice"
	}
	for _, n := range readList(t, "testdata/vllm-metrics.txt") {
		known[n] = "vllm"
	}
	dcgm := map[string]bool{}
	for _, n := range readList(t, "testdata/dcgm-metrics.txt") {
		dcgm[n] = true
	}
	for _, line := range readList(t, "../base/dcgm-exporter/counters.csv") {
		field := strings.TrimSpace(strings.SplitN(line, ",", 2)[0])
		if !dcgm[field] {
			t.Errorf("counters.csv enables %s, which is not a DCGM exporter field (testdata/dcgm-metrics.txt)", field)
		}
		known[field] = "dcgm"
	}
	return known
}

// readList returns a file's lines that are neither empty nor comments.
func readList(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

// checkExpr parses a PromQL expression and reports every metric it reads that no list has.
// A histogram's _bucket, _sum and _count series count as the histogram.
func checkExpr(t *testing.T, where, expr string, known map[string]string) {
	t.Helper()
	e, err := parser.NewParser(parser.Options{}).ParseExpr(expr)
	if err != nil {
		t.Errorf("%s: %v", where, err)
		return
	}
	parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
		vs, ok := n.(*parser.VectorSelector)
		if !ok {
			return nil
		}
		name := vs.Name
		if _, ok := known[name]; ok {
			return nil
		}
		for _, suffix := range []string{"_bucket", "_sum", "_count"} {
			if _, ok := known[strings.TrimSuffix(name, suffix)]; ok && strings.HasSuffix(name, suffix) {
				return nil
			}
		}
		t.Errorf("%s: metric %q is exported by none of sluice, vLLM, the DCGM exporter's enabled fields", where, name)
		return nil
	})
}

// The alert rules load as Prometheus loads them (unknown fields refused, every expression and
// template parsed), and every metric they read exists.
func TestPrometheusRules(t *testing.T) {
	t.Parallel()
	known := knownMetrics(t)
	files, err := filepath.Glob("../base/prometheus/rules/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no rule files: %v", err)
	}
	alerts := 0
	for _, f := range files {
		groups, errs := rulefmt.ParseFile(f, false, model.UTF8Validation, parser.NewParser(parser.Options{}), slog.Default())
		for _, e := range errs {
			t.Errorf("%v", e)
		}
		if groups == nil {
			continue
		}
		for _, g := range groups.Groups {
			for _, r := range g.Rules {
				alerts++
				checkExpr(t, f+": "+r.Alert+r.Record, r.Expr, known)
			}
		}
	}
	if alerts < 20 {
		t.Errorf("only %d rules", alerts)
	}
}

// dashboard is the part of a Grafana dashboard the check reads.
type dashboard struct {
	UID    string  `json:"uid"`
	Title  string  `json:"title"`
	Panels []panel `json:"panels"`
}

type panel struct {
	Title      string `json:"title"`
	Datasource struct {
		UID string `json:"uid"`
	} `json:"datasource"`
	Targets []struct {
		Expr string `json:"expr"`
	} `json:"targets"`
}

// Every Grafana panel queries a provisioned data source, and every metric it reads exists.
func TestGrafanaDashboards(t *testing.T) {
	t.Parallel()
	known := knownMetrics(t)
	var ds struct {
		Datasources []struct {
			UID string `json:"uid"`
		} `json:"datasources"`
	}
	unmarshalYAMLFile(t, "../base/grafana/datasources.yaml", &ds)
	uids := map[string]bool{}
	for _, d := range ds.Datasources {
		uids[d.UID] = true
	}
	files, _ := filepath.Glob("../base/grafana/dashboards/*.json")
	if len(files) < 3 {
		t.Fatalf("%d dashboards, want pipeline, vLLM and GPU", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var d dashboard
		if err := json.Unmarshal(b, &d); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if d.UID == "" || len(d.Panels) == 0 {
			t.Errorf("%s: no uid or no panels", f)
		}
		for _, p := range d.Panels {
			where := f + ": panel " + p.Title
			if !uids[p.Datasource.UID] {
				t.Errorf("%s: data source %q is not provisioned", where, p.Datasource.UID)
			}
			for _, tg := range p.Targets {
				checkExpr(t, where, tg.Expr, known)
			}
		}
	}
}
