// Package logfmt parses key=value lines as Go's logrus text formatter, log/slog's text handler
// and go-kit write them; DCGM exporter (logrus up to 3.x, slog from 4.x), the NVIDIA container
// toolkit and the GPU operator's validator all log this way:
//
//	time="2023-01-16T00:38:30Z" level=info msg="Installing NVIDIA container toolkit to '/usr/local/nvidia/toolkit'"
//	time=2025-08-20T09:06:38.822Z level=INFO msg="Starting dcgm-exporter" Version=4.2.3-4.1.3
//
// and logrus's terminal form, which has no time:
//
//	INFO[0000] Starting dcgm-exporter
//	DEBU[0000] Loaded configuration                          dump="&{CollectorsFile:...}"
//
// and zerolog's ConsoleWriter form (LocalAI's):
//
//	10:14AM INF Success ip=10.8.1.10 latency=767.980683ms method=POST status=200 url=/v1/chat/completions
//
// Grafana's lines start with their logger (logger=context t=... level=info msg=...), and its
// access lines ("Request Completed" with method=, path=, status=, remote_addr=) give the HTTP
// request's fields, as any logfmt line with an HTTP method and status does.
//
// A line is taken only when it starts with a time, level, msg or logger key (or a logrus level
// tag) and all of it scans as pairs. The dataset is the writing container's when it is part of
// the GPU stack, else generic.logfmt.
package logfmt

import (
	"cmp"
	"strings"

	"github.com/sluice-dev/sluice/parsers"
	"github.com/sluice-dev/sluice/parsers/dcgm"
	"github.com/sluice-dev/sluice/parsers/nvidia_xid"
	pu "github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/parsers/uvicorn"
	"github.com/sluice-dev/sluice/parsers/vllm"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// Dataset is the dataset of logfmt lines from containers outside the GPU stack.
const Dataset = "generic.logfmt"

// Info registers the parser.
var Info = parsers.Info{
	Name:        "logfmt",
	Description: "logfmt / logrus / slog text lines (DCGM exporter, container toolkit, validator), zerolog console lines",
	New:         func(parsers.Options) parsers.Parser { return New() },
	Fields: append(append(pu.StructuredFields[:len(pu.StructuredFields):len(pu.StructuredFields)],
		uvicorn.Fields...), append(pu.Fields(pu.FieldHTTPRequestID, pu.FieldOrchNamespace, pu.FieldOrchResourceType, pu.FieldOrchResourceName),
		parsers.Field{Name: nvidia_xid.FieldUUID, Type: "keyword", Description: "GPU UUID (GPU-...)."},
		parsers.Field{Name: nvidia_xid.FieldPCIBusID, Type: "keyword", Description: "PCI address of the GPU a GPU-stack program's error names (mig-parted relaying nvidia-smi's reset error), as 0000:00:04."})...),
}

// Parser parses logfmt lines. It is stateless and safe for concurrent use.
type Parser struct{}

// New returns the parser.
func New() *Parser { return &Parser{} }

// Parse recognises a logfmt or logrus terminal line.
func (p *Parser) Parse(ev *event.Event) bool {
	s := ev.Message()
	if len(s) < 5 {
		return false
	}
	if n := pu.GluedRecord(s); n > 0 {
		s = s[n:] // a native library's message before the record, its line break missing
	}
	switch s[0] {
	case 't', 'l', 'm', 'c':
		if !startsWithKey(s) {
			return false
		}
		return pairs(ev, s)
	case 'I', 'W', 'E', 'D', 'T', 'F', 'P':
		return terminal(ev, s)
	case '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return console(ev, s)
	case 0x1b:
		// logrus's terminal form on a TTY (or ForceColors) colours its level ("\x1b[36mINFO\x1b[0m[0000]
		// ..."), zerolog's ConsoleWriter its time and level: read as the plain line
		if t := vllm.StripANSI(s); len(t) >= 5 && t != s {
			switch t[0] {
			case 'I', 'W', 'E', 'D', 'T', 'F', 'P':
				return terminal(ev, t)
			case '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
				return console(ev, t)
			}
		}
	}
	return false
}

// console reads zerolog's ConsoleWriter form, "<time> <LVL> message key=value ...": the time in
// its default layout, the time of day without seconds ("10:14AM", time.Kitchen), or RFC 3339;
// the level abbreviated to three letters (LocalAI, Go services built on zerolog):
//
//	10:14AM INF Success ip=10.8.1.10 latency=767.980683ms method=POST status=200 url=/v1/chat/completions
//
// A time of day alone keeps the runtime's time, which has the date.
func console(ev *event.Event, s string) bool {
	stamp, rest, ok := strings.Cut(s, " ")
	if !ok || len(rest) < 4 || rest[3] != ' ' {
		return false
	}
	level := pu.ZerologLevel(rest[:3])
	if level == "" {
		return false
	}
	t, n, zoned := pu.RFC3339(stamp)
	zoned = zoned && n == len(stamp)
	if !zoned && !kitchen(stamp) {
		return false
	}
	body := strings.TrimLeft(rest[4:], " ")
	if loc, _, ok := strings.Cut(body[:min(len(body), 256)], " > "); ok && strings.Contains(loc, ".go:") && strings.IndexByte(loc, ' ') < 0 {
		// the caller before the message (Kyverno 1.14's "ERR .../main.go:253 > failed to ...")
		pu.SetOrigin(ev, loc)
		body = body[len(loc)+3:]
	}
	msg, fields := splitFields(body, 0)
	if zoned {
		pu.SetStamp(ev, t, stamp)
	}
	if msg != "" {
		ev.SetString(pu.FieldLogMessage, msg)
	}
	var h httpPairs
	kv := pu.NewKV(fields)
	for k, v := range kv.All() {
		h.see(k, v)
		pu.SetField(ev, k, event.String(v))
	}
	h.set(ev)
	if (level == pu.Error || level == pu.Critical) && msg != "" && !ev.Has(event.FieldErrorMsg) {
		// an error with no error= pair (LocalAI's "ERR [llama-cpp] Failed loading model, ...,
		// error: ..."): its message is what failed, as the other forms' errors
		ev.SetString(event.FieldErrorMsg, msg)
	}
	pu.Finish(ev, pu.DatasetOr(ev, Dataset), level)
	return true
}

// kitchen reports whether s is a time of day in Go's time.Kitchen layout ("3:04PM").
func kitchen(s string) bool {
	if len(s) != 6 && len(s) != 7 {
		return false
	}
	c := len(s) - 5 // the colon
	if s[c] != ':' || (s[len(s)-2:] != "AM" && s[len(s)-2:] != "PM") {
		return false
	}
	_, h := pu.Atoi(s[:c])
	_, m := pu.Atoi(s[c+1 : c+3])
	return h && m
}

func startsWithKey(s string) bool {
	for _, k := range [...]string{"time=", "ts=", "level=", "lvl=", "msg=", "t="} {
		if strings.HasPrefix(s, k) {
			return true
		}
	}
	// Grafana's logger first, or go-kit's caller when no time is logged (Prometheus's exporters):
	// a level or message must follow, or the pairs are not a log line's
	return (strings.HasPrefix(s, "logger=") || strings.HasPrefix(s, "caller=")) &&
		(strings.Contains(s, " level=") || strings.Contains(s, " msg="))
}

// pairs sets the fields of an all-logfmt line: strict logfmt, or else logrus with DisableQuote,
// whose unquoted values hold spaces.
func pairs(ev *event.Event, s string) bool {
	var kv pu.KV
	cut, broken := false, ""
	switch {
	case pu.ValidKV(s):
		kv = pu.NewKV(s)
	case pu.ValidLooseKV(s):
		kv = pu.NewLooseKV(s)
	case cutShort(s):
		// cut inside its last quoted value (rsyslog's 8 KiB limit, a pager's width): what is
		// there is read, the value as far as it goes, without the '>' journalctl's pager marks
		// a chopped line with
		kv, cut = pu.NewKV(strings.TrimSuffix(s, ">")+`"`), true
	default:
		pre, msg, ok := brokenMessage(s)
		if !ok {
			return false
		}
		kv, broken = pu.NewKV(pre), msg
	}
	if broken == "" && !anyKnown(kv) {
		return false // pairs, but none that says this is a log record: the line stays as it is
	}
	level, seen, wrapped := "", broken != "", ""
	gpu, many := "", false
	var h httpPairs
	for {
		k, v, ok := kv.Next()
		if !ok {
			break
		}
		if known(ev, k, v, &level) {
			seen = true
			continue
		}
		h.see(k, v)
		switch k {
		case "x-request-id", "x_request_id", "request_id":
			// the id a gateway or router gives a request (Envoy AI Gateway's extproc): a number
			// is a counter, not the request's id
			if _, num := pu.Atoi(v); v != "" && !num {
				ev.SetString(pu.FieldHTTPRequestID, v)
			}
		}
		switch k {
		case "id", "gpu", "uuid", "gpu_uuid":
			// the one GPU a line is about: Ollama's "inference compute" id=GPU-..., its
			// scheduler's gpu=GPU-...; two different ones name none alone
			if isGPUID(v) {
				gpu = cmp.Or(gpu, v)
				many = many || gpu != v
			}
		}
		if k == "dcgm_level" {
			// dcgm-exporter --enable-dcgm-log logs each line of its embedded host engine at
			// info and gives the line's own level here (ERROR, WARN): that one tells.
			wrapped, _ = pu.Level(v)
		}
		pu.SetField(ev, k, event.String(v))
	}
	if !seen {
		return false
	}
	if broken != "" {
		ev.SetString(pu.FieldLogMessage, broken)
	}
	if gpu != "" && !many {
		ev.SetString(nvidia_xid.FieldUUID, gpu)
	}
	if !ev.Has(pu.FieldHTTPRequestID) {
		// the request an error's text names (Envoy AI Gateway's extproc: error="rpc error:
		// code = Internal desc = no router processor found, request_id=51e46337-..., backend=..."):
		// its error line found by the request's id as its debug line is
		if e, ok := ev.GetString(event.FieldErrorMsg); ok {
			if id := requestIDIn(e); id != "" {
				ev.SetString(pu.FieldHTTPRequestID, id)
			}
		}
	}
	if m, ok := ev.GetString(pu.FieldLogMessage); ok && (strings.Contains(m, "PodSandboxMetadata{") || strings.HasPrefix(m, "RunPodSandbox for name:")) {
		sandboxPod(ev, m)
	}
	if wrapped != "" {
		level = wrapped
		if m, ok := ev.GetString(pu.FieldLogMessage); ok {
			// the host engine's source line and function after its text; an error's
			// error.message as nv-hostengine.log's, without the module's tag
			if text := dcgm.Message(ev, m); (level == pu.Error || level == pu.Critical) && text != "" && !ev.Has(event.FieldErrorMsg) {
				ev.SetString(event.FieldErrorMsg, text)
			}
		}
	}
	h.set(ev)
	ds := pu.GPUDataset(ev)
	if ds == "" && wrapped != "" {
		ds = pu.DatasetDCGMExporter // dcgm_level= is dcgm-exporter's relay of its host engine
	} else if ds == "" {
		ds = contentDataset(ev) // only for a line the container did not place
	}
	if ds == pu.DatasetValidator && (level == pu.Info || level == "") {
		if m, ok := ev.GetString(pu.FieldLogMessage); ok && strings.HasPrefix(m, "Error: ") {
			// the GPU operator's validator reporting the validation that failed with
			// log.Printf("Error: %v", err), which its logrus writes at info ("Error: error
			// validating toolkit installation: exec: \"nvidia-smi\": ..."): the node's GPUs are
			// not ready; its error is the failure
			level = pu.Error
			ev.SetString(event.FieldErrorMsg, m[len("Error: "):])
		}
	}
	if (level == pu.Error || level == pu.Critical) && !ev.Has(event.FieldErrorMsg) {
		// an error that names no err= (k8s-driver-manager's level=fatal "failed to uninstall
		// the driver"): its message is what failed, as for the other formats' errors
		if m, ok := ev.GetString(pu.FieldLogMessage); ok && m != "" {
			ev.SetString(event.FieldErrorMsg, m)
		}
	}
	if (level == pu.Error || level == pu.Critical || level == pu.Warning) && ds != "" && !ev.Has(nvidia_xid.FieldPCIBusID) {
		// a GPU-stack program's error that names one GPU by its bus, relaying nvidia-smi's words
		// (mig-parted's reset: msg="\nResetting GPU 00000000:00:04.0 is not supported.\n")
		if m, ok := ev.GetString(event.FieldErrorMsg); ok {
			if id := nvidia_xid.BusID(m); id != "" {
				ev.SetString(nvidia_xid.FieldPCIBusID, id)
			}
		}
	}
	if level == pu.Error || level == pu.Critical {
		// a CUDA out of memory the error names (Ollama's "error loading llama server"
		// error="llama runner process has terminated: ... cudaMalloc failed: out of memory"), as
		// the engines' own lines give it
		if e, ok := ev.GetString(event.FieldErrorMsg); ok && vllm.Classify(e) == "cuda_oom" && !ev.Has(pu.FieldGPUErrorKind) {
			ev.SetString(pu.FieldGPUErrorKind, "cuda_oom")
		}
	}
	pu.Finish(ev, ds, level)
	if cut {
		ev.AddTag(TagCut)
	}
	return true
}

// cutShort reports whether s is logfmt cut inside its last quoted value: whole pairs before
// that value, which is the only one left open.
func cutShort(s string) bool {
	// where the value left open starts: quotes escaped inside a value (containerd's
	// msg="CreateContainer within sandbox \"df0a...\" ...") do not open or close one
	open, in := -1, false
	for i := 0; i < len(s); i++ {
		switch {
		case in && s[i] == '\\':
			i++
		case s[i] == '"':
			if !in && i > 0 && s[i-1] == '=' {
				open = i - 1
			}
			in = !in
		}
	}
	if !in || open <= 0 || strings.HasSuffix(s, `\`) && !strings.HasSuffix(s, `\\`) {
		return false
	}
	ks := strings.LastIndexByte(s[:open], ' ')
	return ks > 0 && pu.ValidKV(s[:ks]) && pu.ValidKV(s+`"`)
}

// sandboxPod reads the pod containerd's CRI plugin names by its sandbox's metadata ("RunPodSandbox
// for &PodSandboxMetadata{Name:gpu-feature-discovery-qfjgk,Uid:...,Namespace:gpu-operator,
// Attempt:2,} failed, error" error="... no runtime for \"nvidia\" is configured"): the pod the
// node could not start, in orchestrator.* as the kubelet's lines give it.
func sandboxPod(ev *event.Event, m string) {
	if rest, ok := strings.CutPrefix(m, "RunPodSandbox for name:"); ok {
		// containerd 2.x prints the metadata in protobuf's text form: `RunPodSandbox for
		// name:"vllm-0"  uid:"..."  namespace:"llm"` (and its failure: `... failed, error`)
		name, _, _ := strings.Cut(strings.TrimPrefix(rest, `"`), `"`)
		_, ns, found := strings.Cut(rest, ` namespace:"`)
		ns, _, _ = strings.Cut(ns, `"`)
		if found && name != "" && ns != "" && !strings.ContainsAny(name+ns, " /") {
			pu.SetObject(ev, "pod", ns, name)
		}
		return
	}
	_, meta, _ := strings.Cut(m, "PodSandboxMetadata{")
	meta, _, _ = strings.Cut(meta, "}")
	member := func(name string) string {
		for f := range strings.SplitSeq(meta, ",") {
			if v, ok := strings.CutPrefix(f, name+":"); ok {
				return v
			}
		}
		return ""
	}
	if name, ns := member("Name"), member("Namespace"); name != "" && ns != "" && !strings.ContainsAny(name+ns, " /") {
		pu.SetObject(ev, "pod", ns, name)
	}
}

// isGPUID reports whether v is a GPU's or MIG device's UUID (GPU-<uuid>, MIG-<uuid>).
func isGPUID(v string) bool {
	return len(v) == 40 && (strings.HasPrefix(v, "GPU-") || strings.HasPrefix(v, "MIG-")) && pu.IsUUID(v[4:])
}

// brokenMessage splits a line whose pairs are whole up to its last, msg=, whose value is not one
// logfmt value (the vGPU device manager's `msg=""Setting node label: nvidia.com/vgpu.config.state=failed"`,
// its call's own quotes inside logrus's): the pairs before it and the rest of the line as the
// message, without its quotes. The level the line states is read, not guessed from its words.
func brokenMessage(s string) (pairs, msg string, ok bool) {
	i := strings.LastIndex(s, " msg=")
	if i <= 0 || !pu.ValidKV(s[:i]) {
		return "", "", false
	}
	msg = strings.Trim(s[i+len(" msg="):], `" `)
	return s[:i], msg, msg != ""
}

// httpPairs are the pairs of a line about an HTTP request (Grafana's "Request Completed").
type httpPairs struct{ method, status, path, client, pathKey, clientKey string }

func (h *httpPairs) see(k, v string) {
	switch k {
	case "method":
		h.method = v
	case "status":
		h.status = v
	case "path", "url": // "url": LocalAI's request line, a path
		h.path, h.pathKey = v, k
	case "remote_addr", "ip":
		h.client, h.clientKey = v, k
	}
}

// set moves the pairs to the ECS HTTP fields when the line has an HTTP method and status.
func (h *httpPairs) set(ev *event.Event) {
	code, ok := pu.Atoi(h.status)
	if !ok || code < 100 || code > 599 || len(h.status) != 3 || h.method == "" || strings.Trim(h.method, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return
	}
	ev.Delete(pu.FieldLogFields + ".method")
	ev.Delete(pu.FieldLogFields + ".status")
	ev.SetString(uvicorn.FieldMethod, h.method)
	ev.Set(event.FieldHTTPStatus, event.Int(code))
	if strings.HasPrefix(h.path, "/") {
		ev.Delete(pu.FieldLogFields + "." + h.pathKey)
		ev.SetString(uvicorn.FieldURLPath, h.path)
	}
	if h.client != "" {
		ev.Delete(pu.FieldLogFields + "." + h.clientKey)
		uvicorn.SetClient(ev, h.client)
	}
}

// TagCut marks a line whose last quoted value was cut short.
const TagCut = "_logfmt_cut"

// known handles the keys every logfmt writer shares and reports whether k was one.
// anyKnown reports whether a pair known (below) takes is among kv's, scanning a copy: a line
// that has none is declined before anything of it is set.
func anyKnown(kv pu.KV) bool {
	for {
		k, v, ok := kv.Next()
		if !ok {
			return false
		}
		if knownKey(k, v) {
			return true
		}
	}
}

// knownKey reports whether known reads the pair: the time, the level, the message, the origin.
func knownKey(k, v string) bool {
	switch k {
	case "time", "ts", "t", "level", "lvl", "severity", "msg", "message", "source", "caller":
		return true
	case "file":
		// logrus with ReportCaller writes file="/go/src/x/main.go:42" and func=main.main.
		return strings.Contains(v, ".go:")
	}
	return false
}

func known(ev *event.Event, k, v string, level *string) bool {
	if !knownKey(k, v) {
		return false
	}
	switch k {
	case "time", "ts", "t":
		if t, n, ok := pu.RFC3339(v); ok && n == len(v) {
			pu.SetStamp(ev, t, v)
		} else if t, ok := pu.Epoch(v); ok {
			pu.SetTime(ev, t)
		} else {
			ev.SetString(pu.FieldLogFields+"."+k, v)
		}
	case "level", "lvl", "severity": // gcsfuse's text handler names it severity (TRACE ... ERROR)
		if l, ok := pu.Level(v); ok {
			*level = l
		} else {
			ev.SetString(pu.FieldLogFields+"."+k, v)
		}
	case "msg", "message":
		// a message that starts or ends with a line break (the MIG manager's
		// "\nResetting GPU 00000000:00:04.0 is not supported.\n"), without them; its
		// indentation stays
		ev.SetString(pu.FieldLogMessage, strings.Trim(v, "\r\n"))
	case "source", "caller", "file":
		pu.SetOrigin(ev, v)
	}
	return true
}

// terminal reads logrus's "LEVL[0000] message   key=value ...". The bracket holds seconds
// since start, or a full timestamp with DisableTimestamp=false and FullTimestamp=true. log15's
// terminal format is the same with a day and time of day in the bracket and its own level
// names (Grafana's console: "EROR[05-26|15:47:04] Instant query failed
// logger=tsdb.prometheus ... err=..."); its time has no year and no zone, so the runtime's stays.
func terminal(ev *event.Event, s string) bool {
	if len(s) < 7 || s[4] != '[' {
		return false
	}
	level, ok := terminalLevel(s[:4])
	if !ok {
		return false
	}
	end := strings.IndexByte(s, ']')
	if end < 6 {
		return false
	}
	stamp, pad := s[5:end], terminalPad
	if t, n, ok := pu.RFC3339(stamp); ok && n == len(stamp) {
		pu.SetStamp(ev, t, stamp)
	} else if log15Stamp(stamp) {
		pad = log15Pad
	} else if _, ok := pu.Atoi(stamp); !ok {
		return false
	}
	// (a message that opens with a line break starts on the next line: "ERRO[0003]\nThe
	// following GPUs could not be reset:\n...", the lines the parse processor grouped)
	rest := strings.TrimLeft(s[end+1:], " \r\n")
	msg, fields := splitFields(rest, pad)
	if msg != "" {
		ev.SetString(pu.FieldLogMessage, msg)
	}
	kv := pu.NewKV(fields)
	for k, v := range kv.All() {
		if (k == "file" || k == "source" || k == "caller") && strings.Contains(v, ".go:") {
			// logrus's ReportCaller (CRI-O's "file=\"seccomp/seccomp.go:215\""), go-kit's and
			// Prometheus's exporters' source= (node_exporter's
			// "source=\"node_exporter.go:92\"")
			pu.SetOrigin(ev, v)
			continue
		}
		pu.SetField(ev, k, event.String(v))
	}
	if (level == pu.Error || level == pu.Critical) && msg != "" && !ev.Has(event.FieldErrorMsg) {
		// as the key=value form's error without err=: its message is what failed
		// ("FATA[0000] could not find DCGM field; err: unknown DCGMExporterMetric field ...")
		ev.SetString(event.FieldErrorMsg, msg)
	}
	pu.Finish(ev, pu.DatasetOr(ev, Dataset), level)
	return true
}

func terminalLevel(s string) (string, bool) {
	switch s {
	case "INFO":
		return pu.Info, true
	case "WARN":
		return pu.Warning, true
	case "ERRO", "EROR": // (log15's)
		return pu.Error, true
	case "DEBU", "TRAC", "DBUG":
		return pu.Debug, true
	case "FATA", "PANI", "CRIT":
		return pu.Critical, true
	}
	return "", false
}

// log15Pad is the width log15's terminal format pads the message to before its pairs.
const log15Pad = 40

// log15Stamp reports whether s is log15's terminal time, "01-02|15:04:05" with or without
// milliseconds.
func log15Stamp(s string) bool {
	if len(s) != 14 && len(s) != 18 || s[2] != '-' || s[5] != '|' || s[8] != ':' || s[11] != ':' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && i != 2 && i != 5 && i != 8 && i != 11 && i != 14 {
			return false
		}
	}
	return len(s) == 14 || s[14] == '.'
}

// maxSplits bounds the places splitFields tries, so that a long line of words costs linear time.
const maxSplits = 16

// terminalPad is the width logrus pads the message to before its pairs ("%-44s "): a key=value
// that starts before it is the message's own text ("Walking MigConfig for (devices=all)").
const terminalPad = 44

// splitFields separates the message from the trailing pairs a console layout appends after it:
// the earliest space at or after pad (the width the layout pads the message to) after which the
// rest is all key=value.
func splitFields(s string, pad int) (msg, fields string) {
	tries := 0
	for i := max(pad-1, 0); i < len(s) && tries < maxSplits; i++ {
		if s[i] != ' ' || i+1 >= len(s) || s[i+1] == ' ' {
			continue
		}
		j := strings.IndexByte(s[i+1:], ' ')
		word := s[i+1:]
		if j >= 0 {
			word = word[:j]
		}
		if strings.IndexByte(word, '=') <= 0 {
			continue
		}
		tries++
		if pu.ValidKV(s[i+1:]) {
			return strings.TrimRight(s[:i], " "), s[i+1:]
		}
	}
	return strings.TrimRight(s, " "), ""
}

// contentDataset is the dataset of a logfmt line from a container not of the GPU stack's names,
// or one sluice cannot name (Docker's json-file path gives only its
// id): dcgm-exporter's when the message is one of dcgm-exporter's own, so that an exporter run
// under another name or with docker keeps its lines under gpu.*; else generic.logfmt.
func contentDataset(ev *event.Event) string {
	if msg, _ := ev.GetString(pu.FieldLogMessage); pu.DCGMExporterMessage(msg) {
		return pu.DatasetDCGMExporter
	}
	return Dataset
}

// requestIDIn returns the id after "request_id=" in an error's text, "" without one: at least 8
// characters of letters, digits, '-' and '_', not a number alone.
func requestIDIn(s string) string {
	i := strings.Index(s, "request_id=")
	if i < 0 || i > 0 && s[i-1] != ' ' && s[i-1] != ',' && s[i-1] != '(' {
		return ""
	}
	v := s[i+len("request_id="):]
	j := 0
	for j < len(v) && (v[j] >= 'a' && v[j] <= 'z' || v[j] >= 'A' && v[j] <= 'Z' || v[j] >= '0' && v[j] <= '9' || v[j] == '-' || v[j] == '_') {
		j++
	}
	if _, num := pu.Atoi(v[:j]); j < 8 || j > 128 || num {
		return ""
	}
	return v[:j]
}
