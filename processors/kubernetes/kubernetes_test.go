package kubernetes

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	toolscache "k8s.io/client-go/tools/cache"

	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/processors/internal/proctest"
)

func line(fields ...string) *event.Event {
	ev := proctest.Lines("INFO 11-27 12:00:01 [engine.py:10] ok")[0]
	for i := 0; i+1 < len(fields); i += 2 {
		ev.SetString(fields[i], fields[i+1])
	}
	return ev
}

func TestAssociation(t *testing.T) {
	t.Parallel()
	p, _, _ := newTest(t, nil, gpuNode(testNode, "gpu-node-3.dc1.example.com"), vllmRS(),
		vllmPod("vllm-7d9f8b6c5d-x2x9k", "uid-1", "10.42.3.17"), statefulPod())
	vllm := map[string]string{
		"kubernetes.namespace": "inference", "kubernetes.pod.name": "vllm-7d9f8b6c5d-x2x9k", "kubernetes.pod.uid": "uid-1",
		"kubernetes.pod.ip": "10.42.3.17", "kubernetes.workload.kind": "Deployment", "kubernetes.workload.name": "vllm",
		"kubernetes.deployment.name": "vllm", "kubernetes.node.name": testNode, "kubernetes.container.name": "vllm",
		"container.image.name": "vllm/vllm-openai:v0.11.0", "container.id": testCID, "container.runtime": "containerd",
		"kubernetes.labels.app_kubernetes_io/name": "vllm", "kubernetes.labels.team": "ml",
		"kubernetes.annotations.vllm_ai/model": "meta-llama/Llama-3.1-8B-Instruct",
		"kubernetes.pod.gpu.requests":          "2", "kubernetes.pod.gpu.limits": "2",
		"kubernetes.node.gpu.product": "NVIDIA-H100-80GB-HBM3", "kubernetes.node.gpu.count": "8",
		"kubernetes.node.gpu.memory_mib": "81559", "kubernetes.node.gpu.driver_version": "550.54.15",
		"kubernetes.node.gpu.cuda_version": "12.4", "kubernetes.node.gpu.mig_strategy": "single",
		"orchestrator.type": "kubernetes", "orchestrator.resource.name": "vllm-7d9f8b6c5d-x2x9k",
		"kubernetes.labels.pod-template-hash": "<missing>", "kubernetes.annotations.kubectl_kubernetes_io/restartedAt": "<missing>",
	}
	cases := []struct {
		name string
		in   *event.Event
		want map[string]string
	}{
		{"pod uid", line("kubernetes.pod.uid", "uid-1", "kubernetes.container.name", "vllm"), vllm},
		{"namespace and name", line("kubernetes.namespace", "inference", "kubernetes.pod.name", "vllm-7d9f8b6c5d-x2x9k", "kubernetes.container.name", "vllm"), vllm},
		{"container id", line("container.id", testCID), vllm},
		{"containers path", line("log.file.path", "/var/log/containers/vllm-7d9f8b6c5d-x2x9k_inference_vllm-"+testCID+".log"), vllm},
		{"pods path", line("log.file.path", "/var/log/pods/inference_vllm-7d9f8b6c5d-x2x9k_uid-1/vllm/0.log"), vllm},
		{"statefulset", line("kubernetes.pod.uid", "uid-llama-0"), map[string]string{
			"kubernetes.workload.kind": "StatefulSet", "kubernetes.statefulset.name": "llama", "kubernetes.container.name": "server"}},
		{"node log by FQDN", line("host.hostname", "gpu-node-3.dc1.example.com"), map[string]string{
			"kubernetes.node.name": testNode, "kubernetes.node.gpu.product": "NVIDIA-H100-80GB-HBM3", "kubernetes.pod.name": "<missing>"}},
		{"node short name", line("kubernetes.node.name", "gpu-node-3.dc1.example.com"), map[string]string{"kubernetes.node.name": testNode}},
		{"unknown node still named", line("host.name", "cpu-node-1"), map[string]string{"kubernetes.node.name": "cpu-node-1"}},
		{"filled, not overwritten", line("kubernetes.pod.uid", "uid-1", "kubernetes.labels.team", "infra"), map[string]string{"kubernetes.labels.team": "infra"}},
	}
	for _, tc := range cases {
		out := proctest.One(t, p, tc.in)
		for k, want := range tc.want {
			if got := proctest.Str(out, k); got != want {
				t.Errorf("%s: %s = %q, want %q", tc.name, k, got, want)
			}
		}
	}
	if n := testutil.ToFloat64(p.e.m.podMiss); n != 0 {
		t.Errorf("%v pod misses", n)
	}
}

func TestMissIsCountedAndEventKept(t *testing.T) {
	t.Parallel()
	p, _, _ := newTest(t, nil, gpuNode(testNode, testNode))
	in := line("kubernetes.namespace", "inference", "kubernetes.pod.name", "gone-0", "kubernetes.node.name", testNode)
	out := proctest.One(t, p, in)
	if got := testutil.ToFloat64(p.e.m.podMiss); got != 1 {
		t.Errorf("pod misses %v, want 1", got)
	}
	if out.HasTag("_kubernetes_failure") || proctest.Str(out, "kubernetes.pod.name") != "gone-0" ||
		proctest.Str(out, "kubernetes.node.gpu.count") != "8" {
		t.Errorf("event changed or not given its node: %v %q", out.Tags(), proctest.Str(out, "kubernetes.node.gpu.count"))
	}
}

func TestOverwrite(t *testing.T) {
	t.Parallel()
	p, _, _ := newTest(t, func(c *Config) { c.Overwrite = true }, vllmRS(), vllmPod("vllm-a", "uid-1", "10.0.0.1"))
	out := proctest.One(t, p, line("kubernetes.pod.uid", "uid-1", "kubernetes.labels.team", "infra"))
	if got := proctest.Str(out, "kubernetes.labels.team"); got != "ml" {
		t.Errorf("team = %q, want the API's ml", got)
	}
}

// TestUpdatesAndDeletions follows a pod through a label change, its deletion (resolvable for the
// grace period) and the end of the grace period, and a ReplicaSet that arrives after its pod.
func TestUpdatesAndDeletions(t *testing.T) {
	t.Parallel()
	p, client, clk := newTest(t, nil, vllmPod("vllm-a", "uid-1", "10.0.0.1"))
	ctx := context.Background()
	team := func() string {
		return proctest.Str(proctest.One(t, p, line("kubernetes.pod.uid", "uid-1")), "kubernetes.labels.team")
	}
	if got := proctest.Str(proctest.One(t, p, line("kubernetes.pod.uid", "uid-1")), "kubernetes.workload.name"); got != "vllm" {
		t.Errorf("workload from pod-template-hash before the ReplicaSet is known: %q", got)
	}
	pod := vllmPod("vllm-a", "uid-1", "10.0.0.1")
	pod.Labels["team"] = "serving"
	if _, err := client.CoreV1().Pods("inference").Update(ctx, pod, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the label update", func() bool { return team() == "serving" })
	if err := client.CoreV1().Pods("inference").Delete(ctx, "vllm-a", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the deletion", func() bool { p.e.idx.mu.RLock(); defer p.e.idx.mu.RUnlock(); return len(p.e.idx.tombs) == 1 })
	p.e.idx.sweep(clk.now().Add(p.e.idx.grace - 1))
	if team() != "serving" {
		t.Fatal("deleted pod not resolvable within its grace period")
	}
	p.e.idx.sweep(clk.now().Add(p.e.idx.grace))
	if team() != "<missing>" {
		t.Fatal("deleted pod still resolvable after its grace period")
	}
}

// TestConcurrentLookupsAndChanges runs events through the processor while pods come and go; run
// with -race.
func TestConcurrentLookupsAndChanges(t *testing.T) {
	t.Parallel()
	p, client, clk := newTest(t, nil, gpuNode(testNode, testNode), vllmRS())
	ctx := context.Background()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	// Filebeat's objects, made once per pod as the Beats input makes them: their events share
	// the pod's memo across the workers.
	fb := make([]*event.Shared, 20)
	for i := range fb {
		fb[i] = shared(t, "kubernetes", FieldPodUID, fmt.Sprintf("uid-%d", i), FieldContainer, "vllm")
	}
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				evs := []*event.Event{line("kubernetes.pod.uid", fmt.Sprintf("uid-%d", i%20)),
					line("log.file.path", fmt.Sprintf("/var/log/pods/inference_vllm-%d_uid-%d/vllm/0.log", (i+w)%20, (i+w)%20)),
					line()}
				evs[2].AddShared(fb[(i+2*w)%20])
				proctest.Run(t, p, evs...)
			}
		}()
	}
	for i := range 20 {
		pod := vllmPod(fmt.Sprintf("vllm-%d", i), fmt.Sprintf("uid-%d", i), "10.0.0.1")
		if _, err := client.CoreV1().Pods("inference").Create(ctx, pod, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		if i%3 == 0 {
			_ = client.CoreV1().Pods("inference").Delete(ctx, pod.Name, metav1.DeleteOptions{})
			p.e.idx.sweep(clk.now().Add(p.e.idx.grace))
		}
	}
	eventually(t, "the last pod", func() bool { return p.e.idx.podByUID("uid-19") != nil })
	close(stop)
	wg.Wait()
}

func TestBadConfig(t *testing.T) {
	t.Parallel()
	cases := map[string]func(*Config){
		"wait_for_sync":    func(c *Config) { c.WaitForSync = -1 },
		"deleted_grace":    func(c *Config) { c.DeletedGrace = -1 },
		"labels[0]":        func(c *Config) { c.Labels = []string{"*"} },
		"dcgm.urls[0]":     func(c *Config) { c.DCGM.URLs = []string{"dcgm:9400"} },
		"dcgm.selector":    func(c *Config) { c.DCGM.Discover, c.DCGM.Selector = true, "app in (" },
		"dcgm.port":        func(c *Config) { c.DCGM.Discover, c.DCGM.Port = true, 0 },
		"dcgm.interval":    func(c *Config) { c.DCGM.URLs, c.DCGM.Interval = []string{"http://x:9400/metrics"}, 0 },
		"gpu_resources[0]": func(c *Config) { c.GPUResources = []string{""} },
	}
	for key, configure := range cases {
		c := NewConfig()
		configure(c)
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("%s: error %v does not name the key", key, err)
		}
	}
	if err := NewConfig().Validate(); err != nil {
		t.Errorf("defaults: %v", err)
	}
}

// Outside a cluster with no kubeconfig the processor passes events unenriched (as `sluice test`
// in CI needs); a kubeconfig that was named but cannot be read fails at creation.
func TestNoAPIServer(t *testing.T) {
	t.Setenv("KUBERNETES_SERVICE_HOST", "")
	p, err := proctest.Create(t, Factory, func(c *Config) { c.WaitForSync = 0 })
	if err != nil {
		t.Fatalf("no cluster, no kubeconfig: %v", err)
	}
	out := proctest.One(t, p, line("kubernetes.pod.uid", "uid-1"))
	if out.HasTag("_kubernetes_failure") || proctest.Str(out, "kubernetes.pod.uid") != "uid-1" {
		t.Errorf("event changed: %v", out.Tags())
	}
	_ = p.(*Processor).Close(context.Background())
	if _, err := proctest.Create(t, Factory, func(c *Config) { c.KubeConfig = "testdata/missing-kubeconfig" }); err == nil ||
		!strings.Contains(err.Error(), "missing-kubeconfig") {
		t.Errorf("missing kubeconfig: %v", err)
	}
}

// A deletion the watch missed arrives as DeletedFinalStateUnknown; the pod still gets its grace.
func TestDeletedFinalStateUnknown(t *testing.T) {
	t.Parallel()
	conv, idx := newConverter(NewConfig()), newIndex(time.Minute)
	w := &watcher{idx: idx, conv: conv, now: func() time.Time { return time.Unix(0, 0) }}
	obj, _ := conv.strip(vllmPod("vllm-a", "uid-1", "10.0.0.1"))
	w.podHandler().OnAdd(obj, true)
	w.podHandler().OnDelete(toolscache.DeletedFinalStateUnknown{Key: "inference/vllm-a", Obj: obj})
	if idx.podByUID("uid-1") == nil {
		t.Fatal("pod gone before its grace period")
	}
	idx.sweep(time.Unix(60, 0))
	if idx.podByUID("uid-1") != nil || idx.podByName("inference", "vllm-a") != nil || idx.podByCID(testCID) != nil {
		t.Fatal("pod still indexed after its grace period")
	}
}
