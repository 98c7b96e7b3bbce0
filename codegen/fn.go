package codegen

// This file implements the per-program state: instruction emission, labels,
// source annotations, and the stack and scratch-map allocator.

import (
	"fmt"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/btf"

	"github.com/gtrace/gtrace/lang"
	"github.com/gtrace/gtrace/lang/check"
	"github.com/gtrace/gtrace/lang/types"
)

// stackSize is the BPF stack; stackReserve bytes at the top hold the
// scratch-map key and helper temporaries.
const (
	stackSize    = 512
	stackReserve = 8
)

// Registers with fixed roles (see doc.go).
const (
	regCtx     = asm.R6 // the program context
	regScratch = asm.R9 // base of the per-CPU scratch value, when used
)

// loc is a memory location: a base register (R10 for the stack, R9 for the
// scratch map value) and an offset.
type loc struct {
	base asm.Register
	off  int
}

func (l loc) at(d int) loc { return loc{l.base, l.off + d} }

// fnState is the state of one program being generated.
type fnState struct {
	name       string
	title      string // the probe's attach points, for the listing
	probe      *check.Probe
	grp        *group
	insns      asm.Instructions
	subs       []callback            // callback subprograms, appended at the end
	nsub       int                   // callbacks named so far
	retFlag    *loc                  // the return flag of the outermost loop callback (see loopReturn)
	loopStart  map[*lang.ForStmt]loc // first value of each bpf_loop range (see forLoop)
	label      string                // label for the next instruction
	src        string                // source comment for the next instruction
	nlabel     int
	stackTop   int // bytes of stack in use below R10
	scratch    int // bytes of scratch value in use
	scratchHi  int
	vars       map[string]loc
	loops      []loopLabels
	exitLabel  string
	inCallback bool
	dead       bool              // the next instruction is unreachable
	alias      map[string]string // label → label of the same instruction
	cold       asm.Instructions  // out-of-line paths (outOfLine), after the body
	inCold     bool              // emitting an out-of-line path
}

type loopLabels struct{ brk, cont string }

func newFn(name string, p *check.Probe, grp *group) *fnState {
	fn := &fnState{name: name, probe: p, grp: grp, stackTop: stackReserve, vars: map[string]loc{}}
	for i, a := range p.Node.Attach {
		if i > 0 {
			fn.title += ", "
		}
		fn.title += a.Raw
	}
	fn.exitLabel = fn.newLabel()
	return fn
}

func (fn *fnState) newLabel() string {
	fn.nlabel++
	return fmt.Sprintf("L%d", fn.nlabel)
}

func (g *gen) newLabel() string { return g.fn.newLabel() }

// emit appends instructions, attaching a pending label and source comment
// to the first one.
func (g *gen) emit(ins ...asm.Instruction) {
	fn := g.fn
	for _, in := range ins {
		if fn.dead && fn.label == "" {
			// Unreachable: the verifier rejects dead code.
			continue
		}
		fn.dead = in.OpCode.JumpOp() == asm.Ja || in.OpCode.JumpOp() == asm.Exit
		if fn.label != "" {
			in = in.WithSymbol(fn.label)
			fn.label = ""
		}
		if fn.src != "" {
			in = in.WithSource(asm.Comment(fn.src))
			fn.src = ""
		}
		fn.insns = append(fn.insns, in)
	}
}

// label attaches l to the next emitted instruction. Two labels in a row are
// separated by a no-op jump, since an instruction holds one symbol.
func (g *gen) label(l string) {
	fn := g.fn
	if fn.label != "" {
		// Both labels name the next instruction: l becomes an alias,
		// resolved when the program is assembled.
		if fn.alias == nil {
			fn.alias = map[string]string{}
		}
		fn.alias[l] = fn.label
		l = fn.label
	}
	fn.label = l
	if n := len(fn.insns); n > 0 {
		// Drop a jump to the very next instruction.
		last := fn.insns[n-1]
		if last.OpCode.JumpOp() == asm.Ja && fn.resolve(last.Reference()) == l && last.Symbol() == "" {
			fn.insns = fn.insns[:n-1]
			if src := last.Source(); src != nil && fn.src == "" {
				fn.src = src.String()
			}
		}
	}
}

// resolve follows label aliases.
func (fn *fnState) resolve(l string) string {
	for {
		t, ok := fn.alias[l]
		if !ok {
			return l
		}
		l = t
	}
}

// resolveRefs rewrites jumps to aliased labels.
func (fn *fnState) resolveRefs(insns asm.Instructions) {
	if len(fn.alias) == 0 {
		return
	}
	for i, in := range insns {
		if r := in.Reference(); r != "" {
			if t := fn.resolve(r); t != r {
				insns[i] = in.WithReference(t)
			}
		}
	}
}

func (g *gen) jump(l string) { g.emit(asm.Ja.Label(l)) }

// outOfLine emits the conditional jump jumpTo(label) to body, which is
// placed after the function's exit and jumps back to the instruction after
// the jump. Rare paths (failed helpers) go there so that the common path
// falls through: the verifier then keeps one pending state per check in
// a loop iteration, not one per branch of the rare path, and bounded
// loops of thousands of iterations stay under its limit of 8192 pending
// jumps.
//
// body gets the label of the instruction after the jump, to return early.
func (g *gen) outOfLine(jumpTo func(label string) asm.Instruction, body func(back string)) {
	fn := g.fn
	if fn.dead && fn.label == "" {
		// Unreachable: an out-of-line path nobody jumps to would be
		// rejected as dead code.
		return
	}
	cold, back := g.newLabel(), g.newLabel()
	g.emit(jumpTo(cold))
	if fn.inCold {
		// Already out of line: the path stays where it is.
		g.jump(back)
		g.label(cold)
		body(back)
		g.label(back)
		return
	}
	insns, label, src, dead := fn.insns, fn.label, fn.src, fn.dead
	fn.insns, fn.label, fn.src, fn.dead, fn.inCold = fn.cold, "", "", false, true
	g.label(cold)
	body(back)
	g.jump(back)
	fn.cold = fn.insns
	fn.insns, fn.label, fn.src, fn.dead, fn.inCold = insns, label, src, dead, false
	g.label(back)
}

// source sets the comment of the next instruction to the text of n.
func (g *gen) source(n lang.Node) {
	s := n.Span()
	src := g.f.Src
	if !s.Start.IsValid() || s.End.Offset > len(src) || s.Start.Offset >= s.End.Offset {
		return
	}
	text := src[s.Start.Offset:s.End.Offset]
	if i := strings.IndexByte(text, '\n'); i >= 0 {
		text = text[:i]
	}
	if i := strings.IndexByte(text, '{'); i > 0 {
		if _, ok := n.(lang.Stmt); ok {
			switch n.(type) {
			case *lang.IfStmt, *lang.WhileStmt, *lang.ForStmt, *lang.UnrollStmt:
				text = text[:i]
			}
		}
	}
	g.fn.src = strings.TrimSpace(text)
}

// mark is a saved allocator state; release returns to it.
type mark struct{ stack, scratch int }

func (g *gen) mark() mark { return mark{g.fn.stackTop, g.fn.scratch} }

func (g *gen) release(m mark) { g.fn.stackTop, g.fn.scratch = m.stack, m.scratch }

// alloc reserves size bytes, 8-aligned, on the stack, or in the per-CPU
// scratch value when the stack is full.
func (g *gen) alloc(size int) loc {
	fn := g.fn
	size = (max(size, 1) + 7) &^ 7
	if fn.stackTop+size <= stackSize {
		fn.stackTop += size
		return loc{asm.R10, -fn.stackTop}
	}
	l := loc{regScratch, fn.scratch}
	fn.scratch += size
	fn.scratchHi = max(fn.scratchHi, fn.scratch)
	return l
}

// allocZero allocates and zeroes a buffer.
func (g *gen) allocZero(size int) loc {
	l := g.alloc(size)
	g.zero(l, (max(size, 1)+7)&^7)
	return l
}

// zero stores zeros over size bytes at l, in aligned chunks.
func (g *gen) zero(l loc, size int) { g.zeroRange(l, 0, size) }

// addr puts the address of l in register r.
func (g *gen) addr(r asm.Register, l loc) {
	g.emit(asm.Mov.Reg(r, l.base))
	if l.off != 0 {
		g.emit(asm.Add.Imm(r, int32(l.off)))
	}
}

// mapPtr loads a pointer to the map spec name into r.
func (g *gen) mapPtr(r asm.Register, name string) {
	g.emit(asm.LoadMapPtr(r, 0).WithReference(name))
}

// call calls a helper.
func (g *gen) call(fn asm.BuiltinFunc) { g.emit(fn.Call()) }

// assemble returns the finished instruction stream: the prologue (context
// register, scratch value pointer), the body and the callbacks.
func (g *gen) assemble() asm.Instructions {
	fn := g.fn
	// The kernel wants line info on the first instruction when any has it.
	pro := asm.Instructions{asm.Mov.Reg(regCtx, asm.R1).WithSymbol(fn.name).WithSource(asm.Comment(fn.title))}
	if fn.scratchHi > 0 {
		pro = append(pro, g.scratchLookup("scratch_ok")...)
	}
	fn.insns = append(fn.insns, fn.cold...)
	fn.cold = nil
	fn.resolveRefs(fn.insns)
	for _, cb := range fn.subs {
		fn.resolveRefs(cb.body)
	}
	if len(fn.subs) > 0 {
		// With subprograms the kernel wants BTF func info for each.
		pro[0] = btf.WithFuncMetadata(pro[0], funcInfo(fn.name, btf.GlobalFunc, "ctx"))
	}
	out := append(pro, fn.insns...)
	for _, cb := range fn.subs {
		cp := g.callbackPrologue(cb)
		cp[0] = btf.WithFuncMetadata(cp[0], funcInfo(cb.name, btf.StaticFunc, cb.params()...))
		out = append(out, cp...)
		out = append(out, cb.body...)
	}
	return out
}

// funcInfo describes a function "long name(void *params...)" for BTF.
func funcInfo(name string, linkage btf.FuncLinkage, params ...string) *btf.Func {
	voidPtr := &btf.Pointer{Target: &btf.Void{}}
	proto := &btf.FuncProto{Return: &btf.Int{Name: "long", Size: 8, Encoding: btf.Signed}}
	for _, p := range params {
		proto.Params = append(proto.Params, btf.FuncParam{Name: p, Type: voidPtr})
	}
	return &btf.Func{Name: name, Type: proto, Linkage: linkage}
}

// scratchLookup loads the scratch value pointer into R9, returning 0 from
// the (sub)program if the lookup fails. ok names the continuation label.
func (g *gen) scratchLookup(ok string) asm.Instructions {
	fn := g.fn
	sname := "scratch_" + fn.name
	g.prog.Spec.Maps[sname] = &ebpf.MapSpec{Name: truncName(sname), Type: ebpf.PerCPUArray, KeySize: 4, ValueSize: uint32(fn.scratchHi), MaxEntries: 1}
	return asm.Instructions{
		storeImm(asm.R10, -8, 0, asm.DWord),
		asm.LoadMapPtr(asm.R1, 0).WithReference(sname),
		asm.Mov.Reg(asm.R2, asm.R10),
		asm.Add.Imm(asm.R2, -8),
		asm.FnMapLookupElem.Call(),
		asm.JNE.Imm(asm.R0, 0, ok),
		asm.Mov.Imm(asm.R0, 0),
		asm.Return(),
		asm.Mov.Reg(regScratch, asm.R0).WithSymbol(ok),
	}
}

// truncName keeps a kernel object name within 15 characters.
func truncName(s string) string {
	if len(s) > 15 {
		return s[:15]
	}
	return s
}

// initVars allocates and zeroes a slot for every scratch variable of the
// probe, so that reads before writes see zero and the verifier sees
// initialised stack.
func (g *gen) initVars(p *check.Probe) {
	names := make([]string, 0, len(p.Vars))
	for n := range p.Vars {
		names = append(names, n)
	}
	sortStrings(names)
	for _, n := range names {
		t := p.Vars[n]
		l := g.allocZero(t.Size)
		g.fn.vars[n] = l
	}
	g.initLoopStarts(p)
}

// initLoopStarts allocates, in the program's frame, the first value of
// every range loop that runs through bpf_loop (see forLoop): the loop's
// callback, however deeply nested, reaches it there.
func (g *gen) initLoopStarts(p *check.Probe) {
	if p.Node.Body == nil {
		return
	}
	lang.Inspect(p.Node.Body, func(n lang.Node) bool {
		if s, ok := n.(*lang.ForStmt); ok && s.Map == nil && !g.constRange(s) {
			if g.fn.loopStart == nil {
				g.fn.loopStart = map[*lang.ForStmt]loc{}
			}
			g.fn.loopStart[s] = g.alloc(8)
		}
		return true
	})
}

func (g *gen) typeOf(e lang.Expr) *types.Type {
	t := g.info.Types[e]
	if t == nil {
		g.fail(e, "internal error: no type for expression")
	}
	return t
}

// storeImm is *(size *)(dst + off) = value. asm.StoreImm refuses DWord
// (the immediate is 32 bits, sign-extended), which the kernel accepts.
func storeImm(dst asm.Register, off int16, value int64, size asm.Size) asm.Instruction {
	return asm.Instruction{OpCode: asm.StoreImmOp(size), Dst: dst, Offset: off, Constant: value}
}
