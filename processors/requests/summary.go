package requests

import (
	"strconv"
	"strings"

	"github.com/sluice-dev/sluice/parsers/uvicorn"
	"github.com/sluice-dev/sluice/parsers/vllm"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// Dataset of the summaries, and the fields they carry beyond the request fields the vllm parser
// declares (vllm.request.id, params, prompt_tokens, lora_name, failure_reason,
// vllm.response.output_tokens and finish_reason, vllm.error.kind).
const (
	Dataset          = "vllm.request"
	FieldOutcome     = "vllm.request.outcome"
	FieldEndReason   = "vllm.request.end_reason"
	FieldLines       = "vllm.request.lines"
	FieldPreemptions = "vllm.request.preemptions"
	FieldEventStart  = "event.start"
	FieldEventEnd    = "event.end"
	FieldDuration    = "event.duration"
	FieldECSOutcome  = "event.outcome"
	FieldEventKind   = "event.kind"
)

// Fields lists what the summaries carry, for the index mapping and the README.
var Fields = []event.FieldInfo{
	{Name: FieldOutcome, Type: "keyword", Description: "How a vLLM request ended: success, failure, aborted, unknown (no end line: ttl, evicted, shutdown)."},
	{Name: FieldEndReason, Type: "keyword", Description: "Why a request ended without an end line of its own: engine_failure, engine_idle, ttl, evicted, shutdown."},
	{Name: FieldLines, Type: "long", Description: "Lines seen for the request."},
	{Name: FieldPreemptions, Type: "long", Description: "Times the scheduler preempted the request (V0 warnings)."},
	{Name: FieldEventStart, Type: "date", Description: "Time of the request's first line."},
	{Name: FieldEventEnd, Type: "date", Description: "Time of the request's last line (or of the failure that ended it)."},
	{Name: FieldDuration, Type: "long", Description: "event.end minus event.start, in nanoseconds (ECS)."},
	{Name: FieldECSOutcome, Type: "keyword", Description: "ECS outcome of the request: success, failure, unknown."},
	{Name: FieldEventKind, Type: "keyword", Description: "event for request summaries."},
}

// summary builds r's vllm.request event.
func (p *Processor) summary(r *request, reason string) *event.Event {
	ev := event.NewSized(32)
	ev.SetTimestamp(r.end)
	ev.SetString(event.FieldDataset, Dataset)
	ev.SetString(FieldEventKind, "event")
	vllm.SetRequestID(ev, r.id)
	ev.SetString(FieldOutcome, r.outcome)
	ev.SetString(FieldECSOutcome, ecsOutcome(r.outcome))
	ev.SetString(event.FieldLogLevel, level(r.outcome))
	if reason != "" {
		ev.SetString(FieldEndReason, reason)
	}
	if !r.start.IsZero() {
		ev.Set(FieldEventStart, event.Time(r.start))
		ev.Set(FieldEventEnd, event.Time(r.end))
		ev.Set(FieldDuration, event.Int(int64(r.end.Sub(r.start))))
	}
	ev.Set(FieldLines, event.Int(int64(r.lines)))
	if r.preemptions > 0 {
		ev.Set(FieldPreemptions, event.Int(int64(r.preemptions)))
	}
	r.setNumbers(ev)
	setIf(ev, vllm.FieldLoRA, r.lora)
	setIf(ev, vllm.FieldFinishReason, r.finish)
	setIf(ev, vllm.FieldFailureReason, r.failure)
	setIf(ev, event.FieldErrorType, r.errType)
	setIf(ev, event.FieldErrorMsg, r.errMsg)
	setIf(ev, vllm.FieldErrorKind, r.errKind)
	if r.status != 0 {
		ev.Set(event.FieldHTTPStatus, event.Int(int64(r.status)))
	}
	if r.clientIP != "" {
		uvicorn.SetClient(ev, r.clientIP)
		ev.Set(uvicorn.FieldSourcePort, event.Int(int64(r.clientPort)))
	}
	for _, f := range r.pod.context {
		ev.Set(f.key, f.val)
	}
	if r.pod.source != "" && !ev.Has(event.FieldLogFilePath) {
		ev.SetString(event.FieldLogFilePath, r.pod.source)
	}
	ev.SetMessage(message(r, reason))
	return ev
}

func (r *request) setNumbers(ev *event.Event) {
	if r.promptTokens >= 0 {
		ev.Set(vllm.FieldPromptTokens, event.Int(int64(r.promptTokens)))
	}
	if r.outputTokens > 0 {
		ev.Set(vllm.FieldOutputTokens, event.Int(int64(r.outputTokens)))
	}
	if !r.hasParams {
		return
	}
	if r.maxTokens > 0 {
		ev.Set(vllm.FieldMaxTokens, event.Int(int64(r.maxTokens)))
	}
	if r.n > 0 {
		ev.Set(vllm.FieldN, event.Int(int64(r.n)))
	}
	if r.hasTemp {
		ev.Set(vllm.FieldTemperature, event.Float(float32Value(r.temperature)))
	}
	if r.hasTopP {
		ev.Set(vllm.FieldTopP, event.Float(float32Value(r.topP)))
	}
}

// float32Value is f as the float64 whose shortest decimal is f's (0.9, not 0.8999999761581421):
// the parameters are kept in 32 bits, the line said 0.9.
func float32Value(f float32) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(float64(f), 'g', -1, 32), 64)
	return v
}

func setIf(ev *event.Event, key, val string) {
	if val != "" {
		ev.SetString(key, val)
	}
}

func ecsOutcome(o string) string {
	switch o {
	case OutcomeSuccess:
		return "success"
	case OutcomeFailure:
		return "failure"
	}
	return "unknown"
}

// level makes failures findable by a search for errors, and aborts and unknown ends by one
// for warnings.
func level(o string) string {
	switch o {
	case OutcomeSuccess:
		return "info"
	case OutcomeFailure:
		return "error"
	}
	return "warning"
}

// message is the summary's one line, what Discover shows: "request chatcmpl-1 failure
// (cuda_oom: CUDA out of memory...) after 2.31s".
func message(r *request, reason string) string {
	var b strings.Builder
	b.WriteString("request ")
	b.WriteString(r.id)
	b.WriteByte(' ')
	b.WriteString(r.outcome)
	cause := r.errKind
	if cause == "" {
		cause = r.failure
	}
	if cause == "" {
		cause = reason
	}
	if cause != "" || r.errMsg != "" {
		b.WriteString(" (")
		b.WriteString(cause)
		if r.errMsg != "" {
			if cause != "" {
				b.WriteString(": ")
			}
			b.WriteString(r.errMsg)
		}
		b.WriteByte(')')
	}
	if !r.start.IsZero() {
		b.WriteString(" after ")
		b.WriteString(strconv.FormatFloat(r.end.Sub(r.start).Seconds(), 'f', 2, 64))
		b.WriteByte('s')
	}
	return b.String()
}
