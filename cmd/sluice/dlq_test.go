package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/sluice-dev/sluice/internal/testsvc/esfault"
	"github.com/sluice-dev/sluice/pipeline/deadletter"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// TestDLQReplay: events dead-lettered by the elasticsearch output go out again through it with
// their fields, tags and source position; a second replay of the same files duplicates nothing.
func TestDLQReplay(t *testing.T) {
	t.Parallel()
	es, err := esfault.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer es.Close()
	dir := t.TempDir()
	dlqDir := filepath.Join(dir, "dlq")
	dl, err := deadletter.Open(dlqDir, 1<<20, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		ev := event.NewMessage(fmt.Sprintf("line %d", i), time.Now())
		ev.Meta.Input, ev.Meta.Source, ev.Meta.Offset = "beats", "/var/log/a.log", int64(100+i)
		ev.SetString("event.dataset", "vllm.server")
		ev.Set("vllm.request.prompt_tokens", event.Int(int64(i)))
		ev.AddTag("replayed_from_test")
		if err := dl.Write(t.Context(), ev, "elasticsearch", "status 400: mapper_parsing_exception"); err != nil {
			t.Fatal(err)
		}
	}
	other := event.NewMessage("from another component", time.Now())
	if err := dl.Write(t.Context(), other, "parse", "bad line"); err != nil {
		t.Fatal(err)
	}
	dl.Close()
	cfg := filepath.Join(dir, "sluice.yaml")
	writeFile(t, cfg, fmt.Sprintf(`
inputs:
  stdin: {}
outputs:
  elasticsearch:
    hosts: [%q]
    flush_interval: 10ms
pipelines:
  main:
    inputs: [stdin]
    outputs: [elasticsearch]
dead_letter:
  path: %q
http:
  address: ""
`, es.URL(), dlqDir))

	code, out, errs := runCLI(t, "", "dlq", "replay", "-c", cfg, "--output", "elasticsearch", "--component", "elasticsearch", "--dry-run")
	if code != 0 || !strings.Contains(out, "read 3 events (1 skipped") || len(es.Docs()) != 0 {
		t.Fatalf("dry run: code %d, %d docs\n%s%s", code, len(es.Docs()), out, errs)
	}
	for round := range 2 {
		code, out, errs := runCLI(t, "", "dlq", "replay", "-c", cfg, "--output", "elasticsearch", "--component", "elasticsearch")
		if code != 0 || !strings.Contains(out, "3 delivered") {
			t.Fatalf("round %d: code %d\n%s%s", round, code, out, errs)
		}
	}
	docs := es.Docs()
	if len(docs) != 3 || es.Conflicts() != 3 {
		t.Fatalf("%d documents, %d conflicts: want 3 and 3 (second replay a no-op)", len(docs), es.Conflicts())
	}
	src := gjson.ParseBytes(docs[0].Source)
	if src.Get("vllm.request.prompt_tokens").Type != gjson.Number || src.Get("tags.0").Str != "replayed_from_test" ||
		docs[0].Index != "logs-vllm.server-default" {
		t.Errorf("replayed document %s in %s", docs[0].Source, docs[0].Index)
	}
}
