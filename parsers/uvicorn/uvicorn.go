// Package uvicorn reads the access lines of uvicorn, the ASGI server in front of vLLM's OpenAI
// API: `INFO:     10.0.0.1:53210 - "POST /v1/chat/completions HTTP/1.1" 200 OK`. The vllm
// parser calls it after removing the process prefix and the "INFO:" header, and sets the
// dataset; this package only knows the access format (uvicorn/logging.py AccessFormatter:
// `%(client_addr)s - "%(request_line)s" %(status_code)s`, status code followed by its reason
// phrase).
package uvicorn

import (
	"net/netip"
	"strings"

	"github.com/sluice-dev/sluice/parsers"
	"github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// ECS field names (http.response.status_code, which the Elasticsearch setup also uses, is
// event.FieldHTTPStatus).
const (
	FieldSourceIP   = "source.ip"
	FieldSourceAddr = "source.address"
	FieldSourcePort = "source.port"
	FieldMethod     = "http.request.method"
	FieldVersion    = "http.version"
	FieldURLPath    = "url.path"
	FieldURLQuery   = "url.query"
	FieldURLOrig    = "url.original"
)

// Fields lists what ParseAccess sets.
var Fields = []parsers.Field{
	{Name: FieldSourceIP, Type: "ip", Description: "Address of the HTTP client (or proxy) that sent the request."},
	{Name: FieldSourceAddr, Type: "keyword", Description: "The client as the line names it when that is not an IP address (a host name, a redacted 10.1.X.X): an ip field would refuse the document."},
	{Name: FieldSourcePort, Type: "long", Description: "Port of the HTTP client."},
	{Name: FieldMethod, Type: "keyword", Description: "HTTP request method (POST, GET)."},
	{Name: FieldVersion, Type: "keyword", Description: "HTTP protocol version (1.1, 2)."},
	{Name: event.FieldHTTPStatus, Type: "long", Description: "HTTP response status code."},
	{Name: FieldURLPath, Type: "wildcard", Description: "Path of the request URL (/v1/chat/completions)."},
	{Name: FieldURLQuery, Type: "keyword", Description: "Query string of the request URL, without '?'."},
	{Name: FieldURLOrig, Type: "wildcard", Description: "Request target as written in the request line."},
}

// StatusLevel is the level of an access line by its status, not by the server's INFO: an error
// for a 5xx, a warning for a 4xx, so that a search for errors finds failed requests.
func StatusLevel(status int64) string {
	switch {
	case status >= 500:
		return "error"
	case status >= 400:
		return "warning"
	}
	return "info"
}

// Field returns the declaration of one of the access fields, for a parser of another format
// that sets it. An unknown name is a programming error and panics at start-up.
func Field(name string) parsers.Field {
	for _, f := range Fields {
		if f.Name == name {
			return f
		}
	}
	panic("uvicorn: no access field " + name)
}

// Access is one access line taken apart.
type Access struct {
	IP      string
	Port    int64 // -1 when the line names no port
	Method  string
	Target  string
	Path    string
	Query   string
	Version string
	Status  int64
	PID     int64 // the worker's pid KServe's access formatter writes after the client, 0 without one
}

// Split reads an access line's body (after "INFO:     "). ok is false when body is not one.
func Split(body string) (a Access, ok bool) {
	if strings.HasPrefix(body, `- "`) {
		body = " " + body // no client; the padding before it was trimmed
	}
	var client, rest string
	var found bool
	if t, ok := strings.CutPrefix(body, "('"); ok {
		// a WebSocket's line, whose client uvicorn writes as Python's tuple: "('127.0.0.1',
		// 52376) - \"WebSocket /v1/responses\" 403"
		var tuple string
		if tuple, rest, found = strings.Cut(t, `) - "`); !found {
			return a, false
		}
		ip, port, ok := strings.Cut(tuple, "', ")
		port, _, _ = strings.Cut(port, ",") // (an IPv6 client's flow and scope after its port)
		if !ok || strings.ContainsAny(ip, " '") {
			return a, false
		}
		client = "[" + ip + "]:" + port // (the brackets an IPv6 address needs; read off below)
	} else {
		client, rest, found = strings.Cut(body, ` - "`)
	}
	if sp := strings.IndexByte(client, ' '); found && sp >= 0 {
		// KServe's access formatter puts its pid after the client: '%(client_addr)s
		// %(process)s - "%(request_line)s" %(status_code)s'
		if pid, ok := parseutil.Atoi(client[sp+1:]); ok {
			client, a.PID = client[:sp], pid
		}
	}
	if !found || strings.IndexByte(client, ' ') >= 0 {
		return a, false
	}
	a.Port = -1
	if client != "" && client != "-" {
		ip, port, ok := clientAddr(client)
		if !ok {
			return a, false
		}
		a.IP, a.Port = ip, port
	}
	q := strings.LastIndexByte(rest, '"')
	if q < 0 {
		return a, false
	}
	reqLine, tail := rest[:q], rest[q+1:]
	if len(tail) < 4 || tail[0] != ' ' {
		return a, false
	}
	status, ok := parseutil.Atoi(tail[1:4])
	if !ok || status < 100 || (len(tail) > 4 && tail[4] != ' ') {
		return a, false
	}
	a.Status = status
	if target, ok := strings.CutPrefix(reqLine, "WebSocket "); ok && target != "" && strings.IndexByte(target, ' ') < 0 {
		// uvicorn's WebSocket handshake, refused or accepted: no method or version on the line;
		// the opening handshake is a GET (RFC 6455)
		a.Method, a.Target = "GET", target
		a.Path, a.Query, _ = strings.Cut(a.Target, "?")
		return a, true
	}
	method, rest2, ok1 := strings.Cut(reqLine, " ")
	sp := strings.LastIndexByte(rest2, ' ')
	if !ok1 || sp < 0 || !strings.HasPrefix(rest2[sp+1:], "HTTP/") || !isToken(method) {
		return a, false
	}
	a.Method, a.Target, a.Version = method, rest2[:sp], rest2[sp+1+len("HTTP/"):]
	a.Path, a.Query, _ = strings.Cut(a.Target, "?")
	return a, true
}

// SetClient sets source.ip to addr when it is an IP address, else source.address: Elasticsearch
// refuses a whole document whose ip field holds anything else.
func SetClient(ev *event.Event, addr string) {
	if IsIP(addr) {
		ev.SetString(FieldSourceIP, addr)
	} else {
		ev.SetString(FieldSourceAddr, addr)
	}
}

// SetTarget sets url.path to a request target's path and url.query to its query string, without
// the '?', when it has one.
func SetTarget(ev *event.Event, target string) {
	path, query, _ := strings.Cut(target, "?")
	setPath(ev, path, query)
}

func setPath(ev *event.Event, path, query string) {
	ev.SetString(FieldURLPath, path)
	if query != "" {
		ev.SetString(FieldURLQuery, query)
	}
}

// IsIP reports whether s is an IPv4 or IPv6 address, what an ip field takes.
func IsIP(s string) bool {
	_, err := netip.ParseAddr(s)
	return err == nil
}

// Set writes a's ECS fields into ev.
func (a Access) Set(ev *event.Event) {
	if a.IP != "" {
		SetClient(ev, a.IP)
	}
	if a.Port >= 0 {
		ev.Set(FieldSourcePort, event.Int(a.Port))
	}
	ev.SetString(FieldMethod, a.Method)
	if a.Version != "" { // (a WebSocket handshake's line names none)
		ev.SetString(FieldVersion, a.Version)
	}
	ev.Set(event.FieldHTTPStatus, event.Int(a.Status))
	ev.SetString(FieldURLOrig, a.Target)
	setPath(ev, a.Path, a.Query)
	if a.PID > 0 {
		ev.Set(event.FieldProcessPID, event.Int(a.PID))
	}
}

func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return s != ""
}

// SplitAiohttp reads an access line in aiohttp's default format ('%a %t "%r" %s %b
// "%{Referer}i" "%{User-Agent}i"'), which SGLang's disaggregation bootstrap server and
// Mooncake's metadata server write through SGLang's logger: `10.6.131.5
// [14/Apr/2025:03:56:41 +0000] "GET /metadata?key=... HTTP/1.1" 404 185 "-" "-"`. It has no
// port.
func SplitAiohttp(body string) (a Access, ok bool) {
	client, _, found := strings.Cut(body[:min(len(body), 64)], " [")
	if !found || client == "" || !IsIP(client) {
		return a, false
	}
	rest := body[len(client)+2:]
	end := strings.Index(rest[:min(len(rest), 40)], `] "`)
	if end < 20 {
		return a, false
	}
	req := rest[end+3:]
	q := strings.Index(req, `" `)
	if q < 0 || len(req) < q+5 {
		return a, false
	}
	status, ok := parseutil.Atoi(req[q+2 : q+5])
	if !ok || status < 100 || status > 599 || len(req) > q+5 && req[q+5] != ' ' {
		return a, false
	}
	method, target, ok1 := strings.Cut(req[:q], " ")
	sp := strings.LastIndexByte(target, ' ')
	if !ok1 || sp < 0 || !strings.HasPrefix(target[sp+1:], "HTTP/") || !isToken(method) {
		return a, false
	}
	a.IP, a.Port, a.Status = client, -1, status
	a.Method, a.Target, a.Version = method, target[:sp], target[sp+1+len("HTTP/"):]
	a.Path, a.Query, _ = strings.Cut(a.Target, "?")
	return a, true
}

// clientAddr reads an access line's client, "host:port" ("[v6]:port"), or an IPv4 address
// alone (a proxy's middleware that left the client's port out: "127.0.0.1 - \"GET /health
// HTTP/1.1\" 200 OK"), its port -1 then.
func clientAddr(client string) (ip string, port int64, ok bool) {
	c := strings.LastIndexByte(client, ':')
	if c <= 0 {
		if addr, err := netip.ParseAddr(client); err == nil && addr.Is4() {
			return client, -1, true
		}
		return "", 0, false
	}
	port, ok = parseutil.Atoi(client[c+1:])
	if !ok || port > 65535 {
		return "", 0, false
	}
	return strings.Trim(client[:c], "[]"), port, true
}
