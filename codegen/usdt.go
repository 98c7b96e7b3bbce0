package codegen

// This file decodes USDT argument specs (x86_64, as in the .note.stapsdt
// notes: "-4@%eax", "8@-16(%rbp)", "8@(%rsp)", "1@-96(%rbp,%rax,8)",
// "4@$42") into straight loads from pt_regs and user memory.

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/cilium/ebpf/asm"

	"github.com/gtrace/gtrace/lang"
	"github.com/gtrace/gtrace/lang/check"
	"github.com/gtrace/gtrace/lang/types"
)

// usdtArg is one decoded argument location.
type usdtArg struct {
	size   int  // 1, 2, 4 or 8
	signed bool //
	imm    *int64
	reg    string // register holding the value, or the base of a memory operand
	mem    bool   // the value is in memory at reg + index*scale + off
	off    int64
	index  string
	scale  int64
}

// usdtRegs maps the assembler's register names to pt_regs names.
var usdtRegs = map[string]string{
	"rax": "ax", "eax": "ax", "ax": "ax", "al": "ax",
	"rbx": "bx", "ebx": "bx", "bx": "bx", "bl": "bx",
	"rcx": "cx", "ecx": "cx", "cx": "cx", "cl": "cx",
	"rdx": "dx", "edx": "dx", "dx": "dx", "dl": "dx",
	"rsi": "si", "esi": "si", "si": "si", "sil": "si",
	"rdi": "di", "edi": "di", "di": "di", "dil": "di",
	"rbp": "bp", "ebp": "bp", "bp": "bp", "bpl": "bp",
	"rsp": "sp", "esp": "sp", "sp": "sp", "spl": "sp",
	"rip": "ip",
}

func usdtReg(name string) (string, bool) {
	name = strings.TrimPrefix(name, "%")
	if r, ok := usdtRegs[name]; ok {
		return r, true
	}
	// r8..r15 with optional d/w/b suffixes.
	n := strings.TrimRight(name, "dwb")
	if strings.HasPrefix(n, "r") {
		if v, err := strconv.Atoi(n[1:]); err == nil && v >= 8 && v <= 15 {
			return n, true
		}
	}
	return "", false
}

// parseUSDTArg decodes one argument spec.
func parseUSDTArg(spec string) (*usdtArg, error) {
	sz, op, ok := strings.Cut(spec, "@")
	if !ok {
		return nil, fmt.Errorf("invalid usdt argument %q", spec)
	}
	a := &usdtArg{}
	if strings.HasPrefix(sz, "-") {
		a.signed, sz = true, sz[1:]
	}
	n, err := strconv.Atoi(sz)
	if err != nil || (n != 1 && n != 2 && n != 4 && n != 8) {
		return nil, fmt.Errorf("invalid usdt argument size in %q", spec)
	}
	a.size = n
	switch {
	case strings.HasPrefix(op, "$"):
		v, err := strconv.ParseInt(op[1:], 0, 64)
		if err != nil {
			return nil, fmt.Errorf("invalid usdt constant in %q", spec)
		}
		a.imm = &v
	case strings.HasPrefix(op, "%"):
		r, ok := usdtReg(op)
		if !ok {
			return nil, fmt.Errorf("unknown register in usdt argument %q", spec)
		}
		a.reg = r
	default:
		if err := a.parseMem(op); err != nil {
			return nil, fmt.Errorf("%v in usdt argument %q", err, spec)
		}
	}
	return a, nil
}

// parseMem decodes "off(%base[,%index[,scale]])".
func (a *usdtArg) parseMem(op string) error {
	i := strings.IndexByte(op, '(')
	if i < 0 || !strings.HasSuffix(op, ")") {
		return fmt.Errorf("unsupported operand")
	}
	a.mem = true
	if i > 0 {
		v, err := strconv.ParseInt(op[:i], 0, 64)
		if err != nil {
			return fmt.Errorf("unsupported offset (symbols are not supported)")
		}
		a.off = v
	}
	parts := strings.Split(op[i+1:len(op)-1], ",")
	r, ok := usdtReg(parts[0])
	if !ok || r == "ip" {
		return fmt.Errorf("unsupported base register")
	}
	a.reg = r
	if len(parts) > 1 {
		if a.index, ok = usdtReg(parts[1]); !ok {
			return fmt.Errorf("unsupported index register")
		}
		a.scale = 1
	}
	if len(parts) > 2 {
		v, err := strconv.ParseInt(parts[2], 0, 64)
		if err != nil {
			return fmt.Errorf("invalid scale")
		}
		a.scale = v
	}
	return nil
}

// usdtSpecs returns the argument specs of a usdt target: one list per
// probe site, each split into arguments.
func (g *gen) usdtSpecs(n lang.Node, t *check.Target) []string {
	target, sites := t.Name, t.USDTArgs
	if sites == nil {
		g.fail(n, "usdt arguments are not available: no argument specs")
	}
	if len(sites) == 0 {
		g.fail(n, "%s has no probe site", target)
	}
	for _, s := range sites[1:] {
		if s != sites[0] {
			g.fail(n, "the sites of %s pass arguments in different places", target)
		}
	}
	return strings.Fields(sites[0])
}

// usdtArgN computes argument i of the current usdt probe into R0.
func (g *gen) usdtArgN(e lang.Node, i int) {
	specs := g.usdtSpecs(e, g.fn.grp.targets[0])
	if i >= len(specs) {
		g.fail(e, "%s has %d arguments", g.fn.grp.targets[0].Name, len(specs))
	}
	a, err := parseUSDTArg(specs[i])
	if err != nil {
		g.fail(e, "%v", err)
	}
	t := types.NewInt(a.size, a.signed)
	switch {
	case a.imm != nil:
		g.loadConst(asm.R0, *a.imm)
	case !a.mem:
		g.reg(e, a.reg)
	default:
		g.usdtMem(e, a)
	}
	g.normalize(asm.R0, t)
}

// usdtMem reads a memory operand of the probed process.
func (g *gen) usdtMem(e lang.Node, a *usdtArg) {
	g.reg(e, a.reg)
	g.emit(asm.Mov.Reg(asm.R3, asm.R0))
	if a.index != "" {
		g.reg(e, a.index)
		if a.scale != 1 {
			g.emit(asm.Mul.Imm(asm.R0, int32(a.scale)))
		}
		g.emit(asm.Add.Reg(asm.R3, asm.R0))
	}
	if a.off != 0 {
		g.emit(asm.Add.Imm(asm.R3, int32(a.off)))
	}
	m := g.mark()
	tmp := g.allocZero(8)
	g.addr(asm.R1, tmp)
	g.emit(asm.Mov.Imm(asm.R2, int32(a.size)))
	g.call(asm.FnProbeReadUser)
	g.loadInt(asm.R0, tmp, types.NewInt(a.size, false))
	g.release(m)
}

// usdtKey is the grouping key of a usdt target whose arguments are read:
// targets share a program only when their specs are the same.
func (g *gen) usdtKey(t *check.Target) string {
	if len(t.USDTArgs) == 0 {
		return t.Name
	}
	return t.USDTArgs[0]
}
