// Package corpus generates realistic, repeatable traffic of an LLM-serving GPU node: Filebeat
// events (about 1 KB with Kubernetes metadata) whose messages are CRI-framed vLLM and
// GPU-operator lines in the proportions a busy node produces. The same seed gives the same bytes.
package corpus

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"
)

// Generator produces events. It is not safe for concurrent use; give each load-generating
// goroutine its own, with its own seed.
type Generator struct {
	rnd     *rand.Rand
	now     time.Time
	pending []line
	offsets map[string]int64
	total   int
	node    string
	// NodePaths puts the node's name in every file path, so that generators with different
	// seeds (one per connection) never share a path and offset: every event then has its own
	// deterministic document id, which a run that checks ids needs.
	NodePaths bool
}

type line struct {
	src  *source
	text string
	t    time.Time
}

// New returns a generator; runs with the same seed produce the same events.
func New(seed uint64) *Generator {
	return &Generator{
		rnd:     rand.New(rand.NewPCG(seed, seed^0x5eed)),
		now:     time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC),
		offsets: map[string]int64{},
		node:    Node(seed),
	}
}

func (g *Generator) pick() *source {
	total := 0
	for i := range sources {
		total += sources[i].weight
	}
	n := g.rnd.IntN(total)
	for i := range sources {
		if n < sources[i].weight {
			return &sources[i]
		}
		n -= sources[i].weight
	}
	return &sources[0]
}

// Line returns the next container line in CRI framing, and the source it came from.
func (g *Generator) Line() (cri string, container, namespace, pod, image string) {
	if len(g.pending) == 0 {
		g.now = g.now.Add(time.Duration(50+g.rnd.IntN(400)) * time.Microsecond)
		src := g.pick()
		for _, l := range src.lines(g, g.now) {
			g.pending = append(g.pending, line{src: src, text: l, t: g.now})
		}
	}
	l := g.pending[0]
	g.pending = g.pending[1:]
	stream := "stdout"
	if l.src.container == "vllm" && l.text[0] != 'I' {
		stream = "stderr"
	}
	cri = l.t.Format(time.RFC3339Nano) + " " + stream + " F " + l.text
	return cri, l.src.container, l.src.namespace, l.src.pod, l.src.image
}

// Event returns the next Filebeat event as JSON, as Filebeat 7.17's log input with
// add_kubernetes_metadata ships it to output.logstash.
func (g *Generator) Event() []byte {
	cri, container, ns, pod, image := g.Line()
	path := "/var/log/containers/" + pod + "_" + ns + "_" + container + "-" + containerID(pod) + ".log"
	if g.NodePaths {
		path = "/var/log/" + g.node + "/containers/" + pod + "_" + ns + "_" + container + "-" + containerID(pod) + ".log"
	}
	off := g.offsets[path]
	g.offsets[path] = off + int64(len(cri)) + 1
	g.total++
	b := make([]byte, 0, 1400)
	b = append(b, `{"@timestamp":"`...)
	b = g.now.AppendFormat(b, "2006-01-02T15:04:05.000Z")
	b = append(b, `","@metadata":{"beat":"filebeat","type":"_doc","version":"7.17.0"},"message":`...)
	b = strconv.AppendQuote(b, cri)
	b = append(b, `,"log":{"offset":`...)
	b = strconv.AppendInt(b, off, 10)
	b = append(b, `,"file":{"path":"`...)
	b = append(b, path...)
	b = append(b, `"}},"input":{"type":"log"},"ecs":{"version":"1.12.0"},"host":{"name":"`...)
	b = append(b, g.node...)
	b = append(b, `"},"agent":{"type":"filebeat","version":"7.17.0","hostname":"`...)
	b = append(b, g.node...)
	b = append(b, `","ephemeral_id":"3c0d1b4e-8a5f-4c2e-9d1a-7f6b5e4d3c2b","id":"b1f0e9d8-c7b6-4a5f-9e8d-7c6b5a4f3e2d","name":"`...)
	b = append(b, g.node...)
	b = append(b, `"},"kubernetes":{"pod":{"name":"`...)
	b = append(b, pod...)
	b = append(b, `","uid":"6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f","ip":"10.244.3.17"},"namespace":"`...)
	b = append(b, ns...)
	b = append(b, `","namespace_uid":"0d9c8b7a-6f5e-4d3c-2b1a-0f9e8d7c6b5a","labels":{"app":"`...)
	b = append(b, container...)
	b = append(b, `","app_kubernetes_io/part-of":"llm-serving","pod-template-hash":"7d9f8"},"container":{"name":"`...)
	b = append(b, container...)
	b = append(b, `"},"node":{"name":"`...)
	b = append(b, g.node...)
	b = append(b, `","labels":{"nvidia_com/gpu_product":"NVIDIA-H100-80GB-HBM3","nvidia_com/gpu_count":"8"}}},"container":{"id":"`...)
	b = append(b, containerID(pod)...)
	b = append(b, `","runtime":"containerd","image":{"name":"`...)
	b = append(b, image...)
	b = append(b, `"}}}`...)
	return b
}

// Traceback returns the events of one vLLM engine crash, a multi-line traceback, as the vLLM
// container's next lines; the events Event returns afterwards continue the stream after it.
func (g *Generator) Traceback() [][]byte {
	g.now = g.now.Add(time.Duration(50+g.rnd.IntN(400)) * time.Microsecond)
	src := &sources[0] // vLLM
	held := g.pending
	g.pending = nil
	for _, l := range engineCrash(g, g.now) {
		g.pending = append(g.pending, line{src: src, text: l, t: g.now})
	}
	evs := make([][]byte, 0, len(g.pending))
	for len(g.pending) > 0 {
		evs = append(evs, g.Event())
	}
	g.pending = held
	return evs
}

// Count returns how many events were generated.
func (g *Generator) Count() int { return g.total }

func containerID(pod string) string {
	var h uint64 = 1469598103934665603
	for i := 0; i < len(pod); i++ {
		h = (h ^ uint64(pod[i])) * 1099511628211
	}
	return fmt.Sprintf("%016x%016x%016x%016x", h, h*31, h*131, h*1031)
}

// Container is one container whose lines the generator writes, as the Kubernetes API knows it.
type Container struct {
	Namespace, Pod, Name, Image string
	// ID is the runtime's container id the events carry (container.id, the log file's name).
	ID string
}

// Containers returns the containers the generator writes lines of, one per pod.
func Containers() []Container {
	out := make([]Container, 0, len(sources))
	for _, s := range sources {
		out = append(out, Container{Namespace: s.namespace, Pod: s.pod, Name: s.container, Image: s.image, ID: containerID(s.pod)})
	}
	return out
}

// Node returns the name of the node a generator of this seed writes as (host.name,
// kubernetes.node.name).
func Node(seed uint64) string { return fmt.Sprintf("gpu-node-%02d", seed%32) }

// Nodes is how many node names generators take, by seed.
const Nodes = 32
