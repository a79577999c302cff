package vllm

import (
	"github.com/sluice-dev/sluice/parsers/parseutil"
	"math"
	"strconv"
	"strings"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// parseStats reads the periodic stats lines, which are lists of "Name: value unit" separated by
// ", ", in every form vLLM has printed:
//
//	V0 (engine/metrics.py): "Avg prompt throughput: 0.0 tokens/s, ..., Running: 1 reqs,
//	  Swapped: 0 reqs, Pending: 0 reqs, GPU KV cache usage: 2.0%, CPU KV cache usage: 0.0%."
//	V0 prefix caching:      "Prefix cache hit rate: GPU: 0.00%, CPU: 90.00%"
//	V1 (v1/metrics/loggers.py): "Engine 000: Avg prompt throughput: ..., Running: 9 reqs,
//	  Waiting: 0 reqs, GPU KV cache usage: 62.8%, Prefix cache hit rate: 0.0%[, MM cache hit
//	  rate: 66.7%]"
//	Speculative decoding:   "SpecDecoding metrics: Mean acceptance length: 2.63, Accepted
//	  throughput: 76.80 tokens/s, ..., Per-position acceptance rate: 0.726, 0.467, ..."
//	Diffusion decoding (0.34): "DiffusionDecoding metrics: Committed token throughput: 310.22
//	  tokens/s, Mean denoising steps per canvas: 3.10, ..., Canvas positions evaluated: 9616"
//	V0 speculative decoding (0.5 to 0.9): "Speculative metrics: Draft acceptance rate: 0.675,
//	  System efficiency: 0.531, Number of speculative tokens: 4, Number of accepted tokens: 8485,
//	  Number of draft tokens: 12564, Number of emitted tokens: 8347." (rates as fractions, token
//	  counts since the engine started)
//	KV transfer (a KV connector's telemetry, v1/metrics/loggers.py since 0.11): "KV Transfer
//	  metrics: Num successful transfers=1, Avg xfer time (ms)=3.056, ..., Num failed
//	  transfers=0, Num KV expired reqs=0" (NIXL, Mooncake) or "CPU_to_GPU_total_bytes=810024960,
//	  CPU_to_GPU_total_time=0.193, ..." (the offloading connector): "Name=value" members
//
// Names it does not know are skipped, so a stats line with a new member still yields the rest.
// ParseStats reads a stats record's message, as another program's logger relays it (Dynamo's
// vLLM workers: "INFO loggers.log: Engine 000: Avg prompt throughput: ..."), and reports whether
// it was one.
func ParseStats(ev *event.Event, b string) bool { return parseStats(ev, b) }

func parseStats(ev *event.Event, b string) bool {
	b = Unrepeated(b) // Ray's "... 0.0%. [repeated 2x across cluster]": the last value stays a value
	switch {
	case strings.HasPrefix(b, "Engine "):
		colon := strings.IndexByte(b, ':')
		if colon < 8 || !strings.HasPrefix(b[colon:], ": ") {
			return false
		}
		n, ok := parseutil.Atoi(b[len("Engine "):colon])
		if !ok {
			return false
		}
		switch rest := b[colon+2:]; {
		case strings.HasPrefix(rest, "Avg "):
			statsList(ev, rest, "")
		case strings.HasPrefix(rest, "Iteration("):
			if !iteration(ev, rest) {
				return false
			}
			ev.Set(FieldEngine, event.Int(n))
			return true
		case strings.HasPrefix(rest, "MFU: "):
			if !mfu(ev, rest[len("MFU: "):]) {
				return false
			}
		default:
			return false
		}
		ev.Set(FieldEngine, event.Int(n))
	case strings.HasPrefix(b, "Iteration(") && strings.Contains(b, "): "):
		// the engine core's own (0.22: "[v1/engine/core.py:407] Iteration(749): 0 context
		// requests, ..."), before the API server logged it under "Engine NNN: "
		return iteration(ev, b)
	case strings.HasPrefix(b, "Avg prompt throughput: "):
		statsList(ev, b, "")
	case strings.Contains(b[:min(len(b), 32)], " Engines Aggregated: Avg "):
		// --aggregate-engine-logging (v0.22): "2 Engines Aggregated: Avg prompt throughput: ..."
		_, list, _ := strings.Cut(b, " Engines Aggregated: ")
		statsList(ev, list, "")
	case strings.HasPrefix(b, "Prefix cache hit rate: GPU: "):
		statsList(ev, b[len("Prefix cache hit rate: "):], "prefix ")
	case strings.HasPrefix(b, "SpecDecoding metrics: "):
		statsList(ev, b[len("SpecDecoding metrics: "):], "spec ")
	case strings.HasPrefix(b, "DiffusionDecoding metrics: "):
		// a diffusion language model's decoding (0.34): denoising steps over a canvas of positions
		statsList(ev, b[len("DiffusionDecoding metrics: "):], "diffusion ")
	case strings.HasPrefix(b, "Speculative metrics: "):
		scope := "spec0 "
		if !strings.Contains(b, "System efficiency") && !strings.Contains(b, "Number of emitted tokens") &&
			strings.HasSuffix(strings.TrimRight(b, " "), ",") {
			// V1's first spec-decode line (0.8.2, v1/spec_decode/metrics.py): the same words as
			// V0's, but counts of the interval since the last line, without V0's efficiency and
			// emitted tokens, and a trailing ", "
			scope = "spec1 "
		}
		statsList(ev, b[len("Speculative metrics: "):], scope)
	case strings.HasPrefix(b, "KV Transfer metrics: "):
		if !kvTransferList(ev, b[len("KV Transfer metrics: "):]) {
			return false
		}
	default:
		return false
	}
	ev.SetString(event.FieldEventAction, ActionStats)
	return true
}

// statsList sets a field for every "Name: value" item of s. scope disambiguates names that
// mean different things in different lines ("GPU" in the V0 prefix-cache line).
func statsList(ev *event.Event, s, scope string) {
	s = strings.TrimSuffix(strings.TrimSuffix(strings.TrimSpace(s), "."), ",")
	for s != "" {
		var item string
		item, s, _ = strings.Cut(s, ", ")
		name, val, ok := strings.Cut(item, ": ")
		if !ok {
			continue // a further value of a list member (per-position acceptance rates)
		}
		if name == "KV fetch" {
			// "KV fetch: 1 waiting to start, 4 in progress, 0 completed waiting" (0.34): three
			// members, a count each
			s = kvFetch(ev, val, s)
			continue
		}
		num, unit, _ := strings.Cut(val, " ")
		pct := strings.HasSuffix(num, "%")
		if pct {
			num, unit = num[:len(num)-1], "%"
		}
		f, ok := statNumber(num)
		if !ok {
			continue // ("Draft acceptance rate: nan%" when nothing was drafted: no rate)
		}
		key, integer := statKey(scope + name)
		setStat(ev, key, integer, f, unit)
	}
}

// countMembers are the fields of the members that are a count and the words after it: the
// stats line's "KV fetch: 1 waiting to start, 4 in progress, 0 completed waiting", an engine
// step's "2 context requests, 4096 context tokens, ...".
var countMembers = map[string]string{
	"waiting to start":    FieldKVFetchWaiting,
	"in progress":         FieldKVFetchActive,
	"completed waiting":   FieldKVFetchDone,
	"context requests":    FieldIterCtxReqs,
	"context tokens":      FieldIterCtxTokens,
	"generation requests": FieldIterGenReqs,
	"generation tokens":   FieldIterGenTokens,
}

// countMember sets the field of a member that is a count ("4 in progress") and returns it, ""
// for another member.
func countMember(ev *event.Event, item string) string {
	num, what, _ := strings.Cut(item, " ")
	key := countMembers[what]
	if f, ok := statNumber(num); ok && key != "" {
		setStat(ev, key, true, f, "")
	}
	return key
}

// kvFetch sets the three counts of the stats line's "KV fetch: " member from its first value and
// the items after it in rest, and returns the items after them.
func kvFetch(ev *event.Event, first, rest string) string {
	for item := first; ; {
		if key := countMember(ev, item); key == "" || key == FieldKVFetchDone || rest == "" {
			return rest
		}
		next, after, _ := strings.Cut(rest, ", ")
		if strings.Contains(next, ": ") {
			return rest // the next member
		}
		item, rest = next, after
	}
}

// iteration reads an engine step's line (0.34's --enable-logging-iteration-details: "Iteration(
// 1532): 2 context requests, 4096 context tokens, 30 generation requests, 30 generation tokens,
// iteration elapsed time: 48.21 ms, GPU KV cache usage: 23.4%[, encoder inputs: 2, encoder output
// embeddings: 1176]", " (dummy)" after the time of a step run only to keep data-parallel ranks
// in step) and reports whether it was one.
func iteration(ev *event.Event, s string) bool {
	close := strings.Index(s, "): ")
	idx, ok := parseutil.Atoi(s[len("Iteration("):max(close, len("Iteration("))])
	if close < 0 || !ok {
		return false
	}
	ev.Set(FieldIterIndex, event.Int(idx))
	for list := s[close+3:]; list != ""; {
		var item string
		item, list, _ = strings.Cut(list, ", ")
		if name, val, ok := strings.Cut(item, ": "); ok {
			num, unit, _ := strings.Cut(val, " ")
			switch name {
			case "iteration elapsed time":
				if f, ok := statNumber(num); ok {
					ev.Set(FieldIterElapsed, event.Float(f))
				}
			case "encoder inputs", "encoder output embeddings":
				key := FieldIterEncInputs
				if name == "encoder output embeddings" {
					key = FieldIterEncTokens
				}
				if f, ok := statNumber(num); ok {
					setStat(ev, key, true, f, "")
				}
			default:
				pct := strings.HasSuffix(num, "%")
				if pct {
					num, unit = num[:len(num)-1], "%"
				}
				if f, ok := statNumber(num); ok {
					key, integer := statKey(name)
					setStat(ev, key, integer, f, unit)
				}
			}
			continue
		}
		countMember(ev, item)
	}
	ev.SetString(event.FieldEventAction, ActionIter)
	return true
}

// mfu reads the performance estimate of a stats interval (0.34's --enable-mfu-metrics: "MFU:
// 312.4 TF/s/device 1890.2 GB/s/device") and reports whether it was one.
func mfu(ev *event.Event, s string) bool {
	tf, rest, ok := strings.Cut(s, " TF/s/device ")
	gb, ok2 := strings.CutSuffix(rest, " GB/s/device")
	ftf, ok3 := statNumber(tf)
	fgb, ok4 := statNumber(gb)
	if !ok || !ok2 || !ok3 || !ok4 {
		return false
	}
	ev.Set(FieldMFUTFlops, event.Float(ftf))
	ev.Set(FieldMFUGBps, event.Float(fgb))
	return true
}

// statNumber reads a stats member's number; a NaN or an infinity is none.
func statNumber(s string) (float64, bool) {
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil && !math.IsNaN(f) && !math.IsInf(f, 0)
}

// kvTransferList sets a field for every "Name=value" member of a KV connector's stats that it
// knows (the members are the connector's own: NIXL's, Mooncake's and the offloading connector's
// are known), and reports whether there was one such member.
func kvTransferList(ev *event.Event, s string) bool {
	found := false
	for s != "" {
		var item string
		item, s, _ = strings.Cut(s, ", ")
		name, val, ok := strings.Cut(item, "=")
		if !ok {
			continue
		}
		key, integer := kvTransferKey(name)
		if f, ok := statNumber(strings.TrimSpace(val)); ok && key != "" {
			setStat(ev, key, integer, f, "")
			found = true
		}
	}
	return found
}

// kvTransferKey returns the field a KV connector's stats member goes to and whether it is a
// count; "" for a member it does not know.
func kvTransferKey(name string) (field string, integer bool) {
	switch name {
	case "Num successful transfers":
		return FieldKVXferDone, true
	case "Num failed transfers":
		return FieldKVXferFailed, true
	case "Num failed recvs":
		return FieldKVXferFailedRecvs, true
	case "Num KV expired reqs":
		return FieldKVXferExpired, true
	case "Avg xfer time (ms)":
		return FieldKVXferAvgMs, false
	case "P90 xfer time (ms)":
		return FieldKVXferP90Ms, false
	case "Avg MB per transfer":
		return FieldKVXferAvgMB, false
	case "Throughput (MB/s)":
		return FieldKVXferMBps, false
	case "CPU_to_GPU_total_bytes":
		return FieldKVXferToGPUBytes, true
	case "CPU_to_GPU_total_time":
		return FieldKVXferToGPUSecs, false
	case "GPU_to_CPU_total_bytes":
		return FieldKVXferToCPUBytes, true
	case "GPU_to_CPU_total_time":
		return FieldKVXferToCPUSecs, false
	}
	return "", false
}

// statKey returns the field a stats member goes to, with its line's scope, and whether it is a
// count; "" for a member it does not know. A switch: a stats line has a dozen members.
func statKey(name string) (field string, integer bool) {
	switch name {
	case "Avg prompt throughput":
		return FieldPromptTput, false
	case "Avg generation throughput":
		return FieldGenTput, false
	case "Running":
		return FieldRunning, true
	case "Preemptions":
		return FieldPreemptions, true
	case "Corrupted":
		return FieldCorrupted, true
	case "Waiting", "Pending":
		return FieldWaiting, true
	case "Deferred":
		return FieldDeferred, true
	case "Swapped":
		return FieldSwapped, true
	case "GPU KV cache usage", "KV cache usage",
		"XPU KV cache usage", "NPU KV cache usage", "HPU KV cache usage", "TPU KV cache usage":
		// since 0.34 the device's name (torch's device type) names the KV cache: the
		// accelerator's, as a GPU's
		return FieldGPUKV, false
	case "CPU KV cache usage":
		return FieldCPUKV, false
	case "Prefix cache hit rate":
		return FieldPrefixHit, false
	case "External prefix cache hit rate":
		return FieldExtPrefixHit, false
	case "MM cache hit rate":
		return FieldMMHit, false
	case "prefix GPU":
		return FieldGPUPrefixHit, false
	case "prefix CPU":
		return FieldCPUPrefixHit, false
	case "spec Mean acceptance length":
		return FieldSpecAccLen, false
	case "spec Accepted throughput":
		return FieldSpecAccTput, false
	case "spec Drafted throughput":
		return FieldSpecDraftTput, false
	case "spec Accepted":
		return FieldSpecAccepted, true
	case "spec Drafted":
		return FieldSpecDrafted, true
	case "spec1 Number of accepted tokens":
		return FieldSpecAccepted, true
	case "spec1 Number of draft tokens":
		return FieldSpecDrafted, true
	case "spec Avg Draft acceptance rate", "spec Draft acceptance rate", "spec0 Draft acceptance rate", "spec1 Draft acceptance rate":
		return FieldSpecAcceptRate, false
	case "diffusion Committed token throughput":
		return FieldDiffCommittedTput, false
	case "diffusion Mean denoising steps per canvas":
		return FieldDiffStepsPerCanvas, false
	case "diffusion Mean tokens committed per denoising step":
		return FieldDiffTokensPerStep, false
	case "diffusion Committed":
		return FieldDiffCommitted, true
	case "diffusion Denoising steps":
		return FieldDiffSteps, true
	case "diffusion Canvas positions evaluated":
		return FieldDiffPositions, true
	case "spec0 System efficiency":
		return FieldSpecEfficiency, false
	case "spec0 Number of speculative tokens":
		return FieldSpecK, true
	case "spec0 Number of accepted tokens":
		return FieldSpecAcceptedTotal, true
	case "spec0 Number of draft tokens", "spec0 Number of draft tokens tokens": // 0.5's words, "tokens" twice
		return FieldSpecDraftedTotal, true
	case "spec0 Number of emitted tokens", "spec0 Number of emitted tokens tokens":
		return FieldSpecEmittedTotal, true
	}
	return "", false
}

// setStat sets a stats member's field key ("" for none): a percentage as a fraction, a count as
// an integer.
func setStat(ev *event.Event, key string, integer bool, f float64, unit string) {
	if key == "" {
		return
	}
	switch {
	case unit == "%":
		// Percent as a 0..1 fraction, rounded so that 95.9% is 0.959 and not 0.9590000000000001.
		ev.Set(key, event.Float(math.Round(f*1e4)/1e6))
	case integer:
		ev.Set(key, event.Int(int64(f)))
	default:
		ev.Set(key, event.Float(f))
	}
}
