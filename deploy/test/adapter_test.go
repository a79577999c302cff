package deploytest

import (
	"regexp"
	"strings"
	"testing"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
)

// adapterValues is the part of prometheus-adapter's Helm values the check reads.
type adapterValues struct {
	Rules struct {
		Custom []struct {
			SeriesQuery string `json:"seriesQuery"`
			Resources   struct {
				Overrides map[string]struct {
					Resource string `json:"resource"`
				} `json:"overrides"`
			} `json:"resources"`
			Name struct {
				Matches string `json:"matches"`
				As      string `json:"as"`
			} `json:"name"`
		} `json:"custom"`
	} `json:"rules"`
}

// Every Pods metric of the production HPA is served by a prometheus-adapter rule over a metric
// sluice exports, mapped to pods by the namespace and pod labels the sluice scrape job sets.
func TestHPAPodsMetricsServed(t *testing.T) {
	t.Parallel()
	hpa := find(t, render(t)["production"], "HorizontalPodAutoscaler", "sluice").(*autoscalingv2.HorizontalPodAutoscaler)
	var values adapterValues
	unmarshalYAMLFile(t, "../overlays/production/prometheus-adapter-values.yaml", &values)
	known := knownMetrics(t)
	pods := 0
	for _, m := range hpa.Spec.Metrics {
		if m.Type != autoscalingv2.PodsMetricSourceType {
			continue
		}
		pods++
		served := false
		for _, r := range values.Rules.Custom {
			series := strings.SplitN(r.SeriesQuery, "{", 2)[0]
			if ok, _ := regexp.MatchString(r.Name.Matches, series); !ok || r.Name.As != m.Pods.Metric.Name {
				continue
			}
			served = true
			if known[series] != "sluice" {
				t.Errorf("adapter rule for %s reads %s, which sluice does not export", m.Pods.Metric.Name, series)
			}
			if r.Resources.Overrides["pod"].Resource != "pod" || r.Resources.Overrides["namespace"].Resource != "namespace" {
				t.Errorf("adapter rule for %s does not map the pod and namespace labels", m.Pods.Metric.Name)
			}
		}
		if !served {
			t.Errorf("HPA Pods metric %s: no prometheus-adapter rule serves it", m.Pods.Metric.Name)
		}
	}
	if pods == 0 {
		t.Error("the production HPA scales on no Pods metric (in-flight events)")
	}
	var prom struct {
		ScrapeConfigs []struct {
			JobName        string `json:"job_name"`
			RelabelConfigs []struct {
				TargetLabel string `json:"target_label"`
			} `json:"relabel_configs"`
		} `json:"scrape_configs"`
	}
	unmarshalYAMLFile(t, "../base/prometheus/prometheus.yml", &prom)
	for _, j := range prom.ScrapeConfigs {
		if j.JobName != "sluice" {
			continue
		}
		set := map[string]bool{}
		for _, r := range j.RelabelConfigs {
			set[r.TargetLabel] = true
		}
		if !set["namespace"] || !set["pod"] {
			t.Errorf("the sluice scrape job sets namespace %v, pod %v: the adapter needs both", set["namespace"], set["pod"])
		}
	}
}
