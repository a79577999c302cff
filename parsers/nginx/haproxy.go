package nginx

import (
	"strings"
	"time"

	pu "github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/parsers/uvicorn"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// HAProxy's HTTP log (option httplog), the load balancer some put in front of vLLM replicas:
//
//	10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 {1wt.eu} {} "GET /index.html HTTP/1.1"
//
// the client and its port, the accept time (the writer's local time, to the millisecond), the
// frontend ("~" after it for TLS), backend/server, the timers Tq/Tw/Tc/Tr/Ta in milliseconds (-1
// for a step never reached), the status, the bytes, the captured cookies, the termination state,
// the connection counts, the queues, the captured headers in braces, and the request.

// HAProxy's fields, as Filebeat's haproxy module names them.
const (
	DatasetHAProxy       = "haproxy.log"
	FieldHAProxyFrontend = "haproxy.frontend_name"
	FieldHAProxyBackend  = "haproxy.backend_name"
	FieldHAProxyServer   = "haproxy.server_name"
	FieldHAProxyState    = "haproxy.termination_state"
)

// haproxy reads an HTTP log line.
func haproxy(ev *event.Event, s string) bool {
	client, rest, ok := strings.Cut(s, " [")
	if !ok || strings.IndexByte(client, ' ') >= 0 || strings.LastIndexByte(client, ':') < 1 {
		return false
	}
	stamp, rest, ok := strings.Cut(rest, "] ")
	if !ok || len(stamp) < 20 {
		return false
	}
	t, err := time.Parse("02/Jan/2006:15:04:05.000", stamp)
	if err != nil {
		return false
	}
	f := strings.SplitN(rest, " ", 10)
	if len(f) < 10 {
		return false
	}
	frontend, backend := strings.TrimSuffix(f[0], "~"), f[1]
	i := 2
	if strings.Count(f[i], "/") != 4 {
		i++ // a field a custom log-format put before the timers (the host)
	}
	timers := strings.Split(f[i], "/")
	status, ok1 := pu.Atoi(f[i+1])
	bytes, ok2 := pu.Atoi(strings.TrimPrefix(f[i+2], "+"))
	if len(timers) != 5 || !ok1 || !ok2 || status < -1 || status > 999 || !strings.Contains(backend, "/") && backend != "<NOSRV>" {
		return false
	}
	if status < 0 {
		status = 0 // -1: no response was sent
	}
	total, ok := pu.Atoi(strings.TrimPrefix(timers[4], "+"))
	if !ok {
		return false
	}
	pu.SetDatedLocalTime(ev, t)
	if c := strings.LastIndexByte(client, ':'); c > 0 {
		ip, port := strings.Trim(client[:c], "[]"), client[c+1:]
		if ip != "-" {
			uvicorn.SetClient(ev, ip)
		}
		if p, ok := pu.Atoi(port); ok {
			ev.Set(uvicorn.FieldSourcePort, event.Int(p))
		}
	}
	ev.SetString(FieldHAProxyFrontend, frontend)
	if b, srv, ok := strings.Cut(backend, "/"); ok {
		ev.SetString(FieldHAProxyBackend, b)
		if srv != "<NOSRV>" {
			ev.SetString(FieldHAProxyServer, srv)
		}
	}
	if total >= 0 {
		ev.Set(FieldDuration, event.Int(total*int64(time.Millisecond)))
	}
	if status > 0 {
		ev.Set(event.FieldHTTPStatus, event.Int(status))
	}
	ev.Set(FieldBodyBytes, event.Int(bytes))
	if j := i + 5; j < len(f) {
		if state := f[j]; len(state) == 4 {
			ev.SetString(FieldHAProxyState, state) // "----", or why the session ended: "CD--", "sH--"
		}
	}
	if q := strings.IndexByte(rest, '"'); q >= 0 && strings.HasSuffix(rest, `"`) && q < len(rest)-1 {
		setRequest(ev, rest[q+1:len(rest)-1])
	}
	level := uvicorn.StatusLevel(status)
	if status == 0 || status >= 500 && total < 0 {
		level = pu.Error // no answer at all: the server was never reached, or the client gave up
	}
	pu.Finish(ev, pu.DatasetOr(ev, DatasetHAProxy), level)
	return true
}
