package compose

import (
	"testing"
	"time"

	"github.com/sluice-dev/sluice/parsers/golden"
	"github.com/sluice-dev/sluice/pipeline/event"
)

func TestGolden(t *testing.T) { t.Parallel(); golden.GoldenEach(t, Parser{}) }

func FuzzParse(f *testing.F) { golden.FuzzFraming(f, Parser{}) }

func BenchmarkParse(b *testing.B) {
	golden.BenchFraming(b, Parser{}, "vllm-1  | INFO 05-12 08:01:39 [loggers.py:271] Engine 000: Avg prompt throughput: 0.0 tokens/s")
}

// A kubectl stamp in a line the container runtime framed again (kubectl's output that a pod
// prints, a copy under a node's log directory) is the line's time, over the copy's.
func TestKubectlStampOverRuntime(t *testing.T) {
	t.Parallel()
	runtime := time.Date(2026, 12, 5, 10, 0, 0, 168000123, time.UTC)
	ev := event.NewMessage("2026-04-28T14:17:50.089230833+08:00 (APIServer pid=1) ERROR 04-28 14:17:50 [serving_chat.py:257] ValueError: too large", runtime)
	ev.SetTimestamp(runtime)
	if !(Parser{}).Parse(ev) {
		t.Fatal("not parsed")
	}
	if got, want := ev.Timestamp(), time.Date(2026, 4, 28, 6, 17, 50, 89230833, time.UTC); !got.Equal(want) {
		t.Errorf("@timestamp %v, want %v", got, want)
	}
	if got := ev.Message(); got != "(APIServer pid=1) ERROR 04-28 14:17:50 [serving_chat.py:257] ValueError: too large" {
		t.Errorf("message %q", got)
	}
}
