package elasticsearch

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
)

// richBatch is makeBatch with the fields a parsed vLLM line has (nested names, numbers, tags,
// a shared object), each event read by this output alone when last is set (as the runtime
// counts them for a pipeline's one output). It also returns what each event is written as.
func richBatch(t *testing.T, src string, first, n int, last bool) (*event.Batch, chan event.Status, []string) {
	t.Helper()
	b, done := makeBatch(src, first, n)
	sh, ok := event.NewShared("kubernetes", 2, func(i int) (string, event.Value) {
		return []string{"kubernetes.namespace", "kubernetes.pod.name"}[i], event.String([]string{"llm", "vllm-0"}[i])
	})
	if !ok {
		t.Fatal("NewShared refused the fields")
	}
	want := make([]string, n)
	for i, ev := range b.Events {
		ev.SetTimestamp(time.Unix(1700000000, int64(i)))
		ev.SetString("vllm.request.id", fmt.Sprintf("chatcmpl-%d", first+i))
		ev.Set("vllm.request.prompt_tokens", event.Int(int64(100+i)))
		ev.Set("vllm.stats.gpu_kv_cache_usage.pct", event.Float(0.25))
		ev.Set("http.ok", event.Bool(i%2 == 0))
		ev.AddShared(sh)
		ev.AddTag("request_sampled")
		want[i] = string(ev.AppendJSON(nil))
		if last {
			ev.SetReaders(1)
		}
	}
	return b, done, want
}

// TestDoneReadingReleasesEvents: as the last reader of a batch's events, the output drops each
// event's fields once encoded and indexes the same documents as from events others still read,
// which it leaves alone.
func TestDoneReadingReleasesEvents(t *testing.T) {
	t.Parallel()
	docs := map[bool]map[string]string{}
	for _, last := range []bool{false, true} {
		f := newFakeES(t)
		o := testOutput(t, f, &testClock{}, &memDL{}, nil)
		b, done, _ := richBatch(t, "src", 0, 20, last)
		evs := b.Events
		if err := o.Deliver(context.Background(), b); err != nil {
			t.Fatal(err)
		}
		if s := waitAll(t, []chan event.Status{done}); s[0] != event.Delivered {
			t.Fatalf("last reader %v: status %v", last, s[0])
		}
		for _, ev := range evs {
			if ev.Released() != last {
				t.Fatalf("last reader %v: event released %v", last, ev.Released())
			}
		}
		f.mu.Lock()
		docs[last] = maps.Clone(f.docs)
		f.mu.Unlock()
	}
	if len(docs[true]) != 20 || !maps.Equal(docs[true], docs[false]) {
		t.Errorf("released events indexed %d documents unlike the shared ones:\n%v\n%v", len(docs[true]), docs[true], docs[false])
	}
}

// TestReleasedEventsDeadLetterWhole: an event released after encoding reaches the dead letter
// with every field it had, whether Elasticsearch refuses it (and the dead-letter index gets its
// message) or it is still queued at shutdown.
func TestReleasedEventsDeadLetterWhole(t *testing.T) {
	t.Parallel()
	t.Run("refused", func(t *testing.T) {
		t.Parallel()
		f := newFakeES(t)
		f.setFault(func(_ int, _ []fakeItem) fault {
			return fault{itemStatus: func(it fakeItem) int {
				if gjsonMsg(it) == "src line 3" && it.Index != "sluice-dead-letter" {
					return 400
				}
				return 0
			}}
		})
		dl := &memDL{}
		o := testOutput(t, f, &testClock{}, dl, func(c *Config) { c.DeadLetterIndex = "sluice-dead-letter" })
		b, done, want := richBatch(t, "src", 0, 5, true)
		if err := o.Deliver(context.Background(), b); err != nil {
			t.Fatal(err)
		}
		if s := waitAll(t, []chan event.Status{done}); s[0] != event.Delivered {
			t.Fatalf("status %v", s[0])
		}
		dl.mu.Lock()
		got := dl.events
		dl.mu.Unlock()
		if len(got) != 1 || string(got[0].AppendJSON(nil)) != want[3] {
			t.Fatalf("dead letter holds %d events; the first writes\n%s\nwant\n%s", len(got), firstJSON(got), want[3])
		}
		if got[0].Meta.Source != "src" || got[0].Meta.Offset != 3 {
			t.Errorf("dead-lettered event lost its source: %+v", got[0].Meta)
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		n := 0
		for k, src := range f.docs {
			if strings.HasPrefix(k, "sluice-dead-letter/") {
				n++
				if m := gjson.Get(src, "message").Str; m != "src line 3" {
					t.Errorf("dead-letter index document has message %q", m)
				}
			}
		}
		if n != 1 {
			t.Errorf("%d documents in the dead-letter index, want 1", n)
		}
	})
	t.Run("at shutdown", func(t *testing.T) {
		t.Parallel()
		cfg := NewConfig()
		cfg.Hosts = []string{"http://" + pipelinetest.RefusedAddr(t)}
		cfg.Retry = RetryConfig{InitialBackoff: time.Millisecond, MaxBackoff: 4 * time.Millisecond}
		dl := &pipelinetest.RecordingDeadLetter{}
		o, err := New(pipeline.Settings{ID: "elasticsearch", DeadLetter: dl}, cfg)
		if err != nil {
			t.Fatal(err)
		}
		b, done, want := richBatch(t, "src", 0, 4, true)
		if err := o.Deliver(context.Background(), b); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		if err := o.Close(ctx); err == nil {
			t.Error("Close did not report the undelivered documents")
		}
		if s := <-done; s != event.Delivered {
			t.Errorf("status %v, want delivered (the dead letter holds the events)", s)
		}
		got := dl.Entries()
		if len(got) != 4 {
			t.Fatalf("%d events dead-lettered, want 4", len(got))
		}
		for i, e := range got {
			if j := e.Event.AppendJSON(nil); string(j) != want[i] {
				t.Errorf("dead-lettered event %d writes\n%s\nwant\n%s", i, j, want[i])
			}
		}
	})
}

func firstJSON(evs []*event.Event) string {
	if len(evs) == 0 {
		return "(none)"
	}
	return string(evs[0].AppendJSON(nil))
}
