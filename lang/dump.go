package lang

// This file implements Dump, the AST listing printed by "gtrace -d ast"
// and compared by the golden tests.

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Dump returns a deterministic, indented listing of f: one node per line,
// its kind and key fields, then its span as "@line:col-col" (or
// "@line:col-line:col" across lines).
func Dump(f *File) string {
	d := &dumper{}
	d.file(f)
	return d.b.String()
}

type dumper struct {
	b     strings.Builder
	depth int
}

// line writes one node line at the current depth.
func (d *dumper) line(at Span, format string, args ...any) {
	d.b.WriteString(strings.Repeat("  ", d.depth))
	fmt.Fprintf(&d.b, format, args...)
	if at.Start.IsValid() {
		d.b.WriteString(" @" + spanString(at))
	}
	d.b.WriteByte('\n')
}

// nest runs fn one level deeper.
func (d *dumper) nest(fn func()) {
	d.depth++
	fn()
	d.depth--
}

func spanString(s Span) string {
	if s.End.Line == s.Start.Line {
		return fmt.Sprintf("%d:%d-%d", s.Start.Line, s.Start.Col, s.End.Col)
	}
	return fmt.Sprintf("%d:%d-%d:%d", s.Start.Line, s.Start.Col, s.End.Line, s.End.Col)
}

func (d *dumper) file(f *File) {
	if f == nil {
		d.line(Span{}, "file <nil>")
		return
	}
	d.line(Span{}, "file %s", f.Name)
	d.nest(func() {
		for _, inc := range f.Includes {
			d.line(inc.At, "include %q", inc.Path)
		}
		names := make([]string, 0, len(f.Defines))
		for n := range f.Defines {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			d.line(Span{}, "define %s %q", n, f.Defines[n])
		}
		for _, s := range f.Structs {
			d.structDecl(s)
		}
		for _, e := range f.Enums {
			d.enumDecl(e)
		}
		for _, m := range f.MapDecls {
			d.line(m.At, "let %s = %s", m.Name, m.Kind)
			d.nest(func() {
				for _, a := range m.Args {
					d.expr(a)
				}
			})
		}
		for _, im := range f.Imports {
			d.line(im.At, "import %q", im.Path)
		}
		for _, m := range f.Macros {
			d.macro(m)
		}
		for _, p := range f.Probes {
			d.probe(p)
		}
	})
}

// macro lists a macro definition; its uses in the probes are already
// expanded.
func (d *dumper) macro(m *MacroDecl) {
	params := make([]string, len(m.Params))
	for i, p := range m.Params {
		params[i] = p.Name
	}
	d.line(m.At, "macro %s(%s)", m.Name, strings.Join(params, ", "))
	d.nest(func() {
		for _, st := range m.Body.Stmts {
			d.stmt(st)
		}
		if m.Value != nil {
			d.line(m.Value.Span(), "value")
			d.exprs([]Expr{m.Value})
		}
	})
}

func (d *dumper) structDecl(s *StructDecl) {
	kind := "struct"
	if s.Union {
		kind = "union"
	}
	d.line(s.At, "%s %s", kind, orAnon(s.Name))
	d.nest(func() {
		for _, f := range s.Fields {
			bits := ""
			if f.Bits > 0 {
				bits = fmt.Sprintf(" :%d", f.Bits)
			}
			d.line(f.At, "field %s %s%s", f.Name, typeString(f.Type), bits)
			d.nest(func() { d.inlineType(f.Type) })
		}
	})
}

func (d *dumper) inlineType(t *TypeExpr) {
	if t == nil {
		return
	}
	if t.Struct != nil {
		d.structDecl(t.Struct)
	}
	if t.Enum != nil {
		d.enumDecl(t.Enum)
	}
}

func (d *dumper) enumDecl(e *EnumDecl) {
	d.line(e.At, "enum %s", orAnon(e.Name))
	d.nest(func() {
		for _, v := range e.Values {
			d.line(v.At, "%s = %d", v.Name, v.Value)
		}
	})
}

func orAnon(name string) string {
	if name == "" {
		return "(anonymous)"
	}
	return name
}

// typeString spells a TypeExpr as C would: "struct foo **", "int[2][3]".
func typeString(t *TypeExpr) string {
	if t == nil {
		return "<nil>"
	}
	s := t.Name
	if t.Ptr > 0 {
		s += " " + strings.Repeat("*", t.Ptr)
	}
	dims := t.Dims
	if len(dims) == 0 && t.Array > 0 {
		dims = []int{t.Array}
	}
	for _, n := range dims {
		if n == AutoDim {
			s += "[]"
			continue
		}
		s += "[" + strconv.Itoa(n) + "]"
	}
	return s
}

func (d *dumper) probe(p *Probe) {
	d.line(p.At, "probe")
	d.nest(func() {
		for _, a := range p.Attach {
			d.line(a.At, "attach %s %s raw=%q", a.Provider, quoteList(a.Parts), a.Raw)
		}
		if p.Pred != nil {
			d.line(p.Pred.Span(), "pred")
			d.nest(func() { d.expr(p.Pred) })
		}
		d.stmt(p.Body)
	})
}

func quoteList(parts []string) string {
	q := make([]string, len(parts))
	for i, p := range parts {
		q[i] = strconv.Quote(p)
	}
	return "[" + strings.Join(q, " ") + "]"
}

func (d *dumper) stmt(s Stmt) {
	switch s := s.(type) {
	case *Block:
		d.line(s.At, "block")
		d.nest(func() {
			for _, st := range s.Stmts {
				d.stmt(st)
			}
		})
	case *ExprStmt:
		d.line(s.At, "expr")
		d.nest(func() { d.expr(s.X) })
	case *AssignStmt:
		d.line(s.At, "assign %s", s.Op)
		d.nest(func() { d.expr(s.Target); d.expr(s.Value) })
	case *VarDecl:
		d.varDecl(s)
	case *IfStmt:
		d.ifStmt(s)
	case *UnrollStmt:
		d.line(s.At, "unroll")
		d.nest(func() { d.expr(s.Count); d.stmt(s.Body) })
	case *WhileStmt:
		d.line(s.At, "while")
		d.nest(func() { d.expr(s.Cond); d.stmt(s.Body) })
	case *ForStmt:
		d.forStmt(s)
	case *JumpStmt:
		d.line(s.At, "%s", [...]string{"break", "continue", "return"}[s.Kind])
		if s.Value != nil {
			d.nest(func() { d.expr(s.Value) })
		}
	default:
		d.line(Span{}, "<unknown statement %T>", s)
	}
}

func (d *dumper) varDecl(s *VarDecl) {
	typ := ""
	if s.Type != nil {
		typ = " : " + typeString(s.Type)
	}
	if s.TypeOf != nil {
		typ = " : typeof"
	}
	d.line(s.At, "let %s%s", s.Var.Name, typ)
	if s.TypeOf != nil {
		d.nest(func() { d.expr(s.TypeOf) })
	}
	if s.Value != nil {
		d.nest(func() { d.expr(s.Value) })
	}
}

func (d *dumper) ifStmt(s *IfStmt) {
	d.line(s.At, "if")
	d.nest(func() {
		d.expr(s.Cond)
		d.stmt(s.Then)
		if s.Else != nil {
			d.line(s.Else.Span(), "else")
			d.nest(func() { d.stmt(s.Else) })
		}
	})
}

func (d *dumper) forStmt(s *ForStmt) {
	if s.Map != nil {
		d.line(s.At, "for %s in map", s.Var.Name)
		d.nest(func() { d.expr(s.Map); d.stmt(s.Body) })
		return
	}
	d.line(s.At, "for %s in range", s.Var.Name)
	d.nest(func() { d.expr(s.Lo); d.expr(s.Hi); d.stmt(s.Body) })
}

func (d *dumper) expr(e Expr) {
	switch e := e.(type) {
	case *IntLit:
		if e.Text == strconv.FormatUint(e.Value, 10) {
			d.line(e.At, "int %d", e.Value)
		} else {
			d.line(e.At, "int %d (%s)", e.Value, e.Text)
		}
	case *StrLit:
		d.line(e.At, "str %q", e.Value)
	case *BoolLit:
		d.line(e.At, "bool %t", e.Value)
	case *Ident:
		d.line(e.At, "ident %s", e.Name)
	case *Var:
		d.line(e.At, "var %s", e.Name)
	case *Positional:
		if e.Count {
			d.line(e.At, "positional $#")
		} else {
			d.line(e.At, "positional $%d", e.N)
		}
	case *MapExpr:
		d.line(e.At, "map %s", e.Name)
		d.exprs(e.Keys)
	case *Call:
		d.line(e.At, "call %s", e.Name)
		d.exprs(e.Args)
	case *Binary:
		d.line(e.At, "binary %s", e.Op)
		d.exprs([]Expr{e.X, e.Y})
	default:
		d.expr2(e)
	}
}

func (d *dumper) expr2(e Expr) {
	switch e := e.(type) {
	case *Unary:
		d.line(e.At, "unary %s", e.Op)
		d.exprs([]Expr{e.X})
	case *IncDec:
		d.incDec(e)
	case *Ternary:
		d.line(e.At, "ternary")
		d.exprs([]Expr{e.Cond, e.Then, e.Else})
	case *Field:
		op := "."
		if e.Arrow {
			op = "->"
		}
		d.line(e.At, "field %s%s", op, e.Name)
		d.exprs([]Expr{e.X})
	case *TupleIndex:
		d.line(e.At, "tupleindex %d", e.Index)
		d.exprs([]Expr{e.X})
	case *Index:
		d.line(e.At, "index")
		d.exprs([]Expr{e.X, e.Index})
	case *Cast:
		d.line(e.At, "cast %s", typeString(e.Type))
		d.exprs([]Expr{e.X})
	case *Tuple:
		if e.Names != nil {
			d.line(e.At, "record %s", strings.Join(e.Names, " "))
		} else {
			d.line(e.At, "tuple")
		}
		d.exprs(e.Elems)
	case *TypeExpr:
		d.line(e.At, "type %s", typeString(e))
	case *BlockExpr:
		d.line(e.At, "block expr")
		d.nest(func() {
			for _, st := range e.Stmts {
				d.stmt(st)
			}
			if e.Value != nil {
				d.line(e.Value.Span(), "value")
				d.exprs([]Expr{e.Value})
			}
		})
	default:
		d.line(Span{}, "<unknown expression %T>", e)
	}
}

func (d *dumper) incDec(e *IncDec) {
	if e.Post {
		d.line(e.At, "incdec x%s", e.Op)
	} else {
		d.line(e.At, "incdec %sx", e.Op)
	}
	d.exprs([]Expr{e.X})
}

func (d *dumper) exprs(es []Expr) {
	d.nest(func() {
		for _, e := range es {
			d.expr(e)
		}
	})
}
