package kubernetes

import (
	"strings"
	"sync"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// converter turns API objects into what the index keeps, by the config's allow-lists.
type converter struct {
	labels, annotations matcher
	gpuResources        []corev1.ResourceName
	exporters           labels.Selector // nil: no discovery

	mu   sync.Mutex
	keys map[string]string // interned field names: 10,000 pods share one "kubernetes.labels.app"
}

func newConverter(c *Config) *converter {
	cv := &converter{
		labels: newMatcher(c.Labels), annotations: newMatcher(c.Annotations),
		keys: map[string]string{},
	}
	for _, r := range c.GPUResources {
		cv.gpuResources = append(cv.gpuResources, corev1.ResourceName(r))
	}
	if c.DCGM.Discover {
		sel, _ := labels.Parse(c.DCGM.Selector) // checked by Validate
		cv.exporters = sel
	}
	return cv
}

// labelTemplateHash is the label a Deployment's ReplicaSet puts on its pods; the ReplicaSet is
// named <deployment>-<hash>.
const labelTemplateHash = "pod-template-hash"

// matcher is an allow-list of exact keys and prefixes (written "prefix*").
type matcher struct {
	exact    map[string]bool
	prefixes []string
}

func newMatcher(list []string) matcher {
	m := matcher{exact: map[string]bool{}}
	for _, k := range list {
		if p, ok := strings.CutSuffix(k, "*"); ok {
			m.prefixes = append(m.prefixes, p)
		} else {
			m.exact[k] = true
		}
	}
	return m
}

func (m matcher) match(k string) bool {
	if m.exact[k] {
		return true
	}
	for _, p := range m.prefixes {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}

// cached is what the informers keep of an object: its identity, and the index entry built from
// it when it arrived. Nothing else of the object stays in memory (no spec, status or
// managedFields), which keeps 10,000 pods in a few megabytes.
type cached struct {
	metav1.TypeMeta
	metav1.ObjectMeta
	pod        *pod
	node       *node
	deployment string // of a ReplicaSet: the Deployment that owns it, or ""
}

// DeepCopyObject returns a copy; the entries it points to are never changed, so they are shared.
func (c *cached) DeepCopyObject() runtime.Object {
	cp := *c
	return &cp
}

// strip is the informers' transform: it turns pods, nodes and ReplicaSets into cached entries.
// Anything else (already stripped, or a type it does not know) passes unchanged.
func (cv *converter) strip(obj any) (any, error) {
	switch o := obj.(type) {
	case *corev1.Pod:
		return &cached{ObjectMeta: identity(&o.ObjectMeta), pod: cv.pod(o)}, nil
	case *corev1.Node:
		return &cached{ObjectMeta: identity(&o.ObjectMeta), node: cv.node(o)}, nil
	case *appsv1.ReplicaSet:
		c := &cached{ObjectMeta: identity(&o.ObjectMeta)}
		if ref := metav1.GetControllerOf(o); ref != nil && ref.Kind == "Deployment" {
			c.deployment = ref.Name
		}
		return c, nil
	}
	return obj, nil
}

// identity keeps what the informer's store keys and compares objects by.
func identity(m *metav1.ObjectMeta) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: m.Name, Namespace: m.Namespace, UID: m.UID, ResourceVersion: m.ResourceVersion}
}

// pod builds the index entry and the fields of a pod.
func (cv *converter) pod(p *corev1.Pod) *pod {
	out := &pod{uid: string(p.UID), namespace: p.Namespace, name: p.Name, node: p.Spec.NodeName, ip: p.Status.PodIP}
	if ref := metav1.GetControllerOf(p); ref != nil {
		out.ownerKind, out.ownerName = ref.Kind, ref.Name
		if h := p.Labels[labelTemplateHash]; ref.Kind == "ReplicaSet" && h != "" {
			out.deployGuess, _ = strings.CutSuffix(ref.Name, "-"+h)
			if out.deployGuess == ref.Name {
				out.deployGuess = ""
			}
		}
	}
	out.exporter = cv.exporters != nil && p.Status.Phase == corev1.PodRunning && cv.exporters.Matches(labels.Set(p.Labels))
	out.containers = containers(p)
	out.slot = podSlots.Add(uint32(1 + len(out.containers)))
	for i := range out.containers {
		out.containers[i].slot = out.slot - uint32(1+i)
	}
	out.fields = cv.podFields(p)
	return out
}

func containers(p *corev1.Pod) []ctr {
	out := make([]ctr, 0, len(p.Spec.Containers))
	for _, c := range p.Spec.Containers {
		out = append(out, ctr{name: c.Name, image: c.Image})
	}
	for _, s := range p.Status.ContainerStatuses {
		runtime, id, _ := strings.Cut(s.ContainerID, "://")
		i := 0
		for i < len(out) && out[i].name != s.Name {
			i++
		}
		if i == len(out) { // an init container: known by its status only
			out = append(out, ctr{name: s.Name, image: s.Image})
		}
		out[i].id, out[i].runtime = id, runtime
	}
	return out
}

func (cv *converter) podFields(p *corev1.Pod) []field {
	fs := make([]field, 0, 10+len(p.Labels)+len(p.Annotations))
	add := func(k, v string) {
		if v != "" {
			fs = append(fs, field{k, event.String(v)})
		}
	}
	add(FieldNamespace, p.Namespace)
	add(FieldPodName, p.Name)
	add(FieldPodUID, string(p.UID))
	add(FieldPodIP, p.Status.PodIP)
	add(FieldOrchestratorType, "kubernetes")
	add(FieldOrchestratorNamespace, p.Namespace)
	add(FieldOrchestratorResourceType, "pod")
	add(FieldOrchestratorResourceName, p.Name)
	for k, v := range p.Labels {
		if cv.labels.match(k) {
			add(cv.key(prefixLabels, k), v)
		}
	}
	for k, v := range p.Annotations {
		if cv.annotations.match(k) {
			add(cv.key(prefixAnnotations, k), v)
		}
	}
	if req, lim := cv.gpus(p); req > 0 || lim > 0 {
		fs = append(fs, field{FieldPodGPURequests, event.Int(req)}, field{FieldPodGPULimits, event.Int(lim)})
	}
	return fs
}

// gpus sums the pod's GPU requests and limits over its containers.
func (cv *converter) gpus(p *corev1.Pod) (req, lim int64) {
	sum := func(rl corev1.ResourceList) (n int64) {
		for _, r := range cv.gpuResources {
			if q, ok := rl[r]; ok {
				n += q.Value()
			}
		}
		return n
	}
	for _, c := range p.Spec.Containers {
		req += sum(c.Resources.Requests)
		lim += sum(c.Resources.Limits)
	}
	return req, lim
}

// key returns prefix + the label key with dots as underscores (as Filebeat writes them, so a
// label does not become an object), one string shared by every pod.
func (cv *converter) key(prefix, k string) string {
	cv.mu.Lock()
	defer cv.mu.Unlock()
	full := prefix + k
	if s, ok := cv.keys[full]; ok {
		return s
	}
	s := prefix + strings.ReplaceAll(k, ".", "_")
	cv.keys[full] = s
	return s
}

// node builds the index entry of a node: its GPU fields and the names it may be known by.
func (cv *converter) node(n *corev1.Node) *node {
	out := &node{name: n.Name, fields: nodeGPUFields(n.Labels)}
	alias := func(a string) {
		if a != "" && a != n.Name {
			out.aliases = append(out.aliases, a)
		}
	}
	for _, a := range n.Status.Addresses {
		alias(a.Address)
	}
	if short, _, ok := strings.Cut(n.Name, "."); ok {
		alias(short)
	}
	return out
}

// gpuLabels maps GPU feature discovery's node labels to fields; numeric ones become numbers.
var gpuLabels = []struct {
	label, field string
	number       bool
}{
	{"nvidia.com/gpu.product", FieldNodeGPUProduct, false},
	{"nvidia.com/gpu.family", FieldNodeGPUFamily, false},
	{"nvidia.com/gpu.memory", FieldNodeGPUMemory, true},
	{"nvidia.com/gpu.count", FieldNodeGPUCount, true},
	{"nvidia.com/mig.strategy", FieldNodeGPUMIG, false},
	{"nvidia.com/cuda.driver-version.full", FieldNodeGPUDriver, false},
	{"nvidia.com/cuda.runtime-version.full", FieldNodeGPUCUDA, false},
}

func nodeGPUFields(l map[string]string) []field {
	var fs []field
	for _, g := range gpuLabels {
		v, ok := l[g.label]
		if !ok || v == "" {
			continue
		}
		if q, err := resource.ParseQuantity(v); g.number && err == nil {
			fs = append(fs, field{g.field, event.Int(q.Value())})
		} else {
			fs = append(fs, field{g.field, event.String(v)})
		}
	}
	// GFD before v0.15 published the versions in parts.
	if _, ok := l["nvidia.com/cuda.driver-version.full"]; !ok && l["nvidia.com/cuda.driver.major"] != "" {
		fs = append(fs, field{FieldNodeGPUDriver, event.String(joinVersion(l, "nvidia.com/cuda.driver."))})
	}
	if _, ok := l["nvidia.com/cuda.runtime-version.full"]; !ok && l["nvidia.com/cuda.runtime.major"] != "" {
		fs = append(fs, field{FieldNodeGPUCUDA, event.String(joinVersion(l, "nvidia.com/cuda.runtime."))})
	}
	return fs
}

func joinVersion(l map[string]string, prefix string) string {
	v := l[prefix+"major"] + "." + l[prefix+"minor"]
	if r := l[prefix+"rev"]; r != "" {
		v += "." + r
	}
	return v
}
