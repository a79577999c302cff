package sink

import (
	"bytes"
	"compress/gzip"
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/elastic/go-elasticsearch/v8"
)

func TestOfficialClientAcceptsSinkAndDocsAreCounted(t *testing.T) {
	t.Parallel()
	s := New()
	srv := httptest.NewServer(s)
	defer srv.Close()
	es, err := elasticsearch.NewClient(elasticsearch.Config{Addresses: []string{srv.URL}, CompressRequestBody: true})
	if err != nil {
		t.Fatal(err)
	}
	if res, err := es.Info(); err != nil || res.IsError() {
		t.Fatalf("info: %v %v", err, res)
	}
	long := strings.Repeat("x", 200_000) // longer than the sink's line buffer
	body := `{"create":{"_index":"logs-a-default","_id":"1"}}` + "\n" + `{"message":"a"}` + "\n" +
		`{"create":{"_index":"logs-a-default","_id":"2"}}` + "\n" + `{"message":"` + long + `"}` + "\n" +
		`{"create":{"_index":"logs-a-default","_id":"3"}}` + "\n" + `{"message":"c"}` + "\n"
	res, err := es.Bulk(strings.NewReader(body), es.Bulk.WithContext(context.Background()))
	if err != nil || res.IsError() {
		t.Fatalf("bulk: %v %v", err, res)
	}
	var out bytes.Buffer
	out.ReadFrom(res.Body)
	if !strings.Contains(out.String(), `"errors":false`) || strings.Count(out.String(), `"status":201`) != 3 {
		t.Fatalf("bulk response %s", out.String())
	}
	st := s.Stats()
	if st.Docs != 3 || st.Requests != 1 || st.RawBytes != int64(len(body)) || st.WireBytes >= st.RawBytes {
		t.Fatalf("stats %+v (raw body %d bytes, gzip expected smaller on the wire)", st, len(body))
	}
}

func TestStallHoldsRequestsUntilResumed(t *testing.T) {
	t.Parallel()
	s := New()
	srv := httptest.NewServer(s)
	defer srv.Close()
	resume := s.Stall()
	done := make(chan struct{})
	go func() {
		var zb bytes.Buffer
		zw := gzip.NewWriter(&zb)
		zw.Write([]byte("{\"index\":{}}\n{}\n"))
		zw.Close()
		req := httptest.NewRequest("POST", "/_bulk", &zb)
		req.Header.Set("Content-Encoding", "gzip")
		s.ServeHTTP(httptest.NewRecorder(), req)
		close(done)
	}()
	select {
	case <-done:
		t.Fatal("bulk answered while stalled")
	case <-time.After(50 * time.Millisecond):
	}
	resume()
	<-done
	if s.Stats().Docs != 1 {
		t.Fatalf("docs %d", s.Stats().Docs)
	}
}
