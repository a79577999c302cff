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
// kubectl's own prefixes are removed the same way: `kubectl logs --prefix`'s
// "[pod/<pod>/<container>] " (the pod and container go to kubernetes.pod.name and
// kubernetes.container.name, so that a GPU-stack container's lines get its dataset), and
// `kubectl logs --timestamps`' "2025-05-12T08:01:39.331095044Z " (to @timestamp, over a
// container runtime's time of the copy; only this exact form, a fraction of a second and Z or
// an offset, so that a program's own stamp stays in its line).
package compose

import (
	"strings"
	"time"

	"github.com/sluice-dev/sluice/parsers"
	"github.com/sluice-dev/sluice/parsers/parseutil"
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
	Description: "docker compose and kubectl log prefixes: <service>  | <line>, [pod/<pod>/<container>] <line>, kubectl --timestamps",
	New:         func(parsers.Options) parsers.Parser { return Parser{} },
	Framing:     true,
	Fields: []parsers.Field{parseutil.Fields()[0], {Name: FieldContainerName, Type: "keyword",
		Description: "Container (docker compose service and replica) from a compose log prefix."},
		{Name: FieldPodName, Type: "keyword", Description: "Pod name, from Filebeat's metadata, the container log path or a kubectl --prefix."},
		{Name: FieldK8sContainer, Type: "keyword", Description: "Container name, from Filebeat's metadata, the container log path or a kubectl --prefix."}},
}

// Parser removes the prefix. It is stateless and safe for concurrent use.
type Parser struct{}

// Parse removes the prefix and sets container.name; a line without one is left alone.
func (Parser) Parse(ev *event.Event) bool {
	s := ev.Message()
	n := 0
	// The prefixes combine ("[pod/p/c] 2025-...Z vllm-1  | ..."): remove each in turn.
	for i := 0; i < 3; i++ {
		m := strip(ev, s[n:])
		if m == 0 {
			break
		}
		n += m
	}
	if n == 0 {
		return false
	}
	ev.SetMessage(s[n:])
	return true
}

// strip sets the fields of the prefix at the start of s and returns its length, or 0.
func strip(ev *event.Event, s string) int {
	if t, n := kubectlStamp(s); n > 0 {
		// the time the line's own runtime gave it, wherever the line was copied to since: a
		// runtime's time of a copy (a file of kubectl's output that a pod prints again) is
		// the copy's, event.created keeps it
		ev.SetTimestamp(t)
		return n
	}
	if pod, container, n := KubectlPrefix(s); n > 0 {
		if !ev.Has(FieldPodName) {
			ev.SetString(FieldPodName, pod)
		}
		if !ev.Has(FieldK8sContainer) {
			ev.SetString(FieldK8sContainer, container)
		}
		return n
	}
	name, n := Prefix(s)
	if n > 0 {
		ev.SetString(FieldContainerName, name)
	}
	return n
}

// Prefix returns the service name of a compose prefix at the start of s and the prefix's
// length (with "| "), or 0. Service names are letters, digits, '_', '.' and '-'. pm2's `pm2
// logs` writes its process's id before the name in the same layout ("0|MINER  | INFO: ..."),
// a Python server run under pm2 in a container.
func Prefix(s string) (string, int) {
	if k := strings.IndexByte(s[:min(len(s), 5)], '|'); k > 0 && k+1 < len(s) && s[k+1] != ' ' && strings.Trim(s[:k], "0123456789") == "" {
		if name, n := servicePrefix(s[k+1:]); n > 0 {
			return name, k + 1 + n
		}
		return "", 0
	}
	return servicePrefix(s)
}

// servicePrefix reads "<service>  | " at the start of s (Prefix).
func servicePrefix(s string) (string, int) {
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

// kubectlStamp reads the RFC 3339 stamp with a fraction of a second that `kubectl logs
// --timestamps` and `crictl logs -t` put before each line (nanoseconds in UTC, but trailing zeros
// trimmed by older kubelets and crictl, and the runtime's offset when it wrote one:
// "2024-10-21T16:18:00.555019251+08:00"), and returns it and the length with the space, or n == 0.
func kubectlStamp(s string) (time.Time, int) {
	if len(s) < len("2006-01-02T15:04:05.0Z ") || s[19] != '.' || s[10] != 'T' || s[4] != '-' {
		return time.Time{}, 0
	}
	t, used, ok := parseutil.RFC3339(s[:min(len(s), len("2006-01-02T15:04:05.000000000+00:00"))])
	if !ok || used >= len(s) || s[used] != ' ' || (s[used-1] != 'Z' && s[used-3] != ':') {
		return time.Time{}, 0
	}
	// Nanoseconds, of which only a trailing zero or two were trimmed: a program's own stamp
	// (milli- or microseconds) is its line's, not the runtime's.
	digits := 20
	for digits < used && s[digits] >= '0' && s[digits] <= '9' {
		digits++
	}
	if digits-20 < 7 {
		return time.Time{}, 0
	}
	return t, used + 1
}

// replica reports whether a name ends in "-N" or "_N".
func replica(name string) bool {
	k := len(name)
	for k > 0 && name[k-1] >= '0' && name[k-1] <= '9' {
		k--
	}
	return k < len(name) && k > 1 && (name[k-1] == '-' || name[k-1] == '_')
}
