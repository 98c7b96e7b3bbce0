package codegen

// This file implements script maps: keys, lookups, plain assignments,
// aggregations updated in place, deletes and failure counting.

import (
	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"

	"github.com/gtrace/gtrace/lang"
	"github.com/gtrace/gtrace/lang/check"
	"github.com/gtrace/gtrace/lang/types"
)

func (g *gen) mapOf(e *lang.MapExpr) *mapInfo {
	mi := g.maps[e.Name]
	if mi == nil {
		g.fail(e, "internal error: unknown map %s", e.Name)
	}
	mi.read = true
	return mi
}

// mapKey builds the key of e in a zeroed temporary.
func (g *gen) mapKey(e *lang.MapExpr, mi *mapInfo) loc {
	k := g.allocZero(mi.key.Size)
	switch {
	case len(e.Keys) == 0:
	case len(e.Keys) == 1:
		g.exprAs(e.Keys[0], mi.key, k)
	default:
		if mi.key.Kind != types.Tuple || len(mi.key.Elems) != len(e.Keys) {
			g.fail(e, "internal error: key of %s is %s", e.Name, mi.key)
		}
		offs := mi.key.Offsets()
		for i, ke := range e.Keys {
			g.exprAs(ke, mi.key.Elems[i], k.at(offs[i]))
		}
	}
	return k
}

// lookup sets R0 to the value of key in map spec name, or NULL.
func (g *gen) lookup(name string, key loc) {
	g.mapPtr(asm.R1, name)
	g.addr(asm.R2, key)
	g.call(asm.FnMapLookupElem)
}

// mapReadInt reads a scalar map value into R0; a missing key reads 0 (and
// is reported at site under -kk).
func (g *gen) mapReadInt(e *lang.MapExpr, site lang.Node) {
	mi := g.mapOf(e)
	m := g.mark()
	k := g.mapKey(e, mi)
	if g.perCPUMap(mi) && !g.cfg.noPerCPURead() {
		g.aggReadInt(mi, k)
		g.release(m)
		return
	}
	g.lookup(mi.SpecName, k)
	g.release(m)
	g.lookupErr(site)
	done := g.newLabel()
	g.emit(asm.JEq.Imm(asm.R0, 0, done))
	vt := mi.value
	if !scalar(vt) {
		vt = types.Int64
	}
	g.loadInt(asm.R0, loc{asm.R0, 0}, vt)
	g.label(done)
}

// mapReadTo copies a map value to dst, zero when the key is missing.
func (g *gen) mapReadTo(e *lang.MapExpr, dst loc) {
	mi := g.mapOf(e)
	t := g.typeOf(e)
	g.zero(dst, t.Size)
	m := g.mark()
	k := g.mapKey(e, mi)
	g.lookup(mi.SpecName, k)
	g.release(m)
	g.lookupErr(e)
	done := g.newLabel()
	g.emit(asm.JEq.Imm(asm.R0, 0, done))
	g.emit(asm.Mov.Reg(asm.R8, asm.R0))
	g.copyMem(dst, loc{asm.R8, 0}, min(t.Size, mi.value.Size))
	g.label(done)
}

// mapStore writes the value at val into the map under e's key.
func (g *gen) mapStore(e *lang.MapExpr, mi *mapInfo, val loc) {
	k := g.mapKey(e, mi)
	g.mapPtr(asm.R1, mi.SpecName)
	g.addr(asm.R2, k)
	g.addr(asm.R3, val)
	g.emit(asm.Mov.Imm(asm.R4, 0))
	g.call(asm.FnMapUpdateElem)
	g.helperErr(e, "map_update_elem", checkUnexpected)
	g.outOfLine(func(l string) asm.Instruction { return asm.JNE.Imm(asm.R0, 0, l) }, func(string) {
		g.countError(mi)
	})
}

// countError increments the failure counter of mi in the errors map.
func (g *gen) countError(mi *mapInfo) { g.bumpError(mi.index) }

// bumpError increments this CPU's counter i of the errors map: a map's
// index, or len(Program.Maps) for lost output records.
func (g *gen) bumpError(i int) {
	m := g.mark()
	k := g.alloc(8)
	g.emit(storeImm(k.base, int16(k.off), int64(i), asm.DWord))
	g.lookup(errorsName, k)
	g.release(m)
	skip := g.newLabel()
	g.emit(asm.JEq.Imm(asm.R0, 0, skip),
		asm.LoadMem(asm.R1, asm.R0, 0, asm.DWord),
		asm.Add.Imm(asm.R1, 1),
		asm.StoreMem(asm.R0, 0, asm.R1, asm.DWord))
	g.label(skip)
}

// mapAssign implements "@m[k] = value" for plain values.
func (g *gen) mapAssign(e *lang.MapExpr, value lang.Expr) {
	read := g.maps[e.Name] != nil && g.maps[e.Name].read
	mi := g.mapOf(e)
	if mi.agg {
		// The statements of block expressions around the call run first:
		// "@m = { let $a = 1; avg($a) }".
		for b, ok := value.(*lang.BlockExpr); ok; b, ok = b.Value.(*lang.BlockExpr) {
			g.stmts(b.Stmts)
		}
		c := check.AggOf(value)
		if c == nil {
			g.fail(value, "%s holds %s: assign an aggregation call", e.Name, mi.Value)
		}
		if c.Name == "count" {
			mi.read = read // counting into a map does not read it
			// Not in a loop: the verifier follows every iteration, and
			// the cache's branches would multiply its states.
			if mi.Cache != "" && len(g.fn.loops) == 0 {
				g.cachedCount(e, mi, c)
				return
			}
		}
		g.aggregate(e, mi, c)
		return
	}
	val := g.alloc(mi.value.Size)
	if !scalar(mi.value) {
		g.zero(val, mi.value.Size)
	}
	g.exprAs(value, mi.value, val)
	g.mapStore(e, mi, val)
}

// mapStoreInt stores R0 as the scalar value of e.
func (g *gen) mapStoreInt(e *lang.MapExpr) {
	mi := g.mapOf(e)
	val := g.alloc(8)
	g.storeInt(val, asm.R0, 8)
	if !scalar(mi.value) {
		g.fail(e, "%s does not hold an integer", e.Name)
	}
	g.mapStore(e, mi, val)
}

// mapIncDec implements @m++ and friends (site); R0 gets the expression's
// value.
func (g *gen) mapIncDec(e *lang.MapExpr, site lang.Node, d int32, post bool) {
	mi := g.mapOf(e)
	m := g.mark()
	old := g.alloc(8)
	g.mapReadInt(e, site)
	g.storeInt(old, asm.R0, 8)
	g.emit(asm.Add.Imm(asm.R0, d))
	g.normalize(asm.R0, mi.value)
	nw := g.alloc(8)
	g.storeInt(nw, asm.R0, 8)
	g.mapStore(e, mi, nw)
	if post {
		g.loadInt(asm.R0, old, types.Int64)
	} else {
		g.loadInt(asm.R0, nw, types.Int64)
	}
	g.release(m)
}

// mapDelete implements delete(@m[k]) and delete(@m, k).
func (g *gen) mapDelete(c *lang.Call) {
	if len(c.Args) == 0 {
		g.fail(c, "delete needs a map")
	}
	me, ok := c.Args[0].(*lang.MapExpr)
	if !ok {
		g.fail(c.Args[0], "delete needs a map")
	}
	if len(c.Args) > 1 {
		me = &lang.MapExpr{Name: me.Name, Keys: c.Args[1:]}
	}
	mi := g.mapOf(me)
	k := g.mapKey(me, mi)
	if mi.array {
		// An array entry cannot be deleted: zero this CPU's value.
		g.lookup(mi.SpecName, k)
		skip := g.newLabel()
		g.emit(asm.JEq.Imm(asm.R0, 0, skip))
		g.zero(loc{asm.R0, 0}, mi.value.Size)
		g.emit(asm.Mov.Imm(asm.R0, 1))
		g.label(skip)
		return
	}
	g.mapPtr(asm.R1, mi.SpecName)
	g.addr(asm.R2, k)
	g.call(asm.FnMapDeleteElem)
	g.helperErr(c, "map_delete_elem", checkUnexpected)
	g.isZero(asm.R0)
}

// isZero sets r to 1 when it is 0 and to 0 otherwise.
func (g *gen) isZero(r asm.Register) {
	yes, done := g.newLabel(), g.newLabel()
	g.emit(asm.JEq.Imm(r, 0, yes), asm.Mov.Imm(r, 0))
	g.jump(done)
	g.label(yes)
	g.emit(asm.Mov.Imm(r, 1))
	g.label(done)
}

// hasKey implements has_key(@m, k): R0 = 1 when the key is present.
func (g *gen) hasKey(c *lang.Call) {
	me, ok := c.Args[0].(*lang.MapExpr)
	if !ok {
		g.fail(c.Args[0], "has_key needs a map")
	}
	me = &lang.MapExpr{Name: me.Name, Keys: c.Args[1:]}
	mi := g.mapOf(me)
	m := g.mark()
	k := g.mapKey(me, mi)
	g.lookup(mi.SpecName, k)
	g.release(m)
	done := g.newLabel()
	g.emit(asm.JEq.Imm(asm.R0, 0, done), asm.Mov.Imm(asm.R0, 1))
	g.label(done)
}

// aggregate updates an aggregation in place: look the key up, insert a
// zero value on a miss (BPF_NOEXIST, from the zero map), then apply.
func (g *gen) aggregate(e *lang.MapExpr, mi *mapInfo, c *lang.Call) {
	var arg loc
	if len(c.Args) > 0 {
		arg = g.alloc(8)
		g.intExpr(c.Args[0])
		g.storeInt(arg, asm.R0, 8)
	}
	k := g.mapKey(e, mi)
	skip := g.newLabel()
	g.lookupOrInsert(mi, c, k, skip)
	g.emit(asm.Mov.Reg(asm.R8, asm.R0))
	if len(c.Args) > 0 {
		g.loadInt(asm.R7, arg, types.Int64)
	}
	g.applyAgg(c, mi)
	g.label(skip)
}

// lookupOrInsert leaves in R0 a pointer to the value of mi under key k,
// inserting a zero value first if k is missing; when that fails (the map
// is full) it counts the error and jumps to skip. An array's missing index
// jumps to skip too.
func (g *gen) lookupOrInsert(mi *mapInfo, c *lang.Call, k loc, skip string) {
	g.lookup(mi.SpecName, k)
	if mi.array {
		g.emit(asm.JEq.Imm(asm.R0, 0, skip))
		return
	}
	g.lookupErr(c)
	// A miss is out of line: insert a zero value, look it up again and
	// come back with the pointer.
	g.outOfLine(func(l string) asm.Instruction { return asm.JEq.Imm(asm.R0, 0, l) }, func(found string) {
		g.insertZero(mi, k)
		g.lookup(mi.SpecName, k)
		g.emit(asm.JNE.Imm(asm.R0, 0, found))
		g.countError(mi)
		g.jump(skip)
	})
}

// insertZero inserts a zero value under key k with BPF_NOEXIST.
func (g *gen) insertZero(mi *mapInfo, k loc) {
	m := g.mark()
	zk := g.alloc(8)
	g.emit(storeImm(zk.base, int16(zk.off), 0, asm.DWord))
	g.lookup(zeroName, zk)
	g.release(m)
	skip := g.newLabel()
	g.emit(asm.JEq.Imm(asm.R0, 0, skip))
	g.emit(asm.Mov.Reg(asm.R3, asm.R0))
	g.mapPtr(asm.R1, mi.SpecName)
	g.addr(asm.R2, k)
	g.emit(asm.Mov.Imm(asm.R4, int32(ebpf.UpdateNoExist)))
	g.call(asm.FnMapUpdateElem)
	g.label(skip)
}

// applyAgg updates the value at R8 with the argument in R7.
func (g *gen) applyAgg(c *lang.Call, mi *mapInfo) {
	v := asm.R8
	switch mi.Value.Kind {
	case types.Count:
		g.emit(asm.LoadMem(asm.R1, v, 0, asm.DWord), asm.Add.Imm(asm.R1, 1), asm.StoreMem(v, 0, asm.R1, asm.DWord))
	case types.Sum:
		g.emit(asm.LoadMem(asm.R1, v, 0, asm.DWord), asm.Add.Reg(asm.R1, asm.R7), asm.StoreMem(v, 0, asm.R1, asm.DWord))
	case types.Avg, types.Stats:
		g.emit(asm.LoadMem(asm.R1, v, 0, asm.DWord), asm.Add.Imm(asm.R1, 1), asm.StoreMem(v, 0, asm.R1, asm.DWord),
			asm.LoadMem(asm.R1, v, 8, asm.DWord), asm.Add.Reg(asm.R1, asm.R7), asm.StoreMem(v, 8, asm.R1, asm.DWord))
	case types.Min, types.Max:
		set, skip := g.newLabel(), g.newLabel()
		op := asm.JSGE // min: keep the old value when v >= old
		if mi.Value.Kind == types.Max {
			op = asm.JSLE
		}
		g.emit(asm.LoadMem(asm.R1, v, 8, asm.DWord), asm.JEq.Imm(asm.R1, 0, set),
			asm.LoadMem(asm.R1, v, 0, asm.DWord), op.Reg(asm.R7, asm.R1, skip))
		g.label(set)
		g.emit(asm.StoreMem(v, 0, asm.R7, asm.DWord), storeImm(v, 8, 1, asm.DWord))
		g.label(skip)
	case types.Hist:
		n := types.HistSlots(mi.Value.HistBits)
		if k := mi.Value.HistBits; k > 0 {
			g.histSlotBits(k)
		} else {
			g.histSlot()
		}
		g.bumpSlot(n - 1)
		g.addSum(n)
	case types.Lhist:
		g.lhistSlot(c, mi.Value.Lin)
		g.bumpSlot(lhistSlots(mi.Value.Lin) - 1)
		g.addSum(lhistSlots(mi.Value.Lin))
	case types.TSeries:
		g.tseries(c, mi.Value.TS)
	default:
		g.fail(c, "%s is not an aggregation", c.Name)
	}
}

// tseries records R7 in the slot of the current interval of the ring at
// R8. Intervals are counted on the wall clock (nsecs plus the offset the
// runtime stores in the globals), so they start on round times. Slot i holds {interval number, value, count} for the intervals
// whose number is i modulo the ring size. A slot still holding an older
// interval starts over.
func (g *gen) tseries(c *lang.Call, ts *types.TSSpec) {
	skip, fresh, count := g.newLabel(), g.newLabel(), g.newLabel()
	g.wallNow(c)
	g.loadConst(asm.R2, ts.Interval)
	g.emit(asm.Div.Reg(asm.R1, asm.R2),
		asm.Mov.Reg(asm.R2, asm.R1),
		asm.Mod.Imm(asm.R2, int32(ts.Intervals)),
		asm.JGE.Imm(asm.R2, int32(ts.Intervals), skip),
		asm.Mul.Imm(asm.R2, types.TSSlotSize),
		asm.Mov.Reg(asm.R3, asm.R8),
		asm.Add.Reg(asm.R3, asm.R2),
		asm.LoadMem(asm.R4, asm.R3, 0, asm.DWord),
		asm.JNE.Reg(asm.R4, asm.R1, fresh),
		asm.LoadMem(asm.R5, asm.R3, 8, asm.DWord))
	switch ts.Agg {
	case "sum", "avg":
		g.emit(asm.Add.Reg(asm.R5, asm.R7))
	case "min":
		g.emit(asm.JSGE.Reg(asm.R7, asm.R5, count), asm.Mov.Reg(asm.R5, asm.R7))
	case "max":
		g.emit(asm.JSLE.Reg(asm.R7, asm.R5, count), asm.Mov.Reg(asm.R5, asm.R7))
	default: // last
		g.emit(asm.Mov.Reg(asm.R5, asm.R7))
	}
	g.label(count)
	g.emit(asm.StoreMem(asm.R3, 8, asm.R5, asm.DWord),
		asm.LoadMem(asm.R5, asm.R3, 16, asm.DWord),
		asm.Add.Imm(asm.R5, 1),
		asm.StoreMem(asm.R3, 16, asm.R5, asm.DWord),
		asm.Ja.Label(skip))
	g.label(fresh)
	g.emit(asm.StoreMem(asm.R3, 0, asm.R1, asm.DWord),
		asm.StoreMem(asm.R3, 8, asm.R7, asm.DWord),
		storeImm(asm.R3, 16, 1, asm.DWord))
	g.label(skip)
}

// wallNow sets R1 to the wall clock in nanoseconds: the monotonic clock
// plus the offset the runtime stores in the globals, or the value of the
// Config's ClockMap (0 while it has none).
func (g *gen) wallNow(c *lang.Call) {
	if name := g.cfg.clockMap(); name != "" {
		g.clockMapNow(c, name)
		return
	}
	m := g.mark()
	wall := g.alloc(8)
	g.global(GlobalWallNs)
	g.storeInt(wall, asm.R0, 8)
	g.call(asm.FnKtimeGetNs)
	g.emit(asm.Mov.Reg(asm.R1, asm.R0))
	g.loadInt(asm.R2, wall, types.Int64)
	g.release(m)
	g.emit(asm.Add.Reg(asm.R1, asm.R2))
}

// clockMapNow sets R1 to the value of scalar map name, 0 when unset.
func (g *gen) clockMapNow(c *lang.Call, name string) {
	mi := g.maps[name]
	if mi == nil || mi.agg || mi.Key != nil || !scalar(mi.value) {
		g.fail(c, "BPFTRACE_DUMMY_TS_MAP names %s, which is not a scalar map of integers", name)
	}
	m := g.mark()
	k := g.allocZero(mi.key.Size)
	g.lookup(mi.SpecName, k)
	g.release(m)
	done := g.newLabel()
	g.emit(asm.Mov.Imm(asm.R1, 0), asm.JEq.Imm(asm.R0, 0, done))
	g.loadInt(asm.R1, loc{asm.R0, 0}, mi.value)
	g.label(done)
}

// bumpSlot increments u64 slot R1 of the value at R8, after the bounds
// check the verifier needs.
func (g *gen) bumpSlot(last int) {
	skip := g.newLabel()
	g.emit(asm.JGT.Imm(asm.R1, int32(last), skip),
		asm.LSh.Imm(asm.R1, 3),
		asm.Mov.Reg(asm.R2, asm.R8),
		asm.Add.Reg(asm.R2, asm.R1),
		asm.LoadMem(asm.R1, asm.R2, 0, asm.DWord),
		asm.Add.Imm(asm.R1, 1),
		asm.StoreMem(asm.R2, 0, asm.R1, asm.DWord))
	g.label(skip)
}

// addSum adds R7 to u64 slot i of the value at R8: the sum of the values
// a histogram has counted, which the runtime exports (Prometheus _sum).
func (g *gen) addSum(i int) {
	g.emit(asm.Mov.Reg(asm.R2, asm.R8),
		asm.Add.Imm(asm.R2, int32(i*8)),
		asm.LoadMem(asm.R1, asm.R2, 0, asm.DWord),
		asm.Add.Reg(asm.R1, asm.R7),
		asm.StoreMem(asm.R2, 0, asm.R1, asm.DWord))
}

// histSlot computes the log2 slot of R7 into R1: 0 for negatives, 1 for
// zero, 2+floor(log2(v)) otherwise; the log2 is a binary search.
func (g *gen) histSlot() {
	done, pos := g.newLabel(), g.newLabel()
	g.emit(asm.Mov.Imm(asm.R1, 0), asm.JSLT.Imm(asm.R7, 0, done),
		asm.Mov.Imm(asm.R1, 1), asm.JEq.Imm(asm.R7, 0, done))
	g.emit(asm.Mov.Reg(asm.R3, asm.R7), asm.Mov.Imm(asm.R1, 2))
	g.label(pos)
	for _, sh := range []int32{32, 16, 8, 4, 2, 1} {
		next := g.newLabel()
		g.emit(asm.Mov.Reg(asm.R2, asm.R3), asm.RSh.Imm(asm.R2, sh),
			asm.JEq.Imm(asm.R2, 0, next),
			asm.Mov.Reg(asm.R3, asm.R2), asm.Add.Imm(asm.R1, sh))
		g.label(next)
	}
	g.label(done)
}

// histSlotBits computes the slot of R7 into R1 for hist(v, k): 0 for
// negatives, v+1 below 2N (N = 2^k, one value per slot), and for
// 2^p <= v < 2^(p+1) slot (p-k+1)*N + j + 1, where j = v>>(p-k) - N is
// which of the N parts of that power v falls in.
func (g *gen) histSlotBits(k int) {
	n := int32(1) << k
	done := g.newLabel()
	g.emit(asm.Mov.Imm(asm.R1, 0), asm.JSLT.Imm(asm.R7, 0, done),
		asm.Mov.Reg(asm.R1, asm.R7), asm.Add.Imm(asm.R1, 1),
		asm.JLT.Imm(asm.R7, 2*n, done))
	g.emit(asm.Mov.Reg(asm.R3, asm.R7), asm.Mov.Imm(asm.R1, 0))
	for _, sh := range []int32{32, 16, 8, 4, 2, 1} {
		next := g.newLabel()
		g.emit(asm.Mov.Reg(asm.R2, asm.R3), asm.RSh.Imm(asm.R2, sh),
			asm.JEq.Imm(asm.R2, 0, next),
			asm.Mov.Reg(asm.R3, asm.R2), asm.Add.Imm(asm.R1, sh))
		g.label(next)
	}
	// R1 = p; R2 = p-k; R4 = j
	g.emit(asm.Mov.Reg(asm.R2, asm.R1), asm.Sub.Imm(asm.R2, int32(k)),
		asm.Mov.Reg(asm.R4, asm.R7), asm.RSh.Reg(asm.R4, asm.R2), asm.Sub.Imm(asm.R4, n),
		asm.Mov.Reg(asm.R1, asm.R2), asm.Add.Imm(asm.R1, 1), asm.LSh.Imm(asm.R1, int32(k)),
		asm.Add.Reg(asm.R1, asm.R4), asm.Add.Imm(asm.R1, 1))
	g.label(done)
}

// lhistSlot computes the linear slot of R7 into R1.
func (g *gen) lhistSlot(c *lang.Call, lin *types.LinSpec) {
	if lin == nil || lin.Step <= 0 {
		g.fail(c, "lhist needs a positive step")
	}
	n := lhistSlots(lin)
	done, above := g.newLabel(), g.newLabel()
	g.emit(asm.Mov.Imm(asm.R1, 0))
	g.loadConst(asm.R2, lin.Min)
	g.emit(asm.JSLT.Reg(asm.R7, asm.R2, done))
	g.loadConst(asm.R3, lin.Max)
	g.emit(asm.JSGE.Reg(asm.R7, asm.R3, above))
	g.emit(asm.Mov.Reg(asm.R1, asm.R7), asm.Sub.Reg(asm.R1, asm.R2))
	g.loadConst(asm.R3, lin.Step)
	g.emit(asm.Div.Reg(asm.R1, asm.R3), asm.Add.Imm(asm.R1, 1), asm.Ja.Label(done))
	g.label(above)
	g.emit(asm.Mov.Imm(asm.R1, int32(n-1)))
	g.label(done)
}
