package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/sluice-dev/sluice/benchmarks/corpus"
)

// kubeAPI answers the kubernetes processor's informers as an API server of a small GPU cluster
// would: the pods of the corpus's containers (the vLLM one owned by a Deployment through its
// ReplicaSet, with two GPUs), and the nodes the load generators write as, with GPU feature
// discovery's labels. Each kind is listed once, in JSON; a watch then stays open and quiet, as
// in a cluster where nothing changes during a run. It refuses watch-list streaming as servers
// before Kubernetes 1.32 do, so the informers list and then watch.
type kubeAPI struct {
	lists map[string][]byte // by URL path
}

func newKubeAPI() (*kubeAPI, error) {
	var pods, rss []any
	for i, c := range corpus.Containers() {
		p := &corev1.Pod{
			TypeMeta: metav1.TypeMeta{Kind: "Pod", APIVersion: "v1"},
			ObjectMeta: metav1.ObjectMeta{Name: c.Pod, Namespace: c.Namespace, UID: types.UID(fmt.Sprintf("0b5e1c7a-0000-4000-8000-%012d", i)),
				ResourceVersion: "1", Labels: map[string]string{"app": c.Name, "app.kubernetes.io/name": c.Name,
					"app.kubernetes.io/part-of": "llm-serving"}},
			Spec: corev1.PodSpec{NodeName: corpus.Node(0), Containers: []corev1.Container{{Name: c.Name, Image: c.Image}}},
			Status: corev1.PodStatus{Phase: corev1.PodRunning, PodIP: fmt.Sprintf("10.244.0.%d", 10+i),
				ContainerStatuses: []corev1.ContainerStatus{{Name: c.Name, Image: c.Image, ContainerID: "containerd://" + c.ID, Ready: true}}},
		}
		// The pod names of the corpus are a Deployment's (name-hash-suffix, the template hash
		// with a digit in it) or a DaemonSet's (name-suffix).
		parts := strings.Split(c.Pod, "-")
		if hash := parts[len(parts)-2]; len(parts) >= 3 && strings.ContainsAny(hash, "0123456789") {
			rs := strings.Join(parts[:len(parts)-1], "-")
			p.Labels["pod-template-hash"] = hash
			p.OwnerReferences = owner("ReplicaSet", rs)
			rss = append(rss, &appsv1.ReplicaSet{TypeMeta: metav1.TypeMeta{Kind: "ReplicaSet", APIVersion: "apps/v1"},
				ObjectMeta: metav1.ObjectMeta{Name: rs, Namespace: c.Namespace, ResourceVersion: "1",
					OwnerReferences: owner("Deployment", strings.TrimSuffix(rs, "-"+hash))}})
		} else {
			p.OwnerReferences = owner("DaemonSet", strings.Join(parts[:len(parts)-1], "-"))
		}
		if c.Name == "vllm" {
			gpus := corev1.ResourceList{"nvidia.com/gpu": resource.MustParse("2")}
			p.Spec.Containers[0].Resources = corev1.ResourceRequirements{Requests: gpus, Limits: gpus}
		}
		pods = append(pods, p)
	}
	var nodes []any
	for i := range corpus.Nodes {
		name := corpus.Node(uint64(i))
		nodes = append(nodes, &corev1.Node{
			TypeMeta: metav1.TypeMeta{Kind: "Node", APIVersion: "v1"},
			ObjectMeta: metav1.ObjectMeta{Name: name, ResourceVersion: "1", Labels: map[string]string{
				"kubernetes.io/hostname": name, "nvidia.com/gpu.product": "NVIDIA-H100-80GB-HBM3", "nvidia.com/gpu.memory": "81559",
				"nvidia.com/gpu.count": "8", "nvidia.com/gpu.family": "hopper", "nvidia.com/mig.strategy": "single",
				"nvidia.com/cuda.driver.major": "550", "nvidia.com/cuda.driver.minor": "127", "nvidia.com/cuda.driver.rev": "05",
				"nvidia.com/cuda.runtime-version.full": "12.4"}},
			Status: corev1.NodeStatus{Addresses: []corev1.NodeAddress{{Type: corev1.NodeHostName, Address: name}}},
		})
	}
	api := &kubeAPI{lists: map[string][]byte{}}
	for path, l := range map[string]struct {
		kind, version string
		items         []any
	}{
		"/api/v1/pods":              {"PodList", "v1", pods},
		"/api/v1/nodes":             {"NodeList", "v1", nodes},
		"/apis/apps/v1/replicasets": {"ReplicaSetList", "apps/v1", rss},
	} {
		b, err := json.Marshal(map[string]any{"kind": l.kind, "apiVersion": l.version,
			"metadata": map[string]string{"resourceVersion": "1"}, "items": l.items})
		if err != nil {
			return nil, err
		}
		api.lists[path] = b
	}
	return api, nil
}

var controller = true

func owner(kind, name string) []metav1.OwnerReference {
	return []metav1.OwnerReference{{Kind: kind, Name: name, Controller: &controller}}
}

func (a *kubeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	list, ok := a.lists[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	q := r.URL.Query()
	w.Header().Set("Content-Type", "application/json")
	switch {
	case q.Get("watch") != "true":
		_, _ = w.Write(list)
	case q.Get("sendInitialEvents") == "true":
		w.WriteHeader(http.StatusUnprocessableEntity)
		_, _ = fmt.Fprint(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Invalid","code":422,`+
			`"message":"sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled"}`)
	default:
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}
}

// startKubeAPI serves the API on a local port and writes a kubeconfig for it into work.
func startKubeAPI(work string) (kubeconfig string, srv *http.Server, err error) {
	api, err := newKubeAPI()
	if err != nil {
		return "", nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv = &http.Server{Handler: api}
	go srv.Serve(l)
	kubeconfig = filepath.Join(work, "kubeconfig")
	cfg := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters: [{name: bench, cluster: {server: "http://%s"}}]
users: [{name: bench, user: {}}]
contexts: [{name: bench, context: {cluster: bench, user: bench}}]
current-context: bench
`, l.Addr())
	if err := os.WriteFile(kubeconfig, []byte(cfg), 0o600); err != nil {
		srv.Close()
		return "", nil, err
	}
	return kubeconfig, srv, nil
}
