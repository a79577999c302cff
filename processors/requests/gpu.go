package requests

import (
	"encoding/json"
	"strconv"

	"github.com/sluice-dev/sluice/parsers/nvidia_xid"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// fieldGPUPods holds, on a driver event, the pods using the GPU it names ("namespace/pod", a
// JSON list): the kubernetes processor writes it from the DCGM exporters' mapping.
const fieldGPUPods = "gpu.pods"

// KindGPUXid is the error kind of requests failed by an Xid on their GPU.
const KindGPUXid = "gpu_xid"

// xidPods returns the pods an Xid at error level or above hit, when the enrichment named them.
// Xids at warning level (a recovered ECC error) stop nothing.
func xidPods(ev *event.Event) []string {
	if !ev.Has(nvidia_xid.FieldCode) || minor(ev) {
		return nil
	}
	v, ok := ev.Get(fieldGPUPods)
	if !ok {
		return nil
	}
	var pods []string
	if v.Kind() == event.KindString {
		return []string{v.Str()}
	}
	if json.Unmarshal([]byte(v.Str()), &pods) != nil {
		return nil
	}
	return pods
}

// failGPU ends, as failed by the Xid ev reports, every open request of the servers running in
// the pods the GPU served. A server is matched by its namespace and pod name.
func (p *Processor) failGPU(pods []string, ev *event.Event, now int64, out []*event.Event) []*event.Event {
	hit := make(map[string]bool, len(pods))
	for _, s := range pods {
		hit[s] = true
	}
	code, _ := ev.Get(nvidia_xid.FieldCode)
	typ := "Xid " + strconv.FormatInt(code.Int(), 10)
	msg, _ := ev.GetString(nvidia_xid.FieldDescription)
	if msg == "" {
		msg = ev.Message()
	}
	for _, pd := range p.sortedPods() {
		if hit[pd.contextString(event.FieldK8sNamespace)+"/"+pd.contextString(event.FieldK8sPodName)] {
			out = p.failAll(pd, ev, KindGPUXid, typ, msg, EndGPU, now, out)
		}
	}
	return out
}

// contextString returns a context field of the server as text, or "".
func (pd *pod) contextString(key string) string {
	for _, f := range pd.context {
		if f.key == key && f.val.Kind() == event.KindString {
			return f.val.Str()
		}
	}
	return ""
}
