package testsvc_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/elastic/go-elasticsearch/v8"

	"github.com/sluice-dev/sluice/internal/testsvc"
	"github.com/sluice-dev/sluice/internal/testsvc/esfault"
)

// TestESFaultAnswersLikeRealNode sends one bulk request to the real node and to the double and
// compares, item by item, the fields an output acts on: action, status, result and error type.
// It keeps the double honest when either side changes.
func TestESFaultAnswersLikeRealNode(t *testing.T) {
	t.Parallel()
	real := testsvc.Elasticsearch(t)
	fake, err := esfault.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()

	index := fmt.Sprintf("testsvc-parity-%d", time.Now().UnixNano())
	body := strings.Join([]string{
		`{"create":{"_index":"IDX","_id":"p1"}}`, `{"message":"a"}`,
		`{"create":{"_index":"IDX","_id":"p1"}}`, `{"message":"a again"}`,
		`{"index":{"_index":"IDX","_id":"p2"}}`, `{"message":"b"}`,
		`{"index":{"_index":"IDX","_id":"p2"}}`, `{"message":"b again"}`,
		`{"delete":{"_index":"IDX","_id":"missing"}}`,
	}, "\n") + "\n"
	body = strings.ReplaceAll(body, "IDX", index)

	got := map[string][]string{}
	for name, url := range map[string]string{"real": real, "esfault": fake.URL()} {
		es, err := elasticsearch.NewClient(elasticsearch.Config{Addresses: []string{url}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _, _ = es.Indices.Delete([]string{index}) })
		res, err := es.Bulk(strings.NewReader(body))
		if err != nil {
			t.Fatalf("%s: bulk: %v", name, err)
		}
		var resp struct {
			Errors bool `json:"errors"`
			Items  []map[string]struct {
				Status int    `json:"status"`
				Result string `json:"result"`
				Error  struct {
					Type string `json:"type"`
				} `json:"error"`
			} `json:"items"`
		}
		err = json.NewDecoder(res.Body).Decode(&resp)
		res.Body.Close()
		if err != nil {
			t.Fatalf("%s: decode: %v", name, err)
		}
		got[name] = append(got[name], fmt.Sprintf("errors=%v", resp.Errors))
		for _, it := range resp.Items {
			for op, r := range it {
				got[name] = append(got[name], fmt.Sprintf("%s %d %s %s", op, r.Status, r.Result, r.Error.Type))
			}
		}
	}
	if len(got["real"]) != 6 || got["real"][0] != "errors=true" {
		t.Fatalf("real node answered %q, want errors=true and 5 items", got["real"])
	}
	if strings.Join(got["real"], "\n") != strings.Join(got["esfault"], "\n") {
		t.Fatalf("bulk answers differ\nreal node:\n  %s\nesfault:\n  %s",
			strings.Join(got["real"], "\n  "), strings.Join(got["esfault"], "\n  "))
	}
}
