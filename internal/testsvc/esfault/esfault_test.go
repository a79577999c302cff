package esfault_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/elastic/go-elasticsearch/v8"

	"github.com/sluice-dev/sluice/internal/testsvc/esfault"
)

func start(t *testing.T, opts ...esfault.Option) (*esfault.Server, *elasticsearch.Client) {
	t.Helper()
	srv, err := esfault.Start(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	es, err := elasticsearch.NewClient(elasticsearch.Config{Addresses: []string{srv.URL()},
		CompressRequestBody: true, DisableRetry: true})
	if err != nil {
		t.Fatal(err)
	}
	return srv, es
}

type bulkResult struct {
	status int
	errors bool
	items  []int // per-item status in request order
	err    error
}

func bulk(es *elasticsearch.Client, ids ...string) bulkResult {
	var b strings.Builder
	for _, id := range ids {
		fmt.Fprintf(&b, "{\"create\":{\"_index\":\"logs-vllm\",\"_id\":%q}}\n{\"message\":\"line %s\"}\n", id, id)
	}
	res, err := es.Bulk(strings.NewReader(b.String()))
	if err != nil {
		return bulkResult{err: err}
	}
	defer res.Body.Close()
	out := bulkResult{status: res.StatusCode}
	var body struct {
		Errors bool                        `json:"errors"`
		Items  []map[string]map[string]any `json:"items"`
	}
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode == http.StatusOK {
		if err := json.Unmarshal(raw, &body); err != nil {
			return bulkResult{err: fmt.Errorf("decode %q: %w", raw, err)}
		}
	}
	out.errors = body.Errors
	for _, it := range body.Items {
		out.items = append(out.items, int(it["create"]["status"].(float64)))
	}
	return out
}

// TestClientAcceptsDouble checks the official client's product check and info call pass.
func TestClientAcceptsDouble(t *testing.T) {
	t.Parallel()
	_, es := start(t)
	res, err := es.Info()
	if err != nil {
		t.Fatalf("info: %v", err)
	}
	defer res.Body.Close()
	var info struct {
		Version struct{ Number string } `json:"version"`
	}
	if err := json.NewDecoder(res.Body).Decode(&info); err != nil || info.Version.Number != esfault.Version {
		t.Fatalf("info version = %q (%v), want %s", info.Version.Number, err, esfault.Version)
	}
}

func TestFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		fault     esfault.Fault
		maxBody   int64
		want      bulkResult
		wantDocs  int
		wantError bool // the client gets no HTTP answer at all
	}{
		{name: "ok", want: bulkResult{status: 200, items: []int{201, 201, 201}}, wantDocs: 3},
		{name: "item 429 and 503", fault: esfault.Fault{ItemStatus: map[int]int{0: 429, 2: 503}},
			want: bulkResult{status: 200, errors: true, items: []int{429, 201, 503}}, wantDocs: 1},
		{name: "whole 429", fault: esfault.Fault{Status: 429}, want: bulkResult{status: 429}},
		{name: "whole 503", fault: esfault.Fault{Status: 503}, want: bulkResult{status: 503}},
		{name: "413 by size", maxBody: 10, want: bulkResult{status: 413}},
		{name: "dropped", fault: esfault.Fault{Drop: true}, wantError: true},
		{name: "stored then dropped", fault: esfault.Fault{Drop: true, AfterIndex: true}, wantError: true, wantDocs: 3},
		{name: "slow", fault: esfault.Fault{Delay: 50 * time.Millisecond},
			want: bulkResult{status: 200, items: []int{201, 201, 201}}, wantDocs: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := []esfault.Option{esfault.WithFault(esfault.Sequence(tt.fault))}
			if tt.maxBody > 0 {
				opts = append(opts, esfault.WithMaxBodyBytes(tt.maxBody))
			}
			srv, es := start(t, opts...)
			got := bulk(es, "a", "b", "c")
			if tt.wantError {
				if got.err == nil {
					t.Fatalf("bulk answered %+v, want a transport error", got)
				}
			} else if got.err != nil || got.status != tt.want.status || got.errors != tt.want.errors ||
				fmt.Sprint(got.items) != fmt.Sprint(tt.want.items) {
				t.Fatalf("bulk = %+v, want %+v", got, tt.want)
			}
			if n := len(srv.Docs()); n != tt.wantDocs {
				t.Fatalf("stored %d docs, want %d", n, tt.wantDocs)
			}
			if reqs := srv.Requests(); len(reqs) == 0 && tt.maxBody == 0 || len(reqs) > 0 && !reqs[0].Gzipped {
				t.Fatalf("requests = %d, gzip not seen", len(reqs))
			}
		})
	}
}

// TestRetryAfterAmbiguousFailure is the exactly-once check a client's retry must pass: the
// first answer is lost after storing, the retry's creates conflict, nothing is stored twice.
func TestRetryAfterAmbiguousFailure(t *testing.T) {
	t.Parallel()
	srv, es := start(t, esfault.WithFault(esfault.Sequence(esfault.Fault{Drop: true, AfterIndex: true})))
	if got := bulk(es, "x1", "x2"); got.err == nil {
		t.Fatalf("first bulk = %+v, want a dropped connection", got)
	}
	got := bulk(es, "x1", "x2", "x3")
	if fmt.Sprint(got.items) != "[409 409 201]" {
		t.Fatalf("retry items = %v, want [409 409 201]", got.items)
	}
	if n, c := len(srv.Docs()), srv.Conflicts(); n != 3 || c != 2 {
		t.Fatalf("docs = %d conflicts = %d, want 3 and 2", n, c)
	}
	if d, ok := srv.Doc("logs-vllm", "x2"); !ok || string(d.Source) != `{"message":"line x2"}` || d.Version != 1 {
		t.Fatalf("doc x2 = %+v %v", d, ok)
	}
}

// TestOutage checks Down refuses connections and Up serves again on the same URL, keeping data.
func TestOutage(t *testing.T) {
	t.Parallel()
	srv, es := start(t)
	if got := bulk(es, "o1"); got.status != 200 {
		t.Fatalf("before outage: %+v", got)
	}
	srv.Down()
	got := bulk(es, "o2")
	var opErr interface{ Timeout() bool }
	if got.err == nil || errors.As(got.err, &opErr) && opErr.Timeout() {
		t.Fatalf("during outage: %+v, want connection refused", got)
	}
	if err := srv.Up(); err != nil {
		t.Fatal(err)
	}
	if got := bulk(es, "o2"); got.status != 200 || fmt.Sprint(got.items) != "[201]" {
		t.Fatalf("after outage: %+v", got)
	}
	if n := len(srv.Docs()); n != 2 {
		t.Fatalf("docs = %d, want 2", n)
	}
}

// TestTemplatesAndCount covers the setup calls an output makes before its first bulk.
func TestTemplatesAndCount(t *testing.T) {
	t.Parallel()
	srv, es := start(t)
	res, err := es.Indices.PutIndexTemplate("logs-vllm", strings.NewReader(`{"index_patterns":["logs-vllm*"]}`))
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("put template: %v %v", res, err)
	}
	res.Body.Close()
	if _, ok := srv.Templates()["_index_template/logs-vllm"]; !ok {
		t.Fatalf("template not recorded: %v", srv.Templates())
	}
	bulk(es, "c1", "c2")
	res, err = es.Count(es.Count.WithIndex("logs-*"))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var c struct{ Count int }
	if err := json.NewDecoder(res.Body).Decode(&c); err != nil || c.Count != 2 {
		t.Fatalf("count = %d (%v), want 2", c.Count, err)
	}
}

func TestRejectItemsAndUnavailable(t *testing.T) {
	t.Parallel()
	srv, es := start(t, esfault.WithFault(esfault.RejectItems(0.5, 429, 1)))
	ids := make([]string, 200)
	for i := range ids {
		ids[i] = fmt.Sprint(i)
	}
	r := bulk(es, ids...)
	refused := 0
	for _, st := range r.items {
		if st == 429 {
			refused++
		}
	}
	if r.err != nil || !r.errors || refused < 50 || refused > 150 {
		t.Fatalf("err %v, errors %v, %d of 200 refused, want about half", r.err, r.errors, refused)
	}
	if got := len(srv.Docs()); got != 200-refused {
		t.Errorf("%d stored, want %d", got, 200-refused)
	}
	srv.SetFault(esfault.Unavailable())
	if r := bulk(es, "x"); r.status != 503 {
		t.Errorf("unavailable: status %d", r.status)
	}
}
