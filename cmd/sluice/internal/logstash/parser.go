package logstash

import "strings"

// Parse reads one file of Logstash configuration. file names the source in errors.
func Parse(file, src string) (*Config, error) {
	p := &parser{lx: lexer{src: src, file: file, line: 1, col: 1}}
	if err := p.read(); err != nil {
		return nil, err
	}
	cfg := &Config{}
	for p.tok.kind != tEOF {
		s, err := p.section()
		if err != nil {
			return nil, err
		}
		cfg.Sections = append(cfg.Sections, s)
	}
	return cfg, nil
}

// maxDepth bounds nesting (conditions, arrays, hashes) so that hostile input cannot exhaust
// the stack of the recursive descent.
const maxDepth = 100

type parser struct {
	lx    lexer
	tok   token
	depth int
}

func (p *parser) read() error {
	t, err := p.lx.next()
	p.tok = t
	return err
}

func (p *parser) enter() error {
	p.depth++
	if p.depth > maxDepth {
		return p.lx.errorf(p.tok.pos, "nested more than %d levels deep", maxDepth)
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

func (p *parser) expect(k kind, what string) (token, error) {
	t := p.tok
	if t.kind != k {
		return t, p.unexpected(what)
	}
	return t, p.read()
}

func (p *parser) unexpected(want string) error {
	got := p.tok.text
	if p.tok.kind == tEOF {
		got = "end of file"
	} else {
		got = "\"" + got + "\""
	}
	return p.lx.errorf(p.tok.pos, "expected %s, found %s", want, got)
}

func (p *parser) section() (*Section, error) {
	t := p.tok
	if t.kind != tBare || (t.text != "input" && t.text != "filter" && t.text != "output") {
		return nil, p.unexpected("input, filter or output")
	}
	if err := p.read(); err != nil {
		return nil, err
	}
	body, err := p.block()
	if err != nil {
		return nil, err
	}
	return &Section{Pos: t.pos, Kind: t.text, Body: body}, nil
}

// block reads `{ (plugin | if)* }`.
func (p *parser) block() ([]Stmt, error) {
	if _, err := p.expect(tLBrace, "\"{\""); err != nil {
		return nil, err
	}
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	var body []Stmt
	for p.tok.kind != tRBrace {
		if p.tok.kind != tBare {
			return nil, p.unexpected("a plugin name, if or \"}\"")
		}
		var s Stmt
		var err error
		if p.tok.text == "if" {
			s, err = p.ifStmt()
		} else {
			s, err = p.plugin()
		}
		if err != nil {
			return nil, err
		}
		body = append(body, s)
	}
	return body, p.read()
}

func (p *parser) plugin() (*Plugin, error) {
	name := p.tok
	if err := p.read(); err != nil {
		return nil, err
	}
	if p.tok.kind != tLBrace {
		return nil, p.unexpected("\"{\" after plugin name " + name.text)
	}
	return p.pluginBody(name)
}

func (p *parser) attr() (Attr, error) {
	t := p.tok
	if t.kind != tBare && t.kind != tString {
		return Attr{}, p.unexpected("an attribute name or \"}\"")
	}
	if err := p.read(); err != nil {
		return Attr{}, err
	}
	if _, err := p.expect(tArrow, "\"=>\" after "+t.text); err != nil {
		return Attr{}, err
	}
	v, err := p.value()
	return Attr{Pos: t.pos, Name: unquote(t), Value: v}, err
}

// value reads a string, number, bareword, array, hash, or a plugin (`codec => json { ... }`).
func (p *parser) value() (Value, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	t := p.tok
	if v, ok := scalar(t); ok {
		return v, p.read()
	}
	switch t.kind {
	case tBare:
		if err := p.read(); err != nil {
			return nil, err
		}
		if p.tok.kind == tLBrace {
			return p.pluginBody(t)
		}
		return &Bare{P: t.pos, Text: t.text}, nil
	case tLBracket:
		return p.array(p.value)
	case tSelector:
		// `[word]` in a value is an array of one bareword.
		return &Array{P: t.pos, Items: []Value{&Bare{P: t.pos, Text: t.text[1 : len(t.text)-1]}}}, p.read()
	case tLBrace:
		return p.hash()
	}
	return nil, p.unexpected("a value")
}

// pluginBody reads `{ attr* }` of a plugin, or of a plugin used as a value (a codec); name is
// already read.
func (p *parser) pluginBody(name token) (*Plugin, error) {
	if err := p.read(); err != nil {
		return nil, err
	}
	pl := &Plugin{Pos: name.pos, Name: name.text}
	for p.tok.kind != tRBrace {
		a, err := p.attr()
		if err != nil {
			return nil, err
		}
		pl.Attrs = append(pl.Attrs, a)
	}
	pl.Src = p.lx.src[name.off:p.tok.end]
	return pl, p.read()
}

// array reads `[ item (, item)* ]` with item read by elem; a trailing comma is refused, as
// Logstash refuses it.
func (p *parser) array(elem func() (Value, error)) (*Array, error) {
	a := &Array{P: p.tok.pos}
	if err := p.read(); err != nil {
		return nil, err
	}
	for p.tok.kind != tRBracket {
		if len(a.Items) > 0 {
			if _, err := p.expect(tComma, "\",\" or \"]\""); err != nil {
				return nil, err
			}
		}
		v, err := elem()
		if err != nil {
			return nil, err
		}
		a.Items = append(a.Items, v)
	}
	return a, p.read()
}

// hash reads `{ key => value ... }`; keys are strings, numbers or barewords. Commas between
// entries are accepted, as many published pipelines have them.
func (p *parser) hash() (*Hash, error) {
	h := &Hash{P: p.tok.pos}
	if err := p.read(); err != nil {
		return nil, err
	}
	for p.tok.kind != tRBrace {
		if p.tok.kind == tComma && len(h.Entries) > 0 {
			if err := p.read(); err != nil {
				return nil, err
			}
			continue
		}
		k := p.tok
		var key Value
		switch k.kind {
		case tString:
			key = &String{P: k.pos, Text: unquote(k)}
		case tNumber:
			key = &Number{P: k.pos, Text: k.text}
		case tBare:
			key = &Bare{P: k.pos, Text: k.text}
		default:
			return nil, p.unexpected("a hash key or \"}\"")
		}
		if err := p.read(); err != nil {
			return nil, err
		}
		if _, err := p.expect(tArrow, "\"=>\" after hash key"); err != nil {
			return nil, err
		}
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		h.Entries = append(h.Entries, HashEntry{Key: key, Value: v})
	}
	return h, p.read()
}

// unquote returns a string token's text without its quotes; an escaped quote of the same kind
// loses its backslash, every other escape is kept as written (Logstash's default).
func unquote(t token) string {
	if t.kind != tString {
		return t.text
	}
	q := t.text[:1]
	return strings.ReplaceAll(t.text[1:len(t.text)-1], `\`+q, q)
}

// literal is a node that is both a plugin value and a condition operand.
type literal interface {
	Value
	Expr
}

// scalar returns the string or number literal t is, which values and condition operands share.
func scalar(t token) (literal, bool) {
	switch t.kind {
	case tString:
		return &String{P: t.pos, Text: unquote(t)}, true
	case tNumber:
		return &Number{P: t.pos, Text: t.text}, true
	}
	return nil, false
}
