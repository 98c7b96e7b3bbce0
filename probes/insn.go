package probes

// This file decodes the machine code of user-space functions (x86-64):
// the instruction boundaries a uprobe offset must fall on, and the RET
// instructions where the return probes of a Go function go.

import (
	"fmt"
	goruntime "runtime"

	"golang.org/x/arch/x86/x86asm"

	"github.com/gtrace/gtrace/probes/internal/elfsym"
)

// funcCode is a decoded function.
type funcCode struct {
	starts []uint64 // offsets of the instructions, ascending
	rets   []uint64 // offsets of the RET instructions
	// body is the offset of the first instruction after a Go function's
	// stack check ("CMPQ SP, 16(R14); JBE morestack"), or 0. When the
	// stack must grow, the function is entered a second time from the
	// start (morestack jumps back to it); a uprobe at the body fires once
	// per call, with the arguments still in their registers.
	body uint64
}

// decodeFunc decodes fn from its first byte to its end (its symbol's size).
func decodeFunc(f *elfsym.File, fn elfsym.Func) (*funcCode, error) {
	if goruntime.GOARCH != "amd64" {
		return nil, notSupported("decoding %s code is not supported", goruntime.GOARCH)
	}
	code, err := f.Code(fn)
	if err != nil {
		return nil, err
	}
	fc := &funcCode{}
	var insns []x86asm.Inst
	for off := 0; off < len(code); {
		in, err := x86asm.Decode(code[off:], 64)
		if err != nil {
			return nil, fmt.Errorf("cannot decode the instruction at %s+%#x in %s: %w", fn.Name, off, f.Path, err)
		}
		fc.starts = append(fc.starts, uint64(off))
		insns = append(insns, in)
		if in.Op == x86asm.RET {
			fc.rets = append(fc.rets, uint64(off))
		}
		off += in.Len
	}
	fc.body = stackCheckEnd(insns, fc.starts)
	return fc, nil
}

// stackCheckEnd returns the offset after the stack check that Go's
// compiler puts first in a function that is not NOSPLIT: an optional LEA
// of the new stack pointer into R12, a CMP of it (or of SP) with the
// stack guard at 16(R14) (R14 holds the goroutine), and a conditional
// jump to the code that calls morestack. It returns 0 when the function
// does not start so.
func stackCheckEnd(insns []x86asm.Inst, starts []uint64) uint64 {
	for i := 0; i < len(insns)-1 && i < 2; i++ {
		if insns[i].Op != x86asm.CMP {
			continue
		}
		m, ok := insns[i].Args[1].(x86asm.Mem)
		if !ok || m.Base != x86asm.R14 || !isCondJump(insns[i+1].Op) {
			return 0
		}
		return starts[i+1] + uint64(insns[i+1].Len)
	}
	return 0
}

func isCondJump(op x86asm.Op) bool {
	switch op {
	case x86asm.JBE, x86asm.JB, x86asm.JA, x86asm.JAE, x86asm.JLE, x86asm.JL, x86asm.JG, x86asm.JGE:
		return true
	}
	return false
}

// checkBoundary returns an error naming the nearest instruction starts
// when off is inside an instruction of fc: a uprobe there would replace
// part of an instruction with a breakpoint and corrupt the program.
func (fc *funcCode) checkBoundary(fn string, off uint64) error {
	var before, after uint64
	found := false
	for _, s := range fc.starts {
		if s == off {
			return nil
		}
		if s < off {
			before = s
		} else if !found {
			after, found = s, true
		}
	}
	if !found {
		return fmt.Errorf("offset %d is inside the last instruction of %s, which starts at %s+%d", off, fn, fn, before)
	}
	return fmt.Errorf("offset %d is inside an instruction of %s: the nearest instruction boundaries are %s+%d and %s+%d", off, fn, fn, before, fn, after)
}
