package setup

import (
	"context"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/sluice-dev/sluice/internal/testsvc"
	"github.com/sluice-dev/sluice/pipeline/output/elasticsearch"
)

// TestAssetFieldsInRealMapping installs the templates on the test Elasticsearch and checks that
// every field a Kibana asset reads (search columns, sort fields and queries, chart columns) is in the mapping
// the cluster resolves for a log stream, an errors stream and the requests stream: a field that
// is only in our table but not mapped (a parent/child conflict, a type the cluster lacks) fails.
func TestAssetFieldsInRealMapping(t *testing.T) {
	t.Parallel()
	cfg := elasticsearch.NewConfig()
	cfg.Hosts = []string{testsvc.Elasticsearch(t)}
	cfg.DataStream.Type = "logs"
	cfg.DataStream.Namespace = "assetcheck"
	cfg.Setup.TemplateName = "sluice-assetcheck"
	cfg.Setup.TemplatePriority = 300
	client, err := elasticsearch.NewClient(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := Templates(ctx, client.Perform, cfg, testFields()); err != nil {
		t.Fatal(err)
	}
	mapped := map[string]bool{}
	for _, stream := range []string{"logs-vllm.server-assetcheck", "logs-vllm.request-assetcheck"} {
		for _, f := range simulatedFields(t, cfg.Hosts[0], stream) {
			mapped[f] = true
		}
	}
	data, err := os.ReadFile(assetsFile)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		o := gjson.Parse(l)
		var fs []string
		for _, c := range o.Get("attributes.columns").Array() {
			fs = append(fs, c.Str)
		}
		for _, c := range o.Get("attributes.sort").Array() {
			fs = append(fs, c.Get("0").Str) // ["@timestamp", "desc"]: a field Kibana sorts on
		}
		fs = append(fs, lensFields(o)...)
		for _, f := range fs {
			checked++
			if !mapped[f] {
				t.Errorf("%s %s reads %s, which the real mapping lacks", o.Get("type").Str, o.Get("id").Str, f)
			}
		}
	}
	if checked < 40 {
		t.Errorf("only %d field references checked", checked)
	}
}

// simulatedFields asks the cluster which mapping a new index called name would get, and returns
// its leaf field names.
func simulatedFields(t *testing.T, base, name string) []string {
	t.Helper()
	res, err := http.Post(base+"/_index_template/_simulate_index/"+name, "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	props := gjson.GetBytes(body, "template.mappings.properties")
	if !props.IsObject() {
		t.Fatalf("simulate %s: %s", name, body)
	}
	var out []string
	var walk func(prefix string, p gjson.Result)
	walk = func(prefix string, p gjson.Result) {
		p.ForEach(func(k, v gjson.Result) bool {
			if sub := v.Get("properties"); sub.Exists() {
				walk(prefix+k.Str+".", sub)
			} else {
				out = append(out, prefix+k.Str)
			}
			return true
		})
	}
	walk("", props)
	return out
}
