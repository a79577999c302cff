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

// nvidia-smi's report grouped into one event: its header row's words, the one GPU it shows
// (nvidia-smi 535's layout), none of several, and a warning where a cell reads ERR!.
func TestSMIReport(t *testing.T) {
	t.Parallel()
	one := `+---------------------------------------------------------------------------------------+
| NVIDIA-SMI 535.104.05             Driver Version: 535.104.05   CUDA Version: 12.2     |
|-----------------------------------------+----------------------+----------------------+
| GPU  Name                 Persistence-M | Bus-Id        Disp.A | Volatile Uncorr. ECC |
| Fan  Temp   Perf          Pwr:Usage/Cap |         Memory-Usage | GPU-Util  Compute M. |
|=========================================+======================+======================|
|   0  NVIDIA A100-SXM4-80GB          On  | 00000000:07:00.0 Off |                    0 |
| N/A   32C    P0              61W / 400W |      4MiB / 81920MiB |      0%      Default |
+-----------------------------------------+----------------------+----------------------+`
	two := `Mon Jul  5 04:00:24 2021
+-----------------------------------------------------------------------------+
| NVIDIA-SMI 460.73.01    Driver Version: 460.73.01    CUDA Version: 11.2     |
|===============================+======================+======================|
|   0  Tesla T4            On   | 00000000:84:00.0 Off |                    0 |
| N/A   39C    P0    26W /  70W |      0MiB / 15109MiB |      0%      Default |
|   1  Tesla T4            On   | 00000000:85:00.0 Off |                  ERR! |
|ERR!  ERR!  ERR!    ERR! / ERR!|      0MiB / 15109MiB |    ERR!      Default |
+-------------------------------+----------------------+----------------------+`
	cases := []struct {
		text, msg, bus, model, level string
	}{
		{one, "NVIDIA-SMI 535.104.05 Driver Version: 535.104.05 CUDA Version: 12.2", "0000:07:00", "NVIDIA A100-SXM4-80GB", "info"},
		{two, "NVIDIA-SMI 460.73.01 Driver Version: 460.73.01 CUDA Version: 11.2", "", "", "warning"},
	}
	for _, c := range cases {
		ev := event.NewMessage(c.text, time.Time{})
		if !New().Parse(ev) {
			t.Fatalf("not read: %q", c.text[:40])
		}
		for k, want := range map[string]string{"log.message": c.msg, "gpu.pci_bus_id": c.bus, "gpu.model": c.model, "log.level": c.level} {
			if got, _ := ev.GetString(k); got != want {
				t.Errorf("%s: %s = %q, want %q", c.msg, k, got, want)
			}
		}
	}
}
