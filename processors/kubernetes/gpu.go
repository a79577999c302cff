package kubernetes

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// gpuRow is what one exposition line says about a GPU and the pod using it.
type gpuRow struct {
	uuid, pci, model, hostname string
	index                      int64
	namespace, pod             string
}

// parseExposition reads the GPU labels of a DCGM exporter's Prometheus text exposition: gpu,
// UUID, pci_bus_id, modelName, Hostname and, when the exporter maps pods, namespace and pod.
// Every series repeats them, so it keeps one row per GPU and pod. Lines it cannot read are
// skipped and counted in bad.
func parseExposition(r io.Reader) (rows []gpuRow, bad int, err error) {
	seen := map[gpuRow]bool{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		row, ok := parseLine(line)
		if !ok {
			bad++
			continue
		}
		if row.uuid == "" || seen[row] {
			continue
		}
		seen[row] = true
		rows = append(rows, row)
	}
	if err := sc.Err(); err != nil {
		return rows, bad, fmt.Errorf("read exposition: %w", err)
	}
	return rows, bad, nil
}

// parseLine reads `name{k="v",...} value`. A series without labels is valid and yields an
// empty row.
func parseLine(line string) (gpuRow, bool) {
	row := gpuRow{index: -1}
	open := strings.IndexByte(line, '{')
	if open < 0 {
		return row, strings.IndexByte(line, ' ') > 0
	}
	rest := line[open+1:]
	for {
		rest = strings.TrimLeft(rest, " ,")
		if strings.HasPrefix(rest, "}") {
			return row, true
		}
		eq := strings.Index(rest, `="`)
		if eq <= 0 {
			return row, false
		}
		key := rest[:eq]
		val, n, ok := unquote(rest[eq+2:])
		if !ok {
			return row, false
		}
		rest = rest[eq+2+n:]
		row.setLabel(key, val)
	}
}

// unquote reads a label value up to its closing quote and returns the value (escapes undone)
// and how many bytes it used, quote included.
func unquote(s string) (string, int, bool) {
	escaped := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			escaped = true
			i++
		case '"':
			if escaped {
				return unescaper.Replace(s[:i]), i + 1, true
			}
			return s[:i], i + 1, true
		}
	}
	return "", 0, false
}

var unescaper = strings.NewReplacer(`\\`, `\`, `\"`, `"`, `\n`, "\n")

func (r *gpuRow) setLabel(k, v string) {
	switch k {
	case "UUID":
		r.uuid = v
	case "pci_bus_id":
		r.pci = pciKey(v)
	case "modelName":
		r.model = v
	case "Hostname":
		r.hostname = v
	case "gpu":
		if i, err := strconv.ParseInt(v, 10, 64); err == nil {
			r.index = i
		}
	case "namespace", "exported_namespace":
		r.namespace = v
	case "pod", "exported_pod":
		r.pod = v
	}
}

// pciKey writes a PCI address as the nvidia_xid parser does (0000:3b:00): lower case, a 4-digit
// domain (DCGM writes 8), no function number.
func pciKey(s string) string {
	s = strings.ToLower(s)
	if n := len(s); n > 2 && s[n-2] == '.' {
		s = s[:n-2]
	}
	if dom, rest, ok := strings.Cut(s, ":"); ok && len(dom) > 4 {
		s = dom[len(dom)-4:] + ":" + rest
	}
	return s
}

// gpu is one GPU of the map, with the pods using it at the last refresh.
type gpu struct {
	node, uuid, model string
	index             int64
	pods              event.Value // JSON array of "namespace/pod"
}

// podGPUs are the GPUs one pod uses.
type podGPUs struct {
	uuids event.Value // JSON array
	model string
}

// gpuMap is the GPU-to-pod mapping of the whole cluster at one refresh. It is replaced whole,
// never changed, so lookups read it without a lock.
type gpuMap struct {
	byUUID    map[string]*gpu
	byNodePCI map[string]map[string]*gpu
	byPod     map[string]map[string]*podGPUs
}

// target is one exporter's rows and the node it runs on ("" when only its Hostname label says).
type target struct {
	node string
	rows []gpuRow
}

// buildGPUMap joins the exporters' rows; canon turns a Hostname label into a node name.
func buildGPUMap(targets []target, canon func(string) string) *gpuMap {
	m := &gpuMap{byUUID: map[string]*gpu{}, byNodePCI: map[string]map[string]*gpu{}, byPod: map[string]map[string]*podGPUs{}}
	pods := map[*gpu][]string{}
	podUUIDs := map[[2]string][]string{}
	for _, t := range targets {
		for _, r := range t.rows {
			g := m.add(t.node, r, canon)
			if r.pod != "" && r.namespace != "" {
				pods[g] = appendOnce(pods[g], r.namespace+"/"+r.pod)
				k := [2]string{r.namespace, r.pod}
				podUUIDs[k] = appendOnce(podUUIDs[k], r.uuid)
			}
		}
	}
	for g, list := range pods {
		g.pods = jsonList(list)
	}
	for k, uuids := range podUUIDs {
		ns := m.byPod[k[0]]
		if ns == nil {
			ns = map[string]*podGPUs{}
			m.byPod[k[0]] = ns
		}
		ns[k[1]] = &podGPUs{uuids: jsonList(uuids), model: m.byUUID[uuids[0]].model}
	}
	return m
}

func (m *gpuMap) add(node string, r gpuRow, canon func(string) string) *gpu {
	if g := m.byUUID[r.uuid]; g != nil {
		return g
	}
	if node == "" && r.hostname != "" {
		node = canon(r.hostname)
	}
	g := &gpu{node: node, uuid: r.uuid, model: r.model, index: r.index}
	m.byUUID[r.uuid] = g
	if node != "" && r.pci != "" {
		byPCI := m.byNodePCI[node]
		if byPCI == nil {
			byPCI = map[string]*gpu{}
			m.byNodePCI[node] = byPCI
		}
		byPCI[r.pci] = g
	}
	return g
}

func appendOnce(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// jsonList encodes strings as a sorted JSON array, for a field that holds a list.
func jsonList(list []string) event.Value {
	sort.Strings(list)
	b, _ := json.Marshal(list) // strings always encode
	return event.Raw(string(b))
}
