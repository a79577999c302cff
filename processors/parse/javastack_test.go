package parse

import (
	"testing"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// Spring Boot's layout prints an empty line before a record's exception and one after its
// frames, and a failed start's analysis on the lines under an error record with no message: each
// is one event with the record, up to the next record, whatever the batch size.
func TestSpringRecordJoins(t *testing.T) {
	t.Parallel()
	lines := []string{
		"2023-06-01 12:00:02.000 ERROR 1 --- [           main] o.s.b.d.LoggingFailureAnalysisReporter   : ",
		"",
		"***************************",
		"APPLICATION FAILED TO START",
		"***************************",
		"",
		"Description:",
		"",
		"Web server failed to start. Port 8080 was already in use.",
		"",
		"Action:",
		"",
		"Identify and stop the process that's listening on port 8080.",
		"",
		"2024-07-16T14:54:29.306+09:00  WARN 7 --- [batch] [tSummarizeJob-3] o.s.a.a.r.SpringAiRetryAutoConfiguration : Retry error. Retry count:4",
		"",
		"org.springframework.ai.retry.NonTransientAiException: 400 - {",
		`  "error": {`,
		`    "code": "context_length_exceeded"`,
		"  }",
		"}",
		"\tat org.springframework.ai.autoconfigure.retry.SpringAiRetryAutoConfiguration$2.handleError(SpringAiRetryAutoConfiguration.java:95)",
		"",
		"2024-07-16T14:54:30.001+09:00  INFO 7 --- [batch] [           main] c.e.App                                  : next",
	}
	for _, n := range []int{1, 3, len(lines)} {
		out := run(t, newProc(t, nil), "case", lines, n)
		checkNothingLost(t, lines, out)
		if len(out) != 3 {
			t.Fatalf("batches of %d: %d events, want 3", n, len(out))
		}
		for i, want := range []struct{ level, errMsg, errType string }{
			{"error", "Web server failed to start. Port 8080 was already in use.", ""},
			{"warning", "400 - {\n  \"error\": {\n    \"code\": \"context_length_exceeded\"\n  }\n}", "org.springframework.ai.retry.NonTransientAiException"},
			{"info", "", ""},
		} {
			ev := out[i]
			if got := logStr(ev, event.FieldLogLevel); got != want.level {
				t.Errorf("batches of %d, event %d: level %q, want %q", n, i, got, want.level)
			}
			if got := logStr(ev, event.FieldErrorMsg); got != want.errMsg {
				t.Errorf("batches of %d, event %d: error.message %q, want %q", n, i, got, want.errMsg)
			}
			if got := logStr(ev, event.FieldErrorType); got != want.errType {
				t.Errorf("batches of %d, event %d: error.type %q, want %q", n, i, got, want.errType)
			}
		}
	}
}
