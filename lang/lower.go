package lang

// This file lowers the participle parse tree to the exported AST, giving
// every node its span and binary operators their C precedence.

import (
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
)

// lowerer owns the state of one lowering: the scanner (for positions) and
// the errors found.
type lowerer struct {
	s    *scanner
	errs ErrorList
}

func (l *lowerer) span(toks []lexer.Token) Span {
	if len(toks) == 0 {
		return Span{}
	}
	first, last := toks[0].Pos.Offset, toks[len(toks)-1].Pos.Offset
	return l.s.span(first, l.s.ends[last])
}

func (l *lowerer) errorf(at Span, format string, args ...any) {
	l.errs.Add(Errorf(l.s.f, at, format, args...))
}

func (l *lowerer) file(g *gFile) *File {
	f := l.s.f
	f.At = l.s.span(0, len(f.Src))
	f.Includes = l.s.includes
	f.Defines = l.s.defines
	for _, it := range g.Items {
		switch it := it.(type) {
		case *gStruct:
			f.Structs = append(f.Structs, l.structDecl(it))
		case *gEnum:
			f.Enums = append(f.Enums, l.enumDecl(it))
		case *gMapDecl:
			f.MapDecls = append(f.MapDecls, l.mapDecl(it))
		case *gProbe:
			f.Probes = append(f.Probes, l.probe(it))
		case *gMacro:
			f.Macros = append(f.Macros, l.macro(it))
		case *gImport:
			im := &Import{Path: l.unquote(it.Path, l.span(it.Tokens))}
			im.At = l.span(it.Tokens)
			f.Imports = append(f.Imports, im)
		case *gConfig:
			for _, ci := range it.Items {
				c := &ConfigItem{Name: ci.Key, Value: ci.Value}
				c.At = l.span(ci.Tokens)
				f.Config = append(f.Config, c)
			}
		}
	}
	return f
}

func (l *lowerer) mapDecl(g *gMapDecl) *MapDecl {
	d := &MapDecl{Name: g.Name, Kind: g.Kind.Name, KindAt: l.span(g.Kind.Tokens)}
	for _, a := range g.Max {
		if a.Type != nil {
			d.Args = append(d.Args, l.typeExpr(a.Type))
		} else {
			d.Args = append(d.Args, l.expr(a.X))
		}
	}
	d.At = l.span(g.Tokens)
	return d
}

func (l *lowerer) structDecl(g *gStruct) *StructDecl {
	d := &StructDecl{Union: g.Kind == "union", Name: g.Name, Fields: l.fields(g.Body)}
	d.At = l.span(g.Tokens)
	for _, a := range g.Attrs {
		for _, sp := range a.Specs {
			l.structAttr(d, sp)
		}
	}
	return d
}

// structAttr applies a struct attribute: packed (no padding) or
// aligned(N), the two that change a layout.
func (l *lowerer) structAttr(d *StructDecl, sp *gAttrSpec) {
	at := l.span(sp.Tokens)
	switch name := strings.Trim(sp.Name, "_"); {
	case name == "packed" && len(sp.Args) == 0:
		d.Packed = true
	case name == "aligned" && len(sp.Args) == 1:
		n, ok := l.intValue(sp.Args[0], at)
		if ok && (n == 0 || n&(n-1) != 0 || n > 4096) {
			l.errorf(at, "aligned(%s): the alignment must be a power of 2", sp.Args[0])
		}
		d.Align = int(n)
	default:
		l.errs.Add(NewError(l.s.f, at, "unsupported struct attribute "+sp.Name, "gtrace lays out structs with packed and aligned(N)"))
	}
}

func (l *lowerer) fields(g *gFields) []*StructField {
	var out []*StructField
	for i, fg := range g.Fields {
		if !fg.Semi && i+1 < len(g.Fields) {
			l.missingSemi(g.Fields[i+1].Tokens, "the field")
		}
		for _, dg := range fg.Decls {
			t := l.cBase(fg.Base)
			t.Ptr = len(dg.Ptr)
			t.At = Join(l.span(fg.Base.Tokens), l.span(dg.Tokens))
			l.dims(t, dg.Dims, dg.Tokens)
			fd := &StructField{Name: dg.Name, Type: t}
			fd.At = t.At
			if dg.Bits != "" {
				n, _ := l.intValue(dg.Bits, l.span(dg.Tokens))
				if n == 0 || n > 64 {
					l.errorf(l.span(dg.Tokens), "invalid bit-field width %s", dg.Bits)
				}
				fd.Bits = int(n)
			}
			out = append(out, fd)
		}
	}
	return out
}

// cBase lowers a member's base type: "struct foo" (possibly declared in
// place), an enum, C integer words in canonical order, or a typedef name.
func (l *lowerer) cBase(g *gCBase) *TypeExpr {
	t := &TypeExpr{}
	switch {
	case g.Tag != "":
		t.Name = strings.TrimSpace(g.Tag + " " + g.Name)
		if g.Body != nil {
			t.Struct = &StructDecl{Union: g.Tag == "union", Name: g.Name, Fields: l.fields(g.Body)}
			t.Struct.At = l.span(g.Tokens)
		} else if g.Name == "" {
			l.errorf(l.span(g.Tokens), "expected a name or \"{\" after %q", g.Tag)
		}
	case g.IsEnum:
		t.Name = strings.TrimSpace("enum " + g.EnumName)
		if g.Enum != nil {
			t.Enum = l.enumValues(g.EnumName, g.Enum, g.Tokens)
		}
	case len(g.Words) > 0:
		t.Name = normalizeWords(g.Words)
	default:
		t.Name = g.Alias
	}
	return t
}

func (l *lowerer) enumDecl(g *gEnum) *EnumDecl {
	return l.enumValues(g.Name, g.Body, g.Tokens)
}

// enumValues numbers the enumerators as C does.
func (l *lowerer) enumValues(name string, g *gEnums, toks []lexer.Token) *EnumDecl {
	d := &EnumDecl{Name: name}
	d.At = l.span(toks)
	next := int64(0)
	for _, vg := range g.Values {
		v := &EnumValue{Name: vg.Name, Value: next}
		v.At = l.span(vg.Tokens)
		if vg.Value != "" {
			n, _ := l.intValue(vg.Value, v.At)
			v.Value = int64(n)
			if vg.Neg {
				v.Value = -v.Value
			}
		}
		next = v.Value + 1
		d.Values = append(d.Values, v)
	}
	return d
}

func (l *lowerer) dims(t *TypeExpr, dims []string, toks []lexer.Token) {
	for _, s := range dims {
		n, ok := l.intValue(s, l.span(toks))
		if ok && n == 0 || n > 1<<31 {
			l.errorf(l.span(toks), "invalid array size %s", s)
		}
		t.Dims = append(t.Dims, int(n))
	}
	if len(t.Dims) > 0 {
		t.Array = t.Dims[0]
	}
}

// normalizeWords puts C integer type words in one canonical spelling:
// "long unsigned int" and "unsigned long" both become "unsigned long".
func normalizeWords(words []string) string {
	n := map[string]int{}
	for _, w := range words {
		n[w]++
	}
	if n["float"]+n["double"]+n["void"]+n["bool"]+n["_Bool"] > 0 || len(n) == 1 && !cIntWord(words[0]) {
		if len(words) == 1 && words[0] == "_Bool" {
			return "bool"
		}
		return strings.Join(words, " ")
	}
	base := "int"
	switch {
	case n["char"] > 0:
		base = "char"
	case n["short"] > 0:
		base = "short"
	case n["long"] > 0:
		base = strings.TrimSpace(strings.Repeat("long ", n["long"]))
	}
	switch {
	case n["unsigned"] > 0:
		return "unsigned " + base
	case n["signed"] > 0 && base == "char":
		return "signed char"
	}
	return base
}

func cIntWord(w string) bool {
	switch w {
	case "unsigned", "signed", "char", "short", "int", "long":
		return true
	}
	return false
}

func (l *lowerer) probe(g *gProbe) *Probe {
	p := &Probe{}
	p.At = l.span(g.Tokens)
	for _, a := range g.Attach {
		p.Attach = append(p.Attach, l.attach(a))
	}
	if g.Pred != nil {
		p.Pred = l.expr(g.Pred)
	}
	p.Body = l.block(g.Body)
	return p
}

// ifExpr lowers "if c { a } else { b }" used as an expression to the
// ternary c ? { a } : { b }.
func (l *lowerer) ifExpr(g *gIfX) Expr {
	var elseIf Expr
	if g.ElseIf != nil {
		elseIf = l.ifExpr(g.ElseIf)
	}
	return l.ifTernary(g.Tokens, g.Cond, g.Then, elseIf, g.ElseBody)
}

// ifTernary is the ternary of an if/else chain: cond ? { then } : the
// lowered else-if, or else { elseBody }.
func (l *lowerer) ifTernary(tokens []lexer.Token, cond *gExpr, then *gBlock, elseIf Expr, elseBody *gBlock) Expr {
	t := &Ternary{Cond: l.expr(cond), Then: l.blockExpr(then), Else: elseIf}
	t.At = l.span(tokens)
	if elseIf == nil {
		t.Else = l.blockExpr(elseBody)
	}
	return t
}

// ifHasElse reports whether every branch of an if statement chain ends in
// an else block, so that the chain has a value.
func ifHasElse(g *gIf) bool {
	for g.ElseIf != nil {
		g = g.ElseIf
	}
	return g.ElseBody != nil
}

// ifValue lowers an if statement that ends a block expression as the
// ternary ifExpr makes of an if expression.
func (l *lowerer) ifValue(g *gIf) Expr {
	var elseIf Expr
	if g.ElseIf != nil {
		elseIf = l.ifValue(g.ElseIf)
	}
	return l.ifTernary(g.Tokens, g.Cond, g.Then, elseIf, g.ElseBody)
}

// blockExpr lowers a block used as an expression: "{ stmts; value }".
func (l *lowerer) blockExpr(g *gBlock) *BlockExpr {
	b, v := l.valueBlock(g)
	e := &BlockExpr{Stmts: b.Stmts, Value: v}
	e.At = b.At
	return e
}

// valueBlock lowers a block whose last statement, when it is an expression
// without a trailing ';', is the block's value.
func (l *lowerer) valueBlock(g *gBlock) (*Block, Expr) {
	b := l.block(g)
	n := len(g.Stmts)
	if n == 0 || len(b.Stmts) == 0 {
		return b, nil
	}
	last := g.Stmts[n-1]
	if !last.Semi && last.If != nil && ifHasElse(last.If) {
		// A block ending in "if c { a } else { b }" has that if's value
		// (bpftrace 0.26): "{ if $x { 1 } else { 2 } }".
		b.Stmts = b.Stmts[:len(b.Stmts)-1]
		return b, l.ifValue(last.If)
	}
	if last.Semi || last.Simple == nil || last.Simple.Assign == nil || last.Simple.Assign.Op != "" {
		return b, nil
	}
	es, ok := b.Stmts[len(b.Stmts)-1].(*ExprStmt)
	if !ok {
		return b, nil
	}
	b.Stmts = b.Stmts[:len(b.Stmts)-1]
	return b, es.X
}

// macro lowers a macro definition.
func (l *lowerer) macro(g *gMacro) *MacroDecl {
	m := &MacroDecl{Name: g.Name.Name, NameAt: l.span(g.Name.Tokens)}
	m.At = l.span(g.Tokens)
	seen := map[string]bool{}
	for _, pg := range g.Params {
		p := &MacroParam{Name: pg.Name}
		p.At = l.span(pg.Tokens)
		switch pg.Name[0] {
		case '$':
			p.Kind = VarParam
		case '@':
			p.Kind = MapParam
		}
		if seen[p.Name] {
			l.errorf(p.At, "macro %s has two parameters named %s", m.Name, p.Name)
		}
		seen[p.Name] = true
		m.Params = append(m.Params, p)
	}
	m.Body, m.Value = l.valueBlock(g.Body)
	return m
}

func (l *lowerer) block(g *gBlock) *Block {
	b := &Block{}
	b.At = l.span(g.Tokens)
	for i, sg := range g.Stmts {
		if sg.Simple != nil && !sg.Semi && i+1 < len(g.Stmts) {
			l.missingSemi(g.Stmts[i+1].Tokens, "statement")
		}
		if st := l.stmt(sg); st != nil {
			b.Stmts = append(b.Stmts, st)
		}
	}
	return b
}

// missingSemi reports a statement or field that runs into the next one.
func (l *lowerer) missingSemi(next []lexer.Token, what string) {
	l.errorf(l.span(next[:1]), "unexpected %s, expected \";\" or \"}\" after %s", describe(next[0]), what)
}

func (l *lowerer) stmt(g *gStmt) Stmt {
	switch {
	case g.If != nil:
		return l.ifStmt(g.If)
	case g.Unroll != nil:
		u := &UnrollStmt{Count: l.expr(g.Unroll.Count), Body: l.block(g.Unroll.Body)}
		u.At = l.span(g.Unroll.Tokens)
		return u
	case g.While != nil:
		w := &WhileStmt{Cond: l.expr(g.While.Cond), Body: l.block(g.While.Body)}
		w.At = l.span(g.While.Tokens)
		return w
	case g.For != nil:
		return l.forStmt(g.For)
	case g.Block != nil:
		return l.block(g.Block)
	case g.Simple != nil:
		return l.simple(g.Simple)
	}
	return nil
}

func (l *lowerer) ifStmt(g *gIf) *IfStmt {
	s := &IfStmt{Cond: l.expr(g.Cond), Then: l.block(g.Then)}
	s.At = l.span(g.Tokens)
	switch {
	case g.ElseIf != nil:
		s.Else = l.ifStmt(g.ElseIf)
	case g.ElseBody != nil:
		s.Else = l.block(g.ElseBody)
	}
	return s
}

func (l *lowerer) forStmt(g *gFor) *ForStmt {
	s := &ForStmt{Var: l.varTok(g.Var), Body: l.block(g.Body)}
	s.At = l.span(g.Tokens)
	if g.Open != g.Close {
		// "for ($kv : @m)" and "for $kv : @m" (bpftrace 0.26) both parse.
		l.errorf(s.At, "unbalanced parentheses around the head of a for loop")
	}
	lo := l.expr(g.Lo)
	if g.Hi != nil {
		s.Lo, s.Hi = lo, l.expr(g.Hi)
		return s
	}
	m, ok := lo.(*MapExpr)
	if !ok || len(m.Keys) > 0 {
		l.errorf(lo.Span(), "expected a map or a range \"lo..hi\" after \":\" in for loop")
	}
	s.Map = m
	return s
}

func (l *lowerer) varTok(g *gToken) *Var {
	v := &Var{Name: g.Value}
	v.At = l.span(g.Tokens)
	return v
}

var jumpKinds = map[string]JumpKind{"break": Break, "continue": Continue, "return": Return}

func (l *lowerer) simple(g *gSimple) Stmt {
	switch {
	case g.Let != nil:
		d := &VarDecl{Var: l.varTok(g.Let.Var)}
		d.At = l.span(g.Let.Tokens)
		if g.Let.Type != nil {
			d.Type = l.typeExpr(g.Let.Type)
		} else if g.Let.TypeOf != nil {
			d.TypeOf = l.expr(g.Let.TypeOf)
		} else if g.Let.Alias != nil {
			d.Type = l.aliasType(g.Let.Alias)
		}
		if g.Let.Value != nil {
			d.Value = l.expr(g.Let.Value)
		}
		return d
	case g.Jump != nil:
		j := &JumpStmt{Kind: jumpKinds[g.Jump.Kind]}
		j.At = l.span(g.Tokens)
		if g.Jump.Value != nil {
			j.Value = l.expr(g.Jump.Value)
			if j.Kind != Return {
				l.errorf(j.Value.Span(), "%s takes no value: only return does", g.Jump.Kind)
			}
		}
		return j
	}
	e := g.Assign
	x := l.expr(e.X)
	if e.Op == "" {
		s := &ExprStmt{X: x}
		s.At = l.span(e.Tokens)
		return s
	}
	a := &AssignStmt{Target: x, Op: e.Op, Value: l.expr(e.Value)}
	a.At = l.span(e.Tokens)
	return a
}

func (l *lowerer) expr(g *gExpr) Expr {
	c := l.binary(g.Cond)
	if !g.Elvis {
		return c
	}
	// "x ?: y" is "x ? x : y" (bpftrace 0.24+); x is computed twice.
	then := c
	if g.Then != nil {
		then = l.expr(g.Then)
	}
	t := &Ternary{Cond: c, Then: then, Else: l.expr(g.Else)}
	t.At = l.span(g.Tokens)
	return t
}

// precedence gives C's binding strength of each binary operator.
var precedence = map[string]int{
	"||": 1, "&&": 2, "|": 3, "^": 4, "&": 5,
	"==": 6, "!=": 6, "<": 7, "<=": 7, ">": 7, ">=": 7,
	"<<": 8, ">>": 8, "+": 9, "-": 9, "*": 10, "/": 10, "%": 10,
}

// binary applies precedence to "x op y op z ..." with an operator stack;
// operators of equal precedence associate to the left.
func (l *lowerer) binary(g *gBinary) Expr {
	out := []Expr{l.unary(g.X)}
	var ops []string
	reduce := func() {
		x, y := out[len(out)-2], out[len(out)-1]
		b := &Binary{Op: ops[len(ops)-1], X: x, Y: y}
		b.At = Join(x.Span(), y.Span())
		out = append(out[:len(out)-2], b)
		ops = ops[:len(ops)-1]
	}
	for _, r := range g.Rest {
		for len(ops) > 0 && precedence[ops[len(ops)-1]] >= precedence[r.Op] {
			reduce()
		}
		ops = append(ops, r.Op)
		out = append(out, l.unary(r.Y))
	}
	for len(ops) > 0 {
		reduce()
	}
	return out[0]
}

func (l *lowerer) unary(g *gUnary) Expr {
	switch {
	case g.Cast != nil:
		c := &Cast{X: l.unary(g.Cast.X)}
		c.At = l.span(g.Tokens)
		if g.Cast.Type != nil {
			c.Type = l.typeExpr(g.Cast.Type)
		} else {
			c.Type = l.aliasType(g.Cast.Alias)
		}
		return c
	case g.Post != nil:
		return l.postfix(g.Post)
	case g.Op == "++" || g.Op == "--":
		e := &IncDec{Op: g.Op, X: l.unary(g.X)}
		e.At = l.span(g.Tokens)
		return e
	}
	u := &Unary{Op: g.Op, X: l.unary(g.X)}
	u.At = l.span(g.Tokens)
	return u
}

// typeExpr lowers a written type. participle appends the captured '*'
// tokens to the name (or to the word list), so they are counted here.
func (l *lowerer) typeExpr(g *gType) *TypeExpr {
	t := &TypeExpr{}
	t.At = l.span(g.Tokens)
	switch {
	case g.Tag != "":
		name := strings.TrimRight(g.Name, "*")
		t.Name, t.Ptr = g.Tag+" "+name, len(g.Name)-len(name)
	case len(g.Words) > 0:
		words := g.Words
		for len(words) > 0 && words[len(words)-1] == "*" {
			words = words[:len(words)-1]
			t.Ptr++
		}
		t.Name = normalizeWords(words)
	default:
		name := strings.TrimRight(g.Alias, "*")
		t.Name, t.Ptr = name, len(g.Alias)-len(name)
	}
	l.dims(t, g.Dims, g.Tokens)
	if g.Auto {
		if len(t.Dims) > 0 {
			l.errorf(l.span(g.Tokens), "only the first dimension of an array type can be left out")
		}
		t.Dims, t.Array = []int{AutoDim}, AutoDim
	}
	return t
}

func (l *lowerer) aliasType(g *gAlias) *TypeExpr {
	t := &TypeExpr{Name: g.Name}
	t.At = l.span(g.Tokens)
	return t
}

func (l *lowerer) postfix(g *gPostfix) Expr {
	x := l.primary(g.X)
	for _, op := range g.Ops {
		at := Join(x.Span(), l.span(op.Tokens))
		x = l.postOp(x, op, at)
	}
	return x
}

func (l *lowerer) postOp(x Expr, g *gPost, at Span) Expr {
	switch {
	case g.Index != "":
		n, _ := l.intValue(g.Index, l.span(g.Tokens))
		if n > 1<<31 {
			l.errorf(l.span(g.Tokens), "tuple index %s is too large", g.Index)
		}
		e := &TupleIndex{X: x, Index: int(n)}
		e.At = at
		return e
	case g.Field != "" || g.Arrow != "":
		e := &Field{X: x, Name: g.Field + g.Arrow, Arrow: g.Arrow != ""}
		e.At = at
		return e
	case g.Sub != nil:
		e := &Index{X: x, Index: l.expr(g.Sub)}
		e.At = at
		return e
	}
	e := &IncDec{Op: g.IncDec, Post: true, X: x}
	e.At = at
	return e
}

func (l *lowerer) primary(g *gPrimary) Expr {
	at := l.span(g.Tokens)
	switch {
	case g.Int != "":
		n, _ := l.intValue(g.Int, at)
		e := &IntLit{Value: n, Text: g.Int}
		e.At = at
		return e
	case g.Char != "":
		return l.charLit(g.Char, at)
	case g.Str != "":
		e := &StrLit{Value: l.unquote(g.Str, at)}
		e.At = at
		return e
	case g.Bool != "":
		e := &BoolLit{Value: g.Bool == "true"}
		e.At = at
		return e
	case g.Map != nil:
		return l.mapExpr(g.Map)
	case g.Var != "":
		e := &Var{Name: g.Var}
		e.At = at
		return e
	case g.Pos != "":
		return l.positional(g.Pos, at)
	case g.Call != nil:
		return l.call(g.Call)
	case g.Ident != "":
		e := &Ident{Name: builtinName(g.Ident), Builtin: builtinName(g.Ident) != g.Ident}
		e.At = at
		return e
	case g.Block != nil:
		return l.blockExpr(g.Block)
	case g.If != nil:
		return l.ifExpr(g.If)
	}
	return l.paren(g.Paren, at)
}

func (l *lowerer) positional(text string, at Span) Expr {
	e := &Positional{}
	e.At = at
	if text == "$#" {
		e.Count = true
		return e
	}
	n, err := strconv.Atoi(text[1:])
	if err != nil || n == 0 {
		l.errorf(at, "invalid positional parameter %s", text)
	}
	e.N = n
	return e
}

func (l *lowerer) mapExpr(g *gMap) *MapExpr {
	m := &MapExpr{Name: g.Name}
	m.At = l.span(g.Tokens)
	for _, k := range g.Keys {
		m.Keys = append(m.Keys, l.expr(k))
	}
	return m
}

// callableBuiltins are the builtin variables that bpftrace 0.24+ also
// accepts written as calls without arguments ("comm()", "pid()") and with
// a "__builtin_" prefix ("__builtin_comm").
var callableBuiltins = map[string]bool{
	"pid": true, "tid": true, "uid": true, "gid": true, "nsecs": true, "elapsed": true,
	"cpu": true, "numaid": true, "cgroup": true, "rand": true, "jiffies": true, "cpid": true,
	"comm": true, "username": true, "curtask": true, "func": true, "retval": true,
	"probe": true, "ncpus": true, "usermode": true, "probetype": true,
}

// builtinName strips the "__builtin_" prefix of a builtin variable.
func builtinName(name string) string {
	if b, ok := strings.CutPrefix(name, "__builtin_"); ok && callableBuiltins[b] {
		return b
	}
	return name
}

func (l *lowerer) call(g *gCall) Expr {
	if name := builtinName(g.Name.Name); len(g.Args) == 0 && callableBuiltins[name] {
		// "comm()" is the builtin comm.
		e := &Ident{Name: name, Call: true, Builtin: name != g.Name.Name}
		e.At = l.span(g.Tokens)
		return e
	}
	c := &Call{Name: g.Name.Name, NameAt: l.span(g.Name.Tokens)}
	c.At = l.span(g.Tokens)
	for _, a := range g.Args {
		if a.Type != nil {
			c.Args = append(c.Args, l.typeExpr(a.Type))
		} else {
			c.Args = append(c.Args, l.expr(a.X))
		}
	}
	return c
}

func (l *lowerer) paren(g *gParen, at Span) Expr {
	named := 0
	for _, e := range g.Elems {
		if e.Name != nil {
			named++
		}
	}
	if len(g.Elems) == 1 && named == 0 {
		return l.expr(g.Elems[0].X)
	}
	t := &Tuple{}
	t.At = at
	for _, e := range g.Elems {
		t.Elems = append(t.Elems, l.expr(e.X))
		if named == 0 {
			continue
		}
		if e.Name == nil {
			l.errorf(l.span(e.Tokens), "a record field needs a name: write name=value")
			continue
		}
		t.Names = append(t.Names, e.Name.Name)
		t.NameAt = append(t.NameAt, l.span(e.Name.Tokens))
	}
	return t
}
