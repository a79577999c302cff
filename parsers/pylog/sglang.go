package pylog

import (
	"strconv"
	"strings"

	"github.com/sluice-dev/sluice/parsers"
	pu "github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/parsers/vllm"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// SGLang's scheduler writes a statistics line for each prefill batch and, every few decode steps,
// for the decode batch (scheduler.py, later scheduler_metrics_mixin.py: log_prefill_stats and
// log_decode_stats): "Prefill batch. #new-seq: 1, #new-token: 2192, #cached-token: 35, token
// usage: 0.00, #running-req: 0, #queue-req: 0" and "Decode batch. #running-req: 1, #token: 2266,
// token usage: 0.00, cuda graph: True, gen throughput (token/s): 3.13, #queue-req: 0" (a comma
// after the batch's name in releases since late 2025: "Decode batch, #running-req: 32, ..."). Its numbers
// become fields, as vLLM's engine stats do, with the same event.action.
const (
	FieldSGLangBatch = "sglang.stats.batch"
	sglangStats      = "sglang.stats."
	// FieldSGLangRequestID is the rid of the request an SGLang line is about.
	FieldSGLangRequestID = "sglang.request.id"
)

// sglangStat is one statistic of the line: its field under sglang.stats. and its kind.
type sglangStat struct {
	field string
	kind  byte // 'i' integer, 'f' float, 'r' ratio 0 to 1, 'p' percentage read as a ratio, 'b' bool
}

// sglangStatKeys are the statistics SGLang's releases have printed, by their name in the line.
var sglangStatKeys = map[string]sglangStat{
	"#new-seq":                   {"prefill.requests", 'i'},
	"#new-token":                 {"prefill.tokens", 'i'},
	"#cached-token":              {"prefill.cached_tokens", 'i'},
	"cache hit rate":             {"cache_hit_rate.pct", 'p'},
	"#token":                     {"tokens", 'i'},
	"#full token":                {"tokens", 'i'}, // sliding-window and hybrid models: the full attention layers' tokens
	"token usage":                {"token_usage.pct", 'r'},
	"full token usage":           {"token_usage.pct", 'r'},
	"swa token usage":            {"swa_token_usage.pct", 'r'},
	"page usage":                 {"token_usage.pct", 'r'},
	"#running-req":               {"requests.running", 'i'},
	"#queue-req":                 {"requests.waiting", 'i'},
	"#inflight-req":              {"requests.inflight", 'i'},
	"#unbootstrapped-req":        {"requests.unbootstrapped", 'i'},
	"#bootstrap-req":             {"requests.unbootstrapped", 'i'}, // 2026's name
	"#pending-token":             {"pending_tokens", 'i'},
	"#transferring-req":          {"requests.transferring", 'i'},
	"#transfer-req":              {"requests.transferring", 'i'},
	"#prealloc-req":              {"requests.prealloc", 'i'},
	"#retracted-req":             {"requests.retracted", 'i'},
	"gen throughput (token/s)":   {"generation_throughput", 'f'},
	"input throughput (token/s)": {"prompt_throughput", 'f'},
	"accept len":                 {"spec_accept_length", 'f'},
	"cuda graph":                 {"cuda_graph", 'b'},
	"npu graph":                  {"cuda_graph", 'b'}, // the device's graph, on Ascend, CPU, Moore Threads (2026)
	"cpu graph":                  {"cuda_graph", 'b'},
	"musa graph":                 {"cuda_graph", 'b'},
	"accept rate":                {"spec_accept_rate.pct", 'r'},
	"mamba usage":                {"mamba_usage.pct", 'r'},
}

// SGLangFields are the fields of SGLang's statistics lines and of its lines about a request.
var SGLangFields = []parsers.Field{
	{Name: FieldSGLangRequestID, Type: "keyword", Description: "SGLang: the rid of the request a line is about (a disaggregated request's failed bootstrap or KV transfer, --log-requests' Receive and Finish lines)."},
	{Name: FieldSGLangBatch, Type: "keyword", Description: "SGLang's statistics line: prefill (a prefill batch was scheduled) or decode (the running decode batch, every few steps)."},
	{Name: sglangStats + "prefill.requests", Type: "long", Description: "SGLang prefill batch: new requests in it (#new-seq)."},
	{Name: sglangStats + "prefill.tokens", Type: "long", Description: "SGLang prefill batch: new tokens to compute (#new-token)."},
	{Name: sglangStats + "prefill.cached_tokens", Type: "long", Description: "SGLang prefill batch: prompt tokens found in the prefix cache (#cached-token)."},
	{Name: sglangStats + "cache_hit_rate.pct", Type: "scaled_float", Description: "SGLang: prefix cache hit rate, 0 to 1 (older releases)."},
	{Name: sglangStats + "tokens", Type: "long", Description: "SGLang decode batch: tokens in the KV cache (#token; #full token with sliding-window and hybrid models)."},
	{Name: sglangStats + "token_usage.pct", Type: "scaled_float", Description: "SGLang: KV cache usage, 0 to 1 (token usage; page usage with paged caches; the full attention layers' with sliding-window models)."},
	{Name: sglangStats + "swa_token_usage.pct", Type: "scaled_float", Description: "SGLang: KV cache usage of the sliding-window attention layers, 0 to 1."},
	{Name: sglangStats + "requests.running", Type: "long", Description: "SGLang: requests running (#running-req)."},
	{Name: sglangStats + "requests.waiting", Type: "long", Description: "SGLang: requests in the waiting queue (#queue-req)."},
	{Name: sglangStats + "requests.inflight", Type: "long", Description: "SGLang: requests in a chunked prefill (#inflight-req, older releases; a disaggregated prefill server's #inflight-req since 2026 is requests.transferring)."},
	{Name: sglangStats + "requests.unbootstrapped", Type: "long", Description: "SGLang prefill server (disaggregated): requests waiting for their decode server's bootstrap (#unbootstrapped-req, since 2026 #bootstrap-req)."},
	{Name: sglangStats + "pending_tokens", Type: "long", Description: "SGLang prefill batch: tokens of the requests waiting to be prefilled (#pending-token, 2026)."},
	{Name: sglangStats + "requests.transferring", Type: "long", Description: "SGLang disaggregated serving: requests whose KV cache is in transfer (#transferring-req; a prefill server's #inflight-req since 2026)."},
	{Name: sglangStats + "requests.prealloc", Type: "long", Description: "SGLang decode server (disaggregated): requests waiting for KV cache room."},
	{Name: sglangStats + "requests.retracted", Type: "long", Description: "SGLang decode server: requests retracted for want of KV cache."},
	{Name: sglangStats + "generation_throughput", Type: "double", Description: "SGLang decode batch: generated tokens/s since the last line."},
	{Name: sglangStats + "prompt_throughput", Type: "double", Description: "SGLang prefill server: prompt tokens/s since the last line."},
	{Name: sglangStats + "spec_accept_length", Type: "float", Description: "SGLang speculative decoding: mean accepted length."},
	{Name: sglangStats + "cuda_graph", Type: "boolean", Description: "SGLang batch: whether it ran as the device's graph (cuda graph; npu graph, cpu graph, musa graph on other devices)."},
	{Name: sglangStats + "spec_accept_rate.pct", Type: "scaled_float", Description: "SGLang speculative decoding: share of the drafted tokens accepted, 0 to 1 (accept rate)."},
	{Name: sglangStats + "mamba_usage.pct", Type: "scaled_float", Description: "SGLang hybrid (Mamba) models: usage of the state pool, 0 to 1 (mamba usage)."},
}

// sglangBatch reads SGLang's statistics line into sglang.stats.* and reports whether msg was
// one. Its "timestamp: ..." (the writer's local time to the microsecond) refines @timestamp.
func sglangBatch(ev *event.Event, msg string) bool {
	var batch, list string
	switch {
	case strings.HasPrefix(msg, "Prefill batch"):
		batch, list = "prefill", msg[len("Prefill batch"):]
		if m, ok := strings.CutPrefix(list, "(mixed #running-req: "); ok {
			// a prefill mixed into the running decode batch: "(mixed #running-req: 3). #new-seq: ..."
			n, rest, _ := strings.Cut(m, ")")
			list = rest
			setSGLangStat(ev, sglangStatKeys["#running-req"], n)
		}
	case strings.HasPrefix(msg, "Decode batch"):
		batch, list = "decode", msg[len("Decode batch"):]
	default:
		if m, ok := strings.CutPrefix(msg, "Decode out of memory happened. #retracted_reqs: "); ok {
			// the scheduler's notice of requests it retracted to free the KV cache (they run
			// again): how many, the decode batch's count in releases before the stats line had it
			n, _, _ := strings.Cut(m, ",")
			setSGLangStat(ev, sglangStatKeys["#retracted-req"], n)
		}
		return false
	}
	if strings.HasPrefix(list, " [") {
		// the forward iteration with SGLANG_LOG_FORWARD_ITERS ("Decode batch [1880],
		// #running-req: 6, ..."), 0.5.23
		if end := strings.IndexByte(list, ']'); end > 2 && pu.AllDigits(list[2:end]) {
			list = list[end+1:]
		}
	}
	list, ok := strings.CutPrefix(list, ". ")
	if !ok {
		// releases since late 2025: "Decode batch, #running-req: 32, ..."
		if list, ok = strings.CutPrefix(list, ", "); !ok {
			return false
		}
	}
	ev.SetString(FieldSGLangBatch, batch)
	ev.SetString(event.FieldEventAction, vllm.ActionStats)
	// a disaggregated prefill server since 2026 names its queues anew: "#bootstrap-req" (was
	// "#unbootstrapped-req"), and "#inflight-req" its requests whose KV cache is in transfer
	// (was "#transferring-req"), no longer a chunked prefill's
	pd := strings.Contains(list, "#bootstrap-req: ")
	for item := range strings.SplitSeq(list, ", ") {
		k, v, ok := strings.Cut(item, ": ")
		if !ok {
			continue
		}
		v = strings.TrimRight(strings.TrimSpace(v), ".,")
		if k == "timestamp" {
			if t, n, ok := pu.RFC3339(v); ok && n == len(v) {
				pu.SetStamp(ev, t, v)
			}
			continue
		}
		if pd && k == "#inflight-req" {
			k = "#transferring-req"
		}
		if st, ok := sglangStatKeys[k]; ok {
			setSGLangStat(ev, st, v)
		}
	}
	return true
}

func setSGLangStat(ev *event.Event, st sglangStat, v string) {
	name := sglangStats + st.field
	switch st.kind {
	case 'i':
		if n, ok := pu.Atoi(v); ok {
			ev.Set(name, event.Int(n))
		}
	case 'b':
		if b, err := strconv.ParseBool(strings.ToLower(v)); err == nil {
			ev.Set(name, event.Bool(b))
		}
	default:
		pct := st.kind == 'p'
		if pct {
			v = strings.TrimSuffix(v, "%")
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return
		}
		if pct {
			f /= 100
		}
		ev.Set(name, event.Float(f))
	}
}

// sglangRequest reads the request an SGLang line names by its rid, and the exception a failed
// request's line ends with. The disaggregation scheduler's lines (disaggregation/prefill.py and
// decode.py) print the request's members Python's "{x=}" way, then the exception's text, whose
// class KVTransferError names itself: "Decode transfer failed for request rank=1
// decode_req.req.rid='3ce8...' decode_req.req.bootstrap_room=165... with exception
// KVTransferError(bootstrap_room=165...): Failed to get kvcache from prefill instance, it might be
// dead". --log-requests' "Receive: obj=GenerateReqInput(rid='...', ...)" names it likewise.
// The format states no level, and the scheduler's level for these lines changed between
// releases (prefill's transfer failure is a warning, then an error): none is given. A
// KVTransferError is gpu.error.kind kv_transfer unless the client aborted the request.
func sglangRequest(ev *event.Event, msg string) {
	id := sglangRID(msg)
	if id == "" {
		return
	}
	ev.SetString(FieldSGLangRequestID, id)
	head, exc, ok := strings.Cut(msg, " with exception ")
	if !ok || !strings.Contains(head, " failed for request ") || exc == "" {
		return
	}
	if typ, text, ok := selfNamed(exc); ok {
		ev.SetString(event.FieldErrorType, typ)
		exc = text
		if typ == "KVTransferError" && !strings.HasPrefix(text, "Aborted by AbortReq") && !ev.Has(pu.FieldGPUErrorKind) {
			// a prefill/decode split's KV cache that did not cross (a timeout in KVPoll, the
			// other rank's failure), as vLLM's connectors' failures are classed; not a request
			// its client aborted
			ev.SetString(pu.FieldGPUErrorKind, vllm.KindKVTransfer)
		}
	}
	if exc != "" {
		ev.SetString(event.FieldErrorMsg, exc)
	}
}

// sglangRID finds "rid=" as a member's name (not "grid=") and returns its value, quoted
// ('...') or bare.
func sglangRID(msg string) string {
	if r, ok := strings.CutPrefix(msg, "KV checksum mismatch req="); ok {
		// the decode side's check of a transferred KV cache (disaggregation/decode.py:
		// "KV checksum mismatch req=<rid> ...")
		id, _, _ := strings.Cut(r, " ")
		return strings.TrimRight(id, ",.:")
	}
	if r, ok := strings.CutPrefix(msg, "Request "); ok {
		// the disaggregation schedulers' refusal of a request too long for them ("Request
		// <rid> exceeds the maximum number of tokens: 9000 > 8192"), which names it bare
		if id, rest, ok := strings.Cut(r, " "); ok && strings.HasPrefix(rest, "exceeds the maximum number of tokens") && id != "" {
			return id
		}
	}
	for i := 0; ; {
		j := strings.Index(msg[i:], "rid=")
		if j < 0 {
			return ""
		}
		at := i + j
		i = at + len("rid=")
		if at > 0 && msg[at-1] != '.' && msg[at-1] != ' ' && msg[at-1] != '(' && msg[at-1] != ',' {
			continue
		}
		v := msg[i:]
		if strings.HasPrefix(v, "'") {
			if end := strings.IndexByte(v[1:], '\''); end > 0 {
				return v[1 : end+1]
			}
			return ""
		}
		if end := strings.IndexAny(v, " ,)"); end >= 0 {
			v = v[:end]
		}
		if v == "None" {
			return ""
		}
		return v
	}
}

// selfNamed splits an exception's text that starts with its class and arguments,
// "KVTransferError(bootstrap_room=12): reason", into the class and the reason.
func selfNamed(s string) (typ, text string, ok bool) {
	open := strings.IndexByte(s, '(')
	if open <= 0 {
		return "", "", false
	}
	if typ, _, ok = vllm.SplitException(s[:open], true); !ok || typ != s[:open] {
		return "", "", false // no exception class before the parenthesis
	}
	_, text, ok = strings.Cut(s[open:], "): ")
	if !ok {
		if !strings.HasSuffix(s, ")") {
			return "", "", false
		}
		text = ""
	}
	return typ, text, true
}

// sglangOwn reports whether msg is words only SGLang's scheduler or launcher write: its batch
// stats ("Prefill batch, #new-seq: 1, ...", "Decode batch, #running-req: 3, ...",
// scheduler_metrics_mixin.py), its launcher's "Received sigquit from a child process", the
// scheduler's "Scheduler hit an exception".
func sglangOwn(msg string) bool {
	return strings.HasPrefix(msg, "Prefill batch") && strings.Contains(msg, "#new-seq: ") ||
		strings.HasPrefix(msg, "Decode batch") && strings.Contains(msg, "#running-req: ") ||
		strings.HasPrefix(msg, "Received sigquit from a child proces") || strings.HasPrefix(msg, "Scheduler hit an exception") ||
		strings.HasPrefix(msg, "SIGQUIT received. ") && strings.Contains(msg, "It usually means one child failed") ||
		strings.HasPrefix(msg, "Subprocess ") && strings.Contains(msg, ") crashed with exit code ") && strings.Contains(msg, "Triggering SIGQUIT")
}
