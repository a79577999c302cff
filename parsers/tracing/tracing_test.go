package tracing

import (
	"testing"

	"github.com/sluice-dev/sluice/parsers/parseutil/putest"
)

func TestGolden(t *testing.T) { putest.Golden(t, Info) }

func TestRejects(t *testing.T) {
	t.Parallel()
	putest.Rejects(t, New(),
		"", "2024-03-06T17:53:22.336246Z", "2024-03-06T17:53:22.336246Z  INFO",
		"2024-03-06T17:53:22.336246Z  INFO no target here at all",
		"2024-03-06T17:53:22.336246Z NOTICE text_generation_launcher: not a tracing level",
		"2024-03-06 17:53:22,336 - vllm - INFO - Python's logging",
		"2024-03-06T17:53:22.336246Z  INFO span{unclosed: target: message",
		// GNU wget's refusal: 403 is the status, no module
		"2024-12-21 11:07:10 ERROR 403: Forbidden.",
	)
}

func FuzzParse(f *testing.F) { putest.FuzzParse(f, New()) }

var benchLines = []string{
	`2026-09-09T19:08:28.191844Z ERROR http-request:anthropic_messages: dynamo_llm::http::service::anthropic: Anthropic Internal server error: Failed to generate Anthropic completions: Failed to apply prompt template status=500 Internal Server Error method=POST uri=/v1/messages?beta=true version=HTTP/1.1 request_id=dad4fcdf-a603-4afb-9c60-21c516b289e0`,
	`2024-03-06T17:53:22.336246Z  INFO shard-manager: text_generation_launcher: Starting shard rank=0`,
	`INFO 05-12 08:01:39 [loggers.py:271] Engine 000: Avg prompt throughput: 0.0 tokens/s`,
}

func BenchmarkParse(b *testing.B) { putest.Bench(b, New(), benchLines) }
