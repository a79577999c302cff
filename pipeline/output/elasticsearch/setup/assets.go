package setup

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// Saved object ids are fixed so that importing with overwrite replaces sluice's objects in place
// on every deployment instead of adding copies.
const (
	// DataViewID covers every log line once: the log streams without the -errors streams, which
	// hold copies of the error lines (a view over both counted every error twice).
	DataViewID = "sluice-logs"
	// DataViewErrors covers the -errors streams only: every error once, kept longer.
	DataViewErrors = "sluice-errors"
	// DataViewRequests covers the vllm.request summaries of the requests processor.
	DataViewRequests  = "sluice-requests"
	SearchFailedReqs  = "sluice-failed-inference-requests"
	SearchRequestLogs = "sluice-request-lines"
	SearchAllErrors   = "sluice-all-errors"
	SearchXid         = "sluice-gpu-xid-errors"
	SearchEngineErrs  = "sluice-engine-errors-tracebacks"
	SearchGateway     = "sluice-gateway-errors"
	SearchPods        = "sluice-pods-not-running"
	DashboardFailures = "sluice-inference-failures"
	DashboardServing  = "sluice-vllm-serving"
	DashboardGPU      = "sluice-gpu-health"
	DashboardPipeline = "sluice-pipeline"
	// DataViewDeadLetter covers the dead-letter index, when the output has one.
	DataViewDeadLetter = "sluice-dead-letter"
	// kibanaVersion is the saved-object format the objects are written in (Kibana 8.0); Kibana
	// 8.0 and every later 8.x migrates them on import.
	kibanaVersion = "8.0.0"
)

// Queries the dashboards and saved searches are built on, and the ones the README documents
// for the three questions (an end-to-end test checks each returns exactly the expected documents).
const (
	// QueryFailedRequests answers "why did inference fail": on the requests view.
	QueryFailedRequests = `vllm.request.outcome:("failure" or "aborted")`
	// QueryGPU answers "what happened to the GPU": on the logs view.
	QueryGPU = `gpu.xid.code:* or gpu.sxid.code:*`
	// QueryPods answers "why is this pod not running": every line about a pod from outside it
	// (the scheduler, the autoscaler, Karpenter, the kubelet, events), on the logs view.
	QueryPods = `orchestrator.resource.type:"pod"`
	// QueryGatewayErrors answers "what did the client see": a gateway's 5xx answers, and the
	// requests Envoy failed by its response flags (an upstream reset that left no status).
	QueryGatewayErrors = `event.dataset:("nginx.ingress_controller" or "nginx.access" or "envoy.access" or "litellm.access") and ` +
		`(http.response.status_code >= 500 or envoy.response_flags:*)`
	// QueryAllErrors answers "all errors in the last hour": the errors view holds only errors.
	QueryAllErrors = `log.level:("error" or "critical")`
)

type savedSearch struct {
	id, view, title, description, query string
	columns                             []string
}

// searches are the questions an on-call engineer asks first, with the columns that answer them
// (node from whichever field is set: kubernetes.node.name from Filebeat, host.name otherwise).
// The field names are checked against the real mapping in a test.
var searches = []savedSearch{
	{
		id: SearchFailedReqs, view: DataViewRequests, title: "Failed inference requests",
		description: "One row per failed or aborted vLLM request: its cause, where it ran, how long it took. Filter the request lines on its vllm.request.id.",
		query:       QueryFailedRequests,
		columns: []string{"vllm.request.id", "vllm.request.outcome", "vllm.error.kind", event.FieldErrorType, event.FieldErrorMsg,
			event.FieldK8sPodName, event.FieldK8sNodeName, event.FieldHostName, "gpu.uuid", "event.duration"},
	},
	{
		id: SearchRequestLogs, view: DataViewID, title: "Request lines",
		description: "Every line that names a vLLM request: add a filter on vllm.request.id to follow one. A gateway's access line and the request's summary share its http.request.id.",
		query:       `vllm.request.id:*`,
		columns:     []string{"vllm.request.id", event.FieldEventAction, event.FieldLogLevel, event.FieldK8sPodName, event.FieldMessage},
	},
	{
		id: SearchGateway, view: DataViewID, title: "Gateway errors",
		description: "5xx answers of the gateways and proxies in front of vLLM (ingress-nginx, nginx, Envoy and Istio, LiteLLM), and the requests Envoy failed (its response flags: UF, UH, UT, URX...): the backend pods tried and the request id vLLM's lines carry as http.request.id.",
		query:       QueryGatewayErrors,
		columns: []string{event.FieldDataset, "url.path", event.FieldHTTPStatus, "envoy.response_flags", "nginx.ingress_controller.upstream.name",
			"nginx.ingress_controller.upstream.address", "envoy.upstream.host", "http.request.id", "event.duration"},
	},
	{
		id: SearchAllErrors, view: DataViewErrors, title: "All errors",
		description: "Every error and critical line, once, from the errors streams.",
		query:       QueryAllErrors,
		columns: []string{event.FieldDataset, event.FieldK8sPodName, event.FieldK8sNodeName, event.FieldHostName,
			"vllm.error.kind", "gpu.error.kind", event.FieldErrorType, event.FieldErrorMsg},
	},
	{
		id: SearchXid, view: DataViewID, title: "GPU Xid errors",
		description: "NVIDIA driver Xid and NVSwitch SXid errors with their meaning and the recovery action.",
		query:       QueryGPU,
		columns: []string{event.FieldK8sNodeName, event.FieldHostName, "gpu.pci_bus_id", "gpu.xid.code", "gpu.xid.name",
			"gpu.xid.cause", "gpu.xid.recovery_action", "gpu.xid.message"},
	},
	{
		id: SearchPods, view: DataViewID, title: "Why a pod is not running",
		description: "What the cluster said about a pod, from outside it: the scheduler's no fit (Insufficient nvidia.com/gpu), the autoscaler's and Karpenter's scale-up or could not schedule, Kueue's admission, the kubelet's probe failures, restarts and GPU allocation, Kubernetes events. Filter orchestrator.resource.name on the pod.",
		query:       QueryPods,
		columns: []string{"orchestrator.namespace", "orchestrator.resource.name", event.FieldDataset, "event.reason",
			event.FieldLogLevel, "log.message"},
	},
	{
		id: SearchEngineErrs, view: DataViewID, title: "Engine errors and tracebacks",
		description: "vLLM engine failures: tracebacks, CUDA out of memory, dead engines, NCCL errors, and error-level server lines (a training job's torch and NCCL lines left out).",
		query: `error.stack_trace:* or (vllm.error.kind:* and not event.dataset:("generic.torch" or "generic.nccl")) or ` +
			`(event.dataset:"vllm.server" and log.level:("error" or "critical"))`,
		columns: []string{event.FieldK8sPodName, event.FieldK8sNodeName, event.FieldProcessName, "vllm.error.kind", event.FieldErrorType, event.FieldErrorMsg},
	},
}

// Assets returns the Kibana saved objects as NDJSON, the format of Kibana's _import API: the
// data views over pattern (logs without the -errors streams, errors only, request summaries;
// and the dead letter when deadLetterIndex is set), the saved searches, the Lens charts and the
// dashboards that show them.
func Assets(pattern, deadLetterIndex string) ([]byte, error) {
	logs, errs, reqs := ViewPatterns(pattern)
	objs := []map[string]any{
		dataView(DataViewID, logs, "sluice logs"),
		dataView(DataViewErrors, errs, "sluice errors"),
		dataView(DataViewRequests, reqs, "sluice vLLM requests"),
	}
	if deadLetterIndex != "" {
		objs = append(objs, dataView(DataViewDeadLetter, deadLetterIndex, "sluice dead letter"))
	}
	for _, s := range searches {
		o, err := searchObject(s)
		if err != nil {
			return nil, err
		}
		objs = append(objs, o)
	}
	for _, l := range charts(deadLetterIndex != "") {
		o, err := l.object()
		if err != nil {
			return nil, err
		}
		objs = append(objs, o)
	}
	for _, d := range dashboards(deadLetterIndex != "") {
		o, err := dashboardObject(d)
		if err != nil {
			return nil, err
		}
		objs = append(objs, o)
	}
	var buf bytes.Buffer
	for _, o := range objs {
		line, err := json.Marshal(o)
		if err != nil {
			return nil, err
		}
		buf.Write(line)
		buf.WriteByte('\n')
	}
	return buf.Bytes(), nil
}

// ViewPatterns derives the three data views' titles from the output's pattern ("logs-*"): the
// errors streams are those of the errors namespace ("logs-*-errors"), excluded from the others
// with Elasticsearch's "-pattern" syntax, which Kibana data views accept.
func ViewPatterns(pattern string) (logs, errs, reqs string) {
	prefix := strings.TrimSuffix(pattern, "*")
	errs = prefix + "*-errors"
	logs = pattern + ",-" + errs
	reqs = prefix + "vllm.request-*,-" + errs
	if !strings.HasSuffix(prefix, "-") { // an index target: summaries share its indices
		reqs = logs
	}
	return logs, errs, reqs
}

func searchObject(s savedSearch) (map[string]any, error) {
	src, err := json.Marshal(map[string]any{
		"query":        map[string]any{"language": "kuery", "query": s.query},
		"filter":       []any{},
		"indexRefName": "kibanaSavedObjectMeta.searchSourceJSON.index",
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"type": "search", "id": s.id, "coreMigrationVersion": kibanaVersion,
		"attributes": map[string]any{
			"title": s.title, "description": s.description, "columns": s.columns,
			// then the runtime's time: lines that state their time to the whole second (logrus's)
			// keep the order they were written in within it
			"sort":                  []any{[]any{"@timestamp", "desc"}, []any{"event.created", "desc"}},
			"kibanaSavedObjectMeta": map[string]any{"searchSourceJSON": string(src)},
		},
		"references": []any{map[string]any{"name": "kibanaSavedObjectMeta.searchSourceJSON.index",
			"type": "index-pattern", "id": s.view}},
	}, nil
}

func dataView(id, title, name string) map[string]any {
	return map[string]any{
		"type": "index-pattern", "id": id, "coreMigrationVersion": kibanaVersion,
		"attributes": map[string]any{"title": title, "name": name, "timeFieldName": "@timestamp"},
		"references": []any{},
	}
}

func dashboardObject(d dashboard) (map[string]any, error) {
	var panels, refs []any
	x, y := 0, 0
	for i, p := range d.panels {
		ref := fmt.Sprintf("panel_%d", i)
		w, h := 24, 12
		if p.typ == "search" {
			w, h = 48, 15
		}
		if x+w > 48 {
			x, y = 0, y+h
		}
		panels = append(panels, map[string]any{
			"version": kibanaVersion, "type": p.typ, "panelIndex": fmt.Sprint(i + 1),
			"gridData":         map[string]any{"x": x, "y": y, "w": w, "h": h, "i": fmt.Sprint(i + 1)},
			"embeddableConfig": map[string]any{"enhancements": map[string]any{}}, "panelRefName": ref,
		})
		refs = append(refs, map[string]any{"name": ref, "type": p.typ, "id": p.id})
		if x += w; x >= 48 {
			x, y = 0, y+h
		}
	}
	panelsJSON, err := json.Marshal(panels)
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"type": "dashboard", "id": d.id, "coreMigrationVersion": kibanaVersion,
		"attributes": map[string]any{
			"title": d.title, "description": d.description,
			"panelsJSON":  string(panelsJSON),
			"optionsJSON": `{"useMargins":true,"hidePanelTitles":false}`,
			"timeRestore": true, "timeFrom": "now-24h", "timeTo": "now",
			"kibanaSavedObjectMeta": map[string]any{
				"searchSourceJSON": `{"query":{"language":"kuery","query":""},"filter":[]}`,
			},
		},
		"references": refs,
	}, nil
}
