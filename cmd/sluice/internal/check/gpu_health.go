package check

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	xid "github.com/sluice-dev/sluice/parsers/nvidia_xid"
	"github.com/sluice-dev/sluice/pipeline/event"
)

func (g *GPU) memory(rep *smiReport) (string, error) {
	least := math.Inf(1)
	for _, x := range rep.GPUs {
		gib := x.MemoryMiB / 1024
		if math.IsNaN(gib) {
			return "", fmt.Errorf("%s does not report its memory", x.label())
		}
		if gib < g.MinGiB {
			return "", fmt.Errorf("%s: %.1f GiB, want at least %g GiB", x.label(), gib, g.MinGiB)
		}
		least = min(least, gib)
	}
	return fmt.Sprintf("%s: %.1f GiB each or more", gpuNames(rep), least), nil
}

func (g *GPU) temperature(rep *smiReport) (string, error) {
	hottest, at := math.Inf(-1), ""
	for _, x := range rep.GPUs {
		if math.IsNaN(x.TempC) {
			continue
		}
		if x.TempC >= g.MaxTempC {
			return "", fmt.Errorf("%s: %g C, want under %g C", x.label(), x.TempC, g.MaxTempC)
		}
		if x.TempC > hottest {
			hottest, at = x.TempC, x.label()
		}
	}
	if at == "" {
		return "", Skip("no GPU reports its temperature")
	}
	return fmt.Sprintf("hottest %g C (%s) of %d GPU(s)", hottest, at, len(rep.GPUs)), nil
}

func (g *GPU) pages(rep *smiReport) (string, error) {
	total, known := 0.0, false
	for _, x := range rep.GPUs {
		switch {
		case x.RemapFailed:
			return "", fmt.Errorf("%s: row remapping failed: the GPU has no spare rows left (drain the node, replace the GPU)", x.label())
		case x.Pending:
			return "", fmt.Errorf("%s: a page retirement or row remapping is pending until the GPU is reset", x.label())
		case x.RetiredPages > float64(g.MaxRetiredPages):
			return "", fmt.Errorf("%s: %g retired pages or remapped rows, want at most %d", x.label(), x.RetiredPages, g.MaxRetiredPages)
		}
		if !math.IsNaN(x.RetiredPages) {
			total, known = total+x.RetiredPages, true
		}
	}
	if !known {
		return fmt.Sprintf("none pending on %d GPU(s) (retired page counts not reported)", len(rep.GPUs)), nil
	}
	return fmt.Sprintf("%g retired, none pending on %d GPU(s)", total, len(rep.GPUs)), nil
}

func (g *GPU) ecc(rep *smiReport) (string, error) {
	unc, cor, known := 0.0, 0.0, false
	for _, x := range rep.GPUs {
		if math.IsNaN(x.ECCUncorrected) && math.IsNaN(x.ECCCorrected) {
			continue
		}
		known = true
		if g.MaxECCUncorrected >= 0 && x.ECCUncorrected > float64(g.MaxECCUncorrected) {
			return "", fmt.Errorf("%s: %g uncorrectable ECC errors since the driver loaded, want at most %d", x.label(), x.ECCUncorrected, g.MaxECCUncorrected)
		}
		if g.MaxECCCorrected >= 0 && x.ECCCorrected > float64(g.MaxECCCorrected) {
			return "", fmt.Errorf("%s: %g correctable ECC errors since the driver loaded, want at most %d", x.label(), x.ECCCorrected, g.MaxECCCorrected)
		}
		unc, cor = sum(unc, x.ECCUncorrected), sum(cor, x.ECCCorrected)
	}
	if !known {
		return "", Skip("no GPU reports ECC counts (ECC disabled or not supported)")
	}
	return fmt.Sprintf("%g uncorrectable, %g correctable (volatile) on %d GPU(s)", unc, cor, len(rep.GPUs)), nil
}

// xid reads the kernel log since boot through sluice's own Xid parser, so the check and the log
// pipeline agree on what an Xid is and what it means.
func (g *GPU) xid(ctx context.Context) (string, error) {
	out, code, err := runCommand(ctx, g.KernelLog)
	if err != nil || code != 0 {
		// dmesg without CAP_SYSLOG: "read kernel buffer failed: Operation not permitted".
		reason := lastLine(out)
		if err != nil {
			reason = err.Error()
		}
		return "", Skip("cannot read the kernel log with %s: %s", strings.Join(g.KernelLog, " "), reason)
	}
	var found []string
	lines := 0
	p := xid.New()
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		lines++
		ev := event.NewMessage(sc.Text(), time.Time{})
		if !p.Parse(ev) {
			continue
		}
		if s := g.describeXid(ev); s != "" && !slices.Contains(found, s) {
			found = append(found, s)
		}
	}
	if len(found) > 0 {
		return "", fmt.Errorf("%s", strings.Join(found, "; "))
	}
	return fmt.Sprintf("no Xid in %d kernel log line(s) since boot", lines), nil
}

// describeXid says what a parsed kernel line reports, or "" when it is no failure (an ignored
// Xid, a driver banner).
func (g *GPU) describeXid(ev *event.Event) string {
	bus, _ := ev.GetString(xid.FieldPCIBusID)
	action, _ := ev.GetString(event.FieldEventAction)
	if action == xid.ActionFallenOffBus {
		return fmt.Sprintf("GPU %s has fallen off the bus (hardware: drain the node)", bus)
	}
	v, ok := ev.Get(xid.FieldCode)
	if action != xid.ActionXid || !ok || slices.Contains(g.IgnoreXids, int(v.Int())) {
		return ""
	}
	s := fmt.Sprintf("Xid %d on %s", v.Int(), bus)
	if e, ok := xid.Lookup(int(v.Int())); ok {
		s += fmt.Sprintf(" (%s; %s)", e.Name, e.Cause)
	}
	return s
}
