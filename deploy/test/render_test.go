package deploytest

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	sigsjson "sigs.k8s.io/json"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

// overlays are the directories `kubectl apply -k` is pointed at.
var overlays = []string{"dev", "production", "kafka"}

// newObject returns the typed object a kind decodes into. A kind missing here fails the test:
// add it, so that it is checked like the others.
func newObject(apiVersion, kind string) (any, error) {
	switch apiVersion + "/" + kind {
	case "v1/Namespace":
		return &corev1.Namespace{}, nil
	case "v1/ConfigMap":
		return &corev1.ConfigMap{}, nil
	case "v1/Secret":
		return &corev1.Secret{}, nil
	case "v1/Service":
		return &corev1.Service{}, nil
	case "v1/ServiceAccount":
		return &corev1.ServiceAccount{}, nil
	case "v1/PersistentVolumeClaim":
		return &corev1.PersistentVolumeClaim{}, nil
	case "apps/v1/Deployment":
		return &appsv1.Deployment{}, nil
	case "apps/v1/StatefulSet":
		return &appsv1.StatefulSet{}, nil
	case "apps/v1/DaemonSet":
		return &appsv1.DaemonSet{}, nil
	case "batch/v1/Job":
		return &batchv1.Job{}, nil
	case "batch/v1/CronJob":
		return &batchv1.CronJob{}, nil
	case "policy/v1/PodDisruptionBudget":
		return &policyv1.PodDisruptionBudget{}, nil
	case "autoscaling/v2/HorizontalPodAutoscaler":
		return &autoscalingv2.HorizontalPodAutoscaler{}, nil
	case "rbac.authorization.k8s.io/v1/ClusterRole":
		return &rbacv1.ClusterRole{}, nil
	case "rbac.authorization.k8s.io/v1/ClusterRoleBinding":
		return &rbacv1.ClusterRoleBinding{}, nil
	case "rbac.authorization.k8s.io/v1/Role":
		return &rbacv1.Role{}, nil
	case "rbac.authorization.k8s.io/v1/RoleBinding":
		return &rbacv1.RoleBinding{}, nil
	}
	return nil, fmt.Errorf("%s %s: kind not known to the deploy checks", apiVersion, kind)
}

// object is one rendered resource, decoded.
type object struct {
	Kind, Name, Namespace string
	Obj                   any
	JSON                  []byte // as kustomize rendered it, for an API server
}

func (o object) String() string { return o.Kind + "/" + o.Name }

var (
	renderOnce sync.Once
	rendered   map[string][]object
	renderErr  error
)

// render returns every overlay's objects, rendered once for all tests.
func render(t *testing.T) map[string][]object {
	t.Helper()
	renderOnce.Do(func() {
		rendered = map[string][]object{}
		for _, o := range overlays {
			objs, err := renderOverlay("../overlays/" + o)
			if err != nil {
				renderErr = fmt.Errorf("overlay %s: %w", o, err)
				return
			}
			rendered[o] = objs
		}
	})
	if renderErr != nil {
		t.Fatal(renderErr)
	}
	return rendered
}

// renderOverlay runs kustomize as `kubectl apply -k` does and decodes each object strictly: an
// unknown or duplicated field is an error, as the API server's strict field validation makes it.
func renderOverlay(dir string) ([]object, error) {
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	resMap, err := k.Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		return nil, err
	}
	var objs []object
	var errs []string
	for _, r := range resMap.Resources() {
		id := r.GetKind() + "/" + r.GetName()
		y, err := r.AsYAML()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", id, err)
		}
		j, err := yaml.YAMLToJSON(y)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", id, err)
		}
		obj, err := newObject(r.GetApiVersion(), r.GetKind())
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		strict, err := sigsjson.UnmarshalStrict(j, obj, sigsjson.DisallowDuplicateFields, sigsjson.DisallowUnknownFields)
		for _, e := range append(strict, err) {
			if e != nil {
				errs = append(errs, fmt.Sprintf("%s: %v", id, e))
			}
		}
		objs = append(objs, object{Kind: r.GetKind(), Name: r.GetName(), Namespace: r.GetNamespace(), Obj: obj, JSON: j})
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return objs, nil
}

// Every overlay renders and every object decodes strictly into its type.
func TestOverlaysRenderStrictly(t *testing.T) {
	t.Parallel()
	for o, objs := range render(t) {
		if len(objs) < 20 {
			t.Errorf("overlay %s: only %d objects", o, len(objs))
		}
	}
}

// Names, namespaces, labels and port names follow the API server's rules, and every namespaced
// object lands in llm-observability.
func TestObjectsAreValid(t *testing.T) {
	t.Parallel()
	for o, objs := range render(t) {
		for _, obj := range objs {
			for _, msg := range validation.IsDNS1123Subdomain(obj.Name) {
				t.Errorf("%s: %s: name: %s", o, obj, msg)
			}
			if clusterScoped(obj.Kind) != (obj.Namespace == "") {
				t.Errorf("%s: %s: namespace %q", o, obj, obj.Namespace)
			} else if obj.Namespace != "" && obj.Namespace != "llm-observability" {
				t.Errorf("%s: %s: namespace %q, want llm-observability", o, obj, obj.Namespace)
			}
			for _, p := range podSpecs(obj) {
				checkPodSpec(t, o+": "+obj.String(), p.spec)
			}
		}
	}
}

func clusterScoped(kind string) bool {
	return kind == "Namespace" || kind == "ClusterRole" || kind == "ClusterRoleBinding"
}

// checkPodSpec applies the API server's checks that decoding cannot: port names, unique
// container, volume and port names, the named ports of probes.
func checkPodSpec(t *testing.T, where string, spec *corev1.PodSpec) {
	t.Helper()
	vols := map[string]bool{}
	for _, v := range spec.Volumes {
		if vols[v.Name] {
			t.Errorf("%s: volume %q twice", where, v.Name)
		}
		vols[v.Name] = true
	}
	for _, c := range allContainers(spec) {
		ports := map[string]bool{}
		for _, p := range c.Ports {
			if p.Name == "" {
				continue
			}
			for _, msg := range validation.IsValidPortName(p.Name) {
				t.Errorf("%s: container %s: port %q: %s", where, c.Name, p.Name, msg)
			}
			if ports[p.Name] {
				t.Errorf("%s: container %s: port %q twice", where, c.Name, p.Name)
			}
			ports[p.Name] = true
		}
		for _, pr := range []*corev1.Probe{c.ReadinessProbe, c.LivenessProbe, c.StartupProbe} {
			if port := probePort(pr); port != "" && !ports[port] {
				t.Errorf("%s: container %s: probe uses port %q, which it does not declare", where, c.Name, port)
			}
		}
		if c.Image == "" {
			t.Errorf("%s: container %s: no image", where, c.Name)
		}
	}
}

// probePort is the named port a probe uses, or "".
func probePort(p *corev1.Probe) string {
	switch {
	case p == nil:
		return ""
	case p.HTTPGet != nil && p.HTTPGet.Port.StrVal != "":
		return p.HTTPGet.Port.StrVal
	case p.TCPSocket != nil && p.TCPSocket.Port.StrVal != "":
		return p.TCPSocket.Port.StrVal
	}
	return ""
}

func allContainers(spec *corev1.PodSpec) []corev1.Container {
	return append(append([]corev1.Container{}, spec.InitContainers...), spec.Containers...)
}
