// Package envoy parses Envoy's own log lines, and (for the json parser) its JSON access log.
// Envoy is the data plane in front of vLLM in Envoy AI Gateway, Envoy Gateway and the Gateway
// API inference extension's gateways (Istio, kgateway): a 429 or 503 a client saw is there.
//
//	[2025-07-05 12:59:32.936][1][warning][misc] [source/common/protobuf/message_validator_impl.cc:23] Deprecated field: ...
//	2025-07-16T21:25:18.199386Z	debug	envoy conn_handler external/envoy/source/.../active_tcp_listener.cc:160	message	thread=19
//	[2025-09-19T18:43:27.635Z] "POST /v1/chat/completions HTTP/1.1" 502 - via_upstream - "-" 253 0 734 732 "10.0.1.247" ...
//	{"start_time":"2024-05-09T00:44:06.909Z","method":"HEAD","x-envoy-origin-path":"/","protocol":"HTTP/2","response_code":"429",...}
package envoy

import (
	"strings"
	"time"

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
	Description: "Envoy's own log lines ([time][thread][level][logger] [file:line] message, and Istio's tab-separated layout of them) and its default text access log (Envoy's and Istio's)",
	New:         func(parsers.Options) parsers.Parser { return New() },
	Fields: append(pu.Fields(pu.FieldLogMessage, event.FieldLogLogger, event.FieldOriginFile, event.FieldOriginLine,
		pu.FieldThread), AccessFields...),
}

// Fields of the access log beyond the HTTP ones uvicorn declares.
const (
	FieldUpstreamHost    = "envoy.upstream.host"
	FieldUpstreamCluster = "envoy.upstream.cluster"
	FieldResponseFlags   = "envoy.response_flags"
	FieldResponseDetails = "envoy.response_code_details"
	FieldDuration        = pu.FieldEventDuration
	FieldUserAgent       = pu.FieldUserAgent
	FieldDomain          = pu.FieldURLDomain
)

// AccessFields are what Access and the text access log set, for the Info of the parsers that read
// them.
var AccessFields = append(uvicorn.Fields[:len(uvicorn.Fields):len(uvicorn.Fields)], pu.Field(pu.FieldHTTPRequestID),
	parsers.Field{Name: FieldUpstreamHost, Type: "keyword", Description: "Address of the upstream host (the pod) Envoy sent the request to (%UPSTREAM_HOST%)."},
	parsers.Field{Name: FieldUpstreamCluster, Type: "keyword", Description: "Envoy's upstream cluster (Istio: outbound|8000||svc.ns.svc.cluster.local)."},
	parsers.Field{Name: FieldResponseFlags, Type: "keyword", Description: "Envoy's response flags, why it failed the request: UF (upstream connection failure), UH (no healthy upstream), URX (retries exhausted), UT (upstream timeout), UC (upstream connection termination), NR (no route), DC (downstream disconnect)..."},
	parsers.Field{Name: FieldResponseDetails, Type: "keyword", Description: "Envoy's response code details (via_upstream, upstream_reset_before_response_started{...})."},
	pu.Field(pu.FieldEventDuration),
	pu.Field(pu.FieldUserAgent),
	pu.Field(pu.FieldURLDomain),
)

// Parser parses Envoy's own lines. It is stateless and safe for concurrent use.
type Parser struct{}

// New returns the parser.
func New() *Parser { return &Parser{} }

// Parse reads "[2025-07-05 12:59:32.936][1][warning][misc] [file.cc:23] message", Istio's
// layout of the same, and the default text access log.
func (p *Parser) Parse(ev *event.Event) bool {
	s := ev.Message()
	if len(s) < 40 {
		return false
	}
	if s[0] != '[' {
		return istioLine(ev, s)
	}
	if s[1] < '1' || s[1] > '2' {
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
	if strings.HasPrefix(rest, ` "`) {
		return textAccess(ev, s[1:end], rest[1:])
	}
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
	pu.SetDatedLocalTime(ev, t)
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

// IstioEnvoyLine reports whether s is one of Envoy's own lines in the layout Istio starts it
// with (--log-format "%Y-%m-%dT%T.%fZ\t%l\tenvoy %n %g:%#\t%v\tthread=%t"; before 1.9 "envoy %n"
// alone, without the source or the thread), which a zap console reader would misread: its third
// column is "envoy <logger> <file>:<line>".
func IstioEnvoyLine(s string) bool {
	_, _, _, ok := istioColumns(s)
	return ok
}

// istioColumns splits Istio's layout of an Envoy line into time, level and the columns after
// them.
func istioColumns(s string) (stamp, level, rest string, ok bool) {
	if len(s) < 40 || s[0] != '2' || s[4] != '-' || s[10] != 'T' { // most lines turned away here
		return "", "", "", false
	}
	stamp, rest, ok = strings.Cut(s, "\t")
	if !ok || len(stamp) < 20 || len(stamp) > 32 {
		return "", "", "", false
	}
	level, rest, ok = strings.Cut(rest, "\t")
	if !ok || len(level) > 8 || !strings.HasPrefix(rest, "envoy ") {
		return "", "", "", false
	}
	head, _, ok := strings.Cut(rest, "\t")
	if !ok || !(strings.Count(head, " ") == 2 && strings.Contains(head, ":") ||
		// Istio before 1.9: "%Y-%m-%dT%T.%fZ\t%l\tenvoy %n\t%v", the logger alone
		strings.Count(head, " ") == 1 && !strings.Contains(head, ":")) {
		return "", "", "", false
	}
	return stamp, level, rest, true
}

func istioLine(ev *event.Event, s string) bool {
	s, more, _ := strings.Cut(s, "\n")
	stamp, lv, rest, ok := istioColumns(s)
	if !ok {
		return false
	}
	t, n, ok := pu.RFC3339(stamp)
	if !ok || n != len(stamp) {
		return false
	}
	level, ok := pu.Level(lv)
	if !ok {
		return false
	}
	head, msg, _ := strings.Cut(rest, "\t")
	_, head, _ = strings.Cut(head, " ")
	logger, loc, _ := strings.Cut(head, " ")
	pu.SetStamp(ev, t, stamp)
	ev.SetString(event.FieldLogLogger, logger)
	if loc != "" {
		pu.SetOrigin(ev, loc)
	}
	if more != "" { // a message of several lines (a header dump) ends with the thread on its own line
		msg += "\n" + more
	}
	if i := strings.LastIndex(msg, "\tthread="); i >= 0 {
		if id, ok := pu.Atoi(strings.TrimSpace(msg[i+len("\tthread="):])); ok {
			ev.Set(pu.FieldThread, event.Int(id))
			msg = strings.TrimSuffix(msg[:i], "\n")
		}
	}
	ev.SetString(pu.FieldLogMessage, msg)
	pu.Finish(ev, pu.DatasetOr(ev, Dataset), level)
	return true
}

// request is what an access line says of one request, in Envoy's command operators' terms.
type request struct {
	method, path, protocol, code, flags, details  string
	duration, requestID, userAgent, authority     string
	upstreamHost, upstreamCluster, downstreamAddr string
	start                                         string
}

// textAccess reads the default text access log, Envoy's (a request's operators up to
// "%UPSTREAM_HOST%") or Istio's (with response code details, termination details and transport
// failure reason after the flags, and the addresses, server name and route after the upstream
// host): "[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" ...".
// A line of another layout is not taken.
func textAccess(ev *event.Event, stamp, s string) bool {
	var tok [24]string
	n := 0
	for s = strings.TrimLeft(s, " "); s != "" && n < len(tok); s = strings.TrimLeft(s, " ") {
		if s[0] == '"' {
			end := strings.IndexByte(s[1:], '"')
			if end < 0 {
				return false
			}
			tok[n], s = s[1:end+1], s[end+2:]
		} else {
			end := strings.IndexByte(s, ' ')
			if end < 0 {
				end = len(s)
			}
			tok[n], s = s[:end], s[end:]
		}
		n++
	}
	var r request
	switch {
	case n == 12: // Envoy's default
		r = request{code: tok[1], flags: tok[2], duration: tok[5], userAgent: tok[8], requestID: tok[9],
			authority: tok[10], upstreamHost: tok[11]}
	case n == 13 && !numeric(tok[3]):
		// Envoy's default with %RESPONSE_CODE_DETAILS% after the flags, where Istio puts it
		// ("504 UT response_timeout 0 24 4497 - ..."): why Envoy answered so
		r = request{code: tok[1], flags: tok[2], details: tok[3], duration: tok[6], userAgent: tok[9], requestID: tok[10],
			authority: tok[11], upstreamHost: tok[12]}
	case n == 21: // Istio's
		r = request{code: tok[1], flags: tok[2], details: tok[3], duration: tok[8], userAgent: tok[11],
			requestID: tok[12], authority: tok[13], upstreamHost: tok[14], upstreamCluster: tok[15],
			downstreamAddr: tok[18]}
	default:
		return false
	}
	if _, ok := pu.Atoi(r.code); !ok {
		return false
	}
	if _, ok := pu.Atoi(r.duration); !ok {
		return false
	}
	parts := strings.Split(tok[0], " ")
	if len(parts) != 3 {
		return false
	}
	r.method, r.path, r.protocol, r.start = parts[0], parts[1], parts[2], stamp
	level := r.set(ev)
	pu.Finish(ev, pu.DatasetOr(ev, DatasetAccess), level)
	return true
}

// Access reads the members of Envoy's JSON access log that a JSON parser put under prefix
// (log.fields), in Envoy Gateway's names or Istio's, and reports whether the line was one (a
// response_code and a method): it sets the ECS HTTP fields, the request's time and id, where
// Envoy sent it and why it failed, and returns the level of its status.
func Access(ev *event.Event, prefix string) (level string, ok bool) {
	get := func(keys ...string) string {
		for _, k := range keys {
			if s, _ := ev.GetString(prefix + k); s != "" && s != "-" {
				return s
			}
		}
		return ""
	}
	r := request{code: get("response_code"), method: get("method")}
	if _, ok := pu.Atoi(r.code); !ok || r.method == "" && get("upstream_cluster", "upstream_host") == "" {
		// an HTTP request's line, or a TCP connection's (no method, its upstream named)
		return "", false
	}
	r.path = get("x-envoy-origin-path", "path")
	r.protocol = get("protocol")
	r.requestID = get("x-request-id", "request_id")
	r.downstreamAddr = get("downstream_remote_address")
	r.start = get("start_time")
	r.flags, r.details = get("response_flags"), get("response_code_details")
	r.duration = get("duration")
	r.userAgent = get("user-agent", "user_agent")
	r.authority = get(":authority", "authority")
	r.upstreamHost, r.upstreamCluster = get("upstream_host"), get("upstream_cluster")
	return r.set(ev), true
}

// set writes the request's fields and returns the level of its outcome: by status, and an error
// when no response came (a reset, a timeout) or a TCP connection failed. "-" is Envoy's empty.
func (r *request) set(ev *event.Event) string {
	has := func(s string) bool { return s != "" && s != "-" }
	status, _ := pu.Atoi(r.code)
	tcp := !has(r.method)
	if !tcp {
		ev.SetString(uvicorn.FieldMethod, r.method)
		if has(r.path) {
			uvicorn.SetTarget(ev, r.path)
		}
		if v, ok := strings.CutPrefix(r.protocol, "HTTP/"); ok {
			ev.SetString(uvicorn.FieldVersion, v)
		}
		if status > 0 {
			ev.Set(event.FieldHTTPStatus, event.Int(status))
		}
	}
	if has(r.requestID) {
		ev.SetString(pu.FieldHTTPRequestID, r.requestID)
	}
	if addr := r.downstreamAddr; has(addr) {
		if i := strings.LastIndexByte(addr, ':'); i > 0 {
			uvicorn.SetClient(ev, strings.Trim(addr[:i], "[]"))
			if port, ok := pu.Atoi(addr[i+1:]); ok {
				ev.Set(uvicorn.FieldSourcePort, event.Int(port))
			}
		}
	}
	if st := r.start; st != "" {
		if t, n, ok := pu.RFC3339(st); ok && n == len(st) && pu.Zoned(st) {
			pu.SetTime(ev, t)
		}
	}
	for _, f := range [...]struct{ name, val string }{
		{FieldResponseFlags, r.flags}, {FieldResponseDetails, r.details}, {FieldUpstreamHost, r.upstreamHost},
		{FieldUpstreamCluster, r.upstreamCluster}, {FieldUserAgent, r.userAgent}, {FieldDomain, r.authority},
	} {
		if has(f.val) {
			ev.SetString(f.name, f.val)
		}
	}
	if ms, ok := pu.Atoi(r.duration); ok && ms >= 0 {
		ev.Set(FieldDuration, event.Int(ms*int64(time.Millisecond)))
	}
	switch {
	case tcp && has(r.flags):
		return pu.Error // the connection failed
	case tcp:
		return pu.Info
	case status == 0 && flagsLevel(r.flags) == pu.Warning:
		return pu.Warning // no response because the client went away first (DC): nothing failed on this side
	case status == 0:
		return pu.Error // no response: reset, timeout
	}
	lv := uvicorn.StatusLevel(status)
	// a 4xx says the request failed, and its flags only why (NR: no route for it; UAEX: the
	// authorization service refused it): the client's error, a warning like any 4xx
	if f := flagsLevel(r.flags); status < 400 && f != "" {
		lv = f
	}
	return lv
}

// flagsLevel is the level of what Envoy's response flags say went wrong with a request whose
// status does not: a streamed response answered 200 and cut later (UC, SI, UT: the model
// server's connection or stream ended mid-response), a gRPC call that failed with 200, an
// upstream that could not be reached (UF, URX, UH); DC, the client that went away, is a
// warning. "" for none of them.
func flagsLevel(flags string) string {
	if flags == "" || flags == "-" {
		return ""
	}
	lv := ""
	for f := range strings.SplitSeq(flags, ",") {
		switch f {
		case "UF", "URX", "UC", "UT", "SI", "UH", "UO", "UPE", "NR", "UMSDR", "LH", "OM", "DT", "UAEX":
			return pu.Error
		case "DC", "DPE":
			lv = pu.Warning
		}
	}
	return lv
}

// numeric reports whether s is a number (a byte count), not a word.
func numeric(s string) bool {
	_, ok := pu.Atoi(s)
	return ok
}
