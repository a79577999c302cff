package setup

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Saved object ids are fixed so that importing with overwrite replaces sluice's objects in place
// on every deployment instead of adding copies.
const (
	DataViewID        = "sluice-logs"
	SearchFailedReqs  = "sluice-failed-inference-requests"
	SearchXid         = "sluice-gpu-xid-errors"
	SearchEngineErrs  = "sluice-engine-errors-tracebacks"
	DashboardOverview = "sluice-overview"
	kibanaVersion     = "8.0.0" // the oldest saved-object format these objects use; Kibana migrates up
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
		columns: []string{"kubernetes.pod.name", "vllm.request.id", "http.response.status_code", "event.action", "error.type", "error.message"},
	},
	{
		id: SearchXid, title: "GPU Xid errors",
		description: "NVIDIA driver Xid and NVSwitch SXid errors with their meaning and the recovery action.",
		query:       `gpu.xid.code:* or gpu.sxid.code:*`,
		columns:     []string{"host.hostname", "gpu.pci_bus_id", "gpu.xid.code", "gpu.xid.name", "gpu.xid.cause", "gpu.xid.recovery_action", "gpu.xid.message"},
	},
	{
		id: SearchEngineErrs, title: "Engine errors and tracebacks",
		description: "vLLM engine failures: tracebacks, CUDA out of memory, dead engines, NCCL errors, and error-level server lines.",
		query: `error.stack_trace:* or vllm.error.kind:* or ` +
			`(event.dataset:"vllm.server" and log.level:("error" or "critical"))`,
		columns: []string{"kubernetes.pod.name", "process.name", "vllm.error.kind", "error.type", "error.message"},
	},
}

// Assets returns the Kibana saved objects as NDJSON, the format of Kibana's _import API: a data
// view over pattern, the saved searches, and a dashboard that shows them together.
func Assets(pattern string) ([]byte, error) {
	var objs []map[string]any
	objs = append(objs, map[string]any{
		"type": "index-pattern", "id": DataViewID, "coreMigrationVersion": kibanaVersion,
		"attributes": map[string]any{"title": pattern, "name": "sluice logs", "timeFieldName": "@timestamp"},
		"references": []any{},
	})
	var panels []any
	var refs []any
	for i, s := range searches {
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
		ref := fmt.Sprintf("panel_%d", i)
		panels = append(panels, map[string]any{
			"version": kibanaVersion, "type": "search", "panelIndex": fmt.Sprint(i + 1),
			"gridData":         map[string]any{"x": 0, "y": i * 15, "w": 48, "h": 15, "i": fmt.Sprint(i + 1)},
			"embeddableConfig": map[string]any{}, "panelRefName": ref,
		})
		refs = append(refs, map[string]any{"name": ref, "type": "search", "id": s.id})
	}
	panelsJSON, err := json.Marshal(panels)
	if err != nil {
		return nil, err
	}
	objs = append(objs, map[string]any{
		"type": "dashboard", "id": DashboardOverview, "coreMigrationVersion": kibanaVersion,
		"attributes": map[string]any{
			"title":       "sluice: inference failures and GPU errors",
			"description": "Start here when an inference fails: failed requests, engine errors and GPU Xid errors side by side.",
			"panelsJSON":  string(panelsJSON),
			"optionsJSON": `{"useMargins":true,"hidePanelTitles":false}`,
			"timeRestore": false,
			"kibanaSavedObjectMeta": map[string]any{
				"searchSourceJSON": `{"query":{"language":"kuery","query":""},"filter":[]}`,
			},
		},
		"references": refs,
	})
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
