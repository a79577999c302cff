package parse

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
	"github.com/sluice-dev/sluice/processors/internal/proc"
)

// A huge error line keeps its whole text in message, but the fields copied out of it are cut:
// the first piece of a 10 MB line copied its 1 MB text into error.message as well.
func TestDerivedFieldsCapped(t *testing.T) {
	t.Parallel()
	p := newProc(t, nil)
	line := "(APIServer pid=1) ERROR 05-14 10:00:00 [serving.py:12] " + strings.Repeat("x", 1<<20)
	out := run(t, p, "s", []string{line}, 1)
	if len(out) != 1 {
		t.Fatalf("%d events", len(out))
	}
	ev := out[0]
	msg, _ := ev.GetString(event.FieldErrorMsg)
	if len(msg) == 0 || len(msg) > event.MaxDerivedLen {
		t.Errorf("error.message has %d bytes, want 1 to %d", len(msg), event.MaxDerivedLen)
	}
	if !ev.HasTag(event.TagFieldTruncated) {
		t.Errorf("tags %v lack %s", ev.Tags(), event.TagFieldTruncated)
	}
	if !strings.HasSuffix(ev.Message(), strings.Repeat("x", 1<<20)) {
		t.Error("message lost text")
	}
	short := run(t, p, "s", []string{"(APIServer pid=1) ERROR 05-14 10:00:00 [serving.py:12] boom"}, 1)[0]
	if short.HasTag(event.TagFieldTruncated) {
		t.Error("a short line was tagged")
	}
}

// An ERROR line followed by a traceback far past the group limit becomes at most
// max_continuations+1 events of the same group, the rest counted; it became one capped event
// and then one _parse_failure event per remaining line (399,003 of them for 400k lines).
func TestOverlongTracebackBounded(t *testing.T) {
	t.Parallel()
	const maxLines, total = 100, 40_000
	p := newProc(t, func(c *Config) { c.Multiline.MaxLines = maxLines })
	lines := []string{"ERROR 05-14 10:00:00 [core.py:1] EngineCore failed", "Traceback (most recent call last):"}
	for len(lines) < total {
		lines = append(lines, fmt.Sprintf(`  File "loop.py", line %d, in f`, len(lines)))
	}
	lines = append(lines, "RecursionError: maximum recursion depth exceeded", "INFO 05-14 10:00:01 [api.py:2] next")
	var acks []*pipelinetest.AckRecorder
	var out []*event.Event
	for i := 0; i < len(lines); i += 1000 {
		ack, rec := pipelinetest.NewAck()
		acks = append(acks, rec)
		b := event.NewBatch(events("s", lines[i:min(i+1000, len(lines))]), ack)
		b.Key = "s"
		if err := p.Process(context.Background(), b); err != nil {
			t.Fatal(err)
		}
		if dropped := len(lines[i:min(i+1000, len(lines))]) - len(b.Events) - b.TakeAbsorbed(); dropped > 0 {
			t.Fatalf("batch at %d: %d lines neither sent nor absorbed", i, dropped)
		}
		out = append(out, b.Events...)
		b.Resolve(event.Delivered)
	}
	if len(out) != proc.DefaultMaxContinuations+2 {
		t.Fatalf("%d events, want %d parts and the next line", len(out), proc.DefaultMaxContinuations+1)
	}
	id, _ := out[0].GetString(event.FieldErrorID)
	sent := 0
	for i, ev := range out[:len(out)-1] {
		if got, _ := ev.GetString(event.FieldErrorID); got != id || id == "" {
			t.Errorf("part %d: error.id %q, want %q", i+1, got, id)
		}
		if seq, _ := ev.Get(event.FieldSequence); seq.Int() != int64(i+1) {
			t.Errorf("part %d: event.sequence %v", i+1, seq.Any())
		}
		if ev.HasTag(event.TagParseFailure) || (i > 0) != ev.HasTag(event.TagGroupContinued) {
			t.Errorf("part %d: tags %v", i+1, ev.Tags())
		}
		if lv, _ := ev.GetString(event.FieldLogLevel); lv != "error" {
			t.Errorf("part %d: log.level %q", i+1, lv)
		}
		sent += strings.Count(ev.Message(), "\n") + 1
	}
	last := out[len(out)-2]
	omitted, _ := last.Get(event.FieldOmittedLines)
	if !last.HasTag(event.TagMultilineOmitted) || int(omitted.Int()) != len(lines)-1-sent {
		t.Errorf("last part: tags %v, omitted %v; %d lines sent of %d", last.Tags(), omitted.Any(), sent, len(lines)-1)
	}
	if got := testutil.ToFloat64(p.omitted); int(got) != len(lines)-1-sent {
		t.Errorf("sluice_parse_lines_omitted_total %v", got)
	}
	if !out[0].Has("error.stack_trace") {
		t.Errorf("first part not parsed as a traceback: %.300s", out[0].AppendJSON(nil))
	}
	for i, rec := range acks {
		if s, ok := rec.Status(); !ok || s != event.Delivered {
			t.Fatalf("ack %d: %v %v", i, s, ok)
		}
	}
}

// A request line longer than partial.max_bytes is sent in parts: the head tagged, and the rest,
// which only the head showed to be a prompt, tagged and hidden as the prompts option says. The
// rest went out as plain text, the user's prompt in it.
func TestCutRequestLineRestHidden(t *testing.T) {
	t.Parallel()
	secret := strings.Repeat("my card is 4111 and the rest of the prompt ", 40) // 1,720 bytes
	head := "2025-07-29T06:22:20.000000001Z stdout P (APIServer pid=1) INFO 07-29 06:22:20 [logger.py:41] Received request chatcmpl-1: prompt: '"
	lines := []string{head + secret[:600], "2025-07-29T06:22:20.000000002Z stdout P " + secret[600:1200],
		"2025-07-29T06:22:20.000000003Z stdout P " + secret[1200:], "2025-07-29T06:22:20.000000004Z stdout F ', params: SamplingParams(n=1), lora_request: None."}
	for _, mode := range []string{"hash", "drop", "truncate", "keep"} {
		p := newProc(t, func(c *Config) { c.Partial.MaxBytes = 1024; c.Prompts = mode; c.PromptMaxLength = 16 })
		out := run(t, p, "s", lines, 4)
		if len(out) != 3 {
			t.Fatalf("%s: %d events, want the head and two parts of the rest", mode, len(out))
		}
		for i, ev := range out {
			if !ev.HasTag(TagPartialSplit) {
				t.Errorf("%s: event %d lacks %s", mode, i, TagPartialSplit)
			}
			leaks := strings.Contains(string(ev.AppendJSON(nil)), "rest of the prompt my card")
			if leaks != (mode == "keep") {
				t.Errorf("%s: event %d shows the prompt: %v: %.200s", mode, i, leaks, ev.AppendJSON(nil))
			}
		}
	}
}
