package elasticsearch

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// FuzzHandleResponse feeds arbitrary bulk responses to the item handling: it must never panic,
// and every document must end up either finished or handed back for retry, exactly once.
func FuzzHandleResponse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/bulk_response_*.json")
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(200, b)
	}
	f.Add(413, []byte(`{"error":{"type":"x","reason":"too big"}}`))
	f.Add(200, []byte(`{"errors":true,"items":[{"create":{"status":"x"}},{}]}`))
	f.Fuzz(func(t *testing.T, status int, resp []byte) {
		if status < 100 || status > 599 {
			return
		}
		cfg := NewConfig()
		o, err := newOutput(pipeline.Settings{DeadLetter: &memDL{}}, cfg, nil, &testClock{manual: true})
		if err != nil {
			t.Fatal(err)
		}
		defer o.Close(t.Context())
		// A failing transport: splits (413, other 4xx) come back as retries.
		o.perform = failingPerform
		b, done := makeBatch("src", 0, 3)
		var items []*item
		tr := &tracker{o: o, batch: b}
		tr.left.Store(3)
		for _, ev := range b.Events {
			body, _ := o.enc.appendItem(nil, nil, ev)
			items = append(items, &item{t: tr, ev: ev, body: body})
		}
		retry := o.handleResponse(items, status, resp)
		finishAll(retry, event.Retry)
		select {
		case <-done:
		default:
			t.Fatalf("batch not resolved: %d left", tr.left.Load())
		}
		if tr.left.Load() != 0 {
			t.Fatalf("items finished more than once: left=%d", tr.left.Load())
		}
	})
}

func failingPerform(*http.Request) (*http.Response, error) {
	return nil, errors.New("connection refused")
}
