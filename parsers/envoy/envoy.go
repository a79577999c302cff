// Package envoy parses Envoy's own log lines, and (for the json parser) its JSON access log.
// Envoy is the data plane in front of vLLM in Envoy AI Gateway, Envoy Gateway and the Gateway
// API inference extension's gateways (Istio, kgateway): a 429 or 503 a client saw is there.
//
//	[2025-07-05 12:59:32.936][1][warning][misc] [source/common/protobuf/message_validator_impl.cc:23] Deprecated field: ...
//	{"start_time":"2024-05-09T00:44:06.909Z","method":"HEAD","x-envoy-origin-path":"/","protocol":"HTTP/2","response_code":"429",...}
package envoy

import (
	"strings"

	"github.com/sluice-dev/sluice/parsers"
	pu "github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/parsers/uvicorn"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// Datasets.
const (
	Dataset       = "envoy.server"
	DatasetAccess = "envoy.access"
)

// Info registers the parser of Envoy's own lines.
var Info = parsers.Info{
	Name:        "envoy",
	Description: "Envoy's own log lines ([time][thread][level][logger] [file:line] message)",
	New:         func(parsers.Options) parsers.Parser { return New() },
	Fields: pu.Fields(pu.FieldLogMessage, event.FieldLogLogger, event.FieldOriginFile, event.FieldOriginLine,
		pu.FieldThread),
}

// AccessFields are what Access sets, for the Info of the parser that calls it.
var AccessFields = append(uvicorn.Fields[:len(uvicorn.Fields):len(uvicorn.Fields)], pu.Field(pu.FieldHTTPRequestID))

// Parser parses Envoy's own lines. It is stateless and safe for concurrent use.
type Parser struct{}

// New returns the parser.
func New() *Parser { return &Parser{} }

// Parse reads "[2025-07-05 12:59:32.936][1][warning][misc] [file.cc:23] message".
func (p *Parser) Parse(ev *event.Event) bool {
	s := ev.Message()
	if len(s) < 40 || s[0] != '[' || s[1] < '1' || s[1] > '2' {
		return false
	}
	end := strings.IndexByte(s[:min(len(s), 40)], ']')
	if end < 20 {
		return false
	}
	t, n, ok := pu.RFC3339(s[1:end])
	if !ok || n != end-1 {
		return false
	}
	rest := s[end+1:]
	tid, rest, ok := pu.Bracket(rest)
	if !ok {
		return false
	}
	lv, rest, ok := pu.Bracket(rest)
	if !ok {
		return false
	}
	level, ok := pu.Level(lv)
	if !ok {
		return false
	}
	logger, rest, ok := pu.Bracket(rest)
	if !ok {
		return false
	}
	id, ok := pu.Atoi(tid)
	if !ok {
		return false
	}
	pu.SetLocalTime(ev, t)
	ev.Set(pu.FieldThread, event.Int(id))
	ev.SetString(event.FieldLogLogger, logger)
	rest = strings.TrimPrefix(rest, " ")
	if loc, after, ok := pu.Bracket(rest); ok {
		if c := strings.LastIndexByte(loc, ':'); c > 0 {
			if line, ok := pu.Atoi(loc[c+1:]); ok {
				ev.SetString(event.FieldOriginFile, loc[:c])
				ev.Set(event.FieldOriginLine, event.Int(line))
				rest = strings.TrimPrefix(after, " ")
			}
		}
	}
	ev.SetString(pu.FieldLogMessage, rest)
	pu.Finish(ev, pu.DatasetOr(ev, Dataset), level)
	return true
}

// Access reads the members of Envoy's JSON access log that a JSON parser put under prefix
// (log.fields), and reports whether the line was one (a response_code and a method): it sets
// the ECS HTTP fields, the request's time and id, and returns the level of its status.
func Access(ev *event.Event, prefix string) (level string, ok bool) {
	get := func(k string) string {
		s, _ := ev.GetString(prefix + k)
		return s
	}
	code, method := get("response_code"), get("method")
	status, ok := pu.Atoi(code)
	if !ok || method == "" || method == "-" {
		return "", false
	}
	ev.SetString(uvicorn.FieldMethod, method)
	if status > 0 {
		ev.Set(event.FieldHTTPStatus, event.Int(status))
	}
	path := get("x-envoy-origin-path")
	if path == "" || path == "-" {
		path = get("path")
	}
	if path != "" && path != "-" {
		p, q, _ := strings.Cut(path, "?")
		ev.SetString(uvicorn.FieldURLPath, p)
		if q != "" {
			ev.SetString(uvicorn.FieldURLQuery, q)
		}
	}
	if v, ok := strings.CutPrefix(get("protocol"), "HTTP/"); ok {
		ev.SetString(uvicorn.FieldVersion, v)
	}
	if id := get("x-request-id"); id != "" && id != "-" {
		ev.SetString(pu.FieldHTTPRequestID, id)
	}
	if addr := get("downstream_remote_address"); addr != "" && addr != "-" {
		if i := strings.LastIndexByte(addr, ':'); i > 0 {
			uvicorn.SetClient(ev, strings.Trim(addr[:i], "[]"))
			if port, ok := pu.Atoi(addr[i+1:]); ok {
				ev.Set(uvicorn.FieldSourcePort, event.Int(port))
			}
		}
	}
	if st := get("start_time"); st != "" {
		if t, n, ok := pu.RFC3339(st); ok && n == len(st) && pu.Zoned(st) {
			pu.SetTime(ev, t)
		}
	}
	if status == 0 {
		return pu.Error, true // no response: reset, timeout
	}
	return uvicorn.StatusLevel(status), true
}
