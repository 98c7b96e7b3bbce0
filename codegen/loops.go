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

// cbKind is the helper a callback is written for, which decides its
// arguments.
type cbKind int

const (
	cbMapElem  cbKind = iota // bpf_for_each_map_elem(map, key, value, ctx), key and value kept in R7 and R8
	cbMapCount               // bpf_for_each_map_elem, key and value unused
	cbLoop                   // bpf_loop(index, ctx), index kept in R7
)

// callback is a subprogram generated for a loop body.
type callback struct {
	name  string
	title string
	body  asm.Instructions
	kind  cbKind
}

// params names the callback's arguments for its BTF function info.
func (cb callback) params() []string {
	if cb.kind == cbLoop {
		return []string{"index", "ctx"}
	}
	return []string{"map", "key", "value", "ctx"}
}

// callbackPrologue returns the instructions that start callback cb.
func (g *gen) callbackPrologue(cb callback) asm.Instructions {
	ctx := asm.R4
	if cb.kind == cbLoop {
		ctx = asm.R2
	}
	pro := asm.Instructions{asm.Mov.Reg(regParent, ctx).WithSymbol(cb.name).WithSource(asm.Comment(cb.title))}
	switch cb.kind {
	case cbMapElem:
		pro = append(pro, asm.Mov.Reg(asm.R7, asm.R2), asm.Mov.Reg(asm.R8, asm.R3))
	case cbLoop:
		pro = append(pro, asm.Mov.Reg(asm.R7, asm.R1))
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
	cold       asm.Instructions
}

// genCallback generates a callback subprogram of kind k with body and
// returns its name; title heads it in listings. Inside, break stops the
// iteration (the callback returns 1), continue goes on (it returns 0), and
// return and exit() also set the loop's return flag (see loopReturn)
// before stopping. Loop bodies nest: each gets the program's frame
// pointer as its context.
func (g *gen) genCallback(k cbKind, title string, body func()) string {
	fn := g.fn
	saved := cbState{fn.insns, fn.label, fn.src, fn.dead, fn.stackTop, fn.loops, fn.exitLabel, fn.inCallback, fn.cold}
	fn.nsub++
	name := fmt.Sprintf("%s_cb%d", fn.name, fn.nsub)
	fn.insns, fn.label, fn.src, fn.dead, fn.cold = nil, "", "", false, nil
	fn.stackTop, fn.inCallback = stackReserve, true
	stop, cont, ret := g.newLabel(), g.newLabel(), g.newLabel()
	fn.loops, fn.exitLabel = []loopLabels{{brk: stop, cont: cont}}, ret
	body()
	if !(fn.dead && fn.label == "") || referenced(fn, cont) {
		g.label(cont)
		g.emit(asm.Mov.Imm(asm.R0, 0), asm.Return())
	}
	if referenced(fn, ret) {
		g.label(ret)
		flag := g.parentLoc(*fn.retFlag)
		g.emit(storeImm(flag.base, int16(flag.off), 1, asm.DWord))
		g.jump(stop)
	}
	if referenced(fn, stop) {
		g.label(stop)
		g.emit(asm.Mov.Imm(asm.R0, 1), asm.Return())
	}
	// The callback's out-of-line paths stay in the callback.
	fn.insns = append(fn.insns, fn.cold...)
	fn.subs = append(fn.subs, callback{name: name, title: title, body: fn.insns, kind: k})
	fn.insns, fn.label, fn.src, fn.dead, fn.cold = saved.insns, saved.label, saved.src, saved.dead, saved.cold
	fn.stackTop, fn.loops, fn.exitLabel, fn.inCallback = saved.stackTop, saved.loops, saved.exitLabel, saved.inCallback
	return name
}

// referenced reports whether a jump of the callback being generated
// targets label.
func referenced(fn *fnState, label string) bool {
	for _, insns := range []asm.Instructions{fn.insns, fn.cold} {
		for _, in := range insns {
			if in.Reference() == label {
				return true
			}
		}
	}
	return false
}

// parentLoc returns l, a location in the program's frame, as seen from
// the code being generated (through regParent inside a callback).
func (g *gen) parentLoc(l loc) loc {
	if g.fn.inCallback && l.base == asm.R10 {
		l.base = regParent
	}
	return l
}

// frameCtx is the context every callback gets: the program's frame.
func (g *gen) frameCtx() loc {
	if g.fn.inCallback {
		return loc{regParent, 0}
	}
	return loc{asm.R10, 0}
}

// loopReturn prepares the return flag of a loop whose body has a return
// or exit(): a callback cannot end the program itself, so it sets the
// flag in the program's frame and stops the iteration, and the code after
// the helper call checks the flag. It returns a func to call after the
// helper, or nil when the body needs no flag.
func (g *gen) loopReturn(body *lang.Block) func() {
	if !endsProbe(body) {
		return nil
	}
	fn := g.fn
	if !fn.inCallback {
		flag := g.alloc(8)
		g.emit(storeImm(flag.base, int16(flag.off), 0, asm.DWord))
		fn.retFlag = &flag
	}
	return func() {
		flag := g.parentLoc(*fn.retFlag)
		g.emit(asm.LoadMem(asm.R1, flag.base, int16(flag.off), asm.DWord), asm.JNE.Imm(asm.R1, 0, fn.exitLabel))
	}
}

// endsProbe reports whether body has a return statement or an exit() call.
func endsProbe(body *lang.Block) bool {
	found := false
	lang.Inspect(body, func(n lang.Node) bool {
		switch n := n.(type) {
		case *lang.JumpStmt:
			found = found || n.Kind == lang.Return
		case *lang.Call:
			found = found || n.Name == "exit"
		}
		return !found
	})
	return found
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
	after := g.loopReturn(s.Body)
	cb := g.genCallback(cbMapElem, "loop body", func() {
		kv := g.varLoc(s.Var)
		offs := kvT.Offsets()
		g.copyMem(kv.at(offs[0]), loc{asm.R7, 0}, min(kvT.Elems[0].Size, mi.key.Size))
		if g.perCPUMap(mi) && scalar(kvT.Elems[1]) && !g.cfg.noPerCPURead() {
			// The value of all CPUs, as when the map is read
			// (bpftrace 0.26), not this CPU's share.
			g.aggReadInt(mi, loc{asm.R7, 0})
			g.storeInt(kv.at(offs[1]), asm.R0, kvT.Elems[1].Size)
		} else {
			g.copyMem(kv.at(offs[1]), loc{asm.R8, 0}, min(kvT.Elems[1].Size, mi.value.Size))
		}
		g.loop(g.fn.loops[0].brk, g.fn.loops[0].cont, s.Body)
	})
	g.forEach(mi, cb, g.frameCtx())
	if after != nil {
		after()
	}
}

// forLoop implements "for ($i : lo..hi) body" whose bounds are not
// constants with bpf_loop (5.17+): the verifier could not follow a loop
// bounded by a run-time value. The bounds are read once, before the first
// iteration; the callback sets $i to lo plus its index, a value the
// verifier does not know, so that its states converge however the body
// tests $i.
func (g *gen) forLoop(s *lang.ForStmt) {
	vt := g.varType(s.Var)
	start, ok := g.fn.loopStart[s]
	if !ok {
		g.fail(s, "internal error: no slot for the range")
	}
	start = g.parentLoc(start)
	g.intExpr(s.Lo)
	g.storeInt(start, asm.R0, 8)
	g.intExpr(s.Hi)
	g.loadInt(asm.R1, start, types.Int64)
	g.emit(asm.Sub.Reg(asm.R0, asm.R1))
	run := g.newLabel()
	g.emit(asm.JSGT.Imm(asm.R0, 0, run), asm.Mov.Imm(asm.R0, 0))
	g.label(run)
	m := g.mark()
	n := g.alloc(8)
	g.storeInt(n, asm.R0, 8)
	after := g.loopReturn(s.Body)
	cb := g.genCallback(cbLoop, "loop body", func() {
		st := g.parentLoc(g.fn.loopStart[s])
		g.loadInt(asm.R0, st, types.Int64)
		g.emit(asm.Add.Reg(asm.R0, asm.R7))
		g.storeInt(g.varLoc(s.Var), asm.R0, vt.Size)
		g.loop(g.fn.loops[0].brk, g.fn.loops[0].cont, s.Body)
	})
	g.loadInt(asm.R1, n, types.Int64)
	g.emit(funcRef(asm.R2, cb))
	g.addr(asm.R3, g.frameCtx())
	g.emit(asm.Mov.Imm(asm.R4, 0))
	g.call(asm.FnLoop)
	if after != nil {
		after()
	}
	g.release(m)
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
	cb := g.genCallback(cbMapCount, "len: count the keys", func() {
		// An atomic add leaves the count unknown to the verifier: with a
		// load, add and store it tracks the exact count through every
		// callback iteration, and a later "if (len(@m) > 1)" makes each
		// count a new state until the program is "too large".
		g.emit(asm.Mov.Imm(asm.R1, 1), asm.AddAtomic.Mem(regParent, asm.R1, asm.DWord, 0))
	})
	m := g.mark()
	n := g.alloc(8)
	g.emit(storeImm(n.base, int16(n.off), 0, asm.DWord))
	g.forEach(mi, cb, n)
	g.loadInt(asm.R0, n, types.Uint64)
	g.release(m)
}
