// Package logstash reads Logstash's pipeline configuration language into a syntax tree, so that
// `sluice convert` can translate a pipeline from what it says rather than from a guess at its text.
// It follows Logstash's own grammar (treetop, logstash-core/lib/logstash/config/grammar.treetop):
// sections, plugins, attributes, values, and if/else if/else with their expressions.
package logstash

import "fmt"

// Pos is a place in the source, counted from 1, as error messages and reports print it.
type Pos struct {
	Line, Col int
}

func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// Config is one or more files read in order, as Logstash concatenates a conf.d directory.
type Config struct {
	Sections []*Section
}

// Section is one input, filter or output block.
type Section struct {
	Pos  Pos
	Kind string // input, filter or output
	Body []Stmt
}

// Stmt is a *Plugin or an *If.
type Stmt interface{ stmt() }

// Plugin is one plugin with its attributes, in the order written.
type Plugin struct {
	Pos   Pos
	Name  string
	Attrs []Attr
	// Src is the plugin's text as written, kept for the commented block of what is not translated.
	Src string
}

// Attr is one `name => value`.
type Attr struct {
	Pos   Pos
	Name  string
	Value Value
}

// Attr returns the first attribute called name, or nil.
func (p *Plugin) Attr(name string) *Attr {
	for i := range p.Attrs {
		if p.Attrs[i].Name == name {
			return &p.Attrs[i]
		}
	}
	return nil
}

// Branch is one condition and the statements it guards; Cond is nil for an else.
type Branch struct {
	Pos  Pos
	Cond Expr
	Body []Stmt
}

// If is if / else if / else: the branches in order, the last one possibly an else.
type If struct {
	Pos      Pos
	Branches []Branch
}

func (*Plugin) stmt() {}
func (*If) stmt()     {}

// Value is an attribute value: *String, *Number, *Bare, *Array, *Hash or *Plugin (a codec).
type Value interface{ pos() Pos }

// String is a quoted string. Its text is kept as written, backslashes included, as Logstash
// does by default (config.support_escapes: false): grok and regex patterns depend on it.
type String struct {
	P    Pos
	Text string
}

// Number is a numeric literal, kept as written.
type Number struct {
	P    Pos
	Text string
}

// Bare is an unquoted word: true, false, json, a field name.
type Bare struct {
	P    Pos
	Text string
}

// Array is `[a, b]`.
type Array struct {
	P     Pos
	Items []Value
}

// HashEntry is one `key => value` of a hash.
type HashEntry struct {
	Key   Value
	Value Value
}

// Hash is `{ "a" => "b" }`.
type Hash struct {
	P       Pos
	Entries []HashEntry
}

func (v *String) pos() Pos { return v.P }
func (v *Number) pos() Pos { return v.P }
func (v *Bare) pos() Pos   { return v.P }
func (v *Array) pos() Pos  { return v.P }
func (v *Hash) pos() Pos   { return v.P }
func (v *Plugin) pos() Pos { return v.Pos }

// PosOf returns where a value starts.
func PosOf(v Value) Pos { return v.pos() }

// Expr is a condition: *Binary, *Not, *Compare, or an operand (*Selector, *String, *Number,
// *Regex, *Array of operands).
type Expr interface{ expr() }

// Binary is `and`, `or`, `nand` or `xor`.
type Binary struct {
	Op   string
	L, R Expr
}

// Not is `!x`.
type Not struct{ X Expr }

// Compare is ==, !=, <, >, <=, >=, =~, !~, in or "not in".
type Compare struct {
	Op   string
	L, R Expr
}

// Selector is a field reference `[a][b]`: Path holds a, b.
type Selector struct {
	P    Pos
	Path []string
}

// Regex is a `/.../` literal; Text is what is between the slashes.
type Regex struct {
	P    Pos
	Text string
}

func (*Binary) expr()   {}
func (*Not) expr()      {}
func (*Compare) expr()  {}
func (*Selector) expr() {}
func (*Regex) expr()    {}
func (*String) expr()   {}
func (*Number) expr()   {}
func (*Array) expr()    {}
func (*Bare) expr()     {}
