package codegen

// This file implements the count cache: a keyed count() map that BPF code
// only ever counts into (no read, delete, has_key, len or loop of it in
// any probe; print, clear and zero run in the runtime) gets, besides its
// per-CPU hash, a per-CPU array of CountCacheSlots slots, each a key and
// a number n: 0 for an empty slot, else 1 + the counts of the slot's key
// not yet added to the hash. A count whose key is in its slot (by a hash
// of the key) adds 1 to n: an array lookup instead of a hash lookup,
// which is most of the cost of count(). Otherwise the count goes to the
// hash as usual, and the key takes the slot, whose old key's pending
// counts are first added to the hash. Every key in a slot is in the hash:
// the map holds the same keys, and reaches its limit on the same key, as
// without the cache. The runtime adds the pending counts of every CPU's
// slots to the hash's values when it reads the map, and empties the
// slots when it clears or zeroes the map.

import (
	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"

	"github.com/gtrace/gtrace/lang"
	"github.com/gtrace/gtrace/lang/check"
	"github.com/gtrace/gtrace/lang/types"
)

// CountCacheSlots is the number of slots of a count cache, per CPU.
const CountCacheSlots = 256

// countCacheMaxKey bounds the keys a count cache holds, in bytes.
const countCacheMaxKey = 32

// countCacheHash multiplies the key's words into the slot's hash; its top
// 8 bits pick the slot.
const countCacheHash = -0x61C8864680B583EB // 0x9E3779B97F4A7C15

// cacheable reports whether map cm may have a count cache (its uses are
// only known after generating the program: see Compile).
func cacheable(cm *check.Map) bool {
	return cm.Value.Kind == types.Count && cm.Key != nil && cm.Decl == "" &&
		cm.Key.Size > 0 && cm.Key.Size%8 == 0 && cm.Key.Size <= countCacheMaxKey
}

// addCountCache gives mi its count cache map.
func (g *gen) addCountCache(mi *mapInfo) {
	mi.Cache = "cache" + mi.SpecName
	g.prog.Spec.Maps[mi.Cache] = &ebpf.MapSpec{
		Name: "cache", Type: ebpf.PerCPUArray, KeySize: 4,
		ValueSize: uint32(CountCacheSlots * (mi.key.Size + 8)), MaxEntries: 1,
	}
}

// cachedCount implements "@m[k] = count()" for a map with a count cache.
func (g *gen) cachedCount(e *lang.MapExpr, mi *mapInfo, c *lang.Call) {
	k := g.mapKey(e, mi)
	slot := g.alloc(8) // the slot's address, kept over helper calls
	if slot.base != asm.R10 {
		// Out of stack: a map value's address cannot be kept in the
		// scratch value.
		g.countInHash(mi, c, k, nil)
		return
	}
	ks := mi.key.Size
	m := g.mark()
	zk := g.alloc(8)
	g.emit(storeImm(zk.base, int16(zk.off), 0, asm.DWord))
	g.lookup(mi.Cache, zk)
	g.release(m)
	plain, miss, done := g.newLabel(), g.newLabel(), g.newLabel()
	g.emit(asm.JEq.Imm(asm.R0, 0, plain),
		asm.Mov.Imm(asm.R1, 0),
		asm.LoadImm(asm.R3, countCacheHash, asm.DWord))
	for i := 0; i < ks; i += 8 {
		g.emit(asm.LoadMem(asm.R2, k.base, int16(k.off+i), asm.DWord),
			asm.Xor.Reg(asm.R1, asm.R2),
			asm.Mul.Reg(asm.R1, asm.R3))
	}
	g.emit(asm.RSh.Imm(asm.R1, 56),
		asm.Mul.Imm(asm.R1, int32(ks+8)),
		asm.Add.Reg(asm.R0, asm.R1),
		asm.StoreMem(slot.base, int16(slot.off), asm.R0, asm.DWord))
	for i := 0; i < ks; i += 8 {
		g.emit(asm.LoadMem(asm.R2, asm.R0, int16(i), asm.DWord),
			asm.LoadMem(asm.R3, k.base, int16(k.off+i), asm.DWord),
			asm.JNE.Reg(asm.R2, asm.R3, miss))
	}
	g.emit(asm.LoadMem(asm.R2, asm.R0, int16(ks), asm.DWord),
		asm.JEq.Imm(asm.R2, 0, miss),
		asm.Add.Imm(asm.R2, 1),
		asm.StoreMem(asm.R0, int16(ks), asm.R2, asm.DWord))
	g.jump(done)
	g.label(miss)
	g.countInHash(mi, c, k, func() { g.takeSlot(mi, k, slot) })
	g.jump(done)
	g.label(plain)
	g.countInHash(mi, c, k, nil)
	g.label(done)
}

// countInHash counts into the hash, as aggregate does, then runs counted
// (when not nil) if the key is in the hash.
func (g *gen) countInHash(mi *mapInfo, c *lang.Call, k loc, counted func()) {
	skip := g.newLabel()
	g.lookupOrInsert(mi, c, k, skip)
	g.emit(asm.LoadMem(asm.R1, asm.R0, 0, asm.DWord), asm.Add.Imm(asm.R1, 1), asm.StoreMem(asm.R0, 0, asm.R1, asm.DWord))
	if counted != nil {
		counted()
	}
	g.label(skip)
}

// takeSlot moves the pending counts of the slot at *slot to the hash and
// puts key k in the slot with none pending.
func (g *gen) takeSlot(mi *mapInfo, k loc, slot loc) {
	ks := mi.key.Size
	fill := g.newLabel()
	g.emit(asm.LoadMem(asm.R2, slot.base, int16(slot.off), asm.DWord),
		asm.LoadMem(asm.R1, asm.R2, int16(ks), asm.DWord),
		asm.JLE.Imm(asm.R1, 1, fill))
	g.mapPtr(asm.R1, mi.SpecName)
	g.call(asm.FnMapLookupElem) // R2: the slot's key
	g.emit(asm.JEq.Imm(asm.R0, 0, fill),
		asm.LoadMem(asm.R2, slot.base, int16(slot.off), asm.DWord),
		asm.LoadMem(asm.R1, asm.R2, int16(ks), asm.DWord),
		asm.Add.Imm(asm.R1, -1),
		asm.LoadMem(asm.R3, asm.R0, 0, asm.DWord),
		asm.Add.Reg(asm.R3, asm.R1),
		asm.StoreMem(asm.R0, 0, asm.R3, asm.DWord))
	g.label(fill)
	g.emit(asm.LoadMem(asm.R1, slot.base, int16(slot.off), asm.DWord))
	for i := 0; i < ks; i += 8 {
		g.emit(asm.LoadMem(asm.R2, k.base, int16(k.off+i), asm.DWord),
			asm.StoreMem(asm.R1, int16(i), asm.R2, asm.DWord))
	}
	g.emit(storeImm(asm.R1, int16(ks), 1, asm.DWord))
}
