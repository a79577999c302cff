package pylog

import (
	"strings"
	"time"

	pu "github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/parsers/tagged"
	"github.com/sluice-dev/sluice/parsers/vllm"
)

// maxLead bounds the words between the time and the level ("- name -", "pid name"): more, and
// the level word is part of the message, not of a header.
const maxLead = 4

// isSep reports whether a word only separates header parts ("-", "|", ":").
func isSep(w string) bool { return w == "-" || w == "|" || w == ":" || w == "--" }

// word returns the word at the start of s (a bracketed "[INFO ]" is one word) and the text
// after it and the blanks that follow.
func word(s string) (w, rest string) {
	end := 0
	if len(s) > 0 && s[0] == '[' {
		if i := strings.IndexByte(s[:min(len(s), 64)], ']'); i > 0 {
			end = i + 1
		}
	}
	for end < len(s) && s[end] != ' ' && s[end] != '\t' {
		end++
	}
	rest = s[end:]
	for len(rest) > 0 && (rest[0] == ' ' || rest[0] == '\t') {
		rest = rest[1:]
	}
	return s[:end], rest
}

// levelWord reads a level word as Python formats write it: "INFO", "[INFO]", "[INFO ]",
// "INFO:".
func levelWord(w string) string {
	if len(w) > 2 && w[0] == '[' && w[len(w)-1] == ']' {
		w = strings.TrimSpace(w[1 : len(w)-1])
	}
	return pyLevel(strings.TrimSuffix(w, ":"), false)
}

// dated reads the formats that start with the date: the words before the level name the
// process id and the logger; what follows it may start with a location in one of the known
// layouts.
func (r *rec) dated(s string) bool {
	if _, w, _, ok := tagged.PostgresLine(s); ok && tagged.PostgresSeverity(w) {
		return false // PostgreSQL's "<time> <zone> [pid] ERROR:  ...": the tagged parser's
	}
	if len(s) > 20 && s[4] == '-' && s[7] == '-' && s[10] == ':' && s[13] == ':' {
		// lm-evaluation-harness's datefmt "%Y-%m-%d:%H:%M:%S" ("2025-04-14:10:53:14,475 INFO
		// [lm_eval.__main__:379] ..."): the date and the time apart by a colon
		s = s[:10] + " " + s[11:]
	}
	if len(s) > 22 && s[2] == '/' && s[5] == '/' && s[10] == ' ' && s[13] == ':' && s[16] == ':' && s[19] == ' ' {
		// the datefmt "%m/%d/%Y %H:%M:%S" of transformers' and accelerate's example scripts
		// (and the fine-tuning scripts copied from them): "12/18/2025 20:16:31 - WARNING -
		// __main__ - ...", read as the ISO date it names
		s = s[6:10] + "-" + s[:2] + "-" + s[3:5] + s[10:]
	}
	t, n, ok := pu.RFC3339(s)
	if ok && n+5 < len(s) && s[n] == '.' && s[n+4] == ' ' && pu.AllDigits(s[n+1:n+4]) && strings.IndexByte(s[:n], ',') > 0 {
		// Dify's "%(asctime)s.%(msecs)03d", the milliseconds twice: "10:42:06,100.100"
		n += 4
	}
	if !ok || n >= len(s) || (s[n] != ' ' && s[n] != '\t') {
		return false
	}
	r.t, r.zoned = t, pu.Zoned(s[:n])
	rest := s[n:]
	if r.structlog(rest) {
		return true
	}
	var lead [2 * maxLead]string // the words, and the separators between them
	k, words := 0, 0
	bracketed := false // "[ERROR]": the level in brackets
	for {
		var w string
		w, rest = word(strings.TrimLeft(rest, " \t"))
		if w == "" {
			return false
		}
		if w == "kserve.trace" && (k == 0 || k == 1 && pu.AllDigits(lead[0])) {
			// KServe's trace logger writes no level: "<time> [pid] kserve.trace requestId: ..."
			if k == 1 {
				r.pid, _ = pu.Atoi(lead[0])
			}
			r.logger, r.msg, r.dataset = w, rest, DatasetKServe
			return true
		}
		if r.level = levelWord(w); r.level != "" {
			bracketed = w[0] == '['
			break
		}
		if words == maxLead || k == len(lead) {
			return false
		}
		lead[k] = w
		k++
		if !isSep(w) {
			words++
		}
	}
	r.tracing = k == 0 && s[n-1] == 'Z' && tracingLevel(s[n:])
	if k > 0 && (lead[0] == "UTC" || lead[0] == "GMT") && !r.zoned {
		r.zoned = true // "%Y-%m-%d %H:%M:%S %Z" in UTC (AIBrix's)
		copy(lead[:], lead[1:k])
		k--
	}
	if k >= 4 && isSep(lead[k-1]) && isSep(lead[k-3]) && identifier(lead[k-2]) && strings.Contains(lead[k-4], ".py:") && r.origin(lead[k-4]) {
		// "%(asctime)s - %(filename)s:%(lineno)d - %(funcName)s - %(levelname)s - %(message)s"
		// (AIBrix's runtime and downloader): the location, then the function
		r.fn = lead[k-2]
		k -= 4
	}
	leadPID := false // a pid among the words: a word before it is not the logger
	piped := false   // "date | LEVEL | logger | message" (FastChat's)
	for i := k - 1; i >= 0; i-- {
		w := lead[i]
		switch {
		case isSep(w):
			piped = piped || w == "|"
		case strings.HasSuffix(w, "]") && strings.Contains(w, ".py[line:"):
			// "%(filename)s[line:%(lineno)d]" (Langchain-Chatchat's, FastChat-derived servers')
			f, n, _ := strings.Cut(w[:len(w)-1], "[line:")
			if ln, ok := pu.Atoi(n); ok {
				r.file, r.line = f, ln
			}
		case r.logger == "" && (!leadPID || strings.IndexByte(w, '.') > 0 && IsLoggerName(w)) && !pu.AllDigits(w):
			// a module's dotted name before the pid is the logger: Xinference's
			// "%(asctime)s %(name)-12s %(process)d %(levelname)-8s %(message)s"
			r.logger = w
		case pu.AllDigits(w):
			if n, _ := pu.Atoi(w); n > maxPID {
				// %(thread)d, the thread's ident, not a pid (above Linux's pid_max): "%(asctime)s |
				// %(module)s | %(thread)d | %(levelname)s : %(message)s"
				r.thread = n
			} else {
				r.pid = n
			}
			leadPID = true
		}
	}
	rest = strings.TrimPrefix(rest, "- ")
	if after, ok := strings.CutPrefix(rest, "| "); ok {
		rest = after
		if name, msg, ok := strings.Cut(after, " | "); ok && piped && k == 1 && IsLoggerName(name) {
			// FastChat's "%(asctime)s | %(levelname)s | %(name)s | %(message)s"
			// (fastchat/utils.py build_logger): its stderr logger carries what the process
			// printed to stderr, a traceback's lines one record each, at ERROR whatever they
			// say: uvicorn's own lines among them state theirs ("INFO:     Started server process")
			r.logger, rest = name, msg
			if lv, body, ok := uvicornLevel(msg); ok && name == "stderr" {
				r.level, rest = lv, body
			}
		}
	}
	if loc, msg, ok := strings.Cut(rest, ") | "); ok && piped && strings.HasPrefix(loc, "(") && r.goOrigin(loc[1:]) {
		// the Datadog agent's "2025-09-23 19:05:49 UTC | CORE | ERROR | (pkg/x/file.go:35 in Func) | msg"
		rest = msg
	} else if comp, msg, ok := bentoComponent(rest); ok {
		r.component, rest = comp, msg
	} else if name, msg, ok := strings.Cut(rest, " - "); ok && (IsLoggerName(name) || name == "__main__") &&
		(bracketed && k == 0 || k == 1 && lead[0] == "-" && r.logger == "" && (strings.IndexByte(name, '.') > 0 || name == "__main__")) {
		// "%(asctime)s [%(levelname)s] %(name)s - %(message)s", and "%(asctime)s - %(levelname)s -
		// %(name)s - %(message)s" (transformers' and TRL's examples, open-r1's): a dotted logger,
		// or the script's own (logging.getLogger(__name__) in the script run)
		r.logger, rest = name, msg
	}
	if t := strings.TrimLeft(rest, " "); len(t) > 8 && t[0] == '[' {
		// Dify's "[%(threadName)s] [%(filename)s:%(lineno)d] - %(message)s" after the level (the
		// thread's name may hold spaces: "[Thread-575 (_generate_conversation_name_worker)]")
		if i := strings.Index(t, "] ["); i > 0 {
			if loc, msg, ok := strings.Cut(t[i+3:], "] - "); ok && strings.Contains(loc, ".py:") && r.origin(loc) {
				r.msg = msg
				return true
			}
		}
	}
	if after, ok := strings.CutPrefix(rest, ": "); ok && piped {
		rest = after // "| INFO : message": the colon after the level is the format's
	}
	r.body(rest)
	return true
}

// maxPID is the largest process id Linux gives (pid_max's limit, 2^22).
const maxPID = 1 << 22

// bracketLocation reads "file.py:N" into the origin, or "logger:N" into the logger.
func (r *rec) bracketLocation(loc string) bool {
	if strings.Contains(loc, ".py:") {
		return r.origin(loc)
	}
	name, ln, _ := strings.Cut(loc, ":")
	if _, ok := pu.Atoi(ln); !ok || r.logger != "" || !IsLoggerName(name) {
		return false
	}
	r.logger = name // (the line of a logger, no file's: not an origin)
	return true
}

// goOrigin reads a Go program's "file.go:35 in Func" into the origin.
func (r *rec) goOrigin(s string) bool {
	loc, fn, ok := strings.Cut(s, " in ")
	if !ok || !strings.Contains(loc, ".go:") || strings.IndexByte(fn, ' ') >= 0 || !r.origin(loc) {
		return false
	}
	r.fn = fn
	return true
}

// bentoComponent reads the component BentoML puts after the level ("%(asctime)s
// %(levelname_bracketed)s %(component)s %(message)s", bentoml/_internal/log.py): "[cli]",
// "[api_server:1]", "[runner:llm-llama-runner:1]", "[entry_service:llama3.2:1]". It returns the
// component without its brackets and the message after it.
func bentoComponent(s string) (string, string, bool) {
	if len(s) < 4 || s[0] != '[' {
		return "", s, false
	}
	end := strings.IndexByte(s[:min(len(s), 96)], ']')
	if end < 2 || end+1 >= len(s) || s[end+1] != ' ' {
		return "", s, false
	}
	c := s[1:end]
	kind, _, _ := strings.Cut(c, ":")
	switch kind {
	case "cli", "api_server", "runner", "entry_service", "service", "prom_server", "dev_api_server":
		return c, s[end+2:], true
	}
	return "", s, false
}

// body reads the location some formats put before the message: KServe's
// "[file.py:func():N] ", Ray's "file.py:N -- ", loguru's "module:func:N - ", NIXL's "file.py:N ",
// and the "name: " of a "%(levelname)s %(name)s: %(message)s" format.
func (r *rec) body(s string) {
	r.msg = s
	w, rest := word(s)
	switch {
	case len(w) > 4 && w[0] == '[' && strings.Contains(w, "():"):
		// "[file.py:func():N]", or "[func():N]" before KServe 0.11
		loc := w[1 : len(w)-1]
		file, fl, _ := strings.Cut(loc, ":")
		if strings.HasSuffix(file, "()") {
			file, fl = "", loc
		}
		fn, ln, _ := strings.Cut(fl, "():")
		if n, ok := pu.Atoi(ln); ok {
			r.file, r.fn, r.line, r.msg = file, fn, n, rest
			if r.dataset == "" && LoggerDataset(r.logger) == "" {
				r.dataset = DatasetKServe
			}
		}
	case strings.HasPrefix(rest, "-- ") && r.origin(w):
		r.msg = rest[3:]
		if r.logger == "" && !vllmProcess(r.proc) {
			// (Ray's Python client inside a vLLM process is that process's: "(EngineCore_DP0
			// pid=281) 2025-11-23 ...\tINFO worker.py:1832 -- Connecting to existing Ray cluster")
			r.dataset = DatasetRayCore
		}
		if i := strings.LastIndex(r.msg, " component=serve"); i >= 0 && r.logger == "" {
			r.serveKeys(r.msg[i+len(" component=serve"):])
			r.msg = r.msg[:i]
		} else if strings.Contains(r.msg, " timestamp_ns=") {
			r.rayContext()
		}
	case pu.AllDigits(w) && r.pid == 0 && len(rest) > 6 && rest[0] == '[' && strings.Contains(rest[:min(len(rest), 80)], ".py:"):
		// "%(process)d [%(filename)s:%(lineno)d] %(message)s" after the level (a custom logging
		// config of vLLM's: "2024-12-19 21:40:35 ERROR 56542 [async_llm_engine.py:64] ...")
		if loc, msg, ok := strings.Cut(rest[1:], "] "); ok && r.origin(loc) {
			r.pid, _ = pu.Atoi(w)
			r.msg = msg
		}
	case strings.HasPrefix(rest, "- ") && strings.Count(w, ":") == 1 && strings.Contains(w, ".py:") && r.origin(w):
		// FlashInfer's "<time> - LEVEL - file.py:N - logger: msg"
		r.msg = rest[2:]
		if lg, m, ok := strings.Cut(r.msg, ": "); ok && r.logger == "" && IsLoggerName(lg) {
			r.logger, r.msg = lg, m
		}
	case strings.HasPrefix(rest, "- ") && strings.Count(w, ":") == 2:
		mod, fl, _ := strings.Cut(w, ":")
		fn, ln, _ := strings.Cut(fl, ":")
		if n, ok := pu.Atoi(ln); ok && r.logger == "" {
			// loguru's "{name}:{function}:{line} - {message}", which Open WebUI ends with
			// " - {extra}": an empty one is no part of the message
			r.logger, r.fn, r.line, r.msg = mod, fn, n, strings.TrimSuffix(rest[2:], " - {}")
		}
	case len(w) > 4 && w[0] == '[' && w[len(w)-1] == ']' && strings.Count(w, ":") == 1 && rest != "" && r.bracketLocation(w[1:len(w)-1]):
		// "[%(name)s:%(lineno)d] %(message)s" (lm-evaluation-harness's: "[lm_eval.evaluator:177]"),
		// or "[%(filename)s:%(lineno)d]" (its older releases)
		r.msg = rest
	case rest != "" && strings.Count(w, ":") == 1 && strings.Contains(w, ".py:") && r.origin(w):
		// "%(filename)s:%(lineno)d %(message)s" after the level: NIXL's
		// "2025-11-25 02:39:46 NIXL INFO    _api.py:361 Backend UCX was instantiated"
		r.msg = rest
	case r.logger == "" && len(w) > 1 && w[len(w)-1] == ':' && (IsLoggerName(w[:len(w)-1]) || moduleFunc(w[:len(w)-1])):
		r.logger, r.msg = w[:len(w)-1], rest
	case r.logger == "":
		// log4j-style "thread logger - msg" (TorchServe's frontend next to its Python workers)
		w2, rest2 := word(rest)
		if strings.HasPrefix(rest2, "- ") && (strings.IndexByte(w2, '.') > 0 && w2[0] >= 'a' && w2[0] <= 'z' ||
			// its loggers of the workers' output and metrics, in capitals: MODEL_LOG (a model
			// handler's stdout and stderr, its tracebacks), MODEL_METRICS, TS_METRICS, ACCESS_LOG
			strings.IndexByte(w2, '_') > 0 && strings.Trim(w2, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_") == "" && strings.IndexByte(w, '-') > 0) {
			r.logger, r.fn, r.msg = w2, "", rest2[2:]
		}
	}
}

// tracingLevel reports whether s, after the time, is a level as Rust tracing writes it:
// right-aligned in five columns ("  INFO ", "  WARN ", " ERROR ").
func tracingLevel(s string) bool {
	for _, l := range [...]string{"  INFO ", "  WARN ", " ERROR ", " DEBUG ", " TRACE "} {
		if strings.HasPrefix(s, l) {
			return true
		}
	}
	return false
}

// moduleFunc reports whether s is "%(module)s.%(funcName)s", as NVIDIA Dynamo's formatter names
// a Python record's target: a package's module ("__init__.resolve_current_platform_cls_qualname")
// or a lambda ("serving.<lambda>") too.
func moduleFunc(s string) bool {
	mod, fn, ok := strings.Cut(s, ".")
	if !ok || mod == "" || fn == "" || strings.IndexByte(fn, '.') >= 0 {
		return false
	}
	if fn[0] == '<' && fn[len(fn)-1] == '>' {
		fn = fn[1 : len(fn)-1] // <lambda>, <module>, <listcomp>
	}
	return identifier(mod) && identifier(fn)
}

// identifier reports whether s is a Python name.
func identifier(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return s != ""
}

// IsLoggerName reports whether s looks like a Python logger name: a dotted name starting with a
// lower-case letter ("vllm.entrypoints.openai.api_server", "root"), without '-' or spaces.
func IsLoggerName(s string) bool {
	return s != "" && s[0] >= 'a' && s[0] <= 'z' && len(s) <= 128 && DottedName(s)
}

// DottedName reports whether s is a Python name or attribute path: letters, digits, '_' and
// '.', opening with neither a digit nor a dot ("worker.shutdown", "next", "LLMatcher.validate").
func DottedName(s string) bool {
	if s == "" || s[0] >= '0' && s[0] <= '9' || s[0] == '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_') {
			return false
		}
	}
	return true
}

// lmcacheOld reads what follows "LEVEL LMCache: " in LMCache's format before 0.2
// ("%(levelname)s LMCache: %(message)s [%(asctime)s] -- %(pathname)s:%(lineno)d", lmcache/logging.py,
// its colours removed): the message, the local time and the source path and line.
func (r *rec) lmcacheOld(s string) bool {
	cut := strings.LastIndex(s, "] -- ")
	open := strings.LastIndexByte(s[:max(cut, 0)], '[')
	if cut < 0 || open < 0 || !r.origin(s[cut+len("] -- "):]) {
		return false
	}
	t, n, ok := pu.RFC3339(s[open+1 : cut])
	if !ok || n != cut-open-1 {
		return false
	}
	r.t, r.msg = t, strings.TrimSuffix(s[:open], " ")
	r.file = r.file[strings.LastIndexByte(r.file, '/')+1:] // the file's name, as LMCache's later format gives it
	r.dataset = LoggerDataset("lmcache")
	return true
}

// levelFirst reads the formats that start with the level: basicConfig's "LEVEL:name:msg" and
// "LEVEL date ..." (Ray Serve's "deployment replica file.py:N - msg"), and
// LMCache's before 0.2 ("INFO LMCache: msg [date] -- path:line").
func (r *rec) levelFirst(s string) bool {
	i := 0
	for i < len(s) && i < 9 && s[i] >= 'A' && s[i] <= 'Z' {
		i++
	}
	if i >= len(s) || (s[i] != ':' && s[i] != ' ') {
		return false
	}
	if r.alembic(s, i) {
		return true
	}
	if r.level = pyLevel(s[:i], false); r.level == "" {
		return false
	}
	if s[i] == ':' {
		name, msg, ok := strings.Cut(s[i+1:], ":")
		if !ok || !IsLoggerName(name) && name != "__main__" && name != "__mp_main__" && // a multiprocessing child's main module
			!(len(name) > 1 && name[0] >= 'A' && name[0] <= 'Z' && IsLoggerName(strings.ToLower(name[:1])+name[1:])) && // torch-neuronx's "Neuron"
			!IsLoggerName(strings.ReplaceAll(name, "-", "_")) { // llama.cpp's converter's "hf-to-gguf"
			return false
		}
		r.logger, r.msg = name, msg
		return true
	}
	rest := s[i+1:]
	if msg, ok := strings.CutPrefix(rest, "LMCache: "); ok {
		return r.lmcacheOld(msg)
	}
	if len(rest) > 8 && rest[0] == '[' {
		// vLLM's header without its date (a logging configuration of "%(levelname)s
		// [%(filename)s:%(lineno)d] %(message)s"): "ERROR [hermes_tool_parser.py:110] Error in
		// extracting tool call from response."
		loc, msg, ok := strings.Cut(rest[1:], "] ")
		if !ok || strings.IndexByte(loc, ' ') >= 0 || !strings.Contains(loc, ".py:") || !r.origin(loc) {
			return false
		}
		r.msg = msg
		return true
	}
	t, n, ok := pu.RFC3339(rest)
	if !ok || n >= len(rest) || rest[n] != ' ' {
		return false
	}
	r.t, r.zoned = t, pu.Zoned(rest[:n])
	rest = rest[n+1:]
	dep, after := word(rest)
	rep, after2 := word(after)
	loc, tail := word(after2)
	switch {
	case dep != "" && rep != "" && (strings.HasPrefix(tail, "- ") || strings.HasPrefix(tail, "-- ")) && r.origin(loc):
		r.deployment, r.replica = dep, rep
		r.msg = tail[strings.IndexByte(tail, ' ')+1:]
		r.dataset = DatasetRayServe
	case dep != "" && strings.HasPrefix(after2, "-- "):
		// Ray Serve access lines: "deployment replica -- POST /v1/chat/completions 200 3.2ms"
		r.deployment, r.replica, r.msg, r.dataset = dep, rep, after2[3:], DatasetRayServe
	case dep != "" && rep != "" && loc != "" && strings.HasPrefix(tail, "-- "):
		// and since Ray 2.40 with the request's id: "default_A iovmsu5e 85000f14-... -- GET
		// /{wildcard} 422 3.7ms", "... -- CALL llm_config OK 2.7ms"
		r.deployment, r.replica, r.requestID, r.msg, r.dataset = dep, rep, loc, tail[3:], DatasetRayServe
	case dep != "" && strings.HasPrefix(after2, "- ") && r.origin(rep):
		// a Ray Serve record without a replica's id (2.x): "WARNING 2024-04-06 23:09:38,071
		// model replica.py:502 - Replica at capacity of ..."
		r.deployment, r.msg, r.dataset = dep, after2[2:], DatasetRayServe
	case dep != "" && rep != "" && loc != "" && r.serveRoute(tail):
		// Ray Serve 2.x before the " -- " layout, with the request's id and route: "ERROR
		// 2024-07-18 16:15:15,862 TextSearch_TFServe j28b73mh af31c081-... /serve replica.py:359 -
		// Request failed:"
		r.deployment, r.replica, r.requestID = dep, rep, loc
	case strings.HasSuffix(dep, "]") && r.origin(dep[:len(dep)-1]):
		// vLLM's header with the year, as NVIDIA NIM for LLMs writes it since 1.2: "INFO
		// 2024-09-27 12:59:39.857 ngc_injector.py:214] Valid profile: ..."
		r.msg = after
	default:
		r.body(rest)
	}
	return true
}

// rayContextKeys are the keys Ray's text encoding (LoggingConfig(encoding="TEXT"), Ray 2.9 and
// later) appends to a record's message: the logger, the job, worker, node, task and actor it
// ran in, the time to the nanosecond.
var rayContextKeys = map[string]bool{"name": true, "job_id": true, "worker_id": true, "node_id": true,
	"task_id": true, "task_name": true, "task_func_name": true, "actor_id": true, "actor_name": true,
	"timestamp_ns": true}

// rayContext takes the context Ray's text encoding appended off the message ("This is a Ray
// task name=__main__ job_id=01000000 worker_id=... timestamp_ns=1739391916836884000"): the
// pairs at its end whose keys are Ray's.
func (r *rec) rayContext() {
	end := len(r.msg)
	for end > 0 {
		sp := strings.LastIndexByte(r.msg[:end], ' ')
		k, _, ok := strings.Cut(r.msg[sp+1:end], "=")
		if sp < 0 || !ok || !rayContextKeys[k] {
			break
		}
		end = sp
	}
	if end < len(r.msg) && strings.Contains(r.msg[end:], " timestamp_ns=") {
		r.rayKeys, r.msg = r.msg[end+1:], r.msg[:end]
	}
}

// serveKeys reads what Ray Serve before 2.3 put after a record's message ("... -- msg
// component=serve deployment=LongCall replica=LongCall#UfgOLw"): the deployment and replica,
// either empty in the controller's and the proxy's records.
func (r *rec) serveKeys(s string) {
	r.dataset = DatasetRayServe
	for s != "" {
		var kv string
		kv, s = word(strings.TrimLeft(s, " "))
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "deployment":
			r.deployment = v
		case "replica":
			r.replica = v
		}
	}
}

// serveRoute reads the rest of Ray Serve's record format from 2.3 to 2.9, "{route}
// %(filename)s:%(lineno)d - %(message)s" (ray/serve/_private/logging_utils.py), after its
// request id: the route the request came by, the origin and the message.
func (r *rec) serveRoute(s string) bool {
	route, rest := word(s)
	loc, tail := word(rest)
	if len(route) < 1 || route[0] != '/' {
		return false
	}
	if !strings.HasPrefix(tail, "- ") && !strings.Contains(loc, ".py:") {
		// Serve 2.6 to 2.8 name the application after the route: "123-234 / default
		// replica.py:691 - __CALL__ OK 0.2ms"
		loc, tail = word(tail)
	}
	if !strings.HasPrefix(tail, "- ") || !r.origin(loc) {
		return false
	}
	r.route, r.msg, r.dataset = route, tail[2:], DatasetRayServe
	return true
}

// alembic reads the layout of Alembic's logging configuration, "%(levelname)-5.5s [%(name)s]
// %(message)s", which migrations print and applications that load alembic.ini's logging take
// (Open WebUI before 0.5.18): "ERROR [open_webui.routers.openai] Connection error: ...", "WARNI
// [langchain_community.utils.user_agent] ...", "INFO  [alembic.runtime.migration] Context impl
// SQLiteImpl.": the level cut or padded to five, the logger in brackets. n is the level's length.
func (r *rec) alembic(s string, n int) bool {
	if len(s) < 9 || n > 5 || s[5] != ' ' || s[6] != '[' || strings.TrimRight(s[n:5], " ") != "" {
		return false
	}
	switch s[:5] {
	case "DEBUG", "INFO ", "WARNI", "ERROR", "CRITI":
	default:
		return false
	}
	name, msg, ok := strings.Cut(s[7:], "] ")
	if !ok || !IsLoggerName(name) {
		return false
	}
	lv := strings.TrimSpace(s[:5])
	switch lv {
	case "WARNI":
		lv = "WARNING"
	case "CRITI":
		lv = "CRITICAL"
	}
	r.level = pyLevel(lv, false)
	r.logger, r.msg = name, msg
	return r.level != ""
}

// Rich's logging handler (rich.logging.RichHandler without its time column, as Infinity, the
// embedding server, configures it with the format "%(asctime)s %(name)s %(levelname)s:
// %(message)s") writes a record as a table row: the level padded to nine columns, the message
// wrapped in the column after it, the caller's file:line at the first row's right edge, each
// further row indented by nine spaces and padded to the console's width:
//
//	ERROR    2024-11-28 13:24:44,248 infinity_emb ERROR: CUDA   batch_handler.py:574
//	         out of memory. Tried to allocate 3.88 GiB. GPU 0
//
// The parse processor groups the rows.

// richIndent is the level column's width, the indent of a record's further rows.
const richIndent = "         "

// RichStart reports whether b opens such a record: a level word, spaces to the ninth column,
// then the message; or the same after Rich's time column (its default, "[11/17/25 13:46:54] ",
// blank where the time repeats the record's before).
func RichStart(b string) bool {
	_, off := richTime(b)
	return richLevel(b[off:])
}

// richTime reads Rich's time column at the start of b, "[%x %X] " (the writer's local time,
// the year in two digits), or the column left blank for a time that repeats: the column's width
// (0 without one), and the time when it shows one.
func richTime(b string) (t time.Time, width int) {
	const w = len("[11/17/25 13:46:54] ")
	if len(b) <= w+len(richIndent) {
		return t, 0
	}
	if b[0] == '[' && b[3] == '/' && b[6] == '/' && b[9] == ' ' && b[12] == ':' && b[15] == ':' && b[18] == ']' && b[19] == ' ' {
		if at, err := time.Parse("01/02/06 15:04:05", b[1:18]); err == nil {
			return at, w
		}
		return t, 0 // no time: a line that opens with '[' has no level column either
	}
	if iw := len("[2025-06-28 19:48:48] "); len(b) > iw+len(richIndent) && b[0] == '[' && b[5] == '-' && b[8] == '-' && b[11] == ' ' && b[20] == ']' && b[21] == ' ' {
		// a time format with the whole date (genai-perf's handler: "[%Y-%m-%d %H:%M:%S]")
		if at, err := time.Parse("2006-01-02 15:04:05", b[1:20]); err == nil && richLevel(b[iw:]) {
			return at, iw
		}
	}
	if b[0] == ' ' && strings.TrimLeft(b[:w], " ") == "" && richLevel(b[w:]) {
		return t, w
	}
	return t, 0
}

// richLevel reports whether b opens with the level column: a level word, spaces to the ninth
// column, then the message.
func richLevel(b string) bool {
	i := 0
	for i < len(b) && i < 8 && b[i] >= 'A' && b[i] <= 'Z' {
		i++
	}
	if i < 4 || len(b) < 12 || b[9] == ' ' || strings.TrimLeft(b[i:9], " ") != "" {
		return false
	}
	return pyLevel(b[:i], false) != ""
}

// RichRow reports whether b is a further row of such a record (not a record of its own whose
// time column is blank).
func RichRow(b string) bool {
	if len(b) <= len(richIndent) || !strings.HasPrefix(b, richIndent) {
		return false
	}
	_, off := richTime(b)
	return off == 0
}

// rich reads a record of Rich's handler, its further rows in rest: the level of its column, the
// message's rows joined (a wrapped row with a space, a row of the message's own lines with a line
// break: a traceback), then the time, logger and level the format put in the message. It returns
// the traceback the message holds.
func (r *rec) rich(s, rest string) (trace string, ok bool) {
	t, off := richTime(s)
	if !richLevel(s[off:]) {
		return "", false
	}
	if !t.IsZero() {
		r.t = t
	}
	s = s[off:]
	r.level = pyLevel(strings.TrimRight(s[:9], " "), false)
	row := strings.TrimRight(s[9:], " ")
	if j := strings.LastIndexByte(row, ' '); j > 0 {
		// the caller at the row's right edge: "batch_handler.py:574"
		loc := row[j+1:]
		if c := strings.LastIndexByte(loc, ':'); c > 0 && strings.HasSuffix(loc[:c], ".py") {
			if n, ok := pu.Atoi(loc[c+1:]); ok {
				r.file, r.line, row = loc[:c], n, strings.TrimRight(row[:j], " ")
			}
		}
	}
	var sb strings.Builder
	sb.WriteString(row)
	lines := false // the message's own lines from here on
	for rest != "" {
		var l string
		l, rest, _ = strings.Cut(rest, "\n")
		if !RichRow(l) || off > 0 && (len(l) <= off+len(richIndent) || strings.TrimLeft(l[:off+len(richIndent)], " ") != "") {
			break
		}
		text := strings.TrimRight(l[off+len(richIndent):], " ")
		if text == vllm.TracebackHeader {
			lines = true
		}
		switch {
		case sb.Len() == 0:
		case lines || text == "" || text[0] == ' ':
			sb.WriteByte('\n')
		default:
			sb.WriteByte(' ')
		}
		sb.WriteString(text)
	}
	msg := sb.String()
	if t, n, ok := pu.RFC3339(msg); ok && n < len(msg) && msg[n] == ' ' {
		// "%(asctime)s %(name)s %(levelname)s: %(message)s"
		name, after, _ := strings.Cut(msg[n+1:], " ")
		word, text, found := strings.Cut(after, ": ")
		if found && IsLoggerName(name) && pyLevel(word, false) != "" {
			r.t, r.logger, msg = t, name, text
		}
	}
	if i := strings.Index(msg, "\n"+vllm.TracebackHeader); i >= 0 {
		msg, trace = msg[:i], msg[i+1:]
	}
	r.msg = msg
	return trace, true
}

// mmengine reads the layout of OpenMMLab's MMLogger (mmengine), which LMDeploy 0.2 and 0.3
// logged with: "04/01 08:05:57 - turbomind - WARNING - kwargs model_name is deprecated ...",
// the month, day and time of day (no year: the runtime's time stays), the logger, the level.
func (r *rec) mmengine(s string) bool {
	if len(s) < 24 || s[2] != '/' || s[5] != ' ' || s[8] != ':' || s[11] != ':' || !strings.HasPrefix(s[14:], " - ") {
		return false
	}
	if _, ok := pu.Atoi(s[:2]); !ok {
		return false
	}
	name, rest, ok := strings.Cut(s[17:], " - ")
	if !ok || !IsLoggerName(name) {
		return false
	}
	word, msg, ok := strings.Cut(rest, " - ")
	if r.level = pyLevel(word, false); !ok || r.level == "" {
		return false
	}
	r.logger, r.msg = name, msg
	return true
}

// OpenMessage reports whether b is a dated Python logging record of a warning or an error whose
// message ends in a colon: what it announces follows on lines of their own (LMDeploy's
// "2024-08-05 05:41:03,897 - lmdeploy - WARNING - model_config:", then the configuration, at
// any level; its
// "ERROR - api_server.py:662 - Failed to parse Thinking Process:", then the model's output), and
// a Ray daemon's of any level (the autoscaler's "INFO autoscaler.py:63 -- Using Autoscaling
// Config: ", then the configuration's YAML).
func OpenMessage(b string) bool {
	if len(b) < 24 || b[0] < '1' || b[0] > '2' {
		return false
	}
	t := strings.TrimRight(b, " ")
	if strings.Contains(b, " - litellm_proxy_extras - ") && strings.Contains(b, " - prisma db error: ") {
		// LiteLLM's migrations logging what Prisma's CLI said, stderr then stdout, in one call
		// (logger.info(f"prisma db error: {e.stderr}, e: {e.stdout}")): the error's code, its
		// explanation and the schema Prisma loaded on the lines under it
		var r rec
		return r.dated(b) && r.logger == "litellm_proxy_extras"
	}
	if last := t[len(t)-1]; last != ':' && last != '-' {
		return false
	}
	var r rec
	if !r.dated(b) {
		return false
	}
	if strings.TrimSpace(r.msg) == "" && r.level != "" && last(t) == '-' {
		// a message that opens with a line break, in "%(asctime)s - %(name)s - %(levelname)s -
		// %(message)s" (LiteLLM's "\nLiteLLM completion() model= ..." through an application's
		// own handler): its text is the line under it
		return true
	}
	if r.logger == "lmdeploy" && strings.TrimRight(r.msg, " ") == "model_config:" {
		return true // LMDeploy's configuration under it at any level (INFO with --log-level INFO)
	}
	return (r.level == pu.Warning || r.level == pu.Error || r.level == pu.Critical || r.dataset == DatasetRayCore) &&
		strings.HasSuffix(strings.TrimRight(r.msg, " "), ":")
}

func last(s string) byte { return s[len(s)-1] }

// structlog reads a record of structlog's ConsoleRenderer (its default output, colours read
// without them) after its timestamp, or at the line's start without one: "[info     ] request
// finished    [app.api] path=/v1 status=200". The level is lower-case in brackets, padded with
// spaces to the longest level's name; the event is padded to 30 columns; the logger's name
// follows in brackets where the renderer is given one; then the context's key=value pairs. The
// message is the event and the pairs, the padding between them taken out.
func (r *rec) structlog(s string) bool {
	s = strings.TrimLeft(s, " ")
	if len(s) < 12 || s[0] != '[' {
		return false
	}
	end := strings.IndexByte(s[:12], ']')
	if end < 0 || end+1 >= len(s) || s[end+1] != ' ' {
		return false
	}
	inner := s[1:end]
	w := strings.TrimRight(inner, " ")
	if w == inner && len(inner) < 9 || w == "" || w[0] < 'a' || w[0] > 'z' {
		return false // padded, unless the longest name ("exception", "critical " padded to it)
	}
	lv := pyLevel(strings.ToUpper(w), false)
	if w == "exception" {
		lv = pu.Error
	}
	if lv == "" {
		return false
	}
	event, tail, _ := strings.Cut(s[end+2:], "  ")
	if tail == "" {
		// an event of 30 characters or more, which the renderer does not pad: one space, then
		// the logger ("unsupported operand type(s) for +: 'int' and 'str' [log_test.multiply]
		// contextfoo=bar ..."), the last bracketed name that the pairs or the line's end follow
		for i := strings.LastIndex(event, " ["); i > 0; i = strings.LastIndex(event[:i], " [") {
			j := strings.IndexByte(event[i+2:], ']')
			if j > 0 && IsLoggerName(event[i+2:i+2+j]) && (i+3+j == len(event) || event[i+3+j] == ' ') {
				event, tail = event[:i], event[i+1:]
				break
			}
		}
	}
	tail = strings.TrimLeft(tail, " ")
	if len(tail) > 2 && tail[0] == '[' {
		if j := strings.IndexByte(tail, ']'); j > 1 && IsLoggerName(tail[1:j]) {
			r.logger, tail = tail[1:j], strings.TrimLeft(tail[j+1:], " ")
		}
	}
	r.level, r.msg = lv, strings.TrimRight(event, " ")
	if tail != "" {
		r.msg += " " + tail
	}
	return true
}
