// Package compose removes the "<service>  | " prefix that `docker compose logs` and `docker
// compose up` put before every line, so that bug reports' logs (and files made from them) parse
// as the container wrote them:
//
//	vllm-1  | INFO 05-12 08:01:39 [loggers.py:271] Engine 000: Avg prompt throughput: 0.0 tokens/s
//	fauxpilot-triton-1  | I0617 12:00:01.000000 1 server.cc:631] Started GRPCInferenceService at 0.0.0.0:8001
//
// The service goes to container.name. A name must end in its replica number ("-1", "_1") or be
// padded with two spaces or more, so that text with a '|' in it is left alone.
//
// kubectl's own prefix (`kubectl logs --prefix`, `-l app=...`), "[pod/<pod>/<container>] ", is
// removed the same way; the pod and container go to kubernetes.pod.name and
// kubernetes.container.name, so that a GPU-stack container's lines get its dataset.
package compose

import (
	"strings"

	"github.com/sluice-dev/sluice/parsers"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// FieldContainerName is the compose service (container) that wrote the line.
const FieldContainerName = "container.name"

// Fields kubectl's prefix sets, named as Filebeat's Kubernetes metadata names them.
const (
	FieldPodName      = "kubernetes.pod.name"
	FieldK8sContainer = "kubernetes.container.name"
)

// Info registers the parser.
var Info = parsers.Info{
	Name:        "compose",
	Description: "docker compose and kubectl --prefix log prefixes: <service>  | <line>, [pod/<pod>/<container>] <line>",
	New:         func() parsers.Parser { return Parser{} },
	Framing:     true,
	Fields: []parsers.Field{{Name: FieldContainerName, Type: "keyword",
		Description: "Container (docker compose service and replica) from a compose log prefix."},
		{Name: FieldPodName, Type: "keyword", Description: "Pod name, from Filebeat's metadata, the container log path or a kubectl --prefix."},
		{Name: FieldK8sContainer, Type: "keyword", Description: "Container name, from Filebeat's metadata, the container log path or a kubectl --prefix."}},
}

// Parser removes the prefix. It is stateless and safe for concurrent use.
type Parser struct{}

// Parse removes the prefix and sets container.name; a line without one is left alone.
func (Parser) Parse(ev *event.Event) bool {
	s := ev.Message()
	if pod, container, n := KubectlPrefix(s); n > 0 {
		if !ev.Has(FieldPodName) {
			ev.SetString(FieldPodName, pod)
		}
		if !ev.Has(FieldK8sContainer) {
			ev.SetString(FieldK8sContainer, container)
		}
		ev.SetMessage(s[n:])
		return true
	}
	name, n := Prefix(s)
	if n == 0 {
		return false
	}
	ev.SetString(FieldContainerName, name)
	ev.SetMessage(s[n:])
	return true
}

// Prefix returns the service name of a compose prefix at the start of s and the prefix's
// length (with "| "), or 0. Service names are letters, digits, '_', '.' and '-'.
func Prefix(s string) (string, int) {
	i := 0
	for i < len(s) && i < 64 {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			break
		}
		i++
	}
	j := i
	for j < len(s) && s[j] == ' ' {
		j++
	}
	if i == 0 || j == i || j >= len(s) || s[j] != '|' || j+1 < len(s) && s[j+1] != ' ' {
		return "", 0
	}
	if j-i < 2 && !replica(s[:i]) {
		return "", 0
	}
	return s[:i], min(j+2, len(s))
}

// KubectlPrefix reads "[pod/<pod>/<container>] " at the start of s and returns the pod, the
// container and the prefix's length, or n == 0.
func KubectlPrefix(s string) (pod, container string, n int) {
	if !strings.HasPrefix(s, "[pod/") {
		return "", "", 0
	}
	end := strings.IndexByte(s[:min(len(s), 320)], ']')
	if end < 0 {
		return "", "", 0
	}
	pod, container, ok := strings.Cut(s[len("[pod/"):end], "/")
	if !ok || pod == "" || container == "" || strings.ContainsAny(pod, " /") || strings.ContainsAny(container, " /") {
		return "", "", 0
	}
	n = end + 1
	if n < len(s) && s[n] == ' ' {
		n++
	}
	return pod, container, n
}

// replica reports whether a name ends in "-N" or "_N".
func replica(name string) bool {
	k := len(name)
	for k > 0 && name[k-1] >= '0' && name[k-1] <= '9' {
		k--
	}
	return k < len(name) && k > 1 && (name[k-1] == '-' || name[k-1] == '_')
}
