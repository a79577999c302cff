package convert

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/sluice-dev/sluice/cmd/sluice/internal/logstash"
)

// opts hands out a plugin's attributes and reports, at the end, those nobody took.
type opts struct {
	t    *translator
	pl   *logstash.Plugin
	used map[string]bool
}

func (t *translator) opts(pl *logstash.Plugin) *opts {
	return &opts{t: t, pl: pl, used: map[string]bool{"id": true, "enable_metric": true}}
}

// get returns the value of name, or nil; the option counts as handled. An option written
// several times is merged as Logstash merges it: arrays and hashes are joined in order.
func (o *opts) get(name string) logstash.Value {
	o.used[name] = true
	var v logstash.Value
	for _, a := range o.pl.Attrs {
		if a.Name != name {
			continue
		}
		v = merge(v, a.Value)
	}
	return v
}

// merge joins a repeated option's values; for other kinds the last one wins.
func merge(prev, v logstash.Value) logstash.Value {
	switch p := prev.(type) {
	case *logstash.Array:
		if a, ok := v.(*logstash.Array); ok {
			return &logstash.Array{P: p.P, Items: append(append([]logstash.Value(nil), p.Items...), a.Items...)}
		}
	case *logstash.Hash:
		if h, ok := v.(*logstash.Hash); ok {
			return &logstash.Hash{P: p.P, Entries: append(append([]logstash.HashEntry(nil), p.Entries...), h.Entries...)}
		}
	}
	return v
}

func (o *opts) str(name string) (string, bool) { return typed(o, name, "a string", str) }

func (o *opts) strs(name string) ([]string, bool) { return typed(o, name, "a list of strings", strs) }

func (o *opts) boolean(name string) (bool, bool) { return typed(o, name, "true or false", boolean) }

// typed reads option name with conv, reporting a value of the wrong kind.
func typed[T any](o *opts, name, want string, conv func(logstash.Value) (T, bool)) (T, bool) {
	var zero T
	v := o.get(name)
	if v == nil {
		return zero, false
	}
	x, ok := conv(v)
	if !ok {
		o.bad(name, "not translated: want "+want)
	}
	return x, ok
}

func (o *opts) bad(name, why string) {
	a := o.pl.Attr(name)
	o.t.note(a.Pos, "%s: option %s: %s", o.pl.Name, name, why)
}

// unsupported reports an option that is set and has no sluice equivalent.
func (o *opts) unsupported(name, why string) {
	if o.get(name) != nil {
		o.bad(name, "not translated: "+why)
	}
}

// done reports every option no translation took, once each.
func (o *opts) done() {
	for _, a := range o.pl.Attrs {
		if !o.used[a.Name] {
			o.used[a.Name] = true
			o.t.note(a.Pos, "%s: option %s not translated: sluice has no equivalent", o.pl.Name, a.Name)
		}
	}
}

func (t *translator) input(pl *logstash.Plugin) {
	o := t.opts(pl)
	var body *yaml.Node
	switch pl.Name {
	case "beats":
		body = t.beats(o)
	case "kafka":
		body = t.kafkaInput(o)
	case "file":
		body = t.fileInput(o)
	case "stdin":
		body = mapping()
	case "pipeline":
		body = t.pipelineInput(o)
	default:
		t.skip(pl, "sluice has no "+pl.Name+" input (it has beats, kafka, file, stdin and pipeline)")
		return
	}
	if body == nil {
		return
	}
	t.codec(o)
	deco := false
	for _, name := range []string{"type", "tags", "add_field"} {
		deco = o.get(name) != nil || deco
	}
	if deco {
		t.inputDeco = append(t.inputDeco, pl)
	}
	o.done()
	t.inputs = append(t.inputs, component{id: t.id(pl.Name, pl), body: body})
}

func (t *translator) beats(o *opts) *yaml.Node {
	host, port := "0.0.0.0", "5044"
	if s, ok := o.str("host"); ok {
		host = s
	}
	if s, ok := o.str("port"); ok {
		port = s
	}
	m := mapping("address", host+":"+port)
	tls := mapping()
	on, _ := o.boolean("ssl")
	if b, ok := o.boolean("ssl_enabled"); ok {
		on = b
	}
	if on {
		set(tls, "enabled", true)
	}
	for _, k := range [][2]string{{"ssl_certificate", "cert_file"}, {"ssl_key", "key_file"}} {
		if s, ok := o.str(k[0]); ok {
			set(tls, k[1], s)
		}
	}
	if cas, ok := o.strs("ssl_certificate_authorities"); ok && len(cas) > 0 {
		set(tls, "client_ca_file", cas[0])
		if len(cas) > 1 {
			o.bad("ssl_certificate_authorities", "sluice takes one CA file: put them in one bundle")
		}
	}
	if len(tls.Content) > 0 {
		set(m, "tls", tls)
	}
	return m
}

func (t *translator) kafkaInput(o *opts) *yaml.Node {
	brokers := []string{"localhost:9092"}
	if s, ok := o.str("bootstrap_servers"); ok {
		brokers = strings.Split(strings.ReplaceAll(s, " ", ""), ",")
	}
	m := mapping("brokers", brokers)
	if topics, ok := o.strs("topics"); ok {
		set(m, "topics", topics)
	}
	group := "logstash" // Logstash's default, so a switch resumes from the committed offsets
	if s, ok := o.str("group_id"); ok {
		group = s
	}
	set(m, "group_id", group)
	if s, ok := o.str("client_id"); ok {
		set(m, "client_id", s)
	}
	if s, ok := o.str("auto_offset_reset"); ok {
		if s == "earliest" || s == "latest" {
			set(m, "start_offset", s)
		} else {
			o.bad("auto_offset_reset", fmt.Sprintf("%q: sluice takes earliest or latest", s))
		}
	}
	if s, ok := o.str("security_protocol"); ok && strings.HasSuffix(s, "SSL") {
		set(m, "tls", mapping("enabled", true))
	}
	if s, ok := o.str("sasl_mechanism"); ok {
		set(m, "sasl", mapping("mechanism", strings.ToLower(s)))
		o.t.note(o.pl.Pos, "kafka: set sasl.username and sasl.password (sluice does not read sasl_jaas_config)")
	}
	o.used["consumer_threads"] = true // sluice reads every partition of the group itself
	// Logstash keeps a record's value as it is (plain codec) or decodes it with the json
	// codec, which becomes a json processor; sluice's own Filebeat decoding would change that.
	set(m, "decode_filebeat", false)
	return m
}

func (t *translator) fileInput(o *opts) *yaml.Node {
	paths, _ := o.strs("path")
	m := mapping("paths", paths)
	if ex, ok := o.strs("exclude"); ok {
		set(m, "exclude", ex)
	}
	mode := "follow"
	if s, ok := o.str("mode"); ok && s == "read" {
		mode = "read"
	}
	set(m, "mode", mode)
	if s, ok := o.str("start_position"); ok {
		set(m, "start_at", s)
	}
	o.unsupported("sincedb_path", "sluice keeps its own positions (state_file); files are read again from start_at once")
	return m
}

// codec turns an input's codec into a processor that runs before the filters.
func (t *translator) codec(o *opts) {
	v := o.get("codec")
	if v == nil {
		return
	}
	name, _ := str(v)
	pl, isPlugin := v.(*logstash.Plugin)
	if isPlugin {
		name = pl.Name
	}
	switch name {
	case "plain", "line":
	case "json", "json_lines":
		t.prelude = append(t.prelude, component{id: t.id("json", o.pl), body: mapping("field", "message", "tag_on_failure", "_jsonparsefailure")})
	case "multiline":
		if pl == nil {
			o.bad("codec", "multiline without settings")
			return
		}
		t.multiline(pl)
	default:
		o.bad("codec", "sluice has no "+name+" codec")
	}
}

func (t *translator) multiline(pl *logstash.Plugin) {
	o := t.opts(pl)
	pattern, _ := o.str("pattern")
	m := mapping("pattern", pattern)
	if b, ok := o.boolean("negate"); ok {
		set(m, "negate", b)
	}
	if s, ok := o.str("what"); ok {
		match := "after"
		if s == "next" {
			match = "before"
		}
		set(m, "match", match)
	}
	o.unsupported("patterns_dir", "grok patterns in multiline patterns are not expanded")
	o.done()
	if strings.Contains(pattern, "%{") {
		t.note(pl.Pos, "multiline: pattern uses grok names; write the regular expression out")
	}
	t.prelude = append(t.prelude, component{id: t.id("multiline", pl), body: m})
}

// inputDecorations translates type, tags and add_field of inputs. With one input they apply to
// every event, as a set processor at the start; with several, sluice cannot tell in a
// processor which input an event came from, so they are reported.
func (t *translator) inputDecorations() {
	for _, pl := range t.inputDeco {
		if len(t.inputs) != 1 {
			t.note(pl.Pos, "%s: type, tags and add_field of one input among several are not translated", pl.Name)
			continue
		}
		fields := seq()
		if a := pl.Attr("type"); a != nil {
			fields.Content = append(fields.Content, mapping("field", "type", "value", literal(a.Value), "override", false))
		}
		if a := pl.Attr("add_field"); a != nil {
			ps, _ := pairs(a.Value)
			for _, p := range ps {
				fields.Content = append(fields.Content, mapping("field", fieldName(p.key), "value", literal(p.val)))
			}
		}
		if pl.Attr("tags") != nil {
			t.note(pl.Attr("tags").Pos, "%s: tags not translated: sluice has no processor that adds tags", pl.Name)
		}
		if len(fields.Content) > 0 {
			t.processors = append([]component{{id: t.id("set", pl), body: mapping("fields", fields)}}, t.processors...)
		}
	}
}
