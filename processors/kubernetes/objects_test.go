package kubernetes

import (
	"context"
	"sync"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes/fake"
	toolscache "k8s.io/client-go/tools/cache"

	"github.com/sluice-dev/sluice/processors/internal/proctest"
)

const (
	testNode = "gpu-node-3"
	testCID  = "4d3c2b1a0f9e8d7c6b5a4d3c2b1a0f9e8d7c6b5a4d3c2b1a0f9e8d7c6b5a4d3c"
)

var yes = true

func owner(kind, name string) []metav1.OwnerReference {
	return []metav1.OwnerReference{{Kind: kind, Name: name, Controller: &yes}}
}

// gpuNode is a node as GPU feature discovery labels it.
func gpuNode(name string, hostname string) *corev1.Node {
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{
			"nvidia.com/gpu.product": "NVIDIA-H100-80GB-HBM3", "nvidia.com/gpu.memory": "81559",
			"nvidia.com/gpu.count": "8", "nvidia.com/mig.strategy": "single", "nvidia.com/gpu.family": "hopper",
			"nvidia.com/cuda.driver.major": "550", "nvidia.com/cuda.driver.minor": "54", "nvidia.com/cuda.driver.rev": "15",
			"nvidia.com/cuda.runtime-version.full": "12.4", "kubernetes.io/hostname": name,
		}},
		Status: corev1.NodeStatus{Addresses: []corev1.NodeAddress{
			{Type: corev1.NodeInternalIP, Address: "10.0.3.7"}, {Type: corev1.NodeHostName, Address: hostname},
		}},
	}
}

// vllmPod is a pod of Deployment vllm (through ReplicaSet vllm-7d9f8b6c5d) with two GPUs.
func vllmPod(name, uid, ip string) *corev1.Pod {
	gpus := corev1.ResourceList{"nvidia.com/gpu": resource.MustParse("2"), corev1.ResourceCPU: resource.MustParse("8")}
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Name: name, Namespace: "inference", UID: types.UID(uid),
			Labels:          map[string]string{"app.kubernetes.io/name": "vllm", "pod-template-hash": "7d9f8b6c5d", "team": "ml"},
			Annotations:     map[string]string{"vllm.ai/model": "meta-llama/Llama-3.1-8B-Instruct", "kubectl.kubernetes.io/restartedAt": "2026-11-27T10:00:00Z"},
			OwnerReferences: owner("ReplicaSet", "vllm-7d9f8b6c5d"),
			ManagedFields:   []metav1.ManagedFieldsEntry{{Manager: "kube-controller-manager", Operation: "Update"}},
		},
		Spec: corev1.PodSpec{NodeName: testNode, Containers: []corev1.Container{
			{Name: "vllm", Image: "vllm/vllm-openai:v0.11.0", Resources: corev1.ResourceRequirements{Requests: gpus, Limits: gpus}},
			{Name: "metrics-proxy", Image: "nginx:1.27"},
		}},
		Status: corev1.PodStatus{Phase: corev1.PodRunning, PodIP: ip, ContainerStatuses: []corev1.ContainerStatus{
			{Name: "vllm", ContainerID: "containerd://" + testCID},
			{Name: "metrics-proxy", ContainerID: "containerd://aa11"},
		}},
	}
}

func vllmRS() *appsv1.ReplicaSet {
	return &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: "vllm-7d9f8b6c5d", Namespace: "inference", OwnerReferences: owner("Deployment", "vllm")}}
}

func statefulPod() *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "llama-0", Namespace: "inference", UID: "uid-llama-0", OwnerReferences: owner("StatefulSet", "llama")},
		Spec:       corev1.PodSpec{NodeName: testNode, Containers: []corev1.Container{{Name: "server", Image: "vllm/vllm-openai:v0.10.2"}}},
	}
}

// clock is a settable time for the grace period.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// newTest starts a processor on a fake API server holding objs.
func newTest(t *testing.T, configure func(*Config), objs ...runtime.Object) (*Processor, *fake.Clientset, *clock) {
	t.Helper()
	c := NewConfig()
	c.WaitForSync = time.Minute
	c.Labels = []string{"app.kubernetes.io/*", "team"}
	c.Annotations = []string{"vllm.ai/model"}
	if configure != nil {
		configure(c)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	client := fake.NewClientset(objs...)
	clk := &clock{t: time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)}
	set, _, _ := proctest.Settings(t, typeName)
	p, err := create(set, c, fakeSources(client), clk.now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Close(context.Background()); err != nil {
			t.Error(err)
		}
	})
	return p, client, clk
}

// fakeSources lists and watches through client's typed calls; the informers and everything after
// them are the production ones.
func fakeSources(client *fake.Clientset) *sources {
	// The fake has no watch-list streaming; saying so makes the informers list, then watch.
	lw := func(list func(context.Context, metav1.ListOptions) (runtime.Object, error),
		watch func(context.Context, metav1.ListOptions) (watch.Interface, error)) toolscache.ListerWatcher {
		return toolscache.ToListWatcherWithWatchListSemantics(
			&toolscache.ListWatch{ListWithContextFunc: list, WatchFuncWithContext: watch}, client)
	}
	pods, nodes, rss := client.CoreV1().Pods(""), client.CoreV1().Nodes(), client.AppsV1().ReplicaSets("")
	return &sources{
		pods: lw(func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) { return pods.List(ctx, o) },
			pods.Watch),
		nodes: lw(func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) { return nodes.List(ctx, o) },
			nodes.Watch),
		replicaSets: lw(func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) { return rss.List(ctx, o) },
			rss.Watch),
	}
}

// eventually waits up to a minute for cond, which reads state that informers update.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
