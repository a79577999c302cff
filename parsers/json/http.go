package json

import (
	"strings"
	"time"

	"github.com/tidwall/gjson"

	pu "github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/parsers/uvicorn"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/event/eventjson"
)

// httpRequest moves the members of a router's or server's line about an HTTP request to their
// ECS fields: an HTTP method with the path or the status ("method":"GET","path":"/v1/models",
// "status":200, NVIDIA Dynamo's JSONL frontend), the request id with them (or on any tracing
// line, as the tracing parser reads request_id=), the header X-Request-Id by its name (the
// llm-d inference scheduler's "x-request-id"), and the latency such a line states.
func httpRequest(ev *event.Event, tracing bool) {
	const f = pu.FieldLogFields + "."
	method, _ := ev.GetString(f + "method")
	status, _ := ev.Get(f + "status")
	path, _ := ev.GetString(f + "path")
	if path == "" {
		path, _ = ev.GetString(f + "uri")
	}
	code := int64(0)
	if status.Kind() == event.KindInt && status.Int() >= 100 && status.Int() <= 599 {
		code = status.Int()
	} else if n, ok := pu.Atoi(status.Str()); ok && status.Kind() == event.KindString && n >= 100 && n <= 599 {
		code = n // Dynamo 1.6's JSONL frontend quotes it: "status":"404"
	}
	request := httpMethod(method) && (code != 0 || strings.HasPrefix(path, "/"))
	for _, k := range [...]string{f + "x-request-id", f + "X-Request-Id", f + "x_request_id", f + "request_id"} {
		if id, ok := ev.GetString(k); ok && id != "" && (k != f+"request_id" || request || tracing) {
			ev.SetString(pu.FieldHTTPRequestID, id)
			ev.Delete(k)
			break
		}
	}
	if !request {
		return
	}
	ev.SetString(uvicorn.FieldMethod, method)
	ev.Delete(f + "method")
	if code != 0 {
		ev.Set(event.FieldHTTPStatus, event.Int(code))
		ev.Delete(f + "status")
	}
	if strings.HasPrefix(path, "/") {
		uvicorn.SetTarget(ev, path)
		ev.Delete(f + "path")
		ev.Delete(f + "uri")
	}
	if v, ok := ev.GetString(f + "version"); ok && strings.HasPrefix(v, "HTTP/") && len(v) > len("HTTP/") {
		// Dynamo's frontend: "version":"HTTP/1.1", as an access line's protocol
		ev.SetString(uvicorn.FieldVersion, v[len("HTTP/"):])
		ev.Delete(f + "version")
	}
	if ms, ok := ev.Get(f + "latency_ms"); ok {
		// Dynamo 1.6's frontend: the request's latency in milliseconds, quoted or not
		n, isNum := int64(0), false
		switch ms.Kind() {
		case event.KindInt:
			n, isNum = ms.Int(), true
		case event.KindString:
			n, isNum = pu.Atoi(ms.Str())
		}
		if isNum && n >= 0 {
			ev.Set(pu.FieldEventDuration, event.Int(n*int64(time.Millisecond)))
			ev.Delete(f + "latency_ms")
		}
	}
	if lat, ok := ev.GetString(f + "latency"); ok {
		if d, ok := duration(lat); ok {
			ev.Set(pu.FieldEventDuration, event.Int(d.Nanoseconds()))
			ev.Delete(f + "latency")
		}
	}
}

// cloudHTTPRequest reads Google's HttpRequest object: its method, URL, status, latency
// ("0.001448584s"), client, user agent and protocol; the rest of it stays under
// log.fields.httpRequest. A line without a level of its own gets its status's, as an access
// line does. It reports false, leaving the object to log.fields, without a method.
func cloudHTTPRequest(ev *event.Event, v gjson.Result, rec *Record) bool {
	if v.Get("requestMethod").Type != gjson.String {
		return false
	}
	const f = pu.FieldLogFields + ".httpRequest."
	n := 0
	v.ForEach(func(k, m gjson.Result) bool {
		switch {
		case k.Str == "requestMethod":
			ev.SetString(uvicorn.FieldMethod, m.Str)
		case k.Str == "requestUrl" && m.Type == gjson.String:
			ev.SetString(uvicorn.FieldURLOrig, m.Str)
			if strings.HasPrefix(m.Str, "/") {
				uvicorn.SetTarget(ev, m.Str)
			}
		case k.Str == "status" && m.Type == gjson.Number && m.Num >= 100 && m.Num <= 599:
			ev.Set(event.FieldHTTPStatus, event.Int(m.Int()))
			if rec.Level == "" {
				rec.Level = uvicorn.StatusLevel(m.Int())
			}
		case k.Str == "latency" && m.Type == gjson.String:
			if d, ok := duration(m.Str); ok {
				ev.Set(pu.FieldEventDuration, event.Int(d.Nanoseconds()))
			}
		case k.Str == "userAgent" && m.Type == gjson.String && m.Str != "":
			ev.SetString(pu.FieldUserAgent, m.Str)
		case k.Str == "remoteIp" && m.Type == gjson.String && m.Str != "":
			host, port := m.Str, ""
			if i := strings.LastIndexByte(m.Str, ':'); i > 0 && strings.Count(m.Str, ":") == 1 || strings.HasPrefix(m.Str, "[") {
				host, port = m.Str[:i], m.Str[i+1:]
			}
			uvicorn.SetClient(ev, strings.Trim(host, "[]"))
			if p, ok := pu.Atoi(port); ok {
				ev.Set(uvicorn.FieldSourcePort, event.Int(p))
			}
		case k.Str == "protocol" && strings.HasPrefix(m.Str, "HTTP/"):
			ev.SetString(uvicorn.FieldVersion, m.Str[len("HTTP/"):])
		default:
			eventjson.FlattenResult(ev, f+k.Str, m, &n)
		}
		return true
	})
	return true
}

// httpMethod reports whether s is an HTTP method.
func httpMethod(s string) bool {
	switch s {
	case "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS",
		// and the others a proxy passes on: CONNECT, TRACE, WebDAV's (a calendar's REPORT)
		"CONNECT", "TRACE", "PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK", "REPORT", "SEARCH":
		return true
	}
	return false
}

// duration reads a latency as a router writes it: "0 ms", "12.5ms", "1.2s", "850µs".
func duration(s string) (time.Duration, bool) {
	d, err := time.ParseDuration(strings.ReplaceAll(s, " ", ""))
	return d, err == nil && d >= 0
}

// DatasetTraefikAccess is the dataset of Traefik's access log, the ingress in front of a vLLM
// service on k3s and many clusters.
const DatasetTraefikAccess = "traefik.access"

// traefikAccess reads Traefik's JSON access log (its field names: DownstreamStatus,
// RequestMethod, RequestPath, Duration in ns, ClientHost, StartUTC): status, method, path,
// duration, client and the request's start as @timestamp. Its level is the status's, as an
// access line's is: the log states info for every request; a status of 0 is a request that got
// no response (a streamed completion cut off). It reports false without a method.
func traefikAccess(ev *event.Event) (level string, ok bool) {
	const f = pu.FieldLogFields + "."
	method, _ := ev.GetString(f + "RequestMethod")
	status, _ := ev.Get(f + "DownstreamStatus")
	if !httpMethod(method) || status.Kind() != event.KindInt {
		return "", false
	}
	ev.SetString(uvicorn.FieldMethod, method)
	code := status.Int()
	if code >= 100 && code <= 599 {
		ev.Set(event.FieldHTTPStatus, event.Int(code))
	}
	if path, _ := ev.GetString(f + "RequestPath"); strings.HasPrefix(path, "/") {
		uvicorn.SetTarget(ev, path)
	}
	if d, _ := ev.Get(f + "Duration"); d.Kind() == event.KindInt && d.Int() >= 0 {
		ev.Set(pu.FieldEventDuration, event.Int(d.Int()))
	}
	if host, _ := ev.GetString(f + "ClientHost"); host != "" {
		uvicorn.SetClient(ev, host)
	}
	if st, _ := ev.GetString(f + "StartUTC"); st != "" {
		if t, n, ok := pu.RFC3339(st); ok && n == len(st) && pu.Zoned(st) {
			pu.SetTime(ev, t)
		}
	}
	if code == 0 {
		return pu.Error, true // no response went out
	}
	return uvicorn.StatusLevel(code), true
}
