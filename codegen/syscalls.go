package codegen

// This file implements the syscall fast path: a probe block whose targets
// are many syscall tracepoints (tracepoint:syscalls:sys_enter_* or
// sys_exit_*) compiles to ONE program on the raw sys_enter (sys_exit)
// tracepoint, which looks the syscall number up in an array map filled by
// the runtime (number → probe id + 1, 0 = not traced). Attaching one raw
// tracepoint instead of hundreds of tracepoint perf events makes attach and,
// above all, detach fast: closing a tracepoint perf event costs the kernel
// tens of milliseconds (RCU grace periods under a global mutex).
//
// The raw tracepoints' context is struct bpf_raw_tracepoint_args:
//
//	sys_enter: args[0] = struct pt_regs *, args[1] = syscall number
//	sys_exit:  args[0] = struct pt_regs *, args[1] = return value
//
// sys_exit's number is regs->orig_ax. The fields of the sys_enter_NAME
// record (int __syscall_nr @8, then the arguments @16+8*i, each the full
// 64-bit register) are read from pt_regs in the x86_64 syscall ABI order;
// sys_exit_NAME's "long ret @16" is args[1].
//
// Limitation: 32-bit (ia32) processes' syscalls reach the raw tracepoint
// with ia32 numbers, where the per-syscall tracepoints ignore them; the fast
// path counts them under the x86_64 syscall of the same number.

import (
	"fmt"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"

	"github.com/gtrace/gtrace/lang"
	"github.com/gtrace/gtrace/lang/check"
	"github.com/gtrace/gtrace/lang/types"
)

const (
	// syscallMin is the fewest targets that take the fast path: below it
	// the per-tracepoint programs are cheaper per event and fast enough
	// to detach.
	syscallMin = 8
	// syscallMapSize bounds the syscall numbers of the fast path.
	syscallMapSize = 1024
	// Offsets in struct pt_regs (x86_64) and the record of sys_enter_NAME.
	ptRegsOrigAx   = 120
	sysNrOffset    = 8
	sysArgsOffset  = 16
	sysEnterPrefix = "tracepoint:syscalls:sys_enter_"
	sysExitPrefix  = "tracepoint:syscalls:sys_exit_"
)

// syscallArgRegs are the pt_regs offsets of the syscall arguments, in
// order: di, si, dx, r10, r8, r9.
var syscallArgRegs = [...]int{112, 104, 96, 56, 72, 64}

// sysGroup is the fast-path state of a group: the raw tracepoint, the
// syscall number of each target, the map and the stack slots the prologue
// fills.
type sysGroup struct {
	event   string // "sys_enter" or "sys_exit"
	numbers []int  // per target, same order as group.targets
	mapName string
	id      loc // u64 syscall number
	probe   loc // u64 probe id
}

// syscallGroup returns the fast-path group of probe block i, or nil when
// the block does not qualify.
func (g *gen) syscallGroup(i int, p *check.Probe) *group {
	if (g.cfg != nil && g.cfg.NoSyscallFastPath) || len(p.Targets) < syscallMin {
		return nil
	}
	event, prefix := "sys_enter", sysEnterPrefix
	if strings.HasPrefix(p.Targets[0].Name, sysExitPrefix) {
		event, prefix = "sys_exit", sysExitPrefix
	}
	sys := &sysGroup{event: event, mapName: fmt.Sprintf("sysnr_p%d", i)}
	seen := map[int]bool{}
	for _, t := range p.Targets {
		if !strings.HasPrefix(t.Name, prefix) || t.Provider != "tracepoint" {
			return nil
		}
		nr, ok := g.info.Syscalls[t.Name]
		if !ok || nr < 0 || nr >= syscallMapSize || seen[nr] {
			return nil
		}
		seen[nr] = true
		sys.numbers = append(sys.numbers, nr)
	}
	grp := &group{provider: "tracepoint", targets: p.Targets, sys: sys}
	if !g.syscallBodyOK(p, grp) {
		return nil
	}
	return grp
}

// syscallBodyOK says whether the body reads its context only in ways the
// fast path translates: args->FIELD of syscall arguments, no ctx, no args
// as a whole.
func (g *gen) syscallBodyOK(p *check.Probe, grp *group) bool {
	fields := map[*lang.Ident]*lang.Field{}
	lang.Inspect(p.Node, func(n lang.Node) bool {
		if f, ok := n.(*lang.Field); ok && isArgs(f.X) {
			fields[f.X.(*lang.Ident)] = f
		}
		return true
	})
	ok := true
	lang.Inspect(p.Node, func(n lang.Node) bool {
		id, isID := n.(*lang.Ident)
		if !isID || !ok {
			return ok
		}
		switch id.Name {
		case "ctx":
			ok = false
		case "args":
			f := fields[id]
			ok = f != nil && g.syscallFieldOK(f, grp)
		}
		return ok
	})
	return ok
}

func (g *gen) syscallFieldOK(f *lang.Field, grp *group) bool {
	t := g.info.Types[f]
	if t == nil || !scalar(t) {
		return false
	}
	for _, tg := range grp.targets {
		if _, ok := syscallField(tg, f.Name, grp.sys.event, t); !ok {
			return false
		}
	}
	return true
}

// sysSource says where a record field lives on the raw tracepoint.
type sysSource struct {
	kind int // srcNr, srcCtx1 or srcReg
	off  int // srcReg: pt_regs offset
}

const (
	srcNr   = iota // the syscall number
	srcCtx1        // args[1] of the raw tracepoint (sys_exit's ret)
	srcReg         // a pt_regs member
)

// syscallField maps field name of target tg's record to its source.
func syscallField(tg *check.Target, name, event string, t *types.Type) (sysSource, bool) {
	if tg.Args == nil {
		return sysSource{}, false
	}
	f := tg.Args.FieldByName(name)
	if f == nil || f.BitSize != 0 || f.Type == nil || f.Type.DataLoc || f.Type.Size != t.Size || !scalar(f.Type) {
		return sysSource{}, false
	}
	switch {
	case f.Offset == sysNrOffset:
		return sysSource{kind: srcNr}, true
	case event == "sys_exit" && f.Offset == sysArgsOffset:
		return sysSource{kind: srcCtx1}, true
	case event == "sys_enter" && f.Offset >= sysArgsOffset && (f.Offset-sysArgsOffset)%8 == 0:
		i := (f.Offset - sysArgsOffset) / 8
		if i < len(syscallArgRegs) {
			return sysSource{kind: srcReg, off: syscallArgRegs[i]}, true
		}
	}
	return sysSource{}, false
}

// syscallPrologue computes the syscall number and the probe id into their
// stack slots and returns 0 for syscalls the block does not trace.
func (g *gen) syscallPrologue() {
	sys := g.fn.grp.sys
	if sys == nil {
		return
	}
	exit := g.fn.exitLabel
	sys.id = g.alloc(8)
	sys.probe = g.alloc(8)
	if sys.event == "sys_enter" {
		g.emit(asm.LoadMem(asm.R0, regCtx, 8, asm.DWord))
	} else {
		g.readRegs(sys.id, ptRegsOrigAx)
		g.emit(asm.JNE.Imm(asm.R0, 0, exit))
		g.loadInt(asm.R0, sys.id, types.Uint64)
	}
	g.emit(asm.JGT.Imm(asm.R0, syscallMapSize-1, exit))
	g.storeInt(sys.id, asm.R0, 8)
	g.lookup(sys.mapName, sys.id)
	g.emit(
		asm.JEq.Imm(asm.R0, 0, exit),
		asm.LoadMem(asm.R0, asm.R0, 0, asm.DWord),
		asm.JEq.Imm(asm.R0, 0, exit),
		asm.Sub.Imm(asm.R0, 1),
	)
	g.storeInt(sys.probe, asm.R0, 8)
}

// readRegs copies the u64 at offset off of the pt_regs in args[0] to dst;
// R0 is the helper's result.
func (g *gen) readRegs(dst loc, off int) {
	g.addr(asm.R1, dst)
	g.emit(
		asm.Mov.Imm(asm.R2, 8),
		asm.LoadMem(asm.R3, regCtx, 0, asm.DWord),
		asm.Add.Imm(asm.R3, int32(off)),
	)
	g.call(asm.FnProbeReadKernel)
}

// syscallProbeID puts the probe id in R0 and reports whether the fast path
// handled it.
func (g *gen) syscallProbeID() bool {
	sys := g.fn.grp.sys
	if sys == nil {
		return false
	}
	g.loadInt(asm.R0, sys.probe, types.Uint64)
	return true
}

// syscallArgsField reads args->NAME into a temporary: from the register
// each target's syscall passes it in, dispatching on the syscall number
// when targets differ.
func (g *gen) syscallArgsField(e *lang.Field, t *types.Type) (loc, *types.Type, func()) {
	sys := g.fn.grp.sys
	var srcs []sysSource
	nrs := map[sysSource][]int{}
	for i, tg := range g.fn.grp.targets {
		src, ok := syscallField(tg, e.Name, sys.event, t)
		if !ok {
			g.fail(e, "internal error: args->%s of %s on the raw %s tracepoint", e.Name, tg.Name, sys.event)
		}
		if _, dup := nrs[src]; !dup {
			srcs = append(srcs, src)
		}
		nrs[src] = append(nrs[src], sys.numbers[i])
	}
	m := g.mark()
	tmp := g.alloc(8)
	done := g.newLabel()
	labels := make([]string, len(srcs))
	if len(srcs) > 1 {
		g.loadInt(asm.R0, sys.id, types.Uint64)
		for k, src := range srcs[1:] {
			labels[k+1] = g.newLabel()
			for _, nr := range nrs[src] {
				g.emit(asm.JEq.Imm(asm.R0, int32(nr), labels[k+1]))
			}
		}
	}
	for k, src := range srcs {
		if k > 0 {
			g.label(labels[k])
		}
		g.syscallRead(tmp, src)
		if k < len(srcs)-1 {
			g.jump(done)
		}
	}
	if len(srcs) > 1 {
		g.label(done)
	}
	return tmp, t, func() { g.release(m) }
}

// syscallRead writes the u64 at src to dst.
func (g *gen) syscallRead(dst loc, src sysSource) {
	switch src.kind {
	case srcNr:
		g.loadInt(asm.R0, g.fn.grp.sys.id, types.Uint64)
	case srcCtx1:
		g.emit(asm.LoadMem(asm.R0, regCtx, 8, asm.DWord))
	case srcReg:
		g.readRegs(dst, src.off)
		return
	}
	g.storeInt(dst, asm.R0, 8)
}

// syscallProbe adds the fast path's map and attach data to pr.
func (g *gen) syscallProbe(pr *Probe, grp *group) {
	sys := grp.sys
	if sys == nil {
		return
	}
	pr.Provider = "rawtracepoint"
	pr.Syscall = sys.event
	pr.SyscallMap = sys.mapName
	pr.SyscallNumbers = append([]int(nil), sys.numbers...)
	g.prog.Spec.Maps[sys.mapName] = &ebpf.MapSpec{
		Name: sys.mapName, Type: ebpf.Array, KeySize: 4, ValueSize: 8, MaxEntries: syscallMapSize,
	}
}

// groupProgramType is the program type of a group: the provider's, or a
// raw tracepoint for the syscall fast path.
func groupProgramType(grp *group) (ebpf.ProgramType, bool) {
	if grp.sys != nil {
		return ebpf.RawTracepoint, true
	}
	return programType(grp.provider)
}
