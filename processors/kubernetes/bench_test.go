package kubernetes

import (
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	toolscache "k8s.io/client-go/tools/cache"

	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/processors/internal/proc"
	"github.com/sluice-dev/sluice/processors/internal/proctest"
)

const (
	benchPods  = 10000
	benchNodes = 500
)

// realisticPod is a pod as the API server sends it: Helm and Kubernetes labels, a few
// annotations, managedFields, two containers with env, probes and mounts, and a status.
func realisticPod(i int) *corev1.Pod {
	p := vllmPod(fmt.Sprintf("vllm-%04x-7d9f8b6c5d-%05d", i/20, i), fmt.Sprintf("6f1c2d3e-4b5a-4c7d-8e9f-%012d", i), fmt.Sprintf("10.42.%d.%d", i/250, i%250))
	p.Namespace = fmt.Sprintf("team-%02d", i%40)
	p.Spec.NodeName = fmt.Sprintf("gpu-node-%03d", i%benchNodes)
	for k, v := range map[string]string{"app.kubernetes.io/instance": fmt.Sprintf("vllm-%d", i/20), "app.kubernetes.io/version": "0.11.0",
		"app.kubernetes.io/component": "inference", "app.kubernetes.io/part-of": "llm-serving", "app.kubernetes.io/managed-by": "Helm",
		"helm.sh/chart": "vllm-0.4.2", "model": "llama-3-1-8b-instruct"} {
		p.Labels[k] = v
	}
	for k, v := range map[string]string{"prometheus.io/scrape": "true", "prometheus.io/port": "8000", "prometheus.io/path": "/metrics",
		"checksum/config": strings.Repeat("3f9a", 16)} {
		p.Annotations[k] = v
	}
	fields := metav1.NewFieldsV1(`{"f:metadata":{"f:labels":{".":{},"f:app.kubernetes.io/name":{},"f:pod-template-hash":{}},"f:ownerReferences":{".":{},"k:{\"uid\":\"0c1d\"}":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"vllm\"}":{".":{},"f:args":{},"f:env":{},"f:image":{},"f:name":{},"f:ports":{},"f:resources":{"f:limits":{"f:nvidia.com/gpu":{}}},"f:volumeMounts":{}}}}}`)
	p.ManagedFields = []metav1.ManagedFieldsEntry{{Manager: "kube-controller-manager", Operation: "Update", FieldsType: "FieldsV1", FieldsV1: fields},
		{Manager: "kubelet", Operation: "Update", Subresource: "status", FieldsType: "FieldsV1", FieldsV1: fields}}
	c := &p.Spec.Containers[0]
	c.Args = []string{"--model", "meta-llama/Llama-3.1-8B-Instruct", "--tensor-parallel-size", "2", "--max-model-len", "32768", "--port", "8000"}
	for j := range 10 {
		c.Env = append(c.Env, corev1.EnvVar{Name: fmt.Sprintf("VLLM_SETTING_%d", j), Value: "some-value"})
	}
	c.VolumeMounts = []corev1.VolumeMount{{Name: "cache", MountPath: "/root/.cache/huggingface"}, {Name: "shm", MountPath: "/dev/shm"}}
	c.ReadinessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/health"}}, PeriodSeconds: 5}
	p.Spec.Volumes = []corev1.Volume{{Name: "cache"}, {Name: "shm", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{Medium: "Memory"}}}}
	p.Spec.Tolerations = []corev1.Toleration{{Key: "nvidia.com/gpu", Operator: "Exists", Effect: "NoSchedule"}}
	now := metav1.NewTime(time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC))
	for _, t := range []corev1.PodConditionType{"PodScheduled", "Initialized", "ContainersReady", "Ready", "PodReadyToStartContainers"} {
		p.Status.Conditions = append(p.Status.Conditions, corev1.PodCondition{Type: t, Status: "True", LastTransitionTime: now})
	}
	for j := range p.Status.ContainerStatuses {
		s := &p.Status.ContainerStatuses[j]
		s.ContainerID = fmt.Sprintf("containerd://%060x%04x", i, j)
		s.ImageID = "docker.io/vllm/vllm-openai@sha256:" + strings.Repeat("ab12", 16)
		s.State.Running = &corev1.ContainerStateRunning{StartedAt: now}
	}
	return p
}

func realisticNode(i int) *corev1.Node {
	n := gpuNode(fmt.Sprintf("gpu-node-%03d", i), fmt.Sprintf("gpu-node-%03d.dc1.example.com", i))
	for _, k := range []string{"nvidia.com/gpu.present", "nvidia.com/gpu.deploy.driver", "nvidia.com/gpu.deploy.dcgm-exporter",
		"nvidia.com/gpu.deploy.device-plugin", "nvidia.com/gpu.deploy.gpu-feature-discovery", "nvidia.com/gpu.compute.major",
		"nvidia.com/gpu.compute.minor", "nvidia.com/gpu.machine", "nvidia.com/gpu.replicas", "nvidia.com/mig.capable",
		"feature.node.kubernetes.io/cpu-model.family", "feature.node.kubernetes.io/pci-10de.present", "topology.kubernetes.io/zone",
		"node.kubernetes.io/instance-type", "kubernetes.io/arch", "kubernetes.io/os"} {
		n.Labels[k] = "true"
	}
	for j := range 40 {
		n.Status.Images = append(n.Status.Images, corev1.ContainerImage{Names: []string{fmt.Sprintf("registry.example.com/image-%d@sha256:%064d", j, j)}, SizeBytes: 1 << 30})
	}
	n.Status.Capacity = corev1.ResourceList{"nvidia.com/gpu": resource.MustParse("8"), corev1.ResourceCPU: resource.MustParse("192")}
	return n
}

// BenchmarkCacheMemory measures the heap the informer stores and the index hold for 10,000 pods
// on 500 nodes: each object is decoded from its JSON (as the informers receive it), passed through
// the transform, kept in a store and indexed. Run with -benchtime 1x.
func BenchmarkCacheMemory(b *testing.B) {
	var pods, nodes [][]byte
	for i := range benchPods {
		pods = append(pods, mustJSON(b, realisticPod(i)))
	}
	for i := range benchNodes {
		nodes = append(nodes, mustJSON(b, realisticNode(i)))
	}
	c := NewConfig()
	c.Labels = []string{"app.kubernetes.io/*", "team", "model"}
	c.Annotations = []string{"vllm.ai/model"}
	for range b.N {
		before := heap()
		conv, idx := newConverter(c), newIndex(time.Minute)
		store := toolscache.NewStore(toolscache.MetaNamespaceKeyFunc)
		add := func(raw []byte, obj any) {
			_ = json.Unmarshal(raw, obj)
			s, _ := conv.strip(obj)
			_ = store.Add(s)
			if c := s.(*cached); c.pod != nil {
				idx.putPod(c.pod)
			} else {
				idx.putNode(c.node)
			}
		}
		for _, raw := range pods {
			add(raw, &corev1.Pod{})
		}
		for _, raw := range nodes {
			add(raw, &corev1.Node{})
		}
		used := heap() - before
		b.ReportMetric(float64(used)/(1<<20), "MiB")
		b.ReportMetric(float64(used)/benchPods, "B/pod")
		runtime.KeepAlive(store)
		runtime.KeepAlive(idx)
	}
}

func heap() int64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

func mustJSON(b *testing.B, v any) []byte {
	out, err := json.Marshal(v)
	if err != nil {
		b.Fatal(err)
	}
	return out
}

// benchEnricher is an enricher with 10,000 pods on 500 nodes indexed, without informers.
func benchEnricher(b *testing.B) *enricher {
	c := NewConfig()
	c.Labels = []string{"app.kubernetes.io/name", "team"}
	conv := newConverter(c)
	e := newEnricher(c, newMetrics(nil))
	for i := range benchNodes {
		e.idx.putNode(conv.node(realisticNode(i)))
	}
	for i := range benchPods {
		e.idx.putPod(conv.pod(realisticPod(i)))
	}
	e.idx.putRS("team-17", "vllm-0d7-7d9f8b6c5d", "vllm-0d7")
	return e
}

// BenchmarkLookup is the cost of finding an event's pod on a cache hit, by uid (the first key
// tried) and by log path (the last).
func BenchmarkLookup(b *testing.B) {
	e := benchEnricher(b)
	p := realisticPod(4657)
	for _, tc := range []struct{ name, key, val string }{
		{"uid", FieldPodUID, string(p.UID)},
		{"path", FieldFilePath, "/var/log/pods/" + p.Namespace + "_" + p.Name + "_" + string(p.UID) + "/vllm/0.log"},
	} {
		ev := line(tc.key, tc.val)
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if h, _ := e.findPod(ev); h.pod == nil {
					b.Fatal("miss")
				}
			}
		})
	}
}

// BenchmarkProcessor is the whole enrichment of a parsed vLLM event (about 20 fields) whose pod
// is known by uid: the lookup and the ~30 fields it writes, in batches of 256.
func BenchmarkProcessor(b *testing.B) {
	r := benchRunner(b)
	ev := proctest.Sample()
	p := realisticPod(4657)
	ev.SetString(FieldPodUID, string(p.UID))
	ev.Delete(FieldPodName)
	ev.Delete(FieldNamespace)
	proctest.Bench(b, r, ev)
}

// benchRunner is the processor over benchEnricher's cache.
func benchRunner(b *testing.B) *proc.Runner {
	set, _, _ := proctest.Settings(b, typeName)
	r, err := proc.NewRunner(typeName, set, &proc.Common{}, benchEnricher(b).enrich)
	if err != nil {
		b.Fatal(err)
	}
	return r
}

// BenchmarkProcessorFilebeat enriches events as the Beats input hands them over: Filebeat's
// own kubernetes.* and container.* metadata arrive as shared objects (event.Shared), which the
// first field the processor sets under those names turns back into the event's own fields.
func BenchmarkProcessorFilebeat(b *testing.B) {
	r := benchRunner(b)
	ev := filebeatEvent(b)
	proctest.Bench(b, r, ev)
}

// filebeatEvent is an event of pod 4657 as the Beats input makes it.
func filebeatEvent(b *testing.B) *event.Event {
	p := realisticPod(4657)
	shared := func(name string, kv ...string) *event.Shared {
		s, ok := event.NewShared(name, len(kv)/2, func(i int) (string, event.Value) {
			return kv[2*i], event.String(kv[2*i+1])
		})
		if !ok {
			b.Fatal(name)
		}
		return s
	}
	k8s := shared("kubernetes", FieldNamespace, p.Namespace, FieldPodName, p.Name, FieldPodUID, string(p.UID),
		FieldPodIP, p.Status.PodIP, FieldNode, p.Spec.NodeName, FieldContainer, "vllm",
		"kubernetes.labels.app_kubernetes_io/name", "vllm", "kubernetes.labels.pod-template-hash", "7d9f8b6c5d",
		"kubernetes.replicaset.name", "vllm-0d7-7d9f8b6c5d", "kubernetes.namespace_uid", "0b1c2d3e")
	ctr := shared("container", FieldContainerID, "3f9a0c", FieldContainerRuntime, "containerd",
		FieldContainerImage, "docker.io/vllm/vllm-openai:v0.11.0")
	ev := event.NewMessage("INFO 11-27 12:00:01 [engine.py:10] Avg prompt throughput: 0.0 tokens/s", time.Date(2026, 11, 27, 12, 0, 1, 0, time.UTC))
	ev.SetString(FieldFilePath, "/var/log/containers/"+p.Name+"_"+p.Namespace+"_vllm-3f9a0c.log")
	ev.AddShared(ctr, k8s)
	return ev
}

// BenchmarkEnrichFilebeat is BenchmarkProcessorFilebeat one event at a time, a fresh copy of it
// each time (the copy is measured too), so that the heap stays the same size however long it
// runs: steady enough for counting instructions.
func BenchmarkEnrichFilebeat(b *testing.B) {
	e := benchEnricher(b)
	ev := filebeatEvent(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.enrich(ev.Clone()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEnrichEncodeFilebeat is BenchmarkEnrichFilebeat followed by what the Elasticsearch
// output does next with the event: its JSON document.
func BenchmarkEnrichEncodeFilebeat(b *testing.B) {
	e := benchEnricher(b)
	ev := filebeatEvent(b)
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		c := ev.Clone()
		if _, err := e.enrich(c); err != nil {
			b.Fatal(err)
		}
		buf = c.AppendJSON(buf[:0])
	}
}

// BenchmarkMemoMade is the cost of making a pod's memo, paid at the second event of a pod with
// the same objects, and again when they or the index change.
func BenchmarkMemoMade(b *testing.B) {
	e := benchEnricher(b)
	ev := filebeatEvent(b)
	h, _ := e.findPod(ev)
	h.ctr = h.pod.container(h.container, h.cid)
	var in [len(memoNames)]*event.Shared
	for i, name := range memoNames {
		in[i] = ev.SharedObject(name)
	}
	b.ReportAllocs()
	for b.Loop() {
		if m := e.memoize(h, in, e.idx.gen.Load(), e.gpus.Load()); !m.ok {
			b.Fatal("no memo")
		}
	}
}
