package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/sluice-dev/sluice/internal/testsvc/esfault"
)

// TestSetupCommand runs `sluice setup` twice against the Elasticsearch double and a stand-in
// Kibana: templates and saved objects are installed each time (idempotent), the missing ILM is
// reported as skipped, and the Kibana password comes from its file, never from the output.
func TestSetupCommand(t *testing.T) {
	t.Parallel()
	es, err := esfault.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer es.Close()
	var imports atomic.Int32
	kb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "kibana_admin" || p != "from-file" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if r.URL.Path == "/api/saved_objects/_import" && r.URL.Query().Get("overwrite") == "true" {
			imports.Add(1)
			fmt.Fprint(w, `{"success":true,"successCount":5}`)
			return
		}
		w.WriteHeader(http.StatusNotFound)
	}))
	defer kb.Close()
	dir := t.TempDir()
	pw := filepath.Join(dir, "kibana-password")
	writeFile(t, pw, "from-file\n")
	cfg := filepath.Join(dir, "sluice.yaml")
	writeFile(t, cfg, fmt.Sprintf(`
inputs:
  stdin: {}
outputs:
  elasticsearch:
    hosts: [%q]
    setup:
      kibana:
        host: %q
        username: kibana_admin
        password_file: %q
pipelines:
  main: {inputs: [stdin], outputs: [elasticsearch]}
http: {address: ""}
`, es.URL(), kb.URL, pw))
	for round := range 2 {
		code, out, errs := runCLI(t, "", "setup", "-c", cfg)
		if code != 0 {
			t.Fatalf("round %d: code %d\n%s%s", round, code, out, errs)
		}
		for _, want := range []string{"skipped    ilm policy sluice", "installed  index template sluice-logs-default: for logs-*-default", "installed  kibana saved objects"} {
			if !strings.Contains(out, want) {
				t.Errorf("round %d: no %q in\n%s", round, want, out)
			}
		}
	}
	if imports.Load() != 2 {
		t.Errorf("%d Kibana imports, want 2", imports.Load())
	}
	tm := es.Templates()
	idx := gjson.ParseBytes(tm["_index_template/sluice-logs-default"])
	if idx.Get("index_patterns.0").Str != "logs-*-default" || !idx.Get("data_stream").Exists() {
		t.Errorf("index template %s", idx.Raw)
	}
	if m := gjson.ParseBytes(tm["_component_template/sluice@mappings"]); m.Get("template.mappings.properties.vllm.properties.request.properties.id.type").Str != "keyword" {
		t.Errorf("mappings template lacks vllm.request.id: %.300s", m.Raw)
	}
	if code, _, errs := runCLI(t, "", "setup", "-c", cfg, "--output", "elasticsearch/nope"); code == 0 || !strings.Contains(errs, "no elasticsearch output") {
		t.Errorf("unknown --output: code %d, %s", code, errs)
	}
}
