package k8spath

import (
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pipeline/event"
)

func TestParse(t *testing.T) {
	t.Parallel()
	id := "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9"
	tests := []struct {
		path string
		want Source
		ok   bool
	}{
		{"/var/log/containers/vllm-llama-7d9f-abcde_inference_vllm-" + id + ".log",
			Source{Pod: "vllm-llama-7d9f-abcde", Namespace: "inference", Container: "vllm", ContainerID: id}, true},
		{"/var/log/containers/dcgm-exporter-x1_gpu-operator_nvidia-dcgm-exporter-" + id + ".log",
			Source{Pod: "dcgm-exporter-x1", Namespace: "gpu-operator", Container: "nvidia-dcgm-exporter", ContainerID: id}, true},
		// rotated by the kubelet, or copied with a number: still that container's lines
		{"/var/log/pods/inference_vllm-llama-7d9f-abcde_5f0c1e2a-1111-2222-3333-444455556666/vllm/0.log.20241017-120533",
			Source{Pod: "vllm-llama-7d9f-abcde", Namespace: "inference", Container: "vllm", PodUID: "5f0c1e2a-1111-2222-3333-444455556666"}, true},
		{"/var/log/containers/vllm-llama-7d9f-abcde_inference_vllm-" + id + ".log.1",
			Source{Pod: "vllm-llama-7d9f-abcde", Namespace: "inference", Container: "vllm", ContainerID: id}, true},
		{"/var/log/pods/inference_vllm-llama-7d9f-abcde_5f0c1e2a-1111-2222-3333-444455556666/vllm/0.log.20241017-120533.gz", Source{Namespace: "inference", Pod: "vllm-llama-7d9f-abcde", PodUID: "5f0c1e2a-1111-2222-3333-444455556666", Container: "vllm"}, true},
		{"/var/log/pods/inference_vllm-llama-7d9f-abcde_5f0c1e2a-1111-2222-3333-444455556666/vllm/0.gz", Source{}, false},
		{"/var/log/pods/inference_vllm-llama-7d9f-abcde_5f0c1e2a-1111-2222-3333-444455556666/vllm/0.log",
			Source{Pod: "vllm-llama-7d9f-abcde", Namespace: "inference", Container: "vllm", PodUID: "5f0c1e2a-1111-2222-3333-444455556666"}, true},
		{"/host/var/log/pods/ns_pod_uid/c/3.log", Source{Pod: "pod", Namespace: "ns", Container: "c", PodUID: "uid"}, true},
		{"/var/log/containers/not-a-container-log.log", Source{}, false},
		{"/var/log/containers/pod_ns_container-NOTHEX.log", Source{}, false},
		{"/var/log/pods/ns_pod_uid/c/sub/0.log", Source{}, false},
		{"/var/log/syslog", Source{}, false},
		{"configs/samples/vllm-0_inference_vllm-" + id + ".log",
			Source{Pod: "vllm-0", Namespace: "inference", Container: "vllm", ContainerID: id}, true},
		{"/tmp/a_b_c-0123abcd.log", Source{}, false},
		// Docker's json-file: the id twice, or it is not the driver's file
		{"/var/lib/docker/containers/" + id + "/" + id + "-json.log", Source{ContainerID: id}, true},
		{"/var/lib/docker/containers/" + id + "/" + id + "-json.log.1", Source{ContainerID: id}, true},
		{"/var/lib/docker/containers/" + id[1:] + "0/" + id + "-json.log", Source{}, false},
		{id + "/" + id + "-json.log", Source{}, false},
		{"/x/" + id + "-json.log", Source{}, false},
		{"/var/lib/containers/storage/overlay-containers/" + id + "/userdata/ctr.log", Source{ContainerID: id}, true},
		{"/home/u/.local/share/containers/storage/overlay-containers/" + id + "/userdata/ctr.log", Source{ContainerID: id}, true},
		{"/var/lib/containers/storage/overlay-containers/" + id[1:] + "/userdata/ctr.log", Source{}, false},
		{"/var/lib/containers/storage/overlay/" + id + "/userdata/ctr.log", Source{}, false},
		{"/overlay-containers/" + id + "/ctr.log", Source{}, false},
		{"", Source{}, false},
	}
	for _, tc := range tests {
		got, ok := Parse(tc.path)
		if ok != tc.ok || got != tc.want {
			t.Errorf("Parse(%q) = %+v, %v; want %+v, %v", tc.path, got, ok, tc.want, tc.ok)
		}
	}
}

func TestApplyKeepsUpstreamFields(t *testing.T) {
	t.Parallel()
	ev := event.NewMessage("x", time.Time{})
	ev.SetString(event.FieldLogFilePath, "/var/log/pods/inference_vllm-0_uid-1/vllm/0.log")
	ev.SetString(event.FieldK8sPodName, "from-filebeat")
	if !Apply(ev) {
		t.Fatal("Apply = false")
	}
	if v, _ := ev.GetString(event.FieldK8sPodName); v != "from-filebeat" {
		t.Errorf("pod overwritten: %q", v)
	}
	if v, _ := ev.GetString(event.FieldK8sContainer); v != "vllm" {
		t.Errorf("container = %q", v)
	}
	if v, _ := ev.GetString(event.FieldK8sNamespace); v != "inference" {
		t.Errorf("namespace = %q", v)
	}
}

func FuzzParse(f *testing.F) {
	f.Add("/var/log/containers/a_b_c-0123abcd.log")
	f.Add("/var/log/pods/ns_pod_uid/c/0.log")
	f.Fuzz(func(t *testing.T, path string) {
		s, ok := Parse(path)
		if !ok && s != (Source{}) {
			t.Fatalf("not ok but %+v", s)
		}
	})
}

// TestDockerProgram: a Docker container outside Kubernetes is known by its image's repository
// (the names audited Docker hosts gave them: a compose project's, Docker's own), else its name.
func TestDockerProgram(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ name, image, want string }{
		{"ollama-webui-webui-1", "ghcr.io/ollama-webui/ollama-webui:main", "ollama-webui"},
		{"litellm_litellm_1", "ghcr.io/berriai/litellm-database:main-v1.21.0", "litellm-database"},
		{"nervous_tesla", "nvcr.io/nim/meta/llama-3.1-8b-instruct:1.1.2", "nim-llm"},
		{"ollama2", "ollama/ollama", "ollama"},
		{"vllm", "vllm/vllm-openai@sha256:0123abcd", "vllm-openai"},
		{"my-server", "", "my-server"},
	} {
		ev := event.New()
		ev.SetString(FieldName, c.name)
		if c.image != "" {
			ev.SetString(FieldImage, c.image)
		}
		if got := DockerProgram(ev); got != c.want {
			t.Errorf("%s (%s): %q, want %q", c.name, c.image, got, c.want)
		}
	}
}
