package elasticsearch

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/output/sender"
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
		var items []sender.Item
		for _, ev := range b.Events {
			body := o.enc.appendItem(nil, nil, ev)
			items = append(items, sender.Item{Event: ev, Body: body})
		}
		// An item finished twice panics in the sender; one never finished leaves b pending.
		r := o.handleResponse(t.Context(), sender.Standalone(b, items), status, resp)
		for _, it := range r.Retry {
			it.Finish(event.Retry)
		}
		select {
		case <-done:
		default:
			t.Fatal("batch not resolved")
		}
	})
}

func failingPerform(*http.Request) (*http.Response, error) {
	return nil, errors.New("connection refused")
}
