package setup

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/sluice-dev/sluice/parsers/builtin"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/output/elasticsearch"
	"github.com/sluice-dev/sluice/processors/requests"
)

var update = flag.Bool("update", false, "rewrite assets/kibana.ndjson")

const assetsFile = "assets/kibana.ndjson"

// TestAssetsGolden keeps the committed NDJSON (for importing by hand) equal to what setup sends.
func TestAssetsGolden(t *testing.T) {
	got, err := Assets("logs-*", "sluice-dead-letter")
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(assetsFile, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(assetsFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is stale: run go test -run TestAssetsGolden -update", assetsFile)
	}
}

// TestAssetsStructure checks what Kibana's import needs: one object per line with type, id and
// attributes; every reference resolves inside the file; search sources and dashboard panels
// parse; the saved searches use only fields the parsers write.
func TestAssetsStructure(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(assetsFile)
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, f := range testFields() {
		known[f.Name] = true
	}
	objs := map[string]gjson.Result{}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	for i, l := range lines {
		if !json.Valid([]byte(l)) {
			t.Fatalf("line %d is not JSON", i+1)
		}
		o := gjson.Parse(l)
		typ, id := o.Get("type").Str, o.Get("id").Str
		if typ == "" || id == "" || !o.Get("attributes.title").Exists() {
			t.Fatalf("line %d lacks type, id or title: %s", i+1, l)
		}
		if _, dup := objs[typ+"/"+id]; dup {
			t.Fatalf("duplicate object %s/%s", typ, id)
		}
		objs[typ+"/"+id] = o
	}
	byType := map[string]int{}
	fieldRe := regexp.MustCompile(`([a-z_@][a-z0-9_.]*)\s*(:|>=|<=|>|<)`)
	for key, o := range objs {
		byType[o.Get("type").Str]++
		names := map[string]bool{}
		for _, r := range o.Get("references").Array() {
			if _, ok := objs[r.Get("type").Str+"/"+r.Get("id").Str]; !ok {
				t.Errorf("%s references missing %s/%s", key, r.Get("type").Str, r.Get("id").Str)
			}
			names[r.Get("name").Str] = true
		}
		switch o.Get("type").Str {
		case "search":
			src := gjson.Parse(o.Get("attributes.kibanaSavedObjectMeta.searchSourceJSON").Str)
			if src.Get("query.language").Str != "kuery" || !names[src.Get("indexRefName").Str] {
				t.Errorf("%s: bad search source %s", key, src.Raw)
			}
			for _, m := range fieldRe.FindAllStringSubmatch(src.Get("query.query").Str, -1) {
				if !known[m[1]] {
					t.Errorf("%s: query uses unknown field %s", key, m[1])
				}
			}
			for _, c := range o.Get("attributes.columns").Array() {
				if !known[c.Str] {
					t.Errorf("%s: column %s is not in the field table", key, c.Str)
				}
			}
		case "lens":
			for _, f := range lensFields(o) {
				if !known[f] {
					t.Errorf("%s: chart uses unknown field %s", key, f)
				}
			}
			st := o.Get("attributes.state")
			for _, id := range lensAccessors(st.Get("visualization")) {
				if !st.Get("datasourceStates.indexpattern.layers." + layer + ".columns." + id).Exists() {
					t.Errorf("%s: the visualization shows column %s, which the layer lacks", key, id)
				}
			}
			if !st.Get("visualization").Exists() || !st.Get("datasourceStates.indexpattern.layers."+layer+".columnOrder").IsArray() ||
				!names["indexpattern-datasource-layer-"+layer] {
				t.Errorf("%s: lens state or layer reference missing", key)
			}
		case "dashboard":
			panels := gjson.Parse(o.Get("attributes.panelsJSON").Str)
			if !panels.IsArray() || len(panels.Array()) < 2 {
				t.Errorf("%s: panels %s", key, panels.Raw)
			}
			for _, p := range panels.Array() {
				if !names[p.Get("panelRefName").Str] || !p.Get("gridData.w").Exists() {
					t.Errorf("%s: panel %s has no reference or grid", key, p.Raw)
				}
			}
		}
	}
	if byType["index-pattern"] != 4 || byType["search"] != 7 || byType["lens"] != 12 || byType["dashboard"] != 4 {
		t.Errorf("objects by type: %v", byType)
	}
	for _, title := range []string{"Failed inference requests", "Gateway errors", "GPU Xid errors", "Engine errors and tracebacks", "All errors", "Why a pod is not running",
		"Inference failures", "vLLM serving", "GPU health", "Pipeline"} {
		if !strings.Contains(string(data), `"title":"`+title+`"`) {
			t.Errorf("no saved search %q", title)
		}
	}
}

// testFields is the field table sluice maps: the parsers', the requests summaries', the core.
func testFields() []event.FieldInfo {
	return append(append(builtin.Registry().Fields(), requests.Fields...), coreFields...)
}

// lensFields returns the fields a lens object's columns read ("Records" is Lens's count).
func lensFields(o gjson.Result) []string {
	var fs []string
	o.Get("attributes.state.datasourceStates.indexpattern.layers.*.columns").ForEach(func(_, c gjson.Result) bool {
		if f := c.Get("sourceField").Str; f != "" && f != "Records" {
			fs = append(fs, f)
		}
		return true
	})
	return fs
}

// lensAccessors returns the column ids a Lens visualization shows (XY layers' accessors, a
// datatable's columns).
func lensAccessors(vis gjson.Result) []string {
	var ids []string
	for _, l := range vis.Get("layers").Array() {
		for _, k := range []string{"xAccessor", "splitAccessor"} {
			if v := l.Get(k).Str; v != "" {
				ids = append(ids, v)
			}
		}
		for _, a := range l.Get("accessors").Array() {
			ids = append(ids, a.Str)
		}
	}
	for _, c := range vis.Get("columns").Array() {
		ids = append(ids, c.Get("columnId").Str)
	}
	return ids
}

// TestKibanaImport checks the request shape Kibana's _import API expects, and that refusals
// come back as errors naming the objects.
func TestKibanaImport(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		status  int
		resp    string
		wantErr string
	}{
		{"ok", 200, `{"success":true,"successCount":5}`, ""},
		{"object refused", 200, `{"success":false,"successCount":4,"errors":[{"id":"sluice-overview","type":"dashboard","title":"x","error":{"type":"missing_references"}}]}`, "dashboard sluice-overview"},
		{"unauthorized", 401, `{"statusCode":401,"error":"Unauthorized","message":"bad credentials"}`, "bad credentials"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got []byte
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch {
				case r.Method != http.MethodPost || r.URL.Path != "/s/ops/api/saved_objects/_import":
					t.Errorf("request %s %s", r.Method, r.URL.Path)
				case r.URL.Query().Get("overwrite") != "true":
					t.Error("import without overwrite=true: not idempotent")
				case r.Header.Get("kbn-xsrf") == "":
					t.Error("no kbn-xsrf header")
				case r.Header.Get("Authorization") != "ApiKey a2V5":
					t.Errorf("authorization %q", r.Header.Get("Authorization"))
				}
				f, hdr, err := r.FormFile("file")
				if err != nil || !strings.HasSuffix(hdr.Filename, ".ndjson") {
					t.Errorf("no ndjson file part: %v", err)
				} else {
					got, _ = io.ReadAll(f)
				}
				w.WriteHeader(tc.status)
				io.WriteString(w, tc.resp)
			}))
			defer srv.Close()
			cfg := elasticsearch.NewConfig()
			cfg.Setup.Kibana = elasticsearch.Kibana{Host: srv.URL, Space: "ops", APIKey: "a2V5"}
			k, err := NewKibana(cfg)
			if err != nil {
				t.Fatal(err)
			}
			assets, _ := Assets("logs-*", "")
			n, err := k.Import(t.Context(), assets)
			if tc.wantErr == "" {
				if err != nil || n != 5 {
					t.Fatalf("import: %d, %v", n, err)
				}
				if !bytes.Equal(got, assets) {
					t.Error("Kibana received other bytes than the assets")
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want %q", err, tc.wantErr)
			}
		})
	}
}

func TestMappings(t *testing.T) {
	t.Parallel()
	fields := []event.FieldInfo{
		{Name: "vllm.request.id", Type: "keyword"},
		{Name: "vllm.request.prompt_tokens", Type: "long"},
		{Name: "vllm.stats.gpu_kv_cache_usage.pct", Type: "scaled_float"},
		{Name: "log.fields", Type: "flattened"},
		{Name: "a", Type: "keyword"},
		{Name: "a.b", Type: "long"},
	}
	m, notes := Mappings(fields, nil)
	js, _ := json.Marshal(m)
	for path, want := range map[string]string{
		"properties.vllm.properties.request.properties.id.type":            "keyword",
		"properties.vllm.properties.request.properties.prompt_tokens.type": "long",
		"properties.message.type":                                          "match_only_text",
		"properties.@timestamp.type":                                       "date",
		"properties.log.properties.fields.type":                            "flattened",
	} {
		if got := gjson.GetBytes(js, path).Str; got != want {
			t.Errorf("%s = %q, want %q", path, got, want)
		}
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "a.b") {
		t.Errorf("conflict notes %v", notes)
	}
	m, _ = Mappings(fields, map[string]string{"match_only_text": "text", "flattened": "object", "scaled_float": "float"})
	js, _ = json.Marshal(m)
	if gjson.GetBytes(js, "properties.message.type").Str != "text" ||
		gjson.GetBytes(js, "properties.log.properties.fields.enabled").Raw != "false" ||
		gjson.GetBytes(js, "properties.vllm.properties.stats.properties.gpu_kv_cache_usage.properties.pct.type").Str != "float" {
		t.Errorf("downgrades not applied: %s", js)
	}
}
