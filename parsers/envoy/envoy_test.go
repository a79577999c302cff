package envoy

import (
	"testing"

	"github.com/sluice-dev/sluice/parsers/parseutil/putest"
)

func TestGolden(t *testing.T) { putest.Golden(t, Info) }

func TestRejects(t *testing.T) {
	t.Parallel()
	putest.Rejects(t, New(),
		"", "[2025-07-05 12:59:32.936] too short", "[ 1843.308145] NVRM: Xid (PCI:0000:3b:00): 79",
		"[2025-07-05 12:59:32.936][x][warning][misc] the thread is no number at all here",
		"[2025-06-16 15:51:18,474] LMCache INFO: Reqid: chatcmpl-d971db31134e43a0ae7da519a2b79253",
	)
}

func FuzzParse(f *testing.F) { putest.FuzzParse(f, New()) }

func BenchmarkParse(b *testing.B) {
	putest.Bench(b, New(), []string{
		"[2025-07-05 12:59:32.936][1][warning][misc] [source/common/protobuf/message_validator_impl.cc:23] Deprecated field",
		"INFO 05-12 08:01:39 [loggers.py:271] Engine 000: Avg prompt throughput: 0.0 tokens/s",
	})
}
