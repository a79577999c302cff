// Package compose removes the "<service>  | " prefix that `docker compose logs` and `docker
// compose up` put before every line, so that bug reports' logs (and files made from them) parse
// as the container wrote them:
//
//	vllm-1  | INFO 05-12 08:01:39 [loggers.py:271] Engine 000: Avg prompt throughput: 0.0 tokens/s
//	fauxpilot-triton-1  | I0617 12:00:01.000000 1 server.cc:631] Started GRPCInferenceService at 0.0.0.0:8001
//
// The service goes to container.name. A name must end in its replica number ("-1", "_1") or be
// padded with two spaces or more, so that text with a '|' in it is left alone.
package compose

import (
	"github.com/sluice-dev/sluice/parsers"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// FieldContainerName is the compose service (container) that wrote the line.
const FieldContainerName = "container.name"

// Info registers the parser.
var Info = parsers.Info{
	Name:        "compose",
	Description: "docker compose log prefix: <service>  | <line>",
	New:         func() parsers.Parser { return Parser{} },
	Framing:     true,
	Fields: []parsers.Field{{Name: FieldContainerName, Type: "keyword",
		Description: "Container (docker compose service and replica) from a compose log prefix."}},
}

// Parser removes the prefix. It is stateless and safe for concurrent use.
type Parser struct{}

// Parse removes the prefix and sets container.name; a line without one is left alone.
func (Parser) Parse(ev *event.Event) bool {
	s := ev.Message()
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

// replica reports whether a name ends in "-N" or "_N".
func replica(name string) bool {
	k := len(name)
	for k > 0 && name[k-1] >= '0' && name[k-1] <= '9' {
		k--
	}
	return k < len(name) && k > 1 && (name[k-1] == '-' || name[k-1] == '_')
}
