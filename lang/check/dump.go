package check

// This file implements the adorned dump printed by "gtrace -d types".

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/gtrace/gtrace/lang"
	"github.com/gtrace/gtrace/lang/types"
)

// Dump re-prints f with every typed expression annotated in the cel-go
// style ("@x~count", "$n~int64", "comm~string[16]"), followed by the script
// structs, the maps with their key and value types, and each probe's
// expanded targets and variables. The output is deterministic.
func Dump(f *lang.File, info *Info) string {
	d := &dumper{info: info}
	for _, p := range f.Probes {
		d.probe(p)
	}
	d.structs()
	d.maps()
	d.probes()
	return d.b.String()
}

type dumper struct {
	info   *Info
	b      strings.Builder
	indent int
}

func (d *dumper) line(format string, args ...any) {
	d.b.WriteString(strings.Repeat("  ", d.indent))
	fmt.Fprintf(&d.b, format, args...)
	d.b.WriteByte('\n')
}

func (d *dumper) probe(p *lang.Probe) {
	names := make([]string, len(p.Attach))
	for i, a := range p.Attach {
		names[i] = a.Raw
	}
	head := strings.Join(names, ", ")
	if p.Pred != nil {
		head += " /" + d.expr(p.Pred) + "/"
	}
	d.line("%s {", head)
	d.indent++
	if p.Body != nil {
		d.stmts(p.Body.Stmts)
	}
	d.indent--
	d.line("}")
}

func (d *dumper) stmts(ss []lang.Stmt) {
	for _, s := range ss {
		d.stmt(s)
	}
}

func (d *dumper) stmt(s lang.Stmt) {
	switch s := s.(type) {
	case *lang.Block:
		d.line("{")
		d.indent++
		d.stmts(s.Stmts)
		d.indent--
		d.line("}")
	case *lang.ExprStmt:
		d.line("%s;", d.expr(s.X))
	case *lang.AssignStmt:
		d.line("%s %s %s;", d.expr(s.Target), s.Op, d.expr(s.Value))
	case *lang.VarDecl:
		d.varDecl(s)
	case *lang.IfStmt:
		d.ifStmt(s, "")
	case *lang.UnrollStmt:
		d.blockStmt("unroll ("+d.expr(s.Count)+")", s.Body)
	case *lang.WhileStmt:
		d.blockStmt("while ("+d.expr(s.Cond)+")", s.Body)
	case *lang.ForStmt:
		var src string
		if s.Map != nil {
			src = d.expr(s.Map)
		} else {
			src = d.expr(s.Lo) + ".." + d.expr(s.Hi)
		}
		d.blockStmt("for ("+d.expr(s.Var)+" : "+src+")", s.Body)
	case *lang.JumpStmt:
		d.line("%s;", jumpName(s.Kind))
	default:
		d.line("<%T>", s)
	}
}

func (d *dumper) varDecl(s *lang.VarDecl) {
	t := ""
	if s.Type != nil {
		t = " : " + typeExprString(s.Type)
	}
	if s.Value != nil {
		d.line("let %s%s = %s;", d.expr(s.Var), t, d.expr(s.Value))
		return
	}
	d.line("let %s%s;", d.expr(s.Var), t)
}

func (d *dumper) ifStmt(s *lang.IfStmt, prefix string) {
	d.line("%sif (%s) {", prefix, d.expr(s.Cond))
	d.indent++
	d.stmts(s.Then.Stmts)
	d.indent--
	switch e := s.Else.(type) {
	case nil:
		d.line("}")
	case *lang.IfStmt:
		d.ifStmt(e, "} else ")
	case *lang.Block:
		d.line("} else {")
		d.indent++
		d.stmts(e.Stmts)
		d.indent--
		d.line("}")
	}
}

func (d *dumper) blockStmt(head string, b *lang.Block) {
	d.line("%s {", head)
	d.indent++
	d.stmts(b.Stmts)
	d.indent--
	d.line("}")
}

// expr prints e with its type and, for folded constants, its value.
func (d *dumper) expr(e lang.Expr) string {
	if e == nil {
		return ""
	}
	s := d.bare(e)
	if t := d.info.Types[e]; t != nil {
		s += "~" + t.String()
	}
	if v, ok := d.info.Consts[e]; ok {
		if !isLit(e) {
			s += "=" + strconv.FormatInt(v, 10)
		}
	}
	return s
}

// blockExpr prints "{ stmts value }" on one line.
func (d *dumper) blockExpr(e *lang.BlockExpr) string {
	in := &dumper{info: d.info}
	in.stmts(e.Stmts)
	parts := strings.Fields(in.b.String())
	if e.Value != nil {
		parts = append(parts, d.expr(e.Value))
	}
	return "{ " + strings.Join(parts, " ") + " }"
}

func (d *dumper) list(es []lang.Expr) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = d.expr(e)
	}
	return strings.Join(parts, ", ")
}

func (d *dumper) bare(e lang.Expr) string {
	switch e := e.(type) {
	case *lang.IntLit:
		return e.Text
	case *lang.StrLit:
		return strconv.Quote(e.Value)
	case *lang.BoolLit:
		return strconv.FormatBool(e.Value)
	case *lang.Ident:
		return e.Name
	case *lang.Var:
		return e.Name
	case *lang.Positional:
		if e.Count {
			return "$#"
		}
		return "$" + strconv.Itoa(e.N)
	case *lang.MapExpr:
		if len(e.Keys) == 0 {
			return e.Name
		}
		return e.Name + "[" + d.list(e.Keys) + "]"
	case *lang.Call:
		return e.Name + "(" + d.list(e.Args) + ")"
	case *lang.Binary:
		return "(" + d.expr(e.X) + " " + e.Op + " " + d.expr(e.Y) + ")"
	case *lang.Unary:
		return "(" + e.Op + d.expr(e.X) + ")"
	case *lang.IncDec:
		if e.Post {
			return "(" + d.expr(e.X) + e.Op + ")"
		}
		return "(" + e.Op + d.expr(e.X) + ")"
	case *lang.Ternary:
		return "(" + d.expr(e.Cond) + " ? " + d.expr(e.Then) + " : " + d.expr(e.Else) + ")"
	case *lang.Field:
		op := "."
		if e.Arrow {
			op = "->"
		}
		return d.expr(e.X) + op + e.Name
	case *lang.TupleIndex:
		return d.expr(e.X) + "." + strconv.Itoa(e.Index)
	case *lang.Index:
		return d.expr(e.X) + "[" + d.expr(e.Index) + "]"
	case *lang.Cast:
		return "((" + typeExprString(e.Type) + ")" + d.expr(e.X) + ")"
	case *lang.Tuple:
		return "(" + d.list(e.Elems) + ")"
	case *lang.TypeExpr:
		return typeExprString(e)
	case *lang.BlockExpr:
		return d.blockExpr(e)
	}
	return fmt.Sprintf("<%T>", e)
}

func (d *dumper) structs() {
	names := sortedKeys(d.info.Structs)
	if len(names) == 0 {
		return
	}
	d.line("structs:")
	for _, n := range names {
		t := d.info.Structs[n]
		d.line("  %s size %d align %d", t, t.Size, t.Align())
		for _, f := range t.Fields {
			d.line("    %s %s offset %d", f.Name, f.Type, f.Offset)
		}
	}
}

func (d *dumper) maps() {
	names := sortedKeys(d.info.Maps)
	if len(names) == 0 {
		return
	}
	d.line("maps:")
	for _, n := range names {
		m := d.info.Maps[n]
		key := "none"
		if m.Key != nil {
			key = m.Key.String()
		}
		decl := ""
		if m.Decl != "" {
			decl = fmt.Sprintf(", declared %s(%d)", m.Decl, m.MaxEntries)
		}
		d.line("  %s: key %s, value %s%s", n, key, m.Value, decl)
	}
}

func (d *dumper) probes() {
	d.line("probes:")
	for i, p := range d.info.Probes {
		d.line("  %d:", i)
		for _, t := range p.Targets {
			if t.Args != nil {
				d.line("    %s args %s", t.Name, argsString(t.Args))
			} else {
				d.line("    %s", t.Name)
			}
		}
		for _, v := range sortedKeys(p.Vars) {
			d.line("    %s: %s", v, p.Vars[v])
		}
	}
}

func argsString(t *types.Type) string {
	parts := make([]string, len(t.Fields))
	for i, f := range t.Fields {
		parts[i] = fmt.Sprintf("%s %s @%d", f.Type, f.Name, f.Offset)
	}
	return "{" + strings.Join(parts, "; ") + "}"
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// isLit reports whether e is an integer or boolean literal, whose value
// the dump does not repeat.
func isLit(e lang.Expr) bool {
	switch e.(type) {
	case *lang.IntLit, *lang.BoolLit:
		return true
	}
	return false
}
