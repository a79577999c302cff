package k8spath

import "github.com/sluice-dev/sluice/pipeline/event"

// memoSize is how many paths a Memo remembers: more than the containers that share a typical
// batch's run of lines, few enough that a linear scan beats hashing the path.
const memoSize = 8

// Memo remembers the last paths Parse read. Every line of a file carries the same path, so a
// batch of a few thousand lines holds a handful of distinct paths: parsing each once instead of
// once a line saves most of Apply's cost. A Memo is meant to live for one batch (it keeps the
// path strings, and with them the batch's memory, alive) and is not safe for concurrent use.
// The zero Memo is ready; a nil *Memo parses every time.
type Memo struct {
	ent  [memoSize]memoEntry
	n    int // entries in use
	next int // entry the next miss replaces
}

type memoEntry struct {
	path string
	src  Source
	ok   bool
}

// Parse is the package's Parse, answered from memory for a path seen before.
func (m *Memo) Parse(path string) (Source, bool) {
	if m == nil {
		return Parse(path)
	}
	for i := 0; i < m.n; i++ {
		if e := &m.ent[i]; e.path == path {
			return e.src, e.ok
		}
	}
	s, ok := Parse(path)
	m.ent[m.next] = memoEntry{path: path, src: s, ok: ok}
	m.next = (m.next + 1) % memoSize
	m.n = min(m.n+1, memoSize)
	return s, ok
}

// Fill is Apply for a caller that has already read log.file.path (path and hasPath as
// event.GetString returned them) and needs the pod and container names afterwards: it fills the
// missing kubernetes.* fields as Apply does and returns the event's kubernetes.pod.name and
// kubernetes.container.name as GetString would read them after Apply, looking each up once.
func (m *Memo) Fill(ev *event.Event, path string, hasPath bool) (pod, container string) {
	var s Source
	if hasPath {
		s, _ = m.Parse(path) // the zero Source sets nothing when path is in no layout
	}
	pod = getOrSet(ev, event.FieldK8sPodName, s.Pod)
	setIfMissing(ev, event.FieldK8sNamespace, s.Namespace)
	container = getOrSet(ev, event.FieldK8sContainer, s.Container)
	setIfMissing(ev, event.FieldK8sPodUID, s.PodUID)
	setIfMissing(ev, FieldID, s.ContainerID)
	if container == "" && pod == "" {
		// a Docker container outside Kubernetes: its name, as Filebeat's add_docker_metadata
		// and `sluice parse` (from the container's config.v2.json) give it, says its program
		container = DockerProgram(ev)
	}
	return pod, container
}

// getOrSet returns the field's text when the event has it, else sets it to val (when not
// empty) and returns val.
func getOrSet(ev *event.Event, key, val string) string {
	if v, ok := ev.GetString(key); ok {
		return v
	}
	if val != "" {
		ev.SetString(key, val)
	}
	return val
}
