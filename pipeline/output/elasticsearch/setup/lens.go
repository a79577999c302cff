package setup

import (
	"encoding/json"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// A chart is one Lens visualization, written in the saved-object format of Kibana 8.0
// (datasourceStates.indexpattern, the count column on "Records"): Kibana 8.0 and later import
// it and migrate it to their own format (formBased since 8.6).
type chart struct {
	id, title, view, query string
	vis                    string // bar_stacked, line, datatable
	metric                 column // the y value (count, average, max, percentile)
	split                  string // field whose top values break the series down ("" for none)
	rows                   []string
}

// column is a Lens metric: op count, average, max or percentile (of field).
type column struct{ op, field string }

var count = column{op: "count"}

// panel is one dashboard panel: a saved search or a chart, by reference.
type panel struct{ typ, id string }

type dashboard struct {
	id, title, description string
	panels                 []panel
}

func charts(deadLetter bool) []chart {
	cs := []chart{
		{id: "sluice-chart-failures-by-cause", title: "Failed requests by cause", view: DataViewRequests,
			query: `vllm.request.outcome:"failure"`, vis: "bar_stacked", metric: count, split: "vllm.error.kind"},
		{id: "sluice-chart-requests-by-outcome", title: "Requests by outcome", view: DataViewRequests,
			vis: "bar_stacked", metric: count, split: "vllm.request.outcome"},
		{id: "sluice-chart-failures-by-pod", title: "Failed requests by pod and cause", view: DataViewRequests,
			query: QueryFailedRequests, vis: "datatable", metric: count,
			rows: []string{event.FieldK8sNodeName, event.FieldK8sPodName, "vllm.error.kind", event.FieldErrorType}},
		{id: "sluice-chart-latency", title: "Request duration p95 (ns)", view: DataViewRequests,
			query: `vllm.request.outcome:"success"`, vis: "line", metric: column{"percentile", "event.duration"}, split: event.FieldK8sPodName},
		{id: "sluice-chart-throughput", title: "Generation throughput (tokens/s)", view: DataViewID,
			query: `vllm.stats.generation_throughput:*`, vis: "line", metric: column{"average", "vllm.stats.generation_throughput"}, split: event.FieldK8sPodName},
		{id: "sluice-chart-kv-cache", title: "GPU KV cache usage", view: DataViewID,
			query: `vllm.stats.gpu_kv_cache_usage.pct:*`, vis: "line", metric: column{"max", "vllm.stats.gpu_kv_cache_usage.pct"}, split: event.FieldK8sPodName},
		{id: "sluice-chart-queue", title: "Requests waiting", view: DataViewID,
			query: `vllm.stats.requests.waiting:*`, vis: "line", metric: column{"max", "vllm.stats.requests.waiting"}, split: event.FieldK8sPodName},
		{id: "sluice-chart-xid-by-node", title: "Xid errors by node and code", view: DataViewID,
			query: QueryGPU, vis: "bar_stacked", metric: count, split: "gpu.xid.code"},
		{id: "sluice-chart-xid-table", title: "Xid errors by node and GPU", view: DataViewID,
			query: QueryGPU, vis: "datatable", metric: count,
			rows: []string{event.FieldHostName, "gpu.pci_bus_id", "gpu.xid.code", "gpu.xid.name", "gpu.xid.recovery_action"}},
		{id: "sluice-chart-errors-by-dataset", title: "Errors by dataset", view: DataViewErrors,
			query: QueryAllErrors, vis: "bar_stacked", metric: count, split: event.FieldDataset},
		{id: "sluice-chart-parse-failures", title: "Parse failures by dataset", view: DataViewID,
			query: `tags:"` + event.TagParseFailure + `"`, vis: "bar_stacked", metric: count, split: event.FieldDataset},
	}
	if deadLetter {
		cs = append(cs, chart{id: "sluice-chart-dead-letters", title: "Dead-lettered events", view: DataViewDeadLetter,
			vis: "bar_stacked", metric: count})
	}
	return cs
}

func dashboards(deadLetter bool) []dashboard {
	pipeline := []panel{lensPanel("sluice-chart-parse-failures"), lensPanel("sluice-chart-errors-by-dataset")}
	if deadLetter {
		pipeline = append(pipeline, lensPanel("sluice-chart-dead-letters"))
	}
	return []dashboard{
		{id: DashboardFailures, title: "Inference failures",
			description: "Why did inference fail: failed requests over time by cause, where they ran, and each one with its error. Filter Request lines on a vllm.request.id to see its lines.",
			panels: []panel{lensPanel("sluice-chart-failures-by-cause"), lensPanel("sluice-chart-requests-by-outcome"),
				lensPanel("sluice-chart-failures-by-pod"), {"search", SearchFailedReqs}, {"search", SearchRequestLogs},
				{"search", SearchGateway}}},
		{id: DashboardServing, title: "vLLM serving",
			description: "Requests, throughput, latency, KV cache and queue of the vLLM servers, from request summaries and engine stats.",
			panels: []panel{lensPanel("sluice-chart-requests-by-outcome"), lensPanel("sluice-chart-latency"),
				lensPanel("sluice-chart-throughput"), lensPanel("sluice-chart-kv-cache"), lensPanel("sluice-chart-queue")}},
		{id: DashboardGPU, title: "GPU health",
			description: "What happened to the GPU: Xid and SXid errors per node and GPU with their meaning and recovery action, next to the engine failures and to what the cluster said about pods that did not run.",
			panels: []panel{lensPanel("sluice-chart-xid-by-node"), lensPanel("sluice-chart-xid-table"),
				{"search", SearchXid}, {"search", SearchEngineErrs}, {"search", SearchPods}}},
		{id: DashboardPipeline, title: "Pipeline",
			description: "sluice itself: lines it could not parse, errors by dataset, and events it dead-lettered.",
			panels:      append(pipeline, panel{"search", SearchAllErrors})},
	}
}

func lensPanel(id string) panel { return panel{"lens", id} }

const layer = "layer1"

// object returns the chart's lens saved object.
func (c chart) object() (map[string]any, error) {
	cols, order := map[string]any{}, []string{}
	add := func(id string, col map[string]any) {
		cols[id] = col
		order = append(order, id)
	}
	var vis map[string]any
	if c.vis == "datatable" {
		var vcols []any
		for i, f := range c.rows {
			id := "row" + string(rune('0'+i))
			add(id, terms(f, 20))
			vcols = append(vcols, map[string]any{"columnId": id})
		}
		add("y", c.metric.lens())
		vis = map[string]any{"layerId": layer, "layerType": "data", "columns": append(vcols, map[string]any{"columnId": "y"})}
	} else {
		add("x", map[string]any{"label": "@timestamp", "dataType": "date", "operationType": "date_histogram",
			"sourceField": "@timestamp", "isBucketed": true, "scale": "interval", "params": map[string]any{"interval": "auto"}})
		l := map[string]any{"layerId": layer, "layerType": "data", "seriesType": c.vis, "xAccessor": "x", "accessors": []string{"y"}}
		if c.split != "" {
			add("s", terms(c.split, 10))
			l["splitAccessor"] = "s"
		}
		add("y", c.metric.lens())
		vis = map[string]any{"legend": map[string]any{"isVisible": true, "position": "right"}, "valueLabels": "hide",
			"preferredSeriesType": c.vis, "layers": []any{l}}
	}
	visType := "lnsXY"
	if c.vis == "datatable" {
		visType = "lnsDatatable"
	}
	state := map[string]any{
		"datasourceStates": map[string]any{"indexpattern": map[string]any{"layers": map[string]any{
			layer: map[string]any{"columns": cols, "columnOrder": order}}}},
		"visualization": vis,
		"query":         map[string]any{"language": "kuery", "query": c.query},
		"filters":       []any{},
	}
	if _, err := json.Marshal(state); err != nil {
		return nil, err
	}
	return map[string]any{
		"type": "lens", "id": c.id, "coreMigrationVersion": kibanaVersion,
		"attributes": map[string]any{"title": c.title, "visualizationType": visType, "state": state},
		"references": []any{
			map[string]any{"type": "index-pattern", "id": c.view, "name": "indexpattern-datasource-current-indexpattern"},
			map[string]any{"type": "index-pattern", "id": c.view, "name": "indexpattern-datasource-layer-" + layer},
		},
	}, nil
}

func terms(field string, size int) map[string]any {
	return map[string]any{"label": "Top values of " + field, "dataType": "string", "operationType": "terms",
		"sourceField": field, "isBucketed": true, "scale": "ordinal",
		"params": map[string]any{"size": size, "orderBy": map[string]any{"type": "column", "columnId": "y"}, "orderDirection": "desc"}}
}

func (c column) lens() map[string]any {
	if c.op == "count" {
		return map[string]any{"label": "Count", "dataType": "number", "operationType": "count",
			"sourceField": "Records", "isBucketed": false, "scale": "ratio"}
	}
	col := map[string]any{"label": c.op + " of " + c.field, "dataType": "number", "operationType": c.op,
		"sourceField": c.field, "isBucketed": false, "scale": "ratio"}
	if c.op == "percentile" {
		col["params"] = map[string]any{"percentile": 95}
	}
	return col
}
