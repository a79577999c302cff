// Package json parses log lines that are one JSON object each (zap, logrus' JSON formatter, slog's
// JSON handler, Python JSON loggers): the well-known keys become @timestamp, log.level,
// log.message, log.logger, log.origin.* and error.*, every other member goes under log.fields.
// Its flattening (pipeline/event/eventjson) is shared with other components that carry JSON.
package json

import (
	stdjson "encoding/json"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/sluice-dev/sluice/parsers"
	"github.com/sluice-dev/sluice/parsers/envoy"
	"github.com/sluice-dev/sluice/parsers/java"
	"github.com/sluice-dev/sluice/parsers/nodejs"
	"github.com/sluice-dev/sluice/parsers/nvidia_xid"
	pu "github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/parsers/pylog"
	"github.com/sluice-dev/sluice/parsers/tracing"
	"github.com/sluice-dev/sluice/parsers/uvicorn"
	"github.com/sluice-dev/sluice/parsers/vllm"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/event/eventjson"
)

// Dataset is the dataset of JSON lines from containers outside the GPU stack.
const Dataset = "generic.json"

// Info registers the parser.
var Info = parsers.Info{
	Name:        "json",
	Description: "one JSON object per line (zap, logrus/slog JSON, Python JSON loggers)",
	New:         func(o parsers.Options) parsers.Parser { return NewWith(o) },
	Fields: parsers.Union(append(pu.StructuredFields[:len(pu.StructuredFields):len(pu.StructuredFields)],
		pu.Field(pu.FieldEventReason),
		parsers.Field{Name: event.FieldErrorType, Type: "keyword", Description: "Exception class an ECS logger gives (Elasticsearch's java.lang.IllegalArgumentException), or an application logger's error_type, exc_type or exception_type field (structlog's BadRequestError)."},
		parsers.Field{Name: "service.name", Type: "keyword", Description: "Service an ECS logger names itself as (filebeat, ES_ECS)."},
		parsers.Field{Name: "process.thread.name", Type: "keyword", Description: "Thread an ECS logger names (Elasticsearch's elasticsearch[node-0][masterService#updateTask][T#1])."},
		parsers.Field{Name: "elasticsearch.node.name", Type: "keyword", Description: "Node an Elasticsearch or OpenSearch line names: its ECS JSON's elasticsearch.node.name, the plain layout's [node] ([o.e.n.Node] [es-master-0] started)."},
		pu.Field(FieldOrchNamespace), pu.Field(FieldOrchResourceType), pu.Field(FieldOrchResourceName),
		pu.Field(event.FieldProcessPID), pu.Field(event.FieldProcessName), pu.Field(pu.FieldEventDuration), pu.Field(pu.FieldUserAgent), pu.Field(pu.FieldHTTPRequestID),
		xidField(nvidia_xid.FieldUUID), xidField(nvidia_xid.FieldPCIBusID),
		parsers.Field{Name: FieldTraceID, Type: "keyword", Description: "The distributed trace a record belongs to (OpenTelemetry's trace id, from trace_id or traceId: NVIDIA Dynamo's JSONL, an OpenTelemetry SDK's records): the record and the trace are found by one another."},
		parsers.Field{Name: FieldSpanID, Type: "keyword", Description: "The span of the trace a record was written in (span_id or spanId)."}),
		envoy.AccessFields, uvicorn.Fields, vllm.MessageFields, vllm.ProcessFields),
}

// xidField returns the nvidia_xid parser's declaration of a GPU's field, which the JSON lines
// of GPU health agents give too.
func xidField(name string) parsers.Field {
	for _, f := range nvidia_xid.Info.Fields {
		if f.Name == name {
			return f
		}
	}
	panic("json: nvidia_xid declares no " + name)
}

// Parser parses JSON lines. It is safe for concurrent use.
type Parser struct {
	vllm *vllm.Parser // reads the messages of vLLM's loggers, prompts as the options say
}

// New returns the parser with the default options.
func New() *Parser { return NewWith(parsers.Options{}) }

// NewWith returns the parser with the options of the chain it runs in.
func NewWith(o parsers.Options) *Parser {
	return &Parser{vllm: vllm.Info.New(o).(*vllm.Parser)}
}

// Parse recognises a line that is a JSON object.
func (p *Parser) Parse(ev *event.Event) bool {
	rec, ok := Walk(ev, ev.Message())
	if !ok {
		return false
	}
	p.Finish(ev, rec, "")
	return true
}

// Finish sets the dataset and level of a line Walk read: the writing container's GPU-stack
// dataset, else what the line is (klog's JSON form, a Kubernetes event, a Python logger's, vLLM's
// JSON formatter's), else dataset when not "", else generic.json. Parsers of JSON formats of
// their own (the GPU operator's zap lines) call it for the lines they take.
func (p *Parser) Finish(ev *event.Event, rec Record, dataset string) {
	if dataset == "" {
		dataset = rec.dataset
	}
	if rec.dataset == "deprecation.elasticsearch" && rec.Level == pu.Critical {
		// Elasticsearch's deprecation logger's CRITICAL (between WARN and ERROR) says a
		// feature in use goes in the next major version: a warning, not a failure
		rec.Level = pu.Warning
	}
	if dataset == "" && rec.tracing {
		dataset = tracing.TargetDataset(rec.Logger) // as the same program's lines in tracing's text layout
		if f, _ := ev.GetString(event.FieldOriginFile); dataset == tracing.Dataset && strings.Contains(f, "/site-packages/dynamo/") {
			// Dynamo's Python components through the log crate ("target":"log", their module
			// in log.target): Dynamo's by the package their file is in
			dataset = tracing.DatasetDynamo
		}
	}
	if dataset == "" && rec.Logger == "" && vllm.RequestMessage(rec.text) {
		// vLLM's request lines through a JSON formatter that writes only the message (the
		// example VLLM_LOGGING_CONFIG_PATH configures): read as vLLM's, its prompt as the
		// options say, wherever the container's name does not say vLLM
		dataset = pylog.DatasetVLLM
	}
	logger := rec.Logger
	if logger == "" && rec.pyPath != "" {
		logger = pathLogger(rec.pyPath)
	}
	ds := datasetOf(ev, logger, dataset)
	if name, ok := ev.GetString(pu.FieldLogFields + ".vllm_process_name"); ok && name != "" {
		vllmProcess(ev, name)
	}
	if logger == "uvicorn.access" && ds != vllm.DatasetAccess {
		if a, ok := uvicorn.Split(rec.text); ok {
			// uvicorn's access line through a formatter that names only its file (NVIDIA NIM's
			// JSON, whose server is vLLM's OpenAI server): an access line, its container's
			// server's (the parse processor's); another FastAPI service's route in a container
			// not named for vLLM is that service's, as in uvicorn's text
			ds = vllm.DatasetAccess
			if vllm.OtherServiceAccess(ev, a.Path) {
				ds = vllm.DatasetUvicornAccess
			}
			ev.SetString(event.FieldDataset, ds)
		}
	}
	switch {
	case ds == pylog.DatasetVLLM && rec.text != "":
		// engine stats, the request lifecycle, the error; a prompt goes as the options say
		line, text := ev.Message(), rec.text
		if st, ok := ev.GetString(event.FieldErrorStack); ok && strings.HasPrefix(st, vllm.TracebackHeader) &&
			!strings.Contains(text, vllm.TracebackHeader) {
			// logger.exception's traceback in a member of its own (exc_info): read under the
			// message, as the text layout prints it
			text += "\n" + st
		}
		p.vllm.ParseMessage(ev, text, rec.Level)
		if m := ev.Message(); m != line {
			ev.SetMessage(rec.carry(line, m))
			ev.SetString(pu.FieldLogMessage, m)
		}
	case ds != vllm.DatasetAccess && (ds == pylog.DatasetLiteLLM || pu.ServingComponent(ev) == "litellm") && rec.text != "" && !ev.Has(event.FieldErrorType):
		// LiteLLM's JSON_LOGS records: the same messages as its text layout's, the colours its
		// router puts around an exception kept in them ("... \u001b[31m Exception
		// litellm.Timeout: APITimeoutError - Request timed out. ...\u001b[0m"): the exception's
		// class and text, as the text layout gives them
		text := vllm.StripANSI(rec.text)
		if text != rec.text {
			ev.SetString(pu.FieldLogMessage, text)
		}
		if typ, msg := pylog.LiteLLMException(text); typ != "" {
			ev.SetString(event.FieldErrorType, typ)
			ev.SetString(event.FieldErrorMsg, msg)
		}
	case (ds == vllm.DatasetAccess || ds == vllm.DatasetUvicornAccess) && rec.text != "":
		if a, ok := uvicorn.Split(rec.text); ok {
			a.Set(ev)
			rec.Level = uvicorn.StatusLevel(int64(a.Status))
		}
		if comp := pu.ServingComponent(ev); comp != "" && logger == "uvicorn.access" {
			// a serving component's uvicorn through its JSON logging (LiteLLM's JSON_LOGS:
			// "component": "uvicorn.access"): its access dataset, as its text lines'
			ds = comp + ".access"
		}
	}
	if strings.HasPrefix(rec.text, vllm.TracebackHeader) && !ev.Has(event.FieldErrorStack) {
		// a Python record whose message is a traceback (logger.error(traceback.format_exc()),
		// uvicorn's lifespan cancelled at shutdown): the exception it ends in names the error
		vllm.SetTraceback(ev, rec.text)
	} else if i := strings.Index(rec.text, ": "+vllm.TracebackHeader+"\n"); i > 0 && i < 200 && !ev.Has(event.FieldErrorStack) {
		// the same after a word of its own (Dynamo's engine monitor: logger.error(f"Traceback:
		// {traceback.format_exc()}"))
		vllm.SetTraceback(ev, rec.text[i+2:])
	}
	if (rec.Level == pu.Error || rec.Level == pu.Critical) && !ev.Has(vllm.FieldErrorKind) &&
		(strings.Contains(rec.text, "vLLM") || strings.Contains(rec.text, "vllm.")) {
		// vLLM's failure relayed by the program around it (Dynamo's worker: "vLLM EngineDeadError:
		// EngineCore encountered an issue. ..."): its class, as on vLLM's own lines
		if k := vllm.Classify(rec.text); k != "" {
			ev.SetString(vllm.FieldErrorKind, k)
		}
	}
	if rec.request && !rec.envoy { // Envoy's access log has its own names for these (envoy.Access)
		httpRequest(ev, rec.tracing)
	}
	if rec.Level == "" && strings.HasPrefix(rec.text, "[") {
		rec.Level = nimLine(ev, rec.text)
	}
	if rec.Level == "" && rec.klog() {
		rec.Level, ds = rec.klogLevel(), DatasetKlog
	}
	if rec.k8sEvent && kubernetesEvent(ev, &rec) {
		ds = DatasetK8sEvent
	} else if rec.object {
		aboutObject(ev, rec.Logger, rec.node)
	}
	if rec.Logger == "events" && !rec.klog() {
		rec.Level = LoggedEvent(ev, rec.Level) // controller-runtime's events logger in zap's JSON
	}
	if rec.Logger == "events" && (rec.Level == pu.Debug || rec.Level == pu.Info) {
		// an event the controller records as a Warning, which its logger writes at debug or
		// info: the event's type is its level, as the klog parser reads the recorder's lines
		if t, _ := ev.GetString(pu.FieldLogFields + ".type"); t == "Warning" {
			rec.Level = pu.Warning
		}
	}
	if rec.klog() {
		rec.Level = klogRecord(ev, rec.Level)
	}
	if rec.envoy {
		if lv, ok := envoy.Access(ev, pu.FieldLogFields+"."); ok {
			ds = envoy.DatasetAccess
			if rec.Level == "" {
				rec.Level = lv
			}
		}
	}
	if rec.traefik {
		if lv, ok := traefikAccess(ev); ok {
			ds, rec.Level = DatasetTraefikAccess, lv
		}
	}
	if ds == Dataset {
		if comp := pu.ServingComponent(ev); comp != "" {
			ds = comp + ".server" // a serving component's JSON logging (LiteLLM's JSON_LOGS)
		} else if d := rayRecord(ev, rec.text); d != "" {
			ds = d
			if d == pylog.DatasetRayServe {
				// a replica's or the proxy's request line ("POST /v1 500 33.4ms", access_log_msg)
				// in Serve's JSON encoding: read as in its text form, its level by its status
				if m, _ := ev.GetString(pu.FieldLogMessage); m != "" {
					if lv := pylog.ServeRequest(ev, m); lv != "" && (rec.Level == "" || rec.Level == pu.Info) {
						rec.Level = lv
					}
				}
			}
		}
	}
	if (rec.Level == pu.Error || rec.Level == pu.Critical) && !ev.Has(event.FieldErrorMsg) && !strings.HasSuffix(pu.DatasetOr(ev, ds), ".access") {
		// an error record that names no error of its own (TEI's "Could not start Candle
		// backend: ...", zap's "Reconciler error" without its error=): its message is the
		// failure, as every parser's error line gives it
		// (not a request's record, its status the failure: Dynamo's "http response sent",
		// Serve's "POST /v1 500 33.4ms"; nor a traceback's first line)
		if m, _ := ev.GetString(pu.FieldLogMessage); strings.TrimSpace(m) != "" && !ev.Has(event.FieldHTTPStatus) &&
			!strings.HasPrefix(m, vllm.TracebackHeader) {
			first, _, _ := strings.Cut(m, "\n")
			ev.SetString(event.FieldErrorMsg, strings.TrimSpace(first))
		}
	}
	pu.Finish(ev, pu.DatasetOr(ev, ds), rec.Level)
}

// rayRecord returns the dataset of a Ray or Ray Serve record in Ray's JSON encoding, by the
// context keys only Ray writes, "" for another line. Ray Serve's (its deployment, replica or
// component: "replica.py:719 - Started executing request ...") puts its text layout's
// "file:line - " before the message: the origin; its request id is the request's, as on its
// text lines. Ray core's (LoggingConfig(encoding="JSON")) names the job, worker and node; its
// export events their id, source and label.
func rayRecord(ev *event.Event, text string) string {
	const f = pu.FieldLogFields + "."
	switch {
	case ev.Has(f+"deployment") || ev.Has(f+"replica") || ev.Has(f+"component_name") && ev.Has(f+"component_id"):
		if loc, msg, ok := strings.Cut(text, " - "); ok && strings.Contains(loc, ".py:") && strings.IndexByte(loc, ' ') < 0 {
			file, line, _ := strings.Cut(loc, ":")
			if n, ok := pu.Atoi(line); ok {
				ev.SetString(event.FieldOriginFile, file)
				ev.Set(event.FieldOriginLine, event.Int(n))
				ev.SetString(pu.FieldLogMessage, msg)
			}
		}
		if id, ok := ev.GetString(f + "request_id"); ok && id != "" {
			ev.SetString(pu.FieldHTTPRequestID, id)
		}
		return pylog.DatasetRayServe
	case ev.Has(f+"job_id") && (ev.Has(f+"worker_id") || ev.Has(f+"node_id")):
		return pylog.DatasetRayCore
	case ev.Has(f+"event_id") && ev.Has(f+"source_type") && ev.Has(f+"label"):
		// Ray's export events (logs/events/event_GCS.log, event_RAYLET.log: "label":
		// "RAY_NODE_REMOVED", "source_type": "GCS"), which name the process that wrote them
		if pid, ok := ev.GetString(f + "pid"); ok {
			if n, ok := pu.Atoi(pid); ok && n > 0 {
				ev.Set(event.FieldProcessPID, event.Int(n))
			}
		}
		return pylog.DatasetRayCore
	}
	return ""
}

// DatasetKlog is the dataset of klog's lines, which the klog parser gives its text form.
const DatasetKlog = "generic.klog"

// klog reports whether the line is klog's JSON form (--logging-format=json of the kubelet and
// other Kubernetes components): a numeric "ts", "caller" and "msg", with no level key; "v" on
// info lines, and on error lines "err" or nothing (ErrorS with a nil error: the kubelet's
// "Unexpectedly stopped receiving OOM notifications").
func (r *Record) klog() bool {
	return r.numTime && r.caller && r.Msg
}

// klogLevel is the level of a klog JSON line: klog writes "v" (the verbosity) on info lines
// only, so a line without one is an error; V(4) and more are debug by Kubernetes' convention.
func (r *Record) klogLevel() string {
	switch {
	case r.v < 0:
		return pu.Error
	case r.v >= 4:
		return pu.Debug
	}
	return pu.Info
}

// datasetOf attributes a Python JSON logger's line by its logger name; vLLM's JSON formatter
// (--logging-config.formatter json) marks its own lines, uvicorn's included, with
// vllm_process_name.
func datasetOf(ev *event.Event, logger, fallback string) string {
	if ev.Has(pu.FieldLogFields + ".vllm_process_name") {
		if logger == "uvicorn.access" {
			return vllm.DatasetAccess
		}
		return pylog.DatasetVLLM
	}
	if d := pylog.LoggerDataset(logger); d != "" {
		return d
	}
	if fallback != "" {
		return fallback
	}
	return Dataset
}

// vllmProcess sets the process that vLLM's JSON formatter names in vllm_process_name
// ("APIServer", "EngineCore_DP1", "Worker_TP0") as its text lines' prefix names it:
// process.name and the parallel ranks.
func vllmProcess(ev *event.Event, name string) {
	if strings.ContainsAny(name, "() \n") || len(name) > 64 {
		return
	}
	l, n := vllm.ProcessPrefix("(" + name + " pid=0)") // the text layout's prefix
	if n == 0 {
		return
	}
	l.PID = -1 // the record's own "process" is the pid
	vllm.SetProcess(ev, &l)
}

// javaStack reads Elasticsearch 7's "stacktrace": an array of the exception's lines (its JSON
// layout's %exceptionAsJson), "org.elasticsearch.bootstrap.StartupException: ..." then "at
// ..." frames and "Caused by: ...": the lines the stack, the first its type and message. It
// reports false for another array.
func javaStack(ev *event.Event, v gjson.Result) bool {
	lines := v.Array()
	if len(lines) == 0 || lines[0].Type != gjson.String {
		return false
	}
	typ, msg, ok := java.ExceptionLine(lines[0].Str)
	if !ok {
		return false
	}
	var b strings.Builder
	for i, l := range lines {
		if l.Type != gjson.String {
			return false
		}
		if i > 0 {
			b.WriteByte('\n')
			if !strings.HasPrefix(l.Str, "Caused by: ") && !strings.HasPrefix(l.Str, "Suppressed: ") {
				b.WriteByte('\t') // the frame's indent, as the exception prints it
			}
		}
		b.WriteString(l.Str)
	}
	ev.SetString(event.FieldErrorStack, b.String())
	ev.SetString(event.FieldErrorType, typ)
	if msg != "" {
		ev.SetString(event.FieldErrorMsg, msg) // what failed, under the record's own words
	}
	return true
}

// pathLogger returns the logger a Python source file's path names, "" for none: a vLLM
// module's (".../site-packages/vllm/engine/metrics.py": vllm.engine.metrics), uvicorn's HTTP
// protocol's, which writes the access lines (uvicorn.access).
func pathLogger(path string) string {
	_, mod, ok := strings.Cut(path, "-packages/")
	if !ok {
		return ""
	}
	switch {
	case strings.HasPrefix(mod, "vllm/"):
		return strings.ReplaceAll(strings.TrimSuffix(mod, ".py"), "/", ".")
	case strings.HasPrefix(mod, "uvicorn/protocols/http/"):
		return "uvicorn.access"
	}
	return ""
}

// Record is what Walk learnt from the well-known keys of a JSON line.
type Record struct {
	// src is the line's JSON text, for what a member's meaning depends on (pyLogRecord).
	src string
	// verbose: zap's errorVerbose gave the error's own stack
	verbose bool
	// Level is the line's level mapped to one of the five, or "".
	Level string
	// Logger is the logger name (zap "logger").
	Logger string
	// Controller is controller-runtime's "controller" member, which names the reconciler.
	Controller string
	// Msg, Time tell whether the line had a message and a readable time.
	Msg, Time bool

	// what tells klog's JSON form: a numeric time, a caller, an error, the verbosity (-1
	// without one)
	numTime, caller, err bool
	v                    int64
	// k8sEvent: the line has an involvedObject, as a Kubernetes event does; eventAt: where the
	// Event's members are under log.fields ("event." in eventrouter's lines, else "")
	k8sEvent bool
	eventAt  string
	// eventsAPI: the Event is events.k8s.io's (its object under "regarding", its text "note")
	eventsAPI bool
	// namespaced: the line has a "namespace" member, so its "name" is an object's
	namespaced bool
	// object: the line names an object a controller works on (aboutObject)
	object bool
	// envoy: the line has a response_code, as Envoy's JSON access log does
	envoy bool
	// traefik: the line is Traefik's JSON access log
	traefik bool
	// dataset: the line's own event.dataset (ECS loggers: Elasticsearch's "elasticsearch.server")
	dataset string
	// text: the record's message, which a vLLM or uvicorn logger's line is read from; textAt
	// and textLen: where its JSON string is in the line
	text            string
	textAt, textLen int
	// tracing: the line is tracing-subscriber's JSON layout (Rust servers: text-generation-
	// inference), whose "target" is the logger and "fields" the event's fields
	tracing bool
	// located: the line has a line number ("lineno" of Python's LogRecord, "line_number" of
	// tracing), so that "filename" and "pathname" name the source file
	located bool
	// pyPath: the source file's path of a Python LogRecord without a logger name (NVIDIA NIM's
	// JSON writes only "file_path"): the package under site-packages names the logger
	pyPath string
	// exact: the time came from Ray's timestamp_ns, which a zone-less asctime does not replace
	exact bool
	// at: where the object starts in the line (after leading spaces)
	at int
	// node: the node a health event inside the line is about
	node string
	// request: the line has a member httpRequest reads (a method, a request id)
	request bool
	// zapShort: zap's encoder with one-letter keys, L, T, N, C, M (Envoy Gateway's)
	zapShort bool
	// otel: the line has the OpenTelemetry log data model's severity_text, whose body is the
	// message
	otel bool
}

// carry returns line with its message's JSON string replaced by msg's: a vLLM request line's
// with its prompt replaced.
func (r *Record) carry(line, msg string) string {
	if r.textLen == 0 || r.textAt+r.textLen > len(line) {
		return line
	}
	var b strings.Builder
	enc := stdjson.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if enc.Encode(msg) != nil {
		return line
	}
	return line[:r.textAt] + strings.TrimSuffix(b.String(), "\n") + line[r.textAt+r.textLen:]
}

// tracingLayout reports whether s is written by tracing-subscriber's JSON formatter: a target,
// and the event's fields, its span or its source line.
func tracingLayout(s string) bool {
	if (strings.Contains(s, `"fields":{"message":`) || strings.Contains(s, `"fields": {"message":`)) && member(s, `"level":`, '"') {
		return true // with_target(false): no target, the event's fields first with its message
	}
	return member(s, `"target":`, '"') &&
		(member(s, `"fields":`, '{') || strings.Contains(s, `"line_number":`) || member(s, `"span":`, '{') ||
			// NVIDIA Dynamo's JSONL (DYN_LOGGING_JSONL): flat, "file" and "line"; a Python
			// record through the log crate, its own target and place in "log.target", "log.file"
			member(s, `"log.target":`, '"') || member(s, `"file":`, '"') && strings.Contains(s, `"line":`))
}

// member reports whether s holds a member of that name (`"target":`) whose value, after the
// spaces a pretty-printer puts after the colon (TEI's JSON as CloudWatch shows it), opens with
// open.
func member(s, name string, open byte) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], name)
		if j < 0 {
			return false
		}
		k := i + j + len(name)
		for k < len(s) && s[k] == ' ' {
			k++
		}
		if k < len(s) && s[k] == open {
			return true
		}
		i = k
	}
}

// Walk checks that s is one JSON object and sets its fields on ev. It changes nothing and
// returns false when s is not a JSON object.
func Walk(ev *event.Event, s string) (Record, bool) {
	at := len(s) - len(strings.TrimLeft(s, " \t\r\n"))
	s = strings.TrimSpace(s)
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' || !eventjson.Valid(s) {
		return Record{}, false
	}
	rec := Record{v: -1, at: at, src: s, tracing: tracingLayout(s),
		located:    strings.Contains(s, `"lineno"`) || strings.Contains(s, `"line_number"`),
		namespaced: strings.Contains(s, `"namespace":`),
		zapShort:   strings.HasPrefix(s, `{"L":"`) && strings.Contains(s, `"M":"`),
		// (the OpenTelemetry Python SDK's records write "body" before "severity_text")
		otel: strings.Contains(s, `"severity_text"`)}
	n := 0
	gjson.Parse(s).ForEach(func(k, v gjson.Result) bool {
		if !known(ev, k.Str, v, &rec) {
			eventjson.FlattenMember(ev, pu.FieldLogFields, k.Str, v, &n)
		}
		return true
	})
	return rec, true
}

// The trace and span a record names, by ECS's names.
const (
	FieldTraceID = pu.FieldTraceID
	FieldSpanID  = pu.FieldSpanID
)

// traceID returns an OpenTelemetry trace or span id as a record writes it (hex, the Python SDK's
// with "0x"), "" for another value and for the all-zero id that means none.
func traceID(v gjson.Result) string {
	if v.Type != gjson.String {
		return ""
	}
	id := strings.TrimPrefix(v.Str, "0x")
	if len(id) != 16 && len(id) != 32 || strings.Trim(id, "0") == "" {
		return ""
	}
	if id = strings.ToLower(id); !pu.IsLowerHex(id) {
		return ""
	}
	return id
}

// otelException maps an OpenTelemetry exception attribute to the field it fills.
var otelException = map[string]string{"exception.type": event.FieldErrorType,
	"exception.message": event.FieldErrorMsg, "exception.stacktrace": event.FieldErrorStack}

// stringLines returns an array of strings joined by line breaks, "" for another value.
func stringLines(v gjson.Result) string {
	if !v.IsArray() {
		return ""
	}
	var b strings.Builder
	ok := true
	v.ForEach(func(_, m gjson.Result) bool {
		if m.Type != gjson.String {
			ok = false
			return false
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(strings.TrimRight(m.Str, "\n"))
		return true
	})
	if !ok {
		return ""
	}
	return b.String()
}

// dictTracebacks reads structlog's dict_tracebacks ([{"exc_type":"ZeroDivisionError",
// "exc_value":"division by zero","frames":[...]}, ...], the chain's last exception last): the
// last one's class and value are the error; the list stays under log.fields. It reports false,
// so that the member is kept.
func dictTracebacks(ev *event.Event, v gjson.Result, rec *Record) bool {
	arr := v.Array()
	if len(arr) == 0 {
		return false
	}
	last := arr[len(arr)-1]
	typ, val := last.Get("exc_type"), last.Get("exc_value")
	if typ.Type != gjson.String || typ.Str == "" {
		return false
	}
	ev.SetString(event.FieldErrorType, typ.Str)
	if val.Type == gjson.String && val.Str != "" {
		ev.SetString(event.FieldErrorMsg, val.Str)
	}
	rec.err = true
	return false
}

// pyLogRecord reports whether the line is a record of Python's logging written as JSON
// (python-json-logger's, a dictConfig formatter's): it names the LogRecord's own attributes.
func (rec *Record) pyLogRecord() bool {
	return strings.Contains(rec.src, `"levelname"`) || strings.Contains(rec.src, `"lineno"`) || strings.Contains(rec.src, `"funcName"`)
}

// numericLevels are pino's and bunyan's levels, as their JSON writes them.
var numericLevels = map[string]string{
	"10": pu.Debug, "20": pu.Debug, "30": pu.Info, "40": pu.Warning, "50": pu.Error, "60": pu.Critical,
}

// known handles one top-level member with a well-known name and reports whether it did.
func known(ev *event.Event, k string, v gjson.Result, rec *Record) bool {
	switch k {
	case "M", "L", "T", "N", "C":
		// zap's short keys (Envoy Gateway's JSON logging: {"L":"INFO","T":"2025-11-08T13:57:59.401Z",
		// "N":"provider","C":"kubernetes/controller.go:192","M":"created gatewayapi controller"})
		if v.Type != gjson.String || !rec.zapShort {
			return false
		}
		return known(ev, map[string]string{"M": "msg", "L": "level", "T": "ts", "N": "logger", "C": "caller"}[k], v, rec)
	case "msg", "message", "MESSAGE":
		if v.Type != gjson.String {
			return false
		}
		if rec.Msg && k == "msg" {
			// a record with both: zerolog's message is "message", "msg" a field of the call's
			// (kubernetes-event-exporter's "Received event" with the event's text in msg)
			return false
		}
		if rec.Msg {
			// "message" after "msg": the record's message; the first, a field
			if m, ok := ev.GetString(pu.FieldLogMessage); ok {
				ev.SetString(pu.FieldLogFields+".msg", m)
			}
		}
		ev.SetString(pu.FieldLogMessage, v.Str)
		rec.Msg, rec.text, rec.textAt, rec.textLen = true, v.Str, rec.at+v.Index, len(v.Raw)
	case "body":
		// the OpenTelemetry log data model's message, beside its severity_text (llm-d's
		// inference scheduler's zap encoder: {"timestamp":...,"severity_text":"INFO",
		// "severity_number":9,"body":"request complete",...}; the Python SDK's, body first);
		// another program's "body" is a field
		if v.Type != gjson.String || !rec.otel || rec.Msg {
			return false
		}
		return known(ev, "msg", v, rec)
	case "severity_text":
		rec.otel = true
		return known(ev, "level", v, rec)
	case "level", "lvl", "severity", "loglevel", "logLevel", "levelname", "log.level":
		if v.Str == "None" {
			return true // str(None): no level of its own (NIM's Rust lines relayed, nimLine)
		}
		if v.Type == gjson.Number {
			// pino's and bunyan's numbers (Node services: LibreChat, Flowise, Fastify
			// routers): trace 10, debug 20, info 30, warn 40, error 50, fatal 60
			l, ok := numericLevels[v.Raw]
			if !ok {
				return false
			}
			rec.Level = l
			return true
		}
		l, ok := pu.Level(v.String())
		if !ok {
			return false
		}
		rec.Level = l
	case "tags":
		// Kibana 7's legacy JSON: the level is the first tag ("tags":["error",
		// "elasticsearch-service"]); the tags stay a field
		if v.IsArray() && rec.Level == "" {
			// (the level tag is anywhere in the list: Kibana's text layout sorts it first, its
			// JSON keeps the caller's order: "tags":["license","warning","xpack"],
			// ["status","plugin:elasticsearch@5.6.0","error"])
			tags, at := v.Array(), -1
			for i, t := range tags {
				if l, ok := pu.Level(t.Str); ok && t.Type == gjson.String && t.Str == strings.ToLower(t.Str) && len(t.Str) > 1 {
					rec.Level, at = l, i
					break
				}
			}
			if at >= 0 {
				// the others name the logger, joined by dots as its text layout does
				// ("tags":["error","savedobjects-service"]: savedobjects-service)
				var names []string
				for i, t := range tags {
					if i != at && t.Type == gjson.String && t.Str != "" && !strings.ContainsAny(t.Str, " ,") {
						names = append(names, t.Str)
					}
				}
				if len(names) > 0 && rec.Logger == "" && len(names) < 6 {
					rec.Logger = strings.Join(names, ".")
					ev.SetString(event.FieldLogLogger, rec.Logger)
				}
			}
		}
		return false
	case "component":
		// Elasticsearch 7's ESJsonLayout: the logger ("o.e.c.r.a.DiskThresholdMonitor");
		// Prometheus's and Alertmanager's slog JSON (promslog): the part of the server that
		// logs ("scrape manager", "remote", "notifier", "tsdb"), as their logfmt form gives it
		if v.Type != gjson.String || rec.Logger != "" || v.Str == "" || len(v.Str) > 64 {
			return false
		}
		rec.Logger = v.Str
		ev.SetString(event.FieldLogLogger, v.Str)
	case "pid":
		// Kibana 7's "pid":6, a process id at the top
		if v.Type != gjson.Number || v.Num <= 0 || v.Num != float64(int64(v.Num)) {
			return false
		}
		ev.Set(event.FieldProcessPID, event.Int(int64(v.Num)))
	case "trace_id", "traceId", "traceID", "trace.id":
		// the distributed trace a request's records share (NVIDIA Dynamo's JSONL, an
		// OpenTelemetry SDK's log records), which a trace backend and this record meet on
		id := traceID(v)
		if id == "" {
			return false
		}
		ev.SetString(FieldTraceID, id)
	case "trace", "span":
		// ECS's nested form, {"trace":{"id":"..."}} (Kibana 8's, an ECS logger's): the id; the
		// object's other members stay fields
		id := traceID(v.Get("id"))
		if !v.IsObject() || id == "" || k == "span" && len(id) != 16 {
			return false
		}
		if k == "trace" {
			ev.SetString(FieldTraceID, id)
		} else {
			ev.SetString(FieldSpanID, id)
		}
		return len(v.Map()) == 1
	case "span_id", "spanId", "spanID", "span.id":
		id := traceID(v)
		if id == "" || len(id) != 16 {
			return false
		}
		ev.SetString(FieldSpanID, id)
	case "created":
		// Python's LogRecord.created, the epoch seconds python-json-logger writes for
		// %(created)f: the record's time where the line gives no other
		if v.Type != gjson.Number || rec.Time || !rec.pyLogRecord() {
			return false
		}
		t, ok := timeOf(v)
		if !ok || t.Year() < 2000 {
			return false
		}
		pu.SetTime(ev, t)
		rec.Time = true // (not numTime: no Go logger's epoch, the "name" after it stays the logger)
	case "ts", "time", "timestamp", "@timestamp", "t", "asctime", "timeMillis":
		// the first time the line gives is its own: a later "time" may be a duration
		// (KServe's InferenceGraph router: "ts":"2026-01-23T18:12:50+09:00", ..., "time":0.000271917)
		t, ok := timeOf(v)
		if !ok || rec.Time || t.Year() < 2000 {
			return false
		}
		if v.Type == gjson.String {
			pu.SetStamp(ev, t, v.Str)
		} else {
			pu.SetTime(ev, t)
			rec.numTime = true
		}
		rec.Time = true
	case "name":
		// Python's %(name)s, when it is a logger name ("uvicorn.error", "root"), or whatever
		// name a record of Python's logging gives its logger ("executor0/rep-0/WorkerRuntime",
		// "MyExecutor"); elsewhere (zap's object names) it is a field.
		if v.Type != gjson.String || rec.Logger != "" || v.Str == "" || len(v.Str) > 128 ||
			!pylog.IsLoggerName(v.Str) && v.Str != "__main__" && (strings.ContainsAny(v.Str, " \t\n") || !rec.pyLogRecord()) ||
			rec.numTime || rec.caller || rec.Controller != "" || rec.namespaced {
			// a Go logger's line (zap's epoch time, its caller, controller-runtime's
			// controller): "name" is the object reconciled ("name":"default", the GPU
			// operator's NVIDIADriver), not a logger; and so it is beside a "namespace"
			// (kgateway's slog line about an InferencePool)
			return false
		}
		rec.Logger = v.Str
		ev.SetString(event.FieldLogLogger, v.Str)
	case "logger", "logger_name", "loggerName": // loggerName: log4j2's JsonLayout (Logstash's)
		if v.Type != gjson.String {
			return false
		}
		if file, line, ok := strings.Cut(v.Str, ".py:"); ok && k == "logger" && file != "" && pu.AllDigits(line) && line != "" &&
			strings.IndexByte(file, ' ') < 0 {
			// LiteLLM's JSON_LOGS names the file and line "logger" ("logger": "core.py:4413"),
			// and the logger "component" ("LiteLLM Router")
			pu.SetOrigin(ev, v.Str)
			return true
		}
		rec.Logger = v.Str
		ev.SetString(event.FieldLogLogger, v.Str)
	case "scope":
		// Istio's JSON logging names its logger the scope (ztunnel's "access", istio-cni's
		// "cni-agent"), where no logger is named
		if v.Type != gjson.String || rec.Logger != "" || v.Str == "" || strings.IndexByte(v.Str, ' ') >= 0 {
			return false
		}
		rec.Logger = v.Str
		ev.SetString(event.FieldLogLogger, v.Str)
	case "caller", "source", "file", "log.origin":
		if k == "file" && rec.tracing && v.Type == gjson.String && v.Str != "" {
			// Dynamo's flat tracing JSON: the event's source file, its line in "line"
			if !ev.Has(event.FieldOriginFile) {
				ev.SetString(event.FieldOriginFile, v.Str)
			}
			break
		}
		if !origin(ev, v) {
			return false
		}
		rec.caller = k == "caller"
	case "log.logger":
		if v.Type != gjson.String {
			return false
		}
		rec.Logger = v.Str
		ev.SetString(event.FieldLogLogger, v.Str)
	case "metadata":
		// Vector's internal_logs source (its own logs shipped as events): the tracing event's
		// level and target under "metadata" ({"metadata":{"kind":"event","level":"ERROR",
		// "target":"vector_common::internal_event::service",...}}); the object stays a field
		lv, target := v.Get("level"), v.Get("target")
		if !v.IsObject() || lv.Type != gjson.String || target.Type != gjson.String || rec.Level != "" || rec.Logger != "" {
			return false
		}
		if l, ok := pu.Level(lv.Str); ok {
			rec.Level, rec.Logger, rec.tracing = l, target.Str, true
			ev.SetString(event.FieldLogLogger, target.Str)
		}
		return false
	case "log":
		// ECS nested (Kibana's layout): {"level":"ERROR","logger":"plugins.security","origin":{...}}
		return v.IsObject() && ecsLog(ev, v, rec)
	case "error.type", "error.message", "error.stack_trace":
		if v.Type != gjson.String {
			return false
		}
		ev.SetString(k, v.Str)
		rec.err = rec.err || k == "error.message"
	case "event.dataset":
		// an ECS logger's own dataset (Elasticsearch's elasticsearch.server,
		// deprecation.elasticsearch), a name Elastic's dashboards and users search by
		if v.Type != gjson.String || !datasetName(v.Str) {
			return false
		}
		rec.dataset = v.Str
	case "logEvent":
		// log4j2's JsonLayout in Logstash: {"level":...,"loggerName":...,"logEvent":{"message":...,
		// the event's own fields}}: the message is the record's; the rest stay in log.fields
		if m := v.Get("message"); v.IsObject() && m.Type == gjson.String && !rec.Msg {
			ev.SetString(pu.FieldLogMessage, m.Str)
			rec.Msg = true
		}
		return false
	case "thread":
		// log4j2's JsonLayout: the thread's name (written before its loggerName)
		if v.Type != gjson.String || !strings.Contains(rec.src, `"loggerName"`) {
			return false
		}
		ev.SetString("process.thread.name", v.Str)
	case "thrown":
		// log4j2's JsonLayout: the event's Throwable, {"name":"java.lang.RuntimeException",
		// "message":"...","extendedStackTrace":"java.lang.RuntimeException: ...\n\tat ..."}
		name := v.Get("name")
		if !v.IsObject() || name.Type != gjson.String || name.Str == "" {
			return false
		}
		ev.SetString(event.FieldErrorType, name.Str)
		if m := v.Get("message"); m.Type == gjson.String && m.Str != "" {
			ev.SetString(event.FieldErrorMsg, m.Str)
		}
		if st := v.Get("extendedStackTrace"); st.Type == gjson.String && st.Str != "" {
			ev.SetString(event.FieldErrorStack, strings.TrimRight(st.Str, "\n"))
		} else if st.IsArray() {
			ev.Set(event.FieldErrorStack, eventjson.Value(st))
		}
		rec.err = true
	case "instant":
		// log4j2's JsonLayout since 2.11: {"epochSecond":1565598479,"nanoOfSecond":847310000}
		sec, nano := v.Get("epochSecond"), v.Get("nanoOfSecond")
		if !v.IsObject() || sec.Type != gjson.Number || rec.Time || sec.Num < 946684800 {
			return false
		}
		pu.SetTime(ev, time.Unix(sec.Int(), nano.Int()).UTC())
		rec.Time, rec.exact = true, true
	case "errorVerbose":
		// zap's error with a stack of its own (pkg/errors' %+v, beside "error"): where the
		// failure happened, which "stacktrace" (the logging call's) is not
		if v.Type != gjson.String || !strings.Contains(v.Str, "\n") {
			return false
		}
		ev.SetString(event.FieldErrorStack, v.Str)
		rec.verbose = true
	case "service":
		// ECS nested: {"service":{"name":"structured-logging","version":...}}; the rest stays
		if n := v.Get("name"); v.IsObject() && n.Type == gjson.String && n.Str != "" {
			ev.SetString("service.name", n.Str)
		}
		return false
	case "log.origin.file.name", "log.origin.function":
		// ECS dotted (an ECS logger's flat form)
		if v.Type != gjson.String || v.Str == "" {
			return false
		}
		ev.SetString(k, v.Str)
	case "log.origin.file.line":
		if v.Type != gjson.Number || v.Num < 0 || v.Num != float64(int64(v.Num)) {
			return false
		}
		ev.Set(event.FieldOriginLine, event.Int(int64(v.Num)))
	case "exception.type", "exception.message", "exception.stacktrace":
		// an OpenTelemetry SDK's log record: the exception's attributes (semantic conventions)
		if v.Type != gjson.String || v.Str == "" {
			return false
		}
		ev.SetString(otelException[k], v.Str)
		rec.err = true
	case "error_detail":
		// Airflow 3's structlog records: the exceptions as dict_tracebacks writes them
		return dictTracebacks(ev, v, rec)
	case "service.name", "process.thread.name", "elasticsearch.node.name":
		if v.Type != gjson.String {
			return false
		}
		ev.SetString(k, v.Str)
	case "node.name":
		// Elasticsearch 7's JSON layout ({"type": "server", ..., "cluster.name": "...",
		// "node.name": "es-0", ...}): the node, as its ECS layout's elasticsearch.node.name
		if v.Type != gjson.String || !ev.Has(pu.FieldLogFields+".cluster.name") {
			return false
		}
		ev.SetString("elasticsearch.node.name", v.Str)
	case "v":
		// klog's verbosity; kept as a field too
		if v.Type == gjson.Number && v.Num >= 0 && v.Num == float64(int64(v.Num)) {
			rec.v = int64(v.Num)
		}
		return false
	case "func", "funcName":
		if v.Type != gjson.String {
			return false
		}
		ev.SetString(pu.FieldOriginFunc, v.Str)
	case "response_code":
		rec.envoy = true
		return false
	case "DownstreamStatus":
		rec.traefik = true // Traefik's access log (traefikAccess)
		return false
	case "method", "x-request-id", "X-Request-Id", "x_request_id", "request_id":
		rec.request = true // a request's members: httpRequest reads them from log.fields
		return false
	case "involvedObject":
		rec.k8sEvent = v.IsObject()
		return false
	case "regarding":
		// events.k8s.io's Event ("regarding", "note", "deprecatedLastTimestamp")
		if v.IsObject() {
			rec.k8sEvent, rec.eventsAPI = true, true
		}
		return false
	case "event":
		// eventrouter's stdout sink: {"verb":"ADDED","event":{<the Event object>}}
		if v.IsObject() && v.Get("involvedObject").IsObject() {
			rec.k8sEvent, rec.eventAt = true, "event."
		}
		if u := v.Get("device_uuid"); v.IsObject() && u.Type == gjson.String && (strings.HasPrefix(u.Str, "GPU-") || strings.HasPrefix(u.Str, "MIG-")) {
			// Lepton's gpud names the GPU of an NVML event it notifies so ({"msg":"notified xid
			// event","event":{"device_uuid":"GPU-...","xid":...}}): the event stays a field
			ev.SetString(nvidia_xid.FieldUUID, u.Str)
		}
		if v.Type == gjson.String && !rec.Msg && !ev.Has(pu.FieldLogMessage) {
			// structlog's JSONRenderer names the message "event" ({"event": "...", "level":
			// "error", "timestamp": ...}): the message, unless the line has one by its name (and
			// as a message, not also a field)
			ev.SetString(pu.FieldLogMessage, v.Str)
			return true
		}
		return false
	case "Pod", "pod", "object", "node", "nodeName", "controllerKind", "knative.dev/key", "nodeclaim", "machine",
		"Pods", "pods", "NodeClaim", "workload", "trainJob", "isvc", "scaledObject.Name", "scaledobject.Name",
		"RayCluster", "RayService", "RayJob", "reconcileID", "resource_name", "reconciler kind":
		rec.object = true
		return false
	case "type":
		// KEDA's scalers name their object "type", "namespace", "name"
		if v.Str == "ScaledObject" || v.Str == "ScaledJob" {
			rec.object = true
		}
		if v.Str == "deprecation.elasticsearch" && rec.dataset == "" {
			// Elasticsearch 7.16+'s ESJsonLayout names its deprecation log so (8.x's
			// event.dataset): the same log, read the same way
			rec.dataset = v.Str
		}
		return false
	case "httpRequest":
		// the HttpRequest of Google's structured logging, which Knative's queue-proxy writes as
		// its request log in every KServe predictor pod
		return v.IsObject() && cloudHTTPRequest(ev, v, rec)
	case "events", "healthEvents":
		// NVSentinel's health events as its monitors send them ({"version":1,"events":[{...}]}),
		// and as its platform connector hands them on ("healthEvents"): the node and the GPU they
		// are about; the whole stays a field
		if v.IsObject() {
			healthEvents(ev, v.Get("events"), rec)
		}
		return false
	case "error_type", "exc_type", "exception_type", "errorType":
		// the exception's class a structlog or app logger names beside its error ("error_type":
		// "BadRequestError"): a class name, one word
		if v.Type != gjson.String || v.Str == "" || strings.ContainsAny(v.Str, " \n") || ev.Has(event.FieldErrorType) {
			return false
		}
		ev.SetString(event.FieldErrorType, v.Str)
	case "GPU_UUID", "gpu_uuid", "gpuUUID", "gpuUuid", "gpu.uuid", "gpu":
		// (NVSentinel's preflight checks name it "gpu": {"event": "Test warn", "gpu": "GPU-...", ...})
		// the GPU a health agent's line is about (NVSentinel's syslog-health-monitor)
		if v.Type != gjson.String || !strings.HasPrefix(v.Str, "GPU-") && !strings.HasPrefix(v.Str, "MIG-") {
			return false
		}
		ev.SetString(nvidia_xid.FieldUUID, v.Str)
	case "controller":
		// controller-runtime names the reconciler in its own errors, which have no logger.
		rec.Controller = v.String()
		return false
	case "error", "err", "Error": // (an operator-sdk 0.x operator passed its errors as "Error")
		if v.IsObject() && ecsError(ev, v, rec) {
			return true // ECS nested: {"type":..., "message":..., "stack_trace":...}
		}
		if v.IsObject() || v.IsArray() {
			// an error object of another shape (Baileys' {"tag":...,"attrs":...}, oops' with its
			// context): error.message is text, so the object is kept as its JSON, and the
			// string an "error" member inside it holds is the message
			if inner := v.Get("error"); inner.Type == gjson.String {
				ev.SetString(event.FieldErrorMsg, inner.Str)
			} else {
				ev.SetString(event.FieldErrorMsg, v.Raw)
			}
			rec.err = true
			return false // the object stays under log.fields
		}
		ev.Set(event.FieldErrorMsg, eventjson.Value(v))
		rec.err = true
	case "stack":
		// zerolog's ErrorStackMarshaler, pino's flattened err: the stack of the error the line
		// reports
		if v.Type != gjson.String || !strings.Contains(v.Str, "\n") {
			return false
		}
		ev.SetString(event.FieldErrorStack, v.Str)
		if !ev.Has(event.FieldErrorType) {
			// a JavaScript error's stack opens with its class and message ("Error: 500 Internal
			// Server Error\n    at APIError.generate (...)": LibreChat's JSON logs)
			first, _, _ := strings.Cut(v.Str, "\n")
			if typ, msg, ok := nodejs.ErrorLine(first); ok {
				ev.SetString(event.FieldErrorType, typ)
				if !ev.Has(event.FieldErrorMsg) && msg != "" {
					ev.SetString(event.FieldErrorMsg, msg)
				}
			}
		}
	case "stacktrace", "stack_trace", "exc_info":
		if k == "stacktrace" && rec.verbose {
			return false // the logging call's stack, beside the error's own (errorVerbose)
		}
		if v.Type == gjson.String && v.Str == "None" {
			return true // Python's str(None): NVIDIA NIM's JSON logging writes it for no traceback
		}
		if v.Type == gjson.String && strings.Contains(v.Str, vllm.TracebackHeader) {
			vllm.SetTraceback(ev, v.Str) // Python's formatException: the type and message too
			return true
		}
		if v.IsArray() && javaStack(ev, v) {
			return true
		}
		if lines := stringLines(v); lines != "" && strings.Contains(lines, vllm.TracebackHeader) {
			vllm.SetTraceback(ev, lines) // a formatter that wrote the traceback as a list of its lines
			return true
		}
		if v.Type == gjson.String && !ev.Has(event.FieldErrorType) {
			// logstash-logback-encoder's stack_trace, Java's: the exception is its first line
			// ("java.lang.RuntimeException: ...", its causes after "Caused by:")
			first, _, _ := strings.Cut(v.Str, "\n")
			if typ, msg, ok := java.ExceptionLine(strings.TrimRight(first, "\r")); ok {
				ev.SetString(event.FieldErrorType, typ)
				if msg != "" {
					ev.SetString(event.FieldErrorMsg, msg)
				}
				rec.err = true
			}
		}
		ev.Set(event.FieldErrorStack, eventjson.Value(v))
	case "stack_info":
		// logging's stack_info (a record logged with stack_info=True): the stack it printed;
		// Python's str(None) for none, as NIM's JSON writes it
		if v.Type == gjson.String && v.Str == "None" {
			return true
		}
		return false
	case "exception", "exc_text":
		if k == "exception" && v.IsArray() {
			return dictTracebacks(ev, v, rec) // structlog's dict_tracebacks
		}
		// a Python formatter's formatException under another name (vLLM production-stack's
		// router's JsonFormatter: "exception"; logging's cached exc_text): only a traceback's
		// text is read so, another program's "exception" member stays a field
		if v.Type != gjson.String || !strings.HasPrefix(strings.TrimLeft(v.Str, " \n"), vllm.TracebackHeader) {
			return false
		}
		vllm.SetTraceback(ev, v.Str)
	case "timestamp_ns":
		// Ray's JSON encoding: the record's time to the nanosecond, beside an asctime in the
		// writer's local time without its zone
		if v.Type != gjson.Number || v.Num < 1e17 {
			return false
		}
		pu.SetTime(ev, time.Unix(0, v.Int()).UTC())
		rec.Time, rec.exact = true, true
	case "target":
		// tracing's target, the module that logged ("text_generation_router")
		if !rec.tracing || v.Type != gjson.String || rec.Logger != "" {
			return false
		}
		rec.Logger = v.Str
		ev.SetString(event.FieldLogLogger, v.Str)
	case "log.target":
		// Dynamo's Python record through the log crate ("target":"log"): the record's own
		// module.function
		if !rec.tracing || v.Type != gjson.String || v.Str == "" {
			return false
		}
		rec.Logger = v.Str
		ev.SetString(event.FieldLogLogger, v.Str)
	case "log.file":
		// Dynamo's Python record through the log crate: its source file
		if !rec.tracing || v.Type != gjson.String || v.Str == "" {
			return false
		}
		ev.SetString(event.FieldOriginFile, v.Str)
	case "line", "log.line":
		if !rec.tracing || v.Type != gjson.Number || v.Num < 0 || v.Num != float64(int64(v.Num)) || k == "line" && ev.Has(event.FieldOriginLine) {
			return false
		}
		ev.Set(event.FieldOriginLine, event.Int(int64(v.Num)))
	case "fields":
		// tracing's event fields, unless the formatter flattened them: the message and the
		// fields of the event, which are the line's own
		if !rec.tracing || !v.IsObject() {
			return false
		}
		n := 0
		v.ForEach(func(fk, fv gjson.Result) bool {
			switch {
			case fk.Str == "message" && fv.Type == gjson.String:
				ev.SetString(pu.FieldLogMessage, fv.Str)
				rec.Msg, rec.text = true, fv.Str
			case (fk.Str == "error" || fk.Str == "err") && fv.Type == gjson.String && fv.Str != "":
				// the event's error field (tracing's %err, ?err): what failed, as a flat
				// layout's top-level "error"
				ev.SetString(event.FieldErrorMsg, fv.Str)
				rec.err = true
			default:
				eventjson.FlattenMember(ev, pu.FieldLogFields, fk.Str, fv, &n)
			}
			return true
		})
	case "filename":
		// Python's LogRecord.filename, tracing's source file
		if !rec.located || v.Type != gjson.String {
			return false
		}
		ev.SetString(event.FieldOriginFile, v.Str)
	case "pathname", "file_path":
		// Python's LogRecord.pathname (NVIDIA NIM's JSON names it file_path): its file's name,
		// unless "filename" gives it; the path stays a field
		if rec.located && v.Type == gjson.String && !ev.Has(event.FieldOriginFile) {
			ev.SetString(event.FieldOriginFile, v.Str[strings.LastIndexByte(v.Str, '/')+1:])
		}
		if rec.located && v.Type == gjson.String {
			rec.pyPath = v.Str
		}
		return false
	case "lineno", "line_number":
		n, ok := int64(v.Num), v.Type == gjson.Number && v.Num >= 0 && v.Num == float64(int64(v.Num))
		if v.Type == gjson.String {
			n, ok = pu.Atoi(v.Str) // NIM's, quoted: "line_number": "146"
		}
		if !ok || n < 0 {
			return false
		}
		ev.Set(event.FieldOriginLine, event.Int(n))
	case "process":
		// Python's LogRecord.process, the pid; ECS's object (Kibana's {"pid":2271,"uptime":14.6}),
		// whose other members stay in log.fields
		if v.IsObject() {
			if pid := v.Get("pid"); pid.Type == gjson.Number && pid.Num > 0 && pid.Num == float64(int64(pid.Num)) {
				ev.Set(event.FieldProcessPID, event.Int(int64(pid.Num)))
			}
			if t := v.Get("thread.name"); t.Type == gjson.String && t.Str != "" {
				ev.SetString("process.thread.name", t.Str) // ECS nested (Spring Boot's ECS format)
			}
			return false
		}
		if v.Type != gjson.Number || v.Num <= 0 || v.Num != float64(int64(v.Num)) {
			return false
		}
		ev.Set(event.FieldProcessPID, event.Int(int64(v.Num)))
	case "record":
		// loguru's serialize=True: {"text": ..., "record": {...}}
		return v.IsObject() && loguru(ev, v, rec)
	default:
		return false
	}
	return true
}

// datasetName reports whether s looks like a dataset name ("elasticsearch.server"): lowercase
// words, digits, '_' and '.', at most 100 bytes.
func datasetName(s string) bool {
	if s == "" || len(s) > 100 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' && c != '.' {
			return false
		}
	}
	return true
}

// origin reads zap's "caller":"file.go:12", slog's "source":{"function","file","line"} and ECS's
// "log.origin":{"function","file.name","file.line"} (or {"file":{"name","line"}}); a "source"
// that is none of them (controller-runtime uses it for event sources) is left to log.fields.
// v8Frame sets log.origin.* from a V8 stack frame, "fn (path/file.js:line:column)": the
// function, the file's name and the line; it reports false for another text.
func v8Frame(ev *event.Event, s string) bool {
	open := strings.LastIndex(s, " (")
	if open <= 0 {
		return false
	}
	loc := s[open+2 : len(s)-1]
	c2 := strings.LastIndexByte(loc, ':')
	if c2 <= 0 {
		return false
	}
	c1 := strings.LastIndexByte(loc[:c2], ':')
	line, okL := pu.Atoi(loc[c1+1 : c2])
	if c1 <= 0 || !okL || !pu.AllDigits(loc[c2+1:]) || strings.IndexByte(loc[:c1], ' ') >= 0 {
		return false
	}
	file := loc[:c1]
	ev.SetString(event.FieldOriginFile, file[strings.LastIndexAny(file, "/\\")+1:])
	ev.Set(event.FieldOriginLine, event.Int(line))
	ev.SetString(pu.FieldOriginFunc, s[:open])
	return true
}

func origin(ev *event.Event, v gjson.Result) bool {
	switch {
	case v.Type == gjson.String && (strings.Contains(v.Str, ".go:") || strings.Contains(v.Str, ".py:")):
		pu.SetOrigin(ev, v.Str)
	case v.Type == gjson.String && strings.HasSuffix(v.Str, ")") && v8Frame(ev, v.Str):
		// pino-caller's V8 frame: "Object.<anonymous> (index.js:9:12)"
	case v.IsObject() && (v.Get(`file\.name`).Type == gjson.String || v.Get("file.name").Type == gjson.String):
		f, l := v.Get(`file\.name`), v.Get(`file\.line`)
		if f.Type != gjson.String {
			f, l = v.Get("file.name"), v.Get("file.line")
		}
		ev.SetString(event.FieldOriginFile, f.Str)
		if l.Type == gjson.Number {
			ev.Set(event.FieldOriginLine, event.Int(l.Int()))
		}
		if fn := v.Get("function"); fn.Type == gjson.String {
			ev.SetString(pu.FieldOriginFunc, fn.Str)
		}
	case v.IsObject() && v.Get("file").Exists():
		ev.SetString(event.FieldOriginFile, v.Get("file").String())
		if l := v.Get("line"); l.Type == gjson.Number {
			ev.Set(event.FieldOriginLine, event.Int(l.Int()))
		}
		if f := v.Get("function"); f.Exists() {
			ev.SetString(pu.FieldOriginFunc, f.String())
		}
	default:
		return false
	}
	return true
}
