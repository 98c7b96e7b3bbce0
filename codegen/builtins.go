package codegen

// This file holds one emitter per builtin variable and function, grouped
// by theme in the order of the checker's table: process, time, context,
// stacks, strings, symbols, maps, output.

import (
	"strconv"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"

	"github.com/gtrace/gtrace/lang"
	"github.com/gtrace/gtrace/lang/probekind"
	"github.com/gtrace/gtrace/lang/types"
)

// bpf_get_stackid flag for user stacks.
const bpfUserStack = 1 << 8

// stackDepth is the most frames a stack keeps, as in bpftrace.
const stackDepth = 127

// x86_64 struct pt_regs offsets.
var ptRegs = map[string]int{
	"r15": 0, "r14": 8, "r13": 16, "r12": 24, "bp": 32, "rbp": 32, "bx": 40, "rbx": 40,
	"r11": 48, "r10": 56, "r9": 64, "r8": 72, "ax": 80, "rax": 80, "cx": 88, "rcx": 88,
	"dx": 96, "rdx": 96, "si": 104, "rsi": 104, "di": 112, "rdi": 112, "orig_ax": 120,
	"ip": 128, "rip": 128, "cs": 136, "flags": 144, "sp": 152, "rsp": 152, "ss": 160,
}

// C calling convention argument registers.
var sysvArgs = []string{"di", "si", "dx", "cx", "r8", "r9"}

// goArgs are the integer argument registers of Go's internal ABI (amd64).
var goArgs = []string{"ax", "bx", "cx", "di", "si", "r8", "r9", "r10", "r11"}

// ident computes a scalar builtin variable into R0.
func (g *gen) ident(e *lang.Ident) {
	switch e.Name {
	case "pid", "tid":
		if g.cfg.pidNamespaced() {
			g.nsPid(&lang.Call{Name: e.Name, Args: []lang.Expr{&lang.Ident{Name: "curr_ns"}}})
			return
		}
		g.initPid(e.Name)
	case "uid", "username":
		g.call(asm.FnGetCurrentUidGid)
		g.emit(asm.Mov.Reg32(asm.R0, asm.R0))
	case "gid":
		g.call(asm.FnGetCurrentUidGid)
		g.emit(asm.RSh.Imm(asm.R0, 32))
	case "nsecs":
		g.call(asm.FnKtimeGetNs)
	case "elapsed":
		g.elapsed()
	case "cpu":
		g.call(asm.FnGetSmpProcessorId)
	case "numaid":
		g.call(asm.FnGetNumaNodeId)
	case "curtask":
		g.call(asm.FnGetCurrentTask)
	case "rand":
		g.call(asm.FnGetPrandomU32)
	case "cgroup":
		g.call(asm.FnGetCurrentCgroupId)
	case "jiffies":
		g.call(asm.FnJiffies64)
	case "cpid":
		g.global(GlobalCpid)
	case "ncpus":
		g.global(GlobalNcpus)
	case "usermode":
		g.usermode(e)
	case "probe":
		g.probeID()
	case "func":
		g.funcAddr(e)
	case "ctx":
		g.emit(asm.Mov.Reg(asm.R0, regCtx))
	case "retval":
		g.retval(e)
	case "kstack":
		g.stackID(e, false)
	default:
		if n, ok := argN(e.Name); ok {
			g.arg(e, n)
			return
		}
		if n, ok := argN(strings.TrimPrefix(e.Name, "s")); ok && e.Name[0] == 's' {
			g.stackArg(e, n)
			return
		}
		g.fail(e, "builtin %s is not supported here", e.Name)
	}
}

func argN(name string) (int, bool) {
	if !strings.HasPrefix(name, "arg") {
		return 0, false
	}
	n, err := strconv.Atoi(name[3:])
	return n, err == nil && n >= 0
}

// arg reads argument n of the probed function or raw tracepoint.
func (g *gen) arg(e lang.Node, n int) {
	switch g.fn.grp.provider {
	case "rawtracepoint":
		g.emit(asm.LoadMem(asm.R0, regCtx, int16(8*n), asm.DWord))
	case "usdt":
		g.usdtArgN(e, n)
	case "kprobe":
		if n >= len(sysvArgs) {
			g.fail(e, "arg%d is not in a register", n)
		}
		g.reg(e, sysvArgs[n])
	case "uprobe":
		g.uprobeArg(e, n)
	default:
		g.fail(e, "arg%d is not available for %s probes", n, g.fn.grp.provider)
	}
}

// uprobeArg reads argument word n at a function's entry, by the calling
// convention of the probed function (check.Target.ABI): the C one or Go's
// register ABI. Words past the registers are on the stack, above the
// return address.
func (g *gen) uprobeArg(e lang.Node, n int) {
	regs := sysvArgs
	if g.fn.grp.abi == "go" {
		regs = goArgs
	}
	if n < len(regs) {
		g.reg(e, regs[n])
		return
	}
	m := g.mark()
	tmp := g.alloc(8)
	g.emit(asm.LoadMem(asm.R3, regCtx, int16(ptRegs["sp"]), asm.DWord))
	g.emit(asm.Add.Imm(asm.R3, int32(8*(n-len(regs)+1))))
	g.addr(asm.R1, tmp)
	g.emit(asm.Mov.Imm(asm.R2, 8))
	g.call(asm.FnProbeReadUser)
	g.helperErr(e, readName(spaceUser, false), checkAll)
	g.emit(asm.LoadMem(asm.R0, tmp.base, int16(tmp.off), asm.DWord))
	g.release(m)
}

// stackArg reads sargN, stack argument word n at a function's entry: the
// word at sp + 8*(n+1), above the return address (x86-64), from user
// memory in uprobes and kernel memory in kprobes.
func (g *gen) stackArg(e lang.Node, n int) {
	fn, sp := asm.FnProbeReadUser, spaceUser
	switch g.fn.grp.provider {
	case "uprobe":
	case "kprobe":
		fn, sp = asm.FnProbeReadKernel, spaceKernel
	default:
		g.fail(e, "the sarg%d builtin can only be used with kprobes and uprobes", n)
	}
	m := g.mark()
	tmp := g.alloc(8)
	g.emit(asm.LoadMem(asm.R3, regCtx, int16(ptRegs["sp"]), asm.DWord))
	g.emit(asm.Add.Imm(asm.R3, int32(8*(n+1))))
	g.addr(asm.R1, tmp)
	g.emit(asm.Mov.Imm(asm.R2, 8))
	g.call(fn)
	g.helperErr(e, readName(sp, false), checkAll)
	g.emit(asm.LoadMem(asm.R0, tmp.base, int16(tmp.off), asm.DWord))
	g.release(m)
}

// reg reads a saved register from pt_regs.
func (g *gen) reg(e lang.Node, name string) {
	if !kindHas(g.fn.grp.provider, probekind.Reg) {
		g.fail(e, "registers are not available for %s probes", g.fn.grp.provider)
	}
	off, ok := ptRegs[name]
	if !ok {
		g.fail(e, "unknown register %q", name)
	}
	g.emit(asm.LoadMem(asm.R0, regCtx, int16(off), asm.DWord))
}

// retval reads the probed function's return value into R0: the saved ax
// of a return probe, or a kretfunc's word after its arguments, extended
// as its BTF type says.
func (g *gen) retval(e lang.Node) {
	if g.fn.grp.provider != "kretfunc" {
		g.reg(e, "ax")
		return
	}
	f := g.fn.grp.targets[0].Retval
	if f == nil {
		g.fail(e, "the return value of %s is not known", g.fn.grp.targets[0].Name)
	}
	g.loadInt(asm.R0, loc{regCtx, f.Offset}, f.Type)
}

// funcAddr puts the address of the probed function in R0: the kernel's
// bpf_get_func_ip for kprobes (5.15+) and uretprobes (6.4+: the function's
// entry, where the return address would name the caller), the saved
// instruction pointer for uprobes.
func (g *gen) funcAddr(e lang.Node) {
	switch p := g.fn.grp.provider; {
	case p == "kprobe" && g.cfg.noFuncIP():
		g.reg(e, "ip")
		g.emit(asm.Sub.Imm(asm.R0, 1))
	case (p == "kretprobe" || tracing(p)) && g.cfg.noFuncIP():
		g.loadConst(asm.R0, int64(g.kretprobeAddr(e)))
	case p == "kprobe" || p == "kretprobe" || p == "uretprobe" || tracing(p):
		g.emit(asm.Mov.Reg(asm.R1, regCtx))
		g.call(asm.FnGetFuncIp)
	default:
		g.reg(e, "ip")
	}
}

// kretprobeAddr returns the address of the function of the group's one
// target, for func on kernels without bpf_get_func_ip.
func (g *gen) kretprobeAddr(e lang.Node) uint64 {
	name := g.fn.grp.targets[0].Name
	addr, ok := uint64(0), false
	if g.cfg != nil {
		addr, ok = g.cfg.FuncAddrs[name]
	}
	if !ok {
		g.fail(e, "func in %s needs bpf_get_func_ip (Linux 5.15) or the function's address", name)
	}
	return addr
}

// global loads a u64 from the globals map at off.
func (g *gen) global(off int) {
	g.useGlob = true
	m := g.mark()
	k := g.alloc(8)
	g.emit(storeImm(k.base, int16(k.off), 0, asm.DWord))
	g.lookup(GlobalsName, k)
	g.release(m)
	done := g.newLabel()
	g.emit(asm.JEq.Imm(asm.R0, 0, done), asm.LoadMem(asm.R0, asm.R0, int16(off), asm.DWord))
	g.label(done)
}

// elapsed is nanoseconds since the runtime's start time.
func (g *gen) elapsed() {
	m := g.mark()
	t := g.alloc(8)
	g.call(asm.FnKtimeGetNs)
	g.storeInt(t, asm.R0, 8)
	g.global(GlobalStartNs)
	g.loadInt(asm.R1, t, types.Uint64)
	g.emit(asm.Sub.Reg(asm.R1, asm.R0), asm.Mov.Reg(asm.R0, asm.R1))
	g.release(m)
}

// probeID is the probe id: the attach cookie when one program serves many
// targets, a constant otherwise.
func (g *gen) probeID() {
	grp := g.fn.grp
	if g.syscallProbeID() {
		return
	}
	if grp.cookie {
		g.emit(asm.Mov.Reg(asm.R1, regCtx))
		g.call(asm.FnGetAttachCookie)
		return
	}
	g.loadConst(asm.R0, int64(g.probeIDs[grp.targets[0].Name]))
}

// stackID captures a stack and stores it in the stack map; R0 = its id, 0
// when no stack could be read.
//
// The id is a 64-bit FNV-1a hash of the first Limit frames, not
// bpf_get_stackid's: that helper files stacks in buckets by hash and
// returns -EEXIST when two stacks share a bucket, so stacks were lost as
// soon as a few hundred were seen, and its id covers every frame, so
// ustack(3) gave a key per deep stack where bpftrace gives one per three
// frames. The whole stack is stored (printing shows Limit frames); stacks
// with the same first Limit frames share an id and an entry.
func (g *gen) stackID(e lang.Node, user bool) {
	g.useStack = true
	m := g.mark()
	defer g.release(m)
	buf, key := g.alloc(stackDepth*8), g.alloc(8)
	done := g.newLabel()
	g.emit(asm.Mov.Reg(asm.R1, regCtx))
	g.addr(asm.R2, buf)
	g.emit(asm.Mov.Imm(asm.R3, stackDepth*8))
	flags := int32(0)
	if user {
		flags = bpfUserStack
	}
	g.emit(asm.Mov.Imm(asm.R4, flags))
	g.call(asm.FnGetStack)
	got := g.newLabel()
	g.emit(asm.JSGT.Imm(asm.R0, 0, got), asm.Mov.Imm(asm.R0, 0), asm.Ja.Label(done))
	g.label(got)
	g.stackHash(buf, g.stackLimit(e))
	g.stackStore(buf, key)
	g.label(done)
}

// stackLimit returns the frames of e's stack that make its identity.
func (g *gen) stackLimit(e lang.Node) int {
	if x, ok := e.(lang.Expr); ok {
		if t := g.typeOf(x); t != nil && t.Stack != nil && t.Stack.Limit > 0 && t.Stack.Limit < stackDepth {
			return t.Stack.Limit
		}
	}
	return stackDepth
}

// stackHash computes the FNV-1a hash of the first n frames at buf into
// R2, stopping at the first zero frame.
func (g *gen) stackHash(buf loc, n int) {
	hashed := g.newLabel()
	g.addr(asm.R1, buf)
	g.emit(asm.LoadImm(asm.R2, -3750763034362895579, asm.DWord), asm.LoadImm(asm.R3, 1099511628211, asm.DWord))
	for i := range n {
		g.emit(asm.LoadMem(asm.R4, asm.R1, int16(i*8), asm.DWord),
			asm.JEq.Imm(asm.R4, 0, hashed),
			asm.Xor.Reg(asm.R2, asm.R4),
			asm.Mul.Reg(asm.R2, asm.R3))
	}
	g.label(hashed)
}

// stackStore files the stack at buf under the id in R2 (0 becomes 1, as 0
// means no stack) unless it is there already, and leaves the id in R0.
func (g *gen) stackStore(buf, key loc) {
	nonzero := g.newLabel()
	g.emit(asm.JNE.Imm(asm.R2, 0, nonzero), asm.Mov.Imm(asm.R2, 1))
	g.label(nonzero)
	g.storeInt(key, asm.R2, 8)
	g.mapPtr(asm.R1, stackName)
	g.addr(asm.R2, key)
	g.addr(asm.R3, buf)
	g.emit(asm.Mov.Imm(asm.R4, int32(ebpf.UpdateNoExist)))
	g.call(asm.FnMapUpdateElem)
	g.emit(asm.LoadMem(asm.R0, key.base, int16(key.off), asm.DWord))
}

// identTo writes a memory-valued builtin variable at dst.
func (g *gen) identTo(e *lang.Ident, dst loc) {
	t := g.typeOf(e)
	switch e.Name {
	case "comm":
		g.comm(dst, t.Size)
	case "probetype":
		g.strLit(g.info.Strings[e], dst, t.Size)
	case "ustack":
		g.ustack(e, dst)
	case "func":
		// uprobes: {u64 ip; u64 pid}.
		g.funcAddr(e)
		g.storeInt(dst, asm.R0, 8)
		g.call(asm.FnGetCurrentPidTgid)
		g.emit(asm.RSh.Imm(asm.R0, 32))
		g.storeInt(dst.at(8), asm.R0, 8)
	default:
		g.fail(e, "builtin %s is not supported here", e.Name)
	}
}

func (g *gen) comm(dst loc, size int) {
	n := min(size, 16)
	g.addr(asm.R1, dst)
	g.emit(asm.Mov.Imm(asm.R2, int32(n)))
	g.call(asm.FnGetCurrentComm)
	g.zeroRange(dst, n, size)
}

// ustack writes {u64 stack id; u64 pid}.
func (g *gen) ustack(e lang.Node, dst loc) {
	g.stackID(e, true)
	g.storeInt(dst, asm.R0, 8)
	g.call(asm.FnGetCurrentPidTgid)
	g.emit(asm.RSh.Imm(asm.R0, 32))
	g.storeInt(dst.at(8), asm.R0, 8)
}

// callInt computes a scalar-valued function call into R0.
func (g *gen) callInt(c *lang.Call) {
	switch c.Name {
	case "kstack":
		g.stackID(c, false)
	case "ksym", "strerror", "signal_name", "syscall_name", "kptr", "uptr", "username", "cgroup_path":
		g.intExpr(c.Args[0])
	case "override":
		g.intExpr(c.Args[0])
		g.emit(asm.Mov.Reg(asm.R2, asm.R0), asm.Mov.Reg(asm.R1, regCtx))
		g.call(asm.FnOverrideReturn)
	case "reg":
		g.reg(c, g.strArg(c, 0))
	case "kaddr", "uaddr", "cgroupid":
		g.symAddr(c)
	case "percpu_kaddr":
		g.percpuKaddr(c)
	case "nsecs":
		g.clock(c)
	case "pid", "tid":
		g.nsPid(c)
	case "has_key":
		g.hasKey(c)
	case "delete":
		g.mapDelete(c)
	case "strncmp":
		g.strncmp(c)
	case "strcontains":
		g.strcontains(c)
	case "strlen":
		g.strlen(c)
	case "bswap":
		g.intExpr(c.Args[0])
		if t := g.typeOf(c.Args[0]); t.Size > 1 {
			g.emit(asm.HostTo(asm.BE, asm.R0, sizeOf(t.Size)))
		}
	case "signal":
		if n, ok := g.info.Values[c]; ok {
			g.loadConst(asm.R0, int64(n))
		} else {
			g.intExpr(c.Args[0])
		}
		g.emit(asm.Mov.Reg(asm.R1, asm.R0))
		g.call(asm.FnSendSignal)
	case "len":
		g.mapLen(c)
	default:
		g.fail(c, "function %s is not supported here", c.Name)
	}
}

// symAddr loads what the checker resolved kaddr("sym"), uaddr("sym") or
// cgroupid("path") to.
func (g *gen) symAddr(c *lang.Call) {
	addr, ok := g.info.Values[c]
	if !ok {
		g.fail(c, "%s() is not available: no symbol table", c.Name)
	}
	g.loadConst(asm.R0, int64(addr))
}

// pseudoBTFID marks a 64-bit immediate load of a kernel variable by its
// BTF id (BPF_PSEUDO_BTF_ID): the verifier resolves it to the variable.
const pseudoBTFID = asm.R3

// percpuKaddr sets R0 to the address of a per-CPU kernel variable:
// bpf_per_cpu_ptr(var, cpu) (NULL for no such CPU) or bpf_this_cpu_ptr(var)
// (Linux 5.10). The verifier types the helper's result as a kernel
// pointer, which scripts may not do arithmetic on or store in maps; it is
// copied through the stack with probe_read_kernel to make it a plain
// number, as gtrace's other pointers are.
func (g *gen) percpuKaddr(c *lang.Call) {
	id, ok := g.info.Values[c]
	if !ok {
		g.fail(c, "percpu_kaddr() is not available: no kernel BTF")
	}
	if len(c.Args) == 2 {
		g.intExpr(c.Args[1])
		g.emit(asm.Mov.Reg(asm.R2, asm.R0))
	}
	g.emit(asm.Instruction{OpCode: asm.LoadImmOp(asm.DWord), Dst: asm.R1, Src: pseudoBTFID, Constant: int64(id)})
	if len(c.Args) == 2 {
		g.call(asm.FnPerCpuPtr)
	} else {
		g.call(asm.FnThisCpuPtr)
	}
	m := g.mark()
	ptr, num := g.alloc(8), g.alloc(8)
	g.storeInt(ptr, asm.R0, 8)
	g.addr(asm.R1, num)
	g.emit(asm.Mov.Imm(asm.R2, 8))
	g.addr(asm.R3, ptr)
	g.call(asm.FnProbeReadKernel)
	g.loadInt(asm.R0, num, types.Uint64)
	g.release(m)
}

// strArg returns argument i of c, which must be a string literal.
func (g *gen) strArg(c *lang.Call, i int) string {
	if i >= len(c.Args) {
		g.fail(c, "%s needs %d arguments", c.Name, i+1)
	}
	s, ok := g.constString(c.Args[i])
	if !ok {
		g.fail(c.Args[i], "%s needs a string literal", c.Name)
	}
	return s
}

// constString returns the value of a string known at compile time: a
// literal, a positional parameter, or str() of one.
func (g *gen) constString(e lang.Expr) (string, bool) {
	switch e := e.(type) {
	case *lang.StrLit:
		return e.Value, true
	case *lang.Positional:
		return g.param(e), !e.Count
	case *lang.Call:
		if e.Name == "str" && len(e.Args) == 1 {
			return g.constString(e.Args[0])
		}
	}
	return "", false
}

// callTo writes a memory-valued function result at dst.
func (g *gen) callTo(c *lang.Call, dst loc) {
	t := g.typeOf(c)
	switch c.Name {
	case "str":
		g.str(c, t, dst)
	case "ustack":
		g.ustack(c, dst)
	case "usym":
		g.intExpr(c.Args[0])
		g.storeInt(dst, asm.R0, 8)
		g.call(asm.FnGetCurrentPidTgid)
		g.emit(asm.RSh.Imm(asm.R0, 32))
		g.storeInt(dst.at(8), asm.R0, 8)
	case "strftime":
		g.strftime(c, dst)
	case "ntop":
		g.ntop(c, dst)
	case "buf":
		g.buf(c, t, dst)
	case "pton":
		g.pton(c, t, dst)
	case "macaddr":
		src, done := g.ref(c.Args[0])
		g.copyMem(dst, src, 6)
		done()
	case "getopt":
		g.strLit(g.info.Strings[c], dst, t.Size)
	default:
		g.fail(c, "function %s is not supported here", c.Name)
	}
}

// str reads a NUL-terminated string from a pointer.
func (g *gen) str(c *lang.Call, t *types.Type, dst loc) {
	x := c.Args[0]
	xt := g.typeOf(x)
	if xt.Kind == types.String || isByteArray(xt) {
		g.exprAs(x, t, dst)
		if len(c.Args) > 1 {
			g.strTruncate(c.Args[1], t, dst)
		}
		return
	}
	g.zero(dst, t.Size)
	if types.IsGoString(xt) {
		g.goString(c, t, dst)
		return
	}
	m := g.mark()
	size := g.strSize(c, t)
	if xt.DataLoc {
		// __data_loc: offset in the low 16 bits, relative to the record.
		g.intExpr(x)
		g.emit(asm.And.Imm(asm.R0, 0xffff), asm.Add.Reg(asm.R0, regCtx))
		g.emit(asm.Mov.Reg(asm.R3, asm.R0))
		g.strRead(c, dst, t.Size, size, spaceKernel)
		g.release(m)
		return
	}
	g.intExpr(x)
	g.emit(asm.Mov.Reg(asm.R3, asm.R0))
	g.strRead(c, dst, t.Size, size, g.space(xt))
	g.release(m)
}

// goString reads a Go string (data pointer and length, not
// NUL-terminated) into dst: at most its length, and at most the string
// size less the NUL (or the length str() was given).
func (g *gen) goString(c *lang.Call, t *types.Type, dst loc) {
	m := g.mark()
	src, done := g.ref(c.Args[0])
	size := g.alloc(8)
	g.emit(asm.LoadMem(asm.R0, src.base, int16(src.off+8), asm.DWord))
	limit := int32(t.Size)
	if n, ok := g.constOf(c.Args[len(c.Args)-1]); ok && len(c.Args) > 1 && n >= 0 && n+1 < int64(limit) {
		limit = int32(n + 1)
	}
	big, ok := g.newLabel(), g.newLabel()
	g.emit(asm.Add.Imm(asm.R0, 1), asm.JGT.Imm(asm.R0, limit, big), asm.JSLT.Imm(asm.R0, 1, big), asm.Ja.Label(ok))
	g.label(big)
	g.emit(asm.Mov.Imm(asm.R0, limit))
	g.label(ok)
	g.storeInt(size, asm.R0, 8)
	g.emit(asm.LoadMem(asm.R3, src.base, int16(src.off), asm.DWord))
	done()
	g.strRead(c, dst, t.Size, &size, spaceUser)
	g.release(m)
}

// strSize puts the read size, limited by the optional length argument, in
// a stack slot and returns it (nil for the full type size).
func (g *gen) strSize(c *lang.Call, t *types.Type) *loc {
	if len(c.Args) < 2 {
		return nil
	}
	if n, ok := g.constOf(c.Args[1]); ok {
		n = max(min(n+1, int64(t.Size)), 1)
		l := g.alloc(8)
		g.emit(storeImm(l.base, int16(l.off), n, asm.DWord))
		return &l
	}
	l := g.alloc(8)
	g.intExpr(c.Args[1])
	big, done := g.newLabel(), g.newLabel()
	g.emit(asm.Add.Imm(asm.R0, 1), asm.JGT.Imm(asm.R0, int32(t.Size), big), asm.JSLT.Imm(asm.R0, 1, big), asm.Ja.Label(done))
	g.label(big)
	g.emit(asm.Mov.Imm(asm.R0, int32(t.Size)))
	g.label(done)
	g.storeInt(l, asm.R0, 8)
	return &l
}

// strRead calls probe_read_{user,kernel}_str(dst, size, R3); a failure is
// reported at n under -kk.
func (g *gen) strRead(n lang.Node, dst loc, full int, size *loc, sp addrSpace) {
	g.addr(asm.R1, dst)
	if size == nil {
		g.emit(asm.Mov.Imm(asm.R2, int32(full)))
	} else {
		g.emit(asm.LoadMem(asm.R2, size.base, int16(size.off), asm.DWord))
	}
	g.call(sp.readStr())
	g.helperErr(n, readName(sp, true), checkAll)
}

// strTruncate cuts a string value to n characters.
func (g *gen) strTruncate(n lang.Expr, t *types.Type, dst loc) {
	v, ok := g.constOf(n)
	if ok && v >= 0 && int(v) < t.Size {
		g.emit(storeImm(dst.base, int16(dst.off+int(v)), 0, asm.Byte))
		g.zeroRange(dst, int(v), t.Size)
	}
}

// strncmp(a, b, n): 0 when the first n bytes match.
func (g *gen) strncmp(c *lang.Call) {
	n, ok := g.constOf(c.Args[2])
	if !ok {
		g.fail(c.Args[2], "strncmp needs a constant length")
	}
	m := g.mark()
	a, da := g.ref(c.Args[0])
	b, db := g.ref(c.Args[1])
	eq, ne, done := g.newLabel(), g.newLabel(), g.newLabel()
	g.strCmpMem(a, g.typeOf(c.Args[0]).Size, b, g.typeOf(c.Args[1]).Size, int(n), eq, ne)
	db()
	da()
	g.release(m)
	g.label(eq)
	g.emit(asm.Mov.Imm(asm.R0, 0), asm.Ja.Label(done))
	g.label(ne)
	g.emit(asm.Mov.Imm(asm.R0, 1))
	g.label(done)
}

// strcontains(h, n): 1 when n occurs in h. A bounded double loop, unrolled.
func (g *gen) strcontains(c *lang.Call) {
	m := g.mark()
	h, dh := g.ref(c.Args[0])
	nd, dn := g.ref(c.Args[1])
	hs, ns := g.typeOf(c.Args[0]).Size, g.typeOf(c.Args[1]).Size
	yes, no, done := g.newLabel(), g.newLabel(), g.newLabel()
	if lit, ok := c.Args[1].(*lang.StrLit); ok {
		ns = len(truncNul(lit.Value)) + 1
	}
	// The empty needle is found everywhere.
	g.loadByte(asm.R1, nd)
	g.emit(asm.JEq.Imm(asm.R1, 0, yes))
	for i := 0; i < hs; i++ {
		next := g.newLabel()
		g.loadByte(asm.R1, h.at(i))
		g.emit(asm.JEq.Imm(asm.R1, 0, no))
		for j := 0; j < ns-1 && i+j < hs; j++ {
			g.loadByte(asm.R2, nd.at(j))
			g.emit(asm.JEq.Imm(asm.R2, 0, yes))
			g.loadByte(asm.R1, h.at(i+j))
			g.emit(asm.JNE.Reg(asm.R1, asm.R2, next))
		}
		if i+ns-1 < hs {
			g.loadByte(asm.R2, nd.at(ns-1))
			g.emit(asm.JEq.Imm(asm.R2, 0, yes))
		}
		g.label(next)
	}
	g.jump(no)
	dn()
	dh()
	g.release(m)
	g.label(yes)
	g.emit(asm.Mov.Imm(asm.R0, 1), asm.Ja.Label(done))
	g.label(no)
	g.emit(asm.Mov.Imm(asm.R0, 0))
	g.label(done)
}

// strlen(s): the index of s's first NUL (its size when it has none),
// unrolled over the string's bytes.
func (g *gen) strlen(c *lang.Call) {
	m := g.mark()
	s, ds := g.ref(c.Args[0])
	size := g.typeOf(c.Args[0]).Size
	done := g.newLabel()
	for i := 0; i < size; i++ {
		g.emit(asm.Mov.Imm(asm.R0, int32(i)))
		g.loadByte(asm.R1, s.at(i))
		g.emit(asm.JEq.Imm(asm.R1, 0, done))
	}
	g.emit(asm.Mov.Imm(asm.R0, int32(size)))
	ds()
	g.release(m)
	g.label(done)
}

// strftime writes {u64 format id; u64 nsecs}.
func (g *gen) strftime(c *lang.Call, dst loc) {
	f := g.strArg(c, 0)
	id := -1
	for i, s := range g.prog.Strftime {
		if s == f {
			id = i
		}
	}
	if id < 0 {
		id = len(g.prog.Strftime)
		g.prog.Strftime = append(g.prog.Strftime, f)
	}
	g.emit(storeImm(dst.base, int16(dst.off), int64(id), asm.DWord))
	g.intExpr(c.Args[1])
	g.storeInt(dst.at(8), asm.R0, 8)
}

// Address families for ntop.
const (
	afInet  = 2
	afInet6 = 10
)

// ntop writes {u64 af; [16]byte addr}.
func (g *gen) ntop(c *lang.Call, dst loc) {
	g.zero(dst, 24)
	addr := c.Args[len(c.Args)-1]
	at := g.typeOf(addr)
	if len(c.Args) == 2 {
		g.intExpr(c.Args[0])
		g.storeInt(dst, asm.R0, 8)
	} else {
		af := int64(afInet)
		if at.Size == 16 {
			af = afInet6
		}
		g.emit(storeImm(dst.base, int16(dst.off), af, asm.DWord))
	}
	if scalar(at) {
		g.intExpr(addr)
		g.storeInt(dst.at(8), asm.R0, min(at.Size, 8))
		return
	}
	src, done := g.ref(addr)
	g.copyMem(dst.at(8), src, min(at.Size, 16))
	done()
}

// pton writes the bytes of a literal IPv4 or IPv6 address.
func (g *gen) pton(c *lang.Call, t *types.Type, dst loc) {
	b, ok := g.info.Bytes[c]
	if !ok || len(b) != t.Size {
		g.fail(c.Args[0], "pton(): the address was not resolved")
	}
	for i, x := range b {
		g.emit(storeImm(dst.base, int16(dst.off+i), int64(x), asm.Byte))
	}
}

// buf writes {u8 len; data} read from a pointer.
func (g *gen) buf(c *lang.Call, t *types.Type, dst loc) {
	g.zero(dst, t.Size)
	n := t.Size - 1
	if len(c.Args) > 1 {
		if v, ok := g.constOf(c.Args[1]); ok && v >= 0 && int(v) < n {
			n = int(v)
		}
	}
	if n <= 0 {
		return
	}
	g.emit(storeImm(dst.base, int16(dst.off), int64(n), asm.Byte))
	x := c.Args[0]
	if xt := g.typeOf(x); !scalar(xt) {
		src, done := g.ref(x)
		g.copyMem(dst.at(1), src, min(n, xt.Size))
		done()
		return
	}
	g.intExpr(x)
	g.emit(asm.Mov.Reg(asm.R3, asm.R0))
	g.addr(asm.R1, dst.at(1))
	g.emit(asm.Mov.Imm(asm.R2, int32(n)))
	g.call(g.space(g.typeOf(x)).read())
}

// usermode sets R0 to 1 when the probe fired in user mode: the privilege
// level in the saved CS. BEGIN, END, self and bench run in user space, for
// gtrace.
func (g *gen) usermode(e *lang.Ident) {
	if probekind.IsRun(g.fn.grp.provider) {
		g.emit(asm.Mov.Imm(asm.R0, 1))
		return
	}
	g.reg(e, "cs")
	g.emit(asm.And.Imm(asm.R0, 3))
	user, done := g.newLabel(), g.newLabel()
	g.emit(asm.JEq.Imm(asm.R0, 3, user), asm.Mov.Imm(asm.R0, 0))
	g.jump(done)
	g.label(user)
	g.emit(asm.Mov.Imm(asm.R0, 1))
	g.label(done)
}

// clock reads the clock named by nsecs(clock) into R0. sw_tai is the boot
// clock plus TAI's offset from it, taken by the runtime at start.
func (g *gen) clock(c *lang.Call) {
	switch c.Args[0].(*lang.Ident).Name {
	case "boot":
		g.call(asm.FnKtimeGetBootNs)
	case "tai":
		g.call(asm.FnKtimeGetTaiNs)
	case "sw_tai":
		m := g.mark()
		off := g.alloc(8)
		g.global(GlobalTaiOff)
		g.storeInt(off, asm.R0, 8)
		g.call(asm.FnKtimeGetBootNs)
		g.emit(asm.LoadMem(asm.R1, off.base, int16(off.off), asm.DWord), asm.Add.Reg(asm.R0, asm.R1))
		g.release(m)
	default:
		g.call(asm.FnKtimeGetNs)
	}
}

// initPid computes pid or tid in the initial pid namespace.
func (g *gen) initPid(name string) {
	g.call(asm.FnGetCurrentPidTgid)
	if name == "pid" {
		g.emit(asm.RSh.Imm(asm.R0, 32))
	} else {
		g.emit(asm.Mov.Reg32(asm.R0, asm.R0))
	}
}

// nsPid computes pid(ns) or tid(ns): in the initial namespace as the pid
// and tid builtins, or in gtrace's own pid namespace (curr_ns) through
// bpf_get_ns_current_pid_tgid with the namespace's device and inode.
func (g *gen) nsPid(c *lang.Call) {
	if c.Args[0].(*lang.Ident).Name == "init" {
		g.initPid(c.Name)
		return
	}
	m := g.mark()
	dev, info := g.alloc(8), g.alloc(8)
	g.global(GlobalPidnsDev)
	g.storeInt(dev, asm.R0, 8)
	g.global(GlobalPidnsIno)
	g.emit(asm.Mov.Reg(asm.R2, asm.R0))
	g.emit(asm.LoadMem(asm.R1, dev.base, int16(dev.off), asm.DWord))
	g.emit(storeImm(info.base, int16(info.off), 0, asm.DWord))
	g.addr(asm.R3, info)
	g.emit(asm.Mov.Imm(asm.R4, 8))
	g.call(asm.FnGetNsCurrentPidTgid)
	// struct bpf_pidns_info { u32 pid; u32 tgid; }: the kernel's pid is
	// the thread's id, its tgid the process's.
	off := int16(info.off)
	if c.Name == "pid" {
		off += 4
	}
	g.emit(asm.LoadMem(asm.R0, info.base, off, asm.Word))
	g.release(m)
}
