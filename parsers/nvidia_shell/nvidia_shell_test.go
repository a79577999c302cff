package nvidia_shell

import (
	"testing"

	"github.com/sluice-dev/sluice/parsers/parseutil/putest"
)

func TestGolden(t *testing.T) { putest.Golden(t, Info) }

func TestRejects(t *testing.T) {
	t.Parallel()
	putest.Rejects(t, New(),
		"", "   ", "Stopping NVIDIA persistence daemon...", "Traceback (most recent call last):",
		"INFO:     10.0.0.1:5555 - \"GET /health HTTP/1.1\" 200 OK",
	)
}

func FuzzParse(f *testing.F) { putest.FuzzParse(f, New()) }

func BenchmarkParse(b *testing.B) {
	putest.Bench(b, New(), []string{
		"Starting installation of NVIDIA driver version 535.104.05 for Linux kernel version 5.15.0-1041-azure",
		"2022/06/16 07:21:18 Failed to initialize NVML: could not load NVML library.",
	})
}

func TestSignatureAnchors(t *testing.T) {
	t.Parallel()
	// signature's pre-check assumes every phrase holds one of its anchors.
	for _, s := range signatures {
		if signature(s.phrase) != s.dataset {
			t.Errorf("phrase %q not found through the anchors", s.phrase)
		}
	}
}
