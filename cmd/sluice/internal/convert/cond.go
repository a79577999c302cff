package convert

import (
	"strconv"
	"strings"

	"github.com/sluice-dev/sluice/cmd/sluice/internal/logstash"
)

// condition writes a Logstash condition as a sluice (expr) condition. Field references become
// field("a.b") (tags stays tags, the event's tag list), =~ becomes matches with a raw string,
// and a lone field reference tests that the field is set, as Logstash's truthiness does for
// fields that are not booleans.
func condition(e logstash.Expr) string {
	switch e := e.(type) {
	case *logstash.Binary:
		l, r := truth(e.L), truth(e.R)
		switch e.Op {
		case "and":
			return l + " && " + r
		case "or":
			return l + " || " + r
		case "nand":
			return "!(" + l + " && " + r + ")"
		default: // xor
			return "(" + l + ") != (" + r + ")"
		}
	case *logstash.Not:
		return "!(" + condition(e.X) + ")"
	case *logstash.Compare:
		return compare(e)
	}
	return truth(e)
}

// truth is an operand of a boolean operator: comparisons in parentheses, a field as "is set".
func truth(e logstash.Expr) string {
	switch e := e.(type) {
	case *logstash.Selector:
		return operand(e) + " != nil"
	case *logstash.Binary, *logstash.Compare:
		return "(" + condition(e) + ")"
	case *logstash.String:
		return strconv.FormatBool(e.Text != "")
	}
	return condition(e)
}

func compare(c *logstash.Compare) string {
	l, r := operand(c.L), operand(c.R)
	switch c.Op {
	case "=~":
		return l + " matches " + regex(c.R)
	case "!~":
		return "!(" + l + " matches " + regex(c.R) + ")"
	case "in", "not in":
		in := l + " in " + r
		// "text" in [field] is a substring test when the field is a string, and sluice holds
		// arrays other than tags as JSON text: contains covers both.
		if sel, ok := c.R.(*logstash.Selector); ok && !isTags(sel) {
			if _, lit := c.L.(*logstash.String); lit {
				in = r + " contains " + l
			}
		}
		if c.Op == "not in" {
			return "!(" + in + ")"
		}
		return in
	}
	return l + " " + c.Op + " " + r
}

func isTags(s *logstash.Selector) bool { return len(s.Path) == 1 && s.Path[0] == "tags" }

func operand(e logstash.Expr) string {
	switch e := e.(type) {
	case *logstash.Selector:
		if isTags(e) {
			return "tags"
		}
		return "field(" + strconv.Quote(strings.Join(e.Path, ".")) + ")"
	case *logstash.String:
		return strconv.Quote(e.Text)
	case *logstash.Number:
		return e.Text
	case *logstash.Bare:
		return strconv.Quote(e.Text)
	case *logstash.Regex:
		return regex(e)
	case *logstash.Array:
		parts := make([]string, len(e.Items))
		for i, it := range e.Items {
			parts[i] = operand(it.(logstash.Expr))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return "(" + condition(e) + ")"
}

// regex writes a pattern as a raw string when it can, so backslashes stay as written.
func regex(e logstash.Expr) string {
	var s string
	switch e := e.(type) {
	case *logstash.Regex:
		s = strings.ReplaceAll(e.Text, `\/`, "/")
	case *logstash.String:
		s = e.Text
	default:
		return operand(e)
	}
	if !strings.Contains(s, "`") {
		return "`" + s + "`"
	}
	return strconv.Quote(s)
}

// checkFields reports references in a condition to fields sluice's inputs do not write under
// that name, which would otherwise silently never match.
func (t *translator) checkFields(e logstash.Expr) {
	switch e := e.(type) {
	case *logstash.Binary:
		t.checkFields(e.L)
		t.checkFields(e.R)
	case *logstash.Not:
		t.checkFields(e.X)
	case *logstash.Compare:
		t.checkFields(e.L)
		t.checkFields(e.R)
	case *logstash.Selector:
		switch {
		case e.Path[0] == "@metadata":
			t.note(e.P, "condition: [@metadata]...: sluice keeps no @metadata, so this field is always missing")
		case len(e.Path) == 1 && e.Path[0] == "path" && t.hasInput("file"):
			t.note(e.P, "condition: [path]: sluice's file input writes the path to [log][file][path]")
		}
	}
}

func (t *translator) hasInput(typ string) bool {
	for _, in := range t.inputs {
		if strings.HasPrefix(in.id, typ+"/") {
			return true
		}
	}
	return false
}
