package vllm

import (
	"strings"

	"github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// loggerWarnings is the logger name Python gives warnings it routes to logging.
const loggerWarnings = "py.warnings"

// PyWarning reads the first line Python's warnings module prints to stderr,
// "<file>.py:<line>: <Category>Warning: <message>", which the parse processor joins with the
// message's further lines and the source line after it ("  warnings.warn(").
//
// A warning raised where there is no source file names the module instead, and no source line
// follows: "sys:1: DeprecationWarning: ..." (at interpreter exit), "<frozen
// importlib._bootstrap_external>:1301: FutureWarning: ...", "<stdin>:4: UserWarning: ...".
func PyWarning(b string) (file string, line int64, category, msg string, ok bool) {
	var rest string
	switch i := strings.Index(b, ".py:"); {
	case i > 0 && strings.IndexByte(b[:i], ' ') < 0:
		file, rest = b[:i+3], b[i+4:]
	case strings.HasPrefix(b, "sys:"):
		file, rest = "sys", b[len("sys:"):]
	case strings.HasPrefix(b, "<frozen ") || strings.HasPrefix(b, "<string>:") || strings.HasPrefix(b, "<stdin>:"):
		// (code given to python -c, and piped into it: a reproducer's "python - <<EOF")
		j := strings.Index(b[:min(len(b), 96)], ">:")
		if j < 0 {
			return "", 0, "", "", false
		}
		file, rest = b[:j+1], b[j+2:]
	default:
		return "", 0, "", "", false
	}
	num, rest, found := strings.Cut(rest, ": ")
	if !found {
		return "", 0, "", "", false
	}
	if line, ok = parseutil.Atoi(num); !ok {
		return "", 0, "", "", false
	}
	category, msg, found = strings.Cut(rest, ": ")
	if !found {
		// a message that opens with a line break ("...: UserWarning: " and the text under it,
		// torch's capability warning) whose trailing space a paste or a shipper took off
		category, found = strings.CutSuffix(rest, ":")
	}
	if !found || !strings.HasSuffix(category, "Warning") && !pydanticDeprecated(category) || strings.IndexByte(category, ' ') >= 0 {
		return "", 0, "", "", false
	}
	return file, line, category, msg, true
}

// pydanticDeprecated reports whether category is one of pydantic's DeprecationWarning classes,
// named for the release since which a feature is deprecated, not "...Warning":
// "PydanticDeprecatedSince20", "PydanticDeprecatedSince211".
func pydanticDeprecated(category string) bool {
	v, ok := strings.CutPrefix(category, "PydanticDeprecatedSince")
	return ok && v != "" && parseutil.AllDigits(v)
}

// maybeWarning is PyWarning's cheap first test.
func maybeWarning(b string) bool {
	return strings.Contains(b, ".py:") || strings.HasPrefix(b, "sys:") || strings.HasPrefix(b, "<")
}

// parsePyWarning sets the fields of a (grouped) Python warning.
func parsePyWarning(ev *event.Event, l *Line) bool {
	file, line, _, msg, ok := PyWarning(l.Body)
	if !ok {
		return false
	}
	if m := strings.TrimRight(msg, " "); m != "" {
		ev.SetString(parseutil.FieldLogMessage, m)
	} else if _, rest, ok := strings.Cut(ev.Message(), "\n"); ok && rest != "" {
		// a message that opens with a line break (apex's "...batch_norm.py:12: FutureWarning: ",
		// its text on the next line, then the source line indented; torch's unsupported-GPU
		// warning, its text indented, then a blank line and the source line): not the source
		// line, the last
		next, after, more := strings.Cut(rest, "\n")
		if next = strings.TrimRight(next, " \r"); next != "" && (next[0] != ' ' || more && strings.TrimSpace(after) != "") {
			ev.SetString(parseutil.FieldLogMessage, strings.TrimLeft(next, " "))
		}
	}
	l.Level, l.File, l.FileLine = "warning", file, line
	if kind, ds := parseutil.GPUFailure(msg); kind != "" {
		// torch's CUDA initialisation warning of a driver too old for its CUDA: it goes on
		// without the GPU, and the failure that follows names no cause; outside vLLM (below)
		// the GPU stack's part at fault is the dataset, as for a failure's other lines
		ev.SetString(parseutil.FieldGPUErrorKind, kind)
		if ds != "" && !ev.Has(event.FieldDataset) {
			ev.SetString(event.FieldDataset, ds)
		}
	}
	ev.SetString(event.FieldLogLogger, loggerWarnings)
	ev.SetString(event.FieldLogLevel, l.Level)
	ev.SetString(event.FieldOriginFile, l.File)
	ev.Set(event.FieldOriginLine, event.Int(l.FileLine))
	if l.Proc != "" && !l.RankOnly && !otherActor(ev, l.ProcName) || strings.Contains(file, "/site-packages/vllm/") || strings.Contains(file, "/dist-packages/vllm/") {
		// under vLLM's process prefix (not another program's Ray actor's, a DeepSpeed worker's
		// in a Ray Serve app; a "[rankN]:" alone says nothing of vLLM: an FSDP job's ranks), or
		// raised in vLLM's own modules ("/usr/local/lib/
		// python3.12/site-packages/vllm/connections.py:8: RuntimeWarning: ..."), whatever the
		// container's name
		ev.SetString(event.FieldDataset, DatasetServer)
	}
	return true
}

// tqdmRate reports whether a bar's "elapsed<remaining, rate[, postfix]" names a rate in tqdm's
// form: "5.41it/s", "1.61s/it", "?it/s", a download's "28.6MB/s", or a trainer's own unit with
// its postfix ("?step/s, loss=0.688, step=100", "3.2ex/s", datasets' "76357.10 examples/s").
func tqdmRate(stats string) bool {
	_, rest, ok := strings.Cut(stats, ", ")
	if !ok {
		return false
	}
	rate, _, _ := strings.Cut(rest, ",")
	r := strings.TrimLeft(strings.TrimSpace(rate), "0123456789.?")
	if len(r) == len(strings.TrimSpace(rate)) {
		return false // no number (or "?") before the unit
	}
	unit, ok := strings.CutSuffix(r, "/s")
	if !ok {
		unit, ok = strings.CutPrefix(r, "s/")
	}
	// (Hugging Face datasets' unit has a space before it, unit=" examples": "76357.10 examples/s")
	unit = strings.TrimPrefix(unit, " ")
	if !ok || unit == "" || len(unit) > 12 {
		return false
	}
	for i := 0; i < len(unit); i++ {
		if c := unit[i]; (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') {
			return false
		}
	}
	return true
}

// parseProgress recognises tqdm progress bars, which vLLM prints to stderr while it loads
// weights and captures CUDA graphs: "Loading safetensors checkpoint shards:  50% Completed | 2/4
// [00:03<00:03,  1.61s/it]" or "Capturing CUDA graphs: 100%|██████████| 67/67 [00:12<00:00,
// 5.41it/s]", and Hugging Face Hub's downloads ("LICENSE: 100%|████| 11.3k/11.3k [00:00<00:00,
// 28.6MB/s]"). They are info lines of whatever program wrote them.
func parseProgress(ev *event.Event, l *Line) bool {
	// (a bar whose total is unknown has no percentage: "README.md: 10.5kB [00:00, 3.51MB/s]")
	// (Ray's note of lines it held back, " [repeated 2x across cluster]", is no part of it)
	b := Unrepeated(strings.TrimRight(l.Body, " \r"))
	if !strings.HasSuffix(b, "]") {
		if head, stats, ok := strings.Cut(b, " ["); ok && vllmBar(head, stats) && strings.Contains(head, "%|") {
			// vLLM's own offline bar cut at a terminal's width before its closing bracket
			// ("Processed prompts: 100%|█| 10/10 [00:33<00:00,  3.35s/it, est. speed input: 40.85
			// toks/s, output: 305.54 toks/"): its numbers are the run's throughput
			ev.SetString(event.FieldLogLogger, "tqdm")
			ev.SetString(event.FieldLogLevel, "info")
			ev.SetString(event.FieldDataset, DatasetServer)
			return true
		}
		return false
	}
	open := strings.LastIndex(b, " [")
	if open < 0 {
		return false
	}
	stats := b[open+2 : len(b)-1]
	if !strings.Contains(b[:open], "%") && !unsizedBar(b[:open], stats) {
		return false
	}
	// "00:03<00:03,  1.61s/it"; at 0 % newer tqdm prints "00:00?, ?it/s"; a download's bar
	// counts bytes ("00:00<00:00, 28.6MB/s", Hugging Face Hub's)
	if !strings.Contains(stats, "<") && !strings.Contains(stats, "?,") && !unsizedBar(b[:open], stats) || !tqdmRate(stats) {
		return false
	}
	ev.SetString(event.FieldLogLogger, "tqdm")
	ev.SetString(event.FieldLogLevel, "info")
	if l.Proc != "" && !otherActor(ev, l.ProcName) || vllmBar(b[:open], stats) {
		// (vLLM's own offline bars, in any container: the LLM class's "Processed prompts: ...
		// est. speed input: ... toks/s", "Adding requests", run_batch's "Running batch")
		ev.SetString(event.FieldDataset, DatasetServer)
	}
	return true
}

// vllmBar reports whether a tqdm bar is one vLLM draws itself (head is its description and bar,
// stats its brackets' text).
func vllmBar(head, stats string) bool {
	return strings.HasPrefix(head, "Processed prompts: ") && strings.Contains(stats, "est. speed input: ") ||
		strings.HasPrefix(head, "Adding requests: ") || strings.HasPrefix(head, "Running batch: ")
}

// unsizedBar reports whether head and stats are a tqdm bar's whose total is unknown, which tqdm
// draws as "{desc}: {n_fmt} [{elapsed}, {rate_fmt}]" (Hugging Face Hub's download of a file
// whose size it was not told: "README.md: 10.5kB [00:00, 3.51MB/s]").
func unsizedBar(head, stats string) bool {
	elapsed, _, ok := strings.Cut(stats, ", ")
	if !ok || len(elapsed) < 5 || elapsed[2] != ':' || strings.Trim(elapsed, "0123456789:") != "" {
		return false
	}
	_, n, ok := strings.Cut(head, ": ")
	return ok && n != "" && n[0] >= '0' && n[0] <= '9' && strings.IndexByte(n, ' ') < 0
}
