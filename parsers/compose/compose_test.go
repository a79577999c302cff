package compose

import (
	"testing"

	"github.com/sluice-dev/sluice/parsers/golden"
)

func TestGolden(t *testing.T) { t.Parallel(); golden.GoldenEach(t, Parser{}) }

func FuzzParse(f *testing.F) { golden.FuzzFraming(f, Parser{}) }

func BenchmarkParse(b *testing.B) {
	golden.BenchFraming(b, Parser{}, "vllm-1  | INFO 05-12 08:01:39 [loggers.py:271] Engine 000: Avg prompt throughput: 0.0 tokens/s")
}
