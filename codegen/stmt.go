package codegen

// This file implements statements.

import (
	"github.com/cilium/ebpf/asm"

	"github.com/gtrace/gtrace/lang"
	"github.com/gtrace/gtrace/lang/types"
)

func (g *gen) block(b *lang.Block) {
	if b == nil {
		return
	}
	g.stmts(b.Stmts)
}

// stmts emits a list of statements (a block's, or a block expression's).
func (g *gen) stmts(list []lang.Stmt) {
	for _, s := range list {
		m := g.mark()
		g.stmt(s)
		g.release(m)
		if g.fn.dead && g.fn.label == "" {
			// exit, return, break or continue: the rest never runs.
			return
		}
	}
}

func (g *gen) stmt(s lang.Stmt) {
	switch s := s.(type) {
	case *lang.Block:
		g.block(s)
		return
	case *lang.IfStmt:
		g.source(s)
		g.ifStmt(s)
		return
	}
	g.source(s)
	switch s := s.(type) {
	case *lang.ExprStmt:
		g.exprStmt(s.X)
	case *lang.AssignStmt:
		g.assign(s)
	case *lang.VarDecl:
		g.varDecl(s)
	case *lang.UnrollStmt:
		g.unroll(s)
	case *lang.WhileStmt:
		g.while(s)
	case *lang.ForStmt:
		g.forStmt(s)
	case *lang.JumpStmt:
		g.jumpStmt(s)
	default:
		g.fail(s, "statement is not supported")
	}
}

// exprStmt runs an expression for its effect.
func (g *gen) exprStmt(e lang.Expr) {
	switch e := e.(type) {
	case *lang.Call:
		if g.callStmt(e) {
			return
		}
	case *lang.IncDec:
		g.incDec(e)
		return
	case *lang.BlockExpr:
		g.stmts(e.Stmts)
		if e.Value != nil {
			g.exprStmt(e.Value)
		}
		return
	case *lang.Ternary:
		// "c ? printf(...) : exit()" runs like if/else; the branches may
		// be void calls.
		els, done := g.newLabel(), g.newLabel()
		g.condJump(e.Cond, false, els)
		g.exprStmt(e.Then)
		g.jump(done)
		g.label(els)
		g.exprStmt(e.Else)
		g.label(done)
		return
	}
	t := g.typeOf(e)
	if scalar(t) {
		g.intExpr(e)
		return
	}
	m := g.mark()
	l := g.alloc(t.Size)
	g.exprTo(e, l)
	g.release(m)
}

// callStmt emits a call used as a statement; false when it is an
// expression call whose value is dropped.
func (g *gen) callStmt(c *lang.Call) bool {
	switch c.Name {
	case "printf":
		g.printf(c, EvPrintf)
	case "system":
		g.printf(c, EvSystem)
	case "cat":
		g.printf(c, EvCat)
	case "errorf":
		g.diagf(c, EvErrorf)
	case "warnf":
		g.diagf(c, EvWarnf)
	case "debugf":
		g.debugf(c)
	case "print":
		g.print(c)
	case "time":
		g.time(c)
	case "join":
		g.join(c)
	case "exit":
		g.exit(c)
	case "clear":
		g.mapEvent(c, EvClear)
	case "zero":
		g.mapEvent(c, EvZero)
	case "delete":
		g.mapDelete(c)
	case "override", "signal":
		g.callInt(c)
	default:
		return false
	}
	return true
}

// compoundOps maps "+=" to "+" and so on.
var compoundOps = map[string]string{
	"+=": "+", "-=": "-", "*=": "*", "/=": "/", "%=": "%", "<<=": "<<",
	">>=": ">>", "&=": "&", "|=": "|", "^=": "^",
}

func (g *gen) assign(s *lang.AssignStmt) {
	if s.Op != "=" {
		g.compound(s)
		return
	}
	switch t := s.Target.(type) {
	case *lang.Var:
		g.exprAs(s.Value, g.varType(t), g.varLoc(t))
	case *lang.MapExpr:
		g.mapAssign(t, s.Value)
	case *lang.Ident:
		// "_ = expr": computed, then dropped.
		g.exprStmt(s.Value)
	default:
		g.fail(s.Target, "cannot assign to this expression")
	}
}

func (g *gen) varType(v *lang.Var) *types.Type {
	if t := g.fn.probe.Vars[g.slot(v)]; t != nil {
		return t
	}
	return g.typeOf(v)
}

// slot returns the name v is stored under (see check.Probe.Slots).
func (g *gen) slot(v *lang.Var) string {
	if s, ok := g.fn.probe.Slots[v]; ok {
		return s
	}
	return v.Name
}

// compound implements "x op= y" as x = x op y on integers.
func (g *gen) compound(s *lang.AssignStmt) {
	op, ok := compoundOps[s.Op]
	if !ok {
		g.fail(s, "unknown operator %s", s.Op)
	}
	tt := g.typeOf(s.Target)
	if !scalar(tt) {
		g.fail(s.Target, "%s needs an integer, not %s", s.Op, tt)
	}
	m := g.mark()
	tmp := g.alloc(8)
	g.intExpr(s.Value)
	g.storeInt(tmp, asm.R0, 8)
	g.intExpr(s.Target)
	g.emit(asm.Mov.Reg(asm.R1, asm.R0))
	g.loadInt(asm.R0, tmp, types.Int64)
	if sc := ptrScale(tt); sc != 1 && (op == "+" || op == "-") {
		g.emit(asm.Mul.Imm(asm.R0, int32(sc)))
	}
	switch op {
	case "/", "%":
		g.emit(asm.Mov.Reg(asm.R2, asm.R0))
		g.divide(s, op == "%", isSigned(tt))
	case ">>":
		if isSigned(tt) {
			g.aluApply(asm.ArSh, 0, false)
		} else {
			g.aluApply(asm.RSh, 0, false)
		}
	default:
		g.aluApply(aluOps[op], 0, false)
	}
	g.normalize(asm.R0, tt)
	switch t := s.Target.(type) {
	case *lang.Var:
		g.storeInt(g.varLoc(t), asm.R0, g.varType(t).Size)
	case *lang.MapExpr:
		g.mapStoreInt(t)
	default:
		g.fail(s.Target, "cannot assign to this expression")
	}
	g.release(m)
}

func (g *gen) varDecl(s *lang.VarDecl) {
	l := g.varLoc(s.Var)
	t := g.varType(s.Var)
	if s.Value == nil {
		g.zero(l, t.Size)
		return
	}
	g.exprAs(s.Value, t, l)
}

func (g *gen) ifStmt(s *lang.IfStmt) {
	els, done := g.newLabel(), g.newLabel()
	g.condJump(s.Cond, false, els)
	g.block(s.Then)
	if s.Else == nil {
		g.label(els)
		return
	}
	g.jump(done)
	g.label(els)
	g.stmt(s.Else)
	g.label(done)
}

func (g *gen) unroll(s *lang.UnrollStmt) {
	n, ok := g.constOf(s.Count)
	if !ok || n < 0 || n > 100 {
		g.fail(s.Count, "unroll count must be a constant between 0 and 100")
	}
	for range n {
		g.block(s.Body)
	}
}

func (g *gen) loop(brk, cont string, body *lang.Block) {
	g.fn.loops = append(g.fn.loops, loopLabels{brk, cont})
	g.block(body)
	g.fn.loops = g.fn.loops[:len(g.fn.loops)-1]
}

func (g *gen) while(s *lang.WhileStmt) {
	top, end := g.newLabel(), g.newLabel()
	g.label(top)
	g.condJump(s.Cond, false, end)
	g.loop(end, top, s.Body)
	g.jump(top)
	g.label(end)
}

func (g *gen) forStmt(s *lang.ForStmt) {
	if s.Map != nil {
		g.forMap(s)
		return
	}
	if !g.constRange(s) {
		g.forLoop(s)
		return
	}
	// for ($i : lo..hi): $i runs from lo to hi-1. With constant bounds
	// the verifier follows the loop (5.3+).
	v := g.varLoc(s.Var)
	vt := g.varType(s.Var)
	hi := g.alloc(8)
	g.intExpr(s.Hi)
	g.storeInt(hi, asm.R0, 8)
	g.intExpr(s.Lo)
	g.storeInt(v, asm.R0, vt.Size)
	top, cont, end := g.newLabel(), g.newLabel(), g.newLabel()
	g.label(top)
	g.loadInt(asm.R1, v, vt)
	g.loadInt(asm.R2, hi, types.Int64)
	g.emit(asm.JSGE.Reg(asm.R1, asm.R2, end))
	g.loop(end, cont, s.Body)
	g.label(cont)
	g.incVar(v, vt)
	g.jump(top)
	g.label(end)
}

// constRange reports whether both bounds of range loop s are constants.
func (g *gen) constRange(s *lang.ForStmt) bool {
	_, lo := g.constOf(s.Lo)
	_, hi := g.constOf(s.Hi)
	return lo && hi
}

// incVar adds 1 to the integer variable at v.
func (g *gen) incVar(v loc, vt *types.Type) {
	g.loadInt(asm.R1, v, vt)
	g.emit(asm.Add.Imm(asm.R1, 1))
	g.storeInt(v, asm.R1, vt.Size)
}

func (g *gen) jumpStmt(s *lang.JumpStmt) {
	if s.Value != nil {
		// A probe's return value is computed for its effects and dropped.
		g.exprStmt(s.Value)
	}
	if s.Kind == lang.Return {
		g.jump(g.fn.exitLabel)
		return
	}
	if len(g.fn.loops) == 0 {
		g.fail(s, "break and continue must be inside a loop")
	}
	l := g.fn.loops[len(g.fn.loops)-1]
	if s.Kind == lang.Break {
		g.jump(l.brk)
	} else {
		g.jump(l.cont)
	}
}
