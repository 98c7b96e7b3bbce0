package codegen

// This file implements integer expressions: every integer-valued expression
// is computed into R0, as a 64-bit value sign- or zero-extended from its
// type. Temporaries live in stack slots, so helper calls inside operands
// are safe.

import (
	"github.com/cilium/ebpf/asm"

	"github.com/gtrace/gtrace/lang"
	"github.com/gtrace/gtrace/lang/types"
)

// scalar reports whether values of t are held in a register.
func scalar(t *types.Type) bool {
	switch t.Kind {
	case types.Int, types.Pointer, types.KStack, types.Ksym, types.Username,
		types.Probe, types.Cgroup, types.Errno, types.SigName, types.SysName:
		return true
	}
	return false
}

// constOf returns the constant value of e, if the checker folded it.
func (g *gen) constOf(e lang.Expr) (int64, bool) {
	v, ok := g.info.Consts[e]
	return v, ok
}

// loadConst sets r to v.
func (g *gen) loadConst(r asm.Register, v int64) {
	if v == int64(int32(v)) {
		g.emit(asm.Mov.Imm(r, int32(v)))
		return
	}
	g.emit(asm.LoadImm(r, v, asm.DWord))
}

// intExpr computes the scalar e into R0.
func (g *gen) intExpr(e lang.Expr) {
	if v, ok := g.constOf(e); ok {
		g.loadConst(asm.R0, v)
		return
	}
	switch e := e.(type) {
	case *lang.IntLit:
		g.loadConst(asm.R0, int64(e.Value))
	case *lang.Var:
		l := g.varLoc(e)
		g.loadInt(asm.R0, l, g.typeOf(e))
	case *lang.Ident:
		g.ident(e)
	case *lang.MapExpr:
		g.mapReadInt(e, e)
	case *lang.Binary:
		g.binary(e)
	case *lang.Unary:
		g.unary(e)
	case *lang.IncDec:
		g.incDec(e)
	case *lang.Ternary:
		g.ternaryInt(e)
	case *lang.Cast:
		if g.typeOf(e).IsBool() {
			g.boolCast(e)
			return
		}
		g.intExpr(e.X)
		g.normalize(asm.R0, g.typeOf(e))
	case *lang.Call:
		g.callInt(e)
	case *lang.Field, *lang.Index, *lang.TupleIndex:
		l, t, done := g.lvalue(e)
		defer done()
		g.loadInt(asm.R0, l, t)
		if f, ok := e.(*lang.Field); ok {
			g.bitfield(f, t)
		}
	case *lang.Positional:
		g.fail(e, "positional parameter $%d is not an integer", e.N)
	case *lang.BlockExpr:
		g.stmts(e.Stmts)
		g.intExpr(e.Value)
	default:
		g.fail(e, "expression is not supported here")
	}
}

// loadInt loads a scalar of type t from l into r, extending it to 64 bits.
func (g *gen) loadInt(r asm.Register, l loc, t *types.Type) {
	size := t.Size
	if !scalar(t) {
		size = 8
	}
	switch size {
	case 1:
		g.emit(asm.LoadMem(r, l.base, int16(l.off), asm.Byte))
	case 2:
		g.emit(asm.LoadMem(r, l.base, int16(l.off), asm.Half))
	case 4:
		g.emit(asm.LoadMem(r, l.base, int16(l.off), asm.Word))
	default:
		g.emit(asm.LoadMem(r, l.base, int16(l.off), asm.DWord))
		return
	}
	if t.Signed {
		g.signExtend(r, size)
	}
}

// storeInt stores the low size bytes of r at l.
func (g *gen) storeInt(l loc, r asm.Register, size int) {
	g.emit(asm.StoreMem(l.base, int16(l.off), r, sizeOf(size)))
}

func sizeOf(n int) asm.Size {
	switch n {
	case 1:
		return asm.Byte
	case 2:
		return asm.Half
	case 4:
		return asm.Word
	}
	return asm.DWord
}

func (g *gen) signExtend(r asm.Register, size int) {
	sh := int32(64 - 8*size)
	g.emit(asm.LSh.Imm(r, sh), asm.ArSh.Imm(r, sh))
}

// normalize truncates r to t and extends it back to 64 bits.
func (g *gen) normalize(r asm.Register, t *types.Type) {
	if t.Kind != types.Int || t.Size >= 8 {
		return
	}
	if t.Signed {
		g.signExtend(r, t.Size)
		return
	}
	switch t.Size {
	case 4:
		g.emit(asm.Mov.Reg32(r, r))
	case 2:
		g.emit(asm.And.Imm(r, 0xffff))
	case 1:
		g.emit(asm.And.Imm(r, 0xff))
	}
}

// ptrScale is what pointer arithmetic multiplies by: the size of the
// pointee, 1 for non-pointers and void pointers.
func ptrScale(t *types.Type) int {
	if isPtr(t) && t.Elem != nil && t.Elem.Size > 0 {
		return t.Elem.Size
	}
	return 1
}

func isPtr(t *types.Type) bool { return t != nil && t.Kind == types.Pointer }

func isSigned(t *types.Type) bool { return t.Kind == types.Int && t.Signed }

// unsignedCmp reports whether a comparison of x and y must be unsigned:
// when a non-constant operand is a 64-bit unsigned value. All other values
// are exact in a signed 64-bit register.
func (g *gen) unsignedCmp(x, y lang.Expr) bool {
	for _, e := range []lang.Expr{x, y} {
		if _, ok := g.constOf(e); ok {
			continue
		}
		t := g.typeOf(e)
		if t.Size >= 8 && !isSigned(t) {
			return true
		}
	}
	return false
}

// operands computes x into R1 and y into R0 (or y as constant).
func (g *gen) operands(x, y lang.Expr) (imm int64, isImm bool) {
	if v, ok := g.constOf(y); ok && v == int64(int32(v)) {
		g.intExpr(x)
		g.emit(asm.Mov.Reg(asm.R1, asm.R0))
		return v, true
	}
	if simple(y) {
		g.intExpr(x)
		g.emit(asm.Mov.Reg(asm.R7, asm.R0))
		g.intExpr(y)
		g.emit(asm.Mov.Reg(asm.R1, asm.R7))
		return 0, false
	}
	m := g.mark()
	tmp := g.alloc(8)
	g.intExpr(x)
	g.storeInt(tmp, asm.R0, 8)
	g.intExpr(y)
	g.loadInt(asm.R1, tmp, types.Int64)
	g.release(m)
	return 0, false
}

// simple reports whether e computes without helper calls and without
// touching R7, so a value can wait in R7 while it runs.
func simple(e lang.Expr) bool {
	switch e := e.(type) {
	case *lang.IntLit, *lang.BoolLit, *lang.Var:
		return true
	case *lang.Cast:
		return simple(e.X)
	case *lang.Unary:
		return e.Op != "*" && simple(e.X)
	}
	return false
}

var aluOps = map[string]asm.ALUOp{
	"+": asm.Add, "-": asm.Sub, "*": asm.Mul, "&": asm.And, "|": asm.Or,
	"^": asm.Xor, "<<": asm.LSh,
}

var cmpOps = map[string][2]asm.JumpOp{
	"==": {asm.JEq, asm.JEq}, "!=": {asm.JNE, asm.JNE},
	"<": {asm.JSLT, asm.JLT}, "<=": {asm.JSLE, asm.JLE},
	">": {asm.JSGT, asm.JGT}, ">=": {asm.JSGE, asm.JGE},
}

func (g *gen) binary(e *lang.Binary) {
	switch e.Op {
	case "&&", "||":
		g.boolValue(e)
		return
	}
	if _, ok := cmpOps[e.Op]; ok {
		g.boolValue(e)
		return
	}
	t := g.typeOf(e)
	imm, isImm := g.operands(e.X, e.Y)
	if sc := ptrScale(g.typeOf(e.X)); sc != 1 && (e.Op == "+" || e.Op == "-") && !isPtr(g.typeOf(e.Y)) {
		if isImm {
			imm *= int64(sc)
			isImm = imm == int64(int32(imm))
			if !isImm {
				g.loadConst(asm.R0, imm)
			}
		} else {
			g.emit(asm.Mul.Imm(asm.R0, int32(sc)))
		}
	}
	switch e.Op {
	case "/", "%":
		if !isImm {
			g.emit(asm.Mov.Reg(asm.R2, asm.R0))
		} else {
			g.loadConst(asm.R2, imm)
		}
		var site lang.Node = e
		if isImm && imm != 0 {
			site = nil
		}
		g.divide(site, e.Op == "%", isSigned(t))
	case ">>":
		op := asm.RSh
		if isSigned(t) {
			op = asm.ArSh
		}
		g.aluApply(op, imm, isImm)
	default:
		op, ok := aluOps[e.Op]
		if !ok {
			g.fail(e, "operator %s is not supported", e.Op)
		}
		g.aluApply(op, imm, isImm)
	}
	g.normalize(asm.R0, t)
}

// aluApply computes R0 = R1 op (R0 or imm).
func (g *gen) aluApply(op asm.ALUOp, imm int64, isImm bool) {
	if isImm {
		g.emit(op.Imm(asm.R1, int32(imm)))
	} else {
		g.emit(op.Reg(asm.R1, asm.R0))
	}
	g.emit(asm.Mov.Reg(asm.R0, asm.R1))
}

// divide computes R0 = R1 / R2 (or R1 % R2). Signed division is done on
// magnitudes, since BPF before ISA v4 only divides unsigned. A division
// or modulo by zero gives 1 and an EvDivZero warning at site, as in
// bpftrace 0.26; site is nil when R2 is a non-zero constant.
func (g *gen) divide(site lang.Node, mod, signed bool) {
	done := g.newLabel()
	if site != nil {
		g.outOfLine(func(l string) asm.Instruction { return asm.JEq.Imm(asm.R2, 0, l) }, func(string) {
			id := g.addEvent(&Event{Kind: EvDivZero, Site: g.site(site)})
			m := g.mark()
			rec := g.alloc(8)
			g.emit(storeImm(rec.base, int16(rec.off), int64(id), asm.DWord))
			g.output(rec, 8)
			g.release(m)
			g.emit(asm.Mov.Imm(asm.R0, 1))
			g.jump(done)
		})
	}
	g.divideBy(mod, signed)
	g.label(done)
}

// divideBy computes R0 = R1 / R2 (or R1 % R2) for a non-zero R2.
func (g *gen) divideBy(mod, signed bool) {
	op := asm.Div
	if mod {
		op = asm.Mod
	}
	if !signed {
		g.emit(op.Reg(asm.R1, asm.R2), asm.Mov.Reg(asm.R0, asm.R1))
		return
	}
	// R3 = 1 if the result must be negated.
	posX, posY, done := g.newLabel(), g.newLabel(), g.newLabel()
	g.emit(asm.Mov.Imm(asm.R3, 0))
	g.emit(asm.JSGE.Imm(asm.R1, 0, posX), asm.Neg.Imm(asm.R1, 0), asm.Xor.Imm(asm.R3, 1))
	g.label(posX)
	if mod {
		g.emit(asm.JSGE.Imm(asm.R2, 0, posY), asm.Neg.Imm(asm.R2, 0))
	} else {
		g.emit(asm.JSGE.Imm(asm.R2, 0, posY), asm.Neg.Imm(asm.R2, 0), asm.Xor.Imm(asm.R3, 1))
	}
	g.label(posY)
	g.emit(op.Reg(asm.R1, asm.R2), asm.Mov.Reg(asm.R0, asm.R1))
	g.emit(asm.JEq.Imm(asm.R3, 0, done), asm.Neg.Imm(asm.R0, 0))
	g.label(done)
}

// boolValue materialises a condition as 0 or 1 in R0.
func (g *gen) boolValue(e lang.Expr) {
	f, done := g.newLabel(), g.newLabel()
	g.condJump(e, false, f)
	g.emit(asm.Mov.Imm(asm.R0, 1), asm.Ja.Label(done))
	g.label(f)
	g.emit(asm.Mov.Imm(asm.R0, 0))
	g.label(done)
}

// sameArrays reports whether a and b are arrays of the same length and
// element type.
func sameArrays(a, b *types.Type) bool {
	return a.Kind == types.Array && b.Kind == types.Array && a.Len == b.Len &&
		a.Elem != nil && b.Elem != nil && a.Elem.Size == b.Elem.Size && a.Elem.Kind == b.Elem.Kind
}

// condJump jumps to target when e's truth equals when; otherwise it falls
// through.
func (g *gen) condJump(e lang.Expr, when bool, target string) {
	switch e := e.(type) {
	case *lang.Binary:
		switch e.Op {
		case "&&", "||":
			g.logical(e, when, target)
			return
		}
		if ops, ok := cmpOps[e.Op]; ok {
			if g.typeOf(e.X).Kind == types.String || g.typeOf(e.Y).Kind == types.String {
				g.strCompare(e, when, target)
				return
			}
			if g.typeOf(e.X).Kind == types.Buffer && g.typeOf(e.Y).Kind == types.Buffer && (e.Op == "==" || e.Op == "!=") {
				g.bufCompare(e, when, target)
				return
			}
			if g.typeOf(e.X).Kind == types.Tuple && g.typeOf(e.Y).Kind == types.Tuple {
				g.tupleCompare(e, when, target)
				return
			}
			if sameArrays(g.typeOf(e.X), g.typeOf(e.Y)) && (e.Op == "==" || e.Op == "!=") {
				// Arrays of one type are equal when all their bytes are,
				// as bpftrace 0.17 compares them.
				g.bufCompare(e, when, target)
				return
			}
			if !scalar(g.typeOf(e.X)) || !scalar(g.typeOf(e.Y)) {
				g.fail(e, "cannot compare %s and %s", g.typeOf(e.X), g.typeOf(e.Y))
			}
			op := ops[0]
			if g.unsignedCmp(e.X, e.Y) {
				op = ops[1]
			}
			if !when {
				op = negate(op)
			}
			imm, isImm := g.operands(e.X, e.Y)
			if isImm {
				g.emit(op.Imm(asm.R1, int32(imm), target))
			} else {
				g.emit(op.Reg(asm.R1, asm.R0, target))
			}
			return
		}
	case *lang.Unary:
		if e.Op == "!" {
			g.condJump(e.X, !when, target)
			return
		}
	}
	if t := g.typeOf(e); !scalar(t) {
		g.fail(e, "a %s cannot be used as a condition", t)
	}
	g.intExpr(e)
	if when {
		g.emit(asm.JNE.Imm(asm.R0, 0, target))
	} else {
		g.emit(asm.JEq.Imm(asm.R0, 0, target))
	}
}

func (g *gen) logical(e *lang.Binary, when bool, target string) {
	and := e.Op == "&&"
	// Short-circuit: for "a && b" jumping on false, either false jumps.
	if and != when {
		g.condJump(e.X, when, target)
		g.condJump(e.Y, when, target)
		return
	}
	skip := g.newLabel()
	g.condJump(e.X, !when, skip)
	g.condJump(e.Y, when, target)
	g.label(skip)
}

func negate(op asm.JumpOp) asm.JumpOp {
	switch op {
	case asm.JEq:
		return asm.JNE
	case asm.JNE:
		return asm.JEq
	case asm.JSLT:
		return asm.JSGE
	case asm.JSGE:
		return asm.JSLT
	case asm.JSLE:
		return asm.JSGT
	case asm.JSGT:
		return asm.JSLE
	case asm.JLT:
		return asm.JGE
	case asm.JGE:
		return asm.JLT
	case asm.JLE:
		return asm.JGT
	case asm.JGT:
		return asm.JLE
	}
	return op
}

func (g *gen) unary(e *lang.Unary) {
	switch e.Op {
	case "-":
		g.intExpr(e.X)
		g.emit(asm.Neg.Imm(asm.R0, 0))
	case "~":
		g.intExpr(e.X)
		g.emit(asm.Xor.Imm(asm.R0, -1))
	case "!":
		g.boolValue(e)
		return
	case "*":
		l, t, done := g.lvalue(e)
		g.loadInt(asm.R0, l, t)
		done()
		return
	case "&":
		v, ok := e.X.(*lang.Var)
		if !ok {
			g.fail(e, "cannot take the address of this expression")
		}
		g.addr(asm.R0, g.varLoc(v))
		return
	default:
		g.fail(e, "operator %s is not supported", e.Op)
	}
	g.normalize(asm.R0, g.typeOf(e))
}

func (g *gen) ternaryInt(e *lang.Ternary) {
	f, done := g.newLabel(), g.newLabel()
	g.condJump(e.Cond, false, f)
	g.intExpr(e.Then)
	g.jump(done)
	g.label(f)
	g.intExpr(e.Else)
	g.label(done)
	g.normalize(asm.R0, g.typeOf(e))
}

// incDec implements x++, x--, ++x and --x on variables and maps.
func (g *gen) incDec(e *lang.IncDec) {
	d := int32(1)
	if e.Op == "--" {
		d = -1
	}
	t := g.typeOf(e.X)
	d *= int32(ptrScale(t))
	switch x := e.X.(type) {
	case *lang.Var:
		l := g.varLoc(x)
		g.loadInt(asm.R0, l, t)
		g.emit(asm.Mov.Reg(asm.R1, asm.R0), asm.Add.Imm(asm.R1, d))
		g.normalize(asm.R1, t)
		g.storeInt(l, asm.R1, t.Size)
		if !e.Post {
			g.emit(asm.Mov.Reg(asm.R0, asm.R1))
		}
	case *lang.MapExpr:
		g.mapIncDec(x, e, d, e.Post)
	default:
		g.fail(e, "cannot apply %s to this expression", e.Op)
	}
}

// varLoc returns the slot of a scratch variable.
func (g *gen) varLoc(v *lang.Var) loc {
	l, ok := g.fn.vars[g.slot(v)]
	if !ok {
		g.fail(v, "internal error: no slot for %s", v.Name)
	}
	if g.fn.inCallback && l.base == asm.R10 {
		// Inside a loop callback the variables stay in the program's
		// frame, reached through the pointer the callback gets.
		l.base = regParent
	}
	return l
}

// boolCast computes "(bool)x" into R0: 1 for a non-zero scalar or a
// non-empty string.
func (g *gen) boolCast(e *lang.Cast) {
	if g.typeOf(e.X).Kind == types.String {
		src, done := g.ref(e.X)
		g.emit(asm.LoadMem(asm.R0, src.base, int16(src.off), asm.Byte))
		done()
	} else {
		g.intExpr(e.X)
	}
	done := g.newLabel()
	g.emit(asm.JEq.Imm(asm.R0, 0, done), asm.Mov.Imm(asm.R0, 1))
	g.label(done)
	g.emit(asm.Mov.Reg(asm.R0, asm.R0))
}
