package kubernetes

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/sluice-dev/sluice/processors/internal/proctest"
)

// apiServer speaks enough of the Kubernetes API for the informers: list, and watch as a JSON
// stream, for pods, nodes and ReplicaSets. With watchList it streams the initial objects and
// the initial-events-end bookmark as a current API server does; without, it refuses
// sendInitialEvents as an older one does, so the informers list and then watch.
type apiServer struct {
	watchList bool
	kinds     map[string]apiKind // by URL path
	podEvents chan string        // further watch events on pods, JSON lines
	mu        sync.Mutex
	requests  []*http.Request // pod requests, in order
}

type apiKind struct {
	gvk   schema.GroupVersionKind
	items []runtime.Object
}

func newAPIServer(watchList bool) *apiServer {
	gvk := func(group, kind string) schema.GroupVersionKind {
		return schema.GroupVersionKind{Group: group, Version: "v1", Kind: kind}
	}
	return &apiServer{
		watchList: watchList,
		kinds: map[string]apiKind{
			"/api/v1/pods":              {gvk("", "Pod"), []runtime.Object{vllmPod("vllm-a", "uid-1", "10.0.0.1")}},
			"/api/v1/nodes":             {gvk("", "Node"), []runtime.Object{gpuNode(testNode, testNode)}},
			"/apis/apps/v1/replicasets": {gvk("apps", "ReplicaSet"), []runtime.Object{vllmRS()}},
		},
		podEvents: make(chan string, 10),
	}
}

func (s *apiServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	k, ok := s.kinds[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if r.URL.Path == "/api/v1/pods" {
		s.mu.Lock()
		s.requests = append(s.requests, r)
		s.mu.Unlock()
	}
	q := r.URL.Query()
	w.Header().Set("Content-Type", "application/json")
	switch {
	case q.Get("watch") != "true":
		items := make([]json.RawMessage, len(k.items))
		for i, o := range k.items {
			items[i] = encode(k.gvk, o)
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"kind": k.gvk.Kind + "List", "apiVersion": k.gvk.GroupVersion().String(),
			"metadata": map[string]string{"resourceVersion": "10"}, "items": items})
	case q.Get("sendInitialEvents") == "true" && !s.watchList:
		w.WriteHeader(http.StatusUnprocessableEntity)
		_, _ = fmt.Fprint(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Invalid","code":422,`+
			`"message":"sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled"}`)
	default:
		s.watch(w, r, k, q.Get("sendInitialEvents") == "true")
	}
}

// watch streams the initial events when asked, then pod events until the client goes away.
func (s *apiServer) watch(w http.ResponseWriter, r *http.Request, k apiKind, initial bool) {
	send := func(typ string, obj json.RawMessage) {
		_, _ = fmt.Fprintf(w, `{"type":%q,"object":%s}`+"\n", typ, obj)
		w.(http.Flusher).Flush()
	}
	if initial {
		for _, o := range k.items {
			send("ADDED", encode(k.gvk, o))
		}
		end := fmt.Sprintf(`{"kind":%q,"apiVersion":%q,"metadata":{"resourceVersion":"10","annotations":{%q:"true"}}}`,
			k.gvk.Kind, k.gvk.GroupVersion(), metav1.InitialEventsAnnotationKey)
		send("BOOKMARK", json.RawMessage(end))
	}
	w.(http.Flusher).Flush()
	events := s.podEvents
	if r.URL.Path != "/api/v1/pods" {
		events = nil
	}
	for {
		select {
		case <-r.Context().Done():
			return
		case ev := <-events:
			_, _ = fmt.Fprintln(w, ev)
			w.(http.Flusher).Flush()
		}
	}
}

func encode(gvk schema.GroupVersionKind, o runtime.Object) json.RawMessage {
	o = o.DeepCopyObject()
	o.GetObjectKind().SetGroupVersionKind(gvk)
	b, err := json.Marshal(o)
	if err != nil {
		panic(err)
	}
	return b
}

// podRequests returns the query of every pod request so far.
func (s *apiServer) podRequests() []url.Values {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]url.Values, len(s.requests))
	for i, r := range s.requests {
		out[i] = r.URL.Query()
	}
	return out
}

// TestRESTListWatch runs the processor as sluice does, from a kubeconfig, against an API server
// over HTTP: the REST clients, scheme, parameter codec and watch decoding, in both the
// watch-list mode of current servers and the list-then-watch of older ones.
func TestRESTListWatch(t *testing.T) {
	t.Parallel()
	for _, watchList := range []bool{true, false} {
		t.Run(fmt.Sprintf("watchList=%v", watchList), func(t *testing.T) {
			t.Parallel()
			api := newAPIServer(watchList)
			srv := httptest.NewServer(api)
			t.Cleanup(srv.Close)
			kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
			writeKubeconfig(t, kubeconfig, srv.URL)
			p := proctest.New(t, Factory, func(c *Config) {
				c.KubeConfig, c.Labels, c.WaitForSync = kubeconfig, []string{"team"}, time.Minute
			}).(*Processor)
			t.Cleanup(func() {
				if err := p.Close(context.Background()); err != nil {
					t.Error(err)
				}
			})

			byUID := func(k string) string {
				return proctest.Str(proctest.One(t, p, line("kubernetes.pod.uid", "uid-1")), k)
			}
			for k, want := range map[string]string{"kubernetes.deployment.name": "vllm", "kubernetes.labels.team": "ml",
				"kubernetes.node.gpu.product": "NVIDIA-H100-80GB-HBM3", "kubernetes.pod.ip": "10.0.0.1"} {
				if got := byUID(k); got != want {
					t.Errorf("%s = %q after the first sync, want %q", k, got, want)
				}
			}
			pod := vllmPod("vllm-a", "uid-1", "10.0.0.1")
			pod.Labels["team"], pod.ResourceVersion = "serving", "11"
			api.podEvents <- fmt.Sprintf(`{"type":"MODIFIED","object":%s}`, encode(api.kinds["/api/v1/pods"].gvk, pod))
			eventually(t, "the label update", func() bool { return byUID("kubernetes.labels.team") == "serving" })
			api.podEvents <- fmt.Sprintf(`{"type":"DELETED","object":%s}`, encode(api.kinds["/api/v1/pods"].gvk, pod))
			eventually(t, "the deletion", func() bool {
				p.e.idx.mu.RLock()
				defer p.e.idx.mu.RUnlock()
				return len(p.e.idx.tombs) == 1
			})
			checkPodRequests(t, api, watchList)
		})
	}
}

// checkPodRequests checks the options the informer's requests carried, as the API server reads them.
func checkPodRequests(t *testing.T, api *apiServer, watchList bool) {
	t.Helper()
	reqs := api.podRequests()
	api.mu.Lock()
	first := api.requests[0]
	api.mu.Unlock()
	if ua := first.Header.Get("User-Agent"); ua != "sluice" {
		t.Errorf("User-Agent %q", ua)
	}
	if accept := first.Header.Get("Accept"); !strings.HasPrefix(accept, "application/vnd.kubernetes.protobuf") ||
		!strings.Contains(accept, "application/json") {
		t.Errorf("Accept %q: want protobuf first, JSON accepted", accept)
	}
	if q := reqs[0]; q.Get("watch") != "true" || q.Get("sendInitialEvents") != "true" ||
		q.Get("allowWatchBookmarks") != "true" || q.Get("resourceVersionMatch") != "NotOlderThan" {
		t.Errorf("first request %v: want a watch-list", q)
	}
	if watchList {
		return
	}
	if len(reqs) < 3 {
		t.Fatalf("requests %v: want watch-list, list, watch", reqs)
	}
	if q := reqs[1]; q.Get("watch") != "" || q.Get("limit") == "" {
		t.Errorf("second request %v: want a paged list", q)
	}
	if q := reqs[2]; q.Get("watch") != "true" || q.Get("resourceVersion") != "10" || q.Get("sendInitialEvents") != "" {
		t.Errorf("third request %v: want a watch from the list's resourceVersion", q)
	}
}

func writeKubeconfig(t *testing.T, path, server string) {
	t.Helper()
	cfg := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters: [{name: test, cluster: {server: %q}}]
users: [{name: test, user: {}}]
contexts: [{name: test, context: {cluster: test, user: test}}]
current-context: test
`, server)
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
}
