// Package gin parses the lines of Gin, the Go web framework behind Ollama's API and many Go
// services beside a model server: its request logger's access line and its debug lines.
//
//	[GIN] 2024/11/15 - 14:31:37 | 200 |   57.948877ms |       127.0.0.1 | POST     "/api/show"
//	[GIN-debug] [WARNING] Running in "debug" mode. Switch to "release" mode in production.
//	[GIN-debug] GET    /api/tags                 --> github.com/ollama/ollama/server.(*Server).ListHandler-fm (5 handlers)
//
// The access line is gin's default formatter (logger.go, defaultLogFormatter): "[GIN] " then the
// time as "2006/01/02 - 15:04:05" in the process's zone, and " | "-separated status (%3d), latency
// (a Go duration, %13v), client IP (%15s) and method (%-7s) with the path quoted Go's way (%#v).
// On a terminal the status and method are wrapped in ANSI colours, which are skipped here.
package gin

import (
	"strconv"
	"strings"
	"time"

	"github.com/sluice-dev/sluice/parsers"
	pu "github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/parsers/uvicorn"
	"github.com/sluice-dev/sluice/parsers/vllm"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// Datasets.
const (
	DatasetAccess = "gin.access"
	Dataset       = "gin.server"
)

// Info registers the parser.
var Info = parsers.Info{
	Name:        "gin",
	Description: "Gin's request log ([GIN] date - time | status | latency | client | method \"path\"), as Ollama and Go services write it, and its [GIN-debug] lines",
	New:         func(parsers.Options) parsers.Parser { return New() },
	Fields: append(pu.Fields(pu.FieldLogMessage, pu.FieldEventDuration),
		uvicorn.Field(uvicorn.FieldSourceIP), uvicorn.Field(uvicorn.FieldSourceAddr), uvicorn.Field(uvicorn.FieldMethod),
		uvicorn.Field(event.FieldHTTPStatus), uvicorn.Field(uvicorn.FieldURLPath), uvicorn.Field(uvicorn.FieldURLQuery)),
}

// Parser parses Gin's lines. It is stateless and safe for concurrent use.
type Parser struct{}

// New returns the parser.
func New() *Parser { return &Parser{} }

// Parse reads an access line or a debug line.
func (p *Parser) Parse(ev *event.Event) bool {
	s := ev.Message()
	switch {
	case strings.HasPrefix(s, "[GIN] "):
		return access(ev, s[len("[GIN] "):])
	case strings.HasPrefix(s, "[GIN-debug] "):
		return debug(ev, s[len("[GIN-debug] "):])
	}
	return false
}

// access reads what follows "[GIN] ".
func access(ev *event.Event, s string) bool {
	const layout = "2006/01/02 - 15:04:05"
	if len(s) < len(layout)+3 {
		return false
	}
	t, err := time.Parse(layout, s[:len(layout)])
	if err != nil {
		return false
	}
	cols := strings.SplitN(s[len(layout):], "|", 5) // the path may hold a '|'
	if len(cols) != 5 || strings.TrimSpace(cols[0]) != "" {
		return false
	}
	status, ok := pu.Atoi(strings.TrimSpace(vllm.StripANSI(cols[1])))
	if !ok || status < 100 || status > 999 {
		return false
	}
	method, path, ok := strings.Cut(strings.TrimSpace(vllm.StripANSI(cols[4])), " ")
	if !ok || method == "" {
		return false
	}
	path = strings.TrimSpace(path)
	if q, err := strconv.Unquote(path); err == nil {
		path = q
	} else {
		return false
	}
	ev.SetString(uvicorn.FieldMethod, method)
	if path != "" {
		uvicorn.SetTarget(ev, path)
	}
	ev.Set(event.FieldHTTPStatus, event.Int(status))
	if d, err := time.ParseDuration(strings.TrimSpace(cols[2])); err == nil && d >= 0 {
		ev.Set(pu.FieldEventDuration, event.Int(int64(d)))
	}
	if ip := strings.TrimSpace(cols[3]); ip != "" {
		uvicorn.SetClient(ev, ip)
	}
	pu.SetDatedLocalTime(ev, t) // (its stamp states the year a syslog header lacks)
	pu.Finish(ev, DatasetAccess, uvicorn.StatusLevel(status))
	return true
}

// debug reads what follows "[GIN-debug] ": gin's debugPrint, which writes only in debug mode,
// with "[WARNING] " or "[ERROR] " before a warning's or an error's text.
func debug(ev *event.Event, s string) bool {
	level := pu.Debug
	switch {
	case strings.HasPrefix(s, "[WARNING] "):
		level, s = pu.Warning, s[len("[WARNING] "):]
	case strings.HasPrefix(s, "[ERROR] "):
		level, s = pu.Error, s[len("[ERROR] "):]
		ev.SetString(event.FieldErrorMsg, s)
	}
	ev.SetString(pu.FieldLogMessage, s)
	pu.Finish(ev, Dataset, level)
	return true
}
