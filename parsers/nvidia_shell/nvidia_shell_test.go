package nvidia_shell

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

// nvidia-installer wraps its messages at the terminal's width, each further line indented under
// the text after "ERROR: ": the driver container's error reads as one line, as its one-line
// form does, whatever the width it was printed at.
func TestInstallerErrorUnwrapped(t *testing.T) {
	t.Parallel()
	const path = "/var/log/pods/gpu-operator_nvidia-driver-daemonset-7kqzp_0b7e3f2a-1c2d-4e5f-8a9b-0c1d2e3f4a5b/nvidia-driver-ctr/1.log"
	want := "Unable to open 'kernel/dkms.conf' for copying (No such file or directory)"
	for _, msg := range []string{
		"ERROR: Unable to open 'kernel/dkms.conf' for copying (No such file or directory)",
		"ERROR: Unable to open 'kernel/dkms.conf' for copying (No such file or\n       directory)",
		"ERROR: Unable to open 'kernel/dkms.conf' for\n       copying (No such file or\n       directory)",
	} {
		ev := event.NewMessage(msg, time.Time{})
		ev.SetString(event.FieldLogFilePath, path)
		if !New().Parse(ev) {
			t.Fatalf("not read: %q", msg)
		}
		if got, _ := ev.GetString(event.FieldErrorMsg); got != want {
			t.Errorf("%q: error.message %q", msg, got)
		}
	}
	// the validator's error as its command's exit path prints it
	ev := event.NewMessage("Error: error validating driver installation: failed to determine major: invalid device node", time.Time{})
	ev.SetString(event.FieldLogFilePath, "/var/log/pods/gpu-operator_nvidia-operator-validator-6vzxd_2d1c0b9a-8f7e-4d6c-9b5a-4e3f2a1b0c9d/driver-validation/0.log")
	if !New().Parse(ev) {
		t.Fatal("validator's error not read")
	}
	if got, _ := ev.GetString(event.FieldErrorMsg); got != "error validating driver installation: failed to determine major: invalid device node" {
		t.Errorf("validator: error.message %q", got)
	}
	// a line under it that is not the wrap stays
	if got := unwrapped("first\n       wrapped\nnot wrapped", 7); got != "first wrapped\nnot wrapped" {
		t.Errorf("unwrapped: %q", got)
	}
}
