package check

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// standIn makes a stand-in for nvidia-smi that records its arguments and prints a recorded
// output (or fails as nvidia-smi does on a node whose driver is gone), and returns its path and
// the file its arguments go to. The stand-in is this test binary under a link named nvidia-smi
// (TestMain runs standInMain then): a script written here and run at once can meet "text file
// busy" while a parallel test's fork still holds it open for writing.
func standIn(t *testing.T, output string, exit int) (string, string) {
	t.Helper()
	// Not t.TempDir: subtest names hold YAML punctuation, and the path goes into YAML.
	dir, err := os.MkdirTemp("", "nvidia-smi")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if output != "" {
		abs, err := filepath.Abs(filepath.Join("testdata", "nvidia-smi", output))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "output"), []byte(abs), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "exit"), []byte(strconv.Itoa(exit)), 0o600); err != nil {
		t.Fatal(err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "nvidia-smi")
	if err := os.Symlink(self, path); err != nil {
		t.Fatal(err)
	}
	return path, filepath.Join(dir, "args")
}

// TestMain runs the stand-in when the test binary is started as nvidia-smi (standIn's link).
func TestMain(m *testing.M) {
	if filepath.Base(os.Args[0]) == "nvidia-smi" {
		os.Exit(standInMain(filepath.Dir(os.Args[0]), os.Args[1:]))
	}
	os.Exit(m.Run())
}

// standInMain is the stand-in nvidia-smi whose files lie in dir: it writes its arguments to
// args, prints the recorded output the file output names (else nvidia-smi's failure to reach
// the driver), and returns the exit status in exit.
func standInMain(dir string, args []string) int {
	_ = os.WriteFile(filepath.Join(dir, "args"), []byte(strings.Join(args, " ")+"\n"), 0o600)
	if name, err := os.ReadFile(filepath.Join(dir, "output")); err == nil {
		b, err := os.ReadFile(string(name))
		if err != nil {
			return 99
		}
		os.Stdout.Write(b)
	} else {
		os.Stdout.WriteString("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. " +
			"Make sure that the latest NVIDIA driver is installed and running.\n")
	}
	code, _ := os.ReadFile(filepath.Join(dir, "exit"))
	n, _ := strconv.Atoi(strings.TrimSpace(string(code)))
	return n
}

func TestGPUFromRecordedOutputs(t *testing.T) {
	t.Parallel()
	cases := []struct {
		file, settings string
		status         Status
		detail         string
	}{
		{"tesla-t4-515.105.01.xml", "probe: present", Passed, "driver 515.105.01, 1 GPU(s)"},
		{"tesla-t4-515.105.01.xml", "{probe: driver, min_driver: '510.47', min_cuda: '11.4'}", Passed, "driver 515.105.01, CUDA 11.7"},
		{"tesla-t4-515.105.01.xml", "{probe: driver, min_cuda: '12.2'}", Failed, "driver 515.105.01, CUDA 11.7, want CUDA 12.2 or later"},
		{"tesla-t4-515.105.01.xml", "{probe: count, min_count: 2}", Failed, "1 GPU(s): Tesla T4 x1, want at least 2"},
		{"tesla-t4-515.105.01.xml", "{probe: memory, min_gib: 14}", Passed, "Tesla T4 x1: 15.0 GiB each or more"},
		{"tesla-t4-515.105.01.xml", "{probe: memory, min_gib: 20}", Failed, "GPU 0 (Tesla T4): 15.0 GiB, want at least 20 GiB"},
		{"tesla-t4-515.105.01.xml", "{probe: temperature, max_temp_c: 85}", Passed, "hottest 40 C (GPU 0 (Tesla T4)) of 1 GPU(s)"},
		{"tesla-t4-515.105.01.xml", "{probe: temperature, max_temp_c: 40}", Failed, "GPU 0 (Tesla T4): 40 C, want under 40 C"},
		{"tesla-t4-515.105.01.xml", "probe: pages", Passed, "0 retired, none pending on 1 GPU(s)"},
		{"tesla-t4-515.105.01.xml", "probe: ecc", Passed, "0 uncorrectable, 0 correctable (volatile) on 1 GPU(s)"},
		{"tesla-t4-515.105.01.xml", "{probe: mig, mig: disabled}", Skipped, "no GPU reports a MIG mode"},
		{"tesla-t4-515.105.01-pending.xml", "probe: pages", Failed, "GPU 0 (Tesla T4): a page retirement or row remapping is pending"},
		{"tesla-t4-515.105.01-retired.xml", "probe: pages", Failed, "GPU 0 (Tesla T4): 2 retired pages or remapped rows, want at most 0"},
		{"tesla-t4-515.105.01-retired.xml", "{probe: pages, max_retired_pages: 2}", Passed, "2 retired, none pending"},
		{"a100-sxm4-80gb-mig-535.54.03.xml", "{probe: mig, mig: enabled}", Passed, "MIG Enabled on 1 GPU(s)"},
		{"a100-sxm4-80gb-mig-535.54.03.xml", "{probe: mig, mig: disabled}", Failed, "GPU 0 (NVIDIA A100-SXM4-80GB): MIG Enabled, want Disabled"},
		{"a100-sxm4-80gb-mig-535.54.03.xml", "{probe: count, min_count: 4}", Passed, "4 GPU(s): NVIDIA A100-SXM4-80GB x1"},
		{"a100-sxm4-80gb-mig-535.54.03.xml", "{probe: memory, min_gib: 80}", Passed, "80.0 GiB"},
		{"a100-sxm4-80gb-mig-535.54.03.xml", "{probe: driver, min_driver: '535.104.05'}", Failed, "driver 535.54.03, CUDA 12.2, want driver 535.104.05 or later"},
		{"a100-sxm4-80gb-mig-535.54.03.xml", "probe: pages", Passed, "none pending on 1 GPU(s) (retired page counts not reported)"},
		{"rtx-pro-6000-blackwell-590.44.01.xml", "probe: ecc", Skipped, "no GPU reports ECC counts"},
		{"rtx-pro-6000-blackwell-590.44.01.xml", "probe: pages", Passed, "0 retired, none pending on 1 GPU(s)"},
		{"rtx-pro-6000-blackwell-590.44.01.xml", "{probe: driver, min_driver: '570', min_cuda: '12.8'}", Passed, "driver 590.44.01, CUDA 13.1"},
		{"rtx-pro-6000-blackwell-590.44.01.xml", "{probe: memory, min_gib: 96}", Failed, "95.6 GiB, want at least 96 GiB"},
		{"h200-580.159.04.xml", "probe: present", Passed, "driver 580.159.04, 1 GPU(s)"},
		{"h200-580.159.04.xml", "{probe: driver, min_driver: '570', min_cuda: '12.8'}", Passed, "driver 580.159.04, CUDA 13.0"},
		{"h200-580.159.04.xml", "{probe: count, min_count: 8}", Failed, "1 GPU(s): NVIDIA H200 x1, want at least 8"},
		{"h200-580.159.04.xml", "{probe: memory, min_gib: 140}", Passed, "NVIDIA H200 x1: 140.4 GiB each or more"},
		{"h200-580.159.04.xml", "{probe: memory, min_gib: 141}", Failed, "GPU 0 (NVIDIA H200): 140.4 GiB, want at least 141 GiB"},
		{"h200-580.159.04.xml", "{probe: temperature, max_temp_c: 35}", Failed, "GPU 0 (NVIDIA H200): 35 C, want under 35 C"},
		{"h200-580.159.04.xml", "probe: pages", Passed, "0 retired, none pending on 1 GPU(s)"},
		{"h200-580.159.04.xml", "probe: ecc", Passed, "0 uncorrectable, 0 correctable (volatile) on 1 GPU(s)"},
		{"h200-580.159.04.xml", "{probe: mig, mig: disabled}", Passed, "MIG Disabled on 1 GPU(s)"},
		{"h200-580.159.04-pages.csv", "{probe: pages, source: csv}", Passed, "none pending on 1 GPU(s) (retired page counts not reported)"},
		{"h200-580.159.04-memory.csv", "{probe: memory, source: csv, min_gib: 140}", Passed, "NVIDIA H200 x1: 140.4 GiB each or more"},
		{"rtx-2060-460.91.03.csv", "{probe: memory, source: csv, min_gib: 5}", Passed, "GeForce RTX 2060 x1: 5.8 GiB each or more"},
		{"rtx-2060-460.91.03.csv", "{probe: driver, source: csv, min_driver: '470'}", Failed, "driver 460.91.03, want driver 470 or later"},
		{"rtx-2060-460.91.03.csv", "{probe: temperature, source: csv, max_temp_c: 80}", Passed, "hottest 36 C"},
		{"index-temp-520.56.06.csv", "{probe: temperature, source: csv, max_temp_c: 50}", Failed, "GPU 0: 56 C, want under 50 C"},
		{"index-temp-520.56.06.csv", "{probe: memory, source: csv, min_gib: 8}", Failed, "GPU 0 does not report its memory"},
	}
	for _, c := range cases {
		t.Run(c.file+" "+c.settings, func(t *testing.T) {
			t.Parallel()
			smi, _ := standIn(t, c.file, 0)
			settings := strings.TrimSuffix(strings.TrimPrefix(c.settings, "{"), "}")
			yaml := "  - {name: gpu, kind: gpu, nvidia_smi: " + smi + ", " + settings + "}\n"
			want(t, run(t, yaml), c.status, c.detail)
		})
	}
}

// The csv form asks only for the fields the probe needs: one field an old driver does not know
// fails the whole query.
func TestGPUCSVQuery(t *testing.T) {
	t.Parallel()
	smi, args := standIn(t, "rtx-2060-460.91.03.csv", 0)
	run(t, "  - {name: gpu, kind: gpu, nvidia_smi: "+smi+", probe: memory, source: csv, min_gib: 1}\n")
	b, err := os.ReadFile(args)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(b)); got != "--query-gpu=index,name,memory.total --format=csv" {
		t.Errorf("args %q", got)
	}
}

func TestGPUBrokenOrAbsent(t *testing.T) {
	t.Parallel()
	broken, _ := standIn(t, "", 9)
	want(t, run(t, "  - {name: gpu, kind: gpu, nvidia_smi: "+broken+", probe: present}\n"), Failed,
		"exit status 9: NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver")
	absent := filepath.Join(t.TempDir(), "nvidia-smi")
	want(t, run(t, "  - {name: gpu, kind: gpu, nvidia_smi: "+absent+", probe: present}\n"), Failed, "not found")
	want(t, run(t, "  - {name: gpu, kind: gpu, nvidia_smi: "+absent+", probe: memory, min_gib: 1}\n"), Skipped, "not found")
}

func TestGPUXid(t *testing.T) {
	t.Parallel()
	log := func(c string) string {
		p, err := filepath.Abs(filepath.Join("..", "..", "..", "..", "parsers", "nvidia_xid", "testdata", c, "input.log"))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	xid := func(cmd string, extra string) Result {
		return run(t, "  - {name: xid, kind: gpu, probe: xid, kernel_log: ["+cmd+"]"+extra+"}\n")
	}
	want(t, xid("cat, "+log("journal-fallen-off-bus"), ""), Failed, "Xid 79 on 0000:2b:00 (GPU has fallen off the bus; hardware)")
	want(t, xid("cat, "+log("dmesg-t-gsp-timeout"), ""), Failed, "Xid 119 on 0000:9b:00")
	want(t, xid("cat, "+log("journal-xid62-45"), ""), Failed, "Xid 62 on 0000:01:00")
	want(t, xid("cat, "+log("journal-xid62-45"), ", ignore_xids: [45, 62]"), Passed, "no Xid in 4 kernel log line(s) since boot")
	want(t, xid("cat, "+log("kernel-modules"), ""), Passed, "no Xid")
	want(t, xid("sh, -c, 'echo \"dmesg: read kernel buffer failed: Operation not permitted\"; exit 1'", ""), Skipped,
		"cannot read the kernel log with sh -c")
}

// TestGPUReal runs every probe against this machine's GPUs when it has nvidia-smi; the report
// lines go to the test log. Only "present" must pass: the rest depend on the machine.
func TestGPUReal(t *testing.T) {
	if _, err := exec.LookPath("nvidia-smi"); err != nil {
		t.Skip("no nvidia-smi on this machine; the recorded outputs above stand in for it")
	}
	f, err := Load("../../../../configs/checks/gpu-node.yaml")
	if err != nil {
		t.Fatal(err)
	}
	res := Runner{}.Run(t.Context(), f.Checks)
	for _, r := range res {
		t.Logf("%s: %s - %s", r.Status, r.Name, r.Detail)
	}
	if res[0].Status != Passed {
		t.Errorf("nvidia-smi present: %s", res[0].Detail)
	}
}
