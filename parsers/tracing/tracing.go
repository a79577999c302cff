// Package tracing parses the lines of Rust programs that log with tracing-subscriber's default
// format: the LLM-serving stack's Rust parts (NVIDIA Dynamo's frontend and router, vLLM's Rust
// router, Hugging Face's text-generation-inference launcher and router):
//
//	2026-09-09T19:08:28.191844Z ERROR http-request:anthropic_messages: dynamo_llm::http::service::anthropic: Anthropic Internal server error: ... status=500 Internal Server Error method=POST uri=/v1/messages?beta=true
//	2026-01-15 02:30:17 DEBUG http_request{method=POST uri=/v1/completions}: vllm_router_rs::routers::http::vllm_pd_router: src/routers/http/vllm_pd_router.rs:577: Prefill worker: ...
//	2024-03-06T17:53:22.336246Z  INFO shard-manager: text_generation_launcher: Starting shard rank=0
//
// A time, the level right-aligned in five columns, the spans the event happened in, its target
// (the module path), with_file's file:line, then the message and the event's fields.
package tracing

import (
	"strings"
	"time"

	"github.com/sluice-dev/sluice/parsers"
	pu "github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/parsers/uvicorn"
	"github.com/sluice-dev/sluice/parsers/vllm"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// Dataset is the dataset of tracing lines from containers outside the GPU stack.
const Dataset = "generic.tracing"

// DatasetTGI is the dataset of text-generation-inference's launcher, router and client: the
// lines whose target is one of its crates (text_generation_launcher, text_generation_router,
// text_generation_client, text_generation_router_v3...), in any container.
const DatasetTGI = "tgi.server"

// DatasetTEI is the dataset of text-embeddings-inference's router, core and backends (targets
// text_embeddings_router, text_embeddings_core, text_embeddings_backend...), the embedding and
// reranking server beside vLLM in RAG deployments.
const DatasetTEI = "tei.server"

// DatasetPanic is the dataset of a Rust panic from a container outside the GPU stack and the
// known servers.
const DatasetPanic = "generic.rust"

// Field names beside the shared ones.
const (
	FieldSpans     = "log.fields.spans"
	FieldRequestID = pu.FieldHTTPRequestID

	// text-generation-inference's parts of a request's time, in nanoseconds
	FieldValidationTime = "tgi.request.validation_time"
	FieldQueueTime      = "tgi.request.queue_time"
	FieldInferenceTime  = "tgi.request.inference_time"
	FieldTimePerToken   = "tgi.request.time_per_token"

	// text-embeddings-inference's parts of a request's time, in nanoseconds
	FieldTEITokenizationTime = "tei.request.tokenization_time"
	FieldTEIQueueTime        = "tei.request.queue_time"
	FieldTEIInferenceTime    = "tei.request.inference_time"
)

// Info registers the parser.
var Info = parsers.Info{
	Name:        "tracing",
	Description: "Rust tracing-subscriber lines (NVIDIA Dynamo, vLLM's Rust router, text-generation-inference) and Rust panics",
	New:         func(parsers.Options) parsers.Parser { return New() },
	Fields: append(pu.Fields(pu.FieldLogMessage, event.FieldLogLogger, event.FieldOriginFile, event.FieldOriginLine,
		pu.FieldLogFields, event.FieldErrorMsg, event.FieldErrorStack, pu.FieldGPUErrorKind, pu.FieldEventDuration),
		pu.Field(FieldRequestID), pu.Field(pu.FieldVLLMRequestID),
		uvicorn.Field(uvicorn.FieldMethod), uvicorn.Field(uvicorn.FieldURLPath), uvicorn.Field(uvicorn.FieldURLQuery),
		uvicorn.Field(event.FieldHTTPStatus),
		parsers.Field{Name: event.FieldErrorType, Type: "keyword", Description: "Class of the exception a traceback in the message raised (TGI's launcher relaying a shard's)."},
		parsers.Field{Name: FieldValidationTime, Type: "long", Description: "TGI's validation_time of a request, in nanoseconds."},
		parsers.Field{Name: FieldQueueTime, Type: "long", Description: "TGI's queue_time of a request (waiting for a batch), in nanoseconds."},
		parsers.Field{Name: FieldInferenceTime, Type: "long", Description: "TGI's inference_time of a request, in nanoseconds."},
		parsers.Field{Name: FieldTimePerToken, Type: "long", Description: "TGI's time_per_token of a request, in nanoseconds."},
		parsers.Field{Name: FieldTEITokenizationTime, Type: "long", Description: "TEI's tokenization_time of a request, in nanoseconds."},
		parsers.Field{Name: FieldTEIQueueTime, Type: "long", Description: "TEI's queue_time of a request, in nanoseconds."},
		parsers.Field{Name: FieldTEIInferenceTime, Type: "long", Description: "TEI's inference_time of a request, in nanoseconds."}),
}

// Parser parses tracing lines. It is stateless and safe for concurrent use.
type Parser struct{}

// New returns the parser.
func New() *Parser { return &Parser{} }

// Parse recognises a tracing-subscriber line: a time, a level word, and a target before the
// message.
func (p *Parser) Parse(ev *event.Event) bool {
	s := ev.Message()
	if PrettyStart(s) {
		return pretty(ev, s)
	}
	if len(s) > 0 && s[0] == 0x1b {
		// in colour (a terminal's, SageMaker's TGI): the time dimmed, the level green, the
		// spans bold
		s = vllm.StripANSI(s)
	} else if len(s) > 0 && s[0] == '[' || strings.HasPrefix(s, "#033[") {
		// the same, its escape bytes lost in a paste, or written as rsyslog writes a control
		// byte ("#033[2m2025-03-12T09:36:06.501161Z#033[0m #033[31mERROR#033[0m ...": TGI's
		// through CloudWatch and SageMaker)
		s = vllm.StripPastedColour(s)
	}
	if len(s) > 8 && s[0] == '[' {
		// a launcher's relay of its Rust core's lines under the core's name: SGLang's model
		// gateway, "[smg] 2026-06-06 04:08:09 DEBUG smg::app_context: ..."
		if end := strings.IndexByte(s[:min(len(s), 16)], ']'); end > 1 && end+2 < len(s) && s[end+1] == ' ' &&
			(s[end+2] == '1' || s[end+2] == '2') && pu.LowerWord(s[1:end]) {
			s = s[end+2:]
		}
	}
	timeless := len(s) > 12 && s[0] >= 'D' && s[0] <= 'W' && timelessTarget(s)
	// chrono's "%b %d %H:%M:%S%.3f", which Vector before 0.11 wrote: "Jul 08 23:18:39.530  WARN
	// sink{...}: vector::sinks::util::retries: ..." (local time, no year)
	monthDay := !timeless && len(s) > 30 && s[0] >= 'A' && s[0] <= 'S' && s[3] == ' ' && s[19] == ' ' && pu.Month(s) != 0
	if len(s) < 30 || (s[0] < '1' || s[0] > '2') && s[0] != '[' && !timeless && !monthDay {
		if len(s) > 0 && s[0] == 't' {
			return panicReport(ev, s)
		}
		return false
	}
	var t time.Time
	var rest, stamp string
	local := false
	if monthDay {
		var n int
		var ok bool
		if t, n, ok = pu.Syslog(s, pu.Reference(ev)); !ok || n != 19 {
			return false
		}
		rest, local = s[n+1:], true
	} else if timeless {
		// a subscriber built without a timer (tracing-subscriber's without_time(): Dynamo's
		// KVBM workers): "ERROR dynamo_llm::block_manager::distributed::transfer: Failed to ...";
		// the runtime's time stays
		rest = " " + s
		if s[4] != ' ' {
			rest = s // five letters: ERROR, DEBUG, TRACE
		}
	} else if s[0] == '[' {
		// tracing's uptime timer, Linkerd's proxy: "[951475.788267s]  WARN ThreadId(01)
		// linkerd_reconnect: Failed to connect error=Connection refused (os error 111)": seconds
		// since the start, no time of day (the runtime's time stays)
		end := strings.IndexByte(s[:min(len(s), 24)], ']')
		if end < 4 || s[end-1] != 's' || end+2 >= len(s) || s[end+1] != ' ' {
			return false
		}
		if _, ok := pu.Epoch(strings.TrimLeft(s[1:end-1], " ")); !ok {
			return false
		}
		rest = s[end+2:]
	} else {
		var n int
		var ok bool
		t, n, ok = pu.RFC3339(s)
		if !ok || n+7 > len(s) || s[n] != ' ' {
			return false
		}
		rest, stamp = s[n+1:], s[:n]
	}
	padded := rest[0] == ' '
	if padded {
		rest = rest[1:] // " INFO", " WARN": right-aligned
	}
	lv, rest, ok := strings.Cut(rest, " ")
	level := levels(lv)
	if !ok || level == "" {
		return false
	}
	rest, ok = threadID(rest)
	if !ok {
		return false
	}
	spans, target, file, line, msg := prefix(rest)
	if target == "" || len(lv) == 4 && !padded && !strings.Contains(target, "::") {
		// a four-letter level tracing writes right-aligned in five columns; a copy that
		// collapsed the spaces is tracing's still when a Rust module path follows (SGLang's
		// router: "2025-10-15 10:45:11 INFO sglang_router_rs::server: src/server.rs:662: ...")
		return false
	}
	if stamp != "" {
		pu.SetStamp(ev, t, stamp)
	} else if local {
		pu.SetLocalTime(ev, t)
	}
	ev.SetString(event.FieldLogLogger, target)
	if file != "" {
		ev.SetString(event.FieldOriginFile, file)
		ev.Set(event.FieldOriginLine, event.Int(line))
	}
	if spans != "" {
		ev.SetString(FieldSpans, spans)
	}
	ev.SetString(pu.FieldLogMessage, strings.TrimRight(msg, " ")) // (Dynamo pads its records)
	if first, more, _ := strings.Cut(msg, "\n"); strings.TrimSpace(first) == "" && strings.TrimSpace(more) != "" {
		// a message that opens with a line break (vllm.rs's error!("\n\n{e:?}"): the error,
		// its backtrace's numbered frames under it)
		msg = strings.TrimLeft(more, "\n")
		ev.SetString(pu.FieldLogMessage, msg)
		if level == pu.Error {
			e, _, _ := strings.Cut(msg, "\n")
			ev.SetString(event.FieldErrorMsg, strings.TrimSpace(e))
		}
	}
	ds := TargetDataset(target)
	fields(ev, spans, msg, ds)
	if level == pu.Error {
		failure(ev, msg)
	}
	pu.Finish(ev, pu.DatasetOr(ev, ds), level)
	return true
}

// DatasetDynamo is the dataset of NVIDIA Dynamo's Rust components' lines.
const DatasetDynamo = "dynamo.server"

// TargetDataset returns the dataset of a tracing event of target: text-generation-inference's
// and text-embeddings-inference's crates are theirs, the vLLM and SGLang routers', Dynamo's and
// Vector's too, any other generic.tracing.
func TargetDataset(target string) string {
	switch {
	case strings.HasPrefix(target, "text_generation"):
		return DatasetTGI
	case strings.HasPrefix(target, "text_embeddings"):
		return DatasetTEI
	case strings.HasPrefix(target, "vllm_router"):
		return "vllm_router.server" // vLLM's Rust router (vllm_router_rs), in any container
	case strings.HasPrefix(target, "sglang_router"), strings.HasPrefix(target, "smg::"), strings.HasPrefix(target, "smg_"),
		strings.HasPrefix(target, "wfaas::"):
		// (sgl-router, renamed SGLang Model Gateway: its crates smg, smg_mcp, ..., and its
		// workflow engine's, wfaas, whose steps register the gateway's workers)
		return "sglang_router.server" // SGLang's (sgl-router's sglang_router_rs), in any container
	case strings.HasPrefix(target, "dynamo_"):
		// NVIDIA Dynamo's Rust crates (dynamo_llm's frontend and KV router, dynamo_runtime),
		// whose operator names every container main
		return DatasetDynamo
	case strings.HasPrefix(target, "vector::") || strings.HasPrefix(target, "vector_"):
		return "vector.log" // Vector's own (vector::sinks::elasticsearch, vector_buffers), the shipper's
	}
	return Dataset
}

// failure reads what an error event's message says failed: the GPU failure class (TGI's router:
// "Server error: CUDA out of memory. Tried to allocate ..."), and the exception of a Python
// traceback the message carries on its further lines (TGI's launcher relays a shard's
// logger.exception whole: "Method Warmup encountered an error.", then the traceback).
func failure(ev *event.Event, msg string) {
	if i := strings.Index(msg, vllm.TracebackHeader); i > 0 && msg[i-1] == '\n' {
		vllm.SetTraceback(ev, msg[i:])
	}
	switch k := vllm.Classify(msg); k {
	case "cuda_oom", "cuda_error", "nccl":
		ev.SetString(pu.FieldGPUErrorKind, vllm.WorkloadKind(k, msg))
	}
	if !ev.Has(event.FieldErrorMsg) {
		// an error that names no error= of its own (TGI's router: "Server error: error trying
		// to connect: ...", its launcher's "Shard 0 failed to start"): its message is the
		// failure, as every parser's error line gives it
		if first, _, _ := strings.Cut(msg, "\n"); strings.TrimSpace(first) != "" {
			ev.SetString(event.FieldErrorMsg, strings.TrimSpace(first))
		}
	}
}

// Line reads b, what follows a line's time (which the parse processor reads as the line's
// stamp), as the rest of a tracing line: its level and a target; "" when it is not one. tgi
// reports whether the target is one of text-generation-inference's crates.
func Line(b string) (level string, tgi bool) {
	padded := len(b) > 0 && b[0] == ' '
	if padded {
		b = b[1:]
	}
	lv, _, ok := strings.Cut(b[:min(len(b), 6)], " ")
	if !ok || levels(lv) == "" || len(lv) == 4 && !padded {
		return "", false
	}
	rest, ok := threadID(b[len(lv)+1:])
	if !ok {
		return "", false
	}
	_, target, _, _, _ := prefix(rest)
	if target == "" {
		return "", false
	}
	return levels(lv), strings.HasPrefix(target, "text_generation")
}

// threadID removes with_thread_ids' "ThreadId(01) " before the spans, and reports false when
// s opens with a broken one.
func threadID(s string) (string, bool) {
	after, ok := strings.CutPrefix(s, "ThreadId(")
	if !ok {
		return s, true
	}
	end := strings.IndexByte(after[:min(len(after), 12)], ')')
	if end < 1 || end+1 >= len(after) || after[end+1] != ' ' {
		return s, false
	}
	return after[end+2:], true
}

// Target reads what a tracing subscriber writes after the level in another layout (mount-s3's
// syslog lines: "[WARN] ThreadId(16) readdirplus{req=562924082}: mountpoint_s3_fs::superblock::readdir:
// file ..."): the thread id, the spans, and a target of module-path words ("a::b"), which it
// returns with the spans and the message. ok is false when s holds no such target.
func Target(s string) (spans, target, msg string, ok bool) {
	s, ok = threadID(s)
	if !ok {
		return "", "", "", false
	}
	spans, target, _, _, msg = prefix(s)
	if !strings.Contains(target, "::") {
		return "", "", "", false
	}
	return spans, target, msg, true
}

// levels maps tracing's five level words.
func levels(s string) string {
	switch s {
	case "TRACE", "DEBUG":
		return pu.Debug
	case "INFO":
		return pu.Info
	case "WARN":
		return pu.Warning
	case "ERROR":
		return pu.Error
	}
	return ""
}

// prefix reads "span{..}:span: target: file.rs:N: " before the message: the segments before
// ": " that have no space outside braces. The first that is a module path is the target, those
// before it the spans, and one of the form file.rs:N after it the origin.
func prefix(s string) (spans, target, file string, line int64, msg string) {
	var segs [8]string
	var after [8]int // where the text after each segment's ": " starts in s
	n, at := 0, 0
	for n < len(segs) {
		end := segmentEnd(s[at:])
		if end <= 0 {
			break
		}
		segs[n], after[n] = s[at:at+end], at+end+2
		at = after[n]
		n++
	}
	// The target is a module path ("dynamo_llm::http::service::anthropic",
	// "text_generation_launcher"); spans before it may hold any name ("shard-manager",
	// "http_request{...}").
	if n > 0 && pythonName(segs[0]) {
		// Dynamo's Python components write "<time> <LEVEL> <module>.<function>: <message>" as
		// its Rust ones do, and a message may hold "word: " ("process.format_args: cmd:
		// /usr/bin/python"): no span is named so, pylog reads the line
		return "", "", "", 0, ""
	}
	ti := -1
	for i, sg := range segs[:n] {
		if !rustPath(sg) {
			continue
		}
		if i+1 < n && rustPath(segs[i+1]) && (strings.Contains(segs[i+1], "::") && !strings.Contains(sg, "::") ||
			plainWord(sg) && strings.IndexByte(segs[i+1], '_') >= 0) {
			// a span without fields is its bare name ("download: text_generation_launcher: ...",
			// TEI's "download_artifacts: text_embeddings_core::download: ..."): the target is
			// the module path after it
			continue
		}
		if i+2 < n && !strings.Contains(sg, "::") && rustPath(segs[i+1]) {
			if _, _, ok := fileLine(segs[i+2]); ok {
				continue // with_file's location follows the target: the segment before it
			}
		}
		ti = i
		break
	}
	if ti < 0 {
		return "", "", "", 0, ""
	}
	used := ti // the last segment that is not the message's own ("error: oops")
	if ti+1 < n {
		if f, l, ok := fileLine(segs[ti+1]); ok {
			file, line, used = f, l, ti+1
		}
	}
	target = segs[ti]
	if ti > 0 {
		spans = s[:after[ti-1]-2] // the spans as the line wrote them
	}
	return spans, target, file, line, s[after[used]:]
}

// segmentEnd returns where the segment at the start of s ends (its ": "), or -1 when a space
// outside braces comes first: then s is the message.
func segmentEnd(s string) int {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '{':
			depth++
		case '}':
			depth--
		case ' ':
			if depth <= 0 {
				return -1
			}
		case ':':
			if depth <= 0 && i+1 < len(s) && s[i+1] == ' ' {
				return i
			}
		}
	}
	return -1
}

// rustPath reports whether s is a Rust module path: lower-case words of letters, digits and
// '_', joined by "::"; or a target a program names itself, of two words or more, whose words
// may hold capitals and '-' too (the AWS CRT's subjects under mount-s3:
// "awscrt::channel-bootstrap", "awscrt::Unknown").
func rustPath(s string) bool {
	word, words, named := 0, 1, false // length of the current word, the words, a capital or '-'
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9' && word == 0:
			return false // no identifier opens with a digit (wget's "ERROR 403: Forbidden.")
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_':
			word++
		case c >= 'A' && c <= 'Z' || c == '-' && word > 0:
			word++
			named = true
		case c == ':' && word > 0 && i+1 < len(s) && s[i+1] == ':':
			word = 0
			words++
			i++
		default:
			return false
		}
	}
	return word > 0 && (!named || words > 1)
}

// timelessTarget reports whether s opens with a level and a module path's target, with no time
// before them: "ERROR dynamo_llm::block_manager::distributed::transfer: ...", "WARN
// dynamo_runtime::...: ..." (a path of two words or more, so that Python's "ERROR: ..." or a
// word's "WARN Something: ..." is not taken).
func timelessTarget(s string) bool {
	lv, rest, ok := strings.Cut(s[:min(len(s), 160)], " ")
	if !ok || levels(lv) == "" {
		return false
	}
	target, after, ok := strings.Cut(rest, ": ")
	if ok && !strings.Contains(target, "::") && spanName(target) {
		// a span without fields before the module path (Dynamo's frontend: "ERROR
		// chat_completions: dynamo_llm::http::service::openai: Internal server error: ...")
		if t, _, ok := strings.Cut(after, ": "); ok && strings.Contains(t, "::") && rustPath(t) {
			return true
		}
	}
	if !ok || !rustPath(target) {
		return false
	}
	if strings.Contains(target, "::") {
		return true
	}
	// a crate's root module ("text_embeddings_router") with the file and line tracing writes
	// after it: "INFO text_embeddings_router: router/src/lib.rs:293: Warming up model" (TEI)
	loc, _, ok := strings.Cut(after[:min(len(after), 96)], ": ")
	file, line, found := strings.Cut(loc, ".rs:")
	return ok && found && file != "" && pu.AllDigits(line) && line != ""
}

// spanName reports whether s may be a tracing span's name written without fields: lower-case
// letters, digits, '_' and '-' ("chat_completions", "http-request").
func spanName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// pythonName reports whether s is a Python module and function, "module.function"
// ("process.format_args", "__init__.vllm_version_matches_substr"): identifiers joined by dots.
func pythonName(s string) bool {
	dots, word := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= '0' && c <= '9' && word > 0:
			word++
		case c == '.' && word > 0:
			dots++
			word = 0
		default:
			return false
		}
	}
	return dots > 0 && word > 0
}

// plainWord reports whether s is one word of lower-case letters: no module path.
func plainWord(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return s != ""
}

// fileLine reads "src/routers/http/vllm_pd_router.rs:577".
func fileLine(s string) (string, int64, bool) {
	c := strings.LastIndexByte(s, ':')
	if c <= 0 || !strings.HasSuffix(s[:c], ".rs") {
		return "", 0, false
	}
	n, ok := pu.Atoi(s[c+1:])
	return s[:c], n, ok
}

// fields takes the request fields a serving program puts on its events and spans:
// request_id, method, uri, status ("status=500 Internal Server Error").
func fields(ev *event.Event, spans, msg, ds string) {
	for _, src := range [2]string{spans, msg} {
		id := value(src, "request_id=")
		if id != "" {
			if i := strings.Index(src, " version=HTTP/"); i > 0 {
				// Dynamo's layout writes the HTTP request's span fields after the event's own,
				// "method=POST uri=... version=HTTP/1.1 request_id=<id>", where an event may name
				// another request_id of its own before or after them: the span's is the one every
				// line of the request carries
				if sid := value(src[i:], "request_id="); sid != "" {
					id = sid
				}
			}
		}
		if _, counter := pu.Atoi(id); id == "" || counter || ev.Has(FieldRequestID) || ev.Has(pu.FieldVLLMRequestID) {
			continue // a number is a program's own counter (Vector's "request{request_id=1}"), no request's id
		}
		if vid, ok := vllm.ServerRequestID(id); ok && src == msg {
			// an event's own field naming vLLM's id for the request (Dynamo's KV block manager
			// in a vLLM pod: "request set to finish: ... request_id=chatcmpl-..."): the field
			// every line about it has; a span's is the HTTP request a router serves
			ev.SetString(pu.FieldVLLMRequestID, vid)
		} else {
			ev.SetString(FieldRequestID, id)
		}
	}
	if m := value(msg, "method="); m != "" {
		ev.SetString(uvicorn.FieldMethod, m)
	} else if m := value(spans, "method="); m != "" {
		ev.SetString(uvicorn.FieldMethod, m)
	}
	uri := value(msg, "uri=")
	if uri == "" {
		uri = value(spans, "uri=")
	}
	if uri != "" && uri[0] == '/' {
		uvicorn.SetTarget(ev, uri)
	}
	if ds == DatasetTGI {
		// the launcher's events about a shard name its rank ("Waiting for shard to be ready...
		// rank=1", "Shard terminated rank=3"): which GPU's shard it is
		if r := value(msg, "rank="); r != "" && pu.AllDigits(r) && strings.HasSuffix(msg, " rank="+r) {
			ev.SetString(pu.FieldLogFields+".rank", r)
		}
	}
	if strings.Contains(spans, "total_time=") {
		switch ds {
		case DatasetTGI, DatasetTEI:
			timings(ev, spans, ds == DatasetTEI)
		}
	}
	if e := errorValue(msg); e != "" {
		ev.SetString(event.FieldErrorMsg, e) // "Retrying after error. error=error trying to connect: ..." (Vector's)
	}
	st := value(msg, "status=")
	if st == "" && responseLine(msg) {
		// sgl-router's response logger records the answer in the request's span, then logs
		// its line without fields of its own: "http_request{... status=500 Internal Server
		// Error latency=2.041450065s}: sglang_router_rs::response: ...: request failed with
		// server error"
		st = value(spans, "status=")
		if d, err := time.ParseDuration(value(spans, "latency=")); err == nil && d >= 0 {
			ev.Set(pu.FieldEventDuration, event.Int(int64(d)))
		}
	}
	if st == "" {
		// tower-http's trace layer on a failed response: "response failed classification=Status
		// code: 503 Service Unavailable latency=0 ms" (a Dynamo worker's /live probe)
		if _, c, ok := strings.Cut(msg, "classification=Status code: "); ok {
			st = c
		}
	}
	if len(st) >= 3 {
		if code, ok := pu.Atoi(st[:3]); ok && code >= 100 && code <= 599 {
			ev.Set(event.FieldHTTPStatus, event.Int(code))
		}
	}
}

// responseLine reports whether msg is a router's line of a request's answer, whose status and
// latency its span holds.
func responseLine(msg string) bool {
	return msg == "finished processing request" || strings.HasPrefix(msg, "request failed with ")
}

// timings reads the times text-generation-inference's and text-embeddings-inference's routers
// put in the span of a request they answered (router/src/server.rs: TGI's total_time,
// validation_time, queue_time, inference_time, time_per_token; TEI's total_time,
// tokenization_time, queue_time, inference_time), each a Rust Duration as Debug writes it
// ("2.398845911s", "176.5µs"): the whole as event.duration, the parts under tgi.request or
// tei.request, all in nanoseconds.
func timings(ev *event.Event, spans string, tei bool) {
	parts := tgiTimes
	if tei {
		parts = teiTimes
	}
	for _, f := range parts {
		if v := value(spans, f[0]); v != "" {
			if d, err := time.ParseDuration(v); err == nil && d >= 0 {
				ev.Set(f[1], event.Int(int64(d)))
			}
		}
	}
}

var (
	tgiTimes = [][2]string{
		{"total_time=", pu.FieldEventDuration},
		{"validation_time=", FieldValidationTime},
		{"queue_time=", FieldQueueTime},
		{"inference_time=", FieldInferenceTime},
		{"time_per_token=", FieldTimePerToken},
	}
	teiTimes = [][2]string{
		{"total_time=", pu.FieldEventDuration},
		{"tokenization_time=", FieldTEITokenizationTime},
		{"queue_time=", FieldTEIQueueTime},
		{"inference_time=", FieldTEIInferenceTime},
	}
)

// value returns the value of key (which ends in '=') in s: the word after it, unquoted.
func value(s, key string) string {
	i := strings.Index(s, key)
	for i > 0 && s[i-1] != ' ' && s[i-1] != '{' {
		j := strings.Index(s[i+1:], key)
		if j < 0 {
			return ""
		}
		i += 1 + j
	}
	if i < 0 {
		return ""
	}
	v := s[i+len(key):]
	if strings.HasPrefix(v, `"`) {
		if end := strings.IndexByte(v[1:], '"'); end >= 0 {
			return v[1 : 1+end]
		}
		return ""
	}
	end := strings.IndexAny(v, " }")
	if end >= 0 {
		v = v[:end]
	}
	return v
}

// errorValue returns the value of an event's error= (or err=) field: quoted, or, as tracing
// writes a Display value, up to the next " key=" field or the end of the line.
func errorValue(msg string) string {
	for _, key := range [...]string{" error=", " err="} {
		i := strings.Index(msg, key)
		if i < 0 {
			continue
		}
		v := msg[i+len(key):]
		if strings.HasPrefix(v, `"`) {
			if end := strings.IndexByte(v[1:], '"'); end >= 0 {
				return v[1 : 1+end]
			}
			return ""
		}
		for j := strings.IndexByte(v, ' '); j >= 0; {
			k := j + 1
			for k < len(v) && (v[k] >= 'a' && v[k] <= 'z' || v[k] == '_') {
				k++
			}
			if k > j+1 && k < len(v) && v[k] == '=' {
				return v[:j]
			}
			next := strings.IndexByte(v[j+1:], ' ')
			if next < 0 {
				break
			}
			j += 1 + next
		}
		return v
	}
	return ""
}

// PrettyStart reports whether s opens a record in tracing-subscriber's pretty format (hf-xet's,
// under huggingface_hub): "  2026-08-04T09:58:03.913337Z ERROR  Fatal Client Error: ...", two
// spaces, the time, the level; its "    at file:line" (and "    in span") lines and an empty
// line follow.
func PrettyStart(s string) bool {
	if len(s) < 34 || s[0] != ' ' || s[1] != ' ' || s[2] < '1' || s[2] > '2' {
		return false
	}
	_, n, ok := pu.RFC3339(s[2:])
	if !ok || 2+n+6 > len(s) || s[2+n] != ' ' {
		return false
	}
	lv, _, ok := strings.Cut(strings.TrimLeft(s[2+n+1:min(len(s), 2+n+9)], " "), " ")
	return ok && levels(lv) != ""
}

// PrettyLine reports whether s goes on with a pretty record: its location, its spans, the
// empty line that ends it.
func PrettyLine(s string) bool {
	return strings.HasPrefix(s, "    at ") || strings.HasPrefix(s, "    in ") || strings.TrimSpace(s) == ""
}

// pretty reads a record in tracing-subscriber's pretty format: the time, the level, the message,
// the location under it ("    at /home/runner/work/xet-core/xet-core/cas_client/src/
// retry_wrapper.rs:74") and its spans ("    in data_client::download with ...").
func pretty(ev *event.Event, s string) bool {
	first, more, _ := strings.Cut(s[2:], "\n")
	t, n, _ := pu.RFC3339(first)
	lv, msg, _ := strings.Cut(strings.TrimLeft(first[n+1:], " "), " ")
	level := levels(lv)
	msg = strings.TrimSpace(msg)
	pu.SetStamp(ev, t, first[:n])
	ev.SetString(pu.FieldLogMessage, msg)
	var spans []string
	for _, l := range strings.Split(more, "\n") {
		l = strings.TrimSpace(l)
		if at, ok := strings.CutPrefix(l, "at "); ok {
			if c := strings.LastIndexByte(at, ':'); c > 0 {
				if line, ok := pu.Atoi(at[c+1:]); ok {
					ev.SetString(event.FieldOriginFile, at[:c])
					ev.Set(event.FieldOriginLine, event.Int(line))
				}
			}
		} else if in, ok := strings.CutPrefix(l, "in "); ok {
			spans = append(spans, in)
		}
	}
	if len(spans) > 0 {
		ev.SetString(FieldSpans, strings.Join(spans, "; "))
	}
	if level == pu.Error {
		ev.SetString(event.FieldErrorMsg, msg)
		failure(ev, msg)
	}
	pu.Finish(ev, pu.DatasetOr(ev, Dataset), level)
	return true
}
