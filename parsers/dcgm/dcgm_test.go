package dcgm

import (
	"testing"

	"github.com/sluice-dev/sluice/parsers/parseutil/putest"
)

func TestGolden(t *testing.T) { putest.Golden(t, Info) }

func TestRejects(t *testing.T) {
	t.Parallel()
	putest.Rejects(t, New(),
		"", "2024-05-27 06:51:51.530 ERROR 1:25 no brackets here at all", "2024-05-27T06:51:51.530Z ERROR [1:25] iso T",
		"2024-05-27 06:51:51.530 ERROR [x:25] bad pid", "I0819 07:02:54.756486       1 main.go:235] klog",
	)
}

func FuzzParse(f *testing.F) { putest.FuzzParse(f, New()) }

func BenchmarkParse(b *testing.B) {
	putest.Bench(b, New(), []string{
		"2026-09-21 15:58:36.273 INFO  [45265:45271] Loaded module 4 [./dcgmlib/src/DcgmHostEngineHandler.cpp:2775] [DcgmHostEngineHandler::LoadModule]",
	})
}
