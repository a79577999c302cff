package convert

import (
	"encoding/base64"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/sluice-dev/sluice/cmd/sluice/internal/logstash"
)

func (t *translator) output(pl *logstash.Plugin, cond string) {
	o := t.opts(pl)
	var body *yaml.Node
	switch pl.Name {
	case "elasticsearch":
		body = t.elasticsearch(o)
	case "stdout":
		o.used["codec"] = true // sluice writes NDJSON, whatever the codec
		body = mapping()
	case "file":
		body = t.fileOutput(o)
	case "pipeline":
		body = t.pipelineOutput(o)
	default:
		t.skip(pl, "sluice has no "+pl.Name+" output (it has elasticsearch, file, stdout and pipeline)")
		return
	}
	if body == nil {
		return
	}
	o.done()
	id := t.id(pl.Name, pl)
	if pl.Name == "pipeline" {
		t.sends = append(t.sends, send{id: id, file: t.file, pl: pl, to: addresses(body)})
	}
	t.outputs = append(t.outputs, component{id: id, body: body})
	t.routes = append(t.routes, route{cond: cond, id: id})
}

func (t *translator) elasticsearch(o *opts) *yaml.Node {
	tlsOn, _ := o.boolean("ssl")
	if b, ok := o.boolean("ssl_enabled"); ok {
		tlsOn = b
	}
	hosts := []string{"localhost"}
	if l, ok := o.strs("hosts"); ok {
		hosts = l
	}
	for i, h := range hosts {
		hosts[i] = hostURL(h, tlsOn)
	}
	m := mapping("hosts", hosts)
	if s, ok := o.str("user"); ok {
		set(m, "username", s)
	}
	if s, ok := o.str("password"); ok {
		set(m, "password", s)
	}
	if s, ok := o.str("api_key"); ok {
		set(m, "api_key", apiKey(o, s))
	}
	t.esTLS(o, m)
	t.esTarget(o, m)
	if s, ok := o.str("document_id"); ok {
		t.documentID(o, s)
	}
	for _, k := range []string{"manage_template", "template", "template_name", "template_overwrite", "ilm_enabled", "ilm_policy", "ilm_rollover_alias"} {
		o.unsupported(k, "`sluice setup` installs sluice's template and ILM policy")
	}
	if s, ok := o.str("action"); ok && s != "index" && s != "create" {
		o.bad("action", "sluice creates documents (update, delete and upsert are not done)")
	}
	o.used["document_type"] = true // removed in Elasticsearch 8
	return m
}

// hostURL gives a Logstash host ("es:9200", "localhost") the scheme and port sluice wants.
func hostURL(h string, tlsOn bool) string {
	if strings.Contains(h, "://") {
		return h
	}
	scheme := "http://"
	if tlsOn {
		scheme = "https://"
	}
	if !strings.Contains(h, ":") {
		h += ":9200"
	}
	return scheme + h
}

// apiKey turns Logstash's "id:key" into the base64 form sluice takes.
func apiKey(o *opts, s string) string {
	if strings.Contains(s, "${") {
		o.bad("api_key", "sluice takes base64(id:key): set the variable to that")
		return s
	}
	if strings.Contains(s, ":") {
		return base64.StdEncoding.EncodeToString([]byte(s))
	}
	return s
}

func (t *translator) esTLS(o *opts, m *yaml.Node) {
	tls := mapping()
	for _, k := range []string{"cacert", "ssl_certificate_authorities"} {
		if l, ok := o.strs(k); ok && len(l) > 0 {
			set(tls, "ca_file", l[0])
		}
	}
	if s, ok := o.str("ssl_verification_mode"); ok && s == "none" {
		set(tls, "insecure_skip_verify", true)
	}
	if b, ok := o.boolean("ssl_certificate_verification"); ok && !b {
		set(tls, "insecure_skip_verify", true)
	}
	if len(tls.Content) > 0 {
		set(m, "tls", tls)
	}
}

// esTarget chooses between an index pattern and a data stream. Without either, Logstash 8
// writes to the data stream logs-generic-default, and so does the translation.
func (t *translator) esTarget(o *opts, m *yaml.Node) {
	ds, _ := o.str("data_stream")
	if idx, ok := o.str("index"); ok && ds != "true" {
		set(m, "target", "index")
		set(m, "index", t.indexPattern(o, idx))
		return
	}
	d := mapping("type", "logs", "default_dataset", "generic", "namespace", "default")
	for _, k := range [][2]string{{"data_stream_type", "type"}, {"data_stream_dataset", "default_dataset"}, {"data_stream_namespace", "namespace"}} {
		if s, ok := o.str(k[0]); ok {
			for i := 0; i < len(d.Content); i += 2 {
				if d.Content[i].Value == k[1] {
					d.Content[i+1] = scalar(s)
				}
			}
		}
	}
	o.used["data_stream_auto_routing"] = true // sluice routes by event.dataset too
	set(m, "target", "data_stream")
	set(m, "data_stream", d)
}

// indexPattern rewrites sprintf references for sluice: %{[a][b]} and %{a} become %{[a.b]},
// %{+YYYY.MM.dd} becomes %{+yyyy.MM.dd}.
func (t *translator) indexPattern(o *opts, s string) string {
	return sprintfRef.ReplaceAllStringFunc(s, func(ref string) string {
		in := ref[2 : len(ref)-1]
		if strings.HasPrefix(in, "+") {
			return "%{+" + jodaYear.Replace(in[1:]) + "}"
		}
		f := fieldName(in)
		if strings.HasPrefix(f, "@metadata.") {
			o.bad("index", fmt.Sprintf("%s: sluice inputs keep no @metadata: unless a processor sets it, this part reads \"unknown\"", ref))
		}
		return "%{[" + f + "]}"
	})
}

// documentID links document_id to the fingerprint processor that writes the field it names.
func (t *translator) documentID(o *opts, s string) {
	f, ok := onlyRef(s)
	if fp := t.fingerprints[f]; ok && fp != nil {
		for i := 0; i < len(fp.Content); i += 2 {
			if fp.Content[i].Value == "meta_id" {
				fp.Content[i+1] = node(true)
			}
		}
		return
	}
	o.bad("document_id", "sluice takes the id from a fingerprint processor (meta_id: true): add one over the fields that make "+s)
}

func (t *translator) fileOutput(o *opts) *yaml.Node {
	p, _ := o.str("path")
	if hasRef(strings.NewReplacer("%{+yyyy}", "", "%{+YYYY}", "", "%{+MM}", "", "%{+dd}", "", "%{+HH}", "").Replace(p)) {
		t.skip(o.pl, "path "+p+": sluice's file output takes %Y, %m, %d, %H and no field values")
		return nil
	}
	p = strings.NewReplacer("%{+yyyy}", "%Y", "%{+YYYY}", "%Y", "%{+MM}", "%m", "%{+dd}", "%d", "%{+HH}", "%H").Replace(p)
	o.used["codec"] = true
	return mapping("path", p)
}

// routeOutputs stands for outputs inside conditionals: a route processor sends each event to
// the outputs whose conditions hold. Logstash sends an event that no condition matches
// nowhere; sluice would send it to every output, so such events are dropped, as Logstash does.
func (t *translator) routeOutputs() {
	conditional := false
	for _, r := range t.routes {
		conditional = conditional || r.cond != ""
	}
	if !conditional {
		return
	}
	routes := seq()
	var conds []string
	always := false
	for _, r := range t.routes {
		c := r.cond
		if c == "" {
			c, always = "true", true
		} else {
			conds = append(conds, "("+c+")")
		}
		routes.Content = append(routes.Content, mapping("if", c, "outputs", []string{r.id}))
	}
	if !always {
		t.processors = append(t.processors, component{id: t.uniq("drop/unrouted"),
			body: mapping("if", "!("+strings.Join(conds, " || ")+")")})
	}
	t.processors = append(t.processors, component{id: t.uniq("route/outputs"), body: mapping("mode", "all", "routes", routes)})
}

func (t *translator) uniq(base string) string {
	id := base
	for i := 2; t.names[id]; i++ {
		id = fmt.Sprintf("%s-%d", base, i)
	}
	t.names[id] = true
	return id
}
