package codegen

// This file implements reads through fields, indexes and pointers:
// tracepoint args in the context, tuple elements, and struct members read
// with bpf_probe_read_kernel/user.

import (
	"github.com/cilium/ebpf/asm"

	"github.com/gtrace/gtrace/lang"
	"github.com/gtrace/gtrace/lang/probekind"
	"github.com/gtrace/gtrace/lang/types"
)

// lvalue returns where the value of a Field, Index, TupleIndex or deref
// lives, its type, and a function releasing temporaries.
func (g *gen) lvalue(e lang.Expr) (loc, *types.Type, func()) {
	t := g.typeOf(e)
	switch e := e.(type) {
	case *lang.Field:
		return g.field(e, t)
	case *lang.TupleIndex:
		xt := g.typeOf(e.X)
		if xt.Kind != types.Tuple || e.Index >= len(xt.Elems) {
			g.fail(e, "cannot index %s", xt)
		}
		l, done := g.ref(e.X)
		return l.at(xt.Offsets()[e.Index]), t, done
	case *lang.Index:
		return g.index(e, t)
	case *lang.Unary:
		if e.Op == "*" {
			g.intExpr(e.X)
			return g.readPtr(e, asm.R0, 0, t, g.typeOf(e.X))
		}
	}
	g.fail(e, "expression is not supported here")
	return loc{}, nil, nil
}

func isArgs(e lang.Expr) bool {
	id, ok := e.(*lang.Ident)
	return ok && id.Name == "args"
}

// field reads x.f or x->f.
func (g *gen) field(e *lang.Field, t *types.Type) (loc, *types.Type, func()) {
	if isArgs(e.X) {
		return g.argsField(e, t)
	}
	if xt := g.typeOf(e.X); xt.IsRecord() && !e.Arrow {
		i := xt.FieldIndex(e.Name)
		if i < 0 {
			g.fail(e, "record %s has no field %s", xt, e.Name)
		}
		l, done := g.ref(e.X)
		return l.at(xt.Offsets()[i]), t, done
	}
	xt := g.typeOf(e.X)
	switch {
	case xt.Kind == types.Pointer && xt.Elem != nil && xt.Elem.Kind == types.Struct:
		f := g.complete(xt.Elem).FieldByName(e.Name)
		if f == nil {
			g.fail(e, "struct %s has no field %s", xt.Elem.Name, e.Name)
		}
		g.intExpr(e.X)
		return g.readPtr(e, asm.R0, f.Offset, t, xt)
	case xt.Kind == types.Struct:
		f := g.complete(xt).FieldByName(e.Name)
		if f == nil {
			g.fail(e, "struct %s has no field %s", xt.Name, e.Name)
		}
		l, done := g.ref(e.X)
		return l.at(f.Offset), t, done
	}
	g.fail(e, "cannot read field %s of %s", e.Name, xt)
	return loc{}, nil, nil
}

// bitfield extracts a bitfield member from its storage unit in R0.
func (g *gen) bitfield(e *lang.Field, t *types.Type) {
	if isArgs(e.X) {
		return
	}
	st := g.typeOf(e.X)
	if st.Kind == types.Pointer && st.Elem != nil {
		st = st.Elem
	}
	if st.Kind != types.Struct {
		return
	}
	f := g.complete(st).FieldByName(e.Name)
	if f == nil || f.BitSize == 0 {
		return
	}
	if f.BitOff > 0 {
		g.emit(asm.RSh.Imm(asm.R0, int32(f.BitOff)))
	}
	if f.BitSize < 32 {
		g.emit(asm.And.Imm(asm.R0, int32(1)<<f.BitSize-1))
	} else if f.BitSize < 64 {
		g.emit(asm.LSh.Imm(asm.R0, int32(64-f.BitSize)), asm.RSh.Imm(asm.R0, int32(64-f.BitSize)))
	}
	if t.Signed && f.BitSize < 64 {
		g.signExtend64(asm.R0, f.BitSize)
	}
}

// signExtend64 sign-extends the low bits of r.
func (g *gen) signExtend64(r asm.Register, bits int) {
	sh := int32(64 - bits)
	g.emit(asm.LSh.Imm(r, sh), asm.ArSh.Imm(r, sh))
}

// complete returns the full definition of a struct that BTF left
// incomplete (Fields nil): the script's declaration, a complete struct of
// the same name the checker recorded, or Config.Struct.
func (g *gen) complete(t *types.Type) *types.Type {
	if t.Fields != nil || t.Name == "" {
		return t
	}
	if s := g.info.Structs[t.Name]; s != nil && s.Fields != nil {
		return s
	}
	if s := g.structs[t.Name]; s != nil {
		return s
	}
	var found *types.Type
	for _, et := range g.info.Types {
		for x := et; x != nil && found == nil; x = x.Elem {
			if x.Kind == types.Struct && x.Name == t.Name && x.Union == t.Union && x.Fields != nil {
				found = x
			}
		}
	}
	if s := g.info.KernelStructs[t.Name]; found == nil && s != nil && s.Fields != nil {
		found = s
	}
	if found == nil {
		return t
	}
	if g.structs == nil {
		g.structs = map[string]*types.Type{}
	}
	g.structs[t.Name] = found
	return found
}

// argsField locates a tracepoint field in the context record.
func (g *gen) argsField(e *lang.Field, t *types.Type) (loc, *types.Type, func()) {
	if g.fn.grp.sys != nil {
		return g.syscallArgsField(e, t)
	}
	args := g.argsType(e)
	f := args.FieldByName(e.Name)
	if f == nil {
		g.fail(e, "no field %s in args", e.Name)
	}
	switch g.fn.grp.provider {
	case "rawtracepoint":
		// The context is u64 args[]: every field is 8 bytes at 8*i
		// (probes widens them), the only reads the verifier allows.
		return loc{regCtx, f.Offset}, t, func() {}
	case "tracepoint":
		l := loc{regCtx, f.Offset}
		if scalar(t) && f.Offset%max(t.Size, 1) != 0 {
			// Unaligned context loads are rejected; copy first.
			m := g.mark()
			tmp := g.alloc(t.Size)
			g.copyMem(tmp, l, t.Size)
			return tmp, t, func() { g.release(m) }
		}
		return l, t, func() {}
	case "uprobe", "uretprobe":
		return g.pieces(e, f, t)
	case "kfunc", "kretfunc":
		// The context is u64 args[]: each argument at its 8-byte slot,
		// read at its own size (probes types them from BTF).
		return loc{regCtx, f.Offset}, t, func() {}
	}
	g.fail(e, "args is not supported in %s probes", g.fn.grp.provider)
	return loc{}, nil, nil
}

// pieces reads a uprobe argument from where its Pieces say: a value
// wholly in one register is read in place from pt_regs; any other is put
// together in a stack slot, from registers and the user stack.
func (g *gen) pieces(e lang.Node, f *types.Field, t *types.Type) (loc, *types.Type, func()) {
	ps := f.Pieces
	if len(ps) == 1 && ps[0].Reg != "" && ps[0].Off == 0 && ps[0].Size == t.Size {
		return loc{regCtx, g.regOffset(e, ps[0].Reg)}, t, func() {}
	}
	m := g.mark()
	size := (t.Size + 7) &^ 7 // a register piece may store a whole word
	tmp := g.alloc(size)
	g.zero(tmp, size)
	for _, p := range ps {
		dst := tmp.at(p.Off)
		if p.Reg != "" {
			g.emit(asm.LoadMem(asm.R0, regCtx, int16(g.regOffset(e, p.Reg)), asm.DWord))
			g.storeInt(dst, asm.R0, p.Size)
			continue
		}
		g.emit(asm.LoadMem(asm.R3, regCtx, int16(ptRegs["sp"]), asm.DWord))
		g.emit(asm.Add.Imm(asm.R3, int32(p.Stack)))
		g.addr(asm.R1, dst)
		g.emit(asm.Mov.Imm(asm.R2, int32(p.Size)))
		g.call(asm.FnProbeReadUser)
		g.helperErr(e, readName(spaceUser, false), checkAll)
	}
	return tmp, t, func() { g.release(m) }
}

func (g *gen) regOffset(e lang.Node, name string) int {
	off, ok := ptRegs[name]
	if !ok {
		g.fail(e, "unknown register %q", name)
	}
	return off
}

func (g *gen) argsType(n lang.Node) *types.Type {
	for _, tg := range g.fn.grp.targets {
		if tg.Args != nil {
			return tg.Args
		}
	}
	g.fail(n, "args is not available for this probe")
	return nil
}

// index reads x[i].
func (g *gen) index(e *lang.Index, t *types.Type) (loc, *types.Type, func()) {
	xt := g.typeOf(e.X)
	i, isConst := g.constOf(e.Index)
	switch xt.Kind {
	case types.Tuple:
		if !isConst || i < 0 || int(i) >= len(xt.Elems) {
			g.fail(e.Index, "a tuple index must be a constant in range")
		}
		l, done := g.ref(e.X)
		return l.at(xt.Offsets()[i]), t, done
	case types.Array:
		if !isConst {
			g.fail(e.Index, "array index must be a constant")
		}
		if i < 0 || int(i) >= xt.Len {
			g.fail(e.Index, "index %d out of range for %s", i, xt)
		}
		l, done := g.ref(e.X)
		return l.at(int(i) * xt.Elem.Size), t, done
	case types.String:
		// A character of a string value (bpftrace 0.24+); the checker
		// bounds a constant index.
		l, done := g.ref(e.X)
		if !isConst {
			return g.strIndex(e, l, xt.Size), t, done
		}
		return l.at(int(i)), t, done
	case types.Pointer, types.Int:
		elem := t.Size
		if isConst {
			g.intExpr(e.X)
			return g.readPtr(e, asm.R0, int(i)*elem, t, xt)
		}
		m := g.mark()
		tmp := g.alloc(8)
		g.intExpr(e.X)
		g.storeInt(tmp, asm.R0, 8)
		g.intExpr(e.Index)
		g.emit(asm.Mul.Imm(asm.R0, int32(elem)))
		g.loadInt(asm.R1, tmp, types.Uint64)
		g.emit(asm.Add.Reg(asm.R0, asm.R1))
		g.release(m)
		return g.readPtr(e, asm.R0, 0, t, xt)
	}
	g.fail(e, "cannot index %s", xt)
	return loc{}, nil, nil
}

// strIndex reads the character at a computed index of the string at l
// into a temporary: 0 when the index is past the string's size, which also
// bounds the read for the verifier.
func (g *gen) strIndex(e *lang.Index, l loc, size int) loc {
	out := g.alloc(8)
	g.intExpr(e.Index)
	g.emit(storeImm(out.base, int16(out.off), 0, asm.DWord))
	done := g.newLabel()
	g.emit(asm.JGE.Imm(asm.R0, int32(size), done))
	g.addr(asm.R1, l)
	g.emit(asm.Add.Reg(asm.R1, asm.R0),
		asm.LoadMem(asm.R2, asm.R1, 0, asm.Byte),
		asm.StoreMem(out.base, int16(out.off), asm.R2, asm.Byte))
	g.label(done)
	return out
}

// readPtr copies a value of type t from address (r + off) into a temporary
// with bpf_probe_read_{kernel,user}.
func (g *gen) readPtr(n lang.Node, r asm.Register, off int, t *types.Type, pt *types.Type) (loc, *types.Type, func()) {
	m := g.mark()
	tmp := g.alloc(t.Size)
	g.emit(asm.Mov.Reg(asm.R3, r))
	if off != 0 {
		g.emit(asm.Add.Imm(asm.R3, int32(off)))
	}
	g.addr(asm.R1, tmp)
	g.emit(asm.Mov.Imm(asm.R2, int32(t.Size)))
	sp := g.space(pt)
	g.call(sp.read())
	g.helperErr(n, readName(sp, false), checkAll)
	return tmp, t, func() { g.release(m) }
}

// addrSpace says which helper reads through a pointer.
type addrSpace int

const (
	spaceAny    addrSpace = iota // not known: bpf_probe_read picks by address
	spaceKernel                  // bpf_probe_read_kernel
	spaceUser                    // bpf_probe_read_user
)

// read returns the helper that copies memory from the space.
func (s addrSpace) read() asm.BuiltinFunc {
	switch s {
	case spaceUser:
		return asm.FnProbeReadUser
	case spaceKernel:
		return asm.FnProbeReadKernel
	}
	return asm.FnProbeRead
}

// readStr returns the helper that copies a string from the space.
func (s addrSpace) readStr() asm.BuiltinFunc {
	switch s {
	case spaceUser:
		return asm.FnProbeReadUserStr
	case spaceKernel:
		return asm.FnProbeReadKernelStr
	}
	return asm.FnProbeReadStr
}

// space says where a pointer of type pt points: user memory when its type
// says so or in user-space probes. Otherwise it is not known (a cast of an
// integer, a BTF pointer reached from a syscall argument...), and the
// legacy bpf_probe_read helpers decide by the address, which is exact on
// architectures with separate user and kernel address ranges (x86_64,
// arm64).
func (g *gen) space(pt *types.Type) addrSpace {
	if pt != nil && pt.Kind == types.Pointer && pt.UserSpace {
		return spaceUser
	}
	if kindHas(g.fn.grp.provider, probekind.User) {
		return spaceUser
	}
	return spaceAny
}
