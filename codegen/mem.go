package codegen

// This file implements values that live in memory (strings, tuples,
// structs, stacks, ...): writing an expression's value to a location,
// converting between layouts, copying and comparing.

import (
	"encoding/binary"

	"github.com/cilium/ebpf/asm"

	"github.com/gtrace/gtrace/lang"
	"github.com/gtrace/gtrace/lang/types"
)

// exprTo writes e's value, in its own type, at dst.
func (g *gen) exprTo(e lang.Expr, dst loc) {
	t := g.typeOf(e)
	if scalar(t) {
		g.intExpr(e)
		g.storeInt(dst, asm.R0, t.Size)
		return
	}
	switch e := e.(type) {
	case *lang.StrLit:
		g.strLit(e.Value, dst, t.Size)
	case *lang.Positional:
		g.strLit(g.param(e), dst, t.Size)
	case *lang.Tuple:
		g.zero(dst, t.Size)
		offs := t.Offsets()
		for i, el := range e.Elems {
			g.exprAs(el, t.Elems[i], dst.at(offs[i]))
		}
	case *lang.Ternary:
		f, done := g.newLabel(), g.newLabel()
		g.condJump(e.Cond, false, f)
		g.exprAs(e.Then, t, dst)
		g.jump(done)
		g.label(f)
		g.exprAs(e.Else, t, dst)
		g.label(done)
	case *lang.Call:
		g.callTo(e, dst)
	case *lang.Ident:
		g.identTo(e, dst)
	case *lang.MapExpr:
		g.mapReadTo(e, dst)
	case *lang.Cast:
		g.exprAs(e.X, t, dst)
	case *lang.BlockExpr:
		g.stmts(e.Stmts)
		g.exprAs(e.Value, t, dst)
	case *lang.Binary:
		g.strOffset(e, dst, t)
	case *lang.Var, *lang.Field, *lang.Index, *lang.TupleIndex, *lang.Unary:
		src, done := g.ref(e)
		g.copyMem(dst, src, t.Size)
		done()
	default:
		g.fail(e, "a %s value is not supported here", t)
	}
}

// strOffset implements "string + n" on a constant string (a positional
// parameter or literal): the string without its first n bytes.
func (g *gen) strOffset(e *lang.Binary, dst loc, t *types.Type) {
	n, ok := g.constOf(e.Y)
	var s string
	switch x := e.X.(type) {
	case *lang.Positional:
		s = g.param(x)
	case *lang.StrLit:
		s = x.Value
	default:
		ok = false
	}
	if !ok || e.Op != "+" || t.Kind != types.String || n < 0 {
		g.fail(e, "operator %s is not supported on %s", e.Op, t)
	}
	g.strLit(s[min(int(n), len(s)):], dst, t.Size)
}

// param returns the text of a positional parameter ("" when missing).
func (g *gen) param(p *lang.Positional) string {
	if p.N >= 1 && p.N <= len(g.info.Params) {
		return g.info.Params[p.N-1]
	}
	return ""
}

// exprAs writes e's value converted to type t at dst.
func (g *gen) exprAs(e lang.Expr, t *types.Type, dst loc) {
	et := g.typeOf(e)
	switch {
	case scalar(t) && scalar(et):
		g.intExpr(e)
		g.storeInt(dst, asm.R0, t.Size)
		return
	case types.Equal(et, t):
		g.exprTo(e, dst)
		return
	}
	if s, ok := e.(*lang.StrLit); ok && t.Kind == types.String {
		g.strLit(s.Value, dst, t.Size)
		return
	}
	if tu, ok := e.(*lang.Tuple); ok && t.Kind == types.Tuple && len(t.Elems) == len(tu.Elems) {
		// Elements run in the order written; a record's land by name.
		g.zero(dst, t.Size)
		offs := t.Offsets()
		for i, el := range tu.Elems {
			j := elemIndex(t, tu.Names, i)
			g.exprAs(el, t.Elems[j], dst.at(offs[j]))
		}
		return
	}
	src, done := g.ref(e)
	g.convert(src, et, dst, t, e)
	done()
}

// ref returns a location holding e's value in its own type, and a function
// releasing any temporary used.
func (g *gen) ref(e lang.Expr) (loc, func()) {
	switch e := e.(type) {
	case *lang.Var:
		return g.varLoc(e), func() {}
	case *lang.Field, *lang.Index, *lang.TupleIndex:
		l, _, done := g.lvalue(e)
		return l, done
	case *lang.Unary:
		if e.Op == "*" {
			l, _, done := g.lvalue(e)
			return l, done
		}
	}
	m := g.mark()
	t := g.typeOf(e)
	l := g.alloc(t.Size)
	g.exprTo(e, l)
	return l, func() { g.release(m) }
}

// convert copies a value of type st at src to a value of type dt at dst.
func (g *gen) convert(src loc, st *types.Type, dst loc, dt *types.Type, n lang.Node) {
	switch {
	case scalar(st) && scalar(dt):
		g.loadInt(asm.R0, src, st)
		g.storeInt(dst, asm.R0, dt.Size)
	case (st.Kind == types.String || isByteArray(st)) && dt.Kind == types.String:
		c := min(st.Size, dt.Size)
		g.copyMem(dst, src, c)
		if st.Size > dt.Size {
			g.emit(storeImm(dst.base, int16(dst.off+dt.Size-1), 0, asm.Byte))
		}
		g.zeroRange(dst, c, dt.Size)
	case st.Kind == types.Tuple && dt.Kind == types.Tuple && len(st.Elems) == len(dt.Elems):
		g.zero(dst, dt.Size)
		so, do := st.Offsets(), dt.Offsets()
		for i := range st.Elems {
			j := elemIndex(dt, st.Names, i)
			g.convert(src.at(so[i]), st.Elems[i], dst.at(do[j]), dt.Elems[j], n)
		}
	case st.Size == dt.Size:
		g.copyMem(dst, src, dt.Size)
	case st.Kind == types.Buffer && dt.Kind == types.Buffer && st.Size < dt.Size:
		// A shorter buf() (its length byte, then its data) in a larger
		// slot, as the two branches of "c ? buf(a, 2) : buf(b, 3)".
		g.copyMem(dst, src, st.Size)
		g.zeroRange(dst, st.Size, dt.Size)
	default:
		g.fail(n, "cannot convert %s to %s", st, dt)
	}
}

// elemIndex is where element i of a tuple or record whose field names are
// names goes in the tuple type dt: the field of the same name in a record,
// the same position otherwise.
func elemIndex(dt *types.Type, names []string, i int) int {
	if dt.IsRecord() && names != nil {
		if j := dt.FieldIndex(names[i]); j >= 0 {
			return j
		}
	}
	return i
}

// isByteArray reports whether t is an array of bytes (uint8[N]).
func isByteArray(t *types.Type) bool {
	return t.Kind == types.Array && t.Elem != nil && t.Elem.Size == 1
}

// zeroRange zeroes bytes [from, to) of dst.
func (g *gen) zeroRange(dst loc, from, to int) {
	for i := from; i < to; {
		n := chunk(dst.off+i, to-i)
		g.emit(storeImm(dst.base, int16(dst.off+i), 0, sizeOf(n)))
		i += n
	}
}

// chunk returns the largest access size (8, 4, 2, 1) that is aligned at
// offset off and at most left bytes.
func chunk(off, left int) int {
	for _, n := range []int{8, 4, 2} {
		if left >= n && off%n == 0 {
			return n
		}
	}
	return 1
}

// copyMem copies n bytes from src to dst. The context is read with
// probe_read_kernel, since the verifier limits direct context access.
func (g *gen) copyMem(dst, src loc, n int) {
	if n <= 0 {
		return
	}
	if src.base == regCtx {
		g.addr(asm.R1, dst)
		g.emit(asm.Mov.Imm(asm.R2, int32(n)))
		g.addr(asm.R3, src)
		g.call(asm.FnProbeReadKernel)
		return
	}
	for i := 0; i < n; {
		c := chunk(src.off+i, n-i)
		c = chunk(dst.off+i, c)
		g.emit(asm.LoadMem(asm.R1, src.base, int16(src.off+i), sizeOf(c)),
			asm.StoreMem(dst.base, int16(dst.off+i), asm.R1, sizeOf(c)))
		i += c
	}
}

// strLit writes s as a NUL-terminated string of size bytes (truncated if
// needed, zero-padded) at dst.
func (g *gen) strLit(s string, dst loc, size int) {
	b := make([]byte, (size+3)&^3)
	copy(b[:max(size-1, 0)], s)
	for i := 0; i < size; {
		if size-i >= 4 && (dst.off+i)%4 == 0 {
			v := int32(binary.LittleEndian.Uint32(b[i:]))
			g.emit(storeImm(dst.base, int16(dst.off+i), int64(v), asm.Word))
			i += 4
			continue
		}
		g.emit(storeImm(dst.base, int16(dst.off+i), int64(b[i]), asm.Byte))
		i++
	}
}

// compareJumps returns where an ==/!= comparison (e.Op), tested for
// being when, goes on equal and on different operands: target, or the
// label next, which the caller places after the comparison.
func (g *gen) compareJumps(e *lang.Binary, when bool, target string) (onEq, onNe, next string) {
	next = g.newLabel()
	if (e.Op == "==") == when {
		return target, next, next
	}
	return next, target, next
}

// compareRefs runs cmp on the operands of e, in memory.
func (g *gen) compareRefs(e *lang.Binary, cmp func(a, b loc)) {
	m := g.mark()
	a, da := g.ref(e.X)
	b, db := g.ref(e.Y)
	cmp(a, b)
	db()
	da()
	g.release(m)
}

// strCompare implements == and != on strings: bytes are compared up to the
// first NUL.
func (g *gen) strCompare(e *lang.Binary, when bool, target string) {
	onEq, onNe, next := g.compareJumps(e, when, target)
	if lit, ok := e.Y.(*lang.StrLit); ok {
		g.strCmpLit(e.X, lit.Value, onEq, onNe)
	} else if lit, ok := e.X.(*lang.StrLit); ok {
		g.strCmpLit(e.Y, lit.Value, onEq, onNe)
	} else {
		g.compareRefs(e, func(a, b loc) {
			g.strCmpMem(a, g.typeOf(e.X).Size, b, g.typeOf(e.Y).Size, -1, onEq, onNe)
		})
	}
	g.label(next)
}

// bufCompare implements == and != on buffers: equal lengths and bytes.
func (g *gen) bufCompare(e *lang.Binary, when bool, target string) {
	onEq, onNe, next := g.compareJumps(e, when, target)
	g.compareRefs(e, func(a, b loc) {
		n := min(g.typeOf(e.X).Size, g.typeOf(e.Y).Size)
		for i := 0; i < n; {
			c := chunk(a.off+i, n-i)
			c = chunk(b.off+i, c)
			g.emit(asm.LoadMem(asm.R1, a.base, int16(a.off+i), sizeOf(c)),
				asm.LoadMem(asm.R2, b.base, int16(b.off+i), sizeOf(c)),
				asm.JNE.Reg(asm.R1, asm.R2, onNe))
			i += c
		}
		g.jump(onEq)
	})
	g.label(next)
}

// tupleCompare implements == and != on tuples (bpftrace 0.26): equal when
// every pair of elements is, strings compared up to their NUL.
func (g *gen) tupleCompare(e *lang.Binary, when bool, target string) {
	onEq, onNe, next := g.compareJumps(e, when, target)
	g.compareRefs(e, func(a, b loc) {
		g.tupleCmpMem(a, g.typeOf(e.X), b, g.typeOf(e.Y), onNe)
		g.jump(onEq)
	})
	g.label(next)
}

// tupleCmpMem jumps to onNe when the tuples at a and b differ, and falls
// through when they are equal.
func (g *gen) tupleCmpMem(a loc, at *types.Type, b loc, bt *types.Type, onNe string) {
	ao, bo := at.Offsets(), bt.Offsets()
	for i, x := range at.Elems {
		y := bt.Elems[i]
		ea, eb := a.at(ao[i]), b.at(bo[i])
		switch {
		case x.Kind == types.Tuple:
			g.tupleCmpMem(ea, x, eb, y, onNe)
		case x.Kind == types.String:
			next := g.newLabel()
			g.strCmpMem(ea, x.Size, eb, y.Size, -1, next, onNe)
			g.label(next)
		case scalar(x) && scalar(y):
			g.loadInt(asm.R1, ea, x)
			g.loadInt(asm.R2, eb, y)
			g.emit(asm.JNE.Reg(asm.R1, asm.R2, onNe))
		default:
			for j := 0; j < x.Size; {
				c := chunk(ea.off+j, x.Size-j)
				c = chunk(eb.off+j, c)
				g.emit(asm.LoadMem(asm.R1, ea.base, int16(ea.off+j), sizeOf(c)),
					asm.LoadMem(asm.R2, eb.base, int16(eb.off+j), sizeOf(c)),
					asm.JNE.Reg(asm.R1, asm.R2, onNe))
				j += c
			}
		}
	}
}

// strCmpLit compares the string x with a literal.
func (g *gen) strCmpLit(x lang.Expr, lit string, onEq, onNe string) {
	l, done := g.ref(x)
	defer done()
	size := g.typeOf(x).Size
	lit = truncNul(lit)
	if len(lit) > size {
		// A char array of size bytes (not NUL-terminated when full)
		// cannot hold lit.
		g.jump(onNe)
		return
	}
	// Compare the characters, then the terminating NUL if x has room.
	for i := 0; i <= len(lit) && i < size; i++ {
		c := byte(0)
		if i < len(lit) {
			c = lit[i]
		}
		g.loadByte(asm.R1, l.at(i))
		g.emit(asm.JNE.Imm(asm.R1, int32(c), onNe))
	}
	g.jump(onEq)
}

func truncNul(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return s[:i]
		}
	}
	return s
}

// loadByte loads one byte at l into r (through probe_read for the context
// when it is not directly readable).
func (g *gen) loadByte(r asm.Register, l loc) {
	g.emit(asm.LoadMem(r, l.base, int16(l.off), asm.Byte))
}

// strCmpMem compares two strings in memory byte by byte, at most limit
// bytes when limit >= 0 (strncmp).
func (g *gen) strCmpMem(a loc, sa int, b loc, sb int, limit int, onEq, onNe string) {
	n := min(sa, sb)
	if limit >= 0 {
		n = min(n, limit)
	}
	for i := 0; i < n; i++ {
		g.loadByte(asm.R1, a.at(i))
		g.loadByte(asm.R2, b.at(i))
		g.emit(asm.JNE.Reg(asm.R1, asm.R2, onNe), asm.JEq.Imm(asm.R1, 0, onEq))
	}
	if (limit < 0 || limit > n) && sa != sb {
		longer := a
		if sb > sa {
			longer = b
		}
		g.loadByte(asm.R1, longer.at(n))
		g.emit(asm.JNE.Imm(asm.R1, 0, onNe))
	}
	g.jump(onEq)
}
