package codegen_test

import (
	"fmt"

	"github.com/gtrace/gtrace/codegen"
	"github.com/gtrace/gtrace/lang"
	"github.com/gtrace/gtrace/lang/check"
)

// ExampleProgram_Listing shows the annotated listing "gtrace -d asm"
// prints: each program with its type and targets, the source of each
// statement above its first instruction, then the maps.
func ExampleProgram_Listing() {
	f, err := lang.Parse("<example>", `BEGIN { @n = 1; }`)
	if err != nil {
		panic(err)
	}
	info, err := (&check.Config{}).Check(f)
	if err != nil {
		panic(err)
	}
	prog, err := codegen.Compile(f, info, nil)
	if err != nil {
		panic(err)
	}
	fmt.Print(prog.Listing())
	// Output:
	// p0_BEGIN: RawTracepoint BEGIN
	// p0_BEGIN:
	// 	  ; BEGIN
	// 	 0: MovReg dst: r6 src: r1
	// 	  ; @n = 1
	// 	 1: MovImm dst: r0 imm: 1
	// 	 2: StXMemDW dst: rfp src: r0 off: -16 imm: 0
	// 	 3: StMemDW dst: rfp src: r0 off: -24 imm: 0
	// 	 4: LoadMapPtr dst: r1 fd: 0 <AT_n>
	// 	 6: MovReg dst: r2 src: rfp
	// 	 7: AddImm dst: r2 imm: -24
	// 	 8: MovReg dst: r3 src: rfp
	// 	 9: AddImm dst: r3 imm: -16
	// 	10: MovImm dst: r4 imm: 0
	// 	11: Call FnMapUpdateElem
	// 	12: JNEImm dst: r0 off: -1 imm: 0 <L2>
	// L3:
	// 	13: MovImm dst: r0 imm: 0
	// 	14: Exit
	// L2:
	// 	15: StMemDW dst: rfp src: r0 off: -32 imm: 0
	// 	16: LoadMapPtr dst: r1 fd: 0 <errors>
	// 	18: MovReg dst: r2 src: rfp
	// 	19: AddImm dst: r2 imm: -32
	// 	20: Call FnMapLookupElem
	// 	21: JEqImm dst: r0 off: -1 imm: 0 <L4>
	// 	22: LdXMemDW dst: r1 src: r0 off: 0 imm: 0
	// 	23: AddImm dst: r1 imm: 1
	// 	24: StXMemDW dst: r0 src: r1 off: 0 imm: 0
	// L4:
	// 	25: Ja off: -1 <L3>
	// map AT_n: Hash key 8 value 8 max 4096
	// map errors: PerCPUArray key 4 value 8 max 2
	// map ringbuf: RingBuf key 0 value 0 max 1048576
}
