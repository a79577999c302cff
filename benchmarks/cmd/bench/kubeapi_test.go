package main

import (
	"context"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/benchmarks/corpus"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
	"github.com/sluice-dev/sluice/processors/kubernetes"
)

// TestKubeAPIServesTheCorpus runs the kubernetes processor, configured as the cluster scenario
// configures it, against the harness's API server: the informers must sync, and an event of
// each corpus container, as the load generator names it, must find its pod, workload and node.
func TestKubeAPIServesTheCorpus(t *testing.T) {
	kubeconfig, srv, err := startKubeAPI(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	cfg := kubernetes.NewConfig()
	cfg.KubeConfig, cfg.WaitForSync = kubeconfig, time.Minute
	cfg.Labels, cfg.GPUResources = []string{"app.kubernetes.io/*"}, []string{"nvidia.com/gpu"}
	p, err := kubernetes.Factory.Create(pipelinetest.Settings(t, "kubernetes"), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.(*kubernetes.Processor).Close(context.Background()); err != nil {
			t.Error(err)
		}
	})
	want := map[string]map[string]string{
		"vllm":                 {"kubernetes.deployment.name": "llama-70b", "kubernetes.pod.gpu.requests": "2"},
		"gpu-operator":         {"kubernetes.deployment.name": "gpu-operator"},
		"nvidia-driver-ctr":    {"kubernetes.daemonset.name": "nvidia-driver-daemonset"},
		"nvidia-dcgm-exporter": {"kubernetes.daemonset.name": "nvidia-dcgm-exporter"},
		"nvidia-device-plugin": {"kubernetes.daemonset.name": "nvidia-device-plugin-daemonset"},
	}
	for _, c := range corpus.Containers() {
		ev := event.New()
		ev.SetString("kubernetes.namespace", c.Namespace)
		ev.SetString("kubernetes.pod.name", c.Pod)
		ev.SetString("kubernetes.container.name", c.Name)
		ev.SetString("kubernetes.node.name", corpus.Node(3))
		b := event.NewBatch([]*event.Event{ev}, nil)
		if err := p.Process(context.Background(), b); err != nil {
			t.Fatal(err)
		}
		w := want[c.Name]
		if w == nil {
			t.Fatalf("container %s: no expectation", c.Name)
		}
		w["container.id"] = c.ID
		w["kubernetes.labels.app_kubernetes_io/part-of"] = "llm-serving"
		w["kubernetes.node.gpu.product"] = "NVIDIA-H100-80GB-HBM3"
		for k, v := range w {
			if got, _ := ev.GetString(k); got != v {
				t.Errorf("%s: %s = %q, want %q", c.Name, k, got, v)
			}
		}
	}
}
