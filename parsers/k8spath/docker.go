package k8spath

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// DockerContainer is what a Docker container's config.v2.json says of it: the name Docker gave
// it, its image, and the pod, namespace and container of the kubelet's labels when the
// kubelet started it through dockershim.
type DockerContainer struct {
	Name, Image               string
	Pod, Namespace, Container string
}

// dockerConfigMax bounds the config file read: a container's config is a few KB.
const dockerConfigMax = 1 << 20

// ReadDockerConfig reads the config.v2.json beside a json-file log of Docker's own layout
// (/var/lib/docker/containers/<id>/<id>-json.log, or a rotation of it); ok is false for any
// other path, or when the file is missing or unreadable.
func ReadDockerConfig(logPath string) (c DockerContainer, ok bool) {
	src, isLayout := Parse(logPath)
	if !isLayout || src.ContainerID == "" || src.Pod != "" {
		return c, false
	}
	name := filepath.Join(filepath.Dir(logPath), "config.v2.json")
	if st, err := os.Stat(name); err != nil || st.Size() > dockerConfigMax {
		return c, false
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return c, false
	}
	var cfg struct {
		Name   string
		Config struct {
			Image  string
			Labels map[string]string
		}
	}
	if json.Unmarshal(data, &cfg) != nil {
		return c, false
	}
	c.Name = strings.TrimPrefix(cfg.Name, "/")
	c.Image = cfg.Config.Image
	c.Pod = cfg.Config.Labels["io.kubernetes.pod.name"]
	c.Namespace = cfg.Config.Labels["io.kubernetes.pod.namespace"]
	c.Container = cfg.Config.Labels["io.kubernetes.container.name"]
	return c, c.Name != "" || c.Image != ""
}

// Set gives an event the container's name and image, and the kubelet's pod, namespace and
// container when its labels name them, as Filebeat's add_docker_metadata would.
func (c DockerContainer) Set(ev *event.Event) {
	if c.Name != "" {
		ev.SetString(FieldName, c.Name)
	}
	if c.Image != "" {
		ev.SetString(FieldImage, c.Image)
	}
	if c.Pod != "" && c.Container != "" {
		ev.SetString(event.FieldK8sPodName, c.Pod)
		ev.SetString(event.FieldK8sContainer, c.Container)
		if c.Namespace != "" {
			ev.SetString(event.FieldK8sNamespace, c.Namespace)
		}
	}
}

// DockerProgram returns what names a Docker container's program outside Kubernetes: its image's
// repository without registry, path and tag ("ghcr.io/open-webui/open-webui:main" is
// "open-webui", "ollama/ollama" "ollama", "vllm/vllm-openai:v0.9.1" "vllm-openai"; NVIDIA NIM's
// images under nvcr.io/nim/ are "nim-llm", its Helm chart's container), else its name. A
// compose project's or Docker's own name ("ollama-ollama-1", "nervous_tesla") says less than
// the image it runs.
func DockerProgram(ev *event.Event) string {
	if img, ok := ev.GetString(FieldImage); ok && img != "" {
		if strings.HasPrefix(img, "nvcr.io/nim/") {
			return "nim-llm"
		}
		if at := strings.IndexByte(img, '@'); at >= 0 {
			img = img[:at] // a digest
		}
		repo := img[strings.LastIndexByte(img, '/')+1:]
		if colon := strings.IndexByte(repo, ':'); colon >= 0 {
			repo = repo[:colon]
		}
		if repo != "" {
			return repo
		}
	}
	name, _ := ev.GetString(FieldName)
	return withoutReplica(name)
}

// DockerName returns the name of the Docker container outside Kubernetes that wrote the event
// (Filebeat's add_docker_metadata, `sluice parse` from its config.v2.json), without a Compose
// replica's number; "" when it has none. DockerProgram prefers the image, which names the
// program; the name is what its operator chose (`docker run --name nvidia-driver`).
func DockerName(ev *event.Event) string {
	name, _ := ev.GetString(FieldName)
	return withoutReplica(strings.TrimPrefix(name, "/"))
}

// withoutReplica returns a Compose container's name without its replica's number
// ("litellm-1", "open-webui-2", Compose v1's "stack_litellm_1"): the service's, which names the
// program.
func withoutReplica(name string) string {
	i := len(name)
	for i > 0 && name[i-1] >= '0' && name[i-1] <= '9' {
		i--
	}
	if i < len(name) && i > 1 && (name[i-1] == '-' || name[i-1] == '_') {
		return name[:i-1]
	}
	return name
}
