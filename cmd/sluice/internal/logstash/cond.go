package logstash

// ifStmt reads `if cond { } (else if cond { })* (else { })?`; the current token is "if".
func (p *parser) ifStmt() (*If, error) {
	st := &If{Pos: p.tok.pos}
	for {
		b := Branch{Pos: p.tok.pos}
		if err := p.read(); err != nil { // "if"
			return nil, err
		}
		c, err := p.condition()
		if err != nil {
			return nil, err
		}
		b.Cond = c
		if b.Body, err = p.block(); err != nil {
			return nil, err
		}
		st.Branches = append(st.Branches, b)
		if p.tok.kind != tBare || p.tok.text != "else" {
			return st, nil
		}
		elsePos := p.tok.pos
		if err := p.read(); err != nil {
			return nil, err
		}
		if p.tok.kind == tBare && p.tok.text == "if" {
			continue
		}
		body, err := p.block()
		if err != nil {
			return nil, err
		}
		st.Branches = append(st.Branches, Branch{Pos: elsePos, Body: body})
		return st, nil
	}
}

// condition reads boolean operators: and and nand bind tighter than or and xor.
func (p *parser) condition() (Expr, error) {
	return p.binary([]string{"or", "xor"}, func() (Expr, error) {
		return p.binary([]string{"and", "nand"}, p.unary)
	})
}

func (p *parser) binary(ops []string, operand func() (Expr, error)) (Expr, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	l, err := operand()
	if err != nil {
		return nil, err
	}
	for p.tok.kind == tBare && contains(ops, p.tok.text) {
		op := p.tok.text
		if err := p.read(); err != nil {
			return nil, err
		}
		r, err := operand()
		if err != nil {
			return nil, err
		}
		l = &Binary{Op: op, L: l, R: r}
	}
	return l, nil
}

func (p *parser) unary() (Expr, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	switch {
	case p.tok.kind == tOp && p.tok.text == "!":
		if err := p.read(); err != nil {
			return nil, err
		}
		x, err := p.unary()
		return &Not{X: x}, err
	case p.tok.kind == tLParen:
		if err := p.read(); err != nil {
			return nil, err
		}
		x, err := p.condition()
		if err != nil {
			return nil, err
		}
		_, err = p.expect(tRParen, "\")\"")
		return x, err
	}
	return p.comparison()
}

func (p *parser) comparison() (Expr, error) {
	l, err := p.rvalue()
	if err != nil {
		return nil, err
	}
	op := ""
	switch {
	case p.tok.kind == tOp && p.tok.text != "!":
		op = p.tok.text
	case p.tok.kind == tBare && p.tok.text == "in":
		op = "in"
	case p.tok.kind == tBare && p.tok.text == "not":
		if err := p.read(); err != nil {
			return nil, err
		}
		if p.tok.kind != tBare || p.tok.text != "in" {
			return nil, p.unexpected("\"in\" after \"not\"")
		}
		op = "not in"
	default:
		return l, nil
	}
	if err := p.read(); err != nil {
		return nil, err
	}
	var r Expr
	if op == "=~" || op == "!~" {
		r, err = p.regexOperand()
	} else {
		r, err = p.rvalue()
	}
	return &Compare{Op: op, L: l, R: r}, err
}

// regexOperand reads the right side of =~ and !~: a /regex/ or a string.
func (p *parser) regexOperand() (Expr, error) {
	t := p.tok
	switch t.kind {
	case tRegex:
		return &Regex{P: t.pos, Text: t.text[1 : len(t.text)-1]}, p.read()
	case tString:
		return &String{P: t.pos, Text: unquote(t)}, p.read()
	}
	return nil, p.unexpected("a /regular expression/ or a string")
}

// rvalue reads an operand: a string, number, field reference or array.
func (p *parser) rvalue() (Expr, error) {
	t := p.tok
	if v, ok := scalar(t); ok {
		return v, p.read()
	}
	switch t.kind {
	case tSelector:
		return p.selector()
	case tLBracket:
		return p.array(func() (Value, error) {
			x, err := p.rvalue()
			if err != nil {
				return nil, err
			}
			v, ok := x.(Value)
			if !ok {
				return nil, p.lx.errorf(t.pos, "a field reference cannot be an array element")
			}
			return v, nil
		})
	}
	return nil, p.unexpected("a string, number, [field] or array")
}

// selector joins adjacent [a][b] elements into one path.
func (p *parser) selector() (Expr, error) {
	s := &Selector{P: p.tok.pos}
	for {
		s.Path = append(s.Path, p.tok.text[1:len(p.tok.text)-1])
		if err := p.read(); err != nil {
			return nil, err
		}
		if p.tok.kind != tSelector || !p.tok.glued {
			return s, nil
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
