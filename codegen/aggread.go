package codegen

// This file implements reading an aggregation as a value ("@x = count();
// if (@x > 1)", "@[@c] = 1"): as in bpftrace 0.26, the value is that of
// all CPUs together, read with bpf_map_lookup_percpu_elem (5.19+) in a
// bpf_loop callback over the CPUs.

import (
	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"

	"github.com/gtrace/gtrace/lang/types"
)

// maxCPUs bounds the CPU loop of an aggregation read; the loop stops at
// the first CPU the map has no value for (the number of possible CPUs).
const maxCPUs = 8192

// perCPUMap reports whether mi is a per-CPU map, whose values read here
// must be reduced over the CPUs.
func (g *gen) perCPUMap(mi *mapInfo) bool {
	switch g.prog.Spec.Maps[mi.SpecName].Type {
	case ebpf.PerCPUArray, ebpf.PerCPUHash, ebpf.LRUCPUHash:
		return mi.agg
	}
	return false
}

// aggReadInt sets R0 to the value under key k of aggregation map mi, over
// all CPUs: the total of a count or sum, the least or greatest of a min or
// max (0 when no CPU has one), the integer average of an avg. The loop's
// context is {acc, n, key} in this frame: acc and n are the running
// value and count (or "has a value" for min and max).
func (g *gen) aggReadInt(mi *mapInfo, k loc) {
	m := g.mark()
	ctx := g.allocZero(16 + mi.key.Size)
	g.copyMem(ctx.at(16), k, mi.key.Size)
	cb := g.genCallback(cbLoop, "read "+mi.Name+" on every CPU", func() {
		g.mapPtr(asm.R1, mi.SpecName)
		g.emit(asm.Mov.Reg(asm.R2, regParent), asm.Add.Imm(asm.R2, 16), asm.Mov.Reg(asm.R3, asm.R7))
		g.call(asm.FnMapLookupPercpuElem)
		g.emit(asm.JEq.Imm(asm.R0, 0, g.fn.loops[0].brk))
		g.reduceCPU(mi.Value.Kind)
	})
	g.emit(asm.Mov.Imm(asm.R1, maxCPUs), funcRef(asm.R2, cb))
	g.addr(asm.R3, ctx)
	g.emit(asm.Mov.Imm(asm.R4, 0))
	g.call(asm.FnLoop)
	g.emit(asm.LoadMem(asm.R0, ctx.base, int16(ctx.off), asm.DWord))
	if mi.Value.Kind == types.Avg {
		g.emit(asm.LoadMem(asm.R1, ctx.base, int16(ctx.off+8), asm.DWord))
		g.signedDiv()
	}
	g.release(m)
}

// reduceCPU adds one CPU's value at R0 to the context at regParent.
func (g *gen) reduceCPU(k types.Kind) {
	p := regParent
	switch k {
	case types.Count, types.Sum:
		g.emit(asm.LoadMem(asm.R1, p, 0, asm.DWord), asm.LoadMem(asm.R2, asm.R0, 0, asm.DWord),
			asm.Add.Reg(asm.R1, asm.R2), asm.StoreMem(p, 0, asm.R1, asm.DWord))
	case types.Avg:
		// The value is {count, sum}.
		g.emit(asm.LoadMem(asm.R1, p, 0, asm.DWord), asm.LoadMem(asm.R2, asm.R0, 8, asm.DWord),
			asm.Add.Reg(asm.R1, asm.R2), asm.StoreMem(p, 0, asm.R1, asm.DWord),
			asm.LoadMem(asm.R1, p, 8, asm.DWord), asm.LoadMem(asm.R2, asm.R0, 0, asm.DWord),
			asm.Add.Reg(asm.R1, asm.R2), asm.StoreMem(p, 8, asm.R1, asm.DWord))
	case types.Min, types.Max:
		// The value is {value, set}.
		set, skip := g.newLabel(), g.newLabel()
		op := asm.JSGE // min: keep the running value when this one is >= it
		if k == types.Max {
			op = asm.JSLE
		}
		g.emit(asm.LoadMem(asm.R1, asm.R0, 8, asm.DWord), asm.JEq.Imm(asm.R1, 0, skip),
			asm.LoadMem(asm.R2, asm.R0, 0, asm.DWord),
			asm.LoadMem(asm.R1, p, 8, asm.DWord), asm.JEq.Imm(asm.R1, 0, set),
			asm.LoadMem(asm.R1, p, 0, asm.DWord), op.Reg(asm.R2, asm.R1, skip))
		g.label(set)
		g.emit(asm.StoreMem(p, 0, asm.R2, asm.DWord), storeImm(p, 8, 1, asm.DWord))
		g.label(skip)
	}
}

// signedDiv sets R0 to R0 / R1 for a signed R0 and an unsigned R1,
// rounding toward zero, and to 0 when R1 is 0 (BPF's signed division
// needs cpu v4, 6.6+).
func (g *gen) signedDiv() {
	neg, done := g.newLabel(), g.newLabel()
	g.emit(asm.JEq.Imm(asm.R1, 0, done), asm.JSLT.Imm(asm.R0, 0, neg), asm.Div.Reg(asm.R0, asm.R1))
	g.jump(done)
	g.label(neg)
	g.emit(asm.Neg.Imm(asm.R0, 0), asm.Div.Reg(asm.R0, asm.R1), asm.Neg.Imm(asm.R0, 0))
	g.label(done)
}
