// Package condition compiles the `if:` expressions of processors once, at load, and evaluates
// them per event. The language is expr (github.com/expr-lang/expr) read the way a Logstash user
// reads a conditional: dotted names are event fields (`log.level == "error" &&
// kubernetes.namespace == "inference"`), `tags` is the event's tag list, and `field("@timestamp")`
// reaches names that are not identifiers. A missing field is nil, never an error. Logstash's own
// syntax is accepted too: [log][level] field references, =~ and !~ with /regexp/ literals.
//
// The common forms (comparisons of fields with literals, &&, ||, !, in, contains, startsWith,
// endsWith, matches with a literal pattern) are compiled into a small tree that reads event values
// directly and allocates nothing per event. Anything else runs on expr's VM with the same meaning,
// at the cost of boxing the values it reads.
package condition

import (
	"fmt"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// Condition is a compiled expression. The zero of *Condition (nil) matches every event, so
// processors without `if:` pay nothing. It is safe for concurrent use.
type Condition struct {
	src  string
	fast boolFn
	prog *vm.Program
}

type boolFn func(ev *event.Event) bool

// Compile parses and type-checks src. An empty src gives a nil Condition that matches everything.
func Compile(src string) (*Condition, error) {
	if src == "" {
		return nil, nil
	}
	tree, err := parser.Parse(translate(src))
	if err != nil {
		return nil, fmt.Errorf("condition %q: %w", src, err)
	}
	if err := checkBool(tree.Node); err != nil {
		return nil, fmt.Errorf("condition %q: %w", src, err)
	}
	c := &Condition{src: src}
	if fn, ok := compileBool(tree.Node); ok {
		c.fast = fn
		return c, nil
	}
	if c.prog, err = compileVM(tree); err != nil {
		if typ, ok := strings.CutPrefix(err.Error(), "expected bool, but got "); ok {
			return nil, fmt.Errorf("condition %q: gives %s, not true or false: compare it (lower(message) contains \"cuda\")", src, typ)
		}
		return nil, fmt.Errorf("condition %q: %w", src, err)
	}
	return c, nil
}

// compileVM compiles the expression for expr's VM, field references rewritten to env calls.
func compileVM(tree *parser.Tree) (*vm.Program, error) {
	root := tree.Node
	rewrite(&root)
	// AsBool makes the checker refuse an expression whose type is known and not boolean
	// ("1 + 1", lower(message)); a field's type is only known per event.
	return expr.Compile(root.String(), expr.Env(&env{}), expr.AsBool())
}

// notBoolean are fields every event has, whose values are never true or false, with a
// condition that uses them as an example.
var notBoolean = map[string][2]string{
	"message":    {"text", `message contains "CUDA error"`},
	"@timestamp": {"a time", `field("@timestamp") != nil`},
	"tags":       {"a list", `"_grok_failure" in tags`},
}

// checkBool refuses the conditions the type checker lets through: a constant that is not true
// or false, or a field that is never boolean, where a condition is wanted ("message" meaning
// "message contains ..."). Other fields may hold booleans ("error.retryable") and are left to
// run time.
func checkBool(n ast.Node) error {
	switch x := n.(type) {
	case *ast.UnaryNode:
		if x.Operator == "!" || x.Operator == "not" {
			return checkBool(x.Node)
		}
	case *ast.BinaryNode:
		switch x.Operator {
		case "&&", "and", "||", "or":
			if err := checkBool(x.Left); err != nil {
				return err
			}
			return checkBool(x.Right)
		}
		return nil
	case *ast.BoolNode:
		return nil
	case *ast.ConditionalNode:
		if err := checkBool(x.Exp1); err != nil {
			return err
		}
		return checkBool(x.Exp2)
	}
	if _, ok := literal(n); ok {
		return fmt.Errorf("%s is a constant, not true or false: compare a field with it (log.level == %s)", n, n)
	}
	if p, ok := fieldPath(n); ok {
		if hint, known := notBoolean[p]; known {
			return fmt.Errorf("%s is %s, not true or false: test it (%s)", p, hint[0], hint[1])
		}
	}
	return nil
}

// String returns the source expression.
func (c *Condition) String() string {
	if c == nil {
		return ""
	}
	return c.src
}

// Fast reports whether the condition runs on the allocation-free evaluator.
func (c *Condition) Fast() bool { return c == nil || c.fast != nil }

// Match evaluates the condition on ev. An expression that fails at run time (comparing a string
// with a number, say) does not match.
func (c *Condition) Match(ev *event.Event) bool {
	if c == nil {
		return true
	}
	if c.fast != nil {
		return c.fast(ev)
	}
	out, err := expr.Run(c.prog, &env{ev: ev})
	if err != nil {
		return false
	}
	b, _ := out.(bool)
	return b
}

// env is what the VM fallback sees: every field reference is rewritten to F("dotted.name") and
// `tags` to T().
type env struct{ ev *event.Event }

// F returns a field as a plain Go value, or nil when it is missing.
func (e *env) F(name string) any {
	v, ok := e.ev.Get(name)
	if !ok {
		return nil
	}
	return v.Any()
}

// T returns the event's tags.
func (e *env) T() []string { return e.ev.Tags() }

// fieldPath returns the dotted field name n refers to: an identifier, a chain of member accesses
// with constant names, or field("name").
func fieldPath(n ast.Node) (string, bool) {
	switch n := n.(type) {
	case *ast.IdentifierNode:
		return n.Value, true
	case *ast.MemberNode:
		prop, ok := n.Property.(*ast.StringNode)
		if !ok {
			return "", false
		}
		base, ok := fieldPath(n.Node)
		if !ok || base == "tags" {
			return "", false
		}
		return base + "." + prop.Value, true
	case *ast.ChainNode:
		return fieldPath(n.Node)
	case *ast.CallNode:
		id, ok := n.Callee.(*ast.IdentifierNode)
		if !ok || id.Value != "field" || len(n.Arguments) != 1 {
			return "", false
		}
		s, ok := n.Arguments[0].(*ast.StringNode)
		if !ok {
			return "", false
		}
		return s.Value, true
	}
	return "", false
}

// rewrite turns field references into env calls, top-down, so that a member chain is replaced as
// a whole before its parts are seen.
func rewrite(n *ast.Node) {
	if p, ok := fieldPath(*n); ok {
		callee := "F"
		var args []ast.Node
		if p == "tags" {
			callee = "T"
		} else {
			args = []ast.Node{&ast.StringNode{Value: p}}
		}
		*n = &ast.CallNode{Callee: &ast.IdentifierNode{Value: callee}, Arguments: args}
		return
	}
	switch x := (*n).(type) {
	case *ast.UnaryNode:
		rewrite(&x.Node)
	case *ast.BinaryNode:
		rewrite(&x.Left)
		rewrite(&x.Right)
	case *ast.ChainNode:
		rewrite(&x.Node)
	case *ast.MemberNode:
		rewrite(&x.Node)
		if _, ok := x.Property.(*ast.StringNode); !ok {
			rewrite(&x.Property)
		}
	case *ast.SliceNode:
		rewrite(&x.Node)
		rewriteOpt(&x.From)
		rewriteOpt(&x.To)
	case *ast.CallNode:
		rewriteAll(x.Arguments)
	case *ast.BuiltinNode:
		rewriteAll(x.Arguments)
	case *ast.PredicateNode:
		rewrite(&x.Node)
	case *ast.ConditionalNode:
		rewrite(&x.Cond)
		rewrite(&x.Exp1)
		rewrite(&x.Exp2)
	case *ast.ArrayNode:
		rewriteAll(x.Nodes)
	case *ast.MapNode:
		rewriteAll(x.Pairs)
	case *ast.PairNode:
		rewrite(&x.Value)
	case *ast.SequenceNode:
		rewriteAll(x.Nodes)
	}
}

func rewriteOpt(n *ast.Node) {
	if *n != nil {
		rewrite(n)
	}
}

func rewriteAll(ns []ast.Node) {
	for i := range ns {
		rewrite(&ns[i])
	}
}

// MustCompile is Compile for tests and constants; it panics on error.
func MustCompile(src string) *Condition {
	c, err := Compile(src)
	if err != nil {
		panic(err)
	}
	return c
}
