package elasticsearch_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/sluice-dev/sluice/internal/testsvc"
	"github.com/sluice-dev/sluice/parsers/builtin"
	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/output/elasticsearch"
	"github.com/sluice-dev/sluice/pipeline/output/elasticsearch/setup"
)

// realConfig returns a config for the test node with a namespace of its own, since data streams
// on the minimal test distribution cannot be deleted between runs.
func realConfig(t *testing.T) *elasticsearch.Config {
	cfg := elasticsearch.NewConfig()
	cfg.Hosts = []string{testsvc.Elasticsearch(t)}
	ns := fmt.Sprintf("it%x", time.Now().UnixNano())
	cfg.DataStream.Namespace = ns
	cfg.Setup.TemplateName = "sluice-" + ns
	cfg.Retry.InitialBackoff, cfg.Retry.MaxBackoff = 10*time.Millisecond, 100*time.Millisecond
	return cfg
}

// realOutput installs the templates for cfg and returns an output to them, closed at the test's end.
func realOutput(t *testing.T, cfg *elasticsearch.Config) *elasticsearch.Output {
	t.Helper()
	if _, err := setup.Run(t.Context(), cfg, setup.Options{Fields: builtin.Registry().Fields(), SkipKibana: true}); err != nil {
		t.Fatal(err)
	}
	o, err := elasticsearch.New(pipeline.Settings{ID: "elasticsearch"}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { o.Close(context.Background()) })
	return o
}

func esGet(t *testing.T, cfg *elasticsearch.Config, method, path, body string) gjson.Result {
	t.Helper()
	req, _ := http.NewRequest(method, cfg.Hosts[0]+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 300 {
		t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, b)
	}
	return gjson.ParseBytes(b)
}

func vllmEvents(n, from int) []*event.Event {
	evs := make([]*event.Event, n)
	for i := range evs {
		k := from + i
		ev := event.NewMessage(fmt.Sprintf("INFO Finished request chatcmpl-%06d.", k), time.Now())
		ev.Meta.Input, ev.Meta.Source, ev.Meta.Offset = "beats", "/var/log/pods/vllm.log", int64(k)
		ev.SetString("event.dataset", "vllm.server")
		ev.SetString("vllm.request.id", fmt.Sprintf("chatcmpl-%06d", k))
		ev.Set("vllm.request.prompt_tokens", event.Int(int64(100+k)))
		ev.Set("vllm.stats.gpu_kv_cache_usage.pct", event.Float(0.25))
		ev.SetString("log.level", "info")
		evs[i] = ev
	}
	return evs
}

func deliver(t *testing.T, o *elasticsearch.Output, evs []*event.Event) chan event.Status {
	t.Helper()
	done := make(chan event.Status, 1)
	if err := o.Deliver(context.Background(), event.NewBatch(evs, event.NewAck(func(s event.Status) { done <- s }))); err != nil {
		t.Fatal(err)
	}
	return done
}

// TestRealElasticsearch installs the templates (twice: setup must be idempotent), indexes
// documents into a data stream, and checks the mapped types and a search by request id.
func TestRealElasticsearch(t *testing.T) {
	cfg := realConfig(t)
	ctx := t.Context()
	for range 2 {
		steps, err := setup.Run(ctx, cfg, setup.Options{Fields: builtin.Registry().Fields(), SkipKibana: true})
		if err != nil {
			t.Fatalf("setup: %v", err)
		}
		for _, s := range steps {
			t.Log(s)
		}
	}
	o, err := elasticsearch.New(pipeline.Settings{ID: "elasticsearch"}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close(ctx)
	if s := <-deliver(t, o, vllmEvents(50, 0)); s != event.Delivered {
		t.Fatalf("status %v", s)
	}
	ds := "logs-vllm.server-" + cfg.DataStream.Namespace
	esGet(t, cfg, "POST", "/"+ds+"/_refresh", "")
	mapping := esGet(t, cfg, "GET", "/"+ds+"/_mapping", "")
	var props gjson.Result
	mapping.ForEach(func(_, v gjson.Result) bool { props = v.Get("mappings.properties"); return false })
	for path, want := range map[string]string{
		"vllm.properties.request.properties.id.type":            "keyword",
		"vllm.properties.request.properties.prompt_tokens.type": "long",
		"message.type":    "text", // match_only_text downgraded: no mapper-extras on the test node
		"@timestamp.type": "date",
	} {
		if got := props.Get(path).Str; got != want {
			t.Errorf("mapping %s = %q, want %q", path, got, want)
		}
	}
	hits := esGet(t, cfg, "POST", "/"+ds+"/_search", `{"query":{"term":{"vllm.request.id":"chatcmpl-000042"}}}`)
	if n := hits.Get("hits.total.value").Int(); n != 1 {
		t.Fatalf("search by vllm.request.id: %d hits", n)
	}
	if got := hits.Get("hits.hits.0._source.vllm.request.prompt_tokens").Int(); got != 142 {
		t.Errorf("prompt_tokens %d", got)
	}
}

type recordDL struct {
	mu      sync.Mutex
	reasons []string
	events  []*event.Event
}

func (d *recordDL) Write(_ context.Context, e *event.Event, _, reason string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.reasons = append(d.reasons, reason)
	d.events = append(d.events, e.Clone())
	return nil
}

// TestRealMappingErrorDeadLetters: a document the mapping refuses (text in a long field) goes to
// the dead letter with Elasticsearch's reason and every field it had, although the output, as
// the events' last reader (as the runtime has it with one output), dropped them once encoded;
// its batch-mates are indexed.
func TestRealMappingErrorDeadLetters(t *testing.T) {
	cfg := realConfig(t)
	ctx := t.Context()
	if _, err := setup.Run(ctx, cfg, setup.Options{Fields: builtin.Registry().Fields(), SkipKibana: true}); err != nil {
		t.Fatal(err)
	}
	dl := &recordDL{}
	o, err := elasticsearch.New(pipeline.Settings{ID: "elasticsearch", DeadLetter: dl}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close(ctx)
	evs := vllmEvents(3, 0)
	evs[1].SetString("vllm.request.prompt_tokens", "not a number")
	evs[1].SetTimestamp(time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC))
	refused := string(evs[1].AppendJSON(nil))
	done := make(chan event.Status, 1)
	for _, ev := range evs {
		ev.SetReaders(1)
	}
	b := event.NewBatch(evs, event.NewAck(func(s event.Status) { done <- s }))
	if err := o.Deliver(ctx, b); err != nil {
		t.Fatal(err)
	}
	if s := <-done; s != event.Delivered {
		t.Fatalf("status %v", s)
	}
	if len(dl.reasons) != 1 || !strings.Contains(dl.reasons[0], "status 400") ||
		!strings.Contains(dl.reasons[0], "prompt_tokens") {
		t.Fatalf("dead letter reasons %q", dl.reasons)
	}
	if got := string(dl.events[0].AppendJSON(nil)); got != refused || !evs[0].Released() {
		t.Errorf("dead-lettered event writes\n%s\nwant\n%s\n(batch-mates released: %v)", got, refused, evs[0].Released())
	}
	ds := "logs-vllm.server-" + cfg.DataStream.Namespace
	esGet(t, cfg, "POST", "/"+ds+"/_refresh", "")
	if n := esGet(t, cfg, "GET", "/"+ds+"/_count", "").Get("count").Int(); n != 2 {
		t.Errorf("%d documents indexed, want 2", n)
	}
}

// TestRealRestartExactlyOnce: a run that stops mid-way (Close with an expired context, as a
// crash leaves acks unresolved) and a second run that receives everything again, as Filebeat
// resends unacknowledged windows, leave every document exactly once.
func TestRealRestartExactlyOnce(t *testing.T) {
	cfg := realConfig(t)
	cfg.FlushCount = 40
	ctx := t.Context()
	if _, err := setup.Run(ctx, cfg, setup.Options{Fields: builtin.Registry().Fields(), SkipKibana: true}); err != nil {
		t.Fatal(err)
	}
	const total = 400
	all := vllmEvents(total, 0)
	first, err := elasticsearch.New(pipeline.Settings{}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var acks []chan event.Status
	for i := 0; i < total*3/4; i += 50 {
		acks = append(acks, deliver(t, first, all[i:i+50]))
	}
	// Stop once the first batch is safe, with later ones queued or in flight.
	retry := 0
	if <-acks[0] != event.Delivered {
		retry++
	}
	stopped, cancel := context.WithCancel(ctx)
	cancel()
	first.Close(stopped) // the "crash": whatever is not finished resolves Retry
	for _, a := range acks[1:] {
		if <-a != event.Delivered {
			retry++
		}
	}
	t.Logf("first run: %d of %d batches left for resend", retry, len(acks))
	second, err := elasticsearch.New(pipeline.Settings{}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	var acks2 []chan event.Status
	for i := 0; i < total; i += 100 {
		acks2 = append(acks2, deliver(t, second, all[i:i+100]))
	}
	for _, a := range acks2 {
		if s := <-a; s != event.Delivered {
			t.Fatalf("second run: %v", s)
		}
	}
	t.Logf("second run delivered in %v", time.Since(start))
	second.Close(ctx)
	ds := "logs-vllm.server-" + cfg.DataStream.Namespace
	esGet(t, cfg, "POST", "/"+ds+"/_refresh", "")
	if n := esGet(t, cfg, "GET", "/"+ds+"/_count", "").Get("count").Int(); n != total {
		t.Fatalf("%d documents, want exactly %d", n, total)
	}
	agg := esGet(t, cfg, "POST", "/"+ds+"/_search",
		`{"size":0,"aggs":{"ids":{"cardinality":{"field":"vllm.request.id","precision_threshold":1000}}}}`)
	if n := agg.Get("aggregations.ids.value").Int(); n != total {
		t.Errorf("%d distinct request ids, want %d", n, total)
	}
}

// TestRealUncompressedSlabsReused: with compression off, request bodies read the batches' slabs
// in place, and a slab is encoded into again once its documents are acknowledged. Every document
// of many batches, queued at once so that slabs come back while others are in flight, must be
// stored whole and once: a slab reused too early would store another batch's bytes.
func TestRealUncompressedSlabsReused(t *testing.T) {
	cfg := realConfig(t)
	cfg.Compression = "none"
	cfg.FlushCount = 100
	o := realOutput(t, cfg)
	const batches, size = 20, 150
	var acks []chan event.Status
	for b := range batches {
		acks = append(acks, deliver(t, o, vllmEvents(size, b*size)))
	}
	for i, a := range acks {
		if s := <-a; s != event.Delivered {
			t.Fatalf("batch %d: %v", i, s)
		}
	}
	ds := "logs-vllm.server-" + cfg.DataStream.Namespace
	esGet(t, cfg, "POST", "/"+ds+"/_refresh", "")
	hits := esGet(t, cfg, "POST", "/"+ds+"/_search", fmt.Sprintf(
		`{"size":%d,"_source":["message","vllm.request.id","vllm.request.prompt_tokens"]}`, batches*size+1))
	seen := map[string]bool{}
	for _, h := range hits.Get("hits.hits.#._source").Array() {
		id := h.Get("vllm.request.id").Str
		var k int
		if _, err := fmt.Sscanf(id, "chatcmpl-%06d", &k); err != nil || seen[id] {
			t.Fatalf("document %s: id unreadable or stored twice", h.Raw)
		}
		seen[id] = true
		if h.Get("message").Str != "INFO Finished request "+id+"." || h.Get("vllm.request.prompt_tokens").Int() != int64(100+k) {
			t.Fatalf("document %s does not hold what was sent for %s", h.Raw, id)
		}
	}
	if len(seen) != batches*size {
		t.Fatalf("%d documents stored, want %d", len(seen), batches*size)
	}
}

// TestRealSplitRecordNotLostOnReplay: a traceback whose first line was stored alone (split
// before a restart) and that comes again whole under the same id (the fingerprint of its first
// line and place) is stored beside it, not counted as a replay: every line is kept. The whole
// record again, or its first line again, is a replay; so is the whole one stored first.
func TestRealSplitRecordNotLostOnReplay(t *testing.T) {
	cfg := realConfig(t)
	o := realOutput(t, cfg)
	const head = "ERROR 12-06 10:00:00 [engine.py:160] EngineCore failed to start."
	whole := head + "\nTraceback (most recent call last):\n  File \"/app/engine.py\", line 150, in run\nRuntimeError: CUDA error: out of memory"
	record := func(id, msg string) *event.Event {
		ev := event.NewMessage(msg, time.Now())
		ev.Meta.ID = id
		ev.SetString("event.dataset", "vllm.server")
		return ev
	}
	send := func(evs ...*event.Event) {
		t.Helper()
		if s := <-deliver(t, o, evs); s != event.Delivered {
			t.Fatalf("status %v", s)
		}
	}
	ds := "logs-vllm.server-" + cfg.DataStream.Namespace
	messages := func() []string {
		t.Helper()
		esGet(t, cfg, "POST", "/"+ds+"/_refresh", "")
		var out []string
		esGet(t, cfg, "POST", "/"+ds+"/_search", `{"size":20,"sort":[{"@timestamp":"asc"}]}`).Get("hits.hits").ForEach(
			func(_, h gjson.Result) bool { out = append(out, h.Get("_source.message").Str); return true })
		return out
	}
	// Split first, whole after: both kept, then replays of either change nothing.
	send(record("split-first", head))
	send(record("split-first", whole))
	send(record("split-first", whole), record("split-first", head))
	// Whole first, its first line alone after: a replay.
	send(record("whole-first", whole))
	send(record("whole-first", head))
	got := messages()
	if len(got) != 3 {
		t.Fatalf("%d documents, want 3 (the first line alone, the whole record twice under two ids): %q", len(got), got)
	}
	var heads, wholes int
	for _, m := range got {
		switch m {
		case head:
			heads++
		case whole:
			wholes++
		}
	}
	if heads != 1 || wholes != 2 {
		t.Fatalf("documents %q: want the first line alone once and the whole record twice", got)
	}
}
