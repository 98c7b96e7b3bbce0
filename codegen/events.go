package codegen

// This file implements output: each call site that prints gets an Event,
// and writes {u64 id; args as a tuple} to the ring buffer.

import (
	"strings"

	"github.com/cilium/ebpf/asm"

	"github.com/gtrace/gtrace/lang"
	"github.com/gtrace/gtrace/lang/fmtspec"
	"github.com/gtrace/gtrace/lang/types"
)

// addEvent registers an event and returns its id.
func (g *gen) addEvent(ev *Event) int {
	ev.ID = len(g.prog.Events)
	g.prog.Events = append(g.prog.Events, ev)
	return ev.ID
}

// emitRecord writes a record of event ev with the values of args.
func (g *gen) emitRecord(ev *Event, args []lang.Expr) {
	for _, a := range args {
		ev.Args = append(ev.Args, g.typeOf(a))
	}
	id := g.addEvent(ev)
	tup := types.NewTuple(ev.Args...)
	size := 8 + tup.Size
	m := g.mark()
	rec := g.alloc(size)
	g.emit(storeImm(rec.base, int16(rec.off), int64(id), asm.DWord))
	g.zero(rec.at(8), (size+7)&^7-8)
	offs := tup.Offsets()
	for i, a := range args {
		g.exprTo(a, rec.at(8+offs[i]))
	}
	g.output(rec, size)
	g.release(m)
}

// output calls bpf_ringbuf_output(ringbuf, rec, size, 0); a failure (the
// ring buffer is full) is counted in the lost-events slot of the errors map.
func (g *gen) output(rec loc, size int) {
	g.mapPtr(asm.R1, ringBufName)
	g.addr(asm.R2, rec)
	g.emit(asm.Mov.Imm(asm.R3, int32(size)), asm.Mov.Imm(asm.R4, 0))
	g.call(asm.FnRingbufOutput)
	g.outOfLine(func(l string) asm.Instruction { return asm.JNE.Imm(asm.R0, 0, l) }, func(string) {
		g.bumpError(len(g.prog.Maps))
	})
}

// Default formats.
const (
	defaultTimeFmt = "%H:%M:%S\n"
	defaultJoinSep = " "
)

// joinMax is how many argv entries join() reads.
const joinMax = 16

func (g *gen) printf(c *lang.Call, kind EventKind) {
	f := g.strArg(c, 0)
	g.emitRecord(&Event{Kind: kind, Format: f}, c.Args[1:])
}

// diagf is errorf() and warnf(): a printf whose text the runtime prints
// to stderr as an error or warning at the call's place in the script.
func (g *gen) diagf(c *lang.Call, kind EventKind) {
	f := g.strArg(c, 0)
	g.emitRecord(&Event{Kind: kind, Format: f, Site: g.site(c)}, c.Args[1:])
}

// debugf calls bpf_trace_printk(fmt, size, args...): the kernel formats
// the message into the tracing buffer. Integer conversions without a
// length read 64 bits ("%d" becomes "%lld"); a string argument is passed
// as the address of its copy on the stack.
func (g *gen) debugf(c *lang.Call) {
	f := debugfFormat(g.strArg(c, 0))
	m := g.mark()
	fl := g.alloc(len(f) + 1)
	g.strLit(f, fl, len(f)+1)
	args := c.Args[1:]
	slots := make([]loc, len(args))
	for i, a := range args {
		t := g.typeOf(a)
		if scalar(t) {
			slots[i] = g.alloc(8)
			g.intExpr(a)
			g.storeInt(slots[i], asm.R0, 8)
			continue
		}
		slots[i] = g.allocZero(t.Size)
		g.exprTo(a, slots[i])
	}
	g.addr(asm.R1, fl)
	g.emit(asm.Mov.Imm(asm.R2, int32(len(f)+1)))
	for i, a := range args {
		r := asm.R3 + asm.Register(i)
		if scalar(g.typeOf(a)) {
			g.loadInt(r, slots[i], types.Int64)
		} else {
			g.addr(r, slots[i])
		}
	}
	g.call(asm.FnTracePrintk)
	g.release(m)
}

// debugfFormat gives the integer conversions of a debugf format without a
// length modifier the 64-bit one.
func debugfFormat(f string) string {
	var b strings.Builder
	last := 0
	for i := 0; i < len(f); i++ {
		if f[i] != '%' {
			continue
		}
		if strings.HasPrefix(f[i:], "%%") {
			i++
			continue
		}
		sp, n := fmtspec.Parse(f[i:])
		if n == 0 {
			continue
		}
		if sp.Bits == 0 && strings.Contains("diuxX", sp.Verb) {
			b.WriteString(f[last : i+n-1])
			b.WriteString("ll" + sp.Verb)
			last = i + n
		}
		i += n - 1
	}
	b.WriteString(f[last:])
	return b.String()
}

func (g *gen) print(c *lang.Call) {
	if len(c.Args) == 0 {
		g.fail(c, "print needs an argument")
	}
	if me, ok := c.Args[0].(*lang.MapExpr); ok && len(me.Keys) == 0 {
		{
			ev := &Event{Kind: EvPrintMap, Map: me.Name}
			if len(c.Args) > 1 {
				ev.Top = g.constArg(c.Args[1])
			}
			if len(c.Args) > 2 {
				ev.Div = g.constArg(c.Args[2])
			}
			g.emitRecord(ev, nil)
			return
		}
	}
	g.emitRecord(&Event{Kind: EvPrint}, c.Args[:1])
}

func (g *gen) constArg(e lang.Expr) int64 {
	v, ok := g.constOf(e)
	if !ok {
		g.fail(e, "argument must be a constant")
	}
	return v
}

func (g *gen) mapEvent(c *lang.Call, kind EventKind) {
	me, ok := c.Args[0].(*lang.MapExpr)
	if !ok || len(c.Args) != 1 {
		g.fail(c, "%s needs one map", c.Name)
	}
	g.emitRecord(&Event{Kind: kind, Map: me.Name}, nil)
}

func (g *gen) time(c *lang.Call) {
	f := defaultTimeFmt
	if len(c.Args) > 0 {
		f = g.strArg(c, 0)
	}
	g.emitRecord(&Event{Kind: EvTime, Format: f}, nil)
}

func (g *gen) exit(c *lang.Call) {
	g.setExited()
	g.emitRecord(&Event{Kind: EvExit}, c.Args)
	g.jump(g.fn.exitLabel)
}

// callsExit reports whether f calls exit() anywhere.
func callsExit(f *lang.File) bool {
	found := false
	for _, p := range f.Probes {
		lang.Inspect(p, func(n lang.Node) bool {
			if c, ok := n.(*lang.Call); ok && c.Name == "exit" {
				found = true
			}
			return !found
		})
	}
	return found
}

// exitGate leaves the program when exit() has run: the runtime stops the
// probes only when it reads exit's record, and until then a probe that
// fires again (an interval of 1ms, a busy tracepoint) would still change
// maps and print. BEGIN runs before any other probe and END after exit()
// by design: they have no gate. Only scripts that call exit() pay for it.
func (g *gen) exitGate() {
	if p := g.fn.grp.provider; !g.usesExit || p == "BEGIN" || p == "END" || p == "bench" {
		return
	}
	g.global(GlobalExited)
	g.emit(asm.JNE.Imm(asm.R0, 0, g.fn.exitLabel))
}

// setExited sets the exit flag in the globals map (see exitGate).
func (g *gen) setExited() {
	g.useGlob = true
	m := g.mark()
	k := g.alloc(8)
	g.emit(storeImm(k.base, int16(k.off), 0, asm.DWord))
	g.lookup(GlobalsName, k)
	g.release(m)
	done := g.newLabel()
	g.emit(asm.JEq.Imm(asm.R0, 0, done), storeImm(asm.R0, GlobalExited, 1, asm.DWord))
	g.label(done)
}

// join writes up to joinMax strings read from a user argv array.
func (g *gen) join(c *lang.Call) {
	sep := defaultJoinSep
	if len(c.Args) > 1 {
		sep = g.strArg(c, 1)
	}
	strLen := g.info.StrLen
	if strLen <= 0 {
		strLen = 64
	}
	arr := &types.Type{Kind: types.Array, Elem: types.NewString(strLen), Len: joinMax, Size: joinMax * strLen}
	id := g.addEvent(&Event{Kind: EvJoin, Format: sep, Args: []*types.Type{arr}})
	size := 8 + arr.Size
	m := g.mark()
	rec := g.allocZero(size)
	g.emit(storeImm(rec.base, int16(rec.off), int64(id), asm.DWord))
	g.intExpr(c.Args[0])
	g.emit(asm.Mov.Reg(asm.R7, asm.R0))
	ptr := g.alloc(8)
	done := g.newLabel()
	sp := g.space(g.typeOf(c.Args[0]))
	for i := range joinMax {
		g.addr(asm.R1, ptr)
		g.emit(asm.Mov.Imm(asm.R2, 8), asm.Mov.Reg(asm.R3, asm.R7), asm.Add.Imm(asm.R3, int32(8*i)))
		g.call(sp.read())
		g.emit(asm.JNE.Imm(asm.R0, 0, done))
		g.loadInt(asm.R3, ptr, types.Uint64)
		g.emit(asm.JEq.Imm(asm.R3, 0, done))
		g.strRead(nil, rec.at(8+i*strLen), strLen, nil, sp)
	}
	g.label(done)
	g.output(rec, size)
	g.release(m)
}
