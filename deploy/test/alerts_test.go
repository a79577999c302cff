package deploytest

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/promql/promqltest"
)

// alertCase is a stretch of series (promqltest's load syntax, one sample a minute for 11
// minutes) and whether an alert's expression selects anything at its end. `for:` is not
// applied: the series say what the expression sees, not how long.
type alertCase struct {
	alert, name, series string
	fires               bool
}

const (
	sluiceUp    = `up{job="sluice", pod="sluice-0"} 1x10` + "\n"
	healthyOut  = `sluice_output_up{component="elasticsearch/logs", pod="sluice-0"} 1x10` + "\n"
	inFlightCap = `sluice_events_in_flight_limit{pod="sluice-0"} 32768x10` + "\n"
)

// alertCases: each alert fires in the situation it is named for and stays quiet when all is
// well. The pipeline's "Elasticsearch down" is what sluice's metrics show when the cluster is
// unreachable: outputs down, input blocked at the in-flight limit, nothing received.
var alertCases = []alertCase{
	{"SluiceDown", "pod gone", `up{job="sluice", pod="sluice-0"} 1 1 0x8`, true},
	{"SluiceDown", "healthy", sluiceUp, false},
	{"SluiceNoEventsIn", "Elasticsearch down: input blocked", `sluice_component_events_received_total{component="beats", kind="input"} 5000x10`, true},
	{"SluiceNoEventsIn", "healthy", `sluice_component_events_received_total{component="beats", kind="input"} 0+1000x10`, false},
	{"SluiceOutputDown", "Elasticsearch down", `sluice_output_up{component="elasticsearch/logs", pod="sluice-0"} 1 1 0x8`, true},
	{"SluiceOutputDown", "healthy", healthyOut, false},
	{"SluiceInFlightAtLimit", "Elasticsearch down: input blocked", inFlightCap + `sluice_events_in_flight{pod="sluice-0"} 100 32768x9`, true},
	{"SluiceInFlightAtLimit", "Elasticsearch down: the next 2048-event window does not fit", inFlightCap + `sluice_events_in_flight{pod="sluice-0"} 100 30721x9`, true},
	{"SluiceInFlightAtLimit", "healthy", inFlightCap + `sluice_events_in_flight{pod="sluice-0"} 2048x10`, false},
	{"SluiceDeadLetterGrowing", "mapping errors dead-lettered", `sluice_dead_letter_events_total{component="elasticsearch/logs", pod="sluice-0"} 0+3x10`, true},
	{"SluiceDeadLetterGrowing", "healthy", `sluice_dead_letter_events_total{component="elasticsearch/logs", pod="sluice-0"} 7x10`, false},
	{"SluiceDeadLetterFull", "dead letter full", `sluice_dead_letter_dropped_total{component="elasticsearch/logs", pod="sluice-0"} 0+1x10`, true},
	{"SluiceElasticsearchRejections", "cluster overloaded", `sluice_output_rejection_ratio{component="elasticsearch/logs", pod="sluice-0"} 0.2x10`, true},
	{"SluiceElasticsearchRejections", "healthy", `sluice_output_rejection_ratio{component="elasticsearch/logs", pod="sluice-0"} 0x10`, false},
	{"SluiceElasticsearchMappingErrors", "400s", `sluice_elasticsearch_item_errors_total{component="elasticsearch/logs", pod="sluice-0", status="400"} 0+5x10`, true},
	{"SluiceElasticsearchMappingErrors", "429s are not mapping errors", `sluice_elasticsearch_item_errors_total{component="elasticsearch/logs", pod="sluice-0", status="429"} 0+5x10`, false},
	{"PreflightCheckFailing", "check fails", `sluice_check_passed{check="vLLM health"} 0x10`, true},
	{"DCGMExporterDown", "exporter gone", `up{job="dcgm-exporter", node="gpu-1"} 0x10`, true},
	{"GPUXidError", "Xid 79", `DCGM_FI_DEV_XID_ERRORS{gpu="0", Hostname="gpu-1"} 0 0 79x8`, true},
	{"GPUXidError", "healthy", `DCGM_FI_DEV_XID_ERRORS{gpu="0", Hostname="gpu-1"} 0x10`, false},
	{"GPUTemperatureHigh", "hot", `DCGM_FI_DEV_GPU_TEMP{gpu="0", Hostname="gpu-1"} 91x10`, true},
	{"GPUTemperatureHigh", "healthy", `DCGM_FI_DEV_GPU_TEMP{gpu="0", Hostname="gpu-1"} 70x10`, false},
	{"GPUMemoryFull", "full", `DCGM_FI_DEV_FB_USED{gpu="0", Hostname="gpu-1"} 81000x10` + "\n" + `DCGM_FI_DEV_FB_FREE{gpu="0", Hostname="gpu-1"} 500x10`, true},
	{"GPUMemoryFull", "vLLM's 90 % reservation", `DCGM_FI_DEV_FB_USED{gpu="0", Hostname="gpu-1"} 73000x10` + "\n" + `DCGM_FI_DEV_FB_FREE{gpu="0", Hostname="gpu-1"} 8500x10`, false},
	{"GPUUncorrectableECC", "double-bit errors", `DCGM_FI_DEV_ECC_DBE_VOL_TOTAL{gpu="0", Hostname="gpu-1"} 0 0 0 0 0 0 0 2 2 2 2`, true},
	{"GPUUncorrectableECC", "healthy", `DCGM_FI_DEV_ECC_DBE_VOL_TOTAL{gpu="0", Hostname="gpu-1"} 0x10`, false},
	{"GPURowRemapFailure", "remap failed", `DCGM_FI_DEV_ROW_REMAP_FAILURE{gpu="0", Hostname="gpu-1"} 1x10`, true},
	{"VLLMDown", "pod gone", `up{job="vllm", pod="vllm-0"} 0x10`, true},
	{"VLLMQueueLong", "queue", `vllm:num_requests_waiting{pod="vllm-0", model_name="m"} 25x10`, true},
	{"VLLMQueueLong", "healthy", `vllm:num_requests_waiting{pod="vllm-0", model_name="m"} 2x10`, false},
	{"VLLMKVCacheSaturated", "vLLM 0.9+", `vllm:kv_cache_usage_perc{pod="vllm-0", model_name="m"} 0.99x10`, true},
	{"VLLMKVCacheSaturated", "vLLM before 0.9", `vllm:gpu_cache_usage_perc{pod="vllm-0", model_name="m"} 0.99x10`, true},
	{"VLLMKVCacheSaturated", "healthy", `vllm:kv_cache_usage_perc{pod="vllm-0", model_name="m"} 0.5x10`, false},
	{"VLLMPreempting", "preempting", `vllm:num_preemptions_total{pod="vllm-0", model_name="m"} 0+4x10`, true},
	{"VLLMErrorRate", "10 % 5xx", `http_requests_total{job="vllm", pod="vllm-0", status="5xx"} 0+10x10` + "\n" + `http_requests_total{job="vllm", pod="vllm-0", status="2xx"} 0+90x10`, true},
	{"VLLMErrorRate", "healthy", `http_requests_total{job="vllm", pod="vllm-0", status="5xx"} 0x10` + "\n" + `http_requests_total{job="vllm", pod="vllm-0", status="2xx"} 0+90x10`, false},
	{"VLLMLatencyHigh", "every request over a minute", `vllm:e2e_request_latency_seconds_bucket{model_name="m", le="30.0"} 0x10` + "\n" + `vllm:e2e_request_latency_seconds_bucket{model_name="m", le="60.0"} 0+10x10` + "\n" + `vllm:e2e_request_latency_seconds_bucket{model_name="m", le="+Inf"} 0+10x10`, true},
	{"VLLMLatencyHigh", "healthy", `vllm:e2e_request_latency_seconds_bucket{model_name="m", le="2.0"} 0+10x10` + "\n" + `vllm:e2e_request_latency_seconds_bucket{model_name="m", le="+Inf"} 0+10x10`, false},
	{"VLLMTimeToFirstTokenHigh", "slow first tokens", `vllm:time_to_first_token_seconds_bucket{model_name="m", le="5.0"} 0x10` + "\n" + `vllm:time_to_first_token_seconds_bucket{model_name="m", le="10.0"} 0+10x10` + "\n" + `vllm:time_to_first_token_seconds_bucket{model_name="m", le="+Inf"} 0+10x10`, true},
}

// Every alert has a case in which it fires, and each case fires (or not) as stated.
func TestAlertsFire(t *testing.T) {
	t.Parallel()
	exprs := alertExprs(t)
	engine := promqltest.NewTestEngine(t, false, 5*time.Minute, 1000000)
	covered := map[string]bool{}
	for _, c := range alertCases {
		expr, ok := exprs[c.alert]
		if !ok {
			t.Errorf("%s: no such alert", c.alert)
			continue
		}
		storage := promqltest.LoadedStorage(t, "load 1m\n  "+indent(c.series))
		q, err := engine.NewInstantQuery(context.Background(), storage, nil, expr, time.Unix(600, 0))
		if err != nil {
			t.Fatalf("%s: %v", c.alert, err)
		}
		res := q.Exec(context.Background())
		if res.Err != nil {
			t.Fatalf("%s (%s): %v", c.alert, c.name, res.Err)
		}
		vec, _ := res.Vector()
		if fired := len(vec) > 0; fired != c.fires {
			t.Errorf("%s, %s: fired %v, want %v (%v)", c.alert, c.name, fired, c.fires, vec)
		}
		covered[c.alert] = covered[c.alert] || c.fires
		q.Close()
	}
	for name := range exprs {
		if !covered[name] {
			t.Errorf("%s: no case in which it fires", name)
		}
	}
}

// alertExprs maps every alert of the shipped rules to its expression.
func alertExprs(t *testing.T) map[string]string {
	t.Helper()
	files, _ := filepath.Glob("../base/prometheus/rules/*.yaml")
	out := map[string]string{}
	for _, f := range files {
		groups, errs := rulefmt.ParseFile(f, false, model.UTF8Validation, parser.NewParser(parser.Options{}), slog.Default())
		if len(errs) > 0 {
			t.Fatalf("%s: %v", f, errs)
		}
		for _, g := range groups.Groups {
			for _, r := range g.Rules {
				if r.Alert != "" {
					out[r.Alert] = r.Expr
				}
			}
		}
	}
	return out
}

// indent puts each series on its own line under promqltest's "load" command.
func indent(series string) string {
	var lines []string
	for _, l := range strings.Split(series, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n  ")
}
