package check

// This file implements the checking of probe bodies and statements.

import (
	"fmt"

	"github.com/gtrace/gtrace/lang"
	"github.com/gtrace/gtrace/lang/types"
)

// probeBody checks one probe block's predicate and statements.
func (ch *checker) probeBody(i int, p *lang.Probe) {
	ch.probeIdx = i
	if len(ch.loopSlots[i]) == 0 {
		ch.planSlots(i, p)
	}
	ch.assigned = map[string]bool{}
	ch.scoped = map[string]string{}
	ch.loops = 0
	ch.providers = nil
	for _, ap := range p.Attach {
		if !contains(ch.providers, ap.Provider) {
			ch.providers = append(ch.providers, ap.Provider)
		}
	}
	if p.Pred != nil {
		t := ch.expr(p.Pred)
		if t != nil && !isCondType(t) {
			ch.errorf(p.Pred, "the predicate must be an integer, not %s", t)
		}
	}
	if p.Body != nil {
		ch.block(p.Body)
	}
}

// isCondType reports whether t can be tested for truth.
func isCondType(t *types.Type) bool {
	switch t.Kind {
	case types.Int, types.Pointer, types.Count, types.Sum, types.Min, types.Max:
		return true
	}
	return false
}

func (ch *checker) block(b *lang.Block) {
	for i, s := range b.Stmts {
		ch.stmt(s)
		if i+1 < len(b.Stmts) && endsFlow(s) {
			// As bpftrace 0.26, warn; the statements are not compiled.
			ch.warnNode(b.Stmts[i+1], b.Stmts[i+1].Span(), "unreachable statement: it follows "+flowName(s))
		}
	}
}

// endsFlow reports whether nothing after statement s in its block runs:
// s is return, break, continue or a call of exit().
func endsFlow(s lang.Stmt) bool {
	switch s := s.(type) {
	case *lang.JumpStmt:
		return true
	case *lang.ExprStmt:
		c, ok := s.X.(*lang.Call)
		return ok && c.Name == "exit"
	}
	return false
}

// flowName names the statement that ends the flow, for messages.
func flowName(s lang.Stmt) string {
	if j, ok := s.(*lang.JumpStmt); ok {
		return jumpName(j.Kind)
	}
	return "exit()"
}

func (ch *checker) stmt(s lang.Stmt) {
	switch s := s.(type) {
	case *lang.Block:
		ch.block(s)
	case *lang.ExprStmt:
		ch.exprStmt(s)
	case *lang.AssignStmt:
		ch.assign(s)
	case *lang.VarDecl:
		ch.varDecl(s)
	case *lang.IfStmt:
		ch.cond(s.Cond, "if")
		ch.block(s.Then)
		if s.Else != nil {
			ch.stmt(s.Else)
		}
	case *lang.UnrollStmt:
		ch.unroll(s)
	case *lang.WhileStmt:
		ch.cond(s.Cond, "while")
		ch.loopBody(s.Body)
	case *lang.ForStmt:
		ch.forStmt(s)
	case *lang.JumpStmt:
		if s.Kind != lang.Return && ch.loops == 0 {
			ch.errorf(s, "%s outside of a loop", jumpName(s.Kind))
		}
		if s.Value != nil {
			// A probe's return value is computed and dropped.
			ch.expr(s.Value)
		}
	default:
		ch.errorf(s, "unsupported statement")
	}
}

func jumpName(k lang.JumpKind) string {
	switch k {
	case lang.Break:
		return "break"
	case lang.Continue:
		return "continue"
	}
	return "return"
}

func (ch *checker) loopBody(b *lang.Block) {
	ch.loops++
	ch.block(b)
	ch.loops--
}

func (ch *checker) cond(e lang.Expr, what string) {
	t := ch.expr(e)
	if t != nil && !isCondType(t) {
		ch.errorf(e, "%s condition must be an integer, not %s", what, t)
	}
}

func (ch *checker) exprStmt(s *lang.ExprStmt) {
	if c, ok := s.X.(*lang.Call); ok && aggFuncs[c.Name] {
		ch.errorf(c, "%s() should be directly assigned to a map", c.Name)
		return
	}
	ch.expr(s.X)
}

func (ch *checker) unroll(s *lang.UnrollStmt) {
	ch.expr(s.Count)
	n, ok := ch.constOf(s.Count)
	switch {
	case !ok:
		ch.errorf(s.Count, "unroll count must be a constant integer")
	case n < 1:
		ch.errorf(s.Count, "unroll minimum value is 1 (got %d)", n)
	case n > 100:
		ch.errorf(s.Count, "unroll maximum value is 100 (got %d)", n)
	}
	ch.block(s.Body)
}

// forStmt checks "for ($kv : @map)" and "for ($i : lo..hi)".
func (ch *checker) forStmt(s *lang.ForStmt) {
	if s.Map != nil {
		m := ch.mapRef(s.Map, true)
		var t *types.Type
		if m != nil && m.value != nil {
			key := m.key
			if key == nil {
				ch.errorf(s.Map, "cannot iterate over the scalar map %s", s.Map.Name)
				key = types.Int64
			}
			t = types.NewTuple(key, readType(m.value))
		}
		ch.recordMapNode(s.Map, m)
		ch.loopVar(s.Var, t, func() { ch.loopBody(s.Body) })
	} else {
		lo, hi := ch.expr(s.Lo), ch.expr(s.Hi)
		for _, e := range []struct {
			x lang.Expr
			t *types.Type
		}{{s.Lo, lo}, {s.Hi, hi}} {
			if e.t != nil && !e.t.IsInt() {
				ch.errorf(e.x, "range bounds must be integers, not %s", e.t)
			}
		}
		ch.loopVar(s.Var, types.Int64, func() { ch.loopBody(s.Body) })
	}
}

// loopVar defines the variable of a for loop with type t for the time of
// body: as in bpftrace 0.26, it exists only inside its loop, so two loops
// may use one name for values of different types (planSlots gives each
// its slot).
func (ch *checker) loopVar(v *lang.Var, t *types.Type, body func()) {
	if ch.assigned[v.Name] {
		ch.errorHint(v, []string{"rename the loop variable"}, "the loop variable %s shadows an existing variable", v.Name)
	}
	slot, ok := ch.loopSlots[ch.probeIdx][v]
	if !ok {
		slot = v.Name
	}
	prevSlot, hadSlot := ch.scoped[v.Name]
	prevAssigned := ch.assigned[v.Name]
	ch.scoped[v.Name] = slot
	ch.defineVar(v, t, v)
	body()
	if hadSlot {
		ch.scoped[v.Name] = prevSlot
	} else {
		delete(ch.scoped, v.Name)
	}
	ch.assigned[v.Name] = prevAssigned
}

// planSlots names the slot of every loop variable of probe block i: its
// own name for the first loop of that name when no other variable of the
// block has it, "$kv#2" and so on for the others.
func (ch *checker) planSlots(i int, p *lang.Probe) {
	if p.Body == nil {
		return
	}
	plain := map[string]bool{}
	var loopVars []*lang.Var
	lang.Inspect(p.Body, func(n lang.Node) bool {
		switch n := n.(type) {
		case *lang.ForStmt:
			loopVars = append(loopVars, n.Var)
		case *lang.AssignStmt:
			if v, ok := n.Target.(*lang.Var); ok {
				plain[v.Name] = true
			}
		case *lang.VarDecl:
			plain[n.Var.Name] = true
		}
		return true
	})
	used := map[string]int{}
	for _, v := range loopVars {
		used[v.Name]++
		slot := v.Name
		if plain[v.Name] || used[v.Name] > 1 {
			slot = fmt.Sprintf("%s#%d", v.Name, used[v.Name])
		}
		ch.loopSlots[i][v] = slot
	}
}

func (ch *checker) varDecl(s *lang.VarDecl) {
	var t *types.Type
	if s.Type != nil {
		t = ch.typeExpr(s.Type)
	}
	if s.TypeOf != nil {
		// "let $y: typeof(x)": x's type, x itself is never computed.
		t = ch.valueExpr(s.TypeOf)
	}
	if s.Value != nil {
		vt := ch.valueExpr(s.Value)
		if vt != nil && t != nil && !assignable(t, vt) {
			ch.errorf(s.Value, "cannot assign %s to %s of type %s", vt, lang.WrittenName(s.Var.Name), t)
		}
		if t == nil {
			t = vt
		}
	}
	if t == nil && s.Type == nil && s.TypeOf == nil && s.Value == nil {
		t = types.Int64
	}
	ch.defineVar(s.Var, t, s)
}

// assignable reports whether a value of type v may be stored in a slot of type t.
func assignable(t, v *types.Type) bool {
	switch {
	case t.IsInt() && v.IsInt():
		return true
	case t.Kind == types.String && v.Kind == types.String:
		return true
	case t.Kind == types.Pointer && (v.Kind == types.Pointer || v.IsInt()):
		return true
	}
	return types.Equal(t, v)
}

// assign checks "target op value".
func (ch *checker) assign(s *lang.AssignStmt) {
	switch t := s.Target.(type) {
	case *lang.MapExpr:
		ch.assignMap(s, t)
	case *lang.Var:
		ch.assignVar(s, t)
	case *lang.Ident:
		if t.Name == "_" && s.Op == "=" {
			// "_ = expr" computes expr and drops its value (bpftrace 0.26).
			ch.exprStmt(&lang.ExprStmt{X: s.Value})
			return
		}
		ch.expr(s.Target)
		ch.expr(s.Value)
		ch.errorHint(s.Target, []string{"write _ = value to drop a value"}, "cannot assign to this expression: only maps and scratch variables can be assigned")
	default:
		ch.expr(s.Target)
		ch.expr(s.Value)
		ch.errorf(s.Target, "cannot assign to this expression: only maps and scratch variables can be assigned")
	}
}

func (ch *checker) assignVar(s *lang.AssignStmt, v *lang.Var) {
	if c, ok := s.Value.(*lang.Call); ok && aggFuncs[c.Name] {
		ch.errorf(c, "%s() should be directly assigned to a map", c.Name)
		return
	}
	if s.Op != "=" {
		cur := ch.varUse(v)
		vt := ch.expr(s.Value)
		ch.compound(s, cur, vt)
		return
	}
	t := ch.valueExpr(s.Value)
	ch.defineVar(v, t, s.Value)
}

// compound checks "x op= v" for an integer x.
func (ch *checker) compound(s *lang.AssignStmt, cur, v *types.Type) {
	if cur == nil || v == nil {
		return
	}
	if !cur.IsInt() && cur.Kind != types.Pointer {
		ch.errorf(s.Target, "the %s operator can not be used on expressions of type %s", s.Op, cur)
		return
	}
	if !v.IsInt() {
		ch.errorf(s.Value, "the %s operator needs an integer, not %s", s.Op, v)
	}
}

// valueExpr checks an expression whose value is stored somewhere.
func (ch *checker) valueExpr(e lang.Expr) *types.Type {
	t := ch.expr(e)
	if t == nil {
		return nil
	}
	switch t.Kind {
	case types.None:
		ch.errorf(e, "this expression has no value")
		return nil
	case types.Hist, types.Lhist, types.Stats:
		ch.errorf(e, "the value of a %s() map can only be printed with print()", t)
		return nil
	}
	if id, ok := e.(*lang.Ident); ok && id.Name == "args" {
		ch.errorHint(e, []string{"use args->field"}, "args cannot be used as a value")
		return nil
	}
	return t
}

// defineVar assigns type t to scratch variable v, unifying with earlier
// assignments in this probe.
func (ch *checker) defineVar(v *lang.Var, t *types.Type, at lang.Node) {
	ch.assigned[v.Name] = true
	if t == nil {
		return
	}
	vars := ch.vars[ch.probeIdx]
	slot := ch.slot(v)
	old := vars[slot]
	if old == nil {
		vars[slot] = t
		ch.record(v, t)
		return
	}
	u, ok := unify(old, t)
	if !ok {
		ch.errorf(at, "type mismatch for %s: trying to assign a value of type %s when the variable already holds %s", lang.WrittenName(v.Name), t, old)
		return
	}
	vars[slot] = u
	ch.record(v, u)
}

// unify returns the common type of a and b for storage, widening integers
// and strings.
func unify(a, b *types.Type) (*types.Type, bool) {
	switch {
	case a.IsBool() && b.IsBool():
		return types.Bool, true
	case a.IsInt() && b.IsInt():
		t := types.NewInt(max(a.Size, b.Size), a.Signed || b.Signed)
		if a.Enum != nil && a.Enum == b.Enum {
			// The first assignment decides: an enum stays one only while
			// every value stored is of the same enum.
			t = types.WithEnum(t, a.Enum)
		}
		return t, true
	case a.Kind == types.String && b.Kind == types.String:
		if a.Size >= b.Size {
			return a, true
		}
		return b, true
	case a.IsRecord() || b.IsRecord():
		return unifyRecords(a, b)
	case a.Kind == types.Tuple && b.Kind == types.Tuple && len(a.Elems) == len(b.Elems):
		elems := make([]*types.Type, len(a.Elems))
		for i := range elems {
			u, ok := unify(a.Elems[i], b.Elems[i])
			if !ok {
				return nil, false
			}
			elems[i] = u
		}
		return types.NewTuple(elems...), true
	case a.Kind == types.Pointer && b.Kind == types.Pointer:
		return a, true
	case a.Kind == types.Pointer && b.IsInt():
		return a, true
	case a.IsInt() && b.Kind == types.Pointer:
		return b, true
	case a.Kind == types.Buffer && b.Kind == types.Buffer:
		if a.Size >= b.Size {
			return a, true
		}
		return b, true
	case a.Kind == types.KStack && b.Kind == types.KStack, a.Kind == types.UStack && b.Kind == types.UStack:
		return a, true
	}
	if types.Equal(a, b) {
		return a, true
	}
	return nil, false
}

// unifyRecords unifies two records with the same field names, matched by
// name: the result keeps a's order, so "(b=1, a=2)" stored where
// "(a=0, b=0)" was lands field by field (bpftrace 0.26).
func unifyRecords(a, b *types.Type) (*types.Type, bool) {
	if !a.IsRecord() || !b.IsRecord() || len(a.Names) != len(b.Names) {
		return nil, false
	}
	elems := make([]*types.Type, len(a.Elems))
	for i, n := range a.Names {
		j := b.FieldIndex(n)
		if j < 0 {
			return nil, false
		}
		u, ok := unify(a.Elems[i], b.Elems[j])
		if !ok {
			return nil, false
		}
		elems[i] = u
	}
	return types.NewRecord(a.Names, elems...), true
}
