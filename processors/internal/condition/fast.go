package condition

import (
	"regexp"
	"strings"

	"github.com/expr-lang/expr/ast"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// valFn yields a value read from the event or a constant; a missing field is the zero Value,
// which stands for nil.
type valFn func(ev *event.Event) event.Value

// compileBool compiles the allocation-free subset. It reports false for any node it does not
// know, and the caller falls back to the VM for the whole expression.
func compileBool(n ast.Node) (boolFn, bool) {
	switch x := n.(type) {
	case *ast.BoolNode:
		v := x.Value
		return func(*event.Event) bool { return v }, true
	case *ast.UnaryNode:
		if x.Operator != "!" && x.Operator != "not" {
			return nil, false
		}
		inner, ok := compileBool(x.Node)
		if !ok {
			return nil, false
		}
		return func(ev *event.Event) bool { return !inner(ev) }, true
	case *ast.BinaryNode:
		return compileBinary(x)
	}
	if v, ok := compileValue(n); ok {
		return func(ev *event.Event) bool { return v(ev).Bool() }, true
	}
	return nil, false
}

func compileBinary(x *ast.BinaryNode) (boolFn, bool) {
	switch x.Operator {
	case "&&", "and", "||", "or":
		l, ok1 := compileBool(x.Left)
		r, ok2 := compileBool(x.Right)
		if !ok1 || !ok2 {
			return nil, false
		}
		if x.Operator == "&&" || x.Operator == "and" {
			return func(ev *event.Event) bool { return l(ev) && r(ev) }, true
		}
		return func(ev *event.Event) bool { return l(ev) || r(ev) }, true
	case "in":
		return compileIn(x)
	case "matches":
		return compileMatches(x)
	}
	l, ok1 := compileValue(x.Left)
	r, ok2 := compileValue(x.Right)
	if !ok1 || !ok2 {
		return nil, false
	}
	switch x.Operator {
	case "==":
		return func(ev *event.Event) bool { return equal(l(ev), r(ev)) }, true
	case "!=":
		return func(ev *event.Event) bool { return !equal(l(ev), r(ev)) }, true
	case "<", "<=", ">", ">=":
		op := x.Operator
		return func(ev *event.Event) bool { return ordered(op, l(ev), r(ev)) }, true
	case "contains", "startsWith", "endsWith":
		test := stringTests[x.Operator]
		return func(ev *event.Event) bool {
			a, b := l(ev), r(ev)
			return a.Kind() == event.KindString && b.Kind() == event.KindString && test(a.Str(), b.Str())
		}, true
	}
	return nil, false
}

var stringTests = map[string]func(s, sub string) bool{
	"contains":   strings.Contains,
	"startsWith": strings.HasPrefix,
	"endsWith":   strings.HasSuffix,
}

// compileIn handles `x in ["a", "b"]` and `"tag" in tags`.
func compileIn(x *ast.BinaryNode) (boolFn, bool) {
	l, ok := compileValue(x.Left)
	if !ok {
		return nil, false
	}
	if p, isPath := fieldPath(x.Right); isPath && p == "tags" {
		return func(ev *event.Event) bool {
			v := l(ev)
			return v.Kind() == event.KindString && ev.HasTag(v.Str())
		}, true
	}
	arr, ok := x.Right.(*ast.ArrayNode)
	if !ok {
		return nil, false
	}
	list := make([]event.Value, 0, len(arr.Nodes))
	for _, n := range arr.Nodes {
		c, ok := literal(n)
		if !ok {
			return nil, false
		}
		list = append(list, c)
	}
	return func(ev *event.Event) bool {
		v := l(ev)
		for _, c := range list {
			if equal(v, c) {
				return true
			}
		}
		return false
	}, true
}

func compileMatches(x *ast.BinaryNode) (boolFn, bool) {
	l, ok := compileValue(x.Left)
	pat, isStr := x.Right.(*ast.StringNode)
	if !ok || !isStr {
		return nil, false
	}
	re, err := regexp.Compile(pat.Value)
	if err != nil {
		return nil, false // the VM reports the error at compile time
	}
	return func(ev *event.Event) bool {
		v := l(ev)
		return v.Kind() == event.KindString && re.MatchString(v.Str())
	}, true
}

func compileValue(n ast.Node) (valFn, bool) {
	if c, ok := literal(n); ok {
		return func(*event.Event) event.Value { return c }, true
	}
	p, ok := fieldPath(n)
	if !ok || p == "tags" {
		return nil, false
	}
	return func(ev *event.Event) event.Value {
		v, _ := ev.Get(p)
		return v
	}, true
}

func literal(n ast.Node) (event.Value, bool) {
	switch x := n.(type) {
	case *ast.StringNode:
		return event.String(x.Value), true
	case *ast.IntegerNode:
		return event.Int(int64(x.Value)), true
	case *ast.FloatNode:
		return event.Float(x.Value), true
	case *ast.BoolNode:
		return event.Bool(x.Value), true
	case *ast.NilNode:
		return event.Value{}, true
	case *ast.UnaryNode:
		if x.Operator != "-" {
			return event.Value{}, false
		}
		switch y := x.Node.(type) {
		case *ast.IntegerNode:
			return event.Int(-int64(y.Value)), true
		case *ast.FloatNode:
			return event.Float(-y.Value), true
		}
	}
	return event.Value{}, false
}

func numeric(v event.Value) bool { return v.Kind() == event.KindInt || v.Kind() == event.KindFloat }

// equal follows expr: numbers compare by value whatever their kind, other kinds must match.
func equal(a, b event.Value) bool {
	if numeric(a) && numeric(b) {
		if a.Kind() == event.KindInt && b.Kind() == event.KindInt {
			return a.Int() == b.Int()
		}
		return a.Float() == b.Float()
	}
	if a.Kind() == event.KindRaw || b.Kind() == event.KindRaw {
		return a.Kind() == b.Kind() && a.Str() == b.Str()
	}
	return a.Equal(b)
}

// ordered compares numbers, strings or times; anything else (nil included) is false.
func ordered(op string, a, b event.Value) bool {
	var c int
	switch {
	case numeric(a) && numeric(b):
		if a.Kind() == event.KindInt && b.Kind() == event.KindInt {
			c = cmp3(a.Int(), b.Int())
		} else {
			c = cmp3(a.Float(), b.Float())
		}
	case a.Kind() == event.KindString && b.Kind() == event.KindString:
		c = strings.Compare(a.Str(), b.Str())
	case a.Kind() == event.KindTime && b.Kind() == event.KindTime:
		c = cmp3(a.Int(), b.Int())
	default:
		return false
	}
	switch op {
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	}
	return c >= 0
}

func cmp3[T int64 | float64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
