// Package k8spath reads the Kubernetes pod, namespace and container out of the path of a
// container log file, so that lines shipped by a plain file input (no Kubernetes metadata
// attached) can still be routed and labelled by where they came from. It knows the two layouts
// the kubelet writes:
//
//	/var/log/containers/<pod>_<namespace>_<container>-<container-id>.log   (symlinks)
//	/var/log/pods/<namespace>_<pod>_<pod-uid>/<container>/<restart>.log    (real files)
//
// and Docker's own /var/lib/docker/containers/<id>/<id>-json.log and Podman's
// /var/lib/containers/storage/overlay-containers/<id>/userdata/ctr.log (its k8s-file driver,
// the default where journald is not), which give the container id alone.
package k8spath

import (
	"strings"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// Source is what a log path says about the container that wrote it. Empty fields are unknown.
type Source struct {
	Pod         string
	Namespace   string
	Container   string
	ContainerID string // only in the /var/log/containers, Docker and Podman layouts
	PodUID      string // only in the /var/log/pods layout
}

// FieldID is where Apply puts the container id. Apply's kubernetes.* names are the ECS/Filebeat
// ones (event.FieldK8s*), so that events look the same whether Filebeat's
// add_kubernetes_metadata ran or not.
const FieldID = "container.id"

// FieldName is a Docker container's name (without Docker's leading '/'), where Filebeat's
// add_docker_metadata puts it.
const FieldName = "container.name"

// FieldImage is a Docker container's image, where Filebeat's add_docker_metadata puts it.
const FieldImage = "container.image.name"

// Parse reads path. ok is false when the path is in neither layout. It does not touch the
// file system and accepts any prefix before the layout's directory (a host mount such as
// /host/var/log/pods/...), and a /var/log/containers file name in any directory.
func Parse(path string) (s Source, ok bool) {
	path = Unrotated(path)
	if i := strings.LastIndex(path, "/containers/"); i >= 0 && strings.HasSuffix(path, ".log") {
		if s, ok = parseContainers(path[i+len("/containers/") : len(path)-len(".log")]); ok {
			return s, true
		}
	}
	if i := strings.LastIndex(path, "/pods/"); i >= 0 {
		if s, ok = parsePods(path[i+len("/pods/"):]); ok {
			return s, true
		}
	}
	if s, ok = parseDockerJSON(path); ok {
		return s, true
	}
	if s, ok = parsePodman(path); ok {
		return s, true
	}
	// A file named as in /var/log/containers wherever it lies (node logs copied off for a
	// support case keep their names); the 64-digit container id keeps this from matching
	// ordinary file names.
	base := path[strings.LastIndexByte(path, '/')+1:]
	if strings.HasSuffix(base, ".log") {
		if s, ok = parseContainers(base[:len(base)-len(".log")]); ok && len(s.ContainerID) == 64 {
			return s, true
		}
	}
	return Source{}, false
}

// Unrotated returns path without the suffix a rotation gave it: the kubelet renames 0.log to
// "0.log.20241017-120533" (and support bundles copy "<name>.log.1"), and the file still holds
// that container's lines. A compressed rotation ("0.log.20241017-120533.gz") holds them too once
// decompressed, as `sluice parse` reads it.
func Unrotated(path string) string {
	path = strings.TrimSuffix(path, ".gz")
	i := strings.LastIndex(path, ".log.")
	if i < 0 || strings.IndexByte(path[i:], '/') >= 0 {
		return path
	}
	for _, c := range path[i+len(".log."):] {
		if (c < '0' || c > '9') && c != '-' {
			return path
		}
	}
	return path[:i+len(".log")]
}

// parseContainers reads "<pod>_<namespace>_<container>-<64 hex id>". Pod and namespace names
// are DNS labels (no '_'), so the underscores split unambiguously.
func parseContainers(name string) (Source, bool) {
	if strings.IndexByte(name, '/') >= 0 {
		return Source{}, false
	}
	pod, rest, ok := strings.Cut(name, "_")
	if !ok || pod == "" {
		return Source{}, false
	}
	ns, rest, ok := strings.Cut(rest, "_")
	if !ok || ns == "" {
		return Source{}, false
	}
	dash := strings.LastIndexByte(rest, '-')
	if dash <= 0 || dash == len(rest)-1 || !isHex(rest[dash+1:]) {
		return Source{}, false
	}
	return Source{Pod: pod, Namespace: ns, Container: rest[:dash], ContainerID: rest[dash+1:]}, true
}

// parseDockerJSON reads Docker's json-file path "<root>/containers/<id>/<id>-json.log", which
// names the container but not its pod (dockershim nodes link /var/log/containers to it; plain
// Docker hosts have only it).
func parseDockerJSON(path string) (Source, bool) {
	const suffix = "-json.log"
	slash := strings.LastIndexByte(path, '/')
	if slash < 65 || !strings.HasSuffix(path, suffix) {
		return Source{}, false
	}
	id := path[slash+1 : len(path)-len(suffix)]
	if len(id) != 64 || !isHex(id) || path[slash-65] != '/' || path[slash-64:slash] != id {
		return Source{}, false
	}
	return Source{ContainerID: id}, true
}

// parsePodman reads Podman's k8s-file path "<root>/overlay-containers/<id>/userdata/ctr.log"
// (rootless: under ~/.local/share/containers/storage), which names the container alone.
func parsePodman(path string) (Source, bool) {
	const suffix = "/userdata/ctr.log"
	if !strings.HasSuffix(path, suffix) {
		return Source{}, false
	}
	dir := path[:len(path)-len(suffix)]
	slash := strings.LastIndexByte(dir, '/')
	id := dir[slash+1:]
	if len(id) != 64 || !isHex(id) || !strings.HasSuffix(dir[:slash+1], "/overlay-containers/") {
		return Source{}, false
	}
	return Source{ContainerID: id}, true
}

// parsePods reads "<namespace>_<pod>_<uid>/<container>/<n>.log".
func parsePods(rest string) (Source, bool) {
	dir, rest, ok := strings.Cut(rest, "/")
	if !ok {
		return Source{}, false
	}
	container, file, ok := strings.Cut(rest, "/")
	if !ok || container == "" || strings.IndexByte(file, '/') >= 0 || !strings.HasSuffix(file, ".log") {
		return Source{}, false
	}
	ns, rest, ok := strings.Cut(dir, "_")
	if !ok || ns == "" {
		return Source{}, false
	}
	us := strings.LastIndexByte(rest, '_')
	if us <= 0 || us == len(rest)-1 {
		return Source{}, false
	}
	return Source{Pod: rest[:us], Namespace: ns, Container: container, PodUID: rest[us+1:]}, true
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return s != ""
}

// Apply fills the kubernetes.* fields from the event's log.file.path, never overwriting what
// an upstream enrichment already set, and reports whether the path was a container log path.
func Apply(ev *event.Event) bool {
	path, ok := ev.GetString(event.FieldLogFilePath)
	if !ok {
		return false
	}
	s, ok := Parse(path)
	if !ok {
		return false
	}
	setIfMissing(ev, event.FieldK8sPodName, s.Pod)
	setIfMissing(ev, event.FieldK8sNamespace, s.Namespace)
	setIfMissing(ev, event.FieldK8sContainer, s.Container)
	setIfMissing(ev, event.FieldK8sPodUID, s.PodUID)
	setIfMissing(ev, FieldID, s.ContainerID)
	return true
}

func setIfMissing(ev *event.Event, key, val string) {
	if val != "" && !ev.Has(key) {
		ev.SetString(key, val)
	}
}
