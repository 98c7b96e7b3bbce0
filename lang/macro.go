package lang

// This file implements macro expansion, the stage between lowering and the
// checker: every use of a macro ("name(args)", or a bare "name" for a macro
// without parameters) in a probe is replaced by a copy of the macro's body.
//
// The copy is hygienic: variables the body creates are renamed so that
// they never meet the caller's; "$x" and "@x" parameters stand for the
// caller's variable or map (which the body may change); a plain "x"
// parameter stands for the argument expression, copied (and so evaluated)
// at each use. Copied nodes keep the spans of the macro body, and
// File.Expansions says which use each came from, so errors inside a body
// can also point at the use.

import (
	"fmt"
	"strings"
)

// maxMacroDepth bounds nested expansions (macros using macros).
const maxMacroDepth = 64

// maxMacroNodes bounds the nodes expansion may copy: a parameter used
// twice in each of a chain of macros doubles its argument at each step.
const maxMacroNodes = 1 << 20

// macroKey identifies a macro: bpftrace allows several macros of one name
// with different parameter counts.
type macroKey struct {
	name  string
	arity int
}

// macroSet is the macros of one source: the script's or the stdlib's.
type macroSet struct {
	file   *File
	macros map[macroKey]*MacroDecl
	names  map[string]bool
}

func newMacroSet(f *File) *macroSet {
	s := &macroSet{file: f, macros: map[macroKey]*MacroDecl{}, names: map[string]bool{}}
	for _, m := range f.Macros {
		s.macros[macroKey{m.Name, len(m.Params)}] = m
		s.names[m.Name] = true
	}
	return s
}

// expander holds the state of one expansion run.
type expander struct {
	f     *File
	user  *macroSet
	std   *macroSet
	errs  ErrorList
	count int // expansions so far, for fresh variable names
	nodes int // nodes copied so far
	huge  bool
}

// expandCtx is where a node being copied sits: inside which expansion of
// which macro, with which arguments.
type expandCtx struct {
	exp    *Expansion // nil in the script's own probes
	decl   *MacroDecl
	args   map[string]Expr // parameter name -> argument (after expansion)
	suffix string          // appended to the body's own variables; "" outside macros
	std    bool            // the body is the stdlib's: script macros are not seen
	copy   bool            // copying an expanded argument: no expansion, no renaming
	depth  int
}

// expandMacros rewrites the probes of f so that they use no macro, and
// checks the macro definitions. std holds the stdlib's macros (nil for
// none).
func expandMacros(f *File, std *File) ErrorList {
	x := &expander{f: f, user: newMacroSet(f)}
	if std != nil {
		x.std = newMacroSet(std)
	}
	x.checkDefinitions()
	x.checkImports()
	if len(x.errs) > 0 {
		return x.errs
	}
	top := &expandCtx{}
	for _, p := range f.Probes {
		if !x.usesMacros(p) {
			continue
		}
		if p.Pred != nil {
			p.Pred = x.expr(p.Pred, top)
		}
		p.Body = x.block(p.Body, top)
	}
	return x.errs
}

// checkDefinitions reports macros defined twice with the same parameter
// count.
func (x *expander) checkDefinitions() {
	seen := map[macroKey]*MacroDecl{}
	for _, m := range x.f.Macros {
		k := macroKey{m.Name, len(m.Params)}
		if prev := seen[k]; prev != nil {
			x.errs.Add(NewError(x.f, m.NameAt, fmt.Sprintf("macro %s with %d parameters is defined twice", m.Name, k.arity),
				fmt.Sprintf("the first definition is at line %d", prev.NameAt.Start.Line)))
		}
		seen[k] = m
	}
}

// checkImports refuses "import": gtrace has no modules to import (bpftrace
// 0.26 imports stdlib modules with C functions and script files). The
// stdlib's macros need no import.
func (x *expander) checkImports() {
	for _, im := range x.f.Imports {
		x.errs.Add(NewError(x.f, im.At, fmt.Sprintf("cannot import %q: gtrace has no modules to import", im.Path),
			"the stdlib's macros (assert, ppid) need no import"))
	}
}

// usesMacros reports whether n names any macro, so that probes without
// one are left exactly as parsed.
func (x *expander) usesMacros(n Node) bool {
	found := false
	Inspect(n, func(n Node) bool {
		switch n := n.(type) {
		case *Call:
			found = found || x.user.names[n.Name] || x.std != nil && x.std.names[n.Name]
		case *Ident:
			found = found || !n.Builtin && (x.user.names[n.Name] || x.std != nil && x.std.names[n.Name])
		}
		return !found
	})
	return found
}

// lookup finds the macro a use of name with n arguments refers to: the
// script's first (outside the stdlib), then the stdlib's.
func (x *expander) lookup(name string, n int, c *expandCtx) (*MacroDecl, bool) {
	if !c.std {
		if m := x.user.macros[macroKey{name, n}]; m != nil {
			return m, false
		}
	}
	if x.std != nil {
		if m := x.std.macros[macroKey{name, n}]; m != nil {
			return m, true
		}
	}
	return nil, false
}

// origin records which expansion made node n, a copy of old: the
// context's, or when copying an argument, old's own.
func (x *expander) origin(n, old Node, c *expandCtx) {
	exp := c.exp
	if c.copy {
		exp = x.f.Expansions[old]
	}
	if exp == nil {
		return
	}
	if x.f.Expansions == nil {
		x.f.Expansions = map[Node]*Expansion{}
	}
	x.f.Expansions[n] = exp
}

// errorf reports an error at span at of the current context's source.
func (x *expander) errorf(at Span, c *expandCtx, hints []string, format string, args ...any) {
	src := x.f
	if c.exp != nil {
		src = c.exp.From
	}
	e := NewError(src, at, fmt.Sprintf(format, args...), hints...)
	e.Notes = x.f.notes(c.exp)
	x.errs.Add(e)
}

// notes returns the "expanded from" notes of expansion exp and its
// parents, innermost first.
func (f *File) notes(exp *Expansion) []*Error {
	var out []*Error
	for ; exp != nil; exp = exp.Parent {
		out = append(out, NewError(exp.In, exp.At, "expanded from macro "+exp.Macro))
	}
	return out
}

// SourceOf returns the source node n's span refers to: the script f, or
// the stdlib when n was copied from a stdlib macro.
func (f *File) SourceOf(n Node) *File {
	if exp := f.Expansions[n]; exp != nil {
		return exp.From
	}
	return f
}

// ErrorAt returns an error at node n, in the source n comes from, with an
// "expanded from" note for each macro use that produced n.
func (f *File) ErrorAt(n Node, msg string, hints ...string) *Error {
	e := NewError(f.SourceOf(n), n.Span(), msg, hints...)
	e.Notes = f.notes(f.Expansions[n])
	return e
}

func (x *expander) block(b *Block, c *expandCtx) *Block {
	nb := &Block{Stmts: x.stmts(b.Stmts, c)}
	nb.At = b.At
	x.origin(nb, b, c)
	return nb
}

func (x *expander) stmts(in []Stmt, c *expandCtx) []Stmt {
	out := make([]Stmt, 0, len(in))
	for _, s := range in {
		if s = x.stmt(s, c); s != nil {
			out = append(out, s)
		}
	}
	return out
}

func (x *expander) stmt(s Stmt, c *expandCtx) Stmt {
	var out Stmt
	switch s := s.(type) {
	case *Block:
		return x.block(s, c)
	case *ExprStmt:
		if st := x.macroStmt(s.X, c); st != nil {
			return st
		}
		out = &ExprStmt{X: x.expr(s.X, c)}
	case *AssignStmt:
		out = &AssignStmt{Target: x.expr(s.Target, c), Op: s.Op, Value: x.expr(s.Value, c)}
	case *VarDecl:
		d := &VarDecl{Var: x.varNode(s.Var, c), Type: s.Type}
		if s.TypeOf != nil {
			d.TypeOf = x.expr(s.TypeOf, c)
		}
		if s.Value != nil {
			d.Value = x.expr(s.Value, c)
		}
		out = d
	case *IfStmt:
		n := &IfStmt{Cond: x.expr(s.Cond, c), Then: x.block(s.Then, c)}
		if s.Else != nil {
			n.Else = x.stmt(s.Else, c)
		}
		out = n
	case *UnrollStmt:
		out = &UnrollStmt{Count: x.expr(s.Count, c), Body: x.block(s.Body, c)}
	case *WhileStmt:
		out = &WhileStmt{Cond: x.expr(s.Cond, c), Body: x.block(s.Body, c)}
	case *ForStmt:
		n := &ForStmt{Var: x.varNode(s.Var, c)}
		if s.Map != nil {
			m, ok := x.expr(s.Map, c).(*MapExpr)
			if !ok {
				x.errorf(s.Map.At, c, nil, "expected a map after \":\" in for loop")
				return nil
			}
			n.Map = m
		} else {
			n.Lo, n.Hi = x.expr(s.Lo, c), x.expr(s.Hi, c)
		}
		n.Body = x.block(s.Body, c)
		out = n
	case *JumpStmt:
		j := &JumpStmt{Kind: s.Kind}
		if s.Value != nil {
			j.Value = x.expr(s.Value, c)
		}
		out = j
	default:
		x.errorf(s.Span(), c, nil, "macro expansion does not support this statement (%T)", s)
		return s
	}
	setSpan(out, s.Span())
	x.origin(out, s, c)
	return out
}

// macroStmt expands a macro used as a statement ("inc($a);") into a block
// of its statements, or returns nil when e is no macro use.
func (x *expander) macroStmt(e Expr, c *expandCtx) Stmt {
	stmts, value, ok := x.macroUse(e, c)
	if !ok {
		return nil
	}
	if value != nil {
		es := &ExprStmt{X: value}
		es.At = value.Span()
		stmts = append(stmts, es)
	}
	b := &Block{Stmts: stmts}
	b.At = e.Span()
	return b
}

// macroUse expands e when it is a use of a macro: a call, or a bare name
// of a macro without parameters. It returns the expanded statements and
// value.
func (x *expander) macroUse(e Expr, c *expandCtx) (stmts []Stmt, value Expr, ok bool) {
	if c.copy {
		return nil, nil, false
	}
	var name string
	var args []Expr
	switch e := e.(type) {
	case *Call:
		name, args = e.Name, e.Args
	case *Ident:
		if e.Builtin {
			return nil, nil, false
		}
		if _, isParam := c.args[e.Name]; isParam && !e.Call {
			return nil, nil, false
		}
		name = e.Name
	default:
		return nil, nil, false
	}
	m, std := x.lookup(name, len(args), c)
	if m == nil {
		return nil, nil, false
	}
	return x.expand(m, std, e, args, c)
}

// expand copies macro m's body for its use at e with arguments args.
func (x *expander) expand(m *MacroDecl, std bool, e Expr, args []Expr, c *expandCtx) ([]Stmt, Expr, bool) {
	if c.depth >= maxMacroDepth {
		x.errorf(e.Span(), c, []string{"a macro may not use itself, directly or through other macros"},
			"macro %s is expanded more than %d levels deep", m.Name, maxMacroDepth)
		return nil, nil, false
	}
	for exp := c.exp; exp != nil; exp = exp.Parent {
		if exp.decl == m {
			x.errorf(e.Span(), c, []string{"a macro may not use itself, directly or through other macros: use a loop instead"},
				"recursive use of macro %s", m.Name)
			return nil, nil, false
		}
	}
	in := x.f
	if c.exp != nil {
		in = c.exp.From
	}
	from := x.f
	if std {
		from = x.std.file
	}
	nc := &expandCtx{
		exp:   &Expansion{Macro: m.Name, At: e.Span(), In: in, From: from, Parent: c.exp, decl: m},
		decl:  m,
		args:  map[string]Expr{},
		std:   std,
		depth: c.depth + 1,
	}
	x.count++
	nc.suffix = fmt.Sprintf("#%d", x.count)
	for i, p := range m.Params {
		a, ok := x.argument(m, p, args[i], c)
		if !ok {
			return nil, nil, false
		}
		nc.args[p.Name] = a
	}
	stmts := x.stmts(m.Body.Stmts, nc)
	var value Expr
	if m.Value != nil {
		value = x.expr(m.Value, nc)
	}
	return stmts, value, true
}

// argument checks argument a of parameter p and expands the macros in it
// (in the caller's context).
func (x *expander) argument(m *MacroDecl, p *MacroParam, a Expr, c *expandCtx) (Expr, bool) {
	switch p.Kind {
	case VarParam:
		if _, ok := a.(*Var); !ok {
			x.errorf(a.Span(), c, []string{
				fmt.Sprintf("pass a scratch variable such as $a, or declare the parameter as %s to take any expression", p.Name[1:])},
				"macro %s expects a scratch variable for %s, not %s", m.Name, p.Name, describeExpr(a))
			return nil, false
		}
	case MapParam:
		if me, ok := a.(*MapExpr); !ok || len(me.Keys) > 0 {
			x.errorf(a.Span(), c, []string{
				fmt.Sprintf("pass a map such as @a (without keys), or declare the parameter as %s to take any expression", p.Name[1:])},
				"macro %s expects a map for %s, not %s", m.Name, p.Name, describeExpr(a))
			return nil, false
		}
	}
	return x.expr(a, c), true
}

// describeExpr names the kind of an expression for messages.
func describeExpr(e Expr) string {
	switch e := e.(type) {
	case *Var:
		return "the variable " + e.Name
	case *MapExpr:
		if len(e.Keys) > 0 {
			return "an element of " + e.Name
		}
		return "the map " + e.Name
	case *IntLit, *StrLit, *BoolLit:
		return "a literal"
	case *Ident:
		return e.Name
	}
	return "an expression"
}

// varNode copies variable v: a "$x" parameter becomes the caller's
// variable, any other variable of a macro body gets the expansion's
// suffix.
func (x *expander) varNode(v *Var, c *expandCtx) *Var {
	n := &Var{Name: v.Name}
	n.At = v.At
	defer x.origin(n, v, c)
	if a, ok := c.args[v.Name]; ok {
		if av, ok := a.(*Var); ok {
			n.Name = av.Name
		}
	} else if c.suffix != "" {
		n.Name = v.Name + c.suffix
	}
	return n
}

func (x *expander) exprs(in []Expr, c *expandCtx) []Expr {
	if in == nil {
		return nil
	}
	out := make([]Expr, len(in))
	for i, e := range in {
		out[i] = x.expr(e, c)
	}
	return out
}

// expr copies e, expanding the macro uses in it.
func (x *expander) expr(e Expr, c *expandCtx) Expr {
	if e == nil || x.huge {
		return e
	}
	if x.nodes++; x.nodes > maxMacroNodes {
		x.huge = true
		x.errorf(e.Span(), c, []string{"a parameter used several times copies its argument each time: bind it once with let $v = x;"},
			"macro expansion makes more than %d nodes", maxMacroNodes)
		return e
	}
	if stmts, value, ok := x.macroUse(e, c); ok {
		return blockValue(stmts, value, e.Span())
	}
	var out Expr
	switch e := e.(type) {
	case *Ident:
		if a, ok := c.args[e.Name]; ok && !e.Builtin && !e.Call {
			return x.copyArg(a)
		}
		n := *e
		out = &n
	case *Var:
		return x.varNode(e, c)
	case *MapExpr:
		n := &MapExpr{Name: e.Name, Keys: x.exprs(e.Keys, c)}
		if a, ok := c.args[e.Name].(*MapExpr); ok {
			n.Name = a.Name
		} else if c.decl != nil && !c.copy {
			x.errorf(e.At, c, []string{fmt.Sprintf("pass the map in: declare a parameter such as %s and call %s(..., %s)", e.Name, c.decl.Name, e.Name)},
				"macro %s uses the map %s, which is not one of its parameters", c.decl.Name, e.Name)
		}
		out = n
	case *IntLit:
		n := *e
		out = &n
	case *StrLit:
		n := *e
		out = &n
	case *BoolLit:
		n := *e
		out = &n
	case *Positional:
		n := *e
		out = &n
	case *TypeExpr:
		n := *e
		out = &n
	case *Call:
		out = &Call{Name: e.Name, NameAt: e.NameAt, Args: x.exprs(e.Args, c)}
	case *Binary:
		out = &Binary{Op: e.Op, X: x.expr(e.X, c), Y: x.expr(e.Y, c)}
	case *Unary:
		out = &Unary{Op: e.Op, X: x.expr(e.X, c)}
	case *IncDec:
		out = &IncDec{Op: e.Op, Post: e.Post, X: x.expr(e.X, c)}
	case *Ternary:
		out = &Ternary{Cond: x.expr(e.Cond, c), Then: x.expr(e.Then, c), Else: x.expr(e.Else, c)}
	case *Field:
		out = &Field{X: x.expr(e.X, c), Name: e.Name, Arrow: e.Arrow}
	case *TupleIndex:
		out = &TupleIndex{X: x.expr(e.X, c), Index: e.Index}
	case *Index:
		out = &Index{X: x.expr(e.X, c), Index: x.expr(e.Index, c)}
	case *Cast:
		out = &Cast{Type: e.Type, X: x.expr(e.X, c)}
	case *Tuple:
		out = &Tuple{Elems: x.exprs(e.Elems, c), Names: e.Names, NameAt: e.NameAt}
	case *BlockExpr:
		out = &BlockExpr{Stmts: x.stmts(e.Stmts, c), Value: x.expr(e.Value, c)}
	}
	if out == nil {
		x.errorf(e.Span(), c, nil, "macro expansion does not support this expression (%T)", e)
		return e
	}
	setSpan(out, e.Span())
	x.origin(out, e, c)
	return out
}

// copyArg copies an (already expanded) argument for one use of its
// parameter. The copy keeps the origin of each node it copies.
func (x *expander) copyArg(a Expr) Expr {
	return x.expr(a, &expandCtx{copy: true})
}

// blockValue is the expression a macro use in an expression becomes: its
// value alone when the body has no statements, else a block expression.
func blockValue(stmts []Stmt, value Expr, at Span) Expr {
	if len(stmts) == 0 && value != nil {
		return value
	}
	b := &BlockExpr{Stmts: stmts, Value: value}
	b.At = at
	return b
}

// setSpan gives a copied node its original's span.
func setSpan(n Node, at Span) {
	type spanner interface{ setAt(Span) }
	if s, ok := n.(spanner); ok {
		s.setAt(at)
	}
}

func (n *node) setAt(s Span) { n.At = s }

// MacroArities returns the parameter counts of the macros named name that
// a use in f's probes could have meant: f's own and the stdlib's. The
// checker uses it to explain a call that matched no macro.
func (f *File) MacroArities(name string) []int {
	var out []int
	for _, src := range []*File{f, stdlib()} {
		for _, m := range src.Macros {
			if m.Name == name {
				out = append(out, len(m.Params))
			}
		}
	}
	return out
}

// macroHint explains a use of name with n arguments that matched none of
// the macros of that name, or returns "".
func macroHint(name string, n int, arities []int) string {
	if len(arities) == 0 {
		return ""
	}
	want := make([]string, len(arities))
	for i, a := range arities {
		want[i] = fmt.Sprint(a)
	}
	return fmt.Sprintf("macro %s takes %s argument(s), not %d", name, strings.Join(want, " or "), n)
}

// MacroHint is the hint for a call of name with n arguments that is no
// builtin: which argument counts the macros of that name take, or "".
func (f *File) MacroHint(name string, n int) string {
	return macroHint(name, n, f.MacroArities(name))
}

// WrittenName returns a variable's name as written: macro expansion
// renames a macro body's own variables ("$y" becomes "$y#3") so that they
// never meet the caller's; messages show the written name.
func WrittenName(name string) string {
	if i := strings.IndexByte(name, '#'); i > 0 {
		return name[:i]
	}
	return name
}

// Renamed reports whether macro expansion renamed variable name.
func Renamed(name string) bool { return strings.IndexByte(name, '#') > 0 }
