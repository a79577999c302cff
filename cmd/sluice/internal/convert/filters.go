package convert

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/sluice-dev/sluice/cmd/sluice/internal/logstash"
)

// filter translates one filter plugin guarded by cond ("" for none).
func (t *translator) filter(pl *logstash.Plugin, cond string) {
	o := t.opts(pl)
	failTag := ""
	switch pl.Name {
	case "grok":
		failTag = t.grok(o, cond)
	case "dissect":
		failTag = t.dissect(o, cond)
	case "json":
		failTag = t.json(o, cond)
	case "kv":
		t.kv(o, cond)
	case "date":
		failTag = t.date(o, cond)
	case "mutate":
		t.mutate(o, cond)
	case "drop":
		t.drop(o, cond)
	case "fingerprint":
		t.fingerprint(o, cond)
	default:
		t.skip(pl, "sluice has no "+pl.Name+" filter")
		return
	}
	t.decorate(o, cond, failTag)
	o.done()
}

// failureTag sets tag_on_failure from the plugin, or to Logstash's default tag so that
// dashboards and conditions built on it keep working; it returns the tag.
func failureTag(o *opts, m *yaml.Node, def string) string {
	tag := def
	if tags, ok := o.strs("tag_on_failure"); ok {
		switch {
		case len(tags) == 0:
			o.bad("tag_on_failure", "an empty list: sluice always tags a failure (use on_error: drop to discard)")
		case len(tags) > 1:
			o.bad("tag_on_failure", "sluice adds one tag: the first is kept")
			tag = tags[0]
		default:
			tag = tags[0]
		}
	}
	set(m, "tag_on_failure", tag)
	return tag
}

func (t *translator) grok(o *opts, cond string) string {
	match, ok := pairs(o.get("match"))
	if !ok || len(match) == 0 {
		t.skip(o.pl, "match is missing or not a hash")
		return ""
	}
	var defs *yaml.Node
	if ps, ok := pairs(o.get("pattern_definitions")); ok {
		defs = seq()
		for _, p := range ps {
			s, _ := str(p.val)
			defs.Content = append(defs.Content, mapping("name", p.key, "pattern", s))
		}
	}
	o.unsupported("patterns_dir", "copy the patterns you use into pattern_definitions")
	if b, ok := o.boolean("break_on_match"); ok && !b {
		o.bad("break_on_match", "sluice stops at the first pattern that matches")
	}
	ow, hasOW := o.strs("overwrite")
	target, hasTarget := o.str("target")
	if len(match) > 1 {
		t.note(o.pl.Pos, "grok: %d fields matched: one grok processor each, each tags its own failure", len(match))
	}
	tag := ""
	for _, p := range match {
		pats, _ := strs(p.val)
		m := mapping("field", fieldName(p.key), "patterns", seqOf(pats))
		if defs != nil {
			set(m, "pattern_definitions", defs)
		}
		if hasTarget {
			set(m, "target", fieldName(target))
		}
		set(m, "overwrite", hasOW && len(ow) > 0)
		tag = failureTag(o, m, "_grokparsefailure")
		t.addProc("grok", o.pl, cond, m)
	}
	return tag
}

// seqOf is a block list of strings, for patterns too long for one line.
func seqOf(items []string) *yaml.Node {
	s := seq()
	for _, it := range items {
		s.Content = append(s.Content, scalar(it))
	}
	return s
}

func (t *translator) dissect(o *opts, cond string) string {
	mp, ok := pairs(o.get("mapping"))
	if !ok || len(mp) == 0 {
		t.skip(o.pl, "mapping is missing or not a hash")
		return ""
	}
	tag := ""
	for _, p := range mp {
		pat, _ := str(p.val)
		m := mapping("field", fieldName(p.key), "pattern", pat)
		tag = failureTag(o, m, "_dissectfailure")
		t.addProc("dissect", o.pl, cond, m)
	}
	if conv, ok := pairs(o.get("convert_datatype")); ok {
		t.convert(o, conv, cond)
	}
	return tag
}

func (t *translator) json(o *opts, cond string) string {
	src, ok := o.str("source")
	if !ok {
		t.skip(o.pl, "source is required")
		return ""
	}
	m := mapping("field", fieldName(src))
	if s, ok := o.str("target"); ok {
		set(m, "target", fieldName(s))
	}
	if b, ok := o.boolean("skip_on_invalid_json"); ok && b {
		o.bad("skip_on_invalid_json", "sluice tags text that is not JSON (tag_on_failure)")
	}
	tag := failureTag(o, m, "_jsonparsefailure")
	t.addProc("json", o.pl, cond, m)
	return tag
}

func (t *translator) kv(o *opts, cond string) {
	m := mapping()
	if s, ok := o.str("source"); ok {
		set(m, "field", fieldName(s))
	}
	for _, k := range []string{"field_split", "value_split"} {
		if s, ok := o.str(k); ok {
			set(m, k, s)
			if len(s) > 1 {
				o.bad(k, "Logstash splits at any of these characters, sluice at the whole string")
			}
		}
	}
	if s, ok := o.str("target"); ok {
		set(m, "target", fieldName(s))
	}
	for _, k := range []string{"include_keys", "exclude_keys"} {
		if l, ok := o.strs(k); ok {
			set(m, k, l)
		}
	}
	t.addProc("kv", o.pl, cond, m)
}

// jodaYear maps Logstash's week-based year (YYYY), which users almost always mean as the
// calendar year, to yyyy.
var jodaYear = strings.NewReplacer("YYYY", "yyyy", "YY", "yy")

func (t *translator) date(o *opts, cond string) string {
	match, ok := o.strs("match")
	if !ok || len(match) < 2 {
		t.skip(o.pl, "match needs a field and at least one format")
		return ""
	}
	var formats []string
	for _, f := range match[1:] {
		if f == "TAI64N" {
			o.bad("match", "TAI64N has no sluice format")
			continue
		}
		formats = append(formats, jodaYear.Replace(f))
	}
	m := mapping("field", fieldName(match[0]), "formats", seqOf(formats))
	if s, ok := o.str("target"); ok {
		set(m, "target", fieldName(s))
	}
	if s, ok := o.str("timezone"); ok {
		set(m, "timezone", s)
	}
	if s, ok := o.str("locale"); ok && !strings.HasPrefix(s, "en") {
		o.bad("locale", "sluice reads English month and day names")
	}
	tag := failureTag(o, m, "_dateparsefailure")
	t.addProc("date", o.pl, cond, m)
	return tag
}

func (t *translator) drop(o *opts, cond string) {
	if cond == "" {
		cond = "true"
		t.note(o.pl.Pos, "drop: without a condition it discards every event")
	}
	if s, ok := o.str("percentage"); ok && s != "100" {
		o.bad("percentage", "use the sample processor to keep a fraction")
	}
	t.addProc("drop", o.pl, cond, mapping())
}

func (t *translator) fingerprint(o *opts, cond string) {
	fields := []string{"message"}
	if l, ok := o.strs("source"); ok {
		fields = l
	}
	for i := range fields {
		fields[i] = fieldName(fields[i])
	}
	target := "fingerprint"
	if s, ok := o.str("target"); ok {
		target = fieldName(s)
	}
	o.used["method"], o.used["concatenate_sources"] = true, true
	t.note(o.pl.Pos, "fingerprint: sluice hashes with SHA-256 (128 bits, base64url): values differ from Logstash's")
	o.unsupported("key", "sluice's fingerprint is not keyed (HMAC)")
	m := mapping("fields", fields, "include_source", false, "meta_id", false)
	// @metadata never reaches the document in Logstash; sluice keeps no @metadata, so the id
	// is not written as a field then.
	if !strings.HasPrefix(target, "@metadata.") {
		set(m, "target", target)
	}
	t.fingerprints[target] = m
	t.addProc("fingerprint", o.pl, cond, m)
}

// decorate translates the options every filter has, applied when the filter succeeded: after a
// filter that can fail, only on events without its failure tag.
func (t *translator) decorate(o *opts, cond, failTag string) {
	if failTag != "" {
		ok := "!(" + strconv.Quote(failTag) + " in tags)"
		if cond == "" {
			cond = ok
		} else {
			cond = "(" + cond + ") && " + ok
		}
	}
	if ps, ok := pairs(o.get("add_field")); ok {
		t.setFields(o, ps, cond, "add_field")
	}
	if o.get("add_tag") != nil {
		o.bad("add_tag", "sluice has no processor that adds tags")
	}
	rm, _ := o.strs("remove_field")
	rmTags, _ := o.strs("remove_tag")
	if len(rm) > 0 || len(rmTags) > 0 {
		m := mapping()
		if len(rm) > 0 {
			for i := range rm {
				rm[i] = fieldName(rm[i])
			}
			set(m, "fields", rm)
		}
		if len(rmTags) > 0 {
			set(m, "tags", rmTags)
		}
		t.addProc("remove", o.pl, cond, m)
	}
}
