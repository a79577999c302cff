package builtin

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/parsers"
	"github.com/sluice-dev/sluice/parsers/k8spath"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// TestGPUSamples runs the default chain over the GPU-stack samples `make run` reads, as the parse
// processor does (container from the log path, framing, then the first content parser), and
// checks that every line is recognised with its container's dataset. The only lines left
// unparsed are the ones no GPU parser should take: blank lines and the PCIe AER line.
func TestGPUSamples(t *testing.T) {
	t.Parallel()
	reg := Registry()
	var framing, content []parsers.Parser
	for _, n := range reg.DefaultChain() {
		info, _ := reg.Lookup(n)
		if info.Framing {
			framing = append(framing, info.New(parsers.Options{}))
		} else {
			content = append(content, info.New(parsers.Options{}))
		}
	}
	want := map[string]string{
		"gpu-node-3-kern.log":                 "gpu.xid",
		"gpu-operator-":                       "gpu.operator",
		"nvidia-container-toolkit-daemonset-": "gpu.container_toolkit",
		"nvidia-dcgm-exporter-":               "gpu.dcgm_exporter",
		"nvidia-device-plugin-daemonset-":     "gpu.device_plugin",
		"nvidia-driver-daemonset-":            "gpu.driver",
		"nvidia-operator-validator-":          "gpu.validator",
	}
	seen := 0
	for prefix, dataset := range want {
		files, _ := filepath.Glob(filepath.Join("..", "..", "configs", "samples", prefix+"*"))
		if len(files) != 1 {
			t.Fatalf("%s: %d sample files, want 1", prefix, len(files))
		}
		f, err := os.Open(files[0])
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			seen++
			ev := event.NewMessage(sc.Text(), time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC))
			ev.SetString(event.FieldLogFilePath, files[0])
			k8spath.Apply(ev)
			for _, p := range framing {
				if p.Parse(ev) {
					break
				}
			}
			ok := false
			for _, p := range content {
				if ok = p.Parse(ev); ok {
					break
				}
			}
			msg := ev.Message()
			if !ok {
				if strings.TrimSpace(msg) != "" && !strings.Contains(msg, "AER:") {
					t.Errorf("%s: not recognised: %q", filepath.Base(files[0]), msg)
				}
				continue
			}
			if ds, _ := ev.GetString(event.FieldDataset); ds != dataset {
				t.Errorf("%s: %q has dataset %q, want %q", filepath.Base(files[0]), msg, ds, dataset)
			}
		}
		f.Close()
	}
	if seen < 90 {
		t.Errorf("read %d sample lines, want the whole set", seen)
	}
}
