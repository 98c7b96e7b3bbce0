package probes

// This file places function arguments and results (x86-64) where a uprobe
// finds them: by the C (System V) calling convention at a function's
// entry, and by Go's internal register ABI at a Go function's entry and
// at its RET instructions.

import (
	"debug/dwarf"

	"github.com/gtrace/gtrace/lang/types"
)

var (
	sysvIntRegs = []string{"di", "si", "dx", "cx", "r8", "r9"}
	goIntRegs   = []string{"ax", "bx", "cx", "di", "si", "r8", "r9", "r10", "r11"}
)

// goFPRegs is how many floating-point registers (X0-X14) Go passes
// values in.
const goFPRegs = 15

// sysvPieces places the C arguments ts at a function's entry: integers,
// pointers and enums in the next integer register, then on the stack
// above the return address; a struct of up to 16 bytes takes two
// registers when both are free. Floating-point values (in XMM registers,
// which uprobes do not see) get nil and take no integer register.
func sysvPieces(ts []dwarf.Type) [][]types.Piece {
	out := make([][]types.Piece, len(ts))
	reg, stack := 0, 8
	for i, t := range ts {
		t = underlying(t)
		size := int(t.Size())
		if hasFloat(t) || size <= 0 {
			if _, isStruct := t.(*dwarf.StructType); isStruct && size > 0 {
				stack += align(size, 8) // by value in memory or SSE registers: unread
			}
			continue
		}
		words := align(size, 8) / 8
		if words <= 2 && reg+words <= len(sysvIntRegs) {
			for w := range words {
				out[i] = append(out[i], types.Piece{Off: 8 * w, Size: min(8, size-8*w), Reg: sysvIntRegs[reg]})
				reg++
			}
			continue
		}
		out[i] = []types.Piece{{Size: size, Stack: stack}}
		stack += align(size, 8)
	}
	return out
}

// goAssign places values by Go's internal ABI: each value is split into
// its integer and floating-point parts, which take the next registers;
// a value that does not fit in the registers left goes to the stack
// whole, with its alignment.
type goAssign struct {
	ints, fps int
	stack     int // offset of the next stack value, from the first stack word
	pieces    []types.Piece
	float     bool // the value has floating-point parts (unread)
}

// place returns where a value of type t is, and false when part of it is
// in a floating-point register.
func (a *goAssign) place(t dwarf.Type) ([]types.Piece, bool) {
	ints, fps := a.ints, a.fps
	a.pieces, a.float = nil, false
	if a.regs(t, 0) {
		return a.pieces, !a.float
	}
	a.ints, a.fps, a.float = ints, fps, hasFloat(t)
	size := int(t.Size())
	al := goAlign(t)
	a.stack = align(a.stack, al)
	p := []types.Piece{{Size: size, Stack: 8 + a.stack}}
	a.stack += size
	return p, !a.float
}

// regs assigns t at offset off of its value to registers, and reports
// whether it fit.
func (a *goAssign) regs(t dwarf.Type, off int) bool {
	t = underlying(t)
	switch t := t.(type) {
	case *dwarf.StructType:
		for _, f := range t.Field {
			if !a.regs(f.Type, off+int(f.ByteOffset)) {
				return false
			}
		}
		return true
	case *dwarf.ArrayType:
		switch t.Count {
		case 0:
			return true
		case 1:
			return a.regs(t.Type, off)
		}
		return false
	case *dwarf.FloatType:
		a.fps++
		a.float = true
		return a.fps <= goFPRegs
	case *dwarf.ComplexType:
		a.fps += 2
		a.float = true
		return a.fps <= goFPRegs
	}
	size := int(t.Size())
	if size <= 0 {
		return true
	}
	if a.ints >= len(goIntRegs) || size > 8 {
		return false
	}
	a.pieces = append(a.pieces, types.Piece{Off: off, Size: size, Reg: goIntRegs[a.ints]})
	a.ints++
	return true
}

// goPieces places Go values: the arguments at a function's entry, or,
// with the argument types given as before, the results at its return
// (registers from RAX again; stack results after the stack arguments).
func goPieces(args, results []dwarf.Type, wantResults bool) [][]types.Piece {
	a := &goAssign{}
	var out [][]types.Piece
	for _, t := range args {
		p, ok := a.place(t)
		out = append(out, okPieces(p, ok))
	}
	if !wantResults {
		return out
	}
	out = nil
	a.ints, a.fps = 0, 0
	a.stack = align(a.stack, 8)
	for _, t := range results {
		p, ok := a.place(t)
		out = append(out, okPieces(p, ok))
	}
	return out
}

func okPieces(p []types.Piece, ok bool) []types.Piece {
	if !ok {
		return nil
	}
	return p
}

func underlying(t dwarf.Type) dwarf.Type {
	for {
		switch u := t.(type) {
		case *dwarf.TypedefType:
			t = u.Type
		case *dwarf.QualType:
			t = u.Type
		default:
			return t
		}
	}
}

// hasFloat reports whether t has a floating-point part.
func hasFloat(t dwarf.Type) bool {
	switch t := underlying(t).(type) {
	case *dwarf.FloatType, *dwarf.ComplexType:
		return true
	case *dwarf.StructType:
		for _, f := range t.Field {
			if hasFloat(f.Type) {
				return true
			}
		}
	case *dwarf.ArrayType:
		return hasFloat(t.Type)
	}
	return false
}

// goAlign is the alignment of a Go type on amd64.
func goAlign(t dwarf.Type) int {
	switch t := underlying(t).(type) {
	case *dwarf.StructType:
		al := 1
		for _, f := range t.Field {
			al = max(al, goAlign(f.Type))
		}
		return al
	case *dwarf.ArrayType:
		return goAlign(t.Type)
	case *dwarf.ComplexType:
		return int(t.Size() / 2)
	}
	return max(1, min(8, int(t.Size())))
}

func align(n, a int) int { return (n + a - 1) / a * a }
