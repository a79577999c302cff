package kubernetes

import (
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	corev1 "k8s.io/api/core/v1"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// memoEnricher is an enricher over a small index: testNode (known also by its FQDN) with one GPU
// mapped to pod vllm-a, pods vllm-a and vllm-b of Deployment vllm, and StatefulSet pod llama-0.
func memoEnricher(t *testing.T, overwrite bool) *enricher {
	t.Helper()
	c := NewConfig()
	c.Labels = []string{"app.kubernetes.io/*", "team"}
	c.Annotations = []string{"vllm.ai/model"}
	c.Overwrite = overwrite
	conv := newConverter(c)
	e := newEnricher(c, newMetrics(nil))
	e.idx.putNode(conv.node(gpuNode(testNode, testNode+".dc1.example.com")))
	e.idx.putPod(conv.pod(vllmPod("vllm-a", "uid-a", "10.0.0.1")))
	b := vllmPod("vllm-b", "uid-b", "10.0.0.2")
	b.Status.ContainerStatuses[0].ContainerID = "containerd://bb22"
	b.Status.ContainerStatuses[1].ContainerID = "containerd://bb33"
	e.idx.putPod(conv.pod(b))
	e.idx.putPod(conv.pod(statefulPod()))
	e.idx.putRS("inference", "vllm-7d9f8b6c5d", "vllm")
	e.gpus.Store(buildGPUMap([]target{{node: testNode, rows: []gpuRow{
		{uuid: "GPU-aaaa", pci: "00000000:3B:00.0", model: "NVIDIA H100 80GB HBM3", index: 0, namespace: "inference", pod: "vllm-a"},
		{uuid: "GPU-bbbb", pci: "00000000:5E:00.0", model: "NVIDIA H100 80GB HBM3", index: 1},
	}}}, func(s string) string { return s }))
	return e
}

// enrichFieldByField is enrich without the memo: every field set on the event in turn.
func (e *enricher) enrichFieldByField(ev *event.Event) {
	h, asked := e.findPod(ev)
	if h.pod != nil {
		h.ctr = h.pod.container(h.container, h.cid)
	}
	o := e.apply(ev, h, e.gpus.Load())
	if h.pod == nil && asked {
		o |= sawPodMiss
	}
	e.count(o)
}

func shared(t *testing.T, name string, kv ...string) *event.Shared {
	t.Helper()
	s, ok := event.NewShared(name, len(kv)/2, func(i int) (string, event.Value) { return kv[2*i], event.String(kv[2*i+1]) })
	if !ok {
		t.Fatalf("shared %s %v", name, kv)
	}
	return s
}

// memoCases are events as inputs and processors before kubernetes make them: Filebeat's objects
// (with the pod's names, or only its node, or a value the API disagrees with), set's
// orchestrator.*, own fields under the memo's names, a driver event with its GPU, a log path.
func memoCases(t *testing.T) map[string]func() *event.Event {
	fbPod := func(pod, uid, ctr string, extra ...string) *event.Shared {
		return shared(t, "kubernetes", append([]string{FieldNamespace, "inference", FieldPodName, pod, FieldPodUID, uid,
			FieldContainer, ctr, FieldNode, testNode, "kubernetes.labels.team", "infra", "kubernetes.replicaset.name", "vllm-7d9f8b6c5d"}, extra...)...)
	}
	fbCtr := func(id string) *event.Shared {
		return shared(t, "container", FieldContainerID, id, FieldContainerRuntime, "containerd", FieldContainerImage, "docker.io/vllm/vllm-openai:v0.11.0")
	}
	host := shared(t, "host", FieldHostName, testNode+".dc1.example.com", "host.os.kernel", "6.8.0")
	cluster := shared(t, "orchestrator", "orchestrator.cluster.name", "gpu-prod", FieldOrchestratorType, "kubernetes")
	msg := func(objs ...*event.Shared) *event.Event {
		ev := event.NewMessage("INFO 11-27 12:00:01 [engine.py:10] ok", time.Date(2026, 11, 27, 12, 0, 1, 0, time.UTC))
		ev.SetString(FieldFilePath, "/var/log/containers/vllm-a_inference_vllm-"+testCID+".log")
		ev.AddShared(objs...)
		return ev
	}
	// The objects are made once, as the Beats input and set make them once per pod: the memo is
	// reused only for the same objects.
	podA, ctrA := fbPod("vllm-a", "uid-a", "vllm"), fbCtr(testCID)
	sidecar, podB := fbPod("vllm-a", "uid-a", "metrics-proxy"), fbPod("vllm-b", "uid-b", "vllm")
	ctrSidecar, ctrB := fbCtr("aa11"), fbCtr("bb22")
	llama := fbPod("llama-0", "uid-llama-0", "server", "kubernetes.statefulset.name", "llama")
	alias := shared(t, "kubernetes", FieldPodUID, "uid-a", FieldNode, testNode+".dc1.example.com")
	uuid, pci := shared(t, "gpu", FieldGPUUUID, "GPU-bbbb"), shared(t, "gpu", FieldGPUPCI, "0000:5e:00.0")
	gone := shared(t, "kubernetes", FieldNamespace, "inference", FieldPodName, "gone-0", FieldNode, testNode)
	withPath := func(path string, objs ...*event.Shared) func() *event.Event {
		return func() *event.Event {
			ev := msg(objs...)
			ev.SetString(FieldFilePath, path)
			return ev
		}
	}
	return map[string]func() *event.Event{
		"filebeat":              func() *event.Event { return msg(podA, ctrA, host, cluster) },
		"filebeat, sidecar":     func() *event.Event { return msg(sidecar, ctrSidecar, host) },
		"filebeat, other pod":   func() *event.Event { return msg(podB, ctrB, host, cluster) },
		"filebeat, statefulset": func() *event.Event { return msg(llama, host) },
		"filebeat, node alias":  func() *event.Event { return msg(alias, host) },
		"path only":             func() *event.Event { return msg() },
		"path and host":         func() *event.Event { return msg(host, cluster) },
		// The same objects as the last, and the same pod, but the path names another container.
		"path and host, sidecar": withPath("/var/log/pods/inference_vllm-a_uid-a/metrics-proxy/0.log", host, cluster),
		"own orchestrator": func() *event.Event {
			ev := msg(podA, ctrA, host)
			ev.SetString("orchestrator.cluster.name", "gpu-prod")
			return ev
		},
		"own host.hostname": func() *event.Event {
			ev := msg(podA, ctrA)
			ev.SetString(FieldHostname, testNode)
			return ev
		},
		"gpu object":  func() *event.Event { return msg(podA, uuid, host) },
		"gpu by pci":  func() *event.Event { return msg(podA, pci, host) },
		"unknown pod": func() *event.Event { return msg(gone, host) },
	}
}

// TestMemoMatchesFieldByField holds the memo to the field-by-field enrichment: the same document
// and the same lookups counted, for the first event of a kind (the memo is made) and the next
// ones (it is reused), with and without overwrite.
func TestMemoMatchesFieldByField(t *testing.T) {
	for _, overwrite := range []bool{false, true} {
		memo, plain := memoEnricher(t, overwrite), memoEnricher(t, overwrite)
		used := 0
		cases := memoCases(t)
		names := slices.Sorted(maps.Keys(cases))
		// Three events of each kind in a row, then each kind in turn, three times.
		var order []string
		for _, name := range names {
			order = append(order, name, name, name)
		}
		for range 3 {
			order = append(order, names...)
		}
		for i, name := range order {
			a, b := cases[name](), cases[name]()
			if _, err := memo.enrich(a); err != nil {
				t.Fatal(err)
			}
			plain.enrichFieldByField(b)
			if got, want := string(a.AppendJSON(nil)), string(b.AppendJSON(nil)); got != want {
				t.Fatalf("overwrite %v, %s, event %d:\nmemo  %s\nplain %s", overwrite, name, i, got, want)
			}
			if a.SharedObject("kubernetes") != nil {
				used++
			}
		}
		// Each kind's first event notes its memo; the second makes it.
		if used < 2*9 {
			t.Errorf("overwrite %v: the memo made the document of %d events, want the Filebeat ones and those with a path after their first (18 or more)", overwrite, used)
		}
		for _, c := range []struct {
			what       string
			memo, want float64
		}{
			{"pod hit", testutil.ToFloat64(memo.m.podHit), testutil.ToFloat64(plain.m.podHit)},
			{"pod miss", testutil.ToFloat64(memo.m.podMiss), testutil.ToFloat64(plain.m.podMiss)},
			{"node hit", testutil.ToFloat64(memo.m.nodeHit), testutil.ToFloat64(plain.m.nodeHit)},
			{"node miss", testutil.ToFloat64(memo.m.nodeMiss), testutil.ToFloat64(plain.m.nodeMiss)},
			{"gpu hit", testutil.ToFloat64(memo.m.gpuHit), testutil.ToFloat64(plain.m.gpuHit)},
			{"gpu miss", testutil.ToFloat64(memo.m.gpuMiss), testutil.ToFloat64(plain.m.gpuMiss)},
		} {
			if c.memo != c.want || (c.what == "pod hit" && c.want == 0) {
				t.Errorf("overwrite %v: %s counted %v times, field by field %v", overwrite, c.what, c.memo, c.want)
			}
		}
	}
}

// TestMemoFollowsChanges changes what a memo was made from (the pod's Deployment, its node, the
// GPU map, the pod itself) and expects the next event to show the change.
func TestMemoFollowsChanges(t *testing.T) {
	e := memoEnricher(t, false)
	conv := newConverter(&Config{Labels: []string{"app.kubernetes.io/*", "team"}})
	mk := memoCases(t)["filebeat"]
	get := func(key string) (string, bool) {
		ev := mk()
		if _, err := e.enrich(ev); err != nil {
			t.Fatal(err)
		}
		v, _ := ev.GetString(key)
		return v, ev.SharedObject("kubernetes") != nil
	}
	for _, step := range []struct {
		what, key, want string
		change          func()
	}{
		{"first", FieldWorkloadName, "vllm", func() {}},
		{"the ReplicaSet's owner", FieldWorkloadName, "vllm-v2", func() { e.idx.putRS("inference", "vllm-7d9f8b6c5d", "vllm-v2") }},
		{"the node's labels", FieldNodeGPUCount, "4", func() {
			n := gpuNode(testNode, testNode+".dc1.example.com")
			n.Labels["nvidia.com/gpu.count"] = "4"
			e.idx.putNode(conv.node(n))
		}},
		{"the GPU map", FieldPodGPUUUIDs, `["GPU-cccc"]`, func() {
			e.gpus.Store(buildGPUMap([]target{{node: testNode, rows: []gpuRow{{uuid: "GPU-cccc", model: "NVIDIA H200", namespace: "inference", pod: "vllm-a"}}}}, func(s string) string { return s }))
		}},
		{"the pod", "kubernetes.pod.ip", "10.0.0.9", func() { e.idx.putPod(conv.pod(vllmPod("vllm-a", "uid-a", "10.0.0.9"))) }},
	} {
		step.change()
		memo := false
		// The memo made before the change is not used; the new one is made by the second event.
		for i := 0; i < 3 || !memo; i++ {
			got, fromMemo := get(step.key)
			if got != step.want {
				t.Errorf("after %s (event %d): %s = %q, want %q", step.what, i, step.key, got, step.want)
			}
			if memo = fromMemo; i == 2 && !memo {
				t.Fatalf("after %s: the third event was not enriched from a memo", step.what)
			}
		}
	}
}

// TestMemoSlotsShared runs more pods than the memo table has slots, so that pods take turns in
// one slot; each event still gets its own pod. The events hold no objects and name a container
// their pod does not list, so only the pod tells their memos apart.
func TestMemoSlotsShared(t *testing.T) {
	e := memoEnricher(t, false)
	conv := newConverter(NewConfig())
	const n = memoSlots + 7
	for i := range n {
		e.idx.putPod(conv.pod(vllmPod(fmt.Sprintf("p-%d", i), fmt.Sprintf("uid-%d", i), "10.1.0.1")))
	}
	memo := 0
	for round := range 3 {
		for i := range n {
			ev := event.New()
			ev.SetString(FieldFilePath, fmt.Sprintf("/var/log/pods/inference_p-%d_uid-%d/gone/0.log", i, i))
			if _, err := e.enrich(ev); err != nil {
				t.Fatal(err)
			}
			if got, _ := ev.GetString(FieldPodName); got != fmt.Sprintf("p-%d", i) {
				t.Fatalf("round %d, pod %d: named %q", round, i, got)
			}
			if ev.SharedObject("kubernetes") != nil {
				memo++
			}
		}
	}
	if memo < 2*(n-2*7) { // the first round notes the memos
		t.Errorf("%d of %d events enriched from a memo", memo, 3*n)
	}
}

// TestMemoKeptByTheBusierPod puts two pods in one slot: the one with more events keeps the slot,
// and the other's events are enriched field by field rather than making a memo each time.
func TestMemoKeptByTheBusierPod(t *testing.T) {
	e := memoEnricher(t, false)
	conv := newConverter(NewConfig())
	busy, quiet := conv.pod(vllmPod("busy", "uid-busy", "10.1.0.1")), conv.pod(vllmPod("quiet", "uid-quiet", "10.1.0.2"))
	quiet.slot = busy.slot
	e.idx.putPod(busy)
	e.idx.putPod(quiet)
	objs := map[string]*event.Shared{"busy": shared(t, "kubernetes", FieldPodUID, "uid-busy"), "quiet": shared(t, "kubernetes", FieldPodUID, "uid-quiet")}
	enrich := func(pod string) bool {
		ev := event.New()
		ev.AddShared(objs[pod])
		if _, err := e.enrich(ev); err != nil {
			t.Fatal(err)
		}
		if got, _ := ev.GetString(FieldPodName); got != pod {
			t.Fatalf("%s's event named %q", pod, got)
		}
		s := ev.SharedObject("kubernetes")
		return s != nil && s.Len() > 1
	}
	enrich("busy")
	enrich("busy")
	for i := range 100 {
		if i%3 == 0 && enrich("quiet") {
			t.Fatalf("event %d: the quiet pod took the slot", i)
		}
		if !enrich("busy") {
			t.Fatalf("event %d: the busy pod lost its memo", i)
		}
	}
	// Once the busy pod stops, the quiet one takes the slot.
	took := false
	for range memoCredit + 2 {
		took = enrich("quiet")
	}
	if !took {
		t.Error("the quiet pod never took the idle slot")
	}
}

// TestMemoNotMadeForObjectsSeenOnce gives every event of a pod new objects, as an input whose
// cache of them is overrun would: no memo is made, and each event is enriched field by field.
func TestMemoNotMadeForObjectsSeenOnce(t *testing.T) {
	e := memoEnricher(t, false)
	for i := range 20 {
		ev := event.New()
		ev.AddShared(shared(t, "kubernetes", FieldPodUID, "uid-a", FieldContainer, "vllm", "kubernetes.labels.n", fmt.Sprint(i)))
		if _, err := e.enrich(ev); err != nil {
			t.Fatal(err)
		}
		if got, _ := ev.GetString(FieldPodName); got != "vllm-a" || ev.SharedObject("kubernetes") != nil {
			t.Fatalf("event %d: pod %q, from a memo %v", i, got, ev.SharedObject("kubernetes") != nil)
		}
	}
	pod := e.idx.podByUID("uid-a")
	if m := e.memos[(hit{pod: pod, ctr: pod.container("vllm", "")}).slot()%memoSlots].Load(); m == nil || m.made {
		t.Errorf("slot holds %+v, want a memo only noted", m)
	}
}

// TestMemoPerContainer interleaves the events of a pod's two containers (a server and its
// sidecar): each container has a memo of its own, so from the second event of each on, every
// event is enriched from one.
func TestMemoPerContainer(t *testing.T) {
	e := memoEnricher(t, false)
	cases := memoCases(t)
	for i := range 20 {
		name := []string{"filebeat", "filebeat, sidecar"}[i%2]
		ev := cases[name]()
		if _, err := e.enrich(ev); err != nil {
			t.Fatal(err)
		}
		if i >= 4 && ev.SharedObject("kubernetes") == nil {
			t.Fatalf("event %d (%s) enriched field by field", i, name)
		}
	}
}

// TestIndexChangesThatKeepMemos puts a node again with only its status changed, and a
// ReplicaSet again with the same owner: what events are given is the same, so the memos stay.
func TestIndexChangesThatKeepMemos(t *testing.T) {
	e := memoEnricher(t, false)
	conv := newConverter(NewConfig())
	gen := e.idx.gen.Load()
	n := gpuNode(testNode, testNode+".dc1.example.com")
	n.Status.Conditions = []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue}}
	e.idx.putNode(conv.node(n))
	e.idx.putRS("inference", "vllm-7d9f8b6c5d", "vllm")
	if got := e.idx.gen.Load(); got != gen {
		t.Errorf("gen %d -> %d after changes that give events nothing new", gen, got)
	}
	n.Labels["nvidia.com/gpu.count"] = "4"
	e.idx.putNode(conv.node(n))
	if e.idx.gen.Load() == gen {
		t.Error("gen kept after a node's GPU count changed")
	}
	gen = e.idx.gen.Load()
	e.idx.putRS("inference", "vllm-7d9f8b6c5d", "vllm-v2")
	if e.idx.gen.Load() == gen {
		t.Error("gen kept after a ReplicaSet's owner changed")
	}
}
