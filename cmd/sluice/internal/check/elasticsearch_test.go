package check

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/internal/testsvc"
)

// TestElasticsearch runs against the test stack's Elasticsearch.
func TestElasticsearch(t *testing.T) {
	t.Parallel()
	url := testsvc.Elasticsearch(t)
	ns := "sluice-check-" + strings.ToLower(time.Now().Format("150405.000000"))
	ns = strings.ReplaceAll(ns, ".", "")
	put(t, http.MethodPut, url+"/_component_template/"+ns+"@settings", `{"template":{"settings":{"index":{"number_of_replicas":0}}}}`)
	t.Cleanup(func() {
		put(t, http.MethodDelete, url+"/_component_template/"+ns+"@settings", "")
		put(t, http.MethodDelete, url+"/"+ns, "")
	})
	base := "  - {name: es, kind: elasticsearch, hosts: ['" + url + "'], "
	want(t, run(t, base+"probe: health}\n"), Passed, "sluice-test: ")
	want(t, run(t, base+"probe: templates, component_templates: ['"+ns+"@settings']}\n"), Passed, "1 template(s) installed: "+ns+"@settings")
	want(t, run(t, base+"probe: templates, component_templates: ['"+ns+"@settings', '"+ns+"@mappings'], index_templates: ["+ns+"]}\n"),
		Failed, "missing component template "+ns+"@mappings, index template "+ns+": run sluice setup")
	want(t, run(t, base+"probe: write, index: "+ns+"}\n"), Passed, "wrote and read back a document in "+ns)
	want(t, run(t, base+"probe: write, index: '_bad'}\n"), Failed, "status 400")
	want(t, run(t, "  - {name: es, kind: elasticsearch, hosts: ['http://127.0.0.1:1'], probe: health}\n"), Failed, "connection refused")
}

// put sends a request to Elasticsearch for the test's own setup and cleanup.
func put(t *testing.T, method, url, body string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if method == http.MethodPut && res.StatusCode != 200 {
		t.Fatalf("%s %s: %s", method, url, res.Status)
	}
}
