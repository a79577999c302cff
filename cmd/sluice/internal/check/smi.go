package check

import (
	"encoding/csv"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// smiReport is what nvidia-smi says about a node, whichever output form it came from. Values a
// driver or GPU does not report ("N/A", "[Not Supported]", a column not queried) are NaN or empty,
// so a probe can tell "zero" from "unknown".
type smiReport struct {
	Driver string
	CUDA   string
	// Attached is the GPU count nvidia-smi states; GPUs lists those it described.
	Attached int
	GPUs     []gpuInfo
}

// gpuInfo is one GPU.
type gpuInfo struct {
	Index     int
	Name      string
	BusID     string
	MemoryMiB float64
	TempC     float64
	MIG       string // Enabled, Disabled, or "" where the GPU has no MIG
	// RetiredPages counts retired pages (single and double bit) or remapped uncorrectable rows.
	RetiredPages float64
	// Pending is set when a page retirement or row remapping waits for a GPU reset, and
	// RemapFailed when the GPU ran out of rows to remap.
	Pending     bool
	RemapFailed bool
	// ECCUncorrected and ECCCorrected are the volatile (since the last driver load) counts.
	ECCUncorrected float64
	ECCCorrected   float64
}

func unknownGPU(i int) gpuInfo {
	nan := math.NaN()
	return gpuInfo{Index: i, MemoryMiB: nan, TempC: nan, RetiredPages: nan, ECCUncorrected: nan, ECCCorrected: nan}
}

// label names a GPU in a report line.
func (g gpuInfo) label() string {
	if g.Name == "" {
		return fmt.Sprintf("GPU %d", g.Index)
	}
	return fmt.Sprintf("GPU %d (%s)", g.Index, g.Name)
}

// node is a generic XML element: nvidia-smi's XML gains and renames elements with every DTD
// version (v6 to v13 here), so it is read as a tree and looked up by path.
type node struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Text    string     `xml:",chardata"`
	Nodes   []node     `xml:",any"`
}

// get returns the text at a slash-separated path below n, or "".
func (n *node) get(path string) string {
	if c := n.find(path); c != nil {
		return strings.TrimSpace(c.Text)
	}
	return ""
}

func (n *node) find(path string) *node {
	cur := n
	for _, part := range strings.Split(path, "/") {
		var next *node
		for i := range cur.Nodes {
			if cur.Nodes[i].XMLName.Local == part {
				next = &cur.Nodes[i]
				break
			}
		}
		if next == nil {
			return nil
		}
		cur = next
	}
	return cur
}

// parseSMIXML reads `nvidia-smi -q -x`.
func parseSMIXML(r io.Reader) (*smiReport, error) {
	var root node
	dec := xml.NewDecoder(r)
	dec.Strict = false // some drivers write an unquoted attribute or a stray entity
	if err := dec.Decode(&root); err != nil {
		return nil, fmt.Errorf("nvidia-smi XML: %w", err)
	}
	if root.XMLName.Local != "nvidia_smi_log" {
		return nil, fmt.Errorf("nvidia-smi XML: root element is <%s>, want <nvidia_smi_log>", root.XMLName.Local)
	}
	rep := &smiReport{Driver: root.get("driver_version"), CUDA: root.get("cuda_version")}
	rep.Attached, _ = strconv.Atoi(root.get("attached_gpus"))
	for _, n := range root.Nodes {
		if n.XMLName.Local == "gpu" {
			rep.GPUs = append(rep.GPUs, gpuFromXML(&n, len(rep.GPUs)))
		}
	}
	if rep.Attached == 0 {
		rep.Attached = len(rep.GPUs)
	}
	return rep, nil
}

func gpuFromXML(n *node, i int) gpuInfo {
	g := unknownGPU(i)
	g.Name = n.get("product_name")
	for _, a := range n.Attrs {
		if a.Name.Local == "id" {
			g.BusID = a.Value
		}
	}
	g.MemoryMiB = number(n.get("fb_memory_usage/total"))
	g.TempC = number(n.get("temperature/gpu_temp"))
	if m := n.get("mig_mode/current_mig"); m == "Enabled" || m == "Disabled" {
		g.MIG = m
	}
	pages(n, &g)
	ecc(n, &g)
	return g
}

// pages reads page retirement (up to Volta/Turing) and row remapping (Ampere and later).
func pages(n *node, g *gpuInfo) {
	sbe, dbe := number(n.get("retired_pages/multiple_single_bit_retirement/retired_count")),
		number(n.get("retired_pages/double_bit_retirement/retired_count"))
	unc := number(n.get("remapped_rows/remapped_row_unc"))
	g.RetiredPages = sum(sum(sbe, dbe), unc)
	g.Pending = yes(n.get("retired_pages/pending_retirement")) || yes(n.get("retired_pages/pending_blacklist")) ||
		yes(n.get("remapped_rows/remapped_row_pending"))
	g.RemapFailed = yes(n.get("remapped_rows/remapped_row_failure"))
}

// ecc sums the volatile ECC counters. Before driver 450 they were single_bit/total and
// double_bit/total; later sram_/dram_ correctable and uncorrectable (split further into
// _parity and _secded by recent drivers).
func ecc(n *node, g *gpuInfo) {
	vol := n.find("ecc_errors/volatile")
	if vol == nil {
		return
	}
	add := func(dst *float64, s string) {
		if v := number(s); !math.IsNaN(v) {
			*dst = sum(*dst, v)
		}
	}
	add(&g.ECCCorrected, vol.get("single_bit/total"))
	add(&g.ECCUncorrected, vol.get("double_bit/total"))
	for _, c := range vol.Nodes {
		name := c.XMLName.Local
		switch {
		case strings.Contains(name, "uncorrectable"):
			add(&g.ECCUncorrected, c.Text)
		case strings.HasSuffix(name, "_correctable"):
			add(&g.ECCCorrected, c.Text)
		}
	}
}

// parseSMICSV reads `nvidia-smi --query-gpu=... --format=csv` with its header, with or without
// units ("24576 MiB" or, with nounits, "24576").
func parseSMICSV(r io.Reader) (*smiReport, error) {
	cr := csv.NewReader(r)
	cr.TrimLeadingSpace = true
	cr.FieldsPerRecord = -1
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("nvidia-smi CSV: %w", err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("nvidia-smi CSV: no header")
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		name, _, _ := strings.Cut(strings.TrimSpace(h), " [")
		col[name] = i
	}
	val := func(row []string, name string) string {
		if i, ok := col[name]; ok && i < len(row) {
			return strings.TrimSpace(row[i])
		}
		return ""
	}
	rep := &smiReport{}
	for i, row := range rows[1:] {
		if len(row) != len(rows[0]) {
			return nil, fmt.Errorf("nvidia-smi CSV: line %d has %d fields, the header %d", i+2, len(row), len(rows[0]))
		}
		rep.GPUs = append(rep.GPUs, gpuFromCSV(row, i, val))
		if d := val(row, "driver_version"); d != "" {
			rep.Driver = d
		}
	}
	rep.Attached = len(rep.GPUs)
	return rep, nil
}

func gpuFromCSV(row []string, i int, val func([]string, string) string) gpuInfo {
	g := unknownGPU(i)
	if n, err := strconv.Atoi(val(row, "index")); err == nil {
		g.Index = n
	}
	g.Name, g.BusID = val(row, "name"), val(row, "pci.bus_id")
	g.MemoryMiB = number(val(row, "memory.total"))
	g.TempC = number(val(row, "temperature.gpu"))
	if m := val(row, "mig.mode.current"); m == "Enabled" || m == "Disabled" {
		g.MIG = m
	}
	// The query takes the long names; a header may show either.
	g.RetiredPages = sum(sum(number(val(row, "retired_pages.sbe")), number(val(row, "retired_pages.single_bit_ecc.count"))),
		sum(number(val(row, "retired_pages.dbe")), number(val(row, "retired_pages.double_bit.count"))))
	g.Pending = yes(val(row, "retired_pages.pending"))
	g.ECCUncorrected = number(val(row, "ecc.errors.uncorrected.volatile.total"))
	g.ECCCorrected = number(val(row, "ecc.errors.corrected.volatile.total"))
	return g
}

// number reads "24576 MiB", "45 C", "0" or "24576"; "N/A", "[Not Supported]" and "" are NaN.
func number(s string) float64 {
	f, _, _ := strings.Cut(strings.TrimSpace(s), " ")
	v, err := strconv.ParseFloat(f, 64)
	if err != nil {
		return math.NaN()
	}
	return v
}

// sum adds two counts where either may be unknown (NaN): unknown only if both are.
func sum(a, b float64) float64 {
	switch {
	case math.IsNaN(a):
		return b
	case math.IsNaN(b):
		return a
	}
	return a + b
}

func yes(s string) bool { return strings.EqualFold(strings.TrimSpace(s), "yes") }
