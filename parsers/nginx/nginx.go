// Package nginx parses nginx's access and error logs as the ingress-nginx controller writes them
// in front of an inference service, and as plain nginx does in its combined format:
//
//	108.162.227.25 - - [08/Mar/2023:16:02:45 +0000] "GET / HTTP/1.1" 504 562 "-" "Mozilla/5.0 ..." 1100 14.998 [pc-dev-example-web-service-80] [] 192.168.215.1:80, 192.168.215.1:80 0, 0 5.000, 5.000 504, 504 a7c98d98ac870f64981a997cd2f373a1
//	2023/03/08 16:02:40 [error] 31#31: *569 upstream timed out (110: Operation timed out) while connecting to upstream, client: 108.162.227.25, server: dev-aws.example.com, request: "GET / HTTP/1.1", upstream: "http://192.168.215.1:80/", host: "dev-aws.example.com"
//
// The first is ingress-nginx's default log-format-upstream (the combined format, then
// $request_length $request_time [$proxy_upstream_name] [$proxy_alternative_upstream_name]
// $upstream_addr $upstream_response_length $upstream_response_time $upstream_status $req_id; a
// retried request lists every attempt's upstream, comma-separated); the second nginx's
// error_log. A 502 or 504 a client of the model saw is there, with the backend that did not
// answer; $req_id is the X-Request-ID the controller sends upstream, which vLLM puts in its
// request ids.
package nginx

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/sluice-dev/sluice/parsers"
	pu "github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/parsers/uvicorn"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// Datasets, as Filebeat's nginx module names them.
const (
	DatasetAccess  = "nginx.access"
	DatasetIngress = "nginx.ingress_controller"
	DatasetError   = "nginx.error"
)

// Fields of the formats beyond the HTTP ones uvicorn declares.
const (
	FieldBodyBytes     = "http.response.body.bytes"
	FieldRequestBytes  = "http.request.bytes"
	FieldReferrer      = "http.request.referrer"
	FieldUserAgent     = pu.FieldUserAgent
	FieldDuration      = pu.FieldEventDuration
	FieldDomain        = pu.FieldURLDomain
	FieldUpstreamName  = "nginx.ingress_controller.upstream.name"
	FieldUpstreamAddr  = "nginx.ingress_controller.upstream.address"
	FieldUpstreamCode  = "nginx.ingress_controller.upstream.response.status_code"
	FieldUpstreamTime  = "nginx.ingress_controller.upstream.response.time"
	FieldUpstreamTries = "nginx.ingress_controller.upstream.attempts"
	FieldConnection    = "nginx.error.connection_id"
)

// Info registers the parser.
var Info = parsers.Info{
	Name:        "nginx",
	Description: "nginx access lines (combined format, ingress-nginx's log-format-upstream, APISIX's, Kong's), error_log lines, and HAProxy's HTTP log",
	New:         func(parsers.Options) parsers.Parser { return New() },
	Fields: append(append(pu.Fields(pu.FieldLogMessage, event.FieldOriginFile, event.FieldOriginLine, event.FieldProcessPID, pu.FieldThread, pu.FieldHTTPRequestID, event.FieldErrorMsg, event.FieldErrorStack),
		uvicorn.Fields...),
		parsers.Field{Name: FieldBodyBytes, Type: "long", Description: "Bytes of the response body nginx sent ($body_bytes_sent)."},
		parsers.Field{Name: FieldHAProxyFrontend, Type: "keyword", Description: "HAProxy's frontend that accepted the request."},
		parsers.Field{Name: FieldHAProxyBackend, Type: "keyword", Description: "HAProxy's backend the request went to."},
		parsers.Field{Name: FieldHAProxyServer, Type: "keyword", Description: "HAProxy's server in the backend (a vLLM replica)."},
		parsers.Field{Name: FieldHAProxyState, Type: "keyword", Description: "HAProxy's termination state: ---- when the session ended normally, else who ended it and when (SC--: the server refused the connection)."},
		parsers.Field{Name: FieldRequestBytes, Type: "long", Description: "Bytes of the request, line and headers included ($request_length)."},
		parsers.Field{Name: FieldReferrer, Type: "keyword", Description: "Referer header of the request."},
		pu.Field(pu.FieldUserAgent),
		pu.Field(pu.FieldEventDuration),
		pu.Field(pu.FieldURLDomain),
		parsers.Field{Name: FieldUpstreamName, Type: "keyword", Description: "Backend ingress-nginx routed to: <namespace>-<service>-<port>."},
		parsers.Field{Name: FieldUpstreamAddr, Type: "keyword", Description: "Address of the pod that answered, or every pod tried (\"10.0.0.1:8000, 10.0.0.2:8000\") when nginx retried; error_log's upstream URL."},
		parsers.Field{Name: FieldUpstreamCode, Type: "long", Description: "Status of the last upstream attempt."},
		parsers.Field{Name: FieldUpstreamTime, Type: "double", Description: "Seconds the last upstream attempt took."},
		parsers.Field{Name: FieldUpstreamTries, Type: "long", Description: "Upstream attempts nginx made (more than 1 when it retried)."},
		parsers.Field{Name: FieldConnection, Type: "long", Description: "nginx's connection number (*569), shared by the error lines of one connection."},
	),
}

// Parser parses nginx lines. It is stateless and safe for concurrent use.
type Parser struct{}

// New returns the parser.
func New() *Parser { return &Parser{} }

// Parse recognises an nginx access or error line.
func (p *Parser) Parse(ev *event.Event) bool {
	s := ev.Message()
	if len(s) < 30 {
		return false
	}
	if c := s[0]; c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c == ':' {
		if access(ev, s) {
			return true
		}
	}
	if (s[0] == '2' || s[0] == '1') && errorLine(ev, s) {
		return true
	}
	if c := s[0]; c >= '0' && c <= '9' || c == '-' || c == ':' || c >= 'a' && c <= 'f' {
		return haproxy(ev, s)
	}
	return false
}

// access reads a combined-format line, and ingress-nginx's upstream fields after it.
func access(ev *event.Event, s string) bool {
	client, rest, ok := strings.Cut(s, " - ")
	if !ok || strings.IndexByte(client, ' ') >= 0 || client == "" {
		return false
	}
	// $remote_user, then [$time_local]
	open := strings.Index(rest[:min(len(rest), 300)], " [")
	if open < 0 {
		return false
	}
	rest = rest[open+2:]
	end := strings.IndexByte(rest, ']')
	if end < 0 {
		return false
	}
	t, ok := localTime(rest[:end])
	if !ok || len(rest) < end+3 || rest[end+1] != ' ' {
		return false
	}
	host := ""
	if rest[end+2] != '"' {
		// APISIX's default format puts $http_host after the time: "[01/Aug/2023:11:27:36 +0000]
		// apisix-admin.default.svc.cluster.local:9180 "GET ...""
		h, after, found := strings.Cut(rest[end+2:], ` "`)
		if !found || h == "" || strings.IndexByte(h, ' ') >= 0 || len(h) > 256 {
			return false
		}
		host, rest = h, `"`+after
	} else {
		rest = rest[end+2:]
	}
	request, rest, ok := cutQuoted(rest)
	if !ok {
		return false
	}
	statusText, rest, ok1 := strings.Cut(strings.TrimPrefix(rest, " "), " ")
	bytesText, rest, _ := strings.Cut(rest, " ")
	status, ok2 := pu.Atoi(statusText)
	bytes, ok3 := pu.Atoi(bytesText)
	if !ok1 || !ok2 || !ok3 || status < 100 || status > 999 {
		return false
	}

	pu.SetTime(ev, t)
	uvicorn.SetClient(ev, client)
	if host != "" && host != "-" {
		ev.SetString(FieldDomain, host)
	}
	setRequest(ev, request)
	ev.Set(event.FieldHTTPStatus, event.Int(status))
	ev.Set(FieldBodyBytes, event.Int(bytes))
	dataset := DatasetAccess
	if referrer, r, ok := cutQuoted(rest); ok {
		if referrer != "-" && referrer != "" {
			ev.SetString(FieldReferrer, referrer)
		}
		if agent, r2, ok := cutQuoted(strings.TrimPrefix(r, " ")); ok {
			if agent != "-" && agent != "" {
				ev.SetString(FieldUserAgent, agent)
			}
			if ingress(ev, strings.TrimPrefix(r2, " ")) {
				dataset = DatasetIngress
			} else if i := strings.LastIndex(r2, `request_id: "`); i >= 0 {
				// Kong's default format ends in kong_request_id: "$kong_request_id", the id its
				// error_log's request_id: names too
				if id, _, ok := strings.Cut(r2[i+len(`request_id: "`):], `"`); ok && id != "" {
					ev.SetString(pu.FieldHTTPRequestID, id)
				}
			}
		}
	}
	pu.Finish(ev, pu.DatasetOr(ev, dataset), uvicorn.StatusLevel(status))
	return true
}

// setRequest reads a request line as access logs quote it, "GET /v1/models?x=1 HTTP/1.1": its
// method, target, path, query and version.
func setRequest(ev *event.Event, request string) {
	method, target, ok := strings.Cut(request, " ")
	if !ok || method == "" || strings.Trim(method, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return
	}
	version := ""
	if sp := strings.LastIndexByte(target, ' '); sp > 0 && strings.HasPrefix(target[sp+1:], "HTTP/") {
		target, version = target[:sp], target[sp+1+len("HTTP/"):]
	}
	ev.SetString(uvicorn.FieldMethod, method)
	ev.SetString(uvicorn.FieldURLOrig, target)
	uvicorn.SetTarget(ev, target)
	if version != "" {
		ev.SetString(uvicorn.FieldVersion, version)
	}
}

// ingress reads what ingress-nginx's log-format-upstream adds after the combined format:
// "$request_length $request_time [$proxy_upstream_name] [$alternative] $upstream_addr
// $upstream_response_length $upstream_response_time $upstream_status $req_id" (before 0.23
// without [$alternative]).
func ingress(ev *event.Event, s string) bool {
	f := strings.SplitN(s, " ", 3)
	if len(f) < 3 {
		return false
	}
	length, ok1 := pu.Atoi(f[0])
	secs, err := strconv.ParseFloat(f[1], 64)
	if !ok1 || err != nil {
		return false
	}
	rest := f[2]
	if !strings.HasPrefix(rest, "[") {
		// the controller's format before 0.9 (2016): the four upstream values, no upstream's
		// name and no request id ("117 14.774 - - - -")
		groups := listGroups(rest)
		if len(groups) != 4 {
			return false
		}
		ev.Set(FieldRequestBytes, event.Int(length))
		ev.Set(FieldDuration, event.Int(int64(math.Round(secs*1e9))))
		upstream(ev, groups[0], groups[2], groups[3])
		return true
	}
	name, rest, ok := cutBracket(rest)
	if !ok {
		return false
	}
	if rest = strings.TrimPrefix(rest, " "); strings.HasPrefix(rest, "[") {
		// [$proxy_alternative_upstream_name] (0.23 and later; 0.9 to 0.22 go on with the address)
		if _, rest, ok = cutBracket(rest); !ok {
			return false
		}
	}
	ev.Set(FieldRequestBytes, event.Int(length))
	ev.Set(FieldDuration, event.Int(int64(math.Round(secs*1e9))))
	if name != "" && name != "-" {
		ev.SetString(FieldUpstreamName, name)
	}
	// the four upstream values (lists when nginx retried: "a, b" or "a : b" after an internal
	// redirect), then $req_id
	groups := listGroups(strings.TrimPrefix(rest, " "))
	if len(groups) < 5 {
		return true
	}
	upstream(ev, groups[0], groups[2], groups[3])
	if id := groups[4]; id != "" && id != "-" {
		ev.SetString(pu.FieldHTTPRequestID, id)
	}
	return true
}

// upstream sets what the ingress line says of the upstream: its address (the tries, a list when
// nginx retried), its response's time and status (the last try's).
func upstream(ev *event.Event, addr, times, codes string) {
	if addr != "-" {
		ev.SetString(FieldUpstreamAddr, addr)
		ev.Set(FieldUpstreamTries, event.Int(int64(strings.Count(addr, ",")+strings.Count(addr, " : ")+1)))
	}
	if code, ok := pu.Atoi(lastItem(codes)); ok {
		ev.Set(FieldUpstreamCode, event.Int(code))
	}
	if v, err := strconv.ParseFloat(lastItem(times), 64); err == nil {
		ev.Set(FieldUpstreamTime, event.Float(v))
	}
}

// listGroups splits "a, b c, d x y z" into the groups nginx wrote: a value, or a list of them
// joined by ", " or " : ".
func listGroups(s string) []string {
	var out []string
	for s != "" {
		end := 0
		for {
			sp := strings.IndexByte(s[end:], ' ')
			if sp < 0 {
				end = len(s)
				break
			}
			sp += end
			switch {
			case sp > 0 && s[sp-1] == ',':
				end = sp + 1 // "a, b": the list goes on
				continue
			case strings.HasPrefix(s[sp:], " : "):
				end = sp + 3
				continue
			}
			end = sp
			break
		}
		out = append(out, s[:end])
		s = strings.TrimLeft(s[end:], " ")
		if len(out) > 8 {
			break
		}
	}
	return out
}

// lastItem returns the last value of a list "a, b" or "a : b".
func lastItem(s string) string {
	if i := strings.LastIndexAny(s, ",:"); i >= 0 && i+1 < len(s) && s[i+1] == ' ' {
		return s[i+2:]
	}
	return s
}

// cutQuoted reads a "quoted" value (nginx escapes '"' as \x22) at s's start.
func cutQuoted(s string) (v, rest string, ok bool) {
	if len(s) < 2 || s[0] != '"' {
		return "", "", false
	}
	end := strings.IndexByte(s[1:], '"')
	if end < 0 {
		return "", "", false
	}
	return s[1 : end+1], s[end+2:], true
}

// cutBracket reads a [bracketed] value at s's start.
func cutBracket(s string) (v, rest string, ok bool) {
	if len(s) < 2 || s[0] != '[' {
		return "", "", false
	}
	end := strings.IndexByte(s, ']')
	if end < 0 {
		return "", "", false
	}
	return s[1:end], s[end+1:], true
}

// localTime reads $time_local: "08/Mar/2023:16:02:45 +0000".
func localTime(s string) (time.Time, bool) {
	t, err := time.Parse("02/Jan/2006:15:04:05 -0700", s)
	return t, err == nil
}

// errorLine reads an error_log line: "2023/03/08 16:02:40 [error] 31#31: *569 message, client:
// ..., server: ..., request: "GET / HTTP/1.1", upstream: "http://...", host: "...""
func errorLine(ev *event.Event, s string) bool {
	t, n, ok := pu.StdLog(s)
	if !ok || !strings.HasPrefix(s[n:], " [") {
		return false
	}
	rest := s[n+2:]
	end := strings.IndexByte(rest[:min(len(rest), 12)], ']')
	if end < 0 {
		return false
	}
	lv, ok := errorLevel(rest[:end])
	if !ok || !strings.HasPrefix(rest[end+1:], " ") {
		return false
	}
	rest = rest[end+2:]
	hash := strings.IndexByte(rest[:min(len(rest), 24)], '#')
	colon := strings.Index(rest[:min(len(rest), 32)], ": ")
	if hash <= 0 || colon <= hash {
		return false
	}
	pid, ok1 := pu.Atoi(rest[:hash])
	tid, ok2 := pu.Atoi(rest[hash+1 : colon])
	if !ok1 || !ok2 {
		return false
	}
	pu.SetDatedLocalTime(ev, t)
	ev.Set(event.FieldProcessPID, event.Int(pid))
	ev.Set(pu.FieldThread, event.Int(tid))
	msg := rest[colon+2:]
	if strings.HasPrefix(msg, "*") {
		if sp := strings.IndexByte(msg, ' '); sp > 1 {
			if c, ok := pu.Atoi(msg[1:sp]); ok {
				ev.Set(FieldConnection, event.Int(c))
				msg = msg[sp+1:]
			}
		}
	}
	if lua, ok := strings.CutPrefix(msg, "[lua] "); ok {
		// ngx.log's own line from Lua code (Kong's, APISIX's): "[lua] balancer.lua:105: msg"
		loc, text, ok := strings.Cut(lua, ": ")
		file, ln, _ := strings.Cut(loc, ":")
		if line, isNum := pu.Atoi(ln); ok && isNum && strings.HasSuffix(file, ".lua") && strings.IndexByte(file, ' ') < 0 {
			ev.SetString(event.FieldOriginFile, file)
			ev.Set(event.FieldOriginLine, event.Int(line))
			msg = text
		}
	}
	// a Lua error's traceback, which OpenResty (Kong, APISIX) puts in the message before the
	// context: "...: attempt to compare string with number\nstack traceback:\n\t[C]: in
	// function 'sort'\n\t..., client: ..."
	var stack string
	if i := strings.Index(msg, "\nstack traceback:\n"); i >= 0 {
		msg, stack = msg[:i], msg[i+1:]
		if j := strings.LastIndex(stack, ", client: "); j >= 0 {
			msg += stack[j:]
			stack = stack[:j]
		}
	}
	// the context nginx appends: ", client: 1.2.3.4, server: x, request: "GET / HTTP/1.1", ..."
	text := msg
	if i := strings.Index(msg, ", client: "); i >= 0 {
		text = msg[:i]
		errorContext(ev, msg[i+2:])
	}
	ev.SetString(pu.FieldLogMessage, text)
	if stack != "" {
		ev.SetString(event.FieldErrorStack, stack)
		if !ev.Has(event.FieldErrorMsg) {
			ev.SetString(event.FieldErrorMsg, text)
		}
	}
	pu.Finish(ev, pu.DatasetOr(ev, DatasetError), lv)
	return true
}

// errorContext reads error_log's "client: 1.2.3.4, server: x, request: "GET / HTTP/1.1",
// upstream: "http://10.0.0.5:8000/", host: "x"".
func errorContext(ev *event.Event, s string) {
	for s != "" {
		key, rest, ok := strings.Cut(s, ": ")
		if !ok {
			return
		}
		var v string
		if strings.HasPrefix(rest, `"`) {
			if v, rest, ok = cutQuoted(rest); !ok {
				return
			}
		} else {
			v, rest, _ = strings.Cut(rest, ",")
			rest = "," + rest
		}
		switch key {
		case "client":
			uvicorn.SetClient(ev, v)
		case "request":
			if method, target, ok := strings.Cut(v, " "); ok {
				if sp := strings.LastIndexByte(target, ' '); sp > 0 {
					target = target[:sp]
				}
				ev.SetString(uvicorn.FieldMethod, method)
				ev.SetString(uvicorn.FieldURLOrig, target)
				path, _, _ := strings.Cut(target, "?")
				ev.SetString(uvicorn.FieldURLPath, path)
			}
		case "upstream":
			ev.SetString(FieldUpstreamAddr, v)
		case "host":
			ev.SetString(FieldDomain, v)
		case "request_id":
			// Kong's and APISIX's error_log context, the id of the access line's request
			ev.SetString(pu.FieldHTTPRequestID, v)
		}
		s = strings.TrimPrefix(rest, ", ")
		if !strings.HasPrefix(rest, ", ") {
			return
		}
	}
}

// errorLevel maps error_log's levels.
func errorLevel(w string) (string, bool) {
	switch w {
	case "debug":
		return pu.Debug, true
	case "info", "notice":
		return pu.Info, true
	case "warn":
		return pu.Warning, true
	case "error":
		return pu.Error, true
	case "crit", "alert", "emerg":
		return pu.Critical, true
	}
	return "", false
}
