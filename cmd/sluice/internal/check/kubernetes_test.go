package check

import (
	"encoding/base64"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

// fakeAPIServer stands in for a Kubernetes API server (none runs here): it serves the recorded
// lists of testdata/kubernetes for the selectors the checks send, and 403 without the token.
func fakeAPIServer(t *testing.T) *httptest.Server {
	t.Helper()
	file := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", "kubernetes", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/namespaces/llm/pods", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		switch {
		case q.Get("fieldSelector") == "status.phase=Pending":
			_, _ = w.Write(file("pods-pending.json"))
		case q.Get("labelSelector") == "app=vllm":
			_, _ = w.Write(file("pods-vllm.json"))
		default:
			_, _ = w.Write([]byte(`{"kind":"PodList","apiVersion":"v1","metadata":{},"items":[]}`))
		}
	})
	mux.HandleFunc("GET /api/v1/namespaces/quiet/pods", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"kind":"PodList","apiVersion":"v1","metadata":{},"items":[]}`))
	})
	mux.HandleFunc("GET /api/v1/nodes", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("labelSelector") != "nvidia.com/gpu.present=true" {
			_, _ = w.Write([]byte(`{"kind":"NodeList","apiVersion":"v1","metadata":{},"items":[]}`))
			return
		}
		_, _ = w.Write(file("nodes-gpu.json"))
	})
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer sa-token" {
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write([]byte(`{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"nodes is forbidden: User \"system:serviceaccount:llm:default\" cannot list resource \"nodes\" in API group \"\" at the cluster scope","reason":"Forbidden","details":{"kind":"nodes"},"code":403}`))
			return
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestKubernetes(t *testing.T) {
	t.Parallel()
	srv := fakeAPIServer(t)
	dir := t.TempDir()
	ca, token, bad := filepath.Join(dir, "ca.crt"), filepath.Join(dir, "token"), filepath.Join(dir, "bad-token")
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	for f, b := range map[string][]byte{ca: caPEM, token: []byte("sa-token\n"), bad: []byte("other")} {
		if err := os.WriteFile(f, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	api := "api_server: '" + srv.URL + "', ca_file: '" + ca + "', token_file: '" + token + "', "
	cases := []struct {
		settings string
		status   Status
		detail   string
	}{
		{"probe: pods_ready, namespace: llm, selector: app=vllm", Passed, "1 of 2 pod(s) ready in llm (app=vllm)"},
		{"probe: pods_ready, namespace: llm, selector: app=vllm, all_ready: true", Failed,
			"vllm-llama-7c9d8f6b5-q8z7m (vllm: CrashLoopBackOff)"},
		{"probe: pods_ready, namespace: llm, selector: app=vllm, min_ready: 2", Failed, "1 of 2 pod(s) ready"},
		{"probe: gpu_allocatable, node_selector: nvidia.com/gpu.present=true, min_allocatable: 14", Passed,
			"14 nvidia.com/gpu allocatable on 2 node(s) (gpu-node-1=8, gpu-node-2=6)"},
		{"probe: gpu_allocatable, node_selector: nvidia.com/gpu.present=true, min_allocatable: 16", Failed, "14 nvidia.com/gpu allocatable"},
		{"probe: gpu_allocatable, node_selector: nvidia.com/gpu.present=false, min_allocatable: 1", Failed, `no node matches "nvidia.com/gpu.present=false"`},
		{"probe: node_labels, node_selector: nvidia.com/gpu.present=true, labels: [{name: nvidia.com/gpu.product, value: NVIDIA-H100-80GB-HBM3}, {name: nvidia.com/cuda.driver.major}]",
			Passed, "2 node(s): nvidia.com/gpu.product=NVIDIA-H100-80GB-HBM3, nvidia.com/cuda.driver.major=550"},
		{"probe: node_labels, node_selector: nvidia.com/gpu.present=true, labels: [{name: nvidia.com/mig.strategy}]",
			Failed, "node gpu-node-2 has no label nvidia.com/mig.strategy"},
		{"probe: pending, namespace: llm", Failed,
			"1 pending pod(s) in llm, want at most 0: vllm-llama-70b-0: 0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient nvidia.com/gpu."},
		{"probe: pending, namespace: quiet", Passed, "0 pending pod(s) in quiet"},
	}
	for _, c := range cases {
		t.Run(c.settings, func(t *testing.T) {
			t.Parallel()
			want(t, run(t, "  - {name: k8s, kind: kubernetes, "+api+c.settings+"}\n"), c.status, c.detail)
		})
	}
	forbidden := "api_server: '" + srv.URL + "', ca_file: '" + ca + "', token_file: '" + bad + "', "
	want(t, run(t, "  - {name: k8s, kind: kubernetes, "+forbidden+"probe: gpu_allocatable, min_allocatable: 1}\n"), Failed,
		`status 403: nodes is forbidden: User "system:serviceaccount:llm:default" cannot list resource "nodes"`)

	// The same server through a kubeconfig with inline data, as kubectl writes it.
	kc := filepath.Join(dir, "kubeconfig")
	body := "apiVersion: v1\nkind: Config\ncurrent-context: gpu\n" +
		"clusters:\n- name: gpu-cluster\n  cluster:\n    server: " + srv.URL + "\n    certificate-authority-data: " + base64.StdEncoding.EncodeToString(caPEM) + "\n" +
		"users:\n- name: checker\n  user:\n    token: sa-token\n" +
		"contexts:\n- name: gpu\n  context:\n    cluster: gpu-cluster\n    user: checker\n"
	if err := os.WriteFile(kc, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	want(t, run(t, "  - {name: k8s, kind: kubernetes, kubeconfig: '"+kc+"', probe: pending, namespace: quiet}\n"), Passed, "0 pending")
}

// Outside a pod and without a kubeconfig the check cannot run here: SKIPPED, not FAILED.
func TestKubernetesOutsideCluster(t *testing.T) {
	if os.Getenv("KUBERNETES_SERVICE_HOST") != "" {
		t.Skip("running in a pod")
	}
	t.Parallel()
	want(t, run(t, "  - {name: k8s, kind: kubernetes, probe: pending}\n"), Skipped, "not in a Kubernetes pod")
}
