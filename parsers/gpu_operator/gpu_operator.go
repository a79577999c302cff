// Package gpu_operator parses the NVIDIA GPU operator's controller logs, which controller-runtime
// writes through zap in one of two encodings:
//
//	{"level":"info","ts":1741165858.611506,"logger":"controllers.ClusterPolicy","msg":"ClusterPolicy step completed","state:":"state-driver","status":"disabled"}
//	2022-04-07T01:11:23.642Z	INFO	controllers.ClusterPolicy	Found Resource	{"DaemonSet": "nvidia-operator-validator", "Namespace": "gpu-operator-resources"}
//
// Other controller-runtime operators share the format: their lines are parsed the same way with
// the dataset generic.zap (console) or generic.json.
package gpu_operator

import (
	"strings"

	"github.com/tidwall/gjson"

	"github.com/sluice-dev/sluice/parsers"
	"github.com/sluice-dev/sluice/parsers/envoy"
	pjson "github.com/sluice-dev/sluice/parsers/json"
	pu "github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/parsers/uvicorn"
	"github.com/sluice-dev/sluice/parsers/vllm"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/event/eventjson"
)

// DatasetZap is the dataset of zap console lines from other programs than the GPU operator.
const DatasetZap = "generic.zap"

// Info registers the parser.
var Info = parsers.Info{
	Name:        "gpu_operator",
	Description: "NVIDIA GPU operator controller logs (zap JSON and console encodings)",
	New:         func(o parsers.Options) parsers.Parser { return NewWith(o) },
	// its zap lines' fields, and what the JSON parser it hands other JSON lines to sets
	Fields: parsers.Union(pu.StructuredFields, pjson.Info.Fields),
}

// Parser parses zap lines. It is stateless and safe for concurrent use.
type Parser struct {
	json *pjson.Parser // the JSON lines that are not the operator's
}

// New returns the parser with the default options.
func New() *Parser { return NewWith(parsers.Options{}) }

// NewWith returns the parser with the options of the chain it runs in (the JSON parser it hands
// other lines to reads vLLM's prompts as they say).
func NewWith(o parsers.Options) *Parser { return &Parser{json: pjson.NewWith(o)} }

// Parse recognises a zap JSON line (with level and msg) or a zap console line.
func (p *Parser) Parse(ev *event.Event) bool {
	s := ev.Message()
	if s == "" {
		return false
	}
	if s[0] == '{' {
		return p.jsonLine(ev, s)
	}
	return consoleLine(ev, s)
}

func (p *Parser) jsonLine(ev *event.Event, s string) bool {
	rec, ok := pjson.Walk(ev, s)
	if !ok {
		return false
	}
	ds := ""
	if operatorLogger(rec.Logger) || operatorLogger(rec.Controller) {
		ds = pu.DatasetOperator
	}
	p.json.Finish(ev, rec, ds) // any other JSON line as the json parser reads it
	return true
}

// operatorLogger tells the GPU operator's loggers (controllers.ClusterPolicy,
// controllers.NVIDIADriver, controllers.Upgrade, and controller_clusterpolicy before v1.7) from
// other operators'.
func operatorLogger(l string) bool {
	for _, m := range [...]string{"ClusterPolicy", "clusterpolicy", "NVIDIADriver", "nvidiadriver", "controllers.Upgrade", "upgrade-controller"} {
		if strings.Contains(l, m) {
			return true
		}
	}
	return false
}

// consoleLine reads "time\tLEVEL\t[logger\t][caller\t]message[\t{json context}]". What the
// parse processor grouped after the line (the stack zap writes after an error, a panic) is the
// error's stack.
func consoleLine(ev *event.Event, s string) bool {
	s, stack, _ := strings.Cut(s, "\n")
	if j := strings.LastIndexByte(stack, '\n'); stack != "" {
		// a message over lines (KubeRay's event quoting the Ray dashboard's Python traceback):
		// zap writes the tab and the context after its last line; the lines between are the
		// traceback's
		if last := stack[j+1:]; strings.HasPrefix(last, "\t{") && eventjson.Valid(strings.TrimRight(last[1:], " \r")) {
			s += last
			stack = stack[:max(j, 0)]
		}
	}
	if u, ok := timeless(s); ok {
		return consoleRest(ev, u, "", stack)
	}
	t1 := strings.IndexByte(s, '\t')
	if t1 < 0 && len(s) > 30 && (s[4] == '-' || s[1] == '.' && s[0] >= '1' && s[0] <= '9') {
		// (also zap's epoch-float time, which controller-runtime wrote before 0.15:
		// "1.6866266474317083e+09  DEBUG   ...")
		// its tabs expanded to spaces (a paste, a terminal's copy): the columns they filled
		if u, ok := untab(s); ok {
			s = u
			t1 = strings.IndexByte(s, '\t')
		} else if u, ok := istioCollapsed(ev, s); ok {
			s = u
			t1 = strings.IndexByte(s, '\t')
		}
	}
	if t1 <= 0 {
		return false
	}
	stamp, rest := s[:t1], s[t1+1:]
	t2 := strings.IndexByte(rest, '\t')
	if t2 <= 0 {
		return false
	}
	lv := rest[:t2]
	if strings.IndexByte(lv, '[') >= 0 {
		// zap's development config colours the level ("\x1b[35mDEBUG\x1b[0m"; pasted, "[35mDEBUG[0m")
		lv = vllm.StripPastedColour(vllm.StripANSI(lv))
	}
	level, ok := zapLevel(lv)
	if !ok || envoy.IstioEnvoyLine(s) { // Envoy's own, in Istio's layout: the envoy parser's
		return false
	}
	if t, n, ok := pu.RFC3339(stamp); ok && n == len(stamp) {
		pu.SetStamp(ev, t, stamp)
	} else if t, ok := pu.Epoch(stamp); ok {
		pu.SetTime(ev, t)
	} else {
		return false
	}
	return consoleRest(ev, rest[t2+1:], level, stack)
}

// istioCollapsed restores the two tabs of Istio's pilot-agent line (its time, level and
// message, no logger: "2025-05-19T11:57:44.105377Z\terror\tRequest to probe app failed: ...")
// that a copy turned into single spaces, in an istio-proxy container only, where no other layout
// writes a time, a lower-case level and words.
func istioCollapsed(ev *event.Event, s string) (string, bool) {
	if pu.Container(ev) != "istio-proxy" {
		return "", false
	}
	stamp, rest, ok := strings.Cut(s, " ")
	lv, msg, ok2 := strings.Cut(rest, " ")
	if _, n, isTime := pu.RFC3339(stamp); !ok || !ok2 || !isTime || n != len(stamp) || msg == "" ||
		lv != "debug" && lv != "info" && lv != "warn" && lv != "error" {
		return "", false
	}
	return stamp + "\t" + lv + "\t" + msg, true
}

// consoleRest sets the fields after the time and the level (level "" when the line led with
// it: timeless) and finishes the event.
func consoleRest(ev *event.Event, s, level, stack string) bool {
	if level == "" {
		lv, rest, _ := strings.Cut(s, "\t")
		level, _ = zapLevel(lv)
		s = rest
	}
	logger := console(ev, s)
	pjson.AboutObject(ev, logger) // the object a controller's line is about, as in its JSON layout
	if logger == "events" {
		// controller-runtime's events logger: the event's object, reason and note, a Warning at
		// warning (LeaderWorkerSet's, KubeRay's console default), as in its JSON layout
		level = pjson.LoggedEvent(ev, level)
	}
	if stack != "" && !ev.Has(event.FieldErrorStack) {
		ev.SetString(event.FieldErrorStack, stack)
	}
	if (level == pu.Error || level == pu.Critical) && !ev.Has(event.FieldErrorMsg) && !ev.Has(event.FieldHTTPStatus) {
		// an error line with no error in its context (Karpenter's "Could not schedule pod,
		// incompatible with provisioner ..."): its message is the failure, as in the JSON
		// layout's record
		if m, _ := ev.GetString(pu.FieldLogMessage); strings.TrimSpace(m) != "" {
			first, _, _ := strings.Cut(m, "\n")
			ev.SetString(event.FieldErrorMsg, strings.TrimSpace(first))
		}
	}
	fallback := DatasetZap
	if operatorLogger(logger) {
		fallback = pu.DatasetOperator
	}
	pu.Finish(ev, pu.DatasetOr(ev, fallback), level)
	return true
}

// timeless returns s, tabs restored, when it is a console line of an encoder configured
// without a time (an empty TimeKey), or one whose time a paste left out:
// "ERROR\tenvoy-gateway-extension-server\tfailed to get AIGatewayRoute object\t{...}", its
// level in capitals and at least a logger or caller and a message after it. A copy that
// expanded the tabs is read as untab reads one.
func timeless(s string) (string, bool) {
	lv, rest, ok := strings.Cut(s, "\t")
	if !ok {
		w, _, _ := strings.Cut(s, " ")
		if _, isLevel := zapLevel(w); !isLevel || w[0] < 'A' || w[0] > 'Z' {
			return "", false
		}
		if s, ok = untab(s); !ok {
			return "", false
		}
		lv, rest, _ = strings.Cut(s, "\t")
	}
	switch lv {
	case "DEBUG", "INFO", "WARN", "ERROR", "DPANIC", "PANIC", "FATAL":
		msg, _, ok := strings.Cut(rest, "\t")
		return s, ok && msg != "" && msg[0] != ' '
	}
	return "", false
}

// Untab is untab for the parse processor, which groups a zap error line's stack (a console line
// whose tabs a copy expanded to spaces too).
func Untab(s string) (string, bool) { return untab(s) }

// untab turns back into tabs the runs of spaces a tab's expansion left in a zap console line:
// runs of two or more that end on a tab stop (every eighth column), so that "2026-06-04T07:03:33Z
// INFO    setup   Operator configuration loaded" is read as zap wrote it; or, where a copy put
// a fixed run for each tab ("1.6662113914293282e+09    INFO    controllers.ClusterPolicy    ..."),
// runs of three or more. ok is false unless the line's first two fields are a time, then a level.
func untab(s string) (string, bool) {
	if u, ok := untabStops(s); ok {
		return u, true
	}
	return untabRuns(s)
}

// untabRuns is untab for a copy that put the same run of spaces for every tab: runs of three or
// more are the tabs, when the second field is zap's level.
func untabRuns(s string) (string, bool) {
	u, _ := tabsFor(s, func(i, j int) (tab, ok bool) { return j-i >= 3 && i > 0 && j < len(s), true })
	_, rest, ok := strings.Cut(u, "\t")
	lv, _, ok2 := strings.Cut(rest, "\t")
	if _, isLevel := zapLevel(lv); !ok || !ok2 || !isLevel || lv == "" || lv[0] < 'A' || lv[0] > 'Z' {
		return "", false
	}
	return u, true
}

// untabStops is untab for a copy that expanded the tabs to the tab stops.
func untabStops(s string) (string, bool) {
	runs := 0
	u, ok := tabsFor(s, func(i, j int) (tab, ok bool) {
		tab = j-i >= 2 && j%8 == 0 && j < len(s)
		if tab {
			runs++
		}
		return tab, runs >= 2 || tab // the time and the level end on tab stops
	})
	return u, ok && runs >= 2
}

// tabsFor returns s with the runs of spaces (s[i:j]) that run reports a tab as tabs; ok is false,
// and s is left, as soon as run reports not ok.
func tabsFor(s string, run func(i, j int) (tab, ok bool)) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] != ' ' {
			b.WriteByte(s[i])
			i++
			continue
		}
		j := i
		for j < len(s) && s[j] == ' ' {
			j++
		}
		tab, ok := run(i, j)
		if !ok {
			return "", false
		}
		if tab {
			b.WriteByte('\t')
		} else {
			b.WriteString(s[i:j])
		}
		i = j
	}
	return b.String(), true
}

// contextAfterSpace returns where a line's trailing JSON context starts after a single space
// (the space before its first ` {"` whose rest is one valid object), 0 when there is none.
func contextAfterSpace(s string) int {
	if !strings.HasSuffix(s, "}") {
		return 0
	}
	for off := 0; off < len(s); {
		i := strings.Index(s[off:], ` {"`)
		if i < 0 {
			return 0
		}
		if at := off + i; at > 0 && s[at-1] != ':' && eventjson.Valid(s[at+1:]) {
			// (not a body the message quotes: "401 Unauthorized: {"error":{...}}")
			return at
		}
		off += i + 2
	}
	return 0
}

// console sets the fields after the level and returns the logger name.
func console(ev *event.Event, s string) string {
	var parts [4]string
	np := 0
	for np < len(parts)-1 {
		i := strings.IndexByte(s, '\t')
		if i < 0 {
			break
		}
		parts[np], s = s[:i], s[i+1:]
		np++
	}
	parts[np] = s
	np++
	if last := strings.TrimRight(parts[np-1], " \r"); np > 1 && strings.HasPrefix(last, "{") && eventjson.Valid(last) {
		context(ev, last)
		np--
	} else if k, end := contextBeforeStack(parts[:np]); k > 0 {
		// the context, then the stack zap writes under an error, on the same line (a report
		// that joined its lines: "Reconciler error\t{...}sigs.k8s.io/...(*Controller).reconcileHandler
		// ..."): the stack the error's
		context(ev, parts[k][:end])
		if !ev.Has(event.FieldErrorStack) {
			ev.SetString(event.FieldErrorStack, strings.TrimLeft(parts[k][end:]+"\t"+strings.Join(parts[k+1:np], "\t"), "\t "))
		}
		np = k
	} else if i := strings.LastIndex(last, "  {"); np > 1 && i > 0 && strings.HasSuffix(last, "}") && eventjson.Valid(strings.TrimLeft(last[i:], " ")) {
		// the tab before the context expanded to spaces that end on no tab stop (a paste):
		// "Exporting failed. Will retry the request after interval.    {"kind": "exporter", ...}"
		context(ev, strings.TrimLeft(last[i:], " "))
		parts[np-1] = strings.TrimRight(last[:i], " ")
	} else if i := contextAfterSpace(last); i > 0 {
		// or to a single space (KAI's pod grouper as a report quotes it: "Reconciling pod
		// {"controller": "pod", ..., "Pod": {"name":"train11",...}}"): the context still
		context(ev, last[i+1:])
		parts[np-1] = last[:i]
	}
	var logger string
	switch np {
	case 1:
		if requestPairs(ev, parts[0]) {
			break
		}
		ev.SetString(pu.FieldLogMessage, parts[0])
	case 2:
		if strings.Contains(parts[0], ".go:") {
			pu.SetOrigin(ev, parts[0])
		} else {
			logger = parts[0]
		}
		ev.SetString(pu.FieldLogMessage, parts[1])
	default:
		logger = parts[0]
		if !callerLike(parts[1]) {
			// Istio's layout names no caller: "time\tlevel\tscope\tmessage\tkey=value ..."
			// (pilot-agent's "xdsproxy\tconnected to delta upstream XDS server: 127.0.0.1:15012\tid=2")
			ev.SetString(pu.FieldLogMessage, parts[1])
			if pairs := strings.Join(parts[2:np], "\t"); pu.ValidKV(pairs) {
				kv := pu.NewKV(pairs)
				for k, v := range kv.All() {
					pu.SetField(ev, k, event.String(v))
				}
			} else {
				ev.SetString(pu.FieldLogMessage, strings.Join(parts[1:np], "\t"))
			}
			break
		}
		pu.SetOrigin(ev, parts[1])
		ev.SetString(pu.FieldLogMessage, strings.Join(parts[2:np], "\t"))
	}
	if len(logger) > 2 && logger[0] == '[' && logger[len(logger)-1] == ']' {
		logger = logger[1 : len(logger)-1] // the Beats' logp brackets its logger: "[publisher_pipeline_output]"
	}
	if logger != "" {
		ev.SetString(event.FieldLogLogger, logger)
	}
	return logger
}

// contextBeforeStack finds zap's JSON context that Go stack frames follow ("pkg.(*T).method(...)"
// and their file lines) in a part after the first: the part's index and the context's end in it,
// 0 for none.
func contextBeforeStack(parts []string) (k, end int) {
	for k = 1; k < len(parts); k++ {
		if !strings.HasPrefix(parts[k], "{") {
			continue
		}
		end = pu.Closing(parts[k], '{', '}') + 1
		if end <= 0 || !eventjson.Valid(parts[k][:end]) {
			return 0, 0
		}
		after := parts[k][end:]
		if k+1 < len(parts) {
			after += parts[k+1]
		}
		if strings.Contains(after, ".go:") || strings.Contains(after, ").") {
			return k, end
		}
		return 0, 0
	}
	return 0, 0
}

// callerLike reports whether s is a caller as zap writes it, "file.go:123" or
// "controllers/state_manager.go:946": no spaces, a line number after the last colon.
func callerLike(s string) bool {
	c := strings.LastIndexByte(s, ':')
	if c <= 0 || c == len(s)-1 || strings.IndexByte(s, ' ') >= 0 {
		return false
	}
	_, ok := pu.Atoi(s[c+1:])
	return ok
}

// requestPairs reads a request log line in this layout whose message is a word and logfmt pairs
// naming the request (agentgateway, kgateway's inference data plane: "request
// gateway=default/inference-gateway ... http.method=GET http.path=/ http.status=500 ...
// error=\"ext_proc failed: no more responses\" duration=111ms"): the status, method and path in
// their ECS fields, the error in error.message, the rest under log.fields. It reports whether the
// message was such a line.
func requestPairs(ev *event.Event, msg string) bool {
	word, pairs, ok := strings.Cut(msg, " ")
	if !ok || strings.IndexByte(word, '=') >= 0 || !strings.Contains(pairs, "http.status=") || !pu.ValidKV(pairs) {
		return false
	}
	ev.SetString(pu.FieldLogMessage, word)
	kv := pu.NewKV(pairs)
	for k, v := range kv.All() {
		switch k {
		case "http.status":
			if n, ok := pu.Atoi(v); ok && n >= 100 && n <= 599 {
				ev.Set(event.FieldHTTPStatus, event.Int(n))
				continue
			}
		case "http.method":
			ev.SetString(uvicorn.FieldMethod, v)
			continue
		case "http.path":
			ev.SetString(uvicorn.FieldURLPath, v)
			continue
		case "error":
			ev.SetString(event.FieldErrorMsg, v)
			continue
		}
		pu.SetField(ev, k, event.String(v))
	}
	return true
}

// context sets the console line's trailing JSON object: error and stacktrace get their ECS
// names, the rest goes under log.fields.
func context(ev *event.Event, raw string) {
	n := 0
	gjson.Parse(raw).ForEach(func(k, v gjson.Result) bool {
		switch k.Str {
		case "error":
			if v.Type != gjson.String {
				// an error that is an object (a client's response body): its members under
				// log.fields, error.message staying text for the index's mapping
				eventjson.FlattenResult(ev, pu.FieldLogFields+".error", v, &n)
				break
			}
			ev.Set(event.FieldErrorMsg, eventjson.Value(v))
		case "x-request-id", "X-Request-Id":
			// the request a router's line is about (the inference extension's endpoint
			// picker), as in its JSON layout
			if v.Type == gjson.String && v.Str != "" {
				ev.SetString(pu.FieldHTTPRequestID, v.Str)
			}
		case "stacktrace":
			ev.Set(event.FieldErrorStack, eventjson.Value(v))
		case "":
			eventjson.FlattenResult(ev, pu.FieldLogFields+"._", v, &n)
		default:
			eventjson.FlattenResult(ev, pu.FieldLogFields+"."+k.Str, v, &n)
		}
		return true
	})
}

// zapLevel reads zap's console level names, and controller-runtime's "Level(-2)" for V-levels.
func zapLevel(s string) (string, bool) {
	if strings.HasPrefix(s, "Level(") || strings.HasPrefix(s, "LEVEL(") {
		return pu.Debug, true
	}
	switch s {
	case "DEBUG", "debug":
		return pu.Debug, true
	case "INFO", "info":
		return pu.Info, true
	case "WARN", "warn":
		return pu.Warning, true
	case "ERROR", "error":
		return pu.Error, true
	case "DPANIC", "PANIC", "FATAL", "dpanic", "panic", "fatal":
		return pu.Critical, true
	}
	return "", false
}
