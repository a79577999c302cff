package setup

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// Saved object ids are fixed so that importing with overwrite replaces sluice's objects in place
// on every deployment instead of adding copies.
const (
	DataViewID        = "sluice-logs"
	SearchFailedReqs  = "sluice-failed-inference-requests"
	SearchXid         = "sluice-gpu-xid-errors"
	SearchEngineErrs  = "sluice-engine-errors-tracebacks"
	DashboardOverview = "sluice-overview"
	DashboardGPU      = "sluice-gpu-health"
	// DataViewDeadLetter covers the dead-letter index, when the output has one.
	DataViewDeadLetter = "sluice-dead-letter"
	kibanaVersion      = "8.0.0" // the oldest saved-object format these objects use; Kibana migrates up
)

type savedSearch struct {
	id, title, description, query string
	columns                       []string
}

// searches are the questions an on-call engineer asks first. The field names come from the
// parsers' field table (a test checks that every one exists there).
var searches = []savedSearch{
	{
		id: SearchFailedReqs, title: "Failed inference requests",
		description: "vLLM requests that failed: HTTP 4xx/5xx answers, aborted requests, and errors that name a request id.",
		query: `(event.dataset:"vllm.access" and http.response.status_code >= 400) or event.action:"request_aborted" ` +
			`or (vllm.request.id:* and log.level:("error" or "critical"))`,
		columns: []string{event.FieldK8sPodName, "vllm.request.id", event.FieldHTTPStatus, event.FieldEventAction, event.FieldErrorType, event.FieldErrorMsg},
	},
	{
		id: SearchXid, title: "GPU Xid errors",
		description: "NVIDIA driver Xid and NVSwitch SXid errors with their meaning and the recovery action.",
		query:       `gpu.xid.code:* or gpu.sxid.code:*`,
		columns:     []string{event.FieldHostHostname, "gpu.pci_bus_id", "gpu.xid.code", "gpu.xid.name", "gpu.xid.cause", "gpu.xid.recovery_action", "gpu.xid.message"},
	},
	{
		id: SearchEngineErrs, title: "Engine errors and tracebacks",
		description: "vLLM engine failures: tracebacks, CUDA out of memory, dead engines, NCCL errors, and error-level server lines.",
		query: `error.stack_trace:* or vllm.error.kind:* or ` +
			`(event.dataset:"vllm.server" and log.level:("error" or "critical"))`,
		columns: []string{event.FieldK8sPodName, event.FieldProcessName, "vllm.error.kind", event.FieldErrorType, event.FieldErrorMsg},
	},
}

type dashboard struct {
	id, title, description string
	searches               []string
}

// dashboards put the saved searches side by side: the first for "why did this request fail",
// the second for the GPU nodes.
var dashboards = []dashboard{
	{id: DashboardOverview, title: "sluice: inference failures and GPU errors",
		description: "Start here when an inference fails: failed requests, engine errors and GPU Xid errors together.",
		searches:    []string{SearchFailedReqs, SearchEngineErrs, SearchXid}},
	{id: DashboardGPU, title: "sluice: GPU health",
		description: "Xid and SXid errors from the NVIDIA driver next to the engine failures they cause.",
		searches:    []string{SearchXid, SearchEngineErrs}},
}

// Assets returns the Kibana saved objects as NDJSON, the format of Kibana's _import API: a data
// view over pattern (and one over deadLetterIndex when it is set), the saved searches, and the
// dashboards that show them.
func Assets(pattern, deadLetterIndex string) ([]byte, error) {
	objs := []map[string]any{dataView(DataViewID, pattern, "sluice logs")}
	if deadLetterIndex != "" {
		objs = append(objs, dataView(DataViewDeadLetter, deadLetterIndex, "sluice dead letter"))
	}
	for _, s := range searches {
		src, err := json.Marshal(map[string]any{
			"query":        map[string]any{"language": "kuery", "query": s.query},
			"filter":       []any{},
			"indexRefName": "kibanaSavedObjectMeta.searchSourceJSON.index",
		})
		if err != nil {
			return nil, err
		}
		objs = append(objs, map[string]any{
			"type": "search", "id": s.id, "coreMigrationVersion": kibanaVersion,
			"attributes": map[string]any{
				"title": s.title, "description": s.description, "columns": s.columns,
				"sort":                  []any{[]any{"@timestamp", "desc"}},
				"kibanaSavedObjectMeta": map[string]any{"searchSourceJSON": string(src)},
			},
			"references": []any{map[string]any{"name": "kibanaSavedObjectMeta.searchSourceJSON.index",
				"type": "index-pattern", "id": DataViewID}},
		})
	}
	for _, d := range dashboards {
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

func dataView(id, title, name string) map[string]any {
	return map[string]any{
		"type": "index-pattern", "id": id, "coreMigrationVersion": kibanaVersion,
		"attributes": map[string]any{"title": title, "name": name, "timeFieldName": "@timestamp"},
		"references": []any{},
	}
}

func dashboardObject(d dashboard) (map[string]any, error) {
	var panels, refs []any
	for i, id := range d.searches {
		ref := fmt.Sprintf("panel_%d", i)
		panels = append(panels, map[string]any{
			"version": kibanaVersion, "type": "search", "panelIndex": fmt.Sprint(i + 1),
			"gridData":         map[string]any{"x": 0, "y": i * 15, "w": 48, "h": 15, "i": fmt.Sprint(i + 1)},
			"embeddableConfig": map[string]any{}, "panelRefName": ref,
		})
		refs = append(refs, map[string]any{"name": ref, "type": "search", "id": id})
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
			"timeRestore": false,
			"kibanaSavedObjectMeta": map[string]any{
				"searchSourceJSON": `{"query":{"language":"kuery","query":""},"filter":[]}`,
			},
		},
		"references": refs,
	}, nil
}
