package check

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os/exec"
	"slices"
	"strings"
)

// GPU checks a node's GPUs through nvidia-smi, one property per check so that the report says
// which one is wrong: present, driver, count, memory, temperature, pages, ecc, mig, xid.
type GPU struct {
	Probe string `mapstructure:"probe"`
	// NvidiaSMI is the program to run (a path, or a name looked up in PATH).
	NvidiaSMI string `mapstructure:"nvidia_smi"`
	// Source is xml (nvidia-smi -q -x, everything) or csv (--query-gpu, only what the probe needs;
	// no CUDA version).
	Source string `mapstructure:"source"`

	MinDriver string  `mapstructure:"min_driver"` // driver: "535.104"
	MinCUDA   string  `mapstructure:"min_cuda"`   // driver: "12.2"
	MinCount  int     `mapstructure:"min_count"`  // count
	MinGiB    float64 `mapstructure:"min_gib"`    // memory, per GPU
	MaxTempC  float64 `mapstructure:"max_temp_c"` // temperature
	// MaxRetiredPages is the most retired pages (or remapped rows) per GPU that pass.
	MaxRetiredPages int `mapstructure:"max_retired_pages"`
	// MaxECCUncorrected and MaxECCCorrected bound the volatile ECC counts per GPU; a negative
	// value does not check.
	MaxECCUncorrected int `mapstructure:"max_ecc_uncorrected"`
	MaxECCCorrected   int `mapstructure:"max_ecc_corrected"`
	// MIG is enabled or disabled: what every MIG-capable GPU must be in.
	MIG string `mapstructure:"mig"`
	// KernelLog is the command that prints the kernel log since boot, for xid.
	KernelLog []string `mapstructure:"kernel_log"`
	// IgnoreXids are Xid codes that do not fail the check (13, 31, 43 and 45 are usually the
	// application's fault, not the node's).
	IgnoreXids []int `mapstructure:"ignore_xids"`
}

func newGPU() *GPU {
	return &GPU{NvidiaSMI: "nvidia-smi", Source: "xml", MaxECCCorrected: -1, KernelLog: []string{"dmesg"}}
}

var gpuProbes = []string{"present", "driver", "count", "memory", "temperature", "pages", "ecc", "mig", "xid"}

// Validate checks that the probe has what it needs.
func (g *GPU) Validate() error {
	var errs []error
	if !slices.Contains(gpuProbes, g.Probe) {
		errs = append(errs, fmt.Errorf("probe: want one of %s, got %q", strings.Join(gpuProbes, ", "), g.Probe))
	}
	if g.Source != "xml" && g.Source != "csv" {
		errs = append(errs, fmt.Errorf("source: want xml or csv, got %q", g.Source))
	}
	need := map[string]bool{"driver": g.MinDriver != "" || g.MinCUDA != "", "count": g.MinCount > 0,
		"memory": g.MinGiB > 0, "temperature": g.MaxTempC > 0, "mig": g.MIG == "enabled" || g.MIG == "disabled"}
	hint := map[string]string{"driver": "min_driver or min_cuda", "count": "min_count", "memory": "min_gib",
		"temperature": "max_temp_c", "mig": "mig: enabled or disabled"}
	if ok, known := need[g.Probe]; known && !ok {
		errs = append(errs, fmt.Errorf("probe %s needs %s", g.Probe, hint[g.Probe]))
	}
	if g.Probe == "driver" && g.MinCUDA != "" && g.Source == "csv" {
		errs = append(errs, errors.New("min_cuda needs source: xml (--query-gpu does not report the CUDA version)"))
	}
	if g.Probe == "xid" && len(g.KernelLog) == 0 {
		errs = append(errs, errors.New("kernel_log: missing"))
	}
	return errors.Join(errs...)
}

// csvFields are the --query-gpu fields each probe asks for: only those, since a driver that
// does not know one field fails the whole query.
var csvFields = map[string]string{
	"present":     "index,name,driver_version",
	"driver":      "index,name,driver_version",
	"count":       "index,name",
	"memory":      "index,name,memory.total",
	"temperature": "index,name,temperature.gpu",
	"pages":       "index,name,retired_pages.single_bit_ecc.count,retired_pages.double_bit.count,retired_pages.pending",
	"ecc":         "index,name,ecc.errors.uncorrected.volatile.total,ecc.errors.corrected.volatile.total",
	"mig":         "index,name,mig.mode.current",
}

// Run queries nvidia-smi and checks the probe's property.
func (g *GPU) Run(ctx context.Context) (string, error) {
	if g.Probe == "xid" {
		return g.xid(ctx)
	}
	path, err := exec.LookPath(g.NvidiaSMI)
	if err != nil {
		if g.Probe == "present" {
			return "", fmt.Errorf("%s not found: no NVIDIA driver on this node, or the container lacks the NVIDIA runtime", g.NvidiaSMI)
		}
		return "", Skip("%s not found (the present probe reports it)", g.NvidiaSMI)
	}
	rep, err := g.query(ctx, path)
	if err != nil {
		return "", err
	}
	if len(rep.GPUs) == 0 && g.Probe != "count" {
		return "", errors.New("nvidia-smi lists no GPU")
	}
	if g.Probe == "present" {
		return fmt.Sprintf("%s: driver %s, %d GPU(s)", path, rep.Driver, rep.Attached), nil
	}
	return gpuChecks[g.Probe](g, rep)
}

// gpuChecks are the probes that judge a parsed nvidia-smi report.
var gpuChecks = map[string]func(*GPU, *smiReport) (string, error){
	"driver": (*GPU).driver, "count": (*GPU).count, "mig": (*GPU).mig, "memory": (*GPU).memory,
	"temperature": (*GPU).temperature, "pages": (*GPU).pages, "ecc": (*GPU).ecc,
}

// query runs nvidia-smi in the configured form and parses its output.
func (g *GPU) query(ctx context.Context, path string) (*smiReport, error) {
	args := []string{"-q", "-x"}
	if g.Source == "csv" {
		args = []string{"--query-gpu=" + csvFields[g.Probe], "--format=csv"}
	}
	out, code, err := shared.run(ctx, append([]string{path}, args...))
	if err != nil {
		return nil, err
	}
	if code != 0 {
		// Exit 9 with "couldn't communicate with the NVIDIA driver" is the classic broken node.
		return nil, fmt.Errorf("nvidia-smi %s: exit status %d: %s", strings.Join(args, " "), code, lastLine(out))
	}
	if g.Source == "csv" {
		return parseSMICSV(bytes.NewReader(out))
	}
	return parseSMIXML(bytes.NewReader(out))
}

func (g *GPU) driver(rep *smiReport) (string, error) {
	got := "driver " + rep.Driver
	if rep.CUDA != "" {
		got += ", CUDA " + rep.CUDA
	}
	if g.MinDriver != "" && versionLess(rep.Driver, g.MinDriver) {
		return "", fmt.Errorf("%s, want driver %s or later", got, g.MinDriver)
	}
	if g.MinCUDA != "" && (rep.CUDA == "" || versionLess(rep.CUDA, g.MinCUDA)) {
		return "", fmt.Errorf("%s, want CUDA %s or later", got, g.MinCUDA)
	}
	return got, nil
}

func (g *GPU) count(rep *smiReport) (string, error) {
	got := fmt.Sprintf("%d GPU(s)", rep.Attached)
	if names := gpuNames(rep); names != "" {
		got += ": " + names
	}
	if rep.Attached < g.MinCount {
		return "", fmt.Errorf("%s, want at least %d", got, g.MinCount)
	}
	return got, nil
}

func (g *GPU) mig(rep *smiReport) (string, error) {
	want := strings.ToUpper(g.MIG[:1]) + g.MIG[1:]
	n := 0
	for _, x := range rep.GPUs {
		if x.MIG == "" {
			continue
		}
		n++
		if x.MIG != want {
			return "", fmt.Errorf("%s: MIG %s, want %s", x.label(), x.MIG, want)
		}
	}
	if n == 0 {
		return "", Skip("no GPU reports a MIG mode (not a MIG-capable GPU)")
	}
	return fmt.Sprintf("MIG %s on %d GPU(s)", want, n), nil
}

// versionLess compares dotted versions numerically: 535.104.05 < 550.54.15, 12.2 < 12.10.
func versionLess(a, b string) bool {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < max(len(pa), len(pb)); i++ {
		x, y := part(pa, i), part(pb, i)
		if x != y {
			return x < y
		}
	}
	return false
}

func part(p []string, i int) float64 {
	if i >= len(p) {
		return 0
	}
	v := number(p[i])
	if math.IsNaN(v) {
		return -1
	}
	return v
}

// gpuNames summarises models: "NVIDIA A100-SXM4-80GB x4".
func gpuNames(rep *smiReport) string {
	var order []string
	n := map[string]int{}
	for _, x := range rep.GPUs {
		if n[x.Name] == 0 {
			order = append(order, x.Name)
		}
		n[x.Name]++
	}
	var parts []string
	for _, name := range order {
		parts = append(parts, fmt.Sprintf("%s x%d", name, n[name]))
	}
	return strings.Join(parts, ", ")
}
