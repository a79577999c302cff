package nodejs

import (
	"testing"
	"time"

	"github.com/sluice-dev/sluice/parsers/parseutil/putest"
	"github.com/sluice-dev/sluice/pipeline/event"
)

func TestGolden(t *testing.T) { putest.Golden(t, Info) }

func TestRejects(t *testing.T) {
	t.Parallel()
	putest.Rejects(t, New(),
		"", "abc",
		"INFO 05-12 08:01:39 [loggers.py:271] Engine 000: Avg prompt throughput: 0.0 tokens/s",
		"2024-06-26 09:07:05 notice: not one of winston's levels",
		"2024-06-26 09:07:05 [Error]: the level in brackets is in capitals",
		"[backend with space] error: no service name",
		"TypeError: fetch failed", // alone: no frames under it to say it is JavaScript's
		"2026-01-04T12:23:01.856Z | chatty | no level",
	)
}

// TestGroupedError: a JavaScript error with the V8 frames the parse processor grouped under it,
// in each form Node prints one.
func TestGroupedError(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		msg, level, typ, errMsg string
		status                  int64
	}{
		{"[backend] error: TypeError: fetch failed\n    at node:internal/deps/undici/undici:12618:11\n    at async /app/server/endpoints/system.js:953:35",
			"error", "TypeError", "fetch failed", 0},
		{"2023-10-05 19:19:58 [ERROR]: [server]: Error: Request failed with status code 400\nError: Request failed with status code 400\n    at createError (/app/node_modules/axios/lib/core/createError.js:16:15)",
			"error", "Error", "Request failed with status code 400", 400},
		// the openai client's APIError: its status before its message (huggingface/chat-ui #1343)
		{"Error: 400 status code (no body)\n    at APIError.generate (file:///app/node_modules/openai/error.mjs:41:20)",
			"error", "Error", "400 status code (no body)", 400},
		{" [TypeError: fetch failed] {\n  cause:  [Error: connect ECONNREFUSED 127.0.0.1:11434] {\n  errno: -4078,\n  code: 'ECONNREFUSED'\n}\n}",
			"error", "TypeError", "fetch failed; cause: Error: connect ECONNREFUSED 127.0.0.1:11434", 0},
		{"Error [ERR_STREAM_PREMATURE_CLOSE]: Premature close\n    at onclose (node:internal/streams/end-of-stream:154:30)",
			"error", "Error", "Premature close", 0},
		{"node:internal/process/promises:288\n            triggerUncaughtException(err, true /* fromPromise */);\n            ^\n\n[UnhandledPromiseRejection: This error originated either by throwing inside of an async function without a catch block.] {\n  code: 'ERR_UNHANDLED_REJECTION'\n}\n\nNode.js v18.20.4",
			"critical", "UnhandledPromiseRejection", "This error originated either by throwing inside of an async function without a catch block.", 0},
		{"<--- Last few GCs --->\n\nFATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n----- Native stack trace -----\n 1: 0x72ded8 node::OOMErrorHandler(char const*, v8::OOMDetails const&)",
			"critical", "", "Reached heap limit Allocation failed - JavaScript heap out of memory", 0},
	} {
		ev := event.NewMessage(c.msg, time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
		if !New().Parse(ev) {
			t.Errorf("%q: not parsed", c.msg)
			continue
		}
		for name, want := range map[string]string{"log.level": c.level, "error.type": c.typ, "error.message": c.errMsg} {
			if got, _ := ev.GetString(name); got != want {
				t.Errorf("%q: %s = %q, want %q", c.msg[:30], name, got, want)
			}
		}
		if got, _ := ev.Get(event.FieldHTTPStatus); c.status != 0 && !got.Equal(event.Int(c.status)) {
			t.Errorf("%q: status %v, want %d", c.msg[:30], got, c.status)
		}
		if !ev.Has(event.FieldErrorStack) {
			t.Errorf("%q: no stack", c.msg[:30])
		}
	}
}

func FuzzParse(f *testing.F) { putest.FuzzParse(f, New()) }

func BenchmarkParse(b *testing.B) {
	putest.Bench(b, New(), []string{
		"2024-07-26 08:57:28 error: [handleAbortError] AI response error; aborting request: Connection error.",
		"INFO 05-12 08:01:39 [loggers.py:271] Engine 000: Avg prompt throughput: 0.0 tokens/s",
	})
}
