package codegen

// This file implements iteration over maps with bpf_for_each_map_elem
// (5.13+): "for ($kv : @m) { ... }" and len(@m). The loop body becomes a
// callback subprogram at the end of the program. The callback gets the
// program's frame pointer as its context, so the scratch variables keep
// living in the program's frame; in the callback, R6 holds that pointer
// (so builtins that need the program context are not available there), R7
// the key and R8 the value.

import (
	"fmt"

	"github.com/cilium/ebpf/asm"

	"github.com/gtrace/gtrace/lang"
	"github.com/gtrace/gtrace/lang/types"
)

// regParent is the program's frame pointer inside a callback.
const regParent = asm.R6

// callback is a subprogram generated for a loop body.
type callback struct {
	name  string
	title string
	body  asm.Instructions
	kv    bool // save key and value pointers in R7 and R8
}

// callbackPrologue returns the instructions that start callback cb.
func (g *gen) callbackPrologue(cb callback) asm.Instructions {
	pro := asm.Instructions{asm.Mov.Reg(regParent, asm.R4).WithSymbol(cb.name).WithSource(asm.Comment(cb.title))}
	if cb.kv {
		pro = append(pro, asm.Mov.Reg(asm.R7, asm.R2), asm.Mov.Reg(asm.R8, asm.R3))
	}
	if g.fn.scratchHi > 0 {
		pro = append(pro, g.scratchLookup(cb.name+"_ok")...)
	}
	return pro
}

// funcRef loads the address of subprogram name into r.
func funcRef(r asm.Register, name string) asm.Instruction {
	return asm.Instruction{OpCode: asm.LoadImmOp(asm.DWord), Dst: r, Src: asm.PseudoFunc, Constant: -1}.WithReference(name)
}

// cbState is the generator state saved while a callback is generated.
type cbState struct {
	insns      asm.Instructions
	label, src string
	dead       bool
	stackTop   int
	loops      []loopLabels
	exitLabel  string
	inCallback bool
}

// genCallback generates a callback subprogram with body and returns its
// name. Inside, break and return stop the iteration, continue goes on.
func (g *gen) genCallback(n lang.Node, kv bool, body func()) string {
	fn := g.fn
	if fn.inCallback {
		g.fail(n, "loops over maps cannot be nested")
	}
	saved := cbState{fn.insns, fn.label, fn.src, fn.dead, fn.stackTop, fn.loops, fn.exitLabel, fn.inCallback}
	savedCold := fn.cold
	name := fmt.Sprintf("%s_cb%d", fn.name, len(fn.subs))
	fn.insns, fn.label, fn.src, fn.dead, fn.cold = nil, "", "", false, nil
	fn.stackTop, fn.inCallback = stackReserve, true
	stop, next := g.newLabel(), g.newLabel()
	fn.loops, fn.exitLabel = []loopLabels{{brk: stop, cont: next}}, stop
	body()
	g.label(next)
	g.emit(asm.Mov.Imm(asm.R0, 0), asm.Return())
	if referenced(fn.insns, stop) {
		g.label(stop)
		g.emit(asm.Mov.Imm(asm.R0, 1), asm.Return())
	}
	// The callback's out-of-line paths stay in the callback.
	fn.insns, fn.cold = append(fn.insns, fn.cold...), savedCold
	fn.subs = append(fn.subs, callback{name: name, title: "loop body", body: fn.insns, kv: kv})
	fn.insns, fn.label, fn.src, fn.dead = saved.insns, saved.label, saved.src, saved.dead
	fn.stackTop, fn.loops, fn.exitLabel, fn.inCallback = saved.stackTop, saved.loops, saved.exitLabel, saved.inCallback
	return name
}

// referenced reports whether a jump in insns targets label.
func referenced(insns asm.Instructions, label string) bool {
	for _, in := range insns {
		if in.Reference() == label {
			return true
		}
	}
	return false
}

// forEach calls bpf_for_each_map_elem(map, cb, ctx, 0).
func (g *gen) forEach(mi *mapInfo, cb string, ctx loc) {
	g.mapPtr(asm.R1, mi.SpecName)
	g.emit(funcRef(asm.R2, cb))
	g.addr(asm.R3, ctx)
	g.emit(asm.Mov.Imm(asm.R4, 0))
	g.call(asm.FnForEachMapElem)
}

// forMap implements "for ($kv : @m) body".
func (g *gen) forMap(s *lang.ForStmt) {
	mi := g.mapOf(s.Map)
	kvT := g.varType(s.Var)
	if kvT.Kind != types.Tuple || len(kvT.Elems) != 2 {
		g.fail(s.Var, "internal error: %s has type %s", s.Var.Name, kvT)
	}
	cb := g.genCallback(s, true, func() {
		kv := g.varLoc(s.Var)
		offs := kvT.Offsets()
		g.copyMem(kv.at(offs[0]), loc{asm.R7, 0}, min(kvT.Elems[0].Size, mi.key.Size))
		g.copyMem(kv.at(offs[1]), loc{asm.R8, 0}, min(kvT.Elems[1].Size, mi.value.Size))
		g.loop(g.fn.loops[0].brk, g.fn.loops[0].cont, s.Body)
	})
	g.forEach(mi, cb, loc{asm.R10, 0})
}

// mapLen implements len(@m): a callback counts the entries. R0 = count.
func (g *gen) mapLen(c *lang.Call) {
	me, ok := c.Args[0].(*lang.MapExpr)
	if !ok {
		g.fail(c.Args[0], "len needs a map")
	}
	mi := g.mapOf(me)
	if mi.array {
		g.loadConst(asm.R0, 1)
		return
	}
	cb := g.genCallback(c, false, func() {
		g.emit(asm.LoadMem(asm.R1, regParent, 0, asm.DWord), asm.Add.Imm(asm.R1, 1), asm.StoreMem(regParent, 0, asm.R1, asm.DWord))
	})
	m := g.mark()
	n := g.alloc(8)
	g.emit(storeImm(n.base, int16(n.off), 0, asm.DWord))
	g.forEach(mi, cb, n)
	g.loadInt(asm.R0, n, types.Uint64)
	g.release(m)
}
