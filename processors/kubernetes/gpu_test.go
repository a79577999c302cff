package kubernetes

import (
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/sluice-dev/sluice/processors/internal/proctest"
)

func TestParseExposition(t *testing.T) {
	t.Parallel()
	cases := []struct {
		file  string
		want  int
		first gpuRow
	}{
		{"l40s-vllm-pod.prom", 1, gpuRow{uuid: "GPU-1c2b08c1-f602-d290-4519-863bc0c96079", pci: "0000:30:00", model: "NVIDIA L40S",
			hostname: "i-0e2c27f8b63f89296", namespace: "default", pod: "mistral-6cfb59d6cd-xbwgd"}},
		{"l40s-two-idle.prom", 2, gpuRow{uuid: "GPU-a8affe7e-7930-ae20-3fc6-4b0edf3ebbf3", pci: "0000:0d:00", model: "NVIDIA L40S", hostname: "ubuntu-sv16"}},
		{"h100-docker.prom", 1, gpuRow{uuid: "GPU-927d7444-b45a-7c49-8402-5e686e46a026", pci: "0000:00:09", model: "NVIDIA H100 80GB HBM3", hostname: "6d6d7dc3ce21"}},
		{"old-no-pci.prom", 1, gpuRow{uuid: "GPU-eeff7856-475a-2eb7-6408-48d023d9dd28", namespace: "default", pod: "tf-notebook"}},
	}
	for _, tc := range cases {
		f, err := os.Open("testdata/dcgm/" + tc.file)
		if err != nil {
			t.Fatal(err)
		}
		rows, bad, err := parseExposition(f)
		_ = f.Close()
		if err != nil || bad != 0 || len(rows) != tc.want {
			t.Fatalf("%s: %d rows, %d bad, %v", tc.file, len(rows), bad, err)
		}
		tc.first.index = 0
		if rows[0] != tc.first {
			t.Errorf("%s: got %+v\nwant %+v", tc.file, rows[0], tc.first)
		}
	}
}

func TestParseExpositionBadLines(t *testing.T) {
	t.Parallel()
	in := "garbage\nDCGM_FI_DEV_GPU_TEMP{gpu=\"0\",UUID=\"GPU-x\" 5\nDCGM_FI_DEV_GPU_TEMP{gpu=\"1\",UUID=\"unterminated} 5\n" +
		`DCGM_FI_DEV_GPU_TEMP{gpu="2",UUID="GPU-y",pod="a\"b\\c"} 40` + "\nup 1\n"
	rows, bad, err := parseExposition(strings.NewReader(in))
	if err != nil || bad != 3 || len(rows) != 1 || rows[0].pod != `a"b\c` || rows[0].index != 2 {
		t.Fatalf("rows %+v, bad %d, err %v", rows, bad, err)
	}
}

// serve answers /metrics with a testdata exposition and returns the server's host and port.
func serve(t *testing.T, file string) (string, int) {
	t.Helper()
	body, err := os.ReadFile("testdata/dcgm/" + file)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/metrics" {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	host, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://"))
	n, _ := strconv.Atoi(port)
	return host, n
}

// TestGPUToPodDiscovered finds the exporter through the pod cache, reads the exposition of an
// L40S node serving a vLLM pod, and ties a kernel Xid line (PCI bus id only) to that GPU and pod.
func TestGPUToPodDiscovered(t *testing.T) {
	t.Parallel()
	host, port := serve(t, "l40s-vllm-pod.prom")
	const node = "ip-10-0-1-5.ec2.internal"
	exporter := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "nvidia-dcgm-exporter-7kx2p", Namespace: "gpu-operator", UID: "uid-exp",
			Labels: map[string]string{"app": "nvidia-dcgm-exporter"}},
		Spec:   corev1.PodSpec{NodeName: node, Containers: []corev1.Container{{Name: "nvidia-dcgm-exporter"}}},
		Status: corev1.PodStatus{Phase: corev1.PodRunning, PodIP: host},
	}
	vllm := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "mistral-6cfb59d6cd-xbwgd", Namespace: "default", UID: "uid-mistral"},
		Spec:       corev1.PodSpec{NodeName: node, Containers: []corev1.Container{{Name: "vllm"}}},
	}
	p, _, _ := newTest(t, func(c *Config) { c.DCGM.Discover, c.DCGM.Port = true, port },
		gpuNode(node, "ip-10-0-1-5"), exporter, vllm)
	eventually(t, "the first scrape", func() bool { return p.e.gpus.Load().byUUID != nil })

	xid := proctest.One(t, p, line("host.hostname", "ip-10-0-1-5", "gpu.pci_bus_id", "0000:30:00", "gpu.xid.code", "79"))
	for k, want := range map[string]string{
		"kubernetes.node.name": node, "gpu.uuid": "GPU-1c2b08c1-f602-d290-4519-863bc0c96079",
		"gpu.model": "NVIDIA L40S", "gpu.index": "0", "gpu.pods": `["default/mistral-6cfb59d6cd-xbwgd"]`,
	} {
		if got := proctest.Str(xid, k); got != want {
			t.Errorf("xid: %s = %q, want %q", k, got, want)
		}
	}
	served := proctest.One(t, p, line("kubernetes.pod.uid", "uid-mistral"))
	if got := proctest.Str(served, "kubernetes.pod.gpu.uuids"); got != `["GPU-1c2b08c1-f602-d290-4519-863bc0c96079"]` {
		t.Errorf("vllm event: gpu uuids %q", got)
	}
	other := proctest.One(t, p, line("host.hostname", "ip-10-0-1-5", "gpu.pci_bus_id", "0000:b4:00"))
	if other.Has("gpu.uuid") || testutil.ToFloat64(p.e.m.gpuMiss) != 1 {
		t.Errorf("unknown bus id: uuid %q, misses %v", proctest.Str(other, "gpu.uuid"), testutil.ToFloat64(p.e.m.gpuMiss))
	}
}

// TestGPUToPodConfiguredURL reads an exporter by URL; its Hostname label names the node.
func TestGPUToPodConfiguredURL(t *testing.T) {
	t.Parallel()
	host, port := serve(t, "l40s-two-idle.prom")
	url := "http://" + net.JoinHostPort(host, strconv.Itoa(port)) + "/metrics"
	p, _, _ := newTest(t, func(c *Config) { c.DCGM.URLs = []string{url} }, gpuNode("ubuntu-sv16", "ubuntu-sv16"))
	eventually(t, "the first scrape", func() bool { return p.e.gpus.Load().byUUID != nil })
	out := proctest.One(t, p, line("host.hostname", "ubuntu-sv16", "gpu.pci_bus_id", "0000:b4:00"))
	if got := proctest.Str(out, "gpu.uuid"); got != "GPU-72ad4d20-cfed-f08d-c894-f620962ca3e4" || out.Has("gpu.pods") {
		t.Errorf("gpu.uuid %q, pods %q", got, proctest.Str(out, "gpu.pods"))
	}
}

// FuzzParseExposition: no input makes the exposition reader panic, and every row it returns
// names a GPU.
func FuzzParseExposition(f *testing.F) {
	files, _ := os.ReadDir("testdata/dcgm")
	for _, e := range files {
		if data, err := os.ReadFile("testdata/dcgm/" + e.Name()); err == nil && strings.HasSuffix(e.Name(), ".prom") {
			f.Add(string(data))
		}
	}
	f.Add(`m{UUID="GPU-\"x\\",pod="p\n"} 1`)
	f.Fuzz(func(t *testing.T, in string) {
		rows, _, _ := parseExposition(strings.NewReader(in))
		for _, r := range rows {
			if r.uuid == "" {
				t.Fatalf("row without a UUID: %+v", r)
			}
		}
	})
}
