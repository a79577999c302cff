package convert

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/sluice-dev/sluice/cmd/sluice/internal/logstash"
)

// mutate translates the operations in the order Logstash applies them (rename, update,
// replace, convert, gsub, uppercase, capitalize, lowercase, strip, split, join, merge, copy),
// one sluice processor for each.
func (t *translator) mutate(o *opts, cond string) {
	o.unsupported("coerce", "no sluice processor sets a default for null fields")
	if ps, ok := pairs(o.get("rename")); ok {
		t.fromTo("rename", o, ps, cond)
	}
	o.unsupported("update", "use set with override: false on a condition that the field exists")
	if ps, ok := pairs(o.get("replace")); ok {
		t.setFields(o, ps, cond, "replace")
	}
	if ps, ok := pairs(o.get("convert")); ok {
		t.convert(o, ps, cond)
	}
	o.unsupported("gsub", "sluice has no processor that replaces text in a field (redact hides patterns)")
	t.caseFields("uppercase", o, cond)
	o.unsupported("capitalize", "sluice has no capitalize processor")
	t.caseFields("lowercase", o, cond)
	o.unsupported("strip", "sluice has no processor that trims whitespace")
	o.unsupported("split", "sluice has no processor that splits a field into an array")
	o.unsupported("join", "sluice has no processor that joins an array")
	o.unsupported("merge", "sluice has no processor that merges fields into an array")
	if ps, ok := pairs(o.get("copy")); ok {
		t.fromTo("copy", o, ps, cond)
	}
}

// fromTo makes a rename or copy processor from field pairs.
func (t *translator) fromTo(typ string, o *opts, ps []pair, cond string) {
	fields := seq()
	for _, p := range ps {
		to, ok := str(p.val)
		if !ok {
			o.bad(typ, "want field names")
			return
		}
		fields.Content = append(fields.Content, mapping("from", fieldName(p.key), "to", fieldName(to)))
	}
	t.addProc(typ, o.pl, cond, mapping("fields", fields))
}

// setFields translates add_field and replace: constants into a set processor, a value that is
// exactly one %{field} into a copy processor; other sprintf values are reported.
func (t *translator) setFields(o *opts, ps []pair, cond, opt string) {
	sets, copies := seq(), seq()
	for _, p := range ps {
		s, isStr := str(p.val)
		switch from, ok := onlyRef(s); {
		case isStr && ok:
			copies.Content = append(copies.Content, mapping("from", from, "to", fieldName(p.key)))
		case isStr && hasRef(s):
			o.bad(opt, "value "+s+" mixes text and %{field}: sluice sets constants or copies one field")
		case !isStr:
			o.bad(opt, "value of "+p.key+" is not a scalar")
		default:
			sets.Content = append(sets.Content, mapping("field", fieldName(p.key), "value", literal(p.val)))
		}
		if strings.HasPrefix(fieldName(p.key), "@metadata.") {
			o.bad(opt, p.key+": sluice keeps no @metadata: the field is written to the document")
		}
	}
	if len(sets.Content) > 0 {
		t.addProc("set", o.pl, cond, mapping("fields", sets))
	}
	if len(copies.Content) > 0 {
		t.addProc("copy", o.pl, cond, mapping("fields", copies))
	}
}

var convertTypes = map[string]string{"integer": "integer", "float": "float", "string": "string", "boolean": "boolean",
	"int": "integer"}

// convert makes a convert processor from field => type pairs (mutate convert, dissect
// convert_datatype).
func (t *translator) convert(o *opts, ps []pair, cond string) {
	fields := seq()
	for _, p := range ps {
		typ, _ := str(p.val)
		st, ok := convertTypes[typ]
		if !ok {
			t.note(logstash.PosOf(p.val), "%s: convert of %s to %q not translated: sluice converts to integer, float, string, boolean", o.pl.Name, p.key, typ)
			continue
		}
		fields.Content = append(fields.Content, mapping("field", fieldName(p.key), "type", st))
	}
	if len(fields.Content) > 0 {
		t.addProc("convert", o.pl, cond, mapping("fields", fields))
	}
}

func (t *translator) caseFields(typ string, o *opts, cond string) {
	l, ok := o.strs(typ)
	if !ok || len(l) == 0 {
		return
	}
	for i := range l {
		l[i] = fieldName(l[i])
	}
	t.addProc(typ, o.pl, cond, &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{scalar("fields"), flow(l)}})
}
