package deploytest

import (
	"os"
	"regexp"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// podTemplate is the pod a workload runs, with the labels its pods carry.
type podTemplate struct {
	labels map[string]string
	spec   *corev1.PodSpec
	claims []string // a StatefulSet's volumeClaimTemplates, usable as volumes
}

// podSpecs returns the pod templates of a workload (none for other kinds).
func podSpecs(o object) []podTemplate {
	switch w := o.Obj.(type) {
	case *appsv1.Deployment:
		return []podTemplate{{w.Spec.Template.Labels, &w.Spec.Template.Spec, nil}}
	case *appsv1.DaemonSet:
		return []podTemplate{{w.Spec.Template.Labels, &w.Spec.Template.Spec, nil}}
	case *appsv1.StatefulSet:
		var claims []string
		for _, c := range w.Spec.VolumeClaimTemplates {
			claims = append(claims, c.Name)
		}
		return []podTemplate{{w.Spec.Template.Labels, &w.Spec.Template.Spec, claims}}
	case *batchv1.Job:
		return []podTemplate{{w.Spec.Template.Labels, &w.Spec.Template.Spec, nil}}
	case *batchv1.CronJob:
		return []podTemplate{{w.Spec.JobTemplate.Spec.Template.Labels, &w.Spec.JobTemplate.Spec.Template.Spec, nil}}
	}
	return nil
}

// inventory is what a rendered overlay holds, by kind and name; for ConfigMaps and Secrets the
// keys too. Secrets that deploy/secrets.sh creates count as present.
type inventory struct {
	keys    map[string]map[string]bool // "ConfigMap/x" or "Secret/x" -> keys
	names   map[string]bool            // "Kind/name"
	objects []object
}

var secretFlag = regexp.MustCompile(`create secret generic ([a-z0-9-]+)((?:\s*\\?\s*--from-(?:literal|file)=[A-Za-z0-9._-]+=\S+)+)`)
var secretKey = regexp.MustCompile(`--from-(?:literal|file)=([A-Za-z0-9._-]+)=`)

// externalSecrets reads the Secrets deploy/secrets.sh creates and their keys.
func externalSecrets(t *testing.T) map[string]map[string]bool {
	t.Helper()
	b, err := os.ReadFile("../secrets.sh")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]bool{}
	for _, m := range secretFlag.FindAllStringSubmatch(string(b), -1) {
		keys := map[string]bool{}
		for _, k := range secretKey.FindAllStringSubmatch(m[2], -1) {
			keys[k[1]] = true
		}
		out[m[1]] = keys
	}
	if len(out) < 4 {
		t.Fatalf("secrets.sh: found only %d secrets: has its form changed?", len(out))
	}
	return out
}

func newInventory(t *testing.T, objs []object) inventory {
	inv := inventory{keys: map[string]map[string]bool{}, names: map[string]bool{}, objects: objs}
	for name, keys := range externalSecrets(t) {
		inv.keys["Secret/"+name] = keys
		inv.names["Secret/"+name] = true
	}
	for _, o := range objs {
		inv.names[o.String()] = true
		if cm, ok := o.Obj.(*corev1.ConfigMap); ok {
			keys := map[string]bool{}
			for k := range cm.Data {
				keys[k] = true
			}
			for k := range cm.BinaryData {
				keys[k] = true
			}
			inv.keys[o.String()] = keys
		}
	}
	return inv
}

// keyRef checks that kind/name exists and has key (when key is set), unless optional.
func (inv inventory) keyRef(t *testing.T, where, kind, name, key string, optional *bool) {
	t.Helper()
	if optional != nil && *optional {
		return
	}
	keys, ok := inv.keys[kind+"/"+name]
	switch {
	case !ok:
		t.Errorf("%s: %s %q does not exist (not in the overlay, nor created by secrets.sh)", where, kind, name)
	case key != "" && !keys[key]:
		t.Errorf("%s: %s %q has no key %q", where, kind, name, key)
	}
}

// Every ConfigMap, Secret, key, volume, claim and service account a pod uses exists.
func TestPodReferencesExist(t *testing.T) {
	t.Parallel()
	for o, objs := range render(t) {
		inv := newInventory(t, objs)
		for _, obj := range objs {
			for _, p := range podSpecs(obj) {
				inv.checkPod(t, o+": "+obj.String(), p)
			}
		}
	}
}

func (inv inventory) checkPod(t *testing.T, where string, p podTemplate) {
	t.Helper()
	if sa := p.spec.ServiceAccountName; sa != "" && !inv.names["ServiceAccount/"+sa] {
		t.Errorf("%s: service account %q does not exist", where, sa)
	}
	vols := map[string]bool{}
	for _, c := range p.claims {
		vols[c] = true
	}
	for _, v := range p.spec.Volumes {
		vols[v.Name] = true
		switch {
		case v.ConfigMap != nil:
			for _, it := range v.ConfigMap.Items {
				inv.keyRef(t, where+": volume "+v.Name, "ConfigMap", v.ConfigMap.Name, it.Key, v.ConfigMap.Optional)
			}
			inv.keyRef(t, where+": volume "+v.Name, "ConfigMap", v.ConfigMap.Name, "", v.ConfigMap.Optional)
		case v.Secret != nil:
			for _, it := range v.Secret.Items {
				inv.keyRef(t, where+": volume "+v.Name, "Secret", v.Secret.SecretName, it.Key, v.Secret.Optional)
			}
			inv.keyRef(t, where+": volume "+v.Name, "Secret", v.Secret.SecretName, "", v.Secret.Optional)
		case v.PersistentVolumeClaim != nil:
			if !inv.names["PersistentVolumeClaim/"+v.PersistentVolumeClaim.ClaimName] {
				t.Errorf("%s: volume %s: claim %q does not exist", where, v.Name, v.PersistentVolumeClaim.ClaimName)
			}
		}
	}
	for _, c := range allContainers(p.spec) {
		cw := where + ": container " + c.Name
		for _, m := range c.VolumeMounts {
			if !vols[m.Name] {
				t.Errorf("%s: mounts volume %q, which the pod does not have", cw, m.Name)
			}
		}
		for _, e := range c.Env {
			inv.checkEnv(t, cw+": env "+e.Name, e, p.spec)
		}
	}
}

func (inv inventory) checkEnv(t *testing.T, where string, e corev1.EnvVar, spec *corev1.PodSpec) {
	t.Helper()
	if e.ValueFrom == nil {
		return
	}
	vf := e.ValueFrom
	if r := vf.SecretKeyRef; r != nil {
		inv.keyRef(t, where, "Secret", r.Name, r.Key, r.Optional)
	}
	if r := vf.ConfigMapKeyRef; r != nil {
		inv.keyRef(t, where, "ConfigMap", r.Name, r.Key, r.Optional)
	}
	if r := vf.ResourceFieldRef; r != nil && r.ContainerName != "" {
		found := false
		for _, c := range allContainers(spec) {
			found = found || c.Name == r.ContainerName
		}
		if !found {
			t.Errorf("%s: resourceFieldRef names container %q, which the pod does not have", where, r.ContainerName)
		}
	}
}

// Every Service, PodDisruptionBudget and workload selector selects the pods it is meant for;
// a Service's named target ports exist on them; HPAs and RBAC bindings point at what exists.
func TestSelectorsAndTargets(t *testing.T) {
	t.Parallel()
	for o, objs := range render(t) {
		inv := newInventory(t, objs)
		var pods []podTemplate
		for _, obj := range objs {
			pods = append(pods, podSpecs(obj)...)
			checkWorkloadSelector(t, o, obj)
		}
		for _, obj := range objs {
			where := o + ": " + obj.String()
			switch x := obj.Obj.(type) {
			case *corev1.Service:
				checkService(t, where, x, pods)
			case *policyv1.PodDisruptionBudget:
				if len(selected(t, where, x.Spec.Selector, pods)) == 0 {
					t.Errorf("%s: selects no pod", where)
				}
			case *autoscalingv2.HorizontalPodAutoscaler:
				if ref := x.Spec.ScaleTargetRef; !inv.names[ref.Kind+"/"+ref.Name] {
					t.Errorf("%s: scales %s/%s, which does not exist", where, ref.Kind, ref.Name)
				}
			case *rbacv1.ClusterRoleBinding:
				checkBinding(t, where, inv, x.RoleRef, x.Subjects)
			case *rbacv1.RoleBinding:
				checkBinding(t, where, inv, x.RoleRef, x.Subjects)
			}
		}
	}
}

// checkWorkloadSelector: the API server refuses a workload whose selector does not match its
// own template's labels.
func checkWorkloadSelector(t *testing.T, overlay string, obj object) {
	t.Helper()
	var sel *metav1.LabelSelector
	switch w := obj.Obj.(type) {
	case *appsv1.Deployment:
		sel = w.Spec.Selector
	case *appsv1.StatefulSet:
		sel = w.Spec.Selector
	case *appsv1.DaemonSet:
		sel = w.Spec.Selector
	default:
		return
	}
	if sel == nil {
		t.Errorf("%s: %s: no selector", overlay, obj)
		return
	}
	if len(selected(t, overlay+": "+obj.String(), sel, podSpecs(obj))) != 1 {
		t.Errorf("%s: %s: selector does not match the template's labels", overlay, obj)
	}
}

func selected(t *testing.T, where string, ls *metav1.LabelSelector, pods []podTemplate) []podTemplate {
	t.Helper()
	sel, err := metav1.LabelSelectorAsSelector(ls)
	if err != nil {
		t.Errorf("%s: selector: %v", where, err)
		return nil
	}
	var out []podTemplate
	for _, p := range pods {
		if !sel.Empty() && sel.Matches(labels.Set(p.labels)) {
			out = append(out, p)
		}
	}
	return out
}

func checkService(t *testing.T, where string, s *corev1.Service, pods []podTemplate) {
	t.Helper()
	match := selected(t, where, &metav1.LabelSelector{MatchLabels: s.Spec.Selector}, pods)
	if len(match) == 0 {
		t.Errorf("%s: selects no pod", where)
		return
	}
	for _, sp := range s.Spec.Ports {
		name := sp.TargetPort.StrVal
		if name == "" {
			continue
		}
		for _, p := range match {
			found := false
			for _, c := range p.spec.Containers {
				for _, cp := range c.Ports {
					found = found || cp.Name == name
				}
			}
			if !found {
				t.Errorf("%s: port %s targets %q, which a selected pod does not declare", where, sp.Name, name)
			}
		}
	}
}

func checkBinding(t *testing.T, where string, inv inventory, ref rbacv1.RoleRef, subjects []rbacv1.Subject) {
	t.Helper()
	if !inv.names[ref.Kind+"/"+ref.Name] {
		t.Errorf("%s: role %s/%s does not exist", where, ref.Kind, ref.Name)
	}
	for _, s := range subjects {
		if s.Kind != "ServiceAccount" {
			continue
		}
		if !inv.names["ServiceAccount/"+s.Name] || s.Namespace != "llm-observability" {
			t.Errorf("%s: subject %s/%s does not exist", where, s.Namespace, s.Name)
		}
	}
}
