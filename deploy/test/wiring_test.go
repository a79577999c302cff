package deploytest

import (
	"os"
	"path"
	"regexp"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

func unmarshalYAMLFile(t *testing.T, file string, v any) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
}

// find returns the object kind/name of an overlay.
func find(t *testing.T, objs []object, kind, name string) any {
	t.Helper()
	for _, o := range objs {
		if o.Kind == kind && o.Name == name {
			return o.Obj
		}
	}
	t.Fatalf("%s/%s not rendered", kind, name)
	return nil
}

// container returns a pod's container by name.
func container(t *testing.T, spec *corev1.PodSpec, name string) *corev1.Container {
	t.Helper()
	for i := range spec.Containers {
		if spec.Containers[i].Name == name {
			return &spec.Containers[i]
		}
	}
	t.Fatalf("no container %s", name)
	return nil
}

// mountedFile returns the content of file as the container sees it, when a ConfigMap volume
// provides it.
func mountedFile(t *testing.T, objs []object, spec *corev1.PodSpec, c *corev1.Container, file string) string {
	t.Helper()
	m, v := mountOf(spec, c, file)
	if m == nil || v.ConfigMap == nil {
		t.Fatalf("%s: no ConfigMap mounted there", file)
	}
	cm := find(t, objs, "ConfigMap", v.ConfigMap.Name).(*corev1.ConfigMap)
	return cm.Data[strings.TrimPrefix(strings.TrimPrefix(file, m.MountPath), "/")]
}

// mountOf returns the mount (and its volume) whose path holds file: the deepest one.
func mountOf(spec *corev1.PodSpec, c *corev1.Container, file string) (*corev1.VolumeMount, *corev1.Volume) {
	var best *corev1.VolumeMount
	for i, m := range c.VolumeMounts {
		p := path.Clean(m.MountPath)
		if (file == p || strings.HasPrefix(file, p+"/")) && (best == nil || len(p) > len(best.MountPath)) {
			best = &c.VolumeMounts[i]
		}
	}
	if best == nil {
		return nil, nil
	}
	for i := range spec.Volumes {
		if spec.Volumes[i].Name == best.Name {
			return best, &spec.Volumes[i]
		}
	}
	return best, nil
}

var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(:-?[^}]*)?\}`)

// expand resolves ${VAR} and ${VAR:-default} with the container's literal environment.
func expand(s string, c *corev1.Container) string {
	return envRef.ReplaceAllStringFunc(s, func(ref string) string {
		m := envRef.FindStringSubmatch(ref)
		for _, e := range c.Env {
			if e.Name == m[1] {
				return e.Value
			}
		}
		return strings.TrimPrefix(strings.TrimPrefix(m[2], ":"), "-")
	})
}

// checkVarsSet: every ${VAR} without a default in a config file is set in the container, else
// the program refuses the file at start.
func checkVarsSet(t *testing.T, where, config string, c *corev1.Container) {
	t.Helper()
	set := map[string]bool{}
	for _, e := range c.Env {
		set[e.Name] = true
	}
	for _, line := range strings.Split(config, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		for _, m := range envRef.FindAllStringSubmatch(line, -1) {
			if m[2] == "" && !set[m[1]] {
				t.Errorf("%s: the config needs ${%s}, which the container does not set", where, m[1])
			}
		}
	}
}

// sluiceConfig is the part of sluice's config the wiring checks read.
type sluiceConfig struct {
	Inputs     map[string]map[string]any `json:"inputs"`
	Outputs    map[string]map[string]any `json:"outputs"`
	DeadLetter struct {
		Path string `json:"path"`
	} `json:"dead_letter"`
}

// sluice's pod as deployed: read-only root, uid 65532, the dead letter on a writable volume,
// Elasticsearch over https with the CA mounted from the Secret, a memory limit sluice's soft
// memory limit is taken from (no GOMEMLIMIT overriding it), and
// every variable its config needs set. Each of these made the pod fail before.
func TestSluiceDeploymentWiring(t *testing.T) {
	t.Parallel()
	for o, objs := range render(t) {
		d := find(t, objs, "Deployment", "sluice").(*appsv1.Deployment)
		job := find(t, objs, "Job", "sluice-setup").(*batchv1.Job)
		for _, pod := range []struct {
			where string
			spec  *corev1.PodSpec
			name  string
		}{{o + ": sluice", &d.Spec.Template.Spec, "sluice"}, {o + ": sluice-setup", &job.Spec.Template.Spec, "setup"}} {
			c := container(t, pod.spec, pod.name)
			config := mountedFile(t, objs, pod.spec, c, "/etc/sluice/sluice.yaml")
			checkVarsSet(t, pod.where, config, c)
			var cfg sluiceConfig
			if err := yaml.Unmarshal([]byte(config), &cfg); err != nil {
				t.Fatalf("%s: sluice.yaml: %v", pod.where, err)
			}
			checkNonRoot(t, pod.where, pod.spec, c)
			checkElasticsearchTLS(t, pod.where, objs, pod.spec, c, cfg)
			if pod.name == "sluice" {
				checkDeadLetter(t, pod.where, pod.spec, c, cfg.DeadLetter.Path)
				checkMemLimit(t, pod.where, c)
			}
		}
	}
}

func checkNonRoot(t *testing.T, where string, spec *corev1.PodSpec, c *corev1.Container) {
	t.Helper()
	sc, psc := c.SecurityContext, spec.SecurityContext
	if sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
		t.Errorf("%s: root filesystem not read-only", where)
	}
	if psc == nil || psc.RunAsUser == nil || *psc.RunAsUser != 65532 || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot {
		t.Errorf("%s: not run as non-root uid 65532 (the image's user)", where)
	}
}

func checkDeadLetter(t *testing.T, where string, spec *corev1.PodSpec, c *corev1.Container, dir string) {
	t.Helper()
	dir = path.Clean(expand(dir, c))
	if !path.IsAbs(dir) {
		dir = path.Join(c.WorkingDir, dir)
	}
	m, v := mountOf(spec, c, dir)
	switch {
	case m == nil:
		t.Errorf("%s: dead_letter.path %s is on the read-only root filesystem", where, dir)
	case m.ReadOnly || v == nil || (v.EmptyDir == nil && v.PersistentVolumeClaim == nil):
		t.Errorf("%s: dead_letter.path %s is on volume %s, which is not writable", where, dir, m.Name)
	}
}

func checkMemLimit(t *testing.T, where string, c *corev1.Container) {
	t.Helper()
	if c.Resources.Limits.Memory().IsZero() {
		t.Errorf("%s: no memory limit", where)
	}
	// runtime.memory_limit (auto) takes 90 % of the cgroup limit; GOMEMLIMIT would win over it,
	// and a resourceFieldRef can only give the whole limit, where the kernel kills.
	for _, e := range c.Env {
		if e.Name == "GOMEMLIMIT" {
			t.Errorf("%s: GOMEMLIMIT is set; leave the soft limit to runtime.memory_limit: auto", where)
		}
	}
}

// checkElasticsearchTLS: an https cluster needs the CA, as a file the pod has.
func checkElasticsearchTLS(t *testing.T, where string, objs []object, spec *corev1.PodSpec, c *corev1.Container, cfg sluiceConfig) {
	t.Helper()
	for id, out := range cfg.Outputs {
		if !strings.HasPrefix(id, "elasticsearch") {
			continue
		}
		hosts, _ := out["hosts"].([]any)
		https := false
		for _, h := range hosts {
			https = https || strings.HasPrefix(expand(h.(string), c), "https://")
		}
		if !https {
			t.Errorf("%s: outputs.%s: not https (the cluster serves only https)", where, id)
			continue
		}
		tls, _ := out["tls"].(map[string]any)
		ca, _ := tls["ca_file"].(string)
		ca = expand(ca, c)
		if ca == "" {
			t.Errorf("%s: outputs.%s: https without tls.ca_file", where, id)
			continue
		}
		m, v := mountOf(spec, c, ca)
		if m == nil || v == nil || v.Secret == nil {
			t.Errorf("%s: outputs.%s: tls.ca_file %s is not mounted from a Secret", where, id, ca)
			continue
		}
		file := strings.TrimPrefix(ca, path.Clean(m.MountPath)+"/")
		found := len(v.Secret.Items) == 0 // the whole Secret: the key was checked to exist
		for _, it := range v.Secret.Items {
			found = found || it.Path == file
		}
		if !found {
			t.Errorf("%s: outputs.%s: %s is not among the Secret's mounted items", where, id, ca)
		}
	}
}
