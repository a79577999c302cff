package vllm

import (
	"testing"

	"github.com/sluice-dev/sluice/parsers/golden"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// TestRequestIDOnLines checks which lines get a request id, beyond the golden cases: near misses
// must get none, so that a correlation on the id never joins unrelated lines.
func TestRequestIDOnLines(t *testing.T) {
	t.Parallel()
	tests := []struct{ line, id, action string }{
		{"INFO 09-03 07:51:00 [async_llm.py:342] Request r-1 failed (engine dead", "", ""},
		{"INFO 09-03 07:51:00 [async_llm.py:342] Request r-1 failed (bad request): .", "", ""},
		{"INFO 09-03 07:51:00 [async_llm.py:342] Request r-1 failed badly.", "", ""},
		{"INFO 09-03 07:51:00 [async_llm.py:342] Request r-1 aborted.", "r-1", ActionAborted},
		{"WARNING 09-03 07:51:00 [x.py:1] Sequence group is preempted by RECOMPUTE", "", ""},
		{"WARNING 09-03 07:51:00 [x.py:1] a request was slow", "", ""},
		{"ERROR 09-03 07:51:00 [x.py:1] lost output of request cmpl-9f-0.", "cmpl-9f-0", ""},
		{"ERROR 09-03 07:51:00 [x.py:1] KV transfer failed: chatcmpl-77 (timeout)", "chatcmpl-77", ""},
		{"ERROR 09-03 07:51:00 [x.py:1] unknown xchatcmpl-77", "", ""},
		{"INFO 09-03 07:51:00 [x.py:1] request cmpl-1 is info, not scanned", "", ""},
	}
	for _, tc := range tests {
		ev := event.NewMessage(tc.line, golden.Received)
		if !New(Options{}).Parse(ev) {
			t.Fatalf("%q: not parsed", tc.line)
		}
		id, _ := ev.GetString(FieldRequestID)
		action, _ := ev.GetString(event.FieldEventAction)
		if id != tc.id || action != tc.action {
			t.Errorf("%q: id %q action %q, want %q %q", tc.line, id, action, tc.id, tc.action)
		}
	}
}
